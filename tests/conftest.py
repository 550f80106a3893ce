"""Shared fixtures. Every test gets a private KAMKIT_HOME, so nothing touches a real ~/.kamkit,
and fails if ipywidgets logged an exception swallowed from a callback."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from kamkit.frameworks import default_framework
from kamkit.store import Store


class _CallbackErrors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if "Exception in callback" in text or record.name.startswith("kamkit.ui"):
            self.records.append(record)


@pytest.fixture(autouse=True)
def no_swallowed_callback_errors():
    """ipywidgets only logs exceptions raised in handlers; make them fail the test."""
    handler = _CallbackErrors()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    assert not handler.records, [r.getMessage() for r in handler.records]


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    home = tmp_path / "kamkit-home"
    monkeypatch.setenv("KAMKIT_HOME", str(home))
    monkeypatch.delenv("KAMKIT_DB_URL", raising=False)
    monkeypatch.delenv("KAMKIT_CONTENT", raising=False)
    monkeypatch.delenv("KAMKIT_ACCESS", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    return home


@pytest.fixture
def store():
    with Store("sqlite:///:memory:") as s:
        yield s


@pytest.fixture
def framework():
    return default_framework()


@pytest.fixture
def today():
    return dt.date(2026, 11, 23)


@pytest.fixture
def left_behind(store):
    """An account whose profile has versions 1 ("first") and 2 ("current"), and a version 3
    ("left behind") saved from a page that still showed version 1: (trainee, account)."""
    from kamkit.errors import OutOfDate

    ann = store.add_trainee("Ann")
    acme = store.add_account(ann.id, "Acme")
    store.save_document(acme.id, "profile", {"industry": "first"}, based_on=0)
    store.save_document(acme.id, "profile", {"industry": "current"}, based_on=1)
    with pytest.raises(OutOfDate):
        store.save_document(acme.id, "profile", {"industry": "left behind"}, based_on=1)
    return ann, acme
