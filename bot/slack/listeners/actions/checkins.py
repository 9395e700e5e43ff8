"""The four buttons of a check-in: update value and revise target open modals; "target still right" and "snooze a
week" answer at once. Every answer redraws the original message (chat.update) with who answered what."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.services import checkins as checkin_services
from bot.services import register as kpis
from bot.services.numbers import format_number
from bot.slack.blocks.checkin import (
    ACTION_REVISE,
    ACTION_SNOOZE,
    ACTION_TARGET_OK,
    ACTION_VALUE,
    answer_line,
    build_answered_checkin,
    build_checkin_message,
    build_revise_modal,
    build_value_modal,
    checkin_fallback,
    read_button_value,
)
from bot.slack.context import BotContext
from bot.slack.i18n import pick_language, t
from bot.store import CheckinNotFound, KpiNotFound

log = logging.getLogger(__name__)


def _button(body: dict) -> tuple[int, int, str] | None:
    actions = body.get("actions") or [{}]
    return read_button_value(actions[0].get("value"))


async def redraw_answered(
    client: AsyncWebClient, answered: checkin_services.AnsweredCheckin, language: str, line: str
) -> None:
    """Replace the check-in message with its current state and the answer line (no buttons)."""
    checkin, kpi = answered.checkin, answered.kpi
    if not checkin.channel_id or not checkin.message_ts:
        return
    message = build_checkin_message(
        kpi, answered.history, checkin_id=checkin.id, today=answered.today, language=language
    )
    await client.chat_update(
        channel=checkin.channel_id,
        ts=checkin.message_ts,
        blocks=build_answered_checkin(message, line),
        text=checkin_fallback(kpi, language),
    )


async def _refuse(respond: AsyncRespond, text: str) -> None:
    await respond(response_type="ephemeral", replace_original=False, text=text)


async def _answer_now(
    bot: BotContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
    service: Callable[..., checkin_services.AnsweredCheckin],
    answer: str,
    team_id: str,
    user_id: str,
    button: tuple[int, int, str],
) -> None:
    checkin_id, number, lang = button
    try:
        answered = await bot.db(service, team_id, checkin_id, number, user_id=user_id)
    except kpis.NotAllowed as refused:
        await _refuse(respond, t(lang, "error.not_allowed", owner=refused.owner_user_id or "", number=number))
        return
    except (CheckinNotFound, KpiNotFound):
        await _refuse(respond, t(lang, "checkin.gone", number=number))
        return
    until = answered.until.isoformat() if answered.until else ""
    await redraw_answered(client, answered, lang, answer_line(lang, answer, user_id, until=until))


async def _open_revise(
    bot: BotContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
    trigger_id: str,
    team_id: str,
    user_id: str,
    button: tuple[int, int, str],
    metadata: dict[str, Any],
) -> None:
    _, number, lang = button
    try:
        kpi = await bot.db(kpis.kpi_for_edit, team_id, number, user_id=user_id)
    except kpis.NotAllowed as refused:
        await _refuse(respond, t(lang, "error.not_allowed", owner=refused.owner_user_id or "", number=number))
        return
    except KpiNotFound:
        await _refuse(respond, t(lang, "checkin.gone", number=number))
        return
    view = build_revise_modal(lang, number, format_number(kpi.target, lang, unit=kpi.unit), metadata)
    await client.views_open(trigger_id=trigger_id, view=view)


def register(app: AsyncApp, bot: BotContext) -> None:
    """Register the check-in buttons; each acknowledges first and does its work after the ack."""

    def metadata(button: tuple[int, int, str]) -> dict[str, Any]:
        checkin_id, number, lang = button
        return {"lang": pick_language(lang), "checkin": checkin_id, "number": number}

    @app.action(ACTION_VALUE)
    async def update_value(ack: AsyncAck, body: dict, client: AsyncWebClient) -> None:
        await ack()
        button = _button(body)
        if button is None:
            return
        view = build_value_modal(pick_language(button[2]), button[1], metadata(button))
        bot.after_ack(client.views_open(trigger_id=body["trigger_id"], view=view), "views.open")

    @app.action(ACTION_REVISE)
    async def revise(
        ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond, context: AsyncBoltContext
    ) -> None:
        await ack()
        button = _button(body)
        if button is None:
            return
        work = _open_revise(
            bot,
            client,
            respond,
            body["trigger_id"],
            context.team_id or "",
            context.user_id or "",
            button,
            metadata(button),
        )
        bot.after_ack(work, "opening the revise-target modal")

    def answer_at_once(action_id: str, service: Any, answer: str, what: str) -> None:
        """A button whose answer needs no form: record it after the ack and redraw the check-in."""

        @app.action(action_id)
        async def answered(
            ack: AsyncAck, body: dict, client: AsyncWebClient, respond: AsyncRespond, context: AsyncBoltContext
        ) -> None:
            await ack()
            button = _button(body)
            if button is not None:
                team_id, user_id = context.team_id or "", context.user_id or ""
                work = _answer_now(bot, client, respond, service, answer, team_id, user_id, button)
                bot.after_ack(work, what)

    answer_at_once(ACTION_TARGET_OK, checkin_services.confirm_target, "target_ok", "confirming a target")
    answer_at_once(ACTION_SNOOZE, checkin_services.snooze, "snoozed", "snoozing check-ins")


__all__ = ["redraw_answered", "register"]
