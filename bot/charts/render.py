"""Drawing a trend chart: a ``TrendChart`` in, PNG bytes out (matplotlib's Agg backend, no display needed).

Made to be read on a phone and in dark mode: an opaque white card (a transparent image would put dark text on
Slack's dark background), few and large labels, thick lines, and colours that stay apart for colour-blind eyes
(blue values, orange target). Numbers and dates are formatted by Babel in the viewer's locale rather than by the
process locale, which is global and would make one viewer's chart depend on another's.

Only the object-oriented API is used (a ``Figure`` per chart, never pyplot's global state), so drawing needs no
GUI and leaves nothing behind between charts.
"""

from __future__ import annotations

import io
import itertools
import math
import warnings
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from babel.dates import format_skeleton
from babel.numbers import format_compact_decimal, format_decimal
from matplotlib import dates as mdates
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import Formatter, FuncFormatter, MaxNLocator
from PIL import Image

from bot.charts.spec import TrendChart

WIDTH_PX = 1000
HEIGHT_PX = 620
DPI = 100
BACKGROUND = "#ffffff"
INK = "#1f2328"
MUTED = "#57606a"
GRID = "#e4e7eb"
VALUES = "#1d4e89"  # the app's own blue
TARGET = "#e8590c"  # orange: apart from the blue for every kind of colour vision
BAND = "#9ec1e8"
TITLE_MAX = 48  # what fits the width in the title's size
MARKERS_UP_TO = 40  # more values than this read better as a line alone
MIN_SPAN = timedelta(days=6)
LEGEND_LEFT, LEGEND_BOTTOM, LEGEND_ROW = 0.03, 0.035, 0.05
LEGEND_HANDLE, LEGEND_CHAR, LEGEND_GAP = 0.058, 0.0102, 0.035
LABELLED_REVISIONS = 4
_STYLE = {
    "text.parse_math": False,  # a KPI called "$ per lead" is a name, not a formula
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same glyphs (å, ä, ö, æ, ø, →) everywhere
    "font.size": 17,
    "text.hinting": "no_hinting",  # a sixth of the drawing time; at these sizes hinting changes nothing visible
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
}


@lru_cache(maxsize=4096)
def format_value(value: float, locale: str, decimals: int = 2) -> str:
    """A number as the viewer writes it (``1 234,5`` in sv and nb), millions shortened (``1,2 mn``)."""
    if abs(value) >= 1_000_000:
        return format_compact_decimal(value, locale=locale, fraction_digits=1)
    pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=locale)


@lru_cache(maxsize=4096)
def format_day(day: date, locale: str, *, with_year: bool) -> str:
    """A date as the viewer reads it: ``5 mars`` / ``Mar 5``, or ``mars 2027`` for long spans."""
    return format_skeleton("yMMM" if with_year else "MMMd", day, locale=locale)


def _decimals_for(step: float) -> int:
    """Enough decimals to tell ticks ``step`` apart, and no more."""
    return 0 if step <= 0 or step >= 1 else min(4, math.ceil(-math.log10(step) - 1e-9))


def _deadline(chart: TrendChart) -> datetime:
    """Noon of the deadline, in the values' time zone (aware and naive times cannot share an axis)."""
    assert chart.deadline is not None
    return datetime.combine(chart.deadline, time(12), tzinfo=chart.values[0][0].tzinfo)


def _x_range(chart: TrendChart) -> tuple[datetime, datetime]:
    times = [at for at, _ in chart.values] + [r.at for r in chart.revisions]
    times += [at for at, *_ in chart.projection]
    if chart.deadline is not None:
        times.append(_deadline(chart))
    start, end = min(times), max(times)
    if end - start < MIN_SPAN:  # a few days at least, or the date axis labels hours as repeated days
        middle = start + (end - start) / 2
        start, end = middle - MIN_SPAN / 2, middle + MIN_SPAN / 2
    pad = (end - start) * 0.04
    return start - pad, end + pad


def _target_steps(chart: TrendChart, start: datetime, end: datetime) -> tuple[list[datetime], list[float]]:
    """The target as a step line over the whole chart: the first target until its first revision, and so on."""
    first = chart.revisions[0].old if chart.revisions else chart.target
    xs, ys = [start], [math.nan if first is None else first]
    for revision in chart.revisions:
        xs.append(revision.at)
        ys.append(math.nan if revision.new is None else revision.new)
    xs.append(end)
    ys.append(ys[-1])
    return xs, ys


