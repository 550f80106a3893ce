"""A short quiz on the ideas behind the workbook, with feedback on every option.

The questions live in `exercises/quiz.yaml`. Which option is right, and why each one is right or
wrong, stay here in Python: a page only ever receives the question, the options' texts, and the
feedback for the option the trainee chose.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kamkit.errors import InvalidInput
from kamkit.frameworks import load_yaml
from kamkit.resources import exercises_dir

__all__ = ["QUIZ_FILE", "Quiz", "Question", "load_quiz", "answer", "quiz_score", "quiz_result",
           "Option"]

QUIZ_FILE = exercises_dir() / "quiz.yaml"


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Option(_Data):
    text: str
    correct: bool = False
    feedback: str


class Question(_Data):
    id: str
    text: str
    options: tuple[Option, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _one_right_answer(self) -> Question:
        if sum(o.correct for o in self.options) != 1:
            raise ValueError(f"question '{self.id}' needs exactly one correct option")
        return self


class Quiz(_Data):
    title: str
    pass_mark: float = Field(gt=0, le=100)
    questions: tuple[Question, ...] = Field(min_length=1)


@lru_cache(maxsize=4)
def load_quiz(path: str = str(QUIZ_FILE)) -> Quiz:
    return load_yaml(Path(path), Quiz)


def answer(quiz: Quiz, question_id: str, choice: int | None) -> tuple[bool, str]:
    """(right?, the feedback for the chosen option)."""
    question = next((q for q in quiz.questions if q.id == question_id), None)
    if question is None:
        raise InvalidInput(f"There is no question '{question_id}'.")
    if choice is None or not 0 <= choice < len(question.options):
        raise InvalidInput("Pick one of the options first.", field=question_id)
    option = question.options[choice]
    return option.correct, option.feedback


def quiz_score(quiz: Quiz, choices: dict[str, int | None]) -> float:
    """Percentage of questions answered right."""
    right = sum(1 for q in quiz.questions
                if choices.get(q.id) is not None and q.options[choices[q.id]].correct)  # type: ignore
    return round(100 * right / len(quiz.questions), 1)


def quiz_result(quiz: Quiz, choices: dict[str, int | None],
                checked: set[str]) -> tuple[float, bool] | None:
    """(score, passed?) once every question has been checked, else None (no verdict on half a
    quiz)."""
    if not {q.id for q in quiz.questions} <= checked:
        return None
    score = quiz_score(quiz, choices)
    return score, score >= quiz.pass_mark
