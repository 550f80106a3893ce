"""The store's side of privacy: removing a trainee or an account with everything of theirs,
erasing one customer person from every saved version, pruning old versions (the retention
setting), leaving no copy of what was removed in the database file - and a trainee's record as
a person (every version of their competency ratings and development plans, their peers' links
without the tokens, their quiz attempts) read whole for moving them between stores, and written
back. A mixin of `kamkit.store.Store`.

On SQLite every connection runs with `secure_delete` (freed content is overwritten with zeros),
and `compact()` rebuilds the file (VACUUM), folds the write-ahead log into it and empties the
log - after it, the bytes of what was removed are in neither file. On PostgreSQL
the rows are deleted or rewritten; reclaiming the space they held (VACUUM) is the database
operator's job.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import sqlite3
import stat
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select

from kamkit.competency import (
    CompetencyRatings,
    DevelopmentPlan,
    QuizAttempt,
    RaterLink,
    RatingSet,
)
from kamkit.errors import NotFound
from kamkit.models import Review
from kamkit.privacy import (
    Person,
    Traces,
    matches,
    people,
    rewrite_plan,
    rewrite_ratings,
    scrub,
    traces,
    without_people,
)
from kamkit.steps import document_model
from kamkit.store_tables import (
    accounts,
    attempts,
    competency_ratings,
    current_only,
    development_plans,
    documents,
    figures,
    hash_token,
    person_figures,
    quiz_attempts,
    rater_links,
    reviews,
    trainees,
    utc,
)

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sqlalchemy import Connection, Engine

__all__ = ["PrivacyVerbs", "Removed", "Erasure", "make_private", "PlanVersion",
           "PersonHistory", "restore_person"]


_COMMENT = Review.model_fields["comment"]  # how long a comment may be, rewritten

#: how each count reads: (one, several)
_SAID = {"accounts": ("account", "accounts"),
         "people": ("entry of the person", "entries of the person"),
         "versions": ("saved version", "saved versions"),
         "rewritten": ("saved version rewritten", "saved versions rewritten"),
         "reviews": ("review", "reviews"),
         "comments": ("review comment rewritten", "review comments rewritten"),
         "attempts": ("case-study check", "case-study checks"),
         "figures": ("account's dashboard figures", "accounts' dashboard figures"),
         "ratings": ("competency rating", "competency ratings"),
         "plans": ("development plan version", "development plan versions"),
         "links": ("peer's rating link", "peers' rating links"),
         "quiz": ("quiz attempt", "quiz attempts"),
         "assessments": ("rating or plan version rewritten", "rating or plan versions rewritten")}


@dataclass(frozen=True)
class Removed:
    """What a removal, an erasure or a prune took out of the store, counted."""

    accounts: int = 0
    people: int = 0          # a person's entries erased (one per account, or more)
    versions: int = 0        # saved versions deleted
    rewritten: int = 0       # saved versions rewritten without someone
    reviews: int = 0
    comments: int = 0        # review comments rewritten
    attempts: int = 0        # case-study checks
    figures: int = 0         # accounts whose dashboard figures were dropped (scored again)
    ratings: int = 0         # competency ratings (every version, every rater)
    plans: int = 0           # development plan versions
    links: int = 0           # peers' rating links
    quiz: int = 0            # quiz attempts
    assessments: int = 0     # versions of ratings or development plans rewritten without someone

    def __str__(self) -> str:
        said = [f"{n} {_SAID[f.name][n != 1]}" for f in fields(self)
                if (n := getattr(self, f.name))]
        return ", ".join(said) or "nothing"


@dataclass(frozen=True)
class PlanVersion:
    """One saved version of a trainee's development plan."""

    version: int
    saved_at: dt.datetime
    plan: DevelopmentPlan


@dataclass(frozen=True)
class PersonHistory:
    """A trainee's whole record as a person, as `get_person_history` reads it and
    `restore_person` writes it: ratings (every version; a peer's carries the id of the link it
    came through, an id among `links`), plan versions, peers' links, quiz attempts."""

    ratings: list[RatingSet] = field(default_factory=list)
    plans: list[PlanVersion] = field(default_factory=list)
    links: list[RaterLink] = field(default_factory=list)
    quiz: list[QuizAttempt] = field(default_factory=list)


@dataclass(frozen=True)
class Erasure:
    """Whom erasing one customer person by name, email or id would take, known before anything
    is erased: how many people (entries, one account's each) in how many accounts, and the
    words taken out of free text - in any case (emails, names of two words or more) and only
    as written (surnames, one-word names) - in the order met."""

    accounts: int
    people: int
    any_case: tuple[str, ...]
    as_written: tuple[str, ...]


