"""A real `kamkit serve` for a workshop (personal links required) and a real `kamkit review`,
spoken to as a script or an attacker would: plain HTTP and websockets, no browser."""

from __future__ import annotations

import shutil

import pytest

from tests.servers import ROOT, ReviewServer, Server, check_logs

UNCONNECTED_AFTER = 3  # seconds; the default is two minutes


class WorkshopServer(Server):
    """Links required, one pre-heated page, and pages that never connect reclaimed fast."""

    def command(self) -> list[str]:
        return [*super().command(), "--access", "links",
                "--unconnected-after", str(UNCONNECTED_AFTER)]


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    home = tmp_path_factory.mktemp("workshop-home")
    notebooks = tmp_path_factory.mktemp("workshop-notebooks")
    shutil.copytree(ROOT / "notebooks", notebooks, dirs_exist_ok=True)
    srv = WorkshopServer(home, notebooks)
    srv.kamkit("--db", srv.db, "demo")
    srv.start()
    yield srv
    srv.stop()
    check_logs(srv)


@pytest.fixture(scope="module")
def review(workshop):
    srv = ReviewServer(workshop)
    srv.start()
    yield srv
    srv.stop()
    check_logs(srv)
