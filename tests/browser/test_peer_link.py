"""A peer's rating link served for real: it opens the rating form for its one trainee and
nothing else; naming another trainee beside it opens nothing; once the trainee withdraws it, a
choice made on a page already open is not saved (and the page says so), and the link opens
nothing any more."""

from __future__ import annotations

from helpers import field

from kamkit.store import Store

RATER_PAGE = "/voila/render/rate_a_colleague.ipynb"
LISTENS = "Rating: Listens for what each person in the customer needs and wants, and checks it back"


def _seeded(server, name: str, peer: str) -> tuple[dict, str]:
    """A trainee (and their personal token), and the rating link they made for `peer`."""
    with Store(server.db) as store:
        trainee = store.add_trainee(name, cohort="Peer links")
        token = store.issue_token(trainee.id)
        link, rater_token = store.add_rater_link(trainee.id, "before", peer, days=14, most=3)
    return {"id": trainee.id, "token": token, "link": link}, rater_token


def _open_form(page, url: str, name: str) -> None:
    page.goto(url)
    page.get_by_text("You are rating").wait_for()
    assert page.locator(".kk-trainee").inner_text() == name


def _refused(page, url: str, said: str) -> None:
    page.goto(url)
    page.locator("#kamkit-refused").get_by_text(said).wait_for()
    assert page.locator(".kk-rating-form").count() == 0


def test_a_peer_rates_one_trainee_and_nothing_else_opens(server, page):
    rosa, token = _seeded(server, "Rosa Rated", "Pia Peer")
    otto, _ = _seeded(server, "Otto Other", "Pia Peer")
    url = f"{server.url}{RATER_PAGE}?r={token}"

    _open_form(page, url, "Rosa Rated")
    page.get_by_text("Before the programme").wait_for()
    page.get_by_text("This link works until").wait_for()
    text = page.locator("body").inner_text()
    assert "Otto Other" not in text and "workbook" not in text.lower()
    assert page.locator(".kk-page a[href]").count() == 0  # no way to any other page
    assert page.get_by_role("tab").count() == 0
    field(page, LISTENS, "select").select_option(index=4)
    page.locator(".kk-ok[data-version='1']", has_text="All changes saved.").first.wait_for()
    with Store(server.db) as store:
        (saved,) = [s for s in store.latest_ratings([rosa["id"]]) if s.rater == "peer"]
    assert saved.ratings.levels == {"listens": 4} and saved.rater_name == "Pia Peer"

    _refused(page, f"{url}&t={otto['token']}", "not with a personal workbook link")
    _refused(page, f"{url}&trainee={otto['id']}", "has been changed")
    _refused(page, f"{server.url}/voila/render/00_workbook.ipynb?r={token}",
             "only opens the rating form")
    assert "Rosa Rated" not in page.content() and "Otto Other" not in page.content()


def test_a_withdrawn_link_saves_nothing_more_and_then_opens_nothing(server, page):
    sara, token = _seeded(server, "Sara Sent", "Pia Peer")
    url = f"{server.url}{RATER_PAGE}?r={token}"
    _open_form(page, url, "Sara Sent")
    with Store(server.db) as store:
        store.revoke_rater_link(sara["id"], sara["link"].id)

    rating = field(page, LISTENS, "select")
    rating.select_option(index=2)  # chosen on the page opened before the link was withdrawn
    page.locator(".kk-unsaved", has_text="not valid any more").first.wait_for()
    assert "was not saved" in page.locator(".kk-unsaved").first.inner_text()
    assert rating.evaluate("select => select.selectedIndex") == 2  # still on screen
    with Store(server.db) as store:
        assert store.rating_history(sara["id"]) == []

    page.on("dialog", lambda dialog: dialog.accept())  # "leave with something not saved?"
    page.reload()
    page.locator("#kamkit-refused").get_by_text("not valid any more").wait_for()
    assert page.locator(".kk-rating-form").count() == 0
    assert "Sara Sent" not in page.content()
