"""Asking colleagues to rate you: a name and a button make a personal link (shown once - only
its hash is kept), and the list of links asked with whether each colleague has rated yet and a
button to withdraw one. A part of the competency tab (`kamkit.ui.competencies`); the colleague's
page is `rate_a_colleague.ipynb?r=<token>`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import ipywidgets as widgets

from kamkit.competency import RaterLink, RatingSet
from kamkit.errors import InvalidInput
from kamkit.html import e
from kamkit.identity import rater_href
from kamkit.session import Session
from kamkit.ui.components import Message, TextField, guarded, on_enter

__all__ = ["PeerRow", "PeersPanel", "link_status"]


def link_status(link: RaterLink, rated: set[int], now: dt.datetime | None = None) -> str:
    """A peer's link in words: rated or not yet, withdrawn, expired."""
    done = "rated" if link.id in rated else "not rated yet"
    if link.revoked_at is not None:
        return f"withdrawn · {done}"
    if not link.active(now):
        return f"expired · {done}"
    return done


class PeerRow(widgets.HBox):
    """One link asked for: who, which round, until when, rated yet, and a button to withdraw
    it (while it works)."""

    def __init__(self, link: RaterLink, round_label: str, status: str,
                 now: dt.datetime | None = None) -> None:
        self.link_id = link.id
        active = link.active(now)
        self.text = widgets.HTML(
            f"<b>{e(link.peer_name)}</b> · {e(round_label)} · "
            f"{'expires' if active else 'ended'} {link.expires_at:%Y-%m-%d} · "
            f"<span class='kk-muted'>{e(status)}</span>", layout=widgets.Layout(width="520px"))
        self.withdraw_button = widgets.Button(description="Withdraw",
                                              layout=widgets.Layout(width="100px"))
        self.withdraw_button.layout.display = None if active else "none"
        super().__init__([self.text, self.withdraw_button])
        self.add_class("kk-peer")


class PeersPanel(widgets.VBox):
    """"Ask a colleague to rate you". Public: `name` (its message says a refusal), `ask_button`,
    `link` (the address, shown once), `message`, `rows` (link id -> `PeerRow`)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        c = session.competencies
        self.name = TextField("Colleague's name", placeholder="e.g. Bea Lund")
        self.ask_button = widgets.Button(description="Ask a colleague to rate you",
                                         button_style="primary",
                                         layout=widgets.Layout(width="auto"))
        self.ask_button.on_click(lambda _: self.ask())
        on_enter(self.name.input, self.ask)  # type: ignore[arg-type]
        self.link = widgets.HTML()
        self.message = Message()
        self.list = widgets.VBox()
        self.rows: dict[int, PeerRow] = {}
        self._shown: int | None = None  # the link whose address is on screen
        self._rated: set[int] = set()
        super().__init__([
            widgets.HTML(f"<h2>Ask a colleague to rate you</h2><div class='kk-muted'>Up to "
                         f"{c.peers} colleagues who see your work can rate you in each round. "
                         "Each gets a personal link that shows only the rating form for you, "
                         f"works for {c.peer_link_days} days, and stops at once if you "
                         "withdraw it. Their ratings show on your chart, together.</div>"),
            widgets.HBox([self.name, self.ask_button],
                         layout=widgets.Layout(align_items="flex-end")),
            self.link, self.message, self.list])
        self.add_class("kk-card")
        self.add_class("kk-peers")
        if not c.peers:
            self.layout.display = "none"

    def ask(self) -> None:
        """A personal link for the colleague named, shown once; a refusal (no name, too many
        asked already) is said next to the name, which stays as typed."""
        self.name.message.clear()
        self.message.clear()
        self._ask()

    @guarded(lambda self: self.message)
    def _ask(self) -> None:
        try:
            link, token = self.session.ask_peer(self.name.value,
                                                self.session.current_round())
        except InvalidInput as exc:
            self.name.message.error(str(exc))
            return
        self.name.set("")
        self._shown = link.id
        self.link.value = (
            f"<div class='kk-card kk-peer-link'>Send this link to <b>{e(link.peer_name)}</b>: "
            f"<a class='kk-link' href='{e(rater_href(token))}' target='_blank' "
            f"rel='noopener noreferrer'>rate {e(self.session.trainee.name)}</a>. Right-click "
            "it, copy the link address and send it to them yourself. <b>It is shown only "
            f"now</b> - kamkit keeps no copy. It works until {link.expires_at:%Y-%m-%d}.</div>")
        self.render()

    @guarded(lambda self: self.message)
    def withdraw(self, link_id: int) -> None:
        self.message.clear()
        link = self.session.withdraw_peer(link_id)
        if self._shown == link_id:
            self.link.value, self._shown = "", None
        self.render()
        self.message.ok(f"Withdrew {link.peer_name}'s link: it no longer works.")

    def render(self, sets: Iterable[RatingSet] | None = None) -> None:
        """The links asked, newest first; `sets` (every rater's latest ratings) tell which
        colleagues have rated - kept from the last call when not given."""
        if sets is not None:
            self._rated = {s.link_id for s in sets if s.rater == "peer" and s.link_id}
        rounds = self.session.competencies.rounds
        now = dt.datetime.now(dt.timezone.utc)
        rows = {}
        for link in reversed(self.session.peer_links()):
            row = PeerRow(link, rounds[link.round], link_status(link, self._rated, now), now)
            row.withdraw_button.on_click(lambda _, i=link.id: self.withdraw(i))
            rows[link.id] = row
        self.rows = rows  # type: ignore[assignment]
        self.list.children = list(rows.values())
