"""The quiz page: one card per question, the options as radio buttons, and feedback on the
chosen option when the trainee checks it - then a score against the pass mark."""

from __future__ import annotations

import ipywidgets as widgets

from kamkit.errors import InvalidInput
from kamkit.html import e
from kamkit.identity import page_query, who_query
from kamkit.quiz import Quiz, answer, load_quiz, quiz_result
from kamkit.ui.components import STYLE, Message, guarded
from kamkit.ui.page import workbook_link

__all__ = ["QuizApp", "app", "QuestionCard"]


class QuestionCard(widgets.VBox):
    def __init__(self, number: int, question_id: str, text: str, options: list[str]) -> None:
        self.question_id = question_id
        self.choice = widgets.RadioButtons(options=[(o, i) for i, o in enumerate(options)],
                                           value=None, layout=widgets.Layout(width="auto"))
        self.check_button = widgets.Button(description="Check")
        self.feedback = Message()
        super().__init__([widgets.HTML(f"<b>{number}. {e(text)}</b>"), self.choice,
                          self.check_button, self.feedback])
        self.add_class("kk-card")


class QuizApp(widgets.VBox):
    def __init__(self, quiz: Quiz | None = None, query: str | None = None) -> None:
        self.quiz = quiz or load_quiz()
        self.cards = [QuestionCard(n, q.id, q.text, [o.text for o in q.options])
                      for n, q in enumerate(self.quiz.questions, 1)]
        for card in self.cards:
            card.check_button.on_click(lambda _, c=card: self.check(c))
        self.score = widgets.HTML()
        self.message = Message()
        self.checked: set[str] = set()
        back = workbook_link(who_query(page_query() if query is None else query),
                             "← Your workbook", page="../00_workbook.ipynb")
        super().__init__([STYLE, widgets.HTML(back), widgets.HTML(f"<h2>{e(self.quiz.title)}</h2>"),
                          *self.cards, self.score, self.message])
        self.add_class("kk-page")

    @guarded(lambda self: self.message)
    def check(self, card: QuestionCard) -> None:
        """Feedback on the chosen option; the score once every question has been checked."""
        try:
            right, text = answer(self.quiz, card.question_id, card.choice.value)
        except InvalidInput as exc:
            card.feedback.error(str(exc))
            return
        (card.feedback.ok if right else card.feedback.error)(
            ("Right. " if right else "Not quite. ") + text)
        self.checked.add(card.question_id)
        result = quiz_result(self.quiz, {c.question_id: c.choice.value for c in self.cards},
                             self.checked)
        if result is not None:
            score, passed = result
            verdict = "passed" if passed else "not passed yet"
            self.score.value = (f"<div class='kk-card'><b>Your score: {score:g} %</b> "
                                f"({verdict}; pass mark {self.quiz.pass_mark:g} %)</div>")


def app() -> QuizApp:
    return QuizApp()
