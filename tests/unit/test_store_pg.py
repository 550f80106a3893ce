"""The store on PostgreSQL under many writers, as on a JupyterHub: each single-user server keeps a
small, set number of connections; twenty servers starting at once migrate the schema once; many
writers saving to one account lose no write and see no error; a connection dropped in the middle
of a save is saved again, and a save that cannot be done is a `SaveFailed` a page holds.

Each test has a PostgreSQL schema of its own (tests/pg.py)."""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time

import pytest
from sqlalchemy import event, text

import kamkit.store as store_module
from kamkit import migrations
from kamkit.errors import InvalidInput, OutOfDate, SaveFailed
from kamkit.models import ProfileDoc
from kamkit.settings import Settings
from kamkit.store import Store, _run_again
from kamkit.store_tables import trainees
from tests.pg import admin, fresh_schema

SECONDS = float(os.environ.get("KAMKIT_PG_WRITERS_SECONDS", "8"))


def _processes() -> mp.context.BaseContext:
    """Fresh processes, like servers, each with its own store - forked from one that imported
    kamkit already, so twenty start in seconds, not a minute."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["kamkit.store"])
    return ctx


@pytest.fixture
def pg_url():
    with fresh_schema() as url:
        yield url


# -- migrations, once --------------------------------------------------------------------------

def _open(url: str, ready: mp.Queue, go: mp.Event, out: mp.Queue) -> None:
    ready.put(os.getpid())
    go.wait()
    try:
        with Store(url) as store:
            out.put((store.schema_version, store.migrated, None))
    except Exception as exc:  # what a server starting would have met
        out.put((None, [], f"{type(exc).__name__}: {exc}"))


def test_twenty_servers_starting_at_once_migrate_the_store_once(pg_url):
    servers = 20
    ctx = _processes()
    ready: mp.Queue = ctx.Queue()
    out: mp.Queue = ctx.Queue()
    go = ctx.Event()
    procs = [ctx.Process(target=_open, args=(pg_url, ready, go, out)) for _ in range(servers)]
    for p in procs:
        p.start()
    for _ in procs:  # every one imported and waiting: then all open the empty schema at once
        ready.get(timeout=180)
    go.set()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)

    assert [error for *_, error in results if error] == []
    assert [version for version, *_ in results] == [migrations.LATEST] * servers
    applied = sorted(n for _, migrated, _ in results for n in migrated)
    assert applied == [n for n, *_ in migrations.MIGRATIONS]  # each ran once, in one server


# -- many writers ------------------------------------------------------------------------------

def _writer(url: str, account_id: int, trainee_id: int, name: str, ready: mp.Queue,
            go: mp.Event, out: mp.Queue) -> None:
    """A server with three pages saving at once, through one store of two connections: two
    edit the account's profile, each from the version it opened; one saves ratings."""
    saves: list[tuple[int, str, int, bool]] = []   # (version, text, based on, kept apart)
    ratings: list[int] = []
    refusals: list[str] = []
    lock = threading.Lock()

    def edit(page: str) -> None:
        n = 0
        while time.time() < until:
            _doc, based_on, erasures = store.open_document(account_id, "profile")
            words = f"{page} edit {n}"
            try:
                version = store.save_document(account_id, "profile",
                                              ProfileDoc(strategy=words), based_on=based_on,
                                              erasures=erasures)
                kept = (version, words, based_on, False)
            except OutOfDate as exc:  # another page saved in between: kept apart, said so
                kept = (exc.version, words, based_on, True)
            except Exception as exc:  # what a page would show (or a bug)
                with lock:
                    refusals.append(f"{type(exc).__name__}: {exc}")
                continue
            finally:
                n += 1
            with lock:
                saves.append(kept)

    def rate() -> None:
        while time.time() < until:
            try:
                version = store.save_ratings(trainee_id, "before", "self",
                                             {"levels": {}, "comment": name})
            except Exception as exc:
                with lock:
                    refusals.append(f"{type(exc).__name__}: {exc}")
            else:
                with lock:
                    ratings.append(version)

    with Store(url, pool=2) as store:
        ready.put(name)
        go.wait()
        until = time.time() + SECONDS
        pages = [threading.Thread(target=edit, args=(f"{name}a",)),
                 threading.Thread(target=edit, args=(f"{name}b",)),
                 threading.Thread(target=rate)]
        for page in pages:
            page.start()
        for page in pages:
            page.join()
    out.put((saves, ratings, refusals))


