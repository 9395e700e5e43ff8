"""Due-ness stored in the database: kept right on every change that decides it, read by an index, claimed in
batches that replicas split, and never reconciled away from a live worker that is still posting."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine, bindparam, select, text

from bot.checkins.schedule import next_due, review_schedule, schedule_of
from bot.checkins.tick import TickSummary, post_due_checkins
from bot.store import repository as repo
from bot.store import session_scope
from bot.store.models import Checkin, Kpi, ReviewSchedule
from bot.store.types import UTCDateTime, utcnow
from tests.support.fake_slack import FakeSlack

TEAM = "T0AAA"


def add_kpi(engine: Engine, name: str = "Orders", channel: str | None = "C0SALES", **fields: object) -> int:
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, TEAM)
        fields = {"owner_user_id": "U0ANN", "creator_user_id": "U0ANN", "cadence": "weekly", "target": 150.0, **fields}
        return repo.create_kpi(session, TEAM, name=name, channel_id=channel, **fields).number


def stored(engine: Engine, number: int) -> tuple[datetime | None, datetime | None]:
    """(the KPI's stored next check-in, its channel's stored next review)."""
    with session_scope(engine) as session:
        kpi = repo.get_kpi(session, TEAM, number)
        review = session.scalar(
            select(ReviewSchedule.next_due_at).where(
                ReviewSchedule.workspace_id == kpi.workspace_id, ReviewSchedule.channel_id == (kpi.channel_id or "")
            )
        )
        return kpi.next_due_at, review


def expected(engine: Engine, number: int) -> datetime | None:
    """The next check-in worked out from scratch: after the newest claimed period, or the KPI's creation."""
    with session_scope(engine) as session:
        kpi = repo.get_kpi(session, TEAM, number)
        schedule = schedule_of(kpi.cadence, kpi.checkin_weekday, kpi.checkin_time, kpi.timezone)
        if kpi.status != "active" or not kpi.channel_id or schedule is None:
            return None
        last = session.scalar(select(Checkin.due_at).where(Checkin.kpi_id == kpi.id).order_by(Checkin.due_at.desc()))
        return next_due(schedule, max(kpi.created_at, last or kpi.created_at)).due_at


def client_for_fake(fake: FakeSlack):
    client = AsyncWebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[])

    async def client_for(team_id: str) -> AsyncWebClient | None:
        return client if team_id == TEAM else None

    return client_for


def test_every_change_that_decides_the_schedule_moves_the_stored_due_time(engine: Engine) -> None:
    number = add_kpi(engine)
    assert stored(engine, number)[0] == expected(engine, number) is not None
    first_review = stored(engine, number)[1]
    with session_scope(engine) as session:
        kpi = repo.get_kpi(session, TEAM, number)
        assert first_review == next_due(review_schedule("UTC"), kpi.created_at).due_at
    changes = [
        ("cadence", "monthly"),
        ("checkin_weekday", 3),
        ("checkin_time", "14:30"),
        ("timezone", "America/New_York"),
        ("cadence", "daily"),
    ]
    seen = {stored(engine, number)[0]}
    for field, value in changes:
        with session_scope(engine) as session:
            repo.update_kpi(session, TEAM, number, **{field: value})
        due, review = stored(engine, number)
        assert due == expected(engine, number), field
        seen.add(due)
    assert len(seen) == len(changes) + 1  # each change really moved it
    assert review != first_review  # the channel's review follows its first KPI's time zone

    for field, value, gone in [("status", "archived", True), ("status", "active", False), ("cadence", "off", True)]:
        with session_scope(engine) as session:
            repo.update_kpi(session, TEAM, number, **{field: value})
        assert (stored(engine, number)[0] is None) is gone
        assert stored(engine, number)[0] == expected(engine, number)


def test_a_channel_review_is_scheduled_while_the_channel_has_kpis_and_follows_a_move(engine: Engine) -> None:
    number = add_kpi(engine, channel="C0OLD")
    with session_scope(engine) as session:
        repo.update_kpi(session, TEAM, number, channel_id="C0NEW")
        rows = dict(session.execute(select(ReviewSchedule.channel_id, ReviewSchedule.next_due_at)).all())
    assert rows["C0OLD"] is None and rows["C0NEW"] is not None
    with session_scope(engine) as session:
        repo.archive_kpi(session, TEAM, number)
        rows = dict(session.execute(select(ReviewSchedule.channel_id, ReviewSchedule.next_due_at)).all())
    assert rows == {"C0OLD": None, "C0NEW": None}


