"""What a trend chart shows, as plain frozen data: the values, the target and its revisions, the baseline, the
deadline, the projection, and every word in the viewer's language.

The chart layer knows no KPI rows and no UI strings: callers hand it these values (the words already translated),
so it can be drawn in another process, and two requests for the same picture are recognised by their ``key``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

# Our languages as Babel locales: the numbers and dates of a chart follow the viewer's (1 234,5 in sv and nb).
_LOCALES = {"en": "en", "sv": "sv_SE", "nb": "nb_NO"}


def babel_locale(language: str) -> str:
    """The Babel locale for one of our languages (English for anything else)."""
    return _LOCALES.get(language, "en")


@dataclass(frozen=True)
class ChartLabels:
    """Every word drawn on the chart, already in the viewer's language."""

    title: str
    value_axis: str
    date_axis: str
    values: str
    target: str
    baseline: str
    deadline: str
    trend: str
    band: str
    revised: str


@dataclass(frozen=True)
class TargetRevision:
    """The target moved from ``old`` to ``new`` at ``at`` (either may be None: a target set or cleared)."""

    at: datetime
    old: float | None
    new: float | None


@dataclass(frozen=True)
class TrendChart:
    """One KPI's trend: values oldest first, the current ``target``, its ``revisions`` oldest first, and the
    projection as (time, expected, low, high) from the last value onwards."""

    labels: ChartLabels
    locale: str
    values: tuple[tuple[datetime, float], ...]
    target: float | None = None
    revisions: tuple[TargetRevision, ...] = ()
    baseline: float | None = None
    deadline: date | None = None
    projection: tuple[tuple[datetime, float, float, float], ...] = ()

    def key(self) -> str:
        """A digest of everything drawn: equal for the same KPI, values, target trail and language, so a chart is
        drawn once per version of its data and a new value or target gives a new key."""
        return hashlib.sha256(repr(self).encode()).hexdigest()
