"""Step 5's document and content: bad plans are refused with messages a trainee can read, broken
content is refused with its file and reason, erasing a person reaches the QBRs - and the step
unit's progress, figures and HTML."""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

import pytest

from kamkit.account_plan import AccountPlanDoc
from kamkit.errors import ContentError, InvalidInput
from kamkit.frameworks import CONTENT_DIR, default_framework, load_framework
from kamkit.models import parse
from kamkit.steps import Docs
from kamkit.steps.account_plan import ID, figures, progress, sample

FW = default_framework()
TODAY = dt.date(2026, 11, 23)


def refused(data: dict[str, Any]) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        parse(AccountPlanDoc, data)
    return err.value


OBJ = {"title": "Renew for three years", "kind": "revenue"}


# -- the document's rules --------------------------------------------------------------------

@pytest.mark.parametrize("data, message", [
    ({"objectives": [OBJ | {"id": "b1"}, OBJ | {"id": "b1"}]}, "Two objectives share an id"),
    ({"actions": [{"id": "a1", "what": "Call"}, {"id": "a1", "what": "Visit"}]},
     "Two actions share an id"),
    ({"kpis": [{"id": "k", "name": "Share"}, {"id": "k", "name": "Margin"}]},
     "Two KPIs share an id"),
    ({"objectives": [OBJ | {"id": "b1"}], "actions": [{"id": "a1", "what": "Call",
                                                         "objective": "b9"}]},
     "An action refers to an objective no longer in the plan"),
    ({"team": [{"member": "t1"}, {"member": "t1", "commitment": "Twice"}]},
     "Each team member once, please"),
])
def test_a_plan_that_contradicts_itself_is_refused_in_words(data, message):
    assert str(refused(data)) == message


@pytest.mark.parametrize("amount, message", [
    (-1, "Amount must be at least 0 (got -1)"),
    (2e12, "Amount must be at most 1e+12 (got 2e+12)"),
    (float("inf"), "Amount must be a real number, not infinity or NaN (got inf)"),
])
def test_an_amount_negative_too_large_or_infinite_is_refused_next_to_its_field(amount, message):
    err = refused({"value": [{"kind": "savings", "what": "Fuel", "amount": amount}]})
    assert (err.field, str(err)) == ("value.0.amount", message)


def test_a_kpi_actual_that_is_not_a_number_is_refused():
    err = refused({"kpis": [{"id": "k1", "name": "Share", "actuals": [
        {"on": "2026-01-01", "value": float("nan")}]}]})
    assert err.field == "kpis.0.actuals.0.value" and "not infinity or NaN" in str(err)


@pytest.mark.parametrize("data, field, message", [
    ({"objectives": [OBJ | {"id": "b1", "title": "Renew\x07now"}]}, "objectives.0.title",
     "Title cannot hold a control character (U+0007)"),
    ({"actions": [{"id": "a1", "what": "Call\x00"}]}, "actions.0.what",
     "What cannot hold a NUL character"),
])
def test_control_characters_are_refused(data, field, message):
    err = refused(data)
    assert err.field == field and str(err).startswith(message)


def test_a_cell_state_that_is_not_one_is_refused_with_the_choices():
    err = refused({"white_space": {"cells": [{"unit": "Road", "offering": "Sensors",
                                              "state": "maybe"}]}})
    assert str(err) == ("State must be one of 'sold', 'open', 'competitor' or 'not_relevant' "
                        "(got 'maybe')")


def test_the_sample_is_a_valid_plan_and_survives_a_round_trip():
    doc = sample(TODAY)
    assert parse(AccountPlanDoc, doc.model_dump(mode="json")) == doc


# -- content ---------------------------------------------------------------------------------

@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


def broken(content, old: str, new: str) -> ContentError:
    path = content / "account_plan.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError) as err:
        load_framework(content)
    return err.value


def test_a_statuses_list_missing_one_is_refused(content):
    err = broken(content, "  dropped: Dropped\n", "")
    assert err.path.endswith("account_plan.yaml") and "statuses must name each of" in str(err)


def test_white_space_states_missing_one_are_refused(content):
    assert "white_space must name each of" in str(
        broken(content, "  not_relevant: Not relevant\n", ""))