def test_many_writers_on_one_account_lose_no_write_and_see_no_error(pg_url):
    """Six servers, eighteen pages: every save acknowledged is stored under its number, every
    save from a page left behind is kept apart - and a save made the latest always started
    from the latest before it (no edit silently written over)."""
    with Store(pg_url) as store:
        trainee = store.add_trainee("Ann")
        account = store.add_account(trainee.id, "Acme").id
    ctx = _processes()
    ready: mp.Queue = ctx.Queue()
    out: mp.Queue = ctx.Queue()
    go = ctx.Event()
    procs = [ctx.Process(target=_writer,
                         args=(pg_url, account, trainee.id, f"s{i}", ready, go, out))
             for i in range(6)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=180)
    go.set()
    results = [out.get(timeout=SECONDS + 120) for _ in procs]
    for p in procs:
        p.join(timeout=30)

    refusals = [r for *_, rs in results for r in rs]
    assert refusals == []
    saves = [s for ss, _, _ in results for s in ss]
    ratings = sorted(v for _, vs, _ in results for v in vs)
    assert len(saves) >= 24 and len(ratings) >= 12, "too few saves: the test proves little"

    with Store(pg_url) as store:
        stored = {v.version: (v.data["strategy"], v.stale)
                  for v in store.list_versions(account, "profile")}
        history = store.rating_history(trainee.id)
    assert stored == {version: (words, apart) for version, words, _, apart in saves}
    assert sorted(stored) == list(range(1, len(saves) + 1))
    latest = sorted((version, based_on) for version, _, based_on, apart in saves if not apart)
    assert [based_on for _, based_on in latest] == [0] + [v for v, _ in latest[:-1]]
    assert ratings == list(range(1, len(ratings) + 1)) == [r.version for r in history]


# -- connections -------------------------------------------------------------------------------

def _connections(app: str) -> int:
    with admin() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_stat_activity "
                                 "WHERE application_name = :app"), {"app": app}).scalar()


def test_a_server_keeps_at_most_its_pool_of_connections_however_busy():
    app = f"kamkit-pool-{os.getpid()}"
    with fresh_schema(application_name=app) as url, Store(url, pool=2) as store:
        trainee = store.add_trainee("Ann")
        accounts = [store.add_account(trainee.id, f"A{i}").id for i in range(8)]
        seen: list[int] = []
        errors: list[str] = []
        until = time.time() + 3

        def page(account_id: int) -> None:
            n = 0
            while time.time() < until:
                try:
                    store.save_document(account_id, "profile", ProfileDoc(strategy=str(n)))
                    store.list_versions(account_id, "profile")
                except Exception as exc:  # nothing may fail for want of a connection
                    errors.append(repr(exc))
                n += 1

        pages = [threading.Thread(target=page, args=(a,)) for a in accounts]
        for p in pages:
            p.start()
        while any(p.is_alive() for p in pages):
            seen.append(_connections(app))
            time.sleep(0.02)
        for p in pages:
            p.join()
        assert errors == []
        assert max(seen) == 2  # eight pages at once, two connections
        store.close()
        assert _connections(app) == 0


def test_with_a_pool_of_none_no_connection_stays_open():
    app = f"kamkit-nopool-{os.getpid()}"
    with fresh_schema(application_name=app) as url, Store(url, pool=0) as store:
        store.add_account(store.add_trainee("Ann").id, "Acme")
        assert _connections(app) == 0


def test_the_pool_comes_from_the_setting(monkeypatch):
    monkeypatch.setenv("KAMKIT_DB_POOL", "3")
    with fresh_schema() as url, Store(url) as store:
        assert store.engine.pool.size() == 3
        assert store.engine.pool._max_overflow == 0  # never more than the setting


# -- faults ------------------------------------------------------------------------------------

