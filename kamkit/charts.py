"""Charts as pure functions: data in, an SVG document (a string) out. SVG needs no JavaScript and
no network, renders inside an HTML widget, and is cheap enough to redraw on every edit. Every
label that came from a person is escaped here."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kamkit.frameworks import GridContent, SegmentationContent
from kamkit.html import e
from kamkit.scoring.competency import CohortGain
from kamkit.scoring.grid import category_for
from kamkit.scoring.portfolio import ParetoRow

__all__ = ["MatrixPoint", "portfolio_matrix", "pareto_chart", "indicator_bars",
           "feeling_vs_evidence", "trend_chart", "GridPoint", "decision_grid", "CATEGORY_FILLS",
           "CONTACT_COLOURS", "grid_words", "step_completion", "histogram", "gap_bars",
           "forecast_chart", "sparkline", "competency_chart", "RATER_LABELS", "ROUND_LABELS",
           "gain_chart", "gain_words"]

#: fill by our best relationship level with a person today (0 = no contact)
CONTACT_COLOURS = {0: "#ffffff", 1: "#c6dbef", 2: "#6baed6", 3: "#2171b5", 4: "#08306b"}
CATEGORY_FILLS = {"driver": "#e6f4ea", "advocate": "#f1f8f3", "swing_vote": "#fff6e0",
                  "observer": "#f6f6f6", "threat": "#fbe3e3", "critic": "#fdf0f0"}

_FONT = 'font-family="system-ui, sans-serif"'
_QUADRANT_FILL = {"grow": "#e8f1fb", "maintain": "#e9f6ec", "defend": "#fdf5e6", "exit": "#f7eaea"}


@dataclass(frozen=True)
class MatrixPoint:
    label: str
    strength: float        # x, 0-100
    attractiveness: float  # y, 0-100
    current: bool = False


def portfolio_matrix(points: list[MatrixPoint], seg: SegmentationContent,
                     size: int = 360) -> str:
    """The portfolio matrix: our strength across, attractiveness up, the four purposes shaded."""
    pad_l, pad_b, pad_t, pad_r = 46, 40, 12, 12
    w, h = size, size
    width, height = pad_l + w + pad_r, pad_t + h + pad_b

    def x(v: float) -> float:
        return pad_l + w * max(0.0, min(100.0, v)) / 100

    def y(v: float) -> float:
        return pad_t + h * (1 - max(0.0, min(100.0, v)) / 100)

    t = seg.threshold
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" class="kk-matrix" '
             f'aria-label="Portfolio matrix">']
    for p in seg.purposes:
        x0, x1 = (x(t), x(100)) if p.strong else (x(0), x(t))
        y0, y1 = (y(100), y(t)) if p.attractive else (y(t), y(0))
        parts.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" '
                     f'height="{y1 - y0:.1f}" fill="{_QUADRANT_FILL.get(p.id, "#f3f3f3")}"/>')
        parts.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{y0 + 20:.1f}" text-anchor="middle" '
                     f'{_FONT} font-size="14" font-weight="600" fill="#555">{e(p.name)}</text>')
    parts.append(f'<rect x="{pad_l}" y="{pad_t}" width="{w}" height="{h}" fill="none" '
                 'stroke="#99a"/>')
    parts.append(f'<line x1="{x(t):.1f}" y1="{pad_t}" x2="{x(t):.1f}" y2="{pad_t + h}" '
                 'stroke="#99a" stroke-dasharray="4 3"/>')
    parts.append(f'<line x1="{pad_l}" y1="{y(t):.1f}" x2="{pad_l + w}" y2="{y(t):.1f}" '
                 'stroke="#99a" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{pad_l + w / 2}" y="{height - 8}" text-anchor="middle" {_FONT} '
                 'font-size="12" fill="#333">Our strength in the account →</text>')
    parts.append(f'<text transform="translate(14 {pad_t + h / 2}) rotate(-90)" '
                 f'text-anchor="middle" {_FONT} font-size="12" fill="#333">'
                 'Attractiveness →</text>')
    for v in (0, 50, 100):
        parts.append(f'<text x="{x(v):.1f}" y="{pad_t + h + 14}" text-anchor="middle" {_FONT} '
                     f'font-size="10" fill="#777">{v}</text>')
        parts.append(f'<text x="{pad_l - 6}" y="{y(v) + 3:.1f}" text-anchor="end" {_FONT} '
                     f'font-size="10" fill="#777">{v}</text>')
    for pt in sorted(points, key=lambda p: p.current):  # the current account on top
        cx, cy = x(pt.strength), y(pt.attractiveness)
        fill, r = ("#d9480f", 7) if pt.current else ("#2f6fb0", 5)
        anchor, dx = ("end", -10) if pt.strength > 75 else ("start", 10)
        parts.append(f'<g class="kk-point"><circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" '
                     f'fill="{fill}" stroke="white" stroke-width="1.5"/>'
                     f'<text x="{cx + dx:.1f}" y="{cy + 4:.1f}" text-anchor="{anchor}" {_FONT} '
                     f'font-size="12" fill="#222">{e(pt.label)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def pareto_chart(rows: list[ParetoRow], currency: str = "", width: int = 560,
                 height: int = 260) -> str:
    """Revenue per account, largest first, with the cumulative share and the 80 % line."""
    if not rows:
        return ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" '
                'class="kk-pareto"></svg>')
    pad_l, pad_r, pad_t, pad_b = 56, 40, 12, 70
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    top = max(r.revenue for r in rows) or 1.0
    step = min(w / len(rows), 70.0)  # a lone account is a bar, not a wall
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" class="kk-pareto" '
             'aria-label="Revenue by account, largest first">']
    points = []
    for i, r in enumerate(rows):
        bh = h * r.revenue / top
        bx = pad_l + i * step + step * 0.15
        fill = "#2f6fb0" if r.vital_few else "#a9c4e0"
        parts.append(f'<rect x="{bx:.1f}" y="{pad_t + h - bh:.1f}" width="{step * 0.7:.1f}" '
                     f'height="{bh:.1f}" fill="{fill}"><title>{e(r.name)}: '
                     f'{r.revenue:,.0f} {e(currency)} ({r.share:.0f} %)</title></rect>')
        cx = pad_l + (i + 0.5) * step
        points.append(f"{cx:.1f},{pad_t + h * (1 - r.cumulative / 100):.1f}")
        label = r.name if len(r.name) <= 14 else r.name[:13] + "…"
        parts.append(f'<text transform="translate({cx:.1f} {pad_t + h + 10}) rotate(35)" '
                     f'{_FONT} font-size="10" fill="#333">{e(label)}</text>')
    y80 = pad_t + h * 0.2
    parts.append(f'<line x1="{pad_l}" y1="{y80:.1f}" x2="{pad_l + w}" y2="{y80:.1f}" '
                 'stroke="#d9480f" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{pad_l + w + 4}" y="{y80 + 4:.1f}" {_FONT} font-size="10" '
                 'fill="#d9480f">80 %</text>')
    parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#d9480f" '
                 'stroke-width="2"/>')
    parts.append(f'<line x1="{pad_l}" y1="{pad_t + h}" x2="{pad_l + w}" y2="{pad_t + h}" '
                 'stroke="#99a"/>')
    parts.append(f'<text x="{pad_l - 6}" y="{pad_t + 8}" text-anchor="end" {_FONT} '
                 f'font-size="10" fill="#777">{top:,.0f}</text>')
    parts.append(f'<text x="{pad_l - 6}" y="{pad_t + h}" text-anchor="end" {_FONT} '
                 'font-size="10" fill="#777">0</text>')
    parts.append("</svg>")
    return "".join(parts)


def indicator_bars(items: list[tuple[str, float, float, bool]], width: int = 420) -> str:
    """One bar per indicator: points earned out of its weight (hatched when unproven)."""
    row, pad_l = 22, 190
    height = row * len(items) + 10
    top = max((w for _, _, w, _ in items), default=1) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" class="kk-bars" '
             'aria-label="Points per indicator out of its weight">']
    span = width - pad_l - 40
    for n, (name, points, weight, unproven) in enumerate(items):
        y = 5 + n * row
        label = name if len(name) <= 30 else name[:29] + "…"
        parts.append(f'<text x="{pad_l - 6}" y="{y + 13}" text-anchor="end" {_FONT} '
                     f'font-size="10" fill="#333">{e(label)}</text>')
        parts.append(f'<rect x="{pad_l}" y="{y + 3}" width="{span * weight / top:.1f}" '
                     'height="12" fill="#e7ecf1"/>')
        fill = "#a9c4e0" if unproven else "#2f6fb0"
        parts.append(f'<rect x="{pad_l}" y="{y + 3}" width="{span * points / top:.1f}" '
                     f'height="12" fill="{fill}"><title>{e(name)}: {points:.1f} of '
                     f'{weight:g}{" (unproven)" if unproven else ""}</title></rect>')
        parts.append(f'<text x="{pad_l + span * weight / top + 4:.1f}" y="{y + 13}" {_FONT} '
                     f'font-size="10" fill="#777">{points:.0f}/{weight:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def feeling_vs_evidence(feeling: int, evidence: float, width: int = 300) -> str:
    """Two bars on one 0-100 scale: what was felt, what the evidence says."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 56" width="{width}" '
             'height="56" role="img" class="kk-gap" aria-label="Feeling and evidence">']
    span = width - 80
    for n, (name, value, fill) in enumerate((("Feeling", feeling, "#d9480f"),
                                             ("Evidence", evidence, "#2f6fb0"))):
        y = 6 + n * 24
        parts.append(f'<text x="0" y="{y + 13}" {_FONT} font-size="11">{name}</text>')
        parts.append(f'<rect x="64" y="{y + 2}" width="{span}" height="14" fill="#e7ecf1"/>')
        parts.append(f'<rect x="64" y="{y + 2}" width="{span * value / 100:.1f}" height="14" '
                     f'fill="{fill}"/>')
        parts.append(f'<text x="{64 + span * value / 100 + 4:.1f}" y="{y + 13}" {_FONT} '
                     f'font-size="11">{int(value + 0.5)}</text>')  # as the sentence shows it
    parts.append("</svg>")
    return "".join(parts)


