"""Events API: a mention or a direct message starts (or continues) a coaching conversation in its thread; App Home
lists own KPIs.

A conversation is keyed by (team, channel, thread). Replies in a channel thread arrive as ``message.channels`` /
``message.groups`` events, which carry every message of every channel the bot is in: only threads that already have
a conversation row are answered, never other chatter. Slack retries an event it thinks we missed
(``X-Slack-Retry-Num``, same ``event_id``). Each event is claimed in the database before anything is posted, so a
retry — even one handled by another process — never answers twice.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation import CoachState, Reply, coach_turn
from bot.conversation.coach import mark_saved
from bot.services import coaching
from bot.services import register as kpis
from bot.slack.blocks import build_coach_saved, build_coach_turn, build_home, build_notice, coach_fallback
from bot.slack.context import BotContext
from bot.slack.i18n import pick_language, t

# The events manifest.yml subscribes to; tests/slack/test_manifest.py keeps the two in step.
SUBSCRIBED_EVENTS = ("app_mention", "message.im", "message.channels", "message.groups", "app_home_opened")
log = logging.getLogger(__name__)
_LEADING_MENTIONS = re.compile(r"^(?:\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s,:]*)+")


async def _first_delivery(bot: BotContext, body: dict, team_id: str) -> bool:
    """Claim the event; False for a retry (or a duplicate delivery) of one already handled."""
    event = body.get("event") or {}
    key = body.get("event_id") or f"{event.get('channel')}:{event.get('event_ts') or event.get('ts')}"
    return await bot.db(kpis.claim_event_once, team_id, key)


async def _save_draft(
    bot: BotContext, reply: Reply, state: CoachState, team_id: str, user_id: str, channel_id: str
) -> tuple[CoachState, list[dict], str]:
    """`save` typed in the thread: store the draft as a KPI (its owner, else the person who typed it)."""
    assert reply.assessment is not None
    fields = kpis.fields_from_goal(reply.assessment, user_id=user_id, channel_id=channel_id)
    if state.draft and state.draft.plan:
        fields["action_plan"] = state.draft.plan
    kpi = await bot.db(kpis.add_kpi, team_id, fields)
    blocks = build_coach_saved(reply.language, number=kpi.number, name=kpi.name, owner=kpi.owner_user_id)
    fallback = t(reply.language, "coach.saved", number=kpi.number, name=kpi.name, owner=kpi.owner_user_id)
    return mark_saved(state, kpi.number), blocks, fallback


async def _coach(
    bot: BotContext,
    client: AsyncWebClient,
    context: AsyncBoltContext,
    event: dict,
    text: str,
    *,
    only_known_threads: bool = False,
) -> None:
    """One turn of the thread's conversation: load its state, run the dialogue, store the turn, answer."""
    team_id, channel_id = context.team_id or "", event["channel"]
    thread_ts = event.get("thread_ts") or event.get("ts")
    user_id = event.get("user") or context.user_id or ""
    stored = await bot.db(coaching.load_thread, team_id, channel_id, thread_ts)
    if stored is None and only_known_threads:
        return
    state = CoachState.from_dict(stored.state if stored else None)
    fallback_language = None
    if not state.started and not text.strip():
        fallback_language = pick_language(await bot.locales.learn(client, team_id, user_id))
    state, reply = coach_turn(state, text, today=date.today(), sender=user_id, fallback_language=fallback_language)
    if reply.kind == "save" and reply.assessment is not None:
        state, blocks, fallback = await _save_draft(bot, reply, state, team_id, user_id, channel_id)
    elif not text.strip() and not state.started:
        fallback = t(reply.language, "coach.empty")
        blocks = build_notice(fallback)
    else:
        blocks, fallback = build_coach_turn(reply), coach_fallback(reply)
    language = state.language or reply.language
    await bot.db(
        coaching.record_turn,
        team_id,
        channel_id,
        thread_ts,
        user_id=user_id,
        language=language,
        state=state.to_dict(),
        draft_text=state.draft.text if state.draft else None,
        user_text=text,
        bot_text=fallback,
        score=reply.score_after,
    )
    await client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, blocks=blocks, text=fallback)


async def _mentioned(bot: BotContext, body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
    if not await _first_delivery(bot, body, context.team_id or ""):
        return
    event = body["event"]
    await _coach(bot, client, context, event, _LEADING_MENTIONS.sub("", event.get("text") or ""))


async def _message(
    bot: BotContext, body: dict, client: AsyncWebClient, context: AsyncBoltContext, *, direct: bool
) -> None:
    if not await _first_delivery(bot, body, context.team_id or ""):
        return
    event = body["event"]
    await _coach(bot, client, context, event, event.get("text") or "", only_known_threads=not direct)


async def _publish_home(bot: BotContext, event: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
    user_id = event.get("user") or context.user_id or ""
    lang = pick_language(await bot.locales.learn(client, context.team_id, user_id))
    owned = await bot.db(kpis.list_register, context.team_id or "", owner_user_id=user_id)
    await client.views_publish(user_id=user_id, view=build_home(owned, lang))


def _from_a_person(event: dict, context: AsyncBoltContext) -> bool:
    """Edits, deletions, joins and bot posts (ours included) are message events too; only a person's new message
    counts."""
    if event.get("subtype") or event.get("bot_id"):
        return False
    return bool(event.get("user")) and event.get("user") != context.bot_user_id


def register(app: AsyncApp, bot: BotContext) -> None:
    """Register the Events API listeners (one per subscribed event). Bolt acknowledges an event when its listener
    returns, so each listener only decides whether to act and leaves the work to ``after_ack``."""

    @app.event("app_mention")
    async def mentioned(body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        bot.after_ack(_mentioned(bot, body, client, context), "answering a mention")

    @app.event("message")
    async def message(body: dict, event: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        if not _from_a_person(event, context):
            return
        channel_type = event.get("channel_type")
        if channel_type == "im":
            bot.after_ack(_message(bot, body, client, context, direct=True), "answering a direct message")
            return
        # In a channel only thread replies can continue a conversation; a reply that mentions us also arrives as
        # app_mention, which answers it.
        mentions_us = bool(context.bot_user_id) and f"<@{context.bot_user_id}>" in (event.get("text") or "")
        if channel_type in ("channel", "group") and event.get("thread_ts") and not mentions_us:
            bot.after_ack(_message(bot, body, client, context, direct=False), "continuing a thread")

    @app.event("app_home_opened")
    async def home_opened(event: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        if event.get("tab", "home") == "home":
            bot.after_ack(_publish_home(bot, event, client, context), "publishing the Home tab")
