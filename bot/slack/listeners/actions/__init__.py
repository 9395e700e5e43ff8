"""The buttons under a `/kpi check` verdict: share it in the channel, save it as a KPI, explain the findings.

Each button carries the goal (see ``blocks.check.button_value``); it is graded again here, which takes well under a
millisecond and spares us storing every verdict we ever showed.
"""

from __future__ import annotations

import json
import logging

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import grading
from bot.metrics import GRADE_SECONDS, timing
from bot.services.register import fields_from_goal
from bot.slack.blocks import build_check_result, build_kpi_modal, build_why, fallback_text
from bot.slack.blocks.check import ACTION_SAVE, ACTION_SHARE, ACTION_WHY, goal_from_button_value
from bot.slack.blocks.kpi import CALLBACK_ADD
from bot.slack.context import BotContext
from bot.slack.listeners.actions import checkins as actions_checkins
from bot.slack.listeners.actions import coach as actions_coach

grade_goal = timing(GRADE_SECONDS)(grading.grade_goal)  # the grader stays free of metrics

log = logging.getLogger(__name__)


def _goal(body: dict) -> str:
    actions = body.get("actions") or [{}]
    return goal_from_button_value(actions[0].get("value"))


async def _share(respond: AsyncRespond, goal: str, user_id: str | None) -> None:
    assessment = grade_goal(goal)
    blocks = build_check_result(assessment, with_actions=False, shared_by=user_id)
    await respond(response_type="in_channel", replace_original=False, blocks=blocks, text=fallback_text(assessment))


async def _explain(respond: AsyncRespond, goal: str) -> None:
    assessment = grade_goal(goal)
    blocks = build_why(assessment)
    await respond(response_type="ephemeral", replace_original=False, blocks=blocks, text=fallback_text(assessment))


def register(app: AsyncApp, bot: BotContext) -> None:
    """Register the check-result buttons; each acknowledges, then answers after the ack."""
    actions_checkins.register(app, bot)
    actions_coach.register(app, bot)

    @app.action(ACTION_SHARE)
    async def share_check(ack: AsyncAck, body: dict, respond: AsyncRespond, context: AsyncBoltContext) -> None:
        await ack()
        goal = _goal(body)
        if goal:
            bot.after_ack(_share(respond, goal, context.user_id), "sharing a verdict")

    @app.action(ACTION_WHY)
    async def explain_check(ack: AsyncAck, body: dict, respond: AsyncRespond) -> None:
        await ack()
        goal = _goal(body)
        if goal:
            bot.after_ack(_explain(respond, goal), "explaining a verdict")

    @app.action(ACTION_SAVE)
    async def save_check(ack: AsyncAck, body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await ack()
        goal = _goal(body)
        assessment = grade_goal(goal) if goal else None
        channel_id = context.channel_id or (body.get("channel") or {}).get("id")
        user_id = context.user_id or ""
        lang = assessment.language if assessment else bot.locales.get(context.team_id, user_id) or "en"
        initial = fields_from_goal(assessment, user_id=user_id, channel_id=channel_id) if assessment else {}
        view = build_kpi_modal(
            lang,
            callback_id=CALLBACK_ADD,
            private_metadata=json.dumps({"lang": lang, "channel": channel_id}),
            initial=initial,
        )
        bot.after_ack(client.views_open(trigger_id=body["trigger_id"], view=view), "views.open")
