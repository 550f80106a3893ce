"""The Decision-Making Grid widget: an SVG drawn in the page (no network, no plotting library)
on which a trainee moves people - by dragging, or from the keyboard (Tab to a person, the arrow
keys move them a level at a time). Python sets `points`; a drop or a key writes the new
influence and support back into `points` (and the person's id into `picked`), which the view
observes: both ways reach the same save.

Everything the grid says in words (scale labels, category of each cell, our contact's levels)
comes from the content through `grid_config`, so a point's accessible name and what is
announced after a move use the trainer's words."""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from kamkit.charts import CATEGORY_FILLS, CONTACT_COLOURS
from kamkit.frameworks import GridContent
from kamkit.html import e
from kamkit.scoring.grid import category_for

__all__ = ["GridWidget", "CONTACT_COLOURS", "grid_config", "contact_legend", "contact_names",
           "START"]

#: where a person waiting in the tray lands on their first arrow key: the middle of both
#: scales (what is already known about them is kept)
START = {"influence": 3, "support": 0}


def contact_names(grid: GridContent) -> dict[int, str]:
    """Our best contact with a person, 0-4, in the content's words (0: none yet)."""
    return {k: grid.peer_levels.get(k, "no contact") for k in CONTACT_COLOURS}


def grid_config(grid: GridContent) -> dict:
    """What the grid's script needs: the six areas to draw and, for words, each scale's labels,
    the category of every cell (the same rule the map uses) and the names of contact levels.
    Keys are strings: the config travels as JSON."""
    scale_i, scale_s = sorted(grid.influence.labels), sorted(grid.support.labels)
    return {"high_from": grid.influence.high_from,
            "categories": [{"name": c.name, "influence": c.influence, "support": c.support,
                            "fill": CATEGORY_FILLS.get(c.id, "#f3f3f3")}
                           for c in grid.categories],
            "influence_labels": {str(k): grid.influence.labels[k] for k in scale_i},
            "support_labels": {str(k): grid.support.labels[k] for k in scale_s},
            "influence_range": [scale_i[0], scale_i[-1]],
            "support_range": [scale_s[0], scale_s[-1]],
            "places": {f"{i},{s}": category_for(i, s, grid).name
                       for i in scale_i for s in scale_s},
            "unmapped": grid.unmapped.name,
            "contacts": {str(k): v for k, v in contact_names(grid).items()},
            "start": dict(START)}


def contact_legend(grid: GridContent) -> str:
    """The key to a point's fill: each level's colour with its number, as drawn in the dot
    (the number tells the level to anyone who cannot tell the blues apart)."""
    def swatch(level: int) -> str:
        ink = "#fff" if level >= 3 else "#111"
        return (f'<span aria-hidden="true" style="display:inline-block;width:14px;height:14px;'
                f"line-height:14px;border:1px solid #333;border-radius:50%;text-align:center;"
                f'font-size:10px;font-weight:700;color:{ink};background:{CONTACT_COLOURS[level]}">'
                f'{level or ""}</span>')
    return " ".join(f"{swatch(k)} {e(name)}" for k, name in contact_names(grid).items())


class GridWidget(anywidget.AnyWidget):
    _esm = Path(__file__).with_name("static").joinpath("grid.js")
    _css = """
.kk-grid .kk-person { cursor: grab; outline: none; }
.kk-grid .kk-ring { visibility: hidden; }
.kk-grid .kk-person:focus-visible .kk-ring { visibility: visible; }
.kk-grid-said { min-height: 1.3em; font-size: 12px; color: #333; margin: 2px 0 0 4px; }
"""
    #: [{id, label, influence, support, colour, contact, selected}] - everyone on the map; a
    #: person not rated on both scales (None) waits in a tray under the grid, to be dragged
    #: onto it or placed with an arrow key
    points = traitlets.List(traitlets.Dict()).tag(sync=True)
    config = traitlets.Dict().tag(sync=True)
    #: the id of the person last dropped, moved by a key or chosen (Enter) by the trainee
    picked = traitlets.Unicode("").tag(sync=True)
