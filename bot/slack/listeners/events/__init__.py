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

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners
from slack_sdk.web.async_client import AsyncWebClient

from bot.services import register as kpis
from bot.services import workspaces
from bot.slack.coach_thread import Thread, run_turn
from bot.slack.context import BotContext, log_failure
from bot.slack.home import home_tabs
from bot.slack.i18n import pick_language, t

# The events manifest.yml subscribes to; tests/slack/test_manifest.py keeps the two in step.
SUBSCRIBED_EVENTS = (
    "app_mention",
    "message.im",
    "message.channels",
    "message.groups",
    "app_home_opened",
    "app_uninstalled",
    "tokens_revoked",
)
log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@(?P<user>[UW][A-Z0-9]+)(?:\|[^>]*)?>[\s,:]*")


def without_our_mention(text: str, bot_user_id: str | None) -> str:
    """The text of a mention without the bot's own name; anyone else mentioned stays, since "@KPI advisor @Kari
    owns it" names the owner (and the bot is never one)."""
    return _MENTION.sub(lambda m: "" if m.group("user") == bot_user_id else m.group(0), text).strip()


async def _first_delivery(bot: BotContext, body: dict, team_id: str) -> bool:
    """Claim the event; False for a retry (or a duplicate delivery) of one already handled."""
    event = body.get("event") or {}
    key = body.get("event_id") or f"{event.get('channel')}:{event.get('event_ts') or event.get('ts')}"
    return await bot.db(kpis.claim_event_once, team_id, key)


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
            thread = Thread(team_id, where.channel, where.thread_ts, where.user)
            await run_turn(bot, client, thread, text, only_known_threads=not direct)
    except Exception as error:
        log_failure(log, f"coaching in {where.channel}", error)
        if direct:  # in a channel thread we may not even be coaching: no apology into other people's threads
            lang = pick_language(bot.locales.get(team_id, where.user))
            failed = t(lang, "error.failed")
            await client.chat_postMessage(channel=where.channel, thread_ts=where.thread_ts, text=failed)


async def _mentioned(bot: BotContext, body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
    text = (body.get("event") or {}).get("text") or ""
    await _answer(bot, body, client, context, without_our_mention(text, context.bot_user_id), direct=True)


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


async def _app_left(app: AsyncApp, bot: BotContext, event: dict, context: AsyncBoltContext) -> None:
    """The app was uninstalled, or its tokens revoked: forget the tokens (OAuth mode, Bolt's own handlers) and,
    once the bot token is gone, stop the workspace's check-ins and reviews. Done before the ack, so a failure is
    retried by Slack; both steps are idempotent, and Slack sends the two events in either order."""
    team_id = context.team_id
    if not team_id:
        return
    revoked_bot = event.get("type") == "app_uninstalled" or bool((event.get("tokens") or {}).get("bot"))
    try:
        if app.installation_store is not None:
            builtins = AsyncTokenRevocationListeners(app.installation_store)
            if event.get("type") == "app_uninstalled":
                await builtins.handle_app_uninstalled_events(context)
            else:
                await builtins.handle_tokens_revoked_events(event, context)
        if revoked_bot:
            await bot.db(workspaces.workspace_uninstalled, team_id)
    except Exception as error:
        log_failure(log, f"forgetting the installation of {team_id}", error)


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

    @app.event("app_uninstalled")
    async def uninstalled(event: dict, context: AsyncBoltContext) -> None:
        await _app_left(app, bot, event, context)

    @app.event("tokens_revoked")
    async def tokens_revoked(event: dict, context: AsyncBoltContext) -> None:
        await _app_left(app, bot, event, context)

    @app.event("app_home_opened")
    async def home_opened(event: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        if event.get("tab", "home") == "home":
            bot.after_ack(_publish_home(bot, event, client, context), "publishing the Home tab")
