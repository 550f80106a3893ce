"""`kamkit refresh`, and `kamkit review` running it beside the server as it starts: after a
content change every account and trainee is scored again there, once, on every core - not on
the first manager's page."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kamkit import people
from kamkit.cli import main
from kamkit.demo import seed_demo
from kamkit.figures import fingerprint as figures_fingerprint
from kamkit.frameworks import default_framework
from kamkit.refresh import up_to_date_on
from kamkit.review import ReviewSession
from kamkit.store import Store
from kamkit.store_tables import figures, person_figures


@pytest.fixture
def db(tmp_path, private_home):
    url = f"sqlite:///{tmp_path / 'refresh.db'}"
    with Store(url) as store:
        seed_demo(store)
        ReviewSession(store, "Mia").rows()  # kept, then the content changes:
    _content_changed(url)
    return url


def _content_changed(url: str) -> None:
    with Store(url) as store, store._write() as conn:
        conn.execute(figures.update().values(fingerprint="other content"))
        conn.execute(person_figures.update().values(fingerprint="other content"))


def _kept_under(url: str) -> set[str]:
    with Store(url) as store, store._read() as conn:
        return {f for (f,) in conn.execute(figures.select().with_only_columns(
            figures.c.fingerprint))} | {f for (f,) in conn.execute(
                person_figures.select().with_only_columns(person_figures.c.fingerprint))}


def _counts(url: str) -> tuple[int, int]:
    with Store(url) as store:
        rows = store.list_account_rows()
    return (sum(r["account_id"] is not None for r in rows), len({r["trainee_id"] for r in rows}))


def test_review_starts_the_refresh_beside_the_server_and_it_keeps_every_figure(
        db, monkeypatch, capsys):
    started, served = [], []
    with monkeypatch.context() as m:
        m.setattr(subprocess, "Popen", lambda cmd, **kw: started.append((cmd, kw)))
        m.setattr(os, "execvpe", lambda *cmd: served.append(cmd))
        assert main(["--db", db, "review", "--token", "t" * 20, "--port", "8998"]) == 0
    assert served and len(started) == 1
    cmd, kw = started[0]
    # the store is named in the environment, not on a command line (a password would show)
    assert cmd == [sys.executable, "-m", "kamkit.cli", "refresh", "--beside", str(os.getpid())]
    assert kw["env"]["KAMKIT_DB_URL"] == db and kw["start_new_session"]
    assert "other content" in _kept_under(db)
    # run as the server runs it (its parent here: this test's process)
    done = subprocess.run(cmd, env=kw["env"], capture_output=True, text=True, timeout=120,
                          start_new_session=True)
    assert done.returncode == 0, done.stderr
    accounts, trainees = _counts(db)
    assert accounts >= 10 and trainees >= 5
    assert done.stdout.startswith(
        f"kamkit: the dashboard is up to date: the figures of {accounts} accounts and the "
        f"records of {trainees} trainees scored again in ")
    assert _kept_under(db) == {figures_fingerprint(default_framework()), people._fingerprint(
        default_framework())}  # kept anew under this content, none under the other

    def no_scoring(*args, **kwargs):
        raise AssertionError("scored on the page")

    with monkeypatch.context() as m, Store(db) as store:  # a manager's first page: all kept
        m.setattr(Store, "keep_figures", no_scoring)
        m.setattr(people, "_records", no_scoring)
        assert len(ReviewSession(store, "Mia").rows()) == trainees
    assert main(["--db", db, "refresh"]) == 0
    assert "the figures of 0 accounts and the records of 0 trainees" in capsys.readouterr().out


def test_the_trainees_are_shared_out_between_worker_processes(db):
    accounts, trainees = _counts(db)
    assert up_to_date_on(db, 3) == (accounts, trainees)  # each scored once, by one worker
    assert "other content" not in _kept_under(db)
    assert up_to_date_on(db, 3) == (0, 0)
    _content_changed(db)
    assert up_to_date_on(db, 1) == (accounts, trainees)


def test_what_cannot_be_kept_is_said_in_one_line(db, monkeypatch, capsys):
    def full(self, rows):
        raise OSError("disk full\nand a second line")

    monkeypatch.setattr(Store, "save_figures", full)  # the workers are forked with it
    assert main(["--db", db, "refresh"]) == 1
    out = capsys.readouterr()
    assert out.out == "" and out.err == (
        "kamkit: the dashboard's figures could not be brought up to date now (disk full); "
        "the dashboard scores them when it is opened.\n")


def test_a_refresh_ends_with_the_server_it_was_started_beside(db, tmp_path):
    """Its server gone (here before it even began), the refresh ends at once, quietly."""
    log = tmp_path / "refresh.log"
    starter = ("import subprocess, sys, os\n"
               f"p = subprocess.Popen([sys.executable, '-m', 'kamkit.cli', 'refresh', '--beside',"
               f" str(os.getpid())], stdout=open({str(log)!r}, 'w'), stderr=subprocess.STDOUT,"
               " start_new_session=True)\n"
               "print(p.pid)\n")
    env = dict(os.environ, KAMKIT_DB_URL=db)
    pid = int(subprocess.run([sys.executable, "-c", starter], env=env, capture_output=True,
                             text=True, timeout=60, check=True).stdout)
    deadline = time.monotonic() + 60
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _running(pid)
    assert log.read_text() == ""  # no traceback, and nothing scored: the server was gone
    assert "other content" in _kept_under(db)


def _running(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def test_a_content_error_in_a_worker_is_said_in_one_line_not_a_hang(db, monkeypatch, capsys):
    """An error no process can rebuild (ContentError takes three arguments) crosses from the
    workers as one line; before, the pool's result thread died and the refresh waited forever."""
    import threading

    from kamkit.errors import ContentError

    def broken(framework):
        raise ContentError("quiz.yaml", "questions", "a question with no options")

    monkeypatch.setattr(people, "_fingerprint", broken)  # the workers are forked with it
    answer = []
    run = threading.Thread(target=lambda: answer.append(main(["--db", db, "refresh"])),
                           daemon=True)
    run.start()
    run.join(60)
    assert answer == [1]
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a question with no options" in err and "Traceback" not in err
