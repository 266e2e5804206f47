"""Geometry for the report charts, drawn as inline SVG by the templates.

Plain functions from figures to coordinates. Coordinates are returned as preformatted strings so
that the template's number localization (a German decimal comma) cannot break the SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from observations import scoring


def _n(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    segments: list[str]  # "x,y x,y ..." per unbroken run of weeks with a value
    dots: list[tuple[str, str, str]]  # x, y, title


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    series: list[Series]
    x_labels: list[tuple[str, str]]  # x, text
    y_ticks: list[tuple[str, str]]  # y, text
    bands: list[tuple[str, str, str, str, str]]  # x, y, width, height, band
    band_labels: list[tuple[str, str]]  # y of the middle of each band, band (named right of the plot)

    @property
    def plot_width(self) -> int:
        return self.plot_right - self.plot_left


def _scale(value: float, top: float, bottom: float) -> float:
    """SOI 0..100 to a y coordinate between bottom (0) and top (100)."""
    return bottom - (bottom - top) * max(0.0, min(100.0, value)) / 100.0


def _columns(count: int, left: float, right: float) -> list[tuple[float, float]]:
    """The x range each of `count` weeks shades: halfway to its neighbours, the plot's edge at the ends."""
    if count <= 1:
        return [(left, right)] * count
    step = (right - left) / (count - 1)
    return [(max(left, left + (i - 0.5) * step), min(right, left + (i + 0.5) * step)) for i in range(count)]


def _band_rects(
    limits: tuple[float, float], x_from: float, x_to: float, top: float, bottom: float
) -> list[tuple[str, str, str, str, str]]:
    desert, oasis = limits
    y_oasis, y_desert = _scale(oasis, top, bottom), _scale(desert, top, bottom)
    x, width = _n(x_from), _n(x_to - x_from)
    return [
        (x, _n(top), width, _n(y_oasis - top), "oasis"),
        (x, _n(y_oasis), width, _n(y_desert - y_oasis), "steppe"),
        (x, _n(y_desert), width, _n(bottom - y_desert), "desert"),
    ]


def line_chart(
    labels: Sequence[str],
    lines: Sequence[tuple[str, str, Sequence[float | None]]],
    *,
    width: int = 400,
    height: int = 250,
    limits: tuple[float, float],
    week_limits: Sequence[tuple[float, float] | None] | None = None,
) -> LineChart:
    """A 0..100 line chart over `labels` (weeks); `lines` are (name, css class, values); `limits`
    are the band limits (desert below, oasis from) of the rubric the report week was banded with.

    The backdrop is shaded week by week with the band limits each week was banded with
    (`week_limits`, one per label; None, or no list, for `limits`), so that a week's shading
    matches its band after head office saves a new rubric. The band names on the right follow
    `limits` (the report week's).

    Drawn on a 400-unit canvas: a phone shows it at about 360 px, so text of 14 units (the CSS)
    renders at 12 px or more; the bands are named right of the plot."""
    left, right, top, bottom = 34, width - 58, 10, height - 28
    step = (right - left) / max(1, len(labels) - 1)

    def x_of(index: int) -> float:
        return left + index * step

    series = []
    for name, css, values in lines:
        segments, current, dots = [], [], []
        for index, value in enumerate(values):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            x, y = _n(x_of(index)), _n(_scale(value, top, bottom))
            current.append(f"{x},{y}")
            dots.append((x, y, f"{labels[index]}: {scoring.round1(value)}"))
        if current:
            segments.append(" ".join(current))
        series.append(Series(name, css, segments, dots))
    per_week = list(week_limits) if week_limits is not None else [None] * len(labels)
    bands = []
    for index, (x_from, x_to) in enumerate(_columns(len(labels), left, right)):
        bands += _band_rects(per_week[index] or limits, x_from, x_to, top, bottom)
    desert, oasis = limits
    # every label on a wide chart, every other one when there are many weeks
    every = 1 if len(labels) <= 8 else 2
    x_labels = [(_n(x_of(i)), label) for i, label in enumerate(labels) if (len(labels) - 1 - i) % every == 0]
    y_ticks = [(_n(_scale(v, top, bottom)), str(v)) for v in (0, 25, 50, 75, 100)]
    band_labels = [
        (_n(_scale((oasis + 100) / 2, top, bottom)), "oasis"),
        (_n(_scale((desert + oasis) / 2, top, bottom)), "steppe"),
        (_n(_scale(desert / 2, top, bottom)), "desert"),
    ]
    return LineChart(width, height, left, right, series, x_labels, y_ticks, bands, band_labels)


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    segments: list[str]
    last: tuple[str, str] | None
    limits: list[str]  # y of the band limits


def sparkline(
    values: Sequence[float | None], *, limits: tuple[float, float], width: int = 120, height: int = 32
) -> Sparkline:
    """A small trend line for the small multiples (0..100, the band limits (desert below, oasis
    from) of the rubric the figures were banded with as faint rules)."""
    top, bottom, left = 2.0, height - 2.0, 2.0
    step = (width - 4) / max(1, len(values) - 1)
    segments, current, last = [], [], None
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(" ".join(current))
            current = []
            continue
        last = (_n(left + index * step), _n(_scale(value, top, bottom)))
        current.append(f"{last[0]},{last[1]}")
    if current:
        segments.append(" ".join(current))
    return Sparkline(width, height, segments, last, [_n(_scale(limit, top, bottom)) for limit in limits])


@dataclass(frozen=True)
class Bar:
    y: str
    width: str
    label_x: str
    value: float | None
    css: str
    name: str


@dataclass(frozen=True)
class BarGroup:
    label: str
    label_y: str
    bars: list[Bar]


def grouped_bars(
    groups: Sequence[tuple[str, Sequence[tuple[str, str, float | None]]]], *, width: int = 400, bar_height: int = 16
) -> tuple[list[BarGroup], int, int, int]:
    """Horizontal bars, 0..100, one group per dimension with a bar per (name, css, value), the
    group's name above its bars (long German names need the whole width on a phone).
    Returns the groups, the chart height, the x where bars start and their full length."""
    left, gap, label_height = 0, 12, 20
    length = width - left - 48
    rows, y = [], 2
    for label, bars in groups:
        label_y = y + 14
        y += label_height
        drawn = []
        for name, css, value in bars:
            bar_width = length * max(0.0, min(100.0, value or 0.0)) / 100.0
            drawn.append(Bar(_n(y), _n(bar_width), _n(left + bar_width + 4), value, css, name))
            y += bar_height + 2
        rows.append(BarGroup(label, _n(label_y), drawn))
        y += gap
    return rows, y, left, length


def heat_class(value: float | None) -> str:
    """A colour step per 10 points for the heatmap cells."""
    if value is None:
        return "heat-none"
    return f"heat-{min(9, max(0, int(value // 10)))}"
