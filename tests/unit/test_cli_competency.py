"""The command line's side of the competency assessment: opening a cohort's after-round, and a
certified trainee's certificate."""

from __future__ import annotations

import pytest

from kamkit.cli import main
from kamkit.review import ReviewSession
from kamkit.store import Store
from tests.people import certified


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with Store(url) as store:
        session = ReviewSession(store, "Mia Berg")
        certified(session, "Ana Costa", cohort="Done")  # Done's after-round is open
        store.add_trainee("Ben Okafor", cohort="May")
    return url


def test_cohort_open_after_opens_it_once_and_says_when(db, capsys):
    assert main(["--db", db, "cohort", "open-after", "May", "--yes"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("kamkit: opened the after-round for May on ")
    with Store(db) as store:
        when = store.after_round_opened("May")
    assert f"{when:%Y-%m-%d %H:%M} UTC" in out
    assert main(["--db", db, "cohort", "open-after", "May"]) == 0  # no question: nothing to do
    assert capsys.readouterr().out == (f"kamkit: the after-round for May has been open since "
                                       f"{when:%Y-%m-%d %H:%M} UTC.\n")
    with Store(db) as store:
        assert store.after_round_opened("May") == when


def test_cohort_open_after_asks_first_and_refuses_what_it_cannot_open(db, capsys):
    assert main(["--db", db, "cohort", "open-after", "May"]) == 1  # no terminal to ask on
    assert "Add --yes to confirm" in capsys.readouterr().err
    assert main(["--db", db, "cohort", "open-after", "Nobody", "--yes"]) == 1
    assert capsys.readouterr().err == "kamkit: No cohort called 'Nobody'.\n"
    assert main(["--db", db, "cohort", "open-after", " ", "--yes"]) == 2
    assert capsys.readouterr().err == "kamkit: name the cohort whose after-round to open.\n"
    with pytest.raises(SystemExit) as usage:
        main(["--db", db, "cohort", "open-after"])
    assert usage.value.code == 2
    with Store(db) as store:
        assert store.after_round_opened("May") is None


def test_export_a_certificate_only_for_a_certified_trainee(db, tmp_path, capsys):
    out = tmp_path / "ana.html"
    assert main(["--db", db, "export", "--trainee", "Ana Costa", "--format", "certificate",
                 "--output", str(out)]) == 0
    page = out.read_text()
    assert "This certifies that" in page and "Ana Costa" in page
    assert "Content-Security-Policy" in page
    capsys.readouterr()
    assert main(["--db", db, "export", "--trainee", "Ben Okafor", "--format",
                 "certificate"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kamkit: Not certified yet: Every workbook step")
    assert main(["--db", db, "export", "--cohort", "May", "--format", "certificate"]) == 1
    assert "A cohort exports as xlsx or csv" in capsys.readouterr().err
