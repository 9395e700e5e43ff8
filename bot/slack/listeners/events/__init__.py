"""Events API: a mention or a direct message starts (or continues) a coaching conversation in its thread; opening
the App Home tab publishes it (``bot.slack.home``).

A conversation is keyed by (team, channel, thread). Replies in a channel thread arrive as ``message.channels`` /
``message.groups`` events, which carry every message of every channel the bot is in: only threads that already have
a conversation row are answered, never other chatter. Slack retries an event it thinks we missed
(``X-Slack-Retry-Num``, same ``event_id``). Each event is claimed in the database before anything is posted, so a
retry — even one handled by another process — never answers twice.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation import CoachState, coach_turn
from bot.conversation.coach import mark_saved
from bot.services import coaching
from bot.services import register as kpis
from bot.slack.blocks import build_coach_saved, build_coach_turn, build_notice, coach_fallback
from bot.slack.context import BotContext, log_failure
from bot.slack.home import home_tabs
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


async def _coach(
    bot: BotContext,
    client: AsyncWebClient,
    context: AsyncBoltContext,
    where: _Message,
    text: str,
    *,
    only_known_threads: bool = False,
) -> None:
    """One turn of the thread's conversation: load its state, run the dialogue, store the turn, answer."""
    team_id, channel_id, thread_ts, user_id = context.team_id or "", where.channel, where.thread_ts, where.user
    stored = await bot.db(coaching.load_thread, team_id, channel_id, thread_ts)
    if stored is None and only_known_threads:
        return
    state = CoachState.from_dict(stored.state if stored else None)
    fallback_language = None
    if not state.started and not text.strip():
        fallback_language = pick_language(await bot.locales.learn(client, team_id, user_id))
    state, reply = coach_turn(state, text, today=date.today(), sender=user_id, fallback_language=fallback_language)

    def turn(new_state: CoachState, fallback: str) -> coaching.Turn:
        return coaching.Turn(
            user_id=user_id,
            language=new_state.language or reply.language,
            state=new_state.to_dict(),
            draft_text=new_state.draft.text if new_state.draft else None,
            user_text=text,
            bot_text=fallback,
            score=reply.score_after,
        )

    if reply.kind == "save" and reply.assessment is not None:
        # The KPI and the turn announcing its number are stored together (coaching.save_draft).
        fields = kpis.fields_from_goal(reply.assessment, user_id=user_id, channel_id=channel_id)
        if state.draft and state.draft.plan:
            fields["action_plan"] = state.draft.plan
        saved: dict[str, Any] = {}

        def saved_turn(kpi: Any) -> coaching.Turn:
            owner, lang = kpi.owner_user_id, reply.language
            saved["blocks"] = build_coach_saved(lang, number=kpi.number, name=kpi.name, owner=owner)
            saved["fallback"] = t(lang, "coach.saved", number=kpi.number, name=kpi.name, owner=owner)
            return turn(mark_saved(state, kpi.number), saved["fallback"])

        await bot.db(coaching.save_draft, team_id, channel_id, thread_ts, fields, saved_turn)
        blocks, fallback = saved["blocks"], saved["fallback"]
    else:
        if not text.strip() and not state.started:
            fallback = t(reply.language, "coach.empty")
            blocks = build_notice(fallback)
        else:
            blocks, fallback = build_coach_turn(reply), coach_fallback(reply)
        await bot.db(coaching.record_turn, team_id, channel_id, thread_ts, turn(state, fallback))
    await client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, blocks=blocks, text=fallback)


@dataclass(frozen=True)
class _Message:
    """Where a message event came from and who sent it: the only fields the coach needs, each a string."""

    channel: str
    thread_ts: str
    user: str


def _message_of(event: dict, context: AsyncBoltContext) -> _Message | None:
    """The channel, thread and sender of a message or mention; None when the event lacks one (Slack always sends
    them, so such an event is not one to answer)."""
    channel, ts, thread_ts = event.get("channel"), event.get("ts"), event.get("thread_ts")
    user = event.get("user") or context.user_id
    thread = thread_ts if isinstance(thread_ts, str) and thread_ts else ts
    if not all(isinstance(value, str) and value for value in (channel, thread, user)):
        return None
    return _Message(channel, thread, user)


async def _answer(
    bot: BotContext, body: dict, client: AsyncWebClient, context: AsyncBoltContext, text: str, *, direct: bool
) -> None:
    """Claim the event and coach; when that fails, say so in the thread (the turn was stored whole or not at all)."""
    where = _message_of(body.get("event") or {}, context)
    if where is None:
        return
    team_id = context.team_id or ""
    try:
        if await _first_delivery(bot, body, team_id):
            await _coach(bot, client, context, where, text, only_known_threads=not direct)
    except Exception as error:
        log_failure(log, f"coaching in {where.channel}", error)
        if direct:  # in a channel thread we may not even be coaching: no apology into other people's threads
            lang = pick_language(bot.locales.get(team_id, where.user))
            failed = t(lang, "error.failed")
            await client.chat_postMessage(channel=where.channel, thread_ts=where.thread_ts, text=failed)


async def _mentioned(bot: BotContext, body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
    text = (body.get("event") or {}).get("text") or ""
    await _answer(bot, body, client, context, _LEADING_MENTIONS.sub("", text), direct=True)


async def _message(
    bot: BotContext, body: dict, client: AsyncWebClient, context: AsyncBoltContext, *, direct: bool
) -> None:
    await _answer(bot, body, client, context, (body.get("event") or {}).get("text") or "", direct=direct)


async def _publish_home(bot: BotContext, event: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
    user_id = event.get("user") or context.user_id or ""
    await home_tabs(bot).opened(client, context.team_id or "", user_id, event.get("channel"))


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
