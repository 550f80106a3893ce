"""Qualifying an opportunity: what the stakeholder map already answers, the score against the
content's weights, its groups in both groupings, the verdict with the questions behind it, and
the litmus test against the evidence - plus the invariants the forecast rests on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kamkit.frameworks import default_framework
from kamkit.models import PeerLink, Stakeholder, StakeholderMapDoc, TeamMember
from kamkit.opportunity import ANSWERS, OpportunitiesDoc, Opportunity
from kamkit.scoring.forecast import forecast
from kamkit.scoring.qualification import (
    implied_litmus,
    involved,
    litmus_gap,
    prefills,
    qualify,
    suggested_verdict,
)

FW = default_framework()
QUESTIONS = [q.id for q in FW.qualification.questions]
TEXT = {q.id: q.text for q in FW.qualification.questions}
WEIGHT = {q.id: q.weight for q in FW.qualification.questions}
CREDIT = FW.qualification.credit
TODAY = dt.date(2026, 11, 23)
ME = TeamMember(id="me", name="Me", role="account manager")


def person(pid: str, influence: int | None = 3, support: int | None = 0,
           role: str | None = None, needs: str = "", wants: str = "") -> Stakeholder:
    return Stakeholder(id=pid, name=pid.capitalize() + " Person", influence=influence,
                       support=support, role=role, needs=needs, wants=wants)


def smap(*people: Stakeholder, links: dict[str, int] | None = None) -> StakeholderMapDoc:
    """A map of `people`, with a link of ours at the given peer level to each in `links`."""
    return StakeholderMapDoc(people=list(people), team=[ME], links=[
        PeerLink(ours="me", theirs=pid, today=level) for pid, level in (links or {}).items()])


def opp(people: tuple[str, ...] = (), **answers: Any) -> Opportunity:
    """An opportunity with the people picked and answers given: "yes", or ("yes", how, words)."""
    given_ = {}
    for qid, a in answers.items():
        answer, how, words = (a, "", False) if isinstance(a, str) or a is None else a
        given_[qid] = {"answer": answer, "how": how, "customer_words": words}
    return Opportunity.model_validate({"id": "o1", "name": "Fleet renewal",
                                       "people": list(people), "answers": given_})


def every(answer: str, **others: Any) -> dict[str, Any]:
    return {**dict.fromkeys(QUESTIONS, answer), **others}


def item(result, qid: str):
    return next(i for i in result.items if i.id == qid)


# -- what the map already knows ----------------------------------------------------------------

def test_every_decision_influencer_with_a_meaningful_contact_is_coverage(framework):
    """Are we talking to every decision-influencer when each high-influence person and each
    decision maker has a working contact of ours?"""
    doc = smap(person("ceo", 5), person("buyer", 2, role="decision maker"), person("user", 1),
               links={"ceo": 2, "buyer": 3})
    answer, why = prefills(opp(), doc, framework)["influencers"]
    assert answer == "yes"
    assert "2 of 2 decision-influencers" in why and "(not:" not in why


def test_some_decision_influencers_uncovered_is_partly_and_names_them(framework):
    """A vendor-level contact is not meaningful: is the CFO named as the one we miss?"""
    doc = smap(person("ceo", 5), person("cfo", 4), links={"ceo": 3, "cfo": 1})
    answer, why = prefills(opp(), doc, framework)["influencers"]
    assert answer == "partly"
    assert "1 of 2 decision-influencers" in why and "(not: Cfo Person)" in why


def test_no_decision_influencer_covered_is_a_no(framework):
    doc = smap(person("ceo", 5), person("cfo", 4), person("user", 1), links={"user": 4})
    answer, why = prefills(opp(), doc, framework)["influencers"]
    assert answer == "no"
    assert "0 of 2" in why and "Ceo Person, Cfo Person" in why


def test_no_decision_influencer_identified_is_unknown_not_a_pass(framework):
    """Does a map of people with little influence and no decision maker leave coverage open?"""
    doc = smap(person("a", 3), person("b", None, role="user"), links={"a": 4, "b": 4})
    answer, why = prefills(opp(), doc, framework)["influencers"]
    assert answer == "unknown"
    assert "no decision-influencer identified" in why


@pytest.mark.parametrize("supports, answer", [
    ((2, 1), "yes"),           # every high-influence person supports us
    ((2, -1), "partly"),       # supporters and an opponent
    ((1, None), "partly"),     # a supporter, and one whose support nobody knows
    ((-2, 0), "no"),           # an opponent, no supporter
    ((-1, None), "no"),        # an opponent; the unknown cannot make it a yes
    ((0, 0), "no"),            # all neutral: no preference expressed
    ((None, None), "unknown"),  # nobody rated
])
def test_preference_weighs_supporters_against_opponents_with_power(framework, supports, answer):
    """Has a preference for us been expressed by the people with influence?"""
    doc = smap(person("ceo", 5, supports[0]), person("cfo", 4, supports[1]))
    assert prefills(opp(), doc, framework)["preference"][0] == answer


def test_friends_without_power_are_no_preference(framework):
    """Do low-influence supporters count? Said by the people with influence, not by our
    friends alone."""
    doc = smap(person("ceo", 5, 0), person("fan", 2, 2), person("user", 1, 2))
    answer, why = prefills(opp(), doc, framework)["preference"]
    assert answer == "no"
    assert "of the 1 high-influence people" in why and "0 support us and 0 oppose us" in why


def test_unrated_people_with_power_are_named_in_the_preference(framework):
    doc = smap(person("ceo", 5, 2), Stakeholder(id="cfo", title="new CFO", placeholder=True,
                                                influence=5))
    answer, why = prefills(opp(), doc, framework)["preference"]
    assert answer == "partly"
    assert "1 supports us and 0 oppose us" in why
    assert "(1 not rated: new CFO (placeholder))" in why


def test_no_high_influence_person_leaves_the_preference_unknown(framework):
    doc = smap(person("a", 3, 2), person("b", 2, 1))
    assert prefills(opp(), doc, framework)["preference"][0] == "unknown"


def test_the_people_missing_needs_and_wants_are_named(framework):
    """Is a person with only wants written down known? And are the others named?"""
    doc = smap(person("ceo", 5, needs="Lower cost per km"), person("cfo", 4, wants="A quiet year"),
               person("ops", 3), person("it", 2))
    answer, why = prefills(opp(), doc, framework)["needs_known"]
    assert answer == "partly"
    assert why == "your stakeholder map: needs and wants not yet known for Ops Person, It Person"


def test_needs_known_for_everyone_is_a_yes_and_for_nobody_a_no(framework):
    known = smap(person("ceo", 5, needs="Uptime"), person("cfo", 4, wants="Credit"))
    unknown = smap(person("ceo", 5), person("cfo", 4))
    assert prefills(opp(), known, framework)["needs_known"][0] == "yes"
    assert prefills(opp(), unknown, framework)["needs_known"][0] == "no"


def test_with_nobody_picked_the_whole_map_stands_in_and_says_so(framework):
    doc = smap(person("ceo", 5, 2, needs="Uptime"), person("it", 4, -2))
    whole = prefills(opp(), doc, framework)
    assert all("your whole map (nobody picked yet)" in why
               for qid, (_, why) in whole.items() if qid != "needs_known")
    assert whole["preference"][0] == "partly"
    picked = prefills(opp(people=("ceo",)), doc, framework)
    assert picked["preference"] == (
        "yes", "your stakeholder map: of the 1 high-influence people among the people in this "
               "decision, 1 supports us and 0 oppose us")
    assert picked["needs_known"][0] == "yes"  # the IT head is not in this decision


def test_an_empty_map_pre_fills_nothing(framework):
    assert prefills(opp(), StakeholderMapDoc(), framework) == {}


# -- answers and the score ---------------------------------------------------------------------

def test_a_trainees_answer_overrides_the_pre_fill(framework):
    """The map says every influencer is covered; the trainee knows better."""
    doc = smap(person("ceo", 5, 2), links={"ceo": 4})
    known = prefills(opp(), doc, framework)
    assert known["influencers"][0] == "yes"
    result = qualify(opp(influencers=("no", "The CEO delegates to a board we never met", False)),
                     framework, known)
    influencers = item(result, "influencers")
    assert (influencers.answer, influencers.prefilled, influencers.points) == ("no", None, 0)
    assert influencers.how == "The CEO delegates to a board we never met"
    # and where the trainee has not answered, the map's answer counts - and says where from
    preference = item(result, "preference")
    assert preference.answer == "yes" and preference.points == 12
    assert preference.prefilled.startswith("your stakeholder map:")


def test_a_trainees_dont_know_overrides_a_hopeful_pre_fill(framework):
    known = {"preference": ("yes", "your stakeholder map: ...")}
    result = qualify(opp(preference="unknown"), framework, known)
    assert item(result, "preference").points == 0 and item(result, "preference").unknown


def test_an_answer_with_only_how_we_know_is_not_an_answer(framework):
    """A note written, no answer chosen: does the pre-fill still count?"""
    known = {"needs_known": ("partly", "your stakeholder map: ...")}
    result = qualify(opp(needs_known=(None, "asked around", False)), framework, known)
    assert item(result, "needs_known").answer == "partly"
    assert item(result, "needs_known").points == 5


def test_nothing_answered_scores_zero_and_every_question_is_a_gap(framework):
    result = qualify(opp(), framework)
    assert result.score == 0 and result.answered == 0
    assert [i.id for i in result.unknown] == QUESTIONS


def test_dont_know_earns_nothing_and_is_listed_as_unknown(framework):
    """Is "don't know" ever a pass?"""
    result = qualify(opp(**every("yes", budget="unknown")), framework)
    assert result.score == 90
    assert [i.id for i in result.unknown] == ["budget"]
    assert item(result, "budget").points == 0 and result.answered == 10
    assert result.groups[0].status == "?"  # not "+": the opportunity group is not proven
    meddpicc = qualify(opp(**every(("yes", "", True), budget="unknown")), framework,
                       grouping="meddpicc")
    assert {g.id: g.status for g in meddpicc.groups}["economic_buyer"] == "red"


def test_the_score_is_the_sum_of_weight_times_credit(framework):
    """budget yes 10, decision process partly 5, unique partly 6, worth no 0: 21."""
    result = qualify(opp(budget="yes", decision_process="partly", unique="partly", worth="no"),
                     framework)
    assert result.score == 21
    assert [(i.id, i.points) for i in result.items if i.answer] == [
        ("budget", 10), ("decision_process", 5), ("unique", 6), ("worth", 0)]
    assert result.score == sum(WEIGHT[q] * CREDIT[a] for q, a in (
        ("budget", "yes"), ("decision_process", "partly"), ("unique", "partly"), ("worth", "no")))


def test_every_yes_scores_100_and_every_partly_50(framework):
    assert qualify(opp(**every("yes")), framework).score == 100
    assert qualify(opp(**every("partly")), framework).score == 50
    assert qualify(opp(**every("no")), framework).score == 0


def test_the_gaps_leave_most_points_first(framework):
    result = qualify(opp(**every("yes", worth="partly", preference="no", budget="unknown")),
                     framework)
    assert [(i.id, i.lost) for i in result.gaps] == [("preference", 12), ("budget", 10),
                                                     ("worth", 4)]


# -- the groups ----------------------------------------------------------------------------------

def test_the_four_questions_add_up_by_group(framework):
    result = qualify(opp(**every("yes", budget="partly", influencers="no")), framework)
    assert result.style == "signs"
    assert [(g.id, g.points, g.weight) for g in result.groups] == [
        ("opportunity", 23, 28), ("compete", 28, 40), ("win", 24, 24), ("worth", 8, 8)]


@pytest.mark.parametrize("answers, sign", [
    ({"decision_aware": "yes", "budget": "yes", "decision_process": "yes"}, "+"),
    ({"decision_aware": "yes", "budget": "partly", "decision_process": "yes"}, "?"),
    ({"decision_aware": "yes", "budget": "yes", "decision_process": "unknown"}, "?"),
    ({"decision_aware": "yes", "budget": "yes"}, "?"),  # one not answered
    ({"decision_aware": "yes", "budget": "no", "decision_process": "unknown"}, "−"),
])
def test_is_there_an_opportunity_answered_plus_question_mark_or_minus(framework, answers, sign):
    result = qualify(opp(**answers), framework)
    assert result.groups[0].id == "opportunity" and result.groups[0].status == sign


@pytest.mark.parametrize("budget, influencers, rag", [
    (("yes", "“Approved in May” - CFO", True), ("yes", "“You see all of us” - CEO", True),
     "green"),
    (("yes", "“Approved in May” - CFO", True), ("yes", "We think so", False), "amber"),
    (("yes", "", True), ("partly", "", True), "amber"),
    (("yes", "", True), ("unknown", "", True), "red"),
    (("no", "", True), ("yes", "", True), "red"),
    (("yes", "", True), None, "red"),
])
def test_meddpicc_is_green_only_on_the_customers_own_words(framework, budget, influencers, rag):
    """Economic buyer holds the budget and influencers questions: is a yes in our words green?"""
    result = qualify(opp(budget=budget, influencers=influencers), framework,
                     grouping="meddpicc")
    assert result.style == "rag"
    assert {g.id: g.status for g in result.groups}["economic_buyer"] == rag


def test_a_pre_filled_yes_is_never_the_customers_words(framework):
    known = {"influencers": ("yes", "your stakeholder map: 2 of 2 ...")}
    result = qualify(opp(budget=("yes", "“Approved”", True)), framework, known,
                     grouping="meddpicc")
    assert {g.id: g.status for g in result.groups}["economic_buyer"] == "amber"


def test_both_groupings_hold_every_question_once(framework):
    for grouping in ("four_questions", "meddpicc"):
        result = qualify(opp(**every("yes")), framework, grouping=grouping)
        assert sorted(i.id for g in result.groups for i in g.questions) == sorted(QUESTIONS)
        assert sum(g.weight for g in result.groups) == 100


# -- the verdict ---------------------------------------------------------------------------------

def test_a_no_on_a_must_have_qualifies_out_whatever_the_score(framework):
    """Everything else yes - 92 points - but it is not worth winning."""
    result = qualify(opp(**every("yes", worth="no")), framework)
    assert result.score == 92
    verdict, reasons = suggested_verdict(result, framework.qualification)
    assert verdict == "qualify_out"
    assert reasons == [f"“No” to a question that must be yes: {TEXT['worth']}"]


def test_every_must_have_said_no_is_a_reason(framework):
    result = qualify(opp(**every("yes", budget="no", decision_aware="no")), framework)
    verdict, reasons = suggested_verdict(result, framework.qualification)
    assert verdict == "qualify_out"
    assert [r.split(": ", 1)[1] for r in reasons] == [TEXT["decision_aware"], TEXT["budget"]]


def test_below_the_qualify_out_line_the_answers_qualify_out(framework):
    """Must-haves only partly, everything else no: 13 points."""
    result = qualify(opp(**every("no", decision_aware="partly", budget="partly",
                                 worth="partly")), framework)
    assert result.score == 13
    verdict, reasons = suggested_verdict(result, framework.qualification)
    assert verdict == "qualify_out"
    assert reasons[0] == ("The answers score 13 of 100, below 35: on this evidence we would "
                          "not win.")
    assert reasons[1:] == [f"No: {TEXT[q]}" for q in ("influencers", "unique", "preference")]


def test_at_the_qualify_out_line_the_gaps_are_to_be_fixed(framework):
    """35 exactly is not below 35."""
    result = qualify(opp(**every("no", decision_aware="partly", budget="partly",
                                 worth="partly", influencers="yes", decision_process="yes")),
                     framework)
    assert result.score == 35
    assert suggested_verdict(result, framework.qualification)[0] == "fix_gaps"


def test_too_many_unknowns_means_fix_the_gaps_first_even_with_a_high_score(framework):
    """80 points, but three questions are "don't know" or unanswered."""
    answers = every("yes", buying_process="unknown", can_meet="unknown")
    del answers["decision_process"]
    result = qualify(opp(**answers), framework)
    assert result.score == 72
    verdict, reasons = suggested_verdict(result, framework.qualification)
    assert verdict == "fix_gaps"
    assert reasons[0] == ("3 questions are “don't know” or unanswered: find out before "
                          "investing more.")
    assert set(reasons[1:]) == {f"Don't know: {TEXT['buying_process']}",
                                f"Don't know: {TEXT['can_meet']}",
                                f"Not answered: {TEXT['decision_process']}"}


def test_two_unknowns_are_allowed_when_pursuing(framework):
    result = qualify(opp(**every("yes", buying_process="unknown", can_meet="unknown")),
                     framework)
    assert result.score == 82
    assert suggested_verdict(result, framework.qualification)[0] == "pursue"


def test_a_must_have_not_known_is_a_gap_to_close_never_a_pursuit(framework):
    """Everything yes but the budget, not known: 90 points, and still find out first."""
    result = qualify(opp(**every("yes", budget="unknown")), framework)
    assert result.score == 90
    verdict, reasons = suggested_verdict(result, framework.qualification)
    assert verdict == "fix_gaps"
    assert reasons == [f"Not known yet, and it must be yes: {TEXT['budget']}"]


def test_nothing_answered_calls_for_finding_out_not_for_walking_away(framework):
    verdict, reasons = suggested_verdict(qualify(opp(), framework), framework.qualification)
    assert verdict == "fix_gaps"
    assert reasons[-1] == "10 questions in all are “don't know” or unanswered."


def test_pursue_from_the_line_with_the_yeses_that_carry_it(framework):
    """Unique and influencers no, preference partly, needs partly: 65 exactly."""
    result = qualify(opp(**every("yes", unique="no", influencers="no", preference="partly",
                                 needs_known="partly")), framework)
    assert result.score == 65
    verdict, reasons = suggested_verdict(result, framework.qualification)
    assert verdict == "pursue"
    assert reasons == ["The answers score 65 of 100 (pursue from 65).",
                       *(f"Yes: {TEXT[q]}" for q in ("decision_aware", "budget",
                                                     "decision_process"))]


def test_between_the_lines_the_gaps_are_named(framework):
    result = qualify(opp(**every("yes", unique="no", influencers="no", preference="no",
                                 needs_known="partly")), framework)
    assert result.score == 59
    verdict, reasons = suggested_verdict(result, framework.qualification)
    assert verdict == "fix_gaps"
    assert reasons == ["The answers score 59 of 100: a real chance, with gaps to close before 65.",
                       *(f"No: {TEXT[q]}" for q in ("influencers", "unique", "preference"))]


# -- the litmus test -------------------------------------------------------------------------------

@pytest.mark.parametrize("score, implied", [(100, "yes"), (65, "yes"), (64.9, "partly"),
                                            (35, "partly"), (34.9, "no"), (0, "no")])
def test_the_litmus_answer_the_evidence_supports(framework, score, implied):
    assert implied_litmus(score, framework.qualification.verdict) == implied


@pytest.mark.parametrize("litmus, answers, gap", [
    ("yes", {"decision_aware": "yes", "budget": "partly"}, 87),   # 100 - 13: hope
    ("partly", every("yes", unique="no", needs_known="partly"), -33),  # 50 - 83
    ("no", {}, 0),
    ("unknown", every("yes"), None),
    (None, every("yes"), None),
])
def test_the_litmus_gap_is_the_litmus_minus_the_score(framework, litmus, answers, gap):
    """Is the trainee more hopeful than the answers - and is "don't know" no gap at all?"""
    data = opp(**answers).model_dump()
    subject = Opportunity.model_validate({**data, "litmus": litmus})
    result = qualify(subject, framework)
    assert litmus_gap(subject, result, framework.qualification) == gap


# -- invariants ------------------------------------------------------------------------------

ANSWER_OR_NONE = st.sampled_from([*ANSWERS, None])
ANSWER_SETS = st.fixed_dictionaries({q: ANSWER_OR_NONE for q in QUESTIONS})
KNOWN = st.dictionaries(st.sampled_from(["influencers", "preference", "needs_known"]),
                        st.sampled_from(ANSWERS).map(lambda a: (a, "your stakeholder map")))


@settings(max_examples=200, deadline=None)  # a loaded machine is not a failure
@given(ANSWER_SETS, KNOWN)
def test_the_score_is_always_between_0_and_100(answers, known):
    result = qualify(opp(**answers), FW, known)
    assert 0 <= result.score <= 100
    assert result.score == pytest.approx(sum(g.points for g in result.groups))


@settings(max_examples=200, deadline=None)  # a loaded machine is not a failure
@given(ANSWER_SETS, KNOWN, st.sampled_from(QUESTIONS), st.sampled_from(ANSWERS))
def test_a_better_answer_always_raises_the_score(answers, known, qid, better):
    """Improving one answer - to one that earns more credit - never lowers the score, and
    strictly raises it."""
    before = qualify(opp(**answers), FW, known)
    now = item(before, qid).answer
    assume(CREDIT[better] > CREDIT[now or "unknown"])
    after = qualify(opp(**{**answers, qid: better}), FW, known)
    assert after.score > before.score
    assert after.score - before.score == pytest.approx(
        WEIGHT[qid] * (CREDIT[better] - CREDIT[now or "unknown"]))


STAGES = [None, *(s.id for s in FW.qualification.stages)]


@st.composite
def opportunity(draw, oid: str) -> dict[str, Any]:
    decision = draw(st.sampled_from([None, "pursue", "fix_gaps", "qualify_out"]))
    return {
        "id": oid, "name": f"Opportunity {oid}",
        "kind": draw(st.sampled_from(["renewal", "upsell", "cross_sell", "new"])),
        "value": draw(st.one_of(st.none(), st.floats(0, 1e9, allow_nan=False))),
        "decision_date": draw(st.one_of(st.none(), st.dates(dt.date(2024, 1, 1),
                                                            dt.date(2030, 12, 31)))),
        "stage": draw(st.sampled_from(STAGES)),
        "people": draw(st.lists(st.sampled_from(["ceo", "cfo", "it"]), unique=True)),
        "answers": {q: {"answer": a} for q, a in draw(ANSWER_SETS).items()},
        "decision": decision,
        "decision_reason": "No budget" if decision == "qualify_out" else "",
    }


@st.composite
def documents(draw) -> OpportunitiesDoc:
    n = draw(st.integers(0, 5))
    return OpportunitiesDoc.model_validate(
        {"opportunities": [draw(opportunity(f"o{i}")) for i in range(n)]})


MAP = smap(person("ceo", 5, 1, needs="Uptime"), person("cfo", 4, None),
           person("it", 4, -2, role="decision maker"), links={"ceo": 3, "it": 1})


@settings(max_examples=150, deadline=None)
@given(documents())
def test_the_forecast_never_exceeds_the_pipeline(doc):
    fc = forecast(doc, MAP, FW, TODAY)
    assert 0 <= fc.weighted <= fc.pipeline * (1 + 1e-12)
    assert fc.open_pipeline <= fc.pipeline


@settings(max_examples=150, deadline=None)
@given(documents())
def test_closed_and_qualified_out_opportunities_count_nothing_and_won_ones_in_full(doc):
    for row in forecast(doc, MAP, FW, TODAY).rows:
        if row.status in ("lost", "qualified out", "won before"):
            assert row.weighted == 0 and row.probability == 0
        elif row.status == "won":
            assert row.weighted == pytest.approx(row.value) and row.probability == 100
        else:
            assert 5 <= row.probability <= 90


@settings(max_examples=150, deadline=None)
@given(documents(), st.data())
def test_a_better_answer_on_an_open_opportunity_raises_the_weighted_forecast(doc, data):
    candidates = [(i, o) for i, o in enumerate(doc.opportunities)
                  if (o.value or 0) >= 1 and o.decision != "qualify_out"
                  and (FW.qualification.stage(o.stage) is None
                       or FW.qualification.stage(o.stage).closed is None)]
    assume(candidates)
    at, chosen = data.draw(st.sampled_from(candidates))
    before = forecast(doc, MAP, FW, TODAY)
    row = before.rows[at]
    result = qualify(chosen, FW, prefills(chosen, MAP, FW))
    better = [(i.id, a) for i in result.items for a in ANSWERS
              if CREDIT[a] > CREDIT[i.answer or "unknown"]]
    assume(better)
    qid, answer = data.draw(st.sampled_from(better))
    data_ = chosen.model_dump()
    data_["answers"][qid] = {"answer": answer}
    improved = Opportunity.model_validate(data_)
    opps = [*doc.opportunities[:at], improved, *doc.opportunities[at + 1:]]
    after = forecast(doc.model_copy(update={"opportunities": opps}), MAP, FW, TODAY)
    assert after.rows[at].weighted > row.weighted
    assert after.weighted > before.weighted


@settings(max_examples=150, deadline=None)
@given(documents())
def test_the_quarters_always_add_up_to_the_totals(doc):
    """Whatever the dates - past, within the horizon, later, none - is every row in a quarter
    the chart shows?"""
    fc = forecast(doc, MAP, FW, TODAY)
    table = fc.by_quarter()
    assert {r.quarter for r in fc.rows} <= set(fc.quarters)
    assert sum(r for _, r, _, _ in table) == pytest.approx(fc.retained)
    assert sum(i for _, _, i, _ in table) == pytest.approx(fc.incremental)
    assert sum(p for *_, p in table) == pytest.approx(fc.open_pipeline)


def test_people_picked_who_have_all_left_the_map_answer_nothing(framework):
    """Picked, then removed from the map: the map no longer knows this decision, and the whole
    map does not stand in for it."""
    people, picked = involved(opp(people=("gone",)), smap(person("ceo", 5, 1)))
    assert (people, picked) == ([], True)
    assert prefills(opp(people=("gone",)), smap(person("ceo", 5, 1)), framework) == {}


def test_an_unknown_grouping_is_a_content_error_naming_the_groupings(framework):
    from kamkit.errors import ContentError

    with pytest.raises(ContentError, match="no grouping 'nope' .*four_questions, meddpicc"):
        qualify(opp(), framework, grouping="nope")
