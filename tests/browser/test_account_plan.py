"""Step 5 in a real browser: a new trainee names a pressure on step 1, then writes a small plan -
an objective serving it, an overdue action, a KPI measured, a QBR (its next steps typed with a
payload in them), the next review - and watches what the plan should look at change; all of it
is back after a reload, and the QBR pack prepared on the page holds the objective and no live
markup."""

from __future__ import annotations

import base64
import datetime as dt
import re

from helpers import field as _field
from helpers import open_step, trainee_with_account
from playwright.sync_api import expect

from tests.payloads import PAYLOADS, live_markup

NAME, ACCOUNT, STEP = "Mira Olsen", "Halden Medical", "5. Account plan"
GOAL = "Energy costs up by a third"
OBJECTIVE = "Cut their energy bill by a fifth"
ACTION = "Energy audit with their COO"
NEXT_STEPS = f"Pilot in Brno {PAYLOADS[1]}"  # an image that would run, typed as text


def field(page, label: str, kind: str = "input"):
    """The field a person sees: steps built in the background hold fields of the same name."""
    return _field(page, label, f"{kind}:visible")


def _type(box, text: str) -> None:
    box.fill(text)
    box.press("Tab")  # the field is left: what was typed is sent


def _findings(page):
    """What the plan should look at - the card on top of the step."""
    return page.locator(".kk-card:visible", has=page.locator(
        "h2", has_text="What the plan should look at"))


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def test_a_small_plan_survives_a_reload_and_its_qbr_pack_holds_it_as_text(server, page):
    today = dt.date.today()
    due, measured = today - dt.timedelta(days=3), today - dt.timedelta(days=10)
    review = today + dt.timedelta(days=60)
    link = trainee_with_account(server, page, NAME, ACCOUNT)

    # a new profile names no goal of theirs: a pressure, first
    page.get_by_role("tab", name="1. Account profile").click()
    page.get_by_text("Pressures · 0/1").click()
    _type(field(page, "Pressures they face", "textarea"), GOAL)
    page.get_by_text("Pressures · ✓").wait_for()

    _tab(page, STEP)
    findings = _findings(page)
    expect(findings).to_contain_text("No objective yet")
    page.get_by_role("button", name="Add an objective").click()
    expect(field(page, "Objective")).to_have_value("New objective 1")
    expect(findings).not_to_contain_text("No objective yet")
    expect(findings).to_contain_text("Objectives that serve none of the customer's goals")
    expect(findings).to_contain_text(re.compile(
        f"Customer goals nothing in the plan serves.*{GOAL}"))  # the goal just named
    _type(field(page, "Objective"), OBJECTIVE)
    field(page, "Kind", "select").select_option(label="Value delivered to the customer")
    _type(field(page, "To (target)"), "1200000")
    field(page, "Serves their goal", "select").select_option(label=GOAL)
    expect(findings).not_to_contain_text("serve none of the customer's goals")
    expect(findings).not_to_contain_text("Customer goals nothing in the plan serves")

    _tab(page, "Actions")
    page.get_by_role("button", name="Add an action").click()
    _type(field(page, "Action"), ACTION)
    field(page, "Towards", "select").select_option(label=OBJECTIVE)
    _type(field(page, "Due"), due.isoformat())
    expect(findings).to_contain_text("Overdue actions")
    expect(findings).to_contain_text("Actions without an owner")
    page.get_by_text("overdue, nobody owns it").wait_for()  # beside the action, too

    _tab(page, "KPIs")
    page.get_by_role("button", name="Add a KPI").click()
    _type(field(page, "KPI"), "Energy per device")
    _type(field(page, "Target"), "12")
    _type(field(page, "Measured on"), measured.isoformat())
    _type(field(page, "Value"), "17")
    page.get_by_role("button", name="Add this actual").click()
    page.get_by_text(f"{measured.isoformat()}: 17 ✔ target reached").wait_for()

    _tab(page, "Rhythm")
    page.get_by_role("button", name="Record a QBR").click()
    expect(field(page, "Held on")).to_have_value(today.isoformat())
    _type(field(page, "Value shown against the plan", "textarea"), "Energy down 4 %")
    _type(field(page, "Next steps agreed", "textarea"), NEXT_STEPS)
    expect(findings).to_contain_text("No next review date")
    _type(field(page, "Next review of this plan"), review.isoformat())
    expect(findings).not_to_contain_text("No next review date")
    assert page.locator("img, #injected").count() == 0
    assert page.evaluate("window.__pwned") is None

    open_step(page, link, NAME, STEP)  # a reload: everything back from the store
    findings = _findings(page)
    expect(findings).to_contain_text("Overdue actions")
    expect(findings).not_to_contain_text("No next review date")
    expect(field(page, "Objective")).to_have_value(OBJECTIVE)
    expect(field(page, "To (target)")).to_have_value("1,200,000")
    expect(field(page, "Kind", "select").locator("option:checked")).to_have_text(
        "Value delivered to the customer")
    expect(field(page, "Serves their goal", "select").locator("option:checked")).to_have_text(
        GOAL)
    _tab(page, "Actions")
    expect(field(page, "Action")).to_have_value(ACTION)
    expect(field(page, "Due")).to_have_value(due.isoformat())
    expect(field(page, "Towards", "select").locator("option:checked")).to_have_text(OBJECTIVE)
    _tab(page, "KPIs")
    expect(field(page, "KPI")).to_have_value("Energy per device")
    page.get_by_text(f"{measured.isoformat()}: 17 ✔ target reached").wait_for()
    _tab(page, "Rhythm")
    expect(field(page, "Next review of this plan")).to_have_value(review.isoformat())
    expect(field(page, "Next steps agreed", "textarea")).to_have_value(NEXT_STEPS)

    # the QBR pack, prepared on the page: a link that saves it
    page.get_by_role("button", name="Prepare the QBR pack").click()
    pack_link = page.locator("a.kk-download:visible", has_text="QBR pack")
    expect(pack_link).to_have_attribute("download", "QBR-Halden-Medical.html")
    href = pack_link.get_attribute("href")
    assert href.startswith("data:text/html;base64,")
    pack = base64.b64decode(href.split(",", 1)[1]).decode("utf-8")
    assert OBJECTIVE in pack and GOAL in pack and "Pilot in Brno" in pack
    assert live_markup(pack) == []
    assert "window.__pwned" in pack  # the payload kept, as text
    assert page.locator("img, #injected").count() == 0
