"""What step 4 saves: the account's opportunities, each qualified honestly (the litmus test
first, then the questions, each with how we know), the decision taken on it, and the activity
plan - the outcomes wanted and the contacts planned to reach them.

Pydantic v2 models, in the manner of `kamkit.models` (whose text types and person marks they
use): stakeholders are named by their id on the step-2 map, so erasing a person from the map
erases them here too (`kamkit.privacy`). Which questions there are, how answers count, the
stages and the kinds of contact are content (`qualification.yaml`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from kamkit.models import Items, LongText, Name, Ref, ShortText, _Model, personal

__all__ = ["Answer", "ANSWERS", "OpportunityKind", "KINDS", "Decision", "DECISIONS",
           "QuestionAnswer", "Opportunity", "PlannedContact", "Outcome", "OpportunitiesDoc",
           "OpportunityId", "MAX_VALUE", "MAX_OPPORTUNITIES"]

#: How a qualification question is answered. "unknown" is "don't know": a risk, never a pass.
Answer = Literal["yes", "partly", "no", "unknown"]
ANSWERS: tuple[Answer, ...] = ("yes", "partly", "no", "unknown")
#: What an opportunity is for us: revenue we keep (renewal / retention) or revenue we add.
OpportunityKind = Literal["renewal", "upsell", "cross_sell", "new"]
KINDS: tuple[OpportunityKind, ...] = ("renewal", "upsell", "cross_sell", "new")
#: What the trainee decides: go for it, close the gaps first, or qualify out (a result too).
Decision = Literal["pursue", "fix_gaps", "qualify_out"]
DECISIONS: tuple[Decision, ...] = ("pursue", "fix_gaps", "qualify_out")
MAX_VALUE = 1e12  # no single opportunity is worth more; a larger figure is a typing slip
MAX_OPPORTUNITIES = 100  # in one account's step 4: the sizeable ones, not a CRM's whole pipeline

OpportunityId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")]


class QuestionAnswer(_Model):
    """One qualification question answered, with how we know."""

    answer: Answer | None = Field(default=None, description="None: not answered yet")
    how: LongText = Field(default="", description="how do you know?")
    customer_words: bool = Field(
        default=False, description="the evidence is the customer's own words or numbers")


class Opportunity(_Model):
    """A sizeable opportunity in the account, and its qualification."""

    id: OpportunityId
    name: Name
    kind: OpportunityKind = "new"
    value: float | None = Field(default=None, ge=0, le=MAX_VALUE,
                                description="yearly value to us if won (renewal: what we keep)")
    decision_date: dt.date | None = Field(default=None, description="when they decide")
    stage: Ref | None = Field(default=None, description="a stage id (content)")
    competitors: Items = Field(default_factory=list)
    people: list[Ref] = Field(default_factory=list, max_length=200,
                              description="the stakeholders in this decision (map ids)",
                              json_schema_extra=personal("ref"))
    crm_id: ShortText = Field(default="", description="from a CRM import; spots re-imports")
    crm_probability: float | None = Field(default=None, ge=0, le=100,
                                          description="what the CRM said, for comparison")
    litmus: Answer | None = Field(default=None,
                                  description="if they voted today, would we win?")
    litmus_reason: ShortText = ""
    litmus_locked: bool = Field(default=False, description="set when the questions are opened")
    answers: dict[Ref, QuestionAnswer] = Field(default_factory=dict,
                                               description="question id -> answer")
    decision_reason: LongText = ""
    decision: Decision | None = None

    @field_validator("decision")
    @classmethod
    def _qualifying_out_is_explained(cls, value: Decision | None,
                                     info: ValidationInfo) -> Decision | None:
        # a field validator (the reason is declared first), so only the decision is held back
        if value == "qualify_out" and not str(info.data.get("decision_reason", "")).strip():
            raise ValueError("say why you qualify out: the reason is the result")
        return value

    @model_validator(mode="after")
    def _litmus_first(self) -> Opportunity:
        if self.litmus_locked and self.litmus is None:
            raise ValueError("answer the litmus test before the questions")
        if len(set(self.people)) != len(self.people):
            raise ValueError("each person once in an opportunity, please")
        return self


class PlannedContact(_Model):
    """Contacts of one kind planned to reach an outcome: how many, with whom, and how many of
    them are expected to move it forward."""

    kind: Ref = Field(description="a contact kind id (content): meeting, demo …")
    count: int = Field(default=1, ge=1, le=500)
    people: list[Ref] = Field(default_factory=list, max_length=200,
                              description="with whom (map ids)",
                              json_schema_extra=personal("ref"))
    conversion_pct: float | None = Field(
        default=None, ge=0, le=100, description="share of these contacts expected to convert")


class Outcome(_Model):
    """An outcome wanted - for one opportunity, or for the account as a whole - by when, its
    value, and the contacts planned to get there."""

    what: ShortText = ""
    opportunity: Ref | None = Field(default=None, description="None: the account as a whole")
    by: dt.date | None = None
    value: float | None = Field(default=None, ge=0, le=MAX_VALUE)
    contacts: list[PlannedContact] = Field(default_factory=list, max_length=20)


class OpportunitiesDoc(_Model):
    """Step 4: the opportunities, the activity plan, and the trainee's own forecast - said
    before kamkit's is read."""

    opportunities: list[Opportunity] = Field(default_factory=list, max_length=MAX_OPPORTUNITIES)
    outcomes: list[Outcome] = Field(default_factory=list, max_length=100)
    estimate: float | None = Field(
        default=None, ge=0, le=MAX_VALUE,
        description="the trainee's own forecast of the revenue these opportunities bring")
    estimate_locked: bool = Field(default=False,
                                  description="set when kamkit's forecast is opened")

    @model_validator(mode="after")
    def _references_resolve(self) -> OpportunitiesDoc:
        if self.estimate_locked and self.estimate is None:
            raise ValueError("give your own forecast before opening kamkit's")
        ids = [o.id for o in self.opportunities]
        if len(ids) != len(set(ids)):
            raise ValueError("two opportunities share an id")
        for outcome in self.outcomes:
            if outcome.opportunity is not None and outcome.opportunity not in ids:
                raise ValueError("an outcome refers to an opportunity no longer in the list")
        return self
