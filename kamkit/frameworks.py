"""The framework content - grid categories, segmentation, relationship indicators, workbook steps -
loaded from YAML into typed, validated, frozen objects.

kamkit ships its content in `kamkit/content/`; a trainer can point `KAMKIT_CONTENT` (or
`load_framework(path)`) at a folder of their own files. Any problem is reported as a
`ContentError` naming the file, the field and the reason, before a single page is built.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from kamkit.competency_content import CertificationContent, CompetencyContent
from kamkit.content_model import Content
from kamkit.errors import ContentError
from kamkit.models import (
    INFLUENCE_MAX,
    INFLUENCE_MIN,
    SUPPORT_MAX,
    SUPPORT_MIN,
    ProfileDoc,
    ReviewStatus,
    Swot,
)
from kamkit.plan_content import PlanContent
from kamkit.qualification import QualificationContent
from kamkit.settings import current

__all__ = ["Framework", "GridContent", "SegmentationContent", "RelationshipContent",
           "StepsContent", "StepText", "ProfileContent", "ReviewContent", "Approval",
           "ExercisesContent", "CONTENT_DIR", "load_framework", "load_yaml", "default_framework",
           "CoverageRules",
           "Criterion", "FILES", "GridCategory", "Hint", "HintCondition", "Indicator",
           "InfluenceScale", "Metric", "Purpose", "RATINGS", "Section", "Stage", "SupportScale",
           "Tolerances", "UnmappedCategory", "load_part"]

CONTENT_DIR = Path(__file__).parent / "content"


_Content = Content


_M = TypeVar("_M", bound=BaseModel)


# --- the Decision-Making Grid -------------------------------------------------------------

def _check_labels(labels: dict[int, str], lo: int, hi: int) -> None:
    if set(labels) != set(range(lo, hi + 1)):
        raise ValueError(f"labels must name each of {lo}..{hi} exactly, got {sorted(labels)}")


class SupportScale(_Content):
    labels: dict[int, str] = Field(description="a short word for each point, -2..+2")

    @model_validator(mode="after")
    def _labels_cover_scale(self) -> SupportScale:
        _check_labels(self.labels, SUPPORT_MIN, SUPPORT_MAX)
        return self


class InfluenceScale(_Content):
    labels: dict[int, str] = Field(description="a short word for each point, 1..5")
    high_from: int = Field(description="influence at or above this counts as high")

    @model_validator(mode="after")
    def _labels_cover_scale(self) -> InfluenceScale:
        _check_labels(self.labels, INFLUENCE_MIN, INFLUENCE_MAX)
        if not INFLUENCE_MIN < self.high_from <= INFLUENCE_MAX:
            raise ValueError(f"high_from must lie within {INFLUENCE_MIN + 1}..{INFLUENCE_MAX}")
        return self


class GridCategory(_Content):
    id: str
    name: str
    influence: Literal["high", "low"]
    support: Literal["supportive", "neutral", "opposed"]
    action: str = Field(description="the next action proposed for people in this category")
    advice: str


class UnmappedCategory(_Content):
    id: str
    name: str
    action: str
    advice: str


class CoverageRules(_Content):
    meaningful_from: int = Field(ge=1, le=4)
    strong_from: int = Field(ge=1, le=4)
    decision_makers_covered: float = Field(ge=0, le=1)
    high_influence_covered: float = Field(ge=0, le=1)
    complete_map_size: int = Field(ge=1)
    stale_after_days: int = Field(ge=1)


class GridContent(_Content):
    influence: InfluenceScale
    support: SupportScale
    categories: tuple[GridCategory, ...]
    unmapped: UnmappedCategory
    roles: tuple[str, ...] = Field(min_length=1)
    decision_maker_roles: tuple[str, ...] = Field(min_length=1)
    peer_levels: dict[int, str]
    coverage: CoverageRules

    @model_validator(mode="after")
    def _one_category_per_cell(self) -> GridContent:
        if set(self.peer_levels) != {1, 2, 3, 4}:
            raise ValueError("peer_levels must name each of 1..4")
        unknown = set(self.decision_maker_roles) - set(self.roles)
        if unknown:
            raise ValueError(f"decision_maker_roles not among roles: {sorted(unknown)}")
        cells = [(c.influence, c.support) for c in self.categories]
        wanted = {(i, s) for i in ("high", "low") for s in ("supportive", "neutral", "opposed")}
        if len(cells) != len(set(cells)) or set(cells) != wanted:
            raise ValueError("need exactly one category for each influence x support cell (6)")
        return self


# --- segmentation ---------------------------------------------------------------------

class Criterion(_Content):
    id: str
    name: str
    weight: float = Field(gt=0)
    help: str = ""
    source: Literal["share_of_wallet", "relationship_score"] | None = Field(
        default=None, description="where the value comes from when the facts exist")


class Purpose(_Content):
    id: str
    name: str
    attractive: bool
    strong: bool
    summary: str


def _weights_total_100(criteria: tuple[Criterion, ...], axis: str) -> None:
    total = sum(c.weight for c in criteria)
    if abs(total - 100) > 1e-6:
        raise ValueError(f"{axis} weights add up to {total:g}, not 100")


class SegmentationContent(_Content):
    threshold: float = Field(ge=0, le=100)
    max_key_accounts: int = Field(default=4, ge=1)
    attractiveness: tuple[Criterion, ...] = Field(min_length=1)
    strength: tuple[Criterion, ...] = Field(min_length=1)
    purposes: tuple[Purpose, ...]

    @model_validator(mode="after")
    def _consistent(self) -> SegmentationContent:
        _weights_total_100(self.attractiveness, "attractiveness")
        _weights_total_100(self.strength, "strength")
        cells = {(p.attractive, p.strong) for p in self.purposes}
        if len(cells) != 4 or len(self.purposes) != 4:
            raise ValueError("need exactly one purpose for each attractive x strong cell (4)")
        return self


# --- relationship quantification -------------------------------------------------------

class Indicator(_Content):
    id: str
    name: str
    weight: float = Field(gt=0)
    levels: tuple[str, ...] = Field(min_length=5, max_length=5,
                                    description="what levels 0..4 look like, in plain words")
    prefill: Literal["share_of_wallet", "peer_coverage", "business_reviews",
                     "executive_attendance", "plan_sharing"] | None = Field(
        default=None, description="an earlier step that already knows the answer")


class Stage(_Content):
    lower: float = Field(alias="from", ge=0, le=100)
    name: str


class RelationshipContent(_Content):
    stale_after_days: int = Field(gt=0)
    stale_factor: float = Field(ge=0, le=1)
    gap_warning: float = Field(default=20, ge=0, le=100)
    max_plan_items: int = Field(default=3, ge=1)
    placement_from: float = Field(
        default=50, ge=0, le=100,
        description="% of the evidence's weight rated before the score places the account")
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    stages: tuple[Stage, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RelationshipContent:
        total = sum(i.weight for i in self.indicators)
        if abs(total - 100) > 1e-6:
            raise ValueError(f"indicator weights add up to {total:g}, not 100")
        bounds = [s.lower for s in self.stages]
        if bounds[0] != 0 or bounds != sorted(bounds):
            raise ValueError("stages must start at 0 and ascend")
        return self

    def stage_for(self, score: float) -> str:
        """The named relationship stage a 0-100 score falls in."""
        return [s.name for s in self.stages if score >= s.lower][-1]


# --- step 1: the account profile ------------------------------------------------------------

def _check_profile_field(name: str) -> str:
    head, _, tail = name.partition(".")
    ok = (head in ProfileDoc.model_fields and not tail) or (head == "swot" and tail in
                                                            Swot.model_fields)
    if not ok:
        raise ValueError(f"'{name}' is not a field of the profile")
    return name


Metric = Literal["share_of_wallet", "margin_pct", "years_as_customer", "total_category_spend"]


class HintCondition(_Content):
    empty: tuple[str, ...] = ()
    filled: tuple[str, ...] = ()
    above: dict[Metric, float] = Field(default_factory=dict)
    below: dict[Metric, float] = Field(default_factory=dict)
    within_days: dict[Literal["next_renewal"], int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_fields(self) -> HintCondition:
        for name in (*self.empty, *self.filled):
            _check_profile_field(name)
        if not (self.empty or self.filled or self.above or self.below or self.within_days):
            raise ValueError("a hint needs at least one condition")
        return self


class Hint(_Content):
    id: str
    level: Literal["gap", "warning"]
    when: HintCondition
    text: str


class Section(_Content):
    id: str
    title: str
    intro: str = ""
    fields: tuple[str, ...]

    @model_validator(mode="after")
    def _known_fields(self) -> Section:
        for name in self.fields:
            _check_profile_field(name)
        return self


class ProfileContent(_Content):
    sections: tuple[Section, ...] = Field(min_length=1)
    size_bands: tuple[str, ...] = Field(min_length=1)
    currencies: tuple[str, ...] = Field(min_length=1)
    hints: tuple[Hint, ...] = ()


# --- workbook steps ---------------------------------------------------------------------

class StepText(_Content):
    """What content says about a step: which one, where in the workbook, and its words."""

    id: str = Field(pattern=r"^[a-z_]+$")
    number: int = Field(ge=1)
    title: str
    summary: str


class StepsContent(_Content):
    steps: tuple[StepText, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> StepsContent:
        ids = [s.id for s in self.steps]
        if len(ids) != len(set(ids)):
            raise ValueError("step ids must be unique")
        return self


# --- the manager's review ------------------------------------------------------------------

RATINGS = (1, 2, 3, 4, 5)


_VERDICTS = {"reviewed", "needs_rework"}


class Approval(_Content):
    """A step a senior sponsor signs off (the account plan): the review form offers `choices`
    for the two verdicts ("Approve the plan" / "Send it back"), and the trainee reads `statuses`
    ("Approved" / "Sent back"), pinned to the version approved."""

    choices: dict[ReviewStatus, str]
    statuses: dict[ReviewStatus, str]

    @model_validator(mode="after")
    def _both_verdicts(self) -> Approval:
        for name, words in (("choices", self.choices), ("statuses", self.statuses)):
            if set(words) != _VERDICTS:
                raise ValueError(f"{name} must name 'reviewed' and 'needs_rework'")
        return self


class ReviewContent(_Content):
    """How a manager rates a step: the 1-5 scale's names, the verdicts, a rubric per step, and
    the steps that are approved rather than only reviewed (`approvals`, by step id)."""

    scale: dict[int, str]
    statuses: dict[ReviewStatus, str]
    rubrics: dict[str, dict[int, str]]
    approvals: dict[str, Approval] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _five_levels(self) -> ReviewContent:
        if set(self.scale) != set(RATINGS):
            raise ValueError(f"scale must name each rating 1..5, got {sorted(self.scale)}")
        if set(self.statuses) != _VERDICTS:
            raise ValueError("statuses must name 'reviewed' and 'needs_rework'")
        for step, rubric in self.rubrics.items():
            if set(rubric) != set(RATINGS):
                raise ValueError(f"the rubric of '{step}' must describe each rating 1..5")
        return self

    def choices(self, step: str) -> dict[ReviewStatus, str]:
        """The verdicts the review form of `step` offers, in their words for that step."""
        approval = self.approvals.get(step)
        return dict(approval.choices if approval else self.statuses)

    def status(self, step: str, verdict: ReviewStatus) -> str:
        """A verdict on `step` as the trainee reads it ("Reviewed", or "Approved")."""
        approval = self.approvals.get(step)
        return (approval.statuses if approval else self.statuses)[verdict]


# --- practising on case studies --------------------------------------------------------------

class Tolerances(_Content):
    influence: int = Field(ge=0, le=4)
    support: int = Field(ge=0, le=4)
    rating: float = Field(ge=0, le=100)
    level: int = Field(ge=0, le=4)


class ExercisesContent(_Content):
    pass_mark: float = Field(gt=0, le=100, description="% of a step's answers to match the key")
    hints_first: bool = True
    tolerance: Tolerances


class _Mismatch(ValueError):
    """Two content files that do not fit each other: which file and field to fix."""

    def __init__(self, file: str, field: str, reason: str) -> None:
        super().__init__(reason)
        self.file, self.field = file, field


class Framework(_Content):
    """Everything a page needs to know about the method being taught."""

    grid: GridContent
    segmentation: SegmentationContent
    relationship: RelationshipContent
    steps: tuple[StepText, ...]
    profile: ProfileContent
    review: ReviewContent
    exercises: ExercisesContent
    qualification: QualificationContent
    account_plan: PlanContent
    competencies: CompetencyContent
    certification: CertificationContent
    source: str = Field(description="the folder the content was loaded from")

    @model_validator(mode="after")
    def _plan_fits_the_purposes(self) -> Framework:
        purposes = {p.id for p in self.segmentation.purposes}
        if set(self.account_plan.team_fit) != purposes:
            raise _Mismatch("account_plan.yaml", "team_fit",
                            f"team_fit must name each purpose of segmentation.yaml "
                            f"({', '.join(sorted(purposes))})")
        unknown = set(self.account_plan.strategic) - purposes
        if unknown:
            raise _Mismatch("account_plan.yaml", "strategic",
                            f"strategic names unknown purposes {sorted(unknown)}")
        if set(self.competencies.role_fit) != purposes:
            missing = ", ".join(sorted(purposes - set(self.competencies.role_fit))) or "none"
            extra = ", ".join(sorted(set(self.competencies.role_fit) - purposes)) or "none"
            raise _Mismatch("competencies.yaml", "role_fit",
                            f"role_fit must name each purpose of segmentation.yaml "
                            f"({', '.join(sorted(purposes))}); missing: {missing}; "
                            f"not a purpose: {extra}")
        return self

    def step(self, step_id: str) -> StepText:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)  # a programming error: step ids come from this same content

    @property
    def fingerprint(self) -> str:
        """A short hash of the content (not where it came from): figures computed under one
        framework are recomputed when a trainer changes a threshold or a weight."""
        import hashlib

        text = self.model_dump_json(exclude={"source"})
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


#: content part -> its model: one file per part of the framework, named after it (grid.yaml …)
_MODELS: dict[str, type[_Content]] = {
    name: (StepsContent if name == "steps" else field.annotation)  # type: ignore[misc]
    for name, field in Framework.model_fields.items() if name != "source"}
FILES = {part: f"{part}.yaml" for part in _MODELS}


#: YAML's own safe loader, in C where PyYAML was built with libyaml (every kernel reads the
#: content at start: ~10x faster than the pure-Python one, and the same objects)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(str(path), "(file)", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(str(path), "(file)", f"cannot be read: {exc}") from None
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        reason = getattr(exc, "problem", None) or "not valid YAML"
        if "nesting depth" in reason:  # libyaml's own limit, said as the Python loader's is
            reason = "nested too deeply to read"
        raise ContentError(str(path), where, reason) from None
    except RecursionError:
        raise ContentError(str(path), "(file)", "nested too deeply to read") from None
    except ValueError as exc:  # a value YAML's resolver took for an int or a date, unreadable
        reason = ("a number with too many digits (more than 4300)" if "digits" in str(exc)
                  else f"a value cannot be read: {exc}")
        raise ContentError(str(path), "(file)", reason) from None


def load_yaml(path: Path, model: type[_M]) -> _M:
    """A YAML file validated as `model`; any problem is a ContentError naming the file, the
    field and the reason. Used for every file a trainer may write: content, cases, keys, quiz."""
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ContentError(str(path), "(file)", "must be a mapping of fields, e.g. 'threshold: 50'")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(file)"
        raise ContentError(str(path), field, first["msg"].removeprefix("Value error, ")) from None


def load_part(path: Path, part: str) -> _Content:
    """Load and validate one content file as `part` (grid, segmentation, relationship, steps)."""
    return load_yaml(path, _MODELS[part])


def load_framework(folder: str | os.PathLike[str] | None = None) -> Framework:
    """Load the framework from `folder` (default: the `content` setting, else kamkit's own).

    A trainer's folder may hold only some of the files; the rest come from kamkit's defaults.
    Whether the steps it lists are installed is the step registry's check
    (`kamkit.steps.check_framework`).
    """
    folder = Path(folder or current().content or CONTENT_DIR)
    if not folder.is_dir():
        raise ContentError(str(folder), "(folder)", "is not a folder")
    parts = {}
    for part, name in FILES.items():
        path = folder / name
        if not path.exists():
            path = CONTENT_DIR / name
        parts[part] = load_part(path, part)
    return _framework(parts, folder)


def _framework(parts: dict[str, _Content], folder: Path) -> Framework:
    steps: StepsContent = parts["steps"]  # type: ignore[assignment]
    try:
        return Framework(**{part: content for part, content in parts.items()
                            if part != "steps"},
                         steps=tuple(sorted(steps.steps, key=lambda s: s.number)),
                         source=str(folder))
    except ValidationError as exc:  # the parts load, but do not fit each other
        first = exc.errors()[0]
        reason = first["msg"].removeprefix("Value error, ")
        cause = (first.get("ctx") or {}).get("error")
        if isinstance(cause, _Mismatch):  # name the file to fix, as every other error does
            path = folder / cause.file
            where = path if path.exists() else CONTENT_DIR / cause.file
            raise ContentError(str(where), cause.field, reason) from None
        raise ContentError(str(folder), "(content)", reason) from None


def default_framework() -> Framework:
    """The framework pages use: the `content` setting, else kamkit's own (cached per folder)."""
    return _cached(current().content or str(CONTENT_DIR))


@lru_cache(maxsize=4)
def _cached(folder: str) -> Framework:
    return load_framework(folder)
