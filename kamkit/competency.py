"""What the competency assessment keeps about a person (not an account): the ratings one rater
gave in one round (self, manager or a peer; before or after the programme), the trainee's
development plan, the personal links that let a peer rate them, and each quiz attempt.
Pydantic models; every value a person enters passes through them (`kamkit.models.parse`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, field_validator

from kamkit.competency_content import LEVELS, Rater, Round
from kamkit.models import LongText, Name, Ref, ShortText, _Model, _now

__all__ = ["CompetencyRatings", "RatingSet", "DevelopmentItem", "DevelopmentPlan", "RaterLink",
           "QuizAttempt", "Example"]

Example = Annotated[str, Field(max_length=500)]


class CompetencyRatings(_Model):
    """One rater's ratings in one round: behaviour id -> level 1-5, and for each an example
    from the trainee's own work (the trainee's own round) or what the rater saw."""

    levels: dict[Ref, int] = Field(default_factory=dict, max_length=200)
    examples: dict[Ref, LongText] = Field(default_factory=dict, max_length=200)
    comment: LongText = ""

    @field_validator("levels")
    @classmethod
    def _on_the_scale(cls, levels: dict[str, int]) -> dict[str, int]:
        for behaviour, level in levels.items():
            if level not in LEVELS:
                raise ValueError(f"'{behaviour}' must be rated 1 to 5 (got {level})")
        return levels

    def rated(self, behaviours: list[str]) -> int:
        """How many of `behaviours` carry a rating."""
        return sum(b in self.levels for b in behaviours)


class RatingSet(_Model):
    """A saved `CompetencyRatings`, with whose it is: the trainee rated, the round, the kind of
    rater, their name (a manager's, a peer's as the trainee typed it; empty for the trainee's
    own) and the peer link it came through."""

    trainee_id: int
    round: Round
    rater: Rater
    rater_name: ShortText = ""
    link_id: int | None = None
    version: int = Field(ge=1)
    saved_at: dt.datetime
    ratings: CompetencyRatings


class DevelopmentItem(_Model):
    competency: Ref = Field(description="a competency id of competencies.yaml")
    action: ShortText = ""
    due: dt.date | None = None
    done: bool = False


class DevelopmentPlan(_Model):
    """Up to `plan_items` (content) things the trainee will get better at, each with an action
    and a date."""

    items: list[DevelopmentItem] = Field(default_factory=list, max_length=10)


class RaterLink(_Model):
    """A peer's personal link to rate one trainee in one round. Only the token's hash is kept;
    the link stops working when it expires or the trainee withdraws it."""

    id: int | None = None
    trainee_id: int
    round: Round
    peer_name: Name
    created_at: dt.datetime = Field(default_factory=_now)
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None

    def active(self, now: dt.datetime | None = None) -> bool:
        return self.revoked_at is None and (now or _now()) < self.expires_at


class QuizAttempt(_Model):
    """One quiz attempt, from its first checked answer (incomplete while it has fewer answers
    than the quiz has questions): the first attempt counts, later ones are practice."""

    id: int | None = None
    trainee_id: int
    quiz: Ref
    attempt: int = Field(ge=1)
    score: float = Field(ge=0, le=100)
    passed: bool
    answers: dict[Ref, int] = Field(default_factory=dict, max_length=200)
    at: dt.datetime = Field(default_factory=_now)

    @property
    def practice(self) -> bool:
        return self.attempt > 1
