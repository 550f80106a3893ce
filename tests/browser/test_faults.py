"""A workshop's bad moments, in a real browser: a trainee's kernel killed while they type (again
and again), the server restarted mid-workshop, and a room that is full. Nothing acknowledged as
saved is ever lost, the page says when a save cannot have happened, and a full room retries by
itself until a seat is free."""

from __future__ import annotations

import os
import random
import re

import psutil
import pytest
from helpers import field, open_step, personal_links, trainee_with_account

from kamkit.store import Store
from tests.servers import Server, check_logs, on_demo_store, serving

KILLS = int(os.environ.get("KAMKIT_KILLS", "20"))
BANNER = "#kamkit-connection-lost"


class RoomServer(Server):
    """`kamkit serve --room 1 --max-kernels 1`: one seat, given back 2 s after its tab closes."""

    def command(self) -> list[str]:
        return ["serve", "--port", str(self.port), "--room", "1", "--max-kernels", "1",
                "--reclaim-after", "2", "--notebooks", str(self.notebooks)]


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    with serving(on_demo_store(tmp_path_factory, Server, "faults-home")) as srv:
        yield srv


def _kernel(page) -> psutil.Process:
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]+)"', page.content()).group(1)
    for proc in psutil.process_iter(["cmdline"]):
        if any(kernel_id in part for part in proc.info["cmdline"] or []):
            return proc
    raise AssertionError(f"no process for kernel {kernel_id}")


def _latest(srv: Server, name: str) -> int:
    with Store(srv.db) as store:
        trainee = next(t for t in store.list_trainees() if t.name == name)
        account = store.list_accounts(trainee.id)[0]
        return store.list_steps_saved(account.id).get("profile", (0,))[0]


def _open_profile(page, link: str, name: str) -> None:
    open_step(page, link, name, "1. Account profile", ready_text="Profile complete")


def test_killing_the_kernel_while_typing_never_loses_an_acknowledged_answer(faulty, page):
    name = "Kim Kill"
    link = trainee_with_account(faulty, page, name, "Killjoy Ltd")

    rng = random.Random(20)
    possible = {""}  # what the field may show after a reload: the acknowledged value, or a
    #                  later one whose save happened just before the kill
    for round_ in range(KILLS):
        _open_profile(page, link, name)
        shown = field(page, "Industry").input_value()
        assert shown in possible, (round_, shown, possible)
        acknowledged = shown
        version = _latest(faulty, name)

        typed = f"Industry {round_} <i>x</i>"
        box = field(page, "Industry")
        box.fill(typed)
        box.press("Tab")
        if round_ % 2 == 0:  # wait for the acknowledgement, then kill
            page.locator(f'.kk-ok[data-version="{version + 1}"]').wait_for()  # acknowledged
            acknowledged = typed
            possible = {typed}
        else:  # kill at a random moment while the save may be under way
            page.wait_for_timeout(rng.randint(0, 250))
            possible = {acknowledged, typed}
        _kernel(page).kill()
        page.locator(BANNER).wait_for(state="visible")  # the page says so
        assert "was not saved" in page.locator(BANNER).inner_text()
        if round_ % 2 == 0:  # the acknowledged answer is in the store
            assert _latest(faulty, name) == version + 1
    _open_profile(page, link, name)
    assert field(page, "Industry").input_value() in possible

    # Voila's kernel connection, given up (reconnection attempts spent, or disposed while a
    # reconnection after a restart still waited), rejects a promise nobody awaits: the watchdog
    # turns that into the banner, never an uncaught page error (the page fixture fails on those)
    page.evaluate("setTimeout(() => Promise.reject(new Error('Kernel connection disconnected')))")
    page.locator(BANNER).wait_for(state="visible")
    assert "could not reconnect" in page.locator(BANNER).inner_text()


def test_a_restarted_server_lets_trainees_reload_and_carry_on(faulty, page):
    name = "Rory Restart"
    link = trainee_with_account(faulty, page, name, "Phoenix plc")
    page.get_by_role("tab", name="1. Account profile").click()
    field(page, "Industry").fill("Before the restart")
    field(page, "Industry").press("Tab")
    page.locator('.kk-ok[data-version="1"]', has_text="All changes saved").wait_for()

    faulty.stop()
    page.locator(BANNER).wait_for(state="visible")
    faulty.start()  # same port, same store: the facilitator runs `kamkit serve` again

    page.reload()
    _open_profile(page, link, name)
    assert field(page, "Industry").input_value() == "Before the restart"
    field(page, "Industry").fill("After the restart")
    field(page, "Industry").press("Tab")
    page.locator('.kk-ok[data-version="2"]', has_text="All changes saved").wait_for()
    assert page.locator(BANNER).count() == 0


def test_a_full_room_says_so_and_opens_the_workbook_once_a_seat_is_free(
        tmp_path_factory, browser, page):
    srv = on_demo_store(tmp_path_factory, RoomServer, "room-home")
    srv.start()
    try:
        links = personal_links(srv, "Sam First", "Noor Second")
        first = browser.new_context()
        first_page = first.new_page()
        first_page.set_default_timeout(90_000)
        first_page.goto(links["Sam First"])
        first_page.get_by_text("Hello, Sam First").wait_for()  # the room's one seat

        page.goto(links["Noor Second"])
        page.get_by_text("The room is full").wait_for()
        assert "saved" in page.locator("#kamkit-room-full").inner_text()

        first.close()  # Sam closes the tab: the seat is given back, Noor's page retries
        page.get_by_text("Hello, Noor Second").wait_for(timeout=120_000)
    finally:
        srv.stop()
    check_logs(srv)
    assert "a page was asked to retry" in srv.served_log
