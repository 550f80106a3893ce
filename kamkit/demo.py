"""A demo cohort to explore kamkit with: a filled-in sample account for the person at this
machine, and a small workshop cohort with work at different stages (none, partial, complete).
Everything here is invented; each step brings its own sample (`Step.sample`), so a new step is in
the demo the moment it is in the workbook."""

from __future__ import annotations

import datetime as dt
import getpass

from pydantic import BaseModel

from kamkit.frameworks import Framework, default_framework
from kamkit.identity import display_name
from kamkit.steps import for_framework
from kamkit.steps.profile import sample as sample_profile
from kamkit.steps.relationship import sample as sample_relationship
from kamkit.steps.stakeholders import sample as sample_map
from kamkit.store import Store

__all__ = ["DEMO_COHORT", "PLANS", "seed_demo", "sample_profile", "sample_map",
           "sample_relationship", "ALL"]

DEMO_COHORT = "Demo workshop"

#: How far each demo trainee has got, per account: the work of the workbook's steps in order -
#: "full", "partial", or nothing for a step not begun. ALL is every step done.
ALL = ("all",)
PLANS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "Ana Costa": [("Nordwind Logistics", ALL), ("Helix Pharma", ("partial",))],
    "Ben Okafor": [("Trivento Foods", ("partial",))],
    "Chloé Martin": [("Solara Energy", ("full", "partial"))],
    "Dev Patel": [],
}


def seed_demo(store: Store, today: dt.date | None = None,
              framework: Framework | None = None) -> dict[str, str]:
    """Add the demo cohort and a sample account for this machine's user. Returns
    {trainee name: personal-link token} for the cohort."""
    today = today or dt.date.today()
    framework = framework or default_framework()
    me = getpass.getuser()
    try:
        mine = store.get_trainee_by_login(me)
    except Exception:
        mine = store.add_trainee(display_name(me), login=me)
    acc = store.add_account(mine.id, "Nordwind Logistics (sample)")  # type: ignore[arg-type]
    _seed(store, acc.id, ALL, today, framework)  # type: ignore[arg-type]

    tokens = {}
    for name, accounts in PLANS.items():
        trainee = store.add_trainee(name, cohort=DEMO_COHORT)
        for account_name, work in accounts:
            acc = store.add_account(trainee.id, account_name)  # type: ignore[arg-type]
            _seed(store, acc.id, work, today, framework)  # type: ignore[arg-type]
        tokens[name] = store.issue_token(trainee.id)  # type: ignore[arg-type]
    return tokens


def _seed(store: Store, account_id: int, work: tuple[str, ...], today: dt.date,
          framework: Framework) -> None:
    steps = for_framework(framework)
    plan = ["full"] * len(steps) if work == ALL else list(work)
    unknown = set(plan) - {"full", "partial"}
    if unknown:
        raise ValueError(f"demo plans say 'full' or 'partial', not {sorted(unknown)}")
    for (text, unit), how in zip(steps, plan, strict=False):
        if unit.sample is None:
            continue
        doc = unit.sample(today, how == "partial")
        if how == "partial":  # a first draft before it, so the history shows work evolving
            store.save_document(account_id, text.id, _first_draft(doc))
        store.save_document(account_id, text.id, doc)


def _first_draft(doc: BaseModel) -> BaseModel:
    """The document with only the first thing that was filled in."""
    filled = doc.model_dump(exclude_defaults=True)
    first = next(iter(filled), None)
    return type(doc).model_validate({first: filled[first]} if first else {})
