"""The front door of ``POST /slack/events``: every request is answered on purpose before any of Bolt runs.

In order: the body is read up to what Slack can send (more is refused while reading, never buffered); the
signature is checked with slack_sdk's ``SignatureVerifier`` once the headers are known to be well formed (it raises
on a timestamp that is not a number or a signature that is not ASCII); the body is parsed and its shape checked
(``bot.slack.envelopes``). Only then is it dispatched to the Bolt app, whose own verification is off because it
would check the same signature again and, on failure, log the whole unsigned body at INFO.

A refusal is logged as one line with the reason, the size and a hash of the body, never the body itself: anyone
who can reach the URL can send anything, and a log must not become their disk or memory.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from urllib.parse import parse_qsl

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from starlette.types import Receive, Scope, Send

from bot.metrics import ACK_SECONDS, REQUESTS, request_kind
from bot.slack.envelopes import FORM, JSON, BadBody, read_body

log = logging.getLogger(__name__)

# Slack caps a view at 250 kB and a message at 40,000 characters; a view submission carries the view, its state
# (≤ 100 inputs of ≤ 3,000 characters) and is form-encoded, which can triple its size. 2 MiB holds the largest
# genuine request with room to spare and bounds what one hostile request can make us hold.
BODY_MAX_BYTES = 2 * 1024 * 1024
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class Refused(Exception):
    """A request answered with ``status`` and ``reason`` before reaching Bolt."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class SlackGate:
    """An ASGI app for ``POST /slack/events``: checks, then ``AsyncApp.async_dispatch``, then Bolt's answer."""

    def __init__(self, app: AsyncApp, signing_secret: str, *, body_max_bytes: int = BODY_MAX_BYTES) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret) if signing_secret.strip() else None
        self.body_max_bytes = body_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status, kind = await self._answer_request(scope, receive, send)
        if status:
            REQUESTS.labels(kind=kind, status=str(status)).inc()
            ACK_SECONDS.labels(kind=kind).observe(time.perf_counter() - started)

    async def _answer_request(self, scope: Scope, receive: Receive, send: Send) -> tuple[int, str]:
        """Answer one request; returns the status sent and the request's kind (0 when the client left)."""
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        raw = b""
        try:
            raw = await self._read_body(headers, receive)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise Refused(400, "the body is not UTF-8") from None
            if _is_ssl_check(text, headers.get("content-type")):
                await _answer(send, 200, "", "text/plain")  # what Bolt answers; Slack may send it unsigned
                return 200, "other"
            self._verify(headers, text)
            try:
                checked = read_body(text, headers.get("content-type"))
            except BadBody as bad:
                raise Refused(bad.status, str(bad)) from None
        except Refused as refused:
            digest = hashlib.sha256(raw).hexdigest()[:16] if raw else "-"
            log.info("refused (%s): %s; %d bytes, sha256 %s", refused.status, refused.reason, len(raw), digest)
            await _answer(send, refused.status, json.dumps({"error": refused.reason}), "application/json")
            return refused.status, "other"
        except _Disconnected:
            return 0, "other"
        bolt_headers = {**headers, "content-type": JSON}
        query = scope.get("query_string", b"").decode("latin-1")
        response = await self.app.async_dispatch(AsyncBoltRequest(body=checked.text, query=query, headers=bolt_headers))
        content_type = response.headers.get("content-type", ["application/json"])[0]
        await _answer(send, response.status, response.body, content_type)
        return response.status, request_kind(checked.kind)

    async def _read_body(self, headers: dict[str, str], receive: Receive) -> bytes:
        declared = headers.get("content-length", "")
        if declared.isdecimal() and int(declared) > self.body_max_bytes:
            raise Refused(413, f"the body is larger than {self.body_max_bytes} bytes")
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            body.extend(message.get("body", b""))
            if len(body) > self.body_max_bytes:
                raise Refused(413, f"the body is larger than {self.body_max_bytes} bytes")
            if not message.get("more_body", False):
                return bytes(body)

    def _verify(self, headers: dict[str, str], text: str) -> None:
        timestamp = headers.get("x-slack-request-timestamp")
        signature = headers.get("x-slack-signature")
        if self.verifier is None:
            raise Refused(401, "this app has no signing secret, so it accepts no request")
        if not timestamp or not signature:
            raise Refused(401, "X-Slack-Request-Timestamp and X-Slack-Signature are required")
        if not _TIMESTAMP.fullmatch(timestamp):
            raise Refused(400, "X-Slack-Request-Timestamp must be a Unix time in seconds")
        if not _SIGNATURE.fullmatch(signature) or not self.verifier.is_valid(text, timestamp, signature):
            raise Refused(401, "invalid or expired signature")


class _Disconnected(Exception):
    """The client went away before sending the whole body: there is nobody to answer."""


def _is_ssl_check(text: str, content_type: str | None) -> bool:
    """Slack's periodic certificate check of a slash command URL: ``ssl_check=1&token=…``."""
    if len(text) > 200 or not (content_type or "").startswith(FORM):
        return False
    return dict(parse_qsl(text, keep_blank_values=True)).get("ssl_check") == "1"


async def _answer(send: Send, status: int, body: str, content_type: str) -> None:
    data = body.encode("utf-8")
    headers = [(b"content-type", content_type.encode("latin-1")), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