def test_the_due_time_is_advanced_by_the_tick_and_a_cadence_change_starts_after_now(engine: Engine, fake) -> None:
    from bot.services.checkins import set_cadence

    number = add_kpi(engine)
    later = utcnow() + timedelta(days=8)
    summary = asyncio.run(post_due_checkins(engine, client_for_fake(fake), now=later))
    assert summary.posted == 1
    due, _ = stored(engine, number)
    assert due > later and due == expected(engine, number)
    set_cadence(engine, TEAM, number, "monthly", user_id="U0ANN", now=later)
    due, _ = stored(engine, number)
    with session_scope(engine) as session:
        kpi = repo.get_kpi(session, TEAM, number)
        schedule = schedule_of(kpi.cadence, kpi.checkin_weekday, kpi.checkin_time, kpi.timezone)
    assert due == next_due(schedule, later).due_at


def test_the_claim_and_history_queries_can_be_answered_from_indexes(engine: Engine, backend: str) -> None:
    """With sequential scans priced out, PostgreSQL must still find an index *range* for every query a tick issues
    on kpis, checkins and kpi_values: a query that can only be answered by reading a whole table (sequentially or
    through an index without a condition) fails this. bench/scale.py checks the plans chosen at 100k KPIs."""
    if backend != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    from bot.store.due import claim_due_checkins
    from bot.store.schedule import recent_values, unconfirmed_checkins
    from tests.support.explain import capture_statements, unbounded_scans

    for index in range(20):
        add_kpi(engine, f"KPI {index}", channel=f"C0CH{index % 4}")
    now = utcnow() + timedelta(days=8)
    with capture_statements(engine) as statements, session_scope(engine) as session:
        batch = claim_due_checkins(session, None, now, "w", 5)
        recent_values(session, [c.kpi.id for c in batch.claimed], limit=12)
        unconfirmed_checkins(session, None, claimed_before=utcnow())
        session.rollback()
    assert len(statements) >= 4
    with engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))
        found = {sql: unbounded_scans(connection, sql, params) for sql, params in statements}
    assert found and all(scans == [] for scans in found.values()), found


def test_two_replicas_split_a_burst_in_batches_and_post_each_checkin_once(engine: Engine, fake: FakeSlack) -> None:
    for index in range(40):
        add_kpi(engine, f"KPI {index}", channel=f"C0CH{index % 10}")

    async def both() -> list[TickSummary]:
        now = utcnow() + timedelta(days=8)
        client_for = client_for_fake(fake)
        runs = [
            post_due_checkins(engine, client_for, now=now, worker=f"w{i}", interval=0.01, batch_size=4)
            for i in range(2)
        ]
        return await asyncio.gather(*runs)

    summaries = asyncio.run(both())
    assert sorted(s.posted > 0 for s in summaries) == [True, True]  # both took part
    ids = [c.args["metadata"]["event_payload"]["checkin_id"] for c in fake.of("chat.postMessage")]
    assert sum(s.posted for s in summaries) == 40 and len(ids) == len(set(ids)) == 40


def test_a_claim_queued_behind_its_channel_is_renewed_so_another_replica_does_not_repost_it(
    engine: Engine, fake: FakeSlack
) -> None:
    for index in range(5):
        add_kpi(engine, f"KPI {index}", channel="C0ONE")
    lease = timedelta(seconds=0.6)

    async def scenario() -> list[TickSummary]:
        now = utcnow() + timedelta(days=8)
        client_for = client_for_fake(fake)
        first = asyncio.create_task(
            post_due_checkins(engine, client_for, now=now, worker="a", lease=lease, interval=0.5)
        )
        await asyncio.sleep(1.4)  # the first replica's queued claims are now older than the lease
        second = await post_due_checkins(engine, client_for, now=now, worker="b", lease=lease, interval=0.5)
        return [await first, second]

    first, second = asyncio.run(scenario())
    ids = [c.args["metadata"]["event_payload"]["checkin_id"] for c in fake.of("chat.postMessage")]
    assert (first.posted, second.posted, second.reconciled) == (5, 0, 0)
    assert len(ids) == len(set(ids)) == 5