def trend_chart(rows: list[tuple[str, float | None, int | None]], width: int = 420,
                height: int = 180) -> str:
    """Evidence score (line) and gut feeling (dashed) per assessment, oldest first."""
    pad_l, pad_b, pad_t, pad_r = 36, 28, 10, 16
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    step = w / max(1, len(rows) - 1)

    def xy(i: int, v: float) -> str:
        return f"{pad_l + i * step:.1f},{pad_t + h * (1 - v / 100):.1f}"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" class="kk-trend" '
             'aria-label="Score and feeling over time">']
    for v in (0, 50, 100):
        y = pad_t + h * (1 - v / 100)
        parts.append(f'<line x1="{pad_l}" y1="{y:.1f}" x2="{pad_l + w}" y2="{y:.1f}" '
                     'stroke="#e3e7ec"/>')
        parts.append(f'<text x="{pad_l - 4}" y="{y + 3:.1f}" text-anchor="end" {_FONT} '
                     f'font-size="10" fill="#777">{v}</text>')
    for series, colour, dash in ((1, "#2f6fb0", ""), (2, "#d9480f", ' stroke-dasharray="4 3"')):
        pts = [xy(i, r[series]) for i, r in enumerate(rows) if r[series] is not None]
        if pts:
            parts.append(f'<polyline points="{" ".join(pts)}" fill="none" stroke="{colour}" '
                         f'stroke-width="2"{dash}/>')
            for p in pts:
                cx, cy = p.split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
    for i, r in enumerate(rows):
        parts.append(f'<text x="{pad_l + i * step:.1f}" y="{height - 8}" text-anchor="middle" '
                     f'{_FONT} font-size="10" fill="#555">{e(r[0])}</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class GridPoint:
    label: str
    influence: int         # 1-5
    support: int           # -2..+2
    contact: int = 0       # our best relationship level today, 0-4


def grid_words(pt: GridPoint, grid: GridContent) -> str:
    """One person on the grid in the content's words: "Greta Lind: influence 4 (major), support
    +1 (supportive) - Driver; our contact: vendor" (what a screen reader says for their dot)."""
    contact = grid.peer_levels.get(pt.contact, "no contact")
    support = f"{pt.support:+d}" if pt.support else "0"
    return (f"{pt.label}: influence {pt.influence} ({grid.influence.labels[pt.influence]}), "
            f"support {support} ({grid.support.labels[pt.support]}) - "
            f"{category_for(pt.influence, pt.support, grid).name}; our contact: {contact}")


def decision_grid(points: list[GridPoint], grid: GridContent, width: int = 520,
                  height: int = 360) -> str:
    """The Decision-Making Grid, read-only: support across, influence up, the six categories
    shaded, each rated person a dot coloured by our best contact with them - and numbered by it,
    with a key underneath, so the colour is never the only sign. Its text alternative names
    every person with their place and our contact."""
    pad_l, pad_b, pad_t, pad_r = 40, 36, 10, 10
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    key = any(pt.contact for pt in points)
    full = height + (18 if key else 0)

    def x(s: float) -> float:
        return pad_l + (s + 2.5) / 5 * w

    def y(i: float) -> float:
        return pad_t + (1 - (i - 0.5) / 5) * h

    bands = {"opposed": (-2.5, -0.5), "neutral": (-0.5, 0.5), "supportive": (0.5, 2.5)}
    high = grid.influence.high_from
    levels = {"high": (high - 0.5, 5.5), "low": (0.5, high - 0.5)}
    said = "; ".join(grid_words(pt, grid) for pt in points)
    summary = (f"Decision-Making Grid, {len(points)} "
               f"{'person' if len(points) == 1 else 'people'} on it" + (f". {said}" if said
                                                                         else ""))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {full}" '
             f'width="{width}" height="{full}" role="img" class="kk-grid-chart" '
             f'aria-label="{e(summary)}">']
    for c in grid.categories:
        (s0, s1), (i0, i1) = bands[c.support], levels[c.influence]
        parts.append(f'<rect x="{x(s0):.1f}" y="{y(i1):.1f}" width="{x(s1) - x(s0):.1f}" '
                     f'height="{y(i0) - y(i1):.1f}" fill="{CATEGORY_FILLS.get(c.id, "#f3f3f3")}" '
                     'stroke="#ccd"/>')
        parts.append(f'<text x="{(x(s0) + x(s1)) / 2:.1f}" y="{y(i1) + 16:.1f}" '
                     f'text-anchor="middle" {_FONT} font-size="12" font-weight="600" '
                     f'fill="#555">{e(c.name)}</text>')
    for s in range(-2, 3):
        parts.append(f'<text x="{x(s):.1f}" y="{pad_t + h + 14}" text-anchor="middle" {_FONT} '
                     f'font-size="10" fill="#555">{s:+d}</text>')
    for i in range(1, 6):
        parts.append(f'<text x="{pad_l - 6}" y="{y(i) + 3:.1f}" text-anchor="end" {_FONT} '
                     f'font-size="10" fill="#555">{i}</text>')
    parts.append(f'<text x="{pad_l + w / 2}" y="{height - 6}" text-anchor="middle" {_FONT} '
                 'font-size="11" fill="#333">Support for us →</text>')
    parts.append(f'<text transform="translate(12 {pad_t + h / 2}) rotate(-90)" '
                 f'text-anchor="middle" {_FONT} font-size="11" fill="#333">Influence →</text>')
    spots: dict[tuple[int, int], list[GridPoint]] = defaultdict(list)
    for pt in points:
        spots[(pt.influence, pt.support)].append(pt)
    for (inf, sup), group in spots.items():
        for n, pt in enumerate(group):  # people on one spot are spread on a small circle
            angle = 2 * math.pi * n / len(group)
            r = 0 if len(group) == 1 else 14
            cx, cy = x(sup) + r * math.cos(angle), y(inf) + r * math.sin(angle)
            fill = CONTACT_COLOURS.get(pt.contact, "#ffffff")
            anchor, dx = ("end", -10) if sup >= 2 else ("start", 10)
            number = (f'<text x="{cx:.1f}" y="{cy + 3:.1f}" text-anchor="middle" {_FONT} '
                      f'font-size="8" font-weight="700" fill="{_ink(pt.contact)}">{pt.contact}'
                      "</text>" if pt.contact else "")
            parts.append(f'<g class="kk-point"><title>{e(grid_words(pt, grid))}</title>'
                         f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="7" '
                         f'fill="{fill}" stroke="#234" stroke-width="1.2"/>{number}'
                         f'<text x="{cx + dx:.1f}" y="{cy + 4:.1f}" text-anchor="{anchor}" '
                         f'{_FONT} font-size="11" fill="#222">{e(pt.label)}</text></g>')
    if key:
        names = " · ".join(f"{k} {grid.peer_levels[k]}" for k in sorted(grid.peer_levels))
        parts.append(f'<text x="4" y="{full - 4}" {_FONT} font-size="10" fill="#333">'
                     f"Our contact: {e(names)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _ink(contact: int) -> str:
    """Text on a contact colour at 4.5:1 or more: white on the two dark blues."""
    return "#fff" if contact >= 3 else "#111"


def step_completion(rows: list[tuple[str, int, int, int]], width: int = 420) -> str:
    """Per step: (title, done, in progress, not started) as one stacked bar each."""
    row, pad_l = 26, 150
    height = row * len(rows) + 30
    span = width - pad_l - 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" class="kk-completion" '
             'aria-label="Step completion across the cohort">']
    colours = (("done", "#2f6fb0"), ("in progress", "#a9c4e0"), ("not started", "#e7ecf1"))
    for n, (title, *counts) in enumerate(rows):
        y0, total, x0 = 4 + n * row, sum(counts) or 1, float(pad_l)
        parts.append(f'<text x="{pad_l - 6}" y="{y0 + 14}" text-anchor="end" {_FONT} '
                     f'font-size="11" fill="#333">{e(title)}</text>')
        for (name, colour), count in zip(colours, counts, strict=True):
            bw = span * count / total
            if count:
                parts.append(f'<rect x="{x0:.1f}" y="{y0 + 3}" width="{bw:.1f}" height="16" '
                             f'fill="{colour}"><title>{e(title)}: {count} {name}</title></rect>')
                if bw > 22:
                    ink = "white" if name == "done" else "#234"
                    parts.append(f'<text x="{x0 + bw / 2:.1f}" y="{y0 + 15}" '
                                 f'text-anchor="middle" {_FONT} font-size="10" '
                                 f'fill="{ink}">{count}</text>')
            x0 += bw
    x0 = float(pad_l)
    for name, colour in colours:
        parts.append(f'<rect x="{x0:.1f}" y="{height - 16}" width="10" height="10" '
                     f'fill="{colour}" stroke="#99a" stroke-width="0.5"/>'
                     f'<text x="{x0 + 14:.1f}" y="{height - 7}" {_FONT} font-size="10" '
                     f'fill="#555">{name}</text>')
        x0 += 90
    parts.append("</svg>")
    return "".join(parts)


