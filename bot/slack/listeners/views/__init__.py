"""Submissions of the add and edit modals.

A submission is validated first (errors go back into the modal next to the field); a valid one is stored and the
modal turns into a confirmation. Storing one row takes milliseconds, well inside Slack's 3 s.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import grading
from bot.metrics import GRADE_SECONDS, timing
from bot.services import register as kpis
from bot.slack.blocks import build_saved_modal, read_kpi_modal
from bot.slack.blocks.kpi import CALLBACK_ADD, CALLBACK_EDIT, view_metadata, view_values
from bot.slack.context import BotContext, log_failure
from bot.slack.escaping import echo_mrkdwn
from bot.slack.i18n import pick_language, t
from bot.slack.listeners.views import checkins as views_checkins
from bot.slack.owners import learn_owner_timezone_later
from bot.store import KpiNotFound, is_row_number

grade_goal = timing(GRADE_SECONDS)(grading.grade_goal)  # the grader stays free of metrics

log = logging.getLogger(__name__)


def _graded_fields(goal_text: str) -> dict[str, Any]:
    """What the grader adds when the modal holds a goal sentence: level, metric, grade and score."""
    if not goal_text:
        return {}
    a = grade_goal(goal_text)
    return {
        "metric": a.metric,
        "metric_label": a.metric_label[:255] if a.metric_label else None,
        "level": a.level,
        "funnel_stage": a.funnel_stage,
        "conversion": a.conversion,
        "grade": a.grade,
        "score": float(a.score),
        "language": a.language,
    }


def register(app: AsyncApp, bot: BotContext) -> None:
    """Register the modal submission listeners."""
    views_checkins.register(app, bot)

    @app.view(CALLBACK_ADD)
    async def add_submitted(ack: AsyncAck, view: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        meta = view_metadata(view)
        lang = pick_language(meta.get("lang"))
        fields, errors, _ = read_kpi_modal(view_values(view), lang)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        user_id = context.user_id or ""
        fields = {"language": lang, **fields, **_graded_fields(fields["goal_text"])}
        fields["creator_user_id"] = user_id
        fields["owner_user_id"] = fields.get("owner_user_id") or user_id
        fields["channel_id"] = fields.get("channel_id") or meta.get("channel")
        try:
            kpi = await bot.db(kpis.add_kpi, context.team_id or "", fields)
        except Exception as error:
            log_failure(log, "saving a KPI from the modal", error)
            await ack(response_action="errors", errors={"name": t(lang, "error.failed")})
            return
        text = t(
            lang,
            "add.saved",
            number=kpi.number,
            name=echo_mrkdwn(kpi.name, 120),
            owner=kpi.owner_user_id,
            grade=kpi.grade or "–",
        )
        await ack(
            response_action="update", view=build_saved_modal(lang, f"{text}\n{t(lang, 'add.tip', number=kpi.number)}")
        )
        learn_owner_timezone_later(bot, client, context.team_id or "", kpi.number, kpi.owner_user_id)

    @app.view(CALLBACK_EDIT)
    async def edit_submitted(ack: AsyncAck, view: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        meta = view_metadata(view)
        lang = pick_language(meta.get("lang"))
        number = meta.get("number")
        fields, errors, reason = read_kpi_modal(view_values(view), lang)
        if not is_row_number(number):
            errors["name"] = t(lang, "error.failed")
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        fields.update(_graded_fields(fields["goal_text"]))
        fields.pop("language", None)
        if not fields.get("owner_user_id"):
            fields.pop("owner_user_id")
        user_id = context.user_id or ""
        try:
            kpi = await bot.db(kpis.edit_kpi, context.team_id or "", number, fields, user_id=user_id, reason=reason)
        except KpiNotFound:
            await ack(response_action="errors", errors={"name": t(lang, "error.not_found", number=number)})
            return
        except kpis.NotAllowed as refused:
            owner = refused.owner_user_id or ""
            await ack(
                response_action="errors", errors={"name": t(lang, "error.not_allowed", owner=owner, number=number)}
            )
            return
        except Exception as error:
            log_failure(log, "saving an edited KPI", error)
            await ack(response_action="errors", errors={"name": t(lang, "error.failed")})
            return
        text = t(lang, "edit.saved", number=kpi.number, name=echo_mrkdwn(kpi.name, 120))
        await ack(response_action="update", view=build_saved_modal(lang, text))
        learn_owner_timezone_later(bot, client, context.team_id or "", kpi.number, kpi.owner_user_id)
