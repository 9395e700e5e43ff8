"""Events API: a mention or a direct message with a goal gets the verdict in its thread; App Home lists own KPIs.

Slack retries an event it thinks we missed (``X-Slack-Retry-Num``, same ``event_id``). Each event is claimed in the
database before anything is posted, so a retry — even one handled by another process — never answers twice.
"""

from __future__ import annotations

import logging
import re

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.grading import grade_goal
from bot.services import register as kpis
from bot.slack.blocks import build_coach_reply, build_home, build_notice, fallback_text
from bot.slack.context import BotContext
from bot.slack.i18n import pick_language, t

# The events manifest.yml subscribes to; tests/slack/test_manifest.py keeps the two in step.
SUBSCRIBED_EVENTS = ("app_mention", "message.im", "app_home_opened")
log = logging.getLogger(__name__)
_LEADING_MENTIONS = re.compile(r"^(?:\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s,:]*)+")


async def _first_delivery(bot: BotContext, body: dict, team_id: str) -> bool:
    """Claim the event; False for a retry (or a duplicate delivery) of one already handled."""
    event = body.get("event") or {}
    key = body.get("event_id") or f"{event.get('channel')}:{event.get('event_ts') or event.get('ts')}"
    return await bot.db(kpis.claim_event_once, team_id, key)


async def _answer_goal(
    bot: BotContext, client: AsyncWebClient, context: AsyncBoltContext, event: dict, text: str
) -> None:
    """Post the verdict on ``text`` in the thread of ``event`` (or a hint when there is no goal)."""
    thread_ts = event.get("thread_ts") or event.get("ts")
    if text.strip():
        assessment = grade_goal(text)
        blocks, fallback = build_coach_reply(assessment), fallback_text(assessment)
    else:
        lang = pick_language(await bot.locales.learn(client, context.team_id, context.user_id))
        fallback = t(lang, "coach.empty")
        blocks = build_notice(fallback)
    await client.chat_postMessage(channel=event["channel"], thread_ts=thread_ts, blocks=blocks, text=fallback)


async def _mentioned(bot: BotContext, body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
    if not await _first_delivery(bot, body, context.team_id or ""):
        return
    event = body["event"]
    await _answer_goal(bot, client, context, event, _LEADING_MENTIONS.sub("", event.get("text") or ""))


async def _direct_message(bot: BotContext, body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
    if not await _first_delivery(bot, body, context.team_id or ""):
        return
    event = body["event"]
    await _answer_goal(bot, client, context, event, event.get("text") or "")


async def _publish_home(bot: BotContext, event: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
    user_id = event.get("user") or context.user_id or ""
    lang = pick_language(await bot.locales.learn(client, context.team_id, user_id))
    owned = await bot.db(kpis.list_register, context.team_id or "", owner_user_id=user_id)
    await client.views_publish(user_id=user_id, view=build_home(owned, lang))


def register(app: AsyncApp, bot: BotContext) -> None:
    """Register the Events API listeners (one per subscribed event). Bolt acknowledges an event when its listener
    returns, so each listener only decides whether to act and leaves the work to ``after_ack``."""

    @app.event("app_mention")
    async def mentioned(body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        bot.after_ack(_mentioned(bot, body, client, context), "answering a mention")

    @app.event("message")
    async def direct_message(body: dict, event: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        # Edits, deletions, joins and bot posts are message events too; only a person's new DM is a goal.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        bot.after_ack(_direct_message(bot, body, client, context), "answering a direct message")

    @app.event("app_home_opened")
    async def home_opened(event: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        if event.get("tab", "home") == "home":
            bot.after_ack(_publish_home(bot, event, client, context), "publishing the Home tab")
