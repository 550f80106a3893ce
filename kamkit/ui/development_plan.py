"""The trainee's development plan: up to `plan_items` (content) competencies to get better at,
each with an action, a date (YYYY-MM-DD) and whether it is done - saved as typed. The
competencies are offered in the order `suggested` gives: what the trainee's accounts' purposes
ask for most, then where they are rated lowest. A part of the competency tab."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import ipywidgets as widgets

from kamkit.competency import DevelopmentItem, DevelopmentPlan
from kamkit.competency_content import CompetencyContent
from kamkit.errors import InvalidInput
from kamkit.html import e
from kamkit.models import parse
from kamkit.session import Basis, Session
from kamkit.ui.components import ChoiceField, DateField, Message, TextField, guarded
from kamkit.ui.saving import Keeper

__all__ = ["PlanRow", "PlanPanel", "suggested"]

_NOTHING = ("choose a competency…", None)


def suggested(content: CompetencyContent, table: Mapping[tuple[str, str], Mapping[str, float]],
              purposes: Iterable[str]) -> list[str]:
    """Competency ids in the order a development plan should consider them: first those the
    role fit of the trainee's accounts' purposes emphasises, then the rest; within each, the
    lowest rated first (the latest round's means, every rater's pooled), unrated last.
    `table` is `kamkit.scoring.competency.gap_table`'s."""
    emphasis = {c for p in purposes if p in content.role_fit
                for c in content.role_fit[p].emphasis}
    latest = "after" if any(rd == "after" for rd, _ in table) else "before"
    pooled: dict[str, list[float]] = {}
    for (rd, _), means in table.items():
        if rd == latest:
            for cid, mean in means.items():
                pooled.setdefault(cid, []).append(mean)
    order = [c.id for c in content.competencies]

    def key(cid: str) -> tuple[bool, float, int]:
        levels = pooled.get(cid)
        return (cid not in emphasis, sum(levels) / len(levels) if levels else 6.0,
                order.index(cid))

    return sorted(order, key=key)


class PlanRow(widgets.VBox):
    """One item of the plan: the competency, an action, a date, done."""

    def __init__(self, number: int) -> None:
        self.competency = ChoiceField(f"{number}. Competency to develop", [_NOTHING],
                                      width="380px")
        self.action = TextField(f"{number}. What you will do",
                                placeholder="e.g. Meet the new COO with my sponsor")
        self.due = DateField(f"{number}. By when")
        self.done = widgets.Checkbox(description="Done", indent=False,
                                     layout=widgets.Layout(width="100px"))
        super().__init__([self.competency, self.action, widgets.HBox([self.due, self.done])])
        self.add_class("kk-card")
        self.add_class("kk-plan-item")

    def show(self, item: DevelopmentItem | None) -> None:
        self.competency.set(item.competency if item else None)
        self.action.set(item.action if item else "")
        self.due.set(item.due if item else None)
        self.done.value = bool(item and item.done)

    def on_change(self, callback: Any) -> None:
        for f in (self.competency, self.action, self.due):
            f.on_change(callback)
        self.done.observe(lambda _: callback(), names="value")


class PlanPanel(widgets.VBox):
    """The development plan. Public: `rows` (`PlanRow`s, as many as content allows), `status`
    (the save status), `hint` (what is suggested first)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.content = session.competencies
        self.plan, version = session.development_plan()
        self._loading = False
        self.status = Message()
        self.keeper = Keeper(lambda _key, doc, _basis: session.save_development_plan(
            doc), "development plan", self.status, Basis(0, version))  # type: ignore[arg-type]
        self.hint = widgets.HTML()
        self.rows = [PlanRow(n) for n in range(1, self.content.plan_items + 1)]
        self.suggest(suggested(self.content, {}, []))
        self._fill(self.plan)
        for row in self.rows:
            row.on_change(self.changed)
        super().__init__([
            widgets.HTML(f"<h2>Your development plan</h2><div class='kk-muted'>Up to "
                         f"{self.content.plan_items} things you will get better at, each with "
                         "an action and a date (YYYY-MM-DD).</div>"),
            self.hint, self.status, *self.rows])
        self.add_class("kk-card")
        self.add_class("kk-plan")

    def _fill(self, plan: DevelopmentPlan) -> None:
        self._loading = True
        try:
            for n, row in enumerate(self.rows):
                row.show(plan.items[n] if n < len(plan.items) else None)
        finally:
            self._loading = False
        # the item each row saved last: a field that cannot be kept keeps that item's value
        self._saved: list[DevelopmentItem | None] = [
            plan.items[n] if n < len(plan.items) else None for n in range(len(self.rows))]

    def suggest(self, order: list[str]) -> None:
        """Offer the competencies in `order` (`suggested`), and name the first few."""
        titles = {c.id: c.title for c in self.content.competencies}
        self.hint.value = (
            "<div class='kk-muted'>Suggested first - what your accounts ask for most, then "
            "where you are rated lowest: "
            + ", ".join(f"<b>{e(titles[c])}</b>" for c in order[:3]) + ".</div>")
        choices = [_NOTHING] + [(titles[c], c) for c in order]
        self._loading = True
        try:
            for row in self.rows:
                held = row.competency.value
                row.competency.set_options(choices)
                row.competency.set(held)
        finally:
            self._loading = False

    def changed(self) -> None:
        if not self._loading:
            self.save()

    def items(self) -> tuple[list[DevelopmentItem | None], bool]:
        """Each row as an item (None: no competency chosen), and whether a field could not be
        kept (it keeps the row's saved value, and says why next to itself)."""
        out: list[DevelopmentItem | None] = []
        problems = False
        for row, before in zip(self.rows, self._saved, strict=True):
            row.action.message.clear()
            try:
                due = row.due.value
                row.due.message.clear()
            except InvalidInput as exc:
                row.due.message.unsaved(f"{exc} - not saved yet.")
                due, problems = (before.due if before else None), True
            if row.competency.value is None:
                out.append(None)
                continue
            data = {"competency": row.competency.value, "action": row.action.value,
                    "due": due, "done": row.done.value}
            try:
                item = parse(DevelopmentItem, data)
            except InvalidInput as exc:
                row.action.message.unsaved(f"{exc} - not saved yet.")
                problems = True
                item = parse(DevelopmentItem, data | {"action": before.action if before else ""})
            out.append(item)
        return out, problems

    @guarded(lambda self: self.status)
    def save(self) -> None:
        items, problems = self.items()
        plan = DevelopmentPlan(items=[i for i in items if i is not None])
        self.keeper.offer(plan, self.plan)
        self.plan, self._saved = plan, items
        if problems and self.keeper.unsaved is None:
            self.status.unsaved("Saved, except the field marked in red: it keeps its last "
                                "saved value until you fix it.")
        elif not problems:
            self.keeper.settled()
