"""The trainee's competency tab as they use it: rating themselves with examples (saved as typed,
back after a reload, a failed save kept on screen), the after-round only once it is open, peers
asked through links shown once (a fourth refused next to the name, a link withdrawn), the
development plan, and the gap chart showing what their manager rated - typed text as text."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import ipywidgets as widgets
import pytest

from kamkit.competency import DevelopmentItem, DevelopmentPlan
from kamkit.demo import sample_profile
from kamkit.errors import AccessDenied, InvalidInput, SaveFailed
from kamkit.frameworks import default_framework
from kamkit.identity import RATER_PAGE as PEER_PAGE
from kamkit.session import Session
from kamkit.steps.profile import ID as PROFILE
from kamkit.ui import competencies, workbook
from kamkit.ui.competencies import CompetencyPage, CompetencyView
from kamkit.ui.development_plan import suggested
from kamkit.ui.workbook import WorkbookApp

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def ann(store):
    return store.add_trainee("Ann", cohort="May")


@pytest.fixture
def session(store, ann):
    return Session(store, ann)


@pytest.fixture
def view(session):
    return CompetencyView(session)


def _reload(store, trainee) -> CompetencyView:
    return CompetencyView(Session(store, store.get_trainee(trainee.id)))


def _rate_all(view, level=3):
    for card in view.form.cards.values():
        card.level.input.value = level


def _token(view) -> str:
    return re.search(r"\?r=([\w-]+)'", view.peers.link.value).group(1)


def test_a_rating_and_its_example_are_saved_as_typed_and_back_after_a_reload(view, store, ann):
    card = view.form.cards["customer_goals"]
    card.level.input.value = 4
    card.example.input.value = "Took Acme's COO through their energy costs"
    assert "1 of 8 behaviours rated" in view.progress.value
    assert 'class="kk-ok" data-version="2"' in view.save_status.value  # level, then example
    saved = [s for s in store.latest_ratings([ann.id]) if s.rater == "self"]
    assert [(s.round, s.ratings.levels, s.ratings.examples) for s in saved] == [
        ("before", {"customer_goals": 4},
         {"customer_goals": "Took Acme's COO through their energy costs"})]
    again = _reload(store, ann)
    assert again.form.cards["customer_goals"].level.value == 4
    assert again.form.cards["customer_goals"].example.value.startswith("Took Acme's COO")
    assert "1 of 8 behaviours rated" in again.progress.value
    assert isinstance(competencies.app(view.session), CompetencyView)
    assert isinstance(competencies.app(), CompetencyPage)


def test_a_failed_save_keeps_what_was_typed_and_says_so(view, store, ann, monkeypatch):
    real = store.save_ratings

    def refuse(*args, **kwargs):
        raise SaveFailed("The database is read-only.")

    monkeypatch.setattr(store, "save_ratings", refuse)
    card = view.form.cards["listens"]
    card.level.input.value = 2
    card.example.input.value = "Asked Greta what worries her"
    assert "read-only" in view.save_status.text and "nothing you type" in view.save_status.text
    assert card.level.value == 2 and card.example.value == "Asked Greta what worries her"
    assert store.latest_ratings([ann.id]) == []
    monkeypatch.setattr(store, "save_ratings", real)
    assert view.keepers["before"].retry() == 1  # the retry saves everything held at once
    assert view.save_status.text == "All changes saved."
    (saved,) = store.latest_ratings([ann.id])
    assert saved.ratings.examples == {"listens": "Asked Greta what worries her"}


def test_an_example_too_long_is_refused_next_to_it_and_the_rest_is_saved(view, store, ann):
    card = view.form.cards["listens"]
    card.example.input.value = "x" * 6000
    card.level.input.value = 3
    assert "not saved yet" in card.example.message.text
    (saved,) = store.latest_ratings([ann.id])
    assert saved.ratings.levels == {"listens": 3} and saved.ratings.examples == {}
    assert card.example.value == "x" * 6000  # stays on screen as typed


def test_the_after_round_opens_only_when_the_cohort_s_does(view, store, session):
    assert view.round == "before" and view.round_switch.layout.display == "none"
    assert view.start_after_button.layout.display == "none"  # a cohort's is not theirs to open
    assert "facilitator opens it for May" in view.round_note.value
    with pytest.raises(InvalidInput):
        session.save_ratings("after", view.form.value)
    _rate_all(view, 2)
    store.open_after_round("May")
    view.refresh()  # shown again: the round has opened meanwhile
    assert view.round == "after" and view.round_switch.layout.display is None
    assert "0 of 8 behaviours rated" in view.progress.value
    view.form.cards["plan_lives"].level.input.value = 4
    assert session.ratings("after")[0].levels == {"plan_lives": 4}
    view.round_switch.value = "before"  # before is kept as it was, read-only
    assert view.form.cards["plan_lives"].level.value == 2
    assert view.form.cards["plan_lives"].level.input.disabled
    with pytest.raises(InvalidInput, match="before-round closed"):
        session.save_ratings("before", view.form.value)


def test_a_self_paced_trainee_starts_their_after_round_once_everything_is_rated(store):
    solo = Session(store, store.add_trainee("Sol"))
    view = CompetencyView(solo)
    assert view.start_after_button.layout.display == "none"
    view.start_after_round()  # pressed too early (e.g. from a stale page): said, nothing opens
    assert "Rate every behaviour" in view.round_message.text and not solo.after_round_open()
    _rate_all(view, 3)
    view.render_round()
    assert view.start_after_button.layout.display is None
    view.start_after_button.click()
    assert view.round == "after" and solo.after_round_open()
    assert "0 of 8 behaviours rated" in view.progress.value
    assert solo.round_due() == "after"


def test_a_colleague_s_link_is_shown_once_and_a_fourth_is_refused_next_to_the_name(
        view, store, ann):
    tokens = []
    for name in ("Bea Lund", "Carl Ek", "Dora Vik"):
        view.peers.name.input.value = name
        view.peers.ask_button.click()
        assert f"href='{PEER_PAGE}?r=" in view.peers.link.value
        assert "t=" not in view.peers.link.value.split("href=")[1].split("'")[1]  # not who
        tokens.append(_token(view))
        assert view.peers.name.value == ""
    assert store.rater_link_by_token(tokens[0]).peer_name == "Bea Lund"
    assert [r.text.value.split("</b>")[0] for r in view.peers.rows.values()] == [
        "<b>Dora Vik", "<b>Carl Ek", "<b>Bea Lund"]
    assert all("not rated yet" in r.text.value for r in view.peers.rows.values())
    view.peers.name.input.value = "Eva Berg"
    view.peers.ask_button.click()
    assert "asked 3 colleagues already" in view.peers.name.message.text
    assert view.peers.name.value == "Eva Berg"
    assert "Dora Vik" in view.peers.link.value  # the last address stays, in case not copied
    assert len(store.list_rater_links(ann.id)) == 3
    assert _reload(store, ann).peers.link.value == ""  # the address is never shown again


def test_a_withdrawn_link_stops_working_and_frees_a_place(view, store):
    view.peers.name.input.value = SCRIPT
    view.peers.ask()
    token = _token(view)
    assert SCRIPT not in view.peers.link.value and "&lt;script&gt;" in view.peers.link.value
    (row,) = view.peers.rows.values()
    row.withdraw_button.click()
    with pytest.raises(AccessDenied):
        store.rater_link_by_token(token)
    (row,) = view.peers.rows.values()
    assert "withdrawn" in row.text.value and row.withdraw_button.layout.display == "none"
    assert view.peers.link.value == "" and "no longer works" in view.peers.message.text
    assert SCRIPT not in row.text.value and SCRIPT not in view.peers.message.value


def test_a_peer_who_rated_is_marked_and_counted_on_the_chart(view, store, ann):
    view.peers.name.input.value = "Bea Lund"
    view.peers.ask()
    (link,) = store.list_rater_links(ann.id)
    store.save_ratings(ann.id, "before", "peer", {"levels": {"listens": 5}}, link_id=link.id,
                       rater_name="Bea Lund")
    view.refresh()
    assert "· <span class='kk-muted'>rated</span>" in view.peers.rows[link.id].text.value
    assert "Peers (1)" in view.chart.value
    assert "Peers (1) · Before the programme" in view.table.value


def test_the_chart_shows_what_the_manager_rated_read_only(view, store, ann):
    view.form.cards["customer_goals"].level.input.value = 4
    store.save_ratings(ann.id, "before", "manager", {"levels": {"customer_goals": 2}},
                       rater_name="Mia")
    view.refresh()
    assert "Manager (Mia), before: 2" in view.chart.value  # a hollow square's title
    assert "You, before: 4" in view.chart.value
    row = re.search(r"<tr><td>Business acumen</td>(.*?)</tr>", view.table.value).group(1)
    assert row == "<td>4</td><td>2</td>"
    assert view.form.cards["customer_goals"].level.value == 4  # theirs never changes yours


def test_typed_markup_stays_text_in_the_chart_and_the_table(view, store, ann):
    store.save_ratings(ann.id, "before", "manager", {"levels": {"listens": 3}},
                       rater_name=SCRIPT)
    view.refresh()
    for html in (view.chart.value, view.table.value):
        assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_plan_is_saved_as_typed_and_holds_at_most_the_content_s_items(view, store, ann,
                                                                          session):
    rows = view.plan.rows
    assert len(rows) == session.competencies.plan_items == 3
    rows[0].competency.input.value = "influence"
    rows[0].action.input.value = "Meet the COO with my sponsor"
    rows[0].due.input.value = "2027-01-31"
    plan, version = store.development_plan(ann.id)
    assert plan.items == [DevelopmentItem(competency="influence", action="Meet the COO with my "
                                          "sponsor", due=dt.date(2027, 1, 31))]
    assert f'data-version="{version}"' in view.plan.status.value
    rows[0].due.input.value = "31/01/2027"  # refused next to it; the saved date stands
    assert "YYYY-MM-DD" in rows[0].due.message.text
    rows[0].done.value = True
    plan, _ = store.development_plan(ann.id)
    assert plan.items[0].due == dt.date(2027, 1, 31) and plan.items[0].done
    assert rows[0].due.input.value == "31/01/2027"
    again = _reload(store, ann)
    assert again.plan.rows[0].competency.value == "influence" and again.plan.rows[0].done.value
    with pytest.raises(InvalidInput, match="at most 3"):
        session.save_development_plan(DevelopmentPlan(items=[
            DevelopmentItem(competency=c) for c in ("data", "trust", "team", "planning")]))


def test_the_plan_suggests_what_the_accounts_need_then_the_lowest_rated(store, framework):
    content = framework.competencies
    table = {("before", "self"): {"trust": 2.0, "acumen": 4.0, "team": 1.0},
             ("before", "manager"): {"trust": 2.0, "influence": 3.0}}
    order = suggested(content, table, ["grow"])  # grow: influence and acumen matter most
    assert order[:3] == ["influence", "acumen", "team"]
    assert suggested(content, {}, []) == [c.id for c in content.competencies]


def test_the_role_fit_follows_the_purpose_of_the_trainee_s_accounts(store, ann, today):
    session = Session(store, ann)
    session.create_account("Acme")
    session.save(PROFILE, sample_profile(today))
    view = CompetencyView(session)
    fit = view.about.children[0].value
    assert "<b>Grow</b> (1 of your accounts)" in fit and "Defend" not in fit
    assert view.about.selected_index is None  # collapsed beside the form
    assert "<b>Influence without authority</b>" in view.plan.hint.value


def test_with_no_account_every_purpose_s_advice_is_shown(view):
    fit = view.about.children[0].value
    assert all(f"<b>{p}</b>" in fit for p in ("Grow", "Maintain", "Defend", "Exit"))


# -- on the workbook page ------------------------------------------------------------------------

def test_home_invites_to_rate_oneself_and_the_button_opens_the_tab(store, ann):
    page = WorkbookApp(Session(store, ann))
    assert page.tabs.titles[-1] == "Competencies"
    assert page.invite_box.layout.display is None
    assert "Before you start: rate yourself - 10 minutes" in page.invitation.value
    page.invite_button.click()
    assert page.tabs.selected_index == len(page.tabs.titles) - 1
    view = page.competencies
    assert isinstance(view, CompetencyView) and page.competency_slot.children == (view,)
    _rate_all(view, 3)
    page.tabs.selected_index = 0
    assert page.invite_box.layout.display == "none"  # done: nothing to ask
    store.open_after_round("May")
    page.refresh()
    assert "after-round is open" in page.invitation.value
    page.invite_button.click()
    assert page.competencies is view and view.round == "after"


def _labels():
    return {s.id: (lambda session: widgets.Label(session.account.name))
            for s in default_framework().steps}


def test_the_tab_is_built_in_the_background_and_kept_when_the_account_changes(store, ann,
                                                                              monkeypatch):
    monkeypatch.setattr(workbook, "PREBUILD_AFTER", 0.01)
    monkeypatch.setattr(workbook, "PREBUILD_GAP", 0.01)
    store.add_account(ann.id, "Acme")
    store.add_account(ann.id, "Beta")

    async def serve():
        page = WorkbookApp(Session(store, ann), factories=_labels())
        page.shown._received(page.shown, {"shown": True}, [])
        await asyncio.sleep(0.3)
        assert isinstance(page.competencies, CompetencyView)
        built = page.competencies
        page.accounts.value = next(v for _, v in page.accounts.options
                                   if v != page.accounts.value)
        await asyncio.sleep(0.3)
        assert page.competencies is built  # the person's, not the account's
        page.tabs.selected_index = len(page.tabs.titles) - 1
        page.create_account("Gamma")  # with the tab open: no step to rebuild there
        assert page.competencies is built and "went wrong" not in page.notice.value

    asyncio.run(serve())


def test_with_no_account_yet_the_tab_is_still_built(store, monkeypatch):
    monkeypatch.setattr(workbook, "PREBUILD_AFTER", 0.01)

    async def serve():
        page = WorkbookApp(Session(store, store.add_trainee("New")), factories=_labels())
        page.shown._received(page.shown, {"shown": True}, [])
        await asyncio.sleep(0.2)
        assert isinstance(page.competencies, CompetencyView)

    asyncio.run(serve())
