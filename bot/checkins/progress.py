"""How a KPI is doing, from its value history alone: progress, the trend's projection, and whether the target fits.

A check-in that only asks "any news?" is noise. One that says "at this pace you reach 130 of 150 by June" and "the
target needs +10 a week while you have grown +2 a week" gives the owner a reason to answer, and makes an overly
ambitious target — or one the KPI would reach by standing still (sandbagging) — visible. Pure functions only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

# A check-in's projection and feasibility fit a line through this many of the newest values: enough to see a trend
# and its noise, few enough that a KPI's first months do not steer it for ever. The tick reads no more than this.
HISTORY_POINTS = 12
CADENCE_DAYS = {"daily": 1.0, "weekly": 7.0, "biweekly": 14.0, "monthly": 30.44, "quarterly": 91.31, "off": 7.0}
AT_RISK_SHARE = 0.8  # projected to cover at least this share of the remaining gap: at risk rather than off track
REALISTIC_FACTOR = 1.25  # the target may ask this much more than the trend and still be realistic
STRETCH_FACTOR = 3.0  # beyond this multiple of the trend, the target is out of reach without a new plan
MIN_TREND_DAYS = 1.0  # a history spanning less has no trend: its slope per day would be noise


class Point(NamedTuple):
    """One recorded value and when (a named tuple: a burst builds hundreds of thousands of them)."""

    at: datetime
    value: float


@dataclass(frozen=True)
class Progress:
    """Where the KPI stands and where its trend takes it by the deadline."""

    current: float | None
    previous: float | None
    share: float | None  # 0..1 of the way from baseline (or zero) to the target; may exceed 1
    days_left: int | None
    projected: float | None
    status: str  # on_track | at_risk | off_track | reached | unknown


@dataclass(frozen=True)
class Feasibility:
    """The growth per check-in period the target requires against what the history shows."""

    verdict: str  # realistic | stretch | beyond_trend | sandbagging | unknown
    required_per_period: float | None
    trend_per_period: float | None
    noise: float | None


def _fit(points: Sequence[Point]) -> tuple[float, float, float] | None:
    """Least-squares line through the history: (slope per day, value at the last point, residual spread); None when
    the history spans less than MIN_TREND_DAYS (five values reported a minute apart would project millions)."""
    if len(points) < 2:
        return None
    origin = points[-1].at
    xs = [(p.at - origin).total_seconds() / 86400 for p in points]
    ys = [p.value for p in points]
    if xs[-1] - xs[0] < MIN_TREND_DAYS:  # values typed in one sitting say nothing about a pace per day
        return None
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread_x = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread_x
    level = mean_y - slope * mean_x  # the fitted value at the last point (x = 0)
    residuals = [y - (level + slope * x) for x, y in zip(xs, ys, strict=True)]
    noise = math.sqrt(sum(r * r for r in residuals) / (len(points) - 2)) if len(points) > 2 else 0.0
    return slope, level, noise


def progress_bar(share: float | None, width: int = 10) -> str:
    """A text bar such as ``▓▓▓▓░░░░░░ 40 %`` (empty when there is nothing to measure against)."""
    if share is None:
        return ""
    filled = min(width, max(0, round(share * width)))
    return "▓" * filled + "░" * (width - filled) + f" {round(share * 100)} %"


def assess_progress(
    history: Sequence[Point], *, target: float | None, baseline: float | None, deadline: date | None, today: date
) -> Progress:
    """Progress toward ``target`` and the on track / at risk / off track call from the history's trend."""
    current = history[-1].value if history else None
    previous = history[-2].value if len(history) >= 2 else None
    days_left = (deadline - today).days if deadline else None
    if current is None or target is None:
        return Progress(current, previous, None, days_left, None, "unknown")
    start = baseline if baseline is not None else (history[0].value if len(history) > 1 else 0.0)
    share = (current - start) / (target - start) if target != start else (1.0 if current == target else None)
    rising = target >= start
    reached = current >= target if rising else current <= target
    fit = _fit(history)
    projected = None
    if fit is not None and days_left is not None:
        slope, level, _ = fit
        projected = level + slope * max(days_left, 0)
    if reached:
        status = "reached"
    elif days_left is not None and days_left < 0:
        status = "off_track"
    elif projected is None:
        status = "unknown"
    else:
        gap = abs(target - current)
        covered = (projected - current) if rising else (current - projected)
        if covered >= gap:
            status = "on_track"
        elif covered >= AT_RISK_SHARE * gap:
            status = "at_risk"
        else:
            status = "off_track"
    return Progress(current, previous, share, days_left, projected, status)


def assess_feasibility(
    history: Sequence[Point], *, target: float | None, deadline: date | None, today: date, period_days: float
) -> Feasibility:
    """Compare the growth per period the target needs with the trend, and call out both extremes.

    A target whose remaining gap is inside the history's normal variation (the residual spread around the trend)
    asks for nothing: that is sandbagging. One that needs several times the trend is beyond it.
    """
    fit = _fit(history)
    if fit is None or target is None or deadline is None:
        return Feasibility("unknown", None, None, None)
    slope, _, noise = fit
    current = history[-1].value
    periods_left = max((deadline - today).days / period_days, 1.0)
    required = (target - current) / periods_left
    trend = slope * period_days
    direction = 1.0 if target >= current else -1.0
    if abs(target - current) <= max(noise, 1e-9) or (direction * trend * periods_left) >= 3 * abs(target - current):
        verdict = "sandbagging"
    elif direction * trend <= 0:
        verdict = "beyond_trend"
    elif abs(required) <= REALISTIC_FACTOR * abs(trend):
        verdict = "realistic"
    elif abs(required) <= STRETCH_FACTOR * abs(trend):
        verdict = "stretch"
    else:
        verdict = "beyond_trend"
    return Feasibility(verdict, required, trend, noise)


@dataclass(frozen=True)
class TrendPoint:
    """The trend carried forward to ``at``: the expected value and the band one prediction error either side."""

    at: datetime
    expected: float
    low: float
    high: float


def project_trend(history: Sequence[Point], *, until: datetime, steps: int = 8) -> list[TrendPoint]:
    """The least-squares trend of ``history`` from its last value to ``until``, with a widening band; empty when
    there is no trend (fewer than two values at different times) or ``until`` is not after the last value.

    The band is one standard error of prediction, ``noise · √(1 + 1/n + (x − x̄)² / Σ(x − x̄)²)``: it is narrow where
    the history is dense and regular, widens the further the projection reaches, and is zero with two values (two
    points say nothing about spread). The same fit drives ``assess_progress``, so the chart and the on track /
    at risk call never disagree about the slope.
    """
    fit = _fit(history)
    if fit is None or until <= history[-1].at:
        return []
    slope, level, noise = fit
    origin = history[-1].at
    xs = [(p.at - origin).total_seconds() / 86400 for p in history]
    mean_x = sum(xs) / len(xs)
    spread_x = sum((x - mean_x) ** 2 for x in xs)
    span = (until - origin).total_seconds() / 86400
    points = []
    for step in range(steps + 1):
        x = span * step / steps
        expected = level + slope * x
        error = noise * math.sqrt(1 + 1 / len(xs) + (x - mean_x) ** 2 / spread_x)
        at = origin + (until - origin) * step / steps
        points.append(TrendPoint(at, expected, expected - error, expected + error))
    return points
