"""Room mode: a workshop of N trainees opening their links in the same ten seconds.

`kamkit serve --room N` pre-heats N workbook pages (kernels started, the notebook run, heavy
imports done; each trainee's own data is loaded only once their request arrives) and caps the
kernels the server will run at once. The cap is kept by the kernel manager below, which Voila
builds around its own pooling manager:

- the pool never grows past the cap, and refills one kernel at a time, staggered and after a
  delay, so a burst of starts does not starve the pages being served (a refill only joins the
  pool when it starts, so no page ever waits out its delay);
- when a page needs a kernel and the cap is reached, tabs that were closed (their page
  connected once, has no connection now and has been quiet for `reclaim_after` seconds) are
  shut down to make room; failing that, a pre-heated page nobody has opened yet gives its seat
  (a kernel waiting for nobody never turns a person away); only if there is neither does the
  request get the friendly "the room is full, retrying..." page (503), which reloads itself;
- closed tabs are reclaimed the same way whenever the pool is short, and the culler (idle
  kernels) runs as before.

`kamkit.voila_app` runs Voila with this manager; `kamkit serve` always starts Voila that way,
under a cap: `--room`'s, `--max-kernels`, or by default what half the memory free at start
holds (`default_max_kernels`). Kernels handed to a page that never connected (a request made by
a script, a tab closed while loading) are reclaimed after `unconnected_after` seconds, cap or no
cap.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

__all__ = ["RoomPlan", "room_plan", "cap_only", "capped", "ROOM_FULL_PAGE", "KERNEL_MB",
           "ROOM_FILL_DELAY", "default_max_kernels", "KERNEL_MEMORY_MB", "UNCONNECTED_AFTER",
           "PAGE_OWNER", "machine_busy", "PRESSURE_FILES"]

#: While a page's request is handled: how to give the kernel handed to it to that page's
#: browser only (kamkit.voila_app sets a cookie for that kernel) - called with the kernel id,
#: returns the secret the browser now holds.
PAGE_OWNER: contextvars.ContextVar[Callable[[str], str] | None] = contextvars.ContextVar(
    "kamkit_page_owner", default=None)

# Voila refills its pool one second after a kernel is used; in a room that would start kernels
# in the middle of the burst it is serving. Refills wait until the burst has passed.
ROOM_FILL_DELAY = 15.0
KERNEL_MB = 125  # one workbook kernel: 124 MB RSS measured by benchmarks/room_burst.py
#: Each kernel's data limit by default (`kamkit serve --kernel-memory`): eight workbook kernels.
KERNEL_MEMORY_MB = 1024
#: Seconds a kernel handed to a page may wait for that page to connect before it is reclaimed.
#: A page on a busy two-core machine in a burst connects within a minute.
UNCONNECTED_AFTER = 120.0


def default_max_kernels(pool: int, available_mb: int | None = None) -> int:
    """The cap when none is asked for: the kernels half of the memory free now holds, and at
    least the pool plus two."""
    if available_mb is None:
        import psutil

        available_mb = psutil.virtual_memory().available // (1024 * 1024)
    return max(pool + 2, available_mb // 2 // KERNEL_MB)


@dataclass(frozen=True)
class RoomPlan:
    """How a room of `trainees` is served: `pool` pages pre-heated, at most `max_kernels`."""

    trainees: int
    pool: int
    max_kernels: int

    @property
    def summary(self) -> str:
        gb = self.max_kernels * KERNEL_MB / 1024
        return (f"room for {self.trainees}: {self.pool} workbook pages pre-heated, at most "
                f"{self.max_kernels} kernels (about {gb:.1f} GB)")


def room_plan(trainees: int, max_kernels: int | None = None) -> RoomPlan:
    """A page per trainee ready before they arrive, plus a quarter again (at least two) for
    reloads and the odd second tab. Raises ValueError for a plan that cannot work."""
    if trainees < 1:
        raise ValueError("--room needs the number of trainees, 1 or more")
    cap = max_kernels if max_kernels else trainees + max(2, math.ceil(trainees / 4))
    if cap < trainees:
        raise ValueError(f"--max-kernels {cap} is fewer than the {trainees} trainees in the room")
    return RoomPlan(trainees=trainees, pool=trainees, max_kernels=cap)


def cap_only(pool: int, max_kernels: int) -> RoomPlan:
    """`--max-kernels` without `--room`: the usual pool, under a cap. Raises ValueError for a
    cap that would refuse every page."""
    if max_kernels < max(pool, 1):
        raise ValueError(f"--max-kernels {max_kernels} leaves no seat beside the {pool} "
                         "pre-heated pages; give at least that many")
    return RoomPlan(trainees=0, pool=pool, max_kernels=max_kernels)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def capped(voila_class: type) -> type:
    """Voila's kernel manager class (pooling or not) with the room's cap and reclaiming."""
    from tornado.web import HTTPError
    from traitlets import Float, Integer

    class RoomKernelManager(voila_class):  # type: ignore[misc, valid-type]
        max_kernels = Integer(0, config=True,
                              help="Most kernels running at once (0: no cap).")
        reclaim_after = Float(30.0, config=True,
                              help="Seconds a closed tab's kernel is kept before its seat "
                                   "may be given to someone else.")
        start_stagger = Float(0.5, config=True,
                              help="Seconds between pool kernels starting.")
        unconnected_after = Float(UNCONNECTED_AFTER, config=True,
                                  help="Seconds a kernel given to a page may wait for the "
                                       "page to connect before it is shut down.")

        def __init__(self, **kwargs: Any) -> None:
            self._handed: set[str] = set()   # kernels given to a page
            self._handed_at: dict[str, float] = {}  # ... when (monotonic seconds)
            self._owners: dict[str, str] = {}  # ... to which browser (see PAGE_OWNER)
            self._seen: set[str] = set()     # ... whose page connected at least once
            self._sweeper: Any = None
            self._starting = 0
            self._scheduled: dict[str | None, int] = {}
            self._closing = False
            super().__init__(**kwargs)

        # -- counting -----------------------------------------------------------------------
        def _pool_entries(self) -> int:
            return sum(len(p) for p in getattr(self, "_pools", {}).values())

        def committed(self) -> int:
            """Kernels given to pages, being started for one, or held (or coming) in a pool."""
            return (len(self._handed & set(self._kernels)) + self._starting
                    + self._pool_entries())

        def _full(self) -> bool:
            return bool(self.max_kernels) and self.committed() >= self.max_kernels

        # -- pages asking for a kernel ----------------------------------------------------------
        async def start_kernel(self, **kwargs: Any) -> str:
            # Only pages come here; pool kernels are started below Voila's own manager.
            if self._full():
                await self.reclaim(1)
                if self._full():  # a page waiting for nobody gives its seat to one in use
                    await self.give_pool_seat()
                if self._full():
                    self.log.warning("kamkit room: full (%d kernels); a page was asked to retry",
                                     self.committed())
                    raise HTTPError(503, reason="The room is full")
            self._starting += 1
            try:
                kernel_id = await super().start_kernel(**kwargs)
            finally:
                self._starting -= 1
            self._hand(kernel_id)
            return kernel_id

        def _hand(self, kernel_id: str) -> None:
            self._handed.add(kernel_id)
            self._handed_at[kernel_id] = time.monotonic()
            give = PAGE_OWNER.get()
            if give is not None:
                self._owners[kernel_id] = give(kernel_id)
            if self._sweeper is None:  # started with the first page, on the running loop
                from tornado.ioloop import PeriodicCallback

                every = max(1.0, min(15.0, self.unconnected_after / 4))
                self._sweeper = PeriodicCallback(self._sweep, every * 1000)
                self._sweeper.start()

        async def _sweep(self) -> None:
            for kernel_id in self.never_connected():
                if kernel_id not in self.never_connected():  # connected meanwhile
                    continue
                self.log.info("kamkit room: shutting down kernel %s: its page never connected",
                              kernel_id)
                with contextlib.suppress(Exception):
                    await self.shutdown_kernel(kernel_id)

        def _healthy(self, notebook_name: str) -> list[Any]:
            pool = getattr(self, "_pools", {}).get(notebook_name, [])
            failed = [t for t in pool if t.done() and (t.cancelled() or t.exception())]
            for task in failed:
                pool.remove(task)
            return pool

        def get_pool_size(self, notebook_name: str) -> int:
            return len(self._healthy(notebook_name))

        async def get_rendered_notebook(self, notebook_name: str, *args: Any,
                                        **kwargs: Any) -> Any:
            self._healthy(notebook_name)
            self._starting += 1  # the kernel leaves the pool before it is counted as handed
            try:
                result = await super().get_rendered_notebook(notebook_name, *args, **kwargs)
                self._hand(result[2])
            finally:
                self._starting -= 1
            return result

        def notify_connect(self, kernel_id: str) -> None:
            self._seen.add(kernel_id)
            super().notify_connect(kernel_id)

        # -- keeping the pool full, within the cap ---------------------------------------------
        def _wanted(self, notebook_name: str | None) -> int:
            config = self.kernel_pools_config
            entry = config.get(notebook_name, config.get("default", {}))
            return int(entry.get("pool_size", 0))

        @contextlib.contextmanager
        def _pool_size_limit(self, notebook_name: str | None, size: int):
            config = self.kernel_pools_config
            entry = config.get(notebook_name, config.get("default", {}))
            self.kernel_pools_config = {**config, notebook_name: {**entry, "pool_size": size}}
            try:
                yield
            finally:
                self.kernel_pools_config = config

        def fill_if_needed(self, delay: float | None = None, notebook_name: str | None = None,
                           **kwargs: Any) -> None:
            # Voila would put `pool_size - len(pool)` kernels in the pool at once, each waiting
            # out the delay there - where a page would wait for it too. Here each one is
            # scheduled, staggered, and only enters the pool when it starts, if the cap allows.
            if self._closing:
                return
            # Voila hands a refill the request that emptied the seat (its URL, with that
            # trainee's personal link): a kernel waiting for the next trainee must not hold it.
            kwargs.pop("extra_kernel_env_variables", None)
            first = delay if delay is not None else self.fill_delay
            pool = getattr(self, "_pools", {}).get(notebook_name, [])
            missing = (self._wanted(notebook_name) - len(pool)
                       - self._scheduled.get(notebook_name, 0))
            loop = asyncio.get_event_loop()
            for i in range(max(missing, 0)):
                self._scheduled[notebook_name] = self._scheduled.get(notebook_name, 0) + 1
                loop.call_later(first + i * self.start_stagger, self._start_one,
                                notebook_name, kwargs)

        def _start_one(self, notebook_name: str | None, kwargs: dict[str, Any]) -> None:
            self._scheduled[notebook_name] -= 1
            pool = getattr(self, "_pools", {}).get(notebook_name, [])
            if self._closing or len(pool) >= self._wanted(notebook_name):
                return
            if self._full():
                asyncio.ensure_future(self.reclaim(1))  # a reclaimed seat tops the pool up
                return
            before = len(pool)
            with self._pool_size_limit(notebook_name, before + 1):
                super().fill_if_needed(delay=0, notebook_name=notebook_name, **kwargs)
            for task in self._pools.get(notebook_name, [])[before:]:
                task.add_done_callback(lambda _: self._say_ready(notebook_name))

        def _say_ready(self, notebook_name: str | None) -> None:
            pool = self._healthy(notebook_name)
            ready = sum(1 for t in pool if t.done())
            if ready == len(pool) == self._wanted(notebook_name):
                self.log.info("kamkit room: %d of %d %s pages started; each finishes building "
                              "in its kernel within a minute", ready, ready, notebook_name)

        def top_up(self) -> None:
            for name in list(self.kernel_pools_config):
                if name != "default" and self._wanted(name) > 0:
                    self.fill_if_needed(notebook_name=name)

        # -- giving closed tabs' seats back ---------------------------------------------------
        def closed_tabs(self) -> list[str]:
            """Kernels whose page connected once, has no connection now, and has been quiet for
            `reclaim_after` seconds: oldest first."""
            now = _now()
            found = []
            for kernel_id in self._handed & self._seen & set(self._kernels):
                if self._kernel_connections.get(kernel_id, 0):
                    continue
                last = getattr(self._kernels[kernel_id], "last_activity", None)
                if last is None or (now - last).total_seconds() < self.reclaim_after:
                    continue
                found.append((last, kernel_id))
            return [kernel_id for _, kernel_id in sorted(found)]

        def owner_of(self, kernel_id: str) -> str | None:
            """The browser the kernel was handed to (None: handed to no page, or served
            without kamkit's gate)."""
            return self._owners.get(kernel_id)

        def never_connected(self) -> list[str]:
            """Kernels given to a page that has not connected within `unconnected_after`
            seconds of being handed over and of the kernel's last activity, and is neither
            starting nor busy (a page being rendered keeps its kernel busy): a request made by a
            script, or a tab closed while it was loading."""
            now, wall = time.monotonic(), _now()
            found = []
            for kernel_id in self._handed & set(self._kernels):
                kernel = self._kernels[kernel_id]
                if kernel_id in self._seen or getattr(kernel, "execution_state",
                                                      "") in ("busy", "starting"):
                    continue
                last = getattr(kernel, "last_activity", None)
                quiet = (wall - last).total_seconds() if last is not None else math.inf
                waited = now - self._handed_at.get(kernel_id, now)
                if min(quiet, waited) >= self.unconnected_after:
                    found.append(kernel_id)
            return found

        async def reclaim(self, wanted: int) -> int:
            """Shut down up to `wanted` kernels of pages that never connected or were closed;
            how many were."""
            done = 0
            for kernel_id in (self.never_connected() + self.closed_tabs())[:wanted]:
                self.log.info("kamkit room: reclaiming kernel %s (its page is gone)", kernel_id)
                with contextlib.suppress(Exception):
                    await self.shutdown_kernel(kernel_id)
                    done += 1
            return done

        async def give_pool_seat(self) -> bool:
            """Shut down one pre-heated page that nobody has opened yet, so a page someone is
            opening now (a colleague's rating page, the one page of its own) gets its seat. The
            pool refills once a seat is free again."""
            for name, pool in getattr(self, "_pools", {}).items():
                for task in list(pool):
                    if task.done() and not task.cancelled() and task.exception() is None:
                        pool.remove(task)
                        self.log.info("kamkit room: a waiting pre-heated %s page gives its seat "
                                      "to a page being opened", name)
                        content = task.result()
                        render = content.get("task")  # Voila's rendering of that page
                        if render is not None and not render.done():
                            render.cancel()
                        with contextlib.suppress(Exception):
                            await self.shutdown_kernel(content["kernel_id"])
                        return True
            return False

        async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> Any:
            try:
                return await super().shutdown_kernel(kernel_id, *args, **kwargs)
            finally:
                self._handed.discard(kernel_id)
                self._handed_at.pop(kernel_id, None)
                self._owners.pop(kernel_id, None)
                self._seen.discard(kernel_id)
                if not self._closing and hasattr(self, "_pools"):
                    self.top_up()

        async def shutdown_all(self, *args: Any, **kwargs: Any) -> Any:
            self._closing = True
            if self._sweeper is not None:
                self._sweeper.stop()
            return await super().shutdown_all(*args, **kwargs)

        async def cull_kernels(self) -> None:
            await super().cull_kernels()
            if hasattr(self, "_pools"):
                self.top_up()

    return RoomKernelManager


ROOM_FULL_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The room is full - retrying</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f6f7f9; color: #1f2933; margin: 0; }
  main { max-width: 34rem; margin: 12vh auto; background: #fff; border-radius: 8px;
         padding: 2rem 2.2rem; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  .small { color: #52606d; font-size: .9rem; }
</style>
</head>
<body>
<main id="kamkit-room-full">
  <h1>The room is full - retrying&hellip;</h1>
  <p>Every seat on this workbook server is taken at the moment. This page tries again by
  itself every five seconds: keep it open and it will open your workbook as soon as a seat
  is free.</p>
  <p>Your work is saved on the server and will be there when the page opens.</p>
  <p class="small">Facilitator: pages left open in other tabs hold seats; closing them frees
  one within a minute. A larger room is started with <code>kamkit serve --room N</code>.</p>
</main>
</body>
</html>
"""


#: where Linux says how long tasks waited for a processor: this container's (cgroup v2) first
PRESSURE_FILES = ("/sys/fs/cgroup/cpu.pressure", "/proc/pressure/cpu")


def machine_busy(pressure: tuple[str, ...] = PRESSURE_FILES) -> bool:
    """Whether the processors this server may use are taken right now - pages of a room
    opening at once, say - so that work nobody waits for (a workbook building its other steps
    in the background) should wait. Linux's CPU pressure: some task kept waiting for a
    processor over half of the last 10 s; without it, the load average above the processors
    this process may run on."""
    for path in pressure:
        try:
            with open(path, encoding="ascii") as f:
                some = dict(part.split("=") for part in f.readline().split()[1:])
            return float(some["avg10"]) > 50.0
        except (OSError, ValueError, KeyError):
            continue
    try:
        return os.getloadavg()[0] > len(os.sched_getaffinity(0))
    except (OSError, AttributeError):  # not Linux: no figure to go by
        return False