def make_private(path: Path, home: Path) -> None:
    """Create the SQLite file `path` readable and writable by its owner only, whatever the
    umask, and take group and other access away from an existing one (and its -wal and -shm,
    which SQLite creates with the file's permissions). The folder is made private when it is
    kamkit's home or made here; a folder of the user's own (a --db elsewhere) is left alone."""
    folder = path.parent
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if created or folder.resolve() == home.expanduser().resolve():
        _chmod(folder, 0o700)
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.fchmod(fd, 0o600)  # the umask may have taken more than group and other
        os.close(fd)
        # a database at once, never an empty file (an empty store file means one that lost
        # its contents); SQLite gives the log files it makes the file's permissions
        with contextlib.closing(sqlite3.connect(path)) as new:
            new.execute("PRAGMA journal_mode=WAL")
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        target = folder / name
        with contextlib.suppress(FileNotFoundError):
            # a read-only file stays read-only: only group and other lose their access
            _chmod(target, stat.S_IMODE(target.stat().st_mode) & 0o700)


def _chmod(path: Path, mode: int) -> None:
    with contextlib.suppress(PermissionError):  # someone else's file: theirs to protect
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)


class PrivacyVerbs:
    """Removing, erasing, pruning and compacting. Mixed into `Store`."""

    if TYPE_CHECKING:
        engine: Engine

        def _write(self) -> AbstractContextManager[Connection]: ...

        def _read(self) -> AbstractContextManager[Connection]: ...

        def rating_history(self, trainee_id: int) -> list[RatingSet]: ...

        def list_rater_links(self, trainee_id: int) -> list[RaterLink]: ...

        def list_quiz_attempts(self, trainee_ids: list[int] | None = None
                               ) -> list[QuizAttempt]: ...

    # -- a trainee, an account ---------------------------------------------------------------

    def remove_trainee(self, trainee_id: int) -> Removed:
        """The trainee and everything of theirs: accounts, every saved version, reviews,
        dashboard figures and case-study checks; every competency rating of them (their own,
        their manager's, their peers'), their development plans, peers' links and quiz
        attempts. (The database's foreign keys would take these with the trainee too; they
        are deleted here to be counted.)"""
        with self._write() as conn:
            ids = list(conn.execute(select(accounts.c.id)
                                    .where(accounts.c.trainee_id == trainee_id)).scalars())
            removed = _remove_accounts(conn, ids)
            own = {name: conn.execute(table.delete().where(table.c.trainee_id == trainee_id))
                   .rowcount for name, table in _PERSON_TABLES}
            conn.execute(person_figures.delete().where(person_figures.c.trainee_id == trainee_id))
            if not conn.execute(trainees.delete().where(trainees.c.id == trainee_id)).rowcount:
                raise NotFound(f"No trainee with id {trainee_id}.")
        return Removed(**{f.name: getattr(removed, f.name) for f in fields(removed)} | own)

    # -- a trainee's record as a person, whole (export and import) ------------------------------

    def get_person_history(self, trainee_id: int) -> PersonHistory:
        """Everything the store keeps about the trainee as a person, oldest first: every
        version of every rater's competency ratings, every version of their development plan,
        their peers' links (never the token: only its hash is kept, and that stays here) and
        their quiz attempts."""
        with self._read() as conn:
            rows = conn.execute(select(development_plans)
                                .where(development_plans.c.trainee_id == trainee_id)
                                .order_by(development_plans.c.version)).mappings().all()
        plans = [PlanVersion(r["version"], utc(r["saved_at"]),  # type: ignore[arg-type]
                             DevelopmentPlan.model_validate_json(r["data"])) for r in rows]
        return PersonHistory(ratings=self.rating_history(trainee_id), plans=plans,
                             links=self.list_rater_links(trainee_id),
                             quiz=self.list_quiz_attempts([trainee_id]))

    def remove_account(self, account_id: int) -> Removed:
        """The account with every saved version, its reviews, figures and checks."""
        with self._write() as conn:
            removed = _remove_accounts(conn, [account_id])
        if not removed.accounts:
            raise NotFound(f"No account with id {account_id} here.")
        return removed

    # -- one customer person -----------------------------------------------------------------

    def erase_person(self, account_ids: list[int], who: str, *, by_id: bool = False) -> Removed:
        """Erase one customer person - by name or email (any case), or with `by_id` by their id
        - from every saved version of every step of these accounts: the person, everything that
        pointed at them (lines, relationships), their name and email in any text, and in the
        reviews' comments - and in what the accounts' trainees and those who rated them wrote
        in their competency ratings and development plans. The dashboard figures of the
        accounts are dropped (scored again). NotFound when nobody matches."""
        counts = {"accounts": 0, "people": 0, "rewritten": 0, "comments": 0, "figures": 0}
        found: list[Traces] = []
        with self._write() as conn:
            for account_id in account_ids:
                docs, ids, words = _whom(conn, account_id, who, by_id)
                if not ids:
                    continue
                found.append(words)
                for rid, doc, data in docs:
                    new = without_people(doc, ids, words).model_dump_json()
                    if new != data:
                        conn.execute(documents.update().where(documents.c.id == rid)
                                     .values(data=new))
                        counts["rewritten"] += 1
                for rid, comment in conn.execute(select(reviews.c.id, reviews.c.comment).where(
                        reviews.c.account_id == account_id)).all():
                    if (new_comment := scrub(comment, words, _COMMENT)) != comment:
                        conn.execute(reviews.update().where(reviews.c.id == rid)
                                     .values(comment=new_comment))
                        counts["comments"] += 1
                counts["figures"] += conn.execute(
                    figures.delete().where(figures.c.account_id == account_id)).rowcount
                # a page opened before now still shows them: its saves are refused
                conn.execute(accounts.update().where(accounts.c.id == account_id)
                             .values(erasures=accounts.c.erasures + 1))
                counts["accounts"] += 1
                counts["people"] += len(ids)
            if found:
                owners = set(conn.execute(select(accounts.c.trainee_id).where(
                    accounts.c.id.in_(account_ids))).scalars())
                counts["assessments"] = _scrub_assessments(conn, owners, found)
                # their kept person records hold what they wrote before: scored again
                conn.execute(person_figures.delete().where(
                    person_figures.c.trainee_id.in_(owners)))
        if not counts["accounts"]:
            raise _nobody(who, account_ids)
        return Removed(**counts)

    def get_erasure(self, account_ids: list[int], who: str, *, by_id: bool = False) -> Erasure:
        """What `erase_person` with the same arguments would take (nothing is written).
        NotFound when nobody matches."""
        accounts = found = 0
        any_case: dict[str, str] = {}   # folded -> as first met
        as_written: dict[str, None] = {}
        with self._read() as conn:
            for account_id in account_ids:
                docs, ids, words = _whom(conn, account_id, who, by_id)
                if not ids:
                    continue
                accounts, found = accounts + 1, found + len(ids)
                for p in (p for _, doc, _ in docs for p in people(doc) if p.id in ids):
                    for word in (p.name.strip(), p.email.strip()):
                        if word in words.any_case:
                            any_case.setdefault(word.casefold(), word)
                    for word in (p.surname, p.single):
                        if word in words.as_written:
                            as_written.setdefault(word)
        if not accounts:
            raise _nobody(who, account_ids)
        return Erasure(accounts, found, tuple(any_case.values()), tuple(as_written))

    # -- retention ---------------------------------------------------------------------------

    def prune_versions(self, saved_before: dt.datetime) -> Removed:
        """Delete the saved versions older than `saved_before`, except the latest of each step
        of each account and every version a manager's review points at."""
        latest = (select(documents.c.account_id, documents.c.step,
                         func.max(documents.c.version).label("version"))
                  .where(current_only())  # a later save from an out-of-date page never counts
                  .group_by(documents.c.account_id, documents.c.step).subquery())
        doomed = (select(documents.c.id, documents.c.account_id)
                  .join(latest, and_(latest.c.account_id == documents.c.account_id,
                                     latest.c.step == documents.c.step))
                  .where(documents.c.saved_at < saved_before,
                         documents.c.version != latest.c.version,
                         ~select(reviews.c.id).where(
                             reviews.c.account_id == documents.c.account_id,
                             reviews.c.step == documents.c.step,
                             reviews.c.doc_version == documents.c.version).exists()))
        with self._write() as conn:
            rows = conn.execute(doomed).all()
            ids = [rid for rid, _ in rows]
            for start in range(0, len(ids), 500):
                conn.execute(documents.delete().where(documents.c.id.in_(ids[start:start + 500])))
        return Removed(accounts=len({acc for _, acc in rows}), versions=len(rows))

    # -- no copy left ------------------------------------------------------------------------

    def compact(self) -> bool:
        """Leave nothing removed in the database file. SQLite: rebuild the file (VACUUM, its
        scratch copy kept in memory, not in a temporary file) and fold the write-ahead log into
        it, emptying the log. False when another program kept part of the log open (run again
        once the servers are stopped). PostgreSQL: nothing to do here (True)."""
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return True
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("PRAGMA temp_store=MEMORY")
            try:
                cur.execute("VACUUM")
                vacuumed = True
            except sqlite3.OperationalError:  # another connection is reading: try later
                vacuumed = False
            cur.execute("PRAGMA temp_store=DEFAULT")
            busy = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            cur.close()
        finally:
            raw.close()
        return vacuumed and not busy


