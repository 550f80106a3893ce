"""The relationship score: evidence, weighted; unknown scores nothing; old evidence fades;
the feeling comes first and is kept; assessments repeat over time."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamkit.demo import sample_map, sample_profile, sample_relationship
from kamkit.errors import InvalidInput
from kamkit.frameworks import default_framework
from kamkit.models import Assessment, ProfileDoc, RelationshipDoc
from kamkit.scoring.relationship import (
    biggest_changes,
    feeling_gap,
    lock_feeling,
    new_assessment,
    placement_score,
    prefills,
    rated_weight,
    relationship_score,
    shown_score,
    trend,
)

IDS = [i.id for i in default_framework().relationship.indicators]


def _doc(today: dt.date, evidence: str = "seen it", **levels: int) -> Assessment:
    return Assessment(ratings={k: {"level": v, "evidence": evidence, "as_of": today}
                               for k, v in levels.items()})


def test_nothing_answered_has_no_score(framework, today):
    result = relationship_score(RelationshipDoc(gut_feeling=80), framework, today)
    assert result.score is None and len(result.unknown) == 9


def test_weights_from_content_make_the_score(framework, today):
    # prompt payment weighs 10: level 2 of 4 earns 5; plan sharing weighs 14: level 4 earns 14
    result = relationship_score(_doc(today, prompt_payment=2, plan_sharing=4), framework, today)
    assert result.score == 19
    assert [i.name for i in result.carriers] == ["They share their business plans with us",
                                                 "They pay us promptly"]


def test_top_level_everywhere_is_100_and_integrated(framework, today):
    result = relationship_score(_doc(today, **dict.fromkeys(IDS, 4)), framework, today)
    assert result.score == 100 and result.stage == "Integrated"


@pytest.mark.parametrize("score, stage", [(0, "Exploratory"), (19.9, "Exploratory"),
                                          (20, "Basic"), (40, "Cooperative"),
                                          (59.9, "Cooperative"), (60, "Interdependent"),
                                          (80, "Integrated"), (100, "Integrated")])
def test_stage_bands_at_each_boundary(framework, score, stage):
    assert framework.relationship.stage_for(score) == stage


def test_an_unknown_indicator_counts_as_nothing_and_is_listed(framework, today):
    result = relationship_score(_doc(today, prompt_payment=4), framework, today)
    assert result.score == 10
    assert "They pay us promptly" not in result.unknown and len(result.unknown) == 8


def test_a_level_without_evidence_is_unproven_and_shown_so(framework, today):
    doc = Assessment(ratings={"testimonial": {"level": 4}, "retention": {"level": 2,
                                                                         "evidence": "CRM"}})
    result = relationship_score(doc, framework, today)
    assert result.unproven == ["A top-level testimonial or reference is given"]
    assert result.score == 8 + 5  # unproven still counts; it is flagged, not hidden


def test_stale_evidence_counts_half(framework, today):
    old = today - dt.timedelta(days=framework.relationship.stale_after_days + 1)
    doc = Assessment(ratings={"prompt_payment": {"level": 4, "evidence": "x", "as_of": old}})
    result = relationship_score(doc, framework, today)
    assert result.score == 5 and result.items[0].stale


def test_earlier_steps_prefill_share_of_wallet_and_peer_coverage(framework, today):
    known = prefills(framework, sample_profile(today), sample_map(today))
    assert known["share_of_wallet"] == (1, "your profile: share of wallet 27 %")
    assert known["peer_contact"][0] == 1 and "stakeholder map" in known["peer_contact"][1]
    empty = relationship_score(Assessment(), framework, today, known)
    sow = next(i for i in empty.items if i.id == "share_of_wallet")
    assert (sow.level, sow.prefilled) == (1, "your profile: share of wallet 27 %")
    rated = relationship_score(_doc(today, share_of_wallet=3), framework, today, known)
    assert next(i for i in rated.items if i.id == "share_of_wallet").prefilled is None


def test_no_facts_no_prefill(framework):
    assert prefills(framework, ProfileDoc(), None) == {}


def test_the_feeling_must_come_first_and_is_then_locked(framework):
    with pytest.raises(InvalidInput, match="Record your gut feeling first"):
        lock_feeling(RelationshipDoc())
    with pytest.raises(InvalidInput, match="why you feel that way"):
        lock_feeling(RelationshipDoc(gut_feeling=70, feeling_reason="  "))
    locked = lock_feeling(RelationshipDoc(gut_feeling=70, feeling_reason="They call us first"))
    assert locked.feeling_locked
    with pytest.raises(ValueError, match="before looking at the evidence"):
        RelationshipDoc(feeling_locked=True)


def test_a_large_gap_between_feeling_and_evidence_gets_a_coaching_prompt(framework):
    gap, sentence, prompt = feeling_gap(80, 46.5, framework)
    assert gap == 33 and "33 points of optimism" in sentence and prompt
    assert feeling_gap(50, 45, framework)[2] is None
    assert "more cautious" in feeling_gap(20, 60, framework)[1]


def test_a_new_assessment_keeps_the_old_one_read_only_and_in_order(framework, today):
    doc = sample_relationship(today)
    known = prefills(framework, sample_profile(today), sample_map(today))
    before = trend(doc, framework, known, today)
    later = today + dt.timedelta(days=90)
    fresh = new_assessment(doc, known, later)
    assert fresh.gut_feeling is None and not fresh.feeling_locked
    assert {i: r.level for i, r in fresh.ratings.items()} == {  # the last evidence, dated
        i: r.level for i, r in doc.ratings.items()}
    assert [a.started_on for a in fresh.history] == sorted(a.started_on for a in fresh.history)
    after = trend(fresh, framework, known, today)
    assert [row[1:] for row in after] == [row[1:] for row in before]  # closed: unchanged...
    begun = fresh.model_copy(update={"gut_feeling": 65})
    assert len(trend(begun, framework, known, today)) == len(before) + 1  # ...new once begun


def test_the_indicators_that_changed_most(framework, today):
    doc = sample_relationship(today)
    changes = biggest_changes(doc.history[-1], doc, framework, today=today)
    assert len(changes) == 3 and all(delta > 0 for _, delta in changes)


levels = st.one_of(st.none(), st.integers(0, 4))


@given(ratings=st.fixed_dictionaries({i: levels for i in IDS}), which=st.sampled_from(IDS),
       up=st.integers(0, 4))
def test_raising_any_indicator_never_lowers_the_score(ratings, which, up):
    fw, today = default_framework(), dt.date(2026, 11, 23)
    rated = {k: v for k, v in ratings.items() if v is not None}
    before = relationship_score(_doc(today, **rated), fw, today).score or 0
    raised = {**rated, which: max(rated.get(which, 0), up)}
    after = relationship_score(_doc(today, **raised), fw, today).score or 0
    assert after >= before
    assert 0 <= after <= 100


@given(k=st.integers(0, 4))
def test_equal_weights_and_all_at_level_k_give_k_quarters(k):
    fw = default_framework()
    equal = fw.model_copy(update={"relationship": fw.relationship.model_copy(update={
        "indicators": tuple(i.model_copy(update={"weight": 100 / len(IDS)})
                            for i in fw.relationship.indicators)})})
    today = dt.date(2026, 11, 23)
    assert relationship_score(_doc(today, **dict.fromkeys(IDS, k)), equal,
                              today).score == pytest.approx(k / 4 * 100)


def test_an_indicator_appears_once_in_the_plan():
    from kamkit.models import parse

    with pytest.raises(InvalidInput, match="Each indicator once in the plan"):
        parse(RelationshipDoc, {"plan": [{"indicator": "testimonial"},
                                         {"indicator": "testimonial"}]})


def test_placement_uses_no_score_made_of_prefills_alone():
    """Segmentation's relationship strength: the trainee's own rating until step 3 is begun."""
    fw = default_framework()
    profile = ProfileDoc(total_category_spend=1000, spend_with_us=900)  # a pre-fill of level 4
    assert placement_score(RelationshipDoc(), fw, profile, None) is None


def test_the_shown_score_starts_once_the_step_is_begun():
    fw, today = default_framework(), dt.date(2026, 11, 23)
    profile = ProfileDoc(total_category_spend=1000, spend_with_us=900)
    assert shown_score(RelationshipDoc(), fw, profile, None, today) is None
    begun = RelationshipDoc(gut_feeling=60)
    seen = relationship_score(begun, fw, today, prefills(fw, profile, None)).score
    assert seen and shown_score(begun, fw, profile, None, today) == seen


def test_a_feeling_and_pre_fills_do_not_move_the_account_on_the_matrix():
    """The trainee's own 'relationship strength' rating stands until they have rated half the
    evidence's weight themselves (content: placement_from) - then the evidence decides."""
    fw, today = default_framework(), dt.date(2026, 11, 23)
    profile = ProfileDoc(total_category_spend=1000, spend_with_us=900)
    begun = RelationshipDoc(gut_feeling=60, ratings={"retention": {"level": 1}})
    assert rated_weight(begun, fw) == 10
    assert placement_score(begun, fw, profile, None, today) is None
    ids = [i.id for i in fw.relationship.indicators]
    half = {i: {"level": 2, "evidence": "seen"} for i in ids[:5]}  # 10+12+14+8+14 = 58
    assessed = RelationshipDoc(gut_feeling=60, ratings=half)
    assert rated_weight(assessed, fw) == 58 >= fw.relationship.placement_from
    assert placement_score(assessed, fw, profile, None, today) == shown_score(
        assessed, fw, profile, None, today)


