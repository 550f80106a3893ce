"""A peer's rating link opens one rating form, for one trainee, and nothing else: the rules the
server asks before a kernel starts and the page's kernel asks again, the peer's session, and
the rating page served by `kamkit serve` only."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit import server
from kamkit.competency import CompetencyRatings
from kamkit.errors import AccessDenied
from kamkit.identity import (
    RATER_PAGE,
    is_rater_page,
    rater_href,
    refusal,
    resolve_rater,
    resolve_trainee,
)
from kamkit.rater import RaterSession, expiry_note, kept_with
from kamkit.voila_app import _refused_page, scrub

WORKBOOK = "00_workbook.ipynb"


@pytest.fixture
def ann(store):
    return store.add_trainee("Ann Berg", cohort="Room 1")


@pytest.fixture
def bob(store):
    return store.add_trainee("Bob Lund", cohort="Room 1")


@pytest.fixture
def peer(store, ann):
    """Ann's link for Pia, and its token."""
    return store.add_rater_link(ann.id, "before", "Pia Peer", days=14, most=3)


def test_a_rating_link_opens_its_own_trainees_form(store, ann, bob, peer):
    link, token = peer
    found = resolve_rater(store, f"r={token}")
    assert found.id == link.id and found.trainee_id == ann.id and found.round == "before"
    assert refusal(store, f"r={token}", {}, page=RATER_PAGE) is None
    # Voila's display choices name nobody (and the server ignores them)
    assert resolve_rater(store, f"r={token}&template=reveal&theme=dark").id == link.id


@pytest.mark.parametrize("query, said", [
    ("", "opens only through the rating link"),
    ("r=", "not valid any more"),
    ("r=made-up", "not valid any more"),
    ("x=1", "opens only through the rating link"),
])
def test_no_link_or_a_made_up_one_opens_no_rating_form(store, peer, query, said):
    with pytest.raises(AccessDenied, match=said):
        resolve_rater(store, query)
    assert said in refusal(store, query, {}, page=RATER_PAGE)


def test_a_link_that_names_anyone_else_as_well_is_refused(store, ann, bob, peer):
    """A second trainee's personal token, their id, or any other parameter beside `r` -
    however it is spelt - opens nothing: the page never chooses between two people."""
    _, token = peer
    bob_token = store.issue_token(bob.id)
    for query, said in [(f"r={token}&t={bob_token}", "not with a personal workbook link"),
                        (f"t={bob_token}&r={token}", "not with a personal workbook link"),
                        (f"r={token}&%74={bob_token}", "not with a personal workbook link"),
                        (f"r={token}&trainee={bob.id}", "has been changed"),
                        (f"r={token}&id={bob.id}", "has been changed"),
                        (f"r={token}&trainee_id={bob.id}", "has been changed"),
                        (f"r={token}&account=1", "has been changed"),
                        (f"r={token}&r={token}", "has been changed")]:
        with pytest.raises(AccessDenied, match=said):
            resolve_rater(store, query)
        assert said in refusal(store, query, {}, page=RATER_PAGE), query


def test_a_trainees_own_link_does_not_open_the_rating_page(store, ann):
    token = store.issue_token(ann.id)
    message = refusal(store, f"t={token}", {}, page=RATER_PAGE)
    assert "not with a personal workbook link" in message


def test_the_hub_user_does_not_open_the_rating_page_without_a_link(store, ann, peer):
    hub = {"JUPYTERHUB_USER": "ann"}
    assert "opens only through the rating link" in refusal(store, "", hub, page=RATER_PAGE)
    assert refusal(store, f"r={peer[1]}", hub, page=RATER_PAGE) is None
    assert refusal(store, "", hub, page=WORKBOOK) is None  # the hub user's own workbook
    assert store.list_trainees() == [ann]  # nobody was created on the way


@pytest.mark.parametrize("page", [WORKBOOK, "01_account_profile.ipynb",
                                  "exercises/10_quiz.ipynb", "exercises/01_halden.ipynb"])
def test_a_rating_link_opens_no_other_page(store, ann, peer, page):
    _, token = peer
    own = store.issue_token(ann.id)
    for query in (f"r={token}", f"t={own}&r={token}", "r=", f"%72={token}"):
        for env in ({}, {"JUPYTERHUB_USER": "ann"}, {"KAMKIT_ACCESS": "links"}):
            assert "only opens the rating form" in refusal(store, query, env, page=page)
    with pytest.raises(AccessDenied, match="only opens the rating form"):  # the kernel agrees
        resolve_trainee(store, f"t={own}&r={token}", {})
    assert refusal(store, f"t={own}", {}, page=page) is None  # their own link still works


