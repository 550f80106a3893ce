"""Where every answer is kept: trainees, their accounts, and each step's document with its history.

SQLAlchemy Core over a SQLite file by default (WAL, busy timeout, write transactions taken
IMMEDIATE so concurrent writers queue instead of failing), or any SQLAlchemy URL - PostgreSQL in a
multi-user setup. The verbs are few and regular: `add_…`, `get_…` (raises `NotFound`),
`list_…`, `save_…`, `remove_…`; they take and return `kamkit.models`. Saving a document never
overwrites: it appends version N+1, so the history of a trainee's thinking is kept.

On PostgreSQL, writers queue as they do on SQLite: each write transaction first takes one
transaction-level advisory lock (per schema), so every verb's read-then-write (the next version
number, "is this page's version still the latest?") holds under many servers, and migrations run
once however many servers start together. Each process keeps at most `db_pool` connections
(the `KAMKIT_DB_POOL` setting). A write that meets a passing fault (the connection dropped, a
deadlock or serialization failure, a lock not granted in time) is run again, whole, a few times;
only then is it a `SaveFailed`, which a page's `Keeper` holds and retries.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    func,
    make_url,
    select,
)
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import NullPool, StaticPool

from kamkit import migrations
from kamkit.errors import InvalidInput, NotFound, OutOfDate, SaveFailed, StoreUnreadable
from kamkit.models import Account, Attempt, Review, Trainee, parse
from kamkit.settings import current
from kamkit.steps import document_model
from kamkit.store_people import PeopleVerbs
from kamkit.store_practice import PracticeVerbs
from kamkit.store_privacy import PersonHistory, PrivacyVerbs, make_private, restore_person
from kamkit.store_reviews import ReviewVerbs
from kamkit.store_tables import (
    accounts,
    attempts,
    current_only,
    documents,
    hash_token,
    reviews,
    trainees,
)
from kamkit.store_tables import utc as _utc

__all__ = ["Store", "DocumentVersion", "kamkit_home", "default_url", "hash_token",
           "LOCK_WAIT"]

def kamkit_home() -> Path:
    """The data folder (the `home` setting, default ~/.kamkit) - never inside what a server
    serves."""
    return current().home


def default_url() -> str:
    """The `db_url` setting: the store's URL (default: the SQLite file in `kamkit_home()`)."""
    return current().db_url


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class DocumentVersion(BaseModel):
    """One saved version of a step's document."""

    version: int
    saved_at: dt.datetime
    data: dict[str, Any]
    stale: bool = False  # saved from a page that no longer showed the latest: never current


