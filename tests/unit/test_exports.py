"""Exports a manager hands on: the cohort as Excel (real types, one sheet per step) and CSV, one
trainee as a printable HTML report - and trainee text stays text in all of them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from kamkit.demo import seed_demo
from kamkit.io.cohort import cohort_csv, cohort_xlsx, overview_columns, safe_text
from kamkit.models import Cohort
from kamkit.review import ReviewSession
from tests.payloads import PAYLOADS, live_markup, seed_poisoned


@pytest.fixture
def session(store):
    seed_demo(store)
    store.save_cohort(Cohort(name="Demo workshop", workshop_date=dt.date(2026, 11, 30),
                             manager="Mia"))
    return ReviewSession(store, "Mia")


def _xlsx(session, cohort="Demo workshop"):
    data = cohort_xlsx(session, session.rows(cohort=cohort))
    return data, openpyxl.load_workbook(io.BytesIO(data))


def test_the_excel_file_has_an_overview_and_one_sheet_per_step(session):
    _, book = _xlsx(session)
    assert book.sheetnames == ["Overview", "1. Account profile", "2. Stakeholder map",
                               "3. Relationship score", "4. Opportunities", "5. Account plan",
                               "Case studies", "Reviews", "Competency ratings", "Case tries",
                               "Quiz", "Learning gain"]
    assert [c.value for c in book["Overview"][1]] == overview_columns(session.framework)


def test_excel_cells_have_real_types(session):
    data, book = _xlsx(session)
    frame = pd.read_excel(io.BytesIO(data), sheet_name="Overview")
    chloe = frame[frame["Trainee"] == "Chloé Martin"].iloc[0]
    assert chloe["People mapped"] == 3 and chloe["Purpose"] == "Grow"
    assert pd.api.types.is_datetime64_any_dtype(frame["Last activity (UTC)"])
    sheet = book["Overview"]
    head = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "Chloé Martin")
    assert isinstance(row[head.index("Workshop date")].value, dt.datetime)  # a date cell
    assert row[head.index("Steps done")].data_type == "n"
    people = book["2. Stakeholder map"]
    influence = [r[6].value for r in people.iter_rows(min_row=2)]
    assert influence and all(isinstance(v, int) for v in influence if v is not None)


def test_reviews_sheet_lists_the_managers_verdicts(session):
    row = next(r for r in session.rows(cohort="Demo workshop") if r.name == "Chloé Martin")
    session.review(row.account_id, "profile", rating=4, comment="Sourced figures.",
                   status="reviewed")
    _, book = _xlsx(session)
    reviews = [[c.value for c in r] for r in book["Reviews"].iter_rows(min_row=2)]
    assert reviews[0][:6] == ["Chloé Martin", "Solara Energy", "Account profile", 4,
                              "Reviewed", "Sourced figures."]


def test_the_csv_is_the_dashboard_table(session):
    table = cohort_csv(session.rows(cohort="Demo workshop"), session.framework)
    rows = list(csv.reader(io.StringIO(table)))
    assert rows[0] == overview_columns(session.framework)
    assert sorted(r[0] for r in rows[1:]) == ["Ana Costa", "Ben Okafor", "Chloé Martin",
                                              "Dev Patel"]
    assert all(r[2] == "2026-11-30" for r in rows[1:])


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_text_a_spreadsheet_would_run_is_kept_as_text(text):
    assert safe_text(text) == "'" + text
    assert safe_text("plain") == "plain"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_field_stay_text_in_the_report(store, payload):
    trainee, account = seed_poisoned(store, payload)
    session = ReviewSession(store, payload[:100])
    session.review(account.id, "profile", rating=2, comment=payload, status="needs_rework")
    report = session.report(trainee.id)
    assert live_markup(report) == []
    assert "Content-Security-Policy" in report
    # the payload is there, as text: the test would see it if it rendered
    from kamkit.report import e
    assert report.count(e(payload)) >= 20


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_stay_text_in_the_excel_and_csv(store, payload):
    seed_poisoned(store, payload)
    store.add_trainee(payload, cohort="Payloads")  # a cell that starts with the payload
    session = ReviewSession(store, "Mia")
    rows = session.rows(cohort="Payloads")
    book = openpyxl.load_workbook(io.BytesIO(cohort_xlsx(session, rows)))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and payload[1:12] in c.value]
    assert len(cells) >= 10
    assert all(c.data_type == "s" for c in cells)  # a formula would load as data_type "f"
    assert payload in [c.value for c in book["Overview"]["A"]]
    names = [line[0] for line in csv.reader(io.StringIO(cohort_csv(rows, session.framework)))]
    assert safe_text(payload) in names
    assert not any(v.startswith(("=", "+", "@", "-")) for line in
                   csv.reader(io.StringIO(cohort_csv(rows, session.framework))) for v in line)


def test_the_report_shows_every_step_feedback_and_history(session):
    row = next(r for r in session.rows(cohort="Demo workshop") if r.name == "Ana Costa")
    session.review(row.account_id, "profile", rating=3, comment="Add the strategy.",
                   status="needs_rework")
    report = session.report(row.trainee_id)
    for text in ("Helix Pharma - 1. Account profile", "Nordwind Logistics - 3. Relationship score",
                 "Needs rework", "Add the strategy.", "History of changes", "<svg"):
        assert text in report


def test_the_printed_report_starts_a_page_per_account_not_per_step(session):
    """Three steps printed one per page left near-blank pages; now an account's steps follow
    on (the sample account: 8 A4 pages before, 7 now, printed by Chromium)."""
    import re

    from kamkit.report import REPORT_CSS

    ana = next(t for t in session.store.list_trainees() if t.name == "Ana Costa")
    html = session.report(ana.id)
    forced = [rule.split("*/")[-1].strip()
              for rule in re.findall(r"([^{}]+)\{ break-before: page; \}", REPORT_CSS)]
    assert forced == [".kk-account + .kk-account"]
    # Nordwind, Helix and the two case studies she practised
    assert html.count("<section class='kk-account'>") == 4
