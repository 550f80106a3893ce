"""Progress through the workbook, and where 'resume' takes the trainee."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kamkit.demo import sample_map, sample_profile, sample_relationship
from kamkit.models import ProfileDoc, RelationshipDoc, Stakeholder, StakeholderMapDoc
from kamkit.scoring.progress import StepProgress, resume_step
from kamkit.steps import step


def step_progress(step_id, doc, framework):
    return step(step_id).progress(doc, framework)


def test_an_empty_step_is_not_started(framework):
    p = step_progress("profile", ProfileDoc(), framework)
    assert (p.status, p.percent) == ("not started", 0)
    assert "industry" in p.missing


def test_the_sample_account_is_complete_except_the_unmet_cfo(framework, today):
    assert step_progress("profile", sample_profile(today), framework).status == "done"
    assert step_progress("relationship", sample_relationship(today), framework).status == "done"
    stakeholders = step_progress("stakeholders", sample_map(today), framework)
    assert stakeholders.status == "in progress"
    # the new CFO's support is unknown, so the map has 7 of 8 rated people
    assert stakeholders.missing == ["rate 1 more person"]


def test_a_person_with_unknown_support_does_not_count_as_rated(framework):
    doc = StakeholderMapDoc(people=[Stakeholder(id="a", name="A", influence=5)])
    assert step_progress("stakeholders", doc, framework).done == 0


def test_relationship_progress_counts_the_content_indicators(framework):
    p = step_progress("relationship", RelationshipDoc(gut_feeling=60), framework)
    assert p.total == 1 + len(framework.relationship.indicators)
    assert p.done == 1


def _p(step: str, done: int, total: int = 4) -> StepProgress:
    return StepProgress(step, done, total)


def test_resume_returns_to_the_unfinished_step_last_saved():
    progress = [_p("profile", 2), _p("stakeholders", 1), _p("relationship", 0)]
    assert resume_step(progress, "stakeholders") == "stakeholders"


def test_resume_moves_on_when_the_last_saved_step_is_done():
    progress = [_p("profile", 4), _p("stakeholders", 0), _p("relationship", 0)]
    assert resume_step(progress, "profile") == "stakeholders"


def test_resume_with_everything_done_goes_back_to_the_start():
    assert resume_step([_p("profile", 4), _p("stakeholders", 4)], "stakeholders") == "profile"


@given(done=st.integers(0, 50), extra=st.integers(0, 50))
def test_percent_stays_between_0_and_100_and_status_agrees(done, extra):
    p = StepProgress("x", done, done + extra)
    assert 0 <= p.percent <= 100
    assert (p.status == "done") == (extra == 0 and done > 0)
