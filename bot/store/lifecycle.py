"""A workspace's life with the app: uninstalled (its jobs stop), installed again (they resume), purged (its data is
gone, with a count of every row deleted as the record of it).

Stopping is done in the due times, not by a check in every tick: an uninstalled workspace's KPIs and channels get
no due time at all, so the tick's index never sees them again and costs nothing for them. Claims taken before the
uninstall and never posted are skipped, or a later tick would keep trying to reconcile them with a dead token.
A new install works every due time out again; one that passed while the app was away is posted once, for its latest
period, like after any pause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Delete, MetaData, Table, delete, func, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.store.due import reschedule_kpi, reschedule_review
from bot.store.models import (
    ChannelReview,
    Checkin,
    Conversation,
    ConversationTurn,
    Kpi,
    KpiChange,
    KpiValue,
    ProcessedEvent,
    ReviewSchedule,
    Workspace,
)
from bot.store.types import utcnow

# slack_sdk's installation store keeps tokens in these tables (created by the OAuth mode on first start).
INSTALLATION_TABLES = ("slack_installations", "slack_bots")


def mark_uninstalled(session: Session, team_id: str, *, at: datetime | None = None) -> bool:
    """Record that the app left ``team_id`` and stop its check-ins and reviews; False when the bot never knew the
    team. Idempotent: Slack sends both ``app_uninstalled`` and ``tokens_revoked``, in either order, and retries."""
    workspace = session.scalars(select(Workspace).where(Workspace.team_id == team_id).with_for_update()).first()
    if workspace is None:
        return False
    if workspace.uninstalled_at is None:
        workspace.uninstalled_at = at or utcnow()
    session.execute(
        update(Kpi).where(Kpi.workspace_id == workspace.id).values(next_due_at=None, updated_at=Kpi.updated_at)
    )
    session.execute(update(ReviewSchedule).where(ReviewSchedule.workspace_id == workspace.id).values(next_due_at=None))
    session.execute(
        update(Checkin)
        .where(Checkin.kpi_id.in_(_kpi_ids(workspace.id)), Checkin.status == "claimed", Checkin.message_ts.is_(None))
        .values(status="skipped")
    )
    return True


def mark_installed(session: Session, team_id: str) -> bool:
    """The app is (again) in ``team_id``: clear the uninstall and work out every due time again. True when the
    workspace had been uninstalled; a workspace never seen, or never uninstalled, is left as it is."""
    workspace = session.scalars(select(Workspace).where(Workspace.team_id == team_id).with_for_update()).first()
    if workspace is None or workspace.uninstalled_at is None:
        return False
    workspace.uninstalled_at = None
    kpis = session.scalars(select(Kpi).where(Kpi.workspace_id == workspace.id).order_by(Kpi.id)).all()
    for kpi in kpis:
        reschedule_kpi(session, kpi)
    session.flush()
    for channel in sorted({kpi.channel_id for kpi in kpis if kpi.channel_id}):
        reschedule_review(session, workspace.id, channel)
    return True


def is_uninstalled(session: Session, team_id: str) -> bool:
    return session.scalar(select(Workspace.uninstalled_at).where(Workspace.team_id == team_id)) is not None


def expired_teams(session: Session, retention: timedelta, *, now: datetime | None = None) -> list[str]:
    """Teams uninstalled longer ago than ``retention``: what the retention setting deletes."""
    cutoff = (now or utcnow()) - retention
    query = select(Workspace.team_id).where(Workspace.uninstalled_at.is_not(None), Workspace.uninstalled_at < cutoff)
    return list(session.scalars(query.order_by(Workspace.team_id)))


@dataclass
class PurgeReport:
    """Rows deleted per table for one team, and what is left of it after (zero everywhere, or the purge failed)."""

    team_id: str
    known: bool
    deleted: dict[str, int] = field(default_factory=dict)
    left: int = 0

    @property
    def total(self) -> int:
        return sum(self.deleted.values())


def purge_workspace(session: Session, team_id: str) -> PurgeReport:
    """Delete everything stored about ``team_id``: register, history, check-ins, conversations, event claims and
    its Slack installation (tokens). Each table is deleted explicitly, children first, rather than left to
    ``ON DELETE CASCADE``: the counts are the record a team asks for, and SQLite cascades only with a pragma on."""
    workspace_id = session.scalar(select(Workspace.id).where(Workspace.team_id == team_id))
    report = PurgeReport(team_id, known=workspace_id is not None)
    for name, statement in _deletions(session, team_id, workspace_id):
        report.deleted[name] = session.execute(statement).rowcount or 0
    session.flush()
    report.left = remaining_rows(session, team_id)
    return report


def remaining_rows(session: Session, team_id: str) -> int:
    """Rows still stored about ``team_id`` in any table purge deletes from (0 after a purge)."""
    workspace_id = session.scalar(select(Workspace.id).where(Workspace.team_id == team_id))
    total = 0
    for _, statement in _deletions(session, team_id, workspace_id):
        table, where = statement.table, statement.whereclause
        total += session.scalar(select(func.count()).select_from(table).where(where)) or 0
    return total


def _kpi_ids(workspace_id: int | None) -> Select[tuple[int]]:
    return select(Kpi.id).where(Kpi.workspace_id == workspace_id)


def _deletions(session: Session, team_id: str, workspace_id: int | None) -> list[tuple[str, Delete]]:
    conversations = select(Conversation.id).where(Conversation.workspace_id == workspace_id)
    kpis = _kpi_ids(workspace_id)
    statements = [
        ("conversation_turns", delete(ConversationTurn).where(ConversationTurn.conversation_id.in_(conversations))),
        ("conversations", delete(Conversation).where(Conversation.workspace_id == workspace_id)),
        ("kpi_values", delete(KpiValue).where(KpiValue.kpi_id.in_(kpis))),
        ("kpi_changes", delete(KpiChange).where(KpiChange.kpi_id.in_(kpis))),
        ("checkins", delete(Checkin).where(Checkin.kpi_id.in_(kpis))),
        ("channel_reviews", delete(ChannelReview).where(ChannelReview.workspace_id == workspace_id)),
        ("review_schedules", delete(ReviewSchedule).where(ReviewSchedule.workspace_id == workspace_id)),
        ("kpis", delete(Kpi).where(Kpi.workspace_id == workspace_id)),
        ("processed_events", delete(ProcessedEvent).where(ProcessedEvent.team_id == team_id)),
        ("workspaces", delete(Workspace).where(Workspace.team_id == team_id)),
    ]
    connection = session.connection()
    present = set(inspect(connection).get_table_names())
    for name in INSTALLATION_TABLES:
        if name in present:
            table = Table(name, MetaData(), autoload_with=connection)
            statements.append((name, delete(table).where(table.c.team_id == team_id)))
    return statements
