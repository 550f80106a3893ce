"""Erasing from the store: a customer person from every saved version, a trainee or an account
with everything of theirs, old versions under the retention setting - and no copy left in the
database file, which only its owner can read."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import stat

import pytest

from kamkit.errors import NotFound, OutOfDate
from kamkit.io.workbook import dumps, export_trainee, import_workbook
from kamkit.models import Review
from kamkit.store import Store
from kamkit.store_tables import documents, figures
from tests.customer import EMAIL, KEPT, TRACES, ZEB, seed
from tests.unit.test_store import url  # noqa: F401 - the store tests' SQLite + PostgreSQL


@pytest.fixture
def store(url):  # noqa: F811
    with Store(url) as s:
        yield s


def _all_text(store, account_id) -> str:
    """Every saved version of every step of the account, and its reviews' comments."""
    versions = [v.model_dump_json() for step in store.list_steps_saved(account_id)
                for v in store.list_versions(account_id, step)]
    return "\n".join(versions + [r.comment for r in store.list_reviews(account_id)])


def _kept_figures(store) -> set[int]:
    with store.engine.connect() as conn:
        return set(conn.execute(figures.select().with_only_columns(figures.c.account_id))
                   .scalars())


def test_an_erased_person_is_gone_from_every_version_step_and_comment(store):
    """Removed from the map long ago, he still sat in its history: now he is nowhere."""
    work = seed(store)
    nordwind = work["nordwind"].id
    assert all(t in _all_text(store, nordwind) for t in TRACES)
    removed = store.erase_person([nordwind], ZEB)
    assert (removed.accounts, removed.people, removed.comments, removed.figures) == (1, 1, 1, 1)
    assert removed.rewritten == 4  # the three map versions and the relationship; not the profile
    text = _all_text(store, nordwind)
    assert [t for t in TRACES if t in text] == [] and EMAIL not in text
    assert all(k in text for k in KEPT)
    # every version is still there, each still a valid document; reviews still point at theirs
    assert [v.version for v in store.list_versions(nordwind, "stakeholders")] == [1, 2, 3]
    v2 = store.list_versions(nordwind, "stakeholders")[1].data
    assert [p["name"] for p in v2["people"]] == ["Greta Lind", "Olga Ferrant"]
    olga = v2["people"][1]
    assert olga["reports_to"] is None and olga["influences"] == []
    assert [lk["theirs"] for lk in v2["links"]] == ["p1", "p3"]
    assert store.get_document(nordwind, "relationship").ratings["plan_sharing"].level == 2
    assert store.list_reviews(nordwind)[0].doc_version == 2
    assert nordwind not in _kept_figures(store)  # scored again on the next dashboard
    assert "Quuxworth" in _all_text(store, work["baltic"].id)  # another account: not asked


def test_a_person_is_erased_across_a_trainees_accounts_by_email(store):
    work = seed(store)
    ids = [work["nordwind"].id, work["baltic"].id]
    removed = store.erase_person(ids, EMAIL.title())
    assert (removed.accounts, removed.people) == (2, 2)
    assert not any(t in _all_text(store, a) for a in ids for t in TRACES)
    assert [p.name for p in store.get_document(work["baltic"].id, "stakeholders").people] == [
        "Greta Lind"]


def test_a_person_is_erased_by_id_in_one_account_and_nobody_is_a_message(store):
    work = seed(store)
    nordwind = work["nordwind"].id
    with pytest.raises(NotFound, match="Nobody called 'p2'"):
        store.erase_person([nordwind], "p2")  # an id counts only when asked for
    assert store.erase_person([nordwind], "p2", by_id=True).people == 1
    with pytest.raises(NotFound, match="in any saved version"):
        store.erase_person([nordwind], ZEB)


def test_removing_a_trainee_counts_everything_that_went(store):
    work = seed(store)
    other = store.add_trainee("Ben")
    removed = store.remove_trainee(work["trainee"].id)
    assert (removed.accounts, removed.versions, removed.reviews, removed.attempts,
            removed.figures) == (2, 6, 1, 1, 2)
    assert str(removed) == ("2 accounts, 6 saved versions, 1 review, 1 case-study check, "
                            "2 accounts' dashboard figures")
    assert [t.name for t in store.list_trainees()] == [other.name]
    with store.engine.connect() as conn:
        assert conn.execute(documents.select()).first() is None
    with pytest.raises(NotFound):
        store.remove_trainee(work["trainee"].id)


