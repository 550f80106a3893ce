"""Step 4 as one unit: how complete the work is, the dashboard's figures on the demo sample,
and a report that shows what the trainee wrote as text, never as markup."""

from __future__ import annotations

import datetime as dt

from kamkit.models import ProfileDoc, StakeholderMapDoc
from kamkit.opportunity import OpportunitiesDoc
from kamkit.steps import Docs
from kamkit.steps.opportunities import figures, opportunities_html, progress, sample
from kamkit.steps.stakeholders import sample as sample_map


def _docs(doc: OpportunitiesDoc, today: dt.date) -> Docs:
    return Docs({"opportunities": doc, "stakeholders": sample_map(today),
                 "profile": ProfileDoc(currency="EUR")})


def test_nothing_written_is_not_started(framework):
    done = progress(OpportunitiesDoc(), framework)
    assert (done.status, done.done, done.total) == ("not started", 0, 3)
    assert done.missing == ["an opportunity", "the activity plan", "your own forecast"]


def test_one_opportunity_with_its_litmus_test_is_in_progress(framework, today):
    done = progress(sample(today, partial=True), framework)
    assert (done.status, done.done, done.total, done.percent) == ("in progress", 2, 6, 33)
    assert done.missing[:2] == ["Fleet telematics renewal: the questions",
                                "Fleet telematics renewal: your decision"]


def test_the_full_sample_is_done(framework, today):
    """Every question answered (or the opportunity qualified out on the answers that decided
    it), every decision taken, a plan and the trainee's own forecast."""
    done = progress(sample(today), framework)
    assert (done.status, done.done, done.total) == ("done", 12, 12)


def test_pre_filled_answers_are_the_maps_not_the_trainees(framework, today):
    data = sample(today).model_dump()
    del data["opportunities"][0]["answers"]["influencers"]  # the map answers it still
    done = progress(OpportunitiesDoc.model_validate(data), framework)
    assert done.missing == ["Fleet telematics renewal: the questions"]


def test_qualifying_out_needs_only_the_answers_that_decided_it(framework, today):
    data = sample(today).model_dump()
    assert len(data["opportunities"][2]["answers"]) == 2  # budget and preference: both no
    data["opportunities"][2]["decision"] = "fix_gaps"
    done = progress(OpportunitiesDoc.model_validate(data), framework)
    assert done.missing == ["Cold-chain sensors: the questions"]


def test_every_question_answered_completes_an_opportunity(framework, today):
    data = sample(today).model_dump()
    for opp in data["opportunities"]:
        for q in framework.qualification.questions:
            opp["answers"].setdefault(q.id, {"answer": "unknown"})
            opp["answers"][q.id]["answer"] = opp["answers"][q.id]["answer"] or "unknown"
    done = progress(OpportunitiesDoc.model_validate(data), framework)
    assert (done.status, done.percent) == ("done", 100)


def test_the_samples_figures(framework, today):
    """Open pipeline 1.2 m + 0.3 m; the renewal (score 73) at 67.05 % and the upsell (41) at
    39.85 %; the sensors qualified out; litmus minus evidence (-23 + 59 + 0) / 3."""
    assert figures(_docs(sample(today), today), framework, today) == {
        "pipeline": 1_500_000, "forecast": 924_150, "qualified_out": 1, "litmus_gap": 12}


def test_no_opportunity_has_no_figures(framework, today):
    assert figures(_docs(OpportunitiesDoc(), today), framework, today) == {
        "pipeline": None, "forecast": None, "qualified_out": None, "litmus_gap": None}


def test_the_litmus_gap_leaves_out_opportunities_without_a_known_litmus(framework, today):
    data = sample(today).model_dump()
    data["opportunities"][1]["litmus"] = "unknown"
    data["opportunities"][2]["litmus"] = None
    data["opportunities"][2]["litmus_locked"] = False
    found = figures(_docs(OpportunitiesDoc.model_validate(data), today), framework, today)
    assert found["litmus_gap"] == -23  # the renewal alone


def test_the_report_shows_what_the_trainee_wrote_as_text(framework, today):
    data = sample(today).model_dump()
    data["opportunities"][0]["name"] = "<script>alert(1)</script>"
    data["opportunities"][0]["answers"]["budget"]["how"] = "<img src=x onerror=alert(2)>"
    data["outcomes"][0]["what"] = "<b>signed</b>"
    html = opportunities_html(_docs(OpportunitiesDoc.model_validate(data), today), framework,
                              today)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<b>signed</b>" not in html and "&lt;b&gt;signed&lt;/b&gt;" in html


def test_an_empty_step_reads_not_started(framework, today):
    html = opportunities_html(Docs({"stakeholders": StakeholderMapDoc()}), framework, today)
    assert html == "<p>Not started yet.</p>"