def test_a_workspace_without_a_client_has_its_claims_given_up_not_retried(engine: Engine, fake: FakeSlack) -> None:
    add_kpi(engine)

    async def nobody(_: str) -> None:
        return None

    later = utcnow() + timedelta(days=8)
    summary = asyncio.run(post_due_checkins(engine, nobody, now=later, lease=timedelta(0)))
    assert (summary.posted, summary.skipped) == (0, 1)
    with session_scope(engine) as session:
        assert repo.latest_checkin(session, TEAM, 1).status == "skipped"
    again = asyncio.run(post_due_checkins(engine, client_for_fake(fake), now=later, lease=timedelta(0)))
    assert (again.posted, again.skipped, again.reconciled) == (0, 0, 0)


def test_recent_values_are_the_newest_few_oldest_first_like_the_kpis_own_history(engine: Engine) -> None:
    for number in (add_kpi(engine, "A"), add_kpi(engine, "B")):
        with session_scope(engine) as session:
            start = datetime(2026, 1, 1, tzinfo=UTC)
            for day in range(number * 7):
                at = start + timedelta(days=day // 2)  # two values a day share a timestamp: ids break the tie
                repo.record_value(session, TEAM, number, float(day * number), recorded_at=at)
    with session_scope(engine) as session:
        ids = {n: repo.get_kpi(session, TEAM, n).id for n in (1, 2)}
        got = repo.recent_values(session, list(ids.values()), limit=5)
        for number, kpi_id in ids.items():
            reference = [(v.recorded_at, v.value) for v in repo.value_history(session, TEAM, number, limit=5)]
            assert got[kpi_id] == reference and len(reference) == 5


def test_the_upgrade_makes_every_scheduled_kpi_due_once_and_the_first_tick_stores_its_real_time(
    empty_db_url: str, fake: FakeSlack
) -> None:
    from bot.store import make_engine, upgrade_database

    upgrade_database(empty_db_url, "0002")
    engine = make_engine(empty_db_url)
    try:
        created = utcnow() - timedelta(days=30)
        workspace = text(
            "INSERT INTO workspaces (team_id, name, next_kpi_number, created_at) VALUES ('T0AAA', '', 3, :c)"
        ).bindparams(bindparam("c", type_=UTCDateTime))
        kpi = text(
            "INSERT INTO kpis (workspace_id, number, name, goal_text, cadence, checkin_weekday, checkin_time, timezone,"
            " language, status, stale, channel_id, created_at, updated_at) VALUES"
            " (1, :n, 'Orders', '', 'weekly', 0, '09:00', 'UTC', 'en', 'active', false, :ch, :c, :c)"
        ).bindparams(bindparam("c", type_=UTCDateTime))
        with engine.begin() as connection:
            connection.execute(workspace, {"c": created})
            for number, channel in ((1, "C0SALES"), (2, None)):
                connection.execute(kpi, {"n": number, "ch": channel, "c": created})
        upgrade_database(empty_db_url)
        assert stored(engine, 1)[0] == created and stored(engine, 2)[0] is None
        assert stored(engine, 1)[1] == created  # the channel's review too
        summary = asyncio.run(post_due_checkins(engine, client_for_fake(fake)))
        assert summary.posted == 1  # the latest week, once, as before the upgrade
        assert stored(engine, 1)[0] == expected(engine, 1) > utcnow()
    finally:
        engine.dispose()


def test_archiving_a_kpi_takes_it_out_of_the_due_index(engine: Engine) -> None:
    add_kpi(engine, "Kept")
    gone = add_kpi(engine, "Gone")
    with session_scope(engine) as session:
        repo.archive_kpi(session, TEAM, gone)
        due = session.scalars(select(Kpi.number).where(Kpi.next_due_at.is_not(None))).all()
    assert due == [1]
