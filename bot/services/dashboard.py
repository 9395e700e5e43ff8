"""The team's KPIs at a glance: what the Home tab, `/kpi show` and the trend charts show, independent of Slack.

Each KPI becomes a ``KpiCard``: progress against the target, the on track / at risk / off track call from the same
projection the check-ins use (``bot.checkins.progress``), stale or paused, the next check-in and the action plan
when it is due — which is when the KPI lags: a plan is what the owner said they would do if it fell behind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine

from bot.checkins.progress import Point, TrendPoint, assess_progress, project_trend
from bot.checkins.review import REAL_STAGES
from bot.checkins.schedule import next_due, schedule_of, zone
from bot.services.register import KpiDetail, load_detail
from bot.store import KpiNotFound, session_scope
from bot.store import repository as repo
from bot.store.models import Kpi, KpiChange
from bot.store.types import utcnow

HISTORY_FOR_STATUS = 12  # what the check-ins project from, so the Home tab and the check-in agree
HISTORY_FOR_CHART = 200
LAGGING = ("at_risk", "off_track")
FILTERS = ("all", "attention", "on_track", "no_data", "paused")
UNDATED_PROJECTION = 0.25  # with no deadline, carry the trend a quarter of the history's span forward
MIN_PROJECTION = timedelta(days=14)


@dataclass(frozen=True)
class KpiCard:
    """One KPI as the Home tab lists it."""

    number: int
    name: str
    owner_user_id: str | None
    current: float | None
    target: float | None
    unit: str | None
    share: float | None
    status: str  # on_track | at_risk | off_track | reached | unknown (assess_progress)
    projected: float | None
    level: int | None
    grade: str | None
    deadline: date | None
    stale: bool
    paused_until: date | None  # only while the pause lasts
    next_checkin: datetime | None
    plan_due: str | None
    lagging_without_plan: bool
    funnel_stage: str | None
    value_count: int


@dataclass(frozen=True)
class Dashboard:
    """A user's Home tab: their own KPIs, everyone else's, and the workspace's REAL coverage and level mix."""

    mine: list[KpiCard]
    team: list[KpiCard]
    stages: dict[str, int]
    levels: dict[int, int]

    @property
    def total(self) -> int:
        return len(self.mine) + len(self.team)


@dataclass(frozen=True)
class KpiOverview:
    """`/kpi show N` and the Home tab's *Open*: the register's detail and the card's judgement of it."""

    detail: KpiDetail
    card: KpiCard


@dataclass(frozen=True)
class KpiTrend:
    """What a KPI's trend chart is drawn from (words and locale are the caller's)."""

    number: int
    name: str
    unit: str | None
    values: list[Point]
    target: float | None
    baseline: float | None
    deadline: date | None
    revisions: list[tuple[datetime, float | None, float | None]]
    projection: list[TrendPoint]


def _local_today(kpi: Kpi, now: datetime) -> date:
    return now.astimezone(zone(kpi.timezone)).date()


def next_checkin(kpi: Kpi, now: datetime) -> datetime | None:
    """When the scheduler will next post this KPI's check-in: never for an archived or paused-status KPI, one
    with no channel or no cadence; after the pause for a paused one (the tick skips paused days)."""
    if kpi.status != "active" or not kpi.channel_id:
        return None
    schedule = schedule_of(kpi.cadence, kpi.checkin_weekday, kpi.checkin_time, kpi.timezone)
    if schedule is None:
        return None
    after = now
    if kpi.paused_until is not None:
        resumes = datetime.combine(kpi.paused_until + timedelta(days=1), time(0), tzinfo=zone(kpi.timezone))
        after = max(now, resumes - timedelta(microseconds=1))
    return next_due(schedule, after).due_at


def card_of(kpi: Kpi, history: Sequence[Point], now: datetime) -> KpiCard:
    """Judge one KPI from its recent history (oldest first)."""
    today = _local_today(kpi, now)
    progress = assess_progress(history, target=kpi.target, baseline=kpi.baseline, deadline=kpi.deadline, today=today)
    lagging = progress.status in LAGGING
    plan = (kpi.action_plan or "").strip() or None
    return KpiCard(
        number=kpi.number,
        name=kpi.name,
        owner_user_id=kpi.owner_user_id,
        current=kpi.current_value if kpi.current_value is not None else progress.current,
        target=kpi.target,
        unit=kpi.unit,
        share=progress.share,
        status=progress.status,
        projected=progress.projected,
        level=kpi.level,
        grade=kpi.grade,
        deadline=kpi.deadline,
        stale=kpi.stale,
        paused_until=kpi.paused_until if kpi.paused_until and kpi.paused_until >= today else None,
        next_checkin=next_checkin(kpi, now),
        plan_due=plan if lagging else None,
        lagging_without_plan=lagging and plan is None,
        funnel_stage=kpi.funnel_stage,
        value_count=len(history),
    )


