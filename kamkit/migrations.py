"""Numbered schema migrations. The store runs every migration newer than the database's version,
each in its own transaction, at open; a database written by a newer kamkit is refused.

A migration's table definitions are frozen here on purpose: migration 1 must build the version-1
schema forever, whatever `kamkit.store` looks like later. Add migration N+1; never edit N.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)

__all__ = ["MIGRATIONS", "LATEST", "current_version", "migrate", "pending", "set_version"]


def _v1(conn: Connection) -> None:
    """Trainees (with a hashed link token), their accounts, and every saved version of each
    step's document."""
    md = MetaData()
    Table("kamkit_meta", md,
          Column("key", String(40), primary_key=True),
          Column("value", String(200), nullable=False))
    Table("trainees", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("name", String(120), nullable=False),
          Column("login", String(200), unique=True),
          Column("cohort", String(200)),
          Column("token_hash", String(64), unique=True),
          Column("created_at", DateTime(timezone=True), nullable=False))
    Table("accounts", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("trainee_id", Integer, ForeignKey("trainees.id", ondelete="CASCADE"),
                 nullable=False, index=True),
          Column("name", String(120), nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False),
          Column("updated_at", DateTime(timezone=True), nullable=False))
    Table("documents", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"),
                 nullable=False),
          Column("step", String(40), nullable=False),
          Column("version", Integer, nullable=False),
          Column("data", Text, nullable=False),
          Column("saved_at", DateTime(timezone=True), nullable=False),
          UniqueConstraint("account_id", "step", "version", name="uq_document_version"))
    md.create_all(conn)


def _v2(conn: Connection) -> None:
    """The manager's side: cohorts with a workshop date and manager, a trainee's manager, every
    review of a step, and each account's key figures kept for the cohort dashboard."""
    conn.exec_driver_sql("ALTER TABLE trainees ADD COLUMN manager VARCHAR(200)")
    md = MetaData()
    Table("trainees", md, Column("id", Integer, primary_key=True))  # for the foreign keys
    Table("accounts", md, Column("id", Integer, primary_key=True))
    Table("cohorts", md,
          Column("name", String(120), primary_key=True),
          Column("workshop_date", Date),
          Column("manager", String(200)))
    Table("reviews", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"),
                 nullable=False, index=True),
          Column("step", String(40), nullable=False),
          Column("doc_version", Integer, nullable=False),
          Column("rating", Integer),
          Column("comment", Text, nullable=False),
          Column("status", String(20), nullable=False),
          Column("reviewer", String(120), nullable=False),
          Column("reviewed_at", DateTime(timezone=True), nullable=False))
    Table("figures", md,
          Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"),
                 primary_key=True),
          Column("stamp", DateTime(timezone=True), nullable=False),
          Column("fingerprint", String(32), nullable=False),
          Column("data", Text, nullable=False))
    md.create_all(conn, tables=[md.tables["cohorts"], md.tables["reviews"],
                                md.tables["figures"]])


def _v3(conn: Connection) -> None:
    """Practice on case studies: an account may be a case study's, and every check of a step
    against the case's key is kept as an attempt."""
    conn.exec_driver_sql("ALTER TABLE accounts ADD COLUMN case_id VARCHAR(60)")
    md = MetaData()
    Table("accounts", md, Column("id", Integer, primary_key=True))
    Table("attempts", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"),
                 nullable=False, index=True),
          Column("case_id", String(60), nullable=False, index=True),
          Column("step", String(40), nullable=False),
          Column("attempt", Integer, nullable=False),
          Column("score", Float, nullable=False),
          Column("passed", Boolean, nullable=False),
          Column("hints", Integer, nullable=False),
          Column("wrong", Text, nullable=False),
          Column("at", DateTime(timezone=True), nullable=False))
    md.create_all(conn, tables=[md.tables["attempts"]])


def _v4(conn: Connection) -> None:
    """A save from a page that was no longer the latest is kept in the history but marked, and
    never becomes the current version."""
    conn.exec_driver_sql("ALTER TABLE documents ADD COLUMN stale BOOLEAN NOT NULL DEFAULT FALSE")


def _v5(conn: Connection) -> None:
    """How many times a customer person was erased from an account: a page that opened its
    document before the latest erasure may not save (its document still holds them)."""
    conn.exec_driver_sql("ALTER TABLE accounts ADD COLUMN erasures INTEGER NOT NULL DEFAULT 0")


