"""The command line: cohort links, demo, export/import, and never hanging on a missing terminal."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kamkit.cli import main
from kamkit.store import Store


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_cohort_add_prints_one_working_personal_link_each(db, capsys):
    assert main(["--db", db, "cohort", "add", "Ann Lee", "Bob Roy", "--cohort", "May"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["Ann Lee", "Bob Roy"]
    with Store(db) as s:
        for line in lines:
            name, link = line.split("\t")
            assert link.startswith("http://127.0.0.1:8866/voila/render/00_workbook.ipynb?t=")
            assert s.get_trainee_by_token(link.split("t=")[1]).name == name


def test_cohort_add_from_csv_checks_every_name_before_adding_any(db, tmp_path, capsys):
    sheet = tmp_path / "people.csv"
    sheet.write_text("Name,email\nAnn,a@x\n" + "B" * 200 + ",b@x\n")
    assert main(["--db", db, "cohort", "add", "--csv", str(sheet)]) == 1
    assert "too long" in capsys.readouterr().err
    with Store(db) as s:
        assert s.list_trainees() == []


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_cohort_add_reads_a_csv_as_excel_saves_it(db, tmp_path, capsys, encoding):
    sheet = tmp_path / "people.csv"
    sheet.write_bytes("Name;Email\r\nRené Müller;r@x\r\n\r\nZoë Ørsted;z@x\r\n".encode(encoding))
    assert main(["--db", db, "cohort", "add", "--csv", str(sheet)]) == 0
    with Store(db) as s:
        assert sorted(t.name for t in s.list_trainees()) == ["René Müller", "Zoë Ørsted"]


@pytest.mark.parametrize("content, message", [
    (None, "Cannot read {csv}: No such file or directory."),
    (b"Email\nr@x\n", "{csv} needs a 'name' column."),
    (b"name\n" + b"x" * (11 * 2**20), "{csv} is larger than 10 MB"),
    ("name\nКиїв\u0403\n".encode("cp1251") + b"\x81", "{csv} is not text kamkit can read"),
])
def test_cohort_add_from_a_csv_it_cannot_use_says_why(db, tmp_path, capsys, content, message):
    sheet = tmp_path / "people.csv"
    if content is not None:
        sheet.write_bytes(content)
    assert main(["--db", db, "cohort", "add", "--csv", str(sheet)]) == 1
    assert capsys.readouterr().err.startswith("kamkit: " + message.format(csv=sheet))


def test_demo_seeds_once_and_writes_the_demo_links(db, private_home, capsys):
    assert main(["--db", db, "demo", "--if-empty"]) == 0
    assert main(["--db", db, "demo", "--if-empty"]) == 0
    out = capsys.readouterr().out
    assert "not seeded again" in out
    assert (private_home / "demo-links.txt").read_text().count("?t=") == 4
    with Store(db) as s:
        assert len(s.list_trainees()) == 5  # four in the cohort, plus this machine's user


def test_export_to_stdout_then_import_elsewhere(db, tmp_path, capsys):
    main(["--db", db, "demo"])
    capsys.readouterr()
    assert main(["--db", db, "export", "--trainee", "Ana Costa", "--format", "json"]) == 0
    text = capsys.readouterr().out
    assert json.loads(text)["trainee"]["name"] == "Ana Costa"
    path = tmp_path / "ana.json"
    path.write_text(text)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert main(["--db", other, "import", str(path)]) == 0
    assert "imported Ana Costa" in capsys.readouterr().out


def test_export_never_waits_for_a_terminal_that_is_not_there(db, tmp_path):
    main(["--db", db, "cohort", "add", "Ann"])
    out = tmp_path / "ann.json"
    out.write_text("keep me")
    cmd = [sys.executable, "-m", "kamkit.cli", "--db", db, "export", "--trainee", "Ann",
           "--output", str(out)]
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1 and "Add --yes" in done.stderr
    assert out.read_text() == "keep me"
    done = subprocess.run([*cmd, "--yes"], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and json.loads(out.read_text())["trainee"]["name"] == "Ann"


@pytest.mark.parametrize("flags, login", [([], None), (["--keep-login"], "ann")])
def test_import_keeps_the_files_login_only_when_asked(db, tmp_path, capsys, flags, login):
    with Store(db) as s:
        s.add_trainee("Ann Lee", login="ann")
    main(["--db", db, "export", "--trainee", "Ann Lee", "--output", str(tmp_path / "a.json")])
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert main(["--db", other, "import", str(tmp_path / "a.json"), *flags]) == 0
    with Store(other) as s:
        assert [(t.name, t.login) for t in s.list_trainees()] == [("Ann Lee", login)]


def test_import_of_a_damaged_file_exits_1_with_a_message(db, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["--db", db, "import", str(bad)]) == 1
    assert "not readable JSON" in capsys.readouterr().err


@pytest.mark.parametrize("text, message", [
    ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    ('{"format": "kamkit-workbook", "format_version": 1, "name": "\\ud800"}',
     "not valid Unicode"),
    ('{"format": "kamkit-workbook", "format_version": 1, "n": 1' + "0" * 5000 + "}",
     "number with too many digits"),
], ids=["nested 200,000 deep", "a lone surrogate", "a 5,001-digit number"])
def test_import_of_a_hostile_file_is_a_message_not_a_traceback(db, tmp_path, capsys, text,
                                                              message):
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    assert main(["--db", db, "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kamkit: This file") and message in err
    with Store(db) as s:
        assert s.list_trainees() == []


def test_unknown_trainee_is_a_message_not_a_traceback(db, capsys):
    assert main(["--db", db, "export", "--trainee", "nobody"]) == 1
    assert "No trainee signs in as 'nobody'" in capsys.readouterr().err


def test_export_a_cohort_as_excel_and_csv(db, tmp_path, capsys):
    assert main(["--db", db, "cohort", "add", "Ann", "Bob", "--cohort", "Nov",
                 "--date", "2026-11-30", "--manager", "Mia"]) == 0
    out = tmp_path / "nov.xlsx"
    assert main(["--db", db, "export", "--cohort", "Nov", "--output", str(out)]) == 0
    import openpyxl

    sheet = openpyxl.load_workbook(out)["Overview"]
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == ["Ann", "Bob"]
    capsys.readouterr()
    assert main(["--db", db, "export", "--cohort", "Nov", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[1].startswith("Ann,Nov,2026-11-30,Mia,")


def test_export_a_trainee_as_a_report(db, capsys):
    main(["--db", db, "cohort", "add", "Ann <b>x</b>", "--cohort", "Nov"])
    capsys.readouterr()
    assert main(["--db", db, "export", "--trainee", "1", "--format", "html"]) == 0
    report = capsys.readouterr().out
    assert report.startswith("<!DOCTYPE html>") and "Ann &lt;b&gt;x&lt;/b&gt;" in report


@pytest.mark.parametrize("args, message", [
    (["--trainee", "1", "--format", "csv"], "exports as json, html, qbr or certificate"),
    (["--trainee", "1", "--format", "qbr"], "add --account A"),
    (["--trainee", "1", "--account", "Acme"], "--account goes with --format qbr"),
    (["--trainee", "1", "--format", "qbr", "--account", "Nope"], "Ann has no account 'Nope'"),
    (["--cohort", "Nov", "--format", "html"], "exports as xlsx or csv"),
    (["--cohort", "Nov"], "needs --output"),
    (["--cohort", "Nope", "--format", "csv"], "No cohort called 'Nope'"),
    ([], "one trainee (--trainee T) or one cohort"),
])
def test_export_says_what_it_needs(db, capsys, args, message):
    main(["--db", db, "cohort", "add", "Ann", "--cohort", "Nov"])
    assert main(["--db", db, "export", *args]) == 1
    assert message in capsys.readouterr().err


@pytest.fixture
def planned(db):
    """Ann, whose account Nordwind holds every installed step's sample work."""
    import datetime as dt

    from kamkit.steps import registered

    with Store(db) as s:
        ann = s.add_trainee("Ann Lee")
        account = s.add_account(ann.id, "Nordwind")
        for sid, unit in registered().items():
            if unit.sample is not None:
                s.save_document(account.id, sid, unit.sample(dt.date.today(), False))
    return db


