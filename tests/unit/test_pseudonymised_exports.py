"""Exports with the customer's people under pseudonyms: the JSON workbook, the HTML report and
the cohort's Excel file name nobody of the customer, each person is one pseudonym throughout,
and the analysis - and the trainee - stay."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest

from kamkit.cli import main
from kamkit.io.cohort import cohort_xlsx
from kamkit.io.workbook import dumps, export_trainee, import_workbook
from kamkit.privacy import REMOVED
from kamkit.review import ReviewSession
from kamkit.store import Store
from tests.customer import AGENDA, KEPT, TRACES, seed

#: every customer name the seeded work holds, beside the traces of the erasure tests
NAMES = (*TRACES, "Greta Lind", "Olga Ferrant", "Zeb ")


def _named(text: str) -> list[str]:
    return [n for n in NAMES if n in text]


@pytest.fixture
def work(store):
    return seed(store)


def test_the_json_workbook_names_nobody_and_keeps_one_pseudonym_per_person(store, work):
    plain = dumps(export_trainee(store, work["trainee"].id))
    assert _named(plain)  # the plain export names them all
    bundle = export_trainee(store, work["trainee"].id, pseudonymise=True)
    text = dumps(bundle)
    assert _named(text) == [] and bundle["pseudonymised"] is True
    assert bundle["trainee"]["name"] == "Ana Costa"  # the trainee stays: see the README
    nordwind, baltic = bundle["accounts"]
    maps = [{p["id"]: p["name"] for p in v["data"]["people"]}
            for v in nordwind["documents"]["stakeholders"]]
    assert maps == [{"p1": "Person 1", "p2": "Person 2"},
                    {"p1": "Person 1", "p2": "Person 2", "p3": "Person 3"},
                    {"p1": "Person 1", "p3": "Person 3"}]
    zeb = nordwind["documents"]["stakeholders"][0]["data"]["people"][1]
    assert (zeb["email"], zeb["personal_agenda"], zeb["title"], zeb["influence"]) == (
        "person-2@example.invalid", REMOVED, "CFO", 5)
    relationship = nordwind["documents"]["relationship"][0]["data"]
    assert relationship["feeling_reason"] == "person-2@example.invalid answers fast"
    assert relationship["ratings"]["plan_sharing"]["evidence"] == "Person 2 showed us the hub plan"
    # Baltic's "Zeb Quuxworth" has Zebediah's email: the same person, the same pseudonym
    assert [p["name"] for p in baltic["documents"]["stakeholders"][0]["data"]["people"]] == [
        "Person 2", "Person 4"]
    with Store("sqlite:///:memory:") as other:  # a pseudonymised workbook imports like any other
        assert import_workbook(other, text).name == "Ana Costa"


def test_the_report_names_nobody_in_its_steps_history_or_feedback(store, work):
    session = ReviewSession(store, "Mia")
    assert _named(session.report(work["trainee"].id))
    report = session.report(work["trainee"].id, pseudonymise=True)
    assert _named(report) == [] and AGENDA not in report
    # Baltic, the more recent account, comes first: its Zeb (by email) is Person 1 in this file
    assert "What is your plan for Person 1? Ask Person 4." in report  # the manager's comment
    assert "added Person 4" in report and "removed Person 1" in report  # the history
    assert "Ana Costa" in report


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def test_the_cohort_workbook_names_nobody_but_keeps_the_trainees_and_the_analysis(store, work):
    session = ReviewSession(store, "Mia")
    rows = session.rows(cohort="May")
    assert _named(_xlsx_text(cohort_xlsx(session, rows)))
    data = cohort_xlsx(session, rows, pseudonymise=True)
    assert _named(_xlsx_text(data)) == []
    book = openpyxl.load_workbook(io.BytesIO(data))
    people = [[c.value for c in r] for r in book["2. Stakeholder map"].iter_rows(min_row=2)]
    assert [(r[0], r[1], r[2], r[6], r[7]) for r in people] == [
        ("Ana Costa", "Baltic", "Person 1", None, None),
        ("Ana Costa", "Baltic", "Person 2", None, None)]
    reviews = [[c.value for c in r] for r in book["Reviews"].iter_rows(min_row=2)]
    assert reviews == []  # Baltic, the most recent account, has no review: see below
    store.save_document(work["nordwind"].id, "profile", {"industry": "Logistics, again"})
    data = cohort_xlsx(session, session.rows(cohort="May"), pseudonymise=True)
    assert _named(_xlsx_text(data)) == []
    book = openpyxl.load_workbook(io.BytesIO(data))
    [review] = [[c.value for c in r] for r in book["Reviews"].iter_rows(min_row=2)]
    # the comment names someone no longer on the latest map: the history is learned too
    assert review[:2] == ["Ana Costa", "Nordwind"] and review[5].startswith(
        "What is your plan for Person ")
    people = [[c.value for c in r] for r in book["2. Stakeholder map"].iter_rows(min_row=2)]
    assert [(r[2], r[3], r[5], r[6]) for r in people] == [
        ("Person 1", "CEO", None, 5), ("Person 3", "Controller", None, None)]
    assert people[0][13] == REMOVED  # evidence about Greta: withheld


@pytest.mark.parametrize("fmt", ["json", "html", "xlsx", "csv"])
def test_kamkit_export_pseudonymise_in_every_format(tmp_path, capsys, fmt):
    db = f"sqlite:///{tmp_path / 'k.db'}"
    with Store(db) as store:
        seed(store)
    who = ["--cohort", "May"] if fmt in ("xlsx", "csv") else ["--trainee", "Ana Costa"]
    out = tmp_path / f"out.{fmt}"
    assert main(["--db", db, "export", *who, "--format", fmt, "--output", str(out),
                 "--pseudonymise"]) == 0
    text = _xlsx_text(out.read_bytes()) if fmt == "xlsx" else out.read_text()
    assert _named(text) == [] and "Ana Costa" in text
    if fmt == "json":
        assert json.loads(text)["pseudonymised"] is True
    assert not any(k in text for k in KEPT[:2])