def test_a_withdrawn_or_expired_link_opens_nothing_any_more(store, ann, peer):
    link, token = peer
    _, expired = store.add_rater_link(ann.id, "before", "Ola Other", days=0, most=3)
    store.revoke_rater_link(ann.id, link.id)
    for gone in (token, expired):
        assert "not valid any more" in refusal(store, f"r={gone}", {}, page=RATER_PAGE)
        with pytest.raises(AccessDenied, match="expired or was withdrawn"):
            resolve_rater(store, f"r={gone}")


@pytest.mark.parametrize("path, rating", [
    (RATER_PAGE, True), ("/rate_a_colleague.ipynb", True), ("./rate_a_colleague.ipynb", True),
    ("exercises/../rate_a_colleague.ipynb", True), (WORKBOOK, False), ("", False),
    (None, False), ("exercises/rate_a_colleague.ipynb", False)])
def test_the_rating_page_is_known_however_its_path_is_written(path, rating):
    assert is_rater_page(path) is rating


def test_the_link_a_trainee_hands_out_is_relative_to_the_workbook():
    assert rater_href("abc-DEF_1") == "rate_a_colleague.ipynb?r=abc-DEF_1"


def test_a_refusal_on_the_rating_page_speaks_of_rating_and_escapes_its_message():
    page = _refused_page("<b>gone</b>", rating=True)
    assert "<h1>Rating a colleague</h1>" in page and "&lt;b&gt;gone" in page
    assert "Your personal link, please" in _refused_page("x")


def test_a_rating_token_never_reaches_a_log_line():
    assert scrub("GET /voila/render/rate_a_colleague.ipynb?r=SECRET (127.0.0.1)") == (
        "GET /voila/render/rate_a_colleague.ipynb?r=[secret] (127.0.0.1)")


def test_kamkit_serve_serves_the_rating_page_and_the_review_server_does_not(tmp_path):
    root = server.trainee_notebooks(server.NOTEBOOKS, tmp_path)
    assert (root / RATER_PAGE).exists()
    assert not (server.NOTEBOOKS / server.REVIEW / RATER_PAGE).exists()
    assert not list((server.NOTEBOOKS / server.REVIEW).rglob("rate*"))


# -- the peer's session ------------------------------------------------------------------------


def test_a_peer_sees_only_their_own_ratings_and_saves_new_versions(store, ann, peer):
    link, _ = peer
    store.save_ratings(ann.id, "before", "self", {"levels": {"listens": 5}})
    store.save_ratings(ann.id, "before", "manager", {"levels": {"listens": 2}},
                       rater_name="Mia Berg")
    other, _ = store.add_rater_link(ann.id, "before", "Ola Other", days=14, most=3)
    store.save_ratings(ann.id, "before", "peer", {"levels": {"listens": 1}},
                       rater_name="Ola Other", link_id=other.id)
    session = RaterSession(store, link)
    assert session.trainee_name == "Ann Berg"
    assert session.round_title == "Before the programme"
    assert session.latest() == (CompetencyRatings(), 0)
    assert session.save(CompetencyRatings(levels={"listens": 4})) == 1
    assert session.save(CompetencyRatings(levels={"listens": 3})) == 2
    assert session.latest() == (CompetencyRatings(levels={"listens": 3}), 2)
    mine = [s for s in store.rating_history(ann.id) if s.link_id == link.id]
    assert [s.rater_name for s in mine] == ["Pia Peer", "Pia Peer"]


def test_a_save_after_the_link_was_withdrawn_keeps_nothing(store, ann, peer):
    link, _ = peer
    session = RaterSession(store, link)
    session.save(CompetencyRatings(levels={"listens": 4}))
    store.revoke_rater_link(ann.id, link.id)
    with pytest.raises(AccessDenied, match="not valid any more"):
        session.save(CompetencyRatings(levels={"listens": 2}))
    assert [s.ratings.levels for s in store.rating_history(ann.id)] == [{"listens": 4}]


def test_how_long_a_link_works_in_words():
    now = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
    assert expiry_note(now + dt.timedelta(days=14), now) == (
        "This link works until 2027-03-15 (14 more days).")
    assert expiry_note(now + dt.timedelta(days=1, hours=2), now) == (
        "This link works until 2027-03-02 (1 more day).")
    assert "less than a day" in expiry_note(now + dt.timedelta(hours=5), now)
    assert expiry_note(now - dt.timedelta(seconds=1), now) == "This link has expired."


def test_ratings_of_behaviours_the_form_no_longer_shows_are_kept():
    saved = CompetencyRatings(levels={"gone": 2, "listens": 3}, examples={"gone": "then"},
                              comment="kind")
    typed = CompetencyRatings(levels={"listens": 4})
    assert kept_with(saved, typed, {"listens", "evidence_first"}) == CompetencyRatings(
        levels={"gone": 2, "listens": 4}, examples={"gone": "then"}, comment="kind")
    assert kept_with(saved, CompetencyRatings(), {"gone", "listens"}) == CompetencyRatings(
        comment="kind")
