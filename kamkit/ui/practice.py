"""Practice mode on a step: the case brief beside the work, and "Check my answers" - a hint for
each difference on the first check, the explanation with its clue from the second, the score
against the pass mark, and the expert's summary once passed. The key stays in the kernel: only
these sentences reach the page.
"""

from __future__ import annotations

import ipywidgets as widgets

from kamkit.checking import Feedback, has_passed
from kamkit.exercises import brief_html, checked_steps, list_cases, load_case, load_key
from kamkit.html import e
from kamkit.identity import page_query, who_query, with_who
from kamkit.models import Attempt
from kamkit.scoring.competency import CaseTry, case_tries
from kamkit.session import Session
from kamkit.ui.components import STYLE, Message, guarded

__all__ = ["PracticePanel", "brief_box", "with_practice", "case_intro", "feedback_html",
           "exercise_pages", "exercise_links", "case_record", "tries_html"]


class PracticePanel(widgets.VBox):
    """Shown above a step's view while the trainee practises a case study."""

    def __init__(self, session: Session, step: str, open_brief: bool = False) -> None:
        self.session = session
        self.step = step
        self.brief_box = brief_box(session.account.case_id, open_brief)  # type: ignore
        self.brief = self.brief_box.children[0]
        self.check_button = widgets.Button(description="Check my answers",
                                           button_style="warning",
                                           layout=widgets.Layout(width="auto"))
        self.check_button.on_click(lambda _: self.check())
        self.status = widgets.HTML()
        self.record = widgets.HTML()  # the first try (what counts) beside the best
        self.feedback = widgets.HTML()
        self.message = Message()
        intro = widgets.HTML(
            "<div class='kk-muted'>Practice on a case study: work from the brief, then check "
            "your answers. The first check gives hints on where to look; later checks explain "
            "each difference.</div>")
        box = widgets.VBox([intro, widgets.HBox([self.check_button, self.status]),
                            self.record, self.message, self.feedback])
        box.add_class("kk-card")
        super().__init__([self.brief_box, box])
        self._show_status()

    @guarded(lambda self: self.message)
    def check(self) -> Feedback:
        self.message.clear()
        feedback = self.session.check_answers(self.step)
        self.feedback.value = feedback_html(feedback)
        self._show_status()
        return feedback

    def _show_status(self) -> None:
        attempts = self.session.attempts(self.step)
        mark = self.session.framework.exercises.pass_mark
        if not attempts:
            self.status.value = (f"<span class='kk-muted' style='padding:0 10px'>pass mark "
                                 f"{mark:g} %</span>")
            self.record.value = ""
            return
        # this account's checks; the best over every start of the case is in the record below
        self.status.value = (
            f"<span style='padding:0 10px'>{len(attempts)} attempt"
            f"{'s' if len(attempts) != 1 else ''} · pass mark {mark:g} %"
            + (" · <b class='kk-ok'>passed ✓</b>" if has_passed(attempts) else "") + "</span>")
        case = case_record(self.session.case_attempts(), self.session.account.case_id)  # type: ignore
        self.record.value = tries_html(case, self.step)


def case_record(attempts: list[Attempt], case_id: str) -> CaseTry | None:
    """The trainee's record on one case, from all their checks (None: never checked)."""
    return next((c for c in case_tries(attempts) if c.case_id == case_id), None)


def tries_html(case: CaseTry | None, step: str) -> str:
    """What counts on a step of the case - the first try, beside the best - and, once passed,
    how: at the first try, or only after hints or the explanations (then the first try is
    what counts, and the trainee is told so plainly)."""
    if case is None or step not in case.best:
        return ""
    first = case.first_try.get(step)
    counted = (f"First try: {first:g} % (counted)" if first is not None else
               "First try: not counted (first checked after starting the case afresh)")
    line = f"<div>{counted} · Best: {case.best[step]:g} %</div>"
    if step in case.passed_first_try:
        said = "<b class='kk-ok'>Passed at the first try ✓</b>"
    elif step in case.passed_after_explanations:
        said = ("<b class='kk-note'>Passed after the explanations were shown - your first try "
                "is what counts</b>")
    elif step in case.passed:
        said = "<b class='kk-note'>Passed after the hints - your first try is what counts</b>"
    else:
        said = ""
    return (f"<div class='kk-tries' style='padding:4px 0'>{line}"
            + (f"<div>{said}</div>" if said else "") + "</div>")


