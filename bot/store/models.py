"""The tables of the KPI register, as typed SQLAlchemy models.

Allowed values of the string "enums" are tuples here and CHECK constraints in the database, so a bad value fails in
the same way whichever code path wrote it. Every table hangs off a workspace (directly or through a KPI or a
conversation): that is what makes per-workspace scoping in the repository possible.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.store.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CADENCES = ("daily", "weekly", "biweekly", "monthly", "quarterly", "off")
KPI_STATUSES = ("active", "paused", "archived")
LANGUAGES = ("en", "sv", "nb")
VALUE_SOURCES = ("command", "modal", "checkin")
CHECKIN_STATUSES = ("claimed", "posted", "answered", "missed", "skipped")
CHECKIN_ANSWERS = ("value", "target_ok", "target_revised", "snoozed")
TURN_ROLES = ("user", "bot")


def _one_of(column: str, allowed: tuple[str, ...], name: str) -> CheckConstraint:
    quoted = ", ".join(f"'{value}'" for value in allowed)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


class Base(DeclarativeBase):
    """Declarative base whose metadata names every constraint, so migrations can alter them by name later."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Workspace(Base):
    """A Slack workspace (team) that installed the bot; the unit of tenancy."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), unique=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255), default="")
    next_kpi_number: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when Slack says the app was uninstalled (or its bot token revoked): no check-ins or reviews are claimed
    # for the workspace from then on, and the retention setting counts from here. Cleared by a new install.
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Kpi(Base):
    """One KPI in a workspace's register, addressed by people as ``#number``."""

    __tablename__ = "kpis"
    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("level IS NULL OR (level BETWEEN 1 AND 5)", name="level_range"),
        CheckConstraint("checkin_weekday BETWEEN 0 AND 6", name="checkin_weekday_range"),
        CheckConstraint("checkin_time LIKE '__:__'", name="checkin_time_hh_mm"),
        _one_of("cadence", CADENCES, "cadence_allowed"),
        _one_of("status", KPI_STATUSES, "status_allowed"),
        _one_of("language", LANGUAGES, "language_allowed"),
        Index("ix_kpis_workspace_id_owner_user_id", "workspace_id", "owner_user_id"),
        # Due rows in claiming order: by due time, then a workspace's channels together, so a batch takes whole channels
        # and two replicas rarely post to one channel at once (each would pace itself and draw 429s from the other).
        Index("ix_kpis_next_due_at_workspace_id_channel_id_id", "next_due_at", "workspace_id", "channel_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    goal_text: Mapped[str] = mapped_column(Text, default="")
    metric: Mapped[str | None] = mapped_column(String(100))
    metric_label: Mapped[str | None] = mapped_column(String(255))
    level: Mapped[int | None] = mapped_column(Integer)
    funnel_stage: Mapped[str | None] = mapped_column(String(50))
    conversion: Mapped[str | None] = mapped_column(String(255))
    unit: Mapped[str | None] = mapped_column(String(50))
    target: Mapped[float | None] = mapped_column(Float)
    baseline: Mapped[float | None] = mapped_column(Float)
    current_value: Mapped[float | None] = mapped_column(Float)
    deadline: Mapped[date | None] = mapped_column(Date)
    benchmark: Mapped[str | None] = mapped_column(Text)
    benchmark_source: Mapped[str | None] = mapped_column(Text)
    owner_user_id: Mapped[str | None] = mapped_column(String(32))
    creator_user_id: Mapped[str | None] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    cadence: Mapped[str] = mapped_column(String(16), default="weekly")
    checkin_weekday: Mapped[int] = mapped_column(Integer, default=0)
    checkin_time: Mapped[str] = mapped_column(String(5), default="09:00")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(2), default="en")
    grade: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="active")
    paused_until: Mapped[date | None] = mapped_column(Date)
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
    action_plan: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_revisited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the next check-in falls due (None: no check-ins). Kept by the store on every change to the schedule and
    # advanced by the tick that claims it, so a tick reads only the due rows of this index.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class KpiValue(Base):
    """One reported value of a KPI; the newest one is mirrored in ``Kpi.current_value``."""

    __tablename__ = "kpi_values"
    __table_args__ = (
        _one_of("source", VALUE_SOURCES, "source_allowed"),
        # Covers what a check-in's projection reads (newest first per KPI), so PostgreSQL answers it from the
        # index alone (an index-only scan) and never visits the table.
        Index("ix_kpi_values_kpi_id_recorded_at_id_value", "kpi_id", "recorded_at", "id", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id", ondelete="CASCADE"))
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(32))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(16), default="command")


class KpiChange(Base):
    """An edit of one KPI field, old → new as text, so a team can see why a target moved."""

    __tablename__ = "kpi_changes"
    __table_args__ = (Index("ix_kpi_changes_kpi_id_changed_at", "kpi_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str | None] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Checkin(Base):
    """A check-in for one KPI and period; the unique (kpi, period) row is the exactly-once claim to post it."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("kpi_id", "period_key"),
        _one_of("status", CHECKIN_STATUSES, "status_allowed"),
        CheckConstraint(
            "answer IS NULL OR answer IN ({})".format(", ".join(f"'{a}'" for a in CHECKIN_ANSWERS)),
            name="answer_allowed",
        ),
        Index("ix_checkins_status_claimed_at", "status", "claimed_at"),
        Index("ix_checkins_kpi_id_due_at", "kpi_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str] = mapped_column(String(128))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    answered_by: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(String(16))


class ChannelReview(Base):
    """The periodic review of one channel's KPI set; the unique (workspace, channel, period) row is its claim."""

    __tablename__ = "channel_reviews"
    __table_args__ = (UniqueConstraint("workspace_id", "channel_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(32))
    period_key: Mapped[str] = mapped_column(String(32))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    message_ts: Mapped[str | None] = mapped_column(String(32))


class ReviewSchedule(Base):
    """When a channel's next KPI-set review falls due (None: the channel has no KPIs left), kept like
    ``Kpi.next_due_at`` so the tick reads only due channels instead of every KPI of every workspace."""

    __tablename__ = "review_schedules"
    __table_args__ = (
        UniqueConstraint("workspace_id", "channel_id"),
        Index("ix_review_schedules_next_due_at_id", "next_due_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(32))
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Conversation(Base):
    """The coaching dialogue in one Slack thread; ``state`` is the dialogue's own JSON, replaced as a whole."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("workspace_id", "channel_id", "thread_ts"),
        _one_of("language", LANGUAGES, "language_allowed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2), default="en")
    draft_text: Mapped[str | None] = mapped_column(Text)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    turns: Mapped[list[ConversationTurn]] = relationship(
        order_by="(ConversationTurn.created_at, ConversationTurn.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ConversationTurn(Base):
    """One message in a coaching conversation, with the grader's score when it was a draft."""

    __tablename__ = "conversation_turns"
    __table_args__ = (
        _one_of("role", TURN_ROLES, "role_allowed"),
        Index("ix_conversation_turns_conversation_id_created_at", "conversation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProcessedEvent(Base):
    """A Slack event already handled, keyed by team; inserting it first is how retries are made harmless.

    Keyed by ``team_id`` rather than a workspace row so the claim is a single INSERT that needs no prior read.
    """

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("team_id", "event_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    event_key: Mapped[str] = mapped_column(String(255))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