def test_removing_an_account_counts_its_history(store):
    work = seed(store)
    removed = store.remove_account(work["nordwind"].id)
    assert str(removed) == ("1 account, 5 saved versions, 1 review, 1 case-study check, "
                            "1 account's dashboard figures")
    assert [a.name for a in store.list_accounts(work["trainee"].id)] == ["Baltic"]


def _age(store, account_id, step, versions, days):
    when = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)
    with store.engine.begin() as conn:
        conn.execute(documents.update().where(documents.c.account_id == account_id,
                                              documents.c.step == step,
                                              documents.c.version.in_(versions))
                     .values(saved_at=when))


def test_pruning_keeps_the_current_version_not_a_later_out_of_date_save(store, left_behind):
    _, acme = left_behind
    _age(store, acme.id, "profile", [1, 2, 3], days=100)
    store.prune_versions(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30))
    assert store.get_document(acme.id, "profile").industry == "current"
    assert [v.version for v in store.list_versions(acme.id, "profile")] == [2]


def test_pruning_keeps_the_latest_of_each_step_and_every_reviewed_version(store):
    """Old versions go, unless a manager's review points at one (pinned) or it is the latest."""
    ana = store.add_trainee("Ana")
    acme = store.add_account(ana.id, "Acme")
    for i in range(5):
        store.save_document(acme.id, "profile", {"industry": f"v{i + 1}"})
    store.save_document(acme.id, "relationship", {"gut_feeling": 40})
    store.add_review(Review(account_id=acme.id, step="profile", doc_version=2, rating=3,
                            status="reviewed", reviewer="Mia"))
    _age(store, acme.id, "profile", [1, 2, 3], days=100)
    _age(store, acme.id, "relationship", [1], days=100)
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30)
    removed = store.prune_versions(cutoff)
    assert (removed.versions, removed.accounts) == (2, 1)
    assert [v.version for v in store.list_versions(acme.id, "profile")] == [2, 4, 5]
    assert [v.version for v in store.list_versions(acme.id, "relationship")] == [1]
    assert store.prune_versions(cutoff).versions == 0
    # a pruned workbook still moves between stores, gaps and all; the next save is 6
    with Store("sqlite:///:memory:") as other:
        moved = import_workbook(other, dumps(export_trainee(store, ana.id)))
        book = other.list_accounts(moved.id)[0]
        assert [v.version for v in other.list_versions(book.id, "profile")] == [2, 4, 5]
    assert store.save_document(acme.id, "profile", {"industry": "v6"}) == 6


def _raw(path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal"))
                    if p.exists())


def test_no_copy_of_an_erased_person_is_left_in_the_database_file(tmp_path):
    """The bytes of the SQLite file and its log are searched for him after the erase."""
    path = tmp_path / "kamkit.db"
    with Store(f"sqlite:///{path}") as store:
        work = seed(store)
        assert all(t.encode() in _raw(path) for t in TRACES)  # the search can see him
        store.erase_person([work["nordwind"].id, work["baltic"].id], EMAIL)
        assert store.compact() is True
        assert path.with_name("kamkit.db-wal").stat().st_size == 0
        still_open = _raw(path)
    after = _raw(path)
    for raw in (still_open, after):
        assert [t for t in TRACES if t.encode() in raw] == []
        assert all(k.encode() in raw for k in KEPT)  # the right file: the rest is there


