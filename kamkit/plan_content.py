"""The account-plan content (`account_plan.yaml`): kinds of objective and of value, statuses,
the white-space states, how often a plan is reviewed, what the account team should look like
for each purpose, and how QBRs count as relationship evidence. Loaded and validated as part of
the `Framework`; the rules are in `kamkit.scoring.account_plan`."""

from __future__ import annotations

from pydantic import Field, model_validator

from kamkit.account_plan import CELL_STATES, STATUSES, VALUE_KINDS, CellState
from kamkit.content_model import Content
from kamkit.models import Level

__all__ = ["TeamFit", "QbrRule", "PlanContent"]


class TeamFit(Content):
    min_members: int = Field(ge=0)
    max_members: int = Field(ge=0)
    sponsor: bool
    advice: str

    @model_validator(mode="after")
    def _min_below_max(self) -> TeamFit:
        if self.min_members > self.max_members:
            raise ValueError("min_members must not exceed max_members")
        return self


class QbrRule(Content):
    within_days: int = Field(ge=1)
    regular_from: int = Field(default=3, ge=2, description="QBRs in the window that are regular")
    senior_levels: tuple[Level, ...] = Field(min_length=1)


class PlanContent(Content):
    objective_kinds: dict[str, str] = Field(min_length=1)
    statuses: dict[str, str]
    value_kinds: dict[str, str]
    white_space: dict[CellState, str]
    uncovered: tuple[CellState, ...] = Field(min_length=1)
    review_every_days: int = Field(ge=1)
    max_objectives: int = Field(ge=1, le=50)
    max_actions: int = Field(ge=1, le=200)
    team_fit: dict[str, TeamFit]
    strategic: tuple[str, ...] = ()
    qbr: QbrRule
    #: objective kinds the customer sees in the QBR pack (`kamkit.qbr`); the others - our
    #: revenue, margin, share of their wallet - are ours. None by default: a trainer's own
    #: content shows the customer nothing it did not choose to
    customer_kinds: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> PlanContent:
        for name, found, wanted in (("statuses", self.statuses, STATUSES),
                                    ("value_kinds", self.value_kinds, VALUE_KINDS),
                                    ("white_space", self.white_space, CELL_STATES)):
            if set(found) != set(wanted):
                raise ValueError(f"{name} must name each of {', '.join(wanted)}")
        unknown = set(self.customer_kinds) - set(self.objective_kinds)
        if unknown:
            raise ValueError(f"customer_kinds not among objective_kinds: {sorted(unknown)}")
        return self
