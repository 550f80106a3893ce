"""The page a peer opens through their rating link (`notebooks/rate_a_colleague.ipynb`): whom
they rate and in which round, the rating form, a save status, and how long the link works -
nothing else. No workbook, no account, no other trainee, no one else's ratings, no link to any
other page. Every choice is saved as a new version as it is made; a link withdrawn or expired
while the page is open saves nothing more, and the page says so next to the save status, with
what was chosen left on screen.

The form is built before the request arrives (a pre-heated kernel does that); `open_for_request`
then reads the link (`kamkit.identity.resolve_rater`) and fills it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping

import ipywidgets as widgets

from kamkit.competency import CompetencyRatings
from kamkit.errors import AccessDenied, KamkitError, SaveFailed
from kamkit.frameworks import Framework, default_framework
from kamkit.html import e
from kamkit.rater import RaterSession, expiry_note, kept_with
from kamkit.settings import current
from kamkit.ui.components import STYLE, Message, guarded
from kamkit.ui.page import open_page
from kamkit.ui.rating_form import RatingForm

__all__ = ["RatePage", "RateView", "request_rater", "app", "RETRY_SECONDS"]

#: after the store failed to write, the next try (the peer's next choice saves too)
RETRY_SECONDS = 5.0
_KEPT = "What you chose is still on this page, but it was not saved."
_BAR_STYLE = "<style>.kk-rate-bar { gap: 10px; align-items: center; }</style>"


def request_rater(store: object = None, env: Mapping[str, str] | None = None,
                  framework: Framework | None = None) -> RaterSession:
    """The peer's session for this page's request (AccessDenied for any query but one active
    rating link)."""
    from kamkit.identity import page_query, resolve_rater
    from kamkit.kernel import wait_for_request
    from kamkit.store import Store

    wait_for_request()  # pre-heated: the request's query is in os.environ afterwards
    env = os.environ if env is None else env
    store = store or Store(current().db_url)
    return RaterSession(store, resolve_rater(store, page_query(env)),  # type: ignore[arg-type]
                        framework)


class RateView(widgets.VBox):
    """One peer rating one trainee: `header`, `expiry`, `form`, `save_status` (shown above and
    below the form), `rated`."""

    def __init__(self, session: RaterSession, form: RatingForm | None = None) -> None:
        self.session = session
        self.form = form or RatingForm(session.content, rater="peer")
        self.header = widgets.HTML(
            '<div class="kk-header"><h1>You are rating <b class="kk-trainee">'
            f'{e(session.trainee_name)}</b></h1>'
            f'<div class="kk-sub">{e(session.round_title)}</div></div>')
        self.intro = widgets.HTML(
            '<div class="kk-explain">Rate each behaviour as you have seen '
            f'{e(session.trainee_name)} do it, with an example if you can - what happened, '
            'when, with whom. Leave "not rated yet" where you have not seen enough.</div>')
        self.expiry = widgets.HTML(
            f'<div class="kk-muted">{e(expiry_note(session.link.expires_at))}</div>')
        self.rated = widgets.HTML()
        self.save_status = Message()
        # the status again under the form, where the peer's last choices are
        self.save_status_end = Message()
        widgets.dlink((self.save_status, "value"), (self.save_status_end, "value"))
        self.rated_end = widgets.HTML()
        widgets.dlink((self.rated, "value"), (self.rated_end, "value"))
        bars = [widgets.HBox([self.rated, self.save_status]),
                widgets.HBox([self.rated_end, self.save_status_end])]
        for bar in bars:
            bar.add_class("kk-card")
            bar.add_class("kk-rate-bar")
        self.saved, self.version = session.latest()
        self.form.show(self.saved)
        if self.version:
            self.save_status.ok("All changes saved.", version=self.version)
        else:
            self.save_status.note("Nothing saved yet: your ratings are saved as you choose them.")
        self._count()
        self._retry: asyncio.TimerHandle | None = None
        self.form.on_change(self.save)
        super().__init__([widgets.HTML(_BAR_STYLE), self.header, self.intro, self.expiry,
                          bars[0], self.form, bars[1]])
        self.add_class("kk-rate")

    @guarded(lambda self: self.save_status)
    def save(self) -> int | None:
        """Save what the form holds, when it differs from what was saved last: the new version,
        or None - nothing new, or refused (said next to the save status; the form keeps what
        was chosen)."""
        self._count()
        try:
            ratings = kept_with(self.saved, self._typed(), set(self.form.cards))
            if ratings == self.saved:
                return None
            version = self.session.save(ratings)
        except AccessDenied as exc:  # the link expired or was withdrawn since the page opened
            self.save_status.unsaved(f"{exc} {_KEPT}")
            return None
        except SaveFailed as exc:
            self.save_status.unsaved(f"{exc} {_KEPT} kamkit tries again in a few seconds.")
            self._try_again()
            return None
        except KamkitError as exc:
            self.save_status.unsaved(f"{exc} {_KEPT}")
            return None
        self.saved, self.version = ratings, version
        self.save_status.ok("All changes saved.", version=version)
        return version

    def _typed(self) -> CompetencyRatings:
        """The form's ratings; InvalidInput (and a message under the example) when an example is
        too long to keep."""
        return self.form.value

    def _count(self) -> None:
        done, total = self.form.rated()
        self.rated.value = f'<span class="kk-muted">{done} of {total} behaviours rated</span>'

    def _try_again(self) -> None:
        if self._retry is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no kernel loop: a test calls save() itself
            return

        def again() -> None:
            self._retry = None
            self.save()

        self._retry = loop.call_later(RETRY_SECONDS, again)


class RatePage(widgets.VBox):
    """The rating page: the form built at once, shown once the request's link is read."""

    def __init__(self, framework: Framework | None = None) -> None:
        self.framework = framework or default_framework()
        self.form = RatingForm(self.framework.competencies, rater="peer")
        self.notice = Message()
        self.notice.note("Opening the rating form…")
        self.view: RateView | None = None
        super().__init__([STYLE, self.notice])
        self.add_class("kk-page")

    def open_for_request(self, **kwargs: object) -> None:
        """Read the request's rating link and show its form; never raises - a link that is
        not valid (any more) becomes the page's message."""
        open_page(self.attach, self._deny, request=request_rater, framework=self.framework,
                  **kwargs)

    def attach(self, session: RaterSession) -> None:
        self.view = RateView(session, self.form)
        self.notice.clear()
        self.children = [STYLE, self.view]

    def _deny(self, text: str) -> None:
        self.notice.error(text)
        self.children = [STYLE, self.notice]


def app(session: RaterSession | None = None) -> widgets.Widget:
    """The rating page; without a session it waits for `open_for_request()`."""
    if session is not None:
        return RateView(session)
    return RatePage()
