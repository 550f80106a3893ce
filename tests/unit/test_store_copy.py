"""Moving a workshop's SQLite store into PostgreSQL (`kamkit migrate-store`): every table, ids
kept, checked by count and checksum before it is kept - personal links still open the same
workbooks, nothing added afterwards collides with a copied id, a target holding anything is
refused, and a copy that differs is not kept."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, inspect

import kamkit.store_copy as store_copy
from kamkit.cli import main
from kamkit.errors import InvalidInput, NotFound, OutOfDate
from kamkit.models import Attempt, Cohort, Review
from kamkit.store import Store
from kamkit.store_copy import TABLES, copy_store, migrate_store, tally
from tests.pg import fresh_schema

WHEN = dt.datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=dt.timezone.utc)  # a DST night


def _seed(url: str) -> dict:
    """A store with a row in every table: two trainees with personal links, a cohort with its
    after-round open, versions (one saved from a page left behind), a review, figures, a case
    study's attempt, ratings by self, manager and a peer, a development plan, peers' links
    (one withdrawn) and quiz attempts."""
    with Store(url) as s:
        ann = s.add_trainee("Ann Lee", login="ann", cohort="Mäy", manager="Mia")
        bob = s.add_trainee("Bob Roy", cohort="Mäy")
        s.save_cohort(Cohort(name="Mäy", workshop_date=dt.date(2026, 5, 12), manager="Mia"))
        s.save_cohort(Cohort(name="April"))
        s.open_after_round("Mäy", at=WHEN)
        tokens = {"ann": s.issue_token(ann.id), "bob": s.issue_token(bob.id)}
        acme = s.add_account(ann.id, "Acme")
        for i in range(3):
            s.save_document(acme.id, "profile", {"industry": f"v{i + 1}", "margin_pct": 21.5})
        with pytest.raises(OutOfDate):
            s.save_document(acme.id, "profile", {"industry": "from an old tab"}, based_on=1)
        s.add_review(Review(account_id=acme.id, step="profile", doc_version=2, rating=4,
                            status="reviewed", reviewer="Mia", comment="Good – «ja»",
                            reviewed_at=WHEN))
        s.save_figures([(acme.id, WHEN, "f" * 32, '{"grid": 1}')])
        case = s.add_account(bob.id, "Case: Nordwind")
        s.add_attempt(Attempt(account_id=case.id, case_id="nordwind", step="stakeholders",
                              attempt=1, score=62.5, passed=False, hints=2, wrong=["p1"],
                              at=WHEN))
        s.save_ratings(ann.id, "before", "self", {"levels": {}, "comment": "me"})
        s.save_ratings(ann.id, "before", "manager", {"levels": {}}, rater_name="Mia")
        link, tokens["peer"] = s.add_rater_link(ann.id, "before", "Pat", days=14, most=5)
        s.save_ratings(ann.id, "before", "peer", {"levels": {}}, rater_name="Pat",
                       link_id=link.id)
        gone, _ = s.add_rater_link(ann.id, "before", "Sam", days=14, most=5)
        s.revoke_rater_link(ann.id, gone.id)
        s.save_development_plan(ann.id, {"items": [{"competency": "x", "action": "ask",
                                                    "due": "2026-06-01"}]})
        s.add_quiz_attempt(ann.id, "basics", 80.0, True, {"q1": 2})
        s.add_quiz_attempt(ann.id, "basics", 100.0, True, {"q1": 1})
        return {"ann": ann, "bob": bob, "acme": acme, "tokens": tokens}


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'workshop.db'}"


def _tallies(url: str) -> dict:
    with Store(url) as s, s.engine.connect() as conn:
        return {t.name: tally(conn, t) for t in TABLES}


def test_every_table_and_column_of_a_store_is_copied(sqlite_url):
    """A migration that adds a table or a column must add it to the copy (store_tables)."""
    Store(sqlite_url).close()
    schema = inspect(create_engine(sqlite_url))
    assert set(schema.get_table_names()) - {"kamkit_meta"} == {t.name for t in TABLES}
    for table in TABLES:
        assert {c["name"] for c in schema.get_columns(table.name)} == set(table.c.keys())


def test_a_workshop_store_moved_into_postgresql_is_the_same_store(sqlite_url):
    seeded = _seed(sqlite_url)
    with fresh_schema(timezone="Asia/Kolkata") as pg_url:  # a server not on UTC
        lines: list[str] = []
        copied = migrate_store(sqlite_url, pg_url, lines.append)
        assert copied.differences == []
        assert _tallies(pg_url) == _tallies(sqlite_url) == copied.source
        assert {name: t.rows for name, t in copied.target.items()} == {
            "trainees": 2, "cohorts": 2, "accounts": 2, "documents": 4, "reviews": 1,
            "figures": 1, "attempts": 1, "competency_ratings": 3, "development_plans": 1,
            "rater_links": 2, "quiz_attempts": 2, "person_figures": 0}
        assert copied.summary().startswith("2 trainees, 2 cohorts, 2 accounts, 4 document "
                                           "versions (1 saved from a page left behind), 1 "
                                           "review, 1 account's dashboard figures")
        assert "trainees: 2 rows copied" in lines and lines[-1].startswith("checking")
        assert ":kamkit@" not in copied.to and ":***@" in copied.to  # the password masked

        acme = seeded["acme"].id
        with Store(sqlite_url) as before, Store(pg_url) as after:
            # the same people behind the same links, the same history, the same times
            assert after.get_trainee_by_token(seeded["tokens"]["ann"]) == seeded["ann"]
            assert after.get_trainee_by_token(seeded["tokens"]["bob"]) == seeded["bob"]
            assert after.rater_link_by_token(seeded["tokens"]["peer"]).peer_name == "Pat"
            assert after.list_versions(acme, "profile") == before.list_versions(acme, "profile")
            assert after.open_document(acme, "profile")[1] == 3
            assert after.list_reviews(acme)[0].reviewed_at == WHEN
            assert after.after_round_opened("Mäy") == WHEN
            assert after.rating_history(seeded["ann"].id) == \
                before.rating_history(seeded["ann"].id)
            assert after.list_quiz_attempts() == before.list_quiz_attempts()
            assert after.list_cohorts() == before.list_cohorts()

            # what is added next takes the next ids: nothing collides with a copied one
            carl = after.add_trainee("Carl")
            assert carl.id == 3
            account = after.add_account(carl.id, "Beta")
            assert account.id == 3
            assert after.save_document(account.id, "profile", {"industry": "new"}) == 1
            assert after.add_review(Review(account_id=account.id, step="profile",
                                           doc_version=1, rating=3, status="reviewed",
                                           reviewer="Mia")).id == 2
            assert after.add_attempt(Attempt(account_id=account.id, case_id="x", step="profile",
                                             attempt=1, score=1, passed=False, hints=0)).id == 2
            after.save_ratings(carl.id, "before", "self", {"levels": {}})
            after.save_development_plan(carl.id, {"items": []})
            assert after.add_rater_link(carl.id, "before", "Pat", days=1, most=5)[0].id == 3
            assert after.add_quiz_attempt(carl.id, "basics", 1.0, False, {}).id == 3


def test_a_store_with_anything_in_it_is_not_copied_into(sqlite_url):
    _seed(sqlite_url)
    with fresh_schema() as pg_url:
        with Store(pg_url) as target:
            target.add_trainee("Someone already here")
        with pytest.raises(InvalidInput, match=r"not empty \(trainees 1 rows\).*Nothing was "
                                               "copied"):
            migrate_store(sqlite_url, pg_url)
        with Store(pg_url) as target:
            assert [t.name for t in target.list_trainees()] == ["Someone already here"]
            assert target.list_cohorts() == []


def test_a_copy_that_differs_from_its_source_is_not_kept(sqlite_url, tmp_path, monkeypatch):
    _seed(sqlite_url)
    target_url = f"sqlite:///{tmp_path / 'copy.db'}"
    honest = store_copy._for_writing

    def careless(row: dict) -> dict:  # a copy that loses what follows a reviewer's dash
        row = honest(row)
        return {**row, "comment": row["comment"].split(" –")[0]} if "comment" in row \
            and row.get("reviewer") else row

    monkeypatch.setattr(store_copy, "_for_writing", careless)
    with Store(sqlite_url) as source, Store(target_url) as target:
        copied = copy_store(source, target)
        assert copied.differences == ["reviews: the same 1 rows in number, but not in content "
                                      "(checksums differ)"]
        assert target.list_trainees() == []  # rolled back: as empty as it was


def test_a_store_is_never_copied_onto_itself(sqlite_url):
    _seed(sqlite_url)
    with Store(sqlite_url) as one, Store(sqlite_url) as same:
        with pytest.raises(InvalidInput, match="are the same"):
            copy_store(one, same)


def test_kamkit_migrate_store_copies_shows_progress_and_says_what_it_copied(
        sqlite_url, tmp_path, monkeypatch, capsys):
    _seed(sqlite_url)
    monkeypatch.setattr(store_copy, "BATCH", 2)  # a big store, in small
    monkeypatch.setenv("KAMKIT_DB_URL", sqlite_url)  # the configured store, copied by default
    with fresh_schema() as pg_url:
        assert main(["migrate-store", "--to", pg_url]) == 0
        out = capsys.readouterr().out
        assert "kamkit: documents: 2 of 4 rows\nkamkit: documents: 4 of 4 rows\n" in out
        assert out.splitlines()[-1].startswith("kamkit: done: 2 trainees, 2 cohorts, ")
        assert "counted and checksummed on both sides" in out
        assert ":kamkit@" not in out  # no password on the screen

        assert main(["migrate-store", "--to", pg_url]) == 1  # the second time: refused
        assert "is not empty" in capsys.readouterr().err


def test_kamkit_migrate_store_exits_2_when_the_copy_differs(sqlite_url, tmp_path, monkeypatch,
                                                            capsys):
    _seed(sqlite_url)
    target_url = f"sqlite:///{tmp_path / 'copy.db'}"
    honest = store_copy._for_writing
    monkeypatch.setattr(store_copy, "_for_writing",
                        lambda row: {**honest(row), "stale": False} if "stale" in row
                        else honest(row))
    assert main(["migrate-store", "--from", sqlite_url, "--to", target_url]) == 2
    err = capsys.readouterr().err
    assert "the copy differs from the store it was made from, so it was not kept" in err
    assert "  documents: the same 4 rows in number, but not in content" in err
    with Store(target_url) as target:
        assert target.list_trainees() == []


def test_kamkit_migrate_store_from_a_store_not_there_copies_nothing(tmp_path, capsys):
    missing = tmp_path / "nowhere.db"
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    assert main(["migrate-store", "--from", f"sqlite:///{missing}", "--to", target]) == 1
    assert capsys.readouterr().err == (f"kamkit: There is no store at {missing}: nothing to "
                                       "copy. Give the store to copy with --from.\n")
    assert not missing.exists()
    with pytest.raises(NotFound):
        migrate_store(f"sqlite:///{missing}", target)
