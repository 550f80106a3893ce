"""N trainees signing in to a JupyterHub within a minute, each opening their own workbook, against
the same N opening their personal links on one `kamkit serve --room N` - in the same run, on the
same PostgreSQL store, on this machine.

The hub runs the config `kamkit hub-config` writes (every server on this machine, as this user:
SimpleLocalProcessSpawner; one shared password: the shared-password authenticator). Each
simulated trainee is an HTTP and websocket client, as in room_burst.py: it signs in on the hub's
login page, follows the hub to its own server (polling while the hub starts it), and counts as
done when its workbook page has arrived and its kernel answers a widget-state request over the
page's own websocket with a state holding that trainee's own account - their data, in their page.
Printed per N: failures, p50/p95/max seconds from sign-in to their data, the hub's spawn times
(from its log), memory per trainee (their server and its kernel) and in all, the CPU the burst
took, and the PostgreSQL connections held (peak while opening, and after).

In a real hub the browsers run on the trainees' laptops; here only HTTP clients run beside the
servers, so the figures are the servers'. A store is needed: --pg-url, else KAMKIT_TEST_PG_URL
(a schema of its own per run, dropped after).

    .venv/bin/python benchmarks/hub_burst.py [--sizes 10 20 40] [--spread 60] [--skip-room]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import aiohttp
import psutil
from _figures import pct  # noqa: I001 - benchmarks/ is on sys.path when run
from room_burst import Room, _widget_states_hold, burst
from sqlalchemy import create_engine, text
from yarl import URL

from kamkit.demo import sample_map, sample_profile, sample_relationship
from kamkit.store import Store

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "burst-password"
SPAWNED = re.compile(r"User (\S+) took ([\d.]+) seconds to start")

_CONFIG = """\
c = get_config()  # noqa: F821
load_subconfig({generated!r})  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{public}/"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub}/"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api}"
c.JupyterHub.db_url = "sqlite:///{work}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{work}/jupyterhub_cookie_secret"
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{work}/home/{{username}}"
c.Spawner.environment["PYTHONPATH"] = {root!r}
for service in c.JupyterHub.services:
    service["environment"] = dict(service.get("environment", {{}}), PYTHONPATH={root!r},
                                  KAMKIT_HOME="{work}/service-{{}}".format(service["name"]))
    if service["name"] == "kamkit-review":
        service["url"] = "http://127.0.0.1:{review}"
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """`jupyterhub` with the generated config, on free loopback ports; stopped by `stop()`."""

    def __init__(self, work: Path, db_url: str) -> None:
        self.work = work
        work.mkdir(parents=True)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        generated = work / "jupyterhub_config.py"
        subprocess.run([sys.executable, "-m", "kamkit.cli", "hub-config", "--output",
                        str(generated), "--db-url", db_url], check=True, capture_output=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
        config = work / "bench_config.py"
        config.write_text(_CONFIG.format(
            generated=str(generated), public=self.port, hub=_free_port(),
            proxy_api=_free_port(), review=_free_port(), work=work, password=PASSWORD,
            root=str(ROOT)))
        self.log_path = work / "hub.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        hub = shutil.which("jupyterhub", path=str(Path(sys.executable).parent))
        self.proc = subprocess.Popen([hub or "jupyterhub", "-f", str(config)], cwd=work,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 300
        while "JupyterHub is now running" not in self.log_path.read_text(errors="replace"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not start: see {self.log_path}")
            time.sleep(0.5)

    def processes(self) -> list[psutil.Process]:
        """The hub and everything it started (proxy, services, servers, kernels)."""
        root = psutil.Process(self.proc.pid)
        return [root, *root.children(recursive=True)]

    def of_user(self, user: str) -> list[psutil.Process]:
        home = f"{self.work}/home/{user}/"
        servers = [p for p in self.processes()
                   if any(home in part for part in _cmdline(p)) and "kamkit.voila_app"
                   in _cmdline(p)]
        return [q for p in servers for q in [p, *p.children(recursive=True)]]

    def spawn_times(self) -> dict[str, float]:
        return {m.group(1): float(m.group(2))
                for m in SPAWNED.finditer(self.log_path.read_text(errors="replace"))}

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the hub stops its servers
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        mine = str(self.work)
        for proc in psutil.process_iter(["cmdline", "environ"]):
            places = [*(proc.info["cmdline"] or []), *(proc.info["environ"] or {}).values()]
            if any(mine in place for place in places):
                try:
                    proc.kill()
                except psutil.Error:
                    pass
        self.log.close()


def _cmdline(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except psutil.Error:
        return []


def _seed(db_url: str, n: int, prefix: str) -> list[tuple[str, str, str]]:
    """N trainees, each with a filled-in account: (login, account name, personal token)."""
    people = []
    with Store(db_url) as store:
        today = dt.date.today()
        for i in range(n):
            login = f"{prefix}{i:02d}"
            trainee = store.add_trainee(f"Trainee {login}", login=login, cohort="Burst")
            account = f"Account of {login}"
            acc = store.add_account(trainee.id, account)
            for step, doc in (("profile", sample_profile(today)),
                              ("stakeholders", sample_map(today)),
                              ("relationship", sample_relationship(today))):
                store.save_document(acc.id, step, doc)
            people.append((login, account, store.issue_token(trainee.id)))
    return people


async def _trainee(hub: Hub, login: str, needle: str, delay: float,
                   timeout: float) -> tuple[float, str]:
    """One trainee: sign in after `delay` s, reach their own workbook, see their own data.
    (seconds, "" or why it failed)."""
    await asyncio.sleep(delay)
    t = time.monotonic()
    deadline = t + timeout
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
    try:
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            async with http.get(f"{hub.url}/hub/login") as r:
                await r.read()
            xsrf = next((c.value for c in jar if c.key == "_xsrf"), "")
            async with http.post(f"{hub.url}/hub/login", data={
                    "username": login, "password": PASSWORD, "_xsrf": xsrf}) as r:
                await r.read()
                if r.status != 200:
                    return time.monotonic() - t, f"sign-in HTTP {r.status}"
            while True:  # the hub starts the server; the person's page waits for it
                async with http.get(f"{hub.url}/user/{login}/") as r:
                    html = await r.text()
                    if r.status >= 400:
                        return time.monotonic() - t, f"HTTP {r.status}"
                    if "/voila/render/" in str(r.url):
                        break
                if time.monotonic() > deadline:
                    return time.monotonic() - t, "never spawned"
                await asyncio.sleep(0.5)
            kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', html)
            if not kernel:
                return time.monotonic() - t, "no kernel in the page"
            page = f"{hub.url}/user/{login}/api/kernels/{kernel.group(1)}/channels"
            cookies = "; ".join(f"{k}={m.value}"
                                for k, m in jar.filter_cookies(URL(page)).items())
            ws = page.replace("http://", "ws://") + f"?session_id={secrets.token_hex(8)}"
            if not await _widget_states_hold(ws, needle, deadline, cookies):
                return time.monotonic() - t, "their data never showed"
    except (aiohttp.ClientError, OSError, TimeoutError, asyncio.TimeoutError) as err:
        return time.monotonic() - t, type(err).__name__
    return time.monotonic() - t, ""


class Sampler:
    """PostgreSQL connections held by a set of processes, sampled every second in a thread
    while a burst runs (`with Sampler(...) as sampler:`)."""

    def __init__(self, processes) -> None:
        self.processes = processes
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> int:
        pids = {p.pid for p in self.processes()}
        return sum(1 for c in psutil.net_connections(kind="tcp")
                   if c.pid in pids and c.raddr and c.raddr.port == 5432
                   and c.status == psutil.CONN_ESTABLISHED)

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            try:
                self.peak = max(self.peak, self.now())
            except psutil.Error:
                pass

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cpu(processes: list[psutil.Process]) -> float:
    total = 0.0
    for p in processes:
        try:
            times = p.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
        except psutil.Error:
            pass
    return total


def hub_burst(db_url: str, n: int, spread: float, work: Path) -> None:
    people = _seed(db_url, n, f"h{n}u")
    hub = Hub(work / f"hub-{n}", db_url)
    try:
        rng = random.Random(20)
        delays = sorted(rng.uniform(0, spread) for _ in people)
        cpu_before = _cpu(hub.processes())

        async def run() -> list[tuple[float, str]]:
            return await asyncio.gather(*(
                _trainee(hub, login, account, d, timeout=420)
                for (login, account, _), d in zip(people, delays, strict=True)))

        t = time.monotonic()
        with Sampler(hub.processes) as sampler:
            results = asyncio.run(run())
        took = time.monotonic() - t
        # every process that lived through the burst (servers' CPU, the hub's, the proxy's)
        cpu = _cpu(hub.processes()) - cpu_before
        after = sampler.now()
        per_user = [sum(_rss(p) for p in hub.of_user(login)) for login, _, _ in people]
        total = sum(_rss(p) for p in hub.processes())
        spawns = [s for user, s in hub.spawn_times().items() if user.startswith(f"h{n}u")]
    finally:
        hub.stop()
    seconds = [s for s, _ in results]
    failures = [why for _, why in results if why]
    _line(f"hub: {n} trainees", seconds, failures)
    served = [m for m in per_user if m]
    print(f"  {'':<24} spawn p50 {statistics.median(spawns):5.1f} s, p95 {pct(spawns, 0.95):5.1f}"
          f" s ({len(spawns)} spawned); per trainee {statistics.median(served):4.0f} MB "
          f"(server + kernel, median), {total:5.0f} MB in all with the hub, proxy and review "
          f"service; CPU {cpu:5.0f} s over {took:4.0f} s ({cpu / took:3.1f} cores); "
          f"PostgreSQL connections peak {sampler.peak}, after {after}", flush=True)


def room_burst(db_url: str, n: int, spread: float, work: Path) -> None:
    people = _seed(db_url, n, f"r{n}u")
    home = work / f"room-{n}"
    home.mkdir()
    saved = os.environ.get("KAMKIT_DB_URL")
    os.environ["KAMKIT_DB_URL"] = db_url  # the room's server uses the same store
    try:
        room = Room(home, n, None)
    finally:
        if saved is None:
            os.environ.pop("KAMKIT_DB_URL", None)
        else:
            os.environ["KAMKIT_DB_URL"] = saved
    try:
        ready = room.wait_ready()

        def tree() -> list[psutil.Process]:
            root = psutil.Process(room.proc.pid)
            return [root, *root.children(recursive=True)]

        cpu_before = _cpu(tree())
        t = time.monotonic()
        with Sampler(tree) as sampler:
            seconds, failures = burst(room, [(account, token) for _, account, token in people],
                                      spread, timeout=300)
        took = time.monotonic() - t
        cpu = _cpu(tree()) - cpu_before
        after = sampler.now()
        server, kernels = room.memory()
    finally:
        room.stop()
    _line(f"room: kamkit serve --room {n}", seconds, failures)
    print(f"  {'':<24} room ready {ready:5.1f} s after start (pre-heated); per trainee "
          f"{statistics.median(kernels):4.0f} MB (kernel, median), {server + sum(kernels):5.0f} "
          f"MB in all with the server; CPU {cpu:5.0f} s over {took:4.0f} s "
          f"({cpu / took:3.1f} cores); PostgreSQL connections peak {sampler.peak}, "
          f"after {after}", flush=True)


def store_load(db_url: str, saves: int = 300) -> None:
    """What one save costs the database: `saves` profile saves from one page's store, the
    client's time for each and the CPU the PostgreSQL backend serving them spent."""
    from kamkit.models import ProfileDoc

    with Store(db_url) as store:
        trainee = store.add_trainee("Writer", login="store-load-writer")
        account = store.add_account(trainee.id, "Written to")
        store.save_document(account.id, "profile", sample_profile(dt.date.today()))
        ports = {c.laddr.port for c in psutil.Process().net_connections(kind="tcp")
                 if c.raddr and c.raddr.port == 5432}
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT pid, client_port FROM pg_stat_activity")).all()
        backends = [psutil.Process(pid) for pid, port in rows if port in ports]

        def cpu() -> float:
            return sum(b.cpu_times().user + b.cpu_times().system for b in backends)

        doc = sample_profile(dt.date.today())
        before, t = cpu(), time.perf_counter()
        for i in range(saves):
            store.save_document(account.id, "profile",
                                ProfileDoc.model_validate(doc.model_dump() | {
                                    "industry": f"Industry {i}"}))
        took, spent = time.perf_counter() - t, cpu() - before
    per_save = spent / saves
    print(f"\nOne save ({saves} in a row): {took / saves * 1000:5.1f} ms for the page, "
          f"{per_save * 1000:5.2f} ms of PostgreSQL CPU; 100 trainees saving every 10 s "
          f"(10 saves/s) keep {per_save * 10 * 100:4.1f} % of one database core busy", flush=True)


def _rss(p: psutil.Process) -> float:
    try:
        return p.memory_info().rss / 2**20
    except psutil.Error:
        return 0.0


def _line(name: str, seconds: list[float], failures: list[str]) -> None:
    why = f"  [{', '.join(sorted(set(failures)))}]" if failures else ""
    print(f"  {name:<24} failures {len(failures):2d}   p50 {statistics.median(seconds):6.1f} s   "
          f"p95 {pct(seconds, 0.95):6.1f} s   max {max(seconds):6.1f} s{why}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 40])
    parser.add_argument("--spread", type=float, default=60.0)
    parser.add_argument("--pg-url", default=os.environ.get("KAMKIT_TEST_PG_URL"))
    parser.add_argument("--skip-room", action="store_true")
    args = parser.parse_args()
    if not args.pg_url:
        parser.error("a PostgreSQL URL is needed: --pg-url or KAMKIT_TEST_PG_URL")
    work = Path(tempfile.mkdtemp(prefix="kamkit-hub-"))
    schema = f"kamkit_bench_{secrets.token_hex(4)}"
    engine = create_engine(args.pg_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in args.pg_url else "?"
    db_url = f"{args.pg_url}{sep}options=-csearch_path%3D{schema}"
    Store(db_url).close()  # migrated once, before anyone starts
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start; "
          f"sign-ins spread over {args.spread:.0f} s", flush=True)
    try:
        for n in args.sizes:
            print(f"\n{n} trainees (load average {os.getloadavg()[0]:.1f})", flush=True)
            hub_burst(db_url, n, args.spread, work)
            if not args.skip_room:
                room_burst(db_url, n, args.spread, work)
        store_load(db_url)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
