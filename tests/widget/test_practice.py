"""Practising a case study on the workbook page, without a browser: start a case, make a known
mistake, get a hint, then the explanation, fix it and pass; the facilitator's room view follows.
The quiz gives feedback per option."""

from __future__ import annotations

import pytest

from kamkit.exercises import load_key
from kamkit.review import ReviewSession
from kamkit.session import Session
from kamkit.ui.practice import PracticePanel, case_intro
from kamkit.ui.quiz import QuizApp
from kamkit.ui.workbook import WorkbookApp
from kamkit.ui.workshop import WorkshopApp
from tests.payloads import html_of


@pytest.fixture
def trainee(store):
    return store.add_trainee("Ann", cohort="Room 1")


@pytest.fixture
def page(store, trainee):
    return WorkbookApp(Session(store, trainee))


def _panel(page, step) -> PracticePanel:
    page.open_step(step)
    view = page._step_views[step]
    return view.children[0]


def test_the_workbook_offers_the_cases_and_opens_one_with_its_facts(page, store, trainee):
    assert [label.split(" - ")[0] for label, _ in page.case_choice.options] == [
        "Brightwater Print Group", "Corvel Foods", "Halden Medical Devices"]
    page.start_case("halden")
    session = page.session
    assert session.account.case_id == "halden"
    assert "Practising on “Halden Medical Devices (case study)”" in page.practice_message.text
    assert page.tabs.selected_index == 1
    panel = _panel(page, "profile")
    assert "Lena Holt" in panel.brief.value and panel.brief_box.selected_index == 0
    assert session.load("profile").total_category_spend == 4_600_000
    assert [p.name for p in session.load("stakeholders").people][:2] == [
        "Henrik Aas", "Ingrid Sæther"]
    page.start_case("halden")  # again: the same practice account, not a second one
    assert len(store.list_accounts(trainee.id)) == 1


def _rate(session, changes):
    doc = session.load("stakeholders")
    session.save("stakeholders", doc.model_copy(update={"people": [
        p.model_copy(update=changes[p.id]) if p.id in changes else p for p in doc.people]}))


def test_known_mistakes_get_a_hint_then_the_explanation_then_pass(page):
    page.start_case("halden")
    session = page.session
    panel = _panel(page, "stakeholders")
    key = load_key("halden", session.framework)
    right = {pid: {"influence": pk.influence, "support": pk.support, "role": pk.role}
             for pid, pk in key.parts["stakeholders"].people.items()}
    # the right answers, except three: the CFO as an Observer, the COO won over, Mads decisive
    _rate(session, right | {"ingrid": right["ingrid"] | {"influence": 2, "support": 0},
                            "oskar": right["oskar"] | {"support": 1},
                            "mads": right["mads"] | {"influence": 5}})

    first = panel.check()
    assert not first.passed and "Look again at Ingrid Sæther" in panel.feedback.value
    assert "€50k" not in panel.feedback.value  # a hint, not the answer
    assert "1 attempt · pass mark" in panel.status.value
    assert "First try: 70 % (counted) · Best: 70 %" in panel.record.value
    second = panel.check()
    assert "the key says Threat" in panel.feedback.value and "€50k" in panel.feedback.value
    assert second.attempt == 2 and not second.passed

    _rate(session, right)
    third = panel.check()
    assert third.passed and third.score == 100 and "Passed" in panel.feedback.value
    assert "The expert's view" in panel.feedback.value and "passed ✓" in panel.status.value
    attempts = session.attempts("stakeholders")
    assert [a.attempt for a in attempts] == [1, 2, 3]
    assert attempts[0].hints == 3 and attempts[1].hints == 0
    assert attempts[0].wrong == ["person:ingrid", "person:oskar", "person:mads"]


def test_the_page_never_holds_the_facilitators_note(page):
    page.start_case("halden")
    for step in ("profile", "stakeholders", "relationship"):
        _panel(page, step).check()
        _panel(page, step).check()
    note = load_key("halden", page.framework).facilitator_note
    assert note[:30] not in html_of(page)


def test_an_ordinary_account_has_no_practice_panel(page):
    page.create_account("Acme")
    page.open_step("profile")
    assert not isinstance(page._step_views["profile"].children[0], PracticePanel)


def test_an_exercise_notebook_page_links_to_practice_mode():
    html = case_intro("corvel").children[1].value
    assert "00_workbook.ipynb?case=corvel" in html and "Élodie Marchand" in html


