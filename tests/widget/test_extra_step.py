"""A step from outside kamkit - one module (tests/extra_step.py) and one line of steps.yaml - is in
the workbook everywhere the others are: a tab and a progress row on the workbook page, progress
and resume, the report and the manager's drill-down, the dashboard's figures, the cohort's CSV and
Excel, the JSON workbook and the demo. kamkit's code does not change for it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest

from kamkit.demo import seed_demo
from kamkit.frameworks import load_framework
from kamkit.io.cohort import cohort_csv, cohort_xlsx
from kamkit.io.workbook import export_trainee, import_workbook
from kamkit.review import ReviewSession
from kamkit.session import Session
from kamkit.steps import added, check_framework, for_framework, registered
from kamkit.store import Store
from kamkit.ui.review import ReviewApp
from kamkit.ui.workbook import WorkbookApp
from tests import extra_step


@pytest.fixture
def framework(tmp_path):
    (tmp_path / "steps.yaml").write_text(extra_step.STEPS_YAML)
    with added(extra_step.STEP, "tests/extra_step.py"):
        yield load_framework(tmp_path)


@pytest.fixture
def cohort(store, framework):
    """The demo cohort, seeded with the extra step in the workbook, and Zoe, who has done every
    step of one account."""
    seed_demo(store, framework=framework)
    zoe = store.add_trainee("Zoe", cohort="Demo workshop")
    account = store.add_account(zoe.id, "Acme")
    for text, unit in for_framework(framework):
        store.save_document(account.id, text.id, unit.sample(dt.date.today(), False))
    return store


def _zoe(store):
    return next(t for t in store.list_trainees() if t.name == "Zoe")


def test_the_step_is_registered_only_while_added(framework):
    assert "pricing" in registered()
    check_framework(framework)  # installed, and it brings its own rubric
    assert [t.id for t, _ in for_framework(framework)][-1] == "pricing"


def test_the_step_leaves_the_registry_after_the_block(tmp_path):
    with added(extra_step.STEP):
        pass
    assert "pricing" not in registered()


def test_the_workbook_page_has_its_tab_and_progress_row(cohort, framework):
    page = WorkbookApp(Session(cohort, _zoe(cohort), framework))
    assert page.tabs.titles[-2:] == ("4. Pricing terms", "Competencies")  # the person's last
    row = page.progress_rows["pricing"]
    assert "Pricing terms" in row.label.value and "100% · done" in row.status.value
    page.open_step("pricing")  # the trainee opens it: its own view, built by the registry
    assert "Pricing terms" in page._slots["pricing"].children[0].children[0].value


def test_progress_and_resume_include_it(store, framework):
    trainee = store.add_trainee("Zoe")
    session = Session(store, trainee, framework)
    session.create_account("Acme")
    assert [(p.step, p.status) for p in session.progress()][-1] == ("pricing", "not started")
    session.save("pricing", extra_step.sample(dt.date.today(), partial=True))
    assert session.progress()[-1].status == "in progress"
    assert session.resume_step() == "pricing"  # saved last, and not finished
    session.save("pricing", extra_step.sample(dt.date.today()))
    assert session.progress()[-1].status == "done"


def test_the_report_and_drill_down_show_it(cohort, framework):
    review = ReviewSession(cohort, "Mia", framework)
    ana = next(t for t in cohort.list_trainees() if t.name == "Ana Costa")
    report = review.report(ana.id)
    assert "4. Pricing terms" in report and "Price list: 2026 list" in report
    review.review(cohort.list_accounts(ana.id)[-1].id, "pricing", rating=4, comment="",
                  status="reviewed")
    assert "pricing at level 4" in review.report(ana.id)  # its own rubric, in the feedback


def test_the_dashboard_counts_it_and_shows_its_figure(cohort, framework):
    page = ReviewApp(ReviewSession(cohort, "Mia", framework))
    assert "Discount %" in page.table_head.value
    line = next(ln for ln in page.lines if ln.trainee_id == _zoe(cohort).id)
    # four steps now; all but the map (one person unrated) done, and its discount shown
    assert "<span>3/4</span>" in line.cells.value and "<span>12.5</span>" in line.cells.value
    rows = {r.name: r for r in ReviewSession(cohort, "Mia", framework).rows()}
    figures = rows["Ben Okafor"].figures  # a profile begun: the pricing step not yet
    assert figures.status["pricing"] == "not started" and figures.get("discount") is None
    zoe = rows["Zoe"].figures
    assert zoe.status["pricing"] == "done" and zoe.get("discount") == 12.5
    assert rows["Chloé Martin"].figures.status["pricing"] == "not started"


def test_the_cohort_csv_and_excel_have_it(cohort, framework):
    review = ReviewSession(cohort, "Mia", framework)
    rows = review.rows(cohort="Demo workshop")
    table = list(csv.reader(io.StringIO(cohort_csv(rows, framework))))
    column = table[0].index("Discount %")
    zoe = next(line for line in table if line[0] == "Zoe")
    assert zoe[column] == "12.5"
    book = openpyxl.load_workbook(io.BytesIO(cohort_xlsx(review, rows)))
    assert "4. Pricing terms" in book.sheetnames
    sheet = book["4. Pricing terms"]
    assert [c.value for c in sheet[1]] == ["Trainee", "Account", "Price list", "Discount %"]
    assert ["Zoe", "Acme", "2026 list", 12.5] in [
        [c.value for c in line] for line in sheet.iter_rows(min_row=2)]


def test_the_json_workbook_carries_it_to_another_store(cohort, framework):
    ana = next(t for t in cohort.list_trainees() if t.name == "Ana Costa")
    bundle = export_trainee(cohort, ana.id)
    assert any("pricing" in book["documents"] for book in bundle["accounts"])
    with Store("sqlite:///:memory:") as other:
        copy = import_workbook(other, json.dumps(bundle))
        account = other.list_accounts(copy.id)[-1]
        assert other.get_document(account.id, "pricing").discount_pct == 12.5


def test_its_alerts_show_on_its_progress_row_and_in_the_drill_down(cohort, framework):
    zoe = _zoe(cohort)
    account = cohort.list_accounts(zoe.id)[0]
    cohort.save_document(account.id, "pricing",
                         extra_step.PricingDoc(price_list="2026 list", discount_pct=45))
    page = WorkbookApp(Session(cohort, zoe, framework))
    status = page.progress_rows["pricing"].status.value
    assert 'class="kk-alert"' in status and "a discount of 45 % needs a director" in status
    assert "kk-alert" not in page.progress_rows["profile"].status.value
    review = ReviewApp(ReviewSession(cohort, "Mia", framework))
    review.open_trainee(zoe.id)
    assert "a discount of 45 % needs a director" in review.trainee_view.steps["pricing"].work.value
