"""Step 3 in a real browser: feeling first, evidence, reload, a second assessment, the trend."""

from __future__ import annotations

from helpers import field, open_step, trainee_with_account
from playwright.sync_api import expect


def test_quantify_reload_repeat_and_see_the_trend(server, page):
    link = trainee_with_account(server, page, "Noor Haddad", "Solara Energy")
    page.get_by_role("tab", name="3. Relationship score").click()

    field(page, "In one sentence: why?").fill("They answer my calls")
    field(page, "In one sentence: why?").press("Tab")
    page.get_by_role("button", name="Record my feeling and open the evidence").click()
    page.get_by_text("You felt 50").wait_for()
    field(page, "They share their business plans with us (weight 14)", "select").select_option(
        label="4 · We plan jointly")
    evidence = page.locator('.kk-card:has(:is(b, label):text-is("They share their business plans '
                            'with us (weight 14)")) textarea')
    evidence.fill("Joint planning day, 12 March")
    evidence.press("Tab")
    page.get_by_text("Evidence score: 14 / 100 · Exploratory").wait_for()
    page.get_by_text("36 points of optimism").wait_for()
    # the feeling, the level and the evidence are three saves: reload only once the page says
    # the third is kept (a reload closes the kernel, and a save still on its way is lost with it)
    page.locator('.kk-ok:visible[data-version="3"]', has_text="All changes saved").wait_for()

    page.reload()
    open_step(page, link, "Noor Haddad", "3. Relationship score",
              ready_text="Evidence score: 14 / 100")
    assert evidence.input_value() == "Joint planning day, 12 March"

    page.get_by_role("button", name="Start a new assessment").click()
    page.get_by_role("button", name="Yes, close it and start a new one").click()  # asked first
    expect(field(page, "In one sentence: why?")).to_be_enabled()  # open again, and empty
    expect(field(page, "In one sentence: why?")).to_have_value("")
    field(page, "In one sentence: why?").fill("Planning went well")
    field(page, "In one sentence: why?").press("Tab")
    page.get_by_role("button", name="Record my feeling and open the evidence").click()
    page.get_by_text("“Planning went well”").wait_for()  # recorded: the evidence opens
    field(page, "They pay us promptly (weight 10)", "select").select_option(
        label="4 · Pays early, no disputes in years")
    # the last evidence carried over (joint planning, 14) and prompt payment now (10)
    page.get_by_text("Evidence score: 24 / 100").wait_for()
    page.get_by_text("↑ from 14 last time").wait_for()
    page.locator("svg.kk-trend").wait_for()
