"""The dashboard keeps person records between builds: a trainee whose work did not change is
not scored again, and any change to what a record is made of - a rating, a quiz attempt, a
case check, a review, a new account, other content - is seen at the next build."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kamkit import people, people_kept
from kamkit.frameworks import default_framework
from kamkit.io.workbook import dumps, export_trainee, import_workbook
from kamkit.models import Attempt, Review
from kamkit.people import PersonCache, PersonRecord, person_records
from kamkit.review import ReviewSession
from kamkit.store import Store
from kamkit.store_tables import person_figures


def _records(store, cache):
    return person_records(store, default_framework(), store.list_account_rows(), cache)


def test_unchanged_trainees_are_kept_and_every_kind_of_change_is_seen(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/s.db")
    ana, ben = store.add_trainee("Ana"), store.add_trainee("Ben")
    cache = PersonCache()
    first = _records(store, cache)
    assert first[ana.id].gain["self"] == (None, None)

    store.save_ratings(ana.id, "before", "self", {"levels": {"listens": 2}})
    store.save_ratings(ana.id, "after", "self", {"levels": {"listens": 4}})
    second = _records(store, cache)
    assert second[ana.id].gain["self"] == (2.0, 4.0)
    assert second[ben.id] is first[ben.id]  # Ben's work did not change: not scored again

    store.add_quiz_attempt(ben.id, "ideas", 50, False, {})
    assert _records(store, cache)[ben.id].quiz.first.score == 50

    account = store.add_account(ben.id, "Orbit Foods")
    assert len(_records(store, cache)[ben.id].reviews) == 1  # a new own account
    store.save_document(account.id, "profile", {})
    store.add_review(Review(account_id=account.id, step="profile", doc_version=1, rating=4,
                            comment="", status="reviewed", reviewer="Mia"))
    assert _records(store, cache)[ben.id].reviews == [{"profile": 4}]

    practice = store.add_practice_account(ana.id, "Halden", "halden", {})
    store.add_attempt(Attempt(account_id=practice.id, case_id="halden", step="stakeholders",
                              attempt=1, score=60, passed=False, hints=2, wrong=["a"]))
    assert _records(store, cache)[ana.id].cases[0].first_try == {"stakeholders": 60}

    cache.fingerprint = "other content"  # content changed: everyone is scored again
    again = _records(store, cache)
    assert again[ben.id] is not second[ben.id]


def test_a_step_sent_back_for_rework_does_not_count_as_reviewed(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/s.db")
    ben = store.add_trainee("Ben")
    account = store.add_account(ben.id, "Orbit Foods")
    store.save_document(account.id, "profile", {})
    store.add_review(Review(account_id=account.id, step="profile", doc_version=1, rating=4,
                            comment="Redo the SWOT", status="needs_rework", reviewer="Mia"))
    record = person_records(store, default_framework(), store.list_account_rows())[ben.id]
    assert record.reviews == [{"profile": None}]


def _kept(store) -> set[int]:
    with store._read() as conn:
        return set(conn.execute(select(person_figures.c.trainee_id)).scalars())


def test_an_imported_trainee_is_kept_as_a_person_and_read_without_scoring(tmp_path,
                                                                            monkeypatch):
    """The import keeps the trainee's person record, so the next new dashboard page reads it
    (scoring nobody) - equal to the record their own store gives."""
    store = Store(f"sqlite:///{tmp_path}/s.db")
    ana = store.add_trainee("Ana", login="ana")
    store.save_ratings(ana.id, "before", "self", {"levels": {"listens": 2}})
    store.add_quiz_attempt(ana.id, "ideas", 50, False, {})
    text = dumps(export_trainee(store, ana.id))
    with Store(f"sqlite:///{tmp_path}/other.db") as other:
        imported = import_workbook(other, text)
        assert _kept(other) == {imported.id}
        monkeypatch.setattr(people, "_records", lambda *a, **k: pytest.fail("scored again"))
        rows = ReviewSession(other, "Mia").rows()
        monkeypatch.undo()
        mine = ReviewSession(store, "Mia").rows()[0].person
        assert rows[0].person.gain == mine.gain and rows[0].person.quiz.first.score == 50
        assert [s.ratings for s in rows[0].person.sets] == [s.ratings for s in mine.sets]


def test_a_new_page_reads_the_rest_of_a_kept_record_only_when_it_is_asked_for(tmp_path,
                                                                          monkeypatch):
    """A dashboard shows a trainee's certification and gain: a new page reads those of a kept
    record, and the rest (quiz, ratings, case tries ...) once, when first asked for."""
    store = Store(f"sqlite:///{tmp_path}/s.db")
    ana = store.add_trainee("Ana")
    store.save_ratings(ana.id, "before", "self", {"levels": {"listens": 2}})
    store.save_ratings(ana.id, "after", "self", {"levels": {"listens": 4}})
    store.add_quiz_attempt(ana.id, "ideas", 50, False, {})
    scored = ReviewSession(store, "Mia").rows()[0].person  # scored, and kept
    read: list[int] = []
    real = people_kept._body
    monkeypatch.setattr(people_kept, "_body", lambda text, cut: read.append(1) or real(text, cut))
    monkeypatch.setattr(people, "_records", lambda *a, **k: pytest.fail("scored again"))
    person = ReviewSession(store, "Mia").rows()[0].person
    assert person.gain["self"] == (2.0, 4.0) and not person.certified and read == []
    assert person.quiz.first.score == 50 and read == [1]
    assert [s.ratings for s in person.sets] == [s.ratings for s in scored.sets] and read == [1]
    assert person == scored


def test_a_kept_record_whose_rest_cannot_be_read_is_scored_again_when_asked_for(tmp_path):
    """A damaged kept row (or a rule changed under the same kamkit version) never breaks an
    export: the trainee is scored again as it is asked for, and kept again, readable."""
    store = Store(f"sqlite:///{tmp_path}/s.db")
    ana = store.add_trainee("Ana", cohort="May")
    store.add_quiz_attempt(ana.id, "ideas", 50, False, {})
    ReviewSession(store, "Mia").rows()  # scored and kept
    with store._write() as conn:
        text = conn.execute(select(person_figures.c.data)).scalar_one()
        conn.execute(person_figures.update().values(data=text.split("\n")[0] + "\n{broken"))
    person = ReviewSession(store, "Mia").rows()[0].person
    assert person.quiz.first.score == 50 and person.sets == []
    with store._read() as conn:
        assert conn.execute(select(person_figures.c.data)).scalar_one() == text


def test_a_field_set_before_the_rest_is_read_is_not_undone_by_reading_it(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/s.db")
    ana = store.add_trainee("Ana")
    store.add_quiz_attempt(ana.id, "ideas", 50, False, {})
    ReviewSession(store, "Mia").rows()
    person = ReviewSession(store, "Mia").rows()[0].person
    assert not any(hasattr(PersonRecord, name) for name in people._LATER)  # no class default
    person.reviews = [{"profile": 5}]
    assert person.quiz.first.score == 50 and person.reviews == [{"profile": 5}]


def test_removing_a_trainee_or_erasing_a_person_they_wrote_about_drops_the_kept_record(
        tmp_path):
    """A kept record holds what the trainee and their raters wrote: erasing a customer person
    from it, or removing the trainee, leaves no copy behind in it."""
    store = Store(f"sqlite:///{tmp_path}/s.db")
    ana, ben = store.add_trainee("Ana"), store.add_trainee("Ben")
    account = store.add_account(ana.id, "Orbit Foods")
    store.save_document(account.id, "stakeholders", {"people": [
        {"id": "p1", "name": "Zeb Quill", "role": "Buyer"}]})
    store.save_ratings(ana.id, "before", "self", {"levels": {"listens": 2},
                                                  "comment": "Zeb Quill trusts me"})
    ReviewSession(store, "Mia").rows()
    assert _kept(store) == {ana.id, ben.id}
    store.erase_person([account.id], "Zeb Quill")
    assert _kept(store) == {ben.id}
    record = ReviewSession(store, "Mia").rows()[0].person
    assert "Zeb" not in record.sets[0].ratings.comment and _kept(store) == {ana.id, ben.id}
    store.remove_trainee(ben.id)
    assert _kept(store) == {ana.id}
    other = store.add_account(ana.id, "Nordwind Logistics")
    store.save_document(other.id, "profile", {})
    store.add_review(Review(account_id=other.id, step="profile", doc_version=1, rating=2,
                            comment="Redo it", status="needs_rework", reviewer="Mia"))
    ReviewSession(store, "Mia").rows()
    assert _kept(store) == {ana.id}
    store.remove_account(other.id)  # its reviews were in Ana's kept record: gone with it
    assert _kept(store) == set()
