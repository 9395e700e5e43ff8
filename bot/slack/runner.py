"""Starting the bot: check the token, then serve HTTP under uvicorn (one process, or several workers) or connect in
Socket Mode."""

from __future__ import annotations

import logging

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.settings import Settings
from bot.slack.app import check_token, create_app
from bot.slack.server import create_web_app, serve_socket_mode
from bot.store import make_engine

LOG_LEVEL_VARIABLE = "KPI_ADVISOR_LOG_LEVEL"
CHECKINS_VARIABLE = "KPI_ADVISOR_WORKER_RUNS_CHECKINS"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class StartupError(RuntimeError):
    """The bot cannot start; the message is the one line `kpi-advisor serve` prints."""


async def _verify_token(app: AsyncApp, settings: Settings) -> None:
    try:
        await check_token(app)
    except SlackApiError as error:
        reason = error.response.get("error", "refused")
        raise StartupError(f"Slack refused SLACK_BOT_TOKEN ({reason}): copy a fresh xoxb- token") from None
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        raise StartupError(f"cannot reach Slack at {settings.slack_api_url}: {error}") from None


async def verify_slack(settings: Settings) -> None:
    """Fail with a StartupError line when the token is refused or Slack is unreachable (before workers start)."""
    engine = make_engine(settings.database_url)
    try:
        await _verify_token(create_app(settings, engine), settings)
    finally:
        engine.dispose()


def run_workers(settings: Settings, *, host: str, workers: int, log_level: str = "info", checkins: bool = True) -> None:
    """Serve HTTP from ``workers`` processes on one port (``bot.slack.workers``), until SIGTERM or SIGINT; with
    ``checkins`` the first worker also runs the check-in scheduler (one ticking process is enough, though claims
    would keep several from posting twice).

    Each worker builds its own app from the environment (``bot.slack.asgi``); call ``verify_slack`` first so a bad
    token stops start-up with one line instead of N crashing workers.
    """
    import os
    import shutil
    import tempfile

    from bot.metrics import MULTIPROCESS_ENV
    from bot.slack.workers import Supervisor, WorkersUnavailable, reserve_port

    try:
        reserved = reserve_port(host, settings.port)
    except WorkersUnavailable as error:
        raise StartupError(str(error)) from None
    port = reserved.getsockname()[1]
    os.environ[LOG_LEVEL_VARIABLE] = log_level  # the workers are new processes: they read it in create_asgi_app
    metrics_dir = tempfile.mkdtemp(prefix="kpi-advisor-metrics-")
    os.environ.setdefault(MULTIPROCESS_ENV, metrics_dir)  # every worker counts into it; /metrics sums them
    logging.getLogger(__name__).info("serving on %s:%s with %s worker processes", host, port, workers)
    try:
        Supervisor(host, port, workers, log_level, scheduler=checkins).run()
    finally:
        reserved.close()
        shutil.rmtree(metrics_dir, ignore_errors=True)


async def run(settings: Settings, *, host: str, log_level: str = "info", checkins: bool = True) -> None:
    """Build the app on the configured database and serve until interrupted; with ``checkins``, the check-in
    scheduler ticks in the same event loop."""
    engine = make_engine(settings.database_url)
    scheduler = None
    try:
        app = create_app(settings, engine)
        await _verify_token(app, settings)
        if checkins:
            from bot.checkins.runner import start_scheduler

            scheduler = start_scheduler(settings, engine)
        if settings.socket_mode:
            await serve_socket_mode(app, settings)
            return
        import uvicorn

        config = uvicorn.Config(
            create_web_app(app, engine, signing_secret=settings.signing_secret),
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
