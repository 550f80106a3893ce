"""Qualifying an opportunity: what the stakeholder map already answers, the qualification score
with its breakdown by group, the verdict it suggests with the reasons that drive it, and the gap
between the trainee's litmus answer and what the answers imply.

Each question earns its weight times the credit of its answer (content: `qualification.yaml`);
a question not answered counts as "don't know" - a risk, never a pass. Three questions are
pre-filled from step 2 until the trainee answers them: are we talking to every
decision-influencer (coverage), has a preference for us been expressed (supporters against
opponents among the high-influence people), and do we know the needs and wants of every player
(those missing them are named).
"""

from __future__ import annotations

from dataclasses import dataclass

from kamkit.frameworks import Framework
from kamkit.models import Stakeholder, StakeholderMapDoc
from kamkit.opportunity import Answer, Decision, Opportunity
from kamkit.qualification import QualificationContent, VerdictRule
from kamkit.scoring.coverage import best_levels

__all__ = ["QuestionResult", "GroupResult", "Qualification", "involved", "prefills",
           "qualify", "suggested_verdict", "implied_litmus", "litmus_gap", "person_name"]


def person_name(p: Stakeholder) -> str:
    return p.name or f"{p.title or 'unnamed'} (placeholder)"


@dataclass(frozen=True)
class QuestionResult:
    id: str
    text: str
    weight: float
    answer: Answer | None         # what counts: the trainee's answer, else the pre-fill
    points: float
    group: str                    # its group in the grouping shown
    prefilled: str | None = None  # where a pre-filled answer came from
    how: str = ""
    customer_words: bool = False

    @property
    def lost(self) -> float:
        return self.weight - self.points

    @property
    def unknown(self) -> bool:
        return self.answer in (None, "unknown")


@dataclass(frozen=True)
class GroupResult:
    id: str
    name: str
    points: float
    weight: float
    status: str                   # signs: "+", "?", "−"; rag: "green", "amber", "red"
    questions: tuple[QuestionResult, ...]


@dataclass(frozen=True)
class Qualification:
    score: float                  # 0-100
    items: tuple[QuestionResult, ...]
    groups: tuple[GroupResult, ...]
    style: str                    # the grouping's style: "signs" or "rag"

    @property
    def unknown(self) -> list[QuestionResult]:
        """Don't know, or not answered: the first gaps to close."""
        return [i for i in self.items if i.unknown]

    @property
    def answered(self) -> int:
        return sum(i.answer is not None for i in self.items)

    @property
    def gaps(self) -> list[QuestionResult]:
        """The questions leaving most points on the table, largest first."""
        return sorted((i for i in self.items if i.lost > 0), key=lambda i: -i.lost)


# -- what the map already knows --------------------------------------------------------------

def involved(opp: Opportunity, smap: StakeholderMapDoc) -> tuple[list[Stakeholder], bool]:
    """The people in this decision (picked from the map), and whether they were picked - with
    no one picked, the whole map stands in; with everyone picked gone from the map, nobody."""
    if opp.people:  # those picked still on the map (none, if all have left it)
        return [p for p in smap.people if p.id in opp.people], True
    return list(smap.people), False


def _names(people: list[Stakeholder]) -> str:
    return ", ".join(person_name(p) for p in people)


def prefills(opp: Opportunity, smap: StakeholderMapDoc,
             fw: Framework) -> dict[str, tuple[Answer, str]]:
    """question id -> (answer, where it came from) for the questions the map answers."""
    people, picked = involved(opp, smap)
    scope = "the people in this decision" if picked else "your whole map (nobody picked yet)"
    found: dict[str, tuple[Answer, str]] = {}
    for q in fw.qualification.questions:
        if q.prefill is None or not people:
            continue
        if q.prefill == "coverage":
            found[q.id] = _coverage(people, smap, fw, scope)
        elif q.prefill == "preference":
            found[q.id] = _preference(people, fw, scope)
        else:
            found[q.id] = _needs(people, scope)
    return found


def _coverage(people: list[Stakeholder], smap: StakeholderMapDoc, fw: Framework,
              scope: str) -> tuple[Answer, str]:
    grid = fw.grid
    deciders = [p for p in people if (p.influence or 0) >= grid.influence.high_from
                or p.role in grid.decision_maker_roles]
    if not deciders:
        return "unknown", (f"your stakeholder map: no decision-influencer identified among "
                           f"{scope}")
    best = best_levels(smap)
    missing = [p for p in deciders if best.get(p.id, 0) < grid.coverage.meaningful_from]
    answer: Answer = "yes" if not missing else "no" if len(missing) == len(deciders) \
        else "partly"
    text = (f"your stakeholder map: {len(deciders) - len(missing)} of {len(deciders)} "
            f"decision-influencers among {scope} have a meaningful contact of ours")
    return answer, text + (f" (not: {_names(missing)})" if missing else "")


def _preference(people: list[Stakeholder], fw: Framework, scope: str) -> tuple[Answer, str]:
    high = [p for p in people if (p.influence or 0) >= fw.grid.influence.high_from]
    if not high:
        return "unknown", f"your stakeholder map: no high-influence person among {scope}"
    pro = [p for p in high if p.support is not None and p.support > 0]
    con = [p for p in high if p.support is not None and p.support < 0]
    unrated = [p for p in high if p.support is None]
    answer: Answer
    if pro:
        answer = "yes" if not con and not unrated else "partly"
    else:
        answer = "no" if con or not unrated else "unknown"
    text = (f"your stakeholder map: of the {len(high)} high-influence people among {scope}, "
            f"{len(pro)} support{'s' if len(pro) == 1 else ''} us and {len(con)} "
            f"oppose{'s' if len(con) == 1 else ''} us")
    if unrated:
        text += f" ({len(unrated)} not rated: {_names(unrated)})"
    return answer, text


