"""Cadence arithmetic: period keys, weekends, time zones and daylight-saving changes, catch-up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checkins.schedule import (
    SCHEDULED_CADENCES,
    latest_due,
    next_due,
    period_key,
    period_start,
    schedule_of,
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cadence", "day", "key"),
    [
        ("daily", date(2026, 11, 23), "2026-11-23"),
        ("weekly", date(2026, 11, 26), "2026-W48"),
        ("weekly", date(2027, 1, 1), "2026-W53"),  # ISO year, not calendar year
        ("monthly", date(2026, 11, 30), "2026-11"),
        ("quarterly", date(2026, 11, 30), "2026-Q4"),
        ("quarterly", date(2027, 1, 1), "2027-Q1"),
    ],
)
def test_period_keys(cadence: str, day: date, key: str) -> None:
    assert period_key(cadence, period_start(cadence, day)) == key


def test_biweekly_periods_pair_weeks_the_same_way_everywhere() -> None:
    keys = {period_key("biweekly", period_start("biweekly", date(2026, 11, 16) + timedelta(days=d))) for d in range(14)}
    assert len(keys) == 1
    following = period_key("biweekly", period_start("biweekly", date(2026, 11, 30)))
    assert following not in keys


def test_weekly_in_stockholm_stays_at_nine_local_across_the_october_change() -> None:
    schedule = schedule_of("weekly", 0, "09:00", "Europe/Stockholm")
    before = next_due(schedule, utc(2026, 10, 19, 12))  # Monday 26 Oct is the day after the change (25 Oct)
    assert before.due_at == utc(2026, 10, 26, 8) and before.period_key == "2026-W44"
    earlier = next_due(schedule, utc(2026, 10, 12, 12))
    assert earlier.due_at == utc(2026, 10, 19, 7)  # CEST: 09:00 is 07:00 UTC; after the change it is 08:00 UTC


def test_daily_in_stockholm_around_the_march_change_and_the_gap() -> None:
    schedule = schedule_of("daily", 0, "09:00", "Europe/Stockholm")
    friday = next_due(schedule, utc(2026, 3, 27, 0))
    monday = next_due(schedule, friday.due_at)  # the weekend (and the change on Sunday 29 March) is skipped
    assert (friday.due_at, monday.due_at) == (utc(2026, 3, 27, 8), utc(2026, 3, 30, 7))
    assert monday.period_key == "2026-03-30"
    gap = schedule_of("daily", 0, "02:30", "Europe/Stockholm")
    # 02:30 does not exist on Sunday 29 March, but check-ins skip Sundays; the Monday is ordinary CEST.
    assert next_due(gap, utc(2026, 3, 28, 0)).due_at == utc(2026, 3, 30, 0, 30)


def test_new_york_monthly_first_monday_across_november_change() -> None:
    schedule = schedule_of("monthly", 0, "09:00", "America/New_York")
    october = next_due(schedule, utc(2026, 10, 1))
    november = next_due(schedule, october.due_at)
    assert october == next_due(schedule, utc(2026, 10, 2)) and october.due_at == utc(2026, 10, 5, 13)  # EDT
    assert november.due_at == utc(2026, 11, 2, 14) and november.period_key == "2026-11"  # EST since 1 November


def test_the_same_instant_is_a_different_local_day_in_different_zones() -> None:
    now = utc(2026, 11, 23, 22, 30)  # Monday evening in UTC, Tuesday morning in Tokyo
    tokyo = latest_due(schedule_of("daily", 0, "07:00", "Asia/Tokyo"), now)
    los_angeles = latest_due(schedule_of("daily", 0, "07:00", "America/Los_Angeles"), now)
    assert tokyo.period_key == "2026-11-24" and tokyo.due_at == utc(2026, 11, 23, 22)
    assert los_angeles.period_key == "2026-11-23" and los_angeles.due_at == utc(2026, 11, 23, 15)


def test_weekend_weekday_means_the_friday_before() -> None:
    schedule = schedule_of("weekly", 6, "10:00", "UTC")
    assert next_due(schedule, utc(2026, 11, 23)).due_at == utc(2026, 11, 27, 10)


def test_catch_up_is_only_the_latest_missed_period_and_never_before_creation() -> None:
    schedule = schedule_of("weekly", 0, "09:00", "UTC")
    created = utc(2026, 10, 1)
    three_weeks_later = latest_due(schedule, utc(2026, 11, 25, 12), not_before=created)
    assert three_weeks_later.period_key == "2026-W48" and three_weeks_later.due_at == utc(2026, 11, 23, 9)
    assert latest_due(schedule, utc(2026, 11, 23, 8, 59), not_before=created).period_key == "2026-W47"
    assert latest_due(schedule, utc(2026, 11, 25), not_before=utc(2026, 11, 24)) is None


def test_unknown_or_missing_time_zone_falls_back_to_utc_and_off_has_no_schedule() -> None:
    assert schedule_of("weekly", 0, "09:00", "Mars/Olympus").tz.key == "UTC"
    assert schedule_of("weekly", 0, "09:00", None).tz.key == "UTC"
    assert schedule_of("off", 0, "09:00", "UTC") is None


ZONES = ["UTC", "Europe/Stockholm", "Europe/Oslo", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]


@settings(max_examples=150, deadline=None)
@given(
    cadence=st.sampled_from(SCHEDULED_CADENCES),
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    tz=st.sampled_from(ZONES),
    start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)),
)
def test_occurrences_are_ordered_one_per_period_on_weekdays_at_the_local_time(
    cadence: str, weekday: int, hour: int, minute: int, tz: str, start: datetime
) -> None:
    schedule = schedule_of(cadence, weekday, f"{hour:02d}:{minute:02d}", tz)
    now = start.replace(tzinfo=UTC)
    seen: list[str] = []
    for _ in range(6):
        due = next_due(schedule, now)
        local = due.due_at.astimezone(schedule.tz)
        assert due.due_at > now and local.weekday() <= 4
        assert due.period_key not in seen
        wall = datetime.combine(local.date(), schedule.at, tzinfo=schedule.tz)
        in_gap = wall.astimezone(UTC).astimezone(schedule.tz).time() != schedule.at  # e.g. 02:30 on spring-forward day
        assert in_gap or (local.hour, local.minute) == (hour, minute)
        assert latest_due(schedule, due.due_at) == due  # what is due at that instant is that occurrence
        seen.append(due.period_key)
        now = due.due_at
