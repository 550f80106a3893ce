"""kamkit on a real JupyterHub, configured by `kamkit hub-config`: the hub signs people in and
starts their servers; each trainee sees and saves only their own workbook; a manager in the
managers' group opens the review service and sees them all, a trainee is refused there; a
trainee's server killed in the middle of a save loses nothing the page said was saved."""

from __future__ import annotations

import signal
import time

import pytest
from hubtools import MANAGER, get

from kamkit.store import Store

BANNER = "#kamkit-connection-lost"
REVIEW = "/services/kamkit-review/"


def _field(page, label: str):
    return page.locator(f'.kk-field:has(label:text-is("{label}")) input:visible').first


def _industry(hub, login: str) -> tuple[int, str | None]:
    """The trainee's latest saved profile in the store: (version, industry)."""
    with Store(hub.db_url) as store:
        trainee = store.get_trainee_by_login(login)
        account = store.list_accounts(trainee.id)[0]
        saved = store.list_steps_saved(account.id).get("profile", (0,))[0]
        doc = store.get_document(account.id, "profile") if saved else None
        return saved, getattr(doc, "industry", None)


def _workbook(page, login: str) -> None:
    """The page the hub opened after sign-in is the trainee's own workbook."""
    page.get_by_text(f"Hello, {login}").wait_for()
    assert "/user/" + login + "/voila/render/00_workbook.ipynb" in page.url


def _save_industry(page, text: str, version: int) -> None:
    box = _field(page, "Industry")
    box.fill(text)
    box.press("Tab")
    page.locator(f'.kk-ok:visible[data-version="{version}"]',
                 has_text="All changes saved").wait_for()


@pytest.fixture(scope="module")
def trainees(hub, people):
    """Ana and Ben signed in, each with an account they created on their own workbook."""
    accounts = {"ana": "Ana's Nordwind", "ben": "Ben's Quasar"}
    pages = {login: people.sign_in(login) for login in accounts}  # the hub starts both servers
    for login, account in accounts.items():
        page = pages[login]
        _workbook(page, login)
        page.get_by_placeholder("Customer name").fill(account)
        page.get_by_role("button", name="Create").click()
        page.get_by_text(f"Created “{account}”").wait_for()
    return pages


def test_each_trainee_sees_and_saves_only_their_own_workbook(hub, people, trainees):
    ana, ben = trainees["ana"], trainees["ben"]
    for page, text in ((ana, "Logistics (Ana)"), (ben, "Chemicals (Ben)")):
        page.get_by_role("tab", name="1. Account profile").click()
        _save_industry(page, text, 1)
    assert _industry(hub, "ana") == (1, "Logistics (Ana)")
    assert _industry(hub, "ben") == (1, "Chemicals (Ben)")
    with Store(hub.db_url) as store:
        for login, account in (("ana", "Ana's Nordwind"), ("ben", "Ben's Quasar")):
            trainee = store.get_trainee_by_login(login)
            assert [a.name for a in store.list_accounts(trainee.id)] == [account]

    ana.reload()
    _workbook(ana, "ana")
    ana.locator("option", has_text="Ana's Nordwind").wait_for(state="attached")  # her account
    assert "Quasar" not in ana.content() and ana.get_by_text("Hello, ben").count() == 0

    # Ana, signed in, cannot open Ben's server: the hub refuses her before it is reached.
    response = ana.goto(f"{hub.url}/user/ben/voila/render/00_workbook.ipynb")
    assert response.status == 403
    assert ana.get_by_text("Hello, ben").count() == 0 and "Quasar" not in ana.content()
    # ... nor does anyone reach it around the hub's proxy without signing in
    assert people.errors == []


def test_a_manager_in_the_group_opens_the_review_service_and_sees_every_trainee(
        hub, people, trainees):
    # (a browser that claims to be someone else signs nothing in their name)
    page = people.sign_in(MANAGER, next_url=REVIEW, headers={"X-Kamkit-Reviewer": "Mallory"})
    page.get_by_text("Signed in as").wait_for()
    assert "/services/kamkit-review/voila/render/00_dashboard.ipynb" in page.url
    signed = page.locator(".kk-header .kk-sub b").first.inner_text()
    assert signed == MANAGER  # reviews are signed with the hub user's name
    for login in ("ana", "ben"):
        page.locator(".kk-row", has_text=login).first.wait_for()
    assert people.errors == []


def test_a_trainee_is_refused_by_the_review_service(hub, people, trainees):
    ana = trainees["ana"]
    response = ana.goto(f"{hub.url}{REVIEW}voila/render/00_dashboard.ipynb")
    assert response.status == 403
    assert "Cohort review" not in ana.content() and "Signed in as" not in ana.content()
    # Straight to the service's port, around the hub's proxy, without a sign-in: sent to the
    # hub to sign in, never served a page
    for path in ("voila/render/00_dashboard.ipynb", "voila/tree", "api/kernels"):
        status, location, body = get(f"http://127.0.0.1:{hub.review_port}{REVIEW}{path}")
        assert status in (302, 403, 404), (path, status)
        assert status != 302 or "/hub/api/oauth2/authorize" in location, location
        assert "ana" not in body and "Signed in as" not in body


def test_a_server_killed_mid_save_loses_nothing_acknowledged(hub, people, trainees):
    ben = trainees["ben"]  # still on his profile, where he saved before
    version, _ = _industry(hub, "ben")
    _save_industry(ben, "Acknowledged before the kill", version + 1)  # the page said so

    box = _field(ben, "Industry")
    box.fill("Typed as the server died")
    box.press("Tab")
    for proc in hub.servers_of("ben"):  # the server and its kernels, mid-save
        proc.send_signal(signal.SIGKILL)
    ben.locator(BANNER).wait_for(state="visible")  # the page says its server is gone
    saved, industry = _industry(hub, "ben")
    assert (saved, industry) in {(version + 1, "Acknowledged before the kill"),
                                 (version + 2, "Typed as the server died")}

    # Ben goes to the hub's home page, which says - once the hub has noticed the server is
    # gone - that his server is not running; he starts it again
    ben.goto(f"{hub.url}/hub/home")
    deadline = time.monotonic() + 60
    while ben.locator("#stop").count() and time.monotonic() < deadline:
        ben.reload()
    ben.get_by_role("button", name="Start My Server").click()
    _workbook(ben, "ben")
    ben.get_by_role("tab", name="1. Account profile").click()
    ben.get_by_text("Profile complete").wait_for()
    assert _field(ben, "Industry").input_value() == industry
    assert people.errors == []


def test_the_idle_culler_runs_with_the_role_the_config_gives_it(hub):
    """The culler asked the hub for the users and their servers' activity, and was allowed."""
    asked = [line for line in hub.log_path.read_text(errors="replace").splitlines()
             if "(kamkit-idle-culler@" in line]
    assert any("GET /hub/api/users" in line for line in asked), hub.logs()
    assert all(" 200 " in line for line in asked), asked
