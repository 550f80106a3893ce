"""Case studies: realistic practice accounts, and feedback that explains itself.

A case (in `exercises/cases/<id>/`) has a brief the trainee reads (`brief.md`), the facts the steps
start from (`case.yaml`: one document per step, under the step's id), and an expert key
(`key.yaml`: one part per step that a case checks, under the step's id). The key is read here, in
Python, and never sent to a page: `check()` hands the step's work to the step's own checker
(`kamkit.steps`), which compares it with the key and explains each difference, pointing to the
clue in the brief - first a hint (where to look), then, on a later try, the explanation.
Tolerances (content, or per answer in the key) let judgement differ a little.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kamkit.checking import Feedback, Item
from kamkit.errors import ContentError, NotFound
from kamkit.frameworks import Framework, load_yaml
from kamkit.resources import exercises_dir
from kamkit.settings import current
from kamkit.steps import Docs, registered, step

__all__ = ["CASES_DIR", "Case", "CaseKey", "Item", "Feedback", "list_cases", "load_case",
           "load_key", "check", "brief_html", "checked_steps", "model_answers", "Mistake",
           "item_label", "common_mistakes", "cases_dirs",
           "check_cases"]

#: kamkit's own case studies (in a checkout: exercises/cases)
CASES_DIR = exercises_dir() / "cases"


def cases_dirs() -> list[Path]:
    """Where cases are found: a trainer's own folder (the `cases` setting) first, then kamkit's.
    A trainer's case adds to kamkit's; one with the same id as kamkit's replaces it."""
    own = current().cases
    return [Path(own), CASES_DIR] if own else [CASES_DIR]


def _folder_of(case_id: str) -> str:
    """The cases folder that holds `case_id` (the first, in `cases_dirs()` order)."""
    if case_id and "/" not in case_id and "\\" not in case_id and not case_id.startswith("."):
        for folder in cases_dirs():
            if (folder / case_id / "case.yaml").is_file():
                return str(folder)
    raise NotFound(f"There is no case study called '{case_id}'.")


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _step_parts(data: Any, fixed: set[str], part: str) -> Any:
    """Gather every top-level key that is not one of `fixed` under `part` (step id -> its data),
    with what `part` already holds, so case and key files keep one plain section per step."""
    if not isinstance(data, dict):
        return data
    given = data.get(part) or {}
    if not isinstance(given, dict):
        return data  # pydantic says what is wrong with it
    return {k: v for k, v in data.items() if k in fixed} | {
        part: given | {k: v for k, v in data.items() if k not in fixed}}


class Case(_Data):
    """What a trainee starts from: the brief's facts, typed in for them (per step: the step's
    document, validated by the step's model when the case is loaded)."""

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    title: str
    summary: str
    account: str = Field(max_length=120, description="the practice account's name")
    facts: dict[str, Any] = Field(default_factory=dict, description="step id -> document")

    @model_validator(mode="before")
    @classmethod
    def _facts_per_step(cls, data: Any) -> Any:
        return _step_parts(data, {"id", "title", "summary", "account", "facts"}, "facts")

    @property
    def documents(self) -> Docs:
        """The case's facts as the account's first documents."""
        return Docs(self.facts, self.account)


class CaseKey(_Data):
    """The expert's answers, each with its clue, per step (a step a key leaves out is not
    checked in that case). Never leaves the kernel."""

    case: str
    facilitator_note: str = ""
    summary: str
    parts: dict[str, Any] = Field(default_factory=dict, description="step id -> its key")

    @model_validator(mode="before")
    @classmethod
    def _parts_per_step(cls, data: Any) -> Any:
        return _step_parts(data, {"case", "facilitator_note", "summary", "parts"}, "parts")


def _typed(path: Path, parts: dict[str, Any], model_of: Any) -> dict[str, BaseModel]:
    """Each step's part validated by the model the step gives it (`model_of(step)`), or a
    ContentError naming the file and the field ("stakeholders.people.0.level")."""
    out = {}
    for sid, data in parts.items():
        if sid not in registered():
            raise ContentError(str(path), sid, f"there is no workbook step called '{sid}' "
                               f"(steps: {', '.join(registered())})")
        model = model_of(registered()[sid])
        if model is None:
            raise ContentError(str(path), sid, f"step '{sid}' is not checked against a key")
        try:
            out[sid] = model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in (sid, *first["loc"]))
            raise ContentError(str(path), where,
                               first["msg"].removeprefix("Value error, ")) from None
    return out


def checked_steps(key: CaseKey) -> list[str]:
    """The steps a case's key checks."""
    return list(key.parts)


def list_cases() -> list[Case]:
    """Every case study, by title."""
    ids = {p.name for folder in cases_dirs() if folder.is_dir() for p in folder.iterdir()
           if (p / "case.yaml").is_file()}
    return sorted((load_case(case_id) for case_id in ids), key=lambda c: c.title)


def check_cases(framework: Framework) -> list[tuple[Case, CaseKey]]:
    """Every case with its key, checked against the framework and the installed steps: a
    ContentError names the first broken file and field (before any trainee meets it)."""
    return [(case, load_key(case.id, framework)) for case in list_cases()]


