"""The competency framework and the certification rules as content (`competencies.yaml`,
`certification.yaml`): pillars -> competencies -> observable behaviours, each rated 1-5 with a
plain-words anchor per level; the attributes, traits and roles shown beside them; which
competencies matter most for each account purpose; and the rules a trainee must meet to be
certified. Loaded and validated as part of the `Framework`; the arithmetic is in
`kamkit.scoring.competency`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from kamkit.content_model import Content

__all__ = ["LEVELS", "Behaviour", "Competency", "Pillar", "RoleFit", "CompetencyContent",
           "StepsReviewed", "CaseFirstTry", "QuizFirstAttempt", "CompetencyAfter", "Rule",
           "CertificationContent", "ROUNDS", "Round", "RATERS", "Rater"]

LEVELS = (1, 2, 3, 4, 5)
Round = Literal["before", "after"]
ROUNDS: tuple[Round, ...] = ("before", "after")
Rater = Literal["self", "manager", "peer"]
RATERS: tuple[Rater, ...] = ("self", "manager", "peer")


def _every_level(anchors: dict[int, str], what: str) -> None:
    if set(anchors) != set(LEVELS):
        raise ValueError(f"{what} needs an anchor for each level 1-5")


class Behaviour(Content):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: str = Field(min_length=1)
    anchors: dict[int, str]

    @model_validator(mode="after")
    def _anchored(self) -> Behaviour:
        _every_level(self.anchors, f"behaviour '{self.id}'")
        return self


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

    @model_validator(mode="after")
    def _consistent(self) -> CompetencyContent:
        _every_level(self.scale, "scale")
        if set(self.rounds) != set(ROUNDS):
            raise ValueError("rounds must name before and after")
        ids = [c.id for c in self.competencies]
        behaviours = [b.id for b in self.behaviours]
        for what, found in (("competency", ids), ("behaviour", behaviours),
                            ("pillar", [p.id for p in self.pillars])):
            twice = sorted({i for i in found if found.count(i) > 1})
            if twice:
                raise ValueError(f"{what} ids must be unique: {', '.join(twice)} twice")
        for purpose, fit in self.role_fit.items():
            unknown = set(fit.emphasis) - set(ids)
            if unknown:
                raise ValueError(f"role_fit.{purpose} names unknown competencies "
                                 f"{sorted(unknown)}")
        return self

    @property
    def competencies(self) -> list[Competency]:
        return [c for p in self.pillars for c in p.competencies]

    @property
    def behaviours(self) -> list[Behaviour]:
        return [b for c in self.competencies for b in c.behaviours]

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
