"""The recent values of many KPIs at once, as plain (time, value) pairs: what the Home tab judges them from.

The Home tab of a large workspace judges hundreds of KPIs from a dozen values each. Loading those values as ORM
objects (identity map, change tracking) cost more than everything else the tab does; the same window query
selecting two columns returns plain rows, with the time zone normalised by the column type as usual.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.models import KpiValue

CHUNK = 500  # ids per IN (…): well inside every backend's parameter limit


def recent_points(session: Session, kpi_ids: Collection[int], *, limit: int) -> dict[int, list[tuple[datetime, float]]]:
    """The newest ``limit`` values of each KPI in ``kpi_ids`` as (recorded at, value), oldest first."""
    points: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    ids = sorted(kpi_ids)
    for start in range(0, len(ids), CHUNK):
        ranked = (
            select(
                KpiValue.kpi_id,
                KpiValue.recorded_at,
                KpiValue.value,
                func.row_number()
                .over(partition_by=KpiValue.kpi_id, order_by=(KpiValue.recorded_at.desc(), KpiValue.id.desc()))
                .label("rank"),
            )
            .where(KpiValue.kpi_id.in_(ids[start : start + CHUNK]))
            .subquery()
        )
        rows = session.execute(
            select(ranked.c.kpi_id, ranked.c.recorded_at, ranked.c.value)
            .where(ranked.c.rank <= limit)
            .order_by(ranked.c.kpi_id, ranked.c.rank.desc())
        )
        for kpi_id, recorded_at, value in rows:
            points[kpi_id].append((recorded_at, value))
    return dict(points)
