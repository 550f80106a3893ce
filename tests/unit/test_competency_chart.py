"""The competency gap chart: each rating where its level says, raters told apart by shape and
words (not colour alone), before hollow and after solid, a text alternative with every figure,
and nothing a person typed rendered as markup."""

from __future__ import annotations

import re

from kamkit.charts import competency_chart

COMPS = [("acumen", "Business acumen"), ("trust", "Trust and listening")]
TABLE = {("before", "self"): {"acumen": 2.0, "trust": 4.5},
         ("after", "self"): {"acumen": 4.0},
         ("before", "manager"): {"acumen": 3.0}}


def _marks(svg: str) -> list[tuple[str, str, str]]:
    """(element, its fill, its title) for every rating mark (the legend's have no title)."""
    return re.findall(r'<(circle|rect|polygon) [^>]*?fill="([^"]+)"[^>]*><title>([^<]*)</title>',
                      svg)


def test_each_rating_sits_at_its_level_with_its_rater_s_shape_and_round_s_fill():
    svg = competency_chart(TABLE, COMPS, width=600)
    marks = _marks(svg)
    assert [(m[0], m[2]) for m in marks] == [
        ("circle", "Business acumen: You, before: 2"), ("circle", "Business acumen: You, after: 4"),
        ("rect", "Business acumen: Manager, before: 3"),
        ("circle", "Trust and listening: You, before: 4.5")]
    assert marks[0][1] == "white" and marks[1][1] != "white"  # hollow before, solid after
    # level 1 at x=190 (left padding), 5 at 580: a 2 sits a quarter of the way along
    cx = float(re.search(r'<circle cx="([\d.]+)"[^>]*><title>Business acumen: You, before',
                         svg).group(1))
    assert cx == 190 + 390 / 4
    assert svg.count("stroke-dasharray=\"3 2\"") == 1  # before joined to after: acumen, self


def test_the_legend_and_the_text_alternative_say_it_in_words():
    svg = competency_chart(TABLE, COMPS, {"manager": "Manager (Mia)"},
                           {1: "Not yet", 5: "Others learn it from them"})
    assert "Manager (Mia), before (hollow square)" in svg
    assert "You, after (solid circle)" in svg
    assert "Peers" not in svg  # nobody rated as a peer: not in the legend
    label = re.search(r'aria-label="([^"]*)"', svg).group(1)
    assert "Business acumen: You before 2, You after 4, Manager (Mia) before 3" in label
    assert re.search(r"<svg[^>]*><title>Competency ratings", svg)
    assert "level 1 (Not yet) → 5 (Others learn it from them)" in svg


def test_nothing_rated_yet_is_said_not_drawn_empty():
    svg = competency_chart({}, COMPS)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "No ratings yet" in svg and _marks(svg) == []


def test_typed_names_and_titles_stay_text():
    evil = "<script>alert(1)</script>"
    svg = competency_chart({("before", "manager"): {"x": 3.0}}, [("x", evil)],
                           {"manager": evil})
    assert "<script>" not in svg and "&lt;script&gt;" in svg
