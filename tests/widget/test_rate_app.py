"""The peer's rating page without a browser: the peer rates and every choice is saved; coming
back through the same link shows their ratings; a link withdrawn while the page is open saves
nothing more and says so next to the save status, with the choices kept on screen; the page
shows nothing of anyone else - no other trainee, no workbook, no one else's ratings."""

from __future__ import annotations

import html
import re

import ipywidgets as widgets
import pytest

from kamkit.errors import SaveFailed
from kamkit.rater import RaterSession
from kamkit.ui.rate import RatePage, RateView


@pytest.fixture
def ann(store):
    return store.add_trainee("Ann Berg", cohort="Room 1")


@pytest.fixture
def link(store, ann):
    """Ann's link for Pia to rate her before the programme, and its token."""
    return store.add_rater_link(ann.id, "before", "Pia Peer", days=14, most=3)


def _opened(store, token: str) -> RatePage:
    page = RatePage()
    page.open_for_request(store=store, env={"QUERY_STRING": f"r={token}"})
    return page


def shown(widget: widgets.Widget) -> str:
    """Everything a widget tree puts on screen or in the page's markup: HTML, labels,
    choices, placeholders, typed values, tab titles."""
    parts = []
    for name in ("value", "description", "placeholder", "tooltip"):
        value = getattr(widget, name, None)
        if isinstance(value, str):
            parts.append(value)
    parts += [str(o) for o in getattr(widget, "_options_labels", ())]
    parts += [str(t) for t in getattr(widget, "titles", ()) or ()]
    return "\n".join(parts + [shown(c) for c in getattr(widget, "children", ())])


def test_a_peer_rates_and_every_choice_is_saved(store, ann, link):
    pia, token = link
    page = _opened(store, token)
    view = page.view
    assert isinstance(view, RateView)
    assert "You are rating" in view.header.value and "Ann Berg" in view.header.value
    assert "Before the programme" in view.header.value
    assert "This link works until" in view.expiry.value and "14 more days" in view.expiry.value
    assert "Nothing saved yet" in view.save_status.text
    total = len(view.session.content.behaviours)
    assert f"0 of {total} behaviours rated" in view.rated.value

    card = view.form.cards["listens"]
    card.level.set(4)
    assert view.save_status.text == "All changes saved."
    assert 'data-version="1"' in view.save_status.value
    card.example.set("Ran the Halden QBR & asked <each> buyer what changed")
    assert 'data-version="2"' in view.save_status.value
    assert f"1 of {total} behaviours rated" in view.rated.value
    card.example.set("Ran the Halden QBR & asked <each> buyer what changed")  # no change
    latest = [s for s in store.latest_ratings([ann.id]) if s.link_id == pia.id]
    assert len(latest) == 1 and latest[0].version == 2 and latest[0].rater == "peer"
    assert latest[0].rater_name == "Pia Peer"
    assert latest[0].ratings.levels == {"listens": 4}
    assert latest[0].ratings.examples["listens"].startswith("Ran the Halden QBR & asked <each>")

    again = _opened(store, token).view  # back through the same link: their ratings, to change
    assert again.form.cards["listens"].level.value == 4
    assert "asked <each> buyer" in again.form.cards["listens"].example.value
    assert 'data-version="2"' in again.save_status.value
    again.form.cards["listens"].level.set(5)
    assert 'data-version="3"' in again.save_status.value
    assert [s.version for s in store.rating_history(ann.id)] == [1, 2, 3]


def test_a_withdrawn_link_saves_nothing_more_and_the_choices_stay_on_screen(store, ann, link):
    pia, token = link
    view = _opened(store, token).view
    view.form.cards["listens"].level.set(3)
    store.revoke_rater_link(ann.id, pia.id)  # Ann withdraws it while the page is open
    view.form.cards["listens"].level.set(5)
    view.form.cards["evidence_first"].example.set("Checked every figure twice")
    said = view.save_status.text
    assert "not valid any more" in said and "was not saved" in said
    assert "kk-unsaved" in view.save_status.value  # the page warns before it is left
    assert view.save_status_end.value == view.save_status.value  # said under the form too
    assert view.form.cards["listens"].level.value == 5
    assert view.form.cards["evidence_first"].example.value == "Checked every figure twice"
    assert [s.ratings.levels for s in store.rating_history(ann.id)] == [{"listens": 3}]

    page = _opened(store, token)  # opened again: the link is not valid any more
    assert page.view is None
    assert "not valid any more" in page.notice.text
    assert "Behaviour" not in shown(page) and "Ann Berg" not in shown(page)


