"""CRM contacts onto a stakeholder map: every export flavour, broken files, duplicates."""

from __future__ import annotations

import io

import openpyxl
import pytest

from kamkit.cli import main
from kamkit.errors import ImportRefused
from kamkit.io.crm import add_to_map, read_contacts
from kamkit.models import Stakeholder, StakeholderMapDoc

SF_REPORT = (b"First Name,Last Name,Title,Department,Email,Account Name,Reports To,Role\n"
             b"Anna,Berg,CFO,Finance,anna@nordwind.example,Nordwind Logistics,,Economic Buyer\n"
             b"Tom,Kurz,Controller,Finance,tom@nordwind.example,Nordwind Logistics,Anna Berg,"
             b"Technical Buyer\n"
             b"Xia,Yu,Buyer,,xia@other.example,Other Co,,\n")
SF_API = (b"Id,FirstName,LastName,Title,Department,Email,AccountId,ReportsToId\n"
          b"0035g00000AbCdE,Anna,Berg,CFO,Finance,anna@n.example,0015g00000XyZaB,\n"
          b"0035g00000AbCdF,Tom,Kurz,Controller,Finance,tom@n.example,0015g00000XyZaB,"
          b"0035g00000AbCdE\n")
SF_ROLES = (b"ContactId,FirstName,LastName,Role\n"
            b"0035g00000AbCdE,Anna,Berg,Decision Maker\n0035g00000AbCdF,Tom,Kurz,Influencer\n")
HUBSPOT = (b"Record ID,First Name,Last Name,Email,Job Title,Seniority,Buying Role,Company Name,"
           b"Contact owner\n"
           b"101,Anna,Berg,anna@n.example,CFO,Executive,Budget Holder,Nordwind,Sam\n"
           b"102,Tom,Kurz,tom@n.example,Controller,Manager,Champion,Nordwind,Sam\n"
           b"103,Ola,Nor,ola@n.example,Analyst,Entry,Blocker,Nordwind,Sam\n")
TEMPLATE = (b"name,title,department,level,role,email,reports_to\n"
            b"Anna Berg,CFO,Finance,executive,budget holder,anna@n.example,\n"
            b"Tom Kurz,Controller,Finance,manager,evaluator,tom@n.example,Anna Berg\n")


def _people(preview):
    return [(r.name, r.title, r.level, r.role) for r in preview.ready]


def test_a_salesforce_report_export_maps_roles_and_rebuilds_reports_to():
    preview = read_contacts("report.csv", SF_REPORT, company="Nordwind Logistics")
    assert preview.flavour == "Salesforce report"
    assert _people(preview) == [("Anna Berg", "CFO", None, "budget holder"),
                                ("Tom Kurz", "Controller", None, "evaluator")]
    assert preview.rows[2].errors == ["another company (Other Co)"]
    doc, added = add_to_map(StakeholderMapDoc(), preview)
    anna, tom = doc.people
    assert added == 2 and tom.reports_to == anna.id
    assert anna.influence is None and anna.support is None  # the trainee sets these


def test_a_salesforce_api_export_links_reports_to_by_id():
    preview = read_contacts("contacts.csv", SF_API, company="Nordwind Logistics")
    assert preview.flavour == "Salesforce API export" and len(preview.ready) == 2
    doc, _ = add_to_map(StakeholderMapDoc(), preview)
    assert doc.people[1].reports_to == doc.people[0].id


def test_an_opportunity_contact_role_export_brings_the_roles():
    preview = read_contacts("roles.csv", SF_ROLES)
    assert [r.role for r in preview.rows] == ["decision maker", None]
    assert preview.rows[1].notes == ["role 'Influencer' left for you to set"]


def test_a_hubspot_export_maps_seniority_and_buying_role_where_it_says_so():
    preview = read_contacts("hubspot.csv", HUBSPOT, company="Nordwind Logistics")
    assert preview.flavour == "HubSpot export"
    assert _people(preview) == [("Anna Berg", "CFO", "executive", "budget holder"),
                                ("Tom Kurz", "Controller", "manager", "coach"),
                                ("Ola Nor", "Analyst", "staff", None)]


