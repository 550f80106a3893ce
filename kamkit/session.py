"""One page's session: who the trainee is, which account they are working on, the store and the
framework. Views receive it and read and write only through it, never the database directly.
"""

from __future__ import annotations

from pydantic import BaseModel

from kamkit.errors import NotFound
from kamkit.frameworks import Framework, default_framework
from kamkit.models import Account, Review, Trainee
from kamkit.scoring.progress import StepProgress, resume_step, step_progress
from kamkit.store import Store

__all__ = ["Session"]


class Session:
    """The trainee's view of the store. `account` is the one the workbook is open on."""

    def __init__(self, store: Store, trainee: Trainee, framework: Framework | None = None,
                 account: Account | None = None) -> None:
        self.store = store
        self.trainee = trainee
        self.framework = framework or default_framework()
        self.account = account

    # -- accounts: always this trainee's own -------------------------------------------------

    def accounts(self) -> list[Account]:
        """This trainee's accounts, most recently worked on first."""
        return self.store.list_accounts(self._tid)

    def create_account(self, name: str) -> Account:
        self.account = self.store.add_account(self._tid, name)
        return self.account

    def open_account(self, account_id: int) -> Account:
        # trainee_id makes someone else's account id a NotFound, not a way in
        self.account = self.store.get_account(account_id, trainee_id=self._tid)
        return self.account

    def rename_account(self, name: str) -> Account:
        account = self._current().model_copy(update={"name": name})
        self.account = self.store.save_account(account)
        return self.account

    # -- the current account's step documents ------------------------------------------------

    def load(self, step: str) -> BaseModel:
        """The step's latest saved document for the current account (empty if not started)."""
        return self.store.load_document(self._current().id, step)  # type: ignore[arg-type]

    def save(self, step: str, doc: BaseModel) -> int:
        """Validate and keep a new version; returns the version number (raises SaveFailed)."""
        return self.store.save_document(self._current().id, step, doc)  # type: ignore[arg-type]

    def progress(self) -> list[StepProgress]:
        """Progress through every workbook step, in order, for the current account."""
        return [step_progress(s.id, self.load(s.id), self.framework)
                for s in self.framework.steps]

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

    @property
    def _tid(self) -> int:
        return self.trainee.id  # type: ignore[return-value]

    def _current(self) -> Account:
        if self.account is None:
            raise NotFound("Pick or create an account first.")
        return self.account
