"""The Home tab's history read: the newest N values of each KPI as plain pairs, oldest first, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from bot.store import repository as repo
from bot.store import session_scope

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def test_the_newest_values_of_each_kpi_oldest_first_with_their_time_zone(engine: Engine) -> None:
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, "T0AAA")
        ids = [repo.create_kpi(session, "T0AAA", name=f"KPI {n}").id for n in range(3)]
        for day in range(5):
            repo.record_value(session, "T0AAA", 1, float(day), recorded_at=START + timedelta(days=day))
        repo.record_value(session, "T0AAA", 2, 7.0, recorded_at=START)
    with session_scope(engine) as session:
        points = repo.recent_points(session, ids, limit=3)
    assert points[ids[0]] == [(START + timedelta(days=d), float(d)) for d in (2, 3, 4)]
    assert points[ids[1]] == [(START, 7.0)] and ids[2] not in points
    assert all(at.tzinfo is not None for at, _ in points[ids[0]])
