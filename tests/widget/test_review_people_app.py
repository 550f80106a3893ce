"""The manager's side of the competency assessment on the review page, without a browser: the
drill-down's competency ratings beside the trainee's and their peers', the record and the
certificate; the dashboard's certified column, its filter, the learning-gain panel and the
button that opens a cohort's after-round."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re

import pytest

from kamkit.competency import CompetencyRatings
from kamkit.models import Attempt
from kamkit.review import ReviewSession
from kamkit.ui.review import ReviewApp
from tests.payloads import PAYLOADS, html_of, live_markup, text_of
from tests.people import certified, levels

T0 = dt.datetime(2026, 11, 2, 9, tzinfo=dt.timezone.utc)


@pytest.fixture
def session(store):
    return ReviewSession(store, "Mia Berg")


@pytest.fixture
def ben(session, store):
    """Ben: rated himself before (with examples), two peers rated him through their links, a
    case passed only after the explanations, the quiz failed then retaken, a step reviewed
    twice - and not certified."""
    fw = session.framework
    ben = store.add_trainee("Ben Okafor", cohort="May")
    store.save_ratings(ben.id, "before", "self", CompetencyRatings(
        levels={b.id: 4 for b in fw.competencies.behaviours},
        examples={"listens": "Asked the COO what keeps her up at night"}))
    for peer, level in (("Pia Peer", 2), ("Quinn Peer", 3)):
        link, _ = store.add_rater_link(ben.id, "before", peer, days=14, most=3)
        store.save_ratings(ben.id, "before", "peer", levels(fw, level), rater_name=peer,
                           link_id=link.id)
    practice = store.add_practice_account(ben.id, "Halden (practice)", "halden", {})
    for n, (score, passed, wrong) in enumerate([(40, False, ["x"]), (100, True, [])], 1):
        store.add_attempt(Attempt(account_id=practice.id, case_id="halden", step="stakeholders",
                                  attempt=n, score=score, passed=passed, hints=0, wrong=wrong,
                                  at=T0 + dt.timedelta(minutes=n)))
    store.add_quiz_attempt(ben.id, "ideas", 40, False, {})
    store.add_quiz_attempt(ben.id, "ideas", 100, True, {})
    own = store.add_account(ben.id, "Trivento")
    store.save_document(own.id, "profile", {})
    for rating in (2, 4):
        session.review(own.id, "profile", rating=rating, comment="", status="reviewed")
    return ben


def _said(markup: str) -> str:
    """What the markup says, each cell and line apart, in single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _open(page, trainee_id):
    page.open_trainee(trainee_id)
    return page.trainee_view


def test_the_manager_rates_beside_what_the_trainee_and_peers_said_and_changes_neither(
        session, store, ben):
    page = ReviewApp(session)
    view = _open(page, ben.id)
    comp = view.competencies
    assert comp.round.value == "before"  # the after-round is not open for May
    beside = comp.comparison.value
    assert "2 peers rated this round (averaged; peers are not named)" in beside
    assert "Pia" not in html_of(view) and "Quinn" not in html_of(view)
    assert "Asked the COO what keeps her up at night" in beside  # their example, read-only
    before = store.latest_ratings([ben.id])

    comp.form.cards["listens"].level.set(2)
    comp.form.cards["listens"].example.set("Talked over the buyer in the QBR")
    comp.save_button.click()
    assert "Saved" in comp.message.text and 'data-version="1"' in comp.message.value
    kept = [s for s in store.latest_ratings([ben.id]) if s.rater == "manager"]
    assert [(s.rater_name, s.round, s.ratings.levels) for s in kept] == [
        ("Mia Berg", "before", {"listens": 2})]
    assert [s for s in store.latest_ratings([ben.id]) if s.rater != "manager"] == before
    row = next(r for r in text_of(comp.comparison.value).split("Listens for")[1:2])
    assert "42.52" in row.replace(" ", "")  # self 4, peers 2.5, manager 2, gap +2
    assert comp.form.cards["listens"].level.value == 2  # the form keeps what was saved


def test_the_after_round_waits_for_the_cohort_and_a_draft_survives_switching_rounds(
        session, store, ben):
    page = ReviewApp(session)
    comp = _open(page, ben.id).competencies
    comp.form.cards["listens"].level.set(3)
    comp.round.value = "after"
    assert comp.save_button.disabled and "not open yet" in comp.round_note.value
    assert comp.form.cards["listens"].level.value is None  # nothing rated after yet
    comp.round.value = "before"
    assert comp.form.cards["listens"].level.value == 3  # typed, not saved: still there

    session.open_after_round("May")
    comp = _open(page, ben.id).competencies
    assert comp.round.value == "after" and not comp.save_button.disabled
    assert "After-round open since" in comp.round_note.value


