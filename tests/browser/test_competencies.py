"""The competency assessment for real: a manager rates a behaviour in the review server, and the
trainee sees that rating beside their own on their competency tab - and nothing they wrote
changes."""

from __future__ import annotations

from helpers import dropdown, field

from kamkit.store import Store

BEHAVIOUR = ("Explains the customer's strategy, pressures and the changes in their market, "
             "and what they mean for us")


def test_a_managers_rating_is_on_the_trainees_gap_chart(server, review_server, page):
    with Store(server.db) as store:
        trainee = store.add_trainee("Gil Gapman", cohort="Competency cohort")
        store.save_ratings(trainee.id, "before", "self", {
            "levels": {"customer_goals": 2}, "examples": {"customer_goals": "Read their report"}})
        link = f"{server.url}/voila/render/00_workbook.ipynb?t={store.issue_token(trainee.id)}"

    page.goto(f"{review_server.dashboard}?token={review_server.token}")
    page.get_by_text("Signed in as").wait_for()
    dropdown(page, "Cohort").select_option(label="Competency cohort")
    page.get_by_text("1 trainee").wait_for()
    row = page.locator(".widget-hbox", has=page.locator(".kk-row", has_text="Gil Gapman"))
    row.get_by_role("button", name="Open").click()
    page.get_by_role("heading", name="Gil Gapman").wait_for()
    page.get_by_role("tab", name="Competencies").click()
    page.get_by_text("Read their report").wait_for()  # the trainee's example, beside the form
    field(page, f"Rating: {BEHAVIOUR}", "select").select_option(
        label="4 · Does it well, unprompted: Spots a change in the customer's world early "
              "and turns it into an action.")
    page.get_by_role("button", name="Save my ratings").click()
    page.get_by_text("Saved. The trainee sees your ratings").wait_for()

    trainee_page = page.context.new_page()
    trainee_page.goto(link)
    trainee_page.get_by_text("Hello, Gil Gapman").wait_for()
    trainee_page.get_by_role("tab", name="Competencies").click()
    table = trainee_page.locator(".kk-competency-table:visible")
    table.locator("tr", has_text="Business acumen").locator("td", has_text="4").wait_for()
    assert "Manager" in table.inner_text()
    # the manager's rating is shown beside the trainee's own, which stays as they saved it
    own = field(trainee_page, f"Rating: {BEHAVIOUR}", "select").evaluate(
        "s => s.options[s.selectedIndex].text")
    assert own.replace("\xa0", " ").startswith("2 · Starting")
    said = trainee_page.locator("svg.kk-competency-chart:visible").get_attribute("aria-label")
    assert "Business acumen: You before 2, Manager (" in said and "before 4" in said
