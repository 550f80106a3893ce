"""The quiz page: one card per question, the options as radio buttons, feedback on the chosen
option when the trainee checks it - then a score against the pass mark, kept in the trainee's
record (the first attempt counts, from its first checked answer; retakes are practice). Each
answer is kept as it is checked: a page opened again goes on with an unfinished attempt, its
checked answers shown and locked.

Like every page, it is built before anyone asks for it, then `open_for_request()` learns who is
looking (`kamkit.ui.page.open_page`): only then are the cards put in the trainee's own order and
shown. Each radio button's value - the option's index in the content - stays in the kernel: the
page receives the labels and which one is picked, never which option is right.
"""

from __future__ import annotations

import ipywidgets as widgets

from kamkit.competency import QuizAttempt
from kamkit.errors import InvalidInput
from kamkit.html import e
from kamkit.identity import page_query, who_query
from kamkit.quiz import (
    Quiz,
    Sheet,
    answer,
    attempts,
    check,
    counted_attempt,
    finish,
    load_quiz,
    result_lines,
    resume,
    shown_order,
)
from kamkit.session import Session
from kamkit.ui.components import STYLE, Message, fixed, guarded
from kamkit.ui.page import open_page, workbook_link

__all__ = ["QuizApp", "app", "QuestionCard"]

_BACK = "← Your workbook"
_WORKBOOK = "../00_workbook.ipynb"


class QuestionCard(widgets.VBox):
    """One question: its title, the options (values: content indices, kept in the kernel), a
    Check button and the feedback."""

    def __init__(self, number: int, question_id: str, text: str,
                 options: list[tuple[str, int]]) -> None:
        self.question_id = question_id
        self._text = text
        self.title = widgets.HTML()
        self.choice = widgets.RadioButtons(layout=fixed(width="auto"))
        self.check_button = widgets.Button(description="Check")
        self.feedback = Message()
        super().__init__([self.title, self.choice, self.check_button, self.feedback])
        self.add_class("kk-card")
        self.show(number, options)

    def show(self, number: int, options: list[tuple[str, int]]) -> None:
        """Number the card and give it its options, in the order shown, nothing chosen."""
        self.title.value = f"<b>{number}. {e(self._text)}</b>"
        self.choice.options = options
        self.clear()

    def clear(self) -> None:
        self.choice.value = None
        self.feedback.clear()
        self.lock(False)

    def lock(self, locked: bool = True) -> None:
        """A question the attempt has already answered (kept from an earlier visit): its answer
        cannot be changed."""
        self.choice.disabled = self.check_button.disabled = locked


