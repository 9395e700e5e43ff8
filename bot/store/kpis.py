"""Workspaces and the KPI register: create, read, change with an audit trail, record values.

Functions take a Session and the caller's Slack ``team_id`` and never commit: the caller's ``session_scope`` does.
They return data and leave permission decisions (owner, creator, admin) to the services layer.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Float, select, update
from sqlalchemy.orm import Session

from bot.store.due import kpi_changed, kpi_created
from bot.store.errors import WorkspaceNotFound
from bot.store.models import CADENCES, KPI_STATUSES, LANGUAGES, VALUE_SOURCES, Kpi, KpiChange, KpiValue, Workspace
from bot.store.scoping import insert_if_absent, kpi_query, scoped_kpi
from bot.store.types import utcnow

_NOT_SETTABLE = frozenset(
    {"id", "workspace_id", "number", "created_at", "updated_at", "archived_at", "last_revisited_at", "next_due_at"}
)
CREATABLE_FIELDS = frozenset(Kpi.__table__.columns.keys()) - _NOT_SETTABLE
# current_value changes only through record_value, so the value history stays complete.
EDITABLE_FIELDS = CREATABLE_FIELDS - {"current_value"}
REVISIT_FIELDS = frozenset({"target", "benchmark"})
_FLOAT_FIELDS = frozenset(column.key for column in Kpi.__table__.columns if isinstance(column.type, Float))

_CHECKIN_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


def get_workspace(session: Session, team_id: str) -> Workspace | None:
    """Return the workspace of ``team_id``, or None if the bot has not seen that team yet."""
    return session.scalars(select(Workspace).where(Workspace.team_id == team_id)).one_or_none()


def get_or_create_workspace(
    session: Session, team_id: str, *, name: str | None = None, enterprise_id: str | None = None
) -> Workspace:
    """Return the workspace of ``team_id``, creating it on first sight; safe when two events race to create it.

    A ``name`` or ``enterprise_id`` that differs from the stored one replaces it (workspaces get renamed).
    """
    workspace = get_workspace(session, team_id)
    if workspace is None:
        insert_if_absent(
            session,
            Workspace,
            {"team_id": team_id, "name": name or "", "enterprise_id": enterprise_id, "created_at": utcnow()},
            ["team_id"],
        )
        workspace = get_workspace(session, team_id)
    if workspace is None:  # pragma: no cover - the insert above guarantees a row
        raise WorkspaceNotFound(team_id)
    if name is not None and workspace.name != name:
        workspace.name = name
    if enterprise_id is not None and workspace.enterprise_id != enterprise_id:
        workspace.enterprise_id = enterprise_id
    return workspace


def create_kpi(session: Session, team_id: str, **fields: Any) -> Kpi:
    """Add a KPI to the register of ``team_id`` under the workspace's next number (#1, #2, …).

    The number comes from a per-workspace counter bumped with ``UPDATE … RETURNING``; on PostgreSQL the row lock
    makes concurrent creators queue, so numbers are never handed out twice. Numbers are never reused, even after
    a KPI is archived, so "#3" in an old Slack message always means the same KPI. Its first check-in and its
    channel's review are scheduled in the same transaction (``due.kpi_created``).
    """
    unknown = set(fields) - CREATABLE_FIELDS
    if unknown:
        raise TypeError(f"create_kpi() got fields it cannot set: {', '.join(sorted(unknown))}")
    if not fields.get("name"):
        raise ValueError("a KPI needs a name")
    fields = {field: _checked(field, value) for field, value in fields.items()}
    workspace_id, number = _allocate_number(session, team_id)
    kpi = Kpi(workspace_id=workspace_id, number=number, **fields)
    if kpi.status == "archived":
        kpi.archived_at = utcnow()
    session.add(kpi)
    session.flush()
    kpi_created(session, kpi)
    session.flush()
    return kpi


def _allocate_number(session: Session, team_id: str) -> tuple[int, int]:
    allocated = session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id)
        .values(next_kpi_number=Workspace.next_kpi_number + 1)
        .returning(Workspace.id, Workspace.next_kpi_number)
    ).one_or_none()
    if allocated is None:
        raise WorkspaceNotFound(team_id)
    workspace_id, next_number = allocated
    return workspace_id, next_number - 1


def get_kpi(session: Session, team_id: str, number: int) -> Kpi | None:
    """Return KPI ``#number`` of ``team_id``, or None; another team's KPI with that number is never returned."""
    return session.scalars(kpi_query(team_id).where(Kpi.number == number)).one_or_none()


def list_kpis(
    session: Session, team_id: str, *, owner_user_id: str | None = None, include_archived: bool = False
) -> list[Kpi]:
    """Return the KPIs of ``team_id`` in number order, optionally one owner's, archived ones only on request."""
    query = kpi_query(team_id)
    if owner_user_id is not None:
        query = query.where(Kpi.owner_user_id == owner_user_id)
    if not include_archived:
        query = query.where(Kpi.status != "archived")
    return list(session.scalars(query.order_by(Kpi.number)))


def record_value(
    session: Session,
    team_id: str,
    number: int,
    value: float,
    *,
    recorded_by: str | None = None,
    source: str = "command",
    note: str | None = None,
    recorded_at: datetime | None = None,
) -> KpiValue:
    """Append ``value`` to the history of KPI ``#number`` and make it the KPI's current value."""
    if source not in VALUE_SOURCES:
        raise ValueError(f"value source must be one of {', '.join(VALUE_SOURCES)}, not {source!r}")
    value = _checked("current_value", value)
    kpi = scoped_kpi(session, team_id, number, for_update=True)
    entry = KpiValue(
        kpi_id=kpi.id,
        value=value,
        note=note,
        recorded_by=recorded_by,
        recorded_at=recorded_at or utcnow(),
        source=source,
    )
    kpi.current_value = value
    session.add(entry)
    session.flush()
    return entry


