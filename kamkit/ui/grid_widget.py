"""The Decision-Making Grid widget: an SVG drawn in the page (no network, no plotting library)
on which a trainee drags people. Python sets `points`; a drop writes the snapped influence and
support back into `points` (and the dropped id into `picked`), which the view observes."""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from kamkit.frameworks import GridContent

__all__ = ["GridWidget", "CONTACT_COLOURS", "grid_config"]

#: fill by our best relationship level with the person today (0 = no contact)
CONTACT_COLOURS = {0: "#ffffff", 1: "#c6dbef", 2: "#6baed6", 3: "#2171b5", 4: "#08306b"}
_FILLS = {"driver": "#e6f4ea", "advocate": "#f1f8f3", "swing_vote": "#fff6e0",
          "observer": "#f6f6f6", "threat": "#fbe3e3", "critic": "#fdf0f0"}


def grid_config(grid: GridContent) -> dict:
    return {"high_from": grid.influence.high_from,
            "categories": [{"name": c.name, "influence": c.influence, "support": c.support,
                            "fill": _FILLS.get(c.id, "#f3f3f3")} for c in grid.categories]}


class GridWidget(anywidget.AnyWidget):
    _esm = Path(__file__).with_name("static").joinpath("grid.js")
    #: [{id, label, influence, support, colour, selected}] - only people rated on both scales
    points = traitlets.List(traitlets.Dict()).tag(sync=True)
    config = traitlets.Dict().tag(sync=True)
    #: the id of the person last dropped by the trainee
    picked = traitlets.Unicode("").tag(sync=True)