def load_case(case_id: str) -> Case:
    return _cached_case(_folder_of(case_id), case_id)


def load_key(case_id: str, framework: Framework | None = None) -> CaseKey:
    """The expert key of a case, checked against the case and the framework."""
    folder = _folder_of(case_id)
    key = _cached_key(folder, case_id)
    if framework is not None:
        _check_key(key, load_case(case_id), framework, Path(folder) / case_id / "key.yaml")
    return key


def _case_folder(folder: str, case_id: str) -> Path:
    path = Path(folder) / case_id
    if not case_id or "/" in case_id or case_id.startswith(".") or not path.is_dir():
        raise NotFound(f"There is no case study called '{case_id}'.")
    return path


@lru_cache(maxsize=32)
def _cached_case(folder: str, case_id: str) -> Case:
    path = _case_folder(folder, case_id) / "case.yaml"
    case = load_yaml(path, Case)
    if case.id != case_id:
        raise ContentError(str(path), "id", f"must be the folder's name '{case_id}'")
    return case.model_copy(update={"facts": _typed(path, case.facts, lambda u: u.model)})


@lru_cache(maxsize=32)
def _cached_key(folder: str, case_id: str) -> CaseKey:
    path = _case_folder(folder, case_id) / "key.yaml"
    key = load_yaml(path, CaseKey)
    if key.case != case_id:
        raise ContentError(str(path), "case", f"must be the case's id '{case_id}'")
    return key.model_copy(update={"parts": _typed(
        path, key.parts, lambda u: u.checker.key if u.checker else None)})


def _check_key(key: CaseKey, case: Case, fw: Framework, path: Path) -> None:
    """Every id in the key must exist: a typo would otherwise mark every trainee wrong."""
    for sid, part in key.parts.items():
        checker = step(sid).checker
        for where, reason in checker.problems(part, case.documents, fw):  # type: ignore
            raise ContentError(str(path), f"{sid}.{where}", reason)


def brief_html(case_id: str) -> str:
    """The brief as HTML. Authored content, but rendered with raw HTML escaped all the same."""
    import mistune

    path = _case_folder(_folder_of(case_id), case_id) / "brief.md"
    render = mistune.create_markdown(escape=True, plugins=["table"])
    return str(render(path.read_text(encoding="utf-8")))


# -- checking -------------------------------------------------------------------------------------

def check(step_id: str, work: Docs, case: Case, key: CaseKey, framework: Framework,
          attempt: int = 1) -> Feedback:
    """Compare the trainee's documents with the key for one step."""
    checker = step(step_id).checker
    if checker is None or step_id not in key.parts:
        raise NotFound("This step has no expert answers to check against in this case.")
    items = checker.check(work, case.documents, key.parts[step_id], framework)
    return Feedback(step_id, tuple(items), framework.exercises.pass_mark, attempt,
                    framework.exercises.hints_first, key.summary)


def model_answers(case: Case, key: CaseKey, today: dt.date | None = None) -> Docs:
    """The key's answers typed into the case's documents - what a perfect trainee would save.
    For tests and for a facilitator's own checks; never for a trainee's page."""
    day = today or dt.date.today()
    docs = dict(case.facts)
    for sid, part in key.parts.items():
        docs[sid] = step(sid).checker.answer(case.documents, part, day)  # type: ignore
    return Docs(docs, case.account)


# -- the room: a facilitator's view of everyone's attempts -------------------------------------

@dataclass(frozen=True)
class Mistake:
    item_id: str
    step: str
    label: str                 # what was judged, in words
    count: int                 # trainees whose latest check got it wrong
    out_of: int                # trainees who have checked this step
    why: str                   # the key's explanation, for the discussion


def _label_and_why(step_id: str, item_id: str, case: Case, key: CaseKey | None,
                   framework: Framework) -> tuple[str, str]:
    unit = registered().get(step_id)
    if unit is None or unit.checker is None or key is None or step_id not in key.parts:
        return item_id, ""
    return unit.checker.explain(item_id, case.documents, key.parts[step_id], framework)


def item_label(item_id: str, case: Case, framework: Framework, step_id: str,
               key: CaseKey | None = None) -> str:
    """What a key item is about, in words: "Ingrid Sæther (placement)", "Revenue potential"."""
    return _label_and_why(step_id, item_id, case, key or load_key(case.id), framework)[0]


def common_mistakes(latest: list[tuple[str, list[str]]], case: Case, key: CaseKey,
                    framework: Framework, top: int = 8) -> list[Mistake]:
    """The answers most often wrong across a room. `latest` holds, for each trainee and step,
    (step, wrong item ids) of their latest check."""
    from collections import Counter

    checked = Counter(sid for sid, _ in latest)
    wrong = Counter((sid, item) for sid, items in latest for item in items)
    out = []
    for (sid, item), n in wrong.most_common(top):
        label, why = _label_and_why(sid, item, case, key, framework)
        out.append(Mistake(item, sid, label, n, checked[sid], why))
    return out
