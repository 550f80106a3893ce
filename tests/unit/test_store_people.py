"""The person's side of the store, on SQLite and (where configured) PostgreSQL: every rater's
saves are versions of their own; a peer saves only through their own active link; at most the
content's number of active links; only a token's hash is kept; quiz attempts are numbered
without gaps or twins however many pages finish at once; a cohort's after-round opens once; and
a version-5 database gains all this without losing what it held."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import create_engine, select

from kamkit import migrations
from kamkit.errors import AccessDenied, InvalidInput, NotFound
from kamkit.store import Store
from kamkit.store_tables import hash_token, rater_links
from tests.competency_data import every
from tests.unit.test_store import url  # noqa: F401 - the store tests' SQLite + PostgreSQL


@pytest.fixture
def store(url):  # noqa: F811
    with Store(url) as s:
        yield s


@pytest.fixture
def ann(store):
    return store.add_trainee("Ann", cohort="Nov")


@pytest.fixture
def bob(store):
    return store.add_trainee("Bob", cohort="Nov")


def _link(store, trainee, round="before", name="Ada", most=3):
    return store.add_rater_link(trainee.id, round, name, days=14, most=most)


def _expire(store, link_id):
    with store._write() as conn:
        conn.execute(rater_links.update().where(rater_links.c.id == link_id).values(
            expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)))


# -- ratings ------------------------------------------------------------------------------------

def test_each_rater_has_versions_of_their_own(store, ann):
    link, _ = _link(store, ann)
    assert store.save_ratings(ann.id, "before", "self", {"levels": {"listens": 2}}) == 1
    assert store.save_ratings(ann.id, "before", "self", {"levels": {"listens": 3}}) == 2
    assert store.save_ratings(ann.id, "before", "manager", {"levels": {"listens": 4}},
                              rater_name="Mia") == 1
    assert store.save_ratings(ann.id, "before", "manager", {"levels": {"listens": 5}},
                              rater_name="Raj") == 1
    assert store.save_ratings(ann.id, "before", "peer", {"levels": {"listens": 1}},
                              rater_name="Ada", link_id=link.id) == 1
    assert store.save_ratings(ann.id, "after", "self", {"levels": {"listens": 4}}) == 1
    history = store.rating_history(ann.id)
    assert [(s.round, s.rater, s.rater_name, s.version) for s in history] == [
        ("before", "self", "", 1), ("before", "self", "", 2), ("before", "manager", "Mia", 1),
        ("before", "manager", "Raj", 1), ("before", "peer", "Ada", 1), ("after", "self", "", 1)]
    assert history[4].link_id == link.id and history[0].link_id is None


def test_latest_ratings_picks_the_latest_of_each_rater(store, ann, bob):
    store.save_ratings(ann.id, "before", "self", {"levels": {"listens": 2}})
    store.save_ratings(ann.id, "before", "self", {"levels": {"listens": 3},
                                                  "comment": "second thoughts"})
    store.save_ratings(ann.id, "before", "manager", {"levels": {"listens": 4}}, rater_name="Mia")
    store.save_ratings(ann.id, "before", "manager", {"levels": {"listens": 1}}, rater_name="Mia")
    store.save_ratings(ann.id, "before", "manager", {"levels": {"listens": 5}}, rater_name="Raj")
    store.save_ratings(bob.id, "before", "self", {"levels": every(3)})
    latest = {(s.trainee_id, s.rater, s.rater_name): s for s in store.latest_ratings()}
    assert set(latest) == {(ann.id, "self", ""), (ann.id, "manager", "Mia"),
                           (ann.id, "manager", "Raj"), (bob.id, "self", "")}
    mine = latest[(ann.id, "self", "")]
    assert (mine.version, mine.ratings.levels, mine.ratings.comment) == (
        2, {"listens": 3}, "second thoughts")
    assert latest[(ann.id, "manager", "Mia")].ratings.levels == {"listens": 1}
    assert {s.trainee_id for s in store.latest_ratings([bob.id])} == {bob.id}
    assert store.latest_ratings([]) == []


def test_a_rating_off_the_scale_or_for_nobody_is_refused(store, ann):
    with pytest.raises(InvalidInput, match="1 to 5"):
        store.save_ratings(ann.id, "before", "self", {"levels": {"listens": 6}})
    with pytest.raises(NotFound):
        store.save_ratings(ann.id + 99, "before", "self", {"levels": {"listens": 3}})
    assert store.rating_history(ann.id) == []


# -- a peer saves only through their own active link ------------------------------------------

def test_a_peer_saves_through_their_active_link(store, ann):
    link, _ = _link(store, ann)
    store.save_ratings(ann.id, "before", "peer", {"levels": every(3)}, rater_name="Ada",
                       link_id=link.id)
    assert [s.rater for s in store.latest_ratings([ann.id])] == ["peer"]


def test_a_peer_without_a_link_and_a_manager_with_one_are_refused(store, ann):
    link, _ = _link(store, ann)
    with pytest.raises(InvalidInput, match="own link"):
        store.save_ratings(ann.id, "before", "peer", {"levels": every(3)}, rater_name="Ada")
    with pytest.raises(InvalidInput, match="own link"):
        store.save_ratings(ann.id, "before", "manager", {"levels": every(3)}, link_id=link.id)


@pytest.mark.parametrize("why", ["expired", "withdrawn", "another trainee's", "another round",
                                 "no such link"])
def test_a_peer_save_through_a_link_that_is_not_theirs_now_is_refused(store, ann, bob, why):
    link, _ = _link(store, bob if why == "another trainee's" else ann,
                    "after" if why == "another round" else "before")
    link_id = link.id + 99 if why == "no such link" else link.id
    if why == "expired":
        _expire(store, link.id)
    if why == "withdrawn":
        store.revoke_rater_link(ann.id, link.id)
    with pytest.raises(AccessDenied, match="not valid any more"):
        store.save_ratings(ann.id, "before", "peer", {"levels": every(3)}, rater_name="Ada",
                           link_id=link_id)
    assert store.rating_history(ann.id) == []


# -- links --------------------------------------------------------------------------------------

def test_the_fourth_active_link_of_a_round_is_refused(store, ann):
    links = [_link(store, ann, name=n)[0] for n in ("Ada", "Bo", "Cy")]
    with pytest.raises(InvalidInput) as err:
        _link(store, ann, name="Dee")
    assert err.value.field == "peer_name" and "3 colleagues already" in str(err.value)
    _link(store, ann, round="after", name="Dee")  # the other round has its own three
    store.revoke_rater_link(ann.id, links[0].id)  # a withdrawn link frees its place
    _link(store, ann, name="Dee")
    _expire(store, links[1].id)                   # and so does an expired one
    _link(store, ann, name="Eve")
    assert [link.peer_name for link in store.list_rater_links(ann.id)] == [
        "Ada", "Bo", "Cy", "Dee", "Dee", "Eve"]
    assert sum(link.active() for link in store.list_rater_links(ann.id)) == 4  # 3 + 1 after


def test_revoking_someone_elses_link_is_not_found(store, ann, bob):
    link, token = _link(store, ann)
    with pytest.raises(NotFound):
        store.revoke_rater_link(bob.id, link.id)
    with pytest.raises(NotFound):
        store.revoke_rater_link(ann.id, link.id + 99)
    assert store.rater_link_by_token(token).id == link.id  # still working
    revoked = store.revoke_rater_link(ann.id, link.id)
    assert revoked.revoked_at is not None and not revoked.active()
    again = store.revoke_rater_link(ann.id, link.id)  # twice: the first date stays
    assert again.revoked_at == revoked.revoked_at
    with pytest.raises(AccessDenied):
        store.rater_link_by_token(token)


def test_only_the_tokens_hash_is_kept(store, ann):
    link, token = _link(store, ann)
    assert len(token) >= 32
    with store.engine.connect() as conn:
        (row,) = conn.execute(select(rater_links)).mappings().all()
    assert row["token_hash"] == hash_token(token)
    assert token not in {str(v) for v in row.values()}
    assert store.rater_link_by_token(token) == link
    with pytest.raises(AccessDenied):
        store.rater_link_by_token(hash_token(token))  # the stored hash opens nothing
    with pytest.raises(AccessDenied):
        store.rater_link_by_token("guessed")


def test_a_link_expires_after_its_days(store, ann):
    link, token = _link(store, ann)
    assert link.expires_at - link.created_at == dt.timedelta(days=14)
    later = link.expires_at + dt.timedelta(seconds=1)
    with pytest.raises(AccessDenied):
        store.rater_link_by_token(token, now=later)
    _expire(store, link.id)
    with pytest.raises(AccessDenied):
        store.rater_link_by_token(token)


# -- the quiz -----------------------------------------------------------------------------------

def test_quiz_attempts_are_numbered_per_trainee_and_quiz(store, ann, bob):
    first = store.add_quiz_attempt(ann.id, "kam_basics", 50, False, {"purpose": 1})
    second = store.add_quiz_attempt(ann.id, "kam_basics", 100, True, {"purpose": 2})
    other = store.add_quiz_attempt(ann.id, "another", 80, True, {})
    bobs = store.add_quiz_attempt(bob.id, "kam_basics", 70, False, {})
    assert (first.attempt, second.attempt, other.attempt, bobs.attempt) == (1, 2, 1, 1)
    assert not first.practice and second.practice
    kept = store.list_quiz_attempts([ann.id])
    assert [(q.quiz, q.attempt, q.score, q.answers) for q in kept] == [
        ("kam_basics", 1, 50, {"purpose": 1}), ("kam_basics", 2, 100, {"purpose": 2}),
        ("another", 1, 80, {})]
    assert kept[0].at.tzinfo is not None and len(store.list_quiz_attempts()) == 4


def _at_once(work, *args) -> list[Exception]:
    """`work(arg)` in one thread per arg, started together; the exceptions they raised."""
    start, failures = threading.Barrier(len(args)), []

    def run(arg):
        start.wait()
        try:
            work(arg)
        except Exception as exc:  # noqa: BLE001 - returned to the test
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return failures


def test_two_pages_finishing_the_quiz_at_once_lose_no_attempt_and_number_none_twice(store, ann):
    """Two tabs of one trainee (or a double click) saving at the same moment, many times over:
    every attempt kept, numbered 1..N."""
    each = 40

    def tab(score):
        for _ in range(each):
            store.add_quiz_attempt(ann.id, "kam_basics", score, score >= 75, {})

    assert _at_once(tab, 60, 90) == []
    kept = store.list_quiz_attempts([ann.id])
    assert sorted(q.attempt for q in kept) == list(range(1, 2 * each + 1))
    assert sorted(q.score for q in kept) == [60] * each + [90] * each


def test_two_pages_saving_one_raters_ratings_at_once_keep_every_version(store, ann):
    each = 20

    def page(level):
        for _ in range(each):
            store.save_ratings(ann.id, "before", "manager", {"levels": {"listens": level}},
                               rater_name="Mia")

    assert _at_once(page, 2, 4) == []
    versions = sorted(s.version for s in store.rating_history(ann.id))
    assert versions == list(range(1, 2 * each + 1))


def test_links_asked_for_at_once_stay_within_the_most(store, ann):
    failures = _at_once(lambda name: _link(store, ann, name=name), "Ada", "Bo", "Cy", "Dee",
                        "Eve", "Fay")
    assert len(failures) == 3 and all(isinstance(f, InvalidInput) for f in failures)
    assert len(store.list_rater_links(ann.id)) == 3


def test_a_quiz_for_nobody_is_refused(store):
    with pytest.raises(NotFound):
        store.add_quiz_attempt(404, "kam_basics", 50, False, {})


# -- development plans ------------------------------------------------------------------------

def test_development_plans_are_versioned_and_the_latest_read(store, ann, bob):
    assert store.development_plan(ann.id)[0].items == [] and store.development_plan(ann.id)[1] == 0
    store.save_development_plan(ann.id, {"items": [{"competency": "trust", "action": "a"}]})
    assert store.save_development_plan(ann.id, {"items": [
        {"competency": "data", "action": "b", "due": "2026-12-01"}]}) == 2
    plan, version = store.development_plan(ann.id)
    assert version == 2 and plan.items[0].competency == "data"
    assert plan.items[0].due == dt.date(2026, 12, 1)
    plans = store.development_plans([ann.id, bob.id])
    assert list(plans) == [ann.id] and plans[ann.id] == plan
    store.save_development_plan(bob.id, {"items": []})
    assert store.development_plans() == {ann.id: plan, bob.id: store.development_plan(bob.id)[0]}


# -- a cohort's after-round ---------------------------------------------------------------------

def test_the_after_round_opens_once_and_keeps_its_first_date(store, ann):
    assert store.after_round_opened("Nov") is None
    first = dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc)
    assert store.open_after_round("Nov", at=first) == first
    assert store.open_after_round("Nov", at=first + dt.timedelta(days=3)) == first
    assert store.after_round_opened("Nov") == first
    assert store.after_round_opened(None) is None


def test_the_after_round_of_a_cohort_with_details_and_of_none(store):
    from kamkit.models import Cohort

    store.save_cohort(Cohort(name="Dec", workshop_date=dt.date(2026, 12, 10), manager="Mia"))
    when = store.open_after_round("Dec")  # no trainee in it yet: it is a cohort all the same
    assert store.after_round_opened("Dec") == when
    store.save_cohort(Cohort(name="Dec", workshop_date=dt.date(2026, 12, 11), manager="Raj"))
    kept = store.get_cohort("Dec")  # new details keep the round open
    assert (kept.manager, kept.after_round_at) == ("Raj", when)
    with pytest.raises(NotFound, match="No cohort called 'Nobody'"):
        store.open_after_round("Nobody")
    assert store.after_round_opened("Nobody") is None


# -- migration 6 ---------------------------------------------------------------------------------

def test_a_version_5_database_gains_the_persons_tables_and_keeps_its_data(tmp_path):
    path = tmp_path / "v5.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        for number, _, step in migrations.MIGRATIONS:
            if number <= 5:
                step(conn)
        migrations.set_version(conn, 5)
        conn.exec_driver_sql("INSERT INTO trainees (name, cohort, created_at) "
                             "VALUES ('Old Timer', 'Spring', '2026-01-01 00:00:00')")
        conn.exec_driver_sql("INSERT INTO cohorts (name, workshop_date, manager) "
                             "VALUES ('Spring', '2026-03-01', 'Mia')")
        conn.exec_driver_sql("INSERT INTO accounts (trainee_id, name, created_at, updated_at) "
                             "VALUES (1, 'Acme', '2026-01-02 00:00:00', "
                             "'2026-01-02 00:00:00')")
        conn.exec_driver_sql("INSERT INTO documents (account_id, step, version, data, "
                             "saved_at) VALUES (1, 'profile', 1, '{\"industry\": \"Steel\"}', "
                             "'2026-01-02 00:00:00')")
    engine.dispose()
    with Store(f"sqlite:///{path}") as store:
        assert store.schema_version == migrations.LATEST
        (old,) = store.list_trainees()
        assert (old.name, old.cohort) == ("Old Timer", "Spring")
        (account,) = store.list_accounts(old.id)
        assert store.get_document(account.id, "profile").industry == "Steel"
        (cohort,) = store.list_cohorts()
        assert (cohort.name, cohort.workshop_date, cohort.manager) == (
            "Spring", dt.date(2026, 3, 1), "Mia")
        # the new verbs work on the old trainee and cohort
        assert store.after_round_opened("Spring") is None
        store.open_after_round("Spring")
        assert store.after_round_opened("Spring") is not None
        assert store.save_ratings(old.id, "before", "self", {"levels": every(3)}) == 1
        assert store.add_quiz_attempt(old.id, "kam_basics", 80, True, {}).attempt == 1
