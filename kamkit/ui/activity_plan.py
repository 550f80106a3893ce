"""The activity plan's form pieces for step 4: one outcome - what, for which opportunity (or the
account), by when, its value - with rows of planned contacts (kind, how many, with whom, the
expected conversion). Widgets only: the view (`kamkit.ui.opportunities`) reads them into the
document and says where a problem is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets

from kamkit.errors import InvalidInput
from kamkit.frameworks import Framework
from kamkit.ui.components import ChoiceField, DateField, Field, Message, NumberField, TextField

__all__ = ["ContactRow", "OutcomeRow", "MIN_CONTACT_ROWS"]

MIN_CONTACT_ROWS = 3  # empty rows offered under an outcome; a saved plan may hold more


class ContactRow(widgets.HBox):
    """Contacts of one kind for an outcome."""

    def __init__(self, fw: Framework, people: Sequence[tuple[str, str]]) -> None:
        self.kind = ChoiceField("Contact", [("choose a kind…", None)] + [
            (c.name, c.id) for c in fw.qualification.contacts], width="190px")
        self.count = NumberField("How many", whole=True, width="70px")
        self.people = Field("With whom", widgets.SelectMultiple(
            options=list(people), rows=3, layout=widgets.Layout(width="230px")))
        self.conversion = NumberField("Expected conversion", "%", width="70px")
        self._defaults = {c.id: c.conversion_pct for c in fw.qualification.contacts}
        self.kind.on_change(self._offer_typical)
        super().__init__([self.kind, self.count, self.people, self.conversion],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))

    def _offer_typical(self) -> None:
        """A kind chosen with no conversion yet: the content's typical one, as a start."""
        if self.kind.value is not None and not self.conversion.box.value.strip():
            self.conversion.set(self._defaults.get(self.kind.value))
        if self.kind.value is not None and not self.count.box.value.strip():
            self.count.set(1)

    def set_people(self, people: Sequence[tuple[str, str]]) -> None:
        chosen = self.people.input.value
        known = {pid for _, pid in people}
        self.people.input.options = list(people)
        self.people.input.value = tuple(p for p in chosen if p in known)

    def fill(self, contact: Any | None) -> None:
        self.kind.set(contact.kind if contact else None)
        self.count.set(contact.count if contact else None)
        ids = {v for _, v in self.people.input.options}
        self.people.input.value = tuple(p for p in (contact.people if contact else [])
                                        if p in ids)
        self.conversion.set(contact.conversion_pct if contact else None)

    def read(self, problems: list[tuple[str, str]], where: str) -> dict[str, Any] | None:
        """The row as a planned contact (None when no kind is chosen). A count or conversion
        that is not a number is reported at `where` and left out."""
        if self.kind.value is None:
            return None
        out: dict[str, Any] = {"kind": self.kind.value, "people": list(self.people.value)}
        for name, field in (("count", self.count), ("conversion_pct", self.conversion)):
            try:
                value = field.value
            except InvalidInput as exc:  # the text is no number
                problems.append((f"{where}.{name}", str(exc)))
                continue
            if value is not None:
                out[name] = value
        return out

    def on_change(self, callback: Callable[[], None]) -> None:
        for f in (self.kind, self.count, self.people, self.conversion):
            f.on_change(callback)


class OutcomeRow(widgets.VBox):
    """One outcome of the plan, with its contact rows and a remove button."""

    def __init__(self, fw: Framework, targets: Sequence[tuple[str, str | None]],
                 people: Sequence[tuple[str, str]], contacts: int = MIN_CONTACT_ROWS) -> None:
        self.what = TextField("Outcome wanted", "e.g. pilot agreed with the COO")
        self.target = ChoiceField("For", list(targets), width="240px")
        self.by = DateField("By")
        self.value = NumberField("Value")
        self.contacts = [ContactRow(fw, people) for _ in range(contacts)]
        self.read_rows: list[int] = []
        self.remove = widgets.Button(description="Remove outcome",
                                     layout=widgets.Layout(width="auto"))
        self.message = Message()
        head = widgets.HBox([self.what, self.target, self.by, self.value],
                            layout=widgets.Layout(flex_flow="row wrap"))
        self.what.layout.width = "300px"
        super().__init__([head, *self.contacts, widgets.HBox([self.remove]), self.message])
        self.add_class("kk-card")

    def set_choices(self, targets: Sequence[tuple[str, str | None]],
                    people: Sequence[tuple[str, str]]) -> None:
        chosen = self.target.value
        self.target.set_options(list(targets))
        self.target.set(chosen if chosen in {v for _, v in targets} else None)
        for row in self.contacts:
            row.set_people(people)

    def fill(self, outcome: Any) -> None:
        self.what.set(outcome.what)
        self.target.set(outcome.opportunity)
        self.by.set(outcome.by)
        self.value.set(outcome.value)
        for n, row in enumerate(self.contacts):
            row.fill(outcome.contacts[n] if n < len(outcome.contacts) else None)

    def read(self, saved: Any, problems: list[tuple[str, str]], where: str) -> dict[str, Any]:
        """The outcome as typed; a date or number that is not one keeps its saved value and is
        reported at `where`."""
        out: dict[str, Any] = {"what": self.what.value, "opportunity": self.target.value,
                               "contacts": []}
        for name, field in (("by", self.by), ("value", self.value)):
            try:
                out[name] = field.value
            except InvalidInput as exc:
                problems.append((f"{where}.{name}", str(exc)))
                out[name] = getattr(saved, name, None)
        self.read_rows = []  # document index -> row on screen (rows with no kind are left out)
        for n, row in enumerate(self.contacts):
            contact = row.read(problems, f"{where}.contacts.{len(self.read_rows)}")
            if contact is not None:
                out["contacts"].append(contact)
                self.read_rows.append(n)
        return out

    def contact_row(self, index: str) -> ContactRow | None:
        """The row on screen of the document's contact `index` (as read last)."""
        if index.isdigit() and int(index) < len(self.read_rows):
            return self.contacts[self.read_rows[int(index)]]
        return None

    @property
    def full(self) -> bool:
        """Every contact row has a kind: time to offer another."""
        return all(row.kind.value is not None for row in self.contacts)

    def on_change(self, callback: Callable[[], None]) -> None:
        for f in (self.what, self.target, self.by, self.value):
            f.on_change(callback)
        for row in self.contacts:
            row.on_change(callback)
