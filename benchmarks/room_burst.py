"""A workshop room opening its links at once, seen from the server: `kamkit serve --room N`, then
N trainees' personal links requested by HTTP clients within --spread seconds (10 by default).

A page counts as done when its HTML has arrived *and* its kernel answers a widget-state request
over the page's own websocket with a state that holds that trainee's name - the page fully
rendered with their own data and ready for a click. The floor is a one-button notebook served
by the same command with the same room settings (it stands in for the workbook page), measured
in the same run. Printed per room size: failures, p50/p95/max seconds, the kernels' memory
(RSS each, and the total with the server), and the CPU pre-heating the room took (each kernel's
seconds, and the server's share per kernel) - on two cores, what decides when the room is ready.

In a real room the browsers run on the trainees' laptops; here only HTTP and websocket clients
run beside the server, so the figures are the server's.

Targets (issue #22): 40 links, 0 failures, p95 <= 4 s; the room of 40 ready <= 60 s after start.

    .venv/bin/python benchmarks/room_burst.py [--sizes 20 40] [--spread 10]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
from _figures import FLOOR_BUTTON, floor_notebook, pct, verdict  # noqa: I001 - benchmarks/ is on sys.path when run
from ipywidgets._version import __control_protocol_version__ as CONTROL_VERSION
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from kamkit.demo import sample_map, sample_profile, sample_relationship
from kamkit.server import WORKBOOK
from kamkit.store import Store

READY = re.compile(r"kamkit room: (\d+) of \d+ 00_workbook.ipynb pages started")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _floor_notebooks(folder: Path) -> Path:
    """The floor page under the workbook's name, so the same room settings apply to it."""
    folder.mkdir(parents=True)
    floor_notebook(folder / WORKBOOK)
    return folder


def _seed(home: Path, n: int) -> list[tuple[str, str]]:
    """N trainees, each with a filled-in account; their (name, token)."""
    people = []
    with Store(f"sqlite:///{home / 'kamkit.db'}") as store:
        today = dt.date.today()
        for i in range(n):
            name = f"Trainee Burst{i:02d}"
            trainee = store.add_trainee(name, cohort="Burst")
            account = store.add_account(trainee.id, f"Account of {name}")
            for step, doc in (("profile", sample_profile(today)),
                              ("stakeholders", sample_map(today)),
                              ("relationship", sample_relationship(today))):
                store.save_document(account.id, step, doc)
            people.append((name, store.issue_token(trainee.id)))
    return people


class Room:
    """`kamkit serve --room N` on a free port, with its own home; stopped by `stop()`."""

    def __init__(self, home: Path, n: int, notebooks: Path | None,
                 extra: tuple[str, ...] = ()) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.n = n
        env = dict(os.environ, KAMKIT_HOME=str(home))
        cmd = [str(Path(sys.executable).parent / "kamkit"), "serve", "--host", "127.0.0.1",
               "--port", str(self.port), "--access", "links", "--room", str(n)]
        if notebooks:
            cmd += ["--notebooks", str(notebooks)]
        cmd += extra
        self.log_path = home / "serve.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def _kernels(self) -> list[psutil.Process]:
        # kamkit serve starts its kernels as `python -m kamkit.kernel` (with a memory limit)
        return [p for p in psutil.Process(self.proc.pid).children(recursive=True)
                if any(k in " ".join(p.cmdline()) for k in ("ipykernel", "kamkit.kernel"))]

    def _quiet(self) -> bool:
        """The kernels have finished building their pages (they use no CPU for a second)."""
        kernels = self._kernels()
        for p in kernels:
            p.cpu_percent()
        time.sleep(1.0)
        return sum(p.cpu_percent() for p in kernels) < 5

    def times_full(self) -> int:
        """How often the room's pool has been full so far (the server logs each time)."""
        return sum(int(m.group(1)) == self.n
                   for m in READY.finditer(self.log_path.read_text(errors="replace")))

    def wait_ready(self, timeout: float = 600, seen: int = 0) -> float:
        """Until the room's pool is full (again: more than `seen` times) and every pre-heated
        page is built (the kernels quiet); the seconds it took."""
        t = time.monotonic()
        while time.monotonic() - t < timeout:
            if self.times_full() > seen:
                while not self._quiet() and time.monotonic() - t < timeout:
                    pass
                return time.monotonic() - t
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped: see {self.log_path}")
            time.sleep(0.5)
        raise TimeoutError(f"the room was not ready in {timeout:.0f} s")

    def memory(self) -> tuple[float, list[float]]:
        """The server's RSS and each kernel's, in MB."""
        server = psutil.Process(self.proc.pid).memory_info().rss / 2**20
        return server, [p.memory_info().rss / 2**20 for p in self._kernels()]

    def cpu(self) -> tuple[float, list[float]]:
        """CPU seconds so far (user + system): the server's (every process of it but the
        kernels), and each kernel's."""
        kernels = self._kernels()
        ids = {p.pid for p in kernels}
        top = psutil.Process(self.proc.pid)
        server = [top] + [p for p in top.children(recursive=True) if p.pid not in ids]
        return (sum(sum(p.cpu_times()[:2]) for p in server),
                [sum(p.cpu_times()[:2]) for p in kernels])

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def _message(msg_type: str, content: dict, metadata: dict | None = None) -> str:
    return json.dumps({
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": "bench",
                   "username": "bench", "date": dt.datetime.now(dt.UTC).isoformat(),
                   "version": "5.3"},
        "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell",
        "buffers": []})


