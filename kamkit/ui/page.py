"""Opening a page for whoever requested it - shared by the workbook and every step notebook.

Pages are built first (pre-heated kernels do that before anyone asks); `request_session()` then
waits for the request, works out who is looking (kamkit.identity) and which account they are on
(`?account=<id>`, else their most recent one), and `open_page()` turns every failure into a
sentence for the page instead of a traceback.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as widgets

from kamkit.errors import AccessDenied, KamkitError, NotFound
from kamkit.frameworks import Framework
from kamkit.html import e
from kamkit.session import Session
from kamkit.settings import current
from kamkit.ui.components import STYLE, Message

__all__ = ["request_session", "open_page", "StepPage", "workbook_link"]

_log = logging.getLogger("kamkit.ui.page")


def request_session(store: object = None, env: Mapping[str, str] | None = None,
                    framework: Framework | None = None) -> Session:
    from kamkit.identity import (
        COMPETENCIES,
        EXERCISE_PARAM,
        TAB_PARAM,
        page_query,
        resolve_trainee,
        who_query,
    )
    from kamkit.kernel import wait_for_request
    from kamkit.store import Store

    # Pre-heated: blocks until the page is requested; the request's details are then in
    # os.environ (get_query_string() would wait a second time, for a request that never comes).
    # Not pre-heated, or outside Voila: returns at once.
    wait_for_request()
    env = os.environ if env is None else env
    store = store or Store(current().db_url)  # the server's store; the request says who
    query = page_query(env)
    session = Session(store, resolve_trainee(store, query, env), framework,  # type: ignore
                      who=who_query(query))
    params = parse_qs(query)
    case = params.get("case", [""])[0]
    if case:  # a link from an exercise notebook: practise that case, from its first step
        session.start_case(case)
        session.start_step = session.framework.steps[0].id
        return session
    tab = params.get(TAB_PARAM, [""])[0]
    if tab == COMPETENCIES or tab in {s.id for s in session.framework.steps}:
        session.start_tab = tab  # a step's (or the competencies') own link: that tab
    session.start_exercise = params.get(EXERCISE_PARAM, [""])[0] or None
    wanted = params.get("account", [""])[0]
    if wanted.isdecimal():
        try:
            session.open_account(int(wanted))
        except NotFound:
            pass  # not theirs, or gone: fall back to their most recent account
    if session.account is None:
        accounts = session.accounts()
        session.account = accounts[0] if accounts else None
    return session


def open_page(on_session: Callable[[Any], None], on_denied: Callable[[str], None],
              request: Callable[..., Any] | None = None, **kwargs: object) -> None:
    """Run `on_session` for whoever requested the page - the trainee's `Session`, or what
    `request` (called with `kwargs`) makes of the request; anything that goes wrong becomes a
    message. A pre-heated kernel does it before its page has connected: its widget messages
    are not sent one by one (`kamkit.kernel.unheard`), the page asks for them all at once."""
    from kamkit.kernel import before_page, unheard

    try:
        with unheard() if before_page() else nullcontext():
            on_session((request or request_session)(**kwargs))
    except AccessDenied as exc:
        on_denied(str(exc))
    except KamkitError as exc:
        on_denied(f"The page could not open: {exc}")
    except Exception:
        _log.exception("page failed to open")
        if current().strict:  # test runs: a bug must fail the run
            raise
        on_denied("The page could not open because of a problem on the server. "
                  "Please tell your facilitator.")


class StepPage(widgets.VBox):
    """A step's own page (deep link / JupyterLab): waits for the request, then shows the step
    for the trainee's current account."""

    def __init__(self, factory: Callable[[Session], widgets.Widget], step: str) -> None:
        self._factory = factory
        self.step = step
        self.notice = Message()
        self.notice.note("Opening your workbook…")
        self.view: widgets.Widget | None = None
        super().__init__([STYLE, self.notice])
        self.add_class("kk-page")

    def open_for_request(self, **kwargs: object) -> None:
        open_page(self._show, self.notice.error, **kwargs)

    def _show(self, session: Session) -> None:
        back = widgets.HTML(workbook_link(session.who, "← Your workbook: every step, your "
                                                       "accounts and the case studies"))
        if session.account is None:
            self.notice.clear()
            self.children = [STYLE, widgets.HTML(
                "<div class='kk-card'>You have no account yet. "
                + workbook_link(session.who, "Create one on your workbook page")
                + ", then come back here.</div>")]
            return
        from kamkit.ui.practice import with_practice

        self.notice.clear()
        self.view = with_practice(session, self.step, self._factory(session))
        self.children = [STYLE, back, self.notice, self.view]


def workbook_link(who: str, text: str, page: str = "00_workbook.ipynb") -> str:
    """A link to the workbook page (beside the step pages) that keeps who is looking."""
    from kamkit.identity import with_who

    return f"<a class='kk-link' href='{e(with_who(page, who))}'>{e(text)}</a>"
