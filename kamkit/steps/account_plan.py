"""Step 5, the account plan, as one unit: its document (objectives, actions, KPIs, white space,
value case, team commitments, QBRs, next review), how complete it is, how it reads in the report
and the drill-down, its dashboard figures (objectives on track, overdue actions, a plan past its
review), its sheet and the demo's sample. The rules are `kamkit.scoring.account_plan`; the view
is `kamkit.ui.account_plan`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kamkit.account_plan import AccountPlanDoc
from kamkit.charts import sparkline
from kamkit.frameworks import Framework
from kamkit.html import e, number
from kamkit.models import ProfileDoc, RelationshipDoc, StakeholderMapDoc
from kamkit.opportunity import OpportunitiesDoc
from kamkit.scoring.account_plan import (
    Finding,
    PlanAction,
    Portfolio,
    is_stale,
    kpi_state,
    on_track,
    plan_actions,
    plan_dated_from,
    plan_findings,
    unchecked,
    value_case,
    white_space_sum,
)
from kamkit.scoring.forecast import status_of
from kamkit.scoring.progress import StepProgress, checklist
from kamkit.steps import Checker, Docs, Sheet, Step
from kamkit.steps.account_plan_check import AccountPlanKey, answer, check, explain, problems
from kamkit.steps.placement import placement

__all__ = ["ID", "STEP", "progress", "findings", "findings_html", "objectives_html",
           "actions_html", "actions_table", "kpis_html", "white_space_html", "value_html",
           "team_html", "qbrs_html", "account_plan_html", "figures", "figures_until", "alerts",
           "sample", "money"]

ID = "account_plan"


def money(value: float | None, currency: str = "") -> str:
    return "—" if value is None else f"{value:,.0f}" + (f" {currency}" if currency else "")


def progress(doc: AccountPlanDoc, fw: Framework) -> StepProgress:
    """An objective measured and linked, an owned and dated action, a KPI measured, the white
    space, a value case with evidence, the team's commitments, a QBR and a next review."""
    return checklist(ID, [
        ("an objective with a target, linked to a customer goal", any(
            o.target is not None and o.serves for o in doc.objectives)),
        ("an action with an owner and a date", any(a.owner and a.due for a in doc.actions)),
        ("a KPI with an actual", any(k.actuals for k in doc.kpis)),
        ("the white space", bool(doc.white_space.cells)),
        ("the value case, with evidence", any(v.evidence.strip() for v in doc.value)),
        ("the team's commitments", any(c.commitment.strip() for c in doc.team)),
        ("a QBR recorded", bool(doc.qbrs)),
        ("the next review date", doc.next_review is not None)])


def findings(docs: Docs, fw: Framework, today: dt.date,
             portfolio: Portfolio | None = None) -> list[Finding]:
    """What the plan should look at, from the account's documents (and, where the caller
    knows it, the account manager's portfolio)."""
    purpose = placement(docs, fw, today).purpose
    if portfolio is None and docs.key_accounts is not None:
        portfolio = Portfolio(docs.key_accounts)
    return plan_findings(docs.of(AccountPlanDoc), docs.of(ProfileDoc),
                         docs.of(StakeholderMapDoc), docs.of(RelationshipDoc),
                         purpose.id if purpose else None, fw, today, portfolio)


# -- fragments the view, the report and the QBR pack show ---------------------------------------

def findings_html(found: list[Finding]) -> str:
    return "".join(
        f'<div class="kk-hint {"kk-warning" if f.severity == 1 else ""}"><b>{e(f.title)}</b> '
        f"{e(f.reason)}" + (f" <i>{e(', '.join(f.items))}</i>" if f.items else "") + "</div>"
        for f in found) or "<div class='kk-ok'>Nothing to look at: the plan holds.</div>"


