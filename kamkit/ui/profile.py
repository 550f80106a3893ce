"""Step 1: the account profile - short sections of facts, a completeness meter, a coach's hints,
and where the facts place the account in the portfolio (Grow / Maintain / Defend / Exit).

Every field is saved when the trainee leaves it (validated first; a problem is shown next to the
field and what was typed stays on screen). The second tab is the trainee's whole portfolio.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from kamkit.errors import InvalidInput
from kamkit.html import bar, e
from kamkit.models import ProfileDoc, parse_keeping
from kamkit.profile_fields import FIELDS
from kamkit.scoring.profile import coach_hints, section_progress
from kamkit.scoring.segmentation import Placement
from kamkit.session import Session
from kamkit.steps import Docs
from kamkit.steps.profile import ID, axes_html, matrix_html, placement, progress
from kamkit.ui.components import (
    STYLE,
    ChoiceField,
    DateField,
    Field,
    LinesField,
    Message,
    NumberField,
    TextField,
    guarded,
)
from kamkit.ui.page import StepPage
from kamkit.ui.saving import Keeper

__all__ = ["ProfileApp", "app", "RATINGS", "STEP"]

STEP = ID
RATINGS = [("not rated yet", None)] + [(f"{v}", v) for v in range(0, 101, 10)]


class ProfileApp(widgets.VBox):
    """The profile step for `session.account`. Public attributes are what tests use:
    `fields[name]`, `ratings[criterion id]`, `currency`, `save_status`, `purpose`, `hints`."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.framework = session.framework
        doc, self.basis = session.open_step(STEP)
        self.doc: ProfileDoc = doc  # type: ignore[assignment]
        self._loading = False
        self._create_fields()
        self._create_sections()
        self._create_results()
        from kamkit.ui.portfolio import PortfolioView

        self.portfolio = PortfolioView(session)
        profile_tab = widgets.HBox([self.sections, self.side],
                                   layout=widgets.Layout(flex_flow="row wrap"))
        self.tabs = widgets.Tab([profile_tab, self.portfolio],
                                titles=["This account", "My portfolio"])
        self.tabs.observe(lambda c: c["new"] == 1 and self.portfolio.refresh(),
                          names="selected_index")
        super().__init__([STYLE, self.tabs])
        self._fill(self.doc)
        self.render()

    # -- building -------------------------------------------------------------------------

    def _make(self, name: str) -> Field:
        kind, label, extra = FIELDS[name]
        currency = self.doc.currency
        if kind == "text":
            return TextField(label, placeholder=extra)
        if kind == "long":
            return TextField(label, placeholder=extra, long=True)
        if kind == "lines":
            return LinesField(label, placeholder=extra)
        if kind == "money":
            return NumberField(label, unit=currency, help=extra)
        if kind == "pct":
            return NumberField(label, unit="%", help="0-100")
        if kind == "int":
            return NumberField(label, unit="years", whole=True)
        if kind == "date":
            return DateField(label)
        return ChoiceField(label, [("choose…", "")] + [(b, b) for b in
                                                       self.framework.profile.size_bands])

    def _create_fields(self) -> None:
        self.fields: dict[str, Field] = {name: self._make(name) for name in FIELDS}
        self.currency = ChoiceField("Currency of all figures", self.framework.profile.currencies,
                                    width="120px")
        self.share_of_wallet = widgets.HTML()
        seg = self.framework.segmentation
        self.ratings: dict[str, ChoiceField] = {}
        self.derived: dict[str, widgets.HTML] = {}
        for c in (*seg.attractiveness, *seg.strength):
            label = f"{c.name} (weight {c.weight:g})"
            if c.source:
                label += " - your rating, used until the facts are in"
            self.ratings[c.id] = ChoiceField(label, RATINGS, help=c.help, width="160px")
            if c.source:
                self.derived[c.id] = widgets.HTML()
        for f in [*self.fields.values(), *self.ratings.values(), self.currency]:
            f.on_change(self.changed)

    def _create_sections(self) -> None:
        boxes = []
        for section in self.framework.profile.sections:
            children: list[widgets.Widget] = [widgets.HTML(
                f'<div class="kk-muted">{e(section.intro)}</div>')]
            if section.id == "commercial":
                children.append(self.currency)
            for name in section.fields:
                children.append(self.fields[name])
                if name == "spend_with_us":
                    children.append(self.share_of_wallet)
            if section.id == "segmentation":
                seg = self.framework.segmentation
                children.append(widgets.HTML("<b>How attractive is the account?</b>"))
                children += [self.ratings[c.id] for c in seg.attractiveness]
                children.append(widgets.HTML("<b>How strong are we in it?</b>"))
                for c in seg.strength:
                    children += [w for w in (self.derived.get(c.id), self.ratings[c.id]) if w]
            boxes.append(widgets.VBox(children))
        self.sections = widgets.Accordion(boxes, selected_index=0,
                                          layout=widgets.Layout(width="560px"))

    def _create_results(self) -> None:
        self.save_status = Message()
        self.keeper = Keeper(self.session.save, STEP, self.save_status, self.basis)
        self.completeness = widgets.HTML()
        self.hints = widgets.HTML()
        self.matrix = widgets.HTML()
        self.purpose = widgets.HTML()
        self.breakdown = widgets.HTML()
        self.side = widgets.VBox([self.save_status, self.completeness, self.hints, self.matrix,
                                  self.purpose, self.breakdown],
                                 layout=widgets.Layout(width="420px", margin="0 0 0 16px"))

    # -- data in and out ----------------------------------------------------------------------

    def _fill(self, doc: ProfileDoc) -> None:
        self._loading = True
        try:
            for name, f in self.fields.items():
                head, _, tail = name.partition(".")
                f.set(getattr(doc.swot, tail) if head == "swot" else getattr(doc, name))
            self.currency.set(doc.currency)
            for cid, f in self.ratings.items():
                f.set(doc.segmentation.get(cid))
        finally:
            self._loading = False

    def form_data(self) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The form as profile data, and the fields whose text is not a value at all."""
        data: dict[str, Any] = {"swot": {}, "currency": self.currency.value}
        problems = []
        for name, f in self.fields.items():
            try:
                value = f.value
            except InvalidInput as exc:
                problems.append((name, str(exc)))
                continue
            head, _, tail = name.partition(".")
            if head == "swot":
                data["swot"][tail] = value
            else:
                data[name] = value
        data["segmentation"] = {cid: f.value for cid, f in self.ratings.items()
                                if f.value is not None}
        return data, problems

    def changed(self) -> None:
        if not self._loading:
            self.save()

    @guarded(lambda self: self.save_status)
    def save(self) -> None:
        """Save every field that is valid; a field that is not keeps its saved value, says why
        next to itself, and stays on screen as typed until it is fixed."""
        data, problems = self.form_data()
        saved = self.doc.model_dump()
        for name, _ in problems:  # text that is no value at all: the saved value stands
            head, _, tail = name.partition(".")
            if tail:
                data[head][tail] = saved[head][tail]
            else:
                data[name] = saved[name]
        doc, broken = parse_keeping(ProfileDoc, data, self.doc)
        problems += broken
        self._show_problems(problems)
        self.keeper.offer(doc, self.doc)
        self.doc = doc  # what was saved (or held to retry); invalid text stays on screen only
        if problems and self.keeper.unsaved is None:
            self.save_status.unsaved(
                "Saved, except the field marked in red: it keeps its last saved value until you "
                "fix it (what you typed stays on screen).")
        elif not problems:
            self.keeper.settled()
        self.render()

    def _show_problems(self, problems: list[tuple[str, str]]) -> None:
        targets = {**self.fields, **{f"segmentation.{k}": v for k, v in self.ratings.items()},
                   "currency": self.currency}
        marked = set()
        for field, text in problems:
            parts = field.split(".")
            for n in range(len(parts), 0, -1):  # "swot.threats.0" -> "swot.threats"
                target = targets.get(".".join(parts[:n]))
                if target is not None and id(target) not in marked:
                    target.message.unsaved(f"{text} - not saved yet.")
                    marked.add(id(target))
                    break
        for target in targets.values():
            if id(target) not in marked:
                target.message.clear()

    def refresh(self) -> None:
        """Shown again: the placement follows what the other steps now hold."""
        self.render()
        if self.tabs.selected_index == 1:
            self.portfolio.refresh()

    # -- what the facts say ---------------------------------------------------------------------

    def placement(self) -> Placement:
        docs = self.session.documents()
        docs = Docs({**docs, STEP: self.doc}, docs.account)  # what is on screen, saved or not
        return placement(docs, self.framework, account=docs.account)

    def render(self) -> None:
        doc, fw = self.doc, self.framework
        for name, (kind, _, _) in FIELDS.items():
            if kind == "money":
                self.fields[name].unit.value = f'<span class="kk-muted">{e(doc.currency)}</span>'
        sow = doc.share_of_wallet
        self.share_of_wallet.value = (
            f"<div>Share of wallet: <b>{sow:.0f} %</b> of their category spend comes to us."
            "</div>" if sow is not None else
            '<div class="kk-muted">Share of wallet appears when both spend figures are in.</div>')
        sections = section_progress(doc, fw)
        for i, (section, p) in enumerate(zip(fw.profile.sections, sections, strict=True)):
            mark = "✓" if p.status == "done" else f"{p.done}/{p.total}"
            self.sections.set_title(i, f"{section.title} · {mark}")
        whole = progress(doc, fw)
        self.completeness.value = (
            f"<div class='kk-card'><b>Profile complete: {whole.percent} %</b> "
            f"{bar(whole.percent, 160)}</div>")
        hints = coach_hints(doc, fw)
        self.hints.value = "".join(
            f'<div class="kk-hint kk-{h.level}">{e(h.text)}</div>' for h in hints[:4])
        placed = self.placement()
        self._render_placement(placed)

    def _render_placement(self, placed: Placement) -> None:
        s = placed.strength
        self.matrix.value = matrix_html(placed, self.session.account.name,  # type: ignore
                                        self.framework, 300)
        text = e(placed.explanation)
        if placed.purpose is not None:
            name = e(placed.purpose.name)
            text = text.replace(f"a {name} account", f"a <b>{name}</b> account", 1)
        self.purpose.value = f'<div class="kk-explain">{text}</div>'
        self.breakdown.value = axes_html(placed)
        for cid, html_widget in self.derived.items():
            value = next(v for v in s.values if v.criterion.id == cid)
            html_widget.value = (
                f"<div>{e(value.criterion.name)} from {e(value.origin)}: "
                f"<b>{value.value:.0f}</b></div>" if value.origin not in (None, "your rating")
                else f'<div class="kk-muted">{e(value.criterion.name)}: no facts yet - '
                     "rate it yourself below.</div>")


def app(session: Session | None = None) -> widgets.Widget:
    """The profile step; without a session, a page that opens for whoever requests it."""
    if session is not None:
        return ProfileApp(session)
    return StepPage(ProfileApp, STEP)
