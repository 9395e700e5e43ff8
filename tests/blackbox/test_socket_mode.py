"""Black box: `kpi-advisor serve` with SLACK_APP_TOKEN connects over Socket Mode instead of listening for HTTP.

A fake Socket Mode endpoint plays Slack: apps.connections.open (on the fake Web API) hands out its WebSocket URL,
it greets the bot with ``hello``, sends a slash command envelope, and expects the acknowledgement — carrying the
answer — back on the same socket, tagged with the envelope id.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.support.fake_slack import FakeSlack
from tests.support.serving import KPI_ADVISOR

TIMEOUT_SECONDS = 30


class SocketModeEndpoint:
    """A WebSocket server on port 0 that sends each queued envelope once the bot connects, and collects replies."""

    def __init__(self, envelopes: list[dict[str, Any]]) -> None:
        self.envelopes = envelopes
        self.replies: list[dict[str, Any]] = []
        self.done = threading.Event()
        self.port = 0
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        for envelope in self.envelopes:
            await ws.send_str(json.dumps(envelope))
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.replies.append(json.loads(message.data))
                if len(self.replies) >= len(self.envelopes):
                    self.done.set()
        return ws

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/link", self._socket)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()

    def start(self) -> SocketModeEndpoint:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)


def _command(text: str) -> dict[str, Any]:
    return {
        "envelope_id": "env-1",
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": {
            "command": "/kpi",
            "text": text,
            "team_id": "T0SOCK",
            "user_id": "U0SOCK",
            "channel_id": "C0SOCK",
            "trigger_id": "1.2.3",
            "response_url": "http://127.0.0.1:9/unused",
        },
    }


def test_socket_mode_answers_a_slash_command_over_the_websocket(tmp_path: Path) -> None:
    endpoint = SocketModeEndpoint([_command("check Get 500 likes on Instagram by March")]).start()

    class Fake(FakeSlack):
        def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
            if method == "apps.connections.open":
                return {"ok": True, "url": f"ws://127.0.0.1:{endpoint.port}/link"}
            return super().answer(method, args)

    fake = Fake().start()
    env = {
        "PATH": "/usr/bin:/bin",
        "SLACK_APP_TOKEN": "xapp-1-socket",
        "SLACK_BOT_TOKEN": "xoxb-socket",
        "SLACK_API_URL": fake.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kpi.db'}",
    }
    process = subprocess.Popen(
        [str(KPI_ADVISOR), "serve", "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        if not endpoint.done.wait(TIMEOUT_SECONDS):
            process.terminate()
            pytest.fail(f"no acknowledgement over the socket; serve said: {process.communicate(timeout=10)[0]}")
        reply = endpoint.replies[0]
        assert reply["envelope_id"] == "env-1"
        answer = json.dumps(reply["payload"], ensure_ascii=False)
        assert "/100" in answer and "check_save" in answer, answer[:300]
        assert fake.of("apps.connections.open")[0].headers.get("Authorization") == "Bearer xapp-1-socket"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        endpoint.stop()
        fake.stop()
