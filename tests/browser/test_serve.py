"""The workbook served for real: personal links, work kept across reloads, nobody else's work
visible, and no data or source file handed out by the server."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from helpers import personal_links, trainee_with_account


def _open(page, link: str, name: str) -> None:
    page.goto(link)
    page.get_by_text(f"Hello, {name}").wait_for()


def test_a_trainee_creates_an_account_and_finds_it_after_reload(server, page):
    links = personal_links(server, "Ines Alvarez", "Jonas Berg")
    _open(page, links["Ines Alvarez"], "Ines Alvarez")
    page.get_by_placeholder("Customer name").fill("Acme Robotics")
    page.get_by_role("button", name="Create").click()
    page.get_by_text("Created “Acme Robotics”").wait_for()

    page.reload()
    page.get_by_text("Hello, Ines Alvarez").wait_for()
    working_on = page.locator("select").first
    working_on.locator("option", has_text="Acme Robotics").wait_for(state="attached")
    assert working_on.input_value() != ""

    _open(page, links["Jonas Berg"], "Jonas Berg")
    page.get_by_text("Create your first account").wait_for()
    assert page.get_by_text("Acme Robotics").count() == 0
    accounts = page.locator(".widget-dropdown:has(label:text-is('Working on')) select")
    assert accounts.count() == 1 and accounts.locator("option").count() == 0


def test_the_steps_are_built_while_the_trainee_reads_the_home_tab(server, page):
    """Once the page is on screen and connected, every step's view is built in the background
    (hidden tabs), so the first click on a step shows it at once - and nothing the kernel
    builds is lost on the way (the page fixture fails on a broken widget view)."""
    trainee_with_account(server, page, "Pia Vogel", "Acme Robotics")
    page.reload()
    page.get_by_text("Hello, Pia Vogel").wait_for()
    page.locator("svg.kk-grid").wait_for(state="attached")  # step 2, never opened
    page.get_by_text("Gut feeling").first.wait_for(state="attached")  # step 3, never opened
    assert page.get_by_text("Gut feeling").first.is_hidden()
    page.get_by_role("tab", name="3. Relationship score").click()
    page.get_by_text("Gut feeling").first.wait_for()
    # were a view ever not drawn (seen once, never reproduced: the fixture fails on it), the
    # page says so and offers the reload - here the widget library's report is played back
    assert page.locator("#kamkit-part-missing").count() == 0
    page.evaluate("console.error('Could not create a view for model id abc')")
    page.get_by_role("button", name="Reload the page").wait_for()
    assert "could not be drawn" in page.locator("#kamkit-part-missing").inner_text()
    page.kamkit_errors.remove("Could not create a view for model id abc")


def test_this_machines_user_sees_the_sample_account_built_whole(server, page):
    """`make serve` on one's own machine: the machine's user opens the workbook without a link
    and gets the demo's sample account - every step filled in, so the background build sends
    the page thousands of widgets within seconds. Every one of them arrives: no view is left
    undrawn (the page fixture fails on "widget model not found", lost on the way before the
    kernel kept what the server could not take at once)."""
    page.goto(server.url + "/voila/render/00_workbook.ipynb")
    page.get_by_text("Hello,").first.wait_for()
    working_on = page.locator(".widget-dropdown:has(label:text-is('Working on')) select")
    picked = working_on.locator("option:checked").inner_text().replace("\xa0", " ")
    assert picked == "Nordwind Logistics (sample)"  # ipywidgets draws spaces unbreakable
    # the competency tab is built last, after every step: the background build is over
    page.locator("h2", has_text="Your competencies").wait_for(state="attached")
    page.locator("svg.kk-grid").first.wait_for(state="attached")  # step 2, never opened
    # the views whose children went missing before, drawn whole when opened
    page.get_by_role("tab", name="5. Account plan").click()
    page.locator("h2:visible", has_text="What the plan should look at").wait_for()
    page.get_by_role("tab", name="Competencies").click()
    page.locator("h2:visible", has_text="Your competencies").wait_for()
    assert page.locator("#kamkit-part-missing").count() == 0


def test_an_edited_link_opens_nobody(server, page):
    links = personal_links(server, "Kai Chen")
    _open(page, links["Kai Chen"], "Kai Chen")
    page.goto(links["Kai Chen"][:-3] + "abc")
    page.get_by_text("This personal link is not valid").wait_for()
    assert page.get_by_text("Hello,").count() == 0


@pytest.mark.parametrize("path", [
    "/voila/files/kamkit.db",
    "/voila/files/00_workbook.ipynb",
    "/voila/files/workbook.json",
    "/voila/files/grid.yaml",
    "/voila/files/helper.py",
    "/voila/files/../served-home0/kamkit.db",
    "/voila/files/%2e%2e/kamkit.db",
    "/api/contents/00_workbook.ipynb",
])
def test_data_and_source_files_are_refused(server, path):
    # decoys inside the served folder: even there, the server must not hand them out
    for name, text in [("kamkit.db", "SECRET-DB"), ("workbook.json", "SECRET-JSON"),
                       ("grid.yaml", "SECRET-YAML"), ("helper.py", "SECRET-PY")]:
        (server.served_root / name).write_text(text)
    try:
        with urllib.request.urlopen(server.url + path, timeout=30) as resp:
            body = resp.read().decode("utf-8", "replace")
            status = resp.status
    except urllib.error.HTTPError as exc:
        status, body = exc.code, ""
    assert status in (403, 404), (status, body[:200])
    assert "SECRET" not in body and "nbformat" not in body
