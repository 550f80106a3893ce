"""The manager's view of the store: a cohort's rows for the dashboard, one trainee's workbook for
the drill-down and the report, and the manager's reviews. The counterpart of `kamkit.session`
(the trainee's view); the review pages read and write only through it.

Dashboard figures are scored when an account is saved or imported (`Store.score_saved`), not when
the dashboard is looked at: each account's figures are kept in the store with the save they came
from, the day they were computed and the first day they may change (overdue actions, a plan past
its review, evidence going stale: the figures depend on the date - `Kept.until`). The dashboard
scores again only accounts kept under other content (a content change: every account, once) or
whose figures a day has moved; the others' figures are shown dated that day.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pydantic import ValidationError

from kamkit.certificate import certificate_html
from kamkit.competency import CompetencyRatings
from kamkit.competency_content import ROUNDS
from kamkit.errors import InvalidInput, OutOfDate
from kamkit.exercises import Mistake, common_mistakes, load_case, load_key
from kamkit.figures import AccountFigures, Kept, fingerprint, saved_docs
from kamkit.frameworks import Framework, default_framework
from kamkit.models import Attempt, Cohort, Review, Trainee, parse
from kamkit.people import (
    PersonCache,
    PersonRecord,
    Say,
    cohort_gains,
    person_records,
    say_scoring,
)
from kamkit.privacy import Pseudonyms, Raters, pseudonymise_plan, scoped_text
from kamkit.report import Workbook, person_html, pseudonymised, trainee_report
from kamkit.scoring.competency import CaseTry, CohortGain, case_tries
from kamkit.scoring.review import (
    STATES,
    Approved,
    ReviewState,
    approval,
    review_state,
    rework_asked,
)
from kamkit.steps import Docs, check_framework, for_framework
from kamkit.store import Store
from kamkit.store_reviews import AccountRow

__all__ = ["saved_docs", "CohortRow", "ReviewSession", "refresh_figures", "SORTS", "filter_rows",
           "sort_rows", "RoomRow", "room_counts", "Overview", "overview", "page_of", "Kept",
           "approval_columns", "kept_and_stale", "bulk"]

_log = logging.getLogger("kamkit.review")


@dataclass
class CohortRow:
    """One trainee on the dashboard. Figures are those of their most recently worked account."""

    trainee_id: int
    name: str
    cohort: str | None
    manager: str | None
    workshop_date: dt.date | None
    account_id: int | None = None
    account: str | None = None
    accounts: list[str] = field(default_factory=list)
    last_activity: dt.datetime | None = None
    figures: AccountFigures | None = None
    state: ReviewState = "nothing yet"
    rework: list[str] = field(default_factory=list)  # steps waiting for the trainee's rework
    reviews: dict[str, Review] = field(default_factory=dict)
    # steps a sponsor approves: approved yes / updated since / no (None: the step not saved)
    approvals: dict[str, Approved | None] = field(default_factory=dict)
    # the trainee as the subject: ratings, quiz, case tries, certification, learning gain
    person: PersonRecord | None = None

    @property
    def steps_done(self) -> int:
        return self.figures.steps_done if self.figures else 0


@contextmanager
def bulk() -> Iterator[None]:
    """Building thousands of rows allocates hundreds of thousands of small objects, each round
    of the garbage collector walking every object the page keeps (the figures, the person
    records): collect once afterwards instead (a quarter to a half of a 10,000-trainee build
    on this machine)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def refresh_figures(store: Store, framework: Framework, rows: list[AccountRow],
                    today: dt.date | None = None, say: Say | None = None) -> dict[int, Kept]:
    """Figures for every account in `rows` as of `today`: kept ones when still current (same
    save, same content, and no day since they were computed that changes them: `Kept.until`),
    the rest scored now (and kept). Saves and imports score their accounts as they keep them
    (`Store.score_saved`), so this scores only what no save did: work kept under other
    content, figures a day has moved. Returns account id -> figures and versions. `say` is
    told first when there are many to score (`people.say_scoring`): a content change scores
    them all."""
    today = today or dt.date.today()
    out, stale = kept_and_stale(framework, rows, today)
    if stale:
        say_scoring(say, len(stale), "accounts' figures")
        out.update(store.keep_figures(stale, framework, today))
    return out


