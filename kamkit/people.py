"""Each trainee as the subject of the assessment: their competency ratings, quiz, case-study
tries, the reviews of their own accounts, whether they are certified (and which rules are unmet)
and their learning gain - gathered from the store in a few bulk reads for a whole cohort, then
scored by the pure rules of `kamkit.scoring.competency`. Read by the review dashboard, the
drill-down, the exports and the trainee's own competency tab.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kamkit.competency import DevelopmentPlan, RatingSet
from kamkit.errors import KamkitError
from kamkit.exercises import checked_steps, load_key
from kamkit.frameworks import Framework
from kamkit.models import Attempt
from kamkit.quiz import load_quiz
from kamkit.scoring.competency import (
    GAIN_MEASURES,
    CaseTry,
    Certification,
    Certifier,
    CohortGain,
    QuizRecord,
    case_tries,
    cohort_gain,
    person_gain,
    quiz_record,
)
from kamkit.steps import for_framework
from kamkit.store import Store

__all__ = ["PersonRecord", "PersonCache", "person_records", "gain_labels", "cohort_gains", "MANY"]

#: above this many ids, read every row and keep the wanted ones (no long IN lists)
MANY = 2000


@dataclass
class PersonRecord:
    trainee_id: int
    name: str
    cohort: str | None
    sets: list[RatingSet] = field(default_factory=list)
    quiz: QuizRecord = QuizRecord()
    cases: list[CaseTry] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    reviews: list[dict[str, int | None]] = field(default_factory=list)
    plan: DevelopmentPlan | None = None
    certification: Certification | None = None
    gain: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)

    @property
    def certified(self) -> bool:
        return self.certification is not None and self.certification.certified


def gain_labels(framework: Framework) -> dict[str, tuple[str, bool]]:
    """The learning-gain measures in the order shown: judgement on each step a case checks,
    then the quiz, the competency ratings and the self-manager gap."""
    out = {f"judgement:{text.id}": (f"Judgement on a new case, {text.title}: first case → "
                                    f"later case (first-try %)", True)
           for text, unit in for_framework(framework) if unit.checker is not None}
    return out | GAIN_MEASURES


def _wanted(ids: list[int]) -> list[int] | None:
    return ids if len(ids) <= MANY else None


class PersonCache:
    """Person records kept between two builds of a dashboard (one per review page): a trainee
    whose stamp (`Store.person_stamps`, with their accounts) has not changed since, under the
    same content, is not read or scored again."""

    def __init__(self) -> None:
        self.fingerprint: str | None = None
        self.kept: dict[int, tuple[tuple[Any, ...], PersonRecord]] = {}


def person_records(store: Store, framework: Framework, rows: Iterable[Mapping[str, Any]],
                   cache: PersonCache | None = None) -> dict[int, PersonRecord]:
    """trainee id -> their record, for the trainees of `rows` (the store's account rows:
    trainee_id, trainee, cohort, account_id, case_id - as `list_account_rows` gives them).
    With a `cache`, only trainees whose work changed since its last build are read and
    scored."""
    rows = list(rows)
    if cache is None:
        return _records(store, framework, rows)
    if cache.fingerprint != framework.fingerprint:
        cache.fingerprint, cache.kept = framework.fingerprint, {}
    stamps = store.person_stamps()
    accounts: dict[int, list[Any]] = {}
    names: dict[int, tuple[str, str | None]] = {}
    for r in rows:
        names[r["trainee_id"]] = (r["trainee"], r.get("cohort"))
        accounts.setdefault(r["trainee_id"], []).append((r.get("account_id"), r.get("case_id")))
    stamp = {tid: (stamps.get(tid), tuple(accs)) for tid, accs in accounts.items()}
    stale = {tid for tid in accounts
             if tid not in cache.kept or cache.kept[tid][0] != stamp[tid]}
    if stale:
        fresh = _records(store, framework, [r for r in rows if r["trainee_id"] in stale])
        for tid, record in fresh.items():
            cache.kept[tid] = (stamp[tid], record)
    out = {}
    for tid in accounts:
        record = cache.kept[tid][1]
        record.name, record.cohort = names[tid]
        out[tid] = record
    return out


def _records(store: Store, framework: Framework, rows: list[Mapping[str, Any]]
             ) -> dict[int, PersonRecord]:
    people: dict[int, PersonRecord] = {}
    own: dict[int, list[int]] = {}
    practice: dict[int, int] = {}  # practice account -> trainee
    for r in rows:
        tid = r["trainee_id"]
        if tid not in people:
            people[tid] = PersonRecord(tid, r["trainee"], r.get("cohort"))
            own[tid] = []
        if r.get("account_id") is None:
            continue
        if r.get("case_id") is None:
            own[tid].append(r["account_id"])
        else:
            practice[r["account_id"]] = tid
    ids = list(people)
    wanted = set(ids)
    for s in store.latest_ratings(_wanted(ids)):
        if s.trainee_id in wanted:
            people[s.trainee_id].sets.append(s)
    quizzes: dict[int, list[Any]] = {}
    for q in store.list_quiz_attempts(_wanted(ids)):
        quizzes.setdefault(q.trainee_id, []).append(q)
    if practice:
        found = store.list_attempts(account_ids=_wanted(list(practice))) \
            if len(practice) <= MANY else store.list_attempts()
        for a in found:
            if a.account_id in practice:
                people[practice[a.account_id]].attempts.append(a)
    own_ids = [a for accounts in own.values() for a in accounts]
    reviews = store.latest_reviews(own_ids) if own_ids else {}
    by_account: dict[int, dict[str, int | None]] = {}
    for (acc, step), rv in reviews.items():  # a step sent back for rework is not reviewed
        by_account.setdefault(acc, {})[step] = rv.rating if rv.status == "reviewed" else None
    for tid, p in people.items():
        p.reviews = [by_account.get(a, {}) for a in own[tid]]
    plans = store.development_plans(_wanted(ids))  # past MANY: everyone's, kept below
    steps = [s.id for s in framework.steps]
    titles = {s.id: s.title for s in framework.steps}
    certifier = Certifier(framework.certification, steps, titles, framework.competencies)
    given = load_quiz()  # the quiz the page gives: an older quiz's attempts count not
    quiz, questions = given.id, len(given.questions)
    checked: dict[str, tuple[str, ...]] = {}  # a case's key read once, not per trainee
    for tid, p in people.items():
        if tid in quizzes:
            p.quiz = quiz_record(quizzes[tid], quiz, questions)
        if p.attempts:
            p.cases = case_tries(p.attempts)
            for case in p.cases:
                if case.case_id not in checked:
                    checked[case.case_id] = _checked(case.case_id)
                case.steps = checked[case.case_id]
        p.plan = plans.get(tid)
        p.certification = certifier(p.reviews, p.cases, p.quiz, p.sets)
        p.gain = person_gain(p.cases, p.quiz, p.sets, framework.competencies)
    return people


def _checked(case_id: str) -> tuple[str, ...]:
    """The steps a case's key checks (none known for a case no longer installed)."""
    try:
        return tuple(checked_steps(load_key(case_id)))
    except KamkitError:
        return ()


def cohort_gains(records: Iterable[PersonRecord], framework: Framework) -> list[CohortGain]:
    """The cohort's learning gain, measure by measure, with how many trainees are behind each."""
    return cohort_gain((p.gain for p in records), gain_labels(framework))