def test_export_a_qbr_pack_writes_it_and_never_replaces_a_file_unasked(planned, tmp_path,
                                                                       capsys, monkeypatch):
    import io

    out = tmp_path / "qbr.html"
    qbr = ["--db", planned, "export", "--trainee", "Ann Lee", "--account", "Nordwind",
           "--format", "qbr", "--output", str(out)]
    assert main(qbr) == 0
    pack = out.read_text(encoding="utf-8")
    assert pack.startswith("<!DOCTYPE html>") and "Business review: Nordwind" in pack
    assert "Tomasz Nowak" in pack and "Cut their empty-running kilometres" in pack
    out.write_text("keep me")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal to ask on
    assert main(qbr) == 1 and "Add --yes" in capsys.readouterr().err
    assert out.read_text() == "keep me"
    assert main([*qbr, "--yes", "--pseudonymise"]) == 0
    pack = out.read_text(encoding="utf-8")
    assert "Tomasz Nowak" not in pack and "Person " in pack and "Ann Lee" in pack


def test_cohort_details_need_a_cohort(db, capsys):
    assert main(["--db", db, "cohort", "add", "Ann", "--date", "2026-11-30"]) == 1
    assert "add --cohort" in capsys.readouterr().err
    assert main(["--db", db, "cohort", "add", "Ann", "--cohort", "N", "--date", "30/11"]) == 1
    assert "real date" in capsys.readouterr().err


