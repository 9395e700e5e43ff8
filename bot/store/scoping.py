"""Lookups that every repository function shares: find a row only through its owner's Slack team id.

Every query that reaches a KPI, check-in or conversation joins to ``workspaces`` and filters on ``team_id``. The
numbers people type (``#1``) repeat across workspaces, so a lookup without the team would hand one team another's
data. Keeping these joins in one module makes that rule easy to audit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.store.errors import KpiNotFound, WorkspaceNotFound
from bot.store.models import Base, Kpi, Workspace


def workspace_id_for(session: Session, team_id: str) -> int:
    """Return the workspace row id of ``team_id``, or raise WorkspaceNotFound."""
    workspace_id = session.scalar(select(Workspace.id).where(Workspace.team_id == team_id))
    if workspace_id is None:
        raise WorkspaceNotFound(team_id)
    return workspace_id


def kpi_query(team_id: str) -> Select[tuple[Kpi]]:
    """Return a SELECT of the KPIs of ``team_id`` and no others."""
    return select(Kpi).join(Workspace, Kpi.workspace_id == Workspace.id).where(Workspace.team_id == team_id)


def scoped_kpi(session: Session, team_id: str, number: int, *, for_update: bool = False) -> Kpi:
    """Return KPI ``#number`` of ``team_id`` or raise KpiNotFound.

    With ``for_update`` the row is locked (PostgreSQL) and reloaded, so a read-modify-write such as "record old →
    new" cannot interleave with another writer and log a stale old value.
    """
    query = kpi_query(team_id).where(Kpi.number == number)
    if for_update:
        query = query.with_for_update(of=Kpi).execution_options(populate_existing=True)
    kpi = session.scalars(query).one_or_none()
    if kpi is None:
        raise KpiNotFound(team_id, number)
    return kpi


def insert_if_absent(session: Session, model: type[Base], values: dict[str, Any], unique_columns: list[str]) -> Any:
    """INSERT a row unless one with the same ``unique_columns`` exists; return the new id, or None if it existed.

    This is ``INSERT … ON CONFLICT DO NOTHING RETURNING id``: the unique constraint decides who wins, so two
    processes racing for the same claim cannot both win, and the loser's transaction stays usable (no exception,
    no savepoint). On PostgreSQL the loser waits until the winner commits or rolls back.
    """
    statement = dialect_insert(session, model).values(**values).on_conflict_do_nothing(index_elements=unique_columns)
    return session.execute(statement.returning(model.__table__.c.id)).scalar_one_or_none()


def dialect_insert(session: Session, model: Any) -> Any:
    """The INSERT into ``model`` (a mapped class or a Table) of the session's database, which knows
    ``ON CONFLICT`` (both backends spell it alike)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"the KPI store supports SQLite and PostgreSQL, not {dialect}")
