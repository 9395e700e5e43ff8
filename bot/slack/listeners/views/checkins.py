"""Submissions of the check-in modals: a new value, or a revised target with its reason.

Validation errors go back into the modal; a valid submission is stored (milliseconds), the modal closes, and the
check-in message is redrawn after the ack.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.services import checkins as checkin_services
from bot.services import register as kpis
from bot.services.numbers import format_number, parse_number
from bot.slack.blocks import build_saved_modal
from bot.slack.blocks.checkin import CALLBACK_REVISE, CALLBACK_VALUE, answer_line, modal_text
from bot.slack.blocks.kpi import view_metadata, view_values
from bot.slack.context import BotContext, log_failure
from bot.slack.i18n import pick_language, t
from bot.slack.listeners.actions.checkins import redraw_answered
from bot.store import CheckinNotFound, KpiNotFound, is_row_number

log = logging.getLogger(__name__)
TEXT_MAX = 3000


def register(app: AsyncApp, bot: BotContext) -> None:
    """Register the check-in modal submissions."""

    @app.view(CALLBACK_VALUE)
    async def value_submitted(ack: AsyncAck, view: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        meta = view_metadata(view)
        lang = pick_language(meta.get("lang"))
        values = view_values(view)
        raw = modal_text(values, "value")
        value = parse_number(raw, lang) if raw else None
        checkin_id, number = meta.get("checkin"), meta.get("number")
        if value is None or not is_row_number(checkin_id) or not is_row_number(number):
            await ack(response_action="errors", errors={"value": t(lang, "modal.not_a_number")})
            return
        user_id = context.user_id or ""
        note = (modal_text(values, "note") or "")[:TEXT_MAX] or None
        try:
            answered = await bot.db(
                checkin_services.record_checkin_value,
                context.team_id or "",
                checkin_id,
                number,
                value,
                user_id=user_id,
                note=note,
            )
        except (CheckinNotFound, KpiNotFound):
            await ack(response_action="errors", errors={"value": t(lang, "checkin.gone", number=number)})
            return
        except Exception as error:
            log_failure(log, "recording a check-in value", error)
            await ack(response_action="errors", errors={"value": t(lang, "error.failed")})
            return
        await ack()
        shown = format_number(value, lang, unit=answered.kpi.unit)
        line = answer_line(lang, "value", user_id, value=shown)
        bot.after_ack(redraw_answered(client, answered, lang, line), "redrawing a check-in")

    @app.view(CALLBACK_REVISE)
    async def revise_submitted(ack: AsyncAck, view: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        meta = view_metadata(view)
        lang = pick_language(meta.get("lang"))
        values = view_values(view)
        raw = modal_text(values, "target")
        target = parse_number(raw, lang) if raw else None
        reason = (modal_text(values, "reason") or "")[:TEXT_MAX]
        checkin_id, number = meta.get("checkin"), meta.get("number")
        errors = {}
        if target is None:
            errors["target"] = t(lang, "modal.not_a_number")
        if not reason:
            errors["reason"] = t(lang, "checkin.revise_reason")
        if not is_row_number(checkin_id) or not is_row_number(number):
            errors["target"] = t(lang, "error.failed")
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        user_id = context.user_id or ""
        try:
            answered = await bot.db(
                checkin_services.revise_target,
                context.team_id or "",
                checkin_id,
                number,
                target,
                user_id=user_id,
                reason=reason,
            )
        except kpis.NotAllowed as refused:
            owner = refused.owner_user_id or ""
            await ack(
                response_action="errors", errors={"target": t(lang, "error.not_allowed", owner=owner, number=number)}
            )
            return
        except (CheckinNotFound, KpiNotFound):
            await ack(response_action="errors", errors={"target": t(lang, "checkin.gone", number=number)})
            return
        except Exception as error:
            log_failure(log, "revising a target", error)
            await ack(response_action="errors", errors={"target": t(lang, "error.failed")})
            return
        text = t(lang, "checkin.revised", number=number, old=answered.old, new=answered.new, grade=answered.kpi.grade)
        await ack(response_action="update", view=build_saved_modal(lang, text))
        line = answer_line(lang, "target_revised", user_id, old=answered.old, new=answered.new)
        bot.after_ack(redraw_answered(client, answered, lang, line), "redrawing a check-in")
