"""Due-ness in the database: when each KPI's next check-in and each channel's next review fall due, stored and
indexed, and the batches a tick claims from them.

Why: a tick that works out every KPI's schedule in Python costs what exists (9 s every minute at 100k KPIs); one
that reads ``next_due_at <= now`` from an index costs what is due. So the stored time must never be late: it is
recomputed here whenever something that decides it changes (cadence, weekday, time, time zone, status, channel),
and advanced by the tick in the transaction that claims the check-in.

It may be early, never late: a tick that finds a KPI due works out the latest period itself (``latest_due``) and
claims it by its unique (KPI, period) key, so an early value costs one look, not a second post. Exactly once stays
where it was: in the claim (and, after a crash, in the message metadata found in the channel's history).

A batch is taken with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so replicas sharing a burst each take other rows
and none waits for another; SQLite serialises writers (``BEGIN IMMEDIATE``), which gives the same split. A
PostgreSQL job queue (procrastinate, pgqueuer) would add a dependency that cannot serve the default SQLite database,
and a second copy of what the claim rows already are: the queue, with its exactly-once key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import DateTime, Integer, String, bindparam, func, select, tuple_, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from bot.checkins.schedule import Due, Schedule, latest_due, next_due, review_schedule, schedule_of
from bot.store.models import ChannelReview, Checkin, Kpi, ReviewSchedule, Workspace
from bot.store.scoping import dialect_insert, insert_if_absent
from bot.store.types import utcnow

CHECKIN_FIELDS = frozenset({"cadence", "checkin_weekday", "checkin_time", "timezone", "status", "channel_id"})
REVIEW_FIELDS = frozenset({"channel_id", "status", "timezone"})

_kpis = Kpi.__table__
_checkins = Checkin.__table__
# Advancing the due time is the scheduler's bookkeeping, not an edit: updated_at keeps its value. On PostgreSQL a
# whole batch is one statement over arrays (compiled once, then cached); SQLite runs the per-row form as executemany.
_ADVANCE_ROW = (
    update(_kpis)
    .where(_kpis.c.id == bindparam("kpi_row"))
    .values(next_due_at=bindparam("due"), updated_at=_kpis.c.updated_at)
)
_advanced = (
    func.unnest(bindparam("kpi_rows", type_=ARRAY(Integer)), bindparam("dues", type_=ARRAY(DateTime(timezone=True))))
    .table_valued("kpi_row", "due")
    .render_derived(name="advanced")
)
_CLAIM_ARRAYS = {
    "kpi_id": ARRAY(Integer),
    "period_key": ARRAY(String),
    "due_at": ARRAY(DateTime(timezone=True)),
    "channel_id": ARRAY(String),
    "status": ARRAY(String),
}
_claims = (
    func.unnest(*(bindparam(name, type_=type_) for name, type_ in _CLAIM_ARRAYS.items()))
    .table_valued(*_CLAIM_ARRAYS)
    .render_derived(name="claims")
)
_CLAIM_BATCH = (
    postgresql.insert(_checkins)
    .from_select(
        [*_CLAIM_ARRAYS, "claimed_at", "claimed_by"],
        select(
            *_claims.c, bindparam("claimed_at", type_=DateTime(timezone=True)), bindparam("claimed_by", type_=String)
        ),
    )
    .on_conflict_do_nothing(index_elements=["kpi_id", "period_key"])
    .returning(_checkins.c.id, _checkins.c.kpi_id)
)
_ADVANCE_BATCH = (
    update(_kpis)
    .where(_kpis.c.id == _advanced.c.kpi_row)
    .values(next_due_at=_advanced.c.due, updated_at=_kpis.c.updated_at)
)


@dataclass(frozen=True)
class ClaimedCheckin:
    """A check-in this worker now owns: post it (or, when ``paused``, it was written as skipped)."""

    team_id: str
    kpi: Kpi  # detached, read-only
    due: Due
    checkin_id: int
    paused: bool


@dataclass(frozen=True)
class ClaimedBatch:
    """What one claim took: the check-ins won, and how many due rows were looked at (0: nothing is due)."""

    claimed: list[ClaimedCheckin]
    looked_at: int


@dataclass(frozen=True)
class ClaimedReview:
    """A channel review this worker now owns, with the channel's KPIs (detached) to review."""

    team_id: str
    channel_id: str
    period_key: str
    review_id: int
    kpis: list[Kpi]


def checkin_schedule(kpi: Kpi) -> Schedule | None:
    """The check-in rhythm of ``kpi``, or None when it gets none (not active, no channel, cadence off)."""
    if kpi.status != "active" or not kpi.channel_id:
        return None
    return schedule_of(kpi.cadence, kpi.checkin_weekday, kpi.checkin_time, kpi.timezone)


