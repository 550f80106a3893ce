"""An account's key figures, as a manager's dashboard lists them: how far each step is, and what
each step adds (the account's purpose, the people mapped, threats nobody acts on, the relationship
score beside the trainee's feeling …). One pure function over the account's documents; the steps
say which figures they add (`Step.figures`) and what their columns are called (`Step.columns`).

The figures are computed as of a date (evidence goes stale): the dashboard keeps them from the
trainee's last save and says so. Each step says the first day after a date its figures may differ
for the same documents (`Step.figures_until`), so kept figures hold until then (`Kept.until`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from kamkit.frameworks import Framework
from kamkit.models import trusted
from kamkit.steps import Docs, for_framework

__all__ = ["AccountFigures", "account_figures", "figure_columns", "fingerprint", "Value",
           "Kept", "kept_figures", "figures_until", "saved_docs"]

Value = int | float | str | None


class AccountFigures(BaseModel):
    """What the dashboard shows for one account."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    percent: dict[str, int]            # step id -> 0-100
    status: dict[str, str]             # step id -> not started / in progress / done
    values: dict[str, Value]           # figure -> value, from the steps (None: not yet)
    as_of: dt.date

    @property
    def steps_done(self) -> int:
        return sum(s == "done" for s in self.status.values())

    def get(self, name: str) -> Any:
        """A step's figure by name (None when no step gives it, or not yet)."""
        return self.values.get(name)


def account_figures(docs: Docs, framework: Framework,
                    today: dt.date | None = None) -> AccountFigures:
    today = today or dt.date.today()
    percent, status, values = {}, {}, {}
    for text, unit in for_framework(framework):
        p = unit.progress(docs.get(text.id) or unit.model(), framework)
        percent[text.id], status[text.id] = p.percent, p.status
        if unit.figures is not None:
            values.update(unit.figures(docs, framework, today))
    return AccountFigures(percent=percent, status=status, values=values, as_of=today)


def figures_until(docs: Docs, framework: Framework, today: dt.date) -> dt.date | None:
    """The first day after `today` on which `account_figures` may give other figures for these
    documents (None: no day will): the earliest any step says (`Step.figures_until`); a step
    with figures that does not say is scored again the next day."""
    days = []
    for _, unit in for_framework(framework):
        if unit.figures is None:
            continue
        days.append(today + dt.timedelta(days=1) if unit.figures_until is None
                    else unit.figures_until(docs, framework, today))
    return min((d for d in days if d is not None), default=None)


class Kept(BaseModel):
    """What the figures cache keeps per account: the figures (with the day they were computed,
    `figures.as_of`), the first day they may differ (`until`; None: never - the same documents
    give the same figures every day after `as_of`), and the version of each step they were
    computed from (so the review state needs no second look at the documents)."""

    figures: AccountFigures
    versions: dict[str, int]
    until: dt.date | None

    def holds(self, today: dt.date) -> bool:
        """Whether the figures are those of `today` too."""
        return self.figures.as_of <= today and (self.until is None or today < self.until)

    def on(self, today: dt.date) -> Kept:
        """These figures as of `today` (a day they hold: `holds`), made from these without a
        second validation (a dashboard moves thousands to the day it is looked at)."""
        if self.figures.as_of == today:
            return self
        moved = trusted(AccountFigures, {**self.figures.__dict__, "as_of": today})
        return trusted(Kept, {"figures": moved, "versions": self.versions, "until": self.until})


def saved_docs(saved: Mapping[str, tuple[int, dt.datetime, str]], framework: Framework,
               account: str = "") -> Docs:
    """The latest documents the store returned (step -> (version, saved at, JSON)) as `Docs`,
    for the workbook's steps."""
    return Docs({text.id: unit.model.model_validate_json(saved[text.id][2])
                 for text, unit in for_framework(framework) if text.id in saved}, account)


def kept_figures(saved: Mapping[str, tuple[int, dt.datetime, str]], framework: Framework,
                 today: dt.date) -> Kept:
    """An account's figures as the cache keeps them, from its latest documents (step ->
    (version, saved at, JSON), as `Store.latest_documents` gives them)."""
    docs = saved_docs(saved, framework)
    return Kept(figures=account_figures(docs, framework, today),
                versions={step: v[0] for step, v in saved.items()},
                until=figures_until(docs, framework, today))


def figure_columns(framework: Framework) -> list[tuple[str, str]]:
    """(figure, column title) of every step's figures, in workbook order."""
    return [(name, title) for _, unit in for_framework(framework)
            for name, title in unit.columns.items()]


def fingerprint(framework: Framework) -> str:
    """What kept figures were computed under: the content, and the steps that computed them."""
    steps = ",".join(text.id for text, _ in for_framework(framework))
    return hashlib.sha256(f"{framework.fingerprint}|{steps}".encode()).hexdigest()[:16]
