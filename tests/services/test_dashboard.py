"""The Home tab's judgement of each KPI, on both databases: the same projection as the check-ins, the next
check-in, the plan when it is due, and the workspace's REAL coverage and level mix."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.services.dashboard import filter_cards, home_dashboard, kpi_overview, kpi_trend
from bot.store import KpiNotFound, session_scope
from bot.store import repository as repo

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)  # a Monday


def _kpi(engine: Engine, values: list[float] = (), **fields) -> int:
    fields.setdefault("owner_user_id", "U0ANN")
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, "T0AAA")
        kpi = repo.create_kpi(session, "T0AAA", **fields)
        for index, value in enumerate(values):
            at = NOW - timedelta(weeks=len(values) - 1 - index)
            repo.record_value(session, "T0AAA", kpi.number, value, recorded_at=at)
        return kpi.number


def _cards(engine: Engine, user: str = "U0ANN") -> dict[int, object]:
    board = home_dashboard(engine, "T0AAA", user, now=NOW)
    return {card.number: card for card in [*board.mine, *board.team]}


def test_each_kpi_is_judged_from_its_history_and_the_plan_shows_when_it_lags(engine: Engine) -> None:
    deadline = (NOW + timedelta(weeks=4)).date()
    on = _kpi(engine, [100, 110, 120, 130], name="On", target=160, baseline=100, deadline=deadline)
    behind = _kpi(engine, [100, 102, 104], name="Behind", target=300, deadline=deadline, action_plan="More ads")
    bare = _kpi(engine, [100, 101], name="Bare", target=300, deadline=deadline)
    empty = _kpi(engine, name="Empty", target=10)
    cards = _cards(engine)
    assert (cards[on].status, round(cards[on].share, 2), cards[on].plan_due) == ("on_track", 0.5, None)
    assert cards[behind].status == "off_track" and cards[behind].plan_due == "More ads"
    assert cards[bare].lagging_without_plan and not cards[behind].lagging_without_plan
    assert cards[empty].status == "unknown" and cards[empty].current is None
    assert [c.number for c in filter_cards(list(cards.values()), "attention")] == [behind, bare]
    assert [c.number for c in filter_cards(list(cards.values()), "on_track")] == [on]
    assert [c.number for c in filter_cards(list(cards.values()), "no_data")] == [empty]


def test_mine_and_the_team_are_split_by_owner_and_archived_kpis_are_left_out(engine: Engine) -> None:
    mine = _kpi(engine, name="Mine", level=5, funnel_stage="activate")
    theirs = _kpi(engine, name="Theirs", owner_user_id="U0BEN", level=1, funnel_stage="reach")
    gone = _kpi(engine, name="Gone", level=1, funnel_stage="reach", status="archived")
    board = home_dashboard(engine, "T0AAA", "U0ANN", now=NOW)
    assert [c.number for c in board.mine] == [mine] and [c.number for c in board.team] == [theirs]
    assert gone not in _cards(engine)
    assert board.stages == {"reach": 1, "engage": 0, "activate": 1, "loyalty": 0}
    assert board.levels == {1: 1, 2: 0, 3: 0, 4: 0, 5: 1} and board.total == 2


def test_the_next_checkin_follows_cadence_channel_pause_and_time_zone(engine: Engine) -> None:
    weekly = _kpi(engine, name="Weekly", channel_id="C0SALES", checkin_weekday=2, checkin_time="09:30")
    quiet = _kpi(engine, name="No channel")
    off = _kpi(engine, name="Off", channel_id="C0SALES", cadence="off")
    paused = _kpi(
        engine, name="Paused", channel_id="C0SALES", paused_until=date(2026, 12, 9), timezone="Europe/Stockholm"
    )
    stale = _kpi(engine, name="Stale", channel_id="C0SALES", stale=True)
    cards = _cards(engine)
    assert cards[weekly].next_checkin == datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    assert cards[quiet].next_checkin is None and cards[off].next_checkin is None
    assert cards[paused].paused_until == date(2026, 12, 9)
    assert cards[paused].next_checkin == datetime(2026, 12, 14, 8, 0, tzinfo=UTC)  # Monday after, 09:00 in Stockholm
    assert cards[stale].stale and [c.number for c in filter_cards(list(cards.values()), "paused")] == [paused]


def test_the_trend_has_the_values_the_target_trail_and_a_projection_to_the_deadline(engine: Engine) -> None:
    number = _kpi(engine, [10, 12, 15, 16], name="Leads", target=30, deadline=date(2027, 3, 1))
    with session_scope(engine) as session:
        repo.change_target(session, "T0AAA", number, 40.0, changed_by="U0ANN", reason="a better season")
    trend = kpi_trend(engine, "T0AAA", number)
    assert [p.value for p in trend.values] == [10, 12, 15, 16] and trend.target == 40
    assert [(old, new) for _, old, new in trend.revisions] == [(30.0, 40.0)]
    assert trend.projection[0].at == trend.values[-1].at
    assert trend.projection[-1].at == datetime(2027, 3, 1, 12, tzinfo=UTC)
    assert trend.projection[-1].expected > 16


def test_an_overview_of_a_missing_kpi_is_refused(engine: Engine) -> None:
    number = _kpi(engine, [1, 2], name="Leads")
    assert kpi_overview(engine, "T0AAA", number, now=NOW).card.value_count == 2
    with pytest.raises(KpiNotFound):
        kpi_overview(engine, "T0AAA", 99, now=NOW)
    with pytest.raises(KpiNotFound):
        kpi_trend(engine, "T0BBB", number)
