"""The real app (create_app) behind Starlette, on a fresh database (SQLite and PostgreSQL), against a fake Slack.

Requests are signed like Slack signs them and go through ``POST /slack/events``; what the bot sends back (the HTTP
response) and what it sends to Slack afterwards (calls recorded by the fake) are what the tests assert on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from bot.settings import Settings
from bot.slack.app import create_app, make_web_client
from bot.slack.server import create_web_app
from bot.store import make_engine
from tests.support.fake_slack import (
    HOME_TEAM,
    FakeSlack,
    block_action_payload,
    command_body,
    event_body,
    interaction_body,
    signed_headers,
    view_submission_payload,
)

SECRET = "scenario-signing-secret"


class Harness:
    """Plays Slack: sends signed requests to the app and reads what the fake Web API received."""

    def __init__(self, http: TestClient, fake: FakeSlack, engine: Engine) -> None:
        self.http = http
        self.fake = fake
        self.engine = engine

    def post(self, body: str, *, content_type: str | None = None, headers: dict | None = None, **sign: Any):
        signed = signed_headers(SECRET, body, content_type=content_type, **sign)
        return self.http.post("/slack/events", content=body.encode(), headers={**signed, **(headers or {})})

    def command(self, text: str, **fields: Any):
        fields.setdefault("response_url", self.fake.response_url())
        return self.post(command_body(text, **fields))

    def command_json(self, text: str, **fields: Any) -> dict:
        response = self.command(text, **fields)
        assert response.status_code == 200, response.text
        return response.json()

    def action(self, action_id: str, value: str, **fields: Any):
        fields.setdefault("response_url", self.fake.response_url())
        return self.post(interaction_body(block_action_payload(action_id, value, **fields)))

    def submit(self, callback_id: str, values: dict, **fields: Any):
        return self.post(interaction_body(view_submission_payload(callback_id, values, **fields)))

    def event(self, event: dict, *, event_id: str, team_id: str = HOME_TEAM, retry: int | None = None):
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.post(
            event_body(event, event_id=event_id, team_id=team_id), content_type="application/json", headers=headers
        )


@contextmanager
def running_app(db_url: str, fake_slack: FakeSlack) -> Iterator[Harness]:
    """A fresh app on ``db_url`` talking to ``fake_slack``: a second one on the same database plays a restart."""
    settings = Settings(
        signing_secret=SECRET,
        bot_token="xoxb-scenario",
        app_token=None,
        client_id=None,
        client_secret=None,
        slack_api_url=fake_slack.url,
        database_url=db_url,
        port=0,
    )
    engine = make_engine(db_url)
    app = create_app(settings, engine, client=make_web_client(settings))
    try:
        with TestClient(create_web_app(app, engine, signing_secret=SECRET)) as http:
            yield Harness(http, fake_slack, engine)
    finally:
        engine.dispose()


@pytest.fixture
def slack(db_url: str, fake_slack: FakeSlack) -> Iterator[Harness]:
    with running_app(db_url, fake_slack) as harness:
        yield harness


def texts(blocks: Any) -> list[str]:
    """Every text Slack renders in ``blocks`` (text objects, fields, labels), not button values or ids."""
    found: list[str] = []
    if isinstance(blocks, dict):
        if blocks.get("type") in ("plain_text", "mrkdwn") and isinstance(blocks.get("text"), str):
            found.append(blocks["text"])
        for key, value in blocks.items():
            if key not in ("value", "private_metadata", "action_id", "block_id"):
                found.extend(texts(value))
    elif isinstance(blocks, list):
        for item in blocks:
            found.extend(texts(item))
    return found


def rendered(message: dict) -> str:
    """The message's visible text in one string: its blocks' texts and its fallback ``text``."""
    return "\n".join([*texts(message.get("blocks") or []), message.get("text") or ""])


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
