"""Trend charts drawn for real and read back as pixels: a valid, opaque PNG of the promised size, not blank, the
target line where the target is, and the viewer's own number and date formats on the axes."""

from __future__ import annotations

import io
import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from matplotlib.colors import to_rgb
from matplotlib.text import Text
from PIL import Image

from bot.charts import ChartLabels, TargetRevision, TrendChart, babel_locale
from bot.charts.render import HEIGHT_PX, TARGET, VALUES, WIDTH_PX, build_figure, format_value, render_trend_chart
from bot.checkins.progress import Point, project_trend

START = datetime(2026, 9, 7, 9)
LABELS = ChartLabels(
    "#3 Orders", "Orders", "Date", "Values", "Target", "Baseline", "Deadline", "Trend", "Range", "Moved"
)
SV_LABELS = replace(LABELS, title="#3 Ordrar", value_axis="Ordrar", date_axis="Datum", target="Mål")


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(round(channel * 255) for channel in to_rgb(colour))


def _chart(language: str = "en", **changes: object) -> TrendChart:
    values = tuple((START + timedelta(weeks=i), float(v)) for i, v in enumerate([1120, 1180, 1165, 1240, 1302, 1290]))
    history = [Point(at, value) for at, value in values]
    projection = tuple((p.at, p.expected, p.low, p.high) for p in project_trend(history, until=datetime(2027, 3, 1)))
    chart = TrendChart(
        SV_LABELS if language == "sv" else LABELS,
        babel_locale(language),
        values,
        target=1800.0,
        baseline=1100.0,
        deadline=date(2027, 3, 1),
        projection=projection,
    )
    return replace(chart, **changes)


def _image(chart: TrendChart) -> Image.Image:
    png = render_trend_chart(chart)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()  # decodes every chunk: a truncated or corrupt file fails here
    return image


def _rows_with(image: Image.Image, colour: str, share: float) -> list[int]:
    """Rows where ``colour`` covers at least ``share`` of the image width (a horizontal line of that colour)."""
    wanted = _rgb(colour)
    pixels = image.convert("RGB").load()
    return [
        y for y in range(image.height) if sum(pixels[x, y] == wanted for x in range(image.width)) >= share * image.width
    ]


def test_a_chart_is_a_valid_opaque_png_of_the_promised_size() -> None:
    image = _image(_chart())
    assert image.format == "PNG" and image.size == (WIDTH_PX, HEIGHT_PX)
    alpha = image.convert("RGBA").getchannel("A")
    assert alpha.getextrema() == (255, 255)  # no transparency: dark mode would put our dark text on dark grey


def test_a_chart_is_not_blank_and_shows_the_values_and_the_target() -> None:
    image = _image(_chart()).convert("RGB")
    colours = image.getcolors(maxcolors=WIDTH_PX * HEIGHT_PX)
    background = max(colours)[1]
    inked = sum(count for count, colour in colours if colour != background)
    assert background == (255, 255, 255) and inked > 0.05 * WIDTH_PX * HEIGHT_PX
    present = {colour for _, colour in colours}
    assert _rgb(VALUES) in present and _rgb(TARGET) in present


def test_the_target_line_runs_along_its_row_above_the_values() -> None:
    image = _image(_chart(projection=()))  # the projection shares the values' blue and rises above the target
    target_rows = _rows_with(image, TARGET, 0.8)  # the plot is 84 % of the width
    assert target_rows, "no row is mostly the target's colour"
    assert max(target_rows) - min(target_rows) <= 8  # one line, a few pixels thick
    value_rows = [y for y in range(image.height) if _rgb(VALUES) in _row_colours(image, y)]
    assert max(target_rows) < min(value_rows)  # 1,800 is above every value: smaller y, higher up


def _row_colours(image: Image.Image, y: int) -> set[tuple[int, int, int]]:
    pixels = image.convert("RGB").load()
    return {pixels[x, y] for x in range(image.width)}


def test_without_a_target_no_row_is_the_targets() -> None:
    assert _rows_with(_image(_chart(target=None)), TARGET, 0.3) == []