def _y_range(chart: TrendChart, target_values: list[float]) -> tuple[float, float]:
    """The values, targets and baseline, with room; the projection only as far as one more such span, so a steep
    trend cannot flatten everything else into a line (it runs off the top or bottom instead)."""
    ys = [v for _, v in chart.values] + [v for v in target_values if not math.isnan(v)]
    if chart.baseline is not None:
        ys.append(chart.baseline)
    low, high = min(ys), max(ys)
    reach = (high - low) or max(abs(high), 1.0)
    for _, _, band_low, band_high in chart.projection:
        low, high = min(low, max(band_low, min(ys) - reach)), max(high, min(band_high, max(ys) + reach))
    pad = (high - low) * 0.1 or max(abs(high) * 0.1, 1.0)
    return low - pad, high + pad


class _ValueTicks(Formatter):
    """Value-axis labels in the viewer's locale with as many decimals as the tick spacing needs (computed once per
    axis, not once per label)."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.decimals = 0

    def format_ticks(self, values: list[float]) -> list[str]:
        steps = [abs(b - a) for a, b in itertools.pairwise(values)]
        self.decimals = _decimals_for(min(steps)) if steps else 0
        return [self(value) for value in values]

    def __call__(self, value: float, pos: int | None = None) -> str:
        return format_value(value, self.locale, self.decimals)


def _legend_places(labels: list[str]) -> list[tuple[float, float]]:
    """Where each legend entry starts (figure fractions): left to right, a new row when the next would run off the
    edge, rows stacked up from the bottom. Widths are estimated from the label's length (about a hundredth of the
    width per character in the legend's size), which is all a handful of short labels needs."""
    rows: list[list[float]] = [[]]
    x = LEGEND_LEFT
    for label in labels:
        width = LEGEND_HANDLE + LEGEND_CHAR * len(label)
        if rows[-1] and x + width > 1 - LEGEND_LEFT:
            rows.append([])
            x = LEGEND_LEFT
        rows[-1].append(x)
        x += width + LEGEND_GAP
    places = []
    for index, row in enumerate(rows):
        y = LEGEND_BOTTOM + (len(rows) - 1 - index) * LEGEND_ROW
        places.extend((x, y) for x in row)
    return places


def _legend(figure: Figure, entries: list[tuple[dict, str]]) -> None:
    """A legend laid out once under the plot: matplotlib's own legend lays itself out again on every draw and cost
    a third of the drawing time."""
    for (handle, label), (x, y) in zip(entries, _legend_places([label for _, label in entries]), strict=True):
        if handle.get("band"):
            figure.patches.append(
                Rectangle((x, y - 0.014), 0.045, 0.028, transform=figure.transFigure, color=BAND, alpha=0.6)
            )
        else:  # three points, a marker (if any) only on the middle one, clear of the label
            xs = [x, x + 0.0225, x + 0.045]
            line = Line2D(xs, [y] * 3, transform=figure.transFigure, markevery=[1], **handle["style"])
            if handle.get("marker_only"):
                line.set_linestyle("none")
            figure.lines.append(line)
        figure.text(x + 0.058, y, label, fontsize=14, va="center", ha="left")


def _label_last_value(axes: Axes, chart: TrendChart, step_xs: list, step_ys: list[float], clearance: float) -> None:
    """The latest value in bold over its point — or under it when the target line runs just above it there."""
    at, value = chart.values[-1]
    target = next((y for x, y in zip(reversed(step_xs), reversed(step_ys), strict=True) if x <= at), math.nan)
    below = not math.isnan(target) and 0 <= target - value <= clearance
    axes.annotate(
        format_value(value, chart.locale),
        (at, value),
        xytext=(0, -14 if below else 14),
        textcoords="offset points",
        ha="center",
        va="top" if below else "bottom",
        fontsize=16,
        fontweight="bold",
        color=VALUES,
        bbox={"boxstyle": "round,pad=0.15", "facecolor": BACKGROUND, "edgecolor": "none"},
        zorder=6,
    )


