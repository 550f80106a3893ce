"""The case studies' side of the store: a practice account seeded with a case's facts, and every
check of a step against the case's key (an attempt). A mixin of `kamkit.store.Store`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    func,
    select,
)

from kamkit.models import Account, Attempt, parse, trusted
from kamkit.steps import document_model
from kamkit.store_tables import accounts, attempts, utc

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from pydantic import BaseModel
    from sqlalchemy import Connection

__all__ = ["PracticeVerbs"]

class PracticeVerbs:
    """Practice accounts and attempts. Mixed into `Store`."""

    if TYPE_CHECKING:
        def _write(self) -> AbstractContextManager[Connection]: ...
        def _read(self) -> AbstractContextManager[Connection]: ...
        def get_trainee(self, trainee_id: int) -> Any: ...
        def _append(self, conn: Connection, account_id: int, step: str, payload: str,
                    saved_at: dt.datetime) -> int: ...
        def score_saved(self, account_ids: list[int]) -> None: ...

    def add_practice_account(self, trainee_id: int, name: str, case_id: str,
                             docs: dict[str, BaseModel]) -> Account:
        """A new account for practising `case_id`, with the case's facts saved as the first
        version of each step - in one transaction."""

        account = parse(Account, {"trainee_id": trainee_id, "name": name, "case_id": case_id})
        self.get_trainee(trainee_id)
        payloads = {step: document_model(step).model_validate(doc.model_dump()).model_dump_json()
                    for step, doc in docs.items()}
        with self._write() as conn:
            row = account.model_dump(exclude={"id"})
            new_id = conn.execute(accounts.insert().values(**row)).inserted_primary_key[0]
            for step, payload in payloads.items():
                self._append(conn, new_id, step, payload, account.created_at)
        self.score_saved([new_id])
        return account.model_copy(update={"id": new_id})

    def add_attempt(self, attempt: Attempt) -> Attempt:
        attempt = parse(Attempt, attempt.model_dump())
        with self._write() as conn:
            row = attempt.model_dump(exclude={"id"}) | {"wrong": json.dumps(attempt.wrong)}
            new_id = conn.execute(attempts.insert().values(**row)).inserted_primary_key[0]
        return attempt.model_copy(update={"id": new_id})

    def count_attempts(self, account_id: int, step: str) -> int:
        with self._read() as conn:
            return conn.execute(select(func.count()).select_from(attempts).where(
                attempts.c.account_id == account_id, attempts.c.step == step)).scalar() or 0

    def list_attempts(self, *, account_id: int | None = None, case_id: str | None = None,
                      account_ids: list[int] | None = None) -> list[Attempt]:
        """Attempts, oldest first: of one account, of one case, or of some accounts."""
        query = select(attempts).order_by(attempts.c.id)
        if account_id is not None:
            query = query.where(attempts.c.account_id == account_id)
        if case_id is not None:
            query = query.where(attempts.c.case_id == case_id)
        if account_ids is not None:
            query = query.where(attempts.c.account_id.in_(account_ids))
        with self._read() as conn:  # what kamkit wrote, validated then: read back as is
            return [trusted(Attempt, {**r, "wrong": json.loads(r["wrong"]), "at": utc(r["at"])})
                    for r in conn.execute(query).mappings()]
