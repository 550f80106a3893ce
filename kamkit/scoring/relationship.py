"""The relationship score: observable evidence, weighted, summed to 0-100, with its breakdown.

Each indicator is rated on five anchored levels (0-4); level k earns k/4 of its weight. "Don't
know" earns nothing and is listed - unknown is a risk, not a pass. A level with no evidence
written is *unproven*: it counts, and is shown as unproven. Evidence older than the content's
`stale_after_days` counts for `stale_factor` of its value. Where an earlier step already knows the
answer (share of wallet from the profile, peer coverage from the stakeholder map) it pre-fills an
unrated indicator, marked as such.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kamkit.errors import InvalidInput
from kamkit.frameworks import Framework
from kamkit.models import (
    Assessment,
    IndicatorRating,
    ProfileDoc,
    RelationshipDoc,
    StakeholderMapDoc,
)
from kamkit.scoring.coverage import level_gaps

__all__ = ["IndicatorResult", "RelationshipScore", "relationship_score", "prefills", "as_shown",
           "feeling_gap", "lock_feeling", "new_assessment", "trend", "biggest_changes",
           "placement_score", "since_last", "TOP", "shown_score",
           "rated_weight", "stale_from", "places"]

TOP = 4  # the highest anchored level


@dataclass(frozen=True)
class IndicatorResult:
    id: str
    name: str
    weight: float
    level: int | None          # 0..4; None = don't know
    label: str | None          # the anchored level in words
    points: float              # what this indicator adds to the 0-100 total
    stale: bool
    unproven: bool             # a level with no evidence written
    prefilled: str | None      # where a pre-filled level came from
    unsure: bool = False       # the trainee said they are not confident in this level

    @property
    def lost(self) -> float:
        """Points this indicator could still add."""
        return self.weight - self.points


@dataclass(frozen=True)
class RelationshipScore:
    score: float | None        # None until at least one indicator is answered
    stage: str | None
    items: tuple[IndicatorResult, ...]

    @property
    def unknown(self) -> list[str]:
        return [i.name for i in self.items if i.level is None]

    @property
    def unproven(self) -> list[str]:
        return [i.name for i in self.items if i.unproven]

    @property
    def unsure(self) -> list[str]:
        """Levels the trainee is not confident in: the first evidence to check again."""
        return [i.name for i in self.items if i.unsure]

    @property
    def carriers(self) -> list[IndicatorResult]:
        """What carries the score: the indicators adding most, largest first."""
        return sorted((i for i in self.items if i.points > 0), key=lambda i: -i.points)[:3]

    @property
    def draggers(self) -> list[IndicatorResult]:
        """What drags it down: the indicators leaving most points on the table."""
        return sorted((i for i in self.items if i.lost > 0), key=lambda i: -i.lost)[:3]


def prefills(framework: Framework, profile: ProfileDoc | None,
             stakeholders: StakeholderMapDoc | None,
             evidence: dict[str, tuple[int, str]] | None = None) -> dict[str, tuple[int, str]]:
    """indicator id -> (level, where it came from), for what earlier steps already know.
    `evidence`: what other work says, by prefill kind (the account plan's QBRs:
    `kamkit.scoring.account_plan.qbr_evidence`)."""
    out: dict[str, tuple[int, str]] = {}
    for ind in framework.relationship.indicators:
        if evidence and ind.prefill in evidence:
            out[ind.id] = evidence[ind.prefill]  # type: ignore[index]
            continue
        if ind.prefill == "share_of_wallet" and profile and profile.share_of_wallet is not None:
            sow = profile.share_of_wallet
            out[ind.id] = (min(TOP, int(sow // 20)), f"your profile: share of wallet {sow:.0f} %")
        elif ind.prefill == "peer_coverage" and stakeholders and stakeholders.people:
            levels = {p.level for p in stakeholders.people if p.level}
            if levels:
                gaps = len(level_gaps(stakeholders, framework.grid.coverage.meaningful_from))
                peered = len(levels) - gaps
                out[ind.id] = (round(TOP * peered / len(levels)),
                               f"your stakeholder map: {peered} of {len(levels)} of their "
                               "levels have a peer of ours")
    return out


def relationship_score(doc: Assessment, framework: Framework, today: dt.date | None = None,
                       known: dict[str, tuple[int, str]] | None = None) -> RelationshipScore:
    """The score of one assessment; `known` are pre-fills for indicators not yet rated."""
    content = framework.relationship
    today = today or dt.date.today()
    items = []
    for ind in content.indicators:
        rating = doc.ratings.get(ind.id) or IndicatorRating()
        level, source = rating.level, None
        if level is None and known and ind.id in known:
            level, source = known[ind.id]
        if level is None:
            items.append(IndicatorResult(ind.id, ind.name, ind.weight, None, None, 0.0, False,
                                         False, None))
            continue
        stale = (source is None and rating.as_of is not None
                 and (today - rating.as_of).days > content.stale_after_days)
        factor = content.stale_factor if stale else 1.0
        unproven = source is None and not rating.evidence.strip()
        items.append(IndicatorResult(ind.id, ind.name, ind.weight, level, ind.levels[level],
                                     ind.weight * level / TOP * factor, stale, unproven, source,
                                     unsure=source is None and not rating.confident))
    if all(i.level is None for i in items):
        return RelationshipScore(None, None, tuple(items))
    score = round(sum(i.points for i in items), 1)
    return RelationshipScore(score, content.stage_for(score), tuple(items))


def shown_score(doc: Assessment, framework: Framework, profile: ProfileDoc | None,
                stakeholders: StakeholderMapDoc | None, today: dt.date | None = None,
                evidence: dict[str, tuple[int, str]] | None = None) -> float | None:
    """The score the trainee sees on the relationship step (pre-fills included) once they have
    begun it, else None: pre-fills alone are not an assessment."""
    if not doc.started:
        return None
    return relationship_score(doc, framework, today,
                              prefills(framework, profile, stakeholders, evidence)).score


def stale_from(doc: Assessment, framework: Framework, today: dt.date) -> dt.date | None:
    """The first day after `today` on which an indicator rated in `doc` turns stale - the
    assessment's score the same documents give changes that day (None: no rating will turn).
    A rating stale today stays stale."""
    after = framework.relationship.stale_after_days + 1
    days = [r.as_of + dt.timedelta(days=after) for r in doc.ratings.values()
            if r.level is not None and r.as_of is not None]
    return min((d for d in days if d > today), default=None)


def rated_weight(doc: Assessment, framework: Framework) -> float:
    """How much of the indicators' weight the trainee has rated themselves (0-100)."""
    return sum(i.weight for i in framework.relationship.indicators
               if (r := doc.ratings.get(i.id)) is not None and r.level is not None)


