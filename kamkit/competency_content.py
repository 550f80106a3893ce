"""The competency framework and the certification rules as content (`competencies.yaml`,
`certification.yaml`): pillars -> competencies -> observable behaviours, each rated 1-5 with a
plain-words anchor per level; the attributes, traits and roles shown beside them; which
competencies matter most for each account purpose; and the rules a trainee must meet to be
certified. Loaded and validated as part of the `Framework`; the arithmetic is in
`kamkit.scoring.competency`."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from kamkit.content_model import Content

__all__ = ["LEVELS", "Behaviour", "Competency", "Pillar", "RoleFit", "CompetencyContent",
           "StepsReviewed", "CaseFirstTry", "QuizFirstAttempt", "CompetencyAfter", "Rule",
           "CertificationContent", "ROUNDS", "Round", "RATERS", "Rater"]

LEVELS = (1, 2, 3, 4, 5)
Round = Literal["before", "after"]
ROUNDS: tuple[Round, ...] = ("before", "after")
Rater = Literal["self", "manager", "peer"]
RATERS: tuple[Rater, ...] = ("self", "manager", "peer")


def _every_level(anchors: dict[int, str], what: str) -> dict[int, str]:
    missing = sorted(set(LEVELS) - set(anchors))
    if missing:
        raise ValueError(f"{what} needs an anchor for each level 1-5 (none for "
                         f"{', '.join(map(str, missing))})")
    extra = sorted(set(anchors) - set(LEVELS))
    if extra:
        raise ValueError(f"{what} has levels beyond 1-5: {', '.join(map(str, extra))}")
    return anchors


class Behaviour(Content):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: str = Field(min_length=1)
    anchors: dict[int, str]

    # field validators, not a model one: the error names the field (`...behaviours.0.anchors`)
    @field_validator("anchors")
    @classmethod
    def _anchored(cls, anchors: dict[int, str], info: ValidationInfo) -> dict[int, str]:
        return _every_level(anchors, f"behaviour '{info.data.get('id', '?')}'")


class Competency(Content):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str = Field(min_length=1)
    behaviours: tuple[Behaviour, ...] = Field(min_length=1)


class Pillar(Content):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str = Field(min_length=1)
    competencies: tuple[Competency, ...] = Field(min_length=1)


class RoleFit(Content):
    emphasis: tuple[str, ...] = Field(min_length=1, description="competency ids")
    advice: str


class CompetencyContent(Content):
    scale: dict[int, str]
    pillars: tuple[Pillar, ...] = Field(min_length=1)
    attributes: tuple[str, ...] = ()
    traits: tuple[str, ...] = ()
    orientation: tuple[str, ...] = ()
    roles: dict[str, str] = Field(default_factory=dict)
    role_fit: dict[str, RoleFit]
    rounds: dict[Round, str]
    peers: int = Field(ge=0, le=10)
    peer_link_days: int = Field(ge=1, le=365)
    plan_items: int = Field(ge=1, le=10)

    @field_validator("scale")
    @classmethod
    def _scale(cls, scale: dict[int, str]) -> dict[int, str]:
        return _every_level(scale, "the scale")

    @field_validator("rounds")
    @classmethod
    def _rounds(cls, rounds: dict[Round, str]) -> dict[Round, str]:
        if set(rounds) != set(ROUNDS):
            raise ValueError("must name before and after")
        return rounds

    @field_validator("pillars")
    @classmethod
    def _unique(cls, pillars: tuple[Pillar, ...]) -> tuple[Pillar, ...]:
        competencies = [c for p in pillars for c in p.competencies]
        for what, found in (("pillar", [p.id for p in pillars]),
                            ("competency", [c.id for c in competencies]),
                            ("behaviour", [b.id for c in competencies for b in c.behaviours])):
            twice = sorted({i for i in found if found.count(i) > 1})
            if twice:
                raise ValueError(f"{what} ids must be unique: {', '.join(twice)} twice")
        return pillars

    @field_validator("role_fit")
    @classmethod
    def _known(cls, role_fit: dict[str, RoleFit], info: ValidationInfo) -> dict[str, RoleFit]:
        pillars = info.data.get("pillars")
        if pillars is None:  # the pillars are broken: that error is the one to read
            return role_fit
        ids = {c.id for p in pillars for c in p.competencies}
        for purpose, fit in role_fit.items():
            unknown = sorted(set(fit.emphasis) - ids)
            if unknown:
                raise ValueError(f"role_fit.{purpose} names unknown competencies {unknown}")
        return role_fit

    # read for every trainee on a dashboard of thousands: worked out once per content
    @cached_property
    def competencies(self) -> list[Competency]:
        return [c for p in self.pillars for c in p.competencies]

    @cached_property
    def behaviours(self) -> list[Behaviour]:
        return [b for c in self.competencies for b in c.behaviours]

    @cached_property
    def behaviour_ids(self) -> frozenset[str]:
        return frozenset(b.id for b in self.behaviours)

    def competency_of(self) -> dict[str, str]:
        """behaviour id -> its competency's id."""
        return {b.id: c.id for c in self.competencies for b in c.behaviours}

    def pillar_of(self) -> dict[str, str]:
        """competency id -> its pillar's id."""
        return {c.id: p.id for p in self.pillars for c in p.competencies}


class _Rule(Content):
    text: str = Field(min_length=1, description="what the rule asks, as the dashboard says it")


class StepsReviewed(_Rule):
    kind: Literal["steps_reviewed"]
    min_rating: int = Field(ge=1, le=5)


class CaseFirstTry(_Rule):
    kind: Literal["case_first_try"]
    min_score: float = Field(gt=0, le=100)


class QuizFirstAttempt(_Rule):
    kind: Literal["quiz_first_attempt"]


class CompetencyAfter(_Rule):
    kind: Literal["competency_after"]
    rater: Literal["self", "manager", "peer"] = "manager"
    min_level: float = Field(ge=1, le=5)


Rule = Annotated[StepsReviewed | CaseFirstTry | QuizFirstAttempt | CompetencyAfter,
                 Field(discriminator="kind")]


class CertificationContent(Content):
    rules: tuple[Rule, ...] = Field(min_length=1)