def test_team_fit_not_naming_every_purpose_is_refused(content):
    text = (content / "account_plan.yaml").read_text()
    start = text.index("  exit:\n    min_members")
    end = text.index("strategic:")
    err = broken(content, text[start:end], "")
    assert "team_fit must name each purpose of segmentation.yaml" in str(err)


def test_strategic_naming_an_unknown_purpose_is_refused(content):
    err = broken(content, "strategic: [grow]", "strategic: [grow, conquer]")
    assert "strategic names unknown purposes ['conquer']" in str(err)


def test_a_team_fit_whose_minimum_exceeds_its_maximum_is_refused(content):
    err = broken(content, "    min_members: 2\n    max_members: 8",
                 "    min_members: 9\n    max_members: 8")
    assert "min_members must not exceed max_members" in str(err)
    assert "team_fit.grow" in str(err)


# -- privacy ---------------------------------------------------------------------------------

def test_erasing_a_map_person_removes_them_from_the_qbrs_they_attended():
    from kamkit.privacy import without_people

    doc = AccountPlanDoc.model_validate({"qbrs": [
        {"held_on": "2026-10-01", "ours": ["You"], "theirs": ["p3", "p6"],
         "value_shown": "Fuel saved: 6 %"},
        {"held_on": "2026-07-01", "theirs": ["p6"]}]})
    gone = without_people(doc, ["p6"])
    assert [q.theirs for q in gone.qbrs] == [["p3"], []]
    assert gone.qbrs[0].value_shown == "Fuel saved: 6 %"


# -- the step unit ---------------------------------------------------------------------------

def test_an_empty_plan_has_done_nothing_of_eight():
    got = progress(AccountPlanDoc(), FW)
    assert (got.step, got.done, got.total) == (ID, 0, 8)
    assert got.missing[0] == "an objective with a target, linked to a customer goal"


def test_the_partial_sample_has_its_linked_objective_and_nothing_else():
    got = progress(sample(TODAY, partial=True), FW)
    assert (got.done, got.total) == (1, 8)
    assert "an objective with a target, linked to a customer goal" not in got.missing


def test_the_full_sample_is_done():
    got = progress(sample(TODAY), FW)
    assert (got.done, got.total, got.missing) == (8, 8, [])


def _docs(plan: AccountPlanDoc) -> Docs:
    from kamkit.steps.stakeholders import sample as sample_map

    return Docs({"stakeholders": sample_map(TODAY), ID: plan})


def test_the_samples_figures():
    assert figures(_docs(sample(TODAY)), FW, TODAY) == {
        "on_track": "1/2", "overdue": 1, "stale": "alive"}
    assert figures(Docs(), FW, TODAY) == {"on_track": None, "overdue": None, "stale": None}
    past = sample(TODAY).model_copy(update={"next_review": TODAY - dt.timedelta(days=1)})
    assert figures(_docs(past), FW, TODAY)["stale"] == "past review"


def test_the_plans_html_escapes_what_the_trainee_typed():
    from kamkit.steps.account_plan import account_plan_html

    payload = "<script>alert(1)</script>"
    doc = AccountPlanDoc.model_validate({
        "objectives": [OBJ | {"id": "b1", "title": payload, "metric": payload,
                              "serves": [payload]}],
        "actions": [{"id": "a1", "what": payload, "owner": payload, "objective": "b1"}],
        "kpis": [{"id": "k1", "name": payload, "unit": payload,
                  "actuals": [{"on": "2026-01-01", "value": 1}]}],
        "white_space": {"units": [payload], "offerings": [payload],
                        "cells": [{"unit": payload, "offering": payload, "state": "open"}]},
        "value": [{"kind": "risk", "what": payload, "amount": 1, "evidence": payload}],
        "team": [{"member": "t1", "commitment": payload, "department": payload}],
        "qbrs": [{"held_on": "2026-10-01", "ours": [payload], "value_shown": payload,
                  "next_steps": payload}]})
    html = account_plan_html(_docs(doc), FW, TODAY)
    assert "<script" not in html
    assert html.count("&lt;script&gt;") >= 12


def test_a_business_unit_or_an_offering_is_listed_once():
    from kamkit.account_plan import AccountPlanDoc
    from kamkit.errors import InvalidInput
    from kamkit.models import parse

    with pytest.raises(InvalidInput, match="Each once, please: Road freight is listed twice"):
        parse(AccountPlanDoc, {"white_space": {"units": ["Road freight", "Road freight"]}})
