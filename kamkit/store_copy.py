"""Moving a whole store into another, empty one - a workshop's SQLite file into the PostgreSQL
database of a JupyterHub - and proving the copy before saying it is done.

Every table is copied as it is, ids kept (a personal link's token hash, every document version
with those saved from a page left behind, reviews, figures, attempts, ratings, plans, peers'
links, quiz attempts), in one transaction on the target; PostgreSQL's id sequences are then set
past the copied ids. Before that transaction is kept, each table is counted and checksummed on
both sides - SHA-256 over its rows in primary-key order, every time as UTC ISO text - and any
difference rolls the copy back, leaving the target empty.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Integer, Table, func, make_url, select

from kamkit.errors import InvalidInput, NotFound
from kamkit.store import Store
from kamkit.store_tables import (
    accounts,
    attempts,
    cohorts,
    competency_ratings,
    development_plans,
    documents,
    figures,
    person_figures,
    quiz_attempts,
    rater_links,
    reviews,
    trainees,
)

__all__ = ["TABLES", "BATCH", "Tally", "Copied", "copy_store", "migrate_store", "tally",
           "differences"]

#: Every table of a store, each after the tables it points at.
TABLES: tuple[Table, ...] = (trainees, cohorts, accounts, documents, reviews, figures, attempts,
                             competency_ratings, development_plans, rater_links, quiz_attempts,
                             person_figures)

#: How each table is counted in the closing line.
_NOUNS = {"trainees": "trainee", "cohorts": "cohort", "accounts": "account",
          "documents": "document version", "reviews": "review",
          "figures": "account's dashboard figures", "attempts": "case-study attempt",
          "competency_ratings": "set of competency ratings",
          "development_plans": "development plan version", "rater_links": "peer's rating link",
          "quiz_attempts": "quiz attempt", "person_figures": "trainee's dashboard record"}
_PLURALS = {"account's dashboard figures": "accounts' dashboard figures",
            "set of competency ratings": "sets of competency ratings",
            "peer's rating link": "peers' rating links",
            "trainee's dashboard record": "trainees' dashboard records"}

BATCH = 2000  # rows read and written at a time


@dataclass(frozen=True)
class Tally:
    """A table's row count and checksum."""

    rows: int
    checksum: str


@dataclass(frozen=True)
class Copied:
    """What a copy found: each table's tally in the source and in the target, and the
    differences (none: the copy is kept)."""

    source: dict[str, Tally]
    target: dict[str, Tally]
    stale: int  # document versions saved from a page left behind, copied as such
    to: str     # the target's URL, its password masked

    @property
    def differences(self) -> list[str]:
        return differences(self.source, self.target)

    def summary(self) -> str:
        """"40 trainees, 2 cohorts, … 1,204 document versions (3 saved from a page left
        behind) …" - every table, in the order copied."""
        parts = []
        for table in TABLES:
            n = self.target[table.name].rows
            noun = _NOUNS[table.name]
            part = f"{n:,} {noun if n == 1 else _PLURALS.get(noun, noun + 's')}"
            if table is documents and self.stale:
                part += f" ({self.stale:,} saved from a page left behind)"
            parts.append(part)
        return ", ".join(parts)


def _plain(value: Any) -> Any:
    """A value as the checksum sees it: times in UTC ISO, whatever the database gave back."""
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return aware.astimezone(dt.timezone.utc).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _for_writing(row: dict[str, Any]) -> dict[str, Any]:
    """SQLite gives times back without a zone; they are UTC, and PostgreSQL must know it."""
    return {k: (v.replace(tzinfo=dt.timezone.utc)
                if isinstance(v, dt.datetime) and v.tzinfo is None else v)
            for k, v in row.items()}


def _integer_key(table: Table) -> bool:
    return all(isinstance(c.type, Integer) for c in table.primary_key.columns)