def change_field(
    session: Session,
    team_id: str,
    number: int,
    field: str,
    new_value: Any,
    *,
    changed_by: str | None = None,
    reason: str | None = None,
) -> KpiChange | None:
    """Set one field of KPI ``#number`` and log old → new with who and why; None if the value did not change.

    Changing the target or benchmark counts as revisiting the KPI (``last_revisited_at``), which is what the
    check-ins use to tell a living KPI from a forgotten one. Setting ``status`` keeps ``archived_at`` in step, and
    a field the schedule depends on moves the stored due times (``due.kpi_changed``).
    """
    if field not in EDITABLE_FIELDS:
        raise ValueError(f"{field!r} cannot be changed this way; editable fields: {', '.join(sorted(EDITABLE_FIELDS))}")
    new_value = _checked(field, new_value)
    kpi = scoped_kpi(session, team_id, number, for_update=True)
    old_value = getattr(kpi, field)
    if old_value == new_value:
        return None
    now = utcnow()
    setattr(kpi, field, new_value)
    if field in REVISIT_FIELDS:
        kpi.last_revisited_at = now
    if field == "status":
        kpi.archived_at = now if new_value == "archived" else None
    change = KpiChange(
        kpi_id=kpi.id,
        field=field,
        old_value=_as_text(old_value),
        new_value=_as_text(new_value),
        reason=reason,
        changed_by=changed_by,
        changed_at=now,
    )
    session.add(change)
    kpi_changed(session, kpi, field, old_value)
    session.flush()
    return change


def change_target(
    session: Session,
    team_id: str,
    number: int,
    new_target: float | None,
    *,
    changed_by: str | None = None,
    reason: str | None = None,
) -> KpiChange | None:
    """Move the target of KPI ``#number``, keeping the old target and the reason in the change log."""
    return change_field(session, team_id, number, "target", new_target, changed_by=changed_by, reason=reason)


def update_kpi(
    session: Session,
    team_id: str,
    number: int,
    *,
    changed_by: str | None = None,
    reason: str | None = None,
    **fields: Any,
) -> Kpi:
    """Change several fields of KPI ``#number`` at once; each changed field gets its own change-log entry."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"update_kpi() got fields it cannot change: {', '.join(sorted(unknown))}")
    fields = {field: _checked(field, value) for field, value in fields.items()}
    kpi = scoped_kpi(session, team_id, number)
    for field, value in fields.items():
        change_field(session, team_id, number, field, value, changed_by=changed_by, reason=reason)
    return kpi


def archive_kpi(
    session: Session, team_id: str, number: int, *, changed_by: str | None = None, reason: str | None = None
) -> Kpi:
    """Archive KPI ``#number``: it leaves the default listings and check-ins but keeps its number and history."""
    change_field(session, team_id, number, "status", "archived", changed_by=changed_by, reason=reason)
    return scoped_kpi(session, team_id, number)


def value_history(session: Session, team_id: str, number: int, *, limit: int | None = None) -> list[KpiValue]:
    """Return the recorded values of KPI ``#number``, oldest first; with ``limit``, only the newest ``limit``."""
    kpi = scoped_kpi(session, team_id, number)
    query = select(KpiValue).where(KpiValue.kpi_id == kpi.id)
    if limit is None:
        return list(session.scalars(query.order_by(KpiValue.recorded_at, KpiValue.id)))
    newest = session.scalars(query.order_by(KpiValue.recorded_at.desc(), KpiValue.id.desc()).limit(limit))
    return list(reversed(list(newest)))


def changes(session: Session, team_id: str, number: int, *, field: str | None = None) -> list[KpiChange]:
    """Return the change log of KPI ``#number``, oldest first, optionally for one field."""
    kpi = scoped_kpi(session, team_id, number)
    query = select(KpiChange).where(KpiChange.kpi_id == kpi.id)
    if field is not None:
        query = query.where(KpiChange.field == field)
    return list(session.scalars(query.order_by(KpiChange.changed_at, KpiChange.id)))


def _checked(field: str, value: Any) -> Any:
    """Return ``value`` as stored in ``field`` (numbers as float), or raise ValueError naming what the field accepts.

    Catching bad values here gives a readable message instead of a database constraint error, and storing numbers
    as float makes "old → new" in the change log read alike whether the caller passed 20 or 20.0.
    """
    if field in _FLOAT_FIELDS and value is not None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{field} must be a number, not {value!r}")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{field} must be a finite number, not {value!r}")
    allowed = {"cadence": CADENCES, "status": KPI_STATUSES, "language": LANGUAGES}.get(field)
    if allowed is not None and value not in allowed:
        raise ValueError(f"{field} must be one of {', '.join(allowed)}, not {value!r}")
    if field == "name" and not (isinstance(value, str) and value.strip()):
        raise ValueError("a KPI needs a name")
    if field == "level" and value is not None and value not in range(1, 6):
        raise ValueError(f"level must be 1–5 or empty, not {value!r}")
    if field == "checkin_weekday" and value not in range(7):
        raise ValueError(f"checkin_weekday must be 0 (Monday) to 6 (Sunday), not {value!r}")
    if field == "checkin_time" and not (isinstance(value, str) and _CHECKIN_TIME.fullmatch(value)):
        raise ValueError(f"checkin_time must be HH:MM (24-hour), not {value!r}")
    if field == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
            raise ValueError(f"timezone must be an IANA name such as Europe/Stockholm, not {value!r}") from error
    return value


def _as_text(value: Any) -> str | None:
    """Render a field value for the change log, so old and new read the same whatever the column type."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)