def _sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL (None for memory, other databases and file: URIs)."""
    if not url.startswith("sqlite") or url in ("sqlite://", "sqlite:///:memory:"):
        return None
    target = url.split("///", 1)[-1]
    return None if target.startswith("file:") else Path(target)


def _refuse_an_empty_file(url: str) -> None:
    """SQLite takes an empty file for a new database; a store file that lost its contents
    must not silently become an empty store."""
    path = _sqlite_file(url)
    if path is not None and path.is_file() and path.stat().st_size == 0:
        raise StoreUnreadable(
            f"{path} is empty (0 bytes): it is not a kamkit store, or it lost its contents. "
            "Nothing was changed. Restore it from a backup, or delete it to start a new store.")


#: The first key of kamkit's advisory locks on PostgreSQL ("kamk"); the second is the schema's.
_LOCK_CLASS = 0x6B616D6B
_WRITE_LOCK = (f"SELECT pg_advisory_xact_lock({_LOCK_CLASS}, "
               "hashtext(coalesce(current_schema(), '')))")
LOCK_WAIT = "30s"  # how long a writer waits for another's lock: as SQLite's busy timeout
_TRIES = 4          # a write meeting a passing fault is tried this many times in all


def _server_engine(url: str, pool: int) -> Engine:
    """A database server's engine: at most `pool` connections for this process (none kept
    with 0), each checked before use and renewed after half an hour, so one dropped by the
    server or a firewall is never handed to a save."""
    parsed = make_url(url)
    postgres = parsed.get_backend_name() == "postgresql"
    connect_args = ({"application_name": "kamkit"}  # what pg_stat_activity shows
                    if postgres and "application_name" not in parsed.query else {})
    if pool == 0:
        engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)
    else:
        engine = create_engine(url, pool_size=pool, max_overflow=0, pool_timeout=30,
                               pool_pre_ping=True, pool_recycle=1800,
                               connect_args=connect_args)
    if not postgres:
        return engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        autocommit = dbapi_conn.autocommit
        dbapi_conn.autocommit = True
        cur = dbapi_conn.cursor()
        cur.execute(f"SET lock_timeout = '{LOCK_WAIT}'")
        cur.close()
        dbapi_conn.autocommit = autocommit

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers queue, as on SQLite: a read-then-write cannot interleave with another's.
        write = conn.get_execution_options().get("kamkit_write", False)
        if write == "migrate":  # a migration may take long: the next server waits it out
            conn.exec_driver_sql("SET LOCAL lock_timeout = 0")
        if write:
            conn.exec_driver_sql(_WRITE_LOCK)

    return engine


def _make_engine(url: str, pool: int) -> Engine:
    if not url.startswith("sqlite"):
        return _server_engine(url, pool)
    memory = url in ("sqlite://", "sqlite:///:memory:")
    path = _sqlite_file(url)
    if path is not None:  # file: URIs (read-only opens) exist already
        make_private(path, kamkit_home())
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        **({"poolclass": StaticPool} if memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA secure_delete=ON")  # what is deleted is overwritten, not left behind
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the lock up front, so two writers queue (busy_timeout) instead of
        # deadlocking on a read-then-write upgrade.
        write = conn.get_execution_options().get("kamkit_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class _Again(SaveFailed):
    """A write transaction met a passing fault after its work had begun (the connection
    dropped, a deadlock): rolled back, so the verb that wrote may run again, whole. Where no
    verb catches it, it is the `SaveFailed` it derives from."""


_Verb = TypeVar("_Verb", bound=Callable[..., Any])


def _run_again(verb: _Verb) -> _Verb:
    """`verb` run again, whole, when its write transaction met a passing fault - unless one of
    its write transactions had already been kept (then running it again could keep that twice:
    a `SaveFailed`)."""

    @functools.wraps(verb)
    def run(self: Store, *args: Any, **kwargs: Any) -> Any:
        for attempt in range(_TRIES):
            kept = self._kept()
            try:
                return verb(self, *args, **kwargs)
            except _Again as exc:
                if attempt == _TRIES - 1 or self._kept() != kept:
                    raise SaveFailed(exc.message) from exc
                time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")

    return run  # type: ignore[return-value]


_C = TypeVar("_C", bound=type)


def _writers_run_again(cls: _C) -> _C:
    """Every public verb that opens a write transaction (`self._write()`: its code names it),
    the mixins' included, runs again on a passing fault (`_run_again`)."""
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if not name.startswith("_") and "_write" in member.__code__.co_names:
            setattr(cls, name, _run_again(member))
    return cls


