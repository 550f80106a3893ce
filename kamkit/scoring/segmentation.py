"""Portfolio segmentation: two axes from weighted criteria, and the purpose they imply.

Attractiveness (how much the account could matter to us) and our strength in it (how well placed
we are) are each a weighted sum of 0-100 criteria from content. A criterion with a `source` takes
its value from the facts when they exist - share of wallet from the profile's spend figures,
relationship strength from the relationship step - and otherwise from the trainee's rating. An axis
with any criterion still unknown has no score: the account is not placed on a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kamkit.frameworks import Criterion, Framework, Purpose
from kamkit.models import ProfileDoc

__all__ = ["CriterionValue", "Axis", "Placement", "axis_score", "place", "Origin"]

Origin = Literal["your rating", "your spend figures", "the relationship step"]


@dataclass(frozen=True)
class CriterionValue:
    criterion: Criterion
    value: float | None
    origin: Origin | None

    @property
    def contribution(self) -> float:
        return 0.0 if self.value is None else self.value * self.criterion.weight / 100


@dataclass(frozen=True)
class Axis:
    name: str
    score: float | None               # 0-100, None while a criterion is unknown
    high: bool | None                 # at or above the threshold
    values: tuple[CriterionValue, ...]

    @property
    def missing(self) -> list[str]:
        return [v.criterion.name for v in self.values if v.value is None]


@dataclass(frozen=True)
class Placement:
    attractiveness: Axis
    strength: Axis
    purpose: Purpose | None
    explanation: str


def _value(c: Criterion, profile: ProfileDoc,
           relationship: float | None) -> tuple[float | None, Origin | None]:
    if c.source == "share_of_wallet" and profile.share_of_wallet is not None:
        return profile.share_of_wallet, "your spend figures"
    if c.source == "relationship_score" and relationship is not None:
        return relationship, "the relationship step"
    rated = profile.segmentation.get(c.id)
    return (rated, "your rating") if rated is not None else (None, None)


def axis_score(name: str, values: tuple[CriterionValue, ...], threshold: float) -> Axis:
    """Weighted sum of the values (weights add up to 100), or None while any is unknown."""
    if any(v.value is None for v in values):
        return Axis(name, None, None, values)
    score = round(min(100.0, max(0.0, sum(v.contribution for v in values))), 1)
    return Axis(name, score, score >= threshold, values)


def place(profile: ProfileDoc, framework: Framework, relationship: float | None = None,
          account: str = "This account") -> Placement:
    """Both axes, the purpose (Grow / Maintain / Defend / Exit) and a sentence saying why."""
    seg = framework.segmentation
    attract = axis_score("attractiveness", tuple(
        CriterionValue(c, *_value(c, profile, relationship)) for c in seg.attractiveness),
        seg.threshold)
    strength = axis_score("strength", tuple(
        CriterionValue(c, *_value(c, profile, relationship)) for c in seg.strength),
        seg.threshold)
    if attract.high is None or strength.high is None:
        missing = attract.missing + strength.missing
        return Placement(attract, strength, None,
                         f"Not placed yet: still to rate {_join(missing).lower()}.")
    purpose = next(p for p in seg.purposes
                   if p.attractive == attract.high and p.strong == strength.high)
    text = (f"{account} is a {purpose.name} account: attractiveness "
            f"{attract.score:.0f}/100 is {'high' if attract.high else 'low'} "
            f"({_reason(attract)}), and our strength {strength.score:.0f}/100 is "
            f"{'strong' if strength.high else 'weak'} ({_reason(strength)}). {purpose.summary}")
    return Placement(attract, strength, purpose, text)


def _reason(axis: Axis) -> str:
    # a high axis is explained by what lifts it most, a low one by what holds it down most
    pick = max if axis.high else min
    v = pick(axis.values, key=lambda v: v.value or 0.0)
    lead = "mainly" if axis.high else "held down by"
    return f"{lead} {v.criterion.name.lower()} at {v.value:.0f}"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
