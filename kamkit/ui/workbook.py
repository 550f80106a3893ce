"""The workbook page: welcome, who you are, your accounts, your progress, and every step opening
inside this one page (tabs), so a trainee keeps one kernel and never waits for a new page. After
the steps, a tab for the trainee's own competencies (`kamkit.ui.competencies`): about the person,
so it is built once and kept whatever account is open.

`app()` builds the whole page before anyone asks for it (so Voila's pre-heated kernels do the slow
part); `page.open_for_request()` then learns who is looking and loads their work. Once the page is
connected (see `kamkit.ui.shown`), the account's step views are built in the background, one at a
time, then the competency tab, so each opens at once even the first time it is clicked (while
the machine is busy - a room's pages opening at once - that waits, up to PREBUILD_PATIENCE).

The same pre-heated page serves the links handed out for a step or an exercise (`kamkit serve`
redirects them here, see `kamkit.server.in_workbook`): `tab=<step id>|competencies` opens on
that tab, `exercise=<case id>|quiz` shows that exercise's page instead of the tabs
(`kamkit.ui.exercise_page`) and builds nothing else. Either is built while the request is being
answered, so it travels with the page itself (no second round of messages once it shows).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

from kamkit.errors import AccessDenied, ContentError
from kamkit.frameworks import Framework, default_framework
from kamkit.html import alerts_html, bar, e
from kamkit.identity import COMPETENCIES
from kamkit.kernel import release_memory
from kamkit.models import Review
from kamkit.report import feedback_html
from kamkit.room import machine_busy
from kamkit.scoring.progress import StepProgress
from kamkit.session import Session
from kamkit.steps import for_framework
from kamkit.ui.components import STYLE, Confirm, Message, close_tree, guarded, on_enter
from kamkit.ui.page import open_page
from kamkit.ui.practice import exercise_links

__all__ = ["WorkbookApp", "app", "step_factories", "PREBUILD_AFTER", "PREBUILD_GAP", "StepFactory",
           "StepRow", "COMPETENCIES_TAB", "INVITATIONS", "PREBUILD_PATIENCE"]

StepFactory = Callable[[Session], widgets.Widget]


def step_factories(framework: Framework) -> dict[str, StepFactory]:
    """The view factory of every workbook step, from the step registry (each view module is
    imported when its step is first built)."""
    return {text.id: (lambda session, unit=unit: unit.view_factory()(session))
            for text, unit in for_framework(framework)}


class StepRow(widgets.HBox):
    """One line of the progress list: step title, bar, status (with what needs attention, if
    the step says so), and a button to open it."""

    def __init__(self, number: int, title: str) -> None:
        self.label = widgets.HTML(f'<span class="kk-step-title">{number}. {e(title)}</span>',
                                  layout=widgets.Layout(width="210px"))
        self.bar = widgets.HTML(bar(0), layout=widgets.Layout(width="200px"))
        self.status = widgets.HTML("", layout=widgets.Layout(width="400px"))
        self.open_button = widgets.Button(description="Open", layout=widgets.Layout(width="90px"))
        super().__init__([self.label, self.bar, self.status, self.open_button])

    def show(self, progress: StepProgress, alerts: list[str] | None = None) -> None:
        self.bar.value = bar(progress.percent)
        hint = ""
        if progress.missing and progress.status != "not started":
            hint = f' <span class="kk-muted">next: {e(progress.missing[0])}</span>'
        warn = f" {alerts_html(alerts)}" if alerts else ""
        self.status.value = f"{progress.percent}% · {progress.status}{warn}{hint}"


_WIDE = {"description_width": "110px"}
COMPETENCIES_TAB = "Competencies"
#: the Home tab's invitation to rate oneself, per round (None: nothing due)
INVITATIONS = {
    "before": ("Before you start: rate yourself - 10 minutes", "How you work today, behaviour "
               "by behaviour, each with an example. You do it again at the end of the "
               "programme and see what changed."),
    "after": ("The after-round is open: rate yourself again - 10 minutes", "Then see what "
              "changed since the before-round, beside your manager's and colleagues' view."),
}
# Background building of the step views: the Home tab paints first, then one step per gap, so a
# click in between is answered between two steps (each takes the kernel ~0.1-0.2 s).
PREBUILD_AFTER = 1.0
PREBUILD_GAP = 0.3
# ... unless the machine is busy (a room's pages opening at once): then it waits for a quieter
# moment, up to PREBUILD_PATIENCE seconds after the page showed (a step clicked meanwhile is
# built at once, as without background building)
PREBUILD_PATIENCE = 10.0


class WorkbookApp(widgets.VBox):
    """The workbook page. Public attributes are the widgets a person (and a test) uses."""

    def __init__(self, session: Session | None = None, framework: Framework | None = None,
                 factories: Mapping[str, StepFactory] | None = None) -> None:
        self.framework = framework or (session.framework if session else default_framework())
        self.session: Session | None = None
        self._broken: str | None = None  # content that does not fit the installed steps
        try:
            self._factories = dict(step_factories(self.framework) if factories is None
                                   else factories)
        except ContentError as exc:  # said on the page once someone opens it
            self._factories, self._broken = {}, f"The page could not open: {exc}"
        self._step_views: dict[str, widgets.Widget] = {}
        # each step's own view (inside its practice panel): `refresh()` when shown again
        self._inner: dict[str, widgets.Widget] = {}
        self.competencies: widgets.Widget | None = None  # the person's tab, built once
        self._prebuilding = 0  # which account's background build is current (see _prebuild)
        self._on_screen = False  # the page has rendered and its connection is open
        self._shown_at = 0.0  # when it did (time.monotonic())
        self._exercise_only = False  # an exercise's page is shown instead of the workbook
        self._picking = False  # True while refresh() sets the dropdown (not the trainee)
        self._home_parts: tuple[widgets.Widget, ...] = ()  # Home's, until drawn (_home_later)
        self._create_header()
        self._create_accounts()
        self._create_practice()
        self._create_progress()
        self._create_invitation()
        self._create_tabs()
        from kamkit.ui.shown import Shown

        self.shown = Shown(self._page_shown)
        self.exercise = widgets.VBox()  # an exercise's page, when the link asked for one
        super().__init__([STYLE, self.shown, self.header, self.notice, self.tabs, self.exercise])
        self.add_class("kk-page")
        if session is not None:
            self.attach(session)

    # -- building -------------------------------------------------------------------------

    def _create_header(self) -> None:
        self.header = widgets.HTML(
            '<div class="kk-header"><h1>Key account workbook</h1>'
            '<div class="kk-sub">Opening your workbook…</div></div>')
        self.notice = Message()

    def _create_accounts(self) -> None:
        self.accounts = widgets.Dropdown(description="Working on", options=[], style=_WIDE,
                                         layout=widgets.Layout(width="440px"))
        self.accounts.observe(self._on_pick, names="value")
        self.new_account_name = widgets.Text(
            placeholder="Customer name, e.g. Nordwind Logistics", description="New account",
            style=_WIDE, layout=widgets.Layout(width="440px"))
        self.create_button = widgets.Button(description="Create", button_style="primary")
        self.create_button.on_click(lambda _: self.create_account(self.new_account_name.value))
        on_enter(self.new_account_name, lambda: self.create_account(self.new_account_name.value))
        self.new_account_message = Message()
        self.rename_name = widgets.Text(description="Rename to", style=_WIDE,
                                        layout=widgets.Layout(width="440px"))
        self.rename_button = widgets.Button(description="Rename")
        self.rename_button.on_click(lambda _: self.rename_account(self.rename_name.value))
        on_enter(self.rename_name, lambda: self.rename_account(self.rename_name.value))
        self.rename_message = Message()
        self.delete = Confirm("Delete this account…", "Keep it")
        self.delete.button.on_click(lambda _: self.delete_account())
        # the parts a person (and a test) uses
        self.delete_button, self.delete_cancel = self.delete.button, self.delete.cancel
        self.delete_message = self.delete.message
        self.accounts_box = widgets.VBox([
            widgets.HTML("<h2>Your accounts</h2><div class='kk-muted'>Work on one real or "
                         "case-study account at a time; everything you enter is saved as you "
                         "go.</div>"),
            self.accounts,
            widgets.HBox([self.new_account_name, self.create_button]), self.new_account_message,
            widgets.HBox([self.rename_name, self.rename_button]), self.rename_message,
            self.delete,
        ])
        self.accounts_box.add_class("kk-card")

    def _create_practice(self) -> None:
        from kamkit.exercises import list_cases

        cases = list_cases()
        self.case_choice = widgets.Dropdown(
            description="Case", options=[(f"{c.title} - {c.summary}", c.id) for c in cases],
            style=_WIDE, layout=widgets.Layout(width="640px"))
        self.practise_button = widgets.Button(description="Practise this case",
                                              button_style="info",
                                              layout=widgets.Layout(width="auto"))
        self.practise_button.on_click(lambda _: self.start_case(self.case_choice.value))
        self.practice_message = Message()
        self.practice_links = widgets.HTML()  # the case and quiz pages, once we know who
        self.practice_box = widgets.VBox([
            widgets.HTML("<h2>Practise on a case study</h2><div class='kk-muted'>No real account "
                         "yet, or want to try the method first? Work on a realistic, invented "
                         "customer and check your answers against an expert's - with hints, "
                         "then explanations.</div>"),
            widgets.HBox([self.case_choice, self.practise_button]), self.practice_message,
            self.practice_links])
        self.practice_box.add_class("kk-card")
        if not cases:
            self.practice_box.layout.display = "none"

    def _create_progress(self) -> None:
        self.progress_rows: dict[str, StepRow] = {}
        for step in self.framework.steps:
            row = StepRow(step.number, step.title)
            row.open_button.on_click(lambda _, s=step.id: self.open_step(s))
            self.progress_rows[step.id] = row
        self.resume_button = widgets.Button(description="Resume where you left off",
                                            button_style="success",
                                            layout=widgets.Layout(width="auto"))
        self.resume_button.on_click(lambda _: self.resume())
        self.progress_box = widgets.VBox([
            widgets.HTML("<h2>Your progress</h2>"), *self.progress_rows.values(),
            self.resume_button,
        ])
        self.progress_box.add_class("kk-card")
        # the manager's reviews of this account's steps; hidden until there is one
        self.feedback = widgets.HTML(layout=widgets.Layout(display="none"))
        self.feedback.add_class("kk-card")

    def _create_invitation(self) -> None:
        self.invitation = widgets.HTML()
        self.invite_button = widgets.Button(description="Rate yourself", button_style="success",
                                            layout=widgets.Layout(width="auto"))
        self.invite_button.on_click(lambda _: self.open_competencies())
        self.invite_box = widgets.VBox([self.invitation, self.invite_button],
                                       layout=widgets.Layout(display="none"))
        self.invite_box.add_class("kk-card")
        self.invite_box.add_class("kk-invitation")

    def _create_tabs(self) -> None:
        self.home = widgets.VBox([self.invite_box, self.accounts_box, self.feedback,
                                  self.progress_box, self.practice_box])
        self._slots = {s.id: widgets.VBox() for s in self.framework.steps}
        self.competency_slot = widgets.VBox()
        self.tabs = widgets.Tab(children=[self.home, *self._slots.values(), self.competency_slot],
                                titles=["Home", *(f"{s.number}. {s.title}"
                                                  for s in self.framework.steps),
                                        COMPETENCIES_TAB])
        self.tabs.observe(self._on_tab, names="selected_index")

    # -- who is looking ---------------------------------------------------------------------

    def open_for_request(self, **kwargs: object) -> None:
        """Wait for the page request (pre-heated kernel), identify the trainee, load their work.
        Never raises: a problem becomes a message on the page."""
        if self._broken:
            self._deny(self._broken)
            return
        open_page(self.attach, self._deny, framework=self.framework, **kwargs)

    def _deny(self, text: str) -> None:
        self.header.value = '<div class="kk-header"><h1>Key account workbook</h1></div>'
        self.notice.error(text)
        self.tabs.layout.display = "none"

    def attach(self, session: Session) -> None:
        """Show `session`'s trainee and their most recent account."""
        self.session = session
        self.competencies, self.competency_slot.children = None, []
        cohort = f" · {e(session.trainee.cohort)}" if session.trainee.cohort else ""
        exercise = session.start_exercise
        self.header.value = (
            '<div class="kk-header"><h1>Key account workbook</h1>'
            f'<div class="kk-sub">Hello, <b class="kk-trainee">{e(session.trainee.name)}</b>'
            + (f"{cohort}.</div></div>" if exercise is not None else
               f"{cohort}. Work through an account one step at a time - the tabs below, in "
               "order.</div></div>"))
        if exercise is not None:  # an exercise's own link: its page, here
            self._show_exercise(session, exercise)
            return
        self.tabs.layout.display = None
        links = exercise_links(session.who)
        self.practice_links.value = (f"<div class='kk-muted'>Each case's brief on its own page, "
                                     f"and a quiz on the ideas: {links}</div>" if links else "")
        accounts = session.accounts()
        if accounts and session.account is None:
            session.account = accounts[0]
        self.refresh()
        tab, session.start_tab = session.start_tab, None
        if tab == COMPETENCIES:  # its own link: that tab, built into the page as it is sent
            self.open_competencies()
        elif tab is not None:
            self.open_step(tab)
        if self.tabs.selected_index:  # the page opens on another tab than Home
            self._home_later()
        self._prebuild_soon()

    def _home_later(self) -> None:
        """The Home tab's parts are drawn a moment after the page is shown (`_home_soon`), or
        when Home is chosen before: a link that opens on a step draws that step first (Home's
        parts are ~70 of the ~270 widgets a step link's page would draw at once). They stay
        built and up to date meanwhile; only the page's drawing of them waits."""
        if self.home.children:
            self._home_parts, self.home.children = self.home.children, ()

    def _home_soon(self) -> None:
        """Home's parts, PREBUILD_AFTER after the page said it is shown: by then it has drawn
        the tab it opened on (the page says so as soon as it starts drawing). Without a
        running loop (a test driving the app), at once."""
        if not self._home_parts:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._home_now()
            return
        loop.call_later(PREBUILD_AFTER, self._home_now)

    @guarded(lambda self: self.notice)
    def _home_now(self) -> None:
        if self._home_parts:
            self.home.children, self._home_parts = self._home_parts, ()

    def _show_exercise(self, session: Session, name: str) -> None:
        """An exercise's page (a case's brief, or the quiz) in place of the tabs: its link opens
        here, in a kernel already warm. Nothing else is built for this page."""
        from kamkit.server import WORKBOOK
        from kamkit.ui.exercise_page import exercise_page

        self._exercise_only = True
        self.tabs.layout.display = "none"
        self.exercise.children = [exercise_page(session, name, WORKBOOK)]
        # the workbook's own parts are not on this page: not sent to it either (a case's page
        # sends ~9 models, not ~108; the quiz's ~54, not ~153)
        self.children = [c for c in self.children if c is not self.tabs]
        close_tree(self.tabs)

    # -- actions (handlers call these; tests call them too) --------------------------------

    @guarded(lambda self: self.new_account_message)
    def create_account(self, name: str) -> None:
        self.new_account_message.clear()
        account = self._session().create_account(name)
        self.new_account_name.value = ""
        self.new_account_message.ok(f"Created “{account.name}”. Start with step 1.")
        self._forget_steps()
        self.refresh()

    @guarded(lambda self: self.rename_message)
    def rename_account(self, name: str) -> None:
        self.rename_message.clear()
        account = self._session().rename_account(name)
        self.rename_message.ok(f"Renamed to “{account.name}”.")
        self.refresh()

    @guarded(lambda self: self.delete_message)
    def delete_account(self) -> None:
        """Asked once more first - deleting removes every step and its history for good."""
        session = self._session()
        account = session.account
        if account is None:
            return
        if not self.delete.confirmed(account.id):  # first press, or asked about another one
            self.delete.ask(account.id, f"Delete “{account.name}” and all its work, with its "
                            "history and any feedback? This cannot be undone.",
                            f"Yes, delete “{account.name[:40]}”", danger=True)
            return
        self.delete.disarm()
        gone = session.delete_account()
        self._forget_steps()
        self.refresh()
        self.delete_message.ok(f"Deleted “{gone.name}”.")

    @guarded(lambda self: self.practice_message)
    def start_case(self, case_id: str) -> None:
        """Open (or create) the trainee's practice account for the case, at step 1."""
        self.practice_message.clear()
        account = self._session().start_case(case_id)
        self._forget_steps()
        self.refresh()
        self.practice_message.ok(f"Practising on “{account.name}”: read the brief in step 1.")
        self.open_step(self.framework.steps[0].id)

    @guarded(lambda self: self.notice)
    def open_account(self, account_id: int) -> None:
        session = self._session()
        if session.account is not None and session.account.id == account_id:
            return
        session.open_account(account_id)
        self._forget_steps()
        self.refresh()

    @guarded(lambda self: self.notice)
    def open_step(self, step_id: str) -> None:
        self.tabs.selected_index = 1 + [s.id for s in self.framework.steps].index(step_id)

    @guarded(lambda self: self.notice)
    def open_competencies(self) -> None:
        """The competency tab, on the round the trainee is asked to rate in now."""
        due = self._session().round_due()
        self.tabs.selected_index = len(self.framework.steps) + 1
        show_round = getattr(self.competencies, "show_round", None)
        if due is not None and show_round is not None:
            show_round(due)

    @guarded(lambda self: self.notice)
    def resume(self) -> None:
        self.open_step(self._session().resume_step())

    @guarded(lambda self: self.notice)
    def _refresh_home(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Redraw accounts and progress from the store."""
        session = self._session()
        if self.delete.asked is not None and not (
                session.account and self.delete.confirmed(session.account.id)):
            self.delete.disarm()  # a delete asked about one account never lands on another
        accounts = session.accounts()
        current = session.account.id if session.account else None
        self._picking = True
        try:
            self.accounts.options = [(a.name, a.id) for a in accounts]
            self.accounts.value = current
        finally:
            self._picking = False
        has_account = current is not None
        self.rename_name.value = session.account.name if session.account else ""
        for w in (self.rename_name, self.rename_button, self.resume_button, self.delete_button):
            w.disabled = not has_account
        if not has_account:
            self.notice.note("Create your first account below - a real customer of yours, or "
                             "an invented one to practise on.")
        else:
            self.notice.clear()
        progress = session.progress() if has_account else []
        alerts = session.alerts() if has_account else {}
        for p in progress:
            self.progress_rows[p.step].show(p, alerts.get(p.step))
        self._show_feedback(session.feedback() if has_account else {})
        self._show_invitation(session.round_due())
        for row in self.progress_rows.values():
            row.open_button.disabled = not has_account
        if has_account:
            step = self.framework.step(session.resume_step(progress))
            self.resume_button.description = (f"Resume where you left off: step {step.number}, "
                                              f"{step.title}")

    def _show_invitation(self, due: str | None) -> None:
        if due is None or due not in INVITATIONS:
            self.invite_box.layout.display = "none"
            return
        title, text = INVITATIONS[due]
        self.invitation.value = f"<h2>{e(title)}</h2><div class='kk-muted'>{e(text)}</div>"
        self.invite_box.layout.display = None

    def _show_feedback(self, feedback: Mapping[str, tuple[Review, int]]) -> None:
        parts = []
        for step in self.framework.steps:
            if step.id in feedback:
                review, latest = feedback[step.id]
                parts.append(f"<h3>{step.number}. {e(step.title)}</h3>"
                             + feedback_html(review, self.framework, latest, for_trainee=True))
        self.feedback.value = ("<h2>Feedback from your manager</h2>" + "".join(parts)
                               if parts else "")
        self.feedback.layout.display = None if parts else "none"

    # -- internals ----------------------------------------------------------------------------

    def _session(self) -> Session:
        if self.session is None:
            raise AccessDenied("The workbook is still opening; try again in a moment.")
        return self.session

    def _on_pick(self, change: dict[str, Any]) -> None:
        if not self._picking and change["new"] is not None:
            self.open_account(change["new"])

    def _on_tab(self, change: dict[str, Any]) -> None:
        index = change["new"]
        if index == len(self.framework.steps) + 1:
            self._show_competencies()
        elif index:
            self._show_step(self.framework.steps[index - 1].id)
        else:
            self._home_now()
            if self.session is not None:
                self._refresh_home()  # a step may have added accounts or changed progress

    @guarded(lambda self: self.notice)
    def _show_step(self, step_id: str) -> None:
        """Build a step's view the first time it is opened for this account (keeps the page
        fast), then keep it: switching back and forth costs nothing."""
        slot = self._slots[step_id]
        if step_id in self._step_views:
            # kept views are fast, and must not be stale: what other steps feed in is re-read
            refresh = getattr(self._inner.get(step_id), "refresh", None)
            if refresh is not None:
                refresh()
            return
        session = self._session()
        if session.account is None:
            slot.children = [widgets.HTML("<p>Pick or create an account on the Home tab "
                                          "first.</p>")]
            return
        from kamkit.ui.practice import with_practice

        self._inner[step_id] = inner = self._factories[step_id](session)
        view = with_practice(session, step_id, inner)
        self._step_views[step_id] = view
        slot.children = [view]

    @guarded(lambda self: self.notice)
    def _show_competencies(self) -> None:
        """Build the competency tab the first time (the person's, not the account's: kept
        when the account changes); shown again, it re-reads what others rated since."""
        if self.competencies is not None:
            refresh = getattr(self.competencies, "refresh", None)
            if refresh is not None:
                refresh()
            return
        self._build_competencies()

    def _build_competencies(self) -> None:
        from kamkit.ui.competencies import CompetencyView

        self.competencies = CompetencyView(self._session())
        self.competency_slot.children = [self.competencies]

    def _forget_steps(self) -> None:
        self._step_views.clear()
        self._inner.clear()
        for slot in self._slots.values():
            slot.children = []
        if self.tabs.selected_index and self.tabs.selected_index <= len(self._slots):
            self._show_step(self.framework.steps[self.tabs.selected_index - 1].id)
        self._prebuild_soon()

    def _page_shown(self) -> None:
        self._on_screen = True
        self._shown_at = time.monotonic()
        self._home_soon()
        if self._exercise_only:  # the workbook's tabs are not on this page
            return
        start = self.session.start_step if self.session is not None else None
        if start is not None:  # the link asked for a step: open it now the page can show it
            self.session.start_step = None  # type: ignore[union-attr]
            self.open_step(start)
        self._prebuild_soon()

    def _prebuild_soon(self) -> None:
        """Build the open account's step views in the background, starting shortly after the
        page shows. Without a page on screen, or without a running loop (a test driving the
        app), steps build on their first visit."""
        self._prebuilding += 1
        if not self._on_screen:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        loop.call_later(PREBUILD_AFTER, self._prebuild, self._prebuilding, 0)

    def _prebuild(self, generation: int, index: int) -> None:
        """Build step `index` unless the trainee has moved to another account since; then
        schedule the next; after the last step (or with no account), the competency tab, once.
        `_show_step` is guarded: a failure is said on the page, never raised into the loop."""
        steps = self.framework.steps
        if generation != self._prebuilding or self.session is None:
            return
        if machine_busy() and time.monotonic() - self._shown_at < PREBUILD_PATIENCE:
            asyncio.get_running_loop().call_later(PREBUILD_AFTER, self._prebuild, generation,
                                                  index)  # others' pages are opening: later
            return
        if index >= len(steps) or self.session.account is None:
            if self.competencies is None:
                self._prebuild_competencies()
            release_memory()  # all built: what building freed goes back to the machine
            return
        step, then = steps[index].id, index + 1
        if step not in self._step_views:  # a step already built is kept as it is
            self._show_step(step)
            if step in self._step_views:
                then = index  # its other tabs next, if it has any
        else:
            self._build_rest(step)
        asyncio.get_running_loop().call_later(PREBUILD_GAP, self._prebuild, generation, then)

    @guarded(lambda self: self.notice)
    def _build_rest(self, step_id: str) -> None:
        """A step's tabs not shown yet (a step builds the rows of a tab when it is first
        opened): built now, so each opens at once."""
        rest = getattr(self._inner.get(step_id), "build_rest", None)
        if rest is not None:
            rest()

    @guarded(lambda self: self.notice)
    def _prebuild_competencies(self) -> None:
        self._build_competencies()


def app(session: Session | None = None) -> WorkbookApp:
    """The workbook page. Without a session it waits for `open_for_request()`."""
    return WorkbookApp(session)
