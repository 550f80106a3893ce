"""A store that cannot write (database read-only, disk full) never costs a trainee what they typed:
each step says saving failed, keeps the text on screen, and saves it once the store can write
again - by its own retry, or with the next edit. The faults are real SQLite ones, raised on a
file-backed store: `PRAGMA query_only` (read-only) and `PRAGMA max_page_count` (the disk full)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from kamkit.session import Session
from kamkit.steps import document_model
from kamkit.store import Store
from kamkit.ui import profile, relationship, stakeholders

FAULTS = {"read-only": "the database is read-only", "disk full": "the disk is full"}


@pytest.fixture
def filed(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'kamkit.db'}") as s:
        yield s


@pytest.fixture
def session(filed):
    s = Session(filed, filed.add_trainee("Ann"))
    s.create_account("Nordwind Logistics")
    return s


@contextmanager
def failing(store: Store, kind: str):
    """Every new connection to `store` refuses to write, the way `kind` would."""
    def refuse(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        if kind == "read-only":
            cur.execute("PRAGMA query_only=1")
        else:
            pages = cur.execute("PRAGMA page_count").fetchone()[0]
            cur.execute(f"PRAGMA max_page_count={pages}")
        cur.close()

    store.engine.dispose()
    event.listen(store.engine, "connect", refuse)
    try:
        yield
    finally:
        event.remove(store.engine, "connect", refuse)
        store.engine.dispose()


# Each step: how a trainee types a long answer into it, and where it is read back.
def _type_profile(view, text):
    target = view.fields["strategy"]
    (getattr(target, "box", None) or target.input).value = text


def _read_profile(doc):
    return doc.strategy


def _type_stakeholders(view, text):
    if not view.doc.people:
        view.add_person("Greta Lind")
    view.form.needs.input.value = text


def _read_stakeholders(doc):
    return doc.people[0].needs if doc.people else None


def _type_relationship(view, text):
    card = view.cards["plan_sharing"]
    card.level.input.value = 4
    card.evidence.input.value = text


def _read_relationship(doc):
    rating = doc.ratings.get("plan_sharing")
    return rating.evidence if rating else None


STEPS = {
    "profile": (profile.app, _type_profile, _read_profile, 5000),
    "stakeholders": (stakeholders.app, _type_stakeholders, _read_stakeholders, 5000),
    "relationship": (relationship.app, _type_relationship, _read_relationship, 5000),
}


def _words(n: int, seed: str) -> str:
    return " ".join(f"{seed}{i}" for i in range(n))


@pytest.mark.parametrize("kind", list(FAULTS))
@pytest.mark.parametrize("step", list(STEPS))
def test_a_refused_save_is_said_kept_on_screen_and_saved_when_possible(session, filed, step,
                                                                        kind):
    build, type_, read, limit = STEPS[step]
    view = build(session)
    type_(view, "first answer")
    assert "All changes saved" in view.save_status.text

    typed = _words(900, "held")[:limit].strip()  # longer than a page: it needs new ones
    with failing(filed, kind):
        type_(view, typed)
        status = view.save_status.text
        assert f"Saving failed: {FAULTS[kind]}" in status, status
        assert "tries again" in status
        assert view.keeper.unsaved is not None
        assert read(filed.get_document(session.account.id, step)) != typed  # not in the store
        view.keeper.retry()  # still refused: still held, still said
        assert "Saving failed" in view.save_status.text and view.keeper.unsaved is not None
    # what was typed is still on screen, in the view's working copy
    assert read(view.doc) == typed

    view.keeper.retry()  # the background retry, once the store can write again
    assert "All changes saved" in view.save_status.text
    assert view.keeper.unsaved is None
    assert read(filed.get_document(session.account.id, step)) == typed


@pytest.mark.parametrize("step", list(STEPS))
def test_the_next_edit_saves_what_a_refused_save_held(session, filed, step):
    build, type_, read, _ = STEPS[step]
    view = build(session)
    with failing(filed, "read-only"):
        type_(view, "typed while read-only")
        assert "Saving failed" in view.save_status.text
    type_(view, "typed after")
    assert "All changes saved" in view.save_status.text
    assert read(filed.get_document(session.account.id, step)) == "typed after"
    assert view.keeper.unsaved is None


def test_a_retry_with_nothing_held_does_nothing(session, filed):
    view = profile.app(session)
    assert view.keeper.retry() is None
    assert view.save_status.text == ""


def test_the_saved_message_says_saved_and_keeps_the_version_out_of_the_words(session):
    from kamkit.ui.profile import ProfileApp

    view = ProfileApp(session)
    view.fields["industry"].input.value = "Chemicals"
    assert view.save_status.text == "All changes saved."
    assert 'data-version="1"' in view.save_status.value


@pytest.mark.parametrize("step", list(STEPS))
def test_a_page_left_behind_never_overwrites_newer_work(session, filed, step):
    """Issue 16, finding 3: a save refused (disk full), the trainee reloads and saves again;
    the old page's retry comes after - and must not become their latest."""
    build, type_, read, limit = STEPS[step]
    old_page = build(session)
    type_(old_page, "first answer")
    old_a = ("OLD-A " + _words(900, "held"))[:limit].strip()  # needs new pages: refused
    with failing(filed, "disk full"):
        type_(old_page, old_a)
        assert old_page.keeper.unsaved is not None
    reloaded = build(Session(filed, session.trainee, account=session.account))
    type_(reloaded, "NEW-B")
    assert "All changes saved" in reloaded.save_status.text

    old_page.keeper.retry()  # the old page's kernel is still alive, and retries
    assert read(filed.get_document(session.account.id, step)) == "NEW-B"
    status = old_page.save_status.text
    assert "changed in another tab" in status and "reload the page" in status
    assert "version" not in status  # version numbers are kept out of the words
    assert old_page.keeper.unsaved is None  # kept in the history: nothing held, no retry
    versions = filed.list_versions(session.account.id, step)
    assert read(document_model(step).model_validate(versions[-1].data)) == old_a
    assert versions[-1].stale
    assert not any(v.stale for v in versions[:-1])
    assert filed.list_steps_saved(session.account.id)[step][0] == versions[-2].version

    type_(reloaded, "NEW-C")  # the current page carries on as if nothing happened
    assert "All changes saved" in reloaded.save_status.text
    assert read(filed.get_document(session.account.id, step)) == "NEW-C"


