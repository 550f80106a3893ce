"""A trainee's person record as the store keeps it between dashboard pages: the record written
as two lines of compact JSON - what a dashboard shows first, then the rest, read only when asked
for - and read back equal to the one it was made from, with what it was computed from
(a stamp of the trainee's work, and the content it was scored under). A new dashboard page reads
kept records instead of scoring every trainee again; a record whose stamp or content differs is
never read back - it is scored again (and kept again).

Pure: no I/O. `kamkit.people` decides what to keep and reads it through the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kamkit import __version__
from kamkit.competency import CompetencyRatings, DevelopmentPlan, QuizAttempt, RatingSet
from kamkit.models import Attempt, trusted
from kamkit.scoring.competency import CaseTry, Certification, QuizRecord, RuleResult

__all__ = ["dump_record", "load_record", "person_stamp", "people_fingerprint", "Unpack"]

_date = dt.datetime.fromisoformat

#: how `dump_record` writes a record: another number, every kept record scored again
_FORMAT = 2


def person_stamp(stamp: Sequence[int] | None, own: Sequence[int], practice: Sequence[int]
                 ) -> str:
    """What a record is made of, as text: the trainee's stamp (`Store.person_stamps`), their
    own accounts in the dashboard's order (their reviews are listed in it) and their practice
    accounts (any order: their checks are sorted by time)."""
    return f"{','.join(map(str, stamp or ()))}|{','.join(map(str, own))}|" \
        f"{','.join(map(str, sorted(practice)))}"


def people_fingerprint(figures_fingerprint: str, quiz: str, questions: int) -> str:
    """The content a record is scored under: the framework and its steps (as for the accounts'
    figures), the quiz the page gives, and the kamkit that scored it (its rules, the way it
    writes records). The steps each case's key checks are kept in the record and compared
    when it is read."""
    text = f"{figures_fingerprint}|{quiz}|{questions}|{__version__}|{_FORMAT}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _quiz(a: QuizAttempt | None) -> list[Any] | None:
    if a is None:
        return None
    return [a.id, a.trainee_id, a.quiz, a.attempt, a.score, a.passed, a.answers, a.at.isoformat()]


def _quiz_back(v: list[Any] | None) -> QuizAttempt | None:
    if v is None:
        return None
    id_, tid, quiz, attempt, score, passed, answers, at = v
    return trusted(QuizAttempt, {"id": id_, "trainee_id": tid, "quiz": quiz, "attempt": attempt,
                                 "score": score, "passed": passed, "answers": answers,
                                 "at": _date(at)})


def dump_record(p: Any) -> str:
    """A `kamkit.people.PersonRecord` as text (without the trainee's name and cohort: those
    are read anew): a first line with what a dashboard shows - the certification and the
    learning gain - and the steps each counted case was checked on; then, read only when
    first asked for (`PersonRecord.unpack_later`), the rest: quiz, case tries, reviews, plan,
    ratings and case checks."""
    head = json.dumps({
        "certification": None if p.certification is None else [
            [r.text, r.met, r.detail] for r in p.certification.results],
        "gain": list(p.gain.items()),
        "cases": [[c.case_id, list(c.steps)] for c in p.cases],
    }, separators=(",", ":"))
    body = json.dumps({
        "sets": [[s.trainee_id, s.round, s.rater, s.rater_name, s.link_id, s.version,
                  s.saved_at.isoformat(), s.ratings.levels, s.ratings.examples,
                  s.ratings.comment] for s in p.sets],
        "attempts": [[a.id, a.account_id, a.case_id, a.step, a.attempt, a.score, a.passed,
                      a.hints, a.wrong, a.at.isoformat()] for a in p.attempts],
        "quiz": [_quiz(p.quiz.first), _quiz(p.quiz.retake), p.quiz.attempts],
        "cases": [[c.case_id, c.first_account, c.started.isoformat(), c.first_try, c.best,
                   sorted(c.passed), sorted(c.passed_first_try),
                   sorted(c.passed_after_explanations), list(c.steps)] for c in p.cases],
        "reviews": [list(r.items()) for r in p.reviews],
        "plan": None if p.plan is None else p.plan.model_dump_json(),
    }, separators=(",", ":"))
    assert "\n" not in head  # compact JSON escapes every line break: the first one ends it
    return f"{head}\n{body}"


def _body(text: str, cut: int) -> dict[str, Any]:
    """The fields `dump_record` wrote after its first line, as `PersonRecord` holds them."""
    v = json.loads(text[cut + 1:])
    return {
        "sets": [trusted(RatingSet, {
            "trainee_id": tid, "round": round, "rater": rater, "rater_name": rater_name,
            "link_id": link_id, "version": version, "saved_at": _date(saved_at),
            "ratings": trusted(CompetencyRatings, {"levels": levels, "examples": examples,
                                                   "comment": comment})})
            for tid, round, rater, rater_name, link_id, version, saved_at, levels, examples,
            comment in v["sets"]],
        "attempts": [trusted(Attempt, {
            "id": id_, "account_id": acc, "case_id": case, "step": step, "attempt": n,
            "score": score, "passed": passed, "hints": hints, "wrong": wrong, "at": _date(at)})
            for id_, acc, case, step, n, score, passed, hints, wrong, at in v["attempts"]],
        "quiz": QuizRecord(_quiz_back(v["quiz"][0]), _quiz_back(v["quiz"][1]), v["quiz"][2]),
        "cases": [CaseTry(case_id, first, _date(started), first_try, best, set(passed),
                          set(first_pass), set(explained), tuple(steps))
                  for (case_id, first, started, first_try, best, passed, first_pass, explained,
                       steps) in v["cases"]],
        "reviews": [dict(r) for r in v["reviews"]],
        "plan": None if v["plan"] is None else DevelopmentPlan.model_validate_json(v["plan"]),
    }


Unpack = Callable[[], dict[str, Any]]


def load_record(text: str, case_steps: Mapping[str, tuple[str, ...]]
                ) -> tuple[dict[str, Any], Unpack] | None:
    """What `dump_record` wrote: the fields a dashboard shows (certification and gain), and
    how to unpack the rest when first asked for (equal to what it was made from) - or None when
    a case it counts now checks other steps than it was scored with (`case_steps`: case id ->
    the steps its key checks now)."""
    cut = text.index("\n")
    v = json.loads(text[:cut])
    if any(case_steps[case_id] != tuple(steps) for case_id, steps in v["cases"]):
        return None
    certification = None if v["certification"] is None else Certification(
        tuple(RuleResult(rule, met, detail) for rule, met, detail in v["certification"]))
    return {"certification": certification,
            "gain": {key: (before, after) for key, (before, after) in v["gain"]}
            }, lambda: _body(text, cut)
