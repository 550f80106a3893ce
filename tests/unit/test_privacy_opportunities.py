"""Step 4 names the customer's people by their map ids and may mention them in what the
trainee writes: erasing a person takes them out of every decision and planned contact, and a
pseudonymised export names nobody."""

from __future__ import annotations

import datetime as dt

from kamkit.opportunity import OpportunitiesDoc
from kamkit.privacy import REMOVED, Pseudonyms, people, pseudonymise_all, traces, without_people
from kamkit.steps.opportunities import sample
from kamkit.steps.stakeholders import sample as sample_map

TODAY = dt.date(2026, 11, 23)
TOMASZ = "Tomasz Nowak"  # p3 on the sample map: in the renewal and the upsell, and planned


def _work() -> OpportunitiesDoc:
    data = sample(TODAY).model_dump()
    renewal = data["opportunities"][0]
    renewal["answers"]["budget"]["how"] = f"{TOMASZ} showed us the 2027 budget line."
    renewal["decision_reason"] = f"Strong with {TOMASZ}; close the CFO gap before March."
    data["outcomes"][0]["what"] = f"Renewal signed by {TOMASZ}"
    return OpportunitiesDoc.model_validate(data)


def test_an_erased_person_leaves_every_decision_and_every_planned_contact():
    work = _work()
    smap = sample_map(TODAY)
    found = traces([p for p in people(smap) if p.id == "p3"],
                   [p for p in people(smap) if p.id != "p3"])
    left = without_people(work, {"p3"}, found)
    assert [o.people for o in left.opportunities] == [["p1", "p2", "p6"], ["p4", "p5"],
                                                      ["p4", "p8"]]
    assert [[c.people for c in o.contacts] for o in left.outcomes] == [
        [["p1"], ["p2"], ["p6"]], [["p5"], ["p4"]], [["p1"]]]
    # what the trainee wrote about them loses their name, and keeps the rest
    renewal = left.opportunities[0]
    assert renewal.answers["budget"].how == f"{REMOVED} showed us the 2027 budget line."
    assert renewal.decision_reason == f"Strong with {REMOVED}; close the CFO gap before March."
    assert left.outcomes[0].what == f"Renewal signed by {REMOVED}"
    assert TOMASZ not in left.model_dump_json()
    # everything else - the qualification, the plan's numbers - is kept
    assert renewal.answers["unique"] == work.opportunities[0].answers["unique"]
    assert left.estimate == work.estimate and len(left.outcomes) == 3


def test_erasing_someone_in_no_opportunity_changes_nothing():
    work = _work()
    assert without_people(work, {"p7"}) == work


def test_a_pseudonymised_export_of_the_opportunities_names_nobody():
    smap, shown = pseudonymise_all([sample_map(TODAY), _work()], Pseudonyms(), "acc1")
    text = shown.model_dump_json()
    names = [p.name for p in sample_map(TODAY).people if p.name]
    assert [n for n in names if n in text] == []
    assert "Nowak" not in text
    tomasz = next(p.name for p in smap.people if p.id == "p3")
    assert shown.opportunities[0].decision_reason == (
        f"Strong with {tomasz}; close the CFO gap before March.")
    # ids stay: the opportunity still points at the same (pseudonymous) people
    assert shown.opportunities[0].people == ["p1", "p2", "p3", "p6"]
