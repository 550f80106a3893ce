"""kamkit as a user installs it: a wheel built from this repository, installed into a fresh
virtual environment (no editable install, no checkout on the path), seeds its demo and serves the
workbook and an exercise notebook - from the files the package carries."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _clean_env() -> dict[str, str]:
    """This environment without kamkit's settings or a Python path that could reach the
    checkout: the installed package must stand on its own."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("KAMKIT_", "PYTHON"))}


def _run(*cmd: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env or _clean_env(), capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(cmd)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, deadline: float, log: Path) -> str:
    """The page's text once the server is up (a page waits for its kernel first). An answer
    other than 200 fails at once, with the server's log."""
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                return response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"{url}: HTTP {exc.code}\n{log.read_text()[-3000:]}") from None
        except (urllib.error.URLError, ConnectionError) as exc:  # not listening yet
            last = exc
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer: {last}\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with kamkit installed from a wheel of this repository."""
    work = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work / "dist"),
         str(ROOT), cwd=work)
    wheel = next((work / "dist").glob("kamkit-*.whl"))
    _run(sys.executable, "-m", "venv", str(work / "venv"), cwd=work)
    python = work / "venv" / "bin" / "python"
    _run(str(python), "-m", "pip", "install", "--quiet", str(wheel), cwd=work)
    return work, python


def test_the_wheel_is_not_the_checkout(installed):
    work, python = installed
    where = _run(str(python), "-c", "import kamkit, pathlib; print(pathlib.Path(kamkit.__file__)"
                 ".resolve().parent)", cwd=work).strip()
    assert Path(where).is_relative_to(work / "venv") and not Path(where).is_relative_to(ROOT)
    steps = _run(str(work / "venv" / "bin" / "kamkit"), "steps", cwd=work)
    assert "1. Account profile\tkamkit.steps.profile:STEP (kamkit)" in steps


def test_an_installed_kamkit_seeds_its_demo_and_serves_the_workbook_and_exercises(installed):
    work, python = installed
    home = work / "home"
    env = _clean_env()
    env |= {"KAMKIT_HOME": str(home), "PATH": f"{work / 'venv' / 'bin'}:{env['PATH']}"}
    kamkit = str(work / "venv" / "bin" / "kamkit")
    assert "seeded the 'Demo workshop' cohort" in _run(kamkit, "demo", cwd=work, env=env)
    port = _free_port()
    log = open(work / "serve.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen([kamkit, "serve", "--port", str(port), "--pool", "1"], cwd=work,
                              env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        base = f"http://127.0.0.1:{port}/voila/render"
        page = _get(f"{base}/00_workbook.ipynb", deadline, work / "serve.log")
        assert "<title>00_workbook</title>" in page and "widget-view+json" in page
        # an exercise's link opens in the workbook's pre-heated kernel, on that exercise
        exercise = _get(f"{base}/exercises/01_halden.ipynb", deadline, work / "serve.log")
        assert "<title>00_workbook</title>" in exercise
        with urllib.request.urlopen(f"{base}/exercises/01_halden.ipynb", timeout=120) as answer:
            assert answer.url == f"{base}/00_workbook.ipynb?exercise=halden"
        served = (work / "serve.log").read_text()  # before the shutdown, whose races are not ours
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    assert "Traceback" not in served and " 500 " not in served
