"""An exercise's page shown inside the workbook: a case's brief, or the quiz. kamkit serve sends an
exercise notebook's link (`exercises/01_halden.ipynb?t=…`) to the workbook with `exercise=<name>`,
so it opens in a kernel already warm instead of one started cold."""

from __future__ import annotations

import ipywidgets as widgets

from kamkit.exercises import list_cases
from kamkit.quiz import QUIZ_PAGE
from kamkit.session import Session
from kamkit.ui.page import workbook_link
from kamkit.ui.practice import case_intro
from kamkit.ui.quiz import QuizApp

__all__ = ["exercise_page"]


def exercise_page(session: Session, name: str, workbook: str) -> widgets.Widget:
    """Exercise `name`'s page (a case's id, or the quiz) for `session`'s trainee, with the way
    back to the workbook (`workbook`: its page, as a link from here)."""
    back = widgets.HTML(workbook_link(session.who, "← Your workbook: every step, your "
                                                   "accounts and the case studies", workbook))
    if name == QUIZ_PAGE:
        page: widgets.Widget = QuizApp(session, query=session.who, workbook=None)
    elif name in {c.id for c in list_cases()}:
        page = case_intro(name, workbook=workbook, query=session.who)
    else:
        page = widgets.HTML("<div class='kk-card'>There is no such exercise. Your workbook "
                            "lists the case studies and the quiz.</div>")
    return widgets.VBox([back, page])
