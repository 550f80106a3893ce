"""Every page kamkit serves, checked by axe-core as a trainee, a peer and a manager see it: no
serious or critical violation, and the page's structure in order (content inside a main landmark,
heading levels that never skip). The exports a person prints or sends - the report, the QBR pack,
the certificate - and the "room is full" page are checked the same way."""

from __future__ import annotations

import re

import pytest
from axe import describe, serious_violations
from helpers import dropdown

from kamkit.room import ROOM_FULL_PAGE
from kamkit.store import Store

#: moderate rules kamkit keeps too: where content sits, and headings in order
STRUCTURE = ("region", "landmark-one-main", "heading-order")


def assert_accessible(page, where: str) -> None:
    found = [v for v in serious_violations(page, ("serious", "critical", "moderate"))
             if v["impact"] != "moderate" or v["id"] in STRUCTURE]
    assert found == [], f"{where}:\n{describe(found)}"


#: what a tab shows once it is built
READY = "svg, .kk-card, .kk-field, .kk-table, .widget-upload"


def shown(page, text: str) -> None:
    page.get_by_text(text).first.wait_for()


def test_the_workbook_every_tab_and_every_part_of_a_tab(server, page):
    page.goto(f"{server.url}/voila/render/00_workbook.ipynb")  # the demo's own trainee
    shown(page, "Hello,")
    assert_accessible(page, "workbook: Home")
    main_tabs = page.locator(".kk-page > .widget-tab > .lm-TabBar .lm-TabBar-tab")
    names = main_tabs.all_inner_texts()
    assert len(names) >= 7, names  # Home, the steps, Competencies
    for name in names[1:]:
        page.get_by_role("tab", name=name, exact=True).first.click()
        page.locator(".widget-tab .lm-TabBar-tab.lm-mod-current", has_text=name).first.wait_for()
        page.locator(READY).locator("visible=true").first.wait_for()
        # a step's own parts (Coverage, Forecast, KPIs ...) are pages of their own to a person
        inner = page.locator(".widget-tab .widget-tab .lm-TabBar-tab:visible")
        parts = inner.all_inner_texts() or [""]
        for part in parts:
            if part:
                exactly = re.compile(f"^{re.escape(part)}$")
                inner.filter(has_text=exactly).first.click()
                page.locator(".lm-TabBar-tab.lm-mod-current:visible",
                             has_text=exactly).first.wait_for()
            page.locator(READY).locator("visible=true").first.wait_for()
            assert_accessible(page, f"workbook: {name} {part}".strip())


#: each step's own link, and the workbook tab it opens on
STEP_PAGES = {"01_account_profile": "1. Account profile",
              "02_stakeholder_map": "2. Stakeholder map",
              "03_relationship": "3. Relationship score", "04_opportunities": "4. Opportunities",
              "05_account_plan": "5. Account plan", "06_competencies": "Competencies"}
CASE = re.compile("Practise this case")
EXERCISES = {"01_halden": ("link", CASE), "02_corvel": ("link", CASE),
             "03_brightwater": ("link", CASE), "10_quiz": ("button", "Check")}


def test_each_steps_own_link_and_the_exercises(server, page):
    """A step's own link opens the workbook on that step; an exercise's link its page, in the
    workbook's kernel - each checked as it opens."""
    for notebook, tab in STEP_PAGES.items():
        page.goto(f"{server.url}/voila/render/{notebook}.ipynb")
        page.locator(".lm-TabBar-tab.lm-mod-current", has_text=tab).first.wait_for()
        page.locator(READY).locator("visible=true").first.wait_for()
        assert "/00_workbook.ipynb?" in page.url, page.url
        assert_accessible(page, notebook)
    for notebook, (role, name) in EXERCISES.items():
        page.goto(f"{server.url}/voila/render/exercises/{notebook}.ipynb")
        page.get_by_role(role, name=name).first.wait_for()
        assert_accessible(page, f"exercises/{notebook}")


def test_a_peers_rating_page(server, page):
    with Store(server.db) as store:
        trainee = store.add_trainee("Ada Access", cohort="Accessible cohort")
        _, token = store.add_rater_link(trainee.id, "before", "Rui Rater", days=14, most=3)
    page.goto(f"{server.url}/voila/render/rate_a_colleague.ipynb?r={token}")
    shown(page, "Ada Access")
    page.locator(".kk-field").locator("visible=true").first.wait_for()
    assert_accessible(page, "a peer's rating page")


def test_the_review_dashboard_drill_down_and_workshop(review_server, page):
    page.goto(f"{review_server.dashboard}?token={review_server.token}")
    shown(page, "Signed in as")
    dropdown(page, "Cohort").select_option(label="Demo workshop")
    shown(page, "Learning gain")
    assert_accessible(page, "review dashboard")
    row = page.locator(".widget-hbox", has=page.locator(".kk-row", has_text="Ana Costa"))
    row.get_by_role("button", name="Open").click()
    page.get_by_role("heading", name="Ana Costa").wait_for()
    names = page.locator(".lm-TabBar-tab:visible").all_inner_texts()
    steps = [n for n in names if n[:1].isdigit()]  # the workbook's steps, shown first
    assert len(steps) >= 5, names
    for name in steps + ["Competencies", "Record"]:
        page.get_by_role("tab", name=name, exact=True).locator("visible=true").first.click()
        page.locator(".lm-TabBar-tab.lm-mod-current", has_text=name).first.wait_for()
        assert_accessible(page, f"drill-down: {name}")
    page.goto(f"{review_server.url}/voila/render/01_workshop.ipynb?token={review_server.token}")
    shown(page, "Workshop case")
    page.get_by_role("combobox").first.wait_for()
    assert_accessible(page, "workshop page")


@pytest.fixture
def static_page(browser):
    """A page for a document kamkit writes (its CSP forbids scripts: axe is let in here only)."""
    context = browser.new_context(bypass_csp=True, java_script_enabled=True)
    yield context.new_page()
    context.close()


def test_the_room_full_page_and_the_documents_people_print(server, static_page, tmp_path):
    static_page.set_content(ROOM_FULL_PAGE.replace('http-equiv="refresh"', 'name="x"'))
    assert_accessible(static_page, "room full page")
    exports = {"html": [], "qbr": ["--account", "Helix Pharma"], "certificate": []}
    for fmt, extra in exports.items():
        out = tmp_path / f"ana-{fmt}.html"
        server.kamkit("--db", server.db, "export", "--trainee", "Ana Costa", "--format", fmt,
                      "--output", str(out), *extra)
        static_page.set_content(out.read_text(encoding="utf-8"))
        assert_accessible(static_page, f"export {fmt}")
