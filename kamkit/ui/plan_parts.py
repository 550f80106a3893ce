"""The account plan's row widgets (step 5): one objective, action, KPI, value item, team
commitment, QBR or white-space cell each - its fields, how a saved entry is shown, and how the
row reads back as the entry's data. Widgets and their reading only: the view
(`kamkit.ui.account_plan`) keeps the document, saves it and says where a problem is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets

from kamkit.errors import InvalidInput
from kamkit.frameworks import Framework
from kamkit.html import e
from kamkit.ui.components import (
    ChoiceField,
    Confirm,
    DateField,
    Field,
    LinesField,
    Message,
    NumberField,
    TextField,
    fixed,
)

__all__ = ["Choices", "PlanRow", "ObjectiveRow", "ActionRow", "KpiRow", "ValueRow",
           "CommitmentRow", "QbrRow", "CellBox", "set_choices", "set_many"]

#: (label, value) pairs a drop-down or a multi-select offers
Choices = Sequence[tuple[str, Any]]


def set_choices(field: ChoiceField, options: Choices, gone: str) -> None:
    """New choices for a drop-down, keeping what it shows: a value the choices no longer hold
    stays chosen, labelled `gone` (e.g. "no longer on our team")."""
    held = field.value
    values = {v for _, v in options}
    extra = [(f"{held} - {gone}", held)] if held is not None and held not in values else []
    field.set_options([*options, *extra])
    field.set(held)


def set_many(field: Field, options: Choices, chosen: Sequence[str], gone: str) -> None:
    """Choices for a multi-select, with `chosen` selected; a chosen value the choices no longer
    hold stays selected, labelled `gone`."""
    values = {v for _, v in options}
    field.input.options = [*options, *[(f"{c} ({gone})", c) for c in chosen
                                       if c not in values]]
    field.input.value = tuple(chosen)


def _many(label: str, help: str = "", rows: int = 4, width: str = "96%") -> Field:
    return Field(label, widgets.SelectMultiple(options=[], rows=rows,
                                               layout=widgets.Layout(width=width)), help)


def _wrap(*parts: widgets.Widget) -> widgets.HBox:
    return widgets.HBox(list(parts), layout=fixed(flex_flow="row wrap",
                                                  align_items="flex-start"))


class PlanRow(widgets.VBox):
    """One entry of a list in the plan: `fields` by the model's field names (read and shown
    alike), a `remove` that asks once more, and a `message` for the entry as a whole."""

    fields: dict[str, Field]
    checks: dict[str, widgets.Checkbox]  # yes/no parts, by the model's field names

    def _finish(self, parts: list[widgets.Widget], remove: str) -> None:
        if not hasattr(self, "checks"):
            self.checks = {}
        self.remove = Confirm(remove, "Keep it")
        self.message = Message()
        super().__init__([*parts, self.remove, self.message])
        self.add_class("kk-card")

    def offer(self, name: str, options: Choices, gone: str) -> None:
        """The choices of field `name` (from other steps); what it shows stays, a choice no
        longer offered labelled `gone`."""
        if not hasattr(self, "_offered"):
            self._offered: dict[str, tuple[Choices, str]] = {}
        self._offered[name] = (list(options), gone)
        field = self.fields[name]
        if isinstance(field.input, widgets.SelectMultiple):
            set_many(field, options, field.input.value, gone)
        else:
            set_choices(field, options, gone)  # type: ignore[arg-type]

    def fill(self, item: Any) -> None:
        """Show a saved entry (the caller keeps the row's edits from saving meanwhile)."""
        offered = getattr(self, "_offered", {})
        for name, field in self.fields.items():
            value = getattr(item, name)
            if isinstance(field.input, widgets.SelectMultiple):
                options, gone = offered.get(name, ([], "no longer there"))
                set_many(field, options, value, gone)
            elif isinstance(field, ChoiceField):
                field.set(value if value != "" else None)
                if name in offered:
                    set_choices(field, *offered[name])
            else:
                field.set(value)
        for name, box in self.checks.items():
            box.value = bool(getattr(item, name))

    def read(self, saved: Any, problems: list[tuple[str, str]], where: str) -> dict[str, Any]:
        """The entry as typed; a date or number that is not one keeps its saved value and is
        reported at `where.<field>`."""
        out: dict[str, Any] = saved.model_dump() if saved is not None else {}
        for name, field in self.fields.items():
            try:
                value = field.value
            except InvalidInput as exc:
                problems.append((f"{where}.{name}", str(exc)))
                continue
            if value is None and name == "owner":
                value = ""  # nobody yet
            out[name] = list(value) if isinstance(value, tuple) else value
        out |= {name: box.value for name, box in self.checks.items()}
        return out

    def message_for(self, name: str) -> Message:
        field = self.fields.get(name)
        return field.message if field is not None else self.message

    def messages(self) -> list[Message]:
        return [self.message, *(f.message for f in self.fields.values())]

    def on_change(self, callback: Callable[[], None]) -> None:
        for field in self.fields.values():
            field.on_change(callback)
        for box in self.checks.values():
            box.observe(lambda _: callback(), names="value")


def _owner(label: str = "Owner") -> ChoiceField:
    return ChoiceField(label, [("nobody yet", None)], width="220px",
                       help="from “Our team” (step 2)")


def _status(fw: Framework) -> ChoiceField:
    return ChoiceField("Status", list((v, k) for k, v in fw.account_plan.statuses.items()),
                       width="150px")


class ObjectiveRow(PlanRow):
    """An objective: what, of which kind, measured how, from what to what by when, whose,
    how it stands - and which of the customer's goals it serves."""

    def __init__(self, fw: Framework) -> None:
        content = fw.account_plan
        self.title = TextField("Objective", "e.g. Renew the contract for three years")
        self.title.layout.width = "380px"
        self.kind = ChoiceField("Kind", [(v, k) for k, v in content.objective_kinds.items()],
                                width="220px")
        self.metric = TextField("Measured as", "e.g. contract value per year (EUR)")
        self.metric.layout.width = "300px"
        self.baseline = NumberField("From (today)")
        self.target = NumberField("To (target)")
        self.due = DateField("By")
        self.owner = _owner()
        self.status = _status(fw)
        self.serves = _many("Serves their goal", "what the customer is trying to achieve "
                                                 "(step 1); Ctrl/⌘-click for several")
        self.fields = {"title": self.title, "kind": self.kind, "metric": self.metric,
                       "baseline": self.baseline, "target": self.target, "due": self.due,
                       "owner": self.owner, "status": self.status, "serves": self.serves}
        self.checked = widgets.HTML()
        self.check_button = widgets.Button(description="Mark as checked",
                                           layout=widgets.Layout(width="auto"))
        self._finish([_wrap(self.title, self.kind, self.status),
                      _wrap(self.metric, self.baseline, self.target, self.due, self.owner),
                      self.serves, _wrap(self.check_button, self.checked)],
                     "Remove this objective")


class ActionRow(PlanRow):
    """One of the plan's own actions."""

    def __init__(self, fw: Framework) -> None:
        self.what = TextField("Action", "e.g. Joint renewal workshop with the COO")
        self.what.layout.width = "380px"
        self.objective = ChoiceField("Towards", [("the plan as a whole", None)],
                                     width="240px")
        self.owner = _owner()
        self.due = DateField("Due")
        self.status = _status(fw)
        self.fields = {"what": self.what, "objective": self.objective, "owner": self.owner,
                       "due": self.due, "status": self.status}
        self.flag = widgets.HTML()
        self._finish([_wrap(self.what, self.objective), _wrap(self.owner, self.due,
                                                              self.status), self.flag],
                     "Remove this action")


class KpiRow(PlanRow):
    """A KPI: its target, and what it was, when - a new actual added with its date."""

    def __init__(self, fw: Framework) -> None:
        self.name = TextField("KPI", "e.g. Empty running")
        self.name.layout.width = "300px"
        self.unit = TextField("Unit", "e.g. %")
        self.unit.layout.width = "120px"
        self.target = NumberField("Target")
        self.higher = widgets.Checkbox(value=True, description="Higher is better",
                                       indent=False, layout=widgets.Layout(width="auto"))
        self.fields = {"name": self.name, "unit": self.unit, "target": self.target}
        self.checks = {"higher_is_better": self.higher}
        self.actuals = widgets.HTML()
        self.new_on = DateField("Measured on")
        self.new_value = NumberField("Value")
        self.add_actual = widgets.Button(description="Add this actual", button_style="primary",
                                         layout=widgets.Layout(width="auto"))
        self.drop_actual = widgets.Button(description="Remove the latest actual",
                                          layout=widgets.Layout(width="auto"))
        self._finish([_wrap(self.name, self.unit, self.target, self.higher), self.actuals,
                      _wrap(self.new_on, self.new_value, self.add_actual, self.drop_actual)],
                     "Remove this KPI")

    def new_actual(self) -> dict[str, Any] | None:
        """The actual typed (date and value), or None - each problem said next to its field."""
        found: dict[str, Any] = {}
        for name, field in (("on", self.new_on), ("value", self.new_value)):
            field.message.clear()
            try:
                found[name] = field.value
            except InvalidInput as exc:
                field.message.error(str(exc))
                continue
            if found[name] is None:
                field.message.error("Needed for an actual.")
        if len(found) < 2 or None in found.values():
            return None
        return found

    def messages(self) -> list[Message]:
        return [*super().messages(), self.new_on.message, self.new_value.message]


class ValueRow(PlanRow):
    """A piece of the value we deliver, and how we know."""

    def __init__(self, fw: Framework, currency: str) -> None:
        self.kind = ChoiceField("Kind", [(v, k) for k, v in fw.account_plan.value_kinds.items()],
                                width="180px")
        self.what = TextField("Value delivered", "e.g. Fuel saved by better routes")
        self.what.layout.width = "360px"
        self.amount = NumberField("Per year", currency)
        self.evidence = TextField("How do you know?", "their report, a measurement, a date…",
                                  long=True, height="52px")
        self.fields = {"kind": self.kind, "what": self.what, "amount": self.amount,
                       "evidence": self.evidence}
        self._finish([_wrap(self.kind, self.what, self.amount), self.evidence],
                     "Remove this value")


class CommitmentRow(PlanRow):
    """What one of ours (step 2's team) brings to the account."""

    def __init__(self, member: str) -> None:
        self.member = member
        self.who = widgets.HTML()
        self.department = TextField("Department", "e.g. Service")
        self.region = TextField("Region", "e.g. Benelux")
        for f in (self.department, self.region):
            f.layout.width = "220px"
        self.commitment = TextField("Their commitment to the account",
                                    "e.g. Meets their CEO twice a year", long=True,
                                    height="46px")
        self.fields = {"department": self.department, "region": self.region,
                       "commitment": self.commitment}
        self.checks = {}
        self.message = Message()
        super().__init__([self.who, _wrap(self.department, self.region), self.commitment,
                          self.message])
        self.add_class("kk-card")

    def show(self, name: str, role: str) -> None:
        self.who.value = f"<b>{e(name)}</b> <span class='kk-muted'>{e(role)}</span>"


class QbrRow(PlanRow):
    """A QBR held: when, who attended on both sides, the value shown, their plans shared, the
    next steps agreed."""

    def __init__(self, fw: Framework) -> None:
        self.held_on = DateField("Held on")
        self.ours = LinesField("Who of ours attended")
        self.theirs = _many("Who of theirs attended", "from your stakeholder map; "
                                                      "Ctrl/⌘-click for several", rows=5)
        self.value_shown = TextField("Value shown against the plan", long=True, height="52px")
        self.plans_shared = widgets.Checkbox(value=False, indent=False,
                                             description="They shared their own plans with us",
                                             layout=widgets.Layout(width="auto"))
        self.next_steps = TextField("Next steps agreed", long=True, height="52px")
        self.fields = {"held_on": self.held_on, "ours": self.ours, "theirs": self.theirs,
                       "value_shown": self.value_shown, "next_steps": self.next_steps}
        self.checks = {"plans_shared": self.plans_shared}
        for f in (self.ours, self.theirs):
            f.layout.width = "48%"
        self._finish([self.held_on, _wrap(self.ours, self.theirs), self.value_shown,
                      self.plans_shared, self.next_steps], "Remove this QBR")


class CellBox(widgets.VBox):
    """One cell of the white space: what it holds, its value, the opportunity of step 4."""

    def __init__(self, fw: Framework, unit: str, offering: str) -> None:
        self.unit, self.offering = unit, offering
        self.state = ChoiceField("Holds", [("—", None)] + [
            (v, k) for k, v in fw.account_plan.white_space.items()], width="170px")
        self.value = NumberField("Value", width="130px")
        self.opportunity = ChoiceField("Opportunity (step 4)", [("none", None)],
                                       width="170px")
        super().__init__([self.state, self.value, self.opportunity],
                         layout=widgets.Layout(width="190px"))
        self.add_class("kk-card")

    def fill(self, cell: Any | None) -> None:
        self.state.set(cell.state if cell else None)
        self.value.set(cell.value if cell else None)
        self.opportunity.set(cell.opportunity if cell else None)

    def read(self, saved: Any | None, problems: list[tuple[str, str]],
             where: str) -> dict[str, Any] | None:
        """The cell as typed (None while it holds nothing); a value that is no number keeps
        the saved one and is reported at `where.value`."""
        try:
            value = self.value.value
        except InvalidInput as exc:
            problems.append((f"{where}.value", str(exc)))
            value = saved.value if saved else None
        if self.state.value is None:
            if value is not None:
                problems.append((f"{where}.state", "Choose what this cell holds, so its "
                                 "value counts"))
            return None
        return {"unit": self.unit, "offering": self.offering, "state": self.state.value,
                "value": value, "opportunity": self.opportunity.value}

    def messages(self) -> list[Message]:
        return [self.state.message, self.value.message, self.opportunity.message]

    def on_change(self, callback: Callable[[], None]) -> None:
        for f in (self.state, self.value, self.opportunity):
            f.on_change(callback)
