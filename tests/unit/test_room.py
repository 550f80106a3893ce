"""Room mode: the plan for N trainees, the config `kamkit serve --room` writes, and the cap and
seat-reclaiming rules of the kernel manager - run against a stand-in for Voila's pooling manager
that starts fake kernels (the browser layer runs the real one)."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from tornado.web import HTTPError
from traitlets import Dict, Float
from traitlets.config import LoggingConfigurable

from kamkit import server
from kamkit.room import (
    ROOM_FULL_PAGE,
    RoomPlan,
    cap_only,
    capped,
    default_max_kernels,
    machine_busy,
    room_plan,
)

NB = "00_workbook.ipynb"


# -- the plan -----------------------------------------------------------------------------------

def test_a_room_pre_heats_a_page_per_trainee_and_keeps_a_quarter_spare():
    assert room_plan(40) == RoomPlan(trainees=40, pool=40, max_kernels=50)
    assert room_plan(1).max_kernels == 3  # at least two spare
    assert room_plan(20, max_kernels=21).max_kernels == 21
    assert "40 workbook pages pre-heated, at most 50 kernels" in room_plan(40).summary


@pytest.mark.parametrize(("trainees", "cap", "says"), [
    (0, None, "1 or more"), (-3, None, "1 or more"), (10, 9, "fewer than the 10 trainees")])
def test_a_room_that_cannot_work_is_refused(trainees, cap, says):
    with pytest.raises(ValueError, match=says):
        room_plan(trainees, cap)


def test_the_room_config_sets_the_pool_the_cap_and_a_late_refill(tmp_path):
    config = json.loads(server.write_config(tmp_path, 2, room_plan(30)).read_text())
    assert config["VoilaKernelManager"]["kernel_pools_config"][NB] == {"pool_size": 30}
    assert config["VoilaKernelManager"]["fill_delay"] > 5
    assert config["RoomKernelManager"]["max_kernels"] == 38
    plain = json.loads(server.write_config(tmp_path, 2).read_text())
    assert plain["VoilaKernelManager"]["kernel_pools_config"][NB] == {"pool_size": 2}
    assert plain["RoomKernelManager"]["max_kernels"] >= 4  # capped by default, never 0
    assert plain["VoilaConfiguration"]["allow_template_override"] == "NO"
    assert "fill_delay" not in plain["VoilaKernelManager"]


def test_voila_runs_with_the_room_kernel_manager(tmp_path):
    cmd = server.voila_command(host="127.0.0.1", port=9, config_dir=tmp_path, pool=1,
                               cull_idle=60)
    assert cmd[1:3] == ["-m", "kamkit.voila_app"]


def test_without_a_room_the_cap_is_what_half_the_free_memory_holds():
    assert default_max_kernels(2, available_mb=24_000) == 96
    assert default_max_kernels(2, available_mb=500) == 4  # never below the pool plus two
    assert default_max_kernels(2, available_mb=0) == 4


def test_a_full_room_has_a_page_that_retries_by_itself(tmp_path):
    page = server.offline_templates(tmp_path) / "voila/templates/base/503.html"
    assert page.read_text() == ROOM_FULL_PAGE
    assert '<meta http-equiv="refresh" content="5">' in ROOM_FULL_PAGE
    assert "The room is full" in ROOM_FULL_PAGE and "saved" in ROOM_FULL_PAGE
    assert "http" not in ROOM_FULL_PAGE.replace('http-equiv', '')  # nothing fetched from afar


@pytest.mark.parametrize(("args", "says"), [
    (["--room", "10", "--max-kernels", "4"], "fewer than the 10 trainees"),
    (["--max-kernels", "0"], "leaves no seat"),
    (["--pool", "3", "--max-kernels", "2"], "leaves no seat"),
    (["--unconnected-after", "0"], "above 0"),
    (["--kernel-memory", "100"], "256 or more"),
])
def test_the_cli_refuses_an_impossible_room(capsys, args, says):
    from kamkit.cli import main

    assert main(["serve", *args]) == 2
    assert says in capsys.readouterr().err


def test_a_cap_without_a_room_keeps_the_usual_pool():
    assert cap_only(2, 6) == RoomPlan(trainees=0, pool=2, max_kernels=6)


# -- the kernel manager, around a stand-in for Voila's pooling manager -----------------------

class FakeVoila(LoggingConfigurable):
    """What the room's manager relies on from Voila's: kernels, connections, a pool per
    notebook filled by `fill_if_needed`, and pages taking pre-heated kernels."""

    kernel_pools_config = Dict(config=True)
    fill_delay = Float(0.0, config=True)

    def __init__(self, **kwargs):
        self._kernels: dict = {}
        self._kernel_connections: dict = {}
        self._pools: dict = {}
        self.fail_next_start = False
        self.refill_kwargs: list[dict] = []
        super().__init__(**kwargs)
        self.fill_if_needed(delay=0, notebook_name=NB)

    async def start_kernel(self, **kwargs):
        await asyncio.sleep(0)
        if self.fail_next_start:
            self.fail_next_start = False
            raise RuntimeError("kernel died while starting")
        kernel_id = uuid.uuid4().hex
        self._kernels[kernel_id] = SimpleNamespace(last_activity=datetime.now(timezone.utc))
        self._kernel_connections[kernel_id] = 0
        return kernel_id

    async def _initialize(self, delay):
        await asyncio.sleep(delay)
        return {"kernel_id": await FakeVoila.start_kernel(self)}

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
        self.refill_kwargs.append(kwargs)  # what a pool kernel would be started with
        size = self.kernel_pools_config.get(notebook_name, {}).get("pool_size", 0)
        pool = self._pools.setdefault(notebook_name, [])
        loop = asyncio.get_event_loop()
        for _ in range(size - len(pool)):
            pool.append(loop.create_task(self._initialize(delay or 0)))

    def get_pool_size(self, notebook_name):
        return len(self._pools.get(notebook_name, []))

    async def get_rendered_notebook(self, notebook_name, extra_kernel_env_variables=None):
        if not self._pools.get(notebook_name):
            raise Exception("Kernel pool is empty!")
        content = await self._pools[notebook_name].pop(0)
        # as Voila does: the refill is started with the request that took the seat
        self.fill_if_needed(delay=None, notebook_name=notebook_name,
                            extra_kernel_env_variables=extra_kernel_env_variables)
        return None, [], content["kernel_id"]

    def notify_connect(self, kernel_id):
        self._kernel_connections[kernel_id] += 1

    def notify_disconnect(self, kernel_id):
        self._kernel_connections[kernel_id] -= 1

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self._kernels.pop(kernel_id)
        self._kernel_connections.pop(kernel_id, None)

    async def shutdown_all(self, *args, **kwargs):
        for kernel_id in list(self._kernels):
            await self.shutdown_kernel(kernel_id)

    async def cull_kernels(self):
        return None


Room = capped(FakeVoila)


def manager(pool: int, cap: int, reclaim_after: float = 30.0):
    return Room(kernel_pools_config={NB: {"pool_size": pool}, "default": {"pool_size": 0}},
                max_kernels=cap, reclaim_after=reclaim_after, start_stagger=0.0)


async def settle(km, rounds: int = 20) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0.001)
    await asyncio.gather(*(t for p in km._pools.values() for t in p), return_exceptions=True)


def test_the_pool_fills_to_the_room_and_pages_take_pre_heated_kernels():
    async def scenario():
        km = manager(pool=3, cap=5)
        await settle(km)
        assert km.get_pool_size(NB) == 3 and len(km._kernels) == 3
        _, _, kernel_id = await km.get_rendered_notebook(NB)
        assert kernel_id in km._kernels and km.committed() == 3
        await settle(km)
        assert km.get_pool_size(NB) == 3  # refilled, within the cap
        await km.shutdown_all()
    asyncio.run(scenario())


def test_the_pool_never_takes_the_room_past_its_cap():
    async def scenario():
        km = manager(pool=3, cap=4)
        await settle(km)
        for _ in range(3):
            await km.get_rendered_notebook(NB)
            await settle(km)
            assert len(km._kernels) <= 4 and km.committed() <= 4
        assert km.get_pool_size(NB) == 1  # three pages, one spare seat pre-heated
        await km.shutdown_all()
    asyncio.run(scenario())


def test_a_page_beyond_the_cap_is_told_the_room_is_full():
    async def scenario():
        km, _, _ = await two_pages_in_a_room_of_two()
        assert km.get_pool_size(NB) == 0  # the spare seat taken too
        with pytest.raises(HTTPError) as refused:
            await km.start_kernel(kernel_name="python3")
        assert refused.value.status_code == 503
        assert len(km._kernels) == 2
        await km.shutdown_all()
    asyncio.run(scenario())


async def two_pages_in_a_room_of_two():
    """A room capped at two, both seats taken by pages: (manager, first, second kernel)."""
    km = manager(pool=1, cap=2, reclaim_after=30)
    await settle(km)
    _, _, first = await km.get_rendered_notebook(NB)
    await settle(km)
    _, _, second = await km.get_rendered_notebook(NB)
    await settle(km)
    return km, first, second


def _close_tab(km, kernel_id, quiet_for: float) -> None:
    km.notify_connect(kernel_id)
    km.notify_disconnect(kernel_id)
    km._kernels[kernel_id].last_activity -= timedelta(seconds=quiet_for)


def test_a_closed_tab_gives_its_seat_to_the_next_page():
    async def scenario():
        km, first, second = await two_pages_in_a_room_of_two()
        _close_tab(km, first, quiet_for=31)
        km.notify_connect(second)  # an open page keeps its seat
        km._kernels[second].last_activity -= timedelta(seconds=300)
        third = await km.start_kernel(kernel_name="python3")
        assert first not in km._kernels
        assert {second, third} <= set(km._kernels) and len(km._kernels) == 2
        await km.shutdown_all()
    asyncio.run(scenario())


@pytest.mark.parametrize("how", ["just closed", "never connected", "still open"])
def test_a_seat_is_not_taken_from_a_page_that_may_still_need_it(how):
    async def scenario():
        km = manager(pool=1, cap=1, reclaim_after=30)
        await settle(km)
        _, _, first = await km.get_rendered_notebook(NB)
        await settle(km)
        if how == "just closed":
            _close_tab(km, first, quiet_for=5)
        elif how == "still open":
            km.notify_connect(first)
            km._kernels[first].last_activity -= timedelta(seconds=300)
        else:
            km._kernels[first].last_activity -= timedelta(seconds=300)
        with pytest.raises(HTTPError):
            await km.start_kernel(kernel_name="python3")
        assert first in km._kernels
        await km.shutdown_all()
    asyncio.run(scenario())


def _never_connected_for(km, kernel_id, seconds: float) -> None:
    km._handed_at[kernel_id] -= seconds
    km._kernels[kernel_id].last_activity -= timedelta(seconds=seconds)


def test_a_page_that_never_connects_has_its_kernel_shut_down_cap_or_no_cap():
    async def scenario():
        km = manager(pool=1, cap=0)
        await settle(km)
        _, _, scripted = await km.get_rendered_notebook(NB)  # a GET that never opens a socket
        await settle(km)
        _, _, opened = await km.get_rendered_notebook(NB)
        km.notify_connect(opened)
        await settle(km)
        assert km._sweeper is not None  # sweeping started with the first page
        await km._sweep()
        assert scripted in km._kernels  # a page may take a while to connect
        km._handed_at[scripted] -= 121  # ... and a page being rendered keeps its kernel busy
        await km._sweep()
        assert scripted in km._kernels
        _never_connected_for(km, scripted, 121)
        for state in ("busy", "starting"):  # a long cell, silent for minutes; a slow start
            km._kernels[scripted].execution_state = state
            await km._sweep()
            assert scripted in km._kernels
        km._kernels[scripted].execution_state = "idle"
        _never_connected_for(km, scripted, 121)
        _never_connected_for(km, opened, 121)
        await km._sweep()
        assert scripted not in km._kernels and opened in km._kernels
        await km.shutdown_all()
    asyncio.run(scenario())


def test_a_refill_never_carries_the_personal_link_of_the_page_that_emptied_the_seat():
    async def scenario():
        km = manager(pool=1, cap=0)
        await settle(km)
        await km.get_rendered_notebook(NB, extra_kernel_env_variables={
            "VOILA_REQUEST_URL": "http://room/voila/render/00_workbook.ipynb?t=ANA-SECRET"})
        await settle(km)
        assert km.get_pool_size(NB) == 1  # refilled ...
        assert "ANA-SECRET" not in repr(km.refill_kwargs)  # ... without Ana's link
        await km.shutdown_all()
    asyncio.run(scenario())


def test_a_full_room_takes_the_seat_of_a_page_that_never_connected():
    async def scenario():
        km, first, second = await two_pages_in_a_room_of_two()
        km.notify_connect(second)
        _never_connected_for(km, first, 121)
        third = await km.start_kernel(kernel_name="python3")
        assert first not in km._kernels and {second, third} <= set(km._kernels)
        await km.shutdown_all()
    asyncio.run(scenario())


def test_a_pool_kernel_that_failed_to_start_is_never_handed_to_a_page():
    async def scenario():
        km = manager(pool=2, cap=0)
        await settle(km)
        bad = asyncio.get_event_loop().create_future()
        bad.set_exception(RuntimeError("kernel died while starting"))
        km._pools[NB].insert(0, bad)
        assert km.get_pool_size(NB) == 2
        _, _, kernel_id = await km.get_rendered_notebook(NB)
        assert kernel_id in km._kernels
        await km.shutdown_all()
    asyncio.run(scenario())


def test_a_reclaimed_seat_tops_the_pool_up_again():
    async def scenario():
        km, first, second = await two_pages_in_a_room_of_two()
        assert km.get_pool_size(NB) == 0
        _close_tab(km, first, quiet_for=60)
        await km.cull_kernels()   # the culler's tick notices the short pool
        await settle(km)
        assert first not in km._kernels and km.get_pool_size(NB) == 1
        await km.shutdown_all()
    asyncio.run(scenario())


def test_a_waiting_pre_heated_page_gives_its_seat_to_a_page_being_opened():
    """A room of two (cap 3): one trainee in, the pool refilled to two - the cap is reached by
    kernels waiting for nobody. A page of its own (a rating page) still opens: a waiting
    pre-heated page gives way, and the pool refills when a seat is free again."""
    async def scenario():
        km = manager(pool=2, cap=3)
        await settle(km)
        _, _, first = await km.get_rendered_notebook(NB)
        await settle(km)
        assert km.committed() == 3 and km.get_pool_size(NB) == 2
        quiz = await km.start_kernel(kernel_name="python3")
        await settle(km)
        assert {first, quiz} <= set(km._kernels) and len(km._kernels) == 3
        assert km.get_pool_size(NB) == 1 and km.committed() == 3
        with pytest.raises(HTTPError):  # two pages in use, one pool seat: the next one gives
            await km.start_kernel(kernel_name="python3")  # way, and then the room is full
            await km.start_kernel(kernel_name="python3")
        await km.shutdown_all()
    asyncio.run(scenario())


@pytest.mark.parametrize(("line", "busy"), [
    ("some avg10=99.45 avg60=98.99 avg300=96.59 total=20626248434", True),
    ("some avg10=12.00 avg60=40.00 avg300=60.00 total=1", False),
])
def test_a_machine_is_busy_when_tasks_wait_for_a_processor(tmp_path, line, busy):
    pressure = tmp_path / "cpu"
    pressure.write_text(line + "\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")
    assert machine_busy((str(tmp_path / "no-cgroup"), str(pressure))) is busy


def test_without_pressure_figures_the_load_average_says_it(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})
    monkeypatch.setattr(os, "getloadavg", lambda: (3.5, 1.0, 1.0))
    assert machine_busy((str(tmp_path / "none"),))
    monkeypatch.setattr(os, "getloadavg", lambda: (0.4, 1.0, 1.0))
    assert not machine_busy((str(tmp_path / "none"),))
