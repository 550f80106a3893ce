"""The workbook's steps, each one unit: everything the rest of kamkit needs from a step, in one
`Step` object, registered once.

A step is found through the entry-point group `kamkit.steps` (kamkit's own three are registered in
its `pyproject.toml` the same way), so another package adds a step without editing kamkit:

    [project.entry-points."kamkit.steps"]
    pricing = "acme_kam.pricing:STEP"

`steps.yaml` (content) still decides which registered steps a workbook shows, their numbers and
titles. Code that needs something of a step asks here - `step(id)`, `document_model(id)`,
`for_framework(fw)` - and never switches on a step id itself. A step module reads another step's
document by its type (`Docs.of(ProfileDoc)`), so steps depend on models, never on each other.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import entry_points
from typing import Any, TypeVar

from pydantic import BaseModel

from kamkit.checking import Item
from kamkit.errors import ContentError, InvalidInput
from kamkit.frameworks import Framework, StepText
from kamkit.scoring.progress import StepProgress

__all__ = ["GROUP", "Step", "Checker", "Sheet", "Docs", "registered", "step", "document_model",
           "for_framework", "check_framework", "rubric", "added", "origin", "step_alerts"]

GROUP = "kamkit.steps"
_M = TypeVar("_M", bound=BaseModel)


class Docs(Mapping[str, BaseModel]):
    """One account's latest documents, by step id (a step not saved yet is absent). A step reads
    another step's work by the document's type: `docs.of(ProfileDoc)` - the saved one, or an
    empty one. `account` is the account's name, for pictures that label it; `key_accounts`, when
    known, how many real (not practice) accounts its account manager holds - None for a
    practice account, or where nobody counted."""

    def __init__(self, docs: Mapping[str, BaseModel] | None = None, account: str = "",
                 key_accounts: int | None = None) -> None:
        self._docs = dict(docs or {})
        self.account = account
        self.key_accounts = key_accounts
        self._once: dict[Any, Any] = {}

    def replaced(self, docs: Mapping[str, BaseModel]) -> Docs:
        """The same account's documents, some of them replaced (what a page shows unsaved,
        a pseudonymised copy)."""
        return Docs({**self._docs, **docs}, self.account, self.key_accounts)

    def __getitem__(self, step_id: str) -> BaseModel:
        return self._docs[step_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._docs)

    def __len__(self) -> int:
        return len(self._docs)

    def once(self, key: Any, make: Callable[[], Any]) -> Any:
        """`make()`, worked out once for these documents: what several steps read of the
        same work (the relationship score the profile's placement and the relationship's
        figures both show) is not scored twice. `key` says what it is, and as of what."""
        if key not in self._once:
            self._once[key] = make()
        return self._once[key]

    def of(self, model: type[_M]) -> _M:
        for doc in self._docs.values():
            if type(doc) is model:
                return doc  # type: ignore[return-value]
        return model()


@dataclass(frozen=True)
class Sheet:
    """A step's sheet in the cohort's Excel workbook: its columns after Trainee and Account, and
    the rows of one account (several for a step that lists things, e.g. people)."""

    head: Callable[[Framework], list[str]]
    rows: Callable[[Docs, Framework, dt.date], list[list[Any]]]


@dataclass(frozen=True)
class Checker:
    """How a step is checked against a case study's key (`key.yaml` holds one part per step).
    `case` is the case's own documents (its facts, as the trainee starts from them)."""

    key: type[BaseModel]                                        # this step's part of the key
    check: Callable[[Docs, Docs, Any, Framework], list[Item]]   # (work, case, key part, fw)
    problems: Callable[[Any, Docs, Framework], list[tuple[str, str]]]  # ids the key gets wrong
    explain: Callable[[str, Docs, Any, Framework], tuple[str, str]]  # item id -> (label, why)
    answer: Callable[[Docs, Any, dt.date], BaseModel]           # the key typed in (for tests)