def _whom(conn: Connection, account_id: int, who: str, by_id: bool
          ) -> tuple[list[tuple[int, Any, str]], set[str], Traces]:
    """The account's saved versions (row id, document, its JSON), the ids of the people `who`
    names there - the same person under every name and email any version gave them - and
    their traces in free text."""
    rows = conn.execute(select(documents.c.id, documents.c.step, documents.c.data)
                        .where(documents.c.account_id == account_id)
                        .order_by(documents.c.id)).all()
    docs = [(rid, document_model(step).model_validate_json(data), data)
            for rid, step, data in rows]
    everyone: list[Person] = [p for _, doc, _ in docs for p in people(doc)]
    ids = {p.id for p in everyone if matches(p, who, by_id)}
    return docs, ids, traces([p for p in everyone if p.id in ids],
                             [p for p in everyone if p.id not in ids])


def _nobody(who: str, account_ids: list[int]) -> NotFound:
    return NotFound(f"Nobody called '{who}' is in "
                    f"{'this account' if len(account_ids) == 1 else 'these accounts'}, "
                    "in any saved version.")


def _scrub_assessments(conn: Connection, trainee_ids: set[int], found: list[Traces]) -> int:
    """The trainees' competency ratings (every version, every rater) and development plans
    with the traces of erased people taken out of their text; how many versions changed."""
    def rewrite(text: str, limit: int | None) -> str:
        for words in found:
            text = words.scrub(text, limit)
        return text

    changed = 0
    for table, model, edit in ((competency_ratings, CompetencyRatings, rewrite_ratings),
                               (development_plans, DevelopmentPlan, rewrite_plan)):
        rows = conn.execute(select(table.c.id, table.c.data).where(
            table.c.trainee_id.in_(trainee_ids))).all()
        for rid, data in rows:
            new = edit(model.model_validate_json(data), rewrite).model_dump_json()  # type: ignore
            if new != data:
                conn.execute(table.update().where(table.c.id == rid).values(data=new))
                changed += 1
    return changed


