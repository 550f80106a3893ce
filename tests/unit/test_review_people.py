"""The review session's side of the competency assessment: a manager's ratings kept beside the
trainee's own (never in them), the after-round opened once per cohort, one trainee's record,
and the certificate only for a trainee who is certified. On SQLite and, where configured,
PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit.competency import CompetencyRatings
from kamkit.errors import InvalidInput, NotFound
from kamkit.review import ReviewSession
from kamkit.store import Store
from tests.people import certified, levels
from tests.unit.test_store import url  # noqa: F401 - the SQLite / PostgreSQL fixture


@pytest.fixture
def store(url):  # noqa: F811
    with Store(url) as s:
        yield s


@pytest.fixture
def session(store):
    return ReviewSession(store, "Mia Berg")


def test_a_managers_rating_is_kept_signed_and_read_back_and_the_trainees_own_is_untouched(
        session, store):
    ann = store.add_trainee("Ann", cohort="May")
    own = CompetencyRatings(levels={"listens": 4}, examples={"listens": "At the Acme QBR"})
    store.save_ratings(ann.id, "before", "self", own)
    version = session.rate(ann.id, "before", CompetencyRatings(
        levels={"listens": 2}, examples={"listens": "Talked over the buyer"}))
    assert version == 1
    sets = session.person(ann.id).sets
    mine = [s for s in sets if s.rater == "manager"]
    assert [(s.round, s.rater_name, s.ratings.levels) for s in mine] == [
        ("before", "Mia Berg", {"listens": 2})]
    theirs = [s for s in sets if s.rater == "self"]
    assert [(s.version, s.ratings) for s in theirs] == [(1, own)]  # exactly as they wrote it
    assert session.rate(ann.id, "before", levels(session.framework, 3)) == 2  # a new version


def test_the_after_round_is_rated_only_once_the_cohort_has_opened_it(session, store):
    ann = store.add_trainee("Ann", cohort="May")
    with pytest.raises(InvalidInput, match="after-round of May is not open yet"):
        session.rate(ann.id, "after", levels(session.framework, 3))
    session.open_after_round("May")
    assert session.rate(ann.id, "after", levels(session.framework, 3)) == 1
    solo = store.add_trainee("Sol")  # self-paced, no cohort: the manager judges when
    assert session.rate(solo.id, "after", levels(session.framework, 3)) == 1


@pytest.mark.parametrize("round, ratings, said", [
    ("during", {"listens": 3}, "Choose the round"),
    ("before", {}, "Rate at least one behaviour"),
])
def test_a_rating_without_a_round_or_without_any_level_is_refused(session, store, round,
                                                                   ratings, said):
    ann = store.add_trainee("Ann")
    with pytest.raises(InvalidInput, match=said):
        session.rate(ann.id, round, CompetencyRatings(levels=ratings))
    assert store.latest_ratings([ann.id]) == []


def test_the_after_round_opens_once_and_keeps_its_first_date(session, store):
    store.add_trainee("Ann", cohort="May")
    assert session.after_round("May") is None and session.after_round(None) is None
    when, now = session.open_after_round("May")
    assert now and session.after_round("May") == when
    again, now = session.open_after_round("May")
    assert (again, now) == (when, False)
    with pytest.raises(NotFound):
        session.open_after_round("Nobody's cohort")
    with pytest.raises(InvalidInput):
        session.open_after_round("  ")


def test_one_trainees_record_is_the_one_on_their_dashboard_row(session, store):
    ana = certified(session)
    ben = store.add_trainee("Ben", cohort="May")
    record = session.person(ana.id)
    row = next(r for r in session.rows(cohort="May") if r.trainee_id == ana.id)
    assert record.certified and row.person is not None and row.person.certified
    assert record.certification == row.person.certification
    assert [c.case_id for c in record.cases] == ["halden"] and record.quiz.first.score == 90
    nothing = session.person(ben.id)  # no account at all: a record all the same
    assert not nothing.certified and nothing.cases == []
    assert [r.met for r in nothing.certification.results] == [False] * 4


def test_the_certificate_is_only_for_a_certified_trainee(session, store):
    ana = certified(session)
    page = session.certificate(ana.id, today=dt.date(2026, 12, 4))
    assert "Ana Costa" in page and "Issued by" in page and "Mia Berg" in page
    ben = certified(session, name="Ben Okafor", level=2)  # the manager rated him below 3
    with pytest.raises(InvalidInput) as refused:
        session.certificate(ben.id)
    assert str(refused.value).startswith("Not certified yet: Every competency rated 3 or more")
    assert "Quiz" not in str(refused.value)


def test_the_cohorts_gain_counts_only_trainees_with_both_figures(session, store):
    ana = certified(session)
    store.save_ratings(ana.id, "before", "manager", levels(session.framework, 2),
                       rater_name="Mia Berg")
    certified(session, name="Ben")  # an after-round rating only: not in the manager's gain
    gains = {g.key: g for g in session.gains(session.rows(cohort="May"))}
    assert (gains["manager"].before, gains["manager"].after, gains["manager"].n) == (2, 4, 1)
    assert gains["manager"].gain == 2 and gains["self"].n == 0
