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
from starlette.types import ASGIApp, Lifespan, Receive, Scope, Send

from bot.metrics import exposition
from bot.services.register import database_ready
from bot.settings import Settings
from bot.slack.gate import SlackGate

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
HEALTH_TIMEOUT_SECONDS = 1.0  # load balancers wait a few seconds; answer well within that
log = logging.getLogger(__name__)


class _EventsFirst:
    """``POST /slack/events`` straight to the gate (``bot.slack.gate``), which checks the request and dispatches it
    to Bolt; everything else (health, OAuth, lifespan) to Starlette. Every Slack request takes the first path, and
    Starlette's request, routing and response objects cost about a tenth of a `/kpi check` on it."""

    def __init__(self, events: SlackGate, rest: Starlette) -> None:
        self._events, self.rest = events, rest

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == EVENTS_PATH:
            await self._events(scope, receive, send)
        else:
            await self.rest(scope, receive, send)


class HealthProbe:
    """`/healthz`'s database check: a write (``database_ready``), answered within ``timeout`` seconds.

    A paused PostgreSQL (SIGSTOP) never answers and a thread cannot be cancelled, so at most one probe runs at a
    time: while it hangs, every health check answers 503 at once instead of piling up threads that the listeners'
    database work (``asyncio.to_thread``) needs too.
    """

    def __init__(self, engine: Engine, timeout: float = HEALTH_TIMEOUT_SECONDS) -> None:
        self.engine = engine
        self.timeout = timeout
        self._running: asyncio.Future[bool] | None = None

    async def ready(self) -> bool:
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(asyncio.to_thread(database_ready, self.engine))
        try:
            return await asyncio.wait_for(asyncio.shield(self._running), self.timeout)
        except TimeoutError:
            log.warning("the database did not answer the health check within %s s", self.timeout)
            return False


def create_web_app(
    app: AsyncApp, engine: Engine, *, signing_secret: str, lifespan: Lifespan[Starlette] | None = None
) -> ASGIApp:
    """The ASGI application around the Bolt app; ``signing_secret`` is what the gate checks every Slack request
    against, ``lifespan`` runs a worker's start-up and shutdown."""
    handler = AsyncSlackRequestHandler(app)

    async def oauth_page(request: Request) -> Response:
        return await handler.handle(request)

    probe = HealthProbe(engine)

    async def healthz(_: Request) -> Response:
        ready = await probe.ready()
        return JSONResponse({"database": "ok" if ready else "unreachable"}, status_code=200 if ready else 503)

    async def metrics(_: Request) -> Response:
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    routes = [Route(HEALTH_PATH, healthz, methods=["GET"]), Route(METRICS_PATH, metrics, methods=["GET"])]
    if app.oauth_flow is not None:
        routes.append(Route(app.oauth_flow.install_path, oauth_page, methods=["GET"]))
        routes.append(Route(app.oauth_flow.redirect_uri_path, oauth_page, methods=["GET"]))
    return _EventsFirst(SlackGate(app, signing_secret), Starlette(routes=routes, lifespan=lifespan))


async def serve_socket_mode(app: AsyncApp, settings: Settings) -> None:
    """Connect to Slack over a WebSocket (no public URL needed) and handle requests until cancelled."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(app, settings.app_token)
    await handler.start_async()
