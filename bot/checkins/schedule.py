"""When a KPI's check-in is due: pure calendar arithmetic in the owner's own time zone.

A check-in belongs to a *period* (a day, an ISO week, a pair of weeks, a month, a quarter) and is due once per period
at the KPI's weekday and wall-clock time in the owner's time zone. Working in local dates and converting to UTC only
at the end is what keeps "09:00 in Stockholm" at 09:00 local on both sides of a daylight-saving change.

The period key (``2026-W48``, ``2026-11``, ``2026-Q4``…) is the idempotency key of the claim in the database, so it
must be a function of the period alone: two processes, or one process before and after a restart, compute the same
key for the same check-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SCHEDULED_CADENCES = ("daily", "weekly", "biweekly", "monthly", "quarterly")
FRIDAY = 4
# Biweekly periods are pairs of ISO weeks counted from this Monday (ISO week 1 of 2024), so every process agrees on
# which weeks pair up without storing an anchor per KPI.
BIWEEKLY_EPOCH = date(2024, 1, 1)
# Each channel's KPI set is reviewed on the first Monday of each quarter at 09:00 (the time zone of its first KPI).
REVIEW_CADENCE, REVIEW_WEEKDAY, REVIEW_TIME = "quarterly", 0, "09:00"


@dataclass(frozen=True)
class Schedule:
    """A KPI's check-in rhythm: cadence, weekday (0 = Monday), local time and the owner's time zone."""

    cadence: str
    weekday: int
    at: time
    tz: ZoneInfo


@dataclass(frozen=True)
class Due:
    """One check-in occurrence: the period's key and the UTC instant it is due."""

    period_key: str
    due_at: datetime


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone ``name`` (Slack's ``user.tz``), or UTC when it is missing or unknown."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def schedule_of(cadence: str, weekday: int, checkin_time: str, timezone: str | None) -> Schedule | None:
    """The schedule stored on a KPI, or None when its cadence is ``off`` (or unknown)."""
    if cadence not in SCHEDULED_CADENCES:
        return None
    hours, _, minutes = (checkin_time or "09:00").partition(":")
    return Schedule(cadence, working_weekday(weekday), time(int(hours), int(minutes or 0)), zone(timezone))


def review_schedule(timezone: str | None) -> Schedule:
    """The rhythm of a channel's periodic review, in ``timezone``."""
    schedule = schedule_of(REVIEW_CADENCE, REVIEW_WEEKDAY, REVIEW_TIME, timezone)
    assert schedule is not None
    return schedule


def working_weekday(weekday: int) -> int:
    """Check-ins skip weekends: a Saturday or Sunday setting means the Friday before it."""
    return min(max(weekday, 0), FRIDAY)


def period_start(cadence: str, day: date) -> date:
    """The first local date of the period of ``cadence`` that contains ``day``."""
    if cadence == "daily":
        return day
    monday = day - timedelta(days=day.weekday())
    if cadence == "weekly":
        return monday
    if cadence == "biweekly":
        weeks = (monday - BIWEEKLY_EPOCH).days // 7
        return monday - timedelta(weeks=weeks % 2)
    if cadence == "monthly":
        return day.replace(day=1)
    if cadence == "quarterly":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"no periods for cadence {cadence!r}")


def shift_period(cadence: str, start: date, steps: int) -> date:
    """The start of the period ``steps`` periods after (negative: before) the one starting at ``start``."""
    if cadence == "daily":
        return start + timedelta(days=steps)
    if cadence in ("weekly", "biweekly"):
        return start + timedelta(weeks=steps * (1 if cadence == "weekly" else 2))
    months = steps * (1 if cadence == "monthly" else 3)
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_key(cadence: str, start: date) -> str:
    """The key of the period starting at ``start``: ``2026-11-23``, ``2026-W48``, ``2026-11`` or ``2026-Q4``."""
    if cadence == "daily":
        return start.isoformat()
    if cadence in ("weekly", "biweekly"):
        iso = start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if cadence == "monthly":
        return f"{start.year}-{start.month:02d}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def due_date(schedule: Schedule, start: date) -> date | None:
    """The local date of the check-in in the period starting at ``start``; None for a daily period on a weekend.

    Weekly: that weekday of the week (of the first week, biweekly). Monthly and quarterly: the first such weekday of
    the month (of the quarter's first month), so "monthly on Monday" is the first Monday.
    """
    if schedule.cadence == "daily":
        return start if start.weekday() <= FRIDAY else None
    offset = (schedule.weekday - start.weekday()) % 7
    return start + timedelta(days=offset)


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """``day`` at wall-clock ``at`` in ``tz``, as UTC.

    In the spring-forward gap (02:30 that does not exist) this lands an hour later in local time; in the autumn
    overlap it is the first of the two 02:30s (``fold=0``). Either way each period gets exactly one instant.
    """
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def occurrence(schedule: Schedule, start: date) -> Due | None:
    """The check-in of the period starting at ``start`` (None if that period has none)."""
    day = due_date(schedule, start)
    if day is None:
        return None
    return Due(period_key(schedule.cadence, start), local_instant(day, schedule.at, schedule.tz))


def latest_due(schedule: Schedule, now: datetime, *, not_before: datetime | None = None) -> Due | None:
    """The most recent check-in due at or before ``now`` (and after ``not_before``, e.g. the KPI's creation).

    Only the latest one: a bot that was down for three weeks posts one check-in per KPI, not three.
    """
    start = period_start(schedule.cadence, now.astimezone(schedule.tz).date())
    for _ in range(8):  # at most one period ahead of now, plus a weekend for daily
        found = occurrence(schedule, start)
        if found is not None and found.due_at <= now:
            if not_before is not None and found.due_at <= not_before:
                return None
            return found
        start = shift_period(schedule.cadence, start, -1)
    return None  # pragma: no cover - every cadence has an occurrence within eight periods


def next_due(schedule: Schedule, after: datetime) -> Due:
    """The first check-in due strictly after ``after``."""
    start = period_start(schedule.cadence, after.astimezone(schedule.tz).date())
    while True:
        found = occurrence(schedule, start)
        if found is not None and found.due_at > after:
            return found
        start = shift_period(schedule.cadence, start, 1)