def test_a_revised_target_steps_up_where_it_was_revised() -> None:
    revision = TargetRevision(START + timedelta(weeks=3), 1500.0, 1800.0)
    image = _image(_chart(revisions=(revision,)))
    assert _rows_with(image, TARGET, 0.8) == []  # neither level spans the whole plot any more
    rows = _rows_with(image, TARGET, 0.08)
    bands = [rows[0]] + [b for a, b in itertools.pairwise(rows) if b - a > 3]
    assert len(bands) == 2  # the old target on the left, the new one higher up on the right
    pixels = image.convert("RGB").load()
    upper, lower = bands[0] + 2, bands[1] + 2
    new_xs = [x for x in range(image.width) if pixels[x, upper] == _rgb(TARGET)]
    old_xs = [x for x in range(image.width) if pixels[x, lower] == _rgb(TARGET)]
    assert max(old_xs) < image.width / 2 < max(new_xs)


def _tick_labels(chart: TrendChart) -> tuple[list[str], list[str], list[str]]:
    figure = build_figure(chart)
    figure.canvas.draw()
    axes = figure.axes[0]
    texts = [t.get_text() for t in figure.findobj(Text)]
    return [t.get_text() for t in axes.get_xticklabels()], [t.get_text() for t in axes.get_yticklabels()], texts


def test_numbers_and_dates_are_in_the_viewers_locale() -> None:
    dates, numbers, texts = _tick_labels(_chart("sv"))
    assert any("\u00a0" in n and "," not in n for n in numbers if len(n) > 3)  # 1 200, not 1,200
    assert any(month in " ".join(dates) for month in ("sep.", "okt.", "nov.", "dec.", "jan."))
    assert {"#3 Ordrar", "Ordrar", "Datum", "Mål", "1\u00a0290"} <= set(texts)
    dates, numbers, texts = _tick_labels(_chart("en"))
    assert any("," in n for n in numbers) and any(month in " ".join(dates) for month in ("Sep", "Nov", "Jan"))
    assert "1,290" in texts


@pytest.mark.parametrize(
    ("value", "locale", "shown"),
    [
        (1234.5, "sv_SE", "1\u00a0234,5"),
        (1234.5, "nb_NO", "1\u00a0234,5"),
        (1234.5, "en", "1,234.5"),
        (2_500_000, "sv_SE", "2,5\u00a0mn"),
        (-3.25, "en", "-3.25"),
    ],
)
def test_format_value(value: float, locale: str, shown: str) -> None:
    assert format_value(value, locale) == shown


def test_a_name_with_dollar_signs_is_drawn_as_text_not_a_formula() -> None:
    chart = _chart(labels=replace(LABELS, title="#9 $ per lead $"))
    assert "#9 $ per lead $" in _tick_labels(chart)[2]
    assert _image(chart).size == (WIDTH_PX, HEIGHT_PX)


def test_times_with_a_time_zone_draw_like_naive_ones() -> None:
    aware = tuple((at.replace(tzinfo=UTC), value) for at, value in _chart().values)
    assert _image(_chart(values=aware, projection=())).size == (WIDTH_PX, HEIGHT_PX)


def test_a_chart_needs_a_value() -> None:
    with pytest.raises(ValueError, match="at least one value"):
        render_trend_chart(_chart(values=()))


def test_a_steep_projection_runs_off_the_chart_instead_of_flattening_it() -> None:
    steep = tuple((at, expected * 1000, low * 1000, high * 1000) for at, expected, low, high in _chart().projection)
    image = _image(_chart(projection=steep))
    rows = _rows_with(image, TARGET, 0.8)
    plot_bottom = round(image.height * 0.7)  # the axes end 30 % above the bottom edge; the legend is below
    value_rows = [y for y in range(plot_bottom) if _rgb(VALUES) in _row_colours(image, y)]
    assert rows and max(value_rows) - max(rows) > 60  # 1,800 stays well above 1,290, not squashed onto it


@pytest.mark.parametrize("language", ["en", "sv", "nb"])
def test_every_word_stays_inside_the_picture(language: str) -> None:
    labels = replace(LABELS, band="Sannsynlig intervall", trend="Trendprognose", baseline="Utgangspunkt")
    chart = _chart(language, revisions=(TargetRevision(START + timedelta(weeks=3), 1500.0, 1800.0),))
    figure = build_figure(replace(chart, labels=labels) if language == "nb" else chart)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    for text in figure.findobj(Text):
        if text.get_text() and text.get_visible():
            box = text.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= WIDTH_PX and box.y0 >= 0 and box.y1 <= HEIGHT_PX, text.get_text()
