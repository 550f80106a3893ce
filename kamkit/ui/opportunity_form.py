"""One opportunity's form in step 4: its details, the litmus test (asked first, kept as said),
the questions - grouped as content says, some pre-filled from the map - and, beside them, the
score, what the answers imply, the verdict and the trainee's decision. Widgets and their
reading only: the view (`kamkit.ui.opportunities`) keeps the document and saves it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from kamkit.errors import InvalidInput
from kamkit.frameworks import Framework
from kamkit.html import e
from kamkit.models import StakeholderMapDoc
from kamkit.opportunity import DECISIONS, Opportunity
from kamkit.steps.opportunities import groups_html, litmus_html, qualified, verdict_html
from kamkit.ui.components import (
    ChoiceField,
    DateField,
    Field,
    FirstAnswer,
    LinesField,
    Message,
    NumberField,
    TextField,
    fixed,
)

__all__ = ["QuestionCard", "OpportunityForm", "SHARED"]

#: The form's parts a view shows under its own name (tests and the page use them).
SHARED = ("name", "kind", "value", "decision_date", "stage", "competitors", "people",
          "crm_note", "litmus", "litmus_reason", "litmus_box", "litmus_button",
          "litmus_message", "questions", "question_box", "score", "litmus_result", "groups",
          "verdict", "decision", "decision_reason", "side")


class QuestionCard(widgets.VBox):
    """One qualification question: the answer, how we know, and whether it is the customer's
    own words or numbers."""

    def __init__(self, question: Any, answers: dict[str, str]) -> None:
        self.question = question
        self.answer = ChoiceField(question.text, [("not answered", None)] + [
            (label, key) for key, label in answers.items()], help=question.help, width="200px")
        self.prefilled = widgets.HTML()
        self.how = TextField("How do you know?", "their words, a document, a date…", long=True,
                             height="46px")
        self.customer_words = widgets.Checkbox(
            value=False, indent=False, layout=fixed(width="auto"),
            description="In the customer's own words or numbers")
        self.message = Message()
        super().__init__([self.answer, self.prefilled, self.how, self.customer_words,
                          self.message])
        self.add_class("kk-card")

    def fill(self, given: Any | None) -> None:
        self.answer.set(given.answer if given else None)
        self.how.set(given.how if given else "")
        self.customer_words.value = given.customer_words if given else False

    def read(self) -> dict[str, Any] | None:
        if self.answer.value is None and not self.how.value.strip():
            return None
        return {"answer": self.answer.value, "how": self.how.value,
                "customer_words": self.customer_words.value}


class OpportunityForm(widgets.HBox):
    """The form of one opportunity; `changed` is called on every edit."""

    def __init__(self, fw: Framework, currency: str, changed: Callable[[], None]) -> None:
        self.framework = fw
        content = fw.qualification
        self.name = TextField("Opportunity", "e.g. Brno line: consumables and validation")
        self.name.layout.width = "320px"
        self.kind = ChoiceField("Kind", [(label, k) for k, label in content.kinds.items()],
                                width="200px")
        self.value = NumberField("Value to us, per year", currency)
        self.decision_date = DateField("They decide by")
        self.stage = ChoiceField("Stage", [("not set", None)] + [
            (s.name, s.id) for s in content.stages], width="160px")
        self.competitors = LinesField("Competitors in play")
        self.people = Field("People in this decision", widgets.SelectMultiple(
            options=[], rows=6, layout=widgets.Layout(width="96%")),
            help="from your stakeholder map; Ctrl/⌘-click for several")
        self.crm_note = widgets.HTML()
        details = widgets.VBox([
            widgets.HBox([self.name, self.kind], layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self.value, self.decision_date, self.stage],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.competitors, self.people, self.crm_note])
        details.add_class("kk-card")
        self.litmus = ChoiceField(content.litmus, [("choose…", None)] + [
            (label, key) for key, label in content.answers.items()], width="200px")
        self.litmus_reason = TextField("In one sentence: why?", "e.g. the COO wants us")
        self.litmus_box = FirstAnswer(
            "First: the litmus test", "Before any question, answer it as you feel it. It is "
            "kept as you say it, so you can set it beside what the answers show.",
            self.litmus, self.litmus_reason, "Record my answer and open the questions")
        self.litmus_button, self.litmus_message = self.litmus_box.button, self.litmus_box.message
        self.questions = {q.id: QuestionCard(q, dict(content.answers))
                          for q in content.questions}
        self.question_box = widgets.VBox(self._grouped())
        self.score, self.litmus_result = widgets.HTML(), widgets.HTML()
        self.groups, self.verdict = widgets.HTML(), widgets.HTML()
        self.decision = ChoiceField("Your decision", [("not decided", None)] + [
            (content.verdicts[d], d) for d in DECISIONS], width="220px")
        self.decision_reason = TextField("Why?", "the reason for your decision", long=True,
                                         height="60px")
        self.side = widgets.VBox([self.score, self.litmus_result, self.groups, self.verdict,
                                  self.decision, self.decision_reason],
                                 layout=widgets.Layout(width="440px", margin="0 0 0 16px"))
        self.side.add_class("kk-sticky")
        for f in (self.name, self.kind, self.value, self.decision_date, self.stage,
                  self.competitors, self.people, self.decision, self.decision_reason,
                  *(part for card in self.questions.values()
                    for part in (card.answer, card.how))):
            f.on_change(changed)
        for card in self.questions.values():
            card.customer_words.observe(lambda _: changed(), names="value")
        super().__init__([widgets.VBox([details, self.litmus_box, self.question_box],
                                       layout=widgets.Layout(width="580px")), self.side],
                         layout=widgets.Layout(flex_flow="row wrap"))

    def _grouped(self) -> list[widgets.Widget]:
        """The question cards under the headings of the grouping content shows."""
        grouping = self.framework.qualification.grouping()
        parts: list[widgets.Widget] = []
        for group in grouping.groups:
            parts.append(widgets.HTML(f"<h2>{e(group.name)}</h2>"
                                      + (f"<div class='kk-muted'>{e(group.help)}</div>"
                                         if group.help else "")))
            parts += [c for c in self.questions.values()
                      if c.question.groups[grouping.id] == group.id]
        return parts

    def fill(self, opp: Opportunity, people: list[tuple[str, str]]) -> None:
        """Show a saved opportunity (the caller keeps its edits from saving meanwhile)."""
        self.people.input.options = people
        self.name.set(opp.name)
        self.kind.set(opp.kind)
        self.value.set(opp.value)
        self.decision_date.set(opp.decision_date)
        self.stage.set(opp.stage)
        self.competitors.set(opp.competitors)
        ids = {pid for _, pid in people}
        self.people.input.value = tuple(p for p in opp.people if p in ids)
        self.litmus.set(opp.litmus)
        self.litmus_reason.set(opp.litmus_reason)
        for qid, card in self.questions.items():
            card.fill(opp.answers.get(qid))
        self.decision.set(opp.decision)
        self.decision_reason.set(opp.decision_reason)

    def read(self, opp: Opportunity, at: str,
             problems: list[tuple[str, str]]) -> dict[str, Any]:
        """The opportunity's fields as the form shows them; a date or number that is not one
        keeps its saved value and is reported at its path under `at`."""
        def read(field: Any, name: str) -> Any:
            try:
                return field.value
            except InvalidInput as exc:
                problems.append((f"{at}.{name}", str(exc)))
                return getattr(opp, name)

        answers = {qid: card.read() for qid, card in self.questions.items()}
        out = {"name": self.name.value, "kind": self.kind.value,
               "value": read(self.value, "value"),
               "decision_date": read(self.decision_date, "decision_date"),
               "stage": self.stage.value, "competitors": self.competitors.value,
               "people": list(self.people.value),
               "answers": {k: v for k, v in answers.items() if v is not None},
               "decision": self.decision.value, "decision_reason": self.decision_reason.value}
        if not opp.litmus_locked:  # kept as typed until it is recorded
            out |= {"litmus": self.litmus.value, "litmus_reason": self.litmus_reason.value}
        return out

    def messages(self) -> list[Message]:
        fields = [self.name, self.kind, self.value, self.decision_date, self.stage,
                  self.competitors, self.people, self.decision, self.decision_reason,
                  self.litmus, self.litmus_reason]
        out = [f.message for f in fields] + [self.litmus_message]
        for card in self.questions.values():
            out += [card.message, card.answer.message, card.how.message]
        return out

    def message_for(self, parts: list[str]) -> Message | None:
        """Where a problem inside the opportunity is said ("answers.budget.how", "value" …)."""
        if parts[0] == "answers" and len(parts) > 1 and parts[1] in self.questions:
            card = self.questions[parts[1]]
            return card.how.message if parts[-1] == "how" else card.message
        if parts[0] == "decision":  # qualifying out without a reason: the reason is asked
            return self.decision_reason.message
        field = getattr(self, parts[0], None) if parts[0] in SHARED else None
        return field.message if isinstance(field, Field) else None

    def render(self, opp: Opportunity, smap: StakeholderMapDoc) -> None:
        fw = self.framework
        locked = opp.litmus_locked
        self.litmus_box.lock(locked)  # what was said stays in its fields, disabled
        self.question_box.layout.display = None if locked else "none"
        self.side.layout.display = None if locked else "none"
        self.crm_note.value = (f"<div class='kk-muted'>Your CRM said {opp.crm_probability:g} % "
                               "- set it beside the evidence below.</div>"
                               if opp.crm_probability is not None else "")
        result = qualified(opp, smap, fw)
        for item in result.items:
            self.questions[item.id].prefilled.value = (
                f'<div class="kk-muted">Pre-filled: <b>{e(fw.qualification.answers[item.answer])}'
                f"</b>, from {e(item.prefilled)} - choose an answer to override.</div>"
                if item.prefilled and item.answer else "")
        self.score.value = (f"<div class='kk-card'><b>Qualification score: "
                            f"{result.score:.0f} / 100</b> · {result.answered} of "
                            f"{len(result.items)} answered</div>")
        self.litmus_result.value = litmus_html(opp, result, fw)
        self.groups.value = groups_html(result, fw)
        self.verdict.value = verdict_html(opp, result, fw)
