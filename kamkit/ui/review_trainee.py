"""One trainee's workbook, for their manager: each step read-only as the trainee sees its results,
the history of changes, and a review form per step (a 1-5 rating on the step's rubric, a comment,
"reviewed" or "needs rework" - or, on a step a sponsor approves, "approve" or "send back",
in `review.yaml`'s words, with neither chosen in advance). A review signs the version the form
showed: when the trainee has saved since, nothing is kept and the form shows the newer work. A
review is kept beside the trainee's work, never in it; the trainee sees it on their workbook
page. Also the trainee as the subject (`kamkit.ui.review_person`): whether they are certified,
the manager's competency ratings beside their own and their peers', and their record. And the
trainee's report (HTML), workbook (JSON) and - once certified - certificate as downloads.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import ipywidgets as widgets

from kamkit.errors import AccessDenied, KamkitError, OutOfDate
from kamkit.exercises import load_case
from kamkit.frameworks import Framework
from kamkit.html import e
from kamkit.models import Review
from kamkit.people import PersonRecord
from kamkit.report import Workbook, attempts_html, feedback_html, history_html, step_html
from kamkit.review import ReviewSession
from kamkit.steps import rubric as step_rubric
from kamkit.ui.components import Message, download_link, guarded, safe_filename
from kamkit.ui.review_person import CompetencyReview, certified_html, record_html

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
            widgets.HTML("<h2>Your review</h2>"), self.feedback, self.rating, self.rubric,
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
        self.certificate_button = widgets.Button(description="Prepare certificate (HTML)",
                                                 layout=auto, disabled=True)
        self.report_button.on_click(lambda _: self.prepare_report())
        self.json_button.on_click(lambda _: self.prepare_json())
        self.certificate_button.on_click(lambda _: self.prepare_certificate())
        self.download = widgets.HTML()
        self.message = Message()
        #: certified or not yet, and why - under the trainee's name
        self.certified = widgets.HTML()
        self.person: PersonRecord | None = None
        self.steps = {s.id: StepReview(framework, s.id, self.save_review)
                      for s in framework.steps}
        self.step_tabs = widgets.Tab(list(self.steps.values()),
                                     titles=[f"{s.number}. {s.title}" for s in framework.steps])
        self.competencies = CompetencyReview(framework, self.save_ratings)
        self.record = widgets.HTML()
        self.sections = widgets.Tab(
            [widgets.VBox([self.account, self.step_tabs]), self.competencies,
             widgets.VBox([self.record])],
            titles=["Workbook", "Competencies", "Record"])
        super().__init__([self.back_button, self.header, self.certified,
                          widgets.HBox([self.report_button, self.json_button,
                                        self.certificate_button, self.download]),
                          self.message, self.sections])

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
        self._show_person()
        self.competencies.show(self.person.sets if self.person else [], session.reviewer,
                               trainee.cohort, session.after_round(trainee.cohort))
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

    def _show_person(self) -> None:
        """The trainee's record and certification, as kept now."""
        session = self._session()
        tid = self.trainee_id
        self.person = person = session.person(tid)  # type: ignore[arg-type]
        self.certified.value = certified_html(person.certification)
        self.certificate_button.disabled = not person.certified
        reviews = []
        for a in session.store.list_accounts(tid):  # type: ignore[arg-type]
            by_step = {s.id: session.reviews(a.id, s.id)  # type: ignore[arg-type]
                       for s in self.framework.steps}
            reviews.append((a.name + (" (case study)" if a.case_id else ""), by_step))
        self.record.value = record_html(person, reviews, self.framework,
                                        _case_titles([c.case_id for c in person.cases]))

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
        try:  # a rating can change whether they are certified
            self._show_person()
        except Exception:
            _log.exception("reloading the trainee's record failed")
        if self._on_reviewed:
            self._on_reviewed()
        return review

    def save_ratings(self, view: CompetencyReview) -> int | None:
        """Keep the manager's ratings of the round shown (a new version; the trainee's own stay
        as they wrote them). A problem is shown beside the form, and the ratings stay on it."""
        view.message.clear()
        try:
            session = self._session()
            version = session.rate(self.trainee_id, view.round.value,  # type: ignore[arg-type]
                                   view.form.value)
        except KamkitError as exc:
            view.message.error(str(exc))
            return None
        except Exception:
            _log.exception("saving a manager's ratings failed")
            view.message.error("Something went wrong on our side; your ratings are still here. "
                               "Please try again.")
            return None
        try:
            self._show_person()
            view.refresh(self.person.sets if self.person else [])
        except Exception:  # kept all the same: say so, and what the page shows may lag
            _log.exception("reloading the trainee's record failed")
        view.message.ok("Saved. The trainee sees your ratings beside their own on their "
                        "competency tab.", version=version)
        if self._on_reviewed:
            self._on_reviewed()
        return version

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

    @guarded(lambda self: self.message)
    def prepare_certificate(self) -> None:
        """The certificate as a download; refused, with the unmet rules, when not certified."""
        session = self._session()
        trainee = session.trainee(self.trainee_id)  # type: ignore[arg-type]
        self.download.value = ""
        data = session.certificate(trainee.id).encode("utf-8")  # type: ignore[arg-type]
        name = safe_filename(f"kamkit-certificate-{trainee.name}", "html")
        self.download.value = download_link("certificate.html", name, data, "text/html")
        self.message.clear()

    def _session(self) -> ReviewSession:
        if self.session is None:
            raise AccessDenied("The review page is still opening; try again in a moment.")
        return self.session



def _case_titles(case_ids: list[str]) -> dict[str, str]:
    """case id -> its title (a case no longer installed keeps its id)."""
    out = {}
    for cid in case_ids:
        try:
            out[cid] = load_case(cid).title
        except Exception:  # noqa: BLE001 - a case removed since is still on the record
            _log.info("case %s is not installed any more", cid)
    return out