@_writers_run_again
class Store(ReviewVerbs, PracticeVerbs, PrivacyVerbs, PeopleVerbs):
    """The kamkit database. Use as a context manager, or call `close()`. The manager's verbs
    (cohorts, reviews, dashboard figures) come from `kamkit.store_reviews`, the case studies'
    (practice accounts, attempts) from `kamkit.store_practice`, removing and erasing (a
    trainee, an account, a customer person, old versions) from `kamkit.store_privacy`.

    `pool`: the most connections kept to a database server (default: the `db_pool`
    setting). `migrated`: the migrations this store applied as it opened."""

    def __init__(self, url: str | None = None, *, pool: int | None = None) -> None:
        self.url = url or default_url()
        _refuse_an_empty_file(self.url)
        self.engine = _make_engine(self.url, current().db_pool if pool is None else pool)
        self.migrated: list[int] = []
        self._local = threading.local()  # per thread: write transactions kept
        try:
            self._check_and_migrate()
        except OperationalError as exc:  # locked, no permission, server unreachable: not damage
            self.engine.dispose()
            raise SaveFailed(f"The store cannot be opened ({str(exc.orig)[:120]}): it may be "
                             "busy, out of reach, or not yours to open. Nothing was changed."
                             ) from None
        except DatabaseError as exc:
            self.engine.dispose()
            where = _sqlite_file(self.url) or "the database"
            raise StoreUnreadable(
                f"{where} cannot be read as a kamkit store ({str(exc.orig)[:120]}). Nothing "
                "was changed. Point KAMKIT_DB_URL (or --db) at the right store, or restore the "
                "file from a backup.") from None

    # -- plumbing ---------------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One atomic write transaction. Beginning it is tried again when the database stays
        locked past the busy timeout, or the server does not answer; a passing fault after the
        work began (the transaction rolled back) is an `_Again`, for the verb to run again
        (`_run_again`). Any other failure is a `SaveFailed`."""
        for attempt in range(_TRIES):
            entered = done = False
            try:
                with self.engine.connect().execution_options(kamkit_write=True) as conn:
                    with conn.begin():
                        entered = True
                        yield conn
                        done = True  # what fails now fails at the commit
                self._local.kept = self._kept() + 1
                return
            except PoolTimeout as exc:
                raise SaveFailed(_explain("busy: no connection free")) from exc
            except DBAPIError as exc:
                passing = _passing(exc)
                if not passing and not isinstance(exc, OperationalError):
                    raise  # a broken rule (a login taken twice): the verb says what it means
                text = str(exc.orig).lower()
                if passing and not entered and attempt < _TRIES - 1:
                    time.sleep(0.05 * 2**attempt)
                    continue
                # A connection lost at the commit may have kept the work: not run again.
                if passing and entered and (not done or _rolled_back(exc)):
                    raise _Again(_explain(text)) from exc
                raise SaveFailed(_explain(text)) from exc

    def _kept(self) -> int:
        return getattr(self._local, "kept", 0)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def _check_and_migrate(self) -> None:
        with self._read() as conn:
            version = migrations.current_version(conn)
        if version > migrations.LATEST:
            raise SaveFailed(f"This database was written by a newer kamkit (schema {version}); "
                             f"this kamkit knows up to {migrations.LATEST}. Upgrade kamkit.")
        if version < migrations.LATEST:
            self.migrated = migrations.migrate(self._write_once)

    @contextmanager
    def _write_once(self) -> Iterator[Connection]:
        """A migration's transaction: on PostgreSQL it waits, as long as it takes, for the
        write lock, so of many servers starting together one migrates and the rest find it
        done."""
        with self.engine.connect().execution_options(kamkit_write="migrate") as conn, \
                conn.begin():
            yield conn

    @property
    def schema_version(self) -> int:
        with self._read() as conn:
            return migrations.current_version(conn)

    # -- trainees ---------------------------------------------------------------------------

    def add_trainee(self, name: str, *, login: str | None = None, cohort: str | None = None,
                    manager: str | None = None) -> Trainee:
        trainee = parse(Trainee, {"name": name, "login": login, "cohort": cohort,
                                  "manager": manager})
        try:
            with self._write() as conn:
                row = trainee.model_dump(exclude={"id"})
                new_id = conn.execute(trainees.insert().values(**row)).inserted_primary_key[0]
        except IntegrityError:
            raise InvalidInput(f"Someone with the login '{login}' is already in the workbook.",
                               field="login") from None
        return trainee.model_copy(update={"id": new_id})

    def get_trainee(self, trainee_id: int) -> Trainee:
        return self._one_trainee(trainees.c.id == trainee_id, f"No trainee with id {trainee_id}.")

    def get_trainee_by_login(self, login: str) -> Trainee:
        return self._one_trainee(trainees.c.login == login, f"No trainee signs in as '{login}'.")

    def get_trainee_by_token(self, token: str) -> Trainee:
        """The trainee a personal link belongs to (NotFound for an unknown or revoked link)."""
        return self._one_trainee(trainees.c.token_hash == hash_token(token),
                                 "This personal link is not valid (any more).")

    def _one_trainee(self, where: Any, message: str) -> Trainee:
        with self._read() as conn:
            row = conn.execute(select(*_trainee_cols()).where(where)).mappings().first()
        if row is None:
            raise NotFound(message)
        return _trainee(row)

    def list_trainees(self, cohort: str | None = None) -> list[Trainee]:
        query = select(*_trainee_cols()).order_by(trainees.c.name, trainees.c.id)
        if cohort is not None:
            query = query.where(trainees.c.cohort == cohort)
        with self._read() as conn:
            return [_trainee(r) for r in conn.execute(query).mappings()]

    def issue_token(self, trainee_id: int) -> str:
        """A new personal-link token for the trainee; any earlier link stops working."""
        token = secrets.token_urlsafe(24)
        with self._write() as conn:
            done = conn.execute(trainees.update().where(trainees.c.id == trainee_id)
                                .values(token_hash=hash_token(token))).rowcount
        if not done:
            raise NotFound(f"No trainee with id {trainee_id}.")
        return token

    # -- accounts ---------------------------------------------------------------------------

    def add_account(self, trainee_id: int, name: str) -> Account:
        account = parse(Account, {"trainee_id": trainee_id, "name": name})
        self.get_trainee(trainee_id)
        with self._write() as conn:
            row = account.model_dump(exclude={"id"})
            new_id = conn.execute(accounts.insert().values(**row)).inserted_primary_key[0]
        return account.model_copy(update={"id": new_id})

    def get_account(self, account_id: int, *, trainee_id: int | None = None) -> Account:
        """An account; with `trainee_id`, only if it is that trainee's (else NotFound)."""
        query = select(accounts).where(accounts.c.id == account_id)
        if trainee_id is not None:
            query = query.where(accounts.c.trainee_id == trainee_id)
        with self._read() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFound(f"No account with id {account_id} here.")
        return _account(row)

    def list_accounts(self, trainee_id: int) -> list[Account]:
        query = (select(accounts).where(accounts.c.trainee_id == trainee_id)
                 .order_by(accounts.c.updated_at.desc(), accounts.c.id.desc()))
        with self._read() as conn:
            return [_account(r) for r in conn.execute(query).mappings()]

    def save_account(self, account: Account) -> Account:
        """Store a changed account (today: its name)."""
        account = parse(Account, account.model_dump())
        with self._write() as conn:
            done = conn.execute(accounts.update().where(accounts.c.id == account.id)
                                .values(name=account.name, updated_at=_now())).rowcount
        if not done:
            raise NotFound(f"No account with id {account.id} here.")
        return self.get_account(account.id)  # type: ignore[arg-type]

    # -- documents --------------------------------------------------------------------------

    def save_document(self, account_id: int, step: str, doc: BaseModel | dict[str, Any],
                      *, based_on: int | None = None, erasures: int | None = None) -> int:
        """Validate and append a new version of the step's document; returns its number.

        `based_on` is the version the saving page started from (0: nothing saved yet). When a
        newer version has been saved since - by another page of the same trainee - this one is
        kept in the history marked out of date, never made current, and `OutOfDate` is raised
        (after it was stored). `erasures` is the account's count of erasures when the page read
        it (`open_document`): if a customer person was erased from the account since, the save
        is refused and nothing is stored (the page still holds them)."""
        data = doc.model_dump(mode="json") if isinstance(doc, BaseModel) else doc
        model = parse(document_model(step), data)
        payload = model.model_dump_json()
        with self._write() as conn:
            now_erased = conn.execute(select(accounts.c.erasures)
                                      .where(accounts.c.id == account_id)).scalar()
            if erasures is not None and now_erased is not None and now_erased != erasures:
                raise OutOfDate("Your facilitator removed someone from this account since this "
                                "page opened, so this change was not saved. Reload the page "
                                "to carry on.", None)
            latest = self._latest_version(conn, account_id, step)
            stale = based_on is not None and based_on != latest
            version = self._append(conn, account_id, step, payload, _now(), stale=stale)
        if not stale:
            self.score_saved([account_id])  # the dashboard reads these figures, not scores them
        if stale:
            raise OutOfDate("This step was changed in another tab or window since this page "
                            "opened, so what you change here is kept aside, not saved as your "
                            "latest work. Copy anything you want to keep, then reload the "
                            "page.", version)
        return version

    @staticmethod
    def _latest_version(conn: Connection, account_id: int, step: str) -> int:
        """The current (latest not out-of-date) version's number; 0 when nothing is saved."""
        return conn.execute(select(func.max(documents.c.version)).where(
            documents.c.account_id == account_id, documents.c.step == step,
            current_only())).scalar() or 0

    def _append(self, conn: Connection, account_id: int, step: str, payload: str,
                saved_at: dt.datetime, stale: bool = False) -> int:
        # FOR UPDATE serialises writers of one account on PostgreSQL, so two saves cannot both
        # take version N+1; SQLite already holds the write lock (BEGIN IMMEDIATE).
        exists = conn.execute(select(accounts.c.id).where(accounts.c.id == account_id)
                              .with_for_update()).first()
        if exists is None:
            raise NotFound(f"No account with id {account_id} here.")
        last = conn.execute(select(func.max(documents.c.version)).where(
            documents.c.account_id == account_id, documents.c.step == step)).scalar()
        version = (last or 0) + 1
        conn.execute(documents.insert().values(account_id=account_id, step=step, version=version,
                                               data=payload, saved_at=saved_at, stale=stale))
        if not stale:
            conn.execute(accounts.update().where(accounts.c.id == account_id)
                         .values(updated_at=saved_at))
        return version

    def get_document(self, account_id: int, step: str) -> BaseModel:
        """The current version of the step's document (NotFound if never saved)."""
        with self._read() as conn:
            found = _current_version(conn, account_id, step)
        if found is None:
            raise NotFound(f"Nothing saved yet for step '{step}' of account {account_id}.")
        return found[0]

    def load_document(self, account_id: int, step: str) -> BaseModel:
        """The current version, or an empty document when the step has not been started."""
        with self._read() as conn:
            found = _current_version(conn, account_id, step)
        return found[0] if found else document_model(step)()

    def open_document(self, account_id: int, step: str) -> tuple[BaseModel, int, int]:
        """For editing, read in one transaction: the current version (or an empty document),
        its number (0: none) and the account's count of erasures - what `save_document` checks
        the edit against (`based_on`, `erasures`)."""
        with self._read() as conn:
            found = _current_version(conn, account_id, step)
            erasures = conn.execute(select(accounts.c.erasures)
                                    .where(accounts.c.id == account_id)).scalar() or 0
        doc, version = found or (document_model(step)(), 0)
        return doc, version, erasures

    def list_versions(self, account_id: int, step: str) -> list[DocumentVersion]:
        """Every saved version of the step's document, oldest first - those saved from an
        out-of-date page among them, marked `stale`."""
        query = (select(documents.c.version, documents.c.saved_at, documents.c.data,
                        documents.c.stale)
                 .where(documents.c.account_id == account_id, documents.c.step == step)
                 .order_by(documents.c.version))
        with self._read() as conn:
            return [_version(r) for r in conn.execute(query).mappings()]

    def list_steps_saved(self, account_id: int) -> dict[str, tuple[int, dt.datetime]]:
        """step -> (current version, when it was saved), for the steps this account has saved."""
        query = (select(documents.c.step, func.max(documents.c.version),
                        func.max(documents.c.saved_at))
                 .where(documents.c.account_id == account_id, current_only())
                 .group_by(documents.c.step))
        with self._read() as conn:
            return {step: (v, _utc(at)) for step, v, at in conn.execute(query)}

    # -- whole workbooks (export / import live in kamkit.io.workbook) --------------------------

    def restore_trainee(self, trainee: Trainee,
                        books: list[tuple[Account, dict[str, list[DocumentVersion]],
                                          list[Attempt], list[Review]]],
                        person: PersonHistory | None = None) -> Trainee:
        """Write a trainee with accounts - their document histories, case-study checks and
        managers' reviews, onto the new accounts' ids - and their record as a person
        (`kamkit.store_privacy.restore_person`) in ONE transaction: all or nothing.
        Inputs must already be validated (kamkit.io.workbook does that)."""
        written: list[int] = []
        try:
            with self._write() as conn:
                row = trainee.model_dump(exclude={"id"})
                new_id = conn.execute(trainees.insert().values(**row)).inserted_primary_key[0]
                for account, steps, checks, said in books:
                    arow = account.model_dump(exclude={"id"}) | {"trainee_id": new_id}
                    acc_id = conn.execute(accounts.insert().values(**arow)).inserted_primary_key[0]
                    written.append(acc_id)
                    for step, versions in steps.items():
                        for v in versions:
                            conn.execute(documents.insert().values(
                                account_id=acc_id, step=step, version=v.version,
                                data=document_model(step).model_validate(v.data)
                                .model_dump_json(), saved_at=v.saved_at, stale=v.stale))
                    for check in checks:
                        conn.execute(attempts.insert().values(
                            check.model_dump(exclude={"id"}) | {
                                "account_id": acc_id, "wrong": json.dumps(check.wrong)}))
                    for review in said:
                        conn.execute(reviews.insert().values(
                            review.model_dump(exclude={"id"}) | {"account_id": acc_id}))
                if person is not None:
                    restore_person(conn, new_id, person)
        except IntegrityError:
            raise InvalidInput(f"Someone with the login '{trainee.login}' is already in the "
                               "workbook; remove them first or import on another store.",
                               field="login") from None
        self.score_saved(written)  # imported work: the dashboard reads its figures at once
        return trainee.model_copy(update={"id": new_id})


