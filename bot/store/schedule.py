"""What the check-in scheduler reads, records and reconciles across every workspace it serves.

The scheduler is the one caller that is not answering a person in one workspace. It is still scoped — by the set
of team ids it holds tokens for — and every row it reaches by a sweep is found through that set, so a token for
one workspace never posts another workspace's KPI. What is due is claimed in batches in ``due.py``; this module
reads the history of what was claimed, records what was posted and finds claims whose claimer may have died.

Claims are single statements guarded by a unique key or a condition on the current state (``… WHERE status =
'claimed' AND claimed_at = :seen``), so two ticks racing for the same row cannot both win.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import DateTime, Float, Integer, String, bindparam, func, select, true, update
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.orm import Session

from bot.store.models import ChannelReview, Checkin, Kpi, KpiValue, Workspace
from bot.store.scoping import insert_if_absent, scoped_kpi
from bot.store.types import utcnow

STALE_AFTER_MISSED = 3


@dataclass(frozen=True)
class Escalation:
    """What recording a posted check-in decided about the previous one: nudge it, and/or call the KPI stale."""

    nudge_channel: str | None = None
    nudge_thread_ts: str | None = None
    became_stale: bool = False


def recent_values(session: Session, kpi_ids: Collection[int], *, limit: int) -> dict[int, list[tuple[datetime, float]]]:
    """The newest ``limit`` values (when, value) of each KPI in ``kpi_ids``, oldest first: what a check-in's
    projection is computed from, for one batch of check-ins. The times are aware (UTC on SQLite, the session's
    zone on PostgreSQL); the projection only subtracts them.

    Every column read is in ``ix_kpi_values_kpi_id_recorded_at_id_value``. On PostgreSQL a LATERAL subquery with
    LIMIT reads exactly ``limit`` index entries per KPI (an index-only scan, newest first), and each KPI's points
    come back as one row of arrays; joining a ranked subquery back onto the table instead made the planner scan the
    whole table for every batch. SQLite has no LATERAL: there a window over the same covering index ranks them.
    """
    ids = sorted(set(kpi_ids))
    if not ids:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(_NEWEST_VALUES, {"kpi_rows": ids, "points": limit})
        return {kpi_id: list(zip(ats, vs, strict=True)) for kpi_id, ats, vs in rows}
    rank = func.row_number().over(
        partition_by=KpiValue.kpi_id, order_by=(KpiValue.recorded_at.desc(), KpiValue.id.desc())
    )
    ranked = (
        select(KpiValue.kpi_id, KpiValue.recorded_at, KpiValue.id, KpiValue.value, rank.label("rank"))
        .where(KpiValue.kpi_id.in_(ids))
        .subquery()
    )
    query = (
        select(ranked.c.kpi_id, ranked.c.recorded_at, ranked.c.value)
        .where(ranked.c.rank <= limit)
        .order_by(ranked.c.kpi_id, ranked.c.recorded_at, ranked.c.id)
    )
    histories: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    for kpi_id, recorded_at, value in session.execute(query):
        histories[kpi_id].append((recorded_at, value))
    return dict(histories)


def claim_period(
    session: Session, kpi_id: int, period_key: str, due_at: datetime, worker: str, *, channel_id: str, skip: bool
) -> int | None:
    """Claim the check-in of KPI row ``kpi_id`` for ``period_key``; its id, or None if it was already claimed.

    With ``skip`` the row is written as ``skipped`` (a paused KPI): the period counts as handled and is never
    posted later, even after the pause ends.
    """
    now = utcnow()
    return insert_if_absent(
        session,
        Checkin,
        {
            "kpi_id": kpi_id,
            "period_key": period_key,
            "due_at": due_at,
            "claimed_at": now,
            "claimed_by": worker[:128],
            "channel_id": channel_id,
            "status": "skipped" if skip else "claimed",
        },
        ["kpi_id", "period_key"],
    )


def unconfirmed_checkins(
    session: Session, team_ids: Collection[str] | None, *, claimed_before: datetime
) -> list[tuple[str, Checkin, Kpi]]:
    """Check-ins claimed before ``claimed_before`` and never confirmed as posted: the claimer may have crashed
    between sending and recording, so these are looked for in the channel's history before being posted again."""
    query = (
        select(Workspace.team_id, Checkin, Kpi)
        .join(Kpi, Checkin.kpi_id == Kpi.id)
        .join(Workspace, Kpi.workspace_id == Workspace.id)
        .where(Checkin.status == "claimed", Checkin.message_ts.is_(None), Checkin.claimed_at < claimed_before)
        .where(Workspace.uninstalled_at.is_(None))
        .order_by(Checkin.id)
    )
    if team_ids is not None:
        query = query.where(Workspace.team_id.in_(list(team_ids)))
    return [(team_id, checkin, kpi) for team_id, checkin, kpi in session.execute(query)]


