"""The projection a chart draws: the same fit as the on track call, carried to a day, with a band that widens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.checkins.progress import Point, project_trend

END = datetime(2026, 11, 23, 9, tzinfo=UTC)


def _weekly(*values: float) -> list[Point]:
    return [Point(END - timedelta(weeks=len(values) - 1 - i), v) for i, v in enumerate(values)]


def test_a_steady_trend_is_carried_forward_with_no_band() -> None:
    points = project_trend(_weekly(100, 110, 120, 130), until=END + timedelta(weeks=4), steps=4)
    assert [round(p.expected) for p in points] == [130, 140, 150, 160, 170]
    assert points[0].at == END and points[-1].at == END + timedelta(weeks=4)
    assert all(p.low == p.expected == p.high for p in points)  # a perfect line has no spread


def test_the_band_widens_the_further_it_reaches() -> None:
    points = project_trend(_weekly(100, 116, 118, 133, 139), until=END + timedelta(weeks=8))
    widths = [p.high - p.low for p in points]
    assert all(p.low < p.expected < p.high for p in points)
    assert widths == sorted(widths) and widths[-1] > 1.5 * widths[0]


def test_no_trend_without_two_moments_or_a_later_day() -> None:
    assert project_trend(_weekly(100), until=END + timedelta(days=7)) == []
    same_moment = [Point(END, 1.0), Point(END, 2.0)]
    assert project_trend(same_moment, until=END + timedelta(days=7)) == []
    assert project_trend(_weekly(1, 2, 3), until=END) == []


def test_values_reported_in_one_sitting_have_no_trend_and_no_call() -> None:
    from bot.checkins.progress import assess_progress

    minutes = [Point(END + timedelta(minutes=i), v) for i, v in enumerate([124, 131, 129, 138])]
    assert project_trend(minutes, until=END + timedelta(weeks=20)) == []
    progress = assess_progress(
        minutes, target=150, baseline=120, deadline=END.date() + timedelta(weeks=20), today=END.date()
    )
    assert progress.projected is None and progress.status == "unknown"
