"""Exactly-once claims and number allocation, including several sessions racing (threads, separate connections)."""

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.store import repository as repo
from bot.store import session_scope
from bot.store.models import Checkin

TEAM = "T0AAA"
RACERS = 6


@pytest.fixture
def kpi_1(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, TEAM)
        repo.create_kpi(session, TEAM, name="Leads", channel_id="C0MARKETING")
    return engine


def _race(engine: Engine, work: Callable[[Session, int], object], racers: int = RACERS) -> list[object]:
    """Run ``work`` in ``racers`` threads at once, each in its own committed session; return what each returned."""
    barrier = threading.Barrier(racers)
    results: list[object] = [None] * racers
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            with session_scope(engine) as session:
                results[index] = work(session, index)
        except BaseException as error:  # collected and re-raised in the test thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    if errors:
        raise errors[0]
    return results


def test_an_event_is_claimed_only_the_first_time(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert repo.claim_event(session, TEAM, "Ev0001") is True
    with session_scope(engine) as session:
        assert repo.claim_event(session, TEAM, "Ev0001") is False
        assert repo.claim_event(session, TEAM, "Ev0002") is True


def test_a_rolled_back_event_claim_is_released(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        assert repo.claim_event(session, TEAM, "Ev0001") is True
        raise RuntimeError("handler crashed before finishing")
    with session_scope(engine) as session:
        assert repo.claim_event(session, TEAM, "Ev0001") is True


def test_old_event_claims_can_be_forgotten(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert repo.claim_event(session, TEAM, "Ev0OLD") is True
        assert repo.claim_event(session, "T0BBB", "Ev0OLD") is True
    cutoff = datetime.now(UTC)
    with session_scope(engine) as session:
        assert repo.claim_event(session, TEAM, "Ev0NEW") is True
        assert repo.forget_events_before(session, cutoff) == 2
    with session_scope(engine) as session:
        assert repo.claim_event(session, TEAM, "Ev0OLD") is True
        assert repo.claim_event(session, TEAM, "Ev0NEW") is False


def test_racing_sessions_claim_an_event_exactly_once(engine: Engine) -> None:
    results = _race(engine, lambda session, _index: repo.claim_event(session, TEAM, "Ev0RACE"))
    assert sorted(results) == [False] * (RACERS - 1) + [True]


def test_a_checkin_is_claimed_once_per_period(kpi_1: Engine) -> None:
    due = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    with session_scope(kpi_1) as session:
        claimed = repo.claim_checkin(session, TEAM, 1, "2026-W10", "worker-a", due_at=due, channel_id="C0MARKETING")
        assert claimed is not None
        assert (claimed.period_key, claimed.claimed_by, claimed.status, claimed.due_at) == (
            "2026-W10",
            "worker-a",
            "claimed",
            due,
        )
        assert claimed.kpi_id == repo.get_kpi(session, TEAM, 1).id
    with session_scope(kpi_1) as session:
        assert repo.claim_checkin(session, TEAM, 1, "2026-W10", "worker-b", due_at=due) is None
        assert repo.claim_checkin(session, TEAM, 1, "2026-W11", "worker-b") is not None
        assert repo.get_checkin(session, TEAM, claimed.id).claimed_by == "worker-a"


def test_racing_workers_claim_a_checkin_exactly_once(kpi_1: Engine) -> None:
    def claim(session: Session, index: int) -> str | None:
        checkin = repo.claim_checkin(session, TEAM, 1, "2026-W10", f"worker-{index}")
        return checkin.claimed_by if checkin else None

    results = _race(kpi_1, claim)
    winners = [worker for worker in results if worker is not None]
    assert len(winners) == 1
    with session_scope(kpi_1) as session:
        assert repo.claim_checkin(session, TEAM, 1, "2026-W10", "late-worker") is None
        assert [c.claimed_by for c in session.scalars(select(Checkin))] == winners


def test_a_checkin_records_what_happened_to_it(kpi_1: Engine) -> None:
    posted_at = datetime(2026, 3, 2, 8, 0, 5, tzinfo=UTC)
    answered_at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    with session_scope(kpi_1) as session:
        checkin = repo.claim_checkin(session, TEAM, 1, "2026-W10", "worker-a", channel_id="C0MARKETING")
        repo.update_checkin(session, TEAM, checkin.id, status="posted", posted_at=posted_at, message_ts="17.01")
    with session_scope(kpi_1) as session:
        found = repo.find_checkin_by_message(session, TEAM, "C0MARKETING", "17.01")
        assert found.id == checkin.id
        repo.update_checkin(session, TEAM, found.id, status="answered", answered_by="U0A", answered_at=answered_at)
        with pytest.raises(ValueError, match="status"):
            repo.update_checkin(session, TEAM, found.id, status="done")
        with pytest.raises(TypeError, match="claimed_by"):
            repo.update_checkin(session, TEAM, found.id, claimed_by="thief")
    with session_scope(kpi_1) as session:
        stored = repo.get_checkin(session, TEAM, checkin.id)
        assert (stored.status, stored.posted_at, stored.answered_by, stored.answered_at) == (
            "answered",
            posted_at,
            "U0A",
            answered_at,
        )


def test_racing_creators_get_distinct_consecutive_numbers(engine: Engine) -> None:
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, TEAM)
    results = _race(engine, lambda session, index: repo.create_kpi(session, TEAM, name=f"KPI {index}").number)
    assert sorted(results) == list(range(1, RACERS + 1))
    with session_scope(engine) as session:
        assert [k.number for k in repo.list_kpis(session, TEAM)] == list(range(1, RACERS + 1))


def test_racing_first_events_create_one_workspace(engine: Engine) -> None:
    results = _race(engine, lambda session, _index: repo.get_or_create_workspace(session, TEAM, name="Café").id)
    assert len(set(results)) == 1


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True)
@pytest.mark.parametrize("winner_outcome", ["commit", "rollback"])
def test_on_postgresql_a_second_claimant_waits_for_the_first(engine: Engine, winner_outcome: str) -> None:
    """The loser must not decide before the winner's transaction ends: a rolled-back claim must be claimable.

    PostgreSQL only: SQLite serialises whole write transactions (BEGIN IMMEDIATE), covered by the races above.
    """
    first = Session(engine)
    try:
        assert repo.claim_event(first, TEAM, "Ev0WAIT") is True
        second_result: list[bool] = []
        second = threading.Thread(
            target=lambda: second_result.append(_claim_in_own_session(engine, "Ev0WAIT")), daemon=True
        )
        second.start()
        time.sleep(0.5)
        assert second.is_alive(), "the second claimant decided while the first claim was still uncommitted"
        if winner_outcome == "commit":
            first.commit()
        else:
            first.rollback()
        second.join(timeout=30)
        assert second_result == [winner_outcome == "rollback"]
    finally:
        first.close()


def _claim_in_own_session(engine: Engine, event_key: str) -> bool:
    with session_scope(engine) as session:
        return repo.claim_event(session, TEAM, event_key)
