"""Where a trainee's work stands in review, from what they saved and what their manager said.

Pure: the saved version of each step and the latest review of each step in, one status out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from kamkit.models import Review

__all__ = ["ReviewState", "review_state", "STATES", "rework_asked", "Approved", "APPROVED",
           "approval"]

ReviewState = Literal["nothing yet", "to review", "needs rework", "reviewed"]
Approved = Literal["yes", "updated since", "no"]
#: a step that is approved, not only reviewed: its state on the dashboard
APPROVED: tuple[Approved, ...] = ("yes", "updated since", "no")
#: in the order a manager works through them
STATES: tuple[ReviewState, ...] = ("to review", "needs rework", "reviewed", "nothing yet")


def review_state(saved: Mapping[str, int], latest: Mapping[str, Review]) -> ReviewState:
    """- nothing yet: no step saved;
    - to review: a saved step has no review, or changed after its review (the manager's move);
    - needs rework: rework was asked on a step the trainee has not changed since (theirs);
    - reviewed: every saved step is reviewed as it stands."""
    if not saved:
        return "nothing yet"
    current = [latest.get(step) for step, version in saved.items()
               if step in latest and version <= latest[step].doc_version]
    if len(current) < len(saved):
        return "to review"
    if any(r is not None and r.status == "needs_rework" for r in current):
        return "needs rework"
    return "reviewed"


def rework_asked(saved: Mapping[str, int], latest: Mapping[str, Review]) -> list[str]:
    """The steps on which rework was asked and the trainee has not changed them since - shown
    beside the state, which says only whose move it is ("to review" outranks them)."""
    return [step for step, review in latest.items() if review.status == "needs_rework"
            and step in saved and saved[step] <= review.doc_version]


def approval(review: Review | None, saved: int | None) -> Approved | None:
    """Is the step approved as the trainee last saved it (`saved`: their latest version)?
    - yes: the latest verdict approves that very version;
    - updated since: it approves an earlier one - the trainee has saved since. Any save counts,
      routine ones too (an objective checked, a KPI actual, a QBR): the words say only that the
      plan moved on, not that its substance changed;
    - no: never approved, or the latest verdict sent it back;
    - None: nothing saved, so nothing to approve (shown blank)."""
    if saved is None:
        return None
    if review is None or review.status != "reviewed":
        return "no"
    return "updated since" if saved > review.doc_version else "yes"
