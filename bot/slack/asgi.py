"""The ASGI application as a factory that builds everything from the environment, for uvicorn's worker processes.

``kpi-advisor serve --workers N`` runs N processes that each import this factory: grading is CPU work in Python, so
one process saturates one core, and Slack's 3 s budget is only safe under load when every core serves requests.
The parent process has already checked the configuration, migrated the database and verified the token, so a
worker only repeats the cheap parts (auth.test is answered once per worker and cached).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.types import ASGIApp

from bot.settings import settings_from_env
from bot.slack.app import check_token, create_app
from bot.slack.runner import CHECKINS_VARIABLE, LOG_FORMAT, LOG_LEVEL_VARIABLE
from bot.slack.server import create_web_app
from bot.store import make_engine


def create_asgi_app() -> ASGIApp:
    """Build one worker's app: settings from the environment, its own engine and Bolt app."""
    level = os.environ.get(LOG_LEVEL_VARIABLE, "info").upper()
    logging.basicConfig(level=level if level in logging.getLevelNamesMapping() else "INFO", format=LOG_FORMAT)
    settings = settings_from_env()
    engine = make_engine(settings.database_url)
    app = create_app(settings, engine)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await check_token(app)  # before the first request, so no request waits for auth.test
        scheduler = None
        if os.environ.get(CHECKINS_VARIABLE):
            from bot.checkins.runner import start_scheduler

            scheduler = start_scheduler(settings, engine)
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            engine.dispose()

    return create_web_app(app, engine, signing_secret=settings.signing_secret, lifespan=lifespan)
