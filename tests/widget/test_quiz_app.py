"""The quiz page on an in-memory store, used as a trainee would - without a browser: a first
attempt kept and counted, a re-picked answer that does not improve it, a retake for practice,
a later visit, and a page that does not know who is looking."""

from __future__ import annotations

import pytest

from kamkit.quiz import load_quiz, shown_order
from kamkit.session import Session
from kamkit.ui.quiz import QuizApp, app


@pytest.fixture
def ann(store):
    return store.add_trainee("Ann", cohort="May")


@pytest.fixture
def page(store, ann):
    return app(Session(store, ann, who="t=tok123"))


def _right(card) -> int:
    return next(i for i, o in enumerate(load_quiz().question(card.question_id).options)
                if o.correct)


def _wrong(card) -> int:
    return next(i for i, o in enumerate(load_quiz().question(card.question_id).options)
                if not o.correct)


def _answer(page, choose, cards=None) -> None:
    for card in cards or page.cards:
        card.choice.value = choose(card)
        card.check_button.click()


def _two_wrong(card) -> int:
    return _wrong(card) if card.question_id in ("purpose", "threat") else _right(card)


def test_the_page_shows_the_trainees_own_order(page, ann):
    quiz = load_quiz()
    assert [c.question_id for c in page.cards] == [q.id for q, _ in shown_order(quiz, ann.id)]
    first, options = shown_order(quiz, ann.id)[0]
    assert page.cards[0].title.value.startswith("<b>1. ")
    assert page.cards[0].choice.options == tuple((first.options[i].text, i) for i in options)
    assert page.questions.layout.display is None
    assert "00_workbook.ipynb?t=tok123" in page.back.value


def test_a_first_completed_attempt_is_kept_and_counts(page, store, ann):
    _answer(page, _two_wrong)
    (kept,) = store.list_quiz_attempts([ann.id])
    assert (kept.quiz, kept.attempt, kept.score, kept.passed) == ("ideas", 1, 66.7, False)
    assert kept.answers["purpose"] == _wrong(next(c for c in page.cards
                                                  if c.question_id == "purpose"))
    assert ("Your score: 66.7 % - not passed yet (pass mark 75 %). This first attempt is the "
            "one that counts; you can retake the quiz for practice.") in page.score.value
    assert page.retake_button.layout.display is None


def test_no_verdict_and_nothing_kept_until_every_question_is_checked(page, store, ann):
    _answer(page, _right, page.cards[:-1])
    assert page.score.value == "" and store.list_quiz_attempts() == []
    assert page.retake_button.layout.display == "none"


def test_re_picking_and_checking_again_does_not_improve_the_attempt(page, store, ann):
    """The old quiz's hole: all wrong, re-pick, Check again, "100 % passed"."""
    _answer(page, _wrong)
    _answer(page, _right)
    card = page.cards[0]
    assert card.feedback.text.startswith("Right. ")  # feedback for the re-check ...
    assert "keeps the answer you checked first" in card.feedback.text  # ... said plainly
    (kept,) = store.list_quiz_attempts([ann.id])  # ... and no second attempt
    assert kept.score == 0 and not kept.passed
    assert "Your score: 0 % - not passed yet" in page.score.value
    assert "100 %" not in page.score.value


def test_a_retake_clears_the_cards_and_is_labelled_practice(page, store, ann):
    _answer(page, _two_wrong)
    page.retake_button.click()
    assert all(c.choice.value is None and c.feedback.text == "" for c in page.cards)
    assert page.retake_button.layout.display == "none"
    assert "from your first attempt on" in page.score.value  # the counted attempt stays
    _answer(page, _right)
    assert [a.attempt for a in store.list_quiz_attempts([ann.id])] == [1, 2]
    assert "Your score: 66.7 % - not passed yet (pass mark 75 %), from your first attempt" \
        in page.score.value
    assert "Practice retake: 100 % (passed)" in page.score.value
    assert "This first attempt is the one that counts" not in page.score.value


def test_a_later_visit_shows_the_counted_attempt_and_labels_the_new_score_practice(page, store,
                                                                                  ann):
    _answer(page, _right)
    again = app(Session(store, ann))
    assert [c.question_id for c in again.cards] == [c.question_id for c in page.cards]
    assert [c.choice.options for c in again.cards] == [c.choice.options for c in page.cards]
    assert all(c.choice.value is None for c in again.cards)
    assert "Your score: 100 % - passed (pass mark 75 %), from your first attempt" \
        in again.score.value
    assert "anything you answer now is practice" in again.notice.text
    _answer(again, _two_wrong)
    attempts = store.list_quiz_attempts([ann.id])
    assert [(a.attempt, a.score) for a in attempts] == [(1, 100), (2, 66.7)]
    assert "Practice retake: 66.7 % (not passed yet)" in again.score.value
    assert "Your score: 100 % - passed" in again.score.value


def test_opening_for_a_personal_link_shows_that_trainees_quiz(store, ann):
    token = store.issue_token(ann.id)
    page = app()
    assert "Opening the quiz" in page.notice.text and page.questions.layout.display == "none"
    page.open_for_request(store=store, env={"QUERY_STRING": f"t={token}"})
    assert page.session.trainee.id == ann.id
    assert page.questions.layout.display is None
    assert f"00_workbook.ipynb?t={token}" in page.back.value
    _answer(page, _right)
    assert len(store.list_quiz_attempts([ann.id])) == 1


def test_a_page_without_a_trainee_says_so_and_saves_nothing(store, ann):
    page = QuizApp()
    page.open_for_request(store=store, env={"QUERY_STRING": "t=guess", "KAMKIT_ACCESS": "links"})
    assert page.session is None
    assert "not valid" in page.notice.text and "nothing you answer is saved" in page.notice.text
    assert page.questions.layout.display is None  # the quiz can still be read
    assert [c.question_id for c in page.cards] == [q.id for q in load_quiz().questions]
    _answer(page, _right)
    assert page.cards[0].feedback.text.startswith("Right. ")
    assert "Your score: 100 % - passed (pass mark 75 %). Not saved: this page does not know " \
        "who you are." in page.score.value
    assert store.list_quiz_attempts() == []
    page.retake_button.click()
    assert all(c.choice.value is None for c in page.cards)


def test_a_save_that_fails_is_said_and_the_next_check_tries_again(page, store, ann,
                                                                  monkeypatch):
    from kamkit.errors import InvalidInput

    real = store.add_quiz_attempt

    def busy(*args, **kwargs):
        raise InvalidInput("The quiz could not be saved just now: please press Check again.")

    monkeypatch.setattr(store, "add_quiz_attempt", busy)
    _answer(page, _right)
    assert "could not be saved just now" in page.message.text
    assert store.list_quiz_attempts() == []
    monkeypatch.setattr(store, "add_quiz_attempt", real)
    page.cards[0].check_button.click()
    assert page.message.text == "" and len(store.list_quiz_attempts([ann.id])) == 1
    assert "This first attempt is the one that counts" in page.score.value
