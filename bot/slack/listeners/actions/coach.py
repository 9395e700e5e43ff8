"""The coach's buttons in a thread (``coach_*``): each stands for a reply — save, save anyway, keep going, skip, start
over, or the person a name means — and takes a turn in the thread it was pressed in, as if typed there.

The value is checked before anything happens: one of the dialogue's button commands, or ``owner:`` and a Slack user
id. The thread is the message's own (``container.thread_ts``, else the message's thread or ts).
"""

from __future__ import annotations

import logging
import re

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation.coach import BUTTON_COMMANDS, OWNER_BUTTON
from bot.services.commands import is_slack_user_id
from bot.slack.blocks.coach import ACTION_PREFIX
from bot.slack.coach_thread import Thread, run_turn
from bot.slack.context import BotContext, log_failure
from bot.slack.i18n import pick_language, t

log = logging.getLogger(__name__)


def pressed_value(body: dict) -> str | None:
    """The button's command when it is one of ours; None otherwise."""
    actions = body.get("actions") or [{}]
    value = actions[0].get("value") if isinstance(actions[0], dict) else None
    if not isinstance(value, str):
        return None
    if value in BUTTON_COMMANDS:
        return value
    if value.startswith(OWNER_BUTTON) and is_slack_user_id(value[len(OWNER_BUTTON) :]):
        return value
    return None


def thread_of(body: dict, context: AsyncBoltContext) -> Thread | None:
    """The thread the pressed message is in, and who pressed; None when the payload lacks any of them."""
    container = body.get("container") if isinstance(body.get("container"), dict) else {}
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    channel = context.channel_id or container.get("channel_id")
    thread_ts = container.get("thread_ts") or message.get("thread_ts") or container.get("message_ts")
    user = context.user_id
    values = (context.team_id, channel, thread_ts, user)
    if not all(isinstance(v, str) and v for v in values):
        return None
    return Thread(*values)  # type: ignore[arg-type]


async def _press(bot: BotContext, client: AsyncWebClient, where: Thread, pressed: str) -> None:
    try:
        await run_turn(bot, client, where, "", pressed=pressed, only_known_threads=True)
    except Exception as error:
        log_failure(log, f"a coach button in {where.channel}", error)
        lang = pick_language(bot.locales.get(where.team, where.user))
        await client.chat_postMessage(channel=where.channel, thread_ts=where.thread_ts, text=t(lang, "error.failed"))


def register(app: AsyncApp, bot: BotContext) -> None:
    """Register the coach's buttons: acknowledge, then take the turn after the ack."""

    @app.action(re.compile(f"^{ACTION_PREFIX}"))
    async def coach_button(ack: AsyncAck, body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await ack()
        pressed, where = pressed_value(body), thread_of(body, context)
        if pressed is not None and where is not None:
            bot.after_ack(_press(bot, client, where, pressed), "a coach button")