def histogram(values: list[float], lo: float = 0, hi: float = 100, bins: int = 10,
              width: int = 420, height: int = 170, label: str = "") -> str:
    """How many values fall in each of `bins` equal ranges from lo to hi."""
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, max(0, int((v - lo) / (hi - lo) * bins)))] += 1
    pad_l, pad_b, pad_t, pad_r = 30, 34, 10, 10
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    top = max(counts) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" class="kk-histogram" '
             f'aria-label="{e(label or "Distribution")}">']
    for n, count in enumerate(counts):
        bh = h * count / top
        a, b = lo + (hi - lo) * n / bins, lo + (hi - lo) * (n + 1) / bins
        parts.append(f'<rect x="{pad_l + n * w / bins + 1:.1f}" y="{pad_t + h - bh:.1f}" '
                     f'width="{w / bins - 2:.1f}" height="{bh:.1f}" fill="#2f6fb0">'
                     f'<title>{a:g}-{b:g}: {count}</title></rect>')
    for n in range(0, bins + 1, max(1, bins // 5)):
        v = lo + (hi - lo) * n / bins
        parts.append(f'<text x="{pad_l + n * w / bins:.1f}" y="{pad_t + h + 13}" '
                     f'text-anchor="middle" {_FONT} font-size="10" fill="#777">{v:g}</text>')
    parts.append(f'<text x="{pad_l - 4}" y="{pad_t + 8}" text-anchor="end" {_FONT} '
                 f'font-size="10" fill="#777">{top}</text>')
    if label:
        parts.append(f'<text x="{pad_l + w / 2}" y="{height - 4}" text-anchor="middle" {_FONT} '
                     f'font-size="11" fill="#333">{e(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def gap_bars(rows: list[tuple[str, int]], width: int = 420) -> str:
    """Feeling minus evidence per person, centred on zero: optimism right, caution left."""
    row, pad_l = 22, 140
    height = row * len(rows) + 24
    span = (width - pad_l - 30) / 2
    mid = pad_l + span
    top = max((abs(g) for _, g in rows), default=1) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" class="kk-gaps" '
             'aria-label="Feeling minus evidence">']
    for n, (name, gap) in enumerate(rows):
        y0 = 4 + n * row
        label = name if len(name) <= 20 else name[:19] + "…"
        parts.append(f'<text x="{pad_l - 6}" y="{y0 + 13}" text-anchor="end" {_FONT} '
                     f'font-size="11" fill="#333">{e(label)}</text>')
        bw = span * abs(gap) / top
        bx = mid if gap >= 0 else mid - bw
        fill = "#d9480f" if gap > 0 else "#2f6fb0"
        parts.append(f'<rect x="{bx:.1f}" y="{y0 + 3}" width="{bw:.1f}" height="13" '
                     f'fill="{fill}"><title>{e(name)}: {gap:+d}</title></rect>')
        tx = bx + bw + 4 if gap >= 0 else bx - 4
        parts.append(f'<text x="{tx:.1f}" y="{y0 + 13}" text-anchor="'
                     f'{"start" if gap >= 0 else "end"}" {_FONT} font-size="10" '
                     f'fill="#555">{gap:+d}</text>')
    parts.append(f'<line x1="{mid:.1f}" y1="0" x2="{mid:.1f}" y2="{height - 18}" '
                 'stroke="#99a"/>')
    parts.append(f'<text x="{mid:.1f}" y="{height - 5}" text-anchor="middle" {_FONT} '
                 'font-size="10" fill="#555">← more cautious · more optimistic →</text>')
    parts.append("</svg>")
    return "".join(parts)


def forecast_chart(quarters: list[tuple[str, float, float, float]], estimate: float | None = None,
                   currency: str = "", width: int = 560, height: int = 220) -> str:
    """Per quarter: the weighted forecast, retained (dark) under incremental (light), beside an
    outline of the open pipeline; the trainee's own estimate as a dashed line of the total."""
    pad_l, pad_b, pad_t, pad_r = 64, 44, 24, 12
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    top = max([max(r + i, p) for _, r, i, p in quarters] + [1.0])
    total = sum(r + i for _, r, i, _ in quarters)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" class="kk-forecast" '
             f'aria-label="Weighted forecast by quarter, total {total:,.0f} {e(currency)}">']
    step = w / max(1, len(quarters))
    for n, (label, kept, added, open_) in enumerate(quarters):
        x = pad_l + n * step + step * 0.18
        bw = step * 0.64

        def y(v: float) -> float:
            return pad_t + h * (1 - v / top)

        parts.append(f'<rect x="{x:.1f}" y="{y(open_):.1f}" width="{bw:.1f}" '
                     f'height="{h * open_ / top:.1f}" fill="none" stroke="#a9c4e0" '
                     f'stroke-dasharray="3 2"><title>{e(label)}: open pipeline '
                     f'{open_:,.0f}</title></rect>')
        parts.append(f'<rect x="{x:.1f}" y="{y(kept):.1f}" width="{bw:.1f}" '
                     f'height="{h * kept / top:.1f}" fill="#1f4e79"><title>{e(label)}: retained '
                     f'{kept:,.0f}</title></rect>')
        parts.append(f'<rect x="{x:.1f}" y="{y(kept + added):.1f}" width="{bw:.1f}" '
                     f'height="{h * added / top:.1f}" fill="#6baed6"><title>{e(label)}: '
                     f'incremental {added:,.0f}</title></rect>')
        parts.append(f'<text x="{x + bw / 2:.1f}" y="{pad_t + h + 13}" text-anchor="middle" '
                     f'{_FONT} font-size="10" fill="#555">{e(label)}</text>')
    parts.append(f'<line x1="{pad_l}" y1="{pad_t + h}" x2="{pad_l + w}" y2="{pad_t + h}" '
                 'stroke="#99a"/>')
    parts.append(f'<text x="{pad_l - 6}" y="{pad_t + 8}" text-anchor="end" {_FONT} '
                 f'font-size="10" fill="#777">{top:,.0f}</text>')
    legend = [("#1f4e79", "retained"), ("#6baed6", "incremental")]
    for n, (fill, name) in enumerate(legend):
        x0 = pad_l + n * 100
        parts.append(f'<rect x="{x0}" y="{height - 14}" width="10" height="10" '
                     f'fill="{fill}"/><text x="{x0 + 14}" y="{height - 5}" {_FONT} '
                     f'font-size="10" fill="#555">{name}</text>')
    parts.append(f'<rect x="{pad_l + 200}" y="{height - 14}" width="10" height="10" '
                 'fill="none" stroke="#a9c4e0" stroke-dasharray="3 2"/><text '
                 f'x="{pad_l + 214}" y="{height - 5}" {_FONT} font-size="10" '
                 'fill="#555">open pipeline</text>')
    if estimate is not None:
        parts.append(f'<text x="{pad_l + w}" y="12" text-anchor="end" {_FONT} '
                     f'font-size="11" fill="#b3400c">your estimate {estimate:,.0f} · '
                     f'weighted forecast {total:,.0f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def sparkline(values: list[float], target: float | None = None, label: str = "",
              width: int = 120, height: int = 28) -> str:
    """A KPI's actuals, oldest first, as a small line; the target as a dashed line."""
    if not values:
        return ""
    lo, hi = min([*values, *([target] if target is not None else [])]), \
        max([*values, *([target] if target is not None else [])])
    span = (hi - lo) or 1.0

    def y(v: float) -> float:
        return 3 + (height - 6) * (1 - (v - lo) / span)

    step = (width - 6) / max(1, len(values) - 1)
    points = " ".join(f"{3 + i * step:.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" class="kk-spark" '
             f'aria-label="{e(label)}: {", ".join(f"{v:g}" for v in values)}">']
    if target is not None:
        parts.append(f'<line x1="0" y1="{y(target):.1f}" x2="{width}" y2="{y(target):.1f}" '
                     'stroke="#1b6e20" stroke-dasharray="3 2"/>')
    parts.append(f'<polyline points="{points}" fill="none" stroke="#2f6fb0" stroke-width="2"/>'
                 if len(values) > 1 else  # one actual: a dot, not an invisible line
                 f'<circle cx="3" cy="{y(values[0]):.1f}" r="3" fill="#2f6fb0"/>')
    parts.append("</svg>")
    return "".join(parts)


#: who rated, as the competency chart's legend names them (a caller may name them better)
RATER_LABELS = {"self": "You", "manager": "Manager", "peer": "Peers"}
ROUND_LABELS = {"before": "before", "after": "after"}
# a rater is told by the marker's shape (and its colour, and the legend's words); the round by
# the fill: hollow before, solid after
_RATER_MARK = {"self": ("circle", "#2f6fb0"), "manager": ("square", "#b3400c"),
               "peer": ("triangle", "#2b8a3e")}
_RATER_ORDER = ("self", "manager", "peer")


def _mark(shape: str, cx: float, cy: float, colour: str, solid: bool, tip: str) -> str:
    fill = colour if solid else "white"
    paint = f'fill="{fill}" stroke="{colour}" stroke-width="1.6"'
    title = f"<title>{e(tip)}</title>" if tip else ""
    if shape == "square":
        return (f'<rect x="{cx - 4.5:.1f}" y="{cy - 4.5:.1f}" width="9" height="9" {paint}>'
                f"{title}</rect>")
    if shape == "triangle":
        pts = f"{cx:.1f},{cy - 5.5:.1f} {cx + 5.5:.1f},{cy + 4.5:.1f} {cx - 5.5:.1f},{cy + 4.5:.1f}"
        return f'<polygon points="{pts}" {paint}>{title}</polygon>'
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" {paint}>{title}</circle>'


def competency_chart(table: Mapping[tuple[str, str], Mapping[str, float]],
                     competencies: Sequence[tuple[str, str]],
                     raters: Mapping[str, str] | None = None,
                     scale: Mapping[int, str] | None = None, width: int = 600) -> str:
    """The competency gap chart: one row per competency, its mean level 1-5 across, as rated by
    the trainee (circle), their manager (square) and their peers (triangle), before (hollow)
    and after (solid) the programme; a line joins a rater's before and after. `table` is
    `kamkit.scoring.competency.gap_table`'s (round, rater) -> competency id -> mean;
    `competencies` is (id, title) in the order to show; `raters` names the raters in the legend
    (default `RATER_LABELS`); `scale` the content's words for the levels, for the axis. The
    same figures are in the SVG's title, for a screen reader."""
    names = {**RATER_LABELS, **(raters or {})}
    present = [(r, rd) for r in _RATER_ORDER for rd in ("before", "after") if (rd, r) in table]
    sub, pad_l, pad_r, pad_t = 12, 190, 20, 26
    row = sub * 3 + 8
    legend_h = 18 * len(present) + 8 if present else 0
    height = pad_t + row * max(1, len(competencies)) + 22 + legend_h
    span = width - pad_l - pad_r

    def x(level: float) -> float:
        return pad_l + span * (max(1.0, min(5.0, level)) - 1) / 4

    said = []
    for cid, title in competencies:
        figures = [f"{names[r]} {rd} {table[(rd, r)][cid]:g}" for r, rd in present
                   if cid in table[(rd, r)]]
        said.append(f"{title}: {', '.join(figures) if figures else 'not rated yet'}")
    summary = ("Competency ratings, 1 to 5. " + ("; ".join(said) if present
                                                else "No ratings yet."))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" class="kk-competency-chart" '
             f'aria-label="{e(summary)}"><title>{e(summary)}</title>']
    for level in range(1, 6):
        parts.append(f'<line x1="{x(level):.1f}" y1="{pad_t - 6}" x2="{x(level):.1f}" '
                     f'y2="{pad_t + row * len(competencies)}" stroke="#e3e7ec"/>'
                     f'<text x="{x(level):.1f}" y="{pad_t - 10}" text-anchor="middle" {_FONT} '
                     f'font-size="10" fill="#777">{level}</text>')
    for n, (cid, title) in enumerate(competencies):
        y0 = pad_t + n * row
        label = title if len(title) <= 28 else title[:27] + "…"
        parts.append(f'<text x="{pad_l - 8}" y="{y0 + row / 2 + 3:.1f}" text-anchor="end" '
                     f'{_FONT} font-size="11" fill="#333">{e(label)}<title>{e(title)}</title>'
                     "</text>")
        if n:
            parts.append(f'<line x1="{pad_l}" y1="{y0}" x2="{pad_l + span}" y2="{y0}" '
                         'stroke="#f1f3f5"/>')
        for k, rater in enumerate(_RATER_ORDER):
            shape, colour = _RATER_MARK[rater]
            cy = y0 + 4 + sub * k + sub / 2
            levels = {rd: table[(rd, rater)][cid] for rd in ("before", "after")
                      if (rd, rater) in table and cid in table[(rd, rater)]}
            if len(levels) == 2:
                parts.append(f'<line x1="{x(levels["before"]):.1f}" y1="{cy:.1f}" '
                             f'x2="{x(levels["after"]):.1f}" y2="{cy:.1f}" stroke="{colour}" '
                             'stroke-width="1.5" stroke-dasharray="3 2"/>')
            for rd, level in levels.items():
                parts.append(_mark(shape, x(level), cy, colour, rd == "after",
                                   f"{title}: {names[rater]}, {ROUND_LABELS[rd]}: {level:g}"))
    if not present:
        parts.append(f'<text x="{pad_l + span / 2:.1f}" y="{pad_t + row / 2:.1f}" '
                     f'text-anchor="middle" {_FONT} font-size="12" fill="#777">'
                     "No ratings yet</text>")
    axis_y = pad_t + row * max(1, len(competencies)) + 14
    axis = (f"level 1 ({scale[1]}) → 5 ({scale[5]})" if scale and 1 in scale and 5 in scale
            else "level 1 → 5")
    parts.append(f'<text x="{pad_l + span / 2:.1f}" y="{axis_y}" text-anchor="middle" {_FONT} '
                 f'font-size="10" fill="#555">{e(axis)}</text>')
    for n, (rater, rd) in enumerate(present):
        shape, colour = _RATER_MARK[rater]
        ly = axis_y + 14 + 18 * n
        parts.append(_mark(shape, pad_l + 6, ly - 4, colour, rd == "after", ""))
        parts.append(f'<text x="{pad_l + 18}" y="{ly}" {_FONT} font-size="11" fill="#333">'
                     f'{e(names[rater])}, {ROUND_LABELS[rd]} '
                     f'({"solid" if rd == "after" else "hollow"} {shape})</text>')
    parts.append("</svg>")
    return "".join(parts)


