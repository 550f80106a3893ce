"""Step 3, the relationship score, as one unit: its document (the assessment and the earlier
ones), how complete it is, how it reads in the report, its dashboard figures (score beside the gut
feeling), its sheet, how a case study checks it, and the demo's sample assessments. The view is
`kamkit.ui.relationship`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from kamkit.account_plan import AccountPlanDoc
from kamkit.charts import feeling_vs_evidence, indicator_bars, trend_chart
from kamkit.checking import Clue, Item, KeyPart, within
from kamkit.frameworks import Framework
from kamkit.html import e
from kamkit.models import (
    IndicatorRating,
    PlanItem,
    ProfileDoc,
    RelationshipDoc,
    StakeholderMapDoc,
)
from kamkit.scoring.account_plan import qbr_evidence
from kamkit.scoring.progress import StepProgress, checklist
from kamkit.scoring.relationship import (
    RelationshipScore,
    as_shown,
    feeling_gap,
    prefills,
    relationship_score,
    since_last,
    trend,
)
from kamkit.steps import Checker, Docs, Sheet, Step
from kamkit.steps.placement import score_until, shown

__all__ = ["ID", "STEP", "progress", "known", "breakdown_html", "score_html", "gap_html",
           "bars_html", "trend_html", "relationship_html", "sample", "RelationshipKey", "LevelKey",
           "PlanKey", "figures", "figures_until", "alerts"]

ID = "relationship"


def progress(doc: RelationshipDoc, fw: Framework) -> StepProgress:
    items = [("gut feeling", doc.gut_feeling is not None)]
    for ind in fw.relationship.indicators:
        rating = doc.ratings.get(ind.id)
        items.append((ind.name.lower(), rating is not None and rating.level is not None))
    return checklist(ID, items)


def known(docs: Docs, fw: Framework, today: dt.date | None = None
          ) -> dict[str, tuple[int, str]]:
    """What the other steps already know (share of wallet, peer coverage, what the account
    plan's QBRs show), as pre-fills."""
    return prefills(fw, docs.of(ProfileDoc), docs.of(StakeholderMapDoc),
                    qbr_evidence(docs.of(AccountPlanDoc), docs.of(StakeholderMapDoc), fw,
                                 today or dt.date.today()))


# -- fragments the view and the report both show -----------------------------------------------

def breakdown_html(result: RelationshipScore) -> str:
    """What carries the score, what holds it down, and what is unproven, stale or unknown."""
    carry = ", ".join(f"{e(i.name)} (+{i.points:.0f})" for i in result.carriers)
    drag = ", ".join(f"{e(i.name)} (−{i.lost:.0f})" for i in result.draggers)
    notes = []
    if result.unproven:
        notes.append("Unproven (a level, but no evidence written): "
                     + e(", ".join(result.unproven)))
    stale = [i.name for i in result.items if i.stale]
    if stale:
        notes.append("Stale, counted at a reduced value: " + e(", ".join(stale)))
    if result.unsure:
        notes.append("You are not sure of these - check them first: "
                     + e(", ".join(result.unsure)))
    if result.unknown:
        notes.append("Don't know yet: " + e(", ".join(result.unknown)))
    return ((f"<div><b>Carried by</b> {carry}</div>" if carry else "")
            + (f"<div><b>Held down by</b> {drag}</div>" if drag else "")
            + "".join(f'<div class="kk-hint kk-gap">{n}</div>' for n in notes))


def score_html(doc: RelationshipDoc, result: RelationshipScore, fw: Framework,
               today: dt.date | None = None) -> str:
    """The evidence score with its stage, and how it moved since the last assessment."""
    moved = since_last(doc, fw, result.score, today)
    arrow = ("" if moved is None else
             f" <span class='kk-muted'>{moved[0]} from {moved[1]} last time</span>")
    return ("<div class='kk-card'><b>Evidence score: "
            + ("not yet" if result.score is None else
               f"{as_shown(result.score)} / 100 · {e(result.stage)}") + f"</b>{arrow}</div>")


def gap_html(doc: RelationshipDoc, result: RelationshipScore, fw: Framework) -> str:
    """The gut feeling beside the evidence, with a coaching prompt when they are far apart."""
    gap = feeling_gap(doc.gut_feeling, result.score, fw)
    return "" if gap is None else (
        f"<div class='kk-explain'>{e(gap[1])}</div>"
        + feeling_vs_evidence(doc.gut_feeling, result.score)  # type: ignore[arg-type]
        + (f'<div class="kk-hint kk-warning">{e(gap[2])}</div>' if gap[2] else ""))


def bars_html(result: RelationshipScore) -> str:
    return indicator_bars([(i.name, i.points, i.weight, i.unproven) for i in result.items])


def trend_html(doc: RelationshipDoc, fw: Framework, prefilled: dict[str, tuple[int, str]],
               today: dt.date | None = None) -> str:
    """Score and feeling over the assessments (empty with only one)."""
    points = trend(doc, fw, prefilled, today)
    if len(points) < 2:
        return ""
    return (trend_chart([(d.strftime("%b %Y"), s, f) for d, s, f in points])
            + "<div class='kk-muted'>Line: evidence score; dashed: gut feeling.</div>")


def relationship_html(docs: Docs, fw: Framework, today: dt.date) -> str:
    doc = docs.of(RelationshipDoc)
    prefilled = known(docs, fw)
    result = relationship_score(doc, fw, today, prefilled)
    if doc.gut_feeling is None and result.score is None:
        return "<p>Not started yet.</p>"
    feeling = ("" if doc.gut_feeling is None else
               f"<div>Gut feeling first: <b>{doc.gut_feeling}</b>"
               + (f" - “{e(doc.feeling_reason)}”" if doc.feeling_reason else "") + "</div>")
    rows = []
    for item in result.items:
        rating = doc.ratings.get(item.id)
        evidence = rating.evidence if rating else ""
        as_of = rating.as_of.isoformat() if rating and rating.as_of else ""
        level = ("don't know" if item.level is None else f"{item.level} - {item.label}")
        origin = f"<br><span class='kk-muted'>pre-filled from {e(item.prefilled)}</span>" \
            if item.prefilled else ""
        flags = " (stale)" if item.stale else " (unproven)" if item.unproven else ""
        rows.append(f"<tr><td>{e(item.name)}</td><td>{e(level)}{origin}</td>"
                    f"<td>{e(evidence)}</td><td>{e(as_of)}{flags}</td>"
                    f"<td>{item.points:.1f} / {item.weight:g}</td></tr>")
    plan = "".join(f"<li>{e(p.action)} <span class='kk-muted'>({e(p.owner)}"
                   f"{', by ' + p.due.isoformat() if p.due else ''})</span></li>"
                   for p in doc.plan)
    over_time = trend_html(doc, fw, prefilled, today)
    return (f"{feeling}{score_html(doc, result, fw, today)}"
            f'<div class="kk-cols"><div>{breakdown_html(result)}{bars_html(result)}'
            f"</div><div>{gap_html(doc, result, fw)}"
            + (f"<h3>Over time</h3>{over_time}" if over_time else "") + "</div></div>"
            '<table class="kk-table"><tr><th>Indicator</th><th>Level</th><th>Evidence</th>'
            f"<th>As of</th><th>Points</th></tr>{''.join(rows)}</table>"
            + (f"<h3>Improvement plan</h3><ul>{plan}</ul>" if plan else ""))


# -- the dashboard and the spreadsheet ---------------------------------------------------------

def figures(docs: Docs, fw: Framework, today: dt.date) -> dict[str, Any]:
    doc = docs.of(RelationshipDoc)
    value = shown(docs, fw, today)  # the profile's placement shows it too: scored once
    # pre-fills alone are not an assessment: no score until the trainee has begun this step
    score = as_shown(value) if value is not None else None
    feeling = doc.gut_feeling
    return {"score": score,
            "stage": fw.relationship.stage_for(value) if value is not None else None,
            "feeling": feeling,
            "gap": feeling - score if feeling is not None and score is not None else None}


def figures_until(docs: Docs, fw: Framework, today: dt.date) -> dt.date | None:
    return score_until(docs, fw, today)  # the feeling is the trainee's, dated by nothing


def alerts(docs: Docs, fw: Framework, today: dt.date) -> list[str]:
    """An assessment older than the content's `stale_after_days` is due again."""
    doc = docs.of(RelationshipDoc)
    days = fw.relationship.stale_after_days
    if doc.started and (today - doc.started_on).days > days:
        return [f"assessed on {doc.started_on.isoformat()}, over {days} days ago: "
                "time to assess again"]
    return []


def _sheet_head(fw: Framework) -> list[str]:
    return (["Started on", "Gut feeling", "Evidence score", "Stage"]
            + [i.name for i in fw.relationship.indicators])


def _sheet_rows(docs: Docs, fw: Framework, today: dt.date) -> list[list[Any]]:
    doc = docs.of(RelationshipDoc)
    result = relationship_score(doc, fw, today, known(docs, fw))
    levels = [(doc.ratings[i.id].level if i.id in doc.ratings else None)
              for i in fw.relationship.indicators]
    return [[doc.started_on, doc.gut_feeling,
             as_shown(result.score) if result.score is not None else None, result.stage,
             *levels]]


# -- case studies ------------------------------------------------------------------------------

class LevelKey(Clue):
    level: int = Field(ge=0, le=4)
    tolerance: int | None = Field(default=None, ge=0, le=4)


class PlanKey(Clue):
    any_of: tuple[str, ...] = Field(min_length=1)


class RelationshipKey(KeyPart):
    indicators: dict[str, LevelKey]
    plan: PlanKey | None = None


def _check(work: Docs, case: Docs, key: RelationshipKey, fw: Framework) -> list[Item]:
    doc = work.of(RelationshipDoc)
    tol = fw.exercises.tolerance.level
    by_id = {i.id: i for i in fw.relationship.indicators}
    items = []
    for iid, lk in key.indicators.items():
        ind = by_id[iid]
        rating = doc.ratings.get(iid)
        level = rating.level if rating else None
        t = tol if lk.tolerance is None else lk.tolerance
        items.append(Item(f"level:{iid}", ind.name, within(level, lk.level, t),
                          "don't know" if level is None else f"“{ind.levels[level]}”",
                          f"“{ind.levels[lk.level]}”", lk))
    if key.plan is not None:
        picked = [p.indicator for p in doc.plan]
        names = ", ".join(by_id[i].name.lower() for i in picked) or "no plan yet"
        items.append(Item("plan", "your improvement plan",
                          any(i in key.plan.any_of for i in picked), names,
                          "one of: " + ", ".join(by_id[i].name.lower()
                                                 for i in key.plan.any_of), key.plan))
    return items


def _problems(key: RelationshipKey, case: Docs, fw: Framework) -> list[tuple[str, str]]:
    indicators = {i.id for i in fw.relationship.indicators}
    found = [(f"indicators.{i}", "unknown indicator") for i in key.indicators
             if i not in indicators]
    if key.plan:
        found += [("plan", f"unknown indicator '{i}'") for i in key.plan.any_of
                  if i not in indicators]
    return found


def _explain(item_id: str, case: Docs, key: RelationshipKey, fw: Framework) -> tuple[str, str]:
    kind, _, ref = item_id.partition(":")
    if kind == "plan":
        return "The improvement plan", key.plan.why if key.plan else ""
    names = {i.id: i.name for i in fw.relationship.indicators}
    found = key.indicators.get(ref)
    return names.get(ref, ref), found.why if found else ""


def _answer(case: Docs, key: RelationshipKey, today: dt.date) -> RelationshipDoc:
    return RelationshipDoc(
        gut_feeling=50, feeling_locked=True,
        ratings={iid: IndicatorRating(level=lk.level, evidence=lk.why, as_of=today)
                 for iid, lk in key.indicators.items()},
        plan=[PlanItem(indicator=key.plan.any_of[0], action="As the key says", owner="You")]
        if key.plan else [])


# -- the demo ----------------------------------------------------------------------------------

def sample(today: dt.date, partial: bool = False) -> RelationshipDoc:
    """Two assessments: last quarter's, and today's (feeling 75, evidence rather lower); begun,
    only the feeling."""
    if partial:
        return RelationshipDoc(gut_feeling=60, feeling_reason="Good people, slow decisions.")
    evidence = {
        "prompt_payment": (3, "Finance report: 41 days average against 45-day terms."),
        "executive_attendance": (2, "Their COO came to our spring briefing when invited."),
        "plan_sharing": (1, "Only the headlines of the automation programme."),
        "testimonial": (1, ""),
        "peer_contact": (2, "See the stakeholder map: manager level only."),
        "retention": (3, "Customer since 2020, both renewals won."),
        "share_of_wallet": (1, "27 % of their telematics spend."),
        "breadth_of_access": (2, "Operations and IT."),
        "business_reviews": (2, "QBRs held, without senior attendance."),
    }
    earlier = {k: max(0, v - 1) for k, (v, _) in evidence.items()}
    last_quarter = today - dt.timedelta(days=91)
    history = [{"started_on": last_quarter, "gut_feeling": 70, "feeling_locked": True,
                "feeling_reason": "They always take my calls.",
                "ratings": {k: {"level": v, "evidence": "Earlier assessment",
                                "as_of": last_quarter} for k, v in earlier.items()}}]
    return RelationshipDoc(
        started_on=today - dt.timedelta(days=2), gut_feeling=75, feeling_locked=True,
        feeling_reason="Operations love us and the COO is a fan.",
        ratings={k: {"level": v, "evidence": e, "as_of": today - dt.timedelta(days=30)}
                 for k, (v, e) in evidence.items()},
        plan=[{"indicator": "plan_sharing", "action": "Propose a joint planning day with the "
               "COO before the budget round", "owner": "You",
               "due": today + dt.timedelta(days=45)}],
        history=history)


STEP = Step(
    id=ID,
    model=RelationshipDoc,
    progress=progress,
    html=relationship_html,
    view="kamkit.ui.relationship:app",
    checker=Checker(key=RelationshipKey, check=_check, problems=_problems, explain=_explain,
                    answer=_answer),
    figures=figures,
    figures_until=figures_until,
    columns={"score": "Relationship score", "feeling": "Gut feeling",
             "gap": "Feeling minus evidence"},
    sheet=Sheet(head=_sheet_head, rows=_sheet_rows),
    sample=sample,
    alerts=alerts,
)