def feedback_html(feedback: Feedback) -> str:
    """The result of one check, in words (the key's own words only where explained)."""
    verdict = ("<b class='kk-ok'>Passed</b>" if feedback.passed else
               "<b class='kk-error'>Not yet</b>")
    head = (f"<div class='kk-card'>{verdict}: {feedback.score:g} % of your answers match the "
            f"key (pass mark {feedback.pass_mark:g} %).</div>")
    kind = "gap" if not feedback.explains else "warning"
    lines = "".join(f'<div class="kk-hint kk-{kind}">{e(text)}</div>'
                    for _, text in feedback.lines())
    if not feedback.wrong:
        lines = "<p>Every answer matches the key.</p>"
    elif not feedback.explains:
        lines = ("<p class='kk-muted'>Hints - look again, change your answers, and check "
                 "again:</p>" + lines)
    summary = (f"<div class='kk-explain'><b>The expert's view:</b> {e(feedback.summary)}</div>"
               if feedback.summary else "")
    return head + lines + summary


def brief_box(case_id: str, open_brief: bool) -> widgets.Accordion:
    """The case's brief, folded away unless it is where the work starts."""
    case = load_case(case_id)
    return widgets.Accordion([widgets.HTML(f"<div class='kk-brief'>{brief_html(case.id)}</div>")],
                             titles=[f"The case: {case.title}"],
                             selected_index=0 if open_brief else None)


def with_practice(session: Session, step: str, view: widgets.Widget) -> widgets.Widget:
    """The step's view, with the practice panel above it when the account is a case study
    whose key checks this step (the brief alone above a step it does not check)."""
    if session.account is None or session.account.case_id is None:
        return view
    first = session.framework.steps[0].id  # the brief opens where the work starts
    if step not in checked_steps(load_key(session.account.case_id)):
        return widgets.VBox([brief_box(session.account.case_id, step == first), view])
    return widgets.VBox([PracticePanel(session, step, open_brief=step == first), view])


def case_intro(case_id: str, workbook: str = "../00_workbook.ipynb",
               query: str | None = None) -> widgets.Widget:
    """An exercise notebook's page: the case, its brief, and the way into practice mode - a
    link that keeps who is looking (`query`: this page's request, read from Voila)."""
    case = load_case(case_id)
    who = who_query(page_query() if query is None else query)
    link = with_who(f"{workbook}?case={case.id}", who)
    return widgets.VBox([STYLE, widgets.HTML(
        f"<div class='kk-card'><h2>{e(case.title)}</h2><p>{e(case.summary)}</p>"
        f"<p><a class='kk-download' href='{e(link)}'>▶ Practise this case in "
        "your workbook</a> <span class='kk-muted'>(opens the workbook's steps with the "
        "case's facts filled in)</span></p><p class='kk-muted'>When you have done a step, "
        "press <b>Check my answers</b> on it: the first check hints where to look, later "
        "checks explain each difference with the clue from the brief.</p></div>"
        f"<div class='kk-brief'>{brief_html(case.id)}</div>")])


def exercise_pages() -> list[tuple[str, str]]:
    """(page, title) of each exercise notebook the trainee server serves (`exercises/…`): a
    case's own page, and the quiz."""
    from kamkit.quiz import QUIZ_PAGE, load_quiz
    from kamkit.resources import exercises_dir

    cases = {c.id: c.title for c in list_cases()}
    pages = []
    for path in sorted(exercises_dir().glob("*.ipynb")):
        name = path.stem.split("_", 1)[-1]
        title = (cases.get(name) or (load_quiz().title if name == QUIZ_PAGE else None))
        if title:
            pages.append((f"exercises/{path.name}", title))
    return pages


def exercise_links(who: str) -> str:
    """The exercise pages as links that keep who is looking."""
    return " · ".join(f"<a class='kk-link' href='{e(with_who(page, who))}'>{e(title)}</a>"
                      for page, title in exercise_pages())
