"""The baseline for bench/slack_check_throughput.py: a Bolt AsyncApp with Bolt's defaults that only acks `/kpi`.

Started as `python bench/bare_bolt_app.py PORT WORKERS`: served by the same worker supervisor as
`kpi-advisor serve --workers N` (one SO_REUSEPORT socket per worker), so only the app differs.
"""

from __future__ import annotations

import os
import sys

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def create() -> Starlette:
    # Taken out of the environment: Bolt would read it again and warn that the client's token takes precedence.
    token = os.environ.pop("SLACK_BOT_TOKEN")
    app = AsyncApp(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        client=AsyncWebClient(token=token, base_url=os.environ["SLACK_API_URL"]),
    )

    @app.command("/kpi")
    async def kpi(ack: AsyncAck) -> None:
        await ack()

    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])


if __name__ == "__main__":
    from bot.slack.workers import Supervisor, reserve_port

    port, workers = int(sys.argv[1]), int(sys.argv[2])
    reserved = reserve_port("127.0.0.1", port)
    Supervisor("127.0.0.1", port, workers, "warning", factory="bare_bolt_app:create").run()
    reserved.close()
