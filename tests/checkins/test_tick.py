"""The tick against a fake Web API on SQLite and PostgreSQL: exactly once under re-runs, concurrent ticks and
crashes between posting and recording; catch-up, pauses, escalation, rate limits."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from bot.checkins.tick import TickSummary, post_due_checkins
from bot.slack.blocks.checkin import checkin_metadata
from bot.store import repository as repo
from bot.store import session_scope
from bot.store.types import utcnow
from tests.support.fake_slack import FakeSlack

TEAM = "T0AAA"


def add_kpi(engine: Engine, name: str = "Orders", channel: str = "C0SALES", **fields: object) -> int:
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, TEAM)
        fields = {"owner_user_id": "U0ANN", "cadence": "weekly", "target": 150.0, "baseline": 100.0, **fields}
        return repo.create_kpi(session, TEAM, name=name, channel_id=channel, **fields).number


def tick(engine: Engine, fake: FakeSlack, *, days: float, **options: object) -> TickSummary:
    async def run() -> TickSummary:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[])

        async def client_for(team_id: str) -> AsyncWebClient | None:
            return client if team_id == TEAM else None

        return await post_due_checkins(engine, client_for, now=utcnow() + timedelta(days=days), **options)

    return asyncio.run(run())


def checkins_posted(fake: FakeSlack) -> list[dict]:
    return [c.args for c in fake.of("chat.postMessage") if c.args.get("metadata")]


def test_a_due_checkin_is_posted_once_with_metadata_and_the_owner_mentioned(engine: Engine, fake: FakeSlack) -> None:
    add_kpi(engine, "Orders <!channel>")
    assert tick(engine, fake, days=0).posted == 0  # nothing is due before the first weekday after creation
    first = tick(engine, fake, days=8)
    assert (first.posted, first.failed) == (1, 0)
    [posted] = checkins_posted(fake)
    assert posted["channel"] == "C0SALES" and posted["metadata"]["event_type"] == "kpi_checkin"
    text = str(posted["blocks"])
    assert "<@U0ANN>" in text and "#1" in text and "<!channel>" not in text
    assert [b["action_id"] for b in posted["blocks"][-1]["elements"]] == [
        "checkin_value",
        "checkin_target_ok",
        "checkin_revise",
        "checkin_snooze",
    ]
    again = tick(engine, fake, days=8)
    assert again.posted == 0 and len(checkins_posted(fake)) == 1
    with session_scope(engine) as session:
        checkin = repo.latest_checkin(session, TEAM, 1)
        assert checkin.status == "posted" and checkin.message_ts and checkin.period_key.startswith("20")


def test_a_bot_that_was_down_for_weeks_catches_up_once_per_kpi(engine: Engine, fake: FakeSlack) -> None:
    add_kpi(engine, "Orders")
    add_kpi(engine, "Leads", cadence="daily")
    assert tick(engine, fake, days=30).posted == 2
    assert tick(engine, fake, days=30).posted == 0


def test_two_concurrent_ticks_post_each_checkin_once(engine: Engine, fake: FakeSlack) -> None:
    for index in range(6):
        add_kpi(engine, f"KPI {index}", channel=f"C0CH{index % 3}")

    async def both() -> list[TickSummary]:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[])

        async def client_for(_: str) -> AsyncWebClient:
            return client

        now = utcnow() + timedelta(days=8)
        runs = [post_due_checkins(engine, client_for, now=now, worker=f"w{i}", interval=0.0) for i in range(2)]
        return await asyncio.gather(*runs)

    summaries = asyncio.run(both())
    assert sum(s.posted for s in summaries) == 6
    ids = [p["metadata"]["event_payload"]["checkin_id"] for p in checkins_posted(fake)]
    assert len(ids) == len(set(ids)) == 6


def _abandon_claim(engine: Engine, number: int, period_key: str, minutes_ago: int) -> int:
    with session_scope(engine) as session:
        kpi = repo.get_kpi(session, TEAM, number)
        checkin = repo.claim_checkin(session, TEAM, number, period_key, "dead-worker", channel_id=kpi.channel_id)
        checkin.claimed_at = utcnow() - timedelta(minutes=minutes_ago)
        checkin.due_at = utcnow()
        return checkin.id


def test_a_crash_after_posting_is_reconciled_from_history_not_posted_again(engine: Engine, fake: FakeSlack) -> None:
    add_kpi(engine, "Orders")
    add_kpi(engine, "Leads")
    posted_before_crash = _abandon_claim(engine, 1, "2099-W01", minutes_ago=10)
    never_posted = _abandon_claim(engine, 2, "2099-W01", minutes_ago=10)
    still_leased = _abandon_claim(engine, 2, "2099-W02", minutes_ago=0)
    fake.keep_message({"channel": "C0SALES", "text": "x", "metadata": checkin_metadata(posted_before_crash, "p", 1)})

    summary = tick(engine, fake, days=0)

    assert (summary.reconciled, summary.posted) == (1, 1)
    ids = [p["metadata"]["event_payload"]["checkin_id"] for p in checkins_posted(fake)]
    assert ids == [never_posted]
    history = fake.of("conversations.history")[0].args
    assert str(history["include_all_metadata"]).lower() in ("1", "true")
    with session_scope(engine) as session:
        statuses = {c: repo.get_checkin(session, TEAM, c).status for c in (posted_before_crash, never_posted)}
        assert statuses == {posted_before_crash: "posted", never_posted: "posted"}
        assert repo.get_checkin(session, TEAM, still_leased).status == "claimed"  # its claimer may still be alive
    assert tick(engine, fake, days=0).posted == 0


def test_a_paused_kpi_is_skipped_for_that_period_and_not_posted_later(engine: Engine, fake: FakeSlack) -> None:
    add_kpi(engine, "Orders", paused_until=date.today() + timedelta(days=10))
    paused = tick(engine, fake, days=8)
    assert (paused.posted, paused.paused) == (0, 1)
    assert tick(engine, fake, days=9).posted == 0  # the paused week stays skipped after the pause ends
    assert tick(engine, fake, days=15).posted == 1


def test_unanswered_checkins_get_a_nudge_then_the_kpi_goes_stale_once(engine: Engine, fake: FakeSlack) -> None:
    add_kpi(engine, "Orders")
    summaries = [tick(engine, fake, days=8 + 7 * week) for week in range(5)]
    assert [s.posted for s in summaries] == [1] * 5
    assert [s.nudged for s in summaries] == [0, 1, 1, 1, 1]
    assert [s.stale for s in summaries] == [0, 0, 0, 1, 0]
    posts = [c.args for c in fake.of("chat.postMessage")]
    nudges = [p for p in posts if p.get("thread_ts")]
    assert len(nudges) == 4 and all("<@U0ANN>" in p["text"] for p in nudges)
    assert len([p for p in posts if "stale" in (p.get("text") or "")]) == 1
    with session_scope(engine) as session:
        assert repo.get_kpi(session, TEAM, 1).stale is True


def test_rate_limits_are_waited_out_and_every_checkin_still_arrives_once(engine: Engine, fake: FakeSlack) -> None:
    fake.post_interval = 1.0
    for index in range(3):
        add_kpi(engine, f"KPI {index}", channel="C0BUSY")
    summary = tick(engine, fake, days=8, interval=0.0)  # no pacing of our own: only 429s slow us down
    assert summary.posted == 3 and fake.of("rate_limited")
    assert len(checkins_posted(fake)) == 3


def test_a_new_cadence_starts_with_its_next_occurrence_not_at_once(engine: Engine, fake: FakeSlack) -> None:
    from bot.services.checkins import set_cadence

    add_kpi(engine, "Orders", creator_user_id="U0ANN")
    assert tick(engine, fake, days=40).posted == 1
    _, upcoming = set_cadence(engine, TEAM, 1, "monthly", user_id="U0ANN", now=utcnow() + timedelta(days=40))
    assert upcoming.due_at > utcnow() + timedelta(days=40)
    assert tick(engine, fake, days=40).posted == 0  # this month's "monthly" period is under way: skipped
    assert tick(engine, fake, days=80).posted == 1


def test_a_refused_post_is_given_up_but_one_still_rate_limited_stays_claimed_for_later(
    engine: Engine, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.checkins import tick as tick_module

    add_kpi(engine, "Gone", channel="C0GONE")
    fake.failures["chat.postMessage"] = "channel_not_found"
    refused = tick(engine, fake, days=8)
    assert (refused.posted, refused.failed) == (0, 1)
    with session_scope(engine) as session:
        assert repo.latest_checkin(session, TEAM, 1).status == "skipped"  # not retried every minute forever
    add_kpi(engine, "Hiccup", channel="C0HICCUP")
    fake.failures["chat.postMessage"] = "internal_error"
    assert tick(engine, fake, days=8).failed == 1
    with session_scope(engine) as session:
        assert repo.latest_checkin(session, TEAM, 2).status == "claimed"  # left for a tick after the lease

    del fake.failures["chat.postMessage"]
    monkeypatch.setattr(tick_module, "MAX_RATE_LIMITED_RETRIES", 1)
    fake.post_interval = 100.0
    add_kpi(engine, "A", channel="C0BUSY")
    add_kpi(engine, "B", channel="C0BUSY")
    limited = tick(engine, fake, days=8, interval=0.0)
    assert (limited.posted, limited.failed) == (1, 1)
    with session_scope(engine) as session:
        statuses = sorted(
            (c.status, c.message_ts is None) for c in (repo.latest_checkin(session, TEAM, n) for n in (2, 3))
        )
        assert statuses == [("claimed", True), ("posted", False)]