def test_the_arrow_says_how_the_score_moved_since_the_last_assessment(framework, today):
    from kamkit.models import RelationshipDoc
    from kamkit.scoring.relationship import since_last

    earlier = {"started_on": today, "gut_feeling": 50, "feeling_locked": True,
               "ratings": {i.id: {"level": 2, "evidence": "x"}
                           for i in framework.relationship.indicators}}
    doc = RelationshipDoc(history=[earlier])
    assert since_last(doc, framework, 70.0, today) == ("↑", 50)
    assert since_last(doc, framework, 30.0, today) == ("↓", 50)
    assert since_last(doc, framework, 50.0, today) == ("→", 50)
    assert since_last(RelationshipDoc(), framework, 70.0, today) is None
    assert since_last(doc, framework, None, today) is None


def test_a_level_the_trainee_is_not_sure_of_is_named_to_check_first(framework, today):
    from kamkit.steps.relationship import breakdown_html

    doc = RelationshipDoc(gut_feeling=50, ratings={
        "retention": {"level": 3, "evidence": "Renewed", "confident": False},
        "testimonial": {"level": 2, "evidence": "Quote"}})
    result = relationship_score(doc, framework, today)
    assert result.unsure == ["Retention - years as a customer, renewals won"]
    assert "not sure of these - check them first: Retention" in breakdown_html(result)