def take_over_claim(session: Session, checkin_id: int, seen_claimed_at: datetime, worker: str) -> bool:
    """Take an expired claim over; True only for the one process whose update still saw the old claim."""
    result = session.execute(
        update(Checkin)
        .where(Checkin.id == checkin_id, Checkin.status == "claimed", Checkin.claimed_at == seen_claimed_at)
        .values(claimed_at=utcnow(), claimed_by=worker[:128])
    )
    return result.rowcount == 1


@dataclass(frozen=True)
class Posted:
    """A check-in Slack accepted: which, for which KPI and period (due), and where the message is."""

    checkin_id: int
    kpi_id: int
    due_at: datetime
    message_ts: str
    channel_id: str


_checkins = Checkin.__table__
_values = KpiValue.__table__
_MARK_POSTED = (
    update(_checkins)
    .where(_checkins.c.id == bindparam("checkin_row"))
    .values(
        status="posted", posted_at=bindparam("posted_at"), message_ts=bindparam("ts"), channel_id=bindparam("channel")
    )
)
# On PostgreSQL each batch statement takes arrays, so it is compiled once and cached whatever the batch's size.
_posted = (
    func.unnest(
        bindparam("checkin_rows", type_=ARRAY(Integer)),
        bindparam("tss", type_=ARRAY(String)),
        bindparam("channels", type_=ARRAY(String)),
    )
    .table_valued("checkin_row", "ts", "channel")
    .render_derived(name="posted")
)
_MARK_POSTED_BATCH = (
    update(_checkins)
    .where(_checkins.c.id == _posted.c.checkin_row)
    .values(status="posted", posted_at=bindparam("posted_at"), message_ts=_posted.c.ts, channel_id=_posted.c.channel)
)
_wanted = func.unnest(bindparam("kpi_rows", type_=ARRAY(Integer))).table_valued("kpi_id").render_derived(name="wanted")
_newest = (
    select(_values.c.recorded_at, _values.c.id, _values.c.value)
    .where(_values.c.kpi_id == _wanted.c.kpi_id)
    .order_by(_values.c.recorded_at.desc(), _values.c.id.desc())
    .limit(bindparam("points"))
    .lateral("newest")
)
_in_order = (_newest.c.recorded_at, _newest.c.id)
_NEWEST_VALUES = (  # one row per KPI, its points as two arrays: a tenth of the rows to fetch
    select(
        _wanted.c.kpi_id,
        # Plain types, not UTCDateTime: psycopg's aware datetimes as they come, no per-element conversion.
        func.array_agg(aggregate_order_by(_newest.c.recorded_at, *_in_order), type_=ARRAY(DateTime(timezone=True))),
        func.array_agg(aggregate_order_by(_newest.c.value, *_in_order), type_=ARRAY(Float)),
    )
    .select_from(_wanted.join(_newest, true()))
    .group_by(_wanted.c.kpi_id)
)
_current = (
    func.unnest(
        bindparam("checkin_rows", type_=ARRAY(Integer)),
        bindparam("kpi_rows", type_=ARRAY(Integer)),
        bindparam("dues", type_=ARRAY(DateTime(timezone=True))),
    )
    .table_valued("checkin_row", "kpi_row", "due")
    .render_derived(name="current")
)
_earlier = (
    select(_checkins.c.id, _checkins.c.status, _checkins.c.message_ts, _checkins.c.channel_id, _checkins.c.due_at)
    .where(_checkins.c.kpi_id == _current.c.kpi_row, _checkins.c.id != _current.c.checkin_row)
    .where(_checkins.c.status != "skipped", _checkins.c.due_at < _current.c.due)
    .order_by(_checkins.c.due_at.desc(), _checkins.c.id.desc())
    .limit(STALE_AFTER_MISSED)
    .lateral("earlier")
)
_EARLIER_CHECKINS = (
    select(_current.c.checkin_row, _earlier.c.id, _earlier.c.status, _earlier.c.message_ts, _earlier.c.channel_id)
    .select_from(_current.join(_earlier, true()))
    .order_by(_current.c.checkin_row, _earlier.c.due_at.desc(), _earlier.c.id.desc())
)