def _gain_scale(key: str) -> tuple[float, float]:
    """The axis of a learning-gain measure (`kamkit.scoring.competency`): ratings 1-5, the
    self-manager gap 0-4 levels, the rest percentages."""
    if key in ("self", "manager"):
        return 1.0, 5.0
    if key == "gap":
        return 0.0, 4.0
    return 0.0, 100.0


def gain_words(g: CohortGain) -> str:
    """A measure's change in words: "+12 (better)", "-0.5 (better)" when lower is better,
    "no change"; "" when no trainee has both figures."""
    if g.gain is None:
        return ""
    if g.gain == 0:
        return "no change"
    better = (g.gain > 0) == g.higher_is_better
    return f"{g.gain:+g} ({'better' if better else 'worse'})"


def gain_chart(gains: list[CohortGain], width: int = 620) -> str:
    """Each learning-gain measure on its own axis: before (a hollow circle) and after (a filled
    one) joined by an arrow, the figures and how many trainees are behind them written beside
    it - shape and words, not colour, tell before from after and better from worse."""
    row, pad_l, text_w = 46, 12, 210
    span = width - pad_l - text_w - 16
    height = row * max(1, len(gains)) + 30
    said = "; ".join(f"{g.label}: " + (f"before {g.before:g}, after {g.after:g}, {g.n} "
                                       f"trainee{'' if g.n == 1 else 's'}"
                                       if g.n and g.before is not None and g.after is not None
                                       else "no trainee has both yet") for g in gains)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" class="kk-gain" '
             f'aria-label="{e("Learning gain, before and after. " + said)}">']
    if not gains:
        parts.append(f'<text x="{pad_l}" y="20" {_FONT} font-size="12" fill="#555">No '
                     "measures.</text>")
    for n, g in enumerate(gains):
        y0 = 4 + n * row
        lo, hi = _gain_scale(g.key)
        label = g.label if len(g.label) <= 92 else g.label[:91] + "…"
        parts.append(f'<text x="{pad_l}" y="{y0 + 12}" {_FONT} font-size="11" fill="#222">'
                     f'<title>{e(g.label)}</title>{e(label)}</text>')
        ty = y0 + 30
        parts.append(f'<line x1="{pad_l}" y1="{ty}" x2="{pad_l + span}" y2="{ty}" '
                     'stroke="#c9d1da" stroke-width="2"/>')
        for v, anchor, x in ((lo, "start", pad_l), (hi, "end", pad_l + span)):
            parts.append(f'<text x="{x}" y="{ty + 13}" text-anchor="{anchor}" {_FONT} '
                         f'font-size="9" fill="#888">{v:g}</text>')
        tx = pad_l + span + 10
        if not g.n or g.before is None or g.after is None:
            parts.append(f'<text x="{tx}" y="{ty + 4}" {_FONT} font-size="11" '
                         'fill="#555" font-style="italic">no trainee has both yet</text>')
            continue

        def x(v: float, lo: float = lo, hi: float = hi) -> float:
            return pad_l + span * (max(lo, min(hi, v)) - lo) / (hi - lo)

        xb, xa = x(g.before), x(g.after)
        if abs(xa - xb) > 16:  # an arrow from before to after, when there is room for one
            way = 1 if xa > xb else -1
            tip = xa - way * 7
            parts.append(f'<line x1="{xb + way * 5:.1f}" y1="{ty}" x2="{tip:.1f}" y2="{ty}" '
                         'stroke="#1f4e79" stroke-width="2"/>')
            parts.append(f'<path d="M{tip - way * 5:.1f},{ty - 4} L{tip:.1f},{ty} '
                         f'L{tip - way * 5:.1f},{ty + 4}" fill="none" stroke="#1f4e79" '
                         'stroke-width="2"/>')
        parts.append(f'<circle cx="{xb:.1f}" cy="{ty}" r="5" fill="white" stroke="#1f4e79" '
                     f'stroke-width="2"><title>{e(g.label)}: before {g.before:g}</title>'
                     "</circle>")
        parts.append(f'<circle cx="{xa:.1f}" cy="{ty}" r="5" fill="#1f4e79">'
                     f'<title>{e(g.label)}: after {g.after:g}</title></circle>')
        parts.append(f'<text x="{tx}" y="{ty + 4}" {_FONT} font-size="11" fill="#222">'
                     f'{g.before:g} → {g.after:g} · {e(gain_words(g))} · n = {g.n}</text>')
    ly = height - 10
    parts.append(f'<circle cx="{pad_l + 5}" cy="{ly - 4}" r="5" fill="white" stroke="#1f4e79" '
                 f'stroke-width="2"/><text x="{pad_l + 14}" y="{ly}" {_FONT} font-size="10" '
                 'fill="#555">before</text>'
                 f'<circle cx="{pad_l + 70}" cy="{ly - 4}" r="5" fill="#1f4e79"/>'
                 f'<text x="{pad_l + 79}" y="{ly}" {_FONT} font-size="10" fill="#555">after'
                 " · n = trainees with both figures</text>")
    parts.append("</svg>")
    return "".join(parts)
