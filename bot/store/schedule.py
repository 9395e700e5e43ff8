"""What the check-in scheduler reads and claims across every workspace it serves.

The scheduler is the one caller that is not answering a person in one workspace: it sweeps all KPIs with a
check-in cadence. It is still scoped — by the set of team ids it holds tokens for — and every row it touches is
found through that set, so a token for one workspace never posts another workspace's KPI.

Claims are single statements guarded by a unique key or a condition on the current state (``… WHERE status =
'claimed' AND claimed_at = :seen``), so two ticks racing for the same row cannot both win.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.store.models import ChannelReview, Checkin, Kpi, KpiValue, Workspace
from bot.store.scoping import insert_if_absent, scoped_kpi, workspace_id_for
from bot.store.types import utcnow

STALE_AFTER_MISSED = 3


@dataclass(frozen=True)
class ScheduledKpi:
    """A KPI with a check-in cadence, with the team it belongs to (the ORM row is detached, read-only)."""

    team_id: str
    kpi: Kpi


@dataclass(frozen=True)
class Escalation:
    """What recording a posted check-in decided about the previous one: nudge it, and/or call the KPI stale."""

    nudge_channel: str | None = None
    nudge_thread_ts: str | None = None
    became_stale: bool = False


def scheduled_kpis(session: Session, team_ids: Collection[str] | None) -> list[ScheduledKpi]:
    """Active KPIs with a cadence and a channel, of ``team_ids`` (None: every team — OAuth mode)."""
    query = (
        select(Workspace.team_id, Kpi)
        .join(Workspace, Kpi.workspace_id == Workspace.id)
        .where(Kpi.status == "active", Kpi.cadence != "off", Kpi.channel_id.is_not(None))
        .order_by(Kpi.id)
    )
    if team_ids is not None:
        query = query.where(Workspace.team_id.in_(list(team_ids)))
    return [ScheduledKpi(team_id, kpi) for team_id, kpi in session.execute(query)]


def existing_claims(session: Session, wanted: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which of the (kpi id, period key) pairs already have a check-in row (claimed, posted, skipped…)."""
    wanted = list(wanted)
    found: set[tuple[int, str]] = set()
    for chunk_start in range(0, len(wanted), 500):
        chunk = wanted[chunk_start : chunk_start + 500]
        asked = set(chunk)
        keys = {key for _, key in chunk}
        ids = {kpi_id for kpi_id, _ in chunk}
        rows = session.execute(
            select(Checkin.kpi_id, Checkin.period_key).where(Checkin.kpi_id.in_(ids), Checkin.period_key.in_(keys))
        )
        found.update((kpi_id, key) for kpi_id, key in rows if (kpi_id, key) in asked)
    return found


def value_histories(session: Session, kpi_ids: Collection[int], *, limit: int = 12) -> dict[int, list[KpiValue]]:
    """The newest ``limit`` values of each KPI, oldest first: what projections and feasibility are computed from."""
    histories: dict[int, list[KpiValue]] = defaultdict(list)
    ids = list(kpi_ids)
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        ranked = (
            select(
                KpiValue,
                func.row_number()
                .over(partition_by=KpiValue.kpi_id, order_by=(KpiValue.recorded_at.desc(), KpiValue.id.desc()))
                .label("rank"),
            )
            .where(KpiValue.kpi_id.in_(chunk))
            .subquery()
        )
        newest = select(KpiValue).join(ranked, KpiValue.id == ranked.c.id).where(ranked.c.rank <= limit)
        for value in session.scalars(newest.order_by(KpiValue.kpi_id, KpiValue.recorded_at, KpiValue.id)):
            histories[value.kpi_id].append(value)
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


