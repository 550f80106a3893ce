"""Real kamkit servers for the test layers that need one (server, browser): `kamkit serve` and
`kamkit review` on free loopback ports, started and stopped by the test, with their logs."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import kamkit

ROOT = Path(__file__).resolve().parents[1]


def loopback(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in ("127.0.0.1",
                                                                          "localhost")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, home: Path, notebooks: Path) -> None:
        self.home = home
        self.db = f"sqlite:///{home / 'kamkit.db'}"
        self.notebooks = notebooks
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, KAMKIT_HOME=str(home), KAMKIT_DB_URL=self.db)
        self.proc: subprocess.Popen | None = None
        self.log_path = home / "server.log"

    @property
    def served_root(self) -> Path:
        """The folder Voila really serves: kamkit serve's copy of the trainee notebooks."""
        return self.home / "run" / f"serve-{self.port}" / "notebooks"

    def kamkit(self, *args: str) -> str:
        return subprocess.run([sys.executable, "-m", "kamkit.cli", *args], env=self.env,
                              capture_output=True, text=True, check=True, timeout=120).stdout

    def personal_links(self, *names: str, cohort: str = "Test cohort") -> dict[str, str]:
        """New workshop trainees, as a facilitator adds them: name -> personal link."""
        out = self.kamkit("--db", self.db, "cohort", "add", *names, "--cohort", cohort,
                          "--base-url", self.url)
        return dict(line.split("\t") for line in out.strip().splitlines())

    def command(self) -> list[str]:
        return ["serve", "--port", str(self.port), "--pool", "1", "--notebooks",
                str(self.notebooks)]

    def start(self) -> None:
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kamkit.cli", *self.command()],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kamkit serve exited: {self.logs()}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"kamkit serve did not answer in 120 s: {self.logs()}")

    def logs(self) -> str:
        """The end of the log, for a failure message."""
        return self.full_log()[-4000:]

    def full_log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        # what the server said while serving; kernels torn down at shutdown may complain after
        self.served_log = self.log_path.read_text()
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


class ReviewServer(Server):
    """`kamkit review` on the same store as a trainee server, with a known token."""

    token = "review-token-for-tests-0123456789"

    def __init__(self, trainee_server: Server) -> None:
        super().__init__(trainee_server.home, trainee_server.notebooks)
        self.log_path = self.home / "review.log"

    def command(self) -> list[str]:
        return ["review", "--port", str(self.port), "--token", self.token,
                "--reviewer", "Mia Berg"]

    @property
    def dashboard(self) -> str:
        return f"{self.url}/voila/render/00_dashboard.ipynb"


# A reply written to a page already gone, as tornado's or asyncio's loop logs it.
_PAGE_GONE = re.compile(
    r"Exception in callback [^\n]*\n(?:handle: [^\n]*\n)?Traceback \(most recent call last\):\n"
    r"(?:[ \t][^\n]*\n)+tornado\.websocket\.WebSocketClosedError\n?")
_RELAYED = "/jupyter_server/services/kernels/connection/channels.py"


def unexplained(logs: str) -> str:
    """What in a server's log fails a layer: a handler's exception (only logged, by ipywidgets,
    as "Exception in callback") or any traceback through kamkit's code. A kernel's reply
    that jupyter_server relays to a page already closed ends in WebSocketClosedError: the
    server's, not ours (_PAGE_GONE). Tracebacks through neither kamkit nor a callback (Voila
    shutting a closed page's kernel down while it is blocked in zmq: "Socket operation on
    non-socket") pass. Returns the first part that fails, or ""."""
    package = str(Path(kamkit.__file__).parent) + "/"
    logs = _PAGE_GONE.sub(lambda m: "" if _RELAYED in m.group(0) and package not in m.group(0)
                          else m.group(0), logs)
    for block in logs.split("Traceback (most recent call last)")[1:]:
        if package in block.split("\n[")[0]:
            return block[:4000]
    at = logs.find("Exception in callback")
    return logs[at:at + 4000] if at >= 0 else ""


def check_logs(srv: Server) -> None:
    found = unexplained(srv.served_log)
    assert not found, found


def on_demo_store(tmp_path_factory, kind: type[Server] = Server, name: str = "served") -> Server:
    """A server of `kind` (not started yet) on a fresh demo store, serving a copy of kamkit's
    whole notebook folder - the manager's pages included: kamkit serve must leave those out by
    itself."""
    home = tmp_path_factory.mktemp(name)
    notebooks = tmp_path_factory.mktemp(f"{name}-notebooks")
    shutil.copytree(ROOT / "notebooks", notebooks, dirs_exist_ok=True)
    srv = kind(home, notebooks)
    srv.kamkit("--db", srv.db, "demo")  # creates the store
    return srv


@contextlib.contextmanager
def serving(srv: Server):
    """`srv` started, then stopped; what it logged while serving is checked at the end."""
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()
    check_logs(srv)
