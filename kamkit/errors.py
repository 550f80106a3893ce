"""The few named errors kamkit raises, each carrying a message a trainee or facilitator can read.

Code that catches these at a view boundary shows `str(error)` next to the field it concerns
(`error.field`, when known). Anything that is not a `KamkitError` is a bug: it is logged, and the
page says only that something went wrong and that the work typed so far is kept.
"""

from __future__ import annotations

__all__ = [
    "KamkitError",
    "InvalidInput",
    "ContentError",
    "NotFound",
    "AccessDenied",
    "ImportRefused",
    "SaveFailed",
    "OutOfDate",
    "StoreUnreadable",
    "one_line",
]


def one_line(exc: BaseException, most: int = 160) -> str:
    """An error's reason as one short line for a terminal: a database error's own message (not
    SQLAlchemy's statement and background link), its first line, at most `most` characters."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (lines[0] if lines else repr(exc))[:most]


class KamkitError(Exception):
    """Base of every error kamkit raises on purpose. The message is written for people."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class InvalidInput(KamkitError):
    """A value a person entered breaks a rule ("Influence must be between 1 and 5, got 7")."""

    def __init__(self, message: str, *, field: str | None = None,
                 problems: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message, field=field)
        #: every (field, message) pair found, so a form can mark all of them at once
        self.problems = problems or ([(field, message)] if field else [])


class ContentError(KamkitError):
    """A framework content file is broken: says which file, which field, and why."""

    def __init__(self, path: str, field: str, reason: str) -> None:
        super().__init__(f"{path}: {field}: {reason}", field=field)
        self.path = path
        self.reason = reason


class NotFound(KamkitError):
    """Asked for a trainee, account or document that is not in the store."""


class AccessDenied(KamkitError):
    """The page cannot tell who is looking, or the link is not (or no longer) valid."""


class ImportRefused(KamkitError):
    """A workbook file could not be imported; nothing in the store was changed."""


class SaveFailed(KamkitError):
    """The store could not keep a change (disk full, read-only, locked too long)."""


class OutOfDate(KamkitError):
    """A save from a page that no longer shows the latest version: it was kept in the history,
    marked as out of date, and not made the current version (`version` is its number) - or,
    when someone was erased from the account since the page opened, not kept at all (`version`
    is None). Also a manager's review of a version the trainee has saved over since: not kept
    (`version` is the trainee's version now)."""

    def __init__(self, message: str, version: int | None) -> None:
        super().__init__(message)
        self.version = version


class StoreUnreadable(KamkitError):
    """The store's database cannot be read as a kamkit store (an empty or damaged file, or not
    a database at all); nothing was written to it."""
