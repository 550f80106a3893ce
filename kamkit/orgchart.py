"""Their organisation as a drawn chart: who reports to whom (solid lines, top down), who
influences whom beyond the formal lines (dashed arrows), and who of ours knows each person.

A pure function from people to an SVG string, like `kamkit.charts`: no script, no network, every
label a person typed escaped. The layout is a simple tidy tree: each person sits above the middle
of the people who report to them; people with nobody above them on the map are the roots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kamkit.html import e

__all__ = ["OrgPerson", "org_chart", "layout"]

_FONT = 'font-family="system-ui, sans-serif"'
BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 158, 52, 14, 34, 8


@dataclass(frozen=True)
class OrgPerson:
    id: str
    name: str
    title: str = ""
    boss: str | None = None                      # reports to (an id on the map), if known
    ours: tuple[str, ...] = field(default=())    # who of ours knows them, as shown


def _short(text: str, room: int) -> str:
    return text if len(text) <= room else text[:room - 1] + "…"


def layout(people: list[OrgPerson]) -> dict[str, tuple[float, int]]:
    """id -> (column, row): rows by depth under the roots, columns so that each person is
    centred over the people who report to them (a column is one box wide)."""
    ids = {p.id for p in people}
    reports: dict[str | None, list[str]] = {}
    for p in people:
        reports.setdefault(p.boss if p.boss in ids else None, []).append(p.id)
    where: dict[str, tuple[float, int]] = {}
    next_free = [0.0]

    def place(pid: str, row: int) -> float:
        below = [place(c, row + 1) for c in reports.get(pid, [])]
        column = (below[0] + below[-1]) / 2 if below else next_free[0]
        if not below:
            next_free[0] += 1
        where[pid] = (column, row)
        return column

    for root in reports.get(None, []):
        place(root, 0)
    return where


def org_chart(people: list[OrgPerson], influences: Sequence[tuple[str, str]] = ()) -> str:
    """The chart, or "" for an empty map. `influences` are (who, whom) pairs."""
    if not people:
        return ""
    where = layout(people)
    by_id = {p.id: p for p in people}
    cols = max(c for c, _ in where.values()) + 1
    rows = max(r for _, r in where.values()) + 1
    width = int(PAD * 2 + cols * BOX_W + (cols - 1) * GAP_X)
    height = int(PAD * 2 + rows * BOX_H + (rows - 1) * GAP_Y)

    def box(pid: str) -> tuple[float, float]:
        column, row = where[pid]
        return PAD + column * (BOX_W + GAP_X), PAD + row * (BOX_H + GAP_Y)

    lines, boxes, arrows = [], [], []
    for p in people:
        x, y = box(p.id)
        if p.boss in where:
            bx, by = box(p.boss)  # type: ignore[arg-type]
            mid = by + BOX_H + GAP_Y / 2
            lines.append(f'<path d="M{bx + BOX_W / 2:.0f},{by + BOX_H:.0f} V{mid:.0f} '
                         f'H{x + BOX_W / 2:.0f} V{y:.0f}" fill="none" stroke="#7b8794"/>')
        known = (f'<text x="{x + 6:.0f}" y="{y + 45:.0f}" font-size="10" fill="#1b6e20">← '
                 f'{e(_short(", ".join(p.ours), 26))}</text>' if p.ours else
                 f'<text x="{x + 6:.0f}" y="{y + 45:.0f}" font-size="10" fill="#b00020">'
                 "no contact of ours</text>")
        boxes.append(
            f'<g class="kk-org-person"><title>{e(p.name)}, {e(p.title)}: '
            + (f"known to {e(', '.join(p.ours))}" if p.ours else "no contact of ours")
            + f'</title><rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="6" '
            f'fill="#ffffff" stroke="{"#2171b5" if p.ours else "#b00020"}"/>'
            f'<text x="{x + 6:.0f}" y="{y + 16:.0f}" font-size="12" font-weight="600" '
            f'fill="#111">{e(_short(p.name, 22))}</text>'
            f'<text x="{x + 6:.0f}" y="{y + 30:.0f}" font-size="10" fill="#555">'
            f"{e(_short(p.title, 28))}</text>{known}</g>")
    for who, whom in influences:
        if who not in where or whom not in where or who == whom:
            continue
        (ax, ay), (bx, by) = box(who), box(whom)
        x1, y1, x2, y2 = ax + BOX_W / 2, ay + BOX_H / 2, bx + BOX_W / 2, by + BOX_H / 2
        bend = 28 if x1 <= x2 else -28
        arrows.append(
            f'<path class="kk-org-influence" d="M{x1:.0f},{y1:.0f} Q{(x1 + x2) / 2:.0f},'
            f'{(y1 + y2) / 2 - bend:.0f} {x2:.0f},{y2:.0f}" fill="none" stroke="#d9480f" '
            'stroke-width="1.5" stroke-dasharray="5 4" marker-end="url(#kk-arrow)">'
            f"<title>{e(by_id[who].name)} influences {e(by_id[whom].name)}</title></path>")
    return (f'<svg class="kk-org" xmlns="http://www.w3.org/2000/svg" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img" {_FONT}>'
            "<title>Their organisation: who reports to whom, who influences whom, and who of "
            'ours knows each person</title><defs><marker id="kk-arrow" viewBox="0 0 10 10" '
            'refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            '<path d="M0,0 L10,5 L0,10 z" fill="#d9480f"/></marker></defs>'
            + "".join(lines) + "".join(boxes) + "".join(arrows) + "</svg>")