def record_posted(session: Session, checkin_id: int, message_ts: str, channel_id: str) -> Escalation:
    """Mark one check-in posted and escalate as ``record_posted_batch`` does (the crash reconciliation's path)."""
    checkin = session.get(Checkin, checkin_id)
    if checkin is None:  # pragma: no cover - the caller holds the claim
        return Escalation()
    posted = Posted(checkin_id, checkin.kpi_id, checkin.due_at, message_ts, channel_id)
    return record_posted_batch(session, [posted])[checkin_id]


def record_posted_batch(session: Session, posted: Sequence[Posted]) -> dict[int, Escalation]:
    """Mark check-ins posted, and escalate each KPI's previous check-in if nobody answered it; by check-in id.

    The previous unanswered check-in becomes ``missed`` and gets one nudge (the ``nudged_at`` condition makes
    the nudge this caller's alone). When the last STALE_AFTER_MISSED check-ins were all missed, the KPI is marked
    stale — once: only the update that flips ``stale`` reports it, so the channel hears about it one time. A whole
    batch costs a handful of statements, not a few per check-in: a 30k burst is recorded as it is posted.
    """
    if not posted:
        return {}
    now = utcnow()
    if session.get_bind().dialect.name == "postgresql":
        tss, channels = [p.message_ts for p in posted], [p.channel_id for p in posted]
        rows = {"checkin_rows": [p.checkin_id for p in posted], "tss": tss, "channels": channels}
        session.execute(_MARK_POSTED_BATCH, {**rows, "posted_at": now})
    else:
        marks = [
            {"checkin_row": p.checkin_id, "posted_at": now, "ts": p.message_ts, "channel": p.channel_id} for p in posted
        ]
        session.execute(_MARK_POSTED, marks)
    previous = _previous_checkins(session, posted)
    to_nudge = {prev[0][0] for prev in previous.values() if prev and prev[0][1] == "posted" and prev[0][2]}
    nudged: set[int] = set()
    if to_nudge:
        nudged = set(
            session.scalars(
                update(Checkin)
                .where(Checkin.id.in_(to_nudge), Checkin.status == "posted", Checkin.nudged_at.is_(None))
                .values(status="missed", nudged_at=now)
                .returning(Checkin.id)
                .execution_options(synchronize_session=False)
            )
        )
    stale_candidates: dict[int, int] = {}
    for p in posted:
        prev = previous.get(p.checkin_id, [])
        statuses = ["missed" if row[0] in nudged else row[1] for row in prev]
        if len(prev) >= STALE_AFTER_MISSED and all(status == "missed" for status in statuses):
            stale_candidates[p.kpi_id] = p.checkin_id
    flipped: set[int] = set()
    if stale_candidates:
        flipped = set(
            session.scalars(
                update(Kpi)
                .where(Kpi.id.in_(stale_candidates), Kpi.stale.is_(False))
                .values(stale=True)
                .returning(Kpi.id)
                .execution_options(synchronize_session=False)
            )
        )
    escalations = {}
    for p in posted:
        prev = previous.get(p.checkin_id, [])
        nudge = prev[0] if prev and prev[0][0] in nudged else None
        escalations[p.checkin_id] = Escalation(
            nudge[3] if nudge else None, nudge[2] if nudge else None, became_stale=p.kpi_id in flipped
        )
    return escalations


