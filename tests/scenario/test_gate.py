"""The gate in front of Bolt: malformed, unsigned and oversized requests are answered on purpose, before anything
runs, and their bodies never reach the log."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time

import pytest

from bot.slack.gate import BODY_MAX_BYTES, SlackGate
from scenario.conftest import SECRET, Harness, rendered
from tests.support.fake_slack import command_body, interaction_body, view_submission_payload

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def backend() -> str:
    """SQLite only: nothing here is about the database."""
    return "sqlite"


def _signed(body: bytes, *, timestamp: str | None = None, content_type: str = FORM) -> dict[str, str]:
    ts = timestamp or str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}", "Content-Type": content_type}


def _post(slack: Harness, body: bytes, headers: dict[str, str]):
    return slack.http.post("/slack/events", content=body, headers=headers)


UNSIGNED = [
    (b"text=\xff", {"Content-Type": FORM}),
    (b"payload=x", {"Content-Type": FORM}),
    (b"payload=[]", {"Content-Type": FORM}),
    (b"not json", {"Content-Type": "application/json"}),
    (b"a=b", {"Content-Type": FORM, "X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"}),
    (b"a=b", {"Content-Type": FORM, "X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": "v0=x"}),
    (command_body("add SECRET-BODY-MARKER").encode(), {"Content-Type": FORM}),
]


@pytest.mark.parametrize(("body", "headers"), UNSIGNED)
def test_unsigned_or_malformed_requests_get_a_4xx_and_nothing_runs(
    slack: Harness, body: bytes, headers: dict, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = _post(slack, body, headers)
    assert 400 <= response.status_code < 500 and response.json()["error"]
    slack.fake.settle(0.1)
    assert slack.fake.calls == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert "SECRET-BODY-MARKER" not in caplog.text and "\\xff" not in caplog.text


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"payload=x", FORM, "not valid JSON"),
        (b"payload=[]", FORM, "JSON object"),
        (b"{not json", "application/json", "not valid JSON"),
        (b"text=hi", FORM, "command"),
        (b"a=b", "text/plain", "content type"),
        (b"[" * 50_000, "application/json", "nested too deeply"),
        (
            interaction_body({**view_submission_payload("kpi_add", {}), "view": {"type": "modal", "callback_id": "x"}}),
            FORM,
            "",
        ),
    ],
)
def test_signed_bodies_that_are_not_slack_requests_get_a_400_naming_the_problem(
    slack: Harness, body: bytes | str, content_type: str, reason: str
) -> None:
    raw = body.encode() if isinstance(body, str) else body
    response = _post(slack, raw, _signed(raw, content_type=content_type))
    assert response.status_code in (400, 415), response.text
    assert reason in response.json()["error"]
    if b"view_submission" in raw:
        assert response.json()["error"] == "view.state: Field required"


def test_a_timestamp_that_is_not_a_number_is_a_400_and_a_stale_one_a_401(slack: Harness) -> None:
    body = command_body("help").encode()
    assert _post(slack, body, _signed(body, timestamp="12abc")).status_code == 400
    assert _post(slack, body, _signed(body, timestamp=str(int(time.time()) - 301))).status_code == 401


def test_a_command_mentioning_the_word_payload_is_answered(slack: Harness) -> None:
    """Bolt reads any form body containing "payload" as an interaction; the gate hands it JSON instead."""
    answer = slack.command_json("check Get more payload conversions by June")
    assert "/100" in rendered(answer)


def test_nul_and_lone_surrogates_are_replaced_not_stored_or_refused(slack: Harness) -> None:
    answer = slack.command_json("add Get 40 enquiries\x00 a month by June")
    assert "Saved as *#1* Get 40 enquiries\ufffd a month" in rendered(answer)


def test_ssl_check_and_url_verification_are_answered(slack: Harness) -> None:
    ssl = _post(slack, b"ssl_check=1&token=x", {"Content-Type": FORM})
    assert ssl.status_code == 200 and ssl.text == ""
    challenge = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"}).encode()
    answer = _post(slack, challenge, _signed(challenge, content_type="application/json"))
    assert answer.status_code == 200 and answer.json() == {"challenge": "c-123"}


def test_an_oversized_body_is_refused_while_it_is_read() -> None:
    """A 200 MB body in 64 kB chunks: the gate stops reading just past the cap and answers 413."""
    chunk, chunks = b"x" * 65536, 200 * 1024 * 1024 // 65536
    read = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal read
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": read < chunks}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/slack/events", "headers": [], "query_string": b""}
    asyncio.run(SlackGate(None, SECRET)(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 413
    assert read * len(chunk) <= BODY_MAX_BYTES + len(chunk)
    declared = [(b"content-length", str(200 * 1024 * 1024).encode())]
    read, sent = 0, []
    asyncio.run(SlackGate(None, SECRET)({**scope, "headers": declared}, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 413 and read == 0