def test_the_record_shows_first_try_and_best_the_counted_quiz_ratings_over_time_and_the_rules(
        session, ben):
    page = ReviewApp(session)
    view = _open(page, ben.id)
    record = _said(view.record.value)
    assert "Halden" in record and "passed after the explanations were shown" in record
    assert "First attempt (counts) : 40 % · not passed" in record
    assert "1 retake as practice; the latest 100 % (passed)" in record
    assert re.search(r"Account profile 2 \(\d\d \w{3}\) → 4 \(", record)  # over time
    assert "✗ not met The quiz passed at the first attempt first attempt 40 %" in record
    assert "No development plan yet." in record
    assert "Not yet certified" in view.certified.value
    assert view.certificate_button.disabled
    view.prepare_certificate()  # asked all the same: refused, with the rules unmet
    assert view.message.text.startswith("Not certified yet: ") and view.download.value == ""


def test_a_certified_trainees_certificate_is_a_download_in_the_page(session):
    ana = certified(session)
    page = ReviewApp(session)
    view = _open(page, ana.id)
    assert "✓ Certified" in view.certified.value and not view.certificate_button.disabled
    view.certificate_button.click()
    link = view.download.value
    assert 'download="kamkit-certificate-Ana-Costa.html"' in link
    page_html = base64.b64decode(link.split("base64,")[1].split('"')[0]).decode()
    assert "This certifies that" in page_html and "Ana Costa" in page_html


def test_the_dashboard_says_who_is_certified_and_why_not_and_filters_on_it(session, ben):
    certified(session)
    page = ReviewApp(session)
    assert page.cohort.value == "May"
    assert "Certified" in page.table_head.value
    lines = {page.session.trainee(ln.trainee_id).name: ln.cells.value
             for ln in page.lines if ln.trainee_id is not None}
    assert "✓ yes" in lines["Ana Costa"] and "Not yet certified" not in lines["Ana Costa"]
    said = text_of(lines["Ben Okafor"])
    assert "✗ not yet (4)" in said
    assert "Not yet certified: reviews: below 3 or not reviewed:" in said
    assert "quiz: first attempt 40 %" in said
    assert "ratings after: no after-round rating by their manager yet" in said
    page.certified.value = False
    assert [ln.trainee_id for ln in page.lines if ln.trainee_id] == [ben.id]
    assert "1 trainee" in page.summary.value
    page.certified.value = True
    assert [page.session.trainee(ln.trainee_id).name for ln in page.lines
            if ln.trainee_id] == ["Ana Costa"]


def test_the_learning_gain_panel_charts_and_tables_every_measure_with_its_n(session, store,
                                                                              ben):
    ana = certified(session)
    store.save_ratings(ana.id, "before", "manager", levels(session.framework, 2),
                       rater_name="Mia Berg")
    page = ReviewApp(session)
    panel = page.gain.value
    assert "kk-gain" in panel and "Of the people in the table" in panel
    said = _said(panel.split("</svg>")[-1])  # the table
    assert "Competency, manager-rated: before → after (1-5) 2 4 +2 (better) 1" in said
    assert "Quiz: first attempt → later retake (%) 40 100 +60 (better) 1" in said
    assert "no trainee has both yet 0" in said  # e.g. judgement on a later case
    assert "before 2, after 4, 1 trainee;" in panel  # the chart's text alternative
    page.search.value = "ben"  # the people in the table: Ben alone has no manager's gain
    assert "before 2, after 4" not in page.gain.value
    assert "Competency, manager-rated: before → after (1-5) no trainee has both yet 0" \
        in _said(page.gain.value.split("</svg>")[-1])


def test_the_after_round_opens_for_the_cohort_shown_after_a_confirmation(session, store, ben):
    page = ReviewApp(session)
    button = page.after_button.button
    assert button.description == "Open the after-round for May"
    assert "Not open yet for May" in page.after_round.value
    button.click()
    assert store.after_round_opened("May") is None  # asked, not done
    assert "Open the after-round for May?" in page.after_button.message.text
    button.click()
    when = store.after_round_opened("May")
    assert when is not None
    assert f"opened on {when:%d %b %Y at %H:%M} UTC" in page.after_round.value
    assert page.after_button.message.text.startswith("Opened on")
    assert button.layout.display == "none"  # once: there is nothing to open again
    page.cohort.value = "(all)"
    assert "Choose a cohort" in page.after_round.value and button.layout.display == "none"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_typed_text_in_the_record_and_the_ratings_is_shown_as_text(session, store, payload):
    trainee = store.add_trainee(payload, cohort=payload)
    fw = session.framework
    ids = [b.id for b in fw.competencies.behaviours]
    store.save_ratings(trainee.id, "before", "self", CompetencyRatings(
        levels={b: 3 for b in ids}, examples={b: payload for b in ids}, comment=payload))
    store.save_development_plan(trainee.id, {"items": [
        {"competency": fw.competencies.competencies[0].id, "action": payload}]})
    reviewer = ReviewSession(store, payload)
    store.open_after_round(payload)
    reviewer.rate(trainee.id, "after", CompetencyRatings(levels={ids[0]: 2},
                                                         examples={ids[0]: payload}))
    page = ReviewApp(reviewer)
    page.cohort.value = payload
    page.open_trainee(trainee.id)
    page.trainee_view.competencies.round.value = "before"  # their examples, beside the form
    shown = html_of(page)
    assert live_markup(shown) == []
    # the name (header, row), the cohort, each example, the plan's action, the reviewer
    assert text_of(shown).count(payload) >= len(ids) + 5
