"""How much memory does one trainee's kernel hold, with the whole workbook built and every step
visited - against a bare ipywidgets kernel (a one-button notebook) measured in the same run?

`kamkit serve` on a demo store (the workbook pre-heated, as a room has it) serves kamkit's
notebooks plus the floor notebook. A real browser (Playwright + Chromium) opens the floor by a
personal link, then the workbook for a demo trainee whose account has every step filled in (Ana
Costa: her complete account is the one she worked on last, and she has ratings, a quiz, cases and
a development plan). The kernel serving the page is found among the server's children
(`python -m kamkit.kernel`); its resident memory (RSS, and USS: what only it holds) is printed

- once the page greets the trainee (built before the request, her work loaded after),
- 5 s later, once the kernel is quiet again (the steps a page builds in the background, if
  any),
- after every tab is visited in turn (each step, then the competency tab), and back on Home,

and then what the kernel has imported: modules by top-level package (`sys.modules`, asked over
the kernel's own connection file once the figures are taken). With --trace the kernels start
under tracemalloc (`PYTHONTRACEMALLOC`, which itself costs memory: its figures are for
attribution, not for the target) and the largest holders by package are printed.

Target (issue 22): <= 90 MB RSS per trainee kernel after the page is built and every step visited.

    .venv/bin/python benchmarks/kernel_memory.py [--trace] [--top 25]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from _figures import FLOOR_BUTTON, answering, floor_notebook, verdict  # noqa: I001 - benchmarks/ is on sys.path when run

from kamkit.demo import seed_demo
from kamkit.server import NOTEBOOKS, WORKBOOK
from kamkit.store import Store

CHROMIUM = os.environ.get("KAMKIT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
FLOOR = "floor.ipynb"
TRAINEE, COMPLETE = "Ana Costa", "Nordwind Logistics"
TARGET_MB = 90
MB = 2**20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed(db: str) -> str:
    """The demo store; her complete account made the one she worked on last. Her token."""
    with Store(db) as store:
        tokens = seed_demo(store)
        trainee = next(t for t in store.list_trainees() if t.name == TRAINEE)
        account = next(a for a in store.list_accounts(trainee.id) if a.name == COMPLETE)
        for step in ("profile", "stakeholders", "relationship", "opportunities",
                     "account_plan"):
            store.get_document(account.id, step)  # raises if the demo left one out
        store.save_account(account)  # the most recently worked on: the page opens on it
    return tokens[TRAINEE]


class Served:
    """`kamkit serve --pool 1` on kamkit's notebooks and the floor, on a free port."""

    def __init__(self, home: Path, trace: bool) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        db = f"sqlite:///{home / 'kamkit.db'}"
        self.token = _seed(db)
        notebooks = home / "notebooks"
        shutil.copytree(NOTEBOOKS, notebooks)
        floor_notebook(notebooks / FLOOR)
        env = dict(os.environ, KAMKIT_HOME=str(home), KAMKIT_DB_URL=db)
        if trace:
            env["PYTHONTRACEMALLOC"] = "1"
        cmd = [str(Path(sys.executable).parent / "kamkit"), "serve", "--host", "127.0.0.1",
               "--port", str(self.port), "--access", "links", "--pool", "1",
               "--notebooks", str(notebooks)]
        self.log_path = home / "serve.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        answering(self.url, "kamkit serve")

    def kernels(self) -> dict[int, psutil.Process]:
        found = {}
        for p in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                if "kamkit.kernel" in " ".join(p.cmdline()):
                    found[p.pid] = p
            except psutil.Error:  # a kernel shutting down (a page left)
                pass
        return found

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def quiet(procs: list[psutil.Process], timeout: float = 120) -> None:
    """Until these processes use (almost) no CPU for a second."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            p.cpu_percent()
        time.sleep(1.0)
        if sum(p.cpu_percent() for p in procs) < 3:
            return
    raise RuntimeError("the kernels did not settle")


def new_kernel(srv: Served, before: set[int], timeout: float = 120) -> psutil.Process:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fresh = [p for pid, p in srv.kernels().items() if pid not in before]
        if fresh:
            return min(fresh, key=lambda p: p.create_time())
        time.sleep(0.2)
    raise RuntimeError("no new kernel started")


def memory(p: psutil.Process) -> tuple[float, float]:
    info = p.memory_full_info()
    return info.rss / MB, info.uss / MB


def line(name: str, p: psutil.Process, floor: float | None = None) -> float:
    rss, uss = memory(p)
    extra = f"   (+{rss - floor:5.1f} MB over the floor)" if floor is not None else ""
    print(f"  {name:<44} RSS {rss:6.1f} MB   USS {uss:6.1f} MB{extra}", flush=True)
    return rss


# The workbook's tabs, and what shows that each one's content is on screen
TABS = [("1. Account profile", "Profile complete"),
        ("2. Stakeholder map", "svg.kk-grid"),
        ("3. Relationship score", "Evidence score"),
        ("4. Opportunities", "The answers suggest"),
        ("5. Account plan", "What the plan should look at"),
        ("Competencies", "Your competencies"),
        ("Home", "Your progress")]


def _shown(page, what: str) -> str:
    """Wait until the tab's content shows; '' when it does, else a note (the page's "could not
    be drawn" bar is a known rendering fault, apart from memory: the kernel built the view)."""
    target = page.locator(what) if what.startswith("svg") else page.get_by_text(what)
    try:
        target.locator("visible=true").first.wait_for(timeout=30_000)
        return ""
    except Exception:
        page.screenshot(path="/tmp/kernel-memory-tab.png", full_page=True)
        return f"   ({what!r} not drawn: /tmp/kernel-memory-tab.png)"


