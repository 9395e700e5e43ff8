"""The team KPI register's use-cases: add, list, show, record a value, edit, archive — with who may do what.

Slack listeners call these (through ``asyncio.to_thread``: they are synchronous database work) and turn the results
and exceptions into messages. Everything is keyed by the Slack team id from the request, so a number typed in one
workspace can only ever reach that workspace's KPI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.grading import Assessment
from bot.grading.normalise import strip_slack_markup
from bot.store import KpiNotFound, database_writable, session_scope
from bot.store import repository as repo
from bot.store.models import Checkin, Kpi, KpiChange, KpiValue

NAME_MAX_CHARS = 120
UNIT_MAX_CHARS = 50
TEXT_FIELD_MAX_CHARS = 3000
HISTORY_SHOWN = 10
_SPACE = re.compile(r"\s+")

__all__ = [
    "KpiDetail",
    "KpiNotFound",
    "NotAllowed",
    "add_kpi",
    "add_kpi_from_goal",
    "archive",
    "can_change",
    "claim_event_once",
    "database_ready",
    "edit_kpi",
    "fields_from_goal",
    "kpi_detail",
    "kpi_for_edit",
    "list_register",
    "load_detail",
    "name_from_goal",
    "record_kpi_value",
]


class NotAllowed(Exception):
    """The caller is neither the KPI's owner nor its creator, so may read it but not change it."""

    def __init__(self, kpi: Kpi) -> None:
        super().__init__(f"only the owner or creator may change KPI #{kpi.number}")
        # Plain values: the session rolls back when this propagates, which expires the ORM object.
        self.number = kpi.number
        self.owner_user_id = kpi.owner_user_id


@dataclass(frozen=True)
class KpiDetail:
    """What `/kpi show` needs in one read: the KPI, its latest values, target changes, last check-in."""

    kpi: Kpi
    values: list[KpiValue]
    target_changes: list[KpiChange]
    last_checkin: Checkin | None


def can_change(kpi: Kpi, user_id: str) -> bool:
    """Only the owner or the creator edits, archives or revises a KPI; anyone in the workspace may read it."""
    return bool(user_id) and user_id in (kpi.owner_user_id, kpi.creator_user_id)


def name_from_goal(goal_text: str) -> str:
    """A short name for a KPI typed as a sentence: markup and mentions out, at most NAME_MAX_CHARS characters."""
    plain, _ = strip_slack_markup(goal_text)
    plain = _SPACE.sub(" ", plain).strip(" .,;:-")
    if len(plain) > NAME_MAX_CHARS:
        plain = plain[: NAME_MAX_CHARS - 1].rstrip() + "…"
    return plain


def fields_from_goal(assessment: Assessment, *, user_id: str, channel_id: str | None) -> dict[str, Any]:
    """The register fields a goal sentence yields: what the grader read, the caller as creator, an owner."""
    owner = assessment.mentions[0] if assessment.mentions else user_id
    unit = assessment.unit[:UNIT_MAX_CHARS] if assessment.unit else None
    if unit is None and assessment.relative_change_pct is not None and assessment.target is None:
        unit = "%"
    return {
        "name": name_from_goal(assessment.text) or assessment.metric_label or "KPI",
        "goal_text": assessment.text,
        "metric": assessment.metric,
        "metric_label": (assessment.metric_label or None) and assessment.metric_label[:255],
        "level": assessment.level,
        "funnel_stage": assessment.funnel_stage,
        "conversion": assessment.conversion,
        "unit": unit,
        "target": assessment.target,
        "baseline": assessment.baseline,
        "deadline": assessment.deadline,
        "language": assessment.language,
        "grade": assessment.grade,
        "score": float(assessment.score),
        "owner_user_id": owner,
        "creator_user_id": user_id,
        "channel_id": channel_id,
    }


def add_kpi_from_goal(
    engine: Engine, team_id: str, assessment: Assessment, *, user_id: str, channel_id: str | None
) -> Kpi:
    """Store the KPI a `/kpi add <goal>` sentence describes and return it with its new number."""
    return add_kpi(engine, team_id, fields_from_goal(assessment, user_id=user_id, channel_id=channel_id))


