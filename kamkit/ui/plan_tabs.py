"""The account plan's tabs (step 5): how each is laid out - objectives, actions, KPIs, white
space, value case, team, rhythm - the white-space grid and the team's rows kept in step with
the plan and the map, and what each tab says about the plan as it stands. The view
(`kamkit.ui.account_plan.AccountPlanApp`) builds on this: it keeps the document and saves it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from kamkit.account_plan import Commitment
from kamkit.charts import sparkline
from kamkit.errors import InvalidInput
from kamkit.frameworks import Framework
from kamkit.html import e, number
from kamkit.scoring.account_plan import (
    PlanAction,
    kpi_state,
    qbr_evidence,
    team_findings,
    value_case,
    white_space_sum,
)
from kamkit.steps.account_plan import actions_table, findings_html, money
from kamkit.steps.placement import placement
from kamkit.ui.components import DateField, Field, LinesField, Message, guarded, opening
from kamkit.ui.plan_parts import CellBox, CommitmentRow, set_choices

if TYPE_CHECKING:
    from kamkit.ui.plan_parts import PlanRow

__all__ = ["PlanTabs", "MAX_GRID", "elsewhere_html", "PARTS"]

#: what each tab holds, in tab order: the first tab's rows are built with the view, each other's
#: when the tab is first shown (or `build_rest()`: the workbook calls it in the background) -
#: a step opened by its own link sends the page only what it opens on
PARTS = ("objectives", "actions", "kpis", "white_space", "value", "team", "qbrs")

MAX_GRID = 12  # units and offerings the grid shows (a wider one no one reads on a screen)
_CLOSED = ("done", "dropped")


def elsewhere_html(acts: list[PlanAction], fw: Framework, today: dt.date) -> str:
    """The account's actions written on other steps, with where - to be changed there."""
    if not acts:
        return ("<p class='kk-muted'>None yet: the next actions per person on the stakeholder "
                "map and the relationship plan's items appear here.</p>")
    return actions_table(acts, fw, today)


def _intro(text: str) -> widgets.HTML:
    return widgets.HTML(f"<p>{e(text)}</p>")