def _rows(conn: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    """The table's rows in primary-key order, a batch at a time. Integer keys are ordered by
    the database; text keys (a cohort's name) here, by code point, as no two databases
    collate text alike."""
    query = select(table)
    if _integer_key(table):
        result = conn.execute(query.order_by(*table.primary_key.columns)
                              .execution_options(yield_per=BATCH)).mappings()
        for part in result.partitions():
            yield [dict(row) for row in part]
        return
    key = [c.name for c in table.primary_key.columns]
    rows = sorted((dict(r) for r in conn.execute(query).mappings()),
                  key=lambda r: [r[k] for k in key])
    for start in range(0, len(rows), BATCH):
        yield rows[start:start + BATCH]


def tally(conn: Connection, table: Table) -> Tally:
    """The table's row count and SHA-256 over its rows, in primary-key order."""
    digest = hashlib.sha256()
    n = 0
    for batch in _rows(conn, table):
        for row in batch:
            digest.update(json.dumps([_plain(row[c.name]) for c in table.columns],
                                     ensure_ascii=False).encode("utf-8") + b"\n")
        n += len(batch)
    return Tally(n, digest.hexdigest())


def differences(source: dict[str, Tally], target: dict[str, Tally]) -> list[str]:
    """What differs between two stores' tallies, table by table, in words."""
    out = []
    for name, want in source.items():
        got = target.get(name)
        if got is None:
            out.append(f"{name}: not in the copy")
        elif got.rows != want.rows:
            out.append(f"{name}: {want.rows} rows in the source, {got.rows} in the copy")
        elif got.checksum != want.checksum:
            out.append(f"{name}: the same {want.rows} rows in number, but not in content "
                       "(checksums differ)")
    return out


def _counts(conn: Connection) -> dict[str, int]:
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() or 0
            for t in TABLES}


def _restart_ids(conn: Connection) -> None:
    """PostgreSQL hands out ids from a sequence per table, which copying with ids kept does
    not move: set each past the largest id copied, so the next row added collides with none."""
    for table in TABLES:
        if "id" in table.c and table.c.id.primary_key:
            largest = select(func.max(table.c.id)).scalar_subquery()
            conn.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"),
                                            func.coalesce(largest, 0) + 1, False)))


def copy_store(source: Store, target: Store,
               progress: Callable[[str], None] = lambda line: None) -> Copied:
    """Copy every row of `source` into the empty `target`, ids kept, and check the copy.

    One read of the source (a consistent snapshot: servers may even be writing) and one
    transaction on the target: a failure, or any difference in count or checksum, leaves the
    target as empty as it was. Refuses (InvalidInput) a target that holds anything."""
    if make_url(source.url) == make_url(target.url):
        raise InvalidInput("The store to copy from and the store to copy to are the same.")
    with source.engine.connect() as read, target.engine.connect() as write:
        if read.dialect.name == "postgresql":  # one snapshot for every table
            read.execution_options(isolation_level="REPEATABLE READ")
        write.execution_options(kamkit_write=True)  # the store's write lock, as any writer's
        with read.begin(), write.begin() as keeping:
            held = {name: n for name, n in _counts(write).items() if n}
            if held:
                listed = ", ".join(f"{table} {n:,}" for table, n in held.items())
                raise InvalidInput(
                    f"The store to copy to is not empty ({listed} rows): migrate-store copies "
                    "into an empty database only, so that nothing is mixed or written over. "
                    "Nothing was copied.")
            total = _counts(read)
            for table in TABLES:
                done = 0
                for batch in _rows(read, table):
                    write.execute(table.insert(), [_for_writing(row) for row in batch])
                    done += len(batch)
                    if total[table.name] > BATCH:
                        progress(f"{table.name}: {done:,} of {total[table.name]:,} rows")
                progress(f"{table.name}: {done:,} rows copied")
            if write.dialect.name == "postgresql":
                _restart_ids(write)
            progress("checking: counting and checksumming every table on both sides")
            copied = Copied({t.name: tally(read, t) for t in TABLES},
                            {t.name: tally(write, t) for t in TABLES},
                            write.execute(select(func.count()).select_from(documents)
                                          .where(documents.c.stale.is_(True))).scalar() or 0,
                            make_url(target.url).render_as_string(hide_password=True))
            if copied.differences:
                keeping.rollback()
    return copied


def migrate_store(source_url: str, target_url: str,
                  progress: Callable[[str], None] = lambda line: None) -> Copied:
    """`kamkit migrate-store`: open both stores (the target's schema is made as any store's
    is, by the migrations) and copy. A source that is a SQLite file not there is NotFound -
    never a new, empty store copied."""
    parsed = make_url(source_url)
    if (parsed.get_backend_name() == "sqlite" and parsed.database
            and parsed.database != ":memory:" and not parsed.database.startswith("file:")
            and not Path(parsed.database).is_file()):
        raise NotFound(f"There is no store at {parsed.database}: nothing to copy. Give the "
                       "store to copy with --from.")
    with Store(source_url) as source, Store(target_url) as target:
        return copy_store(source, target, progress)
