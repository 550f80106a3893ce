"""Step 2, the stakeholder map, as one unit: its document, how complete it is, how it reads in the
report (the Decision-Making Grid, coverage, every person), its dashboard figures, its sheet, how a
case study checks it, and the demo's sample map. The view is `kamkit.ui.stakeholders`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from kamkit.charts import GridPoint, decision_grid
from kamkit.checking import Clue, Item, KeyPart, within
from kamkit.frameworks import Framework
from kamkit.html import e
from kamkit.models import PeerLink, Stakeholder, StakeholderMapDoc, TeamMember
from kamkit.orgchart import OrgPerson, org_chart
from kamkit.scoring.coverage import (
    FINDING_IDS,
    CoverageReport,
    analyse,
    best_levels,
    without_action,
)
from kamkit.scoring.grid import default_action, place_person
from kamkit.scoring.progress import StepProgress, checklist
from kamkit.steps import Checker, Docs, Sheet, Step

__all__ = ["ID", "STEP", "progress", "coverage_html", "org_html", "stakeholders_html", "sample",
           "StakeholdersKey", "FindingKey", "PersonKey", "PersonTolerance", "figures",
           "figures_until"]

ID = "stakeholders"


def progress(doc: StakeholderMapDoc, fw: Framework) -> StepProgress:
    """Each rated person up to a complete map counts as one item, then our team and who knows
    whom."""
    size = fw.grid.coverage.complete_map_size
    rated = sum(p.influence is not None and p.support is not None for p in doc.people)
    short = max(0, size - rated)
    people = "person" if short == 1 else "people"
    items = [(f"rate {short} more {people}", i < rated) for i in range(size)]
    items += [
        ("our account team", bool(doc.team)),
        ("who knows whom", any(link.today is not None for link in doc.links)),
    ]
    return checklist(ID, items)


# -- read-only ---------------------------------------------------------------------------------

def coverage_html(report: CoverageReport) -> str:
    """Map quality, power zone and every finding - as the trainee's coverage tab shows them."""
    power = ("no strong contacts yet" if report.power_zone is None
             else f"{report.power_zone:.0%} of our strong contacts are with people of power")
    items = "".join(
        f'<div class="kk-hint kk-{"warning" if f.severity == 1 else "gap"}"><b>'
        f"{e(f.title)}</b> - {e(f.reason)}"
        + (f"<br><span class='kk-muted'>{e(', '.join(f.people))}</span>" if f.people else "")
        + "</div>" for f in report.findings)
    return (f"<div class='kk-card'><b>Map quality {report.quality}/3</b>: "
            f"{e(report.quality_text)}.<br><b>Power zone vs comfort zone</b>: {e(power)}."
            f"</div>{items or '<p>No findings: a well-covered map.</p>'}")


_AGENDA = (("needs", "Needs"), ("wants", "Wants"), ("declared_agenda", "Declared agenda"),
           ("personal_agenda", "Personal agenda"))


def _agenda(p: Stakeholder) -> str:
    """What the person needs and wants, and their agendas - what the rubric asks a manager to
    judge."""
    said = [f"<b>{title}:</b> {e(getattr(p, name))}" for name, title in _AGENDA
            if getattr(p, name).strip()]
    return "<br>".join(said) or "<span class='kk-muted'>-</span>"


def org_html(doc: StakeholderMapDoc) -> str:
    """Their organisation drawn: reports-to lines, influence arrows, who of ours knows whom."""
    team = {t.id: t.name for t in doc.team}
    held: dict[str, list[str]] = {}
    for lk in doc.links:
        if lk.today is not None and lk.ours in team:
            held.setdefault(lk.theirs, []).append(f"{team[lk.ours]} ({lk.today})")
    people = [OrgPerson(p.id, p.name or p.title or "(unnamed)", p.title if p.name else "",
                        p.reports_to, tuple(held.get(p.id, ()))) for p in doc.people]
    chart = org_chart(people, [(p.id, whom) for p in doc.people for whom in p.influences])
    # a wide organisation scrolls sideways: the scrolling box is reachable by keyboard too
    return ("<h2>Their organisation, and who of ours knows whom</h2>"
            + (f"<div class='kk-scroll' tabindex='0' role='group' aria-label='Organisation "
               f"chart (scrolls sideways)'>{chart}</div><div class='kk-muted'>Lines: who reports "
               "to whom. Dashed arrows: who influences whom beyond the lines.</div>"
               if chart else "<p class='kk-muted'>No people on the map yet.</p>"))