def _drop_connection_before(store: Store, statement: str, times: int, after: int = 0
                            ) -> list[int]:
    """The database server drops the store's connection just before it runs `statement` -
    passing the first `after` times, then the next `times` times: the statement meets a dead
    connection, mid-transaction. The backends dropped."""
    seen: list[str] = []
    dropped: list[int] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _drop(conn, cursor, sql, *args):  # noqa: ANN001 - SQLAlchemy's event signature
        if not sql.startswith(statement):
            return
        seen.append(sql)
        if after < len(seen) <= after + times:
            pid = conn.connection.dbapi_connection.info.backend_pid
            with admin() as other:  # returns once the backend is gone
                other.execute(text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid})
            dropped.append(pid)

    return dropped


def test_a_connection_dropped_in_the_middle_of_a_save_is_saved_again_once(pg_url):
    with Store(pg_url) as store:
        account = store.add_account(store.add_trainee("Ann").id, "Acme").id
        dropped = _drop_connection_before(store, "INSERT INTO documents", times=2)
        assert store.save_document(account, "profile", ProfileDoc(strategy="kept"),
                                   based_on=0) == 1
        assert len(dropped) == 2
        assert [(v.version, v.data["strategy"], v.stale)
                for v in store.list_versions(account, "profile")] == [(1, "kept", False)]


def test_a_save_the_server_never_takes_is_a_save_failed_the_page_holds(pg_url):
    with Store(pg_url) as store:
        account = store.add_account(store.add_trainee("Ann").id, "Acme").id
        _drop_connection_before(store, "INSERT INTO documents", times=99)
        with pytest.raises(SaveFailed) as failed:
            store.save_document(account, "profile", ProfileDoc(strategy="lost?"))
        assert str(failed.value) == ("Saving failed: the database server did not answer. Your "
                                     "answers are still on screen.")
        assert store.list_versions(account, "profile") == []


def test_a_verb_whose_first_write_was_kept_is_not_run_again(pg_url):
    """Running it again would keep its first write twice: a `SaveFailed` instead."""
    def add_two(self: Store) -> None:
        for name in ("First", "Second"):
            with self._write() as conn:
                conn.execute(trainees.insert().values(name=name, created_at=store_module._now()))

    with Store(pg_url) as store:
        dropped = _drop_connection_before(store, "INSERT INTO trainees", times=99, after=1)
        with pytest.raises(SaveFailed):
            _run_again(add_two)(store)
        assert len(dropped) == 1
        assert [t.name for t in store.list_trainees()] == ["First"]


def test_a_writer_waits_for_another_and_is_refused_only_when_it_waits_too_long(pg_url,
                                                                                monkeypatch):
    with Store(pg_url) as first:
        account = first.add_account(first.add_trainee("Ann").id, "Acme").id

        def hold(seconds: float) -> threading.Thread:
            held = threading.Event()

            def run() -> None:
                with first._write():
                    held.set()
                    time.sleep(seconds)

            thread = threading.Thread(target=run)
            thread.start()
            held.wait()
            return thread

        with Store(pg_url) as second:  # a writer waits its turn, and is not refused
            holder = hold(1.0)
            start = time.monotonic()
            assert second.save_document(account, "profile", ProfileDoc(strategy="x")) == 1
            assert time.monotonic() - start > 0.9
            holder.join()

        monkeypatch.setattr(store_module, "LOCK_WAIT", "100ms")
        with Store(pg_url) as impatient:  # past its tries: a SaveFailed, said plainly
            holder = hold(3.0)
            with pytest.raises(SaveFailed, match="stayed busy too long"):
                impatient.save_document(account, "profile", ProfileDoc(strategy="y"))
            holder.join()
        assert [v.version for v in first.list_versions(account, "profile")] == [1]


def test_the_pool_setting_is_a_number_of_connections():
    assert Settings.from_env({}).db_pool == 2
    assert Settings.from_env({"KAMKIT_DB_POOL": " 0 "}).db_pool == 0
    with pytest.raises(InvalidInput, match="KAMKIT_DB_POOL must be a number of connections from "
                                           "0 to 50, got 'lots'"):
        Settings.from_env({"KAMKIT_DB_POOL": "lots"})
