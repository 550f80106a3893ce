"""The manager's review server for real: nothing without the token; with it, filter the cohort,
open a trainee, rate and comment - and the trainee sees the feedback on their own workbook page.
Payloads a trainee typed never run in the review pages, and the trainee server has no review page.
"""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request

from helpers import dropdown

from kamkit.demo import sample_map, sample_profile
from kamkit.store import Store
from tests.payloads import seed_poisoned


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            return resp.status, resp.geturl(), resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, url, ""


def _trainee(server, name: str, cohort: str) -> str:
    """A trainee with a saved profile and map; returns their personal link."""
    with Store(server.db) as store:
        trainee = store.add_trainee(name, cohort=cohort)
        account = store.add_account(trainee.id, f"{name.split()[0]}'s Nordwind")
        store.save_document(account.id, "profile", sample_profile(dt.date.today()))
        store.save_document(account.id, "stakeholders", sample_map(dt.date.today()))
        token = store.issue_token(trainee.id)
    return f"{server.url}/voila/render/00_workbook.ipynb?t={token}"


def test_without_the_token_there_is_no_page_and_no_data(review_server):
    _trainee(review_server, "Secret Sam", "Locked")
    for path in ("/voila/render/00_dashboard.ipynb", "/api/kernels", "/voila/tree",
                 "/voila/render/00_dashboard.ipynb?token=wrong-token-0123456789"):
        status, final, body = _get(review_server.url + path)
        assert status in (401, 403, 404) or "/login" in final, (path, status, final)
        assert "Secret Sam" not in body and "Cohort review" not in body


def test_the_trainee_server_has_no_review_page(server):
    for path in ("/voila/render/review/00_dashboard.ipynb", "/voila/render/00_dashboard.ipynb"):
        status, _, body = _get(server.url + path)
        assert status == 404, (path, status)
        assert "Cohort review" not in body


def test_a_manager_reviews_and_the_trainee_sees_the_feedback(server, review_server, page):
    link = _trainee(server, "Rosa Quint", "Review cohort")
    _trainee(server, "Other Person", "Another cohort")

    page.goto(f"{review_server.dashboard}?token={review_server.token}")
    page.get_by_text("Signed in as").wait_for()
    dropdown(page, "Cohort").select_option(label="Review cohort")
    page.get_by_text("1 trainee").wait_for()
    assert page.get_by_text("Other Person").count() == 0
    row = page.locator(".widget-hbox", has=page.locator(".kk-row", has_text="Rosa Quint"))
    row.get_by_role("button", name="Open").click()
    page.get_by_role("heading", name="Rosa Quint").wait_for()
    page.get_by_role("tab", name="2. Stakeholder map").click()
    page.locator(".kk-grid-chart:visible").wait_for()
    dropdown(page, "Rating").select_option(label="2 · Developing")
    page.locator("textarea:visible").fill("Map the CFO, and give the threat an owner.")
    page.get_by_role("button", name="Needs rework").locator("visible=true").click()
    page.get_by_role("button", name="Save review").locator("visible=true").click()
    page.get_by_text("Saved. The trainee sees this").wait_for()

    trainee = page.context.new_page()
    trainee.goto(link)
    trainee.get_by_text("Hello, Rosa Quint").wait_for()
    trainee.get_by_text("Feedback from your manager").wait_for()
    trainee.get_by_text("Map the CFO, and give the threat an owner.").wait_for()
    assert trainee.get_by_text("Needs rework").count() >= 1
    assert trainee.get_by_text("Mia Berg").count() >= 1


def test_payloads_typed_by_a_trainee_do_not_run_in_the_review_pages(server, review_server,
                                                                   page):
    payloads = ["<img src=x onerror=\"window.__pwned=1;alert('img')\">",
                "\"><svg onload=\"window.__pwned=1\"><b id=injected>bold</b>",
                "<script>window.__pwned=1;alert('script')</script>"]
    with Store(server.db) as store:
        for payload in payloads:
            seed_poisoned(store, payload, cohort="Payload cohort")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{review_server.dashboard}?token={review_server.token}")
    page.get_by_text("Signed in as").wait_for()
    dropdown(page, "Cohort").select_option(label="Payload cohort")
    page.get_by_text("3 trainees").wait_for()
    for n in range(len(payloads)):
        page.get_by_role("tab", name="Cohort").click()
        rows = page.locator(".widget-hbox", has=page.locator(".kk-row", has_text="Pat "))
        rows.nth(n).get_by_role("button", name="Open").click()
        page.get_by_role("button", name="◀ Back to the cohort").wait_for()
        for tab in ("1. Account profile", "2. Stakeholder map", "3. Relationship score"):
            page.get_by_role("tab", name=tab).click()
            page.locator(".kk-history:visible").first.wait_for()
    assert page.get_by_text("window.__pwned=1", exact=False).count() > 0  # shown, as text
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#injected").count() == 0
    assert page.locator(".kk-page img, .kk-page iframe").count() == 0
