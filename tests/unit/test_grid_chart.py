"""The read-only Decision-Making Grid (review drill-down, reports): its text alternative names
every person with their influence, support, category and our contact, and our contact is drawn
as a number as well as a colour."""

from __future__ import annotations

import re
from html import unescape

from kamkit.charts import GridPoint, decision_grid, grid_words


def _label(svg: str) -> str:
    return unescape(re.search(r'<svg[^>]*aria-label="([^"]*)"', svg).group(1))


def test_a_person_is_told_in_the_contents_words(framework):
    words = grid_words(GridPoint("Greta Lind", 4, 1, 1), framework.grid)
    assert words == ("Greta Lind: influence 4 (major), support +1 (supportive) - Driver; "
                     "our contact: vendor")
    assert grid_words(GridPoint("Lena", 3, -1), framework.grid).endswith(
        "support -1 (opposed) - Critic; our contact: no contact")


def test_the_charts_text_alternative_names_everyone_on_it(framework):
    svg = decision_grid([GridPoint("Greta <Lind>", 5, 0, 4), GridPoint("Jan", 2, 2)],
                        framework.grid)
    said = _label(svg)
    assert said.startswith("Decision-Making Grid, 2 people on it.")
    assert "Greta <Lind>: influence 5 (decisive), support 0 (neutral) - Swing vote; our " \
           "contact: trusted advisor" in said
    assert "Jan: influence 2 (minor), support +2 (strong supporter) - Advocate" in said
    assert "<title>Greta &lt;Lind&gt;: influence 5" in svg  # a tooltip too, escaped
    assert "<Lind>" not in svg


def test_our_contact_is_a_number_in_the_dot_with_a_key(framework):
    svg = decision_grid([GridPoint("Greta", 5, 0, 3), GridPoint("Jan", 2, 2, 0)],
                        framework.grid)
    assert re.search(r'font-weight="700" fill="#fff">3</text>', svg)
    assert "Our contact: 1 vendor · 2 credible source · 3 problem solver · 4 trusted advisor" \
        in svg
    nobody = decision_grid([GridPoint("Jan", 2, 2, 0)], framework.grid)
    assert "Our contact:" not in nobody and 'font-weight="700"' not in nobody