def stakeholders_html(docs: Docs, fw: Framework, today: dt.date) -> str:
    doc, grid = docs.of(StakeholderMapDoc), fw.grid
    best = best_levels(doc)
    points = [GridPoint(p.name or p.title or "?", p.influence, p.support, min(4, best.get(p.id, 0)))
              for p in doc.people if p.influence is not None and p.support is not None]
    rows = []
    for p in doc.people:
        cat = place_person(p, grid)
        action = p.action or f"({default_action(p, grid)} - proposed, not written)"
        due = p.action_due.isoformat() if p.action_due else ""
        rows.append(
            f"<tr><td><b>{e(p.name or '(unnamed)')}</b><br><span class='kk-muted'>"
            f"{e(p.title)}</span></td><td>{e(p.role or '')}</td>"
            f"<td>{'' if p.influence is None else p.influence}</td>"
            f"<td>{'' if p.support is None else f'{p.support:+d}'}</td><td>{e(cat.name)}</td>"
            f"<td>{e(action)}<br><span class='kk-muted'>{e(p.action_owner)} {e(due)}</span></td>"
            f"<td>{_agenda(p)}</td><td>{e(p.evidence)}</td></tr>")
    team = ", ".join(f"{t.name} ({t.role})" if t.role else t.name for t in doc.team)
    table = ('<table class="kk-table"><tr><th>Person</th><th>Role</th><th>Influence</th>'
             "<th>Support</th><th>Category</th><th>Next action</th><th>Needs, wants and "
             "agendas</th><th>Evidence</th></tr>"
             f"{''.join(rows)}</table>" if rows else "<p>No one mapped yet.</p>")
    return (f'<div class="kk-cols"><div>{decision_grid(points, grid, width=460, height=320)}'
            f"<p class='kk-muted'>Our team: {e(team) or 'nobody yet'}</p></div>"
            f"<div>{coverage_html(analyse(doc, grid, today))}</div></div>{table}"
            f"{org_html(doc)}")


# -- the dashboard and the spreadsheet ---------------------------------------------------------

def figures(docs: Docs, fw: Framework, today: dt.date) -> dict[str, Any]:
    doc = docs.of(StakeholderMapDoc)
    return {"people": len(doc.people),
            "threats_without_action": len(without_action(doc, fw.grid, "threat"))}


def figures_until(docs: Docs, fw: Framework, today: dt.date) -> dt.date | None:
    return None  # who is mapped and who threatens: no day changes that


def _sheet_head(fw: Framework) -> list[str]:
    return ["Person", "Title", "Level", "Role", "Influence", "Support", "Category",
            "Next action", "Owner", "Due", "Verified on", "Evidence",
            *(title for _, title in _AGENDA)]


def _sheet_rows(docs: Docs, fw: Framework, today: dt.date) -> list[list[Any]]:
    return [[p.name, p.title, p.level, p.role, p.influence, p.support,
             place_person(p, fw.grid).name, p.action, p.action_owner, p.action_due,
             p.verified_on, p.evidence, *(getattr(p, name) for name, _ in _AGENDA)]
            for p in docs.of(StakeholderMapDoc).people]


# -- case studies ------------------------------------------------------------------------------

class PersonTolerance(KeyPart):
    influence: int | None = Field(default=None, ge=0, le=4)
    support: int | None = Field(default=None, ge=0, le=4)


class PersonKey(Clue):
    category: str
    also: tuple[str, ...] = Field(default=(), description="other categories accepted")
    influence: int | None = Field(default=None, ge=1, le=5)
    support: int | None = Field(default=None, ge=-2, le=2)
    tolerance: PersonTolerance = Field(default_factory=PersonTolerance)
    role: str | None = None


class FindingKey(Clue):
    id: str
    absent: bool = Field(default=False, description="the finding must NOT show")


class StakeholdersKey(KeyPart):
    people: dict[str, PersonKey]
    findings: tuple[FindingKey, ...] = ()


def _names(case: Docs) -> dict[str, str]:
    return {p.id: p.name or p.title for p in case.of(StakeholderMapDoc).people}


def _check(work: Docs, case: Docs, key: StakeholdersKey, fw: Framework) -> list[Item]:
    doc = work.of(StakeholderMapDoc)
    grid, tol = fw.grid, fw.exercises.tolerance
    names = _names(case)
    cats = {c.id: c.name for c in grid.categories} | {grid.unmapped.id: grid.unmapped.name}
    theirs = {p.id: p for p in doc.people}
    items = []
    for pid, pk in key.people.items():
        person = theirs.get(pid)
        label = names.get(pid, pid)
        if person is None:
            items.append(Item(f"person:{pid}", label, False, "nobody (removed from the map)",
                              cats[pk.category], pk))
            continue
        got = place_person(person, grid).id
        ok = got in (pk.category, *pk.also)
        if ok and pk.category != grid.unmapped.id:
            ti = tol.influence if pk.tolerance.influence is None else pk.tolerance.influence
            ts = tol.support if pk.tolerance.support is None else pk.tolerance.support
            ok = within(person.influence, pk.influence, ti) and \
                within(person.support, pk.support, ts)
        rated = (f"{cats[got]} (influence {person.influence if person.influence else '?'}, "
                 f"support {person.support if person.support is not None else '?'})")
        expected = cats[pk.category] + (
            f" (influence {pk.influence}, support {pk.support:+d})"
            if pk.influence is not None and pk.support is not None else "")
        items.append(Item(f"person:{pid}", label, ok, rated, expected, pk))
        if pk.role is not None:
            items.append(Item(f"role:{pid}", f"{label}'s role", person.role == pk.role,
                              person.role or "no role", pk.role, pk))
    found = {f.id: f.title for f in analyse(doc, grid).findings}
    for fk in key.findings:
        present = fk.id in found
        title = found.get(fk.id, fk.id.replace("_", " "))
        items.append(Item(
            f"finding:{fk.id}", f"the coverage finding '{title}'", present != fk.absent,
            "it shows" if present else "it does not show",
            "it should not show" if fk.absent else "it should show", fk))
    return items