def kept_and_stale(framework: Framework, rows: list[AccountRow], today: dt.date
                  ) -> tuple[dict[int, Kept], dict[int, dt.datetime]]:
    """The figures of `rows` the store keeps that hold on `today` (account id -> figures), and
    the accounts to score again (account id -> their save stamp)."""
    kept_under = fingerprint(framework)
    out: dict[int, Kept] = {}
    stale: dict[int, dt.datetime] = {}
    for row in rows:
        acc = row["account_id"]
        if acc is None:
            continue
        if row["figures"] and row["stamp"] == row["updated_at"] \
                and row["fingerprint"] == kept_under:
            try:
                kept = Kept.model_validate_json(row["figures"])
            except ValidationError:  # kept by another kamkit version: score it again
                kept = None
            if kept is not None and kept.holds(today):
                out[acc] = kept.on(today)  # the same figures, as of today
                continue
        stale[acc] = row["updated_at"]
    return out, stale


def approval_columns(framework: Framework) -> list[tuple[str, str]]:
    """(step id, column title) of the workbook's steps a sponsor approves (`review.yaml`'s
    `approvals`): "Approved", or "Approved (5. Account plan)" when several steps are."""
    steps = [s for s in framework.steps if s.id in framework.review.approvals]
    return [(s.id, framework.review.status(s.id, "reviewed")
             + (f" ({s.number}. {s.title})" if len(steps) > 1 else "")) for s in steps]


@dataclass
class RoomRow:
    """One trainee in a workshop case: their latest check of each step."""

    trainee_id: int
    name: str
    account_id: int | None
    last_activity: dt.datetime | None
    steps: dict[str, Attempt] = field(default_factory=dict)   # step -> latest attempt
    attempts: int = 0
    hints: int = 0
    case: CaseTry | None = None  # first tries and passes over all their starts of the case

    @property
    def passed(self) -> int:
        return sum(a.passed for a in self.steps.values())


def room_counts(rows: list[RoomRow], steps: int) -> tuple[int, int]:
    """(trainees who have started the case, trainees who passed all `steps` steps)."""
    started = [r for r in rows if r.account_id is not None]
    return len(started), sum(r.passed == steps for r in started)


