"""Where an account's facts place it on the portfolio matrix - its purpose (grow, maintain,
defend, exit) - read from several steps' work at once: the profile's ratings, the relationship
score once the trainee has begun that step (with what the map and the plan's QBRs already
show), else their own rating. One rule everywhere; the profile step shows it, the account plan
fits its team to it. Not a step itself."""

from __future__ import annotations

import datetime as dt

from kamkit.account_plan import AccountPlanDoc
from kamkit.frameworks import Framework
from kamkit.models import ProfileDoc, RelationshipDoc, StakeholderMapDoc
from kamkit.scoring.account_plan import qbr_evidence, qbr_evidence_from
from kamkit.scoring.relationship import places, shown_score, stale_from
from kamkit.scoring.segmentation import Placement, place
from kamkit.steps import Docs

__all__ = ["placement", "score_until", "shown"]


def shown(docs: Docs, framework: Framework, today: dt.date) -> float | None:
    """The relationship score the trainee sees (pre-fills from the profile, the map and the
    plan's QBRs included; None before they have begun the step) - worked out once per
    documents and day (`Docs.once`): the placement and the relationship's figures both show
    it."""
    def score() -> float | None:
        smap = docs.of(StakeholderMapDoc)
        return shown_score(docs.of(RelationshipDoc), framework, docs.of(ProfileDoc), smap,
                           today, qbr_evidence(docs.of(AccountPlanDoc), smap, framework, today))
    return docs.once(("shown score", id(framework), today), score)  # type: ignore[no-any-return]


def placement(docs: Docs, framework: Framework, today: dt.date | None = None,
              account: str | None = None) -> Placement:
    """Where the account's facts place it. "Our relationship" comes from the relationship score
    once the trainee has begun that step and rated enough of it themselves
    (`places`, as `placement_score`), else from their own rating."""
    score = shown(docs, framework, today or dt.date.today()) \
        if places(docs.of(RelationshipDoc), framework) else None
    return place(docs.of(ProfileDoc), framework, score, account)  # type: ignore[arg-type]


def score_until(docs: Docs, framework: Framework, today: dt.date) -> dt.date | None:
    """The first day after `today` on which the relationship score these documents give (and
    so the placement) may change: a rating turning stale, a QBR entering or leaving the year
    the plan's evidence counts. None: never - nor before the trainee has begun the step (no
    score at all)."""
    doc = docs.of(RelationshipDoc)
    if not doc.started:
        return None
    days = [stale_from(doc, framework, today),
            qbr_evidence_from(docs.of(AccountPlanDoc), framework, today)]
    return min((d for d in days if d is not None), default=None)