def reschedule_kpi(session: Session, kpi: Kpi, *, after: datetime | None = None) -> None:
    """Store when ``kpi``'s next check-in falls due: the first occurrence after ``after`` (default: after its
    newest claimed period, or its creation), so a period already under way that was never claimed stays due."""
    schedule = checkin_schedule(kpi)
    if schedule is None:
        kpi.next_due_at = None
        return
    if after is None:
        last = session.scalar(select(func.max(Checkin.due_at)).where(Checkin.kpi_id == kpi.id)) if kpi.id else None
        after = max(moment for moment in (kpi.created_at or utcnow(), last) if moment is not None)
    kpi.next_due_at = next_due(schedule, after).due_at


def reschedule_review(session: Session, workspace_id: int, channel_id: str) -> None:
    """Store when ``channel_id``'s next review falls due: the review's rhythm in the time zone of the channel's
    first KPI, after its newest claimed review (or the first KPI's creation); None once it has no KPIs left."""
    kpis = session.execute(
        select(Kpi.timezone, Kpi.created_at)
        .where(Kpi.workspace_id == workspace_id, Kpi.channel_id == channel_id, Kpi.status != "archived")
        .order_by(Kpi.number)
    ).all()
    due_at = None
    if kpis:
        first_created = min(created for _, created in kpis)
        last = session.scalar(
            select(func.max(ChannelReview.claimed_at)).where(
                ChannelReview.workspace_id == workspace_id, ChannelReview.channel_id == channel_id
            )
        )
        due_at = next_due(review_schedule(kpis[0].timezone), max(first_created, last or first_created)).due_at
    statement = dialect_insert(session, ReviewSchedule).values(
        workspace_id=workspace_id, channel_id=channel_id, next_due_at=due_at
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["workspace_id", "channel_id"], set_={"next_due_at": statement.excluded.next_due_at}
        )
    )


def kpi_changed(session: Session, kpi: Kpi, field: str, old_value: Any) -> None:
    """Keep the stored due times right after ``field`` of ``kpi`` changed from ``old_value``."""
    if field in CHECKIN_FIELDS:
        reschedule_kpi(session, kpi)
    if field in REVIEW_FIELDS:
        session.flush()
        channels = {kpi.channel_id, old_value if field == "channel_id" else None} - {None}
        for channel in sorted(channels):
            reschedule_review(session, kpi.workspace_id, channel)


def kpi_created(session: Session, kpi: Kpi) -> None:
    """Store the first due times of a new KPI (flushed, so it has its id and creation time)."""
    reschedule_kpi(session, kpi, after=kpi.created_at)
    if kpi.channel_id and kpi.status != "archived":
        reschedule_review(session, kpi.workspace_id, kpi.channel_id)


@lru_cache(maxsize=4096)
def _around(schedule: Schedule, now: datetime) -> tuple[Due | None, Due]:
    """The latest occurrence at or before ``now`` and the first after it. A burst is mostly KPIs sharing a few
    rhythms (weekly, Monday 09:00, a handful of time zones), so this is worked out once per rhythm, not per KPI."""
    return latest_due(schedule, now), next_due(schedule, now)


