"""Each trainee's record gathered from a real store (SQLite, and PostgreSQL where configured):
their latest ratings, quiz, case-study tries from their practice accounts only, the reviews of
their own accounts only, their plan, certification and gain - for the trainees of the rows
asked for and nobody else, the same whether the ids are few or many."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit import people as people_module
from kamkit.models import Attempt, Review
from kamkit.people import cohort_gains, gain_labels, person_records
from kamkit.quiz import load_quiz
from kamkit.store import Store
from tests.competency_data import T0, every
from tests.unit.test_store import url  # noqa: F401 - the store tests' SQLite + PostgreSQL

STEPS = ["profile", "stakeholders", "relationship", "opportunities", "account_plan"]
QUIZ = load_quiz().id  # the quiz the trainee's page gives


@pytest.fixture
def store(url):  # noqa: F811
    with Store(url) as s:
        yield s


def _review(store, account_id, step, rating):
    store.save_document(account_id, step, {})
    store.add_review(Review(account_id=account_id, step=step, doc_version=1, rating=rating,
                            status="reviewed", reviewer="Mia"))


def _check(store, account, step, attempt, score, *, hints, wrong, minutes):
    store.add_attempt(Attempt(account_id=account.id, case_id=account.case_id, step=step,
                              attempt=attempt, score=score, passed=score >= 70, hints=hints,
                              wrong=[f"item:{i}" for i in range(wrong)],
                              at=T0 + dt.timedelta(minutes=minutes)))


@pytest.fixture
def cohort(store):
    """Ann: certified. Bob: a first try below the mark, his pass after the explanations, the
    quiz failed first. Cy: in the cohort, nothing done. Dee: another cohort, everything done."""
    ann, bob, cy = (store.add_trainee(n, cohort="Nov") for n in ("Ann", "Bob", "Cy"))
    dee = store.add_trainee("Dee", cohort="Dec")
    for who in (ann, dee):
        own = store.add_account(who.id, "Acme")
        for step in STEPS:
            _review(store, own.id, step, 4)
        practice = store.add_practice_account(who.id, "Halden", "halden", {})
        _check(store, practice, "stakeholders", 1, 80, hints=2, wrong=2, minutes=0)
        later = store.add_practice_account(who.id, "Corvel", "corvel", {})
        _check(store, later, "stakeholders", 1, 100, hints=0, wrong=0, minutes=90)
        store.add_quiz_attempt(who.id, QUIZ, 100, True, {})
        for round, level in (("before", 2), ("after", 4)):
            store.save_ratings(who.id, round, "self", {"levels": every(level)})
            store.save_ratings(who.id, round, "manager", {"levels": every(level - 1)},
                               rater_name="Mia")
        store.save_development_plan(who.id, {"items": [{"competency": "trust",
                                                        "action": f"{who.name}'s action"}]})
    bobs = store.add_account(bob.id, "Bobco")
    _review(store, bobs.id, "profile", 2)
    practice = store.add_practice_account(bob.id, "Halden", "halden", {})
    _check(store, practice, "stakeholders", 1, 50, hints=5, wrong=5, minutes=0)
    _check(store, practice, "stakeholders", 2, 60, hints=0, wrong=4, minutes=5)  # explained
    _check(store, practice, "stakeholders", 3, 100, hints=0, wrong=0, minutes=9)
    store.add_quiz_attempt(bob.id, "an_older_quiz", 100, True, {})  # not the quiz given now
    store.add_quiz_attempt(bob.id, QUIZ, 40, False, {})
    store.add_quiz_attempt(bob.id, QUIZ, 100, True, {})
    store.save_ratings(bob.id, "before", "manager", {"levels": every(1)}, rater_name="Mia")
    store.save_ratings(bob.id, "before", "manager", {"levels": every(3)}, rater_name="Mia")
    return {"ann": ann, "bob": bob, "cy": cy, "dee": dee}


def _records(store, framework, cohort="Nov"):
    return person_records(store, framework, store.list_account_rows(cohort=cohort))


def test_only_the_trainees_of_the_rows_get_a_record(store, framework, cohort):
    records = _records(store, framework)
    assert {r.name for r in records.values()} == {"Ann", "Bob", "Cy"}
    assert all(r.cohort == "Nov" for r in records.values())


def test_a_certified_trainee_and_what_made_them_so(store, framework, cohort):
    ann = _records(store, framework)[cohort["ann"].id]
    assert ann.certified, [r.detail for r in ann.certification.unmet]
    assert ann.reviews == [dict.fromkeys(STEPS, 4)]  # their own account: not the practice ones
    assert [c.case_id for c in ann.cases] == ["halden", "corvel"]
    assert ann.quiz.first.score == 100 and ann.quiz.retake is None
    assert {(s.round, s.rater) for s in ann.sets} == {
        ("before", "self"), ("before", "manager"), ("after", "self"), ("after", "manager")}
    assert ann.plan.items[0].action == "Ann's action"
    assert ann.gain["judgement:stakeholders"] == (80, 100)
    assert ann.gain["self"] == (2, 4) and ann.gain["manager"] == (1, 3)


def test_a_trainee_not_yet_certified_is_told_why(store, framework, cohort):
    bob = _records(store, framework)[cohort["bob"].id]
    assert not bob.certified
    assert [r.detail for r in bob.certification.unmet] == [
        "below 3 or not reviewed: Account profile, Stakeholder map, Relationship score, "
        "Opportunities, Account plan",
        "best first try 50 %", "first attempt 40 %", "no after-round rating by their manager yet"]
    (halden,) = bob.cases
    assert halden.first_try == {"stakeholders": 50} and halden.best == {"stakeholders": 100}
    assert halden.passed_after_explanations == {"stakeholders"}
    # the quiz's page and the record count the same attempt: of the quiz given now
    assert (bob.quiz.first.score, bob.quiz.retake.score, bob.quiz.attempts) == (40, 100, 2)
    assert bob.quiz.first.quiz == QUIZ
    (manager,) = bob.sets  # the latest of his manager's two saves
    assert manager.version == 2 and manager.ratings.levels == every(3)
    assert bob.plan is None


def test_a_trainee_with_nothing_yet_has_an_empty_record(store, framework, cohort):
    cy = _records(store, framework)[cohort["cy"].id]
    assert (cy.sets, cy.cases, cy.attempts, cy.reviews, cy.plan) == ([], [], [], [], None)
    assert cy.quiz.first is None and not cy.certified
    assert [r.detail for r in cy.certification.unmet][0] == "no account of their own yet"


def test_many_trainees_read_everything_and_keep_only_theirs(store, framework, cohort,
                                                           monkeypatch):
    """Past MANY ids the store is read whole (no long IN lists): the same records, nobody
    else's ratings, quiz, checks - or plan - slipping in, and nobody's plan left out."""
    few = _records(store, framework)
    monkeypatch.setattr(people_module, "MANY", 1)
    many = _records(store, framework)
    assert many.keys() == few.keys()
    for tid, record in few.items():
        assert many[tid] == record, record.name


def test_the_cohorts_gain_counts_the_trainees_behind_each_figure(store, framework, cohort):
    records = _records(store, framework)
    gains = {g.key: g for g in cohort_gains(records.values(), framework)}
    assert list(gains) == list(gain_labels(framework))
    judgement = gains["judgement:stakeholders"]
    assert (judgement.before, judgement.after, judgement.n) == (80, 100, 1)  # Ann only
    assert (gains["quiz"].before, gains["quiz"].after, gains["quiz"].n) == (40, 100, 1)  # Bob
    assert (gains["self"].gain, gains["self"].n) == (2, 1)
    assert gains["gap"].n == 1 and gains["gap"].higher_is_better is False
    everyone = person_records(store, framework, store.list_account_rows())
    assert {g.key: g.n for g in cohort_gains(everyone.values(), framework)}["self"] == 2
