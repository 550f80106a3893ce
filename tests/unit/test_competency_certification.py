"""Certification: each rule of certification.yaml met or not, with the figure that met it or
why not; a trainee is certified only when every rule is met; the Certifier (many trainees, the
answers for someone with nothing to show worked out once) says exactly what `certify` says."""

from __future__ import annotations

import pytest

from kamkit.competency_content import (
    CaseFirstTry,
    CertificationContent,
    CompetencyAfter,
    QuizFirstAttempt,
    StepsReviewed,
)
from kamkit.scoring.competency import Certifier, QuizRecord, case_tries, certify, quiz_record
from tests.competency_data import check, every, quiz, rating_set

STEPS = ["profile", "stakeholders", "relationship", "opportunities", "account_plan"]
ALL_4 = dict.fromkeys(STEPS, 4)


@pytest.fixture
def titles(framework):
    return {s.id: s.title for s in framework.steps}


def _rules(*rules) -> CertificationContent:
    return CertificationContent(rules=rules)


REVIEWED = StepsReviewed(kind="steps_reviewed", min_rating=3, text="Every step reviewed at 3+")
CASE = CaseFirstTry(kind="case_first_try", min_score=70, text="A first try of 70 % or more")
QUIZ = QuizFirstAttempt(kind="quiz_first_attempt", text="The quiz passed at the first attempt")
MANAGER = CompetencyAfter(kind="competency_after", rater="manager", min_level=3,
                          text="Every competency 3+ by the manager after")


def _one(rule, framework, titles, *, reviews=(), cases=(), record=None, sets=()):
    (result,) = certify(_rules(rule), steps=STEPS, titles=titles, reviews=list(reviews),
                        cases=list(cases), quiz=record or QuizRecord(), sets=list(sets),
                        competencies=framework.competencies).results
    assert result.text == rule.text
    return result


# -- each rule kind -----------------------------------------------------------------------------

def test_steps_reviewed_is_met_by_one_own_account_reviewed_at_the_level(framework, titles):
    short = dict(ALL_4, relationship=2)
    result = _one(REVIEWED, framework, titles, reviews=[short, ALL_4])
    assert result.met and result.detail == "every step reviewed at 3 or more"


def test_steps_reviewed_names_the_steps_short_on_the_closest_account(framework, titles):
    closest = dict(ALL_4, relationship=2)
    del closest["account_plan"]
    result = _one(REVIEWED, framework, titles, reviews=[{"profile": 5}, closest])
    assert not result.met
    assert result.detail == "below 3 or not reviewed: Relationship score, Account plan"


def test_steps_reviewed_without_an_own_account_says_so(framework, titles):
    result = _one(REVIEWED, framework, titles, reviews=[])
    assert (result.met, result.detail) == (False, "no account of their own yet")


def test_a_review_without_a_rating_is_not_a_rating(framework, titles):
    assert not _one(REVIEWED, framework, titles, reviews=[dict(ALL_4, profile=None)]).met


def test_case_first_try_takes_the_best_first_try_over_the_cases(framework, titles):
    cases = case_tries([check("profile", 50, case="halden"),
                        check("profile", 100, case="halden", attempt=2, minutes=1),
                        check("profile", 80, case="corvel", account=20, minutes=9),
                        check("stakeholders", 70, case="corvel", account=20, minutes=10)])
    result = _one(CASE, framework, titles, cases=cases)
    assert result.met and result.detail == "best first try 75 %"  # corvel: (80 + 70) / 2


def test_case_first_try_below_the_mark_is_unmet_however_good_the_best(framework, titles):
    cases = case_tries([check("profile", 60), check("profile", 100, attempt=2, minutes=1)])
    result = _one(CASE, framework, titles, cases=cases)
    assert (result.met, result.detail) == (False, "best first try 60 %")


def test_case_first_try_with_no_case_checked_says_so(framework, titles):
    result = _one(CASE, framework, titles, cases=[])
    assert (result.met, result.detail) == (False, "no case study checked yet")


def test_the_quiz_is_met_by_the_first_attempt_only(framework, titles):
    failed_then_passed = quiz_record([quiz(1, 50), quiz(2, 100, minutes=3)])
    result = _one(QUIZ, framework, titles, record=failed_then_passed)
    assert (result.met, result.detail) == (False, "first attempt 50 %")
    result = _one(QUIZ, framework, titles, record=quiz_record([quiz(1, 87.5)]))
    assert (result.met, result.detail) == (True, "first attempt 87.5 %")
    result = _one(QUIZ, framework, titles, record=QuizRecord())
    assert (result.met, result.detail) == (False, "quiz not taken yet")