class ReviewSession:
    """What a manager can see and do. `reviewer` is the name reviews are signed with."""

    def __init__(self, store: Store, reviewer: str, framework: Framework | None = None) -> None:
        self.store = store
        self.reviewer = reviewer
        self.framework = framework or default_framework()
        check_framework(self.framework)  # every step installed, with a rubric
        self._people = PersonCache()  # person records between two builds of the dashboard

    # -- the cohort ------------------------------------------------------------------------------

    def cohorts(self) -> list[Cohort]:
        return self.store.list_cohorts()

    def rows(self, *, cohort: str | None = None, manager: str | None = None,
             workshop_date: dt.date | None = None, today: dt.date | None = None,
             say: Say | None = None) -> list[CohortRow]:
        """One row per trainee (filtered), with figures, last activity and review state.
        `say`: told before a long scoring starts (after a content change), for the page."""
        with bulk():
            return self._rows(cohort=cohort, manager=manager, workshop_date=workshop_date,
                              today=today, say=say)

    def _rows(self, *, cohort: str | None, manager: str | None,
              workshop_date: dt.date | None, today: dt.date | None,
              say: Say | None) -> list[CohortRow]:
        account_rows = self.store.list_account_rows(cohort=cohort, manager=manager)
        if workshop_date is not None:
            account_rows = [r for r in account_rows if r["workshop_date"] == workshop_date]
        kept = refresh_figures(self.store, self.framework, account_rows, today, say)
        ids = [r["account_id"] for r in account_rows if r["account_id"] is not None]
        by_account: dict[int, dict[str, Review]] = {}
        for (acc, step), review in self.store.latest_reviews(ids).items():
            by_account.setdefault(acc, {})[step] = review
        rows: dict[int, CohortRow] = {}
        approved = [step for step, _ in approval_columns(self.framework)]
        for r in account_rows:  # most recently worked account first, per trainee
            row = rows.get(r["trainee_id"])
            if row is None:
                row = rows[r["trainee_id"]] = CohortRow(
                    r["trainee_id"], r["trainee"], r["cohort"], r["manager"],
                    r["workshop_date"])
            acc = r["account_id"]
            if acc is None:
                continue
            fig = kept[acc].figures
            row.accounts.append(r["account"])
            if row.account_id is None:
                row.account_id, row.account = acc, r["account"]
                row.last_activity, row.figures = r["updated_at"], fig
                row.reviews = by_account.get(acc, {})
                row.state = review_state(kept[acc].versions, row.reviews)
                row.rework = rework_asked(kept[acc].versions, row.reviews)
                row.approvals = {step: approval(row.reviews.get(step),
                                                kept[acc].versions.get(step))
                                 for step in approved}
        people = person_records(self.store, self.framework, account_rows, self._people, say)
        for tid, row in rows.items():
            row.person = people.get(tid)
        return list(rows.values())

    def gains(self, rows: list[CohortRow]) -> list[CohortGain]:
        """The learning gain of the trainees in `rows`, measure by measure, with how many
        trainees are behind each figure."""
        return cohort_gains([r.person for r in rows if r.person is not None], self.framework)

    # -- one trainee -------------------------------------------------------------------------------

    def trainee(self, trainee_id: int) -> Trainee:
        return self.store.get_trainee(trainee_id)

    def workbook(self, trainee_id: int, account_id: int) -> Workbook:
        """One account's workbook, with history and the latest reviews (NotFound if the
        account is not this trainee's)."""
        trainee = self.store.get_trainee(trainee_id)
        account = self.store.get_account(account_id, trainee_id=trainee_id)
        docs, versions = {}, {}
        for text, unit in for_framework(self.framework):
            # saves from out-of-date pages stay in the store and the exports, not in the story
            history = [v for v in self.store.list_versions(account_id, text.id) if not v.stale]
            if history:
                versions[text.id] = [(v.version, v.saved_at, v.data) for v in history]
                docs[text.id] = unit.model.model_validate(history[-1].data)
        reviews = {step: rv for (_, step), rv in
                   self.store.latest_reviews([account_id]).items()}
        held = None if account.case_id is not None else sum(
            a.case_id is None for a in self.store.list_accounts(trainee_id))
        return Workbook(trainee.name, account.name, trainee.cohort,
                        Docs(docs, account.name, held),
                        versions, reviews, self.store.list_attempts(account_id=account_id))

    def report(self, trainee_id: int, today: dt.date | None = None, *,
               pseudonymise: bool = False) -> str:
        """The trainee's whole workbook, every account, with feedback: standalone HTML. With
        `pseudonymise`, the customer's people under pseudonyms (`kamkit.privacy`)."""
        trainee = self.store.get_trainee(trainee_id)
        accounts = self.store.list_accounts(trainee_id)
        books = [self.workbook(trainee_id, a.id) for a in accounts]  # type: ignore[arg-type]
        record = person_records(self.store, self.framework, [
            r for r in self.store.list_account_rows(cohort=trainee.cohort)
            if r["trainee_id"] == trainee_id])[trainee_id]
        plan = record.plan
        if pseudonymise:
            pseudonyms = Pseudonyms()
            books = [pseudonymised(wb, pseudonyms, str(a.id))
                     for wb, a in zip(books, accounts, strict=True)]
            if plan is not None:  # what they typed may name a customer's person or a colleague
                raters = Raters()
                raters.learn(record.sets, self.store.list_rater_links(trainee_id))
                plan = pseudonymise_plan(plan, raters, scoped_text(
                    pseudonyms, [str(a.id) for a in accounts]))
        person = person_html(record.sets, self.framework, quiz=record.quiz, cases=record.cases,
                             plan=plan, certification=record.certification)
        return trainee_report(trainee.name, trainee.cohort, books, self.framework, today,
                              person=person)

    # -- a workshop case --------------------------------------------------------------------------

    def current_case(self, cohort: str | None = None) -> str | None:
        """The case the room is working on: the one practised most recently (None before
        anyone has opened one)."""
        rows = [r for r in self.store.list_account_rows(cohort=cohort)
                if r["case_id"] is not None and r["updated_at"] is not None]
        return max(rows, key=lambda r: r["updated_at"])["case_id"] if rows else None

    def room(self, case_id: str, cohort: str | None = None
             ) -> tuple[list[RoomRow], list[Mistake]]:
        """Everyone (in the cohort) and how far they are in the case, and the room's most
        common mistakes in their latest checks."""
        case, key = load_case(case_id), load_key(case_id, self.framework)
        rows: dict[int, RoomRow] = {}
        owner: dict[int, int] = {}  # each practice account of the case -> its trainee
        for r in self.store.list_account_rows(cohort=cohort):
            row = rows.setdefault(r["trainee_id"], RoomRow(r["trainee_id"], r["trainee"], None,
                                                          None))
            if r["account_id"] is not None and r["case_id"] == case_id:
                owner[r["account_id"]] = r["trainee_id"]
                if row.account_id is None:  # their most recent practice of this case
                    row.account_id, row.last_activity = r["account_id"], r["updated_at"]
        by_account = {row.account_id: row for row in rows.values() if row.account_id}
        theirs: dict[int, list[Attempt]] = {}
        for attempt in self.store.list_attempts(case_id=case_id, account_ids=list(owner)):
            theirs.setdefault(owner[attempt.account_id], []).append(attempt)
            row = by_account.get(attempt.account_id)  # type: ignore[assignment]
            if row is None:  # an earlier start of the case: its first tries count, below
                continue
            row.steps[attempt.step] = attempt  # oldest first: the last one stays
            row.attempts += 1
            row.hints += attempt.hints
        for tid, attempts in theirs.items():
            rows[tid].case = case_tries(attempts)[0]
        latest = [(a.step, a.wrong) for row in rows.values() for a in row.steps.values()]
        return (sorted(rows.values(), key=lambda r: r.name.casefold()),
                common_mistakes(latest, case, key, self.framework))

    # -- reviewing ---------------------------------------------------------------------------------

    def review(self, account_id: int, step: str, *, rating: int | None, comment: str,
               status: str | None, seen: int | None = None) -> Review:
        """Sign a verdict on the version of the step the manager was shown (`seen`; None: the
        latest saved). When the trainee has saved a newer version since, nothing is kept:
        `OutOfDate` says so, with the version now, so the manager looks again first. The
        trainee's work is not touched: reviews are kept apart from it."""
        titles = {s.id: s.title for s in self.framework.steps}
        if step not in {text.id for text, _ in for_framework(self.framework)}:
            raise InvalidInput(f"There is no workbook step called '{step}'.", field="step")
        saved = self.store.list_steps_saved(account_id)
        if step not in saved:
            raise InvalidInput("There is nothing to review: this step has not been saved yet.",
                               field="step")
        version = saved[step][0] if seen is None else seen
        if version < saved[step][0]:
            raise self._changed(titles.get(step, step), step, saved[step][0])
        if status is None:  # a step a sponsor approves has no verdict chosen in advance
            words = self.framework.review.choices(step)
            raise InvalidInput(f"Choose a verdict first: “{words['reviewed']}” or "
                               f"“{words['needs_rework']}”.", field="status")
        review = parse(Review, {"account_id": account_id, "step": step,
                                "doc_version": version, "rating": rating,
                                "comment": comment, "status": status,
                                "reviewer": self.reviewer})
        try:
            return self.store.add_review(review, latest=True)
        except OutOfDate as exc:  # saved over between the look above and the keeping
            raise self._changed(titles.get(step, step), step, exc.version) from exc

    def _changed(self, title: str, step: str, now: int | None) -> OutOfDate:
        verb = "approving" if step in self.framework.review.approvals else "reviewing"
        return OutOfDate(f"The {title[:1].lower()}{title[1:]} changed since you opened it "
                         f"(version {now} now): look again before {verb}.", now)

    def reviews(self, account_id: int, step: str) -> list[Review]:
        return self.store.list_reviews(account_id, step)

    # -- the trainee as the subject -----------------------------------------------------------

    def person(self, trainee_id: int) -> PersonRecord:
        """One trainee's record - ratings, quiz, case tries, reviews, development plan,
        certification and gain - worked out as for their dashboard row."""
        trainee = self.store.get_trainee(trainee_id)
        who = {"trainee_id": trainee.id, "trainee": trainee.name, "cohort": trainee.cohort}
        rows = [who | {"account_id": a.id, "case_id": a.case_id}
                for a in self.store.list_accounts(trainee_id)] or [who | {"account_id": None}]
        return person_records(self.store, self.framework, rows)[trainee_id]

    def rate(self, trainee_id: int, round: str, ratings: CompetencyRatings) -> int:
        """Keep the manager's ratings of a trainee's behaviours in `round` as a new version,
        signed with the reviewer's name - beside the trainee's own ratings and their peers',
        never in them. The after-round is rated once it is open for the trainee's cohort (a
        trainee outside any cohort: whenever the manager judges it time). The version."""
        if round not in ROUNDS:
            raise InvalidInput("Choose the round first: before or after the programme.",
                               field="round")
        trainee = self.store.get_trainee(trainee_id)
        if round == "after" and trainee.cohort \
                and self.store.after_round_opened(trainee.cohort) is None:
            raise InvalidInput(f"The after-round of {trainee.cohort} is not open yet: open it "
                               "on the cohort dashboard first.", field="round")
        if not ratings.levels:
            raise InvalidInput("Rate at least one behaviour before saving.", field="levels")
        return self.store.save_ratings(trainee_id, round, "manager",  # type: ignore[arg-type]
                                       ratings, rater_name=self.reviewer)

    def after_round(self, cohort: str | None) -> dt.datetime | None:
        """When the cohort's after-round opened (None: not yet, or no cohort)."""
        return self.store.after_round_opened(cohort)

    def open_after_round(self, cohort: str) -> tuple[dt.datetime, bool]:
        """Open the competency after-round for a cohort: its trainees are offered their
        after-round self-assessment, managers and peers rate the after-round. Once: opening
        it again keeps the first date. (when it opened, whether it opened just now)."""
        if not cohort or not cohort.strip():
            raise InvalidInput("Name the cohort whose after-round to open.", field="cohort")
        before = self.store.after_round_opened(cohort)
        if before is not None:
            return before, False
        return self.store.open_after_round(cohort), True

    def certificate(self, trainee_id: int, today: dt.date | None = None) -> str:
        """The trainee's certificate: printable HTML, signed with the reviewer's name. Refused
        (`InvalidInput`, naming the unmet rules) for a trainee not certified yet."""
        trainee = self.store.get_trainee(trainee_id)
        return certificate_html(trainee.name, trainee.cohort,
                                self.person(trainee_id).certification,
                                today or dt.date.today(), issued_by=self.reviewer)