def claim_due_checkins(
    session: Session, team_ids: Collection[str] | None, now: datetime, worker: str, limit: int
) -> ClaimedBatch:
    """Claim up to ``limit`` due check-ins in one transaction: lock the due KPI rows no one else holds, insert a
    claim for each one's latest period (skipped while paused), and move each row's due time past ``now``.

    A period someone already claimed (another replica, `/kpi cadence`) inserts nothing and is not returned. Rows come
    in index order (due time, workspace, channel): a batch holds whole channels, so replicas seldom share one.
    """
    query = (
        select(Workspace.team_id, Kpi)
        .join(Workspace, Kpi.workspace_id == Workspace.id)
        .where(Kpi.next_due_at <= now, Workspace.uninstalled_at.is_(None))
        .order_by(Kpi.next_due_at, Kpi.workspace_id, Kpi.channel_id, Kpi.id)
        .limit(limit)
        .with_for_update(of=Kpi, skip_locked=True)
    )
    if team_ids is not None:
        query = query.where(Workspace.team_id.in_(list(team_ids)))
    rows = session.execute(query).all()
    advanced: list[dict[str, Any]] = []
    wanted: list[tuple[str, Kpi, Due, bool]] = []
    for team_id, kpi in rows:
        schedule = checkin_schedule(kpi)
        latest, upcoming = _around(schedule, now) if schedule else (None, None)
        due = latest if latest is not None and latest.due_at > kpi.created_at else None  # as latest_due's not_before
        advanced.append({"kpi_row": kpi.id, "due": upcoming.due_at if upcoming else None})
        if schedule is not None and due is not None:
            local_day = due.due_at.astimezone(schedule.tz).date()
            wanted.append((team_id, kpi, due, kpi.paused_until is not None and local_day <= kpi.paused_until))
    if advanced and session.get_bind().dialect.name == "postgresql":
        kpi_rows, dues = [a["kpi_row"] for a in advanced], [a["due"] for a in advanced]
        session.execute(_ADVANCE_BATCH, {"kpi_rows": kpi_rows, "dues": dues})
    elif advanced:
        session.execute(_ADVANCE_ROW, advanced)
    won: dict[int, int] = {}
    if wanted:
        claimed_at = utcnow()
        values = [
            {
                "kpi_id": kpi.id,
                "period_key": due.period_key,
                "due_at": due.due_at,
                "claimed_at": claimed_at,
                "claimed_by": worker[:128],
                "channel_id": kpi.channel_id,
                "status": "skipped" if paused else "claimed",
            }
            for _, kpi, due, paused in wanted
        ]
        if session.get_bind().dialect.name == "postgresql":  # one small statement over arrays, compiled once
            arrays = {column: [value[column] for value in values] for column in _CLAIM_ARRAYS}
            returned = session.execute(_CLAIM_BATCH, {**arrays, "claimed_at": claimed_at, "claimed_by": worker[:128]})
        else:  # SQLite: Core's executemany (insertmanyvalues), past the ORM's bulk path which recompiles per batch
            insert = dialect_insert(session, _checkins).on_conflict_do_nothing(index_elements=["kpi_id", "period_key"])
            returned = session.connection().execute(insert.returning(_checkins.c.id, _checkins.c.kpi_id), values)
        won = {kpi_id: checkin_id for checkin_id, kpi_id in returned}
    claimed = [
        ClaimedCheckin(team_id, kpi, due, won[kpi.id], paused) for team_id, kpi, due, paused in wanted if kpi.id in won
    ]
    return ClaimedBatch(claimed, len(rows))


def claim_due_reviews(
    session: Session, team_ids: Collection[str] | None, now: datetime, limit: int
) -> tuple[list[ClaimedReview], int]:
    """Claim up to ``limit`` due channel reviews (like check-ins: locked rows skipped, due times moved past
    ``now``); the claimed ones, and how many due rows were looked at."""
    query = (
        select(Workspace.team_id, ReviewSchedule)
        .join(Workspace, ReviewSchedule.workspace_id == Workspace.id)
        .where(ReviewSchedule.next_due_at <= now, Workspace.uninstalled_at.is_(None))
        .order_by(ReviewSchedule.next_due_at, ReviewSchedule.id)
        .limit(limit)
        .with_for_update(of=ReviewSchedule, skip_locked=True)
    )
    if team_ids is not None:
        query = query.where(Workspace.team_id.in_(list(team_ids)))
    rows = session.execute(query).all()
    if not rows:
        return [], 0
    sets: dict[tuple[int, str], list[Kpi]] = defaultdict(list)
    pairs = [(row.workspace_id, row.channel_id) for _, row in rows]
    kpis = select(Kpi).where(tuple_(Kpi.workspace_id, Kpi.channel_id).in_(pairs), Kpi.status != "archived")
    for kpi in session.scalars(kpis.order_by(Kpi.number)):
        sets[(kpi.workspace_id, kpi.channel_id or "")].append(kpi)
    claimed = []
    for team_id, row in rows:
        channel_kpis = sets.get((row.workspace_id, row.channel_id), [])
        if not channel_kpis:
            row.next_due_at = None
            continue
        schedule = review_schedule(channel_kpis[0].timezone)
        due = latest_due(schedule, now, not_before=min(k.created_at for k in channel_kpis))
        row.next_due_at = next_due(schedule, now).due_at
        if due is None:
            continue
        review_id = insert_if_absent(
            session,
            ChannelReview,
            {
                "workspace_id": row.workspace_id,
                "channel_id": row.channel_id,
                "period_key": due.period_key,
                "claimed_at": utcnow(),
            },
            ["workspace_id", "channel_id", "period_key"],
        )
        if review_id is not None:
            claimed.append(ClaimedReview(team_id, row.channel_id, due.period_key, review_id, channel_kpis))
    session.flush()
    return claimed, len(rows)