def test_a_reader_holding_the_file_is_said_and_the_next_compaction_finishes(tmp_path):
    path = tmp_path / "kamkit.db"
    with Store(f"sqlite:///{path}") as store:
        work = seed(store)
        reader = sqlite3.connect(path, isolation_level=None)  # a server's page, mid-read
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM documents").fetchone()
        raw = store.engine.raw_connection()  # do not wait the full busy timeout here
        raw.cursor().execute("PRAGMA busy_timeout=200")
        raw.close()
        store.erase_person([work["nordwind"].id, work["baltic"].id], EMAIL)
        assert store.compact() is False
        reader.close()
        assert store.compact() is True
    assert [t for t in TRACES if t.encode() in _raw(path)] == []


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_store_and_its_folder_are_private_even_in_a_home_that_exists(private_home):
    """A home folder made by someone else (0755) and a permissive umask: still owner-only."""
    private_home.mkdir(mode=0o755)
    os.chmod(private_home, 0o755)
    old = os.umask(0o022)
    try:
        with Store() as store:
            store.add_trainee("Ann")  # the log and shared-memory files exist while it is open
            files = [private_home / f"kamkit.db{end}" for end in ("", "-wal", "-shm")]
            assert [_mode(f) for f in files] == [0o600] * 3
        assert _mode(private_home) == 0o700
    finally:
        os.umask(old)


def test_a_new_store_file_is_a_private_database_at_once_never_an_empty_file(tmp_path):
    from kamkit.store_privacy import make_private

    path = tmp_path / "home" / "kamkit.db"
    make_private(path, tmp_path / "home")
    assert path.stat().st_size > 0 and _mode(path) == 0o600
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_an_existing_store_file_is_made_private_but_a_folder_of_ones_own_is_left(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    path = folder / "team.db"
    with contextlib.closing(sqlite3.connect(path)) as before:  # made before, as 0644
        before.execute("CREATE TABLE notes (x)")
    os.chmod(path, 0o644)
    Store(f"sqlite:///{path}").close()
    assert (_mode(path), _mode(folder)) == (0o600, 0o755)
    from kamkit.store_privacy import make_private

    os.chmod(path, 0o444)  # read-only on purpose: it stays read-only, for its owner alone
    make_private(path, tmp_path / "home")
    assert _mode(path) == 0o400


def test_an_erasure_never_cuts_a_managers_comment(store):
    """A comment near its 5,000 characters that names him keeps every word of its own."""
    ana = store.add_trainee("Ana Costa")
    acme = store.add_account(ana.id, "Acme")
    store.save_document(acme.id, "stakeholders", {"people": [{"id": "p1", "name": "Al Bo"}]})
    comment = "Al Bo. " + "y" * 4975 + " Ask Al Bo today."
    store.add_review(Review(account_id=acme.id, step="stakeholders", doc_version=1,
                            status="needs_rework", reviewer="Mia", comment=comment))
    store.erase_person([acme.id], "Al Bo")
    assert store.list_reviews(acme.id)[0].comment == "[…]. " + "y" * 4975 + " Ask […] today."


def test_what_an_erasure_would_take_is_known_before_and_writes_nothing(store):
    work = seed(store)
    ids = [work["nordwind"].id, work["baltic"].id]
    before = [_all_text(store, a) for a in ids]
    found = store.get_erasure(ids, EMAIL)
    assert (found.accounts, found.people, found.as_written) == (2, 2, ("Quuxworth",))
    assert {w.casefold() for w in found.any_case} == {ZEB.casefold(), "zeb quuxworth", EMAIL}
    assert [_all_text(store, a) for a in ids] == before
    assert store.erase_person(ids, EMAIL).people == found.people
    with pytest.raises(NotFound, match="Nobody called"):
        store.get_erasure(ids, EMAIL)


def test_an_edit_opened_before_an_erasure_of_any_of_the_accounts_is_refused(store):
    ana = store.add_trainee("Ana")
    one, two = store.add_account(ana.id, "One"), store.add_account(ana.id, "Two")
    person = {"people": [{"id": "p1", "name": "Al Bo"}]}
    for account in (one, two):
        store.save_document(account.id, "stakeholders", person)
    opened = {a.id: store.open_document(a.id, "stakeholders") for a in (one, two)}
    store.erase_person([one.id, two.id], "Al Bo")
    for account_id, (doc, version, erasures) in opened.items():
        with pytest.raises(OutOfDate, match="removed someone"):
            store.save_document(account_id, "stakeholders", doc, based_on=version,
                                erasures=erasures)
        assert "Al Bo" not in repr(store.list_versions(account_id, "stakeholders"))
        doc, version, erasures = store.open_document(account_id, "stakeholders")  # reopened
        assert store.save_document(account_id, "stakeholders", doc, based_on=version,
                                   erasures=erasures) == version + 1
