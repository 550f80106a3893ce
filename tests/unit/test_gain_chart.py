"""The learning-gain chart: before and after per measure on the measure's own scale, told apart
by shape and words (not colour), with the number of trainees behind each figure."""

from __future__ import annotations

import re

from kamkit.charts import gain_chart, gain_words
from kamkit.scoring.competency import CohortGain
from tests.payloads import live_markup

QUIZ = CohortGain("quiz", "Quiz: first attempt → later retake (%)", 50, 75, 4)
GAP = CohortGain("gap", "Self vs manager gap", 1.5, 0.5, 3, higher_is_better=False)
NONE = CohortGain("self", "Competency, self-rated", None, None, 0)


def _markers(svg: str) -> list[tuple[float, str]]:
    """(x, fill) of each before/after circle of the measures (the legend's too)."""
    return [(float(x), fill) for x, fill in
            re.findall(r'<circle cx="([\d.]+)" cy="[\d.]+" r="5" fill="([^"]+)"', svg)]


def test_before_is_hollow_after_is_filled_each_where_its_value_is_on_its_own_scale():
    svg = gain_chart([QUIZ])
    (xb, fb), (xa, fa), *_legend = _markers(svg)
    assert fb == "white" and fa != "white"  # shape (hollow vs filled), not hue
    # the quiz in %: 50 half-way along the axis, 75 three quarters (axis 12 -> 12 + span)
    span = 620 - 12 - 210 - 16
    assert abs(xb - (12 + span * 0.5)) < 0.2 and abs(xa - (12 + span * 0.75)) < 0.2
    rating = gain_chart([CohortGain("manager", "Manager-rated", 2, 4, 1)])
    (xb, _), (xa, _), *_ = _markers(rating)
    assert abs(xb - (12 + span * 0.25)) < 0.2 and abs(xa - (12 + span * 0.75)) < 0.2  # 1-5


def test_each_measure_says_its_figures_its_direction_and_its_n_in_words():
    svg = gain_chart([QUIZ, GAP, NONE])
    assert "50 → 75 · +25 (better) · n = 4" in svg
    assert "1.5 → 0.5 · -1 (better) · n = 3" in svg  # lower is better for the gap
    assert "no trainee has both yet" in svg
    alt = re.search(r'aria-label="([^"]+)"', svg).group(1)
    assert "before 50, after 75, 4 trainees" in alt and "Competency, self-rated: no trainee" \
        in alt


def test_a_fall_is_worse_and_no_move_is_no_change():
    assert gain_words(CohortGain("quiz", "q", 80, 60, 2)) == "-20 (worse)"
    assert gain_words(CohortGain("gap", "g", 0.5, 1.0, 2, False)) == "+0.5 (worse)"
    assert gain_words(CohortGain("quiz", "q", 60, 60, 2)) == "no change"
    assert gain_words(NONE) == ""


def test_labels_are_text_and_no_measures_is_still_a_chart():
    svg = gain_chart([CohortGain("quiz", "<img src=x onerror=alert(1)>", 1, 2, 1)])
    assert live_markup(svg) == [] and "&lt;img" in svg
    assert gain_chart([]).startswith("<svg") and "No measures" in gain_chart([])