def _trainee_cols() -> list[Any]:
    return [trainees.c.id, trainees.c.name, trainees.c.login, trainees.c.cohort,
            trainees.c.manager, trainees.c.created_at]


def _trainee(row: Any) -> Trainee:
    return Trainee.model_validate({**row, "created_at": _utc(row["created_at"])})


def _account(row: Any) -> Account:
    row = {k: v for k, v in row.items() if k != "erasures"}
    return Account.model_validate({**row, "created_at": _utc(row["created_at"]),
                                   "updated_at": _utc(row["updated_at"])})


def _current_version(conn: Connection, account_id: int, step: str
                     ) -> tuple[BaseModel, int] | None:
    """The step's current document and its number (None: never saved)."""
    row = conn.execute(select(documents.c.data, documents.c.version)
                       .where(documents.c.account_id == account_id, documents.c.step == step,
                              current_only())
                       .order_by(documents.c.version.desc()).limit(1)).first()
    return None if row is None else (document_model(step).model_validate_json(row[0]), row[1])


def _version(row: Any) -> DocumentVersion:
    return DocumentVersion(version=row["version"], saved_at=_utc(row["saved_at"]),
                           data=json.loads(row["data"]), stale=bool(row["stale"]))



# PostgreSQL's codes for faults that pass: serialization failure, deadlock, lock not granted in
# time, the server shutting down or starting, too many connections; class 08 is a lost connection.
_PASSING = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"}
_ROLLED_BACK = {"40001", "40P01", "55P03"}  # refused by the server: nothing was kept


