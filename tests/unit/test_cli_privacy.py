"""`kamkit erase` and `kamkit prune`: asked first, counted after, nothing left behind - and the
retention setting applied when a server starts."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import pytest

from kamkit.cli import main
from kamkit.store import Store
from kamkit.store_tables import documents
from tests.customer import EMAIL, KEPT, TRACES, seed


@pytest.fixture
def path(tmp_path):
    return tmp_path / "cli.db"


@pytest.fixture
def db(path):
    with Store(f"sqlite:///{path}") as store:
        seed(store)
        seed(store, trainee="Ben Okafor")
    return f"sqlite:///{path}"


def _raw(path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal"))
                    if p.exists())


def test_erasing_a_person_says_what_went_and_leaves_no_copy_in_the_file(db, path, capsys):
    assert main(["--db", db, "erase", "--trainee", "Ana Costa", "--person", EMAIL,
                 "--yes"]) == 0
    out = capsys.readouterr().out
    assert out == (f"kamkit: '{EMAIL}' is 2 people, in 2 of Ana Costa's 2 accounts; taken out "
                   f"of any text: 'Zeb Quuxworth', '{EMAIL.upper()}', 'Zebediah Quuxworth' (in "
                   "any case) and 'Quuxworth' (as written).\n"
                   f"kamkit: erased '{EMAIL}': 2 accounts, 2 entries of the person, 5 saved "
                   "versions rewritten, 1 review comment rewritten, 2 accounts' dashboard "
                   "figures.\n")
    with Store(db) as store:  # Ben's work, which names him too, was not asked about
        ben = next(t for t in store.list_trainees() if t.name == "Ben Okafor")
        assert any("Quuxworth" in p.name for a in store.list_accounts(ben.id)
                   for p in store.load_document(a.id, "stakeholders").people)
    assert main(["--db", db, "erase", "--trainee", "Ben Okafor", "--person", EMAIL,
                 "--yes"]) == 0
    raw = _raw(path)
    assert [t for t in TRACES if t.encode() in raw] == []
    assert all(k.encode() in raw for k in KEPT)


def test_erase_asks_first_and_never_waits_for_a_missing_terminal(db, path):
    cmd = [sys.executable, "-m", "kamkit.cli", "--db", db, "erase", "--trainee", "Ana Costa"]
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert done.stderr == ("kamkit: Erase Ana Costa and everything of theirs (2 accounts, every "
                           "saved version, reviews and checks)? This cannot be undone. Add "
                           "--yes to confirm (no terminal to ask on).\n")
    with Store(db) as store:
        assert len(store.list_trainees()) == 2


def test_erasing_by_name_asks_first_saying_how_many_people_and_which_words_go(tmp_path,
                                                                              monkeypatch):
    """Two people called Will in one account and one in another: the question says so."""
    db = f"sqlite:///{tmp_path / 'k.db'}"
    with Store(db) as store:
        ana = store.add_trainee("Ana Costa")
        for name, people in (("Acme", [{"id": "p1", "name": "Will"},
                                       {"id": "p2", "name": "Will", "email": "w@acme.example"},
                                       {"id": "p3", "name": "Mark Hill"}]),
                             ("Baltic", [{"id": "p1", "name": "will"}])):
            store.save_document(store.add_account(ana.id, name).id, "stakeholders",
                                {"people": people})
    asked = []
    monkeypatch.setattr("sys.stdin", io.StringIO())
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda question: asked.append(question) or "n")
    assert main(["--db", db, "erase", "--trainee", "Ana Costa", "--person", "Will"]) == 1
    assert asked == ["Erase 'Will' - 3 people, in 2 of Ana Costa's 2 accounts - from every "
                     "saved version and from the reviews' comments, taking out of any text "
                     "'w@acme.example' (in any case) and 'will', 'Will' (as written)? This "
                     "cannot be undone. [y/N] "]
    with Store(db) as store:  # nothing erased
        assert [len(store.get_document(a.id, "stakeholders").people)
                for a in store.list_accounts(store.list_trainees()[0].id)] == [1, 3]


def test_erasing_a_trainee_or_an_account_counts_what_went(db, capsys):
    assert main(["--db", db, "erase", "--trainee", "Ben Okafor", "--account", "Baltic",
                 "--yes"]) == 0
    assert capsys.readouterr().out == (
        "kamkit: erased the account 'Baltic': 1 account, 1 saved version, "
        "1 account's dashboard figures.\n")
    assert main(["--db", db, "erase", "--trainee", "Ana Costa", "--yes"]) == 0
    assert capsys.readouterr().out == (
        "kamkit: erased Ana Costa: 2 accounts, 6 saved versions, 1 review, 1 case-study check, "
        "2 accounts' dashboard figures.\n")
    with Store(db) as store:
        assert [t.name for t in store.list_trainees()] == ["Ben Okafor"]


@pytest.mark.parametrize("args, message", [
    (["--trainee", "Ana Costa", "--person", "Nobody Atall"],
     "Nobody called 'Nobody Atall' is in these accounts, in any saved version."),
    (["--trainee", "Ana Costa", "--account", "Nordwind", "--person", " "],
     "Say whom to erase: --person NAME"),
    (["--trainee", "Ana Costa", "--account", "Atlantis"], "Ana Costa has no account 'Atlantis'."),
    (["--trainee", "Cleo"], "No trainee signs in as 'Cleo'."),
])
def test_erase_says_what_it_could_not_find(db, capsys, args, message):
    assert main(["--db", db, "erase", *args, "--yes"]) == 1
    assert message in capsys.readouterr().err


def test_a_person_is_erased_by_id_within_one_account(db, capsys):
    assert main(["--db", db, "erase", "--trainee", "Ana Costa", "--account", "Nordwind",
                 "--person", "p2", "--yes"]) == 0
    assert "erased 'p2': 1 account, 1 entry of the person" in capsys.readouterr().out


def _age_everything(db, days):
    with Store(db) as store, store.engine.begin() as conn:
        conn.execute(documents.update().values(
            saved_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)))


def test_prune_applies_the_retention_setting(db, capsys, monkeypatch):
    assert main(["--db", db, "prune"]) == 0
    assert "retention is off" in capsys.readouterr().out
    _age_everything(db, 400)
    monkeypatch.setenv("KAMKIT_RETENTION_DAYS", "365")
    assert main(["--db", db, "prune", "--yes"]) == 0
    # each trainee's first map goes: version 2 is reviewed, 3 the latest
    assert capsys.readouterr().out == ("kamkit: pruned 2 saved versions older than 365 days, "
                                       "of 2 accounts.\n")
    monkeypatch.setenv("KAMKIT_RETENTION_DAYS", "a year")
    assert main(["--db", db, "prune", "--yes"]) == 1
    assert "KAMKIT_RETENTION_DAYS must be a whole number of days" in capsys.readouterr().err
    assert main(["--db", db, "prune", "--days", "0", "--yes"]) == 1


def test_a_server_prunes_by_the_retention_setting_before_it_starts(db, capsys, monkeypatch):
    started = []
    monkeypatch.setattr(os, "execvpe", lambda *cmd: started.append(cmd))
    _age_everything(db, 40)
    monkeypatch.setenv("KAMKIT_RETENTION_DAYS", "30")
    assert main(["--db", db, "serve", "--port", "8999"]) == 0
    assert started and "kamkit: retention of 30 days: pruned 2 saved versions of 2 accounts." \
        in capsys.readouterr().out
    with Store(db) as store:
        ana = next(t for t in store.list_trainees() if t.name == "Ana Costa")
        nordwind = store.list_accounts(ana.id)[-1]
        assert [v.version for v in store.list_versions(nordwind.id, "stakeholders")] == [2, 3]
