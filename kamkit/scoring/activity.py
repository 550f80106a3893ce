"""The activity plan, read against the map and the opportunities: how many contacts are planned
and how many are expected to convert, and where the plan misses - a high-influence person in a
decision with no contact planned ("sell to the power zone, not the comfort zone"), an opportunity
in the forecast with nothing planned to move it, contacts planned mostly with people of little
influence, an outcome whose date has passed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kamkit.frameworks import Framework
from kamkit.models import StakeholderMapDoc
from kamkit.opportunity import OpportunitiesDoc, Outcome
from kamkit.scoring.forecast import status_of
from kamkit.scoring.qualification import person_name

__all__ = ["PlanFinding", "PlanSummary", "plan_summary", "contacts_of", "FINDING_IDS"]

FINDING_IDS = ("power_zone_without_contact", "no_people_picked", "nothing_planned",
               "comfort_zone", "outcome_overdue")


@dataclass(frozen=True)
class PlanFinding:
    id: str                        # one of FINDING_IDS
    title: str
    reason: str
    people: tuple[str, ...] = ()
    opportunity: str | None = None


@dataclass(frozen=True)
class PlanSummary:
    contacts: int                  # planned, all kinds
    expected: float                # of which expected to convert
    by_opportunity: dict[str | None, tuple[int, float]]  # opp id (None: account) -> the same
    findings: tuple[PlanFinding, ...]


def contacts_of(outcome: Outcome) -> tuple[int, float]:
    """Contacts planned for an outcome, and how many are expected to convert."""
    count = sum(c.count for c in outcome.contacts)
    expected = sum(c.count * (c.conversion_pct or 0) / 100 for c in outcome.contacts)
    return count, expected


def plan_summary(doc: OpportunitiesDoc, smap: StakeholderMapDoc, fw: Framework,
                 today: dt.date | None = None) -> PlanSummary:
    today = today or dt.date.today()
    high_from = fw.grid.influence.high_from
    people = {p.id: p for p in smap.people}
    by_opp: dict[str | None, tuple[int, float]] = {}
    for outcome in doc.outcomes:
        n, x = contacts_of(outcome)
        had = by_opp.get(outcome.opportunity, (0, 0.0))
        by_opp[outcome.opportunity] = (had[0] + n, had[1] + x)
    account_wide = {pid for o in doc.outcomes if o.opportunity is None
                    for c in o.contacts for pid in c.people}
    findings = []
    for opp in doc.opportunities:
        if status_of(opp, fw) != "open":
            continue
        reached = account_wide | {pid for o in doc.outcomes if o.opportunity == opp.id
                                  for c in o.contacts for pid in c.people}
        picked = [people[pid] for pid in opp.people if pid in people]
        if not picked:
            findings.append(PlanFinding(
                "no_people_picked", f"{opp.name}: who is in this decision?",
                "Pick the people in this decision from your map, so the plan can be checked "
                "against them.", opportunity=opp.id))
        missed = [p for p in picked if (p.influence or 0) >= high_from and p.id not in reached]
        if missed:
            findings.append(PlanFinding(
                "power_zone_without_contact",
                f"{opp.name}: people with power and no contact planned",
                "Sell to the power zone, not the comfort zone: plan a contact with each of them.",
                tuple(person_name(p) for p in missed), opp.id))
        if (opp.value or 0) > 0 and by_opp.get(opp.id, (0, 0.0))[0] == 0:
            findings.append(PlanFinding(
                "nothing_planned", f"{opp.name}: in the forecast, with nothing planned",
                "A forecast follows from planned activity: plan the outcomes and the contacts "
                "that would win it.", opportunity=opp.id))
    # a contact reaches the power zone when anyone in it has high influence (unknown: not)
    named = [c for o in doc.outcomes for c in o.contacts
             if any(pid in people for pid in c.people)]
    weak = sum(c.count for c in named if not any(
        (people[pid].influence or 0) >= high_from for pid in c.people if pid in people))
    total = sum(c.count for c in named)
    rule = fw.qualification.comfort_zone
    if total >= rule.min_contacts and weak > total * rule.share:
        findings.append(PlanFinding(
            "comfort_zone", "Most contacts are planned with people of little influence",
            f"{weak} of the {total} contacts planned with someone are with nobody of high "
            "influence: pleasant meetings rarely win decisions."))
    late = [o for o in doc.outcomes if o.by is not None and o.by < today]
    if late:
        findings.append(PlanFinding(
            "outcome_overdue", "Outcomes whose date has passed",
            "Reached, moved, or dropped? Update the plan: "
            + ", ".join(o.what or "(unnamed outcome)" for o in late) + "."))
    total_n = sum(n for n, _ in by_opp.values())
    total_x = sum(x for _, x in by_opp.values())
    return PlanSummary(total_n, total_x, by_opp, tuple(findings))
