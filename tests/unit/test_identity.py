"""Who is looking: a personal link, the hub user, or this machine's user - nobody else's work."""

from __future__ import annotations

import getpass

import pytest

from kamkit.errors import AccessDenied
from kamkit.identity import link_for, resolve_trainee


def test_a_personal_link_opens_its_own_trainee(store):
    ann, bob = store.add_trainee("Ann"), store.add_trainee("Bob")
    token_a, token_b = store.issue_token(ann.id), store.issue_token(bob.id)
    assert resolve_trainee(store, f"t={token_a}", {}).id == ann.id
    assert resolve_trainee(store, f"x=1&t={token_b}", {}).id == bob.id


def test_a_made_up_or_edited_link_is_refused(store):
    ann = store.add_trainee("Ann")
    token = store.issue_token(ann.id)
    for query in ["t=" + token[:-1], "t=Ann", f"t={ann.id}", "t="]:
        with pytest.raises(AccessDenied, match="not valid"):
            resolve_trainee(store, query, {})


def test_a_workshop_server_asks_for_the_link_instead_of_guessing(store):
    with pytest.raises(AccessDenied, match="personal link"):
        resolve_trainee(store, "", {"KAMKIT_ACCESS": "links"})
    assert store.list_trainees() == []


def test_the_hub_user_is_the_trainee_and_is_remembered(store):
    first = resolve_trainee(store, None, {"JUPYTERHUB_USER": "kim", "KAMKIT_ACCESS": "links"})
    again = resolve_trainee(store, None, {"JUPYTERHUB_USER": "kim"})
    assert first.id == again.id and first.login == "kim"


def test_self_paced_use_needs_no_sign_in(store):
    me = resolve_trainee(store, None, {})
    assert me.login == getpass.getuser()
    assert resolve_trainee(store, "", {}).id == me.id


def test_link_points_at_the_workbook_page():
    assert (link_for("http://10.0.0.5:8866/", "abc")
            == "http://10.0.0.5:8866/voila/render/00_workbook.ipynb?t=abc")


def test_links_between_pages_keep_who_is_looking():
    from kamkit.identity import who_query, with_who

    who = who_query("account=3&t=abc%2Bdef")
    assert who == "t=abc%2Bdef"
    assert with_who("exercises/10_quiz.ipynb", who) == "exercises/10_quiz.ipynb?t=abc%2Bdef"
    assert with_who("../00_workbook.ipynb?case=halden", who) == (
        "../00_workbook.ipynb?case=halden&t=abc%2Bdef")
    assert who_query("account=3") == "" and with_who("x.ipynb", "") == "x.ipynb"


def test_a_login_is_greeted_by_the_full_name_its_user_record_gives(monkeypatch):
    import pwd
    from types import SimpleNamespace

    from kamkit.identity import display_name

    records = {"ana": SimpleNamespace(pw_gecos="Ana Costa,,,"), "svc": SimpleNamespace(pw_gecos="")}
    monkeypatch.setattr(pwd, "getpwnam", lambda login: records[login])
    assert display_name("ana") == "Ana Costa"
    assert display_name("svc") == "svc"  # no full name on record: the login
    assert display_name("nobody-here") == "nobody-here"