def objectives_html(doc: AccountPlanDoc, smap: StakeholderMapDoc, fw: Framework) -> str:
    if not doc.objectives:
        return "<p>No objectives yet.</p>"
    content = fw.account_plan
    owners = {t.id: t.name for t in smap.team}
    rows = "".join(
        f"<tr><td>{e(o.title)}<br><span class='kk-muted'>"
        f"{e(content.objective_kinds.get(o.kind, o.kind))}</span></td>"
        f"<td>{e(o.metric)}</td><td>{number(o.baseline)} → "
        f"{number(o.target)}</td>"
        f"<td>{e(o.due.isoformat() if o.due else '')}</td>"
        f"<td>{e(owners.get(o.owner, o.owner))}</td>"
        f"<td>{e(content.statuses[o.status])}</td>"
        f"<td>{e('; '.join(o.serves)) or '<i>no customer goal</i>'}</td></tr>"
        for o in doc.objectives)
    return ("<table class='kk-table'><tr><th>Objective</th><th>Metric</th><th>From → to</th>"
            "<th>By</th><th>Owner</th><th>Status</th><th>Serves their goal</th></tr>"
            f"{rows}</table>")


def actions_html(docs: Docs, fw: Framework, today: dt.date) -> str:
    acts = plan_actions(docs.of(AccountPlanDoc), docs.of(StakeholderMapDoc),
                        docs.of(RelationshipDoc), fw)
    return actions_table(acts, fw, today) if acts else "<p>No actions yet.</p>"


def actions_table(acts: list[PlanAction], fw: Framework, today: dt.date) -> str:
    """Actions with what they are for, owner, date (overdue marked), status and where they
    were written - the plan's own and those of other steps alike."""
    statuses = fw.account_plan.statuses
    rows = "".join(
        f"<tr class='{'kk-bad' if a.overdue(today) else ''}'><td>{e(a.what)}</td>"
        f"<td>{e(a.about)}</td><td>{e(a.owner) or '<i>nobody</i>'}</td>"
        f"<td>{e(a.due.isoformat() if a.due else '')}{' (overdue)' if a.overdue(today) else ''}"
        f"</td><td>{e(statuses.get(a.status, a.status))}</td><td class='kk-muted'>"
        f"{e(a.source)}</td></tr>" for a in acts)
    return ("<table class='kk-table'><tr><th>Action</th><th>For</th><th>Owner</th><th>Due</th>"
            f"<th>Status</th><th>Written in</th></tr>{rows}</table>")


def kpis_html(doc: AccountPlanDoc) -> str:
    if not doc.kpis:
        return "<p>No KPIs yet.</p>"
    rows = []
    for k in doc.kpis:
        state = kpi_state(k)
        latest = "" if state.latest is None else f"{number(state.latest)} ({state.on})"
        mark = "" if state.reached is None else (" ✔ reached" if state.reached else " not yet")
        rows.append(f"<tr><td>{e(k.name)}</td><td>{e(latest)}{mark}</td>"
                    f"<td>{number(k.target)} {e(k.unit)}</td>"
                    f"<td>{sparkline([v for _, v in state.points], k.target, k.name)}</td></tr>")
    return ("<table class='kk-table'><tr><th>KPI</th><th>Latest</th><th>Target</th>"
            f"<th>Trend</th></tr>{''.join(rows)}</table>")


def white_space_html(doc: AccountPlanDoc, fw: Framework, currency: str = "",
                     opportunities: OpportunitiesDoc | None = None) -> str:
    ws = doc.white_space
    if not ws.units or not ws.offerings:
        return "<p>No white space mapped yet.</p>"
    states = fw.account_plan.white_space
    names = {o.id: o.name for o in opportunities.opportunities} if opportunities else {}
    cells = {(c.unit, c.offering): c for c in ws.cells}
    head = "".join(f"<th>{e(o)}</th>" for o in ws.offerings)
    body = ""
    for unit in ws.units:
        tds = ""
        for off in ws.offerings:
            c = cells.get((unit, off))
            text = "" if c is None else e(states[c.state]) + (
                f"<br>{e(money(c.value, currency))}" if c.value is not None else "") + (
                f"<br><span class='kk-muted'>{e(names.get(c.opportunity or '', ''))}</span>"
                if c.opportunity else "")
            tds += f"<td class='kk-ws-{c.state if c else 'none'}'>{text}</td>"
        body += f"<tr><th>{e(unit)}</th>{tds}</tr>"
    total = white_space_sum(ws, fw, set(names) if opportunities else None)
    return (f"<table class='kk-table kk-white-space'><tr><th></th>{head}</tr>{body}</table>"
            f"<div><b>Not yet ours: {e(money(total.uncovered, currency))}</b> (sold "
            f"{e(money(total.sold, currency))})"
            + (f"; {total.unvalued} cells still to win have no value yet" if total.unvalued
               else "") + "</div>" + _decided_html(ws, opportunities, fw))