def record_posted(session: Session, checkin_id: int, message_ts: str, channel_id: str) -> Escalation:
    """Mark the check-in posted, and escalate the KPI's previous check-in if nobody answered it.

    The previous unanswered check-in becomes ``missed`` and gets one nudge (the ``nudged_at`` condition makes
    the nudge this caller's alone). When the last STALE_AFTER_MISSED check-ins were all missed, the KPI is marked
    stale — once: only the update that flips ``stale`` reports it, so the channel hears about it one time.
    """
    now = utcnow()
    checkin = session.get(Checkin, checkin_id)
    if checkin is None:  # pragma: no cover - the caller holds the claim
        return Escalation()
    checkin.status = "posted"
    checkin.posted_at = now
    checkin.message_ts = message_ts
    checkin.channel_id = channel_id
    session.flush()
    previous = session.scalars(
        select(Checkin)
        .where(Checkin.kpi_id == checkin.kpi_id, Checkin.id != checkin.id, Checkin.status != "skipped")
        .where(Checkin.due_at < checkin.due_at)
        .order_by(Checkin.due_at.desc(), Checkin.id.desc())
        .limit(STALE_AFTER_MISSED)
    ).all()
    escalation = Escalation()
    if previous and previous[0].status == "posted" and previous[0].message_ts:
        nudged = session.execute(
            update(Checkin)
            .where(Checkin.id == previous[0].id, Checkin.status == "posted", Checkin.nudged_at.is_(None))
            .values(status="missed", nudged_at=now)
        )
        if nudged.rowcount == 1:
            escalation = Escalation(previous[0].channel_id, previous[0].message_ts)
            session.refresh(previous[0])
    if len(previous) >= STALE_AFTER_MISSED and all(p.status == "missed" for p in previous):
        flipped = session.execute(update(Kpi).where(Kpi.id == checkin.kpi_id, Kpi.stale.is_(False)).values(stale=True))
        if flipped.rowcount == 1:
            escalation = Escalation(escalation.nudge_channel, escalation.nudge_thread_ts, became_stale=True)
    return escalation


def pause_until(session: Session, team_id: str, number: int, until: date | None) -> Kpi:
    """Pause KPI ``#number``'s check-ins up to and including ``until`` (None resumes them)."""
    kpi = scoped_kpi(session, team_id, number, for_update=True)
    kpi.paused_until = until
    session.flush()
    return kpi


def channel_kpi_sets(session: Session, team_ids: Collection[str] | None) -> dict[tuple[str, str], list[Kpi]]:
    """The non-archived KPIs of each (team, channel) that has any: what a channel's periodic review looks at."""
    query = (
        select(Workspace.team_id, Kpi)
        .join(Workspace, Kpi.workspace_id == Workspace.id)
        .where(Kpi.status != "archived", Kpi.channel_id.is_not(None))
        .order_by(Kpi.number)
    )
    if team_ids is not None:
        query = query.where(Workspace.team_id.in_(list(team_ids)))
    sets: dict[tuple[str, str], list[Kpi]] = defaultdict(list)
    for team_id, kpi in session.execute(query):
        sets[(team_id, kpi.channel_id)].append(kpi)
    return dict(sets)


def claimed_reviews(session: Session, team_ids: Collection[str] | None) -> set[tuple[str, str, str]]:
    """(team, channel, period key) of every review already claimed."""
    query = select(Workspace.team_id, ChannelReview.channel_id, ChannelReview.period_key).join(
        Workspace, ChannelReview.workspace_id == Workspace.id
    )
    if team_ids is not None:
        query = query.where(Workspace.team_id.in_(list(team_ids)))
    return {(team, channel, key) for team, channel, key in session.execute(query)}


def record_review_posted(session: Session, review_id: int, message_ts: str) -> None:
    """Keep the ts of a posted review (for reference; the claim alone prevents a second post)."""
    session.execute(update(ChannelReview).where(ChannelReview.id == review_id).values(message_ts=message_ts))


def claim_review(session: Session, team_id: str, channel_id: str, period_key: str) -> int | None:
    """Claim the periodic review of ``channel_id`` for ``period_key``; None when it was already claimed."""
    return insert_if_absent(
        session,
        ChannelReview,
        {
            "workspace_id": workspace_id_for(session, team_id),
            "channel_id": channel_id,
            "period_key": period_key,
            "claimed_at": utcnow(),
        },
        ["workspace_id", "channel_id", "period_key"],
    )
