"""Widget tests: the app driven without a browser."""

from __future__ import annotations

import pytest

from kamkit.ui import workbook


@pytest.fixture(autouse=True)
def quiet_machine(monkeypatch):
    """The workbook's background build waits while the machine is busy (`machine_busy`): here
    it is never taken to be, whatever else runs on the machine - a test says so when it is."""
    monkeypatch.setattr(workbook, "machine_busy", lambda: False)