_MODULES = """
import json as _j, sys as _s, collections as _c
_n = _c.Counter(m.split('.')[0] for m in list(_s.modules))
print(_j.dumps({'total': len(_s.modules), 'packages': _n.most_common()}))
"""

_TRACE = """
import json as _j, sys as _s, tracemalloc as _t, collections as _c
_by = _c.Counter()
for _st in _t.take_snapshot().statistics('filename'):
    _f = _st.traceback[0].filename
    _k = _f.split('site-packages/')[-1].split('/')[0] if 'site-packages/' in _f else (
        'kamkit' if '/kamkit/' in _f else _f.rsplit('/lib/python', 1)[-1].split('/')[1]
        if '/lib/python' in _f else _f)
    _by[_k] += _st.size
print(_j.dumps({'total': sum(_by.values()), 'by': _by.most_common(40)}))
"""


def ask_kernel(p: psutil.Process, code: str) -> dict:
    """Run `code` in the kernel over its own connection file; its printed JSON."""
    from jupyter_client import BlockingKernelClient

    cmd = p.cmdline()
    client = BlockingKernelClient(connection_file=cmd[cmd.index("-f") + 1])
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=30)
        out: list[str] = []
        client.execute_interactive(code, silent=False, store_history=False, timeout=60,
                                   output_hook=lambda m: out.append(m["content"].get("text", ""))
                                   if m["msg_type"] == "stream" else None)
        return json.loads("".join(out))
    finally:
        client.stop_channels()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trace", action="store_true",
                    help="kernels under tracemalloc: who holds the memory, by package")
    ap.add_argument("--top", type=int, default=25, help="packages listed (default 25)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        srv = Served(Path(tmp), args.trace)
        try:
            # the pre-heated workbook kernel has run its notebook and waits for a request
            deadline = time.monotonic() + 120
            while not srv.kernels() and time.monotonic() < deadline:
                time.sleep(0.5)
            quiet(list(srv.kernels().values()))
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.set_default_timeout(120_000)

                pre_heated = set(srv.kernels())
                waiting = next(iter(srv.kernels().values()))
                page.goto(f"{srv.url}/voila/render/{FLOOR}?t={srv.token}")
                page.get_by_role("button", name=FLOOR_BUTTON).wait_for()
                floor_kernel = new_kernel(srv, pre_heated)
                quiet([floor_kernel])
                print("Kernel memory, kamkit serve (one page per kernel), MB:")
                floor = line("floor: one-button notebook", floor_kernel)
                floor_modules = ask_kernel(floor_kernel, _MODULES)
                floor_held = ask_kernel(floor_kernel, _TRACE) if args.trace else None

                # the workbook: the pre-heated kernel (there before the request) serves it
                line("workbook: pre-heated, waiting for a request", waiting, floor)
                page.goto(f"{srv.url}/voila/render/{WORKBOOK}?t={srv.token}")
                page.get_by_text(f"Hello, {TRAINEE}").wait_for()
                page.locator("button:has-text('Resume where you left off'):enabled").wait_for()
                kernel = waiting
                line("workbook: page greets the trainee", kernel, floor)
                time.sleep(5)  # a person reads the Home tab; a page may build in the background
                quiet([kernel])
                line("workbook: 5 s later, quiet", kernel, floor)
                for tab, shows in TABS:
                    page.get_by_role("tab", name=tab, exact=True).click()
                    note = _shown(page, shows)
                    quiet([kernel])
                    last = line(f"  after visiting {tab}", kernel, floor)
                    if note:
                        print(note)
                verdict("trainee kernel RSS, every tab visited", f"<= {TARGET_MB} MB",
                        f"{last:.1f} MB (floor {floor:.1f} MB)", last <= TARGET_MB)

                modules = ask_kernel(kernel, _MODULES)
                print(f"\nImported modules: workbook kernel {modules['total']}, floor kernel "
                      f"{floor_modules['total']}; top-level packages the workbook adds "
                      "(modules each):")
                floor_pkgs = dict(floor_modules["packages"])
                added = [(k, n - floor_pkgs.get(k, 0)) for k, n in modules["packages"]
                         if n > floor_pkgs.get(k, 0)]
                added.sort(key=lambda kn: -kn[1])
                print("  " + ", ".join(f"{k} {n}" for k, n in added[:args.top]))
                if args.trace:
                    held = ask_kernel(kernel, _TRACE)
                    fh = dict(floor_held["by"])  # type: ignore[index]
                    print(f"\nPython allocations (tracemalloc): workbook {held['total'] / MB:.1f}"
                          f" MB, floor {floor_held['total'] / MB:.1f} MB; by package, workbook "
                          "(floor):")
                    for k, size in held["by"][:args.top]:
                        print(f"  {k:<40} {size / MB:6.2f} MB  ({fh.get(k, 0) / MB:5.2f})")
                context.close()
                browser.close()
        finally:
            srv.stop()


if __name__ == "__main__":
    main()
