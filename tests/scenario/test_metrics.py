"""`GET /metrics`: what an operator scrapes, counted as requests arrive (Prometheus's text format)."""

from __future__ import annotations

import re

import pytest

from scenario.conftest import Harness


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one series in Prometheus's text format (0 when it is not there yet)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        m = re.match(r"^(\w+)(?:\{([^}]*)\})? (\S+)$", line)
        if m and m[1] == name and ",".join(sorted((m[2] or "").split(","))) == (wanted or ""):
            return float(m[3])
    return 0.0


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_requests_acks_and_grading_are_counted(slack: Harness) -> None:
    before = slack.http.get("/metrics").text
    assert slack.command("check Get 40 bookings a month by June").status_code == 200
    form = {"content-type": "application/x-www-form-urlencoded"}
    assert slack.http.post("/slack/events", content=b"text=unsigned", headers=form).status_code == 401
    after = slack.http.get("/metrics")
    assert after.status_code == 200 and after.headers["content-type"].startswith("text/plain")
    text = after.text
    for name, labels in (
        ("kpi_requests_total", {"kind": "command", "status": "200"}),
        ("kpi_requests_total", {"kind": "other", "status": "401"}),
        ("kpi_ack_seconds_count", {"kind": "command"}),
    ):
        assert sample(text, name, **labels) == sample(before, name, **labels) + 1, (name, labels)
    assert sample(text, "kpi_grade_seconds_count") >= sample(before, "kpi_grade_seconds_count") + 1
    assert "kpi_database_errors_total" in text or "kpi_database_errors" in text


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_checkins_posted_failed_and_skipped_are_counted(slack: Harness) -> None:
    """Two KPIs due in two channels: one posted, one Slack refuses; then the workspace's token is gone."""
    import asyncio
    from datetime import timedelta

    from slack_sdk.web.async_client import AsyncWebClient

    from bot.checkins.tick import post_due_checkins
    from bot.store.types import utcnow

    for channel in ("C0POSTS", "C0GONE"):
        assert "#" in str(slack.command_json("add Get 40 enquiries a month by June", channel_id=channel))
    client = AsyncWebClient(token="xoxb-test", base_url=slack.fake.url, retry_handlers=[])

    async def tick(days: int, *, token: bool = True) -> None:
        async def client_for(team_id: str) -> AsyncWebClient | None:
            return client if token else None

        await post_due_checkins(slack.engine, client_for, now=utcnow() + timedelta(days=days), interval=0.01)

    def count(outcome: str) -> float:
        return sample(slack.http.get("/metrics").text, "kpi_checkins_total", outcome=outcome)

    before = {outcome: count(outcome) for outcome in ("posted", "failed", "skipped")}
    real_answer = slack.fake.answer

    def refuse_one_channel(method: str, args: dict) -> dict:
        if method == "chat.postMessage" and args.get("channel") == "C0GONE":
            return {"ok": False, "error": "channel_not_found"}
        return real_answer(method, args)

    slack.fake.answer = refuse_one_channel  # type: ignore[method-assign]
    asyncio.run(tick(8))
    assert count("posted") == before["posted"] + 1
    assert count("failed") == before["failed"] + 1
    asyncio.run(tick(15, token=False))
    assert count("skipped") == before["skipped"] + 2
