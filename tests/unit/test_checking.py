"""What a check of a case study produces, and the rules for the best score and passing."""

from __future__ import annotations

from dataclasses import dataclass

from kamkit.checking import best_score, has_passed, within
from kamkit.html import bar, e


@dataclass
class _Attempt:
    score: float
    passed: bool


def test_the_best_score_is_the_best_of_any_attempt():
    assert best_score([]) is None
    assert best_score([_Attempt(40, False), _Attempt(90, True), _Attempt(60, False)]) == 90


def test_passed_once_is_passed_even_after_a_worse_attempt():
    assert not has_passed([_Attempt(40, False)])
    assert has_passed([_Attempt(90, True), _Attempt(20, False)])


def test_within_tolerance_at_its_edges_and_no_expectation_accepts_anything():
    assert within(3, 4, 1) and not within(2, 4, 1) and not within(None, 4, 1)
    assert within(None, None, 0)


def test_one_escape_and_one_bar_for_every_page():
    assert e('<b a="1">') == "&lt;b a=&quot;1&quot;&gt;"
    assert 'width:100%' in bar(140) and 'width:0%' in bar(-5) and 'title="50% complete"' in bar(50)
