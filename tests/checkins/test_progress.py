"""Projection and feasibility from a value history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.checkins.progress import Point, assess_feasibility, assess_progress, progress_bar

TODAY = date(2026, 11, 23)


def weekly(*values: float) -> list[Point]:
    """Values recorded once a week, the last one today."""
    end = datetime(2026, 11, 23, 9, tzinfo=UTC)
    return [Point(end - timedelta(weeks=len(values) - 1 - i), v) for i, v in enumerate(values)]


def test_on_track_at_risk_and_off_track_follow_the_trend() -> None:
    history = weekly(100, 110, 120, 130)  # +10 a week
    deadline = TODAY + timedelta(weeks=4)
    assert assess_progress(history, target=160, baseline=100, deadline=deadline, today=TODAY).status == "on_track"
    assert assess_progress(history, target=175, baseline=100, deadline=deadline, today=TODAY).status == "at_risk"
    off = assess_progress(history, target=300, baseline=100, deadline=deadline, today=TODAY)
    assert off.status == "off_track" and round(off.projected) == 170 and off.previous == 120
    assert round(off.share, 2) == 0.15


def test_falling_targets_such_as_costs_are_judged_the_other_way_round() -> None:
    history = weekly(50, 45, 40)  # cost per lead down 5 a week
    result = assess_progress(history, target=30, baseline=50, deadline=TODAY + timedelta(weeks=2), today=TODAY)
    assert result.status == "on_track" and result.share == 0.5


def test_reached_past_deadline_and_unknown() -> None:
    assert assess_progress(weekly(90, 120), target=100, baseline=None, deadline=None, today=TODAY).status == "reached"
    late = assess_progress(weekly(10, 20), target=100, baseline=0, deadline=TODAY - timedelta(days=1), today=TODAY)
    assert late.status == "off_track" and late.days_left == -1
    assert assess_progress([], target=100, baseline=0, deadline=None, today=TODAY).status == "unknown"
    assert assess_progress(weekly(5), target=None, baseline=0, deadline=None, today=TODAY).status == "unknown"


def test_feasibility_calls_out_targets_beyond_the_trend_and_sandbagging() -> None:
    history = weekly(100, 112, 118, 131, 139)  # about +10 a week, with some noise
    deadline = TODAY + timedelta(weeks=10)

    def verdict(target: float) -> str:
        return assess_feasibility(history, target=target, deadline=deadline, today=TODAY, period_days=7).verdict

    assert verdict(240) == "realistic"
    assert verdict(300) == "stretch"
    assert verdict(600) == "beyond_trend"
    assert verdict(141) == "sandbagging"  # inside normal week-to-week variation
    assert verdict(160) == "sandbagging"  # the trend alone gets there five times over
    falling = weekly(100, 100, 99, 100, 99)
    flat = assess_feasibility(falling, target=150, deadline=deadline, today=TODAY, period_days=7)
    assert flat.verdict == "beyond_trend" and flat.required_per_period > 0


def test_feasibility_needs_a_history_a_target_and_a_deadline() -> None:
    assert assess_feasibility(weekly(1), target=5, deadline=TODAY, today=TODAY, period_days=7).verdict == "unknown"
    assert assess_feasibility(weekly(1, 2), target=5, deadline=None, today=TODAY, period_days=7).verdict == "unknown"


def test_progress_bar() -> None:
    assert progress_bar(0.4) == "▓▓▓▓░░░░░░ 40 %"
    assert progress_bar(1.7).startswith("▓" * 10) and progress_bar(-0.2).startswith("░" * 10)
    assert progress_bar(None) == ""
