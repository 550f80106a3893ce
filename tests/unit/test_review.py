"""The manager's side of the store and the review session: cohorts, reviews that never touch the
trainee's work, dashboard rows with figures that are kept and recomputed only when stale, and
the dashboard's search and sort. Store tests run on SQLite and, where configured, PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit.demo import sample_map, sample_profile, sample_relationship
from kamkit.errors import InvalidInput, NotFound, OutOfDate
from kamkit.models import Cohort, ProfileDoc, RelationshipDoc
from kamkit.review import ReviewSession, filter_rows, sort_rows
from kamkit.store import Store
from tests.unit.test_store import url  # noqa: F401 - the SQLite / PostgreSQL fixture

TODAY = dt.date.today()


@pytest.fixture
def store(url):  # noqa: F811
    with Store(url) as s:
        yield s


@pytest.fixture
def cohort(store):
    """Three trainees in one workshop: Ann finished everything, Bob has a profile, Cy nothing."""
    store.save_cohort(Cohort(name="Nov", workshop_date=dt.date(2026, 11, 30), manager="Mia"))
    ann = store.add_trainee("Ann", cohort="Nov")
    bob = store.add_trainee("Bob", cohort="Nov", manager="Raj")
    store.add_trainee("Cy", cohort="Nov")
    store.add_trainee("Dee", cohort="Other")
    acc = store.add_account(ann.id, "Nordwind")
    store.save_document(acc.id, "profile", sample_profile(TODAY))
    store.save_document(acc.id, "stakeholders", sample_map(TODAY))
    store.save_document(acc.id, "relationship", sample_relationship(TODAY))
    bacc = store.add_account(bob.id, "Trivento")
    store.save_document(bacc.id, "profile", ProfileDoc(industry="Food"))
    return {"ann": ann, "bob": bob, "acc": acc, "bacc": bacc}


@pytest.fixture
def session(store):
    return ReviewSession(store, "Mia")


def test_cohorts_keep_their_workshop_date_and_manager(store):
    store.save_cohort(Cohort(name="Nov", workshop_date=dt.date(2026, 11, 30)))
    store.save_cohort(Cohort(name="Nov", workshop_date=dt.date(2026, 12, 1), manager="Mia"))
    store.add_trainee("Zed", cohort="Only named")
    assert store.get_cohort("Nov").workshop_date == dt.date(2026, 12, 1)
    assert [c.name for c in store.list_cohorts()] == ["Nov", "Only named"]
    with pytest.raises(NotFound):
        store.get_cohort("Nope")


def test_one_row_per_trainee_with_their_figures(session, cohort):
    rows = {r.name: r for r in session.rows(cohort="Nov")}
    assert sorted(rows) == ["Ann", "Bob", "Cy"]
    ann, bob, cy = rows["Ann"], rows["Bob"], rows["Cy"]
    f = ann.figures
    assert ann.steps_done == 2 and f.get("people") == 8 and f.get("purpose") == "Grow"
    assert f.get("feeling") == 75 and f.get("gap") == 75 - f.get("score")
    assert ann.figures.get("threats_without_action") == 1
    assert ann.state == "to review" and ann.workshop_date == dt.date(2026, 11, 30)
    assert bob.figures.status["profile"] == "in progress" and bob.figures.get("score") is None
    assert cy.account is None and cy.figures is None and cy.state == "nothing yet"


def test_a_trainees_own_manager_wins_over_the_cohorts(session, cohort):
    assert {r.name: r.manager for r in session.rows(cohort="Nov")} == {
        "Ann": "Mia", "Bob": "Raj", "Cy": "Mia"}
    assert [r.name for r in session.rows(manager="Raj")] == ["Bob"]
    assert [r.name for r in session.rows(workshop_date=dt.date(2026, 11, 30))] == [
        "Ann", "Bob", "Cy"]
    assert session.store.list_managers() == ["Mia", "Raj"]


def _count_scorings(monkeypatch) -> list[int]:
    import kamkit.figures as figures

    calls: list[int] = []
    real = figures.account_figures
    monkeypatch.setattr(figures, "account_figures",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_figures_are_kept_and_only_recomputed_after_a_save(session, cohort, monkeypatch):
    session.rows()
    calls = _count_scorings(monkeypatch)
    session.rows()
    assert calls == []  # nothing changed: all kept
    session.store.save_document(cohort["bacc"].id, "profile", ProfileDoc(industry="Dairy"))
    assert len(calls) == 1  # only Bob's account, scored by the save itself
    row = next(r for r in session.rows() if r.name == "Bob")
    assert len(calls) == 1 and row.figures.status["profile"] == "in progress"


def test_other_content_means_the_figures_are_computed_again(session, cohort, monkeypatch):
    session.rows()
    calls = _count_scorings(monkeypatch)
    seg = session.framework.segmentation.model_copy(update={"threshold": 60})
    session.framework = session.framework.model_copy(update={"segmentation": seg})
    session.rows()
    assert len(calls) == 2
    ReviewSession(session.store, "Raj", session.framework).rows()
    assert len(calls) == 2  # once, not once per look


def test_a_new_day_scores_again_only_the_accounts_it_moves_once(session, cohort, monkeypatch):
    """Figures depend on the day (overdue actions, evidence going stale): a day that moves an
    account's figures scores it once more, and the looks after it keep - never once per look;
    the other accounts keep their figures, dated that day."""
    from kamkit.review import Kept

    session.rows(today=TODAY)
    calls = _count_scorings(monkeypatch)
    session.rows(today=TODAY)
    assert calls == []  # the same day: all kept
    tomorrow = TODAY + dt.timedelta(days=1)
    fresh = ReviewSession(session.store, "Raj")  # another manager, another session
    row = next(r for r in fresh.rows(today=tomorrow) if r.name == "Ann")
    assert calls == [] and row.figures.as_of == tomorrow  # nothing moves tomorrow
    kept = {r["account"]: Kept.model_validate_json(r["figures"])
            for r in session.store.list_account_rows() if r["figures"]}
    assert kept["Trivento"].until is None  # a profile alone: no day changes its figures
    day = kept["Nordwind"].until  # the day the sample's evidence turns stale
    assert day is not None and day > tomorrow
    rows = {r.name: r for r in fresh.rows(today=day)}
    assert len(calls) == 1  # Ann's account only
    assert rows["Ann"].figures.as_of == rows["Bob"].figures.as_of == day
    fresh.rows(today=day)
    ReviewSession(session.store, "Raj").rows(today=day)
    assert len(calls) == 1


def test_a_review_of_a_version_saved_over_since_is_not_kept(session, cohort):
    """The manager signs what they saw: a newer save means look again, and nothing is kept."""
    store, acc = session.store, cohort["bacc"].id
    store.save_document(acc, "profile", ProfileDoc(industry="Dairy"))
    with pytest.raises(OutOfDate, match=r"The account profile changed since you opened it "
                                        r"\(version 2 now\): look again before reviewing\."
                       ) as refused:
        session.review(acc, "profile", rating=4, comment="", status="reviewed", seen=1)
    assert refused.value.version == 2 and store.list_reviews(acc) == []
    assert session.review(acc, "profile", rating=4, comment="", status="reviewed",
                          seen=2).doc_version == 2


def test_the_store_refuses_a_latest_review_of_a_version_saved_over(store, cohort):
    """Checked where the review is kept, so a save between the look and the keeping cannot
    slip through."""
    from kamkit.models import Review

    acc = cohort["bacc"].id
    store.save_document(acc, "profile", ProfileDoc(industry="Dairy"))
    old = Review(account_id=acc, step="profile", doc_version=1, rating=3, status="reviewed",
                 reviewer="Mia")
    with pytest.raises(OutOfDate) as refused:
        store.add_review(old, latest=True)
    assert refused.value.version == 2 and store.list_reviews(acc) == []
    assert store.add_review(old).doc_version == 1  # history may still sign an earlier one


def test_a_review_is_kept_beside_the_work_and_never_changes_it(session, cohort):
    store, acc = session.store, cohort["acc"].id
    before = store.list_versions(acc, "profile")
    review = session.review(acc, "profile", rating=4, comment="Strong SWOT.", status="reviewed")
    assert review.doc_version == before[-1].version and review.reviewer == "Mia"
    assert store.list_versions(acc, "profile") == before
    assert store.list_reviews(acc) == [review]
    row = next(r for r in session.rows() if r.name == "Ann")
    assert row.reviews["profile"] == review and row.state == "to review"  # two steps wait


def test_the_latest_review_counts_and_earlier_ones_stay_on_record(session, cohort):
    acc = cohort["acc"].id
    first = session.review(acc, "profile", rating=2, comment="Add sources.",
                           status="needs_rework")
    second = session.review(acc, "profile", rating=4, comment="Better.", status="reviewed")
    assert session.reviews(acc, "profile") == [first, second]
    assert session.store.latest_reviews([acc]) == {(acc, "profile"): second}


def test_a_step_never_saved_cannot_be_reviewed(session, cohort):
    with pytest.raises(InvalidInput, match="nothing to review"):
        session.review(cohort["bacc"].id, "relationship", rating=3, comment="",
                       status="reviewed")
    with pytest.raises(InvalidInput, match="no workbook step"):
        session.review(cohort["bacc"].id, "bogus", rating=3, comment="", status="reviewed")


def test_the_store_refuses_a_review_of_a_version_not_yet_saved(store, cohort):
    from kamkit.models import Review

    with pytest.raises(InvalidInput, match="does not exist"):
        store.add_review(Review(account_id=cohort["bacc"].id, step="profile", doc_version=9,
                                rating=3, status="reviewed", reviewer="Mia"))


def test_removing_a_trainee_removes_their_reviews_and_figures(session, cohort):
    store = session.store
    session.review(cohort["acc"].id, "profile", rating=4, comment="", status="reviewed")
    session.rows()
    store.remove_trainee(cohort["ann"].id)
    assert store.latest_reviews([cohort["acc"].id]) == {}
    assert all(r["account_id"] != cohort["acc"].id for r in store.list_account_rows())


def test_the_drill_down_workbook_has_every_version_and_the_reviews(session, cohort):
    acc = cohort["acc"]
    session.store.save_document(acc.id, "relationship", RelationshipDoc(gut_feeling=60))
    wb = session.workbook(cohort["ann"].id, acc.id)
    assert [v[0] for v in wb.versions["relationship"]] == [1, 2]
    assert wb.docs["relationship"].gut_feeling == 60
    with pytest.raises(NotFound):  # an account of someone else is not a way in
        session.workbook(cohort["bob"].id, acc.id)


def test_search_and_sort_do_what_the_dashboard_says(session, cohort):
    rows = session.rows()
    assert [r.name for r in filter_rows(rows, "trIV")] == ["Bob"]  # account names too
    assert [r.name for r in filter_rows(rows, state="nothing yet")] == ["Cy", "Dee"]
    assert [r.name for r in sort_rows(rows, "steps")][:2] == ["Ann", "Bob"]
    assert [r.name for r in sort_rows(rows, "name", reverse=True)] == [
        "Dee", "Cy", "Bob", "Ann"]
    # rows without a score go last when sorting by score, largest first
    assert [r.name for r in sort_rows(rows, "score")][0] == "Ann"


def test_a_version_1_database_is_migrated_and_keeps_its_trainees(tmp_path):
    from sqlalchemy import create_engine

    from kamkit import migrations

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migrations._v1(conn)
        migrations.set_version(conn, 1)
        conn.exec_driver_sql("INSERT INTO trainees (name, cohort, created_at) "
                             "VALUES ('Old Timer', 'Spring', '2026-01-01 00:00:00')")
    engine.dispose()
    with Store(f"sqlite:///{path}") as store:
        assert store.schema_version == migrations.LATEST
        (old,) = store.list_trainees()
        assert old.name == "Old Timer" and old.manager is None
        session = ReviewSession(store, "Mia")
        assert [r.name for r in session.rows(cohort="Spring")] == ["Old Timer"]


def test_figures_kept_in_an_unreadable_form_are_scored_again(session, cohort):
    from kamkit.store_tables import figures

    session.rows()
    with session.store._write() as conn:
        conn.execute(figures.update().values(data='{"old": "shape"}'))
    rows = {r.name: r for r in session.rows(cohort="Nov")}
    assert rows["Ann"].figures.get("people") == 8 and rows["Ann"].state == "to review"



def test_pages_are_clamped_to_the_pages_there_are(session, cohort):
    from kamkit.review import page_of

    rows = session.rows()
    assert page_of(rows, 0, 3) == (rows[:3], 0, 2)
    assert page_of(rows, 7, 3) == (rows[3:], 1, 2)
    assert page_of([], 2, 25) == ([], 0, 1)


def test_the_overview_counts_states_completion_scores_and_gaps(session, cohort):
    from kamkit.review import overview

    glance = overview(session.rows(), session.framework)
    assert glance.states == {"to review": 2, "needs rework": 0, "reviewed": 0,
                             "nothing yet": 2}
    assert glance.completion[0] == ("1. Account profile", 1, 1, 2)
    ann = next(r for r in session.rows() if r.name == "Ann")
    assert glance.scores == [ann.figures.get("score")]
    assert glance.gaps == [("Ann", ann.figures.get("gap"))]


def test_room_counts_who_started_and_who_passed_everything():
    from kamkit.models import Attempt
    from kamkit.review import RoomRow, room_counts

    def attempt(step, passed):
        return Attempt(account_id=1, case_id="c", step=step, attempt=1, score=90 if passed
                       else 10, passed=passed, hints=0)

    done = RoomRow(1, "A", 1, None, {s: attempt(s, True) for s in ("a", "b", "c")})
    half = RoomRow(2, "B", 2, None, {"a": attempt("a", True), "b": attempt("b", False)})
    idle = RoomRow(3, "C", None, None)
    assert room_counts([done, half, idle], 3) == (2, 1)
