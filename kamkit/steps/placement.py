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
from kamkit.scoring.account_plan import qbr_evidence
from kamkit.scoring.relationship import placement_score
from kamkit.scoring.segmentation import Placement, place
from kamkit.steps import Docs

__all__ = ["placement"]


def placement(docs: Docs, framework: Framework, today: dt.date | None = None,
              account: str | None = None) -> Placement:
    """Where the account's facts place it. "Our relationship" comes from the relationship score
    once the trainee has begun that step, else from their own rating."""
    profile = docs.of(ProfileDoc)
    smap = docs.of(StakeholderMapDoc)
    score = placement_score(docs.of(RelationshipDoc), framework, profile, smap, today,
                            qbr_evidence(docs.of(AccountPlanDoc), smap, framework,
                                         today or dt.date.today()))
    return place(profile, framework, score, account)  # type: ignore[arg-type]