@dataclass(frozen=True)
class Step:
    """One workbook step. Only `id`, `model`, `progress`, `html` and `view` are required."""

    id: str
    model: type[BaseModel]                                      # the document it saves
    progress: Callable[[Any, Framework], StepProgress]          # how complete a document is
    html: Callable[[Docs, Framework, dt.date], str]             # read-only, report + drill-down
    view: str | Callable[..., Any]                              # "module:factory" or a factory
    checker: Checker | None = None                              # case-study checking
    figures: Callable[[Docs, Framework, dt.date], dict[str, Any]] | None = None
    # the first day after `today` on which `figures` may give other values for the same
    # documents (None: never) - so kept figures are scored again only then; a step with
    # figures but without this is scored again every day
    figures_until: Callable[[Docs, Framework, dt.date], dt.date | None] | None = None
    columns: Mapping[str, str] = field(default_factory=dict)    # figure -> column title
    sheet: Sheet | None = None                                  # cohort Excel sheet
    sample: Callable[[dt.date, bool], BaseModel] | None = None  # demo work: (today, partial)
    rubric: Mapping[int, str] | None = None                     # when review.yaml has none
    # what needs attention now, in short phrases ("past its review on 2027-01-31"): shown on
    # the step's progress row and in the manager's drill-down
    alerts: Callable[[Docs, Framework, dt.date], list[str]] | None = None

    def view_module(self) -> str:
        """The module the step's view comes from (a notebook showing the step imports it)."""
        if callable(self.view):
            return str(self.view.__module__)
        return self.view.partition(":")[0]

    def view_factory(self) -> Callable[..., Any]:
        """The step's view factory `(session) -> widget`, imported only when asked for (the
        registry itself never imports a widget)."""
        if callable(self.view):
            return self.view
        module, _, name = self.view.partition(":")
        return getattr(importlib.import_module(module), name or "app")  # type: ignore[no-any-return]


# -- the registry ----------------------------------------------------------------------------

_added: dict[str, tuple[Step, str]] = {}


@lru_cache(maxsize=1)
def _from_entry_points() -> dict[str, tuple[Step, str]]:
    found: dict[str, tuple[Step, str]] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda ep: ep.value):
        unit = ep.load()
        if not isinstance(unit, Step) or unit.id != ep.name:
            raise ContentError(f"entry point {ep.name} = {ep.value}", "(step)",
                               f"must name a kamkit Step whose id is '{ep.name}'")
        dist = getattr(ep, "dist", None)
        found[unit.id] = (unit, f"{ep.value} ({dist.name if dist else 'unknown package'})")
    return found


def _all() -> dict[str, tuple[Step, str]]:
    return {**_from_entry_points(), **_added}


def registered() -> dict[str, Step]:
    """Every registered step, by id."""
    return {sid: unit for sid, (unit, _) in _all().items()}


def origin(step_id: str) -> str:
    """Where a registered step comes from ("module:object (package)")."""
    return _all()[step_id][1]


def step(step_id: str) -> Step:
    """The registered step `step_id` (InvalidInput if there is none)."""
    found = _all().get(step_id)
    if found is None:
        raise InvalidInput(f"There is no workbook step called '{step_id}'.", field="step")
    return found[0]


def document_model(step_id: str) -> type[BaseModel]:
    """The model of the document a workbook step saves."""
    return step(step_id).model


def for_framework(framework: Framework) -> list[tuple[StepText, Step]]:
    """The workbook's steps in content order, each with its unit (ContentError when steps.yaml
    names a step that is not installed)."""
    units = _all()
    out = []
    for text in framework.steps:
        if not units:  # even kamkit's own steps are missing: its package metadata is
            raise ContentError(f"{framework.source}/steps.yaml", "steps",
                               "no workbook steps are registered: install kamkit (pip install "
                               "-e . in a checkout) so its entry points are known")
        if text.id not in units:
            raise ContentError(f"{framework.source}/steps.yaml", "steps",
                               f"no step '{text.id}' is installed (installed: "
                               f"{', '.join(sorted(units))})")
        out.append((text, units[text.id][0]))
    return out


def rubric(framework: Framework, step_id: str) -> Mapping[int, str]:
    """How a manager rates the step: review.yaml's rubric, else the step's own."""
    found = framework.review.rubrics.get(step_id) or step(step_id).rubric
    if not found:
        raise ContentError(f"{framework.source}/review.yaml", "rubrics",
                           f"no rubric for step '{step_id}'")
    return found


def step_alerts(docs: Docs, framework: Framework, today: dt.date) -> dict[str, list[str]]:
    """step id -> what the step says needs attention in these documents, for the workbook's
    steps that have something to say (a step without `alerts` never does)."""
    out = {}
    for text, unit in for_framework(framework):
        if unit.alerts is not None:
            found = unit.alerts(docs, framework, today)
            if found:
                out[text.id] = list(found)
    return out


def check_framework(framework: Framework) -> None:
    """Content that loads may still not fit the installed steps: every step steps.yaml lists is
    installed and has a rubric. Raises ContentError naming the file and the step."""
    for text, _ in for_framework(framework):
        rubric(framework, text.id)


@contextmanager
def added(unit: Step, where: str = "added at run time") -> Iterator[Step]:
    """Register `unit` for the duration of a `with` block - the registry's test hook."""
    _added[unit.id] = (unit, where)
    try:
        yield unit
    finally:
        _added.pop(unit.id, None)
