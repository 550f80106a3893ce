"""Step 4, opportunities, as one unit: its document (the opportunities with their qualification,
the activity plan, the trainee's own forecast), how complete it is, how it reads in the report
and the drill-down, its dashboard figures (open pipeline, weighted forecast, opportunities
qualified out, litmus against evidence), its sheet, how a case study checks it, and the demo's
sample. The view is `kamkit.ui.opportunities`; the rules are in `kamkit.scoring.qualification`,
`kamkit.scoring.forecast` and `kamkit.scoring.activity`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kamkit.charts import forecast_chart
from kamkit.frameworks import Framework
from kamkit.html import e
from kamkit.models import ProfileDoc, StakeholderMapDoc
from kamkit.opportunity import OpportunitiesDoc, Opportunity
from kamkit.scoring.activity import PlanSummary, contacts_of, plan_summary
from kamkit.scoring.forecast import Forecast, forecast, won_before_from
from kamkit.scoring.progress import StepProgress, checklist
from kamkit.scoring.qualification import (
    Qualification,
    implied_litmus,
    litmus_gap,
    prefills,
    qualify,
    suggested_verdict,
)
from kamkit.steps import Checker, Docs, Sheet, Step
from kamkit.steps.opportunities_check import OpportunitiesKey, answer, check, explain, problems

__all__ = ["ID", "STEP", "progress", "qualified", "litmus_html", "groups_html",
           "verdict_html", "plan_html", "forecast_html", "opportunities_html", "figures",
           "figures_until", "sample", "money"]

ID = "opportunities"


def progress(doc: OpportunitiesDoc, fw: Framework) -> StepProgress:
    """An opportunity; for each, the litmus, every question (or qualified out) and a decision;
    a plan; and the trainee's own forecast."""
    items = [("an opportunity", bool(doc.opportunities))]
    questions = [q.id for q in fw.qualification.questions]
    for opp in doc.opportunities:
        # walking away on evidence needs no more answers than the ones that decided it
        answered = opp.decision == "qualify_out" or all(
            opp.answers.get(q) is not None and opp.answers[q].answer is not None
            for q in questions)
        items += [(f"{opp.name}: the litmus test", opp.litmus_locked),
                  (f"{opp.name}: the questions", answered),
                  (f"{opp.name}: your decision", opp.decision is not None)]
    items += [("the activity plan", any(o.contacts for o in doc.outcomes)),
              ("your own forecast", doc.estimate_locked)]
    return checklist(ID, items)


def qualified(opp: Opportunity, smap: StakeholderMapDoc, fw: Framework) -> Qualification:
    """The opportunity's qualification, with what the map already answers."""
    return qualify(opp, fw, prefills(opp, smap, fw))


