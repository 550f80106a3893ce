"""The hub layer's fixtures: a real JupyterHub (hubtools.Hub) on a store of its own, Debian's
Chromium, and a browser context per person."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from hubtools import ARGS, CHROMIUM, PASSWORD, Hub

import kamkit
from tests.servers import loopback


def _require_pg() -> str | None:
    url = os.environ.get("KAMKIT_TEST_PG_URL")
    if not url and os.environ.get("KAMKIT_REQUIRE_PG"):
        pytest.fail("KAMKIT_REQUIRE_PG is set but KAMKIT_TEST_PG_URL is not")
    return url


def _fresh_store(pg_url: str | None, work: Path):
    """A store URL nobody else uses, and how to drop it: a new schema on the CI PostgreSQL."""
    if not pg_url:
        return f"sqlite:///{work / 'kamkit.db'}", lambda: None
    from sqlalchemy import create_engine, text

    schema = f"kamkit_hub_{secrets.token_hex(4)}"
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in pg_url else "?"

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()

    return f"{pg_url}{sep}options=-csearch_path%3D{schema}", drop


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    pg_url = _require_pg()
    work = tmp_path_factory.mktemp("hub")
    db_url, drop = _fresh_store(pg_url, work)
    srv = Hub(work, db_url)
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()
        drop()
    # a traceback through kamkit's code in the log of any server (a widget callback's
    # exception among them) fails the layer; the hub's, Voila's and zmq's own races while
    # closing browsers and stopping servers are theirs, not ours
    package = str(Path(kamkit.__file__).parent) + "/"
    ours = [block for block in srv.served_log.split("Traceback (most recent call last)")[1:]
            if package in block.split("\n[")[0]]
    assert not ours, ours[0][:6000]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium "
                    "(the hub layer is never skipped)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class People:
    """A browser context per person (each with its own cookies: its own hub sign-in)."""

    def __init__(self, browser, hub: Hub) -> None:
        self.browser, self.hub = browser, hub
        self.contexts: list = []
        self.errors: list[str] = []
        self.remote: list[str] = []

    def page(self, headers: dict[str, str] | None = None):
        context = self.browser.new_context(viewport={"width": 1200, "height": 900},
                                           extra_http_headers=headers)
        context.on("request", lambda r: None if loopback(r.url) else self.remote.append(r.url))
        self.contexts.append(context)
        p = context.new_page()
        p.set_default_timeout(90_000)  # a server spawned on a busy 2-core machine
        p.on("pageerror", lambda exc: self.errors.append(str(exc)))
        return p

    def sign_in(self, user: str, next_url: str = "",
                headers: dict[str, str] | None = None) -> object:
        """A new browser (sending `headers` with every request) signing in to the hub as `user`,
        then opening `next_url` - else their own server: the hub starts it, the workbook opens."""
        p = self.page(headers)
        p.goto(f"{self.hub.url}/hub/login" + (f"?next={next_url}" if next_url else ""))
        p.locator("#username_input").fill(user)
        p.locator("#password_input").fill(PASSWORD)
        p.locator("#login_submit").click()
        return p

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture(scope="module")
def people(browser, hub):
    crowd = People(browser, hub)
    yield crowd
    crowd.close()
    assert crowd.remote == [], f"requests beyond this machine: {crowd.remote}"
