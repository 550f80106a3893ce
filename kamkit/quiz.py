"""A short quiz on the ideas behind the workbook, with feedback on every option - and the
trainee's record of it: the first attempt counts (it exists from its first checked answer),
later ones are practice.

The questions live in `exercises/quiz.yaml`. Which option is right, and why each one is right or
wrong, stay here in Python: a page only ever receives the question, the options' texts, and the
feedback for the option the trainee chose. When the content asks for it (`shuffle`), each trainee
sees the questions and the options in an order of their own, the same on every visit; answers are
always kept as the option's index in the content's order.

The rules of an attempt are pure functions of a `Sheet` (what one attempt on a page has checked):
the answer first checked for a question is the one the attempt records, however often it is
checked again; each answer is kept as it is first checked (`finish`, through the store's
`record_quiz_answer`), so leaving the page half-way and coming back continues the same attempt
(`resume`) - a reload never gives a fresh counted attempt.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kamkit.competency import QuizAttempt
from kamkit.errors import InvalidInput
from kamkit.frameworks import load_yaml
from kamkit.models import Ref
from kamkit.resources import exercises_dir
from kamkit.scoring.competency import quiz_record

if TYPE_CHECKING:
    from kamkit.store_people import PeopleVerbs

__all__ = ["QUIZ_FILE", "QUIZ_PAGE", "Quiz", "Question", "Option", "Shuffle", "load_quiz", "answer",
           "quiz_score", "quiz_result", "shown_order", "option_order", "Sheet", "Checked", "check",
           "record", "finish", "resume", "grade", "attempts", "counted_attempt", "result_lines"]

#: the exercise page that is the quiz (`exercises/NN_quiz.ipynb`; the others are cases)
QUIZ_PAGE = "quiz"

QUIZ_FILE = exercises_dir() / "quiz.yaml"


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Option(_Data):
    text: str
    correct: bool = False
    feedback: str


class Question(_Data):
    id: Ref
    text: str
    options: tuple[Option, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _one_right_answer(self) -> Question:
        if sum(o.correct for o in self.options) != 1:
            raise ValueError(f"question '{self.id}' needs exactly one correct option")
        return self


class Shuffle(_Data):
    """Whether each trainee gets the questions, and each question's options, in an order of
    their own (stable across visits: seeded by who they are)."""

    questions: bool = False
    options: bool = False


class Quiz(_Data):
    id: Ref = Field(description="names the quiz in the trainees' records (QuizAttempt.quiz)")
    title: str
    pass_mark: float = Field(gt=0, le=100)
    shuffle: Shuffle = Field(default_factory=Shuffle)
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _questions_named_once(self) -> Quiz:
        ids = [q.id for q in self.questions]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:  # answers are kept by question id: two questions must not share one
            raise ValueError(f"question id '{twice[0]}' is used twice")
        return self

    def question(self, question_id: str) -> Question:
        found = next((q for q in self.questions if q.id == question_id), None)
        if found is None:
            raise InvalidInput(f"There is no question '{question_id}'.")
        return found


@lru_cache(maxsize=4)
def load_quiz(path: str = str(QUIZ_FILE)) -> Quiz:
    return load_yaml(Path(path), Quiz)


def answer(quiz: Quiz, question_id: str, choice: int | None) -> tuple[bool, str]:
    """(right?, the feedback for the chosen option); `choice` is the content's option index."""
    question = quiz.question(question_id)
    if choice is None or not 0 <= choice < len(question.options):
        raise InvalidInput("Pick one of the options first.", field=question_id)
    option = question.options[choice]
    return option.correct, option.feedback


def quiz_score(quiz: Quiz, choices: Mapping[str, int | None]) -> float:
    """Percentage of questions answered right."""
    right = 0
    for q in quiz.questions:
        choice = choices.get(q.id)
        right += choice is not None and 0 <= choice < len(q.options) and q.options[choice].correct
    return round(100 * right / len(quiz.questions), 1)


def quiz_result(quiz: Quiz, choices: Mapping[str, int | None],
                checked: set[str]) -> tuple[float, bool] | None:
    """(score, passed?) once every question has been checked, else None (no verdict on half a
    quiz)."""
    if not {q.id for q in quiz.questions} <= checked:
        return None
    score = quiz_score(quiz, choices)
    return score, score >= quiz.pass_mark


# -- the order a trainee sees ------------------------------------------------------------------

def option_order(quiz: Quiz, question: Question, trainee_id: int | None) -> list[int]:
    """The content indices of `question`'s options in the order this trainee sees them."""
    order = list(range(len(question.options)))
    if trainee_id is not None and quiz.shuffle.options:
        random.Random(f"{trainee_id}:{question.id}").shuffle(order)
    return order


def shown_order(quiz: Quiz, trainee_id: int | None) -> list[tuple[Question, list[int]]]:
    """The questions as this trainee sees them, each with its options' content indices in the
    order shown: the content's order without a trainee (or without `shuffle`), else an order
    of their own that every visit repeats."""
    questions = list(quiz.questions)
    if trainee_id is not None and quiz.shuffle.questions:
        random.Random(f"{trainee_id}:{quiz.id}").shuffle(questions)
    return [(q, option_order(quiz, q, trainee_id)) for q in questions]


# -- one attempt ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sheet:
    """One attempt on a page: the answer first checked for each question (its content option
    index), which of them the store already keeps (`saved`), and, once every question is
    checked and saved, the saved attempt (`kept`)."""

    answers: Mapping[str, int] = field(default_factory=dict)
    kept: QuizAttempt | None = None
    saved: frozenset[str] = frozenset()

    def complete(self, quiz: Quiz) -> bool:
        return all(q.id in self.answers for q in quiz.questions)