def _previous_checkins(session: Session, posted: Sequence[Posted]) -> dict[int, list[tuple[int, str, str, str]]]:
    """For each posted check-in, its KPI's STALE_AFTER_MISSED previous (earlier due, not skipped) check-ins as
    (id, status, message ts, channel), newest first: a LATERAL over ``ix_checkins_kpi_id_due_at`` on PostgreSQL,
    the same query per check-in on SQLite (which has no LATERAL and serves one process)."""
    columns = (Checkin.id, Checkin.status, Checkin.message_ts, Checkin.channel_id)
    found: dict[int, list[tuple[int, str, str, str]]] = defaultdict(list)
    if session.get_bind().dialect.name == "postgresql":
        params = {
            "checkin_rows": [p.checkin_id for p in posted],
            "kpi_rows": [p.kpi_id for p in posted],
            "dues": [p.due_at for p in posted],
        }
        for checkin_id, *row in session.execute(_EARLIER_CHECKINS, params):
            found[checkin_id].append(tuple(row))  # type: ignore[arg-type]
        return dict(found)
    for p in posted:
        query = (
            select(*columns)
            .where(Checkin.kpi_id == p.kpi_id, Checkin.id != p.checkin_id, Checkin.status != "skipped")
            .where(Checkin.due_at < p.due_at)
            .order_by(Checkin.due_at.desc(), Checkin.id.desc())
            .limit(STALE_AFTER_MISSED)
        )
        found[p.checkin_id] = [tuple(row) for row in session.execute(query)]  # type: ignore[misc]
    return dict(found)


def renew_claims(session: Session, checkin_ids: Collection[int], worker: str) -> None:
    """Keep this worker's claims that are still waiting to be posted from looking abandoned (their lease), so no
    other replica reconciles and re-posts a check-in that is only queued behind its channel's rate limit.

    Rows another transaction holds are skipped (``SKIP LOCKED``): they are being recorded as posted right now, and
    waiting for them while holding others deadlocked against the recorder, which locks the same rows in its order.
    """
    if checkin_ids:
        held = (
            select(Checkin.id)
            .where(Checkin.id.in_(list(checkin_ids)), Checkin.claimed_by == worker[:128])
            .where(Checkin.status == "claimed", Checkin.message_ts.is_(None))
            .with_for_update(skip_locked=True)
        )
        session.execute(
            update(Checkin)
            .where(Checkin.id.in_(held.scalar_subquery()))
            .values(claimed_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def pause_until(session: Session, team_id: str, number: int, until: date | None) -> Kpi:
    """Pause KPI ``#number``'s check-ins up to and including ``until`` (None resumes them).

    The stored due time stays where it is: a period that falls due during the pause is claimed by the tick as
    ``skipped`` (so it is counted, and never posted after the pause), and the next one is scheduled as usual.
    """
    kpi = scoped_kpi(session, team_id, number, for_update=True)
    kpi.paused_until = until
    session.flush()
    return kpi


def record_review_posted(session: Session, review_id: int, message_ts: str) -> None:
    """Keep the ts of a posted review (for reference; the claim alone prevents a second post)."""
    session.execute(update(ChannelReview).where(ChannelReview.id == review_id).values(message_ts=message_ts))