def _decided_html(ws: Any, opportunities: OpportunitiesDoc | None, fw: Framework) -> str:
    """Cells still marked open whose linked opportunity has been won or lost since: the grid
    should say what happened."""
    if opportunities is None:
        return ""
    status = {o.id: (o.name, status_of(o, fw)) for o in opportunities.opportunities}
    decided = [f"{c.unit} × {c.offering}: {status[c.opportunity][0]} "
               f"({status[c.opportunity][1]})" for c in ws.cells
               if c.state == "open" and c.opportunity in status
               and status[c.opportunity][1] in ("won", "lost")]
    return ("<div class='kk-hint kk-warning'>Decided since: update these cells - "
            + e("; ".join(decided)) + "</div>") if decided else ""


def value_html(doc: AccountPlanDoc, profile: ProfileDoc, fw: Framework) -> str:
    if not doc.value:
        return "<p>No value case yet.</p>"
    case = value_case(doc, profile)
    kinds = fw.account_plan.value_kinds
    cur = profile.currency
    rows = "".join(f"<tr><td>{e(kinds[v.kind])}</td><td>{e(v.what)}</td>"
                   f"<td>{e(money(v.amount, cur))}</td><td>{e(v.evidence) or '<i>unproven</i>'}"
                   "</td></tr>" for v in doc.value)
    roi = ("" if case.roi is None else
           f"; for every {cur} they spend with us, {case.roi:.1f} {cur} of value with evidence"
           + (" - less than they pay: the QBR pack says so too" if case.roi < 1 else ""))
    return ("<table class='kk-table'><tr><th>Kind</th><th>Value</th><th>Per year</th>"
            f"<th>Evidence</th></tr>{rows}</table><div><b>Value delivered: "
            f"{e(money(case.total, cur))}</b> (with evidence {e(money(case.proven, cur))})"
            f"{e(roi)}.</div>")


def team_html(doc: AccountPlanDoc, smap: StakeholderMapDoc) -> str:
    if not smap.team:
        return "<p>No team on the stakeholder map yet.</p>"
    said = {c.member: c for c in doc.team}
    rows = "".join(
        f"<tr><td>{e(t.name)}</td><td>{e(t.role)}</td>"
        f"<td>{e(said[t.id].department if t.id in said else '')}</td>"
        f"<td>{e(said[t.id].region if t.id in said else '')}</td>"
        f"<td>{e(said[t.id].commitment) if t.id in said else ''}</td></tr>" for t in smap.team)
    return ("<table class='kk-table'><tr><th>Who</th><th>Role</th><th>Department</th>"
            f"<th>Region</th><th>Commitment to the account</th></tr>{rows}</table>")


def qbrs_html(doc: AccountPlanDoc, smap: StakeholderMapDoc) -> str:
    if not doc.qbrs:
        return "<p>No QBR recorded yet.</p>"
    names = {p.id: p.name or p.title for p in smap.people}
    rows = "".join(
        f"<tr><td>{q.held_on.isoformat()}</td><td>{e(', '.join(q.ours))}</td>"
        f"<td>{e(', '.join(names.get(p, 'someone no longer on the map') for p in q.theirs))}"
        f"</td><td>{e(q.value_shown)}</td><td>{e(q.next_steps)}</td></tr>"
        for q in sorted(doc.qbrs, key=lambda q: q.held_on, reverse=True))
    return ("<table class='kk-table'><tr><th>Held</th><th>Ours</th><th>Theirs</th>"
            f"<th>Value shown</th><th>Next steps</th></tr>{rows}</table>")