# -- what the dashboard's search and sort do (pure, so tests can hold them to it) ----------------

def _figure(row: CohortRow, name: str, size: bool = False) -> float:
    """A figure to sort by (its size, for a signed one); rows without it sort after every row
    with it."""
    value = row.figures.get(name) if row.figures else None
    if value is None:
        return -1
    return abs(value) if size else value  # type: ignore[no-any-return]


#: sort key id -> (label, key, largest first by default)
SORTS: dict[str, tuple[str, object, bool]] = {
    "name": ("Name", lambda r: r.name.casefold(), False),
    "activity": ("Last activity", lambda r: r.last_activity or dt.datetime.min.replace(
        tzinfo=dt.timezone.utc), True),
    "steps": ("Steps done", lambda r: r.steps_done, True),
    "score": ("Relationship score", lambda r: _figure(r, "score"), True),
    "gap": ("Feeling vs evidence gap", lambda r: _figure(r, "gap", size=True), True),
    "threats": ("Threats without action", lambda r: _figure(r, "threats_without_action"), True),
    "state": ("Review status", lambda r: STATES.index(r.state), False),
}


def filter_rows(rows: list[CohortRow], search: str = "", state: str | None = None
                ) -> list[CohortRow]:
    """Rows whose trainee or account name contains `search` (any case), in review `state`."""
    needle = search.strip().casefold()
    return [r for r in rows
            if (not needle or needle in r.name.casefold()
                or any(needle in a.casefold() for a in r.accounts))
            and (state is None or r.state == state)]