def _points(values: Sequence[object]) -> list[Point]:
    return [Point(v.recorded_at, v.value) for v in values]  # type: ignore[attr-defined]


def home_dashboard(engine: Engine, team_id: str, user_id: str, *, now: datetime | None = None) -> Dashboard:
    """Every active and paused KPI of ``team_id`` judged, the user's own first (one read transaction)."""
    now = now or utcnow()
    with session_scope(engine) as session:
        kpis = repo.list_kpis(session, team_id)
        histories = repo.recent_points(session, [k.id for k in kpis], limit=HISTORY_FOR_STATUS)
    cards = [
        (kpi.owner_user_id == user_id, card_of(kpi, [Point(at, v) for at, v in histories.get(kpi.id, [])], now))
        for kpi in kpis
    ]
    stages = Counter(k.funnel_stage for k in kpis if k.funnel_stage in REAL_STAGES)
    levels = Counter(k.level for k in kpis if k.level)
    return Dashboard(
        mine=[card for own, card in cards if own],
        team=[card for own, card in cards if not own],
        stages={stage: stages.get(stage, 0) for stage in REAL_STAGES},
        levels={level: levels.get(level, 0) for level in range(1, 6)},
    )


def filter_cards(cards: Sequence[KpiCard], name: str) -> list[KpiCard]:
    """The cards a Home filter keeps: ``attention`` (lagging or stale), ``on_track`` (or reached), ``no_data`` (no
    projection possible yet), ``paused``; anything else keeps all."""
    if name == "attention":
        return [c for c in cards if c.status in LAGGING or c.stale]
    if name == "on_track":
        return [c for c in cards if c.status in ("on_track", "reached")]
    if name == "no_data":
        return [c for c in cards if c.status == "unknown"]
    if name == "paused":
        return [c for c in cards if c.paused_until is not None]
    return list(cards)


def kpi_overview(engine: Engine, team_id: str, number: int, *, now: datetime | None = None) -> KpiOverview:
    """The register's detail of KPI ``#number`` and its card; raises KpiNotFound."""
    now = now or utcnow()
    with session_scope(engine) as session:
        detail = load_detail(session, team_id, number)
        history = repo.value_history(session, team_id, number, limit=HISTORY_FOR_STATUS)
        return KpiOverview(detail, card_of(detail.kpi, _points(history), now))


def _number(stored: str | None) -> float | None:
    try:
        return float(stored) if stored is not None else None
    except ValueError:
        return None


def _revision(change: KpiChange) -> tuple[datetime, float | None, float | None]:
    return change.changed_at, _number(change.old_value), _number(change.new_value)


def kpi_trend(engine: Engine, team_id: str, number: int) -> KpiTrend:
    """The values (the newest HISTORY_FOR_CHART), target revisions and projection of KPI ``#number``."""
    with session_scope(engine) as session:
        kpi = repo.get_kpi(session, team_id, number)
        if kpi is None:
            raise KpiNotFound(team_id, number)
        values = _points(repo.value_history(session, team_id, number, limit=HISTORY_FOR_CHART))
        revisions = [_revision(c) for c in repo.changes(session, team_id, number, field="target")]
    return KpiTrend(
        number=kpi.number,
        name=kpi.name,
        unit=kpi.unit,
        values=values,
        target=kpi.target,
        baseline=kpi.baseline,
        deadline=kpi.deadline,
        revisions=revisions,
        projection=project_trend(values, until=_projection_end(values, kpi.deadline)) if len(values) >= 2 else [],
    )


def _projection_end(values: Sequence[Point], deadline: date | None) -> datetime:
    """To the deadline when there is one ahead; otherwise a quarter of the history's span (two weeks at least)."""
    last = values[-1].at
    if deadline is not None:
        end = datetime.combine(deadline, time(12), tzinfo=last.tzinfo or UTC)
        if end > last:
            return end
    return last + max((last - values[0].at) * UNDATED_PROJECTION, MIN_PROJECTION)


def kpi_audience(engine: Engine, kpi_ids: Sequence[int]) -> list[repo.KpiAudience]:
    """Team, number, owner and creator of the KPIs a commit changed (``repo.watch_kpi_changes``)."""
    with session_scope(engine) as session:
        return repo.kpi_audience(session, kpi_ids)
