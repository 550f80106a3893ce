"""Widget tests: the app driven without a browser."""

from __future__ import annotations

import pytest

from kamkit.ui import workbook


@pytest.fixture(autouse=True)
def quiet_machine(monkeypatch):
    """The workbook's background build waits while the machine is busy (`machine_busy`): here
    it is never taken to be, whatever else runs on the machine - a test says so when it is."""
    monkeypatch.setattr(workbook, "machine_busy", lambda: False)


@pytest.fixture
def second_fill_fails(monkeypatch):
    """`second_fill_fails(RowClass)`: the second row of that class to be filled raises a bug (a
    row half-built); `monkeypatch.undo()` mends it."""
    def breaking(cls: type) -> None:
        fill, calls = cls.fill, []

        def broken(row, item):
            calls.append(item)
            if len(calls) == 2:
                raise RuntimeError("a bug")
            fill(row, item)

        monkeypatch.setattr(cls, "fill", broken)

    return breaking
