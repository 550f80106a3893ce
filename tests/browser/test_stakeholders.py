"""Step 2 in a real browser: map four people, drag one on the grid, reload and find the same
grid; bring contacts in from a CRM file through the page."""

from __future__ import annotations

from helpers import field as _field
from helpers import open_step, trainee_with_account
from playwright.sync_api import expect


def _open_map(page, link: str, name: str) -> None:
    open_step(page, link, name, "2. Stakeholder map", ready_button="Add person")


def _points(page) -> dict[str, tuple[str, str]]:
    out = {}
    for g in page.locator("svg.kk-grid g.kk-person").all():
        c = g.locator("circle")
        out[g.locator("text").text_content()] = (c.get_attribute("cx"), c.get_attribute("cy"))
    return out


def test_map_four_people_drag_one_and_find_the_same_grid_after_reload(server, page, tmp_path):
    link = trainee_with_account(server, page, "Mia Stone", "Helix Pharma")
    page.get_by_role("tab", name="2. Stakeholder map").click()

    people = [("Greta Lind", "5 · decisive", "0 · neutral", "Greta Lind · Swing vote"),
              ("Tomasz Nowak", "4 · major", "+2 · strong supporter", "Tomasz Nowak · Driver"),
              ("Lena Brandt", "4 · major", "-1 · opposed", "Lena Brandt · Threat"),
              ("Jan de Vries", "2 · minor", "+1 · supportive", "Jan de Vries · Advocate")]
    for n, (name, influence, support, listed) in enumerate(people, start=1):
        page.get_by_role("button", name="Add person").click()
        box = _field(page, "Name")
        expect(box).to_have_value(f"New person {n}")  # the new person is the one on the form
        box.fill(name)
        box.press("Tab")
        page.locator("select option", has_text=f"{name} · Unmapped").wait_for(state="attached")
        _field(page, "Influence on the decision", "select").select_option(label=influence)
        _field(page, "Support for us", "select").select_option(label=support)
        page.locator("select option", has_text=listed).wait_for(state="attached")
    page.locator("svg.kk-grid g.kk-person").nth(3).wait_for()

    # drag Jan (an advocate) up into the driver's corner
    jan = page.locator("svg.kk-grid g.kk-person", has_text="Jan de Vries").locator("circle")
    box = jan.bounding_box()
    page.mouse.move(box["x"] + 8, box["y"] + 8)
    page.mouse.down()
    page.mouse.move(box["x"] + 8, box["y"] - 170, steps=8)
    page.mouse.up()
    page.locator("select option", has_text="Jan de Vries · Driver").wait_for(state="attached")
    before = _points(page)
    assert len(before) == 4

    page.reload()
    _open_map(page, link, "Mia Stone")
    page.locator("svg.kk-grid g.kk-person").nth(3).wait_for()
    assert _points(page) == before
    page.locator("select option", has_text="Lena Brandt · Threat").wait_for(state="attached")

    # someone not rated yet waits under the grid; dropped onto it, they are rated there
    page.get_by_role("button", name="Add person").click()
    box = _field(page, "Name")
    expect(box).to_have_value("New person 5")
    box.fill("Paula Weber")
    box.press("Tab")
    paula = page.locator("svg.kk-grid g.kk-person", has_text="Paula Weber").locator("circle")
    start, grid = paula.bounding_box(), page.locator("svg.kk-grid").bounding_box()
    page.mouse.move(start["x"] + 8, start["y"] + 8)
    page.mouse.down()
    page.mouse.move(grid["x"] + grid["width"] * 0.85, grid["y"] + 40, steps=8)  # top right
    page.mouse.up()
    page.locator("select option", has_text="Paula Weber · Driver").wait_for(state="attached")
    # and a click on a dot selects that person
    page.locator("svg.kk-grid g.kk-person", has_text="Greta Lind").locator("circle").click()
    expect(_field(page, "Name")).to_have_value("Greta Lind")

    export = tmp_path / "contacts.csv"
    export.write_text("First Name,Last Name,Title,Account Name,Role\n"
                      "Sofia,Rossi,Head of Strategy,Helix Pharma,Champion\n"
                      "Greta,Lind,CEO,Helix Pharma,Decision Maker\n")
    page.get_by_role("tab", name="Import from CRM").click()
    with page.expect_file_chooser() as chooser:
        # the visible one: step 4, built in the background, has its own "Choose export"
        page.locator("button:visible", has_text="Choose export").click()
    chooser.value.set_files(str(export))
    page.get_by_text("Salesforce report").wait_for()
    page.get_by_text("already on the map or earlier in the file (same name)").wait_for()
    page.get_by_role("button", name="Add 1 person").click()
    page.get_by_text("Added 1 people").wait_for()
    page.get_by_role("tab", name="Map", exact=True).click()
    page.locator("select option", has_text="Sofia Rossi · Unmapped").wait_for(state="attached")
