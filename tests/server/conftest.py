"""A real `kamkit serve` for a workshop (personal links required) and a real `kamkit review`,
spoken to as a script or an attacker would: plain HTTP and websockets, no browser."""

from __future__ import annotations

import pytest

from tests.servers import ReviewServer, Server, on_demo_store, serving

UNCONNECTED_AFTER = 3  # seconds; the default is two minutes


class WorkshopServer(Server):
    """Links required, one pre-heated page, and pages that never connect reclaimed fast."""

    def command(self) -> list[str]:
        return [*super().command(), "--access", "links",
                "--unconnected-after", str(UNCONNECTED_AFTER)]


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    with serving(on_demo_store(tmp_path_factory, WorkshopServer, "workshop-home")) as srv:
        yield srv


@pytest.fixture(scope="module")
def review(workshop):
    with serving(ReviewServer(workshop)) as srv:
        yield srv
