"""Step 1 in a real browser: a trainee profiles an account, reloads, and finds everything back -
with the account placed on the portfolio matrix."""

from __future__ import annotations

from helpers import field as _field
from helpers import open_step, trainee_with_account


def _open_profile(page, link: str, name: str) -> None:
    open_step(page, link, name, "1. Account profile", ready_text="Profile complete")


def test_a_profile_filled_in_the_browser_survives_a_reload(server, page):
    link = trainee_with_account(server, page, "Lena Park", "Orbit Foods")
    page.get_by_role("tab", name="1. Account profile").click()
    page.get_by_text("Profile complete").wait_for()

    _field(page, "Industry").fill("Food manufacturing")
    _field(page, "Industry").press("Tab")
    page.get_by_text("Who they are · 1/5").wait_for()

    page.get_by_text("Commercial facts ·").click()
    _field(page, "Their total spend in our category").fill("2,000,000")
    _field(page, "Their total spend in our category").press("Tab")
    _field(page, "Their spend with us").fill("500000")
    _field(page, "Their spend with us").press("Tab")
    page.get_by_text("Share of wallet: 25 %").wait_for()

    page.get_by_text("Segmentation ·").click()
    for label, value in [("Revenue potential (weight 40)", "80"),
                         ("Strategic importance (weight 35)", "70"),
                         ("Market influence (weight 25)", "60")]:
        _field(page, label, "select").select_option(label=value)
    relationship = "Relationship strength (weight 50) - your rating, used until the facts are in"
    _field(page, relationship, "select").select_option(label="40")
    page.get_by_text("Orbit Foods is a Grow account").wait_for()

    page.reload()
    _open_profile(page, link, "Lena Park")
    assert _field(page, "Industry").input_value() == "Food manufacturing"
    page.get_by_text("Commercial facts ·").click()
    assert _field(page, "Their total spend in our category").input_value() == "2,000,000"
    assert _field(page, "Their spend with us").input_value() == "500,000"
    page.get_by_text("Segmentation ·").click()
    chosen = _field(page, "Market influence (weight 25)", "select").evaluate(
        "s => s.options[s.selectedIndex].text")
    assert chosen == "60"
    page.get_by_text("Orbit Foods is a Grow account").wait_for()
    page.locator("svg.kk-matrix text", has_text="Orbit Foods").first.wait_for()
