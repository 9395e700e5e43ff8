"""All listeners of the app, one package per kind; each has ``register(app, bot)``."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.context import BotContext
from bot.slack.listeners import actions, commands, events, views


def register_listeners(app: AsyncApp, bot: BotContext) -> None:
    """Attach every listener to ``app``."""
    commands.register(app, bot)
    actions.register(app, bot)
    views.register(app, bot)
    events.register(app, bot)
