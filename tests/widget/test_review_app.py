"""The manager's review page on an in-memory store, used as a manager would - without a browser:
filter, search, page, open a trainee, rate and comment, export; and the trainee then sees the
feedback on their workbook page."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from kamkit import people, review
from kamkit.demo import seed_demo
from kamkit.html import e as esc
from kamkit.models import Cohort, ProfileDoc
from kamkit.review import ReviewSession
from kamkit.session import Session
from kamkit.ui.review import PAGE_SIZE, ReviewApp
from kamkit.ui.workbook import WorkbookApp
from tests.payloads import PAYLOADS, html_of, live_markup, seed_poisoned


@pytest.fixture
def page(store):
    seed_demo(store)
    store.save_cohort(Cohort(name="Demo workshop", workshop_date=dt.date(2026, 11, 30),
                             manager="Mia"))
    return ReviewApp(ReviewSession(store, "Mia Berg"))


def _names(page):
    return [page.session.trainee(line.trainee_id).name for line in page.lines
            if line.trainee_id is not None]


def test_the_dashboard_lists_every_trainee_with_filters_from_the_store(page):
    # it opens on the cohort: this machine's own self-paced workbook is not one of them
    assert page.cohort.value == "Demo workshop"
    assert set(_names(page)) == {"Ana Costa", "Ben Okafor", "Chloé Martin", "Dev Patel"}
    assert "4 trainees" in page.summary.value
    page.cohort.value = "(all)"
    assert len(_names(page)) == 5
    assert page.cohort.options == ("(all)", "Demo workshop")
    assert [label for label, _ in page.workshop_date.options] == ["(all)", "2026-11-30"]
    assert page.manager.options == ("(all)", "Mia")
    assert "5 trainees" in page.summary.value
    for chart in ("kk-completion", "kk-histogram", "kk-gaps"):
        assert chart in page.charts.value


def test_filter_by_cohort_then_search_then_sort(page):
    page.cohort.value = "Demo workshop"
    assert len(_names(page)) == 4
    page.search.value = "solara"
    assert _names(page) == ["Chloé Martin"]
    page.search.value = ""
    page.sort.value = "steps"
    assert _names(page)[0] == "Chloé Martin"
    page.state.value = "nothing yet"
    assert _names(page) == ["Dev Patel"]


def test_a_large_cohort_is_paged_not_rendered_at_once(store):
    for n in range(60):
        t = store.add_trainee(f"Trainee {n:02d}", cohort="Big")
        store.save_document(store.add_account(t.id, f"Acct {n}").id, "profile",
                            ProfileDoc(industry="x"))
    page = ReviewApp(ReviewSession(store, "Mia"))
    assert len(page.lines) == PAGE_SIZE and len(_names(page)) == PAGE_SIZE
    assert "Page 1 of 3" in page.page_label.value and page.prev_button.disabled
    page.go_to_page(2)
    assert len(_names(page)) == 10 and page.next_button.disabled
    assert _names(page)[0] == "Trainee 50"


def test_scoring_many_accounts_again_is_said_while_it_runs_then_the_notice_clears(
        store, monkeypatch):
    """After a content change every account and trainee is scored again, once: the page says
    so while it scores them, and says nothing once the rows are there."""
    for n in range(8):
        t = store.add_trainee(f"Trainee {n}", cohort="Big")
        store.save_document(store.add_account(t.id, f"Acct {n}").id, "profile",
                            ProfileDoc(industry="x"))
    page = ReviewApp(ReviewSession(store, "Mia"))
    said: list[str] = []  # what the page says as each scoring starts
    keep_figures, records = store.keep_figures, people._records
    monkeypatch.setattr(store, "keep_figures", lambda *a: said.append(page.notice.text)
                        or keep_figures(*a))
    monkeypatch.setattr(people, "_records", lambda *a: said.append(page.notice.text)
                        or records(*a))
    monkeypatch.setattr(people, "SAY_ABOVE", 5)
    page.load()  # everything is kept: nothing scored, nothing to say
    assert said == [] and page.notice.text == ""
    monkeypatch.setattr(review, "fingerprint", lambda framework: "other content")
    monkeypatch.setattr(people, "_fingerprint", lambda framework: "other content")
    page.load()
    assert said == ["Bringing 8 accounts' figures up to date: this can take a little while…",
                    "Bringing 8 trainees' records up to date: this can take a little while…"]
    assert page.notice.text == "" and len(_names(page)) == 8
    monkeypatch.setattr(people, "SAY_ABOVE", 8)  # as many as there are: not worth a word
    monkeypatch.setattr(people, "_fingerprint", lambda framework: "newer content")
    page.load()
    assert said[2:] == ["", ""]  # both scored again, without a word


def test_drill_down_rate_and_comment_then_the_trainee_sees_it(page, store):
    chloe = next(r for r in page.all_rows if r.name == "Chloé Martin")
    page.open_trainee(chloe.trainee_id)
    view = page.trainee_view
    assert page.tabs.selected_index == 1 and "Chloé Martin" in view.header.value
    step = view.steps["stakeholders"]
    assert "kk-grid-chart" in step.work.value and "History of changes" in step.history.value
    assert "Not reviewed yet" in step.feedback.value
    before = store.list_versions(chloe.account_id, "stakeholders")

    step.rating.value, step.status.value = None, "reviewed"
    assert view.save_review(step) is None
    assert "rating from 1 to 5" in step.message.text  # form kept, nothing saved
    step.rating.value, step.comment.value = 2, "Map the CFO and give the threat an owner."
    step.status.value = "needs_rework"
    review = view.save_review(step)
    assert review is not None and "Saved" in step.message.text
    assert "Needs rework" in step.feedback.value and "2/5 Developing" in step.feedback.value
    assert store.list_versions(chloe.account_id, "stakeholders") == before
    chloe_row = next(r for r in page.all_rows if r.name == "Chloé Martin")
    assert chloe_row.state == "to review" and chloe_row.rework == ["stakeholders"]
    line = next(ln for ln in page.lines if ln.trainee_id == chloe.trainee_id)
    assert "· rework 1" in line.cells.value  # asked rework shows beside "to review"

    trainee = store.get_trainee(chloe.trainee_id)
    workbook = WorkbookApp(Session(store, trainee))
    assert workbook.feedback.layout.display is None
    assert "Feedback from your manager" in workbook.feedback.value
    assert "Map the CFO and give the threat an owner." in workbook.feedback.value
    assert "Mia Berg" in workbook.feedback.value


def test_a_step_not_saved_cannot_be_reviewed_from_the_page(page):
    dev = next(r for r in page.all_rows if r.name == "Ben Okafor")
    page.open_trainee(dev.trainee_id)
    step = page.trainee_view.steps["relationship"]
    assert step.save_button.disabled and "not saved this step" in step.message.text


def test_exports_come_as_links_inside_the_page(page):
    page.prepare_export("csv")
    link = page.download.value
    assert 'download="Demo-workshop.csv"' in link  # named after the cohort shown
    data = base64.b64decode(link.split("base64,")[1].split('"')[0]).decode()
    assert data.startswith("Trainee,Cohort")
    page.prepare_export("xlsx")
    assert 'download="Demo-workshop.xlsx"' in page.download.value
    page.open_trainee(page.lines[0].trainee_id)
    page.trainee_view.prepare_report()
    assert "text/html;base64," in page.trainee_view.download.value


def test_a_trainee_without_feedback_sees_no_feedback_card(store):
    seed_demo(store)
    ben = next(t for t in store.list_trainees() if t.name == "Ben Okafor")
    workbook = WorkbookApp(Session(store, ben))
    assert workbook.feedback.layout.display == "none"


def test_the_page_refuses_to_open_off_the_review_server(store):
    page = ReviewApp()
    page.open_for_request(env={"KAMKIT_ROLE": "trainee"})
    assert "review server" in page.notice.text and page.tabs.layout.display == "none"
    assert page.session is None


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_field_are_shown_as_text(store, payload):
    trainee, account = seed_poisoned(store, payload)
    page = ReviewApp(ReviewSession(store, "Mia"))
    page.open_trainee(trainee.id)
    view = page.trainee_view.steps["profile"]
    view.rating.value, view.comment.value, view.status.value = 1, payload, "needs_rework"
    assert page.trainee_view.save_review(view) is not None
    shown = html_of(page)
    assert live_markup(shown) == []
    assert shown.count(esc(payload)) >= 20  # it is there - as text
    workbook = WorkbookApp(Session(store, trainee))
    assert live_markup(html_of(workbook)) == []
    assert esc(payload) in workbook.feedback.value


def test_a_review_can_be_changed_from_the_form_it_was_made_in(page, store):
    chloe = next(r for r in page.all_rows if r.name == "Chloé Martin")
    page.open_trainee(chloe.trainee_id)
    view = page.trainee_view
    step = view.steps["stakeholders"]
    step.rating.value, step.status.value = 2, "needs_rework"
    step.comment.value = "Map the CFO."
    assert view.save_review(step) is not None
    page.open_trainee(chloe.trainee_id)  # later: the last verdict is in the form, to change
    step = view.steps["stakeholders"]
    assert (step.rating.value, step.comment.value, step.status.value) == (
        2, "Map the CFO.", "needs_rework")
    step.rating.value, step.status.value = 3, "reviewed"
    assert view.save_review(step) is not None
    latest = store.latest_reviews([chloe.account_id])[(chloe.account_id, "stakeholders")]
    assert (latest.rating, latest.status, latest.comment) == (3, "reviewed", "Map the CFO.")


def test_the_drill_down_shows_what_people_need_want_and_their_agendas(page, store):
    ana = next(r for r in page.all_rows if r.name == "Ana Costa")
    account = next(a for a in store.list_accounts(ana.trainee_id) if a.name.startswith("Nord"))
    doc = store.get_document(account.id, "stakeholders")
    greta = doc.people[0].model_copy(update={"needs": "Fewer empty runs",
                                             "personal_agenda": "Board seat <next year>"})
    store.save_document(account.id, "stakeholders",
                        doc.model_copy(update={"people": [greta, *doc.people[1:]]}))
    page.open_trainee(ana.trainee_id)
    page.trainee_view.account.value = account.id
    work = page.trainee_view.steps["stakeholders"].work.value
    assert "<b>Needs:</b> Fewer empty runs" in work
    assert "<b>Personal agenda:</b> Board seat &lt;next year&gt;" in work
