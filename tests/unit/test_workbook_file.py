"""Whole-workbook JSON: a faithful round trip; a damaged file refused, the store unchanged."""

from __future__ import annotations

import json

import pytest

from kamkit.demo import seed_demo
from kamkit.errors import ImportRefused
from kamkit.io.workbook import _checksum, dumps, export_trainee, import_workbook
from kamkit.store import Store


@pytest.fixture
def exported(store, today):
    seed_demo(store, today)
    ana = next(t for t in store.list_trainees() if t.name == "Ana Costa")
    return dumps(export_trainee(store, ana.id))


@pytest.fixture
def other():
    with Store("sqlite:///:memory:") as s:
        yield s


def _resealed(bundle: dict) -> str:
    body = {k: v for k, v in bundle.items() if k != "checksum"}
    return json.dumps(body | {"checksum": _checksum(body)})


def _snapshot(store):
    return [(t.name, [(a.name, store.list_steps_saved(a.id)) for a in store.list_accounts(t.id)])
            for t in store.list_trainees()]


def test_round_trip_keeps_every_account_and_every_version(store, other, exported):
    ana = import_workbook(other, exported)
    assert ana.name == "Ana Costa" and ana.cohort == "Demo workshop"
    original = next(t for t in store.list_trainees() if t.name == "Ana Costa")
    for before, after in zip(store.list_accounts(original.id), other.list_accounts(ana.id),
                             strict=True):
        assert before.name == after.name
        for step in ("profile", "stakeholders", "relationship"):
            assert ([v.data for v in store.list_versions(before.id, step)]
                    == [v.data for v in other.list_versions(after.id, step)])


def test_a_truncated_file_is_refused_and_nothing_changes(other, exported):
    with pytest.raises(ImportRefused, match="not readable JSON"):
        import_workbook(other, exported[: len(exported) // 2])
    assert other.list_trainees() == []


def test_a_hand_edited_file_is_refused_by_its_checksum(other, exported):
    tampered = exported.replace('"gut_feeling": 75', '"gut_feeling": 99')
    assert tampered != exported
    with pytest.raises(ImportRefused, match="changed after it was exported"):
        import_workbook(other, tampered)
    assert other.list_trainees() == []


def test_an_invalid_answer_deep_inside_is_refused_even_with_a_valid_checksum(other, exported):
    bundle = json.loads(exported)
    nordwind = next(a for a in bundle["accounts"] if a["name"] == "Nordwind Logistics")
    nordwind["documents"]["stakeholders"][0]["data"]["people"][0]["influence"] = 9
    with pytest.raises(ImportRefused) as err:
        import_workbook(other, _resealed(bundle))
    assert "Nothing was imported" in str(err.value)
    assert "step 'stakeholders', version 1" in str(err.value)
    assert "Influence must be at most 5 (got 9)" in str(err.value)
    assert other.list_trainees() == []


def test_infinity_in_a_file_is_refused_not_imported_as_nothing(other, exported):
    """A forger who recomputes the checksum: JSON's Infinity is no figure kamkit keeps."""
    bundle = json.loads(exported)
    nordwind = next(a for a in bundle["accounts"] if a["name"] == "Nordwind Logistics")
    nordwind["documents"]["profile"][-1]["data"]["revenue_with_us"] = float("inf")
    text = _resealed(bundle)
    assert '"revenue_with_us": Infinity' in text
    with pytest.raises(ImportRefused, match="Revenue with us must be a real number, not "
                                            "infinity or NaN"):
        import_workbook(other, text)
    assert other.list_trainees() == []


def test_not_a_workbook_file_is_refused(other):
    with pytest.raises(ImportRefused, match="not a kamkit workbook"):
        import_workbook(other, '{"hello": 1}')


def test_an_imported_workbook_never_brings_its_own_login(store, other, today):
    """A file could make itself the workbook of another OS user (whoever 'login' names) -
    unless the facilitator says so (kamkit import --keep-login)."""
    seed_demo(store, today)
    me = next(t for t in store.list_trainees() if t.login)
    text = dumps(export_trainee(store, me.id))
    assert import_workbook(other, text).login is None
    assert import_workbook(other, text).login is None  # and so twice is two trainees
    kept = import_workbook(other, text, keep_login=True)
    assert kept.login == me.login
    assert other.get_trainee_by_login(me.login).id == kept.id


def test_importing_twice_keeping_the_login_is_refused_and_changes_nothing(store, other, today):
    seed_demo(store, today)
    me = next(t for t in store.list_trainees() if t.login)
    text = dumps(export_trainee(store, me.id))
    import_workbook(other, text, keep_login=True)
    before = _snapshot(other)
    with pytest.raises(ImportRefused, match="already in the workbook"):
        import_workbook(other, text, keep_login=True)
    assert _snapshot(other) == before



def test_a_file_from_before_out_of_date_saves_still_imports_and_a_newer_format_is_refused(
        other, exported):
    older = json.loads(exported)
    assert older["format_version"] == 3
    older.pop("person")  # format 2: the trainee as a person came with format 3
    older["format_version"] = 2
    assert import_workbook(other, _resealed(older)).name
    for account in older["accounts"]:
        for versions in account["documents"].values():
            for version in versions:
                version.pop("stale")
    older["format_version"] = 1
    assert import_workbook(other, _resealed(older)).name
    newer = json.loads(exported) | {"format_version": 4}
    with pytest.raises(ImportRefused, match="reads formats 1 to 3"):
        import_workbook(other, _resealed(newer))


def test_an_out_of_date_save_stays_out_of_date_through_export_and_import(store, other,
                                                                          left_behind):
    ann, _ = left_behind
    moved = import_workbook(other, dumps(export_trainee(store, ann.id)))
    book = other.list_accounts(moved.id)[0]
    assert [v.stale for v in other.list_versions(book.id, "profile")] == [False, False, True]
    assert other.get_document(book.id, "profile").industry == "current"
