"""All listeners of the app, one package per kind; each has ``register(app, bot)``."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.slack.context import BotContext
from bot.slack.listeners import actions, commands, events, home, views


def register_listeners(app: AsyncApp, bot: BotContext) -> None:
    """Attach every listener to ``app``."""
    commands.register(app, bot)
    actions.register(app, bot)
    views.register(app, bot)
    events.register(app, bot)
    home.register(app, bot)

    @app.options(re.compile(".*"))
    async def no_options(ack: AsyncAck) -> None:
        """No menu of ours loads options from us; answering an empty list keeps Bolt from logging, as an
        unhandled request, the text someone typed into the menu."""
        await ack(options=[])
