"""Step 2: the stakeholder map - the people in the customer's decision on the Decision-Making
Grid (drag them, or edit their numbers: the two stay in sync), who of ours knows whom, what is
wrong with our coverage, what to do next with each person, and contacts brought in from a CRM.

Every change is validated and saved as a new version of the map; the whole map reloads exactly.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from kamkit.errors import InvalidInput, KamkitError
from kamkit.html import e
from kamkit.models import (
    Stakeholder,
    StakeholderMapDoc,
    copy_of_person,
    new_id,
    parse,
    parse_keeping,
    with_person,
    with_team_member,
    without_person,
    without_team_member,
)
from kamkit.scoring.coverage import LEVELS, UNKNOWN_LEVEL, analyse, best_levels, peer_grid
from kamkit.scoring.grid import dated_if_rerated, default_action, place_person
from kamkit.session import Session
from kamkit.steps.stakeholders import ID, coverage_html, org_html
from kamkit.ui.components import STYLE, ChoiceField, Message, TextField, guarded, named
from kamkit.ui.crm_import import ImportPanel
from kamkit.ui.grid_widget import CONTACT_COLOURS, GridWidget, contact_legend, grid_config
from kamkit.ui.page import StepPage
from kamkit.ui.person_form import PersonForm
from kamkit.ui.saving import Keeper

if TYPE_CHECKING:  # the CSV/Excel reading is imported only when someone brings a file in
    from kamkit.io.crm import CrmPreview

__all__ = ["StakeholdersApp", "app", "STEP"]

STEP = ID


def _label(p: Stakeholder) -> str:
    return p.name or f"{p.title or 'unnamed'} (placeholder)"


class StakeholdersApp(widgets.VBox):
    """The map for `session.account`. Tests use `grid`, `people`, `form`, `add_person()`,
    `findings`, `save_status`, `team_*` and `crm_*`."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.framework = session.framework
        doc, self.basis = session.open_step(STEP)
        self.doc: StakeholderMapDoc = doc  # type: ignore[assignment]
        self.selected: str | None = self.doc.people[0].id if self.doc.people else None
        self.save_status = Message()
        self.keeper = Keeper(session.save, STEP, self.save_status, self.basis)
        self._create_map_tab()
        self._create_team_tab()
        self._create_crm_tab()
        self.findings = widgets.HTML()
        self.peer_table = widgets.HTML()
        self.tree = widgets.HTML()
        self.tabs = widgets.Tab(
            [self.map_tab, widgets.VBox([self.findings, self.peer_table]), self.tree,
             self.team_tab, self.crm_tab],
            titles=["Map", "Coverage", "Who knows whom", "Our team", "Import from CRM"])
        super().__init__([STYLE, self.save_status, self.tabs])
        self.render()

    # -- building -------------------------------------------------------------------------

    def _create_map_tab(self) -> None:
        self.grid = GridWidget(config=grid_config(self.framework.grid))
        self.grid.observe(self._on_drag, names="points")
        self.grid.observe(self._on_grid_pick, names="picked")
        self.unmapped = widgets.HTML()
        self.people = named(widgets.Select(options=[], rows=12, layout=widgets.Layout(
            width="96%")), "People on the map", shown=False)
        self.people.observe(self._on_pick, names="value")
        self.add_button = widgets.Button(description="Add person", button_style="primary")
        self.duplicate_button = widgets.Button(description="Duplicate")
        self.remove_button = widgets.Button(description="Remove", button_style="danger")
        self.add_button.on_click(lambda _: self.add_person())
        self.duplicate_button.on_click(lambda _: self.duplicate_person())
        self.remove_button.on_click(lambda _: self.remove_person())
        self.form = PersonForm(self.framework.grid, self.person_changed)
        left = widgets.VBox([self.grid, widgets.HTML(f'<div class="kk-muted">Our contact: '
                                                     f"{contact_legend(self.framework.grid)}"
                                                     "</div>"), self.unmapped],
                            layout=widgets.Layout(width="540px"))
        right = widgets.VBox([self.people, widgets.HBox([self.add_button,
                                                         self.duplicate_button,
                                                         self.remove_button]), self.form],
                             layout=widgets.Layout(width="520px", margin="0 0 0 12px"))
        self.map_tab = widgets.HBox([left, right], layout=widgets.Layout(flex_flow="row wrap"))

    def _create_team_tab(self) -> None:
        self.team_list = widgets.HTML()
        self.team_name = TextField("Name", "e.g. Dr. Petra Vogel")
        self.team_role = ChoiceField("Role", ["account manager", "sponsor", "team member"])
        self.team_level = ChoiceField("Level", [("unknown", None)] + [(lv, lv) for lv in LEVELS])
        self.team_add = widgets.Button(description="Add to our team", button_style="primary")
        self.team_add.on_click(lambda _: self.add_team_member(
            self.team_name.value, self.team_role.value, self.team_level.value))
        self.team_remove = ChoiceField("Remove", [])
        self.team_remove_button = widgets.Button(description="Remove from team")
        self.team_remove_button.on_click(lambda _: self.remove_team_member(
            self.team_remove.value))
        self.team_tab = widgets.VBox([
            widgets.HTML("<p>Our side of the account: the sponsor, the account manager and team "
                         "members. Record who knows whom on each person's form.</p>"),
            self.team_list, self.team_name, self.team_role, self.team_level, self.team_add,
            widgets.HBox([self.team_remove, self.team_remove_button])])

    def _create_crm_tab(self) -> None:
        self.crm_tab = ImportPanel(
            "Bring in contacts exported from Salesforce or HubSpot (CSV or Excel), or a plain "
            "CSV with the columns name, title, department, level, role, email, reports_to. You "
            "see a preview first; influence and support start unknown for you to set.",
            self.crm_load)
        self.crm_upload, self.crm_preview, self.crm_confirm, self.crm_message = (
            self.crm_tab.upload, self.crm_tab.preview, self.crm_tab.confirm,
            self.crm_tab.message)
        self.crm_confirm.on_click(lambda _: self.crm_add())
        self.pending: CrmPreview | None = None

    # -- changing the map ---------------------------------------------------------------------

    def _commit(self, doc: StakeholderMapDoc | dict[str, Any], from_form: bool = False) -> None:
        """Validate the new map and show it; save it (the keeper holds and retries it if the
        store refuses). `from_form`: the change came from the person form, which keeps what
        was typed (a refused value stays on screen, not replaced by the saved one)."""
        data = doc.model_dump() if isinstance(doc, StakeholderMapDoc) else doc
        new = parse(StakeholderMapDoc, data)
        self.keeper.offer(new, self.doc)
        self.doc = new
        self.render(refill_form=not from_form)

    @guarded(lambda self: self.save_status)
    def add_person(self, name: str = "") -> str:
        pid = new_id({p.id for p in self.doc.people}, "p")
        person = Stakeholder(id=pid, name=name or f"New person {len(self.doc.people) + 1}")
        self.selected = pid
        self._commit(with_person(self.doc, person))
        return pid

    @guarded(lambda self: self.save_status)
    def duplicate_person(self) -> None:
        if self._person(self.selected) is None:
            return
        new = copy_of_person(self.doc, self.selected)  # type: ignore[arg-type]
        self.selected = new.people[-1].id
        self._commit(new)

    @guarded(lambda self: self.save_status)
    def remove_person(self) -> None:
        if self.selected is None:
            return
        remaining = without_person(self.doc, self.selected)
        self.selected = remaining.people[0].id if remaining.people else None
        self._commit(remaining)

    def person_changed(self) -> None:
        """The form changed: save every valid field of the person; one that is not keeps its
        saved value and says so next to itself (what was typed stays on screen)."""
        data, links, problems = self.form.values()
        before = self._person(data["id"])
        if before is None:
            return
        saved = before.model_dump()
        for name, _ in problems:  # text that is no value at all: the saved value stands
            data[name] = saved[name]
        person, broken = parse_keeping(Stakeholder, data, before)
        problems += broken
        dated = dated_if_rerated(before, person, dt.date.today())
        try:
            self._commit(with_person(self.doc, dated, links), from_form=True)
        except InvalidInput as exc:  # e.g. a reports-to loop: the map as a whole
            problems.append(("reports_to", str(exc)))
            try:
                self._commit(with_person(self.doc, dated.model_copy(
                    update={"reports_to": before.reports_to}), links), from_form=True)
            except InvalidInput as again:  # something else about the map as a whole
                problems.append(("", str(again)))
        except KamkitError as exc:
            self.save_status.error(str(exc))
            return
        if dated.verified_on != person.verified_on:  # re-rated now: the form shows the new date
            self.form.verified_on.set(dated.verified_on)
        self.form.show_problems(problems)
        if problems and self.keeper.unsaved is None:
            self.save_status.unsaved("Saved, except the field marked in red: it keeps its last "
                                     "saved value until you fix it.")
        elif not problems:
            self.keeper.settled()

    @guarded(lambda self: self.save_status)
    def move_person(self, pid: str, influence: int, support: int) -> None:
        """A person dropped on the grid: the numbers follow the point."""
        self.selected = pid
        person = self._person(pid)
        if person is None:
            return
        moved = person.model_copy(update={"influence": influence, "support": support})
        self._commit(with_person(self.doc, dated_if_rerated(person, moved, dt.date.today())))

    @guarded(lambda self: self.save_status)
    def add_team_member(self, name: str, role: str, level: str | None) -> None:
        self._commit(with_team_member(self.doc, name, role, level))
        self.team_name.set("")

    @guarded(lambda self: self.save_status)
    def remove_team_member(self, tid: str | None) -> None:
        if tid is None:
            return
        self._commit(without_team_member(self.doc, tid))

    # -- CRM import ---------------------------------------------------------------------------

    @guarded(lambda self: self.crm_message)
    def crm_load(self, filename: str, content: bytes) -> None:
        from kamkit.io.crm import read_contacts
        from kamkit.io.opportunities import is_opportunity_file

        self.pending = None
        self.crm_tab.clear()
        if is_opportunity_file(filename, content):
            self.crm_message.error("This is an export of opportunities, not contacts: bring it "
                                   "in on the Opportunities step, on its Import from CRM tab.")
            return
        preview = read_contacts(filename, content, self.doc, company=self.session.account.name)
        self.crm_tab.show(preview.flavour, preview.mapping, ["Name", "Title", "Level", "Role"],
                          [(r.line, [r.name, r.title, r.level or "", r.role or ""], r.errors,
                            r.notes) for r in preview.rows],
                          len(preview.ready), "person", "people")
        self.pending = preview if preview.ready else None

    @guarded(lambda self: self.crm_message)
    def crm_add(self) -> None:
        from kamkit.io.crm import add_to_map

        if self.pending is None:
            return
        new_doc, added = add_to_map(self.doc, self.pending)
        self._commit(new_doc)
        self.pending = None
        self.crm_tab.done(f"Added {added} people. Set their influence and support - they are "
                          "unmapped until you do.")

    # -- drawing --------------------------------------------------------------------------------

    def _person(self, pid: str | None) -> Stakeholder | None:
        return next((p for p in self.doc.people if p.id == pid), None)

    def _on_pick(self, change: dict[str, Any]) -> None:
        if not self._drawing and change["new"] is not None:
            self.selected = change["new"]
            self.form.show(self.doc, self._person(self.selected))
            self.keeper.settled()  # the last person's refused text is gone with them
            self._show_category()

    def _on_drag(self, change: dict[str, Any]) -> None:
        if self._drawing:
            return
        for point in change["new"]:
            p = self._person(point["id"])
            if p is not None and (p.influence, p.support) != (point["influence"],
                                                             point["support"]):
                self.move_person(p.id, int(point["influence"]), int(point["support"]))
                return

    def _on_grid_pick(self, change: dict[str, Any]) -> None:
        """A dot clicked (or dropped): that person is selected."""
        pid = change["new"]
        if not pid:
            return
        self.grid.picked = ""  # so a second click on the same dot is heard too
        if not self._drawing and self._person(pid) is not None and pid != self.selected:
            self.select(pid)

    def select(self, pid: str) -> None:
        """Show one person in the form, marked on the grid and picked in the list."""
        self.selected = pid
        self.render()

    _drawing = False

    def render(self, refill_form: bool = True) -> None:
        grid = self.framework.grid
        best = best_levels(self.doc)
        self._drawing = True
        try:
            self.grid.points = [
                {"id": p.id, "label": _label(p), "influence": p.influence, "support": p.support,
                 "colour": CONTACT_COLOURS[min(4, best.get(p.id, 0))],
                 "contact": min(4, best.get(p.id, 0)),
                 "selected": p.id == self.selected}
                for p in self.doc.people]  # the unrated wait in a tray under the grid
            self.people.options = [(f"{_label(p)} · {place_person(p, grid).name}", p.id)
                                   for p in self.doc.people]
            self.people.value = self.selected if self._person(self.selected) else None
        finally:
            self._drawing = False
        unmapped = [_label(p) for p in self.doc.people
                    if p.influence is None or p.support is None]
        self.unmapped.value = ("" if not unmapped else
                               f"<div><b>Unmapped</b> (influence or support unknown): "
                               f"{e(', '.join(unmapped))}</div>")
        if refill_form:
            self.form.show(self.doc, self._person(self.selected))
            self.keeper.settled()  # the form shows saved values again: nothing is held back
        self._show_category()
        for b in (self.duplicate_button, self.remove_button):
            b.disabled = self.selected is None
        self._render_coverage()
        self._render_team()
        self.tree.value = org_html(self.doc)

    def _show_category(self) -> None:
        person = self._person(self.selected)
        if person is None:
            self.form.category.value = ""
            return
        cat = place_person(person, self.framework.grid)
        action = default_action(person, self.framework.grid)
        # the category proposes; the trainee edits (an empty action still counts as unplanned)
        self.form.action.input.placeholder = cat.action
        self.form.use_proposal.disabled = bool(person.action)
        self.form.category.value = (
            f'<div class="kk-hint"><b>{e(cat.name)}</b> - {e(cat.advice)} '
            f'<span class="kk-muted">Next action: {e(action)}</span></div>')

    def _render_coverage(self) -> None:
        self.findings.value = coverage_html(analyse(self.doc, self.framework.grid))
        pgrid = peer_grid(self.doc)
        head = "".join(f"<th>{e(t.name)}</th>" for t in self.doc.team)
        body = "".join(
            f"<tr><th>{e(level)}</th>" + "".join(
                "<td>" + "<br>".join(f"{e(name)}: {today or '–'} → {wanted or '–'}"
                                     for name, today, wanted in pgrid[level][t.id]) + "</td>"
                for t in self.doc.team) + "</tr>" for level in [*LEVELS, UNKNOWN_LEVEL])
        self.peer_table.value = ("<h2>Peer coverage</h2><div class='kk-muted'>Their levels down, "
                                 "our team across: one thread each side is a bow-tie; many, at "
                                 "every level, a diamond.</div>"
                                 f'<table class="kk-table"><tr><td></td>{head}</tr>{body}</table>')

    def _render_team(self) -> None:
        rows = "".join(f"<tr><td>{e(t.name)}</td><td>{e(t.role)}</td>"
                       f"<td>{e(t.level or 'unknown')}</td></tr>" for t in self.doc.team)
        self.team_list.value = (f'<table class="kk-table"><tr><th>Name</th><th>Role</th>'
                                f"<th>Level</th></tr>{rows}</table>" if rows else
                                "<p class='kk-muted'>No one on our team yet.</p>")
        self.team_remove.set_options([("choose…", None)] + [(t.name, t.id)
                                                             for t in self.doc.team])


def app(session: Session | None = None) -> widgets.Widget:
    """The stakeholder map step; without a session, a page that opens for whoever asks."""
    if session is not None:
        return StakeholdersApp(session)
    return StepPage(StakeholdersApp, STEP)
