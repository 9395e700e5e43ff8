"""Black box: a Swedish coaching dialogue in a direct message against `kpi-advisor serve`, then `/kpi visa`.

The person writes as people do — a filler word before today's value, "vet inte" when asked who owns it, the owner
as a mention, a plan that names a month — and `spara` must store exactly that: today's value as the baseline, the
target, the deadline, the owner and the plan, never "vet inte" as an owner.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from tests.support.fake_slack import (
    FakeSlack,
    command_body,
    event_body,
    member,
    signed_headers,
)
from tests.support.serving import Served, serving

SECRET = "blackbox-coach-secret"


class Dialogue:
    """A DM thread with the bot: each message is posted as Slack posts a message.im event, and the bot's answer
    in the thread is read from what the fake Slack received."""

    def __init__(self, served: Served, fake: FakeSlack) -> None:
        self.http = httpx.Client(base_url=served.base, timeout=10)
        self.fake = fake
        self.sent = 0
        self.thread: str | None = None

    def post(self, body: str, content_type: str | None = None) -> httpx.Response:
        headers = signed_headers(SECRET, body, content_type=content_type)
        return self.http.post("/slack/events", content=body.encode(), headers=headers)

    def say(self, text: str) -> str:
        self.sent += 1
        ts = f"1800000000.{self.sent:06d}"
        event = {"type": "message", "channel_type": "im", "user": "U0ANN", "text": text, "ts": ts, "channel": "D0BOX"}
        if self.thread:
            event["thread_ts"] = self.thread
        before = len(self.fake.of("chat.postMessage"))
        response = self.post(event_body(event, event_id=f"EvBoxCoach{self.sent}"), content_type="application/json")
        assert response.status_code == 200, response.text
        self.thread = self.thread or ts
        answer = self.fake.wait_for("chat.postMessage", before + 1)[-1].args
        assert answer["thread_ts"] == self.thread
        return json.dumps(answer, ensure_ascii=False)

    def command(self, text: str) -> str:
        response = self.post(command_body(text, response_url=self.fake.response_url()))
        assert response.status_code == 200, response.text
        return json.dumps(response.json(), ensure_ascii=False)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Served, FakeSlack]]:
    fake = FakeSlack().start()
    fake.members = [member("U0KARI", "kari", "Kari Nordmann"), member("U0ANN", "ann", "Ann Svensson")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_BOT_TOKEN="xoxb-blackbox",
        SLACK_API_URL=fake.url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'kpi.db'}",
    )
    try:
        with serving(env, "--no-checkins") as running:
            yield running, fake
    finally:
        fake.stop()
    assert "Traceback" not in running.output and "ERROR" not in running.output, running.output


def test_a_swedish_dm_dialogue_saves_what_was_said(served: tuple[Served, FakeSlack]) -> None:
    running, fake = served
    year = date.today().year + 1
    talk = Dialogue(running, fake)
    assert "Vilken siffra siktar ni på?" in talk.say("Fler förfrågningar via hemsidan")
    answer = talk.say("vi har ungefär 30 förfrågningar i månaden nu")
    assert "dagens värde: 30" in answer and "till 30" not in answer
    answer = talk.say(f"målet är 45 i månaden senast 30 juni {year}")
    assert f"från 30 till 45 per månad senast 30 juni {year}" in answer and "Vem är ansvarig?" in answer
    answer = talk.say("vet inte")
    assert "kan sparas utan ägare" in answer and "ansvarig vet" not in answer
    answer = talk.say("ansvarig <@U0KARI>")
    assert "Åtgärdat: Ingen äger målet" in answer and "vad gör ni om det släpar efter" in answer
    answer = talk.say("om det släpar efter kör vi en kampanj på Instagram i maj")
    assert "plan: _om det släpar efter kör vi en kampanj på Instagram i maj_" in answer
    assert f"senast 30 juni {year}" in answer and "31 maj" not in answer
    saved = talk.say("spara")
    assert "Sparad som *#1*" in saved and "<@U0KARI>" in saved

    shown = talk.command("visa 1")
    fields = {
        "Ägare": "<@U0KARI>",
        "Mål": "45",
        "Utgångsläge": "30",
        "Slutdatum": f"30 juni {year}",
    }
    for label, value in fields.items():
        assert f"*{label}*\\n{value}" in shown, (label, shown)
    assert "Åtgärdsplan*\\nom det släpar efter kör vi en kampanj på Instagram i maj" in shown
    assert "vet inte" not in shown