def add_kpi(engine: Engine, team_id: str, fields: dict[str, Any]) -> Kpi:
    """Store a KPI with ``fields`` (as the modal or a goal sentence gave them) in ``team_id``'s register."""
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, team_id)
        return repo.create_kpi(session, team_id, **{k: v for k, v in fields.items() if v is not None})


def list_register(
    engine: Engine, team_id: str, *, owner_user_id: str | None = None, include_archived: bool = False
) -> list[Kpi]:
    """The KPIs of ``team_id``, optionally one owner's; archived ones only on request."""
    with session_scope(engine) as session:
        return repo.list_kpis(session, team_id, owner_user_id=owner_user_id, include_archived=include_archived)


def kpi_detail(engine: Engine, team_id: str, number: int) -> KpiDetail:
    """Everything `/kpi show N` displays; raises KpiNotFound for a number this workspace does not have."""
    with session_scope(engine) as session:
        return load_detail(session, team_id, number)


def load_detail(session: Session, team_id: str, number: int) -> KpiDetail:
    """``kpi_detail`` inside a transaction the caller already has (the Home tab's detail reads more with it)."""
    kpi = repo.get_kpi(session, team_id, number)
    if kpi is None:
        raise KpiNotFound(team_id, number)
    return KpiDetail(
        kpi=kpi,
        values=repo.value_history(session, team_id, number, limit=HISTORY_SHOWN),
        target_changes=repo.changes(session, team_id, number, field="target")[-HISTORY_SHOWN:],
        last_checkin=repo.latest_checkin(session, team_id, number),
    )


def record_kpi_value(
    engine: Engine, team_id: str, number: int, value: float, *, user_id: str, note: str | None = None
) -> Kpi:
    """Report a new value for KPI ``#number``; anyone in the workspace may report (who did is kept)."""
    with session_scope(engine) as session:
        note = note[:TEXT_FIELD_MAX_CHARS] if note else None
        repo.record_value(session, team_id, number, value, recorded_by=user_id, source="command", note=note)
        kpi = repo.get_kpi(session, team_id, number)
        assert kpi is not None  # record_value raised KpiNotFound otherwise
        return kpi


def _changeable(session: Session, team_id: str, number: int, user_id: str) -> Kpi:
    """KPI ``#number`` when ``user_id`` (its owner or creator) may change it; else KpiNotFound or NotAllowed."""
    kpi = repo.get_kpi(session, team_id, number)
    if kpi is None:
        raise KpiNotFound(team_id, number)
    if not can_change(kpi, user_id):
        raise NotAllowed(kpi)
    return kpi


def kpi_for_edit(engine: Engine, team_id: str, number: int, *, user_id: str) -> Kpi:
    """Return KPI ``#number`` if ``user_id`` may change it; raise KpiNotFound or NotAllowed."""
    with session_scope(engine) as session:
        return _changeable(session, team_id, number, user_id)


def edit_kpi(
    engine: Engine, team_id: str, number: int, fields: dict[str, Any], *, user_id: str, reason: str | None = None
) -> Kpi:
    """Apply an edit (each changed field logged old → new with who and why) if ``user_id`` may change the KPI."""
    with session_scope(engine) as session:
        _changeable(session, team_id, number, user_id)
        return repo.update_kpi(session, team_id, number, changed_by=user_id, reason=reason or None, **fields)


def archive(engine: Engine, team_id: str, number: int, *, user_id: str) -> Kpi:
    """Archive KPI ``#number`` if ``user_id`` may; it keeps its number and history."""
    with session_scope(engine) as session:
        _changeable(session, team_id, number, user_id)
        return repo.archive_kpi(session, team_id, number, changed_by=user_id)


def claim_event_once(engine: Engine, team_id: str, event_id: str) -> bool:
    """True the first time Slack delivers ``event_id`` for ``team_id``; False for its retries."""
    with session_scope(engine) as session:
        return repo.claim_event(session, team_id, event_id)


def database_ready(engine: Engine) -> bool:
    """True when the database takes a write (see ``bot.store.database_writable``): what `/healthz` reports."""
    return database_writable(engine)


def parse_iso_date(value: str | None) -> date | None:
    """A Slack datepicker value (YYYY-MM-DD) as a date; None when empty."""
    return date.fromisoformat(value) if value else None