def account_plan_html(docs: Docs, fw: Framework, today: dt.date) -> str:
    doc = docs.of(AccountPlanDoc)
    if doc == AccountPlanDoc():
        return "<p>Not started yet.</p>"
    profile, smap = docs.of(ProfileDoc), docs.of(StakeholderMapDoc)
    review = ("no next review set" if doc.next_review is None else
              f"next review {doc.next_review.isoformat()}"
              + (" - past due" if is_stale(doc, today) else ""))
    return (f"<div class='kk-muted'>{e(review)}</div>"
            f"<h3>What to look at</h3>{findings_html(findings(docs, fw, today))}"
            f"<h3>Objectives</h3>{objectives_html(doc, smap, fw)}"
            f"<h3>Actions</h3>{actions_html(docs, fw, today)}"
            f"<h3>KPIs</h3>{kpis_html(doc)}"
            "<h3>White space</h3>"
            f"{white_space_html(doc, fw, profile.currency, docs.of(OpportunitiesDoc))}"
            f"<h3>The value case</h3>{value_html(doc, profile, fw)}"
            f"<h3>The account team</h3>{team_html(doc, smap)}"
            f"<h3>QBRs</h3>{qbrs_html(doc, smap)}")


# -- the dashboard and the spreadsheet ---------------------------------------------------------

def figures(docs: Docs, fw: Framework, today: dt.date) -> dict[str, Any]:
    doc = docs.of(AccountPlanDoc)
    if doc == AccountPlanDoc():
        return {"on_track": None, "overdue": None, "stale": None}
    good, live = on_track(doc)
    acts = plan_actions(doc, docs.of(StakeholderMapDoc), docs.of(RelationshipDoc), fw)
    return {"on_track": f"{good}/{live}" if live else None,
            "overdue": sum(a.overdue(today) for a in acts),
            "stale": "past review" if is_stale(doc, today) else
            "no review date" if doc.next_review is None else "alive"}


def figures_until(docs: Docs, fw: Framework, today: dt.date) -> dt.date | None:
    doc = docs.of(AccountPlanDoc)
    if doc == AccountPlanDoc():
        return None
    acts = plan_actions(doc, docs.of(StakeholderMapDoc), docs.of(RelationshipDoc), fw)
    return plan_dated_from(doc, acts, today)


def alerts(docs: Docs, fw: Framework, today: dt.date) -> list[str]:
    """Is the plan alive? Past its review date, and objectives nobody has checked within the
    review rhythm - said on the workbook's progress row and in the manager's drill-down."""
    doc = docs.of(AccountPlanDoc)
    out = []
    if is_stale(doc, today):
        out.append(f"past its review on {doc.next_review.isoformat()}")  # type: ignore[union-attr]
    old = unchecked(doc, fw, today)
    if old:
        out.append(f"{len(old)} objective{'s' if len(old) > 1 else ''} not checked for "
                   f"{fw.account_plan.review_every_days} days")
    return out


def _sheet_head(fw: Framework) -> list[str]:
    return ["Objective", "Kind", "Metric", "Baseline", "Target", "Due", "Owner", "Status",
            "Serves their goal", "Actions", "Next review"]


def _sheet_rows(docs: Docs, fw: Framework, today: dt.date) -> list[list[Any]]:
    doc = docs.of(AccountPlanDoc)
    content = fw.account_plan
    owners = {t.id: t.name for t in docs.of(StakeholderMapDoc).team}
    return [[o.title, content.objective_kinds.get(o.kind, o.kind), o.metric, o.baseline,
             o.target, o.due, owners.get(o.owner, o.owner), content.statuses[o.status],
             "; ".join(o.serves), sum(a.objective == o.id for a in doc.actions),
             doc.next_review] for o in doc.objectives]


# -- the demo ----------------------------------------------------------------------------------

