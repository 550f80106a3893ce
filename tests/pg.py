"""A PostgreSQL schema of a test's own: the store tests that need PostgreSQL get an empty schema
in the database of KAMKIT_TEST_PG_URL (its URL names it on the search path), dropped afterwards -
so they never meet another test's tables, even when two test runs share the database.

Without KAMKIT_TEST_PG_URL the test is skipped, or fails where KAMKIT_REQUIRE_PG is set (CI)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url
from sqlalchemy.pool import NullPool

PG_URL = os.environ.get("KAMKIT_TEST_PG_URL")


def require_pg() -> str:
    """The test database's URL, or skip (fail under KAMKIT_REQUIRE_PG)."""
    if not PG_URL:
        if os.environ.get("KAMKIT_REQUIRE_PG"):
            pytest.fail("KAMKIT_REQUIRE_PG is set but KAMKIT_TEST_PG_URL is not")
        pytest.skip("no PostgreSQL here: set KAMKIT_TEST_PG_URL (CI does)")
    return PG_URL


def in_schema(url: str, schema: str, timezone: str | None = None, **query: str) -> str:
    """`url` with `schema` first on its search path (and any other connection parameters)."""
    options = f"-csearch_path={schema}" + (f" -ctimezone={timezone}" if timezone else "")
    parsed = make_url(url).update_query_dict({"options": options, **query})
    return parsed.render_as_string(hide_password=False)


@contextmanager
def admin() -> Iterator:
    """A plain connection to the test database, outside any schema of a test."""
    engine = create_engine(require_pg(), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


@contextmanager
def fresh_schema(timezone: str | None = None, **query: str) -> Iterator[str]:
    """The URL of a new, empty schema (dropped, with all in it, afterwards); its sessions in
    `timezone`, if given (a server's default need not be UTC)."""
    name = f"kk_test_{secrets.token_hex(5)}"
    with admin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
        conn.commit()
    try:
        yield in_schema(require_pg(), name, timezone, **query)
    finally:
        with admin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
            conn.commit()