def test_the_plain_template_is_read():
    preview = read_contacts("people.csv", TEMPLATE)
    assert preview.flavour == "kamkit template"
    doc, _ = add_to_map(StakeholderMapDoc(), preview)
    assert doc.people[1].reports_to == doc.people[0].id and doc.people[0].level == "executive"


def test_an_excel_export_is_read():
    book = openpyxl.Workbook()
    for line in HUBSPOT.decode().splitlines():
        book.active.append(line.split(","))
    buf = io.BytesIO()
    book.save(buf)
    assert len(read_contacts("hubspot.xlsx", buf.getvalue()).ready) == 3


def test_a_windows_encoded_file_keeps_its_accents():
    content = "name,title\nJürgen Müller,Einkäufer\n".encode("cp1252")
    assert _people(read_contacts("x.csv", content)) == [("Jürgen Müller", "Einkäufer", None,
                                                        None)]


def test_unknown_columns_are_refused_saying_what_kamkit_reads():
    with pytest.raises(ImportRefused, match="does not recognise this file's columns"):
        read_contacts("x.csv", b"foo,bar\n1,2\n")


def test_empty_rows_are_skipped_but_row_numbers_stay_true():
    preview = read_contacts("x.csv", b"name,email\nAnn,a@x.example\n,\n\n,\nBob,not-mail\n")
    assert [(r.line, r.ok) for r in preview.rows] == [(2, True), (6, False)]
    assert preview.rows[1].errors == ["'not-mail' is not an email address"]


def test_people_already_on_the_map_are_detected_by_name_and_email():
    existing = StakeholderMapDoc(people=[Stakeholder(id="p1", name="Anna Berg",
                                                     email="ANNA@n.example")])
    preview = read_contacts("people.csv", TEMPLATE + b"anna berg,CFO,,,,,\n", existing)
    assert [r.errors for r in preview.rows] == [
        ["already on the map or earlier in the file (same email)"], [],
        ["already on the map or earlier in the file (same name)"]]
    namesake = read_contacts("p.csv", b"name,email\nAnna Berg,other@n.example\n", existing)
    assert namesake.rows[0].ok  # same name, different email: a different person


def test_five_thousand_rows_are_previewed():
    rows = b"".join(b"P%d,Q%d,Buyer,,p%d@n.example,Nordwind,,\n" % (i, i, i)
                    for i in range(5000))
    content = b"First Name,Last Name,Title,Department,Email,Account Name,Reports To\n" + rows
    preview = read_contacts("big.csv", content, company="Nordwind")
    assert len(preview.rows) == 5000 and len(preview.ready) == 5000
    with pytest.raises(ImportRefused, match="at most 200 people"):
        add_to_map(StakeholderMapDoc(), preview)


def test_a_control_character_leaves_the_row_out_and_a_line_break_in_a_cell_is_a_space():
    content = (b'name,title,department\nAnn\x00Lee,CFO,\n'
               b'Bob Roy,"Head of\r\nProcurement","Fin\tance"\nCy\x1bCo,,\n')
    rows = read_contacts("x.csv", content).rows
    assert [r.errors for r in rows] == [["Name cannot hold a NUL character; remove it "
                                         "(got 'Ann\\x00Lee')"], [],
                                        ["Name cannot hold a control character (U+001B); "
                                         "remove it (got 'Cy\\x1bCo')"]]
    assert (rows[1].title, rows[1].department) == ("Head of Procurement", "Fin ance")


def test_twenty_thousand_contacts_are_checked_in_seconds():
    """The limit's worth of contacts: each row is compared with those before it in constant
    time (it took 14 s when each email was sought in every name's emails)."""
    import time

    rows = b"".join(b"P%d,Q%d,Buyer,,p%d@n.example,Nordwind,,\n" % (i, i, i)
                    for i in range(20_000))
    content = b"First Name,Last Name,Title,Department,Email,Account Name,Reports To\n" + rows
    started = time.perf_counter()
    preview = read_contacts("big.csv", content, company="Nordwind")
    assert len(preview.ready) == 20_000
    assert time.perf_counter() - started < 5


