"""Where a trainee's work stands in review: from what they saved and what the manager said."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamkit.errors import InvalidInput
from kamkit.models import Review, parse
from kamkit.scoring.review import STATES, review_state, rework_asked


def _review(step: str, version: int, status: str = "reviewed", rating: int | None = 3,
            comment: str = "ok") -> Review:
    return Review(account_id=1, step=step, doc_version=version, rating=rating, comment=comment,
                  status=status, reviewer="Mia")


def test_nothing_saved_is_nothing_to_review():
    assert review_state({}, {}) == "nothing yet"


def test_a_saved_step_without_review_waits_for_the_manager():
    assert review_state({"profile": 2}, {}) == "to review"


def test_every_step_reviewed_as_it_stands_is_reviewed():
    assert review_state({"profile": 2, "stakeholders": 5},
                        {"profile": _review("profile", 2),
                         "stakeholders": _review("stakeholders", 5)}) == "reviewed"


def test_work_changed_after_its_review_is_to_review_again():
    assert review_state({"profile": 3}, {"profile": _review("profile", 2)}) == "to review"


def test_rework_asked_and_not_yet_done_is_needs_rework():
    rework = _review("profile", 2, "needs_rework", comment="add the spend figures")
    assert review_state({"profile": 2}, {"profile": rework}) == "needs rework"


def test_reworked_step_goes_back_to_the_manager():
    rework = _review("profile", 2, "needs_rework", comment="add the spend figures")
    assert review_state({"profile": 3}, {"profile": rework}) == "to review"


def test_the_managers_move_outranks_the_trainees():
    """One step waiting for review and another waiting for rework: the manager has work."""
    rework = _review("profile", 2, "needs_rework", comment="x")
    assert review_state({"profile": 2, "stakeholders": 1}, {"profile": rework}) == "to review"


@given(st.dictionaries(st.sampled_from(["profile", "stakeholders", "relationship"]),
                       st.integers(1, 5)),
       st.dictionaries(st.sampled_from(["profile", "stakeholders", "relationship"]),
                       st.tuples(st.integers(1, 5), st.booleans())))
def test_the_state_is_always_one_of_the_four(saved, reviewed):
    latest = {step: _review(step, v, "needs_rework" if rework else "reviewed")
              for step, (v, rework) in reviewed.items()}
    assert review_state(saved, latest) in STATES


def test_reviewed_needs_a_rating_on_the_rubric():
    with pytest.raises(InvalidInput, match="rating from 1 to 5"):
        parse(Review, {"account_id": 1, "step": "profile", "doc_version": 1,
                       "status": "reviewed", "reviewer": "Mia"})


def test_needs_rework_needs_a_comment_saying_what_to_rework():
    with pytest.raises(InvalidInput, match="Say what to rework"):
        parse(Review, {"account_id": 1, "step": "profile", "doc_version": 1, "rating": 2,
                       "comment": "   ", "status": "needs_rework", "reviewer": "Mia"})


@pytest.mark.parametrize("rating", [0, 6])
def test_ratings_live_on_the_five_point_scale(rating):
    with pytest.raises(InvalidInput, match="Rating must be"):
        parse(Review, {"account_id": 1, "step": "profile", "doc_version": 1, "rating": rating,
                       "status": "reviewed", "reviewer": "Mia"})


def test_rework_asked_is_named_even_while_another_step_waits_for_review():
    rework = _review("profile", 2, "needs_rework", comment="x")
    saved = {"profile": 2, "stakeholders": 1}
    assert review_state(saved, {"profile": rework}) == "to review"  # the manager's move...
    assert rework_asked(saved, {"profile": rework}) == ["profile"]  # ...and the trainee's
    assert rework_asked({"profile": 3}, {"profile": rework}) == []  # reworked since


# -- a step a sponsor approves ------------------------------------------------------------------

def test_an_approval_of_the_version_saved_is_approved():
    from kamkit.scoring.review import approval

    assert approval(_review("account_plan", 4), 4) == "yes"


def test_saving_after_the_approval_is_updated_since():
    """Any save counts - an objective checked, a KPI actual - so the words claim no more than
    that the plan moved on."""
    from kamkit.scoring.review import approval

    assert approval(_review("account_plan", 4), 5) == "updated since"


def test_a_plan_never_approved_or_sent_back_is_not_approved():
    from kamkit.scoring.review import approval

    sent_back = _review("account_plan", 4, "needs_rework", comment="name a sponsor")
    assert approval(None, 4) == "no"
    assert approval(sent_back, 4) == "no"
    assert approval(sent_back, 6) == "no"  # reworked since: still waiting for an approval


def test_a_plan_never_saved_has_no_approval_to_show():
    """Nothing saved is not "not approved": the dashboard leaves the cell blank."""
    from kamkit.scoring.review import approval

    assert approval(None, None) is None
    assert approval(_review("account_plan", 4), None) is None
