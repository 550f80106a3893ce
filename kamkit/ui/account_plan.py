"""Step 5: the account plan - objectives that serve the customer's own goals, the actions under
them (and those written on the map and in the relationship plan, read where they were written),
KPIs with dated actuals, the white space, the value case, what the team commits, and the rhythm
that keeps the plan alive: a next review and the QBRs held. What the plan should look at is
always on top. The row widgets are in `kamkit.ui.plan_parts`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from kamkit.account_plan import AccountPlanDoc, with_checks, without_objective
from kamkit.models import (
    ProfileDoc,
    RelationshipDoc,
    StakeholderMapDoc,
    new_id,
    parse,
    parse_keeping,
)
from kamkit.opportunity import OpportunitiesDoc
from kamkit.scoring.account_plan import Portfolio, customer_goals, plan_actions
from kamkit.session import Session
from kamkit.steps import Docs
from kamkit.steps.account_plan import ID, findings, findings_html
from kamkit.ui import plan_tabs
from kamkit.ui.components import STYLE, Message, download_link, guarded, safe_filename
from kamkit.ui.page import StepPage
from kamkit.ui.plan_parts import (
    ActionRow,
    KpiRow,
    ObjectiveRow,
    PlanRow,
    QbrRow,
    ValueRow,
)
from kamkit.ui.saving import Keeper

__all__ = ["AccountPlanApp", "app", "STEP", "LISTS"]

STEP = ID
#: the plan's lists a trainee adds to and removes from, each a tab's rows
LISTS = ("objectives", "actions", "kpis", "value", "qbrs")
_PREFIX = {"objectives": "b", "actions": "a", "kpis": "k"}  # ids, as the sample's


class AccountPlanApp(plan_tabs.PlanTabs):
    """Step 5 for `session.account`. Tests use `add(kind)` and `rows[kind]` (`LISTS`: each row's
    fields by the model's names, e.g. `rows["objectives"][0].title`), `remove(kind, row)`,
    `mark_checked(row)`, `add_actual(row)`, the white space (`units`, `offerings`, `cells`),
    `team_rows`, `next_review`, `suggest_review()`, the results (`findings`, `elsewhere`,
    `ws_sum`, `value_sum`, `team_findings`, `qbr_note`), `save_status` and `qbr_link`."""

    def __init__(self, session: Session, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.session = session
        self.framework = session.framework
        self.today = today
        doc, self.basis = session.open_step(STEP)
        self.doc: AccountPlanDoc = doc  # type: ignore[assignment]
        self._loading = False
        self._read_others()
        self.save_status = Message()
        self.keeper = Keeper(session.save, STEP, self.save_status, self.basis)
        self._create_qbr()
        self.findings = widgets.HTML()
        self.rows: dict[str, list[PlanRow]] = {kind: [] for kind in LISTS}
        self._create_tabs()
        super().__init__([STYLE, self.qbr_box, self.save_status, self.findings, self.tabs])
        self._fill()
        self.render()

    def _read_others(self) -> None:
        docs = self.session.documents()
        self.others = docs
        self.profile = docs.of(ProfileDoc)
        self.smap = docs.of(StakeholderMapDoc)
        self.rel = docs.of(RelationshipDoc)
        self.opps = docs.of(OpportunitiesDoc)
        self.currency = self.profile.currency
        self.goals = customer_goals(self.profile)
        # practice (case-study) accounts never count towards the account manager's load
        self.portfolio = None if docs.key_accounts is None else Portfolio(docs.key_accounts)

    def _create_qbr(self) -> None:
        self.qbr_names = widgets.Checkbox(
            value=False, indent=False, layout=widgets.Layout(width="auto"),
            description="Their people as Person 1, Person 2 …")
        self.qbr_button = widgets.Button(description="Prepare the QBR pack",
                                         layout=widgets.Layout(width="auto"))
        self.qbr_button.on_click(lambda _: self.prepare_qbr())
        self.qbr_link = widgets.HTML()
        self.qbr_message = Message()
        self.qbr_box = widgets.HBox([self.qbr_button, self.qbr_names, self.qbr_link,
                                     self.qbr_message],
                                    layout=widgets.Layout(flex_flow="row wrap",
                                                          align_items="center"))

    @guarded(lambda self: self.qbr_message)
    def prepare_qbr(self) -> None:
        """The QBR pack for the customer meeting - one printable page, from the saved work of
        every step - as a link that saves it (the file travels inside the page)."""
        self.qbr_message.clear()
        html = self.session.qbr_pack(self.qbr_names.value, self.today())
        name = self.session.account.name  # type: ignore[union-attr]
        self.qbr_link.value = download_link(
            "QBR pack", safe_filename(f"QBR {name}", "html"), html.encode("utf-8"), "text/html")

    def docs(self) -> Docs:
        """The account's documents, this plan as it stands on the page."""
        return self.others.replaced({STEP: self.doc})

    # -- rows ---------------------------------------------------------------------------------

    def _new_row(self, kind: str) -> PlanRow:
        fw = self.framework
        row: PlanRow = {"objectives": lambda: ObjectiveRow(fw), "actions": lambda: ActionRow(fw),
                        "kpis": lambda: KpiRow(fw), "value": lambda: ValueRow(fw, self.currency),
                        "qbrs": lambda: QbrRow(fw)}[kind]()
        row.on_change(self.changed)
        row.remove.button.on_click(lambda _: self.remove(kind, row))
        if isinstance(row, ObjectiveRow):
            row.check_button.on_click(lambda _: self.mark_checked(row))
        if isinstance(row, KpiRow):
            row.add_actual.on_click(lambda _: self.add_actual(row))
            row.drop_actual.on_click(lambda _: self.drop_actual(row))
        return row

    def _sync_rows(self, kind: str, refill: bool = False) -> None:
        """As many rows as entries; new rows (or, with `refill`, all) show the saved entry -
        a row already on screen keeps what is typed in it."""
        if kind not in self._built:  # its tab is not on the page yet
            return
        was, self._loading = self._loading, True  # showing the plan saves nothing
        try:
            items, rows = getattr(self.doc, kind), self.rows[kind]
            del rows[len(items):]
            for n, item in enumerate(items):
                if n == len(rows):
                    rows.append(self._new_row(kind))
                elif not refill:
                    continue
                self._offer(rows[n])
                rows[n].fill(item)
                self._offer(rows[n])  # a saved choice no longer offered: shown as such
            self.boxes[kind].children = rows
        finally:
            self._loading = was

    def _offer(self, row: PlanRow) -> None:
        """The choices other steps give a row: owners (step 2's team), objectives, the
        customer's goals (step 1), their people (step 2)."""
        team = [(f"{t.name} · {t.role}", t.id) for t in self.smap.team]
        if "owner" in row.fields:
            row.offer("owner", [("nobody yet", None), *team], "no longer on our team")
        if "objective" in row.fields:
            row.offer("objective", [("the plan as a whole", None)] + [
                (o.title, o.id) for o in self.doc.objectives], "removed")
        if "serves" in row.fields:
            row.offer("serves", [(g, g) for g in self.goals], "no longer in the profile")
        if "theirs" in row.fields:
            row.offer("theirs", [((p.name or p.title or p.id) + (
                f" · {p.title}" if p.name and p.title else ""), p.id) for p in self.smap.people],
                "no longer on the map")

    def _fill(self) -> None:
        self._loading = True
        try:
            for kind in LISTS:
                self._sync_rows(kind, refill=True)
            self.units.set(self.doc.white_space.units)
            self.offerings.set(self.doc.white_space.offerings)
            self._sync_grid(refill=True)
            self._sync_team(refill=True)
            self.next_review.set(self.doc.next_review)
        finally:
            self._loading = False

    # -- saving -------------------------------------------------------------------------------

    def form_data(self) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The plan as the page shows it, and the answers typed that are no value at all (a
        date or a number that is not one): those keep their saved value, reported at their
        field's path. An objective edited is checked today."""
        data = self.doc.model_dump()
        problems: list[tuple[str, str]] = []
        for kind in LISTS:
            if kind not in self._built:  # its tab not shown yet: as saved
                continue
            saved = getattr(self.doc, kind)
            data[kind] = [row.read(saved[n] if n < len(saved) else None, problems,
                                   f"{kind}.{n}") for n, row in enumerate(self.rows[kind])]
        with_checks(data, self.doc, self.today())
        data["white_space"] = self._read_grid(problems)
        data["team"] = self._read_team(problems)
        data["next_review"] = self._read(self.next_review, "next_review", problems,
                                         self.doc.next_review)
        return data, problems

    def changed(self) -> None:
        if not self._loading:
            self.save()

    @guarded(lambda self: self.save_status)
    def save(self) -> None:
        """Save every valid answer; one that breaks a rule keeps its saved value and says so
        next to itself."""
        for message in self._messages():
            message.clear()
        data, problems = self.form_data()
        doc, broken = parse_keeping(AccountPlanDoc, data, self.doc)
        problems += broken
        grid = (doc.white_space.units, doc.white_space.offerings) != (
            self.doc.white_space.units, self.doc.white_space.offerings)
        self._commit(doc)
        if grid:
            self._sync_grid()
        for field, text in problems:
            self._message_for(field).unsaved(f"{text} - not saved yet.")
        if not problems:
            self.keeper.settled()

    def _messages(self) -> list[Message]:
        out = [*self.tab_messages.values(), self.units.message, self.offerings.message,
               self.next_review.message]
        for rows in (*self.rows.values(), self.team_rows):
            for row in rows:
                out += row.messages()
        for cell in self.cells:
            out += cell.messages()
        return out

    def _message_for(self, field: str) -> Message:
        """Where a problem is said: next to the field it is about, else its row, its tab, or
        the step's save status."""
        parts = field.split(".")
        head, index = parts[0], parts[1] if len(parts) > 1 else ""
        rows = self.rows.get(head) or (self.team_rows if head == "team" else None)
        if head == "team" and index.isdigit():
            index = str(self.team_read[int(index)]) if int(index) < len(self.team_read) else ""
        if rows is not None and index.isdigit() and int(index) < len(rows):
            row = rows[int(index)]
            return row.message_for(parts[2]) if len(parts) > 2 else row.message
        if head == "white_space" and index in ("units", "offerings"):
            return getattr(self, index).message
        if head == "white_space" and index == "cells" and len(parts) > 2:
            n = int(parts[2]) if parts[2].isdigit() else len(self.cells_read)
            head, index = "ws-cell", str(self.cells_read[n]) if n < len(self.cells_read) else ""
            parts = [head, index, *parts[3:]]
        if head == "ws-cell" and index.isdigit() and int(index) < len(self.cells):
            cell = self.cells[int(index)]
            return {"state": cell.state, "opportunity": cell.opportunity}.get(
                parts[2] if len(parts) > 2 else "", cell.value).message
        if head == "next_review":
            return self.next_review.message
        return self.tab_messages.get(head, self.save_status)

    def _commit(self, doc: AccountPlanDoc) -> None:
        self.keeper.offer(doc, self.doc)
        self.doc = doc
        self.render()

    # -- adding and removing ------------------------------------------------------------------

    @guarded(lambda self: self.save_status)
    def add(self, kind: str) -> PlanRow | None:
        """A new entry at the end of `kind` (one of LISTS), shown as a new row."""
        self.build_part(kind)
        content, items = self.framework.account_plan, getattr(self.doc, kind)
        most = {"objectives": content.max_objectives, "actions": content.max_actions}.get(
            kind, AccountPlanDoc.model_fields[kind].metadata[0].max_length)
        if len(items) >= most:
            self.tab_messages[kind].error(f"At most {most} here: a plan that keeps to what "
                                          "matters is one people read.")
            return None
        self.tab_messages[kind].clear()
        entry: dict[str, Any] = {}
        if kind in _PREFIX:
            entry["id"] = new_id({i.id for i in items}, _PREFIX[kind])
        n = len(items) + 1
        entry |= {"objectives": {"title": f"New objective {n}", "checked_on": self.today(),
                                 "kind": next(iter(content.objective_kinds))},
                  "actions": {"what": ""}, "kpis": {"name": f"New KPI {n}"},
                  "value": {"kind": "savings", "what": ""},
                  "qbrs": {"held_on": self.today()}}[kind]
        data = self.doc.model_dump()
        data[kind].append(entry)
        self._commit(parse(AccountPlanDoc, data))
        self._sync_rows(kind)
        return self.rows[kind][-1]

    @guarded(lambda self: self.save_status)
    def remove(self, kind: str, row: PlanRow) -> None:
        """Remove an entry - asked once more first."""
        if row not in self.rows[kind]:
            return
        n = self.rows[kind].index(row)
        item = getattr(self.doc, kind)[n]
        about = (kind, getattr(item, "id", n), len(self.rows[kind]))
        if not row.remove.confirmed(about):
            name = getattr(item, "title", "") or getattr(item, "name", "") or getattr(
                item, "what", "") or "this entry"
            then = (" Its actions stay, towards the plan as a whole." if kind == "objectives"
                    else "")
            row.remove.ask(about, f"Remove “{name}”?{then} Earlier versions stay in the "
                           "history.", "Yes, remove it", danger=True)
            return
        row.remove.disarm()
        data = self.doc.model_dump()
        if kind == "objectives":
            data = without_objective(data, item.id)
        else:
            del data[kind][n]
        self.rows[kind].pop(n)
        was, self._loading = self._loading, True
        try:
            for other in self.rows["actions"] if kind == "objectives" else []:
                if other.fields["objective"].value == item.id:
                    other.fields["objective"].set(None)
        finally:
            self._loading = was
        self._commit(parse(AccountPlanDoc, data))
        self._sync_rows(kind)

    @guarded(lambda self: self.save_status)
    def mark_checked(self, row: ObjectiveRow) -> None:
        """Looked at today, nothing to change: the objective is no longer stale."""
        n = self.rows["objectives"].index(row)
        data = self.doc.model_dump()
        data["objectives"][n]["checked_on"] = self.today()
        self._commit(parse(AccountPlanDoc, data))

    @guarded(lambda self: self.save_status)
    def add_actual(self, row: KpiRow) -> None:
        """The KPI's value on a date, as typed below it; the fields empty again once added."""
        found = row.new_actual()
        if found is None:
            return
        n = self.rows["kpis"].index(row)
        data = self.doc.model_dump()
        data["kpis"][n]["actuals"].append(found)
        doc, problems = parse_keeping(AccountPlanDoc, data, self.doc)
        if problems:
            row.message.error(problems[0][1])
            return
        self._commit(doc)
        row.new_on.set(None)
        row.new_value.set(None)

    @guarded(lambda self: self.save_status)
    def drop_actual(self, row: KpiRow) -> None:
        """Take back the latest actual (a typing slip)."""
        n = self.rows["kpis"].index(row)
        data = self.doc.model_dump()
        actuals = data["kpis"][n]["actuals"]
        if actuals:
            actuals.remove(max(actuals, key=lambda a: a["on"]))
            self._commit(parse(AccountPlanDoc, data))

    @guarded(lambda self: self.next_review.message)
    def suggest_review(self) -> None:
        """The next review, as often as content says a plan is reviewed, from today."""
        self.next_review.set(self.today() + dt.timedelta(
            days=self.framework.account_plan.review_every_days))

    def refresh(self) -> None:
        """Shown again: re-read the profile's goals, the map's team and people, the
        opportunities, and redraw - what is typed stays."""
        self._read_others()
        was, self._loading = self._loading, True
        try:
            self._reoffer()
            self._sync_team()
            self._sync_grid()
        finally:
            self._loading = was
        self.render()

    def _reoffer(self) -> None:
        was, self._loading = self._loading, True
        try:
            for rows in self.rows.values():
                for row in rows:
                    self._offer(row)
        finally:
            self._loading = was

    # -- what the plan says -------------------------------------------------------------------

    def render(self) -> None:
        today = self.today()
        docs = self.docs()
        found = findings(docs, self.framework, today, self.portfolio)
        self.findings.value = ("<div class='kk-card'><h2>What the plan should look at</h2>"
                               f"{findings_html(found)}</div>")
        titles = [(o.title, o.id) for o in self.doc.objectives]
        if titles != self._titles:  # a renamed or new objective: the actions' choices follow
            self._titles = titles
            was, self._loading = self._loading, True
            try:
                for row in self.rows["actions"]:
                    self._offer(row)
            finally:
                self._loading = was
        acts = plan_actions(self.doc, self.smap, self.rel, self.framework)
        self.render_tabs(today, acts)


def app(session: Session | None = None) -> widgets.Widget:
    """The account-plan step; without a session, a page that opens for whoever asks."""
    if session is not None:
        return AccountPlanApp(session)
    return StepPage(AccountPlanApp, STEP)
