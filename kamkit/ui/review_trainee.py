"""One trainee's workbook, for their manager: each step read-only as the trainee sees its results,
the history of changes, and a review form per step (a 1-5 rating on the step's rubric, a comment,
"reviewed" or "needs rework" - or, on a step a sponsor approves, "approve" or "send back",
in `review.yaml`'s words, with neither chosen in advance). A review signs the version the form
showed: when the trainee has saved since, nothing is kept and the form shows the newer work. A
review is kept beside the trainee's work, never in it; the trainee sees it on their workbook
page. Also the trainee's report (HTML) and workbook (JSON) as
downloads.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import ipywidgets as widgets

from kamkit.errors import AccessDenied, KamkitError, OutOfDate
from kamkit.frameworks import Framework
from kamkit.html import e
from kamkit.models import Review
from kamkit.report import Workbook, attempts_html, feedback_html, history_html, step_html
from kamkit.review import ReviewSession
from kamkit.steps import rubric as step_rubric
from kamkit.ui.components import Message, download_link, guarded, safe_filename

__all__ = ["TraineeReview", "StepReview"]

_log = logging.getLogger("kamkit.ui.review")
_VERDICTS = ("reviewed", "needs_rework")


class StepReview(widgets.VBox):
    """One step: the trainee's work (read-only) and the manager's review form."""

    def __init__(self, framework: Framework, step: str,
                 on_save: Callable[[StepReview], None]) -> None:
        self.framework = framework
        self.step = step
        #: the version of the trainee's work the form shows: the one a review signs
        self.seen: int | None = None
        self.approves = step in framework.review.approvals
        review = framework.review
        self.work = widgets.HTML()
        self.history = widgets.HTML()
        self.feedback = widgets.HTML()
        self.rating = widgets.Dropdown(
            description="Rating", options=[("choose…", None)] + [
                (f"{n} · {review.scale[n]}", n) for n in sorted(review.scale)],
            layout=widgets.Layout(width="260px"))
        rubric = step_rubric(framework, step)
        self.rubric = widgets.HTML(
            "<table class='kk-table'>" + "".join(
                f"<tr><td><b>{n} · {e(review.scale[n])}</b></td><td>{e(rubric[n])}</td></tr>"
                for n in sorted(rubric)) + "</table>")
        self.comment = widgets.Textarea(
            placeholder="What is good, what to do next - the trainee reads this.",
            layout=widgets.Layout(width="96%", height="90px"))
        words = review.choices(step)
        self.status = widgets.ToggleButtons(options=[(words[v], v) for v in _VERDICTS],
                                            value=self._default_verdict(None),
                                            style={"button_width": "auto"})
        self.save_button = widgets.Button(description="Save review", button_style="primary")
        self.save_button.on_click(lambda _: on_save(self))
        self.message = Message()
        self.form = widgets.VBox([
            widgets.HTML("<h3>Your review</h3>"), self.feedback, self.rating, self.rubric,
            widgets.HTML("<b>Comment</b>"), self.comment, self.status, self.save_button,
            self.message])
        self.form.add_class("kk-card")
        super().__init__([self.work, self.history, self.form])

    def show(self, wb: Workbook, today: dt.date | None = None) -> None:
        self.work.value = (attempts_html(wb.attempts, self.step)
                           + step_html(self.step, wb, self.framework, today))
        self.history.value = history_html(wb.versions.get(self.step, []))
        self.seen = wb.latest_version(self.step)
        self.show_feedback(wb.reviews.get(self.step), self.seen)
        saved = self.step in wb.docs
        for w in (self.rating, self.comment, self.status, self.save_button):
            w.disabled = not saved
        if not saved:
            self.message.note("Nothing to review yet: the trainee has not saved this step.")
        else:
            self.message.clear()
        # the form holds the last verdict, to change or confirm; saving keeps a new one and the
        # earlier ones stay on record
        last = wb.reviews.get(self.step)
        self.rating.value = last.rating if last else None
        self.comment.value = last.comment if last else ""
        self.status.value = self._default_verdict(last)

    def show_newer(self, wb: Workbook, why: str) -> None:
        """The trainee saved since the form was shown: show their newer work, say so, and keep
        what the manager typed - but not an approval, which must be given to what they see."""
        rating, comment, status = self.rating.value, self.comment.value, self.status.value
        self.show(wb)
        self.rating.value, self.comment.value = rating, comment
        self.status.value = None if self.approves else status
        self.message.error(why)

    def _default_verdict(self, last: Review | None) -> str | None:
        """The verdict the form starts on: the last one, to change or confirm - except on a step
        a sponsor approves, where the manager chooses every time (an approval is given to one
        version, never by default)."""
        if self.approves:
            return None
        return last.status if last else "reviewed"

    def show_feedback(self, review: Review | None, latest: int | None) -> None:
        self.feedback.value = feedback_html(review, self.framework, latest)


class TraineeReview(widgets.VBox):
    """The drill-down. `show_trainee()` loads a trainee; `save_review()` is what the form's
    button calls (tests call it too)."""

    def __init__(self, framework: Framework, session: ReviewSession | None = None,
                 on_reviewed: Callable[[], None] | None = None) -> None:
        self.framework = framework
        self.session = session
        self.trainee_id: int | None = None
        self.workbook: Workbook | None = None
        self._on_reviewed = on_reviewed
        self._picking = False
        self.back_button = widgets.Button(description="◀ Back to the cohort")
        self.header = widgets.HTML("<p class='kk-muted'>Open a trainee from the cohort "
                                   "table.</p>")
        self.account = widgets.Dropdown(description="Account", options=[],
                                        layout=widgets.Layout(width="420px"))
        self.account.observe(self._on_account, names="value")
        auto = widgets.Layout(width="auto")
        self.report_button = widgets.Button(description="Prepare report (HTML)", layout=auto)
        self.json_button = widgets.Button(description="Prepare workbook (JSON)", layout=auto)
        self.report_button.on_click(lambda _: self.prepare_report())
        self.json_button.on_click(lambda _: self.prepare_json())
        self.download = widgets.HTML()
        self.message = Message()
        self.steps = {s.id: StepReview(framework, s.id, self.save_review)
                      for s in framework.steps}
        self.step_tabs = widgets.Tab(list(self.steps.values()),
                                     titles=[f"{s.number}. {s.title}" for s in framework.steps])
        super().__init__([self.back_button, self.header, self.account,
                          widgets.HBox([self.report_button, self.json_button, self.download]),
                          self.message, self.step_tabs])

    @guarded(lambda self: self.message)
    def show_trainee(self, trainee_id: int, account_id: int | None = None) -> None:
        session = self._session()
        trainee = session.trainee(trainee_id)
        accounts = session.store.list_accounts(trainee_id)
        self.trainee_id = trainee_id
        self.download.value = ""
        self.message.clear()
        facts = " · ".join(e(x) for x in (trainee.cohort, trainee.manager and
                                             f"manager {trainee.manager}") if x)
        self.header.value = (f"<div class='kk-header'><h2>{e(trainee.name)}</h2>"
                             f"<div class='kk-sub'>{facts}</div></div>")
        self._picking = True
        try:
            self.account.options = [(a.name, a.id) for a in accounts]
            self.account.value = account_id or (accounts[0].id if accounts else None)
        finally:
            self._picking = False
        self.account.layout.display = None if accounts else "none"
        self.step_tabs.layout.display = None if accounts else "none"
        if not accounts:
            self.workbook = None
            self.message.note("No account yet: nothing to review.")
            return
        self._show_account()

    def _show_account(self) -> None:
        self.workbook = self._session().workbook(self.trainee_id, self.account.value)  # type: ignore
        for view in self.steps.values():
            view.show(self.workbook)

    @guarded(lambda self: self.message)
    def _on_account(self, change: dict[str, object]) -> None:
        if not self._picking and change["new"] is not None:
            self._show_account()

    def save_review(self, view: StepReview) -> Review | None:
        """Sign the form's verdict on the step. A problem is shown next to the form, and what
        the manager typed stays there."""
        view.message.clear()
        try:
            review = self._session().review(self.account.value, view.step,  # type: ignore
                                            rating=view.rating.value,
                                            comment=view.comment.value, status=view.status.value,
                                            seen=view.seen)
        except OutOfDate as exc:
            self._show_newer(view, str(exc))
            return None
        except KamkitError as exc:
            view.message.error(str(exc))
            return None
        except Exception:
            _log.exception("saving a review failed")
            view.message.error("Something went wrong on our side; your review is still here. "
                               "Please try again.")
            return None
        assert self.workbook is not None
        self.workbook.reviews[view.step] = review
        view.show_feedback(review, self.workbook.latest_version(view.step))
        view.rating.value, view.comment.value = None, ""
        view.message.ok("Saved. The trainee sees this on their workbook page.")
        if self._on_reviewed:
            self._on_reviewed()
        return review

    def _show_newer(self, view: StepReview, why: str) -> None:
        try:
            self.workbook = self._session().workbook(self.trainee_id,  # type: ignore[arg-type]
                                                     self.account.value)  # type: ignore[arg-type]
        except Exception:  # the refusal still stands: say it, with the work as it was shown
            _log.exception("reloading the trainee's work failed")
            view.message.error(why)
            return
        view.show_newer(self.workbook, why)

    @guarded(lambda self: self.message)
    def prepare_report(self) -> None:
        session = self._session()
        trainee = session.trainee(self.trainee_id)  # type: ignore[arg-type]
        data = session.report(trainee.id).encode("utf-8")  # type: ignore[arg-type]
        name = safe_filename(f"kamkit-{trainee.name}", "html")
        self.download.value = download_link("report.html", name, data, "text/html")

    @guarded(lambda self: self.message)
    def prepare_json(self) -> None:
        from kamkit.io.workbook import dumps, export_trainee

        session = self._session()
        trainee = session.trainee(self.trainee_id)  # type: ignore[arg-type]
        data = dumps(export_trainee(session.store, trainee.id)).encode("utf-8")  # type: ignore
        name = safe_filename(f"kamkit-{trainee.name}", "json")
        self.download.value = download_link("workbook.json", name, data, "application/json")

    def _session(self) -> ReviewSession:
        if self.session is None:
            raise AccessDenied("The review page is still opening; try again in a moment.")
        return self.session