class QuizApp(widgets.VBox):
    """The quiz page. `cards` are in the order shown; `score` says what counts and what was
    practice; `retake_button` starts a new (practice) attempt once this one is complete."""

    def __init__(self, session: Session | None = None, quiz: Quiz | None = None,
                 query: str | None = None, workbook: str | None = _WORKBOOK) -> None:
        self.quiz = quiz or load_quiz()
        self._workbook = workbook  # the workbook page, as a link from this one (None: none)
        self.session: Session | None = None
        self.sheet = Sheet()
        self.counted: QuizAttempt | None = None  # the trainee's attempt that counts, if any
        self.cards = [QuestionCard(n, q.id, q.text, [(o.text, i) for i, o in enumerate(q.options)])
                      for n, q in enumerate(self.quiz.questions, 1)]
        for card in self.cards:
            card.check_button.on_click(lambda _, c=card: self.check(c))
        self.back = widgets.HTML(workbook_link(
            who_query(page_query() if query is None else query), _BACK, page=workbook)
            if workbook else "")
        self.notice = Message()
        self.notice.note("Opening the quiz…")
        self.questions = widgets.VBox(self.cards, layout=widgets.Layout(display="none"))
        self.score = widgets.HTML()
        self.retake_button = widgets.Button(description="Retake for practice",
                                            layout=widgets.Layout(width="auto", display="none"))
        self.retake_button.on_click(lambda _: self.retake())
        self.message = Message()
        super().__init__([STYLE, self.back, widgets.HTML(
            f"<h2>{e(self.quiz.title)}</h2><p class='kk-muted'>{len(self.quiz.questions)} "
            "questions. Pick an answer and press <b>Check</b>: every option explains why it "
            "is right or wrong.</p>"),
                          self.notice, self.questions, self.score, self.retake_button,
                          self.message])
        self.add_class("kk-page")
        if session is not None:
            self.attach(session)

    # -- who is looking -----------------------------------------------------------------------

    def open_for_request(self, **kwargs: object) -> None:
        """Wait for the page request (pre-heated kernel), learn who is looking, show their
        quiz. Never raises: a problem becomes a message on the page."""
        open_page(self.attach, self._deny, **kwargs)

    def attach(self, session: Session) -> None:
        """The quiz for `session`'s trainee: their order, their attempt that counts."""
        self.session = session
        tid = session.trainee.id
        if self._workbook:
            self.back.value = workbook_link(session.who, _BACK, page=self._workbook)
        tries = attempts(session.store, tid, self.quiz)
        self.counted = counted_attempt(tries, self.quiz)
        self._arrange(tid)
        self._restore(resume(self.quiz, tries))
        if self.sheet.answers:
            note = ("You have started this quiz: the answers you checked are kept and cannot be "
                    "changed; answer the rest.")
            if tries[-1].practice:
                note += " This retake is practice."
        elif self.counted is None:
            note = ("Your first attempt is the one that counts - it starts with the first "
                    "answer you check; retakes are practice.")
        else:
            note = "Your first attempt is kept; anything you answer now is practice."
        self.notice.note(note)
        self.questions.layout.display = None

    def _restore(self, sheet: Sheet) -> None:
        """Go on with an unfinished attempt: its questions show the answer checked, locked,
        with its feedback."""
        self.sheet = sheet
        for card in self.cards:
            choice = sheet.answers.get(card.question_id)
            if choice is None:
                continue
            right, feedback = answer(self.quiz, card.question_id, choice)
            card.choice.value = choice
            card.lock()
            (card.feedback.ok if right else card.feedback.error)(
                ("Right. " if right else "Not quite. ") + feedback)
        self._show_result()

    def _deny(self, text: str) -> None:
        """Nobody known: the quiz can still be read and tried, and nothing is saved."""
        self.session = None
        self._arrange(None)
        self.notice.error(f"{text} You can still read and try the quiz here, but nothing you "
                          "answer is saved.")
        self.questions.layout.display = None

    def _arrange(self, trainee_id: int | None) -> None:
        by_id = {c.question_id: c for c in self.cards}
        order = shown_order(self.quiz, trainee_id)
        self.cards = [by_id[q.id] for q, _ in order]
        for n, ((q, options), card) in enumerate(zip(order, self.cards, strict=True), 1):
            card.show(n, [(q.options[i].text, i) for i in options])
        self.questions.children = self.cards
        self.sheet = Sheet()
        self._show_result()

    # -- answering ------------------------------------------------------------------------------

    @guarded(lambda self: self.message)
    def check(self, card: QuestionCard) -> None:
        """Feedback on the chosen option; the answer first checked is kept in the attempt at
        once, and once every question has been checked the score is shown."""
        try:
            checked = check(self.quiz, self.sheet, card.question_id, card.choice.value)
        except InvalidInput as exc:
            card.feedback.error(str(exc))
            return
        self.sheet = checked.sheet
        kept = " This attempt keeps the answer you checked first." if checked.kept_first else ""
        (card.feedback.ok if checked.right else card.feedback.error)(
            ("Right. " if checked.right else "Not quite. ") + checked.feedback + kept)
        if self.session is not None:
            store, tid = self.session.store, self.session.trainee.id
            before = self.sheet.kept
            self.sheet = finish(store, tid, self.quiz, self.sheet)
            if self.sheet.kept is not before:  # just kept: which attempt counts now
                self.counted = counted_attempt(attempts(store, tid, self.quiz), self.quiz)
            self.message.clear()
        self._show_result()

    @guarded(lambda self: self.message)
    def retake(self) -> None:
        """A new attempt, for practice: every card cleared (the order stays the trainee's)."""
        self.sheet = Sheet()
        for card in self.cards:
            card.clear()
        self.message.clear()
        self._show_result()

    def _show_result(self) -> None:
        lines = result_lines(self.quiz, self.sheet, self.counted, self.session is not None)
        self.score.value = ("<div class='kk-card'>" + "<br>".join(
            f"<b>{e(line)}</b>" if n == 0 else e(line) for n, line in enumerate(lines))
            + "</div>") if lines else ""
        self.retake_button.layout.display = None if self.sheet.complete(self.quiz) else "none"


def app(session: Session | None = None) -> QuizApp:
    """The quiz page. Without a session it waits for `open_for_request()`."""
    return QuizApp(session)