def _v6(conn: Connection) -> None:
    """The person as the subject: competency ratings (self, manager, peers; before and after),
    development plans, peers' rating links, quiz attempts, and when a cohort's after-round
    opened."""
    md = MetaData()
    Table("trainees", md, Column("id", Integer, primary_key=True))
    Table("competency_ratings", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("trainee_id", Integer, ForeignKey("trainees.id", ondelete="CASCADE"),
                 nullable=False, index=True),
          Column("round", String(10), nullable=False),
          Column("rater", String(10), nullable=False),
          Column("rater_name", String(200), nullable=False),
          Column("link_id", Integer, nullable=False),  # 0: not through a peer link
          Column("version", Integer, nullable=False),
          Column("data", Text, nullable=False),
          Column("saved_at", DateTime(timezone=True), nullable=False),
          UniqueConstraint("trainee_id", "round", "rater", "rater_name", "link_id", "version"))
    Table("development_plans", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("trainee_id", Integer, ForeignKey("trainees.id", ondelete="CASCADE"),
                 nullable=False, index=True),
          Column("version", Integer, nullable=False),
          Column("data", Text, nullable=False),
          Column("saved_at", DateTime(timezone=True), nullable=False),
          UniqueConstraint("trainee_id", "version"))
    Table("rater_links", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("trainee_id", Integer, ForeignKey("trainees.id", ondelete="CASCADE"),
                 nullable=False, index=True),
          Column("round", String(10), nullable=False),
          Column("peer_name", String(120), nullable=False),
          Column("token_hash", String(64), nullable=False, unique=True),
          Column("created_at", DateTime(timezone=True), nullable=False),
          Column("expires_at", DateTime(timezone=True), nullable=False),
          Column("revoked_at", DateTime(timezone=True)))
    Table("quiz_attempts", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("trainee_id", Integer, ForeignKey("trainees.id", ondelete="CASCADE"),
                 nullable=False, index=True),
          Column("quiz", String(60), nullable=False),
          Column("attempt", Integer, nullable=False),
          Column("score", Float, nullable=False),
          Column("passed", Boolean, nullable=False),
          Column("answers", Text, nullable=False),
          Column("at", DateTime(timezone=True), nullable=False),
          UniqueConstraint("trainee_id", "quiz", "attempt"))
    md.create_all(conn, tables=[md.tables[name] for name in (
        "competency_ratings", "development_plans", "rater_links", "quiz_attempts")])
    conn.exec_driver_sql("ALTER TABLE cohorts ADD COLUMN after_round_at TIMESTAMP WITH TIME ZONE")


def _v7(conn: Connection) -> None:
    """Each trainee's person record (ratings, quiz, case tries, certification, learning gain)
    kept for the cohort dashboard, with what it was computed from: a cache, like `figures`."""
    md = MetaData()
    Table("trainees", md, Column("id", Integer, primary_key=True))  # for the foreign key
    Table("person_figures", md,
          Column("trainee_id", Integer, ForeignKey("trainees.id", ondelete="CASCADE"),
                 primary_key=True),
          Column("stamp", Text, nullable=False),
          Column("fingerprint", String(32), nullable=False),
          Column("data", Text, nullable=False))
    md.create_all(conn, tables=[md.tables["person_figures"]])


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "trainees, accounts, versioned documents", _v1),
    (2, "cohorts, managers, reviews, dashboard figures", _v2),
    (3, "case-study accounts and practice attempts", _v3),
    (4, "saves from out-of-date pages kept apart", _v4),
    (5, "erasing a person refuses saves from pages opened before", _v5),
    (6, "competency ratings, development plans, peer links, quiz attempts", _v6),
    (7, "trainees' person records kept for the dashboard", _v7),
]
LATEST = MIGRATIONS[-1][0]

_meta = Table("kamkit_meta", MetaData(), Column("key", String(40), primary_key=True),
              Column("value", String(200)))


def current_version(conn: Connection) -> int:
    """The schema version of the database behind `conn` (0 for an empty database)."""
    if not conn.dialect.has_table(conn, "kamkit_meta"):
        return 0
    value = conn.execute(select(_meta.c.value).where(_meta.c.key == "schema_version")).scalar()
    return int(value or 0)


def set_version(conn: Connection, version: int) -> None:
    if conn.execute(select(_meta.c.key).where(_meta.c.key == "schema_version")).first():
        conn.execute(_meta.update().where(_meta.c.key == "schema_version")
                     .values(value=str(version)))
    else:
        conn.execute(_meta.insert().values(key="schema_version", value=str(version)))


def pending(version: int) -> list[tuple[int, str, Callable[[Connection], None]]]:
    return [m for m in MIGRATIONS if m[0] > version]


def migrate(conn_factory: Callable[[], object]) -> list[int]:
    """Apply pending migrations; `conn_factory()` yields a write transaction context. Returns the
    numbers applied (empty when the database is up to date)."""
    applied = []
    for number, _desc, step in MIGRATIONS:
        with conn_factory() as conn:  # type: ignore[attr-defined]
            # re-read inside the write lock: another process may have migrated meanwhile
            if current_version(conn) >= number:
                continue
            step(conn)
            set_version(conn, number)
            applied.append(number)
    return applied