async def _widget_states_hold(ws_url: str, needle: str, deadline: float,
                              cookies: str = "") -> bool:
    """Ask the kernel for every widget's state until one holds `needle` (`cookies`: the page's,
    which make this client the owner of the page's kernel)."""
    ws = await websocket_connect(HTTPRequest(ws_url, headers={"Cookie": cookies}))
    try:
        comm = uuid.uuid4().hex
        await ws.write_message(_message("comm_open", {
            "comm_id": comm, "target_name": "jupyter.widget.control", "data": {}},
            {"version": CONTROL_VERSION}))
        while time.monotonic() < deadline:
            await ws.write_message(_message("comm_msg", {
                "comm_id": comm, "data": {"method": "request_states"}}))
            while time.monotonic() < deadline:
                frame = await asyncio.wait_for(ws.read_message(), deadline - time.monotonic())
                if frame is None:
                    return False
                data = frame.encode() if isinstance(frame, str) else frame
                if b"update_states" in data:
                    if needle.encode() in data:
                        return True
                    break  # states without the name yet: ask again
            await asyncio.sleep(0.1)
        return False
    finally:
        ws.close()


async def _open(url: str, needle: str, delay: float, timeout: float) -> tuple[float, str]:
    """One trainee opening their link after `delay` s: (seconds, "" or why it failed)."""
    await asyncio.sleep(delay)
    t = time.monotonic()
    deadline = t + timeout
    try:
        reply = await AsyncHTTPClient().fetch(url, request_timeout=timeout)
        html = reply.body.decode()
        if "kamkit-room-full" in html:
            return time.monotonic() - t, "room full"
        kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', html)
        if not kernel:
            return time.monotonic() - t, "no kernel in the page"
        base = url.split("/voila/")[0].replace("http://", "ws://")
        ws_url = f"{base}/api/kernels/{kernel.group(1)}/channels?session_id={uuid.uuid4().hex}"
        cookies = "; ".join(c.split(";", 1)[0] for c in reply.headers.get_list("Set-Cookie"))
        if not await _widget_states_hold(ws_url, needle, deadline, cookies):
            return time.monotonic() - t, "their data never showed"
    except HTTPClientError as err:
        return time.monotonic() - t, f"HTTP {err.code}"
    except (OSError, TimeoutError, asyncio.TimeoutError) as err:
        return time.monotonic() - t, f"{type(err).__name__}"
    return time.monotonic() - t, ""


def burst(room: Room, people: list[tuple[str, str]], spread: float,
          timeout: float = 120) -> tuple[list[float], list[str]]:
    rng = random.Random(8)
    delays = sorted(rng.uniform(0, spread) for _ in people)

    async def run() -> list[tuple[float, str]]:
        AsyncHTTPClient.configure(None, max_clients=len(people))
        return await asyncio.gather(*(
            _open(f"{room.url}/voila/render/{WORKBOOK}?t={token}", name, d, timeout)
            for (name, token), d in zip(people, delays, strict=True)))

    results = asyncio.run(run())
    return [s for s, _ in results], [why for _, why in results if why]


def _line(name: str, seconds: list[float], failures: list[str], floor: float | None) -> float:
    med = statistics.median(seconds)
    ratio = f"  ({med / floor:.2f}x floor)" if floor else ""
    why = f"  [{', '.join(sorted(set(failures)))}]" if failures else ""
    print(f"  {name:<28} failures {len(failures):2d}   p50 {med:6.2f} s   "
          f"p95 {pct(seconds, 0.95):6.2f} s   max {max(seconds):6.2f} s{ratio}{why}", flush=True)
    return med


def run_size(n: int, spread: float, work: Path) -> None:
    print(f"\n{n} links within {spread:.0f} s (kamkit serve --room {n})", flush=True)
    medians: dict[str, float] = {}
    for label, floor in (("floor: one-button page", True), ("workbook", False)):
        home = work / f"{label.split(':')[0]}-{n}"
        home.mkdir()
        people = _seed(home, n)
        if floor:
            people = [(FLOOR_BUTTON, token) for _, token in people]
        room = Room(home, n, _floor_notebooks(home / "floor") if floor else None)
        try:
            ready = room.wait_ready()
            server_cpu, kernel_cpu = room.cpu()  # what pre-heating the room cost
            seconds, failures = burst(room, people, spread)
            server_after, kernels = room.memory()
        finally:
            room.stop()
        medians[label] = _line(label, seconds, failures, medians.get("floor: one-button page"))
        print(f"  {'':<28} room ready {ready:5.1f} s after start; kernels {len(kernels)}, "
              f"each median {statistics.median(kernels):5.0f} MB, max {max(kernels):5.0f} MB; "
              f"total {sum(kernels) + server_after:6.0f} MB with the server "
              f"({server_after:.0f} MB)", flush=True)
        print(f"  {'':<28} pre-heating: CPU {statistics.median(kernel_cpu):4.2f} s per kernel "
              f"(median), the server {server_cpu / max(len(kernel_cpu), 1):4.2f} s per kernel; "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
        if not floor and n == 40:  # the room the targets are about
            p95 = pct(seconds, 0.95)
            verdict("40 links in 10 s: failures, p95", "0, <= 4 s",
                    f"{len(failures)}, {p95:.1f} s", not failures and p95 <= 4)
            verdict("room of 40 ready after start", "<= 60 s", f"{ready:.0f} s", ready <= 60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 40])
    parser.add_argument("--spread", type=float, default=10.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kamkit-room-"))
    try:
        for n in args.sizes:
            run_size(n, args.spread, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
