"""Step 3: relationship quantification - the gut feeling first, then the evidence card by card,
the score with what carries it and what drags it down, the gap between feeling and evidence,
the trend over repeated assessments, and a plan to raise up to three indicators."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from kamkit.errors import InvalidInput
from kamkit.html import e
from kamkit.models import RelationshipDoc, parse, parse_keeping
from kamkit.scoring.relationship import (
    as_shown,
    biggest_changes,
    lock_feeling,
    new_assessment,
    relationship_score,
    trend,
)
from kamkit.session import Session
from kamkit.steps.relationship import (
    ID,
    bars_html,
    breakdown_html,
    gap_html,
    known,
    score_html,
    trend_html,
)
from kamkit.ui.components import (
    STYLE,
    ChoiceField,
    Confirm,
    DateField,
    Field,
    FirstAnswer,
    Message,
    TextField,
    fixed,
    guarded,
)
from kamkit.ui.page import StepPage
from kamkit.ui.saving import Keeper

__all__ = ["RelationshipApp", "app", "EvidenceCard", "STEP"]

STEP = ID


class EvidenceCard(widgets.VBox):
    """One indicator: its anchored levels, the evidence, when it was verified, confidence."""

    def __init__(self, indicator: Any) -> None:
        self.indicator = indicator
        self.level = ChoiceField(f"{indicator.name} (weight {indicator.weight:g})",
                                 [("don't know", None)] + [(f"{k} · {label}", k) for k, label
                                                           in enumerate(indicator.levels)],
                                 width="420px")
        self.prefilled = widgets.HTML()
        # compact: nine cards must not make a wall the score scrolls away from
        self.evidence = TextField("How do you know?", "a fact, a document, a date…", long=True,
                                  height="52px")
        self.evidence.layout = fixed(flex="1 1 auto")  # the evidence takes the card's width
        self.as_of = DateField("Last verified")
        self.confident = widgets.Checkbox(value=True, description="I am confident in this",
                                          indent=False, layout=fixed(width="auto"))
        self.message = Message()  # a problem with this card's answers, next to them
        # the layouts every card shares (nine cards, one model each, not nine)
        super().__init__([self.level, self.prefilled,
                          widgets.HBox([self.evidence, widgets.VBox(
                              [self.as_of, self.confident],
                              layout=fixed(width="170px", flex="0 0 170px"))],
                                       layout=fixed(align_items="flex-start")),
                          self.message])
        self.add_class("kk-card")


class RelationshipApp(widgets.VBox):
    """The relationship step for `session.account`."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.framework = session.framework
        doc, self.basis = session.open_step(STEP)
        self.doc: RelationshipDoc = doc  # type: ignore[assignment]
        self.known = known(session.documents(), self.framework)
        self._loading = False
        self.save_status = Message()
        self.keeper = Keeper(session.save, STEP, self.save_status, self.basis)
        self._create_feeling()
        self.cards = {i.id: EvidenceCard(i) for i in self.framework.relationship.indicators}
        for card in self.cards.values():
            for f in (card.level, card.evidence, card.as_of):
                f.on_change(self.changed)
            card.confident.observe(lambda _: self.changed(), names="value")
        self.evidence = widgets.VBox([widgets.HTML("<h2>The evidence</h2>"),
                                      *self.cards.values()],
                                     layout=widgets.Layout(width="560px"))
        self._create_results()
        self._create_plan()
        self.new = Confirm("Start a new assessment", "Keep this one")
        self.new.button.on_click(lambda _: self.start_new())
        self.new_button, self.new_cancel, self.new_message = (self.new.button, self.new.cancel,
                                                              self.new.message)
        super().__init__([STYLE, self.save_status, self.feeling_box, widgets.HBox(
            [self.evidence, self.side], layout=widgets.Layout(flex_flow="row wrap")),
            self.plan_box, self.over_time,
            self.new])
        self._fill()
        self.render()

    # -- building -------------------------------------------------------------------------

    def _create_feeling(self) -> None:
        self.feeling = widgets.IntSlider(value=50, min=0, max=100, step=5,
                                         description="Gut feeling",
                                         layout=widgets.Layout(width="420px"))
        self.feeling_reason = TextField("In one sentence: why?",
                                        "e.g. they always take my calls")
        self.feeling_box = FirstAnswer(
            "First: your gut feeling", "Before any evidence, how strong is this relationship, "
            "0-100? It is kept as you say it, so you can compare it with what the facts show.",
            self.feeling, self.feeling_reason, "Record my feeling and open the evidence")
        self.lock_button, self.feeling_message, self.feeling_shown = (
            self.feeling_box.button, self.feeling_box.message, self.feeling_box.shown)
        self.lock_button.on_click(lambda _: self.record_feeling())

    def _create_results(self) -> None:
        self.score = widgets.HTML()
        self.breakdown = widgets.HTML()
        self.bars = widgets.HTML()
        self.gap = widgets.HTML()
        self.side = widgets.VBox([self.score, self.gap, self.breakdown, self.bars],
                                 layout=widgets.Layout(width="440px", margin="0 0 0 16px"))
        self.side.add_class("kk-sticky")  # the score stays in view beside the evidence cards
        self.over_time = widgets.HTML()

    def _create_plan(self) -> None:
        options = [("choose an indicator…", None)] + [
            (i.name, i.id) for i in self.framework.relationship.indicators]
        self.plan_rows = []
        for n in range(self.framework.relationship.max_plan_items):
            row = (ChoiceField(f"Indicator {n + 1}", options, width="380px"),
                   TextField("Action"), TextField("Owner"), DateField("Due"))
            for f in row:
                f.on_change(self.changed)
            self.plan_rows.append(row)
        self.plan_message = Message()
        self.plan_box = widgets.VBox([
            widgets.HTML("<h2>Improvement plan</h2><div class='kk-muted'>Pick up to three "
                         "indicators to raise, and say how, who and by when.</div>"),
            *[widgets.HBox(list(r)) for r in self.plan_rows], self.plan_message])
        self.plan_box.add_class("kk-card")

    # -- data in and out ----------------------------------------------------------------------

    def _fill(self) -> None:
        self._loading = True
        try:
            doc = self.doc
            self.feeling.value = doc.gut_feeling if doc.gut_feeling is not None else 50
            self.feeling_reason.set(doc.feeling_reason)
            for ind_id, card in self.cards.items():
                r = doc.ratings.get(ind_id)
                card.level.set(r.level if r else None)
                card.evidence.set(r.evidence if r else "")
                card.as_of.set(r.as_of if r else None)
                card.confident.value = r.confident if r else True
            for n, row in enumerate(self.plan_rows):
                item = doc.plan[n] if n < len(doc.plan) else None
                row[0].set(item.indicator if item else None)
                row[1].set(item.action if item else "")
                row[2].set(item.owner if item else "")
                row[3].set(item.due if item else None)
        finally:
            self._loading = False

    def form_data(self) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The form as a document, and the answers typed that are no value at all (a date
        that is not one): those keep their saved value."""
        data = self.doc.model_dump()
        problems: list[tuple[str, str]] = []

        def read(field: Any, where: str, saved: Any) -> Any:
            try:
                return field.value
            except InvalidInput as exc:
                problems.append((where, str(exc)))
                return saved

        ratings = {}
        for ind_id, c in self.cards.items():
            old = self.doc.ratings.get(ind_id)
            as_of = read(c.as_of, f"ratings.{ind_id}.as_of", old.as_of if old else None)
            if c.level.value is not None or c.evidence.value.strip() or as_of:
                ratings[ind_id] = {"level": c.level.value, "evidence": c.evidence.value,
                                   "as_of": as_of, "confident": c.confident.value}
        data["ratings"] = ratings
        data["plan"] = []
        for n, r in enumerate(self.plan_rows):
            # the saved date of this row's indicator (saved plans have no empty rows)
            old = next((p.due for p in self.doc.plan if p.indicator == r[0].value), None)
            due = read(r[3], f"plan-row.{n}", old)  # said next to it, with or without a pick
            if r[0].value is not None:
                data["plan"].append({"indicator": r[0].value, "action": r[1].value,
                                     "owner": r[2].value, "due": due})
        return data, problems

    def changed(self) -> None:
        if not self._loading:
            self.save()

    @guarded(lambda self: self.save_status)
    def save(self) -> None:
        """Save every valid answer; one that breaks a rule keeps its saved value and says so
        next to itself (its card, or the plan)."""
        self.plan_message.clear()
        for card in self.cards.values():
            for message in (card.message, card.level.message, card.evidence.message,
                            card.as_of.message):
                message.clear()
        for row in self.plan_rows:
            row[3].message.clear()
        data, problems = self.form_data()
        doc, broken = parse_keeping(RelationshipDoc, data, self.doc)
        problems += broken
        self._commit(doc)
        for field, text in problems:
            self._message_for(field).unsaved(f"{text} - not saved yet.")
        if not problems:
            self.keeper.settled()

    def _message_for(self, field: str) -> Message:
        """Where a problem is said: next to the answer it is about (a card's level, evidence
        or date, a plan row's date), else beside its card, the plan, or the step."""
        parts = field.split(".")
        if parts[0] == "ratings" and len(parts) > 1 and parts[1] in self.cards:
            card = self.cards[parts[1]]
            answer = getattr(card, parts[2], None) if len(parts) > 2 else None
            return answer.message if isinstance(answer, Field) else card.message
        if parts[0] == "plan-row" and len(parts) == 2 and parts[1].isdigit():
            return self.plan_rows[int(parts[1])][3].message  # a row's date, as typed
        if parts[0] == "plan":
            return self.plan_message
        return self.save_status

    def _commit(self, doc: RelationshipDoc) -> None:
        self.keeper.offer(doc, self.doc)
        self.doc = doc
        self.render()

    @guarded(lambda self: self.feeling_message)
    def record_feeling(self) -> None:
        """Keep the feeling as said, lock it, and open the evidence."""
        doc = self.doc.model_copy(update={"gut_feeling": self.feeling.value,
                                          "feeling_reason": self.feeling_reason.value})
        self._commit(parse(RelationshipDoc, lock_feeling(doc).model_dump()))

    @guarded(lambda self: self.save_status)
    def start_new(self) -> None:
        """Close this assessment (kept read-only) and begin a new one, feeling first - asked
        once more first, since the closed one can no longer be changed."""
        if not self.new.confirmed(self.doc.started_on):
            self.new.ask(self.doc.started_on,
                         "This closes the current assessment: it stays in the history and can "
                         "no longer be changed. The new one starts from your last evidence; "
                         "give your feeling first, then re-check each indicator.",
                         "Yes, close it and start a new one")
            return
        self.new.disarm()
        doc = new_assessment(self.doc, self.known)
        self.keeper.offer(doc, self.doc)
        self.doc = doc
        # the form is emptied before the feeling is unlocked: a person (or a page slower than
        # the kernel) never types into a field that is then cleared under them
        self._fill()
        self.render()

    def refresh(self) -> None:
        """Shown again: re-read what the other steps feed in (the pre-fills) and redraw."""
        self.known = known(self.session.documents(), self.framework)
        self.render()

    # -- what the evidence says -----------------------------------------------------------------

    def render(self) -> None:
        doc, fw = self.doc, self.framework
        locked = doc.feeling_locked
        self.feeling_box.lock(locked, f"<div>You felt <b>{doc.gut_feeling}</b>"
                              + (f": “{e(doc.feeling_reason)}”" if doc.feeling_reason else "")
                              + "</div>")
        for part in (self.evidence, self.side, self.plan_box):
            part.layout.display = None if locked else "none"
        result = relationship_score(doc, fw, known=self.known)
        for ind_id, card in self.cards.items():
            item = next(i for i in result.items if i.id == ind_id)
            card.prefilled.value = (f'<div class="kk-muted">Pre-filled from {e(item.prefilled)}'
                                    " - choose a level to override.</div>"
                                    if item.prefilled else "")
        self._render_score(result)
        self._render_over_time(result.score)

    def _render_score(self, result: Any) -> None:
        doc, fw = self.doc, self.framework
        self.score.value = score_html(doc, result, fw)
        self.breakdown.value = breakdown_html(result)
        self.bars.value = bars_html(result)
        self.gap.value = gap_html(doc, result, fw)

    def _render_over_time(self, score: float | None) -> None:
        doc, fw = self.doc, self.framework
        chart = trend_html(doc, fw, self.known)
        if not chart:
            self.over_time.value = ("<p class='kk-muted'>Repeat the assessment next quarter to "
                                    "see the trend.</p>")
            return
        rows = trend(doc, fw, self.known)
        changes = biggest_changes(doc.history[-1], doc, fw, self.known)
        moved = ", ".join(f"{e(n)} ({d:+.0f})" for n, d in changes)
        table = "".join(f"<tr><td>{d.isoformat()}</td><td>{'' if s is None else as_shown(s)}"
                        f"</td><td>{'' if f is None else f}</td></tr>" for d, s, f in rows)
        self.over_time.value = (
            f"<h2>Over time</h2>{chart}"
            + (f"<div>Changed most since last time: {moved}</div>" if moved else "")
            + '<table class="kk-table"><tr><th>Started</th><th>Evidence</th><th>Feeling</th>'
            f"</tr>{table}</table>")


def app(session: Session | None = None) -> widgets.Widget:
    """The relationship step; without a session, a page that opens for whoever asks."""
    if session is not None:
        return RelationshipApp(session)
    return StepPage(RelationshipApp, STEP)
