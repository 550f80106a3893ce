"""The relationship score: observable evidence, weighted, summed to 0-100, with its breakdown.

An indicator answered "don't know" scores nothing and is listed as a gap - unknown is a risk, not
a pass. Evidence older than the content's `stale_after_days` counts for `stale_factor` of its
value, so a relationship that is not revisited fades instead of flattering.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kamkit.frameworks import Framework
from kamkit.models import RelationshipDoc

__all__ = ["IndicatorResult", "RelationshipScore", "relationship_score"]


@dataclass(frozen=True)
class IndicatorResult:
    id: str
    name: str
    weight: float
    level: str | None          # the anchored level's label; None = don't know
    points: float              # what this indicator adds to the 0-100 total
    stale: bool


@dataclass(frozen=True)
class RelationshipScore:
    score: float | None        # None until at least one indicator is answered
    stage: str | None
    items: tuple[IndicatorResult, ...]

    @property
    def unknown(self) -> list[str]:
        return [i.name for i in self.items if i.level is None]


def relationship_score(doc: RelationshipDoc, framework: Framework,
                       today: dt.date | None = None) -> RelationshipScore:
    content = framework.relationship
    today = today or dt.date.today()
    items = []
    for ind in content.indicators:
        rating = doc.ratings.get(ind.id)
        if rating is None or rating.level is None or rating.level >= len(ind.levels):
            items.append(IndicatorResult(ind.id, ind.name, ind.weight, None, 0.0, False))
            continue
        level = ind.levels[rating.level]
        stale = (rating.as_of is not None
                 and (today - rating.as_of).days > content.stale_after_days)
        factor = content.stale_factor if stale else 1.0
        items.append(IndicatorResult(ind.id, ind.name, ind.weight, level.label,
                                     ind.weight * level.score / 100 * factor, stale))
    if all(i.level is None for i in items):
        return RelationshipScore(None, None, tuple(items))
    score = round(sum(i.points for i in items), 1)
    return RelationshipScore(score, content.stage_for(score), tuple(items))
