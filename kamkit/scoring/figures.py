"""An account's key figures, as a manager's dashboard lists them: how far each step is, the
account's purpose, the people mapped, threats nobody acts on, and the relationship score beside
the trainee's feeling. One pure function over the three step documents.

The figures are computed as of a date (evidence goes stale): the dashboard keeps them from the
trainee's last save and says so.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from kamkit.frameworks import Framework
from kamkit.models import ProfileDoc, RelationshipDoc, StakeholderMapDoc
from kamkit.scoring.coverage import without_action
from kamkit.scoring.progress import step_progress
from kamkit.scoring.relationship import as_shown, placement_score
from kamkit.scoring.segmentation import place

__all__ = ["AccountFigures", "account_figures"]


class AccountFigures(BaseModel):
    """What the dashboard shows for one account."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    percent: dict[str, int]            # step id -> 0-100
    status: dict[str, str]             # step id -> not started / in progress / done
    purpose: str | None                # Grow / Maintain / Defend / Exit, None until placed
    people: int                        # people on the stakeholder map
    threats_without_action: int
    score: int | None                  # relationship score as the trainee sees it
    stage: str | None
    feeling: int | None
    gap: int | None                    # feeling minus evidence (points), None without both
    as_of: dt.date

    @property
    def steps_done(self) -> int:
        return sum(s == "done" for s in self.status.values())


def account_figures(profile: ProfileDoc, stakeholders: StakeholderMapDoc,
                    relationship: RelationshipDoc, framework: Framework,
                    today: dt.date | None = None) -> AccountFigures:
    today = today or dt.date.today()
    docs = {"profile": profile, "stakeholders": stakeholders, "relationship": relationship}
    progress = [step_progress(s.id, docs[s.id], framework) for s in framework.steps
                if s.id in docs]
    score_value = placement_score(relationship, framework, profile, stakeholders, today)
    # pre-fills alone are not an assessment: no score until the trainee has begun step 3
    score = as_shown(score_value) if score_value is not None else None
    stage = framework.relationship.stage_for(score_value) if score_value is not None else None
    placed = place(profile, framework, score_value)
    feeling = relationship.gut_feeling
    return AccountFigures(
        percent={p.step: p.percent for p in progress},
        status={p.step: p.status for p in progress},
        purpose=placed.purpose.name if placed.purpose else None,
        people=len(stakeholders.people),
        threats_without_action=len(without_action(stakeholders, framework.grid, "threat")),
        score=score,
        stage=stage,
        feeling=feeling,
        gap=feeling - score if feeling is not None and score is not None else None,
        as_of=today,
    )
