"""What a request without a valid personal link costs a workshop server (issue 16, finding 1):
before, every such GET started a kernel (26 bare GETs: 26 kernels, 3.1 GB); now it is refused
before any kernel.

Starts `kamkit serve --access links --pool 1` on a demo store and prints:
- the refusal's latency (median, p95) over --refusals GETs without a link or with a wrong one,
  against a page that opens (the workbook's HTML fetched with a valid link) in the same run;
- the server's memory (its process and every kernel) before and after --burst bare GETs, and
  the kernels started by them.

    .venv/bin/python benchmarks/gate.py [--refusals 200] [--burst 26]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
from _figures import report  # noqa: I001 - benchmarks/ is on sys.path when run

PAGE = "/voila/render/00_workbook.ipynb"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - started


def _family(pid: int) -> tuple[int, int]:
    """(kernels, resident MB) of the server and everything it started."""
    root = psutil.Process(pid)
    procs = [root, *root.children(recursive=True)]
    kernels = sum(1 for p in procs[1:] if "kernel" in " ".join(p.cmdline()))
    return kernels, sum(p.memory_info().rss for p in procs) // (1024 * 1024)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--refusals", type=int, default=200)
    parser.add_argument("--burst", type=int, default=26)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="kamkit-gate-"))
    port = _free_port()
    env = dict(os.environ, KAMKIT_HOME=str(home), KAMKIT_DB_URL=f"sqlite:///{home / 'kamkit.db'}")
    kamkit = [sys.executable, "-m", "kamkit.cli"]
    subprocess.run([*kamkit, "demo"], env=env, check=True, capture_output=True)
    link = subprocess.run([*kamkit, "cohort", "add", "Gate Bench", "--base-url",
                           f"http://127.0.0.1:{port}"], env=env, check=True, capture_output=True,
                          text=True).stdout.split("\t")[1].strip()
    server = subprocess.Popen([*kamkit, "serve", "--port", str(port), "--pool", "1", "--access",
                               "links"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                _get(url + "/")
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(20)  # the pre-heated page starts; then nothing else is starting
        before = _family(server.pid)
        for _ in range(args.burst):
            _get(url + PAGE)
        time.sleep(2)
        after = _family(server.pid)
        refused = []
        for i in range(args.refusals):
            status, seconds = _get(url + PAGE + ("" if i % 2 else "?t=not-a-link"))
            assert status == 403, status
            refused.append(seconds)
        opened = []
        for _ in range(5):
            status, seconds = _get(link)
            assert status == 200, status
            opened.append(seconds)
        report("page that opens (valid link, HTML)", opened)
        report("refused request (no or wrong link)", refused)
        print(f"{args.burst} bare GETs: kernels {before[0]} -> {after[0]}, server and kernels "
              f"{before[1]} MB -> {after[1]} MB")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
