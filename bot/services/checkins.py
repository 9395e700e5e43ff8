"""Check-in use-cases behind the buttons, modals and `/kpi cadence|pause|resume|review`, independent of Slack.

Anyone in the workspace may report a value (as with `/kpi update`); confirming or revising the target, snoozing,
and changing the cadence or pause are the owner's or creator's (``can_change``), like every other change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.checkins.progress import HISTORY_POINTS, Point
from bot.checkins.review import ReviewFindings, review_kpis
from bot.checkins.schedule import Due, latest_due, next_due, schedule_of, zone
from bot.grading import grade_goal
from bot.services.numbers import format_number
from bot.services.register import NotAllowed, _changeable, can_change
from bot.store import CheckinNotFound, session_scope
from bot.store import repository as repo
from bot.store.models import Checkin, Kpi
from bot.store.types import utcnow

# Paused up to and including six days from now, so a weekly check-in snoozed on Monday comes back next Monday.
SNOOZE = timedelta(days=6)


@dataclass(frozen=True)
class AnsweredCheckin:
    """A check-in after an answer, with what is needed to redraw its message (``chat.update``)."""

    checkin: Checkin
    kpi: Kpi
    history: list[Point]
    today: date
    old: str | None = None
    new: str | None = None
    until: date | None = None


def _loaded(session: Session, team_id: str, checkin_id: int, number: int) -> tuple[Checkin, Kpi]:
    checkin = repo.get_checkin(session, team_id, checkin_id)
    kpi = repo.get_kpi(session, team_id, number)
    if checkin is None or kpi is None or checkin.kpi_id != kpi.id:
        raise CheckinNotFound(team_id, checkin_id)
    return checkin, kpi


def _answered(session: Session, team_id: str, checkin: Checkin, number: int, **extra: object) -> AnsweredCheckin:
    kpi = repo.get_kpi(session, team_id, number)
    assert kpi is not None
    history = [
        Point(v.recorded_at, v.value) for v in repo.value_history(session, team_id, number, limit=HISTORY_POINTS)
    ]
    today = utcnow().astimezone(zone(kpi.timezone)).date()
    return AnsweredCheckin(checkin, kpi, history, today, **extra)  # type: ignore[arg-type]


def record_checkin_value(
    engine: Engine, team_id: str, checkin_id: int, number: int, value: float, *, user_id: str, note: str | None
) -> AnsweredCheckin:
    """ "Update value" from a check-in: the value joins the history (source ``checkin``) and answers it."""
    with session_scope(engine) as session:
        _loaded(session, team_id, checkin_id, number)
        repo.record_value(session, team_id, number, value, recorded_by=user_id, source="checkin", note=note)
        checkin = repo.answer_checkin(session, team_id, checkin_id, "value", user_id)
        return _answered(session, team_id, checkin, number)


def confirm_target(engine: Engine, team_id: str, checkin_id: int, number: int, *, user_id: str) -> AnsweredCheckin:
    """ "Target still right": the owner has looked at the target, which counts as revisiting it."""
    with session_scope(engine) as session:
        _, kpi = _loaded(session, team_id, checkin_id, number)
        if not can_change(kpi, user_id):
            raise NotAllowed(kpi)
        checkin = repo.answer_checkin(session, team_id, checkin_id, "target_ok", user_id)
        return _answered(session, team_id, checkin, number)


def regraded_goal(goal_text: str, old_target: float | None, new_target: float) -> str | None:
    """The goal sentence with its old target number replaced by the new one, or None if the number is not in it."""
    if old_target is None or not goal_text:
        return None
    spellings = {format_number(old_target, lang) for lang in ("en", "sv")}
    if float(old_target).is_integer():
        spellings.add(str(int(old_target)))
    for spelling in sorted(spellings, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\d.,]){re.escape(spelling)}(?![\d])")
        if pattern.search(goal_text):
            replacement = format_number(new_target, "en").replace(",", "")
            return pattern.sub(replacement, goal_text, count=1)
    return None


def revise_target(
    engine: Engine, team_id: str, checkin_id: int, number: int, new_target: float, *, user_id: str, reason: str
) -> AnsweredCheckin:
    """ "Revise target": old → new with the date and reason in the change log, and the goal graded again."""
    with session_scope(engine) as session:
        _, kpi = _loaded(session, team_id, checkin_id, number)
        if not can_change(kpi, user_id):
            raise NotAllowed(kpi)
        old = kpi.target
        repo.change_target(session, team_id, number, new_target, changed_by=user_id, reason=reason)
        goal = regraded_goal(kpi.goal_text, old, new_target)
        if goal is not None:
            assessment = grade_goal(goal, language=kpi.language)
            for field, value in (("goal_text", goal), ("grade", assessment.grade), ("score", float(assessment.score))):
                repo.change_field(session, team_id, number, field, value, changed_by=user_id, reason=reason)
        checkin = repo.answer_checkin(session, team_id, checkin_id, "target_revised", user_id)
        return _answered(session, team_id, checkin, number, old=_plain(old), new=_plain(new_target))


def _plain(value: float | None) -> str:
    return format_number(value, "en") if value is not None else "–"


def snooze(engine: Engine, team_id: str, checkin_id: int, number: int, *, user_id: str) -> AnsweredCheckin:
    """ "Snooze a week": no check-ins for this KPI for seven days (its own calendar)."""
    with session_scope(engine) as session:
        _, kpi = _loaded(session, team_id, checkin_id, number)
        if not can_change(kpi, user_id):
            raise NotAllowed(kpi)
        until = utcnow().astimezone(zone(kpi.timezone)).date() + SNOOZE
        repo.pause_until(session, team_id, number, until)
        checkin = repo.answer_checkin(session, team_id, checkin_id, "snoozed", user_id)
        return _answered(session, team_id, checkin, number, until=until)


def set_cadence(
    engine: Engine,
    team_id: str,
    number: int,
    cadence: str,
    *,
    user_id: str,
    weekday: int | None = None,
    at: str | None = None,
    now: datetime | None = None,
) -> tuple[Kpi, Due | None]:
    """`/kpi cadence N …`: change how often (and when) the KPI is checked in; returns it and its next check-in.

    The new rhythm starts with its next occurrence: the period already under way is marked skipped, or switching
    from weekly to monthly mid-month would post a "monthly" check-in at once, a day after the weekly one.
    """
    now = now or utcnow()
    with session_scope(engine) as session:
        _changeable(session, team_id, number, user_id)
        fields: dict[str, object] = {"cadence": cadence}
        if weekday is not None:
            fields["checkin_weekday"] = weekday
        if at is not None:
            fields["checkin_time"] = at
        kpi = repo.update_kpi(session, team_id, number, changed_by=user_id, **fields)
        schedule = schedule_of(kpi.cadence, kpi.checkin_weekday, kpi.checkin_time, kpi.timezone)
        if schedule is None:
            return kpi, None
        current = latest_due(schedule, now, not_before=kpi.created_at)
        if current is not None and kpi.channel_id:
            repo.claim_period(
                session,
                kpi.id,
                current.period_key,
                current.due_at,
                f"cadence:{user_id}",
                channel_id=kpi.channel_id,
                skip=True,
            )
        repo.reschedule_kpi(session, kpi, after=now)
        return kpi, next_due(schedule, now)


def pause(engine: Engine, team_id: str, number: int, until: date | None, *, user_id: str) -> Kpi:
    """`/kpi pause N until DATE` (holidays) and `/kpi resume N` (``until`` None)."""
    with session_scope(engine) as session:
        _changeable(session, team_id, number, user_id)
        return repo.pause_until(session, team_id, number, until)


def set_owner_timezone(engine: Engine, team_id: str, number: int, timezone: str | None) -> None:
    """Store the owner's Slack time zone (users.info ``tz``) on the KPI; an unknown zone leaves it unchanged."""
    if not timezone or zone(timezone).key != timezone:
        return
    with session_scope(engine) as session:
        repo.update_kpi(session, team_id, number, timezone=timezone)


def channel_review(
    engine: Engine, team_id: str, channel_id: str | None, *, now: datetime | None = None
) -> ReviewFindings:
    """`/kpi review`: the findings about the KPI set of ``channel_id`` (the whole workspace without a channel)."""
    with session_scope(engine) as session:
        kpis = [k for k in repo.list_kpis(session, team_id) if channel_id is None or k.channel_id == channel_id]
        return review_kpis(kpis, now=now or utcnow())


__all__ = [
    "AnsweredCheckin",
    "channel_review",
    "confirm_target",
    "pause",
    "record_checkin_value",
    "regraded_goal",
    "revise_target",
    "set_cadence",
    "set_owner_timezone",
    "snooze",
]
