"""Every `KAMKIT_*` setting in one place: its name, its default and a line of help.

`Settings.from_env()` reads them once (from `os.environ`, or a mapping a test or a page passes in);
code receives the object, or calls `current()` at its entry point, and never reads a `KAMKIT_*`
variable itself. `kamkit settings` prints the effective values, secrets masked.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from kamkit.errors import InvalidInput

__all__ = ["Settings", "SETTINGS", "current", "child_env", "SECRETS"]

# name -> (environment variable, default shown in help, help). The order is the README's.
SETTINGS: dict[str, tuple[str, str, str]] = {
    "home": ("KAMKIT_HOME", "~/.kamkit",
             "the data folder: the SQLite store, run files, demo links"),
    "db_url": ("KAMKIT_DB_URL", "sqlite:///<home>/kamkit.db",
               "the store as an SQLAlchemy URL (PostgreSQL: postgresql+psycopg://…)"),
    "db_pool": ("KAMKIT_DB_POOL", "2",
                "the most connections one kamkit process keeps open to a database server "
                "(PostgreSQL): a single-user server (its Voila and its kernel) holds at most "
                "twice this; 0 keeps none (one per transaction, e.g. behind PgBouncer)"),
    "content": ("KAMKIT_CONTENT", "kamkit's own content",
                "a folder of framework content files (YAML) to use instead of kamkit's"),
    "cases": ("KAMKIT_CASES", "kamkit's own cases",
              "a folder of case studies (one folder per case), added to kamkit's (a case "
              "with the id of one of kamkit's replaces it)"),
    "access": ("KAMKIT_ACCESS", "personal",
               "who may open the workbook: 'personal' (this machine's user) or 'links' "
               "(personal links only; `kamkit serve` sets it from --access)"),
    "role": ("KAMKIT_ROLE", "(none)",
             "'review' on the review server, which `kamkit review` sets; pages of the manager "
             "open only there"),
    "reviewer": ("KAMKIT_REVIEWER", "(your user name)",
                 "the name the review server signs reviews with (`kamkit review --reviewer`)"),
    "review_token": ("KAMKIT_REVIEW_TOKEN", "(a new random token)",
                     "the review server's access token, if not given with --token"),
    "query_key": ("KAMKIT_QUERY_KEY", "(a new key per server)",
                  "set by kamkit's Voila for the kernels it starts: the key with which they "
                  "fetch the request they serve"),
    "strict": ("KAMKIT_STRICT", "off",
               "test runs: a bug while a page opens fails the run instead of becoming a "
               "polite message"),
    "retention_days": ("KAMKIT_RETENTION_DAYS", "off (every version kept)",
                       "saved versions older than this many days are pruned to the latest of "
                       "each step, except versions a review points at (`kamkit prune`; also "
                       "when `kamkit serve` and `kamkit review` start)"),
}
SECRETS = {"review_token", "query_key"}


@dataclass(frozen=True)
class Settings:
    """The effective settings. Empty values mean "use the default"."""

    home: Path
    db_url: str
    db_pool: int = 2
    content: str | None = None
    cases: str | None = None
    access: str = "personal"
    role: str | None = None
    reviewer: str | None = None
    review_token: str | None = None
    query_key: str | None = None
    strict: bool = False
    retention_days: int | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(SETTINGS[name][0], "")
            return value.strip() or None

        home = Path(get("home") or Path.home() / ".kamkit").expanduser()
        access = get("access") or "personal"
        return cls(
            home=home,
            db_url=get("db_url") or f"sqlite:///{home / 'kamkit.db'}",
            db_pool=_pool(get("db_pool")),
            content=get("content"),
            cases=get("cases"),
            access=access,
            role=get("role"),
            reviewer=get("reviewer"),
            review_token=get("review_token"),
            query_key=get("query_key"),
            strict=(get("strict") or "").lower() not in ("", "0", "false", "no", "off"),
            retention_days=_days(get("retention_days")),
        )

    def shown(self) -> list[tuple[str, str, str, str]]:
        """(variable, effective value, default, help) for each setting, secrets masked."""
        out = []
        for f in fields(self):
            variable, default, text = SETTINGS[f.name]
            value = getattr(self, f.name)
            if f.name in SECRETS and value:
                value = "****"
            elif f.name == "db_url":  # a database URL may carry a password
                value = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1****@", str(value))
            out.append((variable, "" if value is None else str(value), default, text))
        return out


def _days(value: str | None) -> int | None:
    if value is None or value.lower() in ("off", "0"):
        return None
    if not value.isdigit():
        raise InvalidInput(f"{SETTINGS['retention_days'][0]} must be a whole number of days "
                           f"(or off), got '{value}'.", field="retention_days")
    return int(value)


def _pool(value: str | None) -> int:
    if value is None:
        return 2
    if not value.isdigit() or int(value) > 50:
        raise InvalidInput(f"{SETTINGS['db_pool'][0]} must be a number of connections from 0 "
                           f"to 50, got '{value}'.", field="db_pool")
    return int(value)


def child_env(base: Mapping[str, str], **values: str | None) -> dict[str, str]:
    """`base` (an environment) with settings set for a child process, by setting name
    (`child_env(os.environ, access="links")`); None removes a setting."""
    env = dict(base)
    for name, value in values.items():
        variable = SETTINGS[name][0]
        if value is None:
            env.pop(variable, None)
        else:
            env[variable] = value
    return env


def current() -> Settings:
    """The settings of this process, read now (a page reads them after its request arrived)."""
    return Settings.from_env()