def _problems(key: StakeholdersKey, case: Docs, fw: Framework) -> list[tuple[str, str]]:
    categories = {c.id for c in fw.grid.categories} | {fw.grid.unmapped.id}
    people = set(_names(case))
    found = []
    for pid, pk in key.people.items():
        if pid not in people:
            found.append((f"people.{pid}", "not a person of the case"))
        for cat in (pk.category, *pk.also):
            if cat not in categories:
                found.append((f"people.{pid}", f"unknown category '{cat}'"))
        if pk.role is not None and pk.role not in fw.grid.roles:
            found.append((f"people.{pid}.role", f"unknown role '{pk.role}'"))
    # a misspelt finding would always count as absent: right for every trainee, or wrong
    found += [(f"findings.{i}", f"unknown finding '{f.id}' (findings: {', '.join(FINDING_IDS)})")
              for i, f in enumerate(key.findings) if f.id not in FINDING_IDS]
    return found


def _explain(item_id: str, case: Docs, key: StakeholdersKey, fw: Framework) -> tuple[str, str]:
    kind, _, ref = item_id.partition(":")
    if kind == "finding":
        found = next((f for f in key.findings if f.id == ref), None)
        return f"Coverage finding: {ref.replace('_', ' ')}", found.why if found else ""
    person = key.people.get(ref)
    what = "role" if kind == "role" else "placement"
    return f"{_names(case).get(ref, ref)} ({what})", person.why if person else ""


def _answer(case: Docs, key: StakeholdersKey, today: dt.date) -> StakeholderMapDoc:
    smap = case.of(StakeholderMapDoc)
    people = []
    for p in smap.people:
        pk = key.people.get(p.id)
        people.append(p if pk is None else p.model_copy(update={
            "influence": pk.influence, "support": pk.support,
            "role": pk.role if pk.role is not None else p.role}))
    return smap.model_copy(update={"people": people})


# -- the demo ----------------------------------------------------------------------------------

def sample(today: dt.date, partial: bool = False) -> StakeholderMapDoc:
    """The invented customer's decision makers, our team and who knows whom (or a map begun:
    three people and ourselves)."""
    def person(pid: str, name: str, title: str, level: str, role: str | None,
               influence: int | None, support: int | None, **kw: object) -> Stakeholder:
        return Stakeholder(id=pid, name=name, title=title, level=level, role=role,
                           influence=influence, support=support,
                           verified_on=today - dt.timedelta(days=20), **kw)

    people = [
        person("p1", "Greta Lind", "CEO", "board", "decision maker", 5, 0),
        person("p2", "", "CFO (new, not yet met)", "executive", "budget holder", 5, None,
               placeholder=True),
        person("p3", "Tomasz Nowak", "COO", "executive", "decision maker", 4, 2,
               evidence="Asked us to present at his ops summit."),
        person("p4", "Lena Brandt", "Head of IT", "senior manager", "evaluator", 4, -1,
               evidence="Prefers RouteMax's API; said so in the last review."),
        person("p5", "Jan de Vries", "Hub manager Venlo", "manager", "user", 2, 2),
        person("p6", "Maria Kowalska", "Procurement lead", "manager", "gatekeeper", 3, 0),
        person("p7", "Felix Maier", "Fleet planner", "staff", "user", 1, 1),
        person("p8", "Sofia Rossi", "Head of Strategy", "senior manager", "coach", 3, 1),
    ]
    people[4] = people[4].model_copy(update={"reports_to": "p3"})
    team = [TeamMember(id="t1", name="You", role="account manager", level="manager"),
            TeamMember(id="t2", name="Dr. Petra Vogel", role="sponsor", level="executive")]
    if partial:
        return StakeholderMapDoc(people=people[:3], team=team[:1])
    links = [PeerLink(ours="t1", theirs="p3", today=3, wanted=4),
             PeerLink(ours="t1", theirs="p5", today=3, wanted=3),
             PeerLink(ours="t2", theirs="p1", today=1, wanted=3)]
    return StakeholderMapDoc(people=people, team=team, links=links)


STEP = Step(
    id=ID,
    model=StakeholderMapDoc,
    progress=progress,
    html=stakeholders_html,
    view="kamkit.ui.stakeholders:app",
    checker=Checker(key=StakeholdersKey, check=_check, problems=_problems, explain=_explain,
                    answer=_answer),
    figures=figures,
    figures_until=figures_until,
    columns={"people": "People mapped",
             "threats_without_action": "Threats without action"},  # opponents with power
    sheet=Sheet(head=_sheet_head, rows=_sheet_rows),
    sample=sample,
)
