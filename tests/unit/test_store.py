"""The store: answers are kept, history never overwritten, concurrent writers lose nothing."""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import sqlite3

import pytest
from sqlalchemy import inspect

from kamkit import migrations
from kamkit.errors import InvalidInput, NotFound, OutOfDate, SaveFailed, StoreUnreadable
from kamkit.models import ProfileDoc
from kamkit.store import Store, hash_token
from kamkit.store_tables import trainees

PG_URL = os.environ.get("KAMKIT_TEST_PG_URL")


def _wipe(url: str) -> None:
    with Store(url) as s, s.engine.begin() as conn:  # PostgreSQL only: CASCADE drops the keys
        for name in [*trainees.metadata.tables, "kamkit_meta"]:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """Every store test runs on a SQLite file and, where one is configured, on PostgreSQL.
    CI sets KAMKIT_REQUIRE_PG=1, so there a missing PostgreSQL fails instead of skipping."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kamkit.db'}"
        return
    if not PG_URL:
        if os.environ.get("KAMKIT_REQUIRE_PG"):
            pytest.fail("KAMKIT_REQUIRE_PG is set but KAMKIT_TEST_PG_URL is not")
        pytest.skip("no PostgreSQL here: set KAMKIT_TEST_PG_URL (CI does)")
    _wipe(PG_URL)
    yield PG_URL
    _wipe(PG_URL)


@pytest.fixture
def store(url):
    with Store(url) as s:
        yield s


def test_round_trip_of_trainee_account_and_document(store):
    ann = store.add_trainee("Ann Lee", login="ann", cohort="W1")
    acme = store.add_account(ann.id, "Acme")
    store.save_document(acme.id, "profile", ProfileDoc(industry="Chemicals", margin_pct=21.5))
    assert store.get_trainee(ann.id) == ann
    assert store.get_trainee_by_login("ann").name == "Ann Lee"
    assert [a.name for a in store.list_accounts(ann.id)] == ["Acme"]
    doc = store.get_document(acme.id, "profile")
    assert doc.industry == "Chemicals" and doc.margin_pct == 21.5


def test_every_save_is_a_new_version_and_the_old_one_is_kept(store):
    t = store.add_trainee("Ann")
    a = store.add_account(t.id, "Acme")
    assert store.save_document(a.id, "profile", {"industry": "first"}) == 1
    assert store.save_document(a.id, "profile", {"industry": "second"}) == 2
    versions = store.list_versions(a.id, "profile")
    assert [(v.version, v.data["industry"]) for v in versions] == [(1, "first"), (2, "second")]
    assert versions[0].saved_at <= versions[1].saved_at
    assert store.get_document(a.id, "profile").industry == "second"


def test_a_save_based_on_an_old_version_is_kept_apart_and_never_made_current(store):
    t = store.add_trainee("Ann")
    a = store.add_account(t.id, "Acme")
    assert store.save_document(a.id, "profile", {"industry": "first"}, based_on=0) == 1
    assert store.save_document(a.id, "profile", {"industry": "new"}, based_on=1) == 2
    with pytest.raises(OutOfDate, match="reload the page") as old:
        store.save_document(a.id, "profile", {"industry": "old"}, based_on=1)
    assert old.value.version == 3
    assert store.open_document(a.id, "profile")[1] == 2
    assert store.load_document(a.id, "profile").industry == "new"
    assert store.list_steps_saved(a.id)["profile"][0] == 2
    assert [(v.version, v.stale) for v in store.list_versions(a.id, "profile")] == [
        (1, False), (2, False), (3, True)]
    assert '"new"' in store.latest_documents([a.id])[a.id]["profile"][2]
    # the page showing version 2 carries on; version 3 stays out of the way
    assert store.save_document(a.id, "profile", {"industry": "newer"}, based_on=2) == 4
    assert store.get_document(a.id, "profile").industry == "newer"


def test_an_invalid_document_is_refused_before_anything_is_written(store):
    t = store.add_trainee("Ann")
    a = store.add_account(t.id, "Acme")
    with pytest.raises(InvalidInput, match="Margin % must be at most 100"):
        store.save_document(a.id, "profile", {"margin_pct": 150})
    assert store.list_versions(a.id, "profile") == []


def test_an_unstarted_step_loads_empty_but_get_says_not_found(store):
    a = store.add_account(store.add_trainee("Ann").id, "Acme")
    assert store.load_document(a.id, "relationship").gut_feeling is None
    with pytest.raises(NotFound):
        store.get_document(a.id, "relationship")


def test_someone_elses_account_is_not_found(store):
    ann, bob = store.add_trainee("Ann"), store.add_trainee("Bob")
    acme = store.add_account(ann.id, "Acme")
    with pytest.raises(NotFound):
        store.get_account(acme.id, trainee_id=bob.id)


def test_a_link_token_is_stored_only_as_its_hash_and_reissuing_revokes(store):
    ann = store.add_trainee("Ann")
    first = store.issue_token(ann.id)
    with store.engine.connect() as conn:
        stored = conn.execute(trainees.select()).mappings().one()["token_hash"]
    assert stored == hash_token(first) and first not in stored
    second = store.issue_token(ann.id)
    assert store.get_trainee_by_token(second).id == ann.id
    with pytest.raises(NotFound):
        store.get_trainee_by_token(first)


def test_duplicate_login_is_refused_readably(store):
    store.add_trainee("Ann", login="ann")
    with pytest.raises(InvalidInput, match="login 'ann' is already"):
        store.add_trainee("Ann again", login="ann")


def test_removing_a_trainee_removes_their_accounts_and_documents(store):
    t = store.add_trainee("Ann")
    a = store.add_account(t.id, "Acme")
    store.save_document(a.id, "profile", {})
    store.remove_trainee(t.id)
    with pytest.raises(NotFound):
        store.get_account(a.id)
    assert store.list_versions(a.id, "profile") == []


def test_migration_from_an_empty_database_builds_the_schema_the_store_uses(url):
    with Store(url) as s:
        assert s.schema_version == migrations.LATEST
        insp = inspect(s.engine)
        for table in trainees.metadata.tables.values():
            have = {c["name"] for c in insp.get_columns(table.name)}
            assert {c.name for c in table.columns} <= have, table.name
    with Store(url) as again:  # reopening migrates nothing and keeps the version
        assert again.schema_version == migrations.LATEST


def test_a_database_from_a_newer_kamkit_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    Store(url).close()
    con = sqlite3.connect(tmp_path / "x.db")
    con.execute("UPDATE kamkit_meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(SaveFailed, match="newer kamkit"):
        Store(url)


def test_sqlite_file_runs_in_wal_mode(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'w.db'}") as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_read_only_database_reports_save_failed_in_words(tmp_path):
    path = tmp_path / "ro.db"
    with Store(f"sqlite:///{path}") as s:
        a = s.add_account(s.add_trainee("Ann").id, "Acme")
    with Store(f"sqlite:///file:{path}?mode=ro&uri=true") as ro:
        with pytest.raises(SaveFailed, match="read-only. Your answers are still on screen"):
            ro.save_document(a.id, "profile", {"industry": "x"})


def _writer(url: str, account_id: int, who: int, n: int) -> None:
    with Store(url) as s:
        for i in range(n):
            s.save_document(account_id, "profile", {"industry": f"w{who}-{i}"})


def test_eight_processes_writing_at_once_lose_no_write(url):
    with Store(url) as s:
        account = s.add_account(s.add_trainee("Ann").id, "Acme")
    n = 25
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(url, account.id, w, n)) for w in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * 8
    with Store(url) as s:
        versions = s.list_versions(account.id, "profile")
    assert [v.version for v in versions] == list(range(1, 8 * n + 1))
    written = {v.data["industry"] for v in versions}
    assert written == {f"w{w}-{i}" for w in range(8) for i in range(n)}


@pytest.mark.parametrize(("content", "says"), [
    (b"", "is empty (0 bytes)"),
    (b"this is not a database at all, just some text" * 50, "cannot be read as a kamkit store"),
    (b"SQLite format 3\x00" + b"\xff" * 4000, "cannot be read as a kamkit store"),
])
def test_a_store_file_that_is_empty_or_damaged_is_refused_by_name(tmp_path, content, says):
    path = tmp_path / "kamkit.db"
    path.write_bytes(content)
    with pytest.raises(StoreUnreadable, match=re.escape(says)):
        Store(f"sqlite:///{path}")
    assert path.read_bytes() == content  # nothing written


@pytest.mark.parametrize("command", [["cohort", "list"], ["export", "--cohort", "x",
                                                            "--format", "csv"]])
def test_every_command_on_a_damaged_store_says_so_without_a_traceback(tmp_path, capsys,
                                                                        command):
    from kamkit.cli import main

    path = tmp_path / "kamkit.db"
    path.write_bytes(b"garbage" * 100)
    assert main(["--db", f"sqlite:///{path}", *command]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kamkit: ") and "cannot be read as a kamkit store" in err
    assert "Traceback" not in err