def places(doc: Assessment, framework: Framework) -> bool:
    """Whether the relationship score places the account on the matrix: the trainee has rated
    at least `placement_from` % of the evidence's weight themselves (`placement_score`)."""
    return rated_weight(doc, framework) >= framework.relationship.placement_from


def placement_score(doc: Assessment, framework: Framework, profile: ProfileDoc | None,
                    stakeholders: StakeholderMapDoc | None, today: dt.date | None = None,
                    evidence: dict[str, tuple[int, str]] | None = None) -> float | None:
    """The relationship score segmentation uses for "relationship strength": the score the
    trainee sees, once they have rated at least `placement_from` % of the evidence's weight
    themselves (content); until then None, so their own rating counts - a feeling and two
    pre-fills must not silently move the account on the matrix."""
    if not places(doc, framework):
        return None
    return shown_score(doc, framework, profile, stakeholders, today, evidence)


def as_shown(score: float) -> int:
    """A score as the trainee sees it: a whole number, halves rounded up."""
    return int(score + 0.5)


def feeling_gap(feeling: int | None, score: float | None,
                framework: Framework) -> tuple[float, str, str | None] | None:
    """(feeling minus evidence, a sentence, a coaching prompt when the gap is large)."""
    if feeling is None or score is None:
        return None
    shown = as_shown(score)  # the figure the trainee sees, so the sentence adds up
    gap = feeling - shown
    limit = framework.relationship.gap_warning
    if abs(gap) < limit:
        return gap, f"Your feeling ({feeling}) and the evidence ({shown}) roughly agree.", None
    if gap > 0:
        return gap, (f"You felt {feeling}; the evidence says {shown} - {gap} points of "
                     "optimism."), ("Where does the warmth come from? Name the facts behind "
                                    "it, or the evidence you have not written down yet.")
    return gap, (f"You felt {feeling}; the evidence says {shown} - you are "
                 f"{-gap} points more cautious than the facts."), (
        "The relationship may be stronger than you think: what makes you doubt it?")


