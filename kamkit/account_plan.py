"""What step 5 saves: the account plan - objectives that serve the customer's own goals, the
actions under them, KPIs with dated actuals, the white space, the value case, the account
team's commitments, the QBRs held and the next review that keeps the plan alive.

Pydantic v2 models in the manner of `kamkit.models`. The account team itself is step 2's (our
side of the map); the plan adds each member's department, region and commitment, by the
member's id. Customer people who attended a QBR are named by their map id, so erasing a person
from the map erases them here too (`kamkit.privacy`). Kinds of objective are content
(`account_plan.yaml`); statuses, kinds of value and white-space states are part of the data.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from kamkit.models import Items, LongText, Name, Ref, ShortText, _Model, personal

__all__ = ["Status", "STATUSES", "ValueKind", "VALUE_KINDS", "CellState", "CELL_STATES",
           "PlanId", "Objective", "Action", "Actual", "Kpi", "Cell", "WhiteSpace",
           "ValueItem", "Commitment", "Qbr", "AccountPlanDoc", "MAX_AMOUNT", "with_checks",
           "without_objective"]

Status = Literal["not_started", "on_track", "at_risk", "off_track", "done", "dropped"]
STATUSES: tuple[Status, ...] = ("not_started", "on_track", "at_risk", "off_track", "done",
                                "dropped")
ValueKind = Literal["savings", "revenue", "risk", "productivity"]
VALUE_KINDS: tuple[ValueKind, ...] = ("savings", "revenue", "risk", "productivity")
CellState = Literal["sold", "open", "competitor", "not_relevant"]
CELL_STATES: tuple[CellState, ...] = ("sold", "open", "competitor", "not_relevant")
MAX_AMOUNT = 1e12

PlanId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
_Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT)]


class Objective(_Model):
    """What we aim for in the account, measured, owned, dated - and which of the customer's own
    goals it serves (their strategy, a pressure or a change from step 1, by its words)."""

    id: PlanId
    title: Name
    kind: Ref = Field(description="an objective kind id (content)")
    metric: ShortText = ""
    baseline: float | None = Field(default=None, ge=-MAX_AMOUNT, le=MAX_AMOUNT)
    target: float | None = Field(default=None, ge=-MAX_AMOUNT, le=MAX_AMOUNT)
    due: dt.date | None = None
    owner: ShortText = Field(default="", description="a team member's id (step 2)")
    status: Status = "not_started"
    serves: Items = Field(default_factory=list,
                          description="the customer goals it serves, as step 1 words them")
    checked_on: dt.date | None = Field(default=None, description="last looked at")


class Action(_Model):
    """A step towards an objective (or the plan as a whole), with its owner and date."""

    id: PlanId
    what: ShortText
    objective: Ref | None = None
    owner: ShortText = Field(default="", description="a team member's id (step 2)")
    due: dt.date | None = None
    status: Status = "not_started"


class Actual(_Model):
    on: dt.date
    value: float = Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)


class Kpi(_Model):
    """A measure of the plan's progress: its target, and what it was, when."""

    id: PlanId
    name: Name
    unit: ShortText = ""
    target: float | None = Field(default=None, ge=-MAX_AMOUNT, le=MAX_AMOUNT)
    higher_is_better: bool = True
    actuals: list[Actual] = Field(default_factory=list, max_length=60)


class Cell(_Model):
    unit: ShortText = Field(description="their business unit")
    offering: ShortText = Field(description="what we offer")
    state: CellState
    value: _Amount | None = None
    opportunity: Ref | None = Field(default=None, description="an opportunity of step 4")


class WhiteSpace(_Model):
    """Their business units × our offerings: what is sold, open, held by a competitor."""

    units: Items = Field(default_factory=list)
    offerings: Items = Field(default_factory=list)
    cells: list[Cell] = Field(default_factory=list, max_length=2500)

    @field_validator("units", "offerings")
    @classmethod
    def _each_once(cls, value: list[str]) -> list[str]:
        twice = sorted({v for v in value if value.count(v) > 1})
        if twice:
            raise ValueError(f"each once, please: {', '.join(twice)} is listed twice")
        return value


class ValueItem(_Model):
    """A piece of the value we deliver to the customer, and how we know it."""

    kind: ValueKind
    what: ShortText
    amount: _Amount | None = Field(default=None, description="per year, in the account currency")
    evidence: LongText = Field(default="", description="how do you know? (empty: unproven)")


class Commitment(_Model):
    """What one of ours (step 2's team, by id) brings to the account."""

    member: Ref
    department: ShortText = ""
    region: ShortText = ""
    commitment: LongText = ""


class Qbr(_Model):
    """A quarterly business review held with the customer."""

    held_on: dt.date
    ours: Items = Field(default_factory=list, description="who of ours attended")
    theirs: list[Ref] = Field(default_factory=list, max_length=200,
                              description="who of theirs attended (map ids)",
                              json_schema_extra=personal("ref"))
    value_shown: LongText = Field(default="", description="value shown against the plan")
    plans_shared: bool = Field(default=False, description="they shared their own plans")
    next_steps: LongText = ""


class AccountPlanDoc(_Model):
    """Step 5: the account plan."""

    objectives: list[Objective] = Field(default_factory=list, max_length=50)
    actions: list[Action] = Field(default_factory=list, max_length=200)
    kpis: list[Kpi] = Field(default_factory=list, max_length=30)
    white_space: WhiteSpace = Field(default_factory=WhiteSpace)
    value: list[ValueItem] = Field(default_factory=list, max_length=50)
    team: list[Commitment] = Field(default_factory=list, max_length=50)
    qbrs: list[Qbr] = Field(default_factory=list, max_length=100)
    next_review: dt.date | None = Field(default=None, description="when the plan is reviewed")

    @model_validator(mode="after")
    def _references_resolve(self) -> AccountPlanDoc:
        for name, ids in (("objectives", [o.id for o in self.objectives]),
                          ("actions", [a.id for a in self.actions]),
                          ("KPIs", [k.id for k in self.kpis])):
            if len(ids) != len(set(ids)):
                raise ValueError(f"two {name} share an id")
        objectives = {o.id for o in self.objectives}
        if any(a.objective is not None and a.objective not in objectives for a in self.actions):
            raise ValueError("an action refers to an objective no longer in the plan")
        members = [c.member for c in self.team]
        if len(members) != len(set(members)):
            raise ValueError("each team member once, please")
        return self


def with_checks(data: dict[str, Any], before: AccountPlanDoc, today: dt.date) -> dict[str, Any]:
    """The plan `data` with every objective edited since `before` marked as checked today (a
    plan is alive where its objectives are looked at)."""
    for new, old in zip(data.get("objectives", []), before.objectives, strict=False):
        if {**new, "checked_on": None} != {**old.model_dump(), "checked_on": None}:
            new["checked_on"] = today
    return data


def without_objective(data: dict[str, Any], oid: str) -> dict[str, Any]:
    """The plan `data` without one objective; its actions stay, towards the plan as a whole."""
    return {**data, "objectives": [o for o in data["objectives"] if o["id"] != oid],
            "actions": [{**a, "objective": None} if a["objective"] == oid else a
                        for a in data["actions"]]}
