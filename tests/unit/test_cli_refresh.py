"""`kamkit refresh`, and `kamkit review` running it beside the server as it starts: after a
content change every account is scored again there, once, not on the first manager's page."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kamkit import people
from kamkit.cli import main
from kamkit.demo import seed_demo
from kamkit.figures import fingerprint as figures_fingerprint
from kamkit.frameworks import default_framework
from kamkit.review import ReviewSession
from kamkit.store import Store
from kamkit.store_tables import figures, person_figures


@pytest.fixture
def db(tmp_path, private_home):
    url = f"sqlite:///{tmp_path / 'refresh.db'}"
    with Store(url) as store:
        seed_demo(store)
        ReviewSession(store, "Mia").rows()  # kept, then the content changes:
        with store._write() as conn:
            conn.execute(figures.update().values(fingerprint="other content"))
            conn.execute(person_figures.update().values(fingerprint="other content"))
    return url


def _kept_under(url: str) -> set[str]:
    with Store(url) as store, store._read() as conn:
        return {f for (f,) in conn.execute(figures.select().with_only_columns(
            figures.c.fingerprint))} | {f for (f,) in conn.execute(
                person_figures.select().with_only_columns(person_figures.c.fingerprint))}


def test_review_starts_the_refresh_beside_the_server_and_it_keeps_every_figure(
        db, monkeypatch, capsys):
    started, served = [], []
    monkeypatch.setattr(subprocess, "Popen", lambda cmd, **kw: started.append((cmd, kw)))
    monkeypatch.setattr(os, "execvpe", lambda *cmd: served.append(cmd))
    assert main(["--db", db, "review", "--token", "t" * 20, "--port", "8998"]) == 0
    assert served and len(started) == 1
    cmd, kw = started[0]
    assert cmd == [sys.executable, "-m", "kamkit.cli", "--db", db, "refresh", "--background"]
    assert "other content" in _kept_under(db)
    monkeypatch.undo()
    # run as the server runs it: in its own process, at a lower priority
    done = subprocess.run(cmd, env=kw["env"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with Store(db) as store:
        accounts = sum(r["account_id"] is not None for r in store.list_account_rows())
        assert accounts >= 10
        assert done.stdout.startswith(f"kamkit: the dashboard's figures are up to date: "
                                      f"{accounts} accounts scored again in ")
    assert _kept_under(db) == {figures_fingerprint(default_framework()), people._fingerprint(
        default_framework())}  # kept anew under this content, none under the other

    def no_scoring(*args, **kwargs):
        raise AssertionError("scored on the page")

    monkeypatch.setattr(Store, "keep_figures", no_scoring)
    monkeypatch.setattr(people, "_records", no_scoring)
    with Store(db) as store:  # a manager's first page: everything read as kept
        assert len(ReviewSession(store, "Mia").rows()) == len(
            {r["trainee_id"] for r in store.list_account_rows()})
    monkeypatch.undo()
    assert main(["--db", db, "refresh"]) == 0
    assert "up to date: 0 accounts scored again" in capsys.readouterr().out


def test_a_refresh_that_fails_in_the_background_says_so_in_one_line(db, monkeypatch, capsys):
    from kamkit import review

    def broken(url, workers=None):
        raise OSError("disk full")

    niced = []
    monkeypatch.setattr(os, "nice", niced.append)  # not this test process
    monkeypatch.setattr(review, "up_to_date_on", broken)
    assert main(["--db", db, "refresh", "--background"]) == 1
    out = capsys.readouterr()
    assert niced == [10] and out.out == ""
    assert out.err == ("kamkit: the dashboard's figures could not be brought up to date now "
                       "(disk full); the dashboard scores them when it is opened.\n")
    assert main(["--db", db, "refresh"]) == 1  # asked for at the terminal: the same line
    assert capsys.readouterr().err == out.err and niced == [10]


def test_the_trainees_are_shared_out_between_worker_processes(db):
    from kamkit.review import up_to_date_on

    with Store(db) as store:
        accounts = sum(r["account_id"] is not None for r in store.list_account_rows())
    assert up_to_date_on(db, workers=3) == accounts  # each account scored once, by one worker
    assert "other content" not in _kept_under(db)
    assert up_to_date_on(db, workers=3) == 0