#: what a trainee has as a person, by `Removed`'s count of it
_PERSON_TABLES = (("ratings", competency_ratings), ("plans", development_plans),
                  ("links", rater_links), ("quiz", quiz_attempts))


def restore_person(conn: Connection, trainee_id: int, history: PersonHistory,
                   now: dt.datetime | None = None) -> None:
    """Write a trainee's record as a person (read from another store, validated) for the
    trainee `trainee_id`, in the caller's transaction. Each peer's link comes in withdrawn
    when it still worked - its token stays behind with the store it was made in, so no old
    link works after a move - and their ratings point at it as before."""
    now = now or dt.datetime.now(dt.timezone.utc)
    new_link: dict[int | None, int] = {}
    for link in history.links:
        revoked = link.revoked_at
        if revoked is None and link.expires_at > now:
            revoked = now
        row = link.model_dump(exclude={"id"}) | {
            "trainee_id": trainee_id, "revoked_at": revoked,
            # a token nobody was given: the link can never be opened
            "token_hash": hash_token(secrets.token_urlsafe(24))}
        new_link[link.id] = conn.execute(rater_links.insert().values(**row)
                                         ).inserted_primary_key[0]
    for s in history.ratings:
        conn.execute(competency_ratings.insert().values(
            trainee_id=trainee_id, round=s.round, rater=s.rater, rater_name=s.rater_name,
            link_id=new_link[s.link_id] if s.link_id is not None else 0, version=s.version,
            data=CompetencyRatings.model_validate(s.ratings.model_dump()).model_dump_json(),
            saved_at=s.saved_at))
    for p in history.plans:
        conn.execute(development_plans.insert().values(
            trainee_id=trainee_id, version=p.version, data=p.plan.model_dump_json(),
            saved_at=p.saved_at))
    for q in history.quiz:
        conn.execute(quiz_attempts.insert().values(
            q.model_dump(exclude={"id"}) | {"trainee_id": trainee_id,
                                            "answers": json.dumps(q.answers)}))


def _remove_accounts(conn: Connection, ids: list[int]) -> Removed:
    """The accounts with all that was kept of them - their owners' kept person records too
    (reviews and case checks are in them; the dashboard scores those trainees again)."""
    counts: dict[str, Any] = {}
    if ids:
        owners = select(accounts.c.trainee_id).where(accounts.c.id.in_(ids))
        conn.execute(person_figures.delete().where(person_figures.c.trainee_id.in_(owners)))
    for name, table in (("versions", documents), ("reviews", reviews), ("figures", figures),
                        ("attempts", attempts), ("accounts", accounts)):
        column = table.c.id if table is accounts else table.c.account_id
        counts[name] = conn.execute(table.delete().where(column.in_(ids))).rowcount if ids else 0
    return Removed(**counts)