def build_figure(chart: TrendChart) -> Figure:
    """The chart as a matplotlib Figure (not yet drawn): what ``render_trend_chart`` saves, and what tests read the
    tick labels and titles from."""
    locale, labels = chart.locale, chart.labels
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.12, 0.30, 0.84, 0.58), facecolor=BACKGROUND)
    title = labels.title if len(labels.title) <= TITLE_MAX else labels.title[: TITLE_MAX - 1].rstrip() + "…"
    figure.text(0.02, 0.955, title, fontsize=21, fontweight="bold", va="top", ha="left")
    start, end = _x_range(chart)
    step_xs, step_ys = _target_steps(chart, start, end)
    legend: list[tuple[dict, str]] = []

    def draw(style: dict, label: str, **legend_handle: bool) -> dict:
        legend.append(({"style": style, **legend_handle}, label))
        return style

    values_style = {"color": VALUES, "linewidth": 3.5, "marker": "o" if len(chart.values) <= MARKERS_UP_TO else ""}
    values_style["markersize"] = 7
    times = [at for at, _ in chart.values]
    values = [value for _, value in chart.values]
    axes.plot(times, values, zorder=4, **draw(values_style, labels.values))
    if any(not math.isnan(y) for y in step_ys):
        target_style = {"color": TARGET, "linewidth": 3.5, "solid_capstyle": "butt"}
        axes.plot(step_xs, step_ys, drawstyle="steps-post", zorder=3, **draw(target_style, labels.target))
    if chart.projection:
        at = [point[0] for point in chart.projection]
        axes.fill_between(
            at,
            [p[2] for p in chart.projection],
            [p[3] for p in chart.projection],
            color=BAND,
            alpha=0.45,
            linewidth=0,
            zorder=1,
        )
        trend_style = {"color": VALUES, "linewidth": 2.5, "linestyle": (0, (4, 3))}
        axes.plot(at, [p[1] for p in chart.projection], zorder=2, **draw(trend_style, labels.trend))
        if any(high > low for _, _, low, high in chart.projection):
            legend.append(({"band": True}, labels.band))
    if chart.baseline is not None:
        baseline_style = {"color": MUTED, "linewidth": 2, "linestyle": (0, (1, 2))}
        axes.axhline(chart.baseline, zorder=2, **draw(baseline_style, labels.baseline))
    if chart.deadline is not None:
        deadline_style = {"color": MUTED, "linewidth": 2, "linestyle": (0, (5, 3))}
        axes.axvline(_deadline(chart), zorder=2, **draw(deadline_style, labels.deadline))
    revised = [r for r in chart.revisions if r.new is not None]
    if revised:
        marker_style = {"color": TARGET, "marker": "D", "markersize": 10, "markeredgecolor": INK, "linestyle": "none"}
        axes.plot(
            [r.at for r in revised],
            [r.new for r in revised],
            zorder=5,
            **draw(marker_style, labels.revised, marker_only=True),
        )
    for revision in revised if len(revised) <= LABELLED_REVISIONS else []:
        old = "–" if revision.old is None else format_value(revision.old, locale)
        axes.annotate(
            f"{old} → {format_value(revision.new, locale)}",
            (revision.at, revision.new),
            xytext=(0, 12),
            textcoords="offset points",
            ha="center",
            fontsize=14,
            color=TARGET,
            fontweight="bold",
            zorder=6,
        )

    axes.set_xlim(start, end)
    low, high = _y_range(chart, step_ys)
    axes.set_ylim(low, high)
    _label_last_value(axes, chart, step_xs, step_ys, (high - low) * 0.14)
    with_year = (end - start).days > 180 or start.year != end.year
    axes.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=5))
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _: format_day(mdates.num2date(x).date(), locale, with_year=with_year))
    )
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5))
    axes.yaxis.set_major_formatter(_ValueTicks(locale))
    axes.set_ylabel(labels.value_axis, fontsize=16)
    axes.set_xlabel(labels.date_axis, fontsize=16)
    axes.tick_params(labelsize=15, length=0, pad=8)
    axes.grid(axis="y", color=GRID, linewidth=1.2)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    _legend(figure, legend)
    return figure


def render_trend_chart(chart: TrendChart) -> bytes:
    """The chart as PNG bytes, ``WIDTH_PX`` × ``HEIGHT_PX``, opaque; a chart needs at least one value."""
    if not chart.values:
        raise ValueError("a trend chart needs at least one value")
    # A name with an emoji or a rare script draws a box for the missing glyph: no reason to print a warning.
    with rc_context(_STYLE), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure = build_figure(chart)
        figure.canvas.draw()
    # Opaque RGB rather than matplotlib's RGBA: a quarter less to compress (the card has no transparency to keep);
    # zlib level 1 costs a third of level 6 for a file about a tenth larger.
    pixels = Image.frombuffer(
        "RGBA", figure.canvas.get_width_height(), figure.canvas.buffer_rgba(), "raw", "RGBA", 0, 1
    )
    buffer = io.BytesIO()
    pixels.convert("RGB").save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
