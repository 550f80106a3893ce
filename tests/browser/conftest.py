"""A real `kamkit serve` on a free loopback port, and Debian's Chromium driven by Playwright.
Missing Chromium fails the layer - it is never skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.servers import ReviewServer, Server, loopback, on_demo_store, serving

CHROMIUM = os.environ.get("KAMKIT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def review_server(server):
    with serving(ReviewServer(server)) as srv:
        yield srv


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(on_demo_store(tmp_path_factory, Server, "served-home")) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium "
                    "(the browser layer is never skipped)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


BROKEN_VIEW = ("widget model not found", "Could not create a view")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    p = context.new_page()
    p.set_default_timeout(90_000)  # kernel start-up on a busy 2-core machine
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    # a widget view that could not be built (a model the page never received) is only logged
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" and any(
        sign in m.text for sign in BROKEN_VIEW) else None)
    # Offline rooms: nothing a page loads may leave the machine (fonts, scripts, anything).
    remote: list[str] = []
    context.on("request", lambda r: None if loopback(r.url) else remote.append(r.url))
    p.kamkit_errors = errors  # a test that provokes an error on purpose takes it off this list
    yield p
    context.close()
    assert errors == [], errors
    assert remote == [], f"requests beyond this machine: {remote}"