def money(value: float | None, currency: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" + (f" {currency}" if currency else "")


# -- fragments the view and the report both show -----------------------------------------------

def litmus_html(opp: Opportunity, result: Qualification, fw: Framework) -> str:
    """The litmus answer as said, beside what the answers imply - and the gap, when wide."""
    content = fw.qualification
    if opp.litmus is None:
        return ""
    said = content.answers[opp.litmus]
    implied = content.answers[implied_litmus(result.score, content.verdict)]
    text = (f"<div>Litmus test, first: <b>{e(said)}</b>"
            + (f" - “{e(opp.litmus_reason)}”" if opp.litmus_reason else "")
            + f"</div><div>What your answers imply: <b>{e(implied)}</b> "
            f"(score {result.score:.0f} / 100)</div>")
    implied_answer = implied_litmus(result.score, content.verdict)
    if opp.litmus == "unknown":
        text += ('<div class="kk-hint kk-warning">You do not know if we would win: the '
                 "questions below are where to find out.</div>")
    elif implied_answer != opp.litmus:
        hopeful = _RANK[opp.litmus] > _RANK[implied_answer]
        text += ('<div class="kk-hint kk-warning">'
                 + ("Your litmus answer is more hopeful than your answers: what do you know "
                    "that you have not written down - or is it hope?" if hopeful else
                    "Your answers are stronger than your litmus answer: what worries you that "
                    "the questions do not ask?") + "</div>")
    return f'<div class="kk-litmus">{text}</div>'


_RANK = {"no": 0, "partly": 1, "yes": 2}
_BADGE = {"+": "#d3f9d8", "?": "#fff3bf", "−": "#ffe3e3",
          "green": "#d3f9d8", "amber": "#fff3bf", "red": "#ffe3e3"}


def groups_html(result: Qualification, fw: Framework) -> str:
    """The score's breakdown by the grouping shown: each group's points and its status."""
    grouping = fw.qualification.grouping()
    rows = "".join(
        f"<tr><td>{e(g.name)}</td><td><span class='kk-state' style='background:"
        f"{_BADGE[g.status]}'>{e(g.status)}</span></td>"
        f"<td>{g.points:.0f} / {g.weight:g}</td></tr>" for g in result.groups)
    note = ("<div class='kk-muted'>Green only on the customer's own words or numbers.</div>"
            if result.style == "rag" else "")
    return (f"<div><b>{e(grouping.name)}</b></div><table class='kk-table'>{rows}</table>"
            + note)


def verdict_html(opp: Opportunity, result: Qualification, fw: Framework) -> str:
    """The verdict the answers suggest, its reasons, and the trainee's own decision."""
    content = fw.qualification
    verdict, reasons = suggested_verdict(result, content)
    words = content.verdicts
    out = (f"<div class='kk-card kk-verdict'><b>The answers suggest: {e(words[verdict])}</b>"
           f"<ul>{''.join(f'<li>{e(r)}</li>' for r in reasons)}</ul>")
    if opp.decision is not None:
        out += (f"<div>Your decision: <b>{e(words[opp.decision])}</b>"
                + (f" - “{e(opp.decision_reason)}”" if opp.decision_reason else "") + "</div>")
        if opp.decision != verdict:
            out += ('<div class="kk-hint kk-warning">Your decision differs from what the answers '
                    "suggest: say why in your reason.</div>")
        if opp.decision == "qualify_out":
            out += ("<div class='kk-ok'>Qualified out: a decision taken on evidence is a "
                    "result.</div>")
    return out + "</div>"


def plan_html(doc: OpportunitiesDoc, summary: PlanSummary, smap: StakeholderMapDoc,
              fw: Framework, currency: str = "") -> str:
    """The activity plan: outcomes, the contacts planned, what they should convert, the gaps."""
    names = {p.id: p.name or p.title or p.id for p in smap.people}
    opps = {o.id: o.name for o in doc.opportunities}
    kinds = {c.id: c.name for c in fw.qualification.contacts}
    rows = []
    for outcome in doc.outcomes:
        n, expected = contacts_of(outcome)
        planned = "; ".join(
            f"{c.count} × {kinds.get(c.kind, c.kind)}"
            + (f" with {', '.join(names.get(p, 'someone no longer on the map') for p in c.people)}"
               if c.people else "")
            + (f" ({c.conversion_pct:g} %)" if c.conversion_pct is not None else "")
            for c in outcome.contacts)
        rows.append(f"<tr><td>{e(outcome.what)}</td>"
                    f"<td>{e(opps.get(outcome.opportunity or '', 'the account'))}</td>"
                    f"<td>{e(outcome.by.isoformat() if outcome.by else '')}</td>"
                    f"<td>{e(money(outcome.value, currency))}</td><td>{e(planned)}</td>"
                    f"<td>{n} / {expected:.1f}</td></tr>")
    table = ("<table class='kk-table'><tr><th>Outcome</th><th>For</th><th>By</th><th>Value</th>"
             "<th>Contacts planned</th><th>Contacts / expected to convert</th></tr>"
             + "".join(rows) + "</table>") if rows else "<p>No outcomes planned yet.</p>"
    found = "".join(
        f'<div class="kk-hint kk-warning"><b>{e(f.title)}</b> {e(f.reason)}'
        + (f" <i>{e(', '.join(f.people))}</i>" if f.people else "") + "</div>"
        for f in summary.findings)
    return (f"{table}<div>{summary.contacts} contacts planned, about {summary.expected:.1f} "
            f"expected to convert.</div>{found}")


def forecast_html(fc: Forecast, currency: str = "") -> str:
    """The forecast by quarter, beside the trainee's own estimate, and what would move it."""
    chart = forecast_chart(fc.by_quarter(), fc.estimate, currency)
    rows = "".join(
        f"<tr><td>{e(r.name)}</td><td>{e(r.quarter)}{' (date passed)' if r.overdue else ''}"
        f"</td><td>{e(r.status)}</td><td>{e(money(r.value, currency))}</td>"
        f"<td>{r.probability:.0f} %</td><td>{e(money(r.weighted, currency))}</td></tr>"
        for r in fc.rows)
    own = ""
    if fc.estimate is not None:
        diff = fc.estimate - fc.weighted
        own = (f"<div>Your own estimate: <b>{e(money(fc.estimate, currency))}</b>; the weighted "
               f"forecast: <b>{e(money(fc.weighted, currency))}</b> "
               f"(yours is {e(money(abs(diff), currency))} "
               f"{'above' if diff >= 0 else 'below'} it).</div>")
    movers = "".join(f"<li>{e(m.opportunity)}: “{e(m.question)}” answered yes: "
                     f"+{e(money(m.gain, currency))}</li>" for m in fc.movers)
    won = (f"won {e(money(fc.won, currency))} and " if fc.won else "")
    return (f"<div class='kk-card'><b>Weighted forecast: {e(money(fc.weighted, currency))}</b> "
            f"(retained {e(money(fc.retained, currency))}, incremental "
            f"{e(money(fc.incremental, currency))}), from {won}an open pipeline of "
            f"{e(money(fc.open_pipeline, currency))}; {fc.qualified_out} qualified out.</div>"
            f"{own}{chart}"
            "<table class='kk-table'><tr><th>Opportunity</th><th>Decision in</th><th>Status</th>"
            f"<th>Value</th><th>Win probability</th><th>Weighted</th></tr>{rows}</table>"
            + (f"<div><b>What would move it most</b><ol>{movers}</ol></div>" if movers else ""))


def opportunities_html(docs: Docs, fw: Framework, today: dt.date) -> str:
    doc = docs.of(OpportunitiesDoc)
    if not doc.opportunities and not doc.outcomes:
        return "<p>Not started yet.</p>"
    smap = docs.of(StakeholderMapDoc)
    currency = docs.of(ProfileDoc).currency
    kinds = fw.qualification.kinds
    parts = []
    for opp in doc.opportunities:
        result = qualified(opp, smap, fw)
        stage = fw.qualification.stage(opp.stage)
        people = ", ".join(p.name or p.title for p in smap.people if p.id in opp.people)
        said = fw.qualification.answers
        answers = "".join(
            f"<tr><td>{e(i.text)}</td><td>{e(said[i.answer] if i.answer else 'not answered')}"
            + (f"<br><span class='kk-muted'>pre-filled from {e(i.prefilled)}</span>"
               if i.prefilled else "")
            + f"</td><td>{e(i.how)}{' (their words)' if i.customer_words else ''}</td></tr>"
            for i in result.items)
        parts.append(
            f"<h3>{e(opp.name)}</h3><div class='kk-muted'>{e(kinds[opp.kind])} · "
            f"{e(money(opp.value, currency))} · decision "
            f"{e(opp.decision_date.isoformat() if opp.decision_date else 'date not known')}"
            f" · {e(stage.name if stage else 'stage not set')}"
            + (f" · against {e(', '.join(opp.competitors))}" if opp.competitors else "")
            + (f" · people: {e(people)}" if people else "") + "</div>"
            f"<div class='kk-cols'><div>{litmus_html(opp, result, fw)}"
            f"{groups_html(result, fw)}</div><div>{verdict_html(opp, result, fw)}</div></div>"
            "<table class='kk-table'><tr><th>Question</th><th>Answer</th><th>How we know</th>"
            f"</tr>{answers}</table>")
    summary = plan_summary(doc, smap, fw, today)
    fc = forecast(doc, smap, fw, today)
    return ("".join(parts) + "<h3>Activity plan</h3>" + plan_html(doc, summary, smap, fw, currency)
            + "<h3>Forecast</h3>" + forecast_html(fc, currency))


# -- the dashboard and the spreadsheet ---------------------------------------------------------

def figures(docs: Docs, fw: Framework, today: dt.date) -> dict[str, Any]:
    doc = docs.of(OpportunitiesDoc)
    if not doc.opportunities:
        return {"pipeline": None, "forecast": None, "qualified_out": None, "litmus_gap": None}
    smap = docs.of(StakeholderMapDoc)
    results = [qualified(opp, smap, fw) for opp in doc.opportunities]  # once each
    fc = forecast(doc, smap, fw, today, qualified=results)
    gaps = [g for opp, result in zip(doc.opportunities, results, strict=True)
            if opp.litmus_locked
            and (g := litmus_gap(opp, result, fw.qualification)) is not None]
    return {"pipeline": round(fc.open_pipeline), "forecast": round(fc.weighted),
            "qualified_out": fc.qualified_out,
            "litmus_gap": round(sum(gaps) / len(gaps)) if gaps else None}


def figures_until(docs: Docs, fw: Framework, today: dt.date) -> dt.date | None:
    return won_before_from(docs.of(OpportunitiesDoc), fw, today)


def _sheet_head(fw: Framework) -> list[str]:
    return ["Opportunity", "Kind", "Value", "Decision date", "Stage", "Litmus", "Score",
            "Answers suggest", "Decision", "Reason", "Win probability %", "Weighted"]


def _sheet_rows(docs: Docs, fw: Framework, today: dt.date) -> list[list[Any]]:
    doc = docs.of(OpportunitiesDoc)
    smap = docs.of(StakeholderMapDoc)
    content = fw.qualification
    rows_by_id = {r.id: r for r in forecast(doc, smap, fw, today).rows}
    out = []
    for opp in doc.opportunities:
        result = qualified(opp, smap, fw)
        stage = content.stage(opp.stage)
        row = rows_by_id[opp.id]
        out.append([opp.name, content.kinds[opp.kind], opp.value, opp.decision_date,
                    stage.name if stage else opp.stage, content.answers.get(opp.litmus or "", None)
                    if opp.litmus else None, round(result.score),
                    content.verdicts[suggested_verdict(result, content)[0]],
                    content.verdicts[opp.decision] if opp.decision else None,
                    opp.decision_reason, round(row.probability), round(row.weighted)])
    return out


# -- the demo ----------------------------------------------------------------------------------

def _answers(**given: tuple[str, str]) -> dict[str, dict[str, Any]]:
    return {q: {"answer": a, "how": how, "customer_words": how.startswith("“")}
            for q, (a, how) in given.items()}


def sample(today: dt.date, partial: bool = False) -> OpportunitiesDoc:
    """The sample customer's three opportunities - a renewal to keep, an upsell with gaps and a
    cross-sell qualified out - with an activity plan and the trainee's own forecast (or begun:
    one opportunity, litmus only). People are the sample map's (`steps.stakeholders.sample`)."""
    def day(n: int) -> dt.date:
        return today + dt.timedelta(days=n)

    renewal = {
        "id": "o1", "name": "Fleet telematics renewal", "kind": "renewal", "value": 1_200_000,
        "decision_date": day(150), "stage": "negotiating", "competitors": ["RouteMax"],
        "people": ["p1", "p2", "p3", "p6"], "litmus": "partly", "litmus_locked": True,
        "litmus_reason": "Operations want us; the new CFO is an unknown."}
    if partial:
        return OpportunitiesDoc.model_validate({"opportunities": [renewal]})
    renewal |= {
        "answers": _answers(
            decision_aware=("yes", "“The contract ends in June; we must decide by March” - COO"),
            budget=("yes", "Budgeted in the 2027 plan, same line as today."),
            decision_process=("partly", "COO recommends, CFO signs; the CFO's steps unknown."),
            buying_process=("partly", "Procurement runs a price benchmark every renewal."),
            can_meet=("yes", "Same scope, plus two new depots we already serve elsewhere."),
            unique=("yes", "“Your driver app cut our training time in half” - hub manager"),
            worth=("yes", "31 % margin; our largest account in the region."),
            needs_known=("partly", "All but the new CFO's: not met yet."),
            influencers=("partly", "CEO, COO and procurement yes; the CFO not yet."),
            preference=("partly", "The COO asked us to present; the CEO is neutral.")),
        "decision": "pursue",
        "decision_reason": "Strong with operations; close the CFO gap before March."}
    upsell = {
        "id": "o2", "name": "Route optimisation for the Venlo hub", "kind": "upsell",
        "value": 300_000, "decision_date": day(120), "stage": "proposing",
        "competitors": ["RouteMax"], "people": ["p3", "p4", "p5"], "litmus": "yes",
        "litmus_locked": True, "litmus_reason": "Jan loves the pilot.",
        "answers": _answers(
            decision_aware=("yes", "Pilot report asked for by the COO."),
            budget=("unknown", ""),
            buying_process=("no", "We assumed the COO buys; IT runs every software choice."),
            can_meet=("yes", "Pilot met its targets."),
            unique=("partly", "RouteMax offers the same API."),
            worth=("yes", "“Two fewer trucks per shift” - hub manager"),
            decision_process=("unknown", ""),
            needs_known=("partly", "Operations' needs yes; IT's not."),
            influencers=("no", "Never met the Head of IT about it."),
            preference=("partly", "The COO yes; IT prefers RouteMax.")),
        "decision": "fix_gaps",
        "decision_reason": "Find the budget owner and meet IT before proposing."}
    cross = {
        "id": "o3", "name": "Cold-chain sensors", "kind": "cross_sell", "value": 450_000,
        "decision_date": day(200), "stage": "qualifying", "people": ["p4", "p8"],
        "litmus": "no", "litmus_locked": True, "litmus_reason": "IT has chosen already.",
        "answers": _answers(budget=("no", "“Nothing for sensors before 2028” - Head of IT"),
                            preference=("no", "IT prefers RouteMax's platform.")),
        "decision": "qualify_out",
        "decision_reason": "No budget before 2028 and IT prefers RouteMax: revisit next year."}
    outcomes = [
        {"what": "Renewal signed for three years", "opportunity": "o1", "by": day(150),
         "value": 1_200_000, "contacts": [
             {"kind": "executive_visit", "count": 1, "people": ["p1"], "conversion_pct": 50},
             {"kind": "meeting", "count": 3, "people": ["p2"], "conversion_pct": 30},
             {"kind": "qbr", "count": 1, "people": ["p3", "p6"], "conversion_pct": 40}]},
        {"what": "Pilot extended to a paid project", "opportunity": "o2", "by": day(100),
         "value": 300_000, "contacts": [
             {"kind": "demo", "count": 2, "people": ["p3", "p5"], "conversion_pct": 40},
             {"kind": "workshop", "count": 1, "people": ["p4"], "conversion_pct": 45}]},
        {"what": "A senior sponsor at their board", "by": day(90), "contacts": [
            {"kind": "executive_visit", "count": 2, "people": ["p1"], "conversion_pct": 50}]}]
    return OpportunitiesDoc.model_validate({"opportunities": [renewal, upsell, cross],
                                            "outcomes": outcomes, "estimate": 1_300_000,
                                            "estimate_locked": True})


STEP = Step(
    id=ID,
    model=OpportunitiesDoc,
    progress=progress,
    html=opportunities_html,
    view="kamkit.ui.opportunities:app",
    checker=Checker(key=OpportunitiesKey, check=check, problems=problems, explain=explain,
                    answer=answer),
    figures=figures,
    figures_until=figures_until,
    columns={"pipeline": "Open pipeline", "forecast": "Weighted forecast",
             "qualified_out": "Qualified out", "litmus_gap": "Litmus minus evidence"},
    sheet=Sheet(head=_sheet_head, rows=_sheet_rows),
    sample=sample,
)
