"""The quiz as a record: the first completed attempt counts and retakes are practice, an attempt
keeps the answer first checked, each trainee's order is their own and stable, and the key never
reaches the page."""

from __future__ import annotations

import json

import ipywidgets as widgets
import pytest

from kamkit.errors import ContentError, InvalidInput
from kamkit.quiz import (
    Quiz,
    Sheet,
    attempts,
    check,
    counted_attempt,
    finish,
    load_quiz,
    option_order,
    record,
    result_lines,
    shown_order,
)


@pytest.fixture
def quiz() -> Quiz:
    return load_quiz()


@pytest.fixture
def ann(store):
    return store.add_trainee("Ann")


def _right(quiz: Quiz) -> dict[str, int]:
    return {q.id: next(i for i, o in enumerate(q.options) if o.correct) for q in quiz.questions}


def _wrong(quiz: Quiz, question_id: str) -> int:
    return next(i for i, o in enumerate(quiz.question(question_id).options) if not o.correct)


def _all_but_two_right(quiz: Quiz) -> dict[str, int]:
    answers = _right(quiz)
    for q in list(answers)[:2]:
        answers[q] = _wrong(quiz, q)
    return answers


def test_kamkits_quiz_is_named_and_shuffled_from_its_content(quiz):
    assert quiz.id == "ideas"
    assert quiz.shuffle.questions and quiz.shuffle.options


def test_a_quiz_without_shuffle_keeps_the_written_order(tmp_path):
    path = tmp_path / "quiz.yaml"
    path.write_text("id: mine\ntitle: T\npass_mark: 50\nquestions:\n"
                    "  - {id: a, text: A, options: [{text: x, correct: true, feedback: f},"
                    " {text: y, feedback: g}, {text: z, feedback: h}]}\n"
                    "  - {id: b, text: B, options: [{text: x, correct: true, feedback: f},"
                    " {text: y, feedback: g}]}\n")
    mine = load_quiz(str(path))
    assert not mine.shuffle.questions and not mine.shuffle.options
    for trainee in range(1, 30):
        assert [(q.id, order) for q, order in shown_order(mine, trainee)] == [
            ("a", [0, 1, 2]), ("b", [0, 1])]


def test_two_questions_with_one_id_are_refused(tmp_path):
    path = tmp_path / "quiz.yaml"
    path.write_text("id: mine\ntitle: T\npass_mark: 50\nquestions:\n"
                    "  - {id: a, text: A, options: [{text: x, correct: true, feedback: f},"
                    " {text: y, feedback: g}]}\n"
                    "  - {id: a, text: B, options: [{text: x, correct: true, feedback: f},"
                    " {text: y, feedback: g}]}\n")
    with pytest.raises(ContentError, match="question id 'a' is used twice"):
        load_quiz(str(path))


# -- first attempt counts -------------------------------------------------------------------------

def test_the_first_completed_attempt_counts_and_retakes_are_practice(store, ann, quiz):
    first = record(store, ann.id, quiz, _all_but_two_right(quiz))
    assert (first.quiz, first.attempt, first.score, first.passed) == ("ideas", 1, 66.7, False)
    assert not first.practice
    second = record(store, ann.id, quiz, _right(quiz))
    assert second.attempt == 2 and second.practice and second.passed and second.score == 100
    tries = attempts(store, ann.id, quiz)
    assert [a.attempt for a in tries] == [1, 2]
    assert counted_attempt(tries) == first  # the better retake does not replace it
    assert counted_attempt([]) is None


def test_answers_are_kept_as_the_contents_option_index(store, ann, quiz):
    answers = _all_but_two_right(quiz)
    kept = record(store, ann.id, quiz, answers)
    assert store.list_quiz_attempts([ann.id])[0].answers == answers == kept.answers


def test_an_unfinished_quiz_is_not_kept(store, ann, quiz):
    answers = _right(quiz)
    answers.pop("gap")
    with pytest.raises(InvalidInput, match="Check every question first"):
        record(store, ann.id, quiz, answers)
    with pytest.raises(InvalidInput, match="Pick one of the options"):
        record(store, ann.id, quiz, _right(quiz) | {"gap": 9})
    assert store.list_quiz_attempts([ann.id]) == []


def test_what_the_trainee_reads_first_then_on_a_later_visit_then_after_a_retake(store, ann,
                                                                                   quiz):
    first = finish(store, ann.id, quiz, Sheet(_all_but_two_right(quiz)))
    assert result_lines(quiz, first, first.kept, saving=True) == [
        "Your score: 66.7 % - not passed yet (pass mark 75 %). This first attempt is the one "
        "that counts; you can retake the quiz for practice."]
    counted = first.kept
    visit = result_lines(quiz, Sheet(), counted, saving=True)
    assert len(visit) == 1 and visit[0].startswith(
        "Your score: 66.7 % - not passed yet (pass mark 75 %), from your first attempt on ")
    assert visit[0].endswith("- the one that counts. Retakes are practice.")
    retake = finish(store, ann.id, quiz, Sheet(_right(quiz)))
    lines = result_lines(quiz, retake, counted, saving=True)
    assert lines[0] == visit[0]
    assert lines[1].startswith("Practice retake: 100 % (passed)")