def test_the_command_previews_then_adds_only_with_yes(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'k.db'}"
    main(["--db", db, "cohort", "add", "Ann"])
    from kamkit.store import Store

    with Store(db) as s:
        ann = s.list_trainees()[0]
        account = s.add_account(ann.id, "Nordwind Logistics")
    export = tmp_path / "report.csv"
    export.write_bytes(SF_REPORT)
    capsys.readouterr()
    args = ["--db", db, "import-crm", str(export), "--trainee", "Ann", "--account",
            "Nordwind Logistics"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Salesforce report" in out and "row 4: Xia Yu: left out: another company" in out
    assert "Nothing written" in out
    with Store(db) as s:
        assert s.load_document(account.id, "stakeholders").people == []
    assert main([*args, "--yes"]) == 0
    assert "added 2 people" in capsys.readouterr().out
    with Store(db) as s:
        assert [p.name for p in s.get_document(account.id, "stakeholders").people] == \
            ["Anna Berg", "Tom Kurz"]


@pytest.mark.parametrize("content", [
    b"name,title\x1b]0;owned\x07,company\nAnn\x1b[2J,CFO,Nordwind\nBob,CTO\x1b[31m,Acme\x1b[0m\n",
    b"foo\x1b[2J,bar\n1,2\n",
], ids=["in names, titles and a header", "in the columns of a file kamkit does not know"])
def test_the_command_prints_a_files_control_characters_escaped(tmp_path, capsys, content):
    """A CRM file must not drive the facilitator's terminal (clear it, retitle it...)."""
    db = f"sqlite:///{tmp_path / 'k.db'}"
    main(["--db", db, "cohort", "add", "Ann"])
    main(["--db", db, "account", "add", "Nordwind", "--trainee", "Ann"])
    export = tmp_path / "contacts.csv"
    export.write_bytes(content)
    capsys.readouterr()
    main(["--db", db, "import-crm", str(export), "--trainee", "Ann", "--account", "Nordwind"])
    shown = capsys.readouterr()
    assert "\\x1b" in shown.out + shown.err
    assert not any(c in shown.out + shown.err for c in "\x1b\x07")


@pytest.mark.parametrize(("theirs", "ours", "same"), [
    ("Nordwind Logistics GmbH", "Nordwind Logistics", True),
    ("Nordwind", "Nordwind Logistics GmbH", True),
    ("NORDWIND LOGISTICS", "nordwind-logistics", True),
    ("Halden Medical Devices AS", "H", False),
    ("Other Co", "Nordwind Logistics", False),
    ("Nordic Wind", "Nordwind", False),
    ("0015g00000XyZaB", "Nordwind", True),   # a Salesforce AccountId: not a name to compare
    ("Газпром нефть", "Газпром", True),        # any script
    ("The Company", "the company", True),     # a name made only of legal forms
    ("Siemens Healthineers AG", "Healthineers", True),
    ("Siemens Healthineers AG", "Siemens Energy", False),
])
def test_a_contact_is_of_the_account_only_when_the_company_names_agree(theirs, ours, same):
    from kamkit.io.crm import same_company

    assert same_company(theirs, ours) is same


def test_an_export_of_another_company_is_refused_not_a_quiet_success(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'k.db'}"
    main(["--db", db, "cohort", "add", "Ann"])
    from kamkit.store import Store

    with Store(db) as s:
        s.add_account(s.list_trainees()[0].id, "Halden Medical")
    export = tmp_path / "report.csv"
    export.write_bytes(SF_REPORT)  # a Nordwind export
    capsys.readouterr()
    assert main(["--db", db, "import-crm", str(export), "--trainee", "Ann", "--account",
                 "Halden Medical", "--yes"]) == 1
    captured = capsys.readouterr()
    assert "another company" in captured.out
    assert "none of the 3 rows can be added to Halden Medical" in captured.err