def sample(today: dt.date, partial: bool = False) -> AccountPlanDoc:
    """The sample customer's plan (people, team and goals are the other samples'): two
    objectives serving their goals, actions, a KPI measured three times, the white space, a
    value case, the team's commitments and last quarter's QBR (or begun: one objective)."""
    def day(n: int) -> dt.date:
        return today + dt.timedelta(days=n)

    goal = ["Energy costs", "Customers demanding live tracking"]  # the sample profile's
    first = {"id": "b1", "title": "Renew the telematics contract for three years",
             "kind": "revenue", "metric": "contract value per year (EUR)", "baseline": 1_100_000,
             "target": 1_200_000, "due": day(150), "owner": "t1", "status": "on_track",
             "serves": goal[1:], "checked_on": day(-10)}
    if partial:
        return AccountPlanDoc.model_validate({"objectives": [first]})
    return AccountPlanDoc.model_validate({
        "objectives": [first, {
            "id": "b2", "title": "Cut their empty-running kilometres by a tenth",
            "kind": "value_delivered", "metric": "empty km share (%)", "baseline": 18,
            "target": 16.2, "due": day(270), "owner": "t1", "status": "at_risk",
            "serves": goal[:1], "checked_on": day(-10)}],
        "actions": [
            {"id": "a1", "what": "Joint renewal workshop with the COO", "objective": "b1",
             "owner": "t1", "due": day(30), "status": "on_track"},
            {"id": "a2", "what": "Empty-km report per depot, monthly", "objective": "b2",
             "owner": "t2", "due": day(-5), "status": "not_started"}],
        "kpis": [{"id": "k1", "name": "Empty running", "unit": "%", "target": 16.2,
                  "higher_is_better": False, "actuals": [
                      {"on": day(-180), "value": 18.0}, {"on": day(-90), "value": 17.4},
                      {"on": day(-10), "value": 17.1}]}],
        "white_space": {"units": ["Road freight", "Warehousing", "Cold chain"],
                        "offerings": ["Telematics", "Route optimisation", "Sensors"],
                        "cells": [
                            {"unit": "Road freight", "offering": "Telematics", "state": "sold",
                             "value": 1_200_000},
                            {"unit": "Road freight", "offering": "Route optimisation",
                             "state": "open", "value": 300_000, "opportunity": "o2"},
                            {"unit": "Cold chain", "offering": "Sensors",
                             "state": "competitor", "value": 450_000},
                            {"unit": "Warehousing", "offering": "Sensors",
                             "state": "not_relevant"}]},
        "value": [
            {"kind": "savings", "what": "Fuel saved by better routes", "amount": 640_000,
             "evidence": "Their fleet report: 6 % less fuel since the roll-out."},
            {"kind": "productivity", "what": "Driver training time halved",
             "amount": 120_000, "evidence": ""}],
        "team": [{"member": "t1", "department": "Sales", "region": "Benelux",
                  "commitment": "Leads the account; QBR every quarter."},
                 {"member": "t2", "department": "Executive board", "region": "Europe",
                  "commitment": "Meets their CEO twice a year."}],
        "qbrs": [{"held_on": day(-40), "ours": ["You", "Dr. Petra Vogel"],
                  "theirs": ["p3", "p6"], "value_shown": "Fuel saved: 6 %",
                  "plans_shared": True, "next_steps": "Pilot route optimisation in Venlo."}],
        "next_review": day(50)})


STEP = Step(
    id=ID,
    model=AccountPlanDoc,
    progress=progress,
    html=account_plan_html,
    view="kamkit.ui.account_plan:app",
    checker=Checker(key=AccountPlanKey, check=check, problems=problems, explain=explain,
                    answer=answer),
    figures=figures,
    figures_until=figures_until,
    columns={"on_track": "Objectives on track", "overdue": "Overdue actions",
             "stale": "Plan review"},
    sheet=Sheet(head=_sheet_head, rows=_sheet_rows),
    sample=sample,
    alerts=alerts,
)
