"""The trainee as a person, in the store's privacy verbs (SQLite and PostgreSQL): removing a
trainee takes every rating of them, their plans, peers' links and quiz attempts - and so does
the database itself when the trainee's row goes (its foreign keys cascade); erasing a customer
person takes their name out of the ratings and plans too. And the colleagues who rate, under
pseudonyms, the way a customer person is."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kamkit.competency import CompetencyRatings, DevelopmentPlan, RatingSet
from kamkit.privacy import Raters, pseudonymise_ratings
from kamkit.store import Store
from kamkit.store_tables import (
    competency_ratings,
    development_plans,
    quiz_attempts,
    rater_links,
    trainees,
)
from tests.customer import EMAIL, ZEB, seed
from tests.person import assessed
from tests.unit.test_store import url  # noqa: F401 - the store tests' SQLite + PostgreSQL

TABLES = (competency_ratings, development_plans, rater_links, quiz_attempts)


@pytest.fixture
def store(url):  # noqa: F811
    with Store(url) as s:
        yield s


def _rows(store, trainee_id) -> list[int]:
    with store.engine.connect() as conn:
        return [conn.execute(select(func.count()).select_from(t)
                             .where(t.c.trainee_id == trainee_id)).scalar() for t in TABLES]


def test_removing_a_trainee_takes_their_ratings_plans_links_and_quiz(store):
    ana, ben = store.add_trainee("Ana"), store.add_trainee("Ben")
    assessed(store, ana.id)
    assessed(store, ben.id)
    assert _rows(store, ana.id) == [6, 2, 2, 2]
    removed = store.remove_trainee(ana.id)
    assert (removed.ratings, removed.plans, removed.links, removed.quiz) == (6, 2, 2, 2)
    assert str(removed) == ("6 competency ratings, 2 development plan versions, "
                            "2 peers' rating links, 2 quiz attempts")
    assert _rows(store, ana.id) == [0, 0, 0, 0]
    assert _rows(store, ben.id) == [6, 2, 2, 2]  # nobody else's


def test_the_database_cascades_when_a_trainee_row_goes(store):
    """Whatever deletes the trainee - kamkit or an operator's SQL - their record goes too."""
    ana = store.add_trainee("Ana")
    assessed(store, ana.id)
    with store.engine.begin() as conn:
        conn.execute(trainees.delete().where(trainees.c.id == ana.id))
    assert _rows(store, ana.id) == [0, 0, 0, 0]


def test_erasing_a_customer_person_takes_them_out_of_ratings_and_plans(store):
    work = seed(store)
    ana = work["trainee"]
    assessed(store, ana.id)  # her example and plan name Zebediah Quuxworth
    store.save_ratings(ana.id, "after", "manager", {
        "levels": {"listens": 3}, "comment": f"Wrote to {EMAIL}; {ZEB} was pleased"},
        rater_name="Mia Lindqvist")
    removed = store.erase_person([work["nordwind"].id], ZEB)
    assert removed.assessments == 3  # her example, the manager's comment, the plan
    texts = [s.ratings.model_dump_json() for s in store.rating_history(ana.id)]
    texts.append(store.development_plan(ana.id)[0].model_dump_json())
    assert not any(t in text for text in texts for t in ("Quuxworth", "zeb.quux"))
    assert any("[removed]" in text for text in texts)
    assert store.rating_history(ana.id)[1].ratings.levels  # the levels stay


def test_an_erasure_reaches_the_dashboards_kept_person_records(store):
    """The dashboard keeps person records between builds; an erasure rewrites ratings in place,
    and the next build must not show the erased name from what it kept."""
    from kamkit.frameworks import default_framework
    from kamkit.people import PersonCache, person_records

    work = seed(store)
    ana = work["trainee"]
    assessed(store, ana.id)
    cache = PersonCache()

    def examples() -> str:
        record = person_records(store, default_framework(), store.list_account_rows(), cache)
        return " ".join(s.ratings.model_dump_json() for s in record[ana.id].sets)

    assert "Quuxworth" in examples()
    store.erase_person([work["nordwind"].id], ZEB)
    assert "Quuxworth" not in examples()


def test_colleagues_who_rate_are_pseudonymised_like_customer_people():
    now = dt.datetime.now(dt.timezone.utc)

    def rated(rater, name, comment=""):
        return RatingSet(trainee_id=1, round="after", rater=rater, rater_name=name,
                         link_id=1 if rater == "peer" else None, version=1, saved_at=now,
                         ratings=CompetencyRatings(levels={"listens": 3}, comment=comment))

    sets = [rated("self", "", "Sam Reyes and Mia Lindqvist helped; Reyes most"),
            rated("manager", "Mia Lindqvist"), rated("peer", "Sam Reyes"),
            rated("peer", "Ola")]
    raters = Raters()
    raters.learn(sets)
    shown = [pseudonymise_ratings(s, raters) for s in sets]
    assert [s.rater_name for s in shown] == ["", "Manager 1", "Peer 1", "Peer 2"]
    assert shown[0].ratings.comment == "Peer 1 and Manager 1 helped; Peer 1 most"
    assert raters.text("Ola said so; ola is a word") == "Peer 2 said so; ola is a word"
    assert shown[0].ratings.levels == {"listens": 3}


def test_a_plan_and_a_long_comment_keep_within_their_limits():
    raters = Raters()
    raters.of("peer", "Al")
    comment = ("Al " * 1666)[:4999]
    kept = pseudonymise_ratings(RatingSet(
        trainee_id=1, round="after", rater="peer", rater_name="Al", link_id=1, version=1,
        saved_at=dt.datetime.now(dt.timezone.utc),
        ratings=CompetencyRatings(comment=comment)), raters)
    assert len(kept.ratings.comment) <= 5000 and "Al" not in kept.ratings.comment.split()
    from kamkit.privacy import pseudonymise_plan
    plan = DevelopmentPlan(items=[{"competency": "trust", "action": "Al " * 60}])
    assert len(pseudonymise_plan(plan, raters).items[0].action) <= 200


def test_the_pseudonymised_report_hides_names_in_the_development_plan(store):
    from kamkit.review import ReviewSession

    work = seed(store)
    ana = work["trainee"]
    assessed(store, ana.id)  # her plan names Zebediah Quuxworth, a customer person
    review = ReviewSession(store, "Mia Lindqvist")
    assert "Quuxworth" in review.report(ana.id)
    assert "Quuxworth" not in review.report(ana.id, pseudonymise=True)