@pytest.mark.parametrize("step", list(STEPS))
def test_the_home_tab_redrawing_does_not_make_a_page_left_behind_current(session, filed, step):
    build, type_, read, _ = STEPS[step]
    old_page = build(session)
    type_(old_page, "first answer")
    other_tab = build(Session(filed, session.trainee, account=session.account))
    type_(other_tab, "NEW-B")
    session.progress()  # the old page's home tab redraws: it reads every step again
    type_(old_page, "OLD-C")
    assert read(filed.get_document(session.account.id, step)) == "NEW-B"
    assert "changed in another tab" in old_page.save_status.text


@pytest.mark.parametrize("step", list(STEPS))
def test_a_held_save_goes_to_the_account_it_was_typed_for(session, filed, step):
    build, type_, read, limit = STEPS[step]
    first = session.account
    view = build(session)
    held = ("HELD " + _words(900, "held"))[:limit].strip()
    with failing(filed, "disk full"):
        type_(view, held)
        assert view.keeper.unsaved is not None
    second = session.create_account("Second account")  # the trainee moves on
    assert session.account.id == second.id
    view.keeper.retry()  # the retry fires while another account is open
    assert read(filed.get_document(first.id, step)) == held
    assert read(filed.load_document(second.id, step)) != held


def test_a_page_opened_before_a_person_was_erased_cannot_bring_them_back(session, filed):
    view = stakeholders.app(session)
    view.add_person("Greta Lind")
    view.form.needs.input.value = "wants the Lind plan signed"
    assert "All changes saved" in view.save_status.text
    filed.erase_person([session.account.id], "Greta Lind")  # the facilitator, meanwhile
    view.form.needs.input.value = "still typing about Greta"  # the open page saves again
    status = view.save_status.text
    assert "removed someone from this account" in status and "Reload" in status
    raw = [v.data for v in filed.list_versions(session.account.id, "stakeholders")]
    assert "Greta" not in repr(raw) and "Lind" not in repr(raw)
    reopened = stakeholders.app(session)  # a page opened after the erase saves as usual
    reopened.add_person("Nils Berg")
    assert "All changes saved" in reopened.save_status.text


def test_a_held_save_for_an_account_deleted_meanwhile_stops_retrying(session, filed):
    view = profile.app(session)
    with failing(filed, "disk full"):
        _type_profile(view, ("HELD " + _words(900, "held"))[:5000].strip())
        assert view.keeper.unsaved is not None
    filed.remove_account(session.account.id)  # deleted from another tab
    assert view.keeper.retry() is None
    assert view.keeper.unsaved is None and view.keeper._timer is None
    assert "account was deleted" in view.save_status.text