def lock_feeling(doc: RelationshipDoc) -> RelationshipDoc:
    """The feeling is fixed once the evidence is opened, so it stays a first impression."""
    if doc.gut_feeling is None:
        raise InvalidInput("Record your gut feeling first (0-100): how strong is the "
                           "relationship, before looking at any evidence?", field="gut_feeling")
    if not doc.feeling_reason.strip():
        raise InvalidInput("Say in one sentence why you feel that way - it is what you will "
                           "hold the evidence against.", field="feeling_reason")
    return doc.model_copy(update={"feeling_locked": True})


def new_assessment(doc: RelationshipDoc, known: dict[str, tuple[int, str]],
                   today: dt.date | None = None) -> RelationshipDoc:
    """Close the current assessment (read-only in the history, pre-fills written in so its
    score stays what it was) and start the next one: a new feeling first, then the evidence,
    starting from what was known last time (each rating kept with its date, so old evidence
    counts less until it is verified again)."""
    if doc.gut_feeling is None and not doc.ratings:
        raise InvalidInput("This assessment has not started yet; nothing to close.")
    ratings = dict(doc.ratings)
    for ind_id, (level, source) in known.items():
        if ratings.get(ind_id) is None or ratings[ind_id].level is None:
            ratings[ind_id] = IndicatorRating(level=level, evidence=f"From {source}.",
                                              as_of=today or dt.date.today())
    closed = Assessment(**{**doc.model_dump(exclude={"history"}), "ratings": ratings})
    carried = {i: r for i, r in doc.ratings.items() if r.level is not None}
    return RelationshipDoc(started_on=today or dt.date.today(), ratings=carried,
                           history=[*doc.history, closed])


def trend(doc: RelationshipDoc, framework: Framework, known: dict[str, tuple[int, str]],
          today: dt.date | None = None) -> list[tuple[dt.date, float | None, int | None]]:
    """(started on, evidence score, gut feeling) for every assessment, oldest first. The
    current one joins once it has its feeling: a new assessment is not a point of its own until
    the trainee has begun it."""
    rows = [(a.started_on, relationship_score(a, framework, today).score, a.gut_feeling)
            for a in doc.history]
    if doc.gut_feeling is not None or not doc.history:
        rows.append((doc.started_on, relationship_score(doc, framework, today, known).score,
                     doc.gut_feeling))
    return rows


def biggest_changes(before: Assessment, after: Assessment, framework: Framework,
                    known: dict[str, tuple[int, str]] | None = None,
                    today: dt.date | None = None) -> list[tuple[str, float]]:
    """The indicators whose points changed most between two assessments, largest first."""
    a = {i.id: i for i in relationship_score(before, framework, today).items}
    b = relationship_score(after, framework, today, known).items
    deltas = [(i.name, round(i.points - a[i.id].points, 1)) for i in b
              if abs(i.points - a[i.id].points) > 0]
    return sorted(deltas, key=lambda d: -abs(d[1]))[:3]


def since_last(doc: RelationshipDoc, framework: Framework, score: float | None,
               today: dt.date | None = None) -> tuple[str, int] | None:
    """How the score moved since the previous assessment: (arrow, the previous score as shown),
    or None without both scores."""
    if not doc.history or score is None:
        return None
    previous = relationship_score(doc.history[-1], framework, today).score
    if previous is None:
        return None
    arrow = "↑" if score > previous else "↓" if score < previous else "→"
    return arrow, as_shown(previous)
