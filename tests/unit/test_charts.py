"""Charts: the right place for each point, and nothing a person typed rendered as markup."""

from __future__ import annotations

import re

from kamkit.charts import MatrixPoint, pareto_chart, portfolio_matrix
from kamkit.scoring.portfolio import pareto


def test_a_point_lands_in_its_quadrant(framework):
    svg = portfolio_matrix([MatrixPoint("Acme", strength=25, attractiveness=75)],
                           framework.segmentation, size=400)
    cx, cy = map(float, re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg).groups())
    assert cx == 46 + 100 and cy == 12 + 100  # left of centre, upper half: Grow


def test_labels_are_escaped(framework):
    svg = portfolio_matrix([MatrixPoint("<script>x</script>", 50, 50)], framework.segmentation)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    bars = pareto_chart(pareto([("<img src=x onerror=1>", 10)]))
    assert "<img" not in bars


def test_an_empty_pareto_is_still_a_valid_svg():
    assert pareto_chart([]).startswith("<svg")
