"""The manager's side of the store: cohorts (workshop date, manager), reviews of each step, and
each account's key figures kept for the cohort dashboard.

A mixin of `kamkit.store.Store`, in its own module because it is a second noun. Reviews live in
their own table and are only ever appended: a manager's verdict sits beside the trainee's work
and can never change it. Figures are derived data - a cache the dashboard reads instead of
re-scoring ten thousand workbooks; each row says which save (`stamp`) and which content
(`fingerprint`) it was computed from, so an outdated row is recomputed, never trusted.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    and_,
    func,
    select,
)

from kamkit.errors import InvalidInput, NotFound, OutOfDate
from kamkit.figures import Kept, fingerprint, kept_figures
from kamkit.frameworks import Framework, default_framework
from kamkit.models import Cohort, Review, parse
from kamkit.store_tables import (
    accounts,
    cohorts,
    current_only,
    documents,
    figures,
    reviews,
    trainees,
    utc,
)

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sqlalchemy import Connection

__all__ = ["ReviewVerbs", "AccountRow"]

_log = logging.getLogger("kamkit.store")

_CHUNK = 500  # ids per IN (...) list: well under every database's parameter limit


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


class AccountRow(dict):  # type: ignore[type-arg]
    """One row of the dashboard's query: a trainee, one of their accounts (or none), the
    cohort's details, and the account's stored figures if any. A plain dict with names."""


class ReviewVerbs:
    """Cohorts, reviews and dashboard figures. Mixed into `Store`."""

    if TYPE_CHECKING:
        def _write(self) -> AbstractContextManager[Connection]: ...
        def _read(self) -> AbstractContextManager[Connection]: ...

    # -- cohorts ----------------------------------------------------------------------------

    def save_cohort(self, cohort: Cohort) -> Cohort:
        """Add the cohort, or update its date and manager."""
        cohort = parse(Cohort, cohort.model_dump())
        with self._write() as conn:
            values = {"workshop_date": cohort.workshop_date, "manager": cohort.manager}
            done = conn.execute(cohorts.update().where(cohorts.c.name == cohort.name)
                                .values(**values)).rowcount
            if not done:
                conn.execute(cohorts.insert().values(name=cohort.name, **values))
        return cohort

    def get_cohort(self, name: str) -> Cohort:
        with self._read() as conn:
            row = conn.execute(select(cohorts).where(cohorts.c.name == name)).mappings().first()
        if row is None:
            raise NotFound(f"No cohort called '{name}'.")
        return Cohort.model_validate(dict(row) | {"after_round_at": utc(row["after_round_at"])})

    def list_cohorts(self) -> list[Cohort]:
        """Every cohort: those with details, and those only named on a trainee."""

        with self._read() as conn:
            known = {r["name"]: Cohort.model_validate(dict(r) | {
                         "after_round_at": utc(r["after_round_at"])})
                     for r in conn.execute(select(cohorts)).mappings()}
            named = conn.execute(select(trainees.c.cohort).distinct()
                                 .where(trainees.c.cohort.is_not(None))).scalars().all()
        for name in named:
            known.setdefault(name, Cohort(name=name))
        return sorted(known.values(), key=lambda c: (c.workshop_date or dt.date.max, c.name))

    def list_managers(self) -> list[str]:
        """Everyone named as a cohort's or a trainee's manager, sorted."""

        with self._read() as conn:
            names = set(conn.execute(select(cohorts.c.manager).distinct()).scalars())
            names |= set(conn.execute(select(trainees.c.manager).distinct()).scalars())
        return sorted(n for n in names if n)

    # -- the dashboard's rows -----------------------------------------------------------------

    def list_account_rows(self, *, cohort: str | None = None,
                          manager: str | None = None) -> list[AccountRow]:
        """Trainees (filtered by cohort and/or manager - a trainee's own manager, else their
        cohort's) with each of their accounts and its stored figures, in one query."""

        mgr = func.coalesce(trainees.c.manager, cohorts.c.manager)
        query = (select(trainees.c.id.label("trainee_id"), trainees.c.name.label("trainee"),
                        trainees.c.login, trainees.c.cohort, mgr.label("manager"),
                        cohorts.c.workshop_date, accounts.c.id.label("account_id"),
                        accounts.c.name.label("account"), accounts.c.case_id,
                        accounts.c.updated_at,
                        figures.c.stamp, figures.c.fingerprint, figures.c.data.label("figures"))
                 .select_from(trainees.outerjoin(cohorts, cohorts.c.name == trainees.c.cohort)
                              .outerjoin(accounts, accounts.c.trainee_id == trainees.c.id)
                              .outerjoin(figures, figures.c.account_id == accounts.c.id))
                 .order_by(trainees.c.name, trainees.c.id, accounts.c.updated_at.desc()))
        if cohort is not None:
            query = query.where(trainees.c.cohort == cohort)
        if manager is not None:
            query = query.where(mgr == manager)
        with self._read() as conn:  # fetched at once, as plain tuples: 10,000 trainees' rows
            result = conn.execute(query)  # in ~160 ms of CPU here, ~175 ms via `.mappings()`
            names = list(result.keys())
            rows = []
            for values in result.all():
                row = AccountRow(zip(names, values, strict=True))
                row["updated_at"] = utc(row["updated_at"])
                row["stamp"] = utc(row["stamp"])
                rows.append(row)
            return rows

    def latest_documents(self, account_ids: Iterable[int]
                         ) -> dict[int, dict[str, tuple[int, dt.datetime, str]]]:
        """account id -> step -> (latest version, saved at, JSON text), in bulk."""

        out: dict[int, dict[str, tuple[int, dt.datetime, str]]] = {}
        with self._read() as conn:
            for ids in _chunks(sorted(set(account_ids))):
                last = (select(documents.c.account_id, documents.c.step,
                               func.max(documents.c.version).label("version"))
                        .where(documents.c.account_id.in_(ids), current_only())
                        .group_by(documents.c.account_id, documents.c.step).subquery())
                query = select(documents.c.account_id, documents.c.step, documents.c.version,
                               documents.c.saved_at, documents.c.data).join(last, and_(
                                   documents.c.account_id == last.c.account_id,
                                   documents.c.step == last.c.step,
                                   documents.c.version == last.c.version))
                for acc, step, version, saved_at, data in conn.execute(query):
                    out.setdefault(acc, {})[step] = (version, utc(saved_at), data)
        return out

    def keep_figures(self, stamps: Mapping[int, dt.datetime | None], framework: Framework,
                     today: dt.date) -> dict[int, Kept]:
        """Score accounts (id -> the save stamp their figures will be kept under: the
        account's `updated_at`) from their latest documents as of `today` and keep the
        figures; returns them. A failure to keep them is logged: they are a cache."""
        out, rows = self.scored_figures(stamps, framework, today)
        try:
            self.save_figures(rows)
        except Exception:  # figures are a cache: showing them matters more than keeping them
            _log.exception("could not keep dashboard figures")
        return out

    def scored_figures(self, stamps: Mapping[int, dt.datetime | None], framework: Framework,
                       today: dt.date
                       ) -> tuple[dict[int, Kept], list[tuple[int, dt.datetime, str, str]]]:
        """Accounts (id -> save stamp) scored from their latest documents as of `today`: their
        figures, and the rows `save_figures` keeps them as."""
        docs = self.latest_documents(stamps)
        under = fingerprint(framework)
        out, rows = {}, []
        for acc, stamp in stamps.items():
            kept = out[acc] = kept_figures(docs.get(acc, {}), framework, today)
            rows.append((acc, stamp, under, kept.model_dump_json()))
        return out, rows

    def score_saved(self, account_ids: Iterable[int]) -> None:
        """Score accounts just saved (or imported) under the default content and keep their
        figures, so the dashboard reads them instead of scoring them on its next look. Never
        fails a save: what cannot be scored now is scored by the dashboard."""
        try:
            with self._read() as conn:
                stamps = dict(conn.execute(select(accounts.c.id, accounts.c.updated_at).where(
                    accounts.c.id.in_(list(account_ids)))).all())
            if stamps:
                self.keep_figures({a: utc(s) for a, s in stamps.items()}, default_framework(),
                                  dt.date.today())
        except Exception:
            _log.exception("could not score the accounts just saved")

    def save_figures(self, rows: list[tuple[int, dt.datetime, str, str]]) -> None:
        """Keep (account id, stamp, fingerprint, figures JSON) rows, replacing older ones."""
        if not rows:
            return
        with self._write() as conn:
            for ids in _chunks([r[0] for r in rows]):
                conn.execute(figures.delete().where(figures.c.account_id.in_(ids)))
            conn.execute(figures.insert(), [
                {"account_id": a, "stamp": s, "fingerprint": f, "data": d} for a, s, f, d in rows])

    # -- reviews ------------------------------------------------------------------------------

    def add_review(self, review: Review, *, latest: bool = False) -> Review:
        """Keep a manager's verdict on a step. Refused for work that was never saved, or for a
        version the trainee has not saved yet - and, with `latest`, for a version the trainee
        has saved over since (`OutOfDate`, with the version now): checked in the same
        transaction that keeps it, so a save in between cannot slip through."""

        review = parse(Review, review.model_dump())
        with self._write() as conn:
            last = conn.execute(select(func.max(documents.c.version)).where(
                documents.c.account_id == review.account_id,
                documents.c.step == review.step, current_only())).scalar()
            if last is None:
                raise InvalidInput("There is nothing to review: this step has not been saved "
                                   "yet.", field="step")
            if review.doc_version > last:
                raise InvalidInput(f"Version {review.doc_version} of this step does not exist "
                                   f"(the latest is {last}).", field="doc_version")
            if latest and review.doc_version < last:
                raise OutOfDate(f"Version {review.doc_version} of this step is no longer the "
                                f"latest (version {last} now).", last)
            row = review.model_dump(exclude={"id"})
            new_id = conn.execute(reviews.insert().values(**row)).inserted_primary_key[0]
        return review.model_copy(update={"id": new_id})

    def list_reviews(self, account_id: int, step: str | None = None) -> list[Review]:
        """Every review of the account (or of one step), oldest first."""
        query = select(reviews).where(reviews.c.account_id == account_id)
        if step is not None:
            query = query.where(reviews.c.step == step)
        with self._read() as conn:
            return [_review(r) for r in conn.execute(query.order_by(reviews.c.id)).mappings()]

    def latest_reviews(self, account_ids: Iterable[int]) -> dict[tuple[int, str], Review]:
        """(account id, step) -> the latest review, in bulk."""
        wanted = set(account_ids)
        # many accounts: one pass over the reviews beats thousands of bound parameters
        groups = [None] if len(wanted) > 4 * _CHUNK else list(_chunks(sorted(wanted)))
        out: dict[tuple[int, str], Review] = {}
        with self._read() as conn:
            for ids in groups:
                last = select(func.max(reviews.c.id).label("id"))
                if ids is not None:
                    last = last.where(reviews.c.account_id.in_(ids))
                last = last.group_by(reviews.c.account_id, reviews.c.step).subquery()
                query = select(reviews).join(last, reviews.c.id == last.c.id)
                for r in conn.execute(query).mappings():
                    if r["account_id"] in wanted:
                        out[(r["account_id"], r["step"])] = _review(r)
        return out

def _review(row: Any) -> Review:
    return Review.model_validate({**row, "reviewed_at": utc(row["reviewed_at"])})
