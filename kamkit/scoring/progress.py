"""How far a trainee has got with each workbook step, and where to resume.

Completeness is measured, never enforced: a document is valid half-finished. Each step counts the
things a complete piece of work has (content-driven where the content defines them: segmentation
criteria, relationship indicators) and reports what is still missing, in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from kamkit.frameworks import Framework
from kamkit.models import ProfileDoc, RelationshipDoc, StakeholderMapDoc

__all__ = ["StepProgress", "step_progress", "resume_step"]

Status = Literal["not started", "in progress", "done"]


@dataclass(frozen=True)
class StepProgress:
    step: str
    done: int
    total: int
    missing: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def status(self) -> Status:
        if self.done == 0:
            return "not started"
        return "done" if self.done >= self.total else "in progress"


def _checklist(step: str, items: list[tuple[str, bool]]) -> StepProgress:
    missing = dict.fromkeys(name for name, ok in items if not ok)  # in order, each once
    return StepProgress(step, sum(ok for _, ok in items), len(items), list(missing))


def _profile(doc: ProfileDoc, fw: Framework) -> StepProgress:
    from kamkit.scoring.profile import section_progress  # it builds on StepProgress, below

    sections = section_progress(doc, fw)
    return StepProgress("profile", sum(s.done for s in sections), sum(s.total for s in sections),
                        [m for s in sections for m in s.missing])


def _stakeholders(doc: StakeholderMapDoc, fw: Framework) -> StepProgress:
    size = fw.grid.coverage.complete_map_size
    rated = sum(p.influence is not None and p.support is not None for p in doc.people)
    short = max(0, size - rated)
    people = "person" if short == 1 else "people"
    # each rated person up to a complete map counts as one item of work
    items = [(f"rate {short} more {people}", i < rated)
             for i in range(size)]
    items += [
        ("our account team", bool(doc.team)),
        ("who knows whom", any(link.today is not None for link in doc.links)),
    ]
    return _checklist("stakeholders", items)


def _relationship(doc: RelationshipDoc, fw: Framework) -> StepProgress:
    items = [("gut feeling", doc.gut_feeling is not None)]
    for ind in fw.relationship.indicators:
        rating = doc.ratings.get(ind.id)
        items.append((ind.name.lower(), rating is not None and rating.level is not None))
    return _checklist("relationship", items)


_MEASURES = {"profile": _profile, "stakeholders": _stakeholders, "relationship": _relationship}


def step_progress(step: str, doc: BaseModel, framework: Framework) -> StepProgress:
    """How complete `doc` (the saved document of `step`) is."""
    return _MEASURES[step](doc, framework)  # type: ignore[operator]


def resume_step(progress: list[StepProgress], last_saved: str | None) -> str:
    """Where "resume where you left off" takes the trainee: back to the step they last saved if it
    is unfinished, else the first unfinished step in workbook order, else the first step."""
    by_step = {p.step: p for p in progress}
    if last_saved in by_step and by_step[last_saved].status != "done":
        return last_saved  # type: ignore[return-value]
    for p in progress:
        if p.status != "done":
            return p.step
    return progress[0].step
