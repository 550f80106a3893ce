"""The QBR pack: one self-contained, printable HTML document a trainee takes to a quarterly
business review with the customer - from the workbook page, or `kamkit export --format qbr`.

It is for the CUSTOMER, so it shows only what a customer should read, and the rest of the
workbook stays ours:
- **about you**: the profile's facts and their own goals (strategy, pressures, changes), how
  long they have been a customer and what they use - not what they spend in the category, our
  share of it, our margin, competitors, the SWOT, the white space or where the account sits on
  our portfolio matrix;
- **the people**: their key people (high influence, a decision-maker role, or at the last QBR)
  by name and title, and who of ours they work with - never influence, support, grid category,
  buying role, needs, agendas, evidence or our next action with them; placeholders for people
  not yet met are left out; our account team by name, role, department and region;
- **our relationship**: the evidence score, its stage and its trend - not the gut feeling, the
  indicators' evidence or the improvement plan;
- **objectives**: those of the kinds content shares (`account_plan.yaml`, `customer_kinds`),
  with metric, target, date, owner, status and the goal of theirs each serves;
- **value delivered**: each figure with its evidence; one without evidence is "to be confirmed
  with you" and does not count in the total or the return on what they spend with us;
- **decisions ahead**: the open opportunities with their value and the quarter a decision is
  expected - never win probabilities, the weighted forecast, our own estimate, qualification
  answers, the litmus test, competitors or opportunities we qualified out;
- **next steps**: the open actions of the objectives shown, due before the plan's next review,
  and the next steps agreed at the last QBR (with what that QBR showed).
No finding, coaching prompt or manager feedback appears. Pure functions: documents in, HTML
out; everything typed is escaped (`e`), and a Content-Security-Policy allows no script and no
fetch - styles inline, charts inline SVG. Customer people can be put under pseudonyms first
(`pseudonymised_docs`); our own team keeps its names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import get_args

from pydantic import BaseModel

from kamkit.account_plan import AccountPlanDoc, Objective, Qbr
from kamkit.charts import trend_chart
from kamkit.frameworks import Framework
from kamkit.html import e, number
from kamkit.models import Level, ProfileDoc, RelationshipDoc, StakeholderMapDoc
from kamkit.opportunity import OpportunitiesDoc
from kamkit.privacy import Pseudonyms, pseudonymise_all
from kamkit.report import REPORT_CSS
from kamkit.scoring.account_plan import value_case
from kamkit.scoring.forecast import forecast
from kamkit.scoring.relationship import as_shown, relationship_score, since_last, trend
from kamkit.steps import Docs
from kamkit.steps.account_plan import money
from kamkit.steps.relationship import known

__all__ = ["qbr_pack", "pseudonymised_docs", "shown_objectives", "key_people", "QBR_CSS"]

QBR_CSS = REPORT_CSS + """
.kk-qbr-section { margin-top: 8px; } .kk-text { white-space: pre-wrap; }
.kk-lead { font-size: 16px; } .kk-big { font-size: 28px; font-weight: 600; color: #1f4e79; }
@page { size: A4; margin: 16mm 14mm; }
@media print { .kk-qbr-section + .kk-qbr-section { break-before: page; }
  .kk-table tr, .kk-card { break-inside: avoid; } }
"""
_OPEN = ("not_started", "on_track", "at_risk", "off_track")


def pseudonymised_docs(docs: Docs, pseudonyms: Pseudonyms | None = None, scope: str = "",
                       earlier: Iterable[BaseModel] = ()) -> Docs:
    """The account's documents with the customer's people as "Person 1" …, consistently across
    steps (`kamkit.privacy`). `earlier` (saved versions) are learned first, so the name of
    someone since taken off the map is still replaced in text. Our team keeps its names."""
    pseudonyms = pseudonyms or Pseudonyms()
    pseudonyms.learn(scope, *earlier)
    return docs.replaced(dict(zip(docs, pseudonymise_all(list(docs.values()), pseudonyms,
                                                         scope), strict=True)))


def _ours(name: str, trainee: str) -> str:
    """One of ours as the customer reads it: the account manager the workbook calls "You" is
    the trainee, by name."""
    return trainee if name.strip().casefold() == "you" and trainee.strip() else name


# -- what the customer sees --------------------------------------------------------------------

def shown_objectives(doc: AccountPlanDoc, fw: Framework) -> list[Objective]:
    """The objectives a customer reads: of the kinds content shares, not dropped."""
    kinds = set(fw.account_plan.customer_kinds)
    return [o for o in doc.objectives if o.kind in kinds and o.status != "dropped"]


def _last_qbr(doc: AccountPlanDoc) -> Qbr | None:
    return max(doc.qbrs, key=lambda q: q.held_on, default=None)


def key_people(smap: StakeholderMapDoc, plan: AccountPlanDoc, fw: Framework) -> list[str]:
    """The ids of their key people: high influence, a decision-maker role, or at the last QBR
    - people met only (no placeholder), board level first."""
    last = _last_qbr(plan)
    came = set(last.theirs) if last else set()
    grid = fw.grid
    order = {level: n for n, level in enumerate(get_args(Level))}  # the board first
    found = [p for p in smap.people if not p.placeholder and p.name.strip() and (
        (p.influence or 0) >= grid.influence.high_from
        or (p.role or "") in grid.decision_maker_roles or p.id in came)]
    return [p.id for p in sorted(found, key=lambda p: order.get(p.level or "", len(order)))]


def _profile(profile: ProfileDoc, account: str) -> str:
    facts = [("Company", profile.legal_name or account), ("Industry", profile.industry),
             ("Size", profile.size_band), ("Regions", ", ".join(profile.regions)),
             ("Customer for", "" if profile.years_as_customer is None else
              f"{profile.years_as_customer:g} years"),
             ("What you use today", ", ".join(profile.products_in_use))]
    rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts if v)

    def listed(title: str, items: list[str]) -> str:
        return (f"<h3>{title}</h3><ul>{''.join(f'<li>{e(i)}</li>' for i in items)}</ul>"
                if items else "")

    strategy = (f"<h3>Your strategy</h3><div class='kk-text'>{e(profile.strategy)}</div>"
                if profile.strategy.strip() else "")
    return ((f"<table class='kk-table'>{rows}</table>" if rows else "")
            + "<p class='kk-muted'>Your goals as we understand them - tell us what we have "
            "missed.</p>" + strategy + listed("The pressures you face", profile.pressures)
            + listed("What is changing for you", profile.changes))


def _people(smap: StakeholderMapDoc, plan: AccountPlanDoc, fw: Framework,
            trainee: str) -> str:
    team = {t.id: _ours(t.name, trainee) for t in smap.team}
    contacts: dict[str, list[str]] = {}
    for link in smap.links:
        if link.today is not None and link.today >= fw.grid.coverage.meaningful_from \
                and link.ours in team:
            contacts.setdefault(link.theirs, []).append(team[link.ours])
    people = {p.id: p for p in smap.people}
    theirs = "".join(
        f"<tr><td>{e(people[pid].name)}</td><td>{e(people[pid].title)}</td>"
        f"<td>{e(people[pid].department)}</td><td>{e(', '.join(contacts.get(pid, [])))}</td>"
        "</tr>" for pid in key_people(smap, plan, fw))
    said = {c.member: c for c in plan.team}
    ours = "".join(
        f"<tr><td>{e(team[t.id])}</td><td>{e(t.role.capitalize())}</td>"
        f"<td>{e(said[t.id].department if t.id in said else '')}</td>"
        f"<td>{e(said[t.id].region if t.id in said else '')}</td></tr>" for t in smap.team)
    return ("<h3>Your people we work with</h3>"
            + ("<table class='kk-table'><tr><th>Name</th><th>Title</th><th>Department</th>"
               f"<th>Works with</th></tr>{theirs}</table>" if theirs else "<p>-</p>")
            + "<h3>Your account team</h3>"
            + ("<table class='kk-table'><tr><th>Name</th><th>Role</th><th>Department</th>"
               f"<th>Region</th></tr>{ours}</table>" if ours else "<p>-</p>"))


def _relationship(docs: Docs, fw: Framework, today: dt.date) -> str:
    doc = docs.of(RelationshipDoc)
    prefilled = known(docs, fw, today)
    # pre-fills alone are not an assessment: no score until the trainee has begun one
    score = relationship_score(doc, fw, today, prefilled).score if doc.started else None
    if score is None:
        return "<p>Not assessed yet.</p>"
    moved = since_last(doc, fw, score, today)
    points = [(d.strftime("%b %Y"), s, None) for d, s, _ in trend(doc, fw, prefilled, today)]
    chart = (trend_chart(points) + "<div class='kk-muted'>The score at each review.</div>"
             if len(points) >= 2 else "")
    return (f"<div class='kk-card'><span class='kk-big'>{as_shown(score)} / 100</span> "
            f"<b>{e(fw.relationship.stage_for(score))}</b>"
            + ("" if moved is None else
               f" <span class='kk-muted'>{moved[0]} from {moved[1]} last time</span>")
            + "</div><p class='kk-muted'>Scored from evidence - how we work together, who "
            "meets whom, the plans we share - not from opinion.</p>" + chart)


def _objectives(plan: AccountPlanDoc, smap: StakeholderMapDoc, fw: Framework,
                trainee: str) -> str:
    shown = shown_objectives(plan, fw)
    if not shown:
        return "<p>No shared objectives yet.</p>"
    content = fw.account_plan
    owners = {t.id: _ours(t.name, trainee) for t in smap.team}

    def num(v: float | None) -> str:
        return number(v)

    rows = "".join(
        f"<tr><td>{e(o.title)}</td><td>{e('; '.join(o.serves))}</td><td>{e(o.metric)}</td>"
        f"<td>{num(o.baseline)} → {num(o.target)}</td>"
        f"<td>{e(o.due.isoformat() if o.due else '')}</td>"
        f"<td>{e(owners.get(o.owner, o.owner))}</td><td>{e(content.statuses[o.status])}</td>"
        "</tr>" for o in shown)
    return ("<table class='kk-table'><tr><th>Objective</th><th>Your goal it serves</th>"
            "<th>Measured by</th><th>From → to</th><th>By</th><th>Owner</th><th>Status</th>"
            f"</tr>{rows}</table>")


def _value(plan: AccountPlanDoc, profile: ProfileDoc, fw: Framework) -> str:
    if not plan.value:
        return "<p>Not yet measured.</p>"
    kinds, cur = fw.account_plan.value_kinds, profile.currency
    rows = "".join(
        f"<tr><td>{e(kinds[v.kind])}</td><td>{e(v.what)}</td><td>{e(money(v.amount, cur))}</td>"
        + (f"<td class='kk-text'>{e(v.evidence)}</td>" if v.evidence.strip() else
           "<td><i>to be confirmed with you</i></td>") + "</tr>" for v in plan.value)
    case = value_case(plan, profile)
    per = cur or "unit"
    roi = (f"; for every {e(per)} you spend with us, {case.roi:.1f} {e(per)} "
           "of value" if case.spend else "")
    return ("<table class='kk-table'><tr><th>Kind</th><th>Value</th><th>Per year</th>"
            f"<th>How we know</th></tr>{rows}</table><div class='kk-lead'><b>Value delivered "
            f"per year: {e(money(case.proven, cur))}</b>{roi}.</div>")


def _decisions(docs: Docs, fw: Framework, today: dt.date) -> str:
    fc = forecast(docs.of(OpportunitiesDoc), docs.of(StakeholderMapDoc), fw, today)
    cur = docs.of(ProfileDoc).currency
    open_ = [r for r in fc.rows if r.status == "open"]
    if not open_:
        return "<p>No open decisions.</p>"
    rank = {q: n for n, q in enumerate(fc.quarters)}
    rows = "".join(f"<tr><td>{e(r.name)}</td><td>{e(r.quarter)}</td>"
                   f"<td>{e(money(r.value, cur))}</td></tr>"
                   for r in sorted(open_, key=lambda r: rank.get(r.quarter, len(rank))))
    quarters = "".join(f"<tr><td>{e(q)}</td><td>{e(money(total, cur))}</td></tr>"
                       for q, _, _, total in fc.by_quarter() if total)
    return ("<table class='kk-table'><tr><th>What we are working on together</th>"
            f"<th>Decision expected</th><th>Value</th></tr>{rows}</table>"
            "<h3>By quarter</h3><table class='kk-table'><tr><th>Quarter</th><th>Value of the "
            f"decisions</th></tr>{quarters}</table>")


def _next_steps(plan: AccountPlanDoc, smap: StakeholderMapDoc, fw: Framework,
                today: dt.date, trainee: str) -> str:
    until = plan.next_review or today + dt.timedelta(days=fw.account_plan.review_every_days)
    shown = {o.id: o.title for o in shown_objectives(plan, fw)}
    owners = {t.id: _ours(t.name, trainee) for t in smap.team}
    due = sorted((a for a in plan.actions if a.objective in shown and a.status in _OPEN
                  and a.due is not None and a.due <= until), key=lambda a: a.due or until)
    statuses = fw.account_plan.statuses
    rows = "".join(f"<tr><td>{e(a.what)}</td><td>{e(shown[a.objective or ''])}</td>"
                   f"<td>{e(owners.get(a.owner, a.owner))}</td>"
                   f"<td>{e(a.due.isoformat() if a.due else '')}</td>"
                   f"<td>{e(statuses[a.status])}</td></tr>" for a in due)
    out = ("<h3>Due before our next review</h3>"
           + ("<table class='kk-table'><tr><th>Action</th><th>For</th><th>Owner</th>"
              f"<th>Due</th><th>Status</th></tr>{rows}</table>" if rows else "<p>-</p>"))
    last = _last_qbr(plan)
    if last is not None:
        names = {p.id: p.name for p in smap.people if p.name.strip()}
        theirs = [names[p] for p in last.theirs if p in names]
        ours = [_ours(n, trainee) for n in last.ours]
        out += (f"<h3>Agreed at our last review ({last.held_on.isoformat()})</h3>"
                f"<div class='kk-muted'>{e(', '.join(theirs + ours))}</div>"
                + (f"<div class='kk-text'>{e(last.next_steps)}</div>"
                   if last.next_steps.strip() else "<p>-</p>")
                + (f"<div><b>Value shown</b>: <span class='kk-text'>{e(last.value_shown)}"
                   "</span></div>" if last.value_shown.strip() else ""))
    if plan.next_review is not None:
        out += f"<p><b>Our next review</b>: {plan.next_review.isoformat()}</p>"
    return out


# -- the whole pack ----------------------------------------------------------------------------

def qbr_pack(docs: Docs, fw: Framework, today: dt.date, account: str, trainee: str) -> str:
    """The QBR pack of one account: a standalone HTML document that prints on A4, a page per
    section, runs no script and fetches nothing."""
    plan, profile, smap = docs.of(AccountPlanDoc), docs.of(ProfileDoc), docs.of(StakeholderMapDoc)
    sections = [
        ("About you", _profile(profile, account)),
        ("The people", _people(smap, plan, fw, trainee)),
        ("Our relationship", _relationship(docs, fw, today)),
        ("Our objectives together", _objectives(plan, smap, fw, trainee)),
        ("The value we deliver", _value(plan, profile, fw)),
        ("Decisions ahead", _decisions(docs, fw, today)),
        ("Next steps", _next_steps(plan, smap, fw, today, trainee)),
    ]
    return "\n".join([
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        # no script, no network: inline styles and inline images only
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>Business review - {e(account)}</title><style>{QBR_CSS}</style></head><body><main>",
        f"<h1>Business review: {e(account)}</h1>",
        f"<div class='kk-muted'>Prepared by {e(trainee)} · {today.isoformat()}</div>",
        *(f"<section class='kk-qbr-section'><h2>{n}. {title}</h2>{body}</section>"
          for n, (title, body) in enumerate(sections, 1)),
        "</main></body></html>"])
