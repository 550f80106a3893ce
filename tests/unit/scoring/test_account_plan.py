"""Step 5's rules: the customer goals a plan serves, actions read where they were written, KPIs,
the white space, the value case, the account team against the account's purpose, a plan alive
or stale - and the QBRs as relationship evidence for step 3."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamkit.account_plan import AccountPlanDoc, Kpi
from kamkit.frameworks import default_framework
from kamkit.models import ProfileDoc, RelationshipDoc, StakeholderMapDoc
from kamkit.scoring.account_plan import (
    FINDING_IDS,
    QBR_PREFILLS,
    Portfolio,
    customer_goals,
    is_stale,
    kpi_state,
    on_track,
    plan_actions,
    plan_findings,
    qbr_evidence,
    team_findings,
    value_case,
    white_space_sum,
)
from kamkit.steps import Docs

FW = default_framework()
TODAY = dt.date(2026, 11, 23)
PROFILE = ProfileDoc(strategy="Double revenue in five years\nthrough the US market",
                     pressures=["Hospital buyers squeezing prices", "Too few validation engineers"],
                     changes=["A new CFO"], spend_with_us=800_000)
MAP = StakeholderMapDoc.model_validate({
    "people": [{"id": "ceo", "name": "Henrik Aas", "level": "board"},
               {"id": "cfo", "name": "Ingrid Sæther", "level": "executive"},
               {"id": "qa", "name": "Lena Holt", "level": "manager",
                "action": "Ask Lena for the Brno timeline", "action_owner": "You",
                "action_due": "2026-11-01"}],
    "team": [{"id": "you", "name": "You", "role": "account manager"},
             {"id": "sofie", "name": "Sofie Lind", "role": "sponsor"},
             {"id": "jonas", "name": "Jonas Berg", "role": "team member"}]})
REL = RelationshipDoc.model_validate({"plan": [
    {"indicator": "business_reviews", "action": "Hold a first QBR", "owner": "", "due": None}]})


def day(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def plan(**data: Any) -> AccountPlanDoc:
    return AccountPlanDoc.model_validate(data)


def objective(oid: str = "b1", serves: list[str] | None = None, **more: Any) -> dict[str, Any]:
    return {"id": oid, "title": f"Objective {oid}", "kind": "revenue",
            "serves": serves or [], **more}


def found(doc: AccountPlanDoc, profile: ProfileDoc = PROFILE, smap: StakeholderMapDoc = MAP,
          rel: RelationshipDoc = REL, purpose: str | None = None,
          portfolio: Portfolio | None = None) -> dict[str, Any]:
    out = plan_findings(doc, profile, smap, rel, purpose, FW, TODAY, portfolio)
    assert {f.id for f in out} <= set(FINDING_IDS)
    return {f.id: f for f in out}


# -- customer goals --------------------------------------------------------------------------------

def test_customer_goals_are_the_strategys_first_line_then_pressures_and_changes():
    assert customer_goals(PROFILE) == ["Double revenue in five years",
                                       "Hospital buyers squeezing prices",
                                       "Too few validation engineers", "A new CFO"]


def test_a_profile_without_a_strategy_has_only_its_pressures_and_changes_as_goals():
    assert customer_goals(ProfileDoc(pressures=["Costs"], changes=["Energy"])) == ["Costs",
                                                                                  "Energy"]
    assert customer_goals(ProfileDoc()) == []


def test_a_goal_written_as_a_pressure_and_a_change_is_one_goal():
    assert customer_goals(ProfileDoc(pressures=["Costs"], changes=["Costs"])) == ["Costs"]


def test_an_objective_serving_no_customer_goal_is_flagged():
    got = found(plan(objectives=[objective("b1", ["Our sales target"]),
                                 objective("b2", ["A new CFO"])]))
    assert got["objective_serves_no_goal"].items == ("Objective b1",)
    assert got["goal_gone"].items == ("Our sales target",)  # and its goal is not in the profile


def test_goals_nothing_serves_are_listed_once_there_is_an_objective():
    got = found(plan(objectives=[objective("b1", ["A new CFO"])]))
    assert got["goal_not_served"].items == ("Double revenue in five years",
                                            "Hospital buyers squeezing prices",
                                            "Too few validation engineers")
    empty = found(plan())
    assert "goal_not_served" not in empty and empty["no_objective"].severity == 1


def test_a_goal_reworded_in_the_profile_is_gone_from_the_objective_that_served_it():
    doc = plan(objectives=[objective("b1", ["Too few validation engineers"])])
    profile = PROFILE.model_copy(update={"pressures": ["A shortage of validation engineers"]})
    got = found(doc, profile)
    assert got["goal_gone"].items == ("Too few validation engineers",)
    assert got["objective_serves_no_goal"].items == ("Objective b1",)


# -- actions, read where they were written ---------------------------------------------------

def test_actions_come_from_the_plan_the_map_and_the_relationship_plan_with_owners_by_name():
    doc = plan(objectives=[objective("b1")], actions=[
        {"id": "a1", "what": "Renewal workshop", "objective": "b1", "owner": "sofie",
         "due": day(10)},
        {"id": "a2", "what": "Call the COO", "owner": "a friend of ours"}])
    acts = plan_actions(doc, MAP, REL, FW)
    assert [(a.what, a.owner, a.source, a.about) for a in acts] == [
        ("Renewal workshop", "Sofie Lind", "the plan", "Objective b1"),
        ("Call the COO", "", "the plan", ""),  # not on our team: nobody owns it
        ("Ask Lena for the Brno timeline", "You", "the stakeholder map", "Lena Holt"),
        ("Hold a first QBR", "", "the relationship plan",
         "Regular business reviews with senior attendance")]


@pytest.mark.parametrize("status, due, overdue", [
    ("not_started", -1, True), ("at_risk", -30, True), ("on_track", 0, False),
    ("on_track", 5, False), ("done", -30, False), ("dropped", -30, False)])
def test_an_open_action_past_its_date_is_overdue_and_a_done_or_dropped_one_never(status, due,
                                                                                  overdue):
    doc = plan(actions=[{"id": "a1", "what": "Send the proposal", "owner": "you",
                         "due": day(due), "status": status}])
    (act,) = plan_actions(doc, StakeholderMapDoc(), RelationshipDoc(), FW)
    assert act.overdue(TODAY) is overdue
    assert ("action_overdue" in found(doc, smap=StakeholderMapDoc(), rel=RelationshipDoc())) \
        is overdue


def test_overdue_and_owner_less_actions_name_where_they_were_written():
    got = found(plan())
    assert got["action_overdue"].items == ("Ask Lena for the Brno timeline (the stakeholder map)",)
    assert got["action_without_owner"].items == ("Hold a first QBR (the relationship plan)",)


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_a_closed_action_without_an_owner_is_not_flagged(status):
    doc = plan(actions=[{"id": "a1", "what": "Old idea", "status": status, "due": day(-9)}])
    got = found(doc, smap=StakeholderMapDoc(), rel=RelationshipDoc())
    assert "action_without_owner" not in got and "action_overdue" not in got


# -- KPIs ------------------------------------------------------------------------------------

def kpi(target: float | None, higher: bool, *values: tuple[int, float]) -> Kpi:
    return Kpi.model_validate({"id": "k1", "name": "Empty running", "target": target,
                               "higher_is_better": higher,
                               "actuals": [{"on": day(n), "value": v} for n, v in values]})


def test_the_latest_actual_is_the_latest_by_date_whatever_the_order_written():
    state = kpi_state(kpi(16.2, False, (-10, 17.1), (-180, 18.0), (-90, 17.4)))
    assert (state.latest, state.on, state.reached) == (17.1, day(-10), False)
    assert state.points == ((day(-180), 18.0), (day(-90), 17.4), (day(-10), 17.1))


@pytest.mark.parametrize("higher, latest, reached", [
    (True, 10.0, True), (True, 9.9, False), (False, 10.0, True), (False, 10.1, False)])
def test_a_target_is_reached_on_the_right_side(higher, latest, reached):
    assert kpi_state(kpi(10.0, higher, (-1, latest))).reached is reached


def test_no_target_or_no_actual_says_nothing_about_reaching_it():
    assert kpi_state(kpi(None, True, (-1, 3.0))).reached is None
    assert kpi_state(kpi(10.0, True)) == kpi_state(kpi(None, False))
    assert kpi_state(kpi(10.0, True)).latest is None


# -- the white space -------------------------------------------------------------------------

WS = {"units": ["Road", "Cold chain"], "offerings": ["Telematics", "Sensors"]}


def test_the_white_space_sums_the_uncovered_cells_and_what_is_sold():
    doc = plan(white_space=WS | {"cells": [
        {"unit": "Road", "offering": "Telematics", "state": "sold", "value": 1_200_000},
        {"unit": "Road", "offering": "Sensors", "state": "open", "value": 300_000},
        {"unit": "Cold chain", "offering": "Sensors", "state": "competitor", "value": 450_000},
        {"unit": "Cold chain", "offering": "Telematics", "state": "not_relevant",
         "value": 99}]})
    total = white_space_sum(doc.white_space, FW)
    assert (total.uncovered, total.sold, total.unvalued) == (750_000, 1_200_000, 0)
    assert total.by_state == {"sold": 1, "open": 1, "competitor": 1, "not_relevant": 1}


def test_only_cells_inside_the_listed_units_and_offerings_count():
    doc = plan(white_space=WS | {"cells": [
        {"unit": "Warehousing", "offering": "Sensors", "state": "open", "value": 5_000},
        {"unit": "Road", "offering": "Drones", "state": "sold", "value": 7_000},
        {"unit": "Road", "offering": "Sensors", "state": "open", "value": 1_000}]})
    total = white_space_sum(doc.white_space, FW)
    assert (total.uncovered, total.sold, sum(total.by_state.values())) == (1_000, 0, 1)


def test_the_uncovered_states_are_content(monkeypatch):
    doc = plan(white_space=WS | {"cells": [
        {"unit": "Road", "offering": "Sensors", "state": "open", "value": 300},
        {"unit": "Road", "offering": "Telematics", "state": "competitor", "value": 450}]})
    only_open = FW.model_copy(update={"account_plan": FW.account_plan.model_copy(
        update={"uncovered": ("open",)})})
    assert white_space_sum(doc.white_space, only_open).uncovered == 300
    assert white_space_sum(doc.white_space, FW).uncovered == 750


def test_uncovered_cells_without_a_value_are_counted_and_links_to_gone_opportunities_named():
    doc = plan(white_space=WS | {"cells": [
        {"unit": "Road", "offering": "Sensors", "state": "open", "opportunity": "o2"},
        {"unit": "Cold chain", "offering": "Sensors", "state": "competitor"},
        {"unit": "Road", "offering": "Telematics", "state": "sold", "opportunity": "o1"},
        {"unit": "Cold chain", "offering": "Telematics", "state": "not_relevant"}]})
    total = white_space_sum(doc.white_space, FW, {"o1"})
    assert (total.uncovered, total.unvalued) == (0, 2)
    assert total.broken_links == ("Road × Sensors",)
    assert white_space_sum(doc.white_space, FW).broken_links == ()  # step 4 not known


# -- the value case --------------------------------------------------------------------------

def test_the_value_case_adds_up_by_kind_and_proven_and_returns_on_their_spend():
    doc = plan(value=[
        {"kind": "savings", "what": "Fuel", "amount": 640_000, "evidence": "Fleet report"},
        {"kind": "savings", "what": "Tyres", "amount": 60_000, "evidence": " "},
        {"kind": "productivity", "what": "Training", "amount": 100_000},
        {"kind": "risk", "what": "Fewer recalls"}])
    case = value_case(doc, PROFILE)
    assert (case.total, case.proven) == (800_000, 640_000)
    assert case.by_kind == {"savings": 700_000, "productivity": 100_000}
    assert case.unproven == ("Tyres", "Training")
    assert case.roi == pytest.approx(0.8)  # the value with evidence, on 800,000 spend
    assert found(doc)["value_unproven"].items == ("Tyres", "Training")


@pytest.mark.parametrize("spend", [None, 0])
def test_no_return_without_spend_with_us(spend):
    doc = plan(value=[{"kind": "revenue", "what": "New clinics", "amount": 5}])
    assert value_case(doc, ProfileDoc(spend_with_us=spend)).roi is None


@settings(deadline=None, max_examples=60)
@given(st.lists(st.tuples(st.sampled_from(["savings", "revenue", "risk", "productivity"]),
                          st.one_of(st.none(), st.floats(0, 1e9)), st.booleans()),
                max_size=12))
def test_the_value_case_total_is_at_least_what_is_proven_and_never_negative(items):
    doc = plan(value=[{"kind": k, "what": f"v{i}", "amount": a, "evidence": "yes" if p else ""}
                      for i, (k, a, p) in enumerate(items)])
    case = value_case(doc, PROFILE)
    assert case.total >= case.proven >= 0
    assert sum(case.by_kind.values()) == pytest.approx(case.total)


# -- the account team ------------------------------------------------------------------------

def team(*members: tuple[str, str], sponsor: bool = True) -> StakeholderMapDoc:
    people = [{"id": "you", "name": "You", "role": "account manager"}]
    if sponsor:
        people.append({"id": "boss", "name": "Sofie Lind", "role": "sponsor"})
    people += [{"id": mid, "name": name, "role": "team member"} for mid, name in members]
    return StakeholderMapDoc.model_validate({"team": people})


def ids(doc: AccountPlanDoc, smap: StakeholderMapDoc, purpose: str | None = None,
        portfolio: Portfolio | None = None) -> set[str]:
    return {f.id for f in team_findings(doc, smap, purpose, FW, portfolio)}


def test_no_sponsor_is_flagged_first():
    (first,) = [f for f in team_findings(AccountPlanDoc(), team(sponsor=False), None, FW)]
    assert (first.id, first.severity) == ("no_sponsor", 1)


def test_a_member_without_a_commitment_is_named_and_the_account_manager_is_exempt():
    doc = plan(team=[{"member": "boss", "commitment": "Meets their CEO twice a year"},
                     {"member": "jonas", "commitment": "  "}])
    (f,) = team_findings(doc, team(("jonas", "Jonas Berg")), None, FW)
    assert f.id == "member_without_commitment" and f.items == ("Jonas Berg",)
    doc = plan(team=[{"member": "boss", "commitment": "Opens doors"},
                     {"member": "jonas", "commitment": "Validation twice a month"}])
    assert ids(doc, team(("jonas", "Jonas Berg"))) == set()


@pytest.mark.parametrize("purpose, members, sponsor, fits", [
    # members: team members besides the account manager and the sponsor (who counts too)
    ("grow", 0, True, False), ("grow", 1, True, True), ("grow", 7, True, True),
    ("grow", 8, True, False), ("grow", 2, False, True),  # shape fits; "no sponsor" says the rest
    ("maintain", 0, True, True), ("maintain", 5, True, True), ("maintain", 6, True, False),
    ("maintain", 3, False, True),
    ("defend", 0, False, False), ("defend", 1, False, True), ("defend", 3, True, True),
    ("defend", 4, False, True), ("defend", 5, False, False),
    ("exit", 0, False, True), ("exit", 0, True, True), ("exit", 1, False, True),
    ("exit", 2, False, False)])
def test_the_team_shape_is_read_against_the_purpose_from_content(purpose, members, sponsor,
                                                                 fits):
    smap = team(*[(f"m{i}", f"Member {i}") for i in range(members)], sponsor=sponsor)
    got = {f.id: f for f in team_findings(AccountPlanDoc(), smap, purpose, FW)}
    assert ("team_does_not_fit" not in got) is fits
    if not fits:
        assert got["team_does_not_fit"].reason.startswith(
            FW.account_plan.team_fit[purpose].advice)


def test_the_team_fit_finding_says_what_is_wrong():
    got = {f.id: f for f in team_findings(AccountPlanDoc(), team(sponsor=False), "grow", FW)}
    f = got["team_does_not_fit"]
    assert f.title == "The team does not fit a Grow account"
    assert f.reason.endswith("(0 besides you, at least 2 wanted.)")
    assert "no_sponsor" in got  # said once, as its own finding


@pytest.mark.parametrize("purpose, flagged", [("grow", True), ("maintain", True),
                                              ("defend", False), ("exit", False), (None, True)])
def test_no_sponsor_is_flagged_only_where_the_purpose_wants_one(purpose, flagged):
    assert ("no_sponsor" in ids(AccountPlanDoc(), team(sponsor=False), purpose)) is flagged


def test_no_purpose_or_an_unknown_one_judges_no_team_shape():
    assert "team_does_not_fit" not in ids(AccountPlanDoc(), team(), None)
    assert "team_does_not_fit" not in ids(AccountPlanDoc(), team(), "sell_everything")


@pytest.mark.parametrize("held, too_many", [(4, False), (5, True)])
def test_more_than_four_key_accounts_is_too_many(held, too_many):
    found_ = ids(AccountPlanDoc(), team(), "defend", Portfolio(held))
    assert ("too_many_key_accounts" in found_) is too_many
    assert "strategic_not_only" not in found_  # defend is not strategic


@pytest.mark.parametrize("purpose, held, flagged", [
    ("grow", 1, False), ("grow", 2, True), ("maintain", 2, False), ("exit", 3, False)])
def test_a_strategic_account_should_be_its_managers_only_key_account(purpose, held, flagged):
    assert ("strategic_not_only" in ids(AccountPlanDoc(), team(), purpose,
                                        Portfolio(held))) is flagged


def test_without_a_portfolio_no_overload_is_judged():
    assert not {"too_many_key_accounts", "strategic_not_only"} & ids(AccountPlanDoc(), team(),
                                                                      "grow")


# -- alive or stale --------------------------------------------------------------------------

def test_a_plan_past_its_next_review_is_stale():
    assert is_stale(plan(next_review=day(-1)), TODAY)
    assert not is_stale(plan(next_review=TODAY), TODAY)
    assert not is_stale(plan(), TODAY)
    got = found(plan(next_review=day(-1)))
    assert got["plan_stale"].severity == 1 and "2026-11-22" in got["plan_stale"].reason


def test_a_plan_without_a_next_review_is_flagged_with_the_contents_rhythm():
    got = found(plan())
    assert "every 90 days at most" in got["no_next_review"].reason
    assert "plan_stale" not in got


def test_an_open_objective_not_checked_within_the_review_rhythm_is_stale():
    doc = plan(objectives=[objective("b1", checked_on=day(-91)),
                           objective("b2", checked_on=day(-90)),
                           objective("b3"), objective("b4", status="done", checked_on=day(-400))],
               next_review=day(10))
    assert found(doc)["objective_stale"].items == ("Objective b1", "Objective b3")


def test_objectives_on_track_count_done_and_leave_dropped_out():
    doc = plan(objectives=[objective("b1", status="on_track"), objective("b2", status="done"),
                           objective("b3", status="at_risk"), objective("b4", status="dropped")])
    assert on_track(doc) == (2, 3)
    assert on_track(AccountPlanDoc()) == (0, 0)


def test_findings_come_most_urgent_first():
    severities = [f.severity for f in plan_findings(plan(next_review=day(-3)), PROFILE, MAP,
                                                    REL, "grow", FW, TODAY, Portfolio(6))]
    assert severities == sorted(severities) and severities[0] == 1


# -- QBRs as relationship evidence -----------------------------------------------------------

def qbr(n: int, theirs: tuple[str, ...] = (), shared: bool = False) -> dict[str, Any]:
    return {"held_on": day(n), "theirs": list(theirs), "plans_shared": shared}


def evidence(*qbrs: dict[str, Any]) -> dict[str, tuple[int, str]]:
    return qbr_evidence(plan(qbrs=list(qbrs)), MAP, FW, TODAY)


def test_no_qbr_says_nothing():
    assert evidence() == {}


def test_one_qbr_without_senior_people():
    assert evidence(qbr(-40, ("qa",))) == {
        "business_reviews": (1, "your account plan: 1 QBR in the last year, 0 with their "
                                "senior people"),
        "executive_attendance": (0, "your account plan: 1 QBR in the last year, 0 with their "
                                    "senior people")}


@pytest.mark.parametrize("attended, reviews, execs", [
    ((("qa",), ("qa",)), 2, 0),              # two a year are not yet regular (content: 3)
    ((("cfo",), ("qa",)), 2, 1),
    ((("cfo",), ("ceo",)), 2, 2),
    ((("cfo",), ("ceo", "qa"), ("qa",)), 3, 2),
    ((("qa",), ("qa",), ("qa",)), 2, 0),
    ((("cfo",), ("ceo",), ("cfo",)), 4, 3),
    ((("cfo",), ("ceo",), ("cfo",), ("ceo",)), 4, 3)])
def test_several_qbrs_with_and_without_senior_people(attended, reviews, execs):
    got = evidence(*[qbr(-10 * (i + 1), who) for i, who in enumerate(attended)])
    assert got["business_reviews"][0] == reviews and got["executive_attendance"][0] == execs
    assert set(got) <= set(QBR_PREFILLS) and "plan_sharing" not in got


@pytest.mark.parametrize("shared, level", [(1, 2), (2, 2), (3, 2)])  # "on request", no more
def test_plans_shared_at_qbrs_count(shared, level):
    got = evidence(*[qbr(-10 * (i + 1), shared=i < shared) for i in range(3)])
    assert got["plan_sharing"][0] == level
    assert got["plan_sharing"][1].startswith("your account plan: they shared their plans at")


def test_a_qbr_with_nobody_of_theirs_written_down_says_nothing_of_attendance():
    assert "executive_attendance" not in evidence(qbr(-10, ()))


def test_qbrs_older_than_within_days_and_future_ones_are_ignored():
    within = FW.account_plan.qbr.within_days
    assert evidence(qbr(-within - 1, ("ceo",), True), qbr(3, ("ceo",))) == {}
    assert evidence(qbr(-within, ("ceo",)))["executive_attendance"][0] == 1


def test_step_3_takes_the_qbrs_as_pre_fills_and_a_trainees_own_rating_wins():
    from kamkit.scoring.relationship import relationship_score
    from kamkit.steps.relationship import known

    doc = plan(qbrs=[qbr(-40, ("cfo",), True), qbr(-130, ("ceo",))])
    docs = Docs({"stakeholders": MAP, "account_plan": doc})
    pre = known(docs, FW, TODAY)
    assert pre["business_reviews"][0] == 2 and pre["executive_attendance"][0] == 2
    assert pre["plan_sharing"] == (2, "your account plan: they shared their plans at 1 QBR")
    rel = RelationshipDoc.model_validate({"ratings": {"business_reviews": {"level": 1}}})
    items = {i.id: i for i in relationship_score(rel, FW, TODAY, pre).items}
    assert items["business_reviews"].level == 1          # the trainee's own rating wins
    assert items["executive_attendance"].level == 2      # the QBRs pre-fill the rest
    assert items["plan_sharing"].level == 2


def test_a_next_review_far_ahead_is_flagged_so_the_plan_cannot_hide():
    far = FW.account_plan.review_every_days + 1
    assert "review_too_far" in found(plan(next_review=day(far)))
    assert "review_too_far" not in found(plan(next_review=day(far - 1)))


def test_a_dropped_objective_neither_serves_a_goal_nor_is_flagged_for_serving_none():
    dropped = {**objective("b1", [PROFILE.pressures[0]]), "status": "dropped"}
    got = found(plan(objectives=[dropped, objective("b2", ["Our own target"])]))
    assert PROFILE.pressures[0] in got["goal_not_served"].items
    assert got["objective_serves_no_goal"].items == ("Objective b2",)


def test_a_long_strategy_cut_at_a_space_can_still_be_linked():
    profile = ProfileDoc(strategy="x" * 199 + " and then some more words")
    (goal,) = customer_goals(profile)
    assert goal == "x" * 199 and plan(objectives=[objective("b1", [goal])]).objectives[0].serves \
        == [goal]


def test_a_white_space_cell_whose_opportunity_was_won_asks_to_be_updated():
    from kamkit.opportunity import OpportunitiesDoc
    from kamkit.steps.account_plan import white_space_html

    ws = {"units": ["Brno"], "offerings": ["Validation"],
          "cells": [{"unit": "Brno", "offering": "Validation", "state": "open",
                     "opportunity": "o1"}]}
    won = OpportunitiesDoc.model_validate({"opportunities": [
        {"id": "o1", "name": "Brno tender", "stage": "won"}]})
    html = white_space_html(plan(white_space=ws), FW, "EUR", won)
    assert "Decided since: update these cells - Brno × Validation: Brno tender (won)" in html
    open_ = OpportunitiesDoc.model_validate({"opportunities": [{"id": "o1", "name": "Brno"}]})
    assert "Decided since" not in white_space_html(plan(white_space=ws), FW, "EUR", open_)