def _needs(people: list[Stakeholder], scope: str) -> tuple[Answer, str]:
    missing = [p for p in people if not p.needs.strip() and not p.wants.strip()]
    answer: Answer = "yes" if not missing else "no" if len(missing) == len(people) \
        else "partly"
    if not missing:
        return answer, f"your stakeholder map: needs or wants written for all of {scope}"
    return answer, (f"your stakeholder map: needs and wants not yet known for "
                    f"{_names(missing)}")


# -- the score, its groups, the verdict ------------------------------------------------------

def qualify(opp: Opportunity, fw: Framework,
            known: dict[str, tuple[Answer, str]] | None = None,
            grouping: str | None = None) -> Qualification:
    """The qualification of one opportunity; `known` are the map's pre-fills."""
    content = fw.qualification
    shown = content.grouping(grouping)
    items = []
    for q in content.questions:
        given = opp.answers.get(q.id)
        answer, source = (given.answer if given else None), None
        if answer is None and known and q.id in known:
            answer, source = known[q.id]
        points = q.weight * content.credit[answer or "unknown"]
        items.append(QuestionResult(q.id, q.text, q.weight, answer, points,
                                    q.groups[shown.id], source,
                                    given.how if given else "",
                                    given.customer_words if given else False))
    groups = []
    for g in shown.groups:
        mine = tuple(i for i in items if i.group == g.id)
        groups.append(GroupResult(g.id, g.name, sum(i.points for i in mine),
                                  sum(i.weight for i in mine), _status(mine, shown.style),
                                  mine))
    return Qualification(sum(i.points for i in items), tuple(items), tuple(groups),
                         shown.style)


def _status(items: tuple[QuestionResult, ...], style: str) -> str:
    answers = [i.answer for i in items]
    if style == "rag":  # green only on the customer's own words or numbers, written down
        if any(a in (None, "unknown", "no") for a in answers):
            return "red"
        if all(i.answer == "yes" and i.customer_words and i.how.strip() for i in items):
            return "green"
        return "amber"
    if "no" in answers:
        return "−"
    return "+" if all(a == "yes" for a in answers) else "?"


def suggested_verdict(result: Qualification, content: QualificationContent
                      ) -> tuple[Decision, list[str]]:
    """What the answers suggest - pursue, fix the gaps first, or qualify out - and why. A "no"
    to a must-have qualifies out; then too many unknowns call for finding out first; then the
    score decides - though a must-have not known yet is a gap to close, never a pursuit."""
    rule: VerdictRule = content.verdict
    score = round(result.score)
    fatal = [i for i in result.items if i.id in rule.must_have and i.answer == "no"]
    if fatal:
        return "qualify_out", [f"“No” to a question that must be yes: {i.text}" for i in fatal]
    unknown = result.unknown  # not knowing calls for finding out, before any other verdict
    vital = [i for i in unknown if i.id in rule.must_have]
    if vital:
        return "fix_gaps", [f"Not known yet, and it must be yes: {i.text}" for i in vital] + [
            f"{len(unknown)} questions in all are “don't know” or unanswered."] * (
            len(unknown) > len(vital))
    if len(unknown) > rule.max_unknown:
        return "fix_gaps", [f"{len(unknown)} questions are “don't know” or unanswered: find "
                            "out before investing more.", *_gap_reasons(result)]
    if result.score < rule.qualify_out_below:
        return "qualify_out", [f"The answers score {score} of 100, below "
                               f"{rule.qualify_out_below:g}: on this evidence we would not win.",
                               *_gap_reasons(result)]
    if result.score >= rule.pursue_from:
        carried = [i.text for i in result.items if i.answer == "yes"][:3]
        return "pursue", [f"The answers score {score} of 100 (pursue from "
                          f"{rule.pursue_from:g}).",
                          *(f"Yes: {t}" for t in carried)]
    return "fix_gaps", [f"The answers score {score} of 100: a real chance, with gaps to "
                        f"close before {rule.pursue_from:g}.", *_gap_reasons(result)]


def _gap_reasons(result: Qualification, top: int = 3) -> list[str]:
    words = {"no": "No", "partly": "Only partly", "unknown": "Don't know", None: "Not answered"}
    return [f"{words[i.answer]}: {i.text}" for i in result.gaps[:top]]


def implied_litmus(score: float, rule: VerdictRule) -> Answer:
    """The litmus answer the evidence supports: yes from the pursue line, no below the
    qualify-out line, partly between."""
    if score >= rule.pursue_from:
        return "yes"
    return "no" if score < rule.qualify_out_below else "partly"


def litmus_gap(opp: Opportunity, result: Qualification,
               content: QualificationContent) -> float | None:
    """The litmus answer (as credit, 0-100) minus the score: positive when the trainee feels
    better placed than the answers show. None when the litmus is not given or "don't know"."""
    if opp.litmus is None or opp.litmus == "unknown":
        return None
    return 100 * content.credit[opp.litmus] - result.score
