"""The periodic review of a channel's KPI set: what a team's KPIs as a whole are missing. Pure.

One KPI can be well written and the set still steer badly: nothing measures loyalty, everything sits on the
vanity levels, micro-conversions float with no sale they lead to, targets have not been looked at for a quarter,
or one person owns a dozen KPIs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store.models import Kpi

REAL_STAGES = ("reach", "engage", "activate", "loyalty")
NOT_REVISITED_AFTER = timedelta(days=90)
OWNER_KPI_LIMIT = 5


@dataclass(frozen=True)
class ReviewFindings:
    """What the review found; empty lists mean nothing to flag on that point."""

    kpi_count: int
    missing_stages: list[str]
    level_mix: dict[int, int]
    low_level_majority: bool
    micro_without_macro: list[tuple[int, str]]
    not_revisited: list[tuple[int, str]]
    overloaded_owners: list[tuple[str, int]]


def review_kpis(kpis: Sequence[Kpi], *, now: datetime) -> ReviewFindings:
    """Review the active KPIs among ``kpis`` as a set."""
    active = [k for k in kpis if k.status != "archived"]
    stages = {k.funnel_stage for k in active}
    levels = Counter(k.level for k in active if k.level)
    low = sum(n for level, n in levels.items() if level <= 3)
    has_macro = any(k.conversion == "macro" for k in active)
    micro = [(k.number, k.name) for k in active if k.conversion == "micro"] if not has_macro else []
    stale_after = now - NOT_REVISITED_AFTER
    not_revisited = [(k.number, k.name) for k in active if (k.last_revisited_at or k.created_at or now) <= stale_after]
    owners = Counter(k.owner_user_id for k in active if k.owner_user_id)
    return ReviewFindings(
        kpi_count=len(active),
        missing_stages=[s for s in REAL_STAGES if s not in stages] if active else [],
        level_mix=dict(sorted(levels.items())),
        low_level_majority=bool(levels) and low * 2 > sum(levels.values()),
        micro_without_macro=micro,
        not_revisited=not_revisited,
        overloaded_owners=sorted((o, n) for o, n in owners.items() if n > OWNER_KPI_LIMIT),
    )
