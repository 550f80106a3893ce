"""The Decision-Making Grid: where a person stands, from influence and support.

High influence starts at the content's `high_from`; support above zero is supportive, zero
neutral, below zero opposed. A person whose influence or support is unknown is *unmapped* - a gap
to close, never an observer.
"""

from __future__ import annotations

import datetime as dt

from kamkit.frameworks import GridCategory, GridContent, UnmappedCategory
from kamkit.models import Stakeholder

__all__ = ["category_for", "place_person", "default_action", "dated_if_rerated"]


def category_for(influence: int | None, support: int | None,
                 grid: GridContent) -> GridCategory | UnmappedCategory:
    """The grid category for an influence (1-5) and a support (-2..+2) rating."""
    if influence is None or support is None:
        return grid.unmapped
    band = "high" if influence >= grid.influence.high_from else "low"
    side = "supportive" if support > 0 else "neutral" if support == 0 else "opposed"
    return next(c for c in grid.categories if c.influence == band and c.support == side)


def place_person(person: Stakeholder, grid: GridContent) -> GridCategory | UnmappedCategory:
    return category_for(person.influence, person.support, grid)


def default_action(person: Stakeholder, grid: GridContent) -> str:
    """The person's own next action, or the one their grid category proposes."""
    return person.action or place_person(person, grid).action


def dated_if_rerated(old: Stakeholder | None, new: Stakeholder, today: dt.date) -> Stakeholder:
    """Setting a rating is checking it: a changed influence or support is verified `today`,
    unless the trainee set the verified date in the same edit."""
    rerated = old is None or (old.influence, old.support) != (new.influence, new.support)
    if rerated and new.verified_on == (old.verified_on if old else None):
        return new.model_copy(update={"verified_on": today})
    return new
