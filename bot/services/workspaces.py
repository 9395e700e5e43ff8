"""What the app does when a workspace installs it, leaves it, or asks for its data to be deleted.

Each function is one unit of work on the store; Slack listeners, the OAuth install callback, the scheduler's daily
retention job and `kpi-advisor purge` all come through here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Engine

from bot.store import lifecycle as store
from bot.store import session_scope

log = logging.getLogger(__name__)
PurgeReport = store.PurgeReport


def workspace_uninstalled(engine: Engine, team_id: str) -> bool:
    """Stop ``team_id``'s check-ins and reviews now (its tokens are already dead). False if the team is unknown."""
    with session_scope(engine) as session:
        known = store.mark_uninstalled(session, team_id)
    if known:
        log.info("workspace %s uninstalled: its check-ins and reviews are stopped", team_id)
    return known


def workspace_installed(engine: Engine, team_id: str) -> bool:
    """Resume an uninstalled workspace whose app is back (a new install, or a working token on start)."""
    with session_scope(engine) as session:
        resumed = store.mark_installed(session, team_id)
    if resumed:
        log.info("workspace %s installed again: its check-ins and reviews resume", team_id)
    return resumed


def purge(engine: Engine, team_ids: Iterable[str], *, dry_run: bool = False) -> list[PurgeReport]:
    """Delete all data of each team, one transaction per team; with ``dry_run`` the same counts, then a rollback.

    The report's ``left`` is counted inside the transaction after the deletes: a purge that left anything behind
    raises instead of committing, so a report that was printed is a deletion that happened.
    """
    reports = []
    for team_id in dict.fromkeys(team_ids):
        with session_scope(engine) as session:
            report = store.purge_workspace(session, team_id)
            if report.left:
                raise RuntimeError(f"{report.left} rows of {team_id} remain after deleting them; nothing was deleted")
            if dry_run:
                session.rollback()
        if not dry_run and report.total:
            log.info("purged workspace %s: %d rows deleted", team_id, report.total)
        reports.append(report)
    return reports


def expired_teams(engine: Engine, retention_days: int, *, now: datetime | None = None) -> list[str]:
    with session_scope(engine) as session:
        return store.expired_teams(session, timedelta(days=retention_days), now=now)


def purge_expired(engine: Engine, retention_days: int, *, now: datetime | None = None) -> list[PurgeReport]:
    """The retention setting at work: purge every workspace uninstalled more than ``retention_days`` ago."""
    return purge(engine, expired_teams(engine, retention_days, now=now))
