"""The activity plan read against the map and the opportunities: contacts planned and expected
to convert, and each finding triggered - and not triggered - by the plan it describes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kamkit.frameworks import default_framework
from kamkit.models import Stakeholder, StakeholderMapDoc
from kamkit.opportunity import OpportunitiesDoc
from kamkit.scoring.activity import FINDING_IDS, contacts_of, plan_summary
from kamkit.steps.opportunities import sample
from kamkit.steps.stakeholders import sample as sample_map

FW = default_framework()
TODAY = dt.date(2026, 11, 23)
MAP = StakeholderMapDoc(people=[
    Stakeholder(id="ceo", name="Greta Lind", influence=5, support=0),
    Stakeholder(id="cfo", name="Zeb Quux", influence=4, support=-1),
    Stakeholder(id="ops", name="Tom Nowak", influence=2, support=2),
    Stakeholder(id="user", name="Jan Vries", influence=1, support=1)])


def contact(kind: str = "meeting", count: int = 1, people: tuple[str, ...] = (),
            pct: float | None = None) -> dict[str, Any]:
    return {"kind": kind, "count": count, "people": list(people), "conversion_pct": pct}


def plan(opps: list[dict[str, Any]], outcomes: list[dict[str, Any]]) -> OpportunitiesDoc:
    return OpportunitiesDoc.model_validate({"opportunities": opps, "outcomes": outcomes})


DEAL = {"id": "o1", "name": "Fleet renewal", "value": 100_000, "people": ["ceo", "ops"]}


def findings(doc: OpportunitiesDoc, today: dt.date = TODAY) -> dict[str, Any]:
    return {f.id: f for f in plan_summary(doc, MAP, FW, today).findings}


def test_a_person_with_power_in_the_decision_and_no_contact_planned_is_flagged():
    """Sell to the power zone, not the comfort zone: is the CEO named?"""
    doc = plan([DEAL], [{"what": "Signed", "opportunity": "o1",
                         "contacts": [contact(people=("ops",))]}])
    found = findings(doc)["power_zone_without_contact"]
    assert found.people == ("Greta Lind",) and found.opportunity == "o1"
    assert found.title == "Fleet renewal: people with power and no contact planned"


def test_a_contact_in_an_account_wide_outcome_reaches_them_too():
    doc = plan([DEAL], [{"what": "Signed", "opportunity": "o1",
                         "contacts": [contact(people=("ops",))]},
                        {"what": "A board sponsor", "contacts": [contact(people=("ceo",))]}])
    assert "power_zone_without_contact" not in findings(doc)


def test_a_contact_planned_for_another_opportunity_does_not_count():
    other = {"id": "o2", "name": "Sensors", "people": ["ceo"]}
    doc = plan([DEAL, other], [{"opportunity": "o1", "contacts": [contact(people=("ops",))]},
                               {"opportunity": "o2", "contacts": [contact(people=("ceo",))]}])
    assert findings(doc)["power_zone_without_contact"].opportunity == "o1"


def test_an_opportunity_with_nobody_picked_asks_who_is_in_the_decision():
    doc = plan([{"id": "o1", "name": "Sensors"}], [])
    found = findings(doc)["no_people_picked"]
    assert found.title == "Sensors: who is in this decision?" and found.opportunity == "o1"
    assert "no_people_picked" not in findings(plan([DEAL], []))


def test_an_opportunity_with_a_value_and_nothing_planned_is_flagged():
    """In the forecast with nothing planned: a forecast follows from planned activity."""
    assert findings(plan([DEAL], []))["nothing_planned"].opportunity == "o1"
    empty_outcome = plan([DEAL], [{"what": "Signed", "opportunity": "o1"}])
    assert "nothing_planned" in findings(empty_outcome)
    planned = plan([DEAL], [{"opportunity": "o1", "contacts": [contact(people=("ceo",))]}])
    assert "nothing_planned" not in findings(planned)


def test_an_opportunity_without_a_value_needs_no_plan_yet():
    doc = plan([{**DEAL, "value": None}, {**DEAL, "id": "o2", "value": 0}], [])
    assert "nothing_planned" not in findings(doc)


def test_closed_and_qualified_out_opportunities_need_no_plan():
    doc = plan([{**DEAL, "stage": "won"}, {**DEAL, "id": "o2", "stage": "lost"},
                {**DEAL, "id": "o3", "decision": "qualify_out", "decision_reason": "No budget"}],
               [])
    assert findings(doc) == {}


def test_most_contacts_with_people_of_little_influence_is_the_comfort_zone():
    doc = plan([], [{"what": "Pleasant lunches", "contacts": [
        contact(count=3, people=("user",)), contact(count=1, people=("ceo",))]}])
    found = findings(doc)["comfort_zone"]
    assert found.reason.startswith("3 of the 4 contacts planned with someone are with "
                                   "nobody of high influence")


def test_a_contact_with_one_powerful_person_among_others_is_in_the_power_zone():
    doc = plan([], [{"contacts": [contact(count=3, people=("user", "ceo")),
                                  contact(count=1, people=("user",))]}])
    assert "comfort_zone" not in findings(doc)


def test_half_the_contacts_with_power_is_not_the_comfort_zone():
    doc = plan([], [{"contacts": [contact(count=2, people=("user",)),
                                  contact(count=2, people=("cfo",))]}])
    assert "comfort_zone" not in findings(doc)


def test_three_contacts_are_too_few_to_call_a_comfort_zone():
    doc = plan([], [{"contacts": [contact(count=3, people=("user",))]}])
    assert "comfort_zone" not in findings(doc)


def test_an_outcome_whose_date_has_passed_is_named():
    doc = plan([], [{"what": "Pilot signed", "by": TODAY - dt.timedelta(days=1)},
                    {"what": "Board sponsor", "by": TODAY},
                    {"by": TODAY - dt.timedelta(days=30)}])
    found = findings(doc)["outcome_overdue"]
    assert found.reason == ("Reached, moved, or dropped? Update the plan: Pilot signed, "
                            "(unnamed outcome).")


def test_contacts_and_their_expected_conversions_are_summed():
    """3 meetings at 30 % and 2 demos at 40 %: 5 contacts, 1.7 expected; no rate, none."""
    doc = plan([DEAL], [
        {"opportunity": "o1", "contacts": [contact("meeting", 3, ("ceo",), 30),
                                           contact("demo", 2, ("ops",), 40)]},
        {"opportunity": "o1", "contacts": [contact("call", 4, ("ops",))]},
        {"contacts": [contact("executive_visit", 2, ("ceo",), 50)]}])
    assert contacts_of(doc.outcomes[0]) == (5, pytest.approx(1.7))
    assert contacts_of(doc.outcomes[1]) == (4, 0)
    summary = plan_summary(doc, MAP, FW, TODAY)
    assert (summary.contacts, summary.expected) == (11, pytest.approx(2.7))
    assert summary.by_opportunity == {"o1": (9, pytest.approx(1.7)), None: (2, 1.0)}


def test_the_samples_plan_has_no_findings_and_ten_contacts():
    summary = plan_summary(sample(TODAY), sample_map(TODAY), FW, TODAY)
    assert summary.findings == ()
    assert (summary.contacts, summary.expected) == (10, pytest.approx(4.05))


def test_every_finding_id_is_one_the_plan_can_report():
    doc = plan([DEAL, {"id": "o2", "name": "Sensors", "value": 5}],
               [{"what": "Old", "by": TODAY - dt.timedelta(days=1),
                 "contacts": [contact(count=4, people=("user",))]}])
    assert set(findings(doc)) == set(FINDING_IDS)
