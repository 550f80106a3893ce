"""The trainee as the subject in the cohort's CSV and Excel file: who is certified and why not,
the quiz and the competency ratings before and after on the main sheet; every rating, case try
and quiz attempt and the cohort's learning gain on sheets of their own; pseudonymised, no
colleague who rated is named; typed text stays text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from kamkit.demo import DEMO_MANAGER, seed_demo
from kamkit.io.cohort import cohort_csv, cohort_xlsx, overview_columns, safe_text
from kamkit.review import ReviewSession
from kamkit.store import Store
from tests.payloads import PAYLOADS
from tests.person import BEHAVIOURS, FW


@pytest.fixture(scope="module")
def demo():
    """The demo cohort, its CSV and its Excel file (built once: they are only read)."""
    with Store("sqlite://") as store:
        seed_demo(store, dt.date(2026, 11, 23))
        session = ReviewSession(store, "Mia")
        rows = session.rows(cohort="Demo workshop")
        yield {"rows": rows, "csv": cohort_csv(rows, session.framework),
               "xlsx": openpyxl.load_workbook(io.BytesIO(cohort_xlsx(session, rows))),
               "private": cohort_xlsx(session, rows, pseudonymise=True),
               "gains": session.gains(rows)}


def _sheet(book, name):
    return [[c.value for c in r] for r in book[name].iter_rows(min_row=2)]


def test_the_csv_says_who_is_certified_and_why_not(demo):
    table = list(csv.DictReader(io.StringIO(demo["csv"])))
    assert list(table[0])[-8:] == ["Certified", "Unmet rules", "Quiz first attempt %",
                                   "Quiz retake %", "Competency self before",
                                   "Competency self after", "Competency manager before",
                                   "Competency manager after"]
    by = {r["Trainee"]: r for r in table}
    assert by["Ana Costa"]["Certified"] == "yes" and by["Ana Costa"]["Unmet rules"] == ""
    assert by["Ana Costa"]["Quiz first attempt %"] == "100.0"
    assert by["Ana Costa"]["Quiz retake %"] == ""
    ben = by["Ben Okafor"]
    assert ben["Certified"] == "not yet"
    assert "The quiz passed at the first attempt (first attempt 50 %)" in ben["Unmet rules"]
    assert (ben["Quiz first attempt %"], ben["Quiz retake %"]) == ("50.0", "100.0")
    for name in ("Ana Costa", "Chloé Martin"):
        row = by[name]
        assert float(row["Competency self after"]) > float(row["Competency self before"])
        assert float(row["Competency manager after"]) > float(
            row["Competency manager before"])
    assert by["Dev Patel"]["Competency self after"] == ""


def test_the_overview_sheet_has_the_same_columns_in_real_types(demo):
    book = demo["xlsx"]
    assert [c.value for c in book["Overview"][1]] == overview_columns(FW)
    head = [c.value for c in book["Overview"][1]]
    ana = next(r for r in book["Overview"].iter_rows(min_row=2) if r[0].value == "Ana Costa")
    assert ana[head.index("Certified")].value == "yes"
    assert ana[head.index("Competency manager after")].data_type == "n"


def test_the_competency_ratings_sheet_has_every_rater_and_behaviour(demo):
    rows = _sheet(demo["xlsx"], "Competency ratings")
    ben = [r for r in rows if r[0] == "Ben Okafor"]
    raters = {(r[1], r[2], r[3]) for r in ben}
    assert raters == {("Before the programme", "Self", None),
                      ("Before the programme", "Manager", DEMO_MANAGER),
                      ("After the programme", "Self", None),
                      ("After the programme", "Manager", DEMO_MANAGER),
                      ("After the programme", "Peer", "Sam Reyes")}
    assert len(ben) == 5 * len(BEHAVIOURS)
    first = FW.competencies.competencies[0]
    own = next(r for r in ben if r[2] == "Self")
    assert own[4:6] == [first.title, first.behaviours[0].text]
    assert 1 <= own[6] <= 5 and "Trivento Foods" in own[7]  # an example from his own work


def test_the_case_tries_sheet_has_first_try_best_and_how_passed(demo):
    rows = _sheet(demo["xlsx"], "Case tries")
    ben = [r for r in rows if r[0] == "Ben Okafor"]
    assert {r[1] for r in ben} == {"Halden Medical Devices", "Corvel Foods"}
    assert all(r[3] <= r[4] for r in ben)  # first try never above the best
    assert "passed after the explanations were shown" in {r[5] for r in ben}
    ana = [r for r in rows if r[0] == "Ana Costa" and r[1] == "Corvel Foods"]
    assert "passed at the first try" in {r[5] for r in ana}


def test_the_quiz_sheet_counts_the_first_attempt_and_marks_the_rest_practice(demo):
    rows = _sheet(demo["xlsx"], "Quiz")
    ben = [r[1:5] for r in rows if r[0] == "Ben Okafor"]
    assert ben == [[1, "counted", 50.0, "no"], [2, "practice", 100.0, "yes"]]
    assert all(isinstance(r[5], dt.datetime) for r in rows)


def test_the_learning_gain_sheet_has_each_measure_with_its_count(demo):
    rows = _sheet(demo["xlsx"], "Learning gain")
    assert [r[0] for r in rows] == [g.label for g in demo["gains"]]
    by = {g.key: row for g, row in zip(demo["gains"], rows, strict=True)}
    for key in ("self", "manager", "quiz"):
        measure, before, after, gain, n = by[key]
        assert after > before and gain == pytest.approx(after - before) and n >= 2


def test_the_pseudonymised_excel_names_no_colleague_who_rated(demo):
    with zipfile.ZipFile(io.BytesIO(demo["private"])) as z:
        text = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    for name in ("Sam Reyes", "Lena Vogel", "Tom Berger", DEMO_MANAGER):
        assert name not in text, name
    rows = _sheet(openpyxl.load_workbook(io.BytesIO(demo["private"])), "Competency ratings")
    assert {r[3] for r in rows if r[2] == "Peer"} == {"Peer 1", "Peer 2", "Peer 3"}
    assert {r[3] for r in rows if r[2] == "Manager"} == {"Manager 1"}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_typed_text_in_ratings_stays_text_in_the_excel_and_the_csv(store, payload):
    trainee = store.add_trainee(f"Pat {payload}"[:120], cohort="Payloads")
    link, _ = store.add_rater_link(trainee.id, "after", "Sam Reyes", days=3, most=3)
    store.save_ratings(trainee.id, "after", "peer", {
        "levels": {BEHAVIOURS[0]: 2}, "examples": {BEHAVIOURS[0]: payload}},
        rater_name="Sam Reyes", link_id=link.id)
    store.save_ratings(trainee.id, "before", "self", {
        "levels": {BEHAVIOURS[0]: 2}, "examples": {BEHAVIOURS[0]: payload}})
    session = ReviewSession(store, "Mia")
    rows = session.rows(cohort="Payloads")
    for private in (False, True):
        book = openpyxl.load_workbook(io.BytesIO(cohort_xlsx(session, rows,
                                                             pseudonymise=private)))
        cells = [c for r in book["Competency ratings"].iter_rows(min_row=2) for c in r
                 if isinstance(c.value, str) and payload[1:12] in c.value]
        assert len(cells) == 4  # the trainee's name and the example, on both lines
        assert all(c.data_type == "s" for c in cells)  # never "f", a formula
    lines = list(csv.reader(io.StringIO(cohort_csv(rows, session.framework))))
    assert not any(v.startswith(("=", "+", "@", "-")) for line in lines for v in line)
    assert safe_text("=1") == "'=1"
