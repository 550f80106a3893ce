"""`one_line`: an error's reason as one short line for a terminal."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import OperationalError

from kamkit.errors import one_line


def test_a_database_error_is_its_own_message_not_sqlalchemys_statement():
    exc = OperationalError("INSERT INTO figures ...", {}, sqlite3.OperationalError(
        "database or disk is full"))
    assert "[SQL:" in str(exc)
    assert one_line(exc) == "database or disk is full"


def test_the_first_line_cut_short_and_an_empty_message_named():
    assert one_line(OSError("disk full\nand more")) == "disk full"
    assert one_line(ValueError("x" * 500), most=20) == "x" * 20
    assert one_line(KeyError()) == "KeyError()"