def test_the_facilitator_sees_the_room_and_its_common_mistakes(store):
    for name in ("Ann", "Bob", "Cy"):
        session = Session(store, store.add_trainee(name, cohort="Room 1"))
        if name != "Cy":
            session.start_case("halden")
            session.check_answers("stakeholders")
    room = WorkshopApp(ReviewSession(store, "Mia"))
    assert room.case.value == "halden"  # it opens on the case the room is working on
    room.cohort.value = "Room 1"
    assert "<b>2 of 3</b> trainees have started" in room.summary.value
    assert "not started" in room.table.value and "✗" in room.table.value
    assert "Ingrid Sæther (placement)" in room.mistakes.value
    assert "wrong for 2 of 2" in room.mistakes.value
    assert room.note.titles[0] == "Facilitator's note (not for the screen)"
    assert room.note.selected_index is None and room.note_text.value  # folded, not projected


def test_the_quiz_gives_feedback_on_the_chosen_option_and_a_score():
    quiz = QuizApp()
    card = quiz.cards[0]
    quiz.check(card)
    assert card.feedback.text == "Pick one of the options first."
    card.choice.value = 0  # Maintain: wrong
    quiz.check(card)
    assert card.feedback.text.startswith("Not quite. Maintain is for attractive accounts")
    for c in quiz.cards:
        right = next(i for i, o in enumerate(quiz.quiz.questions[quiz.cards.index(c)].options)
                     if o.correct)
        c.choice.value = right
        quiz.check(c)
    # the first card's first checked answer (wrong) stays this attempt's: 5 of 6
    assert "Your score: 83.3 % - passed" in quiz.score.value


def test_the_quiz_page_does_not_hold_the_answers():
    quiz = QuizApp()
    shown = html_of(quiz) + "".join(str(c.choice.options) for c in quiz.cards)
    assert "correct" not in shown and "Yes - attractive and weak" not in shown


def test_every_page_links_to_the_others_keeping_the_trainee(store):
    """The exercise page's way into practice, the workbook's links to the cases and the quiz,
    the quiz's way back, and a step page without an account: all carry the personal link's
    token, so nobody lands as someone else (or as nobody) on the next page."""
    from kamkit.session import Session
    from kamkit.ui.page import StepPage
    from kamkit.ui.practice import case_intro
    from kamkit.ui.quiz import QuizApp
    from kamkit.ui.workbook import WorkbookApp

    intro = case_intro("halden", query="t=tok123")
    assert "../00_workbook.ipynb?case=halden&amp;t=tok123" in intro.children[1].value
    ann = store.add_trainee("Ann")
    page = WorkbookApp(Session(store, ann, who="t=tok123"))
    assert "exercises/10_quiz.ipynb?t=tok123" in page.practice_links.value
    assert "exercises/01_halden.ipynb?t=tok123" in page.practice_links.value
    assert "../00_workbook.ipynb?t=tok123" in QuizApp(query="t=tok123").children[1].value
    step = StepPage(lambda s: None, "profile")
    step._show(Session(store, ann, who="t=tok123"))
    assert "00_workbook.ipynb?t=tok123" in step.children[1].value


def test_case_checks_show_in_the_drill_down_the_report_and_the_spreadsheet(store):
    import io

    import openpyxl

    from kamkit.io.cohort import cohort_xlsx
    from kamkit.ui.review import ReviewApp

    ann = store.add_trainee("Ann", cohort="Room 1")
    session = Session(store, ann)
    session.start_case("halden")
    session.check_answers("stakeholders")
    session.check_answers("stakeholders")
    review = ReviewSession(store, "Mia")
    page = ReviewApp(review)
    page.open_trainee(ann.id)
    assert "Case-study checks</b>: 2 attempts" in page.trainee_view.steps["stakeholders"].work.value
    assert "Case-study checks</b>: 2 attempts" in review.report(ann.id)
    book = openpyxl.load_workbook(io.BytesIO(cohort_xlsx(review, review.rows())))
    rows = [[c.value for c in line] for line in book["Case studies"].iter_rows()]
    assert rows[1][:5] == ["Ann", "Halden Medical Devices (case study)", "halden",
                           "Stakeholder map", 2]


def test_step_4_is_practised_on_every_case_and_shows_in_the_room(store):
    """The opportunities step is checked on each case: its panel sits above the step's view
    (whatever that view is), the first check gives hints in words, and the room shows the step
    as a column and its mistakes by opportunity."""
    import ipywidgets as widgets

    from kamkit.exercises import checked_steps, list_cases
    from kamkit.ui.practice import feedback_html, with_practice

    assert all("opportunities" in checked_steps(load_key(c.id)) for c in list_cases())
    session = Session(store, store.add_trainee("Ann", cohort="Room 1"))
    session.start_case("halden")
    view = with_practice(session, "opportunities", widgets.HTML("the step's view"))
    assert isinstance(view.children[0], PracticePanel)
    feedback = view.children[0].check()
    assert not feedback.passed
    assert "Look again at your decision (Brno tender)" in feedback_html(feedback)
    room = WorkshopApp(ReviewSession(store, "Mia"))
    room.cohort.value = "Room 1"
    assert "4. Opportunities" in room.table.value
    assert "Brno tender: your decision" in room.mistakes.value
