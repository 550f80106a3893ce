"""The trainee as a person in the JSON workbook: every version of their competency ratings (peers
by name, never a link's token), development plans, peers' links and quiz attempts; an export ->
import -> export round trip is equal, and no old link works after a move; a file from before
still imports, a damaged record is refused whole; pseudonymised, it names no colleague who rated
and no customer person."""

from __future__ import annotations

import json

import pytest

from kamkit.errors import AccessDenied, ImportRefused
from kamkit.io.workbook import _checksum, dumps, export_trainee, import_workbook
from kamkit.people import person_records
from kamkit.store import Store
from kamkit.store_tables import hash_token
from tests.customer import ZEB, seed
from tests.person import BEHAVIOURS, FW, assessed


@pytest.fixture
def other():
    with Store("sqlite:///:memory:") as s:
        yield s


@pytest.fixture
def ana(store):
    work = seed(store)
    tokens = assessed(store, work["trainee"].id)
    return work["trainee"], tokens


def _body(bundle: dict) -> dict:
    return {k: v for k, v in bundle.items() if k not in ("exported_at", "checksum")}


def test_the_json_carries_every_version_of_the_person_and_no_token(store, ana):
    trainee, tokens = ana
    bundle = export_trainee(store, trainee.id)
    person = bundle["person"]
    assert [(r["round"], r["rater"], r["rater_name"], r["version"], r["link"])
            for r in person["ratings"]] == [
        ("before", "self", "", 1, None), ("before", "self", "", 2, None),
        ("before", "manager", "Mia Lindqvist", 1, None), ("after", "self", "", 1, None),
        ("after", "manager", "Mia Lindqvist", 1, None), ("after", "peer", "Sam Reyes", 1, 0)]
    assert [link["peer_name"] for link in person["rater_links"]] == ["Sam Reyes", "Lena Vogel"]
    assert person["rater_links"][0]["revoked_at"] is None
    assert person["rater_links"][1]["revoked_at"] is not None
    assert [p["version"] for p in person["development_plans"]] == [1, 2]
    assert [(q["attempt"], q["score"], q["passed"]) for q in person["quiz_attempts"]] == [
        (1, 50.0, False), (2, 100.0, True)]
    text = dumps(bundle)
    for token in tokens.values():  # neither a link's token nor the hash the store keeps
        assert token not in text and hash_token(token) not in text
    assert "token" not in text and "hash" not in text


def test_export_import_export_is_the_same_record_and_no_old_link_works(store, other, ana):
    trainee, tokens = ana
    first = export_trainee(store, trainee.id)
    moved = import_workbook(other, dumps(first))
    second = export_trainee(other, moved.id)
    # the one difference: the link that still worked was withdrawn on the way in
    withdrawn = json.loads(json.dumps(second))
    sam = second["person"]["rater_links"][0]
    assert sam["revoked_at"] is not None
    sam["revoked_at"] = None
    assert _body(second) == _body(first)
    # and a second move changes nothing at all
    with Store("sqlite:///:memory:") as third:
        again = export_trainee(third, import_workbook(third, dumps(withdrawn)).id)
    assert _body(again) == _body(withdrawn)
    # no link a peer was given opens anything in the new store, nor counts as open
    for token in tokens.values():
        with pytest.raises(AccessDenied):
            other.rater_link_by_token(token)
    assert not any(link.active() for link in other.list_rater_links(moved.id))
    # the peer's ratings still point at Sam's link
    [peer] = [s for s in other.latest_ratings([moved.id]) if s.rater == "peer"]
    assert other.list_rater_links(moved.id)[0].id == peer.link_id


def test_the_imported_record_gives_the_same_figures(store, other, ana):
    trainee, _ = ana
    moved = import_workbook(other, dumps(export_trainee(store, trainee.id)))

    def record(s, tid):
        rows = [r for r in s.list_account_rows() if r["trainee_id"] == tid]
        p = person_records(s, FW, rows)[tid]
        return (p.gain, [r.met for r in p.certification.results], p.plan,
                p.quiz.first.score, p.quiz.retake.score)

    assert record(other, moved.id) == record(store, trainee.id)
    assert other.development_plan(moved.id)[1] == 2
    assert [s.version for s in other.rating_history(moved.id)] == [1, 2, 1, 1, 1, 1]


