"""The Decision-Making Grid from the keyboard, in a real browser: a trainee focuses a person on
the grid, moves them with the arrow keys, hears the move, sees the form follow and the map
saved - and after a reload the person is where the keys put them."""

from __future__ import annotations

import datetime as dt
import re

from helpers import dropdown, open_step
from playwright.sync_api import expect

from kamkit.demo import sample_map
from kamkit.store import Store


def _trainee_with_a_map(server, name: str) -> tuple[str, int]:
    """A trainee whose account has the demo's stakeholder map: their personal link and the
    account's id."""
    with Store(server.db) as store:
        trainee = store.add_trainee(name, cohort="Keyboard")
        account = store.add_account(trainee.id, "Nordwind Logistics")
        store.save_document(account.id, "stakeholders", sample_map(dt.date.today()))
        token = store.issue_token(trainee.id)
    return f"{server.url}/voila/render/00_workbook.ipynb?t={token}", account.id


def _person(page, words: str):
    """A person on the grid, found by the start of their accessible name."""
    return page.locator("svg.kk-grid").get_by_role("option",
                                                   name=re.compile("^" + re.escape(words)))


def test_arrow_keys_move_a_person_and_the_move_is_said_and_saved(server, page):
    link, account_id = _trainee_with_a_map(server, "Kai Berg")
    open_step(page, link, "Kai Berg", "2. Stakeholder map", ready_button="Add person")
    expect(page.get_by_role("group", name=re.compile(
        r"^Decision-Making Grid: 8 people, 1 not on the grid yet; use Tab"))).to_be_visible()
    _person(page, "Sofia Rossi: influence 3 (moderate), support +1 (supportive) - "
                  "Advocate").focus()
    said = page.locator(".kk-grid-said[role=status]")

    page.keyboard.press("ArrowUp")
    expect(said).to_have_text("Sofia Rossi: influence 4 (major), support +1 (supportive) - Driver")
    page.keyboard.press("ArrowRight")
    moved = "Sofia Rossi: influence 4 (major), support +2 (strong supporter) - Driver"
    expect(said).to_have_text(moved)
    # the form beside the grid shows her with the new numbers, and the map is saved
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_value("Sofia Rossi")
    expect(dropdown(page, "Influence on the decision")).to_have_value("4 · major")
    expect(dropdown(page, "Support for us")).to_have_value("+2 · strong supporter")
    page.get_by_text("All changes saved").wait_for()
    with Store(server.db) as store:
        saved = {p.name: p for p in store.get_document(account_id, "stakeholders").people}
    assert (saved["Sofia Rossi"].influence, saved["Sofia Rossi"].support) == (4, 2)
    # the keyboard is still on Sofia after Python redrew the grid, and the ring shows it
    expect(_person(page, moved)).to_be_focused()
    expect(_person(page, moved).locator(".kk-ring")).to_be_visible()

    # Enter shows her in the form; editing her there (the grid is drawn anew with the new
    # name) leaves the keyboard in the form
    page.keyboard.press("Enter")
    version = page.locator(".kk-ok[data-version]:visible").first.get_attribute("data-version")
    name = page.get_by_role("textbox", name="Name", exact=True)
    name.fill("Sofia Rossi-Lang")
    name.press("Tab")
    page.locator(f'.kk-ok[data-version]:visible:not([data-version="{version}"])').wait_for()
    renamed = moved.replace("Sofia Rossi", "Sofia Rossi-Lang")
    expect(_person(page, renamed)).to_be_visible()
    expect(page.locator("svg.kk-grid [role=option]:focus")).to_have_count(0)

    page.reload()
    open_step(page, link, "Kai Berg", "2. Stakeholder map", ready_button="Add person")
    expect(_person(page, renamed)).to_be_visible()
