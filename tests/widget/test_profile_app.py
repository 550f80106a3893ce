"""The profile step, filled in as a trainee would on an in-memory store."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit.session import Session
from kamkit.ui.profile import ProfileApp, app
from kamkit.ui.workbook import WorkbookApp


@pytest.fixture
def session(store):
    ann = store.add_trainee("Ann")
    s = Session(store, ann)
    s.create_account("Nordwind <Logistics>")
    return s


def _type(view: ProfileApp, field: str, text: str) -> None:
    target = view.fields[field]
    (getattr(target, "box", None) or target.input).value = text


def _rate(view: ProfileApp, **ratings: int) -> None:
    for cid, value in ratings.items():
        view.ratings[cid].input.value = value


def test_filling_the_form_places_the_account_and_explains_why(session):
    view = app(session)
    _type(view, "industry", "Logistics")
    _type(view, "total_category_spend", "4,000,000")
    _type(view, "spend_with_us", "1,000,000")
    assert "Share of wallet: <b>25 %</b>" in view.share_of_wallet.value
    _rate(view, revenue_potential=80, strategic_importance=70, market_influence=60,
          relationship_strength=40)
    assert "a <b>Grow</b> account" in view.purpose.value
    assert "Nordwind &lt;Logistics&gt;" in view.purpose.value  # the name is escaped
    assert "Nordwind &lt;Logistics&gt;" in view.matrix.value
    assert view.save_status.text.startswith("All changes saved")


def test_coach_hints_react_to_what_is_missing_and_what_is_close(session):
    view = app(session)
    assert "No pressures recorded yet" in view.hints.value
    view.fields["next_renewal"].set(dt.date.today() + dt.timedelta(days=30))
    assert "renews within 90 days" in view.hints.value
    _type(view, "pressures", "Energy costs\nDriver shortage")
    assert "No pressures recorded yet" not in view.hints.value


def test_everything_typed_comes_back_when_the_page_is_opened_again(session, store):
    view = app(session)
    _type(view, "legal_name", "Nordwind Logistics GmbH")
    _type(view, "regions", "Germany\nPoland")
    _type(view, "margin_pct", "23.5")
    _type(view, "years_as_customer", "6")
    _type(view, "swot.threats", "New CFO")
    view.currency.input.value = "CHF"
    view.fields["size_band"].input.value = "1,000-5,000 employees"
    view.fields["next_renewal"].set(dt.date(2027, 3, 31))
    _rate(view, market_influence=60)

    again = ProfileApp(Session(store, session.trainee, account=session.account))
    assert again.fields["legal_name"].input.value == "Nordwind Logistics GmbH"
    assert again.fields["regions"].input.value == "Germany\nPoland"
    assert again.fields["margin_pct"].box.value == "23.50"
    assert again.fields["years_as_customer"].box.value == "6"
    assert again.fields["swot.threats"].input.value == "New CFO"
    assert again.fields["size_band"].input.value == "1,000-5,000 employees"
    assert again.fields["next_renewal"].value == dt.date(2027, 3, 31)
    assert again.currency.input.value == "CHF"
    assert again.ratings["market_influence"].input.value == 60
    assert "CHF" in again.fields["total_category_spend"].unit.value


def test_a_bad_number_is_explained_next_to_it_and_nothing_is_lost(session, store):
    view = app(session)
    _type(view, "industry", "Chemicals")
    versions = len(store.list_versions(session.account.id, "profile"))
    _type(view, "margin_pct", "twenty")
    assert view.fields["margin_pct"].message.text == "'twenty' is not a number - not saved yet."
    assert view.fields["margin_pct"].box.value == "twenty"  # still on screen
    assert "Saved, except the field marked in red" in view.save_status.text
    assert len(store.list_versions(session.account.id, "profile")) == versions
    _type(view, "margin_pct", "140")
    assert view.fields["margin_pct"].message.text == ("Margin % must be at most 100 (got 140) - "
                                                      "not saved yet.")
    _type(view, "margin_pct", "14")
    assert view.fields["margin_pct"].message.text == ""
    assert store.get_document(session.account.id, "profile").margin_pct == 14


def test_spend_with_us_above_total_spend_is_flagged_on_that_field(session):
    view = app(session)
    _type(view, "total_category_spend", "100")
    _type(view, "spend_with_us", "150")
    assert "cannot exceed their total spend" in view.fields["spend_with_us"].message.text
    assert view.fields["total_category_spend"].message.text == ""


def test_an_invalid_field_left_in_place_holds_back_no_other_answer(session, store):
    """Spend with us above the total, left as typed: the years and products typed next are
    saved all the same, and a reload shows them (and the last valid spend)."""
    view = app(session)
    _type(view, "total_category_spend", "100")
    _type(view, "spend_with_us", "80")
    _type(view, "spend_with_us", "150")
    _type(view, "years_as_customer", "7")
    _type(view, "products_in_use", "Telematics\nRoute planning")
    assert "not saved yet" in view.fields["spend_with_us"].message.text
    assert "kk-unsaved" in view.fields["spend_with_us"].message.value  # the page asks on leaving
    saved = store.get_document(session.account.id, "profile")
    assert (saved.years_as_customer, saved.products_in_use, saved.spend_with_us) == (
        7, ["Telematics", "Route planning"], 80)
    again = app(session)
    assert again.fields["years_as_customer"].box.value == "7"
    assert again.fields["spend_with_us"].box.value == "80"
    _type(view, "spend_with_us", "90")  # fixed: saved, and the warning goes
    assert view.fields["spend_with_us"].message.text == ""
    assert store.get_document(session.account.id, "profile").spend_with_us == 90


def test_section_titles_show_their_completeness(session):
    view = app(session)
    assert view.sections.titles[0] == "Who they are · 0/5"
    _type(view, "industry", "Chemicals")
    assert view.sections.titles[0] == "Who they are · 1/5"
    _type(view, "pressures", "Energy costs")
    assert view.sections.titles[2] == "Pressures · ✓"


def test_portfolio_import_previews_then_adds_only_after_confirming(session, store):
    view = app(session)
    view.tabs.selected_index = 1
    portfolio = view.portfolio
    portfolio.load_file("accounts.csv", b"name,revenue\nBeta,100\n,5\nGamma,300\n")
    assert [a.name for a in session.accounts()] == ["Nordwind <Logistics>"]
    assert "2 ready to add; 1 row with problems" in portfolio.import_message.text
    assert portfolio.confirm_button.description == "Add 2 accounts"
    portfolio.confirm_button.click()
    assert {a.name for a in session.accounts()} == {"Nordwind <Logistics>", "Beta", "Gamma"}
    assert session.account.name == "Nordwind <Logistics>"
    # Gamma 300 then Beta 100: Gamma alone is 75 %, so both are needed to reach 80 %
    assert "2 of 2 accounts bring 80 %" in portfolio.pareto.value


def test_more_than_four_key_accounts_is_warned_on_the_portfolio(session):
    for name in ["B", "C", "D", "E"]:
        session.store.add_account(session.trainee.id, name)
    view = app(session)
    view.tabs.selected_index = 1
    assert "You hold 5 key accounts" in view.portfolio.warning.text


def test_the_workbook_opens_the_profile_step_inside_its_page(session):
    page = WorkbookApp(session)
    page.open_step("profile")
    (view,) = page._slots["profile"].children
    assert isinstance(view, ProfileApp)
    _type(view, "industry", "Chemicals")
    page.tabs.selected_index = 0
    assert "4% · in progress" in page.progress_rows["profile"].status.value  # 1 of 26


def test_a_date_is_written_one_way_and_a_wrong_one_is_explained(session, store):
    view = app(session)
    _type(view, "next_renewal", "31/03/2027")
    assert "is not a date: write it as YYYY-MM-DD" in view.fields["next_renewal"].message.text
    _type(view, "next_renewal", "2027-03-31")
    assert view.fields["next_renewal"].message.text == ""
    assert store.get_document(session.account.id, "profile").next_renewal == dt.date(2027, 3, 31)
    assert app(session).fields["next_renewal"].input.value == "2027-03-31"
