"""Which KPIs a committed transaction changed, whoever changed them: what keeps published Home tabs current.

A KPI changes in many places — `/kpi update`, the modals, check-in buttons, the coach saving a draft, the scheduler
marking a KPI stale — and more will come. Rather than asking each of them to remember to announce it, the session
notes every KPI row it flushes (and every value or change-log row, by its KPI) and, after the commit and only
then, tells the watchers of its engine. A transaction that rolls back tells nobody. A bulk ``UPDATE kpis`` that
changed rows is reported as ``None``: "some KPIs, ids unknown".

Watchers run on the thread that committed (usually a worker thread of ``asyncio.to_thread``): they must only hand
the ids over, never do database or network work themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import ORMExecuteState, Session

from bot.store.models import Kpi, KpiChange, KpiValue, Workspace

KpiWatcher = Callable[[frozenset[int] | None], None]
_WATCHERS: WeakKeyDictionary[Engine, list[KpiWatcher]] = WeakKeyDictionary()
_CHANGED = "kpi_advisor.changed_kpis"
_BULK = "kpi_advisor.bulk_kpi_update"
log = logging.getLogger(__name__)


def watch_kpi_changes(engine: Engine, watcher: KpiWatcher) -> Callable[[], None]:
    """Call ``watcher(kpi ids)`` after every commit on ``engine`` that changed a KPI; returns a function that stops
    the watching."""
    _WATCHERS.setdefault(engine, []).append(watcher)

    def stop() -> None:
        watchers = _WATCHERS.get(engine, [])
        if watcher in watchers:
            watchers.remove(watcher)

    return stop


def _watched(session: Session) -> bool:
    return bool(_WATCHERS) and isinstance(session.bind, Engine) and bool(_WATCHERS.get(session.bind))


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context: Any) -> None:
    if not _watched(session):
        return
    changed: set[int] = session.info.setdefault(_CHANGED, set())
    for row in session.new:
        if isinstance(row, Kpi):
            changed.add(row.id)
        elif isinstance(row, KpiValue | KpiChange):
            changed.add(row.kpi_id)
    for row in (*session.dirty, *session.deleted):
        if isinstance(row, Kpi) and (row in session.deleted or session.is_modified(row)):
            changed.add(row.id)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_update(state: ORMExecuteState) -> Any:
    """``update(Kpi)…`` statements bypass the flush; run them here and note whether they changed a row."""
    mapper = state.bind_mapper
    if not (state.is_update or state.is_delete) or mapper is None or mapper.class_ is not Kpi:
        return None
    if not _watched(state.session):
        return None
    result = state.invoke_statement()
    if getattr(result, "rowcount", 1):
        state.session.info[_BULK] = True
    return result


@event.listens_for(Session, "after_commit")
def _tell_watchers(session: Session) -> None:
    changed, bulk = session.info.pop(_CHANGED, None), session.info.pop(_BULK, False)
    if not (changed or bulk) or not isinstance(session.bind, Engine):
        return
    for watcher in list(_WATCHERS.get(session.bind, ())):
        try:
            watcher(None if bulk else frozenset(changed or ()))
        except Exception as error:  # a watcher's bug must not turn a committed change into an error
            log.warning("a KPI change watcher failed: %s", type(error).__name__)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: Any) -> None:
    session.info.pop(_CHANGED, None)
    session.info.pop(_BULK, None)


@dataclass(frozen=True)
class KpiAudience:
    """Who a change of KPI ``number`` in ``team_id`` concerns first: its owner and its creator."""

    team_id: str
    number: int
    owner_user_id: str | None
    creator_user_id: str | None


def kpi_audience(session: Session, kpi_ids: Collection[int]) -> list[KpiAudience]:
    """The team, number, owner and creator of each KPI id (ids come from our own commits, never from a request)."""
    ids = sorted(kpi_ids)
    found: list[KpiAudience] = []
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Workspace.team_id, Kpi.number, Kpi.owner_user_id, Kpi.creator_user_id)
            .join(Workspace, Kpi.workspace_id == Workspace.id)
            .where(Kpi.id.in_(ids[start : start + 500]))
        )
        found.extend(KpiAudience(*row) for row in rows)
    return found
