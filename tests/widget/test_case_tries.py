"""First try against best, where the trainee and the facilitator look: the practice panel says
what counts after every check (and, plainly, when a pass came only after the explanations); the
workshop room shows each trainee's first try beside their latest check, marking a pass after
the explanations."""

from __future__ import annotations

import re

import pytest

from kamkit.exercises import load_case, load_key, model_answers
from kamkit.review import ReviewSession
from kamkit.session import Session
from kamkit.ui.practice import PracticePanel, case_record, tries_html
from kamkit.ui.workbook import WorkbookApp
from kamkit.ui.workshop import WorkshopApp
from tests.competency_data import check

AFTER_EXPLANATIONS = ("Passed after the explanations were shown - your first try is what "
                      "counts")


def _panel(page, step) -> PracticePanel:
    page.open_step(step)
    return page._step_views[step].children[0]


def _key_people(session):
    key = load_key(session.account.case_id, session.framework)
    return {pid: {"influence": pk.influence, "support": pk.support, "role": pk.role}
            for pid, pk in key.parts["stakeholders"].people.items()}


def _rate(session, changes):
    doc = session.load("stakeholders")
    session.save("stakeholders", doc.model_copy(update={"people": [
        p.model_copy(update=changes[p.id]) if p.id in changes else p for p in doc.people]}))


def _three_mistakes(session):
    right = _key_people(session)
    _rate(session, right | {"ingrid": right["ingrid"] | {"influence": 2, "support": 0},
                            "oskar": right["oskar"] | {"support": 1},
                            "mads": right["mads"] | {"influence": 5}})


def _all_right(session):
    _rate(session, _key_people(session))


@pytest.fixture
def page(store):
    page = WorkbookApp(Session(store, store.add_trainee("Ann", cohort="Room 1")))
    page.start_case("halden")
    return page


# -- the trainee's practice panel ---------------------------------------------------------------

def test_the_first_try_counts_and_a_pass_after_the_explanations_says_so(page):
    session = page.session
    panel = _panel(page, "stakeholders")
    assert panel.record.value == ""  # nothing checked yet: nothing to count
    _three_mistakes(session)
    panel.check()  # hints
    assert "First try: 70 % (counted) · Best: 70 %" in panel.record.value
    assert "Passed" not in panel.record.value
    panel.check()  # the explanations
    _all_right(session)
    panel.check()
    assert "First try: 70 % (counted) · Best: 100 %" in panel.record.value
    assert AFTER_EXPLANATIONS in panel.record.value
    # the page opened again later says the same, before any check
    again = WorkbookApp(Session(session.store, session.trainee))
    again.start_case("halden")
    reopened = _panel(again, "stakeholders")
    assert reopened.record.value == panel.record.value


def test_a_pass_after_hints_only_is_not_called_one_after_the_explanations(page):
    session = page.session
    panel = _panel(page, "stakeholders")
    _three_mistakes(session)
    panel.check()  # hints only
    _all_right(session)
    panel.check()
    assert "Passed after the hints - your first try is what counts" in panel.record.value
    assert AFTER_EXPLANATIONS not in panel.record.value


def test_a_pass_at_the_first_try_is_said_with_its_score(page):
    session = page.session
    _all_right(session)
    panel = _panel(page, "stakeholders")
    panel.check()
    assert "First try: 100 % (counted) · Best: 100 %" in panel.record.value
    assert "Passed at the first try ✓" in panel.record.value


def test_starting_the_case_afresh_keeps_the_first_try_of_the_first_start(page):
    session = page.session
    _three_mistakes(session)
    _panel(page, "stakeholders").check()
    _panel(page, "stakeholders").check()  # the explanations seen
    session.start_case("halden", fresh=True)
    _all_right(session)
    fresh = PracticePanel(session, "stakeholders")
    fresh.check()
    assert "1 attempt" in fresh.status.value  # this account's checks
    assert "First try: 70 % (counted) · Best: 100 %" in fresh.record.value
    assert AFTER_EXPLANATIONS in fresh.record.value
    # a step first checked on the fresh start never gets a first try
    other = PracticePanel(session, "relationship")
    other.check()
    assert "First try: not counted" in other.record.value


def test_the_record_words_for_each_way_a_step_went():
    passed_first = case_record([check("profile", 90)], "halden")
    assert "First try: 90 % (counted) · Best: 90 %" in tries_html(passed_first, "profile")
    assert tries_html(passed_first, "stakeholders") == ""  # not checked: nothing said
    assert tries_html(None, "profile") == ""
    assert case_record([check("profile", 90)], "corvel") is None


# -- the workshop room ---------------------------------------------------------------------------

def _row(table: str, name: str) -> str:
    (row,) = [r for r in re.findall(r"<tr>(.*?)</tr>", table) if f"<td>{name}</td>" in r]
    return row


def test_the_room_shows_each_first_try_beside_the_latest_and_marks_after_explanations(store):
    ann = Session(store, store.add_trainee("Ann", cohort="Room 1"))
    ann.start_case("halden")
    _three_mistakes(ann)
    ann.check_answers("stakeholders")
    ann.check_answers("stakeholders")  # the explanations
    _all_right(ann)
    ann.check_answers("stakeholders")
    bob = Session(store, store.add_trainee("Bob", cohort="Room 1"))
    bob.start_case("halden")
    docs = model_answers(load_case("halden"), load_key("halden", bob.framework))
    bob.save("stakeholders", docs["stakeholders"])
    bob.check_answers("stakeholders")
    Session(store, store.add_trainee("Cy", cohort="Room 1"))

    room = WorkshopApp(ReviewSession(store, "Mia"))
    room.cohort.value = "Room 1"
    anns = _row(room.table.value, "Ann")
    assert "100 % <span class='kk-muted'>(try 3)</span>" in anns  # the latest
    assert "first try 70 %" in anns and "after explanations" in anns
    bobs = _row(room.table.value, "Bob")
    assert "first try 100 %" in bobs and "after explanations" not in bobs
    assert "not started" in _row(room.table.value, "Cy")
    assert "first try" in room.summary.value  # the room is told what the figures are


def test_the_room_counts_the_first_try_of_a_trainees_first_start(store):
    """Ann started the case afresh after seeing the explanations: the room shows her latest
    check on the fresh start, and her first try from the first start."""
    ann = Session(store, store.add_trainee("Ann", cohort="Room 1"))
    ann.start_case("halden")
    _three_mistakes(ann)
    ann.check_answers("stakeholders")
    ann.check_answers("stakeholders")
    ann.start_case("halden", fresh=True)
    _all_right(ann)
    ann.check_answers("stakeholders")
    ann.check_answers("relationship")
    rows, _ = ReviewSession(store, "Mia").room("halden", "Room 1")
    (row,) = rows
    assert row.account_id == ann.account.id and row.attempts == 2  # the fresh start's checks
    assert row.case.first_try == {"stakeholders": 70}
    room = WorkshopApp(ReviewSession(store, "Mia"))
    room.cohort.value = "Room 1"
    anns = _row(room.table.value, "Ann")
    assert "(try 1)</span><br><span class='kk-muted kk-first'>first try 70 %" in anns
    assert "after explanations" in anns and "first try not counted" in anns
