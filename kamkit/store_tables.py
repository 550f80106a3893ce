"""The store's tables as SQLAlchemy Core sees them (the schema itself is made by the numbered
migrations in `kamkit.migrations`), and the one rule for the times read back. Shared by the store
and its mixins, so none of them imports another for a table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = ["trainees", "accounts", "documents", "cohorts", "reviews", "figures",
           "attempts", "utc", "current_only", "competency_ratings", "development_plans",
           "rater_links", "quiz_attempts", "person_figures", "hash_token"]

_md = MetaData()
trainees = Table("trainees", _md,
                 Column("id", Integer, primary_key=True), Column("name", String(120)),
                 Column("login", String(200)), Column("cohort", String(200)),
                 Column("manager", String(200)), Column("token_hash", String(64)),
                 Column("created_at", DateTime(timezone=True)))
accounts = Table("accounts", _md,
                 Column("id", Integer, primary_key=True), Column("trainee_id", Integer),
                 Column("name", String(120)), Column("case_id", String(60)),
                 Column("created_at", DateTime(timezone=True)),
                 Column("updated_at", DateTime(timezone=True)),
                 Column("erasures", Integer))
documents = Table("documents", _md,
                  Column("id", Integer, primary_key=True), Column("account_id", Integer),
                  Column("step", String(40)), Column("version", Integer), Column("data", Text),
                  Column("saved_at", DateTime(timezone=True)), Column("stale", Boolean))
cohorts = Table("cohorts", _md,
                Column("name", String(120), primary_key=True), Column("workshop_date", Date),
                Column("manager", String(200)),
                Column("after_round_at", DateTime(timezone=True)))
reviews = Table("reviews", _md,
                Column("id", Integer, primary_key=True), Column("account_id", Integer),
                Column("step", String(40)), Column("doc_version", Integer),
                Column("rating", Integer), Column("comment", Text), Column("status", String(20)),
                Column("reviewer", String(120)), Column("reviewed_at", DateTime(timezone=True)))
figures = Table("figures", _md,
                Column("account_id", Integer, primary_key=True),
                Column("stamp", DateTime(timezone=True)), Column("fingerprint", String(32)),
                Column("data", Text))
attempts = Table("attempts", _md,
                 Column("id", Integer, primary_key=True), Column("account_id", Integer),
                 Column("case_id", String(60)), Column("step", String(40)),
                 Column("attempt", Integer), Column("score", Float), Column("passed", Boolean),
                 Column("hints", Integer), Column("wrong", Text),
                 Column("at", DateTime(timezone=True)))
competency_ratings = Table("competency_ratings", _md,
                           Column("id", Integer, primary_key=True), Column("trainee_id", Integer),
                           Column("round", String(10)), Column("rater", String(10)),
                           Column("rater_name", String(200)), Column("link_id", Integer),
                           Column("version", Integer), Column("data", Text),
                           Column("saved_at", DateTime(timezone=True)))
development_plans = Table("development_plans", _md,
                          Column("id", Integer, primary_key=True), Column("trainee_id", Integer),
                          Column("version", Integer), Column("data", Text),
                          Column("saved_at", DateTime(timezone=True)))
rater_links = Table("rater_links", _md,
                    Column("id", Integer, primary_key=True), Column("trainee_id", Integer),
                    Column("round", String(10)), Column("peer_name", String(120)),
                    Column("token_hash", String(64)),
                    Column("created_at", DateTime(timezone=True)),
                    Column("expires_at", DateTime(timezone=True)),
                    Column("revoked_at", DateTime(timezone=True)))
person_figures = Table("person_figures", _md,
                       Column("trainee_id", Integer, primary_key=True),
                       Column("stamp", Text), Column("fingerprint", String(32)),
                       Column("data", Text))
quiz_attempts = Table("quiz_attempts", _md,
                      Column("id", Integer, primary_key=True), Column("trainee_id", Integer),
                      Column("quiz", String(60)), Column("attempt", Integer),
                      Column("score", Float), Column("passed", Boolean),
                      Column("answers", Text), Column("at", DateTime(timezone=True)))


def hash_token(token: str) -> str:
    """Links carry a random token; the store keeps only its SHA-256, so a stolen database
    file does not hand out working links."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything kamkit writes is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def current_only() -> Any:
    """Where-clause for the documents that count: not saved from an out-of-date page."""
    return documents.c.stale.is_(False)
