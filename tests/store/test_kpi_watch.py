"""The store tells its watchers which KPIs a committed transaction changed — and nothing for a rollback."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, update

from bot.store import repository as repo
from bot.store import session_scope
from bot.store.models import Kpi


@pytest.fixture
def seen(engine: Engine):
    heard: list[frozenset[int] | None] = []
    stop = repo.watch_kpi_changes(engine, heard.append)
    yield heard
    stop()


def _add(engine: Engine, name: str = "Leads", **fields) -> Kpi:
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, "T0AAA")
        return repo.create_kpi(session, "T0AAA", name=name, owner_user_id="U0ANN", creator_user_id="U0BEN", **fields)


def test_new_kpis_values_and_edits_are_told_after_the_commit(engine: Engine, seen: list) -> None:
    kpi = _add(engine)
    assert seen == [frozenset({kpi.id})]
    with session_scope(engine) as session:
        repo.record_value(session, "T0AAA", kpi.number, 12.0)
        assert len(seen) == 1  # not before the commit
    assert seen[-1] == frozenset({kpi.id})
    with session_scope(engine) as session:
        repo.pause_until(session, "T0AAA", kpi.number, date(2030, 1, 1))
    with session_scope(engine) as session:
        repo.change_target(session, "T0AAA", kpi.number, 40.0, changed_by="U0ANN", reason="more")
    assert len(seen) == 4 and seen[-1] == frozenset({kpi.id})


def test_reads_rollbacks_and_unchanged_rows_tell_nothing(engine: Engine, seen: list) -> None:
    kpi = _add(engine)
    with session_scope(engine) as session:
        repo.list_kpis(session, "T0AAA")
        repo.update_kpi(session, "T0AAA", kpi.number, name="Leads")  # the same value: nothing changes
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        repo.record_value(session, "T0AAA", kpi.number, 5.0)
        session.flush()
        raise RuntimeError("rolled back")
    assert seen == [frozenset({kpi.id})]


def test_a_bulk_update_that_changed_rows_is_told_as_unknown_ids(engine: Engine, seen: list) -> None:
    kpi = _add(engine)
    with session_scope(engine) as session:
        session.execute(update(Kpi).where(Kpi.id == kpi.id, Kpi.stale.is_(False)).values(stale=True))
    with session_scope(engine) as session:  # already stale: no row changes, nothing to tell
        session.execute(update(Kpi).where(Kpi.id == kpi.id, Kpi.stale.is_(False)).values(stale=True))
    assert seen == [frozenset({kpi.id}), None]


def test_the_audience_is_the_owner_and_creator_with_the_team(engine: Engine, seen: list) -> None:
    kpi = _add(engine)
    with session_scope(engine) as session:
        [audience] = repo.kpi_audience(session, [kpi.id, 999_999])
    assert audience == repo.KpiAudience("T0AAA", kpi.number, "U0ANN", "U0BEN")


def test_a_failing_watcher_does_not_undo_the_change(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    def broken(_: object) -> None:
        raise ValueError("boom")

    stop = repo.watch_kpi_changes(engine, broken)
    try:
        kpi = _add(engine)
    finally:
        stop()
    with session_scope(engine) as session:
        assert repo.get_kpi(session, "T0AAA", kpi.number) is not None
    assert "watcher failed: ValueError" in caplog.text and "Traceback" not in caplog.text
