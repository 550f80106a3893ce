"""What browser tests do the way a trainee does: find a field by its label, open a link."""

from __future__ import annotations


def field(page, label: str, kind: str = "input"):
    """The input (or select) of the kamkit form field labelled `label`."""
    # visible only: steps built in the background may use the same label on another tab
    return page.locator(f'.kk-field:has(label:text-is("{label}")) {kind}:visible').first


def open_step(page, link: str, name: str, tab: str, ready_text: str | None = None,
              ready_button: str | None = None) -> None:
    """Open a trainee's link, wait for their greeting, and open a workbook step's tab."""
    page.goto(link)
    page.get_by_text(f"Hello, {name}").wait_for()
    page.get_by_role("tab", name=tab).click()
    if ready_text:
        page.get_by_text(ready_text).wait_for()
    if ready_button:
        page.get_by_role("button", name=ready_button).wait_for()


def dropdown(page, label: str):
    """The visible drop-down list labelled `label`."""
    return page.locator(f'.widget-dropdown:has(label:text-is("{label}")) select:visible').first


def personal_links(server, *names: str, cohort: str = "Browser test") -> dict[str, str]:
    """New workshop trainees, as a facilitator adds them: name -> personal link."""
    return server.personal_links(*names, cohort=cohort)


def trainee_with_account(server, page, name: str, account: str) -> str:
    """A new workshop trainee (their personal link is returned) who opens the workbook and
    creates `account`, as they would on their first visit."""
    link = personal_links(server, name)[name]
    page.goto(link)
    page.get_by_text(f"Hello, {name}").wait_for()
    page.get_by_placeholder("Customer name").fill(account)
    page.get_by_role("button", name="Create").click()
    page.get_by_text(f"Created “{account}”").wait_for()
    return link
