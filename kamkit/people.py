"""Each trainee as the subject of the assessment: their competency ratings, quiz, case-study
tries, the reviews of their own accounts, whether they are certified (and which rules are unmet)
and their learning gain - gathered from the store in a few bulk reads for a whole cohort, then
scored by the pure rules of `kamkit.scoring.competency`. Read by the review dashboard, the
drill-down, the exports and the trainee's own competency tab.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kamkit.competency import DevelopmentPlan, RatingSet
from kamkit.errors import KamkitError
from kamkit.exercises import checked_steps, load_key
from kamkit.figures import fingerprint
from kamkit.frameworks import Framework
from kamkit.models import Attempt
from kamkit.people_kept import (
    Unpack,
    dump_record,
    load_record,
    people_fingerprint,
    person_stamp,
)
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

__all__ = ["PersonRecord", "PersonCache", "person_records", "keep_person_records",
           "keep_stale_records", "gain_labels", "cohort_gains", "MANY", "SAY_ABOVE", "Say",
           "say_scoring"]

_log = logging.getLogger("kamkit.people")

#: above this many ids, read every row and keep the wanted ones (no long IN lists)
MANY = 2000

#: past this many accounts or trainees to score, a dashboard says so before it starts
SAY_ABOVE = 500

#: how a page is told what a long build is doing (its notice's `note`)
Say = Callable[[str], None]


def say_scoring(say: Say | None, count: int, what: str) -> None:
    """Tell the page (`say`) that `count` accounts or trainees (`what`: whose figures or
    records) are about to be scored, when there are enough to take a while (`SAY_ABOVE`)."""
    if say is not None and count > SAY_ABOVE:
        say(f"Bringing {count:,} {what} up to date: this can take a little while…")


#: what `PersonRecord.unpack_later` holds back
_LATER = ("sets", "quiz", "cases", "attempts", "reviews", "plan")


@dataclass
class PersonRecord:
    trainee_id: int
    name: str
    cohort: str | None
    sets: list[RatingSet] = field(default_factory=list)
    # no class-level defaults: a field held back by `unpack_later` must be missing
    quiz: QuizRecord = field(default_factory=QuizRecord)
    cases: list[CaseTry] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    reviews: list[dict[str, int | None]] = field(default_factory=list)
    plan: DevelopmentPlan | None = field(default_factory=lambda: None)
    certification: Certification | None = None
    gain: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)

    def unpack_later(self, unpack: Unpack) -> None:
        """Leave every field a dashboard does not show (all but the certification and the
        gain) to `unpack()`, called when one of them is first asked for: a kept record read
        for a dashboard, thousands of ratings and quiz answers it does not show."""
        for name in _LATER:
            del self.__dict__[name]
        self.__dict__["_unpack"] = unpack

    def __getattr__(self, name: str) -> Any:
        # only while `unpack_later` holds them back: any other name is not there
        if name in _LATER and "_unpack" in self.__dict__:
            rest = self.__dict__["_unpack"]()
            del self.__dict__["_unpack"]
            for key, value in rest.items():  # a field set since wins over the one kept
                self.__dict__.setdefault(key, value)
            return self.__dict__[name]
        raise AttributeError(name)

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
        self.kept: dict[int, tuple[str, PersonRecord]] = {}


class _Checked(dict[str, tuple[str, ...]]):
    """case id -> the steps its key checks, each key read once (not per trainee)."""

    def __missing__(self, case_id: str) -> tuple[str, ...]:
        steps = self[case_id] = _checked(case_id)
        return steps


def _fingerprint(framework: Framework) -> str:
    given = load_quiz()  # the quiz the page gives: an older quiz's attempts count not
    return people_fingerprint(fingerprint(framework), given.id, len(given.questions))


def _stamps(store: Store, rows: list[Mapping[str, Any]]) -> dict[int, str]:
    """trainee id -> what their record is made of (`people_kept.person_stamp`)."""
    stamps = store.person_stamps()
    own: dict[int, list[int]] = {}
    practice: dict[int, list[int]] = {}
    for r in rows:
        tid = r["trainee_id"]
        own.setdefault(tid, [])
        practice.setdefault(tid, [])
        if r.get("account_id") is not None:
            (own if r.get("case_id") is None else practice)[tid].append(r["account_id"])
    return {tid: person_stamp(stamps.get(tid), own[tid], practice[tid]) for tid in own}


def person_records(store: Store, framework: Framework, rows: Iterable[Mapping[str, Any]],
                   cache: PersonCache | None = None, say: Say | None = None
                   ) -> dict[int, PersonRecord]:
    """trainee id -> their record, for the trainees of `rows` (the store's account rows:
    trainee_id, trainee, cohort, account_id, case_id - as `list_account_rows` gives them).
    With a `cache` (the dashboard's), only trainees whose work changed since its last build
    are looked at again: each read as the store keeps it (`Store.kept_people`) when it was
    kept from the same work under the same content, else scored now - and kept. `say` is
    told first when there are many to score (`SAY_ABOVE`)."""
    rows = list(rows)
    if cache is None:
        return _records(store, framework, rows)
    under = _fingerprint(framework)
    if cache.fingerprint != under:
        cache.fingerprint, cache.kept = under, {}
    stamp = _stamps(store, rows)
    stale = [tid for tid in stamp
             if tid not in cache.kept or cache.kept[tid][0] != stamp[tid]]
    if stale:
        for tid, record in _kept_or_scored(store, framework, rows, stale, stamp,
                                           under, say=say).items():
            cache.kept[tid] = (stamp[tid], record)
    names = {r["trainee_id"]: (r["trainee"], r.get("cohort")) for r in rows}
    out = {}
    for tid in stamp:
        record = cache.kept[tid][1]
        record.name, record.cohort = names[tid]
        out[tid] = record
    return out


def keep_person_records(store: Store, framework: Framework, trainee_ids: Iterable[int], *,
                        cohort: str | None = None) -> None:
    """Score these trainees' person records now and keep them, so the dashboard reads them
    instead of scoring them (after an import: every trainee imported, at once). Never fails
    the work it follows: what cannot be kept now is scored by the dashboard. `cohort`: theirs,
    when they share one (fewer rows read)."""
    wanted = set(trainee_ids)
    try:
        rows = [r for r in store.list_account_rows(cohort=cohort)
                if r["trainee_id"] in wanted]
        if rows:
            stamp = _stamps(store, rows)
            _kept_or_scored(store, framework, rows, list(stamp), stamp,
                            _fingerprint(framework), read=False)
    except Exception:
        _log.exception("could not keep the person records of trainees %s", sorted(wanted))


def keep_stale_records(store: Store, framework: Framework,
                       rows: list[Mapping[str, Any]]) -> int:
    """Score and keep the person records of the trainees in `rows` (the store's account rows)
    that the store does not keep for their current work under this content (`kamkit
    refresh`). Returns how many; raises when they cannot be kept."""
    stamp = _stamps(store, rows)
    under, checked = _fingerprint(framework), _Checked()
    found = _read_kept(store, framework, rows, list(stamp), stamp, under, checked)
    missing = set(stamp) - set(found)
    if missing:
        _score_and_keep(store, framework, rows, missing, stamp, under, checked, strict=True)
    return len(missing)


def _kept_or_scored(store: Store, framework: Framework, rows: list[Mapping[str, Any]],
                    trainees: list[int], stamp: Mapping[int, str], under: str, *,
                    read: bool = True, say: Say | None = None) -> dict[int, PersonRecord]:
    """The records of `trainees`: those the store keeps for their stamp and content read back
    (with `read`), the rest scored and kept."""
    checked = _Checked()
    out = _read_kept(store, framework, rows, trainees, stamp, under, checked) if read else {}
    missing = set(trainees) - set(out)
    if missing:
        say_scoring(say, len(missing), "trainees' records")
        out.update(_score_and_keep(store, framework, rows, missing, stamp, under, checked))
    return out


def _read_kept(store: Store, framework: Framework, rows: list[Mapping[str, Any]],
               trainees: list[int], stamp: Mapping[int, str], under: str,
               checked: _Checked) -> dict[int, PersonRecord]:
    """The records of `trainees` the store keeps for their stamp and content, read back."""
    names = {r["trainee_id"]: (r["trainee"], r.get("cohort")) for r in rows}
    out: dict[int, PersonRecord] = {}
    found = store.kept_people(_wanted(trainees))
    for tid in trainees:
        kept = found.get(tid)
        if kept is None or kept[0] != stamp[tid] or kept[1] != under:
            continue
        try:
            found_record = load_record(kept[2], checked)
        except (ValueError, TypeError, KeyError):  # not what this kamkit keeps
            found_record = None
        if found_record is not None:
            values, unpack = found_record
            record = out[tid] = PersonRecord(tid, *names[tid], **values)
            record.unpack_later(_or_scored(store, framework, record, unpack,
                                           (stamp[tid], under)))
    return out


def _score_and_keep(store: Store, framework: Framework, rows: list[Mapping[str, Any]],
                    trainees: set[int], stamp: Mapping[int, str], under: str,
                    checked: _Checked, *, strict: bool = False) -> dict[int, PersonRecord]:
    """The records of `trainees` scored now, and kept (`strict`: or an error)."""
    fresh = _records(store, framework, [r for r in rows if r["trainee_id"] in trainees],
                     checked)
    try:
        store.keep_people([(tid, stamp[tid], under, dump_record(record))
                           for tid, record in fresh.items()])
    except Exception:  # a cache: showing the records matters more than keeping them
        if strict:
            raise
        _log.exception("could not keep person records")
    return fresh


def _or_scored(store: Store, framework: Framework, record: PersonRecord, unpack: Unpack,
               kept: tuple[str, str]) -> Unpack:
    """How the rest of a kept record is read when first asked for: as kept - or, when what is
    kept cannot be read back (a damaged row; a rule changed without a new kamkit version), the
    trainee scored again now and kept again under the same `kept` (stamp, fingerprint)."""
    tid, cohort = record.trainee_id, record.cohort

    def rest() -> dict[str, Any]:
        try:
            return unpack()
        except (ValueError, TypeError, KeyError):
            _log.warning("the kept record of trainee %s could not be read: scored again", tid)
        rows = [r for r in store.list_account_rows(cohort=cohort) if r["trainee_id"] == tid]
        fresh = _records(store, framework, rows)[tid]
        try:
            store.keep_people([(tid, *kept, dump_record(fresh))])
        except Exception:  # a cache: showing the record matters more than keeping it
            _log.exception("could not keep the person record of trainee %s", tid)
        return {name: getattr(fresh, name) for name in _LATER}
    return rest


def _records(store: Store, framework: Framework, rows: list[Mapping[str, Any]],
             checked: _Checked | None = None) -> dict[int, PersonRecord]:
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
    checked = _Checked() if checked is None else checked
    for tid, p in people.items():
        if tid in quizzes:
            p.quiz = quiz_record(quizzes[tid], quiz, questions)
        if p.attempts:
            p.cases = case_tries(p.attempts)
            for case in p.cases:
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
