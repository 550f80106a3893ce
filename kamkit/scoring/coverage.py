"""Coverage analysis of a stakeholder map: a short, ranked list of findings, each with its reason
and the people it concerns, plus two headline figures and the peer-coverage grid.

The rules are the simple, explainable ones practitioners use; every threshold is content
(grid.yaml, `coverage`). A contact counts as meaningful from peer level `meaningful_from`
(2, credible source) - a vendor relationship is not coverage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kamkit.frameworks import GridContent
from kamkit.models import Stakeholder, StakeholderMapDoc
from kamkit.scoring.grid import place_person

__all__ = ["Finding", "CoverageReport", "analyse", "without_action", "LEVELS", "FINDING_IDS",
           "UNKNOWN_LEVEL",
           "peer_grid", "level_gaps", "best_levels"]

LEVELS = ["board", "executive", "senior manager", "manager", "staff"]  # top first
#: every finding `analyse` can report, by id (a case key may expect one to show, or not to)
FINDING_IDS = ("no_decision_maker", "high_influence_uncovered", "coverage_inadequate",
               "threat_without_action", "swing_vote_without_action", "level_gap",
               "single_threaded", "unknown_ratings", "no_opponent", "too_few_people", "stale")
UNKNOWN_LEVEL = "level unknown"
_RANK = {lvl: len(LEVELS) - i for i, lvl in enumerate(LEVELS)}


@dataclass(frozen=True)
class Finding:
    id: str
    severity: int                 # 1 = act now, 2 = important, 3 = worth knowing
    title: str
    reason: str
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class CoverageReport:
    findings: tuple[Finding, ...]
    quality: int                  # 0 no contacts … 3 good
    quality_text: str
    power_zone: float | None      # share of our strong contacts on high-influence people, 0-1
    covered: dict[str, int] = field(default_factory=dict)  # their person id -> best level today


_QUALITY = {0: "no meaningful contacts yet",
            1: "contacts, but none with high-influence people",
            2: "contacts with high-influence people, but none of them supportive",
            3: "good: a meaningful contact with a supportive high-influence person"}


def _name(p: Stakeholder) -> str:
    return p.name or f"{p.title or 'unnamed'} (placeholder)"


def best_levels(doc: StakeholderMapDoc) -> dict[str, int]:
    """Their person id -> the best relationship level anyone of ours has with them today."""
    best: dict[str, int] = {}
    for link in doc.links:
        if link.today is not None:
            best[link.theirs] = max(best.get(link.theirs, 0), link.today)
    return best


def without_action(doc: StakeholderMapDoc, grid: GridContent, category: str) -> list[Stakeholder]:
    """Rated people in `category` (e.g. "threat") with no next action written down."""
    return [p for p in doc.people if p.influence is not None and p.support is not None
            and not p.action.strip() and place_person(p, grid).id == category]


def analyse(doc: StakeholderMapDoc, grid: GridContent,
            today: dt.date | None = None) -> CoverageReport:
    today = today or dt.date.today()
    rules = grid.coverage
    best = best_levels(doc)
    covered = {pid for pid, lvl in best.items() if lvl >= rules.meaningful_from}
    high = [p for p in doc.people if p.influence is not None
            and p.influence >= grid.influence.high_from]
    deciders = [p for p in doc.people if p.role in grid.decision_maker_roles]
    rated = [p for p in doc.people if p.influence is not None and p.support is not None]
    findings: list[Finding] = []

    def add(fid: str, severity: int, title: str, reason: str,  # fid: one of FINDING_IDS
            people: list[Stakeholder] | None = None) -> None:
        findings.append(Finding(fid, severity, title, reason,
                                tuple(_name(p) for p in people or [])))

    if doc.people and not deciders:
        add("no_decision_maker", 1, "No decision maker identified",
            "Evaluation is not decision: find out who actually decides, and put them on the map.")
    uncovered_high = [p for p in high if p.id not in covered]
    if uncovered_high:
        add("high_influence_uncovered", 1, "People with power and no meaningful contact",
            "They weigh most in the decision, and nobody of ours is at least a credible source "
            "for them. Sell to their power zone, not your comfort zone.", uncovered_high)
    dm_share = sum(p.id in covered for p in deciders) / len(deciders) if deciders else 1.0
    high_share = sum(p.id in covered for p in high) / len(high) if high else 1.0
    if dm_share < rules.decision_makers_covered or high_share < rules.high_influence_covered:
        add("coverage_inadequate", 1, "Coverage is not yet adequate",
            f"{dm_share:.0%} of decision makers and {high_share:.0%} of high-influence people have "
            f"a meaningful contact; aim for at least {rules.decision_makers_covered:.0%} and "
            f"{rules.high_influence_covered:.0%}.")
    for cid, title in (("threat", "Threats with no action planned"),
                       ("swing_vote", "Swing votes with no action planned")):
        idle = without_action(doc, grid, cid)
        if idle:
            add(f"{cid}_without_action", 1 if cid == "threat" else 2, title,
                "Each needs a named next step, an owner and a date.", idle)
    gaps = level_gaps(doc, rules.meaningful_from)
    if gaps:
        names = [lvl for lvl, _ in gaps]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        add("level_gap", 2, "Levels of their organisation without a peer of ours",
            f"Their {listed} level{'s are' if len(names) > 1 else ' is'} only met by more "
            "junior people of ours, or not at all.", [p for _, ps in gaps for p in ps])
    if len(doc.people) >= 2 and len(covered) <= 1:
        add("single_threaded", 2, "The map rests on one contact",
            "If that one person moves on, the account goes dark. Build more threads.",
            [p for p in doc.people if p.id in covered])
    unknown = [p for p in doc.people if p.influence is None or p.support is None]
    if unknown:
        add("unknown_ratings", 2, "Ratings still unknown",
            "Unknown is a gap to close, not a neutral. Find out where these people stand.",
            unknown)
    if len(rated) >= 3 and not any(p.support is not None and p.support < 0 for p in rated):
        add("no_opponent", 3, "Nobody opposes us - really?",
            "A map without a single opponent is usually optimism. Who would prefer a competitor, "
            "or no change at all?")
    if len(rated) < rules.complete_map_size:
        add("too_few_people", 3, "Fewer people than a key account needs",
            f"{len(rated)} rated; a key account's buying group usually has around "
            f"{rules.complete_map_size} or more people worth knowing.")
    stale = [p for p in rated if p.verified_on is None
             or (today - p.verified_on).days > rules.stale_after_days]
    if stale:
        add("stale", 3, "Ratings not verified recently",
            f"Not checked for over {rules.stale_after_days} days (or never): maps that are not "
            "revisited quietly turn into fiction.", stale)

    quality = _quality(high, covered)
    strong = [link for link in doc.links
              if link.today is not None and link.today >= rules.strong_from]
    high_ids = {p.id for p in high}
    power = sum(link.theirs in high_ids for link in strong) / len(strong) if strong else None
    findings.sort(key=lambda f: f.severity)
    return CoverageReport(tuple(findings), quality, _QUALITY[quality], power, best)


def _quality(high: list[Stakeholder], covered: set[str]) -> int:
    if not covered:
        return 0
    reached = [p for p in high if p.id in covered]
    if not reached:
        return 1
    return 3 if any(p.support is not None and p.support > 0 for p in reached) else 2


def level_gaps(doc: StakeholderMapDoc, meaningful: int
                ) -> list[tuple[str, list[Stakeholder]]]:
    """Their levels with people on the map where no one of ours at the same level or above
    has a meaningful contact with anyone at that level."""
    team = {t.id: t for t in doc.team}
    gaps = []
    for level in LEVELS:
        theirs = [p for p in doc.people if p.level == level]
        if not theirs:
            continue
        ids = {p.id for p in theirs}
        peered = any(
            link.theirs in ids and link.today is not None and link.today >= meaningful
            and team[link.ours].level is not None
            and _RANK[team[link.ours].level] >= _RANK[level]  # type: ignore[index]
            for link in doc.links)
        if not peered:
            gaps.append((level, theirs))
    return gaps


def peer_grid(doc: StakeholderMapDoc) -> dict[str, dict[str, list[tuple[str, int | None,
                                                                         int | None]]]]:
    """Their level -> our team member id -> [(their person, level today, level wanted)]: the
    bow-tie (one thread each side) or diamond (many, at every level) at a glance."""
    people = {p.id: p for p in doc.people}
    grid: dict[str, dict[str, list[tuple[str, int | None, int | None]]]] = {
        lvl: {t.id: [] for t in doc.team} for lvl in [*LEVELS, UNKNOWN_LEVEL]}
    for link in doc.links:
        person = people[link.theirs]
        grid[person.level or UNKNOWN_LEVEL][link.ours].append(
            (_name(person), link.today, link.wanted))
    return grid