def test_competency_after_needs_every_competency_at_the_level(framework, titles):
    levels = every(4) | {"evidence_first": 2, "qualify_honestly": 3}
    del levels["conducts"]
    sets = [rating_set("after", "manager", levels, name="Mia"),
            rating_set("before", "manager", every(5), name="Mia")]  # before counts for nothing
    result = _one(MANAGER, framework, titles, sets=sets)
    assert not result.met
    assert result.detail == ("below 3: Decisions from evidence 2.5, "
                             "Leading the account team not rated")
    result = _one(MANAGER, framework, titles,
                  sets=[rating_set("after", "manager", every(3), name="Mia")])
    assert (result.met, result.detail) == (True, "every competency 3 or more")


def test_competency_after_by_someone_else_does_not_count(framework, titles):
    sets = [rating_set("after", "self", every(5)), rating_set("before", "manager", every(5))]
    result = _one(MANAGER, framework, titles, sets=sets)
    assert (result.met, result.detail) == (False, "no after-round rating by their manager yet")
    own = CompetencyAfter(kind="competency_after", rater="self", min_level=3, text="Self 3+")
    assert _one(own, framework, titles, sets=[]).detail == "no after-round self-rating yet"


# -- the whole certification ----------------------------------------------------------------------

def _everything():
    return dict(reviews=[ALL_4], cases=case_tries([check("profile", 90)]),
                quiz=quiz_record([quiz(1, 90)]),
                sets=[rating_set("after", "manager", every(3), name="Mia")])


def test_certified_only_when_every_rule_is_met(framework, titles):
    content = _rules(REVIEWED, CASE, QUIZ, MANAGER)
    done = certify(content, steps=STEPS, titles=titles, competencies=framework.competencies,
                   **_everything())
    assert done.certified and done.unmet == []
    missing_quiz = _everything() | {"quiz": quiz_record([quiz(1, 40), quiz(2, 100)])}
    almost = certify(content, steps=STEPS, titles=titles,
                     competencies=framework.competencies, **missing_quiz)
    assert not almost.certified
    assert [r.text for r in almost.unmet] == [QUIZ.text]


def test_kamkits_own_rules_name_every_unmet_rule_for_a_newcomer(framework, titles):
    result = certify(framework.certification, steps=STEPS, titles=titles, reviews=[],
                     cases=[], quiz=QuizRecord(), sets=[], competencies=framework.competencies)
    assert not result.certified
    assert [r.detail for r in result.unmet] == [
        "no account of their own yet", "no case study checked yet", "quiz not taken yet",
        "no after-round rating by their manager yet"]


PEOPLE = {
    "newcomer": dict(reviews=[], cases=[], quiz=QuizRecord(), sets=[]),
    "own accounts, none reviewed": dict(reviews=[{}, {}], cases=[], quiz=QuizRecord(),
                                        sets=[]),
    "only before-ratings": dict(reviews=[{}], cases=[], quiz=QuizRecord(),
                                sets=[rating_set("before", "self", every(2))]),
    "a case on a second account only": dict(
        reviews=[{"profile": 4}], quiz=QuizRecord(), sets=[],
        cases=[c for c in case_tries([check("profile", 50, account=10),
                                      check("profile", 90, account=11, minutes=5)])]),
    "everything": _everything(),
}


@pytest.mark.parametrize("who", list(PEOPLE))
def test_the_certifier_says_what_certify_says(framework, titles, who):
    """Worked out once for a cohort (answers for 'nothing yet' cached) or afresh per person:
    the same words."""
    content = _rules(REVIEWED, CASE, QUIZ, MANAGER,
                     CompetencyAfter(kind="competency_after", rater="self", min_level=2,
                                     text="Self 2+ after"))
    certifier = Certifier(content, STEPS, titles, framework.competencies)
    person = PEOPLE[who]
    fresh = certify(content, steps=STEPS, titles=titles,
                    competencies=framework.competencies, **person)
    assert certifier(person["reviews"], person["cases"], person["quiz"],
                     person["sets"]) == fresh
    # the shipped rules too
    shipped = Certifier(framework.certification, STEPS, titles, framework.competencies)
    assert shipped(person["reviews"], person["cases"], person["quiz"], person["sets"]) == \
        certify(framework.certification, steps=STEPS, titles=titles,
                competencies=framework.competencies, **person)


def test_the_certifier_serves_many_trainees_without_mixing_them(framework, titles):
    certifier = Certifier(_rules(REVIEWED, QUIZ), STEPS, titles, framework.competencies)
    passed = certifier([ALL_4], [], quiz_record([quiz(1, 95)]), [])
    blank = certifier([], [], QuizRecord(), [])
    again = certifier([ALL_4], [], quiz_record([quiz(1, 95)]), [])
    assert passed.certified and again == passed and not blank.certified