class Checked(NamedTuple):
    """What checking one question gives: the sheet after it, right?, the feedback for the
    option chosen now, and whether the attempt keeps an earlier, different answer."""

    sheet: Sheet
    right: bool
    feedback: str
    kept_first: bool


def check(quiz: Quiz, sheet: Sheet, question_id: str, choice: int | None) -> Checked:
    """Feedback on `choice` (content index) for one question; the attempt records the answer
    first checked for it, so changing the answer and checking again never improves the
    attempt. InvalidInput when nothing (or no such option) is chosen."""
    right, feedback = answer(quiz, question_id, choice)
    first = sheet.answers.get(question_id)
    if first is None:
        sheet = Sheet({**sheet.answers, question_id: choice},  # type: ignore[dict-item]
                      sheet.kept, sheet.saved)
    return Checked(sheet, right, feedback, first is not None and first != choice)


def record(store: PeopleVerbs, trainee_id: int, quiz: Quiz,
           answers: Mapping[str, int]) -> QuizAttempt:
    """Keep a completed quiz (every question answered) as the trainee's next attempt: its score,
    whether it passed, and the answers as content option indices. The store numbers it: the
    first attempt counts, later ones are practice."""
    missing = [q.id for q in quiz.questions if q.id not in answers]
    if missing:
        raise InvalidInput("Check every question first: a quiz is kept when it is complete.",
                           field=missing[0])
    for q in quiz.questions:
        answer(quiz, q.id, answers[q.id])  # an option of the question, or InvalidInput
    score = quiz_score(quiz, answers)
    return store.add_quiz_attempt(trainee_id, quiz.id, score, score >= quiz.pass_mark,
                                  {q.id: answers[q.id] for q in quiz.questions})


def grade(quiz: Quiz, answers: Mapping[str, int]) -> tuple[float, bool]:
    """(score, passed?) of an attempt's answers: the score counts the answers given over all
    the questions; an incomplete attempt never passes."""
    score = quiz_score(quiz, answers)
    complete = all(q.id in answers for q in quiz.questions)
    return score, complete and score >= quiz.pass_mark


def finish(store: PeopleVerbs | None, trainee_id: int | None, quiz: Quiz, sheet: Sheet) -> Sheet:
    """The sheet, each answer kept in the trainee's record as it is first checked (an attempt
    exists from its first checked answer); once complete, `kept` is the saved attempt. What the
    store keeps wins: a question it already has an answer for keeps that one. Without a
    trainee (a page that does not know who is looking) nothing is kept."""
    unsaved = [q for q in sheet.answers if q not in sheet.saved]
    if store is None or trainee_id is None or not unsaved:
        return sheet
    saved = None
    for question_id in unsaved:
        answer(quiz, question_id, sheet.answers[question_id])  # an option, or InvalidInput
        saved = store.record_quiz_answer(trainee_id, quiz.id, question_id,
                                         sheet.answers[question_id], len(quiz.questions),
                                         lambda a: grade(quiz, a))
    assert saved is not None
    answers = dict(saved.answers)
    done = all(q.id in answers for q in quiz.questions)
    return Sheet(answers, saved if done else None, frozenset(answers))


def resume(quiz: Quiz, tries: Sequence[QuizAttempt]) -> Sheet:
    """The sheet a page opens with: the latest attempt's answers while it is incomplete (it
    goes on where it was left), else an empty sheet (the next answer starts a new attempt)."""
    latest = tries[-1] if tries else None
    if latest is None or all(q.id in latest.answers for q in quiz.questions):
        return Sheet()
    return Sheet(dict(latest.answers), None, frozenset(latest.answers))


def attempts(store: PeopleVerbs, trainee_id: int, quiz: Quiz) -> list[QuizAttempt]:
    """The trainee's attempts at this quiz, oldest first."""
    return [a for a in store.list_quiz_attempts([trainee_id]) if a.quiz == quiz.id]


def counted_attempt(tries: Sequence[QuizAttempt], quiz: Quiz | None = None
                    ) -> QuizAttempt | None:
    """The attempt that counts: the first one, finished or not (as the figures count it)."""
    return quiz_record(tries, None, None if quiz is None else len(quiz.questions)).first


# -- what the trainee reads ---------------------------------------------------------------------

def _verdict(quiz: Quiz, score: float, passed: bool) -> str:
    return (f"{score:g} % - {'passed' if passed else 'not passed yet'} "
            f"(pass mark {quiz.pass_mark:g} %)")


def result_lines(quiz: Quiz, sheet: Sheet, counted: QuizAttempt | None,
                 saving: bool) -> list[str]:
    """The sentences under the quiz: the attempt that counts (as it was kept), and this page's
    attempt - counted, practice, or (`saving` False: nobody known) not saved."""
    this = sheet.kept
    if this is not None and not this.practice:
        return [f"Your score: {_verdict(quiz, this.score, this.passed)}. This first attempt is "
                "the one that counts; you can retake the quiz for practice."]
    lines = []
    if counted is not None and all(q.id in counted.answers for q in quiz.questions):
        at = counted.at
        lines.append(f"Your score: {_verdict(quiz, counted.score, counted.passed)}, from your "
                     f"first attempt on {at.day} {at:%B %Y} - the one that counts. Retakes "
                     "are practice.")
    if this is not None:
        lines.append(f"Practice retake: {this.score:g} % "
                     f"({'passed' if this.passed else 'not passed yet'}). Practice does not "
                     "change the score that counts.")
    elif sheet.complete(quiz) and not saving:
        score = quiz_score(quiz, sheet.answers)
        lines.append(f"Your score: {_verdict(quiz, score, score >= quiz.pass_mark)}. Not saved: "
                     "this page does not know who you are.")
    return lines
