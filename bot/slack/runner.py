"""Starting the bot in one event loop: check the token, then serve HTTP under uvicorn or connect in Socket Mode."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.settings import Settings
from bot.slack.app import check_token, create_app
from bot.slack.server import create_web_app, serve_socket_mode
from bot.store import make_engine


class StartupError(RuntimeError):
    """The bot cannot start; the message is the one line `kpi-advisor serve` prints."""


async def run(settings: Settings, *, host: str, log_level: str = "info", checkins: bool = True) -> None:
    """Build the app on the configured database and serve until interrupted; with ``checkins``, the check-in
    scheduler ticks in the same event loop."""
    engine = make_engine(settings.database_url)
    scheduler = None
    try:
        app = create_app(settings, engine)
        try:
            await check_token(app)
        except SlackApiError as error:
            reason = error.response.get("error", "refused")
            raise StartupError(f"Slack refused SLACK_BOT_TOKEN ({reason}): copy a fresh xoxb- token") from None
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise StartupError(f"cannot reach Slack at {settings.slack_api_url}: {error}") from None
        if checkins:
            from bot.checkins.runner import start_scheduler

            scheduler = start_scheduler(settings, engine)
        if settings.socket_mode:
            await serve_socket_mode(app, settings)
            return
        import uvicorn

        config = uvicorn.Config(
            create_web_app(app, engine),
            host=host,
            port=settings.port,
            log_level=log_level,
            access_log=False,
            lifespan="off",
        )
        server = uvicorn.Server(config)
        try:
            await server.serve()
        except SystemExit:  # uvicorn exits when it cannot bind the port; its log says why
            raise StartupError(f"cannot listen on {host}:{settings.port}") from None
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        engine.dispose()
