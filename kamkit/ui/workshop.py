"""The facilitator's view of a workshop case, on the review server: how far each trainee in the
room is (their latest check of each step), and the answers the room most often gets wrong - with
the expert's explanation, ready to discuss live. Refresh to follow the room.
"""

from __future__ import annotations

import ipywidgets as widgets

from kamkit.errors import AccessDenied
from kamkit.exercises import checked_steps, list_cases, load_key
from kamkit.frameworks import Framework, default_framework
from kamkit.html import e
from kamkit.review import ReviewSession, RoomRow, room_counts
from kamkit.ui.components import STYLE, Message, guarded
from kamkit.ui.review import ALL, open_review_page

__all__ = ["WorkshopApp", "app"]


def _cell(row: RoomRow, step: str) -> str:
    """The latest check of a step, and beside it the first try (what counts) - marked when
    the step was passed only after the explanations had been shown."""
    attempt = row.steps.get(step)
    case = row.case
    first = case.first_try.get(step) if case is not None else None
    after = case is not None and step in case.passed_after_explanations
    counted = ("" if case is None or step not in case.best else
               f"<span class='kk-muted kk-first'>first try {first:g} %</span>"
               if first is not None else
               "<span class='kk-muted kk-first'>first try not counted</span>")
    marked = (" <b class='kk-note kk-explained' title='passed only after the explanations "
              "were shown'>after explanations</b>" if after else "")
    if attempt is None:
        return f"<td>{counted}{marked}</td>" if counted else "<td class='kk-muted'>-</td>"
    mark = "✓" if attempt.passed else "✗"
    style = "kk-ok" if attempt.passed else "kk-error"
    return (f"<td><span class='{style}'>{mark}</span> {attempt.score:g} % "
            f"<span class='kk-muted'>(try {attempt.attempt})</span><br>{counted}{marked}</td>")


class WorkshopApp(widgets.VBox):
    def __init__(self, session: ReviewSession | None = None,
                 framework: Framework | None = None) -> None:
        self.framework = framework or (session.framework if session else default_framework())
        self.session: ReviewSession | None = None
        cases = list_cases()
        self.case = widgets.Dropdown(description="Case", options=[(c.title, c.id) for c in cases],
                                     layout=widgets.Layout(width="360px"))
        self.cohort = widgets.Dropdown(description="Cohort", options=[ALL],
                                       layout=widgets.Layout(width="300px"))
        self.refresh_button = widgets.Button(description="↻ Refresh")  # no icon font: offline
        self.refresh_button.on_click(lambda _: self.refresh())
        for w in (self.case, self.cohort):
            w.observe(lambda _: self.session is not None and self.refresh(), names="value")
        self.header = widgets.HTML('<div class="kk-header"><h1>Workshop case</h1>'
                                   '<div class="kk-sub">Opening…</div></div>')
        self.notice = Message()
        # the expert's note is for the facilitator, not the projected room: folded away
        self.note_text = widgets.HTML()
        self.note = widgets.Accordion([self.note_text],
                                      titles=["Facilitator's note (not for the screen)"],
                                      selected_index=None)
        self.summary = widgets.HTML()
        self.table = widgets.HTML()
        self.mistakes = widgets.HTML()
        self.body = widgets.VBox([
            widgets.HBox([self.case, self.cohort, self.refresh_button]), self.note,
            self.summary, self.table, self.mistakes])
        super().__init__([STYLE, self.header, self.notice, self.body])
        self.add_class("kk-page")
        if session is not None:
            self.attach(session)

    def open_for_request(self, env: dict[str, str] | None = None) -> None:
        open_review_page(self.attach, self._deny, self.framework, env)

    def _deny(self, text: str) -> None:
        self.header.value = '<div class="kk-header"><h1>Workshop case</h1></div>'
        self.notice.error(text)
        self.body.layout.display = "none"

    def attach(self, session: ReviewSession) -> None:
        self.session = session
        self.header.value = ('<div class="kk-header"><h1>Workshop case</h1><div class="kk-sub">'
                             "Who is where in the case, and what the room gets wrong most - to "
                             "discuss together. Press Refresh to follow the room. "
                             "<a href='00_dashboard.ipynb'>Back to the cohort review</a>."
                             "</div></div>")
        self.cohort.options = [ALL] + [c.name for c in session.cohorts()]
        current = session.current_case()
        if current in {value for _, value in self.case.options}:
            self.session = None  # one refresh below, not one per change
            self.case.value = current
            self.session = session
        self.refresh()

    @guarded(lambda self: self.notice)
    def refresh(self) -> None:
        session = self._session()
        if not self.case.value:
            self.notice.note("There are no case studies to follow.")
            return
        self.notice.clear()
        rows, mistakes = session.room(self.case.value,
                                      None if self.cohort.value == ALL else self.cohort.value)
        key = load_key(self.case.value, self.framework)
        checked = set(checked_steps(key))  # a step the key leaves out is not part of the case
        steps = [s for s in self.framework.steps if s.id in checked]
        self.note_text.value = (f"<div class='kk-hint'>{e(key.facilitator_note)}</div>"
                                if key.facilitator_note else "")
        self.note.layout.display = None if key.facilitator_note else "none"
        started, done = room_counts(rows, len(steps))
        self.summary.value = (f"<div class='kk-card'><b>{started} of {len(rows)}</b> "
                              f"trainees have started this case · <b>{done}</b> passed every "
                              "step<div class='kk-muted'>Each step: the latest check, and "
                              "beneath it the first try - the one that counts (<i>after "
                              "explanations</i>: passed only once the explanations had been "
                              "shown).</div></div>")
        head = "".join(f"<th>{s.number}. {e(s.title)}</th>" for s in steps)
        body = "".join(
            f"<tr><td>{e(r.name)}</td>"
            + ("".join(_cell(r, s.id) for s in steps) if r.account_id is not None else
               f"<td colspan='{len(steps)}' class='kk-muted'>not started</td>")
            + f"<td>{r.attempts}</td><td>{r.hints}</td></tr>" for r in rows)
        self.table.value = (f"<table class='kk-table kk-room'><tr><th>Trainee</th>{head}"
                            f"<th>Checks</th><th>Hints</th></tr>{body}</table>")
        items = "".join(
            f"<div class='kk-hint kk-warning'><b>{e(m.label)}</b> "
            f"<span class='kk-muted'>(step {self.framework.step(m.step).number}: wrong for "
            f"{m.count} of {m.out_of})</span><br>{e(m.why)}</div>" for m in mistakes)
        self.mistakes.value = ("<h2>Most common mistakes</h2>"
                               + (items or "<p class='kk-muted'>No checks yet.</p>"))

    def _session(self) -> ReviewSession:
        if self.session is None:
            raise AccessDenied("The page is still opening; try again in a moment.")
        return self.session


def app(session: ReviewSession | None = None) -> WorkshopApp:
    return WorkshopApp(session)
