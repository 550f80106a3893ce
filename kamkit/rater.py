"""A peer's session on the rating page: the one link they came through, the name of the trainee
it lets them rate, their own latest ratings, and saving a new version. Nothing else of the store
is reachable through it - no other trainee, not the trainee's own ratings nor their manager's,
no account - and every save asks the store whether the link is still active (in the same
transaction as the write, `Store.save_ratings`), so a link withdrawn while the page is open
saves nothing more.
"""

from __future__ import annotations

import datetime as dt

from kamkit.competency import CompetencyRatings, RaterLink
from kamkit.competency_content import CompetencyContent
from kamkit.frameworks import Framework, default_framework
from kamkit.store import Store

__all__ = ["RaterSession", "expiry_note", "kept_with"]


class RaterSession:
    """One peer's link, read once when the page opens (`kamkit.identity.resolve_rater`)."""

    def __init__(self, store: Store, link: RaterLink, framework: Framework | None = None) -> None:
        self._store = store
        self.link = link
        self.framework = framework or default_framework()
        #: whom the peer rates - the only thing of the trainee this session ever reads
        self.trainee_name = store.get_trainee(link.trainee_id).name

    @property
    def content(self) -> CompetencyContent:
        return self.framework.competencies

    @property
    def round_title(self) -> str:
        """The round as the content words it ("Before the programme")."""
        return self.content.rounds.get(self.link.round, self.link.round)

    def latest(self) -> tuple[CompetencyRatings, int]:
        """What this peer saved through this link last, and its version (empty, 0: nothing
        yet)."""
        mine = [s for s in self._store.latest_ratings([self.link.trainee_id])
                if s.rater == "peer" and s.link_id == self.link.id
                and s.round == self.link.round]
        if not mine:
            return CompetencyRatings(), 0
        newest = max(mine, key=lambda s: s.version)
        return newest.ratings, newest.version

    def save(self, ratings: CompetencyRatings) -> int:
        """Keep `ratings` as this peer's next version; its number. AccessDenied once the link
        has expired or been withdrawn (nothing is kept then)."""
        return self._store.save_ratings(self.link.trainee_id, self.link.round, "peer", ratings,
                                        rater_name=self.link.peer_name, link_id=self.link.id)


def expiry_note(expires_at: dt.datetime, now: dt.datetime | None = None) -> str:
    """How long a link works, in words: "This link works until 2027-03-12 (14 more days)."."""
    left = expires_at - (now or dt.datetime.now(dt.timezone.utc))
    if left <= dt.timedelta(0):
        return "This link has expired."
    if left < dt.timedelta(days=1):
        return f"This link works until {expires_at:%Y-%m-%d %H:%M} UTC - less than a day more."
    days = round(left / dt.timedelta(days=1))
    return (f"This link works until {expires_at:%Y-%m-%d} ({days} more "
            f"day{'s' if days != 1 else ''}).")


def kept_with(saved: CompetencyRatings, typed: CompetencyRatings,
              shown: set[str]) -> CompetencyRatings:
    """`typed` (what a form showing the behaviours `shown` holds) over `saved`: what was saved
    for behaviours the form does not show (content changed since) is kept, as is the
    comment."""
    return CompetencyRatings(
        levels={b: v for b, v in saved.levels.items() if b not in shown} | typed.levels,
        examples={b: v for b, v in saved.examples.items() if b not in shown} | typed.examples,
        comment=typed.comment or saved.comment)
