"""Alive or stale: a step says what needs attention now (`Step.alerts`) - the account plan past
its review or with objectives nobody has checked, a relationship assessment gone old - and the
registry gathers it for the workbook page and the drill-down."""

from __future__ import annotations

import datetime as dt

from kamkit.account_plan import AccountPlanDoc
from kamkit.frameworks import load_framework
from kamkit.html import alerts_html
from kamkit.models import RelationshipDoc
from kamkit.scoring.account_plan import unchecked
from kamkit.steps import Docs, added, step_alerts
from kamkit.steps import account_plan as plan_step
from kamkit.steps import relationship as relationship_step
from tests import extra_step

TODAY = dt.date(2026, 11, 23)


def _plan(**changes) -> AccountPlanDoc:
    return plan_step.sample(TODAY).model_copy(update=changes)


def _docs(*docs) -> Docs:
    return Docs({type(d).__name__: d for d in docs})


def test_a_living_plan_needs_no_attention(framework):
    assert plan_step.alerts(_docs(_plan()), framework, TODAY) == []


def test_a_plan_past_its_review_says_since_when(framework):
    late = _plan(next_review=dt.date(2026, 10, 31))
    assert plan_step.alerts(_docs(late), framework, TODAY) == ["past its review on 2026-10-31"]


def test_a_plan_reviewed_today_is_not_yet_past_it(framework):
    assert plan_step.alerts(_docs(_plan(next_review=TODAY)), framework, TODAY) == []


def test_objectives_nobody_checked_in_the_rhythm_are_counted(framework):
    every = framework.account_plan.review_every_days
    later = TODAY + dt.timedelta(days=every)  # the sample's objectives were checked 10 days ago
    doc = _plan(next_review=later + dt.timedelta(days=5))
    assert unchecked(doc, framework, later) == [o.title for o in doc.objectives]
    assert plan_step.alerts(_docs(doc), framework, later) == [
        f"2 objectives not checked for {every} days"]


def test_dropped_or_done_objectives_need_no_check(framework):
    doc = _plan()
    gone = [o.model_copy(update={"status": s, "checked_on": None})
            for o, s in zip(doc.objectives, ("done", "dropped"), strict=True)]
    assert unchecked(doc.model_copy(update={"objectives": gone}), framework, TODAY) == []


def test_an_empty_plan_says_nothing(framework):
    assert plan_step.alerts(_docs(AccountPlanDoc()), framework, TODAY) == []


def test_an_old_relationship_assessment_is_due_again(framework):
    days = framework.relationship.stale_after_days
    doc = relationship_step.sample(TODAY)
    assert relationship_step.alerts(_docs(doc), framework, TODAY) == []
    old = doc.model_copy(update={"started_on": TODAY - dt.timedelta(days=days + 1)})
    [said] = relationship_step.alerts(_docs(old), framework, TODAY)
    assert said.startswith(f"assessed on {old.started_on.isoformat()}, over {days} days ago")


def test_an_assessment_not_begun_is_not_stale(framework):
    doc = RelationshipDoc(started_on=TODAY - dt.timedelta(days=999))
    assert relationship_step.alerts(_docs(doc), framework, TODAY) == []


def test_the_registry_gathers_alerts_from_a_step_from_outside(tmp_path):
    (tmp_path / "steps.yaml").write_text(extra_step.STEPS_YAML)
    with added(extra_step.STEP):
        fw = load_framework(tmp_path)
        steep = extra_step.PricingDoc(price_list="2026 list", discount_pct=45)
        assert step_alerts(Docs({"pricing": steep}), fw, TODAY) == {
            "pricing": ["a discount of 45 % needs a director's signature"]}
        fair = extra_step.PricingDoc(price_list="2026 list", discount_pct=10)
        assert step_alerts(Docs({"pricing": fair}), fw, TODAY) == {}


def test_alerts_are_shown_as_text_in_a_warning_colour():
    shown = alerts_html(["past <b>review</b>", "two"])
    assert shown.startswith('<span class="kk-alert">')
    assert "past &lt;b&gt;review&lt;/b&gt; · two" in shown
    assert alerts_html([]) == ""
