"""Serving the app: HTTP (Starlette under uvicorn) at ``POST /slack/events``, or Socket Mode.

Every Slack request — slash commands, interactions, Events API callbacks — arrives at the one URL the manifest
names; ``GET /healthz`` tells a load balancer whether the database answers; the OAuth routes exist only when the
install flow is configured.
"""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Lifespan

from bot.services.register import database_ready
from bot.settings import Settings

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
log = logging.getLogger(__name__)


def create_web_app(app: AsyncApp, engine: Engine, *, lifespan: Lifespan[Starlette] | None = None) -> Starlette:
    """The ASGI application around the Bolt app; ``lifespan`` runs a worker's start-up and shutdown."""
    handler = AsyncSlackRequestHandler(app)

    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(_: Request) -> Response:
        ready = await asyncio.to_thread(database_ready, engine)
        return JSONResponse({"database": "ok" if ready else "unreachable"}, status_code=200 if ready else 503)

    routes = [
        Route(EVENTS_PATH, slack_events, methods=["POST"]),
        Route(HEALTH_PATH, healthz, methods=["GET"]),
    ]
    if app.oauth_flow is not None:
        routes.append(Route(app.oauth_flow.install_path, slack_events, methods=["GET"]))
        routes.append(Route(app.oauth_flow.redirect_uri_path, slack_events, methods=["GET"]))
    return Starlette(routes=routes, lifespan=lifespan)


async def serve_socket_mode(app: AsyncApp, settings: Settings) -> None:
    """Connect to Slack over a WebSocket (no public URL needed) and handle requests until cancelled."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(app, settings.app_token)
    await handler.start_async()
