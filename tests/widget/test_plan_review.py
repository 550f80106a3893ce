"""The account plan in the manager's review, used as a manager and a trainee would - without a
browser: the sponsor approves the plan (or sends it back with a comment), the approval is pinned
to the version approved and shows on the trainee's page, the dashboard says approved yes /
updated since / no (blank before a plan is saved); an approval signs only the version the manager
saw, and no verdict is chosen for them; and a plan past its review says so on the workbook's
progress row, in the drill-down and on the dashboard - the day it goes past, not at the next
save."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import yaml

from kamkit.account_plan import AccountPlanDoc, Action
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
    """The trainee's table row (without the line below it naming unmet certification rules)."""
    cells = next(ln for ln in page.lines if ln.trainee_id == trainee.id).cells.value
    return cells.split("<div class='kk-muted kk-unmet'")[0]


def test_the_plans_form_offers_approve_or_send_back(store, framework, zoe):
    page, plan = _manager(store, framework, zoe)
    assert [label for label, _ in plan.status.options] == ["Approve the plan", "Send it back"]
    profile = page.trainee_view.steps["profile"]  # a step that is only reviewed
    assert [label for label, _ in profile.status.options] == ["Reviewed", "Needs rework"]


def test_the_plans_form_chooses_no_verdict_for_the_manager(store, framework, zoe):
    """An approval is given, never defaulted: the form starts with neither verdict, and a
    rating alone approves nothing."""
    page, plan = _manager(store, framework, zoe)
    assert plan.status.value is None
    assert page.trainee_view.steps["profile"].status.value == "reviewed"  # only reviewed
    plan.rating.value = 4
    assert page.trainee_view.save_review(plan) is None
    assert plan.message.text == "Choose a verdict first: “Approve the plan” or “Send it back”."
    assert store.list_reviews(store.list_accounts(zoe.id)[0].id) == []
    page.trainee_view.show_trainee(zoe.id)  # opened again after an approval: still no default
    plan.rating.value, plan.status.value = 4, "reviewed"
    assert page.trainee_view.save_review(plan) is not None
    page.trainee_view.show_trainee(zoe.id)
    assert plan.status.value is None and plan.rating.value == 4


def test_an_approval_signs_only_the_version_the_manager_saw(store, framework, zoe):
    """The trainee's page saves on every edit: a plan that moved while the manager read it is
    not approved - the form says so and shows the newer plan, keeping what they typed."""
    page, plan = _manager(store, framework, zoe)
    account = store.list_accounts(zoe.id)[0]
    assert plan.seen == 1
    session = Session(store, zoe, framework, account=account)
    moved = dt.date.today() + dt.timedelta(days=40)
    session.save(PLAN, session.load(PLAN).model_copy(update={"next_review": moved}))

    plan.rating.value, plan.status.value, plan.comment.value = 4, "reviewed", "Good <b>plan</b>"
    assert page.trainee_view.save_review(plan) is None
    assert store.list_reviews(account.id) == []  # nothing signed
    assert plan.message.text == ("The account plan changed since you opened it (version 2 "
                                 "now): look again before approving.")
    assert plan.seen == 2 and "(2 saved versions)" in plan.history.value
    assert (plan.rating.value, plan.comment.value) == (4, "Good <b>plan</b>")
    assert plan.status.value is None  # approve what you now see, by choosing again
    assert "<span>no</span>" in _line(page, zoe)

    plan.status.value = "reviewed"
    review = page.trainee_view.save_review(plan)
    assert review is not None and review.doc_version == 2
    assert "<span>yes</span>" in _line(page, zoe)


def test_the_approved_column_is_blank_until_a_plan_is_saved(store, framework, zoe):
    yan = store.add_trainee("Yan", cohort="Plans")
    store.save_document(store.add_account(yan.id, "Brno").id, "profile",
                        for_framework(framework)[0][1].sample(dt.date.today(), False))
    page = ReviewApp(ReviewSession(store, "Mia Berg", framework))
    row = next(r for r in page.all_rows if r.name == "Yan")
    assert row.approvals == {PLAN: None}
    assert _line(page, yan).endswith('<span></span><span><span class="kk-state kk-state-to-review">'
                                     'to review</span></span></div>')
    table = list(csv.reader(io.StringIO(cohort_csv([row], framework))))
    assert table[1][table[0].index("Approved")] == ""
    assert "<span>no</span>" in _line(page, zoe)  # saved, never approved


def test_the_dashboard_sees_a_plan_go_past_its_review_without_a_save(store, framework):
    """Overdue actions and "past review" depend on the day: kept figures from an earlier day
    are computed again, even when nobody has saved the account since."""
    xia = store.add_trainee("Xia", cohort="Plans")
    plan = AccountPlanDoc(next_review=dt.date(2026, 12, 15), actions=[
        Action(id="a1", what="Book the QBR", due=dt.date(2026, 12, 1))])
    store.save_document(store.add_account(xia.id, "Acme").id, PLAN, plan)

    before = ReviewSession(store, "Mia Berg", framework).rows(today=dt.date(2026, 11, 20))[0]
    assert (before.figures.get("stale"), before.figures.get("overdue")) == ("alive", 0)
    later = ReviewSession(store, "Mia Berg", framework).rows(today=dt.date(2027, 6, 1))[0]
    assert (later.figures.get("stale"), later.figures.get("overdue")) == ("past review", 1)
    assert later.figures.as_of == dt.date(2027, 6, 1)


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
    assert "(version 1)" in shown and "Updated since" not in shown

    # the trainee works on: the approval stays on version 1, and says the plan has moved
    session = Session(store, zoe, framework, account=store.list_accounts(zoe.id)[0])
    doc = session.load(PLAN)
    session.save(PLAN, doc.model_copy(update={"next_review": dt.date.today()
                                              + dt.timedelta(days=20)}))
    workbook.refresh()
    assert "(version 1)" in workbook.feedback.value
    assert "Updated since it was approved: version 2 now." in workbook.feedback.value
    page.load()
    assert "<span>updated since</span>" in _line(page, zoe)
    row = next(r for r in page.all_rows if r.name == "Zoe")
    table = list(csv.reader(io.StringIO(cohort_csv([row], framework))))
    assert table[1][table[0].index("Approved")] == "updated since"


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
