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

WIDTH = 720
HEIGHT = 260
LEFT = 52       # room for the value axis
RIGHT = 12
TOP = 14
BOTTOM = 46     # room for the period labels


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
    cover the highest stack (whole steps for counts: ``integer``)."""
    count = max(len(labels), 1)
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    axis_top = top if top is not None else 4 * nice_step(max(totals, default=0) / 4, integer=integer)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / count
    bar_w = max(min(slot * 0.7, 48), 2)
    title_id = f"{chart_id}-title"
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(title_id)}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
    ]
    for step in range(5):  # grid lines and the value axis: 0, ¼, ½, ¾, top
        value = axis_top * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="chart-axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{escape(fmt(value))}</text>')
    # Thin out period labels so that they never overlap (about 40 px each).
    every = max(1, math.ceil(count / max(plot_w // 40, 1)))
    for i, label in enumerate(labels):
        x = LEFT + slot * i + (slot - bar_w) / 2
        base = TOP + plot_h
        for index, s in enumerate(series):
            value = s.values[i]
            if value <= 0:
                continue
            height = plot_h * min(value / axis_top, 1) if axis_top else 0
            base -= height
            tip = f"{label} · {s.name}: {fmt(value)}" if len(series) > 1 else f"{label}: {fmt(value)}"
            parts.append(f'<rect class="chart-bar chart-series-{index % 8}" x="{x:.1f}" y="{base:.1f}" '
                         f'width="{bar_w:.1f}" height="{height:.1f}"><title>{escape(tip)}</title></rect>')
        if totals[i] > 0 and bar_w >= 18:
            parts.append(f'<text class="chart-value" x="{x + bar_w / 2:.1f}" y="{base - 4:.1f}" '
                         f'text-anchor="middle">{escape(fmt(totals[i]))}</text>')
        if i % every == 0:
            parts.append(f'<text class="chart-label" x="{x + bar_w / 2:.1f}" y="{TOP + plot_h + 18}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    parts.append(f'<line class="chart-baseline" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" '
                 f'y2="{TOP + plot_h}"/>')
    parts.append("</svg>")
    svg = "".join(parts)
    return Markup(svg)  # noqa: S704 - every text above went through escape()  # nosec B704