def test_validate_cases_lists_each_case_and_names_a_broken_key(tmp_path, monkeypatch, capsys):
    import shutil

    from kamkit.cli import main
    from kamkit.exercises import CASES_DIR

    assert main(["validate-cases"]) == 0
    assert "halden" in capsys.readouterr().out
    shutil.copytree(CASES_DIR / "halden", tmp_path / "halden")
    key = tmp_path / "halden" / "key.yaml"
    key.write_text(key.read_text().replace("- id: level_gap", "- id: levelgap"))
    monkeypatch.setenv("KAMKIT_CASES", str(tmp_path))
    assert main(["validate-cases"]) == 1
    err = capsys.readouterr().err
    assert "key.yaml" in err and "unknown finding 'levelgap'" in err


def test_adding_someone_already_in_the_cohort_adds_nobody(capsys):
    from kamkit.cli import main
    from kamkit.store import Store

    assert main(["cohort", "add", "Ana Costa", "--cohort", "May"]) == 0
    assert main(["cohort", "add", "Ben Okafor", "ana costa", "--cohort", "May"]) == 1
    assert "Already in the cohort (or named twice): ana costa" in capsys.readouterr().err
    with Store() as store:
        assert [t.name for t in store.list_trainees(cohort="May")] == ["Ana Costa"]
    assert main(["cohort", "add", "Ana Costa", "--cohort", "May", "--again"]) == 0
    assert main(["cohort", "list", "--cohort", "May"]) == 0
    assert "0 accounts" in capsys.readouterr().out


def test_an_account_can_be_added_from_the_command_line_once(capsys):
    from kamkit.cli import main

    assert main(["cohort", "add", "Ana Costa"]) == 0
    assert main(["account", "add", "Nordwind Logistics", "--trainee", "Ana Costa"]) == 0
    assert "now has the account 'Nordwind Logistics'" in capsys.readouterr().out
    assert main(["account", "add", "nordwind logistics", "--trainee", "Ana Costa"]) == 1
    assert "already have an account called" in capsys.readouterr().err


OPPORTUNITY_REPORT = (
    b"Opportunity Name,Account Name,Type,Stage,Amount,Probability (%),Close Date,Opportunity ID\n"
    b'Fleet renewal 2027,Nordwind Logistics,Renewal,Closed Won,"EUR 1,200,000.00",100,3/31/2027,'
    b"0065g00000QaBcDAA1\n"
    b"Cold chain sensors,Nordwind Logistics,Upsell,Pilot,80000,40,4/2/2027,0065g00000QaBcDAA2\n"
    b"Harbour cranes,Other Co,New Customer,Prospecting,1000,10,1/15/2027,0065g00000QaBcDAA3\n")


@pytest.fixture
def nordwind(db, tmp_path):
    """Ann's account Nordwind Logistics, and the command that imports a file into it."""
    main(["--db", db, "cohort", "add", "Ann"])
    main(["--db", db, "account", "add", "Nordwind Logistics", "--trainee", "Ann"])
    with Store(db) as s:
        account = s.list_accounts(s.list_trainees()[0].id)[0]

    def command(content: bytes, name: str = "export.csv") -> list[str]:
        path = tmp_path / name
        path.write_bytes(content)
        return ["--db", db, "import-crm", str(path), "--trainee", "Ann", "--account",
                "Nordwind Logistics"]

    return account, command


