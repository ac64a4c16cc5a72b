"""Bar charts drawn on the server as SVG: no script, nothing to load, printable, readable without colour
(each bar carries its value as a tooltip and the page puts the same figures in a table beside it).

Pure: labels and numbers in, markup out. Colours come from CSS classes (``chart-series-N``), so the
stylesheet decides them and no inline style is needed under the Content Security Policy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Two drawings of each chart: one for a desktop column, one for a phone; the stylesheet shows the one that
# fits (.chart-wide / .chart-narrow), so that the text stays at least 12 px on screen in both (a 720-unit
# drawing in a 570 px column is drawn at 0.79: 16 units -> 12.7 px; a 340-unit one on a 390 px phone, in a
# 320 px card, at 0.94: 13 units -> 12.2 px).
WIDE = {"width": 720, "height": 270, "font": 16}
NARROW = {"width": 340, "height": 250, "font": 13}


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def nice_step(value: float, *, integer: bool = False) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ not below ``value`` (for whole counts 1, 2, 3, 4 or 5 × 10ⁿ, at least
    1): the distance between grid lines, so that the axis reads in round numbers without much empty room."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    steps = (1, 2, 3, 4, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    for step in steps:
        if value <= step * power + 1e-9:
            found = step * power
            return max(found, 1) if integer else found
    return 10 * power


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(labels: Sequence[str], series: Sequence[Series], *, title: str,
              fmt: Callable[[float], str] = _number, top: float | None = None, integer: bool = False,
              chart_id: str = "chart") -> Markup:
    """Bars per label; several series stack. ``top`` fixes the axis (1.0 for rates), else four round steps
    cover the highest stack (whole steps for counts: ``integer``). Drawn twice: for a wide and a narrow
    screen (only one shows; the other is display: none, so also silent for a screen reader)."""
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    axis_top = top if top is not None else 4 * nice_step(max(totals, default=0) / 4, integer=integer)
    wide = _draw(labels, series, totals, axis_top, title=title, fmt=fmt, chart_id=chart_id, kind="wide", **WIDE)
    narrow = _draw(labels, series, totals, axis_top, title=title, fmt=fmt, chart_id=f"{chart_id}-narrow",
                   kind="narrow", **NARROW)
    return Markup(wide + narrow)  # noqa: S704 - every text in them went through escape()  # nosec B704


def _text_width(text: str, font: int) -> float:
    """About how wide a short label of digits and punctuation is drawn (0.62 em a character)."""
    return 0.62 * font * len(text)


def _draw(labels: Sequence[str], series: Sequence[Series], totals: list[float], axis_top: float, *, title: str,
          fmt: Callable[[float], str], chart_id: str, kind: str, width: int, height: int, font: int) -> str:
    count = max(len(labels), 1)
    axis = [fmt(axis_top * step / 4) for step in range(5)]
    left = max(36, math.ceil(max(_text_width(a, font) for a in axis)) + 10)  # room for the value axis
    right, top_, bottom = 8, font + 6, font + 26
    plot_w = width - left - right
    plot_h = height - top_ - bottom
    slot = plot_w / count
    bar_w = max(min(slot * 0.7, 48), 2)
    title_id = f"{chart_id}-title"
    parts = [
        f'<svg class="chart chart-{kind}" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{escape(title_id)}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
    ]
    for step in range(5):  # grid lines and the value axis: 0, ¼, ½, ¾, top
        y = top_ + plot_h - plot_h * step / 4
        parts.append(f'<line class="chart-grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="chart-axis" x="{left - 6}" y="{y + font * 0.35:.1f}" text-anchor="end">'
                     f'{escape(axis[step])}</text>')
    # Thin out period labels so that they never overlap.
    label_w = max((_text_width(label, font) for label in labels), default=0) + font * 0.6
    every = max(1, math.ceil(count / max(int(plot_w // max(label_w, 1)), 1)))
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar_w) / 2
        base = top_ + plot_h
        for index, s in enumerate(series):
            value = s.values[i]
            if value <= 0:
                continue
            bar_h = plot_h * min(value / axis_top, 1) if axis_top else 0
            base -= bar_h
            tip = f"{label} · {s.name}: {fmt(value)}" if len(series) > 1 else f"{label}: {fmt(value)}"
            parts.append(f'<rect class="chart-bar chart-series-{index % 8}" x="{x:.1f}" y="{base:.1f}" '
                         f'width="{bar_w:.1f}" height="{bar_h:.1f}"><title>{escape(tip)}</title></rect>')
        total = fmt(totals[i])
        if totals[i] > 0 and slot >= _text_width(total, font) + 4:
            parts.append(f'<text class="chart-value" x="{x + bar_w / 2:.1f}" y="{base - 4:.1f}" '
                         f'text-anchor="middle">{escape(total)}</text>')
        if i % every == 0:
            parts.append(f'<text class="chart-label" x="{x + bar_w / 2:.1f}" y="{top_ + plot_h + font + 6}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    parts.append(f'<line class="chart-baseline" x1="{left}" x2="{width - right}" y1="{top_ + plot_h}" '
                 f'y2="{top_ + plot_h}"/>')
    parts.append("</svg>")
    return "".join(parts)
