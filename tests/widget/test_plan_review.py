"""The account plan in the manager's review, used as a manager and a trainee would - without a
browser: the sponsor approves the plan (or sends it back with a comment), the approval is pinned
to the version approved and shows on the trainee's page, the dashboard says approved yes /
changed since / no; and a plan past its review says so on the workbook's progress row and in the
drill-down."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import yaml

from kamkit.account_plan import AccountPlanDoc
from kamkit.frameworks import CONTENT_DIR, load_framework
from kamkit.io.cohort import cohort_csv
from kamkit.review import ReviewSession
from kamkit.session import Session
from kamkit.steps import for_framework
from kamkit.steps.account_plan import ID as PLAN
from kamkit.ui.review import ReviewApp
from kamkit.ui.workbook import WorkbookApp

FIVE_STEPS = """steps:
  - {id: profile, number: 1, title: Account profile, summary: Know the customer.}
  - {id: stakeholders, number: 2, title: Stakeholder map, summary: Map the people.}
  - {id: relationship, number: 3, title: Relationship score, summary: Measure it.}
  - {id: opportunities, number: 4, title: Opportunities, summary: Qualify them.}
  - {id: account_plan, number: 5, title: Account plan, summary: Plan the account.}
"""


@pytest.fixture
def framework(tmp_path):
    """kamkit's content with the plan in the workbook (its rubric too, until review.yaml has
    one of its own)."""
    (tmp_path / "steps.yaml").write_text(FIVE_STEPS)
    review = yaml.safe_load((CONTENT_DIR / "review.yaml").read_text())
    review["rubrics"].setdefault(PLAN, {n: f"a plan at level {n}" for n in range(1, 6)})
    (tmp_path / "review.yaml").write_text(yaml.safe_dump(review))
    return load_framework(tmp_path)


@pytest.fixture
def zoe(store, framework):
    """Zoe, who has done every step of one account (each step's sample)."""
    trainee = store.add_trainee("Zoe", cohort="Plans")
    account = store.add_account(trainee.id, "Acme")
    for text, unit in for_framework(framework):
        store.save_document(account.id, text.id, unit.sample(dt.date.today(), False))
    return trainee


def _manager(store, framework, trainee):
    page = ReviewApp(ReviewSession(store, "Mia Berg", framework))
    page.open_trainee(trainee.id)
    return page, page.trainee_view.steps[PLAN]


def _line(page, trainee):
    return next(ln for ln in page.lines if ln.trainee_id == trainee.id).cells.value


def test_the_plans_form_offers_approve_or_send_back(store, framework, zoe):
    page, plan = _manager(store, framework, zoe)
    assert [label for label, _ in plan.status.options] == ["Approve the plan", "Send it back"]
    profile = page.trainee_view.steps["profile"]  # a step that is only reviewed
    assert [label for label, _ in profile.status.options] == ["Reviewed", "Needs rework"]


def test_an_approved_plan_shows_on_the_trainees_page_pinned_to_its_version(store, framework,
                                                                          zoe):
    page, plan = _manager(store, framework, zoe)
    assert "Approved" in page.table_head.value and "<span>no</span>" in _line(page, zoe)
    plan.rating.value, plan.status.value = 4, "reviewed"
    review = page.trainee_view.save_review(plan)
    assert review is not None and review.doc_version == 1
    assert "<b>Approved</b> by Mia Berg on" in plan.feedback.value
    assert "<span>yes</span>" in _line(page, zoe)  # the dashboard follows

    workbook = WorkbookApp(Session(store, zoe, framework))
    shown = workbook.feedback.value
    assert "5. Account plan" in shown and "<b>Approved</b> by Mia Berg on" in shown
    assert "(version 1)" in shown and "Changed since" not in shown

    # the trainee works on: the approval stays on version 1, and says the plan has moved
    session = Session(store, zoe, framework, account=store.list_accounts(zoe.id)[0])
    doc = session.load(PLAN)
    session.save(PLAN, doc.model_copy(update={"next_review": dt.date.today()
                                              + dt.timedelta(days=20)}))
    workbook.refresh()
    assert "(version 1)" in workbook.feedback.value
    assert "Changed since it was approved: version 2 now." in workbook.feedback.value
    page.load()
    assert "<span>changed since</span>" in _line(page, zoe)
    row = next(r for r in page.all_rows if r.name == "Zoe")
    table = list(csv.reader(io.StringIO(cohort_csv([row], framework))))
    assert table[1][table[0].index("Approved")] == "changed since"


def test_a_plan_sent_back_shows_the_comment(store, framework, zoe):
    page, plan = _manager(store, framework, zoe)
    plan.rating.value, plan.status.value = 2, "needs_rework"
    plan.comment.value = "Name a <b>sponsor</b> before the renewal."
    assert page.trainee_view.save_review(plan) is not None
    assert "<span>no</span>" in _line(page, zoe)
    shown = WorkbookApp(Session(store, zoe, framework)).feedback.value
    assert "<b>Sent back</b> by Mia Berg" in shown and "kk-warning" in shown
    assert "Name a &lt;b&gt;sponsor&lt;/b&gt; before the renewal." in shown


def test_sending_back_without_a_comment_is_refused_next_to_the_form(store, framework, zoe):
    page, plan = _manager(store, framework, zoe)
    plan.rating.value, plan.status.value, plan.comment.value = 2, "needs_rework", ""
    assert page.trainee_view.save_review(plan) is None
    assert "comment is needed" in plan.message.text
    assert plan.status.value == "needs_rework"  # what the manager chose stays there


def test_a_plan_past_its_review_says_so_on_the_workbook_and_in_the_drill_down(store, framework,
                                                                              zoe):
    account = store.list_accounts(zoe.id)[0]
    late = dt.date.today() - dt.timedelta(days=3)
    doc = store.load_document(account.id, PLAN)
    assert isinstance(doc, AccountPlanDoc)
    workbook = WorkbookApp(Session(store, zoe, framework))
    assert "kk-alert" not in workbook.progress_rows[PLAN].status.value  # alive
    store.save_document(account.id, PLAN, doc.model_copy(update={"next_review": late}))
    workbook.refresh()
    status = workbook.progress_rows[PLAN].status.value
    assert f'<span class="kk-alert">⚠ past its review on {late.isoformat()}</span>' in status
    _, plan = _manager(store, framework, zoe)
    assert f"past its review on {late.isoformat()}" in plan.work.value