def test_import_crm_adds_an_opportunity_export_to_step_4(db, nordwind, capsys):
    from kamkit.steps.opportunities import ID as STEP
    from kamkit.steps.stakeholders import ID as MAP

    account, command = nordwind
    capsys.readouterr()
    assert main([*command(OPPORTUNITY_REPORT), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Salesforce opportunity report; columns: Opportunity Name -> name" in out
    assert "row 2: Fleet renewal 2027: ready\n" in out
    assert "row 3: Cold chain sensors: ready (stage 'Pilot' left for you to set)" in out
    assert "row 4: Harbour cranes: left out: another company (Other Co)" in out
    assert "kamkit: added 2 opportunities to Nordwind Logistics (opportunities version 1)" in out
    with Store(db) as s:
        doc = s.get_document(account.id, STEP)
        assert [(o.id, o.name, o.kind, o.value, o.stage, o.crm_probability)
                for o in doc.opportunities] == [
            ("o1", "Fleet renewal 2027", "renewal", 1_200_000.0, "won", 100.0),
            ("o2", "Cold chain sensors", "upsell", 80_000.0, None, 40.0)]
        assert s.load_document(account.id, MAP).people == []  # not taken for contacts
    assert main([*command(OPPORTUNITY_REPORT), "--yes"]) == 1  # again: each one is there
    captured = capsys.readouterr()
    assert "row 2: Fleet renewal 2027: left out: already in your opportunities" in captured.out
    assert "none of the 3 rows can be added to Nordwind Logistics" in captured.err


def test_import_crm_of_opportunities_writes_nothing_without_yes_or_a_terminal(db, nordwind,
                                                                             capsys):
    from kamkit.steps.opportunities import ID as STEP

    account, command = nordwind
    capsys.readouterr()
    assert main(command(OPPORTUNITY_REPORT)) == 0
    assert ("Nothing written. Add 2 opportunities to the opportunities of Nordwind Logistics? "
            "Run again with --yes.") in capsys.readouterr().out
    with Store(db) as s:
        assert s.load_document(account.id, STEP).opportunities == []


def test_import_crm_still_takes_a_contact_export_to_the_map(db, nordwind, capsys):
    from kamkit.steps.opportunities import ID as STEP
    from kamkit.steps.stakeholders import ID as MAP

    account, command = nordwind
    contacts = (b"First Name,Last Name,Title,Email,Account Name\n"
                b"Anna,Berg,CFO,anna@nordwind.example,Nordwind Logistics\n")
    capsys.readouterr()
    assert main([*command(contacts), "--yes"]) == 0
    assert "added 1 people to Nordwind Logistics (map version 1)" in capsys.readouterr().out
    with Store(db) as s:
        assert [p.name for p in s.get_document(account.id, MAP).people] == ["Anna Berg"]
        assert s.load_document(account.id, STEP).opportunities == []


def test_import_crm_of_opportunities_saves_on_the_version_it_read(db, nordwind, monkeypatch,
                                                                 capsys):
    """A save from the workbook while the command waits for its answer is never overwritten."""
    import kamkit.cli as cli
    from kamkit.opportunity import OpportunitiesDoc, Opportunity
    from kamkit.steps.opportunities import ID as STEP

    account, command = nordwind

    def confirm_while_a_page_saves(question: str, yes: bool) -> bool:
        with Store(db) as s:
            s.save_document(account.id, STEP, OpportunitiesDoc(
                opportunities=[Opportunity(id="o1", name="Typed in the workbook")]))
        return True

    monkeypatch.setattr(cli, "_confirm", confirm_while_a_page_saves)
    monkeypatch.setattr(cli.sys, "stdin", type("Tty", (), {"isatty": lambda self: True})())
    assert main(command(OPPORTUNITY_REPORT)) == 1
    assert "changed while this command waited" in capsys.readouterr().err
    with Store(db) as s:
        assert [o.name for o in s.get_document(account.id, STEP).opportunities] == \
            ["Typed in the workbook"]
