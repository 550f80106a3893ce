"""Step 4's document refuses what cannot be true, in words a trainee can read; the
qualification content refuses a broken file, naming the file and the field."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from kamkit.errors import ContentError, InvalidInput
from kamkit.frameworks import CONTENT_DIR, load_framework
from kamkit.models import parse
from kamkit.opportunity import OpportunitiesDoc, Opportunity, Outcome, PlannedContact


def refused(model: type, data: dict[str, Any]) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        parse(model, data)
    return err.value


def deal(**kw: Any) -> dict[str, Any]:
    return {"id": "o1", "name": "Fleet renewal", **kw}


def test_the_litmus_test_is_answered_before_it_is_locked():
    """Can the questions be opened before the litmus answer is given?"""
    assert str(refused(Opportunity, deal(litmus_locked=True))) == (
        "Answer the litmus test before the questions")
    assert parse(Opportunity, deal(litmus="unknown", litmus_locked=True)).litmus == "unknown"


@pytest.mark.parametrize("reason", ["", "   "])
def test_qualifying_out_needs_a_reason(reason):
    err = refused(Opportunity, deal(decision="qualify_out", decision_reason=reason))
    assert str(err) == "Say why you qualify out: the reason is the result"
    assert parse(Opportunity, deal(decision="fix_gaps")).decision_reason == ""


def test_a_person_is_in_an_opportunity_once():
    assert str(refused(Opportunity, deal(people=["p1", "p2", "p1"]))) == (
        "Each person once in an opportunity, please")


def test_two_opportunities_with_one_id_are_refused():
    err = refused(OpportunitiesDoc, {"opportunities": [deal(), deal(name="Sensors")]})
    assert str(err) == "Two opportunities share an id"


def test_an_outcome_for_an_opportunity_no_longer_listed_is_refused():
    err = refused(OpportunitiesDoc, {"opportunities": [deal()],
                                     "outcomes": [{"what": "Signed", "opportunity": "o2"}]})
    assert str(err) == "An outcome refers to an opportunity no longer in the list"
    assert parse(OpportunitiesDoc, {"outcomes": [{"what": "A sponsor"}]}).outcomes[0].opportunity \
        is None  # the account as a whole


@pytest.mark.parametrize("model, data, message", [
    (Opportunity, deal(value=-1), "Value must be at least 0 (got -1)"),
    (Opportunity, deal(value=float("inf")), "Value must be a real number, not infinity or NaN"),
    (Opportunity, deal(value=2e12), "Value must be at most 1e+12 (got 2e+12)"),
    (Opportunity, deal(crm_probability=120), "must be at most 100 (got 120)"),
    (Outcome, {"value": float("nan")}, "Value must be a real number, not infinity or NaN"),
    (Outcome, {"value": -0.01}, "Value must be at least 0"),
    (OpportunitiesDoc, {"estimate": 1e13}, "Estimate must be at most 1e+12"),
    (OpportunitiesDoc, {"estimate": float("-inf")}, "Estimate must be a real number"),
    (PlannedContact, {"kind": "meeting", "count": 0}, "Count must be at least 1 (got 0)"),
    (PlannedContact, {"kind": "meeting", "conversion_pct": 101}, "must be at most 100"),
])
def test_impossible_numbers_are_refused_in_words(model, data, message):
    """Negative, infinite, or a typing slip past a trillion: said plainly, field named."""
    err = refused(model, data)
    assert message in str(err)
    assert err.field == next(iter(k for k in data if k not in ("id", "name", "kind")))


@pytest.mark.parametrize("name, what", [("Fleet\nrenewal", "a line break"),
                                        ("Fleet\x1b[2Jrenewal", "a control character"),
                                        ("Fleet\x00", "a NUL character")])
def test_control_characters_in_a_name_are_refused(name, what):
    err = refused(Opportunity, deal(name=name))
    assert err.field == "name" and what in str(err)


def test_an_opportunity_id_is_a_plain_word():
    assert refused(Opportunity, deal(id="o 1")).field == "id"
    assert refused(Opportunity, {"id": "o1", "name": "  "}).field == "name"


# -- the content ---------------------------------------------------------------------------------

@pytest.fixture
def qualification_file(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder / "qualification.yaml"


def broken(path, old: str, new: str) -> ContentError:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_framework(path.parent)
    assert err.value.path == str(path)
    return err.value


def test_the_shipped_qualification_loads(framework):
    content = framework.qualification
    assert sum(q.weight for q in content.questions) == 100
    assert content.shown == "four_questions" and content.credit["unknown"] == 0
    assert {q.prefill for q in content.questions} == {None, "coverage", "preference", "needs"}


def test_question_weights_not_adding_up_to_100_are_refused(qualification_file):
    err = broken(qualification_file, "    weight: 8\n    groups: {four_questions: worth",
                 "    weight: 9\n    groups: {four_questions: worth")
    assert "question weights add up to 101, not 100" in str(err)


def test_dont_know_earning_credit_is_refused(qualification_file):
    """Could a trainer make "don't know" a pass?"""
    err = broken(qualification_file, "  unknown: 0.0 ", "  unknown: 0.2 ")
    assert "'unknown' earns no credit" in str(err)


def test_a_question_without_a_group_in_a_grouping_is_refused(qualification_file):
    err = broken(qualification_file, "groups: {four_questions: compete, meddpicc: economic_buyer}",
                 "groups: {four_questions: compete}")
    assert "question 'influencers' needs a group of grouping 'meddpicc'" in str(err)


def test_a_question_in_a_group_the_grouping_lacks_is_refused(qualification_file):
    err = broken(qualification_file, "groups: {four_questions: compete, meddpicc: economic_buyer}",
                 "groups: {four_questions: compete, meddpicc: budget}")
    assert "question 'influencers' needs a group of grouping 'meddpicc'" in str(err)


def test_an_empty_group_is_refused(qualification_file):
    err = broken(qualification_file, "groups: {four_questions: worth, meddpicc: metrics}",
                 "groups: {four_questions: win, meddpicc: metrics}")
    assert "group(s) of 'four_questions' with no question: worth" in str(err)


def test_a_must_have_naming_no_question_is_refused(qualification_file):
    err = broken(qualification_file, "must_have: [decision_aware, budget, worth]",
                 "must_have: [decision_aware, budgets]")
    assert "verdict.must_have names unknown questions: ['budgets']" in str(err)


@pytest.mark.parametrize("floor", ["90", "95"])
def test_a_forecast_floor_at_or_above_the_ceiling_is_refused(qualification_file, floor):
    err = broken(qualification_file, "  floor: 5\n", f"  floor: {floor}\n")
    assert err.field == "forecast" and "floor must be below ceiling" in str(err)


def test_a_qualify_out_line_above_the_pursue_line_is_refused(qualification_file):
    err = broken(qualification_file, "qualify_out_below: 35", "qualify_out_below: 70")
    assert "qualify_out_below must not exceed pursue_from" in str(err)


def test_a_grouping_shown_that_does_not_exist_is_refused(qualification_file):
    err = broken(qualification_file, "shown: four_questions", "shown: five_questions")
    assert "shown: no grouping 'five_questions'" in str(err)
