"""Learning gain: each trainee's before/after pairs (judgement on a first vs a later case, the
quiz's first attempt vs a retake, competency before vs after, the self-manager gap) and the
cohort's means over the trainees who have both figures - with how many they are."""

from __future__ import annotations

import pytest

from kamkit.scoring.competency import (
    GAIN_MEASURES,
    CohortGain,
    QuizRecord,
    case_tries,
    cohort_gain,
    person_gain,
    quiz_record,
)
from tests.competency_data import check, every, quiz, rating_set


@pytest.fixture
def content(framework):
    return framework.competencies


# -- one trainee ----------------------------------------------------------------------------------

def test_judgement_is_the_first_case_first_try_against_the_latest_later_case(content):
    cases = case_tries([
        check("stakeholders", 50, case="halden", account=10),
        check("stakeholders", 100, case="halden", account=10, attempt=2, minutes=5),
        check("stakeholders", 70, case="corvel", account=20, minutes=60),
        check("stakeholders", 90, case="brightwater", account=30, minutes=120),
        check("relationship", 40, case="halden", account=10, minutes=10)])
    gain = person_gain(cases, QuizRecord(), [], content)
    assert gain["judgement:stakeholders"] == (50, 90)  # first tries only, first case vs latest
    assert gain["judgement:relationship"] == (40, None)  # one case only: no later figure


def test_the_quiz_is_the_first_attempt_against_the_latest_retake(content):
    gain = person_gain([], quiz_record([quiz(1, 50), quiz(2, 75), quiz(3, 100)]), [], content)
    assert gain["quiz"] == (50, 100)
    assert person_gain([], quiz_record([quiz(1, 60)]), [], content)["quiz"] == (60, None)


def test_competency_before_and_after_by_self_and_manager_and_their_gap(content):
    sets = [rating_set("before", "self", every(4)),
            rating_set("before", "manager", every(2), name="Mia"),
            rating_set("after", "self", every(3)),
            rating_set("after", "manager", every(3) | {"listens": 4}, name="Mia"),
            rating_set("after", "peer", every(5), name="Ada", link=1)]  # peers: not a measure
    gain = person_gain([], QuizRecord(), sets, content)
    assert gain["self"] == (4, 3)
    assert gain["manager"] == (2, pytest.approx(3.12))  # (7 * 3 + 4) / 8
    assert gain["gap"] == (2, pytest.approx(0.12))       # a more accurate self-view after
    assert set(GAIN_MEASURES) <= set(gain)


def test_a_trainee_with_nothing_has_every_measure_blank(content):
    gain = person_gain([], QuizRecord(), [], content)
    assert gain == {key: (None, None) for key in GAIN_MEASURES}


def test_ratings_in_one_round_only_give_one_figure(content):
    gain = person_gain([], QuizRecord(), [rating_set("before", "self", every(2))], content)
    assert gain["self"] == (2, None) and gain["manager"] == (None, None)
    assert gain["gap"] == (None, None)


# -- the cohort ---------------------------------------------------------------------------------

LABELS = {"quiz": ("Quiz", True), "gap": ("Gap", False), "self": ("Self", True)}


def test_the_cohort_mean_is_paired_and_counts_the_trainees_behind_it():
    people = [
        {"quiz": (50, 90), "gap": (2, 1), "self": (None, 4)},
        {"quiz": (70, 80), "gap": (1.5, None), "self": (3, None)},
        {"quiz": (None, 100), "gap": (1, 0.5)},   # no first attempt: counts in neither
        {},                                        # nothing at all
    ]
    quiz_gain, gap, self_ = cohort_gain(people, LABELS)
    assert (quiz_gain.before, quiz_gain.after, quiz_gain.n) == (60, 85, 2)
    assert quiz_gain.gain == 25 and quiz_gain.higher_is_better
    assert (gap.before, gap.after, gap.n) == (1.5, 0.75, 2)  # the first and the third
    assert gap.gain == -0.75 and not gap.higher_is_better   # lower: better here
    assert (self_.before, self_.after, self_.n, self_.gain) == (None, None, 0, None)


def test_the_measures_come_in_the_order_of_the_labels():
    gains = cohort_gain([{"self": (2, 3)}], {"self": ("Self", True), "quiz": ("Quiz", True)})
    assert [g.key for g in gains] == ["self", "quiz"]
    assert [g.label for g in gains] == ["Self", "Quiz"]
    assert gains[1] == CohortGain("quiz", "Quiz", None, None, 0, True)


def test_an_empty_cohort_has_no_gain_and_no_one_behind_it():
    assert [(g.n, g.gain) for g in cohort_gain([], GAIN_MEASURES)] == [(0, None)] * 4


def test_the_gain_is_after_minus_before_rounded():
    assert CohortGain("x", "X", 3.33, 3.0, 3).gain == -0.33
    assert CohortGain("x", "X", None, 3.0, 0).gain is None


def test_a_person_and_the_cohort_agree(content):
    """Two trainees through person_gain, then the cohort: the figures a manager sees."""
    ann = person_gain(case_tries([check("profile", 40), check("profile", 80, case="corvel",
                                                               account=20, minutes=9)]),
                      quiz_record([quiz(1, 50), quiz(2, 100)]),
                      [rating_set("before", "self", every(2)),
                       rating_set("after", "self", every(4))], content)
    bob = person_gain(case_tries([check("profile", 60)]), quiz_record([quiz(1, 70)]),
                      [rating_set("before", "self", every(3)),
                       rating_set("after", "self", every(4))], content)
    labels = {"judgement:profile": ("Judgement", True)} | GAIN_MEASURES
    by_key = {g.key: g for g in cohort_gain([ann, bob], labels)}
    assert (by_key["judgement:profile"].n, by_key["judgement:profile"].gain) == (1, 40)
    assert (by_key["quiz"].n, by_key["quiz"].gain) == (1, 50)
    assert (by_key["self"].before, by_key["self"].after, by_key["self"].n) == (2.5, 4, 2)
    assert by_key["manager"].n == 0 and by_key["gap"].n == 0


def test_before_and_after_are_compared_on_the_behaviours_rated_in_both(content):
    """A half-done after-round is no gain: only behaviours rated in both rounds count."""
    every_two = every(2)
    one = dict(list(every_two.items())[:1])
    gain = person_gain([], QuizRecord(), [
        rating_set("before", "self", every_two | {next(iter(one)): 4}),
        rating_set("after", "self", {next(iter(one)): 4})], content)
    assert gain["self"] == (4, 4)  # not (2.25, 4): the other behaviours were not rated after