# -- the answer first checked -------------------------------------------------------------------

def test_checking_again_gives_feedback_but_the_attempt_keeps_the_first_answer(quiz):
    wrong, right = _wrong(quiz, "threat"), _right(quiz)["threat"]
    first = check(quiz, Sheet(), "threat", wrong)
    assert not first.right and not first.kept_first and first.sheet.answers == {"threat": wrong}
    again = check(quiz, first.sheet, "threat", right)
    assert again.right and again.feedback.startswith("Yes - high influence and opposed")
    assert again.kept_first and again.sheet.answers == {"threat": wrong}
    same = check(quiz, again.sheet, "threat", wrong)
    assert not same.kept_first  # the same answer again: nothing to warn about


def test_nothing_chosen_is_asked_again_and_changes_nothing(quiz):
    with pytest.raises(InvalidInput, match="Pick one of the options"):
        check(quiz, Sheet(), "threat", None)


def test_a_re_picked_quiz_records_its_first_answers_once(store, ann, quiz):
    sheet = Sheet()
    for q in quiz.questions:  # every answer wrong first
        sheet = check(quiz, sheet, q.id, _wrong(quiz, q.id)).sheet
    for q in quiz.questions:  # then every answer re-picked right and checked again
        sheet = check(quiz, sheet, q.id, _right(quiz)[q.id]).sheet
    sheet = finish(store, ann.id, quiz, sheet)
    assert sheet.kept is not None and sheet.kept.score == 0 and not sheet.kept.passed
    assert finish(store, ann.id, quiz, sheet) is sheet  # kept once per attempt
    assert len(store.list_quiz_attempts([ann.id])) == 1


def test_half_a_quiz_or_nobody_known_keeps_nothing(store, ann, quiz):
    half = Sheet({"threat": 2})
    assert finish(store, ann.id, quiz, half) is half
    whole = Sheet(_right(quiz))
    assert finish(None, None, quiz, whole) is whole and whole.kept is None
    assert result_lines(quiz, whole, None, saving=False) == [
        "Your score: 100 % - passed (pass mark 75 %). Not saved: this page does not know who "
        "you are."]
    assert store.list_quiz_attempts() == []


# -- each trainee's order ----------------------------------------------------------------

def _order(quiz, trainee_id):
    return [(q.id, tuple(options)) for q, options in shown_order(quiz, trainee_id)]


def test_the_order_is_the_trainees_own_and_the_same_on_every_visit(quiz):
    assert _order(quiz, 7) == _order(quiz, 7) == _order(load_quiz.__wrapped__(), 7)
    orders = {tuple(_order(quiz, t)) for t in range(1, 21)}
    assert len(orders) == 20  # twenty trainees, twenty orders
    assert _order(quiz, 1) != _order(quiz, 2)
    # the seed the content promises: trainee and question
    import random

    expected = list(range(len(quiz.question("threat").options)))
    random.Random("7:threat").shuffle(expected)
    assert option_order(quiz, quiz.question("threat"), 7) == expected


def test_a_shuffled_order_keeps_every_question_and_every_option(quiz):
    for trainee in range(1, 50):
        shown = shown_order(quiz, trainee)
        assert sorted(q.id for q, _ in shown) == sorted(q.id for q in quiz.questions)
        for q, options in shown:
            assert sorted(options) == list(range(len(q.options)))


def test_without_a_trainee_the_quiz_reads_in_the_written_order(quiz):
    assert _order(quiz, None) == [(q.id, tuple(range(len(q.options)))) for q in quiz.questions]


# -- the key stays in the kernel ----------------------------------------------------------------

def _states(widget: widgets.Widget) -> list[dict]:
    """The state of every widget in the page, as the page receives it (children, layouts and
    styles included)."""
    out = [widget.get_state()]
    for name in ("layout", "style"):
        part = getattr(widget, name, None)
        if isinstance(part, widgets.Widget):
            out.append(part.get_state())
    for child in getattr(widget, "children", ()):
        out += _states(child)
    return out


def test_the_page_never_receives_which_option_is_right(store, ann, quiz):
    from kamkit.session import Session
    from kamkit.ui.quiz import QuizApp

    page = QuizApp(Session(store, ann))
    values = [[v for _, v in card.choice.options] for card in page.cards]
    assert any(v != sorted(v) for v in values)  # shuffled: a value would tell the content index
    sent = json.dumps(_states(page), default=str)
    assert "correct" not in sent
    for q in quiz.questions:
        for option in q.options:
            assert option.feedback not in sent  # no feedback before a check
    for card, own in zip(page.cards, values, strict=True):
        state = card.choice.get_state()
        # the radio buttons send their labels and which one is picked - never their values
        assert state["_options_labels"] == tuple(label for label, _ in card.choice.options)
        assert not any(own == list(v) for v in state.values() if isinstance(v, (list, tuple)))
        assert json.dumps(own) not in sent and str(tuple(own)) not in sent
        assert not {"value", "label", "_options_values"} & set(state)
        assert state["index"] is None  # nothing picked yet, not the first option
