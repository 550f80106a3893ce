"""Step 4 in a real browser: an opportunity added and qualified - the litmus test first, then the
questions with how we know - qualified out on a "no" to the budget, an outcome planned, the
trainee's own forecast beside kamkit's; and all of it back after a reload."""

from __future__ import annotations

from helpers import field as _field
from helpers import open_step, trainee_with_account
from playwright.sync_api import expect

NAME, STEP = "Ravi Menon", "4. Opportunities"
LITMUS = "If they cast their votes today, would we win?"
BUDGET = "Is there a realistic budget - approved, or with someone who can approve it?"
ANSWERS = [  # question, answer, how we know
    ("Do they know they have a decision to make?", "Yes", "Their RFP came in on 3 March"),
    (BUDGET, "No", "“Nothing for this before 2028” - CFO"),
    ("Does our offer hold something unique that matters to their view of the problem?",
     "Partly", "Our sensors, but RouteMax matches the app"),
]


def field(page, label: str, kind: str = "input"):
    """The field a person sees: steps built in the background hold fields of the same name."""
    return _field(page, label, f"{kind}:visible")


def _card(page, question: str):
    return page.locator(f'.kk-card:has(:is(b, label):text-is("{question}"))')


def _type(box, text: str) -> None:
    box.fill(text)
    box.press("Tab")  # the field is left: what was typed is sent


def test_qualify_out_on_no_budget_plan_forecast_and_find_it_all_after_reload(server, page):
    link = trainee_with_account(server, page, NAME, "Nordhavn Ports")
    page.get_by_role("tab", name=STEP).click()
    page.get_by_text("No opportunities yet").wait_for()
    page.get_by_role("button", name="Add opportunity").click()

    expect(field(page, "Opportunity")).to_have_value("New opportunity 1")
    _type(field(page, "Opportunity"), "Cold-chain sensors")
    _type(field(page, "Value to us, per year"), "450000")
    _type(field(page, "They decide by"), "2027-03-31")

    # the litmus test first; the questions open once it is recorded, and it is kept as said
    field(page, LITMUS, "select").select_option(label="Yes")
    _type(field(page, "In one sentence: why?"), "The harbour master likes us")
    page.get_by_role("button", name="Record my answer and open the questions").click()
    page.get_by_text("Litmus test, first:").wait_for()
    expect(field(page, LITMUS, "select")).to_be_disabled()

    for question, answer, how in ANSWERS:
        card = _card(page, question)
        card.locator("select").select_option(label=answer)
        _type(card.locator("textarea"), how)
    page.get_by_text("The answers suggest: Qualify out").wait_for()
    page.get_by_text(f"“No” to a question that must be yes: {BUDGET}").wait_for()

    field(page, "Your decision", "select").select_option(label="Qualify out")
    page.get_by_text("say why you qualify out", exact=False).wait_for()  # a reason is asked
    _type(field(page, "Why?", "textarea"), "No budget before 2028: revisit next year")
    page.get_by_text("Your decision: Qualify out").wait_for()

    page.get_by_role("tab", name="Activity plan").click()
    page.get_by_role("button", name="Add an outcome").click()
    _type(field(page, "Outcome wanted"), "Budget owner met")
    field(page, "Contact", "select").select_option(label="Executive visit")
    page.get_by_text("1 contacts planned, about 0.5 expected to convert").wait_for()

    page.get_by_role("tab", name="Forecast").click()
    page.get_by_text("Give your own forecast first").wait_for()
    _type(field(page, "Your own forecast first"), "200,000")
    page.get_by_role("button", name="Record my forecast and show kamkit's").click()
    # qualified out, it counts nothing
    page.get_by_text("Weighted forecast: 0 EUR", exact=True).wait_for()
    page.get_by_text("1 qualified out").wait_for()
    page.get_by_text("200,000 EUR above it").wait_for()

    page.reload()
    open_step(page, link, NAME, STEP, ready_text="The answers suggest: Qualify out")
    expect(field(page, "Opportunity")).to_have_value("Cold-chain sensors")
    expect(field(page, "Value to us, per year")).to_have_value("450,000")
    expect(field(page, "They decide by")).to_have_value("2027-03-31")
    expect(field(page, LITMUS, "select")).to_be_disabled()
    page.get_by_text("“The harbour master likes us”").wait_for()
    for question, answer, how in ANSWERS:
        card = _card(page, question)
        expect(card.locator("select option:checked")).to_have_text(answer)
        expect(card.locator("textarea")).to_have_value(how)
    expect(field(page, "Your decision", "select").locator("option:checked")).to_have_text(
        "Qualify out")
    expect(field(page, "Why?", "textarea")).to_have_value(
        "No budget before 2028: revisit next year")
    page.get_by_text("Your decision: Qualify out").wait_for()

    page.get_by_role("tab", name="Activity plan").click()
    expect(field(page, "Outcome wanted")).to_have_value("Budget owner met")
    page.get_by_text("1 contacts planned, about 0.5 expected to convert").wait_for()
    page.get_by_role("tab", name="Forecast").click()
    expect(field(page, "Your own forecast first")).to_have_value("200,000")
    expect(field(page, "Your own forecast first")).to_be_disabled()  # kept as said
    page.get_by_text("200,000 EUR above it").wait_for()
