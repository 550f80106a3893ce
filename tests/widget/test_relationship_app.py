"""The relationship step, as a trainee does it: feeling first, evidence, plan, a second round."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit.session import Session
from kamkit.ui.relationship import RelationshipApp, app
from kamkit.ui.workbook import WorkbookApp


@pytest.fixture
def session(store):
    s = Session(store, store.add_trainee("Ann"))
    s.create_account("Nordwind Logistics")
    return s


def _evidence(view: RelationshipApp, indicator: str, level: int, text: str = "") -> None:
    card = view.cards[indicator]
    card.level.input.value = level
    if text:
        card.evidence.input.value = text


def test_a_new_assessment_empties_the_reason_before_it_opens_it_for_typing(session):
    """The page applies the kernel's changes one by one: were the reason's field opened before
    it is emptied, a person typing at once would see their sentence wiped."""
    view = app(session)
    view.feeling_reason.input.value = "They like us"
    view.record_feeling()
    said = []
    view.feeling_reason.input.observe(lambda c: said.append((c["name"], c["new"])),
                                      names=["value", "disabled"])
    view.new_button.click()
    view.new_button.click()
    assert said == [("value", ""), ("disabled", False)]


def test_the_evidence_stays_closed_until_the_feeling_is_recorded(session, store):
    view = app(session)
    assert view.evidence.layout.display == "none"
    view.feeling.value = 80
    view.feeling_reason.input.value = "They love us"
    view.lock_button.click()
    assert view.evidence.layout.display is None
    assert view.feeling.disabled and "You felt <b>80</b>" in view.feeling_shown.value
    saved = store.get_document(session.account.id, "relationship")
    assert (saved.gut_feeling, saved.feeling_locked) == (80, True)


def test_a_completed_assessment_scores_explains_and_reloads_exactly(session, store):
    view = app(session)
    view.feeling.value = 80
    view.feeling_reason.input.value = "A first impression"
    view.record_feeling()
    _evidence(view, "plan_sharing", 4, "Joint planning day in March")
    _evidence(view, "prompt_payment", 2)
    assert "Evidence score: 19 / 100 · Exploratory" in view.score.value
    assert "Unproven" in view.breakdown.value and "They pay us promptly" in view.breakdown.value
    assert "61 points of optimism" in view.gap.value and "kk-warning" in view.gap.value
    view.plan_rows[0][0].input.value = "testimonial"
    view.plan_rows[0][1].input.value = "Ask the COO for a reference <b>now</b>"
    view.plan_rows[0][3].set(dt.date(2027, 1, 31))

    again = RelationshipApp(Session(store, session.trainee, account=session.account))
    assert again.doc == view.doc
    assert again.cards["plan_sharing"].evidence.value == "Joint planning day in March"
    assert again.plan_rows[0][1].value == "Ask the COO for a reference <b>now</b>"
    assert again.score.value == view.score.value


def test_a_plan_names_each_indicator_once(session):
    view = app(session)
    view.feeling_reason.input.value = "A first impression"
    view.record_feeling()
    for row in view.plan_rows[:2]:
        row[0].input.value = "testimonial"
    assert view.plan_message.text == "Each indicator once in the plan, please - not saved yet."


def test_a_bad_answer_on_one_card_holds_back_no_other_card(session, store):
    view = app(session)
    view.feeling_reason.input.value = "A first impression"
    view.record_feeling()
    view.cards["testimonial"].evidence.input.value = "x" * 6000  # longer than evidence may be
    view.cards["retention"].level.input.value = 3
    assert "not saved yet" in view.cards["testimonial"].evidence.message.text
    assert view.cards["retention"].message.text == ""
    saved = store.get_document(session.account.id, "relationship")
    assert saved.ratings["retention"].level == 3 and "testimonial" not in saved.ratings


def test_a_second_assessment_starts_with_a_new_feeling_and_shows_the_trend(session, store):
    view = app(session)
    view.feeling.value = 60
    view.feeling_reason.input.value = "They like us"
    view.record_feeling()
    _evidence(view, "retention", 2, "Two renewals")
    view.new_button.click()  # asks first: the closed one can no longer be changed
    assert "closes the current assessment" in view.new_message.text
    assert view.doc.history == [] and view.doc.gut_feeling == 60
    view.new_button.click()
    assert view.doc.gut_feeling is None and not view.feeling.disabled
    assert view.evidence.layout.display == "none"
    assert view.doc.ratings["retention"].level == 2  # the last evidence, to re-check
    assert "Over time" not in view.over_time.value  # not a point of the trend before its feeling
    view.feeling.value = 70
    view.feeling_reason.input.value = "Renewal talks went well"
    view.record_feeling()
    _evidence(view, "retention", 4, "Renewed early")
    assert "Over time" in view.over_time.value and "kk-trend" in view.over_time.value
    assert "Retention - years as a customer, renewals won (+5)" in view.over_time.value
    assert "↑ from 5 last time" in view.score.value
    history = store.get_document(session.account.id, "relationship").history
    assert [a.gut_feeling for a in history] == [60]


def test_a_feeling_needs_its_reason_before_the_evidence_opens(session):
    view = app(session)
    view.record_feeling()  # the untouched slider, and no reason
    assert "why you feel that way" in view.feeling_message.text
    assert not view.doc.feeling_locked and view.evidence.layout.display == "none"


def test_a_new_assessment_can_be_called_off(session):
    view = app(session)
    view.feeling_reason.input.value = "Solid"
    view.record_feeling()
    view.new_button.click()
    view.new_cancel.click()
    assert view.new_message.text == "" and view.new_button.description == (
        "Start a new assessment")
    assert view.doc.gut_feeling == 50 and view.doc.history == []


def test_facts_from_earlier_steps_prefill_and_are_marked(session, store):
    store.save_document(session.account.id, "profile",
                        {"total_category_spend": 1000, "spend_with_us": 450})
    view = app(session)
    view.feeling_reason.input.value = "A first impression"
    view.record_feeling()
    assert "share of wallet 45 %" in view.cards["share_of_wallet"].prefilled.value
    _evidence(view, "share_of_wallet", 4, "New contract signed")
    assert view.cards["share_of_wallet"].prefilled.value == ""


def test_the_workbook_opens_the_relationship_step_inside_its_page(session):
    page = WorkbookApp(session)
    page.open_step("relationship")
    (view,) = page._slots["relationship"].children
    assert isinstance(view, RelationshipApp)


def test_a_date_that_is_not_one_is_said_next_to_it_on_its_card(session, store):
    view = app(session)
    view.feeling_reason.input.value = "A first impression"
    view.record_feeling()
    card = view.cards["retention"]
    card.level.input.value = 3
    card.as_of.input.value = "last spring"
    assert "is not a date" in card.as_of.message.text
    assert store.get_document(session.account.id, "relationship").ratings["retention"].level == 3
    card.as_of.input.value = "2026-04-01"
    assert card.as_of.message.text == ""
    saved = store.get_document(session.account.id, "relationship").ratings["retention"]
    assert str(saved.as_of) == "2026-04-01"


def test_a_bad_date_in_a_plan_row_keeps_that_rows_saved_date(session, store):
    import datetime as dt

    view = app(session)
    view.feeling_reason.input.value = "A first impression"
    view.record_feeling()
    row = view.plan_rows[1]  # the second row, the first left empty
    row[0].input.value = "testimonial"
    row[3].input.value = "2027-03-31"
    row[3].input.value = "end of March"
    assert "is not a date" in row[3].message.text
    saved = store.get_document(session.account.id, "relationship").plan
    assert [(p.indicator, p.due) for p in saved] == [("testimonial", dt.date(2027, 3, 31))]
