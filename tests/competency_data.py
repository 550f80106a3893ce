"""Builders for the person's records in tests: a rater's set of ratings, a case-study check, a
quiz attempt - each with only what a test is about spelled out."""

from __future__ import annotations

import datetime as dt

from kamkit.competency import CompetencyRatings, QuizAttempt, RatingSet
from kamkit.models import Attempt

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)

#: every behaviour of kamkit's competencies.yaml, by competency
BEHAVIOURS = {
    "acumen": ["customer_goals"],
    "data": ["evidence_first", "qualify_honestly"],
    "trust": ["listens"],
    "influence": ["reaches_power", "advocate"],
    "planning": ["plan_lives"],
    "team": ["conducts"],
}


def every(level: int) -> dict[str, int]:
    """Every behaviour rated `level`."""
    return {b: level for bs in BEHAVIOURS.values() for b in bs}


def rating_set(round: str, rater: str, levels: dict[str, int], *, trainee: int = 1,
               name: str = "", link: int | None = None, version: int = 1,
               minutes: int = 0) -> RatingSet:
    return RatingSet(trainee_id=trainee, round=round, rater=rater, rater_name=name,
                     link_id=link, version=version,
                     saved_at=T0 + dt.timedelta(minutes=minutes),
                     ratings=CompetencyRatings(levels=levels))


def check(step: str, score: float, *, case: str = "halden", account: int = 10, attempt: int = 1,
          passed: bool | None = None, wrong: int | None = None, hints: int | None = None,
          minutes: int = 0, id: int | None = None) -> Attempt:
    """One "Check my answers": hints on the first check of an account's step, explanations
    from the second (kamkit's default), unless `hints` says otherwise."""
    passed = score >= 70 if passed is None else passed
    wrong = (0 if score == 100 else max(1, round((100 - score) / 10))) if wrong is None else wrong
    if hints is None:
        hints = wrong if attempt == 1 else 0
    return Attempt(id=id, account_id=account, case_id=case, step=step, attempt=attempt,
                   score=score, passed=passed, hints=hints,
                   wrong=[f"item:{i}" for i in range(wrong)],
                   at=T0 + dt.timedelta(minutes=minutes))


def quiz(attempt: int, score: float, *, passed: bool | None = None, trainee: int = 1,
         name: str = "kam_basics", minutes: int = 0) -> QuizAttempt:
    return QuizAttempt(trainee_id=trainee, quiz=name, attempt=attempt, score=score,
                       passed=score >= 80 if passed is None else passed,
                       at=T0 + dt.timedelta(minutes=minutes))
