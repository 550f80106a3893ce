"""Sponsor approval is content: `review.yaml`'s `approvals` give a step its own words for the
two verdicts, the approval is pinned to the version approved, and the dashboard gains a column
for each step that is approved - no step id in the code."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from kamkit.errors import ContentError
from kamkit.frameworks import CONTENT_DIR, Approval, load_framework
from kamkit.models import Review
from kamkit.report import feedback_html
from kamkit.review import approval_columns

_STEPS = """steps:
  - {id: profile, number: 1, title: Account profile, summary: Know the customer.}
  - {id: relationship, number: 3, title: Relationship score, summary: Measure it.}
  - {id: account_plan, number: 5, title: Account plan, summary: Plan it.}
"""


def _review(step: str, version: int, status: str = "reviewed", comment: str = "") -> Review:
    return Review(account_id=1, step=step, doc_version=version, rating=4, comment=comment,
                  status=status, reviewer="Mia <Berg>",
                  reviewed_at=dt.datetime(2026, 11, 30, 9, tzinfo=dt.timezone.utc))


@pytest.fixture
def approving(tmp_path):
    """kamkit's review content, with the relationship score approved as well as the plan."""
    review = yaml.safe_load((CONTENT_DIR / "review.yaml").read_text())
    review["approvals"]["relationship"] = {
        "choices": {"reviewed": "Sign it off", "needs_rework": "Not yet"},
        "statuses": {"reviewed": "Signed off", "needs_rework": "Not signed off"}}
    (tmp_path / "review.yaml").write_text(yaml.safe_dump(review))
    (tmp_path / "steps.yaml").write_text(_STEPS)
    return load_framework(tmp_path)


def test_the_plan_is_approved_in_kamkits_own_content(framework):
    words = framework.review.approvals["account_plan"]
    assert words.choices == {"reviewed": "Approve the plan", "needs_rework": "Send it back"}
    assert framework.review.status("account_plan", "reviewed") == "Approved"


def test_a_step_without_approval_keeps_the_plain_verdicts(framework):
    assert framework.review.choices("profile") == {"reviewed": "Reviewed",
                                                   "needs_rework": "Needs rework"}
    assert framework.review.status("profile", "needs_rework") == "Needs rework"


def test_an_approval_must_word_both_verdicts():
    with pytest.raises(ValueError, match="needs_rework"):
        Approval(choices={"reviewed": "Approve"}, statuses={"reviewed": "Approved",
                                                            "needs_rework": "Sent back"})


def test_a_trainer_can_word_another_steps_approval(approving):
    assert approving.review.choices("relationship")["reviewed"] == "Sign it off"
    assert approving.review.status("relationship", "reviewed") == "Signed off"


def test_a_broken_approval_names_the_file(tmp_path):
    review = yaml.safe_load((CONTENT_DIR / "review.yaml").read_text())
    review["approvals"] = {"account_plan": {"choices": {"reviewed": "Approve"}}}
    (tmp_path / "review.yaml").write_text(yaml.safe_dump(review))
    with pytest.raises(ContentError, match="review.yaml"):
        load_framework(tmp_path)


def test_the_dashboard_has_one_approved_column_per_approved_step_in_the_workbook(approving,
                                                                                 framework):
    # kamkit's own steps.yaml may not list the plan yet: no column for a step not shown
    shown = {s.id for s in framework.steps}
    assert approval_columns(framework) == ([("account_plan", "Approved")]
                                           if "account_plan" in shown else [])
    # two approved steps in the workbook: each column says which
    assert approval_columns(approving) == [
        ("relationship", "Signed off (3. Relationship score)"),
        ("account_plan", "Approved (5. Account plan)")]


def test_the_approval_says_who_approved_which_version_and_when(framework):
    shown = feedback_html(_review("account_plan", 3), framework, 3, for_trainee=True)
    assert "<b>Approved</b> by Mia &lt;Berg&gt; on 2026-11-30 (version 3)" in shown
    assert "updated since" not in shown.lower()


def test_an_approval_of_an_older_version_says_it_was_updated_since(framework):
    shown = feedback_html(_review("account_plan", 3), framework, 5, for_trainee=True)
    assert "(version 3)" in shown and "Updated since it was approved: version 5 now." in shown
    assert "changed since" not in shown.lower()


def test_a_plan_sent_back_shows_the_comment_as_text(framework):
    shown = feedback_html(_review("account_plan", 2, "needs_rework", "<b>Name a sponsor</b>"),
                          framework, 2, for_trainee=True)
    assert "<b>Sent back</b> by Mia" in shown
    assert "&lt;b&gt;Name a sponsor&lt;/b&gt;" in shown and "kk-warning" in shown


def test_other_steps_read_as_before(framework):
    shown = feedback_html(_review("profile", 2), framework, 3, for_trainee=True)
    assert "<b>Reviewed</b>" in shown and "you have changed it since" in shown
