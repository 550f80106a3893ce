"""Case studies: realistic practice accounts, and feedback that explains itself.

A case (in `exercises/cases/<id>/`) has a brief the trainee reads (`brief.md`), the facts the steps
start from (`case.yaml`), and an expert key (`key.yaml`). The key is read here, in Python, and
never sent to a page: `check()` compares a trainee's work with it and explains each difference,
pointing to the clue in the brief - first a hint (where to look), then, on a later try, the
explanation. Tolerances (content, or per answer in the key) let judgement differ a little.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kamkit.errors import ContentError, NotFound
from kamkit.frameworks import Framework, load_yaml
from kamkit.models import ProfileDoc, RelationshipDoc, StakeholderMapDoc
from kamkit.scoring.coverage import analyse
from kamkit.scoring.grid import place_person
from kamkit.scoring.segmentation import place

__all__ = ["CASES_DIR", "Case", "CaseKey", "Item", "Feedback", "list_cases", "load_case",
           "load_key", "check", "brief_html", "STEPS", "model_answers", "Mistake",
           "item_label", "common_mistakes"]

CASES_DIR = Path(__file__).resolve().parent.parent / "exercises" / "cases"
STEPS = ("profile", "stakeholders", "relationship")


def cases_dir() -> Path:
    """`KAMKIT_CASES` if set (a trainer's own cases), else kamkit's."""
    return Path(os.environ.get("KAMKIT_CASES") or CASES_DIR)


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Case(_Data):
    """What a trainee starts from: the brief's facts, typed in for them."""

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    title: str
    summary: str
    account: str = Field(max_length=120, description="the practice account's name")
    profile: ProfileDoc = Field(default_factory=ProfileDoc)
    stakeholders: StakeholderMapDoc = Field(default_factory=StakeholderMapDoc)


class Clue(_Data):
    where: str = Field(description="the hint: where in the brief to look again")
    why: str = Field(description="the explanation, pointing to the clue")


class PurposeKey(Clue):
    expected: str


class RatingKey(Clue):
    value: float = Field(ge=0, le=100)
    tolerance: float | None = Field(default=None, ge=0, le=100)


class PersonTolerance(_Data):
    influence: int | None = Field(default=None, ge=0, le=4)
    support: int | None = Field(default=None, ge=0, le=4)


class PersonKey(Clue):
    category: str
    also: tuple[str, ...] = Field(default=(), description="other categories accepted")
    influence: int | None = Field(default=None, ge=1, le=5)
    support: int | None = Field(default=None, ge=-2, le=2)
    tolerance: PersonTolerance = Field(default_factory=PersonTolerance)
    role: str | None = None


class FindingKey(Clue):
    id: str
    absent: bool = Field(default=False, description="the finding must NOT show")


class LevelKey(Clue):
    level: int = Field(ge=0, le=4)
    tolerance: int | None = Field(default=None, ge=0, le=4)


class PlanKey(Clue):
    any_of: tuple[str, ...] = Field(min_length=1)


class ProfileKey(_Data):
    purpose: PurposeKey
    ratings: dict[str, RatingKey] = Field(default_factory=dict)


class StakeholdersKey(_Data):
    people: dict[str, PersonKey]
    findings: tuple[FindingKey, ...] = ()


class RelationshipKey(_Data):
    indicators: dict[str, LevelKey]
    plan: PlanKey | None = None


class CaseKey(_Data):
    """The expert's answers, each with its clue. Never leaves the kernel."""

    case: str
    facilitator_note: str = ""
    summary: str
    profile: ProfileKey
    stakeholders: StakeholdersKey
    relationship: RelationshipKey


def list_cases() -> list[Case]:
    """Every case study, by title."""
    folder = cases_dir()
    if not folder.is_dir():
        return []
    return sorted((load_case(p.name) for p in folder.iterdir() if (p / "case.yaml").exists()),
                  key=lambda c: c.title)


def load_case(case_id: str) -> Case:
    return _cached_case(str(cases_dir()), case_id)


def load_key(case_id: str, framework: Framework | None = None) -> CaseKey:
    """The expert key of a case, checked against the case and the framework."""
    key = _cached_key(str(cases_dir()), case_id)
    if framework is not None:
        _check_key(key, load_case(case_id), framework, cases_dir() / case_id / "key.yaml")
    return key


def _case_folder(folder: str, case_id: str) -> Path:
    path = Path(folder) / case_id
    if not case_id or "/" in case_id or case_id.startswith(".") or not path.is_dir():
        raise NotFound(f"There is no case study called '{case_id}'.")
    return path


@lru_cache(maxsize=32)
def _cached_case(folder: str, case_id: str) -> Case:
    case = load_yaml(_case_folder(folder, case_id) / "case.yaml", Case)
    if case.id != case_id:
        raise ContentError(str(Path(folder) / case_id / "case.yaml"), "id",
                           f"must be the folder's name '{case_id}'")
    return case


@lru_cache(maxsize=32)
def _cached_key(folder: str, case_id: str) -> CaseKey:
    return load_yaml(_case_folder(folder, case_id) / "key.yaml", CaseKey)


def _check_key(key: CaseKey, case: Case, fw: Framework, path: Path) -> None:
    """Every id in the key must exist: a typo would otherwise mark every trainee wrong."""
    purposes = {p.id for p in fw.segmentation.purposes}
    criteria = {c.id for c in (*fw.segmentation.attractiveness, *fw.segmentation.strength)}
    categories = {c.id for c in fw.grid.categories} | {fw.grid.unmapped.id}
    people = {p.id for p in case.stakeholders.people}
    indicators = {i.id for i in fw.relationship.indicators}
    problems = []
    if key.profile.purpose.expected not in purposes:
        problems.append(("profile.purpose", f"unknown purpose '{key.profile.purpose.expected}'"))
    problems += [(f"profile.ratings.{c}", "unknown criterion") for c in key.profile.ratings
                 if c not in criteria]
    for pid, pk in key.stakeholders.people.items():
        if pid not in people:
            problems.append((f"stakeholders.people.{pid}", "not a person of the case"))
        for cat in (pk.category, *pk.also):
            if cat not in categories:
                problems.append((f"stakeholders.people.{pid}", f"unknown category '{cat}'"))
        if pk.role is not None and pk.role not in fw.grid.roles:
            problems.append((f"stakeholders.people.{pid}.role", f"unknown role '{pk.role}'"))
    problems += [(f"relationship.indicators.{i}", "unknown indicator")
                 for i in key.relationship.indicators if i not in indicators]
    if key.relationship.plan:
        problems += [("relationship.plan", f"unknown indicator '{i}'")
                     for i in key.relationship.plan.any_of if i not in indicators]
    if problems:
        raise ContentError(str(path), problems[0][0], problems[0][1])


def brief_html(case_id: str) -> str:
    """The brief as HTML. Authored content, but rendered with raw HTML escaped all the same."""
    import mistune

    path = _case_folder(str(cases_dir()), case_id) / "brief.md"
    render = mistune.create_markdown(escape=True, plugins=["table"])
    return str(render(path.read_text(encoding="utf-8")))


# -- checking -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One answer compared with the key."""

    id: str
    label: str                 # what was judged, e.g. "Ingrid Sæther"
    ok: bool
    yours: str                 # the trainee's answer, in words
    expected: str              # the key's answer, in words (shown with the explanation)
    clue: Clue


@dataclass(frozen=True)
class Feedback:
    step: str
    items: tuple[Item, ...]
    pass_mark: float
    attempt: int               # 1 for the first check
    hints_first: bool = True
    expert_view: str = ""      # the expert's qualification of the case

    @property
    def summary(self) -> str:
        """The expert's view - shown only once the step is passed."""
        return self.expert_view if self.passed else ""

    @property
    def score(self) -> float:
        return round(100 * sum(i.ok for i in self.items) / len(self.items), 1) \
            if self.items else 100.0

    @property
    def passed(self) -> bool:
        return self.score >= self.pass_mark

    @property
    def wrong(self) -> list[Item]:
        return [i for i in self.items if not i.ok]

    @property
    def explains(self) -> bool:
        """Explanations from the second try (hints only on the first)."""
        return self.attempt > 1 or not self.hints_first

    def lines(self) -> list[tuple[Item, str]]:
        """(item, the sentence to show) for each wrong answer: hint first, then explanation."""
        out = []
        for item in self.wrong:
            if self.explains:
                out.append((item, f"{item.label[:1].upper()}{item.label[1:]}: you said "
                                  f"{item.yours}; the key says {item.expected}. {item.clue.why}"))
            else:
                out.append((item, f"Look again at {item.label}: {item.clue.where}"))
        return out


def _within(value: float | None, expected: float | None, tol: float) -> bool:
    if expected is None:
        return True
    return value is not None and abs(value - expected) <= tol


def _check_profile(doc: ProfileDoc, key: ProfileKey, fw: Framework,
                   relationship: float | None) -> list[Item]:
    items = []
    names = {c.id: c.name for c in (*fw.segmentation.attractiveness, *fw.segmentation.strength)}
    for cid, rk in key.ratings.items():
        value = doc.segmentation.get(cid)
        tol = fw.exercises.tolerance.rating if rk.tolerance is None else rk.tolerance
        items.append(Item(f"rating:{cid}", names[cid], _within(value, rk.value, tol),
                          "not rated" if value is None else f"{value:.0f}",
                          f"about {rk.value:.0f} (±{tol:.0f})", rk))
    placed = place(doc, fw, relationship)
    purposes = {p.id: p.name for p in fw.segmentation.purposes}
    got = placed.purpose.id if placed.purpose else None
    items.append(Item("purpose", "the account's purpose", got == key.purpose.expected,
                      purposes.get(got, "no purpose yet") if got else "no purpose yet",
                      purposes[key.purpose.expected], key.purpose))
    return items


def _check_stakeholders(doc: StakeholderMapDoc, key: StakeholdersKey, case: Case,
                        fw: Framework) -> list[Item]:
    grid, tol = fw.grid, fw.exercises.tolerance
    names = {p.id: p.name or p.title for p in case.stakeholders.people}
    cats = {c.id: c.name for c in grid.categories} | {grid.unmapped.id: grid.unmapped.name}
    theirs = {p.id: p for p in doc.people}
    items = []
    for pid, pk in key.people.items():
        person = theirs.get(pid)
        label = names.get(pid, pid)
        if person is None:
            items.append(Item(f"person:{pid}", label, False, "nobody (removed from the map)",
                              cats[pk.category], pk))
            continue
        got = place_person(person, grid).id
        ok = got in (pk.category, *pk.also)
        if ok and pk.category != grid.unmapped.id:
            ti = tol.influence if pk.tolerance.influence is None else pk.tolerance.influence
            ts = tol.support if pk.tolerance.support is None else pk.tolerance.support
            ok = _within(person.influence, pk.influence, ti) and \
                _within(person.support, pk.support, ts)
        rated = (f"{cats[got]} (influence {person.influence if person.influence else '?'}, "
                 f"support {person.support if person.support is not None else '?'})")
        expected = cats[pk.category] + (
            f" (influence {pk.influence}, support {pk.support:+d})"
            if pk.influence is not None and pk.support is not None else "")
        items.append(Item(f"person:{pid}", label, ok, rated, expected, pk))
        if pk.role is not None:
            items.append(Item(f"role:{pid}", f"{label}'s role", person.role == pk.role,
                              person.role or "no role", pk.role, pk))
    found = {f.id: f.title for f in analyse(doc, grid).findings}
    for fk in key.findings:
        present = fk.id in found
        title = found.get(fk.id, fk.id.replace("_", " "))
        items.append(Item(
            f"finding:{fk.id}", f"the coverage finding '{title}'", present != fk.absent,
            "it shows" if present else "it does not show",
            "it should not show" if fk.absent else "it should show", fk))
    return items


def _check_relationship(doc: RelationshipDoc, key: RelationshipKey, fw: Framework) -> list[Item]:
    tol = fw.exercises.tolerance.level
    by_id = {i.id: i for i in fw.relationship.indicators}
    items = []
    for iid, lk in key.indicators.items():
        ind = by_id[iid]
        rating = doc.ratings.get(iid)
        level = rating.level if rating else None
        t = tol if lk.tolerance is None else lk.tolerance
        items.append(Item(f"level:{iid}", ind.name, _within(level, lk.level, t),
                          "don't know" if level is None else f"“{ind.levels[level]}”",
                          f"“{ind.levels[lk.level]}”", lk))
    if key.plan is not None:
        picked = [p.indicator for p in doc.plan]
        names = ", ".join(by_id[i].name.lower() for i in picked) or "no plan yet"
        items.append(Item("plan", "your improvement plan",
                          any(i in key.plan.any_of for i in picked), names,
                          "one of: " + ", ".join(by_id[i].name.lower()
                                                 for i in key.plan.any_of), key.plan))
    return items


def check(step: Literal["profile", "stakeholders", "relationship"], docs: dict[str, object],
          case: Case, key: CaseKey, framework: Framework, attempt: int = 1,
          relationship_score: float | None = None) -> Feedback:
    """Compare the trainee's documents with the key for one step."""
    if step == "profile":
        items = _check_profile(docs["profile"], key.profile, framework,  # type: ignore[arg-type]
                               relationship_score)
    elif step == "stakeholders":
        items = _check_stakeholders(docs["stakeholders"], key.stakeholders,  # type: ignore
                                    case, framework)
    elif step == "relationship":
        items = _check_relationship(docs["relationship"], key.relationship,  # type: ignore
                                    framework)
    else:
        raise NotFound(f"There is no workbook step called '{step}'.")
    return Feedback(step, tuple(items), framework.exercises.pass_mark, attempt,
                    framework.exercises.hints_first, key.summary)


def model_answers(case: Case, key: CaseKey, today: object = None) -> dict[str, object]:
    """The key's answers typed into the case's documents - what a perfect trainee would save.
    For tests and for a facilitator's own checks; never for a trainee's page."""
    import datetime as dt

    day = today if isinstance(today, dt.date) else dt.date.today()
    ratings = {cid: rk.value for cid, rk in key.profile.ratings.items()}
    profile = case.profile.model_copy(update={"segmentation": ratings})
    people = []
    for p in case.stakeholders.people:
        pk = key.stakeholders.people.get(p.id)
        if pk is None:
            people.append(p)
            continue
        people.append(p.model_copy(update={
            "influence": pk.influence, "support": pk.support,
            "role": pk.role if pk.role is not None else p.role}))
    smap = case.stakeholders.model_copy(update={"people": people})
    from kamkit.models import IndicatorRating, PlanItem

    rel = RelationshipDoc(
        gut_feeling=50, feeling_locked=True,
        ratings={iid: IndicatorRating(level=lk.level, evidence=lk.why, as_of=day)
                 for iid, lk in key.relationship.indicators.items()},
        plan=[PlanItem(indicator=key.relationship.plan.any_of[0], action="As the key says",
                       owner="You")] if key.relationship.plan else [])
    return {"profile": profile, "stakeholders": smap, "relationship": rel}


# -- the room: a facilitator's view of everyone's attempts -------------------------------------

@dataclass(frozen=True)
class Mistake:
    item_id: str
    step: str
    label: str                 # what was judged, in words
    count: int                 # trainees whose latest check got it wrong
    out_of: int                # trainees who have checked this step
    why: str                   # the key's explanation, for the discussion


def item_label(item_id: str, case: Case, framework: Framework) -> str:
    """What a key item is about, in words: "Ingrid Sæther (placement)", "Revenue potential"."""
    kind, _, ref = item_id.partition(":")
    people = {p.id: p.name or p.title for p in case.stakeholders.people}
    criteria = {c.id: c.name for c in (*framework.segmentation.attractiveness,
                                       *framework.segmentation.strength)}
    indicators = {i.id: i.name for i in framework.relationship.indicators}
    return {
        "person": lambda: f"{people.get(ref, ref)} (placement)",
        "role": lambda: f"{people.get(ref, ref)} (role)",
        "rating": lambda: criteria.get(ref, ref),
        "purpose": lambda: "The account's purpose",
        "finding": lambda: f"Coverage finding: {ref.replace('_', ' ')}",
        "level": lambda: indicators.get(ref, ref),
        "plan": lambda: "The improvement plan",
    }.get(kind, lambda: item_id)()


def _why(item_id: str, key: CaseKey) -> str:
    kind, _, ref = item_id.partition(":")
    found: Clue | None = {
        "person": key.stakeholders.people.get(ref),
        "role": key.stakeholders.people.get(ref),
        "rating": key.profile.ratings.get(ref),
        "purpose": key.profile.purpose,
        "finding": next((f for f in key.stakeholders.findings if f.id == ref), None),
        "level": key.relationship.indicators.get(ref),
        "plan": key.relationship.plan,
    }.get(kind)
    return found.why if found is not None else ""


def common_mistakes(latest: list[tuple[str, list[str]]], case: Case, key: CaseKey,
                    framework: Framework, top: int = 8) -> list[Mistake]:
    """The answers most often wrong across a room. `latest` holds, for each trainee and step,
    (step, wrong item ids) of their latest check."""
    from collections import Counter

    checked = Counter(step for step, _ in latest)
    wrong = Counter((step, item) for step, items in latest for item in items)
    return [Mistake(item, step, item_label(item, case, framework), n, checked[step],
                    _why(item, key))
            for (step, item), n in wrong.most_common(top)]
