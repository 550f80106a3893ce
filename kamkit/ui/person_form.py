"""The form for one person on the stakeholder map, and who of ours knows them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from kamkit.errors import InvalidInput
from kamkit.frameworks import GridContent
from kamkit.html import e
from kamkit.models import PeerLink, Stakeholder, StakeholderMapDoc
from kamkit.scoring.coverage import LEVELS
from kamkit.ui.components import ChoiceField, DateField, Field, TextField, named

__all__ = ["PersonForm", "UNKNOWN"]

UNKNOWN = ("unknown", None)


class PersonForm(widgets.VBox):
    """Edits one person. `values()` gives the person and their links as the form shows them;
    `show()` loads a person. Every change calls `on_change` (the view validates and saves)."""

    def __init__(self, grid: GridContent, on_change: Callable[[], None]) -> None:
        self.grid = grid
        self.person_id: str | None = None
        self._loading = False
        self._on_change = on_change
        self.name = TextField("Name", "e.g. Greta Lind")
        self.placeholder = widgets.Checkbox(description="a role we know exists, holder not met "
                                            "(placeholder)", indent=False)
        self.title = TextField("Title", "e.g. Chief Financial Officer")
        self.department = TextField("Department")
        self.email = TextField("Email")
        self.level = ChoiceField("Level", [UNKNOWN] + [(lvl, lvl) for lvl in LEVELS])
        self.role = ChoiceField("Role in the buying process",
                                [UNKNOWN] + [(r, r) for r in grid.roles])
        self.influence = ChoiceField("Influence on the decision", [UNKNOWN] + [
            (f"{v} · {label}", v) for v, label in sorted(grid.influence.labels.items())])
        self.support = ChoiceField("Support for us", [UNKNOWN] + [
            (f"{v:+d} · {label}" if v else f"0 · {label}", v)
            for v, label in sorted(grid.support.labels.items())])
        self.category = widgets.HTML()
        self.reports_to = ChoiceField("Reports to", [("nobody on the map", None)])
        influences = Field("Influences (informal lines)", widgets.SelectMultiple(
            options=[], rows=4, layout=widgets.Layout(width="96%")))
        self.influences = influences.input
        self.needs = TextField("Logical needs", "what the business needs from this", long=True)
        self.wants = TextField("Emotional wants", "what they personally want", long=True)
        self.declared_agenda = TextField("Declared agenda", long=True)
        self.personal_agenda = TextField("Personal agenda", long=True)
        self.evidence = TextField("How do you know?", "what they said or did", long=True)
        self.verified_on = DateField("Last verified")
        self.action = TextField("Next action", long=True)
        self.use_proposal = widgets.Button(description="Use the proposed action",
                                           layout=widgets.Layout(width="auto"))
        self.use_proposal.on_click(lambda _: self.action.set(self.action.input.placeholder))
        self.action_owner = TextField("Owner (ours)")
        self.action_due = DateField("Due")
        self.links_box = widgets.VBox()
        self.link_fields: dict[str, tuple[widgets.Dropdown, widgets.Dropdown]] = {}
        self._team_shown: tuple[tuple[str, str], ...] | None = None
        fields: list[Field] = [self.name, self.title, self.department, self.email, self.level,
                               self.role, self.influence, self.support, self.reports_to,
                               self.needs, self.wants, self.declared_agenda,
                               self.personal_agenda, self.evidence, self.verified_on,
                               self.action, self.action_owner, self.action_due]
        for f in fields:
            f.on_change(self._changed)
        self.placeholder.observe(lambda _: self._changed(), names="value")
        self.influences.observe(lambda _: self._changed(), names="value")
        acc = widgets.Accordion([
            widgets.VBox([self.needs, self.wants, self.declared_agenda, self.personal_agenda]),
            widgets.VBox([self.evidence, self.verified_on]),
            widgets.VBox([self.reports_to, influences]),
        ], titles=["Needs, wants and agendas", "Evidence", "Lines to others"])
        super().__init__([
            self.name, self.placeholder, self.title, self.department, self.level, self.role,
            widgets.HBox([self.influence, self.support]), self.category,
            widgets.HTML("<b>Who of ours knows them</b> <span class='kk-muted'>today → wanted: "
                         + e(", ".join(f"{k} {v}" for k, v in grid.peer_levels.items()))
                         + "</span>"), self.links_box,
            widgets.HTML("<b>Next action</b>"), self.action, self.use_proposal,
            widgets.HBox([self.action_owner, self.action_due]), acc, self.email])

    def _changed(self) -> None:
        if not self._loading:
            self._on_change()

    def show(self, doc: StakeholderMapDoc, person: Stakeholder | None) -> None:
        """Load `person` (None: an empty, disabled form) with the map's other people and team."""
        self._loading = True
        try:
            self.person_id = person.id if person else None
            others = [(p.name or p.title or p.id, p.id) for p in doc.people
                      if person is None or p.id != person.id]
            self.reports_to.set_options([("nobody on the map", None), *others])
            self.influences.options = others
            self._build_links(doc, person)
            p = person or Stakeholder(id="none", placeholder=True)
            for name in ("name", "title", "department", "email", "level", "role", "influence",
                         "support", "needs", "wants", "declared_agenda", "personal_agenda",
                         "evidence", "verified_on", "action", "action_owner", "action_due",
                         "reports_to"):
                getattr(self, name).set(getattr(p, name))
            self.placeholder.value = p.placeholder if person else False
            self.show_problems([])  # another person (or none): no warning of the last one
            self.influences.value = tuple(i for i in p.influences if i in dict(others).values())
            self.layout.display = None if person else "none"
        finally:
            self._loading = False

    def _build_links(self, doc: StakeholderMapDoc, person: Stakeholder | None) -> None:
        def current(member_id: str) -> tuple[int | None, int | None]:
            link = next((lk for lk in doc.links if person and lk.theirs == person.id
                         and lk.ours == member_id), None)
            return (link.today, link.wanted) if link else (None, None)

        team = tuple((t.id, t.name) for t in doc.team)
        if team == self._team_shown:  # same rows: keep the widgets (and the focus), set values
            for member_id, (today, wanted) in self.link_fields.items():
                now, want = current(member_id)
                today.value, wanted.value = now or 0, want or 0
            return
        self._team_shown = team
        # 0 stands for "none": a drop-down whose value is None shows an empty box
        levels = [("none", 0)] + [(f"{k} {v}", k) for k, v in self.grid.peer_levels.items()]
        rows, self.link_fields = [], {}
        for member in doc.team:
            now, want = current(member.id)
            today = widgets.Dropdown(options=levels, value=now or 0,
                                     layout=widgets.Layout(width="170px"))
            wanted = widgets.Dropdown(options=levels, value=want or 0,
                                      layout=widgets.Layout(width="170px"))
            named(today, f"How well {member.name} knows them today", shown=False)
            named(wanted, f"How well {member.name} should know them", shown=False)
            for w in (today, wanted):
                w.observe(lambda _: self._changed(), names="value")
            self.link_fields[member.id] = (today, wanted)
            rows.append(widgets.HBox([widgets.HTML(f"{e(member.name)}", layout=widgets.Layout(
                width="160px")), today, widgets.HTML("→"), wanted]))
        if not doc.team:
            rows.append(widgets.HTML('<span class="kk-muted">Add your account team below to '
                                     "record who knows whom.</span>"))
        self.links_box.children = rows

    def values(self) -> tuple[dict[str, Any], list[PeerLink], list[tuple[str, str]]]:
        """The person's data, their links, and (field, message) problems found so far."""
        data: dict[str, Any] = {"id": self.person_id, "placeholder": self.placeholder.value,
                                "influences": list(self.influences.value)}
        problems = []
        for name in ("name", "title", "department", "email", "level", "role", "influence",
                     "support", "needs", "wants", "declared_agenda", "personal_agenda",
                     "evidence", "verified_on", "action", "action_owner", "action_due",
                     "reports_to"):
            try:
                data[name] = getattr(self, name).value
            except InvalidInput as exc:
                problems.append((name, str(exc)))
        links = [PeerLink(ours=ours, theirs=self.person_id or "", today=t.value or None,
                          wanted=w.value or None)
                 for ours, (t, w) in self.link_fields.items() if t.value or w.value]
        return data, links, problems

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        named = dict(problems)
        for name in ("name", "title", "department", "email", "influence", "support",
                     "reports_to", "verified_on", "action_due"):
            field = getattr(self, name)
            text = named.pop(name, None)
            field.message.unsaved(f"{text} - not saved yet.") if text else field.message.clear()
        if named:  # problems of the person as a whole (e.g. no name and not a placeholder)
            self.name.message.unsaved(f"{next(iter(named.values()))} - not saved yet.")
