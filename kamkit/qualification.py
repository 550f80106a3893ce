"""The qualification content (`qualification.yaml`): the questions, how each answer counts, the
two ways a trainer may group the questions (the four questions, or MEDDPICC), the rule that
suggests a verdict, the stages and kinds of contact, and the transparent rule that turns a
qualification score into a win probability for the forecast. Loaded and validated as part of
the `Framework`; nothing here computes (that is `kamkit.scoring.qualification`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from kamkit.content_model import Content
from kamkit.errors import ContentError
from kamkit.opportunity import ANSWERS, KINDS, Answer, OpportunityKind

__all__ = ["Question", "Group", "Grouping", "VerdictRule", "StageContent", "ContactKind",
           "ForecastRule", "QualificationContent", "PREFILLS", "Prefill", "ComfortZone"]

#: What the stakeholder map already knows, by the question it answers.
Prefill = Literal["coverage", "preference", "needs"]
PREFILLS: tuple[Prefill, ...] = ("coverage", "preference", "needs")


class Question(Content):
    id: str = Field(pattern=r"^[a-z_]+$")
    text: str
    help: str = ""
    weight: float = Field(gt=0)
    groups: dict[str, str] = Field(description="grouping id -> the group it belongs to there")
    prefill: Prefill | None = Field(default=None,
                                    description="the map answers it until the trainee does")


class Group(Content):
    id: str = Field(pattern=r"^[a-z_]+$")
    name: str
    help: str = ""


class Grouping(Content):
    id: str = Field(pattern=r"^[a-z_]+$")
    name: str
    style: Literal["signs", "rag"] = Field(
        description="signs: each answer + ? -; rag: each group red / amber / green, green only "
                    "on the customer's own words or numbers")
    groups: tuple[Group, ...] = Field(min_length=1)


class VerdictRule(Content):
    pursue_from: float = Field(ge=0, le=100, description="score at or above: pursue")
    qualify_out_below: float = Field(ge=0, le=100, description="score below: qualify out")
    must_have: tuple[str, ...] = Field(default=(), description="a 'no' here: qualify out")
    max_unknown: int = Field(ge=0, description="more 'don't know' than this: fix gaps first")
    gap_warning: float = Field(ge=0, le=100,
                               description="litmus and evidence this far apart: say so")


class StageContent(Content):
    id: str = Field(pattern=r"^[a-z_]+$")
    name: str
    closed: Literal["won", "lost"] | None = None
    crm: tuple[str, ...] = Field(default=(), description="CRM stage names that mean this one")


class ContactKind(Content):
    id: str = Field(pattern=r"^[a-z_]+$")
    name: str
    conversion_pct: float = Field(ge=0, le=100, description="a typical conversion, offered")


class ForecastRule(Content):
    """Win probability = floor + (ceiling - floor) × score / 100 for an open opportunity that is
    being pursued; won 100 %, lost and qualified out 0 %."""

    floor: float = Field(ge=0, le=100)
    ceiling: float = Field(ge=0, le=100)
    retained: tuple[OpportunityKind, ...] = Field(
        min_length=1, description="kinds whose revenue is kept, not added")
    horizon_quarters: int = Field(ge=1, le=12)

    @model_validator(mode="after")
    def _floor_below_ceiling(self) -> ForecastRule:
        if self.floor >= self.ceiling:
            raise ValueError("floor must be below ceiling")
        return self

    def probability(self, score: float) -> float:
        """The win probability (%) of a qualification score (0-100)."""
        return self.floor + (self.ceiling - self.floor) * max(0.0, min(100.0, score)) / 100


class ComfortZone(Content):
    """When the activity plan is mostly in the comfort zone: at least `min_contacts` contacts
    planned with someone, and more than `share` of them with nobody of high influence."""

    min_contacts: int = Field(ge=1)
    share: float = Field(ge=0, lt=1)


class QualificationContent(Content):
    litmus: str = Field(description="the test, asked first")
    answers: dict[Answer, str] = Field(description="each answer in words")
    credit: dict[Answer, float] = Field(description="share of a question's weight it earns")
    kinds: dict[OpportunityKind, str]
    questions: tuple[Question, ...] = Field(min_length=1)
    groupings: tuple[Grouping, ...] = Field(min_length=1)
    shown: str = Field(description="the grouping pages show (a grouping id)")
    verdict: VerdictRule
    verdicts: dict[Literal["pursue", "fix_gaps", "qualify_out"], str]
    stages: tuple[StageContent, ...] = Field(min_length=1)
    contacts: tuple[ContactKind, ...] = Field(min_length=1)
    forecast: ForecastRule
    comfort_zone: ComfortZone

    @model_validator(mode="after")
    def _consistent(self) -> QualificationContent:
        if set(self.answers) != set(ANSWERS) or set(self.credit) != set(ANSWERS):
            raise ValueError(f"answers and credit must name each of {', '.join(ANSWERS)}")
        if self.credit["unknown"] != 0:
            raise ValueError("'unknown' earns no credit: don't know is a risk, never a pass")
        if not self.credit["yes"] > self.credit["partly"] > self.credit["no"] >= 0 \
                or self.credit["yes"] > 1:
            raise ValueError("credit must fall from yes (at most 1) to partly to no (at least 0)")
        if set(self.kinds) != set(KINDS):
            raise ValueError(f"kinds must name each of {', '.join(KINDS)}")
        total = sum(q.weight for q in self.questions)
        if abs(total - 100) > 1e-6:
            raise ValueError(f"question weights add up to {total:g}, not 100")
        ids = [q.id for q in self.questions]
        for name, found in (("question", ids), ("stage", [s.id for s in self.stages]),
                            ("contact kind", [c.id for c in self.contacts]),
                            ("grouping", [g.id for g in self.groupings])):
            if len(found) != len(set(found)):
                raise ValueError(f"two of the {name}s share an id")
        for grouping in self.groupings:
            names = {g.id for g in grouping.groups}
            for q in self.questions:
                if q.groups.get(grouping.id) not in names:
                    raise ValueError(f"question '{q.id}' needs a group of grouping "
                                     f"'{grouping.id}' (one of {', '.join(sorted(names))})")
            empty = names - {q.groups[grouping.id] for q in self.questions}
            if empty:
                raise ValueError(f"group(s) of '{grouping.id}' with no question: "
                                 f"{', '.join(sorted(empty))}")
        if self.shown not in {g.id for g in self.groupings}:
            raise ValueError(f"shown: no grouping '{self.shown}'")
        unknown = set(self.verdict.must_have) - set(ids)
        if unknown:
            raise ValueError(f"verdict.must_have names unknown questions: {sorted(unknown)}")
        if self.verdict.qualify_out_below > self.verdict.pursue_from:
            raise ValueError("verdict: qualify_out_below must not exceed pursue_from")
        return self

    def grouping(self, grouping_id: str | None = None) -> Grouping:
        """The grouping `grouping_id`, or the one pages show."""
        wanted = grouping_id or self.shown
        found = next((g for g in self.groupings if g.id == wanted), None)
        if found is None:
            raise ContentError("qualification.yaml", "groupings",
                               f"no grouping '{wanted}' (groupings: "
                               f"{', '.join(g.id for g in self.groupings)})")
        return found

    def stage(self, stage_id: str | None) -> StageContent | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def contact(self, kind_id: str) -> ContactKind | None:
        return next((c for c in self.contacts if c.id == kind_id), None)