def sort_rows(rows: list[CohortRow], key: str = "name", reverse: bool = False
              ) -> list[CohortRow]:
    """Sorted by one of SORTS in its natural direction (or the other way), ties by name."""
    _, fn, natural = SORTS[key]
    by_name = sorted(rows, key=lambda r: r.name.casefold())
    return sorted(by_name, key=fn, reverse=natural != reverse)  # type: ignore[arg-type]


def page_of(rows: list[CohortRow], number: int, size: int) -> tuple[list[CohortRow], int, int]:
    """(the rows on page `number`, clamped to the pages there are, that page, how many pages)."""
    pages = max(1, -(-len(rows) // size))
    number = max(0, min(number, pages - 1))
    return rows[number * size:(number + 1) * size], number, pages


@dataclass(frozen=True)
class Overview:
    """The cohort at a glance, for the dashboard's summary and charts."""

    states: dict[str, int]                              # review state -> trainees
    completion: list[tuple[str, int, int, int]]         # step title, done, in progress, not yet
    scores: list[int]                                   # relationship scores given
    gaps: list[tuple[str, int]]                         # largest feeling-minus-evidence first


def overview(rows: list[CohortRow], framework: Framework, top_gaps: int = 8) -> Overview:
    completion = []
    for step in framework.steps:
        states = [r.figures.status.get(step.id, "not started") if r.figures else "not started"
                  for r in rows]
        completion.append((f"{step.number}. {step.title}", states.count("done"),
                           states.count("in progress"), states.count("not started")))
    figures = [(r.name, r.figures) for r in rows if r.figures is not None]
    gaps = sorted(((name, f.get("gap")) for name, f in figures if f.get("gap") is not None),
                  key=lambda g: -abs(g[1]))
    return Overview(states={s: sum(r.state == s for r in rows) for s in STATES},
                    completion=completion,
                    scores=[f.get("score") for _, f in figures if f.get("score") is not None],
                    gaps=gaps[:top_gaps])
