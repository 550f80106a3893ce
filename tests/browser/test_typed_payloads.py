"""The usual injection payloads typed, as a trainee would type them, into every free-text field of
every step - then read back in the trainee's pages after a reload, in the manager's review pages,
and in the exports (report, QBR pack, spreadsheet, table). Nothing runs (no dialog, no
`window.__pwned`), nothing renders as markup (no `#injected`, no image, frame or script from
trainee text), no spreadsheet cell is a formula; the text is shown as text."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import openpyxl
from helpers import dropdown, field, open_step, personal_links

from tests.payloads import PAYLOADS, live_markup, text_of

NAME = "Tess Typed"
STEPS = ("1. Account profile", "2. Stakeholder map", "3. Relationship score", "4. Opportunities",
         "5. Account plan")
READY = dict(zip(STEPS, ("Profile complete", "Add person", "Gut feeling", "Add opportunity",
                         "What the plan should look at"), strict=True))
LITMUS = "If they cast their votes today, would we win?"
FIELDS = ".kk-field input[type=text]:visible, .kk-field textarea:visible"


def _safe(page, dialogs: list[str]) -> None:
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#injected").count() == 0
    assert page.locator("img, iframe, svg[onload]").count() == 0


def _fill(page, payloads, dialogs: list[str], fields: str = FIELDS) -> int:
    """Type a payload into each visible field of the part shown. Free text is kept as typed;
    a number or date field refuses it next to itself, echoing the text (as text), and is
    cleared again so the part can save."""
    filled = 0
    for box in page.locator(fields).all():
        if not box.is_editable():
            continue
        box.fill(next(payloads))
        box.press("Tab")
        own = box.locator("xpath=ancestor::*[contains(@class,'kk-field')][1]")
        if {"kk-number", "kk-date"} & set((own.get_attribute("class") or "").split()):
            own.locator(".kk-error").wait_for()  # refused, the payload quoted back
            _safe(page, dialogs)
            box.fill("")
            box.press("Tab")
            own.locator(".kk-error").wait_for(state="detached")
        else:
            filled += 1
    return filled


def _each_part(page, tab: str):
    """Show each part of a step in turn (a profile section, the person form, the evidence),
    yielding the fields to type into."""
    page.get_by_text(READY[tab]).first.wait_for()  # the step's view is built and shown
    if tab == STEPS[1] and page.locator(FIELDS).count() == 0:
        page.get_by_role("button", name="Add person").click()
        page.locator(FIELDS).first.wait_for()
    if tab == STEPS[2]:
        lock = page.get_by_role("button", name="Record my feeling and open the evidence")
        if lock.is_visible():
            reason = field(page, "In one sentence: why?")
            reason.fill("A first impression")  # a feeling is recorded with its reason
            reason.press("Tab")
            lock.click()
            page.get_by_text("You felt").wait_for()
    if tab == STEPS[3]:
        yield from _opportunity_parts(page)
        return
    if tab == STEPS[4]:
        yield from _plan_parts(page)
        return
    if tab == STEPS[1]:
        yield FIELDS
        yield from _team_part(page)
        return
    if tab != STEPS[0]:
        yield FIELDS
        return
    headers = page.locator(".jupyter-widget-Collapse-header:visible")
    for n in range(headers.count()):
        title = headers.nth(n).inner_text()
        shown = page.locator(".jupyter-widget-Collapse-open > .jupyter-widget-Collapse-header",
                             has_text=title)
        if not shown.count():
            headers.nth(n).click()
            shown.wait_for()
        yield FIELDS


def _opportunity_parts(page):
    """Step 4: an opportunity's details and litmus reason, before the litmus is kept as said;
    then the questions (each "How do you know?") and the decision's reason; then an outcome of
    the activity plan - its own fields (a contact row reads no number until a kind is chosen,
    and choosing one on every row offers another)."""
    if page.get_by_text("No opportunities yet").is_visible():
        page.get_by_role("button", name="Add opportunity").click()
        page.get_by_text("First: the litmus test").wait_for()
    lock = page.get_by_role("button", name="Record my answer and open the questions")
    if lock.is_visible():
        yield FIELDS
        field(page, LITMUS, "select:visible").select_option(label="Partly")
        lock.click()
        page.get_by_text("Litmus test, first:").wait_for()
    yield FIELDS
    page.get_by_role("tab", name="Activity plan").click()
    page.locator("button:text-is('Add an outcome'):enabled").wait_for()
    if page.get_by_text("No outcomes planned yet").is_visible():
        page.get_by_role("button", name="Add an outcome").click()
        page.get_by_role("button", name="Remove outcome").wait_for()
    yield ", ".join(f'.kk-field:has(label:text-is("{label}")) input:visible'
                    for label in ("Outcome wanted", "By", "Value"))
    page.get_by_role("tab", name="Qualify", exact=True).click()


def _labelled(*labels: str) -> str:
    """The visible text boxes of the fields labelled so."""
    return ", ".join(f'.kk-field:has(label:text-is("{label}")) :is(input, textarea):visible'
                     for label in labels)


def _team_part(page):
    """Step 2's "Our team": one of ours, named with a payload - who the account plan's team
    commitments (step 5) are for."""
    page.get_by_role("tab", name="Our team").click()
    if page.get_by_text("No one on our team yet.").is_visible():
        yield _labelled("Name")
        page.get_by_role("button", name="Add to our team").click()
        page.get_by_text("No one on our team yet.").wait_for(state="hidden")
    page.get_by_role("tab", name="Map", exact=True).click()


#: step 5's lists: tab, the button adding an entry, the entry's own remove button, its fields
_PLAN_LISTS = (
    ("Objectives", "Add an objective", "Remove this objective", FIELDS),
    ("Actions", "Add an action", "Remove this action", FIELDS),
    # a KPI's new actual is read only when added (a button): its own fields are the KPI's
    ("KPIs", "Add a KPI", "Remove this KPI", _labelled("KPI", "Unit", "Target")),
    ("Value case", "Add a value", "Remove this value", FIELDS),
)


def _plan_parts(page):
    """Step 5: an entry of each list - an objective (of a kind the customer's QBR pack shows),
    an action, a KPI, a value - with its own fields; the white space's units and offerings,
    then its grid's cell; each of ours' commitment; the next review and a QBR (its date,
    required, stays as recorded)."""
    for tab, add, remove, fields in _PLAN_LISTS:
        page.get_by_role("tab", name=tab, exact=True).click()
        # the tab's rows are on the page once its add button is enabled (built when first shown)
        page.locator(f"button:text-is('{add}'):enabled").wait_for()
        if not page.get_by_role("button", name=remove).count():
            page.get_by_role("button", name=add).click()
            page.get_by_role("button", name=remove).wait_for()
        if tab == "Objectives":
            field(page, "Kind", "select:visible").select_option(
                label="Value delivered to the customer")
        yield fields
    page.get_by_role("tab", name="White space", exact=True).click()
    yield _labelled("Their business units", "Our offerings")
    cell = _labelled("Value")
    page.locator(cell).first.wait_for()  # the grid, drawn from the lists
    yield cell
    page.get_by_role("tab", name="Team", exact=True).click()
    page.get_by_text("Their commitment to the account").first.wait_for()
    yield FIELDS
    page.get_by_role("tab", name="Rhythm", exact=True).click()
    page.locator("button:text-is('Record a QBR'):enabled").wait_for()
    if not page.get_by_role("button", name="Remove this QBR").count():
        page.get_by_role("button", name="Record a QBR").click()
        page.get_by_role("button", name="Remove this QBR").wait_for()
    yield _labelled("Next review of this plan", "Who of ours attended",
                    "Value shown against the plan", "Next steps agreed")
    page.get_by_role("tab", name="Objectives", exact=True).click()


def test_payloads_typed_into_every_field_never_run_anywhere(server, review_server, page,
                                                            tmp_path):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    link = personal_links(server, NAME, cohort="Typed payloads")[NAME]
    page.goto(link)
    page.get_by_text(f"Hello, {NAME}").wait_for()
    page.get_by_placeholder("Customer name").fill(PAYLOADS[2][:100])
    page.get_by_placeholder("Customer name").press("Enter")  # Enter creates, as a click does
    page.get_by_text("Created").wait_for()

    payloads = itertools.cycle(PAYLOADS)
    filled = {}
    for tab in STEPS:
        page.get_by_role("tab", name=tab).click()
        filled[tab] = sum(_fill(page, payloads, dialogs, fields)
                          for fields in _each_part(page, tab))
        page.locator(".kk-ok:visible", has_text="All changes saved").wait_for()
        _safe(page, dialogs)
    assert all(n >= 2 for n in filled.values()), filled

    # back from the store: the trainee's own pages after a reload
    shown = []
    for tab in STEPS:
        open_step(page, link, NAME, tab)
        for fields in _each_part(page, tab):
            shown += [box.input_value() for box in page.locator(fields).all()]
            _safe(page, dialogs)
    assert sum("__pwned" in value for value in shown) >= 3, shown  # kept, as text

    # the manager's review pages
    page.goto(f"{review_server.dashboard}?token={review_server.token}")
    page.get_by_text("Signed in as").wait_for()
    dropdown(page, "Cohort").select_option(label="Typed payloads")
    page.get_by_text("1 trainee").wait_for()
    row = page.locator(".widget-hbox", has=page.locator(".kk-row", has_text=NAME))
    row.get_by_role("button", name="Open").click()
    page.get_by_role("button", name="◀ Back to the cohort").wait_for()
    for tab in STEPS:
        page.get_by_role("tab", name=tab).click()
        page.locator(".kk-history:visible").first.wait_for()
        _safe(page, dialogs)
    assert page.get_by_text("__pwned", exact=False).count() > 0  # the payloads shown, as text

    # the exports: the trainee's report and the cohort's spreadsheet and table
    def export(*args: str) -> Path:
        out = tmp_path / f"export.{args[-1]}"
        server.kamkit("--db", server.db, "export", *args, "--output", str(out), "--yes")
        return out

    html = export("--trainee", NAME, "--format", "html").read_text()
    assert "__pwned" in html and live_markup(html) == []
    pack = export("--trainee", NAME, "--account", PAYLOADS[2][:100], "--format", "qbr")
    html = pack.read_text()
    assert live_markup(html) == []
    shown = [p for p in PAYLOADS if p in text_of(html)]
    assert len(shown) >= 3, shown  # kept whole, as text the customer reads
    book = openpyxl.load_workbook(export("--cohort", "Typed payloads", "--format", "xlsx"))
    cells = [c for sheet in book for line in sheet.iter_rows() for c in line if c.value]
    assert sum("HYPERLINK" in str(c.value) for c in cells) >= 2
    assert [c.coordinate for c in cells if c.data_type == "f"] == []  # no formula, only text
    table = list(csv.reader(export("--cohort", "Typed payloads", "--format", "csv")
                            .read_text().splitlines()))
    assert NAME in [line[0] for line in table]
    assert not any(v.startswith(("=", "+", "@", "-")) for line in table for v in line)
