"""Small server-rendered SVG charts: no script, readable without colour (every bar is labelled)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Distinguishable for the common colour-vision deficiencies (Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float


def bars(items: Sequence[Bar], *, title: str, unit: str = "", width: int = 560) -> Markup:
    """Horizontal bars, one row per item, the value printed at the end of each bar."""
    if not items:
        return Markup("")
    row, label_width = 26, 190
    top = max((b.value for b in items), default=0) or 1
    span = width - label_width - 70
    height = row * len(items) + 8
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, bar in enumerate(items):
        y = 4 + i * row
        length = max(1.0, span * bar.value / top) if bar.value else 0
        value = f"{bar.value:g}{unit}"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" class="label">{escape(bar.label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}" class="value">{escape(value)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_columns(days: Sequence[tuple[str, dict[str, int]]], *, title: str, width: int = 720) -> Markup:
    """One column per day, stacked by series, with a legend; days without data are gaps."""
    if not days:
        return Markup("")
    series = sorted({name for _, counts in days for name in counts})
    colour = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}
    plot_h, left, bottom = 180, 36, 40
    legend_h = 20 * len(series)
    height = plot_h + bottom + legend_h + 10
    top = max((sum(c.values()) for _, c in days), default=0) or 1
    step = (width - left - 10) / len(days)
    bar_w = min(36.0, max(2.0, step * 0.7))
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{left}" y1="{plot_h + 5}" x2="{width - 5}" y2="{plot_h + 5}" class="axis"/>',
        f'<text x="{left - 6}" y="14" text-anchor="end" class="label">{top}</text>',
        f'<text x="{left - 6}" y="{plot_h + 5}" text-anchor="end" class="label">0</text>',
    ]
    for i, (day, counts) in enumerate(days):
        x = left + i * step + (step - bar_w) / 2
        y = plot_h + 5
        for name in series:
            value = counts.get(name, 0)
            if not value:
                continue
            h = plot_h * value / top
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colour[name]}"><title>{escape(day)} {escape(name)}: {value}</title></rect>'
            )
        if len(days) <= 12 or i % max(1, len(days) // 8) == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{plot_h + 22}" text-anchor="middle" '
                f'class="label">{escape(day[5:])}</text>'
            )
    for j, name in enumerate(series):
        y = plot_h + bottom + j * 20
        parts.append(
            f'<rect x="{left}" y="{y}" width="12" height="12" fill="{colour[name]}"/>'
            f'<text x="{left + 18}" y="{y + 11}" class="label">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
