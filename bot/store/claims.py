"""Exactly-once claims: a Slack event handled once despite retries, a check-in posted once despite several workers.

Both are an INSERT guarded by a unique constraint (see ``scoping.insert_if_absent``): whoever inserts the row owns
the work, everyone else gets False/None. A claim made in a transaction that rolls back is released with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.store.errors import CheckinNotFound
from bot.store.models import CHECKIN_ANSWERS, CHECKIN_STATUSES, Checkin, Kpi, ProcessedEvent, Workspace
from bot.store.scoping import insert_if_absent, scoped_kpi
from bot.store.types import utcnow

CHECKIN_UPDATABLE_FIELDS = frozenset(
    {"posted_at", "channel_id", "message_ts", "status", "answered_by", "answered_at", "nudged_at", "answer"}
)


def claim_event(session: Session, team_id: str, event_key: str) -> bool:
    """Return True the first time ``event_key`` is seen for ``team_id``, False for every retry after that."""
    inserted = insert_if_absent(
        session,
        ProcessedEvent,
        {"team_id": team_id, "event_key": event_key, "processed_at": utcnow()},
        ["team_id", "event_key"],
    )
    return inserted is not None


def forget_events_before(session: Session, cutoff: datetime) -> int:
    """Delete event claims older than ``cutoff`` (all teams) and return how many; Slack retries only for minutes.

    This is housekeeping for the whole database, so it is the one function here without a team scope.
    """
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.processed_at < cutoff))
    return result.rowcount


def claim_checkin(
    session: Session,
    team_id: str,
    number: int,
    period_key: str,
    worker: str,
    *,
    due_at: datetime | None = None,
    channel_id: str | None = None,
) -> Checkin | None:
    """Claim the check-in of KPI ``#number`` for ``period_key`` for ``worker``; None if it was already claimed.

    The caller posts to Slack only when it gets a Checkin back, so a check-in is posted at most once per period
    even with several scheduler processes.
    """
    kpi = scoped_kpi(session, team_id, number)
    now = utcnow()
    checkin_id = insert_if_absent(
        session,
        Checkin,
        {
            "kpi_id": kpi.id,
            "period_key": period_key,
            "due_at": due_at or now,
            "claimed_at": now,
            "claimed_by": worker,
            "channel_id": channel_id,
            "status": "claimed",
        },
        ["kpi_id", "period_key"],
    )
    if checkin_id is None:
        return None
    return session.get(Checkin, checkin_id)


def _checkin_query(team_id: str) -> Any:
    return (
        select(Checkin)
        .join(Kpi, Checkin.kpi_id == Kpi.id)
        .join(Workspace, Kpi.workspace_id == Workspace.id)
        .where(Workspace.team_id == team_id)
    )


def get_checkin(session: Session, team_id: str, checkin_id: int) -> Checkin | None:
    """Return check-in ``checkin_id`` if it belongs to a KPI of ``team_id``."""
    return session.scalars(_checkin_query(team_id).where(Checkin.id == checkin_id)).one_or_none()


def find_checkin_by_message(session: Session, team_id: str, channel_id: str, message_ts: str) -> Checkin | None:
    """Return the check-in posted as Slack message ``message_ts`` in ``channel_id``, so a reply can answer it."""
    query = _checkin_query(team_id).where(Checkin.channel_id == channel_id, Checkin.message_ts == message_ts)
    return session.scalars(query).one_or_none()


def latest_checkin(session: Session, team_id: str, number: int) -> Checkin | None:
    """Return the most recently due check-in of KPI ``#number`` of ``team_id``, or None if it never had one."""
    kpi = scoped_kpi(session, team_id, number)
    query = select(Checkin).where(Checkin.kpi_id == kpi.id).order_by(Checkin.due_at.desc(), Checkin.id.desc())
    return session.scalars(query.limit(1)).first()


def update_checkin(session: Session, team_id: str, checkin_id: int, **fields: Any) -> Checkin:
    """Record what happened to a claimed check-in (posted, answered, nudged, missed…)."""
    unknown = set(fields) - CHECKIN_UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"update_checkin() got fields it cannot change: {', '.join(sorted(unknown))}")
    if "status" in fields and fields["status"] not in CHECKIN_STATUSES:
        raise ValueError(f"check-in status must be one of {', '.join(CHECKIN_STATUSES)}, not {fields['status']!r}")
    checkin = get_checkin(session, team_id, checkin_id)
    if checkin is None:
        raise CheckinNotFound(team_id, checkin_id)
    for field, value in fields.items():
        setattr(checkin, field, value)
    session.flush()
    return checkin


def answer_checkin(session: Session, team_id: str, checkin_id: int, answer: str, user_id: str) -> Checkin:
    """Record the owner's answer to a check-in (a value, "target still right", a revision, a snooze).

    Any answer shows the KPI is looked after again, so it clears ``stale``; a confirmed or revised target counts
    as revisiting it (``last_revisited_at``), which the periodic review looks at.
    """
    if answer not in CHECKIN_ANSWERS:
        raise ValueError(f"a check-in answer must be one of {', '.join(CHECKIN_ANSWERS)}, not {answer!r}")
    checkin = get_checkin(session, team_id, checkin_id)
    if checkin is None:
        raise CheckinNotFound(team_id, checkin_id)
    now = utcnow()
    checkin.status = "answered"
    checkin.answer = answer
    checkin.answered_by = user_id
    checkin.answered_at = now
    kpi = session.get(Kpi, checkin.kpi_id)
    if kpi is not None:
        kpi.stale = False
        if answer in ("target_ok", "target_revised"):
            kpi.last_revisited_at = now
    session.flush()
    return checkin
