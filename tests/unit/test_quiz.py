"""The quiz: one right option per question, feedback for every option, a score."""

from __future__ import annotations

import pytest

from kamkit.errors import ContentError, InvalidInput
from kamkit.quiz import answer, load_quiz, quiz_result, quiz_score


def test_every_question_has_exactly_one_right_option_and_feedback_on_each():
    quiz = load_quiz()
    assert len(quiz.questions) >= 5
    for q in quiz.questions:
        assert sum(o.correct for o in q.options) == 1
        assert all(o.feedback.strip() for o in q.options)


def test_answer_returns_the_feedback_of_the_chosen_option():
    quiz = load_quiz()
    right, text = answer(quiz, "threat", 2)
    assert right and text.startswith("Yes - high influence and opposed")
    right, text = answer(quiz, "threat", 0)
    assert not right and "little influence" in text


@pytest.mark.parametrize("choice", [None, -1, 9])
def test_no_choice_or_a_choice_out_of_range_is_asked_again(choice):
    with pytest.raises(InvalidInput, match="Pick one of the options"):
        answer(load_quiz(), "threat", choice)


def test_the_score_counts_right_answers():
    quiz = load_quiz()
    right = {q.id: next(i for i, o in enumerate(q.options) if o.correct) for q in quiz.questions}
    assert quiz_score(quiz, right) == 100
    assert quiz_score(quiz, {}) == 0
    first = quiz.questions[0].id
    assert quiz_score(quiz, {first: right[first]}) == round(100 / len(quiz.questions), 1)


def test_a_quiz_with_two_right_options_is_refused(tmp_path):
    bad = tmp_path / "quiz.yaml"
    bad.write_text("id: t\ntitle: T\npass_mark: 50\nquestions:\n"
                   "  - id: q\n    text: Q?\n    options:\n"
                   "      - {text: a, correct: true, feedback: x}\n"
                   "      - {text: b, correct: true, feedback: y}\n")
    with pytest.raises(ContentError, match="exactly one correct option"):
        load_quiz(str(bad))


def test_no_verdict_until_every_question_is_checked_then_the_pass_mark_decides():
    quiz = load_quiz()
    right = {q.id: next(i for i, o in enumerate(q.options) if o.correct) for q in quiz.questions}
    ids = set(right)
    assert quiz_result(quiz, right, ids - {next(iter(ids))}) is None
    assert quiz_result(quiz, right, ids) == (100.0, True)
    wrong = {q: (c + 1) % len(next(x for x in quiz.questions if x.id == q).options)
             for q, c in right.items()}
    assert quiz_result(quiz, wrong, ids) == (0.0, False)
