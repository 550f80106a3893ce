"""The Decision-Making Grid widget: an SVG drawn in the page (no network, no plotting library)
on which a trainee drags people. Python sets `points`; a drop writes the snapped influence and
support back into `points` (and the dropped id into `picked`), which the view observes."""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from kamkit.charts import CATEGORY_FILLS, CONTACT_COLOURS
from kamkit.frameworks import GridContent

__all__ = ["GridWidget", "CONTACT_COLOURS", "grid_config"]



def grid_config(grid: GridContent) -> dict:
    return {"high_from": grid.influence.high_from,
            "categories": [{"name": c.name, "influence": c.influence, "support": c.support,
                            "fill": CATEGORY_FILLS.get(c.id, "#f3f3f3")}
                           for c in grid.categories]}


class GridWidget(anywidget.AnyWidget):
    _esm = Path(__file__).with_name("static").joinpath("grid.js")
    #: [{id, label, influence, support, colour, selected}] - everyone on the map; a person not
    #: rated on both scales (None) waits in a tray under the grid, to be dragged onto it
    points = traitlets.List(traitlets.Dict()).tag(sync=True)
    config = traitlets.Dict().tag(sync=True)
    #: the id of the person last dropped by the trainee
    picked = traitlets.Unicode("").tag(sync=True)
