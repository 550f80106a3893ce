"""How far a trainee has got with a workbook step, and where to resume.

Completeness is measured, never enforced: a document is valid half-finished. Each step (its unit
in `kamkit.steps`) counts the things a complete piece of work has and reports what is still
missing, in words; this module holds what every step's progress shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["StepProgress", "checklist", "resume_step", "Status"]

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


def checklist(step: str, items: list[tuple[str, bool]]) -> StepProgress:
    """Progress from a checklist of (what, done?) - what is missing named once each, in order."""
    missing = dict.fromkeys(name for name, ok in items if not ok)
    return StepProgress(step, sum(ok for _, ok in items), len(items), list(missing))


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