@pytest.mark.parametrize("query", ["", "r=made-up", "t=x&r={token}", "r={token}&trainee=2"])
def test_a_request_without_one_valid_rating_link_shows_no_form(store, ann, link, query):
    page = RatePage()
    page.open_for_request(store=store, env={"QUERY_STRING": query.format(token=link[1]),
                                            "JUPYTERHUB_USER": "ann"})
    assert page.view is None and page.notice.text
    assert page.form not in page.children
    assert "Ann Berg" not in shown(page)


def test_the_page_shows_nothing_of_anyone_else(store, ann, link):
    """Another trainee, the trainee's own ratings and examples, their manager's, another peer's,
    the workbook, their accounts: none of it is on the page, and it links nowhere."""
    bob = store.add_trainee("Bob Lund", cohort="Room 1")
    store.add_account(ann.id, "Acme Robotics")
    store.save_ratings(ann.id, "before", "self", {"levels": {"listens": 5},
                                                   "examples": {"listens": "SELF-EXAMPLE"}})
    store.save_ratings(ann.id, "before", "manager", {"levels": {"listens": 1},
                                                      "examples": {"listens": "MANAGER-SAW"}},
                       rater_name="Mia Manager")
    other, _ = store.add_rater_link(ann.id, "before", "Ola Other", days=14, most=3)
    store.save_ratings(ann.id, "before", "peer", {"examples": {"listens": "OTHER-PEER"}},
                       rater_name="Ola Other", link_id=other.id)
    bobs, _ = store.add_rater_link(bob.id, "before", "Pia Peer", days=14, most=3)
    store.save_ratings(bob.id, "before", "peer", {"examples": {"listens": "BOB-RATED"}},
                       rater_name="Pia Peer", link_id=bobs.id)
    page = _opened(store, link[1])
    page.view.form.cards["listens"].level.set(2)
    text = shown(page)
    assert "Ann Berg" in text and "You are rating" in text
    for elsewhere in ("Bob Lund", "SELF-EXAMPLE", "MANAGER-SAW", "Mia Manager", "OTHER-PEER",
                      "Ola Other", "BOB-RATED", "Acme Robotics", "Room 1", "Pia Peer"):
        assert elsewhere not in text, elsewhere
    assert not re.search(r"workbook", html.unescape(text), re.I)
    assert "<a " not in text and "href" not in text
    assert page.view.form.cards["listens"].level.value == 2  # their own choice, nobody else's
    assert not [w for w in _tree(page) if isinstance(w, widgets.Tab | widgets.Button)]


def test_a_name_with_markup_is_text_on_the_page(store):
    odd = store.add_trainee("<img src=x onerror=alert(1)> Ann & Co")
    token = store.add_rater_link(odd.id, "after", "Pia", days=14, most=3)[1]
    view = _opened(store, token).view
    assert "After the programme" in view.header.value
    assert "&lt;img src=x onerror=alert(1)&gt; Ann &amp; Co" in view.header.value
    assert "<img" not in view.header.value and "<img" not in view.intro.value


def test_a_store_that_cannot_write_keeps_the_choice_and_says_so(store, ann, link, monkeypatch):
    view = _opened(store, link[1]).view

    def refuse(*args, **kwargs):
        raise SaveFailed("The store could not keep this change (disk full).")

    monkeypatch.setattr(RaterSession, "save", refuse)
    view.form.cards["listens"].level.set(4)
    assert "disk full" in view.save_status.text and "was not saved" in view.save_status.text
    monkeypatch.undo()
    view.save()  # what the retry does a few seconds later
    assert view.save_status.text == "All changes saved."
    assert store.rating_history(ann.id)[-1].ratings.levels == {"listens": 4}


def test_an_example_too_long_to_keep_is_said_under_it_and_nothing_is_lost(store, ann, link):
    view = _opened(store, link[1]).view
    card = view.form.cards["listens"]
    card.level.set(3)
    card.example.set("x" * 5001)
    assert "too long (at most 5000 characters)" in card.example.message.text
    assert "see the message under it" in view.save_status.text
    assert card.example.value == "x" * 5001
    card.example.set("x" * 50)
    assert card.example.message.text == "" and view.save_status.text == "All changes saved."


def _tree(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _tree(child)