class PlanTabs(widgets.VBox):
    """The tabs' widgets and drawing; attributes the view and tests use are set in
    `_create_tabs`. Relies on the view's `doc`, `framework`, `smap`, `opps`, `profile`,
    `rows`, `portfolio`, `changed()`, `add()` and `suggest_review()`."""

    if TYPE_CHECKING:
        doc: Any
        framework: Any
        smap: Any
        opps: Any
        profile: Any
        currency: str
        portfolio: Any
        save_status: Message
        rows: dict[str, list[PlanRow]]
        _loading: bool

        def changed(self) -> None: ...
        def add(self, kind: str) -> Any: ...
        def suggest_review(self) -> None: ...
        def docs(self) -> Any: ...

    def _create_tabs(self) -> None:
        self._titles: list[tuple[str, str]] | None = None
        self._built = {PARTS[0]}  # the parts whose rows (or grid) are on the page
        self.boxes = {kind: widgets.VBox() for kind in self.rows}
        self.tab_messages = {kind: Message() for kind in (*self.rows, "white_space", "team")}
        self.add_buttons = {}
        for kind, label in (("objectives", "Add an objective"), ("actions", "Add an action"),
                            ("kpis", "Add a KPI"), ("value", "Add a value"),
                            ("qbrs", "Record a QBR")):
            button = widgets.Button(description=label, button_style="primary",
                                    layout=widgets.Layout(width="auto"))
            button.on_click(lambda _, k=kind: self.add(k))
            self.add_buttons[kind] = button

        def listed(kind: str, text: str, *after: widgets.Widget) -> widgets.VBox:
            return widgets.VBox([_intro(text), self.boxes[kind], self.add_buttons[kind],
                                 self.tab_messages[kind], *after])

        self.elsewhere = widgets.HTML()
        self.ws_sum, self.value_sum = widgets.HTML(), widgets.HTML()
        self.team_findings, self.qbr_note = widgets.HTML(), widgets.HTML()
        self._create_white_space()
        self._create_team()
        self._create_rhythm()
        self.tabs = widgets.Tab([
            listed("objectives", "What you want to achieve in this account - measured, owned, "
                   "dated - and which of the customer's own goals each serves. A plan that "
                   "serves only us is a sales target."),
            listed("actions", "The steps towards the objectives, each with an owner from the "
                   "account team and a date.", widgets.HTML(
                       "<h2>Written elsewhere</h2><div class='kk-muted'>Your next actions per "
                       "person (the stakeholder map, step 2) and the relationship plan's items "
                       "(step 3) are actions of this plan too: change them where they were "
                       "written.</div>"), self.elsewhere),
            listed("kpis", "The measures that tell you the plan works: a target, and what "
                   "each was, when. Add an actual whenever you measure."),
            self.white_space_tab,
            listed("value", "The value we deliver to the customer per year, each figure with "
                   "how you know - the case you make at every QBR.", self.value_sum),
            self.team_tab, self.rhythm_tab],
            titles=["Objectives", "Actions", "KPIs", "White space", "Value case", "Team",
                    "Rhythm"])
        self.tabs.observe(self._on_inner_tab, names="selected_index")
        for part in PARTS[1:]:  # until built: said so, and nothing to add to yet
            self._opening(part)

    def _opening(self, part: str) -> None:
        box = {"white_space": self.grid, "team": self.team_box}.get(part) or self.boxes[part]
        box.children = [opening()]
        if part in self.add_buttons:
            self.add_buttons[part].disabled = True

    def _on_inner_tab(self, change: dict[str, Any]) -> None:
        if change["new"] is not None:
            self._build_guarded(PARTS[change["new"]])

    @guarded(lambda self: self.save_status)
    def _build_guarded(self, part: str) -> None:
        self.build_part(part)

    def build_part(self, part: str) -> None:
        """Put a tab's rows (or the white-space grid) on the page, showing the saved plan;
        until then, saving keeps that part as saved. A part that fails to build stays unbuilt
        (so a save keeps it as saved, never a half-shown list) and the error is raised."""
        if part in self._built:
            return
        self._built.add(part)
        was, self._loading = self._loading, True
        try:
            if part in self.rows:
                self._sync_rows(part, refill=True)
            elif part == "white_space":
                self._sync_grid(refill=True)
            else:
                self._sync_team(refill=True)
        except Exception:
            self._built.discard(part)
            if part in self.rows:
                self.rows[part].clear()
            elif part == "white_space":
                self.cell_boxes, self.cells = {}, []
            else:
                self.team_rows = []
            self._opening(part)
            raise
        finally:
            self._loading = was
        if part in self.add_buttons:
            self.add_buttons[part].disabled = False
        self.render()

    def build_rest(self) -> None:
        """Every tab's rows on the page (see PARTS)."""
        for part in PARTS:
            self.build_part(part)

    def _create_white_space(self) -> None:
        self.units = LinesField("Their business units", "e.g. Road freight")
        self.offerings = LinesField("Our offerings", "e.g. Telematics")
        for f in (self.units, self.offerings):
            f.layout.width = "320px"
            f.on_change(self.changed)
        self.cell_boxes: dict[tuple[str, str], CellBox] = {}
        self.cells: list[CellBox] = []
        self.cells_read: list[int] = []  # the document's cell n is on screen at cells[...]
        self.grid = widgets.GridBox(layout=widgets.Layout(grid_gap="4px"))
        self.grid_note = widgets.HTML()
        scroll = widgets.Box([self.grid])
        scroll.add_class("kk-scroll")
        self.white_space_tab = widgets.VBox([
            _intro("Their business units × our offerings: what each holds today. The value "
                   "of what is open or held by a competitor is what is still to win."),
            widgets.HBox([self.units, self.offerings]), self.grid_note, scroll,
            self.tab_messages["white_space"], self.ws_sum])

    def _create_team(self) -> None:
        self.team_rows: list[CommitmentRow] = []
        self.team_read: list[int] = []  # the document's entry n is team_rows[...]
        self.team_box = widgets.VBox()
        self.team_tab = widgets.VBox([
            _intro("Who is on the team is set on step 2, the stakeholder map (its “Our team” "
                   "tab): add, rename or remove people there. Here each says what they bring "
                   "to this account."),
            self.team_box, self.tab_messages["team"], self.team_findings])

    def _create_rhythm(self) -> None:
        self.next_review = DateField("Next review of this plan")
        self.next_review.on_change(self.changed)
        days = self.framework.account_plan.review_every_days
        self.review_button = widgets.Button(description=f"In {days} days",
                                            layout=widgets.Layout(width="auto"))
        self.review_button.on_click(lambda _: self.suggest_review())
        self.rhythm_tab = widgets.VBox([
            _intro(f"A plan is a living roadmap: review it at least every {days} days, and "
                   "record each quarterly business review with the customer."),
            widgets.HBox([self.next_review, self.review_button],
                         layout=widgets.Layout(align_items="center")),
            widgets.HTML("<h2>QBRs</h2><div class='kk-muted'>The QBRs of the last year pre-fill "
                         "the relationship evidence of step 3: reviews held, their senior "
                         "people attending, plans shared.</div>"),
            self.boxes["qbrs"], self.add_buttons["qbrs"], self.tab_messages["qbrs"],
            self.qbr_note])

    @staticmethod
    def _read(field: Field, where: str, problems: list[tuple[str, str]], saved: Any) -> Any:
        try:
            return field.value
        except InvalidInput as exc:
            problems.append((where, str(exc)))
            return saved

    # -- the white space and the team, in step with the plan and the map ----------------------

    def _sync_grid(self, refill: bool = False) -> None:
        if "white_space" not in self._built:
            return
        ws = self.doc.white_space
        units, offerings = ws.units[:MAX_GRID], ws.offerings[:MAX_GRID]
        saved = {(c.unit, c.offering): c for c in ws.cells}
        opps = [("none", None)] + [(o.name, o.id) for o in self.opps.opportunities]
        boxes: dict[tuple[str, str], CellBox] = {}
        was, self._loading = self._loading, True
        try:
            for key in ((u, o) for u in units for o in offerings):
                box = self.cell_boxes.get(key)
                if box is None:
                    box = CellBox(self.framework, *key)
                    box.on_change(self.changed)
                if box is not self.cell_boxes.get(key) or refill:
                    box.opportunity.set_options(opps)
                    box.fill(saved.get(key))
                set_choices(box.opportunity, opps, "no longer in step 4")
                boxes[key] = box
        finally:
            self._loading = was
        self.cell_boxes, self.cells = boxes, list(boxes.values())
        head = [widgets.HTML("")] + [widgets.HTML(f"<b>{e(o)}</b>") for o in offerings]
        body = [w for u in units for w in
                (widgets.HTML(f"<b>{e(u)}</b>"), *(boxes[(u, o)] for o in offerings))]
        self.grid.children = head + body if units and offerings else []
        self.grid.layout.grid_template_columns = f"150px repeat({len(offerings)}, 200px)"
        self.grid_note.value = (
            f"<div class='kk-muted'>The grid shows the first {MAX_GRID} of each.</div>"
            if max(len(ws.units), len(ws.offerings)) > MAX_GRID else
            "" if units and offerings else
            "<div class='kk-muted'>List their units and our offerings to see the grid.</div>")

    def _read_grid(self, problems: list[tuple[str, str]]) -> dict[str, Any]:
        """The white space as typed; cells of units or offerings no longer listed are kept
        (they return when the unit does)."""
        ws = self.doc.white_space
        saved = {(c.unit, c.offering): c for c in ws.cells}
        cells, self.cells_read = [], []
        for n, box in enumerate(self.cells):
            cell = box.read(saved.get((box.unit, box.offering)), problems, f"ws-cell.{n}")
            if cell is not None:
                self.cells_read.append(n)
                cells.append(cell)
        kept = [c.model_dump() for c in ws.cells
                if (c.unit, c.offering) not in self.cell_boxes]
        return {"units": self.units.value, "offerings": self.offerings.value,
                "cells": cells + kept}

    def _sync_team(self, refill: bool = False) -> None:
        """A row per member of step 2's team; a member gone keeps their saved commitment."""
        if "team" not in self._built:
            return
        said = {c.member: c for c in self.doc.team}
        old = {r.member: r for r in self.team_rows}
        rows = []
        was, self._loading = self._loading, True
        try:
            for member in self.smap.team:
                row = old.get(member.id)
                if row is None:
                    row = CommitmentRow(member.id)
                    row.on_change(self.changed)
                if row is not old.get(member.id) or refill:
                    row.fill(said.get(member.id) or Commitment(member=member.id))
                row.show(member.name, member.role)
                rows.append(row)
        finally:
            self._loading = was
        self.team_rows = rows
        self.team_box.children = rows or [widgets.HTML(
            "<div class='kk-card'>No team yet: name the sponsor, yourself and the others on "
            "the stakeholder map's “Our team” (step 2).</div>")]

    def _read_team(self, problems: list[tuple[str, str]]) -> list[dict[str, Any]]:
        said = {c.member: c for c in self.doc.team}
        out, self.team_read = [], []
        for n, row in enumerate(self.team_rows):
            entry = {"member": row.member, **row.read(said.get(row.member), problems,
                                                      f"team.{len(out)}")}
            if row.member in said or any(str(entry.get(k, "")).strip() for k in row.fields):
                self.team_read.append(n)
                out.append(entry)
        shown = {r.member for r in self.team_rows}
        return out + [c.model_dump() for c in self.doc.team if c.member not in shown]

    # -- what each tab says ---------------------------------------------------------------

    def render_tabs(self, today: dt.date, acts: list[PlanAction]) -> None:
        doc = self.doc
        for row, objective in zip(self.rows["objectives"], doc.objectives, strict=False):
            row.checked.value = (  # type: ignore[attr-defined]
                f"<span class='kk-muted'>last checked {objective.checked_on.isoformat()}</span>"
                if objective.checked_on else "<span class='kk-muted'>not checked yet</span>")
        for row, act in zip(self.rows["actions"], acts, strict=False):
            flags = (["overdue"] if act.overdue(today) else []) + (
                ["nobody owns it"] if not act.owner.strip() and act.status not in _CLOSED
                else [])
            row.flag.value = (f"<span class='kk-error'>{e(', '.join(flags))}</span>"  # type: ignore[attr-defined]
                              if flags else "")
        self.elsewhere.value = elsewhere_html(acts[len(doc.actions):], self.framework, today)
        for row, kpi in zip(self.rows["kpis"], doc.kpis, strict=False):
            state = kpi_state(kpi)
            points = ", ".join(f"{on.isoformat()}: {number(v)}" for on, v in state.points)
            mark = "" if state.reached is None else (" ✔ target reached" if state.reached
                                                     else " - target not reached yet")
            row.actuals.value = (  # type: ignore[attr-defined]
                f"<div>{sparkline([v for _, v in state.points], kpi.target, kpi.name)} "
                f"<span class='kk-muted'>{e(points) or 'no actuals yet'}{mark}</span></div>")
        self._render_sums(today)

    def _render_sums(self, today: dt.date) -> None:
        doc, fw, cur = self.doc, self.framework, self.currency
        total = white_space_sum(doc.white_space, fw, {o.id for o in self.opps.opportunities})
        self.ws_sum.value = (
            f"<div class='kk-card'><b>Not yet ours: {e(money(total.uncovered, cur))}</b> "
            f"(sold: {e(money(total.sold, cur))})"
            + (f"; {total.unvalued} open or competitor cells have no value yet"
               if total.unvalued else "")
            + (f". Linked to an opportunity no longer in step 4: "
               f"{e(', '.join(total.broken_links))}" if total.broken_links else "") + "</div>")
        case = value_case(doc, self.profile)
        roi = ("" if case.roi is None else f" For every {cur} they spend with us, "
               f"{case.roi:.1f} {cur} of value with evidence - what the QBR pack will say"
               + (": less than they pay." if case.roi < 1 else "."))
        self.value_sum.value = (
            f"<div class='kk-card'><b>Value delivered: {e(money(case.total, cur))} a year</b>"
            f" (with evidence: {e(money(case.proven, cur))}).{e(roi)}"
            + ("" if case.spend else " Give what they spend with us (step 1) to see the "
               "return on it.") + "</div>")
        purpose = placement(self.docs(), fw, today).purpose
        self.team_findings.value = findings_html(team_findings(
            doc, self.smap, purpose.id if purpose else None, fw, self.portfolio))
        evidence = qbr_evidence(doc, self.smap, fw, today)
        self.qbr_note.value = "" if not evidence else (
            "<div class='kk-muted'>Step 3 reads from them now: "
            + e("; ".join(f"{kind.replace('_', ' ')} level {level}"
                          for kind, (level, _) in evidence.items())) + ".</div>")
