"""A real JupyterHub on loopback, configured by `kamkit hub-config` (the fixtures are in
conftest.py).

The hub runs the generated jupyterhub_config.py as written; the test's own config loads it and
adds only what a test machine needs: free loopback ports, a password every test user signs in
with (JupyterHub's shared-password authenticator), every server run by the local process
spawner as this user (SimpleLocalProcessSpawner: the tests run as root, with no system users),
and the manager put in the managers' group, as a hub admin would. The store is the CI
PostgreSQL (a schema of its own per run); without KAMKIT_TEST_PG_URL a SQLite file - unless
KAMKIT_REQUIRE_PG is set, which fails the layer instead. A missing Chromium or
configurable-http-proxy fails the layer too: it is never skipped."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.servers import ROOT, free_port

CHROMIUM = os.environ.get("KAMKIT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "hub-test-password"  # the shared-password authenticator's, for every test user
MANAGER = "mia"

_TEST_CONFIG = """\
# The test machine's additions to the config `kamkit hub-config` wrote (loaded first, unchanged).
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
c.Spawner.poll_interval = 2  # a server that died is noticed at once
# the kamkit under test, wherever it is checked out
c.Spawner.environment["PYTHONPATH"] = {root!r}
for service in c.JupyterHub.services:
    service["environment"] = dict(service.get("environment", {{}}), PYTHONPATH={root!r},
                                  KAMKIT_HOME="{work}/service-{{}}".format(service["name"]))
    if service["name"] == "kamkit-review":
        service["url"] = "http://127.0.0.1:{review}"
# as a hub admin would: the manager in the managers' group
c.JupyterHub.load_groups = {{"kamkit-managers": {{"users": [{manager!r}]}}}}
"""


class Hub:
    """`jupyterhub -f` the generated config (plus the test's), on free loopback ports."""

    def __init__(self, work: Path, db_url: str) -> None:
        self.work = work
        self.db_url = db_url
        self.port, self.review_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = work / "hub.log"
        generated = work / "jupyterhub_config.py"
        subprocess.run([sys.executable, "-m", "kamkit.cli", "hub-config", "--output",
                        str(generated), "--db-url", db_url], check=True, capture_output=True,
                       timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        self.generated = generated
        self.config = work / "test_config.py"
        self.config.write_text(_TEST_CONFIG.format(
            generated=str(generated), public=self.port, hub=free_port(),
            proxy_api=free_port(), review=self.review_port, work=work, password=PASSWORD,
            root=str(ROOT), manager=MANAGER))
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        hub = shutil.which("jupyterhub", path=str(Path(sys.executable).parent)) \
            or shutil.which("jupyterhub")
        if hub is None or shutil.which("configurable-http-proxy") is None:
            pytest.fail("JupyterHub and configurable-http-proxy are needed: pip install "
                        "'kamkit[hub]' and npm install -g configurable-http-proxy (.ci/run does)")
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([hub, "-f", str(self.config)], cwd=self.work,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterHub exited: {self.logs()}")
            if "JupyterHub is now running" in self.log_path.read_text(errors="replace"):
                return
            time.sleep(0.3)
        raise RuntimeError(f"JupyterHub did not start in 180 s: {self.logs()}")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def servers_of(self, user: str) -> list[psutil.Process]:
        """The processes of `user`'s kamkit server: Voila and its kernels."""
        home = str(self.work / "home" / user) + "/"
        found = [p for p in psutil.process_iter(["cmdline"])
                 if "kamkit.voila_app" in (p.info["cmdline"] or [])
                 and any(home in part for part in p.info["cmdline"] or [])]
        return [q for p in found for q in [p, *p.children(recursive=True)]]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the hub stops its servers and services
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        # anything of this run the hub could not stop (each has a session of its own)
        mine = str(self.work)
        for proc in psutil.process_iter(["cmdline", "environ"]):
            places = [*(proc.info["cmdline"] or []), *(proc.info["environ"] or {}).values()]
            if any(mine in place for place in places):
                with contextlib.suppress(psutil.Error):
                    proc.kill()
        self.log.close()
        self.served_log = self.log_path.read_text(errors="replace")



def get(url: str, cookies: str = "") -> tuple[int, str, str]:
    """A plain HTTP GET, no redirect followed: (status, Location, body)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    request = urllib.request.Request(url, headers={"Cookie": cookies} if cookies else {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as resp:
            return resp.status, resp.headers.get("Location", ""), resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", ""), exc.read().decode("utf-8", "replace")
