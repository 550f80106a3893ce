"""The manager's cohort dashboard: filter by cohort, workshop date and manager; one row per trainee
with their key figures, review status and whether they are certified (and if not, which rules
are unmet), searchable, sortable and paged; three charts of the cohort at a glance and its
learning gain (a chart and a table, each figure with the number of trainees behind it); the
cohort's competency after-round opened with one confirmed click; the table as Excel or CSV; and
a click on a trainee opens their workbook and record for review (kamkit.ui.review_trainee) in
the same page.

Served only by `kamkit review`, behind its token. The page is built before the request (so a
pre-heated kernel does the slow part) and refuses to open anywhere but on the review server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import ipywidgets as widgets

from kamkit.charts import gain_chart, gain_words, gap_bars, histogram, step_completion
from kamkit.errors import AccessDenied, KamkitError
from kamkit.figures import figure_columns
from kamkit.frameworks import Framework, default_framework
from kamkit.html import e, number
from kamkit.identity import reviewer_name
from kamkit.models import Cohort
from kamkit.review import (
    SORTS,
    CohortRow,
    ReviewSession,
    approval_columns,
    filter_rows,
    overview,
    page_of,
    sort_rows,
)
from kamkit.scoring.competency import CohortGain
from kamkit.scoring.review import STATES
from kamkit.settings import Settings, current
from kamkit.ui.components import STYLE, Confirm, Message, download_link, guarded, safe_filename
from kamkit.ui.review_person import unmet_short
from kamkit.ui.review_trainee import TraineeReview

__all__ = ["ReviewApp", "app", "PAGE_SIZE", "open_review_page", "ALL", "TraineeLine", "head_html",
           "default_cohort", "row_html", "filter_certified", "gain_table_html", "CERTIFIED"]

_log = logging.getLogger("kamkit.ui.review")
PAGE_SIZE = 25
ALL = "(all)"
#: the dashboard's certification filter: label -> certified?
CERTIFIED = {ALL: None, "certified": True, "not yet certified": False}


def default_cohort(cohorts: list[Cohort]) -> str | None:
    """The cohort the dashboard opens on: the one that met most recently (or the only one) -
    a manager reviews a cohort; people outside any cohort (someone's own self-paced workbook)
    are under "(all)"."""
    dated = [c for c in cohorts if c.workshop_date is not None]
    if dated:
        return max(dated, key=lambda c: c.workshop_date).name  # type: ignore[arg-type, return-value]
    return cohorts[0].name if len(cohorts) == 1 else None


def _cell(value: object) -> str:
    if isinstance(value, float):
        value = f"{value:g}"
    return f"<span>{'' if value is None else e(value)}</span>"


def _grid(figures: int) -> str:
    """The table's columns: who and whether they are certified, then one per step figure, then
    the review status."""
    return (f'style="grid-template-columns: 170px 150px 52px 100px 96px repeat({figures}, '
            'minmax(56px, 110px)) 110px"')


def head_html(columns: list[tuple[str, str]],
              approvals: list[tuple[str, str]] | None = None) -> str:
    """The table's header: the steps' figure columns, then whether each step a sponsor
    approves is approved, between who and the review status."""
    approvals = approvals or []
    cells = ["Trainee", "Account", "Steps", "Last active", "Certified", *(t for _, t in columns),
             *(t for _, t in approvals), "Review"]
    return (f'<div {_grid(len(columns) + len(approvals))} class="kk-row kk-head">'
            + "".join(f'<span title="{e(c)}">{e(c)}</span>' for c in cells) + "</div>")


def _certified(row: CohortRow) -> str:
    if row.person is None or row.person.certification is None:
        return "<span>-</span>"
    if row.person.certified:
        return "<span class='kk-ok'>✓ yes</span>"
    return f"<span>✗ not yet ({len(row.person.certification.unmet)})</span>"


def row_html(row: CohortRow, columns: list[tuple[str, str]],
             approvals: list[tuple[str, str]] | None = None,
             kinds: list[str] | None = None) -> str:
    """One trainee's line of the table (every value escaped): their most recent account's
    figures, one per step figure column, approved yes / updated since / no (blank when the
    step is not saved), and certified yes / not yet - with, on a line below, the unmet rules
    in a few words (`kinds`: the certification rules' kinds, in the content's order)."""
    approvals = approvals or []
    unmet = unmet_short(row.person.certification, kinds or []) if row.person else []
    f = row.figures
    more = f" +{len(row.accounts) - 1}" if len(row.accounts) > 1 else ""
    state = row.state.replace(" ", "-")
    last = row.last_activity.strftime("%d %b %H:%M") if row.last_activity else "never"
    return (f'<div {_grid(len(columns) + len(approvals))} class="kk-row">'
            + _cell(row.name) + _cell((row.account or "no account") + more)
            + _cell(f"{row.steps_done}/{len(f.status)}" if f else "-") + _cell(last)
            + _certified(row)
            + "".join(_cell(f.get(name) if f else None) for name, _ in columns)
            + "".join(_cell(row.approvals.get(step) if f else None) for step, _ in approvals)
            + f'<span><span class="kk-state kk-state-{state}">{e(row.state)}</span>'
            + (f' <span class="kk-muted" title="rework asked, not done yet">'
               f'· rework {len(row.rework)}</span>' if row.rework and row.state != "needs rework"
               else "") + "</span></div>"
            + ("<div class='kk-muted kk-unmet' style='padding:0 4px 4px 6px; max-width:1000px; "
               f"line-height:1.35'>Not yet certified: {e(' · '.join(unmet))}</div>"
               if unmet else ""))


def filter_certified(rows: list[CohortRow], certified: bool | None) -> list[CohortRow]:
    """The rows of trainees certified (True) or not yet (False); every row for None."""
    if certified is None:
        return rows
    return [r for r in rows if r.person is not None and r.person.certified == certified]


def gain_table_html(gains: list[CohortGain]) -> str:
    """Every learning-gain measure with before, after, the gain and how many trainees are
    behind it - for people who would rather read than look at the chart."""
    rows = "".join(
        f"<tr><td>{e(g.label)}</td>"
        + (f"<td>{number(g.before)}</td><td>{number(g.after)}</td><td>{e(gain_words(g))}</td>"
           if g.n and g.gain is not None else
           "<td colspan='3' class='kk-muted'>no trainee has both yet</td>")
        + f"<td>{g.n}</td></tr>" for g in gains)
    return ("<table class='kk-table'><tr><th>Measure</th><th>Before</th><th>After</th>"
            f"<th>Gain</th><th>Trainees (n)</th></tr>{rows}</table>")


class TraineeLine(widgets.HBox):
    """A table line: the button that opens the trainee, and their figures."""

    def __init__(self, columns: list[tuple[str, str]],
                 approvals: list[tuple[str, str]] | None = None,
                 kinds: list[str] | None = None) -> None:
        self.columns = columns
        self.approvals = approvals or []
        self.kinds = kinds or []
        self.open_button = widgets.Button(description="Open", layout=widgets.Layout(width="64px"))
        self.cells = widgets.HTML()
        self.trainee_id: int | None = None
        super().__init__([self.open_button, self.cells])

    def show(self, row: CohortRow | None) -> None:
        self.trainee_id = row.trainee_id if row else None
        self.cells.value = row_html(row, self.columns, self.approvals, self.kinds) if row else ""
        self.layout.display = None if row else "none"


class ReviewApp(widgets.VBox):
    """The review page. Public attributes are the widgets a manager (and a test) uses."""

    def __init__(self, session: ReviewSession | None = None,
                 framework: Framework | None = None) -> None:
        self.framework = framework or (session.framework if session else default_framework())
        self.session: ReviewSession | None = None
        self.all_rows: list[CohortRow] = []
        self.shown: list[CohortRow] = []
        self.page_number = 0
        self._loading = False
        self._create_filters()
        self._create_table()
        self._create_gain()
        self._create_exports()
        self.trainee_view = TraineeReview(self.framework, on_reviewed=self._reviewed)
        self.trainee_view.back_button.on_click(lambda _: self.show_cohort())
        self.header = widgets.HTML('<div class="kk-header"><h1>Cohort review</h1>'
                                   '<div class="kk-sub">Opening…</div></div>')
        self.notice = Message()
        self.cohort_box = widgets.VBox([self.filters, self.summary, self.charts, self.table_box,
                                        self.gain_box, self.exports])
        self.tabs = widgets.Tab([self.cohort_box, self.trainee_view],
                                titles=["Cohort", "Trainee"])
        super().__init__([STYLE, self.header, self.notice, self.tabs])
        self.add_class("kk-page")
        if session is not None:
            self.attach(session)

    # -- building ---------------------------------------------------------------------------------

    def _create_filters(self) -> None:
        narrow = widgets.Layout(width="250px")
        self.cohort = widgets.Dropdown(description="Cohort", options=[ALL], layout=narrow)
        self.workshop_date = widgets.Dropdown(description="Workshop", options=[(ALL, None)],
                                              layout=narrow)
        self.manager = widgets.Dropdown(description="Manager", options=[ALL], layout=narrow)
        self.state = widgets.Dropdown(description="Review", layout=narrow,
                                      options=[(ALL, None)] + [(s, s) for s in STATES])
        self.search = widgets.Text(description="Search", placeholder="trainee or account",
                                   continuous_update=False, layout=narrow)
        self.sort = widgets.Dropdown(description="Sort by", layout=narrow,
                                     options=[(label, key) for key, (label, _, _) in
                                              SORTS.items()])
        self.reverse = widgets.Checkbox(description="reverse order", indent=False,
                                        layout=widgets.Layout(width="140px"))
        self.certified = widgets.Dropdown(description="Certified", layout=narrow,
                                          options=list(CERTIFIED.items()))
        for w in (self.cohort, self.workshop_date, self.manager):
            w.observe(lambda _: self._reload(), names="value")
        for w in (self.state, self.certified, self.search, self.sort, self.reverse):
            w.observe(lambda _: self._refilter(), names="value")
        self.filters = widgets.VBox([
            widgets.HBox([self.cohort, self.workshop_date, self.manager, self.certified]),
            widgets.HBox([self.state, self.search, self.sort, self.reverse]),
        ])
        self.filters.add_class("kk-card")

    def _create_table(self) -> None:
        self.summary = widgets.HTML()
        self.charts = widgets.HTML()
        columns = figure_columns(self.framework)
        approvals = approval_columns(self.framework)
        self.table_head = widgets.HTML(
            f'<div style="margin-left:68px">{head_html(columns, approvals)}</div>')
        kinds = [rule.kind for rule in self.framework.certification.rules]
        self.lines = [TraineeLine(columns, approvals, kinds) for _ in range(PAGE_SIZE)]
        for line in self.lines:
            line.open_button.on_click(lambda _, ln=line: ln.trainee_id is not None
                                      and self.open_trainee(ln.trainee_id))
            line.show(None)
        self.prev_button = widgets.Button(description="◀ Previous",
                                          layout=widgets.Layout(width="110px"))
        self.next_button = widgets.Button(description="Next ▶",
                                          layout=widgets.Layout(width="110px"))
        self.prev_button.on_click(lambda _: self.go_to_page(self.page_number - 1))
        self.next_button.on_click(lambda _: self.go_to_page(self.page_number + 1))
        self.page_label = widgets.HTML()
        self.table_box = widgets.VBox([
            self.table_head, *self.lines,
            widgets.HBox([self.prev_button, self.page_label, self.next_button]),
            widgets.HTML("<div class='kk-muted'>Figures are those of each trainee's most "
                         "recently worked account, as of their last save.</div>"),
        ])
        self.table_box.add_class("kk-card")

    def _create_gain(self) -> None:
        """The learning-gain panel, and the cohort's competency after-round."""
        self.gain = widgets.HTML()
        self.after_round = widgets.HTML()
        self.after_button = Confirm("Open the after-round", "Not now")
        self.after_button.button.on_click(lambda _: self.open_after_round())
        self.gain_box = widgets.VBox([self.gain, widgets.HTML("<h2>Competency after-round</h2>"),
                                      self.after_round, self.after_button])
        self.gain_box.add_class("kk-card")

    def _create_exports(self) -> None:
        auto = widgets.Layout(width="auto")
        self.excel_button = widgets.Button(description="Prepare Excel file", layout=auto)
        self.csv_button = widgets.Button(description="Prepare CSV file", layout=auto)
        self.excel_button.on_click(lambda _: self.prepare_export("xlsx"))
        self.csv_button.on_click(lambda _: self.prepare_export("csv"))
        self.download = widgets.HTML()
        self.export_message = Message()
        self.exports = widgets.VBox([
            widgets.HTML("<h2>Export the table shown</h2>"),
            widgets.HBox([self.excel_button, self.csv_button, self.download]),
            self.export_message])
        self.exports.add_class("kk-card")

    # -- who is looking --------------------------------------------------------------------------

    def open_for_request(self, env: dict[str, str] | None = None) -> None:
        """Wait for the page request (pre-heated kernel), check this is the review server,
        load the cohort. Never raises: a problem becomes a message."""
        open_review_page(self.attach, self._deny, self.framework, env)

    def _deny(self, text: str) -> None:
        self.header.value = '<div class="kk-header"><h1>Cohort review</h1></div>'
        self.notice.error(text)
        self.tabs.layout.display = "none"

    def attach(self, session: ReviewSession) -> None:
        self.session = session
        self.trainee_view.session = session
        self.header.value = (
            '<div class="kk-header"><h1>Cohort review</h1><div class="kk-sub">Signed in as '
            f'<b>{e(session.reviewer)}</b>. Open a trainee to see their workbook and give '
            "feedback; they see it on their workbook page. Running a case study in a workshop? "
            "<a href='01_workshop.ipynb'>Follow the room</a>.</div></div>")
        self._set_filter_options()
        default = default_cohort(self._session().cohorts())
        if default is not None:
            self._loading = True
            try:
                self.cohort.value = default
            finally:
                self._loading = False
        self.load()

    # -- actions (handlers call these; tests call them too) ---------------------------------------

    def _set_filter_options(self) -> None:
        cohorts = self._session().cohorts()
        self._loading = True
        try:
            self.cohort.options = [ALL] + [c.name for c in cohorts]
            dates = sorted({c.workshop_date for c in cohorts if c.workshop_date})
            self.workshop_date.options = [(ALL, None)] + [(d.isoformat(), d) for d in dates]
            self.manager.options = [ALL] + self._session().store.list_managers()
        finally:
            self._loading = False

    @guarded(lambda self: self.notice)
    def load(self) -> None:
        """Fetch the rows for the cohort / date / manager filters, then show them."""
        self.notice.clear()
        self.all_rows = self._session().rows(
            cohort=None if self.cohort.value == ALL else self.cohort.value,
            manager=None if self.manager.value == ALL else self.manager.value,
            workshop_date=self.workshop_date.value, say=self.notice.note)  # seen when a filter
        self.notice.clear()  # changes (the first build is done before the page connects)
        self.page_number = 0
        self.render()
        self._show_after_round()

    def render(self) -> None:
        """Search, sort, page and chart the loaded rows."""
        rows = filter_certified(filter_rows(self.all_rows, self.search.value, self.state.value),
                                self.certified.value)
        self.shown = sort_rows(rows, self.sort.value, self.reverse.value)
        on_page, self.page_number, pages = page_of(self.shown, self.page_number, PAGE_SIZE)
        for line, row in zip(self.lines, on_page + [None] * PAGE_SIZE, strict=False):
            line.show(row)
        self.page_label.value = (f"<span style='padding:0 12px'>Page {self.page_number + 1} of "
                                 f"{pages}</span>")
        self.prev_button.disabled = self.page_number == 0
        self.next_button.disabled = self.page_number >= pages - 1
        glance = overview(self.shown, self.framework)
        self.summary.value = (
            f"<div class='kk-card'><b>{len(self.shown)} trainee"
            f"{'s' if len(self.shown) != 1 else ''}</b> · "
            + " · ".join(f"{n} {s}" for s, n in glance.states.items() if n) + "</div>")
        self.charts.value = (
            "<div class='kk-charts'>"
            f"<div><h2>Completion</h2>{step_completion(glance.completion, width=380)}</div>"
            f"<div><h2>Relationship scores</h2>"
            + (histogram(glance.scores, label="evidence score (0-100)", width=300)
               if glance.scores else "<p class='kk-muted'>No scores yet.</p>") + "</div>"
            "<div><h2>Largest feeling-vs-evidence gaps</h2>"
            + (gap_bars(glance.gaps, width=340) if glance.gaps else "<p class='kk-muted'>No "
               "gaps to show yet: they need a gut feeling and evidence.</p>") + "</div></div>")
        gains = self._session().gains(self.shown)
        self.gain.value = (
            "<h2>Learning gain</h2><div class='kk-muted'>Of the people in the table: each "
            "measure before and after, over those who have both figures (n).</div>"
            f"<div class='kk-cols'><div>{gain_chart(gains)}</div>"
            f"<div>{gain_table_html(gains)}</div></div>")

    def _show_after_round(self) -> None:
        """Whether the cohort shown has its after-round open, and the button to open it."""
        cohort = None if self.cohort.value == ALL else self.cohort.value
        self.after_button.disarm()
        when = self._session().after_round(cohort) if cohort else None
        if cohort is None:
            self.after_round.value = ("<div class='kk-muted'>Choose a cohort to open its "
                                      "after-round.</div>")
        elif when is None:
            self.after_round.value = (
                f"<div class='kk-muted'>Not open yet for {e(cohort)}. Open it when the programme "
                "is over: its trainees are then asked to rate themselves again, and managers "
                "and peers rate the after-round.</div>")
        else:
            self.after_round.value = (f"<div>✓ The after-round for <b>{e(cohort)}</b> opened "
                                      f"on {when:%d %b %Y at %H:%M} UTC.</div>")
        self.after_button.label = f"Open the after-round for {cohort}" if cohort else ""
        self.after_button.button.description = self.after_button.label
        self.after_button.button.layout.display = None if cohort and when is None else "none"

    @guarded(lambda self: self.after_button.message)
    def open_after_round(self) -> None:
        """The button's first press asks; the second opens the after-round of the cohort
        shown (once: it says when it opened)."""
        cohort = None if self.cohort.value == ALL else self.cohort.value
        if cohort is None:
            return
        if not self.after_button.confirmed(cohort):
            self.after_button.ask(
                cohort, f"Open the after-round for {cohort}? Its trainees will be asked to "
                "rate themselves again; this cannot be undone.", "Yes, open it")
            return
        when, now = self._session().open_after_round(cohort)
        self._show_after_round()
        self.after_button.message.ok(
            f"Opened on {when:%d %b %Y at %H:%M} UTC." if now
            else f"It was already open, since {when:%d %b %Y at %H:%M} UTC.")

    @guarded(lambda self: self.notice)
    def go_to_page(self, number: int) -> None:
        self.page_number = number
        self.render()

    @guarded(lambda self: self.notice)
    def open_trainee(self, trainee_id: int) -> None:
        self.trainee_view.show_trainee(trainee_id)
        self.tabs.selected_index = 1

    def show_cohort(self) -> None:
        self.tabs.selected_index = 0

    @guarded(lambda self: self.export_message)
    def prepare_export(self, fmt: str) -> None:
        from kamkit.io.cohort import cohort_csv, cohort_xlsx

        self.export_message.clear()
        if not self.shown:
            self.export_message.note("No trainees in the table to export.")
            self.download.value = ""
            return
        filename = safe_filename("cohort" if self.cohort.value == ALL else self.cohort.value,
                                 fmt, fallback="cohort")
        if fmt == "xlsx":
            data = cohort_xlsx(self._session(), self.shown)
            mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            data = cohort_csv(self.shown, self._session().framework).encode("utf-8")
            mime = "text/csv"
        self.download.value = download_link(f"{filename} ({len(self.shown)} trainees)",
                                            filename, data, mime)

    # -- internals ---------------------------------------------------------------------------------

    def _session(self) -> ReviewSession:
        if self.session is None:
            raise AccessDenied("The review page is still opening; try again in a moment.")
        return self.session

    def _reload(self) -> None:
        if not self._loading and self.session is not None:
            self.load()

    @guarded(lambda self: self.notice)
    def _refilter(self) -> None:
        if self.session is not None:
            self.page_number = 0
            self.render()

    def _reviewed(self) -> None:
        """A review was saved in the trainee view: the table's status follows."""
        self.load()


def open_review_page(attach: Callable[[ReviewSession], None], deny: Callable[[str], None],
                     framework: Framework, env: dict[str, str] | None = None) -> None:
    """For every review-server page: wait for the request, refuse anywhere but under
    `kamkit review`, then hand the page a manager's session. Problems become a message."""
    try:
        from kamkit.kernel import wait_for_request
        from kamkit.store import Store

        wait_for_request()
        settings = Settings.from_env(env)
        if settings.role != "review":
            raise AccessDenied("This page belongs to the manager's review server "
                               "(`kamkit review`); it does not open here.")
        attach(ReviewSession(Store(current().db_url), reviewer_name(env) or "Manager",
                             framework))
    except KamkitError as exc:
        deny(str(exc))
    except Exception:
        _log.exception("review page failed to open")
        if current().strict:
            raise
        deny("The page could not open because of a problem on the server.")


def app(session: ReviewSession | None = None) -> ReviewApp:
    """The review page. Without a session it waits for `open_for_request()`."""
    return ReviewApp(session)