def _code(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None) or "")


def _passing(exc: DBAPIError) -> bool:
    """A fault that passes: the same work, tried again, can succeed."""
    code = _code(exc)
    if code in _PASSING or code.startswith("08") or exc.connection_invalidated:
        return True
    text = str(exc.orig).lower()
    if "locked" in text or "busy" in text:  # SQLite past its busy timeout
        return True
    # a server's connection lost or refused before any answer: psycopg gives no code
    return isinstance(exc, OperationalError) and not code and "sqlite" not in type(
        exc.orig).__module__


def _rolled_back(exc: DBAPIError) -> bool:
    return _code(exc) in _ROLLED_BACK


def _explain(text: str) -> str:
    if "readonly" in text or "read-only" in text:
        return "Saving failed: the database is read-only. Your answers are still on screen."
    if "disk" in text and "full" in text:
        return "Saving failed: the disk is full. Your answers are still on screen."
    if "locked" in text or "busy" in text or "deadlock" in text or "lock timeout" in text:
        return "Saving failed: the database stayed busy too long. kamkit will try again."
    if "connection" in text or "server" in text or "terminat" in text:
        return ("Saving failed: the database server did not answer. Your answers are still on "
                "screen.")
    return f"Saving failed ({text[:120]}). Your answers are still on screen."
