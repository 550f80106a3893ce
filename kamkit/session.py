"""One page's session: who the trainee is, which account they are working on, the store and the
framework. Views receive it and read and write only through it, never the database directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel

from kamkit.checking import Feedback
from kamkit.competency import CompetencyRatings, DevelopmentPlan, RaterLink, RatingSet
from kamkit.competency_content import CompetencyContent, Round
from kamkit.errors import InvalidInput, NotFound
from kamkit.exercises import check, load_case, load_key
from kamkit.frameworks import Framework, default_framework
from kamkit.models import Account, Attempt, Review, Trainee
from kamkit.scoring.progress import StepProgress, resume_step
from kamkit.steps import Docs, check_framework, for_framework, step_alerts
from kamkit.store import Store

__all__ = ["Session", "Basis"]


@dataclass(frozen=True)
class Basis:
    """What an edited document is based on: its account, the version it was opened at (0:
    nothing saved yet), and the account's count of erasures then."""

    account_id: int
    version: int
    erasures: int = 0


class Session:
    """The trainee's view of the store. `account` is the one the workbook is open on."""

    def __init__(self, store: Store, trainee: Trainee, framework: Framework | None = None,
                 account: Account | None = None, who: str = "") -> None:
        self.store = store
        #: who is looking, as every link to another page must carry it (`t=<token>`, or "")
        self.who = who
        #: the step a page should open on, when the link asked for one (a case's first step)
        self.start_step: str | None = None
        #: the workbook tab (a step's id, or the competencies') or the exercise page (a case's
        #: id, or the quiz) a link asked to open on
        self.start_tab: str | None = None
        self.start_exercise: str | None = None
        self.trainee = trainee
        self.framework = framework or default_framework()
        check_framework(self.framework)  # content that does not fit the steps: said at once
        self.account = account

    # -- accounts: always this trainee's own -------------------------------------------------

    def accounts(self) -> list[Account]:
        """This trainee's accounts, most recently worked on first."""
        return self.store.list_accounts(self._tid)

    def create_account(self, name: str) -> Account:
        taken = {a.name.strip().casefold() for a in self.accounts()}
        if name.strip().casefold() in taken:
            raise InvalidInput(f"You already have an account called '{name.strip()}': pick it "
                               "from the list, or give this one another name.", field="name")
        self.account = self.store.add_account(self._tid, name)
        return self.account

    def open_account(self, account_id: int) -> Account:
        # trainee_id makes someone else's account id a NotFound, not a way in
        self.account = self.store.get_account(account_id, trainee_id=self._tid)
        return self.account

    def delete_account(self) -> Account:
        """Delete the current account and all its work (the caller has asked the trainee);
        the most recent other account becomes the current one."""
        account = self._current()
        self.store.remove_account(account.id)  # type: ignore[arg-type]
        others = self.accounts()
        self.account = others[0] if others else None
        return account

    def rename_account(self, name: str) -> Account:
        current = self._current()
        taken = {a.name.strip().casefold() for a in self.accounts() if a.id != current.id}
        if name.strip().casefold() in taken:
            raise InvalidInput(f"You already have an account called '{name.strip()}'.",
                               field="name")
        account = self._current().model_copy(update={"name": name})
        self.account = self.store.save_account(account)
        return self.account

    # -- the current account's step documents ------------------------------------------------

    def load(self, step: str) -> BaseModel:
        """The step's latest saved document for the current account (empty if not started)."""
        return self.store.load_document(self._current().id, step)  # type: ignore[arg-type]

    def open_step(self, step: str) -> tuple[BaseModel, Basis]:
        """The step's latest document for editing, with what its saves are based on (the
        account and the version): a page left behind never overwrites newer work, and a save
        held for a retry goes to the account it was typed for."""
        account_id: int = self._current().id  # type: ignore[assignment]
        doc, version, erasures = self.store.open_document(account_id, step)
        return doc, Basis(account_id, version, erasures)

    def save(self, step: str, doc: BaseModel, basis: Basis | None = None) -> int:
        """Validate and keep a new version; returns its number. With the `basis` the document
        was opened on (`open_step`), it goes to that account, and raises OutOfDate when another
        page saved the step since (the save is kept apart, not made current). Raises
        SaveFailed when the store cannot write."""
        if basis is None:
            return self.store.save_document(self._current().id, step, doc)  # type: ignore
        return self.store.save_document(basis.account_id, step, doc, based_on=basis.version,
                                        erasures=basis.erasures)

    def documents(self, account: Account | None = None) -> Docs:
        """Every workbook step's latest document of `account` (default: the current one) - a
        step not saved yet is absent."""
        account = account or self._current()
        saved = self.store.list_steps_saved(account.id)  # type: ignore[arg-type]
        return Docs({text.id: self.store.load_document(account.id, text.id)  # type: ignore
                     for text, _ in for_framework(self.framework) if text.id in saved},
                    account.name, self.key_accounts(account))

    def key_accounts(self, account: Account | None = None) -> int | None:
        """How many real accounts the trainee holds - None when `account` is a case study
        (practice accounts never count towards a manager's load)."""
        account = account or self._current()
        if account.case_id is not None:
            return None
        return sum(a.case_id is None for a in self.accounts())

    def qbr_pack(self, pseudonymise: bool = False, today: dt.date | None = None) -> str:
        """The current account's QBR pack (`kamkit.qbr`), from the latest work of every
        installed step; with `pseudonymise`, the customer's people as "Person 1" … - every
        saved version learned first, so someone since taken off the map is replaced in text
        too."""
        from kamkit.qbr import pseudonymised_docs, qbr_pack
        from kamkit.steps import registered

        account = self._current()
        steps = registered()
        saved = [sid for sid in self.store.list_steps_saved(account.id)  # type: ignore
                 if sid in steps]
        docs = Docs({sid: self.store.get_document(account.id, sid)  # type: ignore[arg-type]
                     for sid in saved}, account.name)
        if pseudonymise:
            earlier = [steps[sid].model.model_validate(v.data) for sid in saved
                       for v in self.store.list_versions(account.id, sid)]  # type: ignore
            docs = pseudonymised_docs(docs, scope=str(account.id), earlier=earlier)
        return qbr_pack(docs, self.framework, today or dt.date.today(), account.name,
                        self.trainee.name)

    def progress(self) -> list[StepProgress]:
        """Progress through every workbook step, in order, for the current account."""
        return [unit.progress(self.load(text.id), self.framework)
                for text, unit in for_framework(self.framework)]

    def alerts(self, today: dt.date | None = None) -> dict[str, list[str]]:
        """step -> what needs attention in the current account's work (a plan past its
        review …), for the steps that say so."""
        if not any(unit.alerts for _, unit in for_framework(self.framework)):
            return {}  # nothing to ask: no need to read every document
        return step_alerts(self.documents(), self.framework, today or dt.date.today())

    def resume_step(self, progress: list[StepProgress] | None = None) -> str:
        account = self._current()
        saved = self.store.list_steps_saved(account.id)  # type: ignore[arg-type]
        last = max(saved, key=lambda step: saved[step][1]) if saved else None
        return resume_step(progress or self.progress(), last)

    def feedback(self) -> dict[str, tuple[Review, int]]:
        """step -> (the manager's latest review, the version the trainee has saved since), for
        the current account. Reviews are read-only here."""
        account = self._current()
        saved = self.store.list_steps_saved(account.id)  # type: ignore[arg-type]
        return {step: (review, saved.get(step, (review.doc_version,))[0])
                for (_, step), review in self.store.latest_reviews([account.id]).items()}  # type: ignore

    # -- practising on a case study ------------------------------------------------------------

    def start_case(self, case_id: str, fresh: bool = False) -> Account:
        """Open the trainee's practice account for the case, or (first time, or `fresh`) a new
        one holding the case's facts."""
        case = load_case(case_id)
        if not fresh:
            for account in self.accounts():
                if account.case_id == case.id:
                    self.account = account
                    return account
        self.account = self.store.add_practice_account(self._tid, case.account, case.id,
                                                       dict(case.facts))
        return self.account

    def check_answers(self, step: str) -> Feedback:
        """Compare this step's saved work with the case's key, keep the attempt, and return
        the feedback (a hint first, explanations from the second attempt)."""
        account = self._current()
        if account.case_id is None:
            raise InvalidInput("This account is not a case study: there is no key to check "
                               "against.")
        case = load_case(account.case_id)
        key = load_key(case.id, self.framework)
        attempt = self.store.count_attempts(account.id, step) + 1  # type: ignore[arg-type]
        feedback = check(step, self.documents(account), case, key, self.framework, attempt)
        self.store.add_attempt(Attempt(
            account_id=account.id, case_id=case.id, step=step, attempt=attempt,  # type: ignore
            score=feedback.score, passed=feedback.passed,
            hints=0 if feedback.explains else len(feedback.wrong),
            wrong=[i.id for i in feedback.wrong]))
        return feedback

    def attempts(self, step: str) -> list[Attempt]:
        return [a for a in self.store.list_attempts(account_id=self._current().id)
                if a.step == step]

    # -- the trainee as the subject: their competency ratings, peers, development plan ------

    @property
    def competencies(self) -> CompetencyContent:
        return self.framework.competencies

    def ratings(self, round: Round) -> tuple[CompetencyRatings, int]:
        """The trainee's own latest ratings in `round`, and their version (0: none yet)."""
        for s in self.store.latest_ratings([self._tid]):
            if s.round == round and s.rater == "self":
                return s.ratings, s.version
        return CompetencyRatings(), 0

    def rating_sets(self) -> list[RatingSet]:
        """Every rater's latest ratings of this trainee (their own, their manager's, their
        peers'), for the gap chart. Read-only here: only the trainee's own are saved from
        their pages."""
        return self.store.latest_ratings([self._tid])

    def after_round_open(self) -> bool:
        """Whether the trainee may rate themselves "after": their cohort's after-round has been
        opened; a trainee with no cohort (self-paced) opens it themselves
        (`start_after_round`)."""
        cohort = self.trainee.cohort
        if cohort:
            return self.store.after_round_opened(cohort) is not None
        return any(s.round == "after" and s.rater == "self"
                   for s in self.store.latest_ratings([self._tid]))

    def current_round(self) -> Round:
        """The round the trainee rates in now (and asks peers for)."""
        return "after" if self.after_round_open() else "before"

    def round_complete(self, round: Round) -> bool:
        """Every behaviour of the framework rated by the trainee in `round`."""
        behaviours = [b.id for b in self.competencies.behaviours]
        return self.ratings(round)[0].rated(behaviours) == len(behaviours)

    def round_due(self) -> Round | None:
        """The round the trainee is asked to rate themselves in now (None: nothing to do)."""
        sets = self.store.latest_ratings([self._tid])
        behaviours = [b.id for b in self.competencies.behaviours]
        own = {s.round: s.ratings for s in sets if s.rater == "self"}
        cohort = self.trainee.cohort
        after = (self.store.after_round_opened(cohort) is not None if cohort
                 else "after" in own)
        round: Round = "after" if after else "before"
        done = own.get(round, CompetencyRatings()).rated(behaviours) == len(behaviours)
        return None if done else round

    def start_after_round(self) -> None:
        """A self-paced trainee (no cohort) starts their own after-round, once every behaviour
        is rated in the before-round. A cohort's after-round is opened by its facilitator."""
        if self.trainee.cohort:
            raise InvalidInput("Your facilitator opens the after-round for your whole group "
                               "at the end of the programme.")
        if self.after_round_open():
            return
        if not self.round_complete("before"):
            raise InvalidInput("Rate every behaviour in the before-round first; then you can "
                               "start your after-round.")
        self.store.save_ratings(self._tid, "after", "self", CompetencyRatings())

    def save_ratings(self, round: Round, ratings: CompetencyRatings) -> int:
        """Keep the trainee's own ratings in `round` as a new version. The after-round takes
        ratings once it is open; the before-round closes then, so before stays before."""
        after = self.after_round_open()
        if round == "after" and not after:
            raise InvalidInput("The after-round is not open yet.")
        if round == "before" and after:
            raise InvalidInput("The before-round closed when the after-round opened: your "
                               "before ratings stay as they were.")
        return self.store.save_ratings(self._tid, round, "self", ratings)

    def ask_peer(self, name: str, round: Round) -> tuple[RaterLink, str]:
        """A personal link for a colleague to rate the trainee in `round` (the current one),
        and its token - shown once, only its hash is kept."""
        if round != self.current_round():
            raise InvalidInput("Ask colleagues to rate you in the round that is open now.",
                               field="peer_name")
        content = self.competencies
        return self.store.add_rater_link(self._tid, round, name, days=content.peer_link_days,
                                         most=content.peers)

    def peer_links(self) -> list[RaterLink]:
        """Every link the trainee has asked for, oldest first (active, expired, withdrawn)."""
        return self.store.list_rater_links(self._tid)

    def withdraw_peer(self, link_id: int) -> RaterLink:
        return self.store.revoke_rater_link(self._tid, link_id)

    def development_plan(self) -> tuple[DevelopmentPlan, int]:
        """The trainee's development plan and its version (0: none saved yet)."""
        return self.store.development_plan(self._tid)

    def save_development_plan(self, plan: DevelopmentPlan) -> int:
        """Keep the plan as a new version: at most `plan_items` items (content), each about a
        competency of the framework."""
        most = self.competencies.plan_items
        if len(plan.items) > most:
            raise InvalidInput(f"A development plan holds at most {most} items: pick the ones "
                               "that matter most now.", field="items")
        known = {c.id for c in self.competencies.competencies}
        unknown = [i.competency for i in plan.items if i.competency not in known]
        if unknown:
            raise InvalidInput(f"'{unknown[0]}' is not a competency of the framework.",
                               field="items")
        return self.store.save_development_plan(self._tid, plan)

    def purposes(self) -> list[str]:
        """The purpose (grow, maintain, defend, exit) of each of the trainee's own accounts
        that has one, as the facts place it (practice accounts left out)."""
        from kamkit.steps.placement import placement

        out = []
        for account in self.accounts():
            if account.case_id is None:
                placed = placement(self.documents(account), self.framework)
                if placed.purpose is not None:
                    out.append(placed.purpose.id)
        return out

    def case_attempts(self) -> list[Attempt]:
        """Every check of the current account's case, on each of the trainee's practice
        accounts of it (a fresh start included), oldest first: what the first try is read
        from."""
        account = self._current()
        ids = [a.id for a in self.accounts() if a.case_id == account.case_id]
        return self.store.list_attempts(case_id=account.case_id,  # type: ignore[arg-type]
                                        account_ids=ids)  # type: ignore[arg-type]

    @property
    def _tid(self) -> int:
        return self.trainee.id  # type: ignore[return-value]

    def _current(self) -> Account:
        if self.account is None:
            raise NotFound("Pick or create an account first.")
        return self.account