def test_an_expired_link_comes_in_as_it_was(store, other, ana):
    trainee, _ = ana
    bundle = export_trainee(store, trainee.id)
    bundle["person"]["rater_links"][0]["expires_at"] = "2020-01-01T00:00:00Z"
    bundle["person"]["rater_links"][0]["created_at"] = "2019-12-01T00:00:00Z"
    body = {k: v for k, v in bundle.items() if k != "checksum"}
    moved = import_workbook(other, json.dumps(body | {"checksum": _checksum(body)}))
    sam = other.list_rater_links(moved.id)[0]
    assert sam.revoked_at is None and not sam.active()


def test_a_file_from_before_the_person_imports_with_no_record(store, other, ana):
    trainee, _ = ana
    older = export_trainee(store, trainee.id)
    older.pop("person")
    older["format_version"] = 2
    body = {k: v for k, v in older.items() if k != "checksum"}
    moved = import_workbook(other, json.dumps(body | {"checksum": _checksum(body)}))
    assert other.rating_history(moved.id) == [] and other.list_quiz_attempts() == []
    assert other.list_rater_links(moved.id) == [] and other.development_plan(moved.id)[1] == 0


@pytest.mark.parametrize("spoil, said", [
    (lambda p: p["ratings"][5].update(link=7), "points at no peer's link"),
    (lambda p: p["ratings"][5].update(link=None), "come through their link"),
    (lambda p: p["ratings"][0].update(link=0), "come through their link"),
    (lambda p: p["ratings"][1].update(version=1), "versions must increase"),
    (lambda p: p["ratings"][0]["ratings"]["levels"].update({BEHAVIOURS[0]: 7}),
     "must be rated 1 to 5"),
    (lambda p: p["development_plans"][1].update(version=1), "versions must increase"),
    (lambda p: p["quiz_attempts"][1].update(attempt=1), "is there twice"),
    (lambda p: p["quiz_attempts"][0].update(score=101), "at most 100"),
    (lambda p: p["rater_links"][0].update(peer_name=""), "peer's link 1"),
    (lambda p: p["rater_links"][0].update(token_hash="abc"), "peer's link 1"),
    (lambda p: p.update(ratings="many"), "Nothing was imported"),
], ids=["link out of range", "peer without link", "self with link", "version twice",
        "level 7", "plan version twice", "quiz attempt twice", "score 101", "no peer name",
        "a hash smuggled in", "not a list"])
def test_a_damaged_record_is_refused_whole(store, other, ana, spoil, said):
    trainee, _ = ana
    bundle = export_trainee(store, trainee.id)
    spoil(bundle["person"])
    body = {k: v for k, v in bundle.items() if k != "checksum"}
    with pytest.raises(ImportRefused, match=said) as err:
        import_workbook(other, json.dumps(body | {"checksum": _checksum(body)}))
    assert "Nothing was imported" in str(err.value)
    assert other.list_trainees() == [] and other.list_quiz_attempts() == []


def test_the_pseudonymised_json_names_no_colleague_and_no_customer_person(store, other, ana):
    trainee, _ = ana
    bundle = export_trainee(store, trainee.id, pseudonymise=True)
    text = dumps(bundle["person"])
    for name in ("Mia Lindqvist", "Sam Reyes", "Lena Vogel", "Lindqvist", "Reyes", ZEB,
                 "Quuxworth"):
        assert name not in text, name
    person = bundle["person"]
    assert {r["rater_name"] for r in person["ratings"]} == {"", "Manager 1", "Peer 1"}
    assert [link["peer_name"] for link in person["rater_links"]] == ["Peer 1", "Peer 2"]
    own = person["ratings"][1]["ratings"]
    assert own["comment"] == "Peer 1 told me to be honest"
    assert own["examples"][BEHAVIOURS[0]].startswith("I mapped Person ")
    assert person["ratings"][5]["ratings"]["examples"][BEHAVIOURS[1]] == \
        "Manager 1 asked me to rate"
    assert person["development_plans"][1]["plan"]["items"][0]["action"].endswith(
        "with Peer 1")
    assert [r["ratings"]["levels"] for r in person["ratings"]] == [
        r["ratings"]["levels"] for r in export_trainee(store, trainee.id)["person"]["ratings"]]
    moved = import_workbook(other, dumps(bundle))  # imports like any other
    assert {s.rater_name for s in other.latest_ratings([moved.id])} == {"", "Manager 1",
                                                                        "Peer 1"}
