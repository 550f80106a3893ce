"""What kamkit keeps: trainees, their accounts, and the document each workbook step saves.

Pydantic v2 models. Every value a person enters passes through one of these before it is stored,
and `parse()` turns pydantic's complaints into one `InvalidInput` whose message a trainee can read
("Influence: must be at most 5 (got 7)") and whose `problems` name every field concerned.
Documents are versioned in the store; their fields all have defaults, so a half-finished step is a
valid document - completeness is measured (each step's `progress`, `kamkit.steps`), not enforced.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kamkit.errors import InvalidInput

__all__ = ["INFLUENCE_MIN", "INFLUENCE_MAX", "SUPPORT_MIN", "SUPPORT_MAX", "Trainee", "Cohort",
           "Account", "ProfileDoc", "Stakeholder", "TeamMember", "PeerLink", "StakeholderMapDoc",
           "without_person", "with_person", "copy_of_person", "new_id", "with_team_member",
           "without_team_member", "IndicatorRating", "PlanItem", "Assessment", "RelationshipDoc",
           "Review", "ReviewStatus", "Attempt", "parse", "trusted", "Items", "Level", "LongText",
           "Name", "Ref", "ShortText", "Swot", "parse_keeping", "one_line", "Personal", "personal"]

# The two rating scales of the Decision-Making Grid are part of the data model: saved maps depend on
# them. Labels and the high-influence threshold live in content (kamkit/content/grid.yaml).
INFLUENCE_MIN, INFLUENCE_MAX = 1, 5
SUPPORT_MIN, SUPPORT_MAX = -2, 2

# Control characters (C0) have no place in what people and files hand in: PostgreSQL cannot
# store a NUL, and a line break or an escape in a name rewrites the lines printed around it.
# Text of several lines keeps its tabs, line breaks and carriage returns; one-line text none.
_ONE_LINE = re.compile(r"[\x00-\x1f]")
_SEVERAL_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BREAKS = re.compile(r"[ \t\n\r]*[\t\n\r][ \t\n\r]*")
_INPUT = {"input": True}  # parse()'s validation context: a person or a file hands this in


def one_line(text: str) -> str:
    """The text on one line: each line break or tab, with the spaces around it, one space."""
    return _BREAKS.sub(" ", text).strip()


def _without_controls(pattern: re.Pattern[str]) -> AfterValidator:
    def check(value: str, info: ValidationInfo) -> str:
        found = pattern.search(value)
        if found is None:
            return value
        if not (info.context or {}).get("input"):  # read back from the store (saved before
            # this rule) or built by kamkit: it still opens, without the characters
            return pattern.sub("", one_line(value) if pattern is _ONE_LINE else value)
        char = found.group()
        what = ("a NUL character" if char == "\x00" else "a line break" if char in "\n\r"
                else "a tab" if char == "\t" else f"a control character (U+{ord(char):04X})")
        raise PydanticCustomError("control_character", "cannot hold {what}", {"what": what})
    return AfterValidator(check)


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
                 _without_controls(_ONE_LINE)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200),
                      _without_controls(_ONE_LINE)]
LongText = Annotated[str, StringConstraints(max_length=5000), _without_controls(_SEVERAL_LINES)]
Items = Annotated[list[ShortText], Field(max_length=50)]
Ref = Annotated[str, _without_controls(_ONE_LINE)]  # an id, or a reference to one


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


#: How a model or field concerns a person of the customer. `kamkit.privacy` reads these marks to
#: erase one person from every saved version and to pseudonymise exports - for any step's
#: document, without knowing the step. A model marked "person" is one customer person (its `id`
#: names them within an account); "name" and "email" identify them; "about" is free text about
#: them; "ref" points at a person by id (a dict marked "ref" is keyed by person ids).
Personal = Literal["person", "name", "email", "about", "ref"]


def personal(kind: Personal) -> dict[str, Any]:
    """The mark for a field's or a model's `json_schema_extra` (see `Personal`)."""
    return {"personal": kind}


class _Model(BaseModel):
    # no infinity or NaN: JSON has no such number, so the store would keep it as null
    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=False,
                              allow_inf_nan=False)


class Trainee(_Model):
    """A person working through the workbook."""

    id: int | None = Field(default=None, description="store key; None until added")
    name: Name = Field(description="how the trainee is greeted and listed")
    login: ShortText | None = Field(
        default=None, description="OS or JupyterHub user name, for sign-in-free use")
    cohort: ShortText | None = Field(default=None, description="workshop or group, if any")
    manager: ShortText | None = Field(default=None, description="who reviews their work")
    created_at: dt.datetime = Field(default_factory=_now)


class Cohort(_Model):
    """A workshop or group of trainees, with the date it met and who runs it."""

    name: Name
    workshop_date: dt.date | None = None
    manager: ShortText | None = Field(default=None, description="the cohort's default reviewer")
    after_round_at: dt.datetime | None = Field(
        default=None, description="when the competency after-round was opened for the cohort")


class Account(_Model):
    """A customer account a trainee works on (real or a case study)."""

    id: int | None = None
    trainee_id: int
    name: Name = Field(description="the customer's name as the trainee knows it")
    case_id: str | None = Field(default=None, pattern=r"^[a-z0-9_-]{1,60}$",
                                description="set when the account is a case study's")
    created_at: dt.datetime = Field(default_factory=_now)
    updated_at: dt.datetime = Field(default_factory=_now)


# --- step 1: account profile ----------------------------------------------------------------

class Swot(_Model):
    strengths: Items = Field(default_factory=list)
    weaknesses: Items = Field(default_factory=list)
    opportunities: Items = Field(default_factory=list)
    threats: Items = Field(default_factory=list)


class ProfileDoc(_Model):
    """Step 1: the facts about the customer, and the ratings that segment it."""

    legal_name: ShortText = ""
    industry: ShortText = ""
    size_band: ShortText = ""
    regions: Items = Field(default_factory=list)
    ownership: ShortText = ""
    strategy: LongText = Field(default="", description="their strategy and goals")
    pressures: Items = Field(default_factory=list)
    changes: Items = Field(default_factory=list, description="what is changing in their world")
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "EUR"
    total_category_spend: float | None = Field(
        default=None, ge=0, description="their yearly spend in our category, all suppliers")
    spend_with_us: float | None = Field(default=None, ge=0, description="of which with us, yearly")
    revenue_with_us: float | None = Field(default=None, ge=0)
    margin_pct: float | None = Field(default=None, ge=0, le=100)
    years_as_customer: int | None = Field(default=None, ge=0, le=200)
    next_renewal: dt.date | None = None
    products_in_use: Items = Field(default_factory=list)
    white_space: Items = Field(default_factory=list)
    competitors: Items = Field(default_factory=list)
    swot: Swot = Field(default_factory=Swot)
    segmentation: dict[Ref, Annotated[float, Field(ge=0, le=100)]] = Field(
        default_factory=dict, description="criterion id -> 0-100 rating (content: segmentation)")

    @field_validator("spend_with_us")
    @classmethod
    def _spend_within_total(cls, value: float | None, info: ValidationInfo) -> float | None:
        # a field validator (not a model one) so the message lands next to this field
        total = info.data.get("total_category_spend")
        if value is not None and total is not None and value > total:
            raise ValueError("Spend with us cannot exceed their total spend in the category")
        return value

    @property
    def share_of_wallet(self) -> float | None:
        """Their spend with us as a percentage of their total category spend."""
        if self.spend_with_us is None or not self.total_category_spend:
            return None
        return 100 * self.spend_with_us / self.total_category_spend


# --- step 2: stakeholder map ----------------------------------------------------------------

Level = Literal["board", "executive", "senior manager", "manager", "staff"]


class Stakeholder(_Model):
    """A person in the customer's decision. A rating of None means "unknown": a gap, not neutral."""

    model_config = ConfigDict(json_schema_extra=personal("person"))

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
    name: ShortText = Field(default="", description="empty for a placeholder role",
                            json_schema_extra=personal("name"))
    title: ShortText = ""
    department: ShortText = ""
    level: Level | None = None
    role: ShortText | None = Field(default=None, description="role in the buying process")
    influence: int | None = Field(default=None, ge=INFLUENCE_MIN, le=INFLUENCE_MAX)
    support: int | None = Field(default=None, ge=SUPPORT_MIN, le=SUPPORT_MAX)
    needs: LongText = Field(default="", json_schema_extra=personal("about"))
    wants: LongText = Field(default="", json_schema_extra=personal("about"))
    declared_agenda: LongText = Field(default="", json_schema_extra=personal("about"))
    personal_agenda: LongText = Field(default="", json_schema_extra=personal("about"))
    reports_to: Ref | None = Field(default=None, json_schema_extra=personal("ref"))
    influences: list[Ref] = Field(default_factory=list, json_schema_extra=personal("ref"))
    evidence: LongText = Field(default="", description="how do you know?",
                               json_schema_extra=personal("about"))
    verified_on: dt.date | None = None
    placeholder: bool = Field(default=False, description="a role we know exists, holder not met")
    email: ShortText = Field(default="", description="from a CRM import; used to spot duplicates",
                             json_schema_extra=personal("email"))
    action: LongText = Field(default="", description="the next action with this person",
                             json_schema_extra=personal("about"))
    action_owner: ShortText = Field(default="", description="who on our side does it")
    action_due: dt.date | None = None

    @model_validator(mode="after")
    def _named_or_placeholder(self) -> Stakeholder:
        if not self.placeholder and not self.name:
            raise ValueError("a person needs a name, or tick 'placeholder' for a role not yet met")
        return self


class TeamMember(_Model):
    """Someone on our side of the account."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
    name: Name
    role: Literal["sponsor", "account manager", "team member"]
    level: Level | None = None


class PeerLink(_Model):
    """The relationship between one of ours and one of theirs: 1 vendor … 4 trusted advisor."""

    ours: Ref
    theirs: Ref = Field(json_schema_extra=personal("ref"))
    today: int | None = Field(default=None, ge=1, le=4)
    wanted: int | None = Field(default=None, ge=1, le=4)


class StakeholderMapDoc(_Model):
    """Step 2: the people in the decision, our team, and who knows whom."""

    people: list[Stakeholder] = Field(default_factory=list, max_length=200)
    team: list[TeamMember] = Field(default_factory=list, max_length=50)
    links: list[PeerLink] = Field(default_factory=list, max_length=2000)

    @model_validator(mode="after")
    def _references_resolve(self) -> StakeholderMapDoc:
        people = {p.id for p in self.people}
        team = {t.id for t in self.team}
        if len(people) != len(self.people) or len(team) != len(self.team):
            raise ValueError("two entries share an id")
        for p in self.people:
            for ref in [p.reports_to, *p.influences]:
                if ref is not None and ref not in people:
                    raise ValueError(f"{p.name or p.id} refers to an unknown person '{ref}'")
        for link in self.links:
            if link.ours not in team or link.theirs not in people:
                raise ValueError("a relationship refers to someone no longer on the map")
        loop = _reports_to_loop(self.people)
        if loop:
            raise ValueError("reports-to lines go round in a circle: " + " → ".join(loop))
        return self


def new_id(used: set[str], prefix: str) -> str:
    """The first free id `<prefix><n>`, counting on from how many are used (p1, p2 … / t1 …)."""
    n = len(used) + 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def with_person(doc: StakeholderMapDoc, person: Stakeholder,
                links: list[PeerLink] | None = None) -> StakeholderMapDoc:
    """The map with `person` added or (same id) replaced; with `links`, the links to them are
    replaced by these. Validated as a whole: a reports-to loop is an InvalidInput."""
    people = [p for p in doc.people if p.id != person.id]
    at = next((i for i, p in enumerate(doc.people) if p.id == person.id), len(people))
    people.insert(at, person)
    kept = doc.links if links is None else [lk for lk in doc.links if lk.theirs != person.id]
    return parse(StakeholderMapDoc, {
        **doc.model_dump(), "people": [p.model_dump() for p in people],
        "links": [lk.model_dump() for lk in [*kept, *(links or [])]]})


def copy_of_person(doc: StakeholderMapDoc, pid: str) -> StakeholderMapDoc:
    """The map with a copy of one person (a new id, "(copy)" after the name) at the end."""
    source = next(p for p in doc.people if p.id == pid)
    copy = source.model_copy(update={"id": new_id({p.id for p in doc.people}, "p"),
                                     "name": f"{source.name} (copy)" if source.name else ""})
    return with_person(doc, copy)


def with_team_member(doc: StakeholderMapDoc, name: str, role: str,
                     level: str | None) -> StakeholderMapDoc:
    """The map with one more of ours on the account team."""
    member = parse(TeamMember, {"id": new_id({t.id for t in doc.team}, "t"), "name": name,
                                "role": role, "level": level})
    return parse(StakeholderMapDoc, {**doc.model_dump(),
                                     "team": [*doc.model_dump()["team"], member.model_dump()]})


def without_team_member(doc: StakeholderMapDoc, tid: str) -> StakeholderMapDoc:
    """The map without one of ours, and without the links that were theirs."""
    return doc.model_copy(update={"team": [t for t in doc.team if t.id != tid],
                                  "links": [lk for lk in doc.links if lk.ours != tid]})


def without_person(doc: StakeholderMapDoc, pid: str) -> StakeholderMapDoc:
    """The map without one person, and without every line and link that pointed at them."""
    people = [p.model_copy(update={"reports_to": None if p.reports_to == pid else p.reports_to,
                                   "influences": [i for i in p.influences if i != pid]})
              for p in doc.people if p.id != pid]
    return doc.model_copy(update={"people": people,
                                  "links": [lk for lk in doc.links if lk.theirs != pid]})


def _reports_to_loop(people: list[Stakeholder]) -> list[str]:
    """Names along the first reports-to cycle, or [] when the lines form a proper tree."""
    boss = {p.id: p.reports_to for p in people}
    name = {p.id: p.name or p.title or p.id for p in people}
    for start in boss:
        seen: list[str] = []
        node: str | None = start
        while node is not None and node not in seen:
            seen.append(node)
            node = boss.get(node)
        if node is not None:  # came back to a person already on this path
            cycle = seen[seen.index(node):] + [node]
            return [name[n] for n in cycle]
    return []


# --- step 3: relationship score -------------------------------------------------------------

class IndicatorRating(_Model):
    """One piece of evidence: the anchored level reached (None = don't know) and how we know."""

    level: int | None = Field(default=None, ge=0, le=4, description="anchored level 0..4")
    evidence: LongText = Field(default="", description="how do you know? (empty = unproven)")
    as_of: dt.date | None = Field(default=None, description="when it was last verified")
    confident: bool = True


class PlanItem(_Model):
    """An indicator the trainee means to raise, and how."""

    indicator: Ref
    action: LongText = ""
    owner: ShortText = ""
    due: dt.date | None = None


class Assessment(_Model):
    """One relationship assessment: the feeling first, then the evidence, then the plan."""

    started_on: dt.date = Field(default_factory=dt.date.today)
    gut_feeling: int | None = Field(default=None, ge=0, le=100)
    feeling_reason: ShortText = ""
    feeling_locked: bool = Field(default=False, description="set when the evidence is opened")
    ratings: dict[Ref, IndicatorRating] = Field(default_factory=dict)
    plan: list[PlanItem] = Field(default_factory=list, max_length=3)

    @property
    def started(self) -> bool:
        """Has the trainee begun it (a feeling or any rating)? Pre-fills alone do not count."""
        return self.gut_feeling is not None or bool(self.ratings)

    @model_validator(mode="after")
    def _feeling_before_evidence(self) -> Assessment:
        if self.feeling_locked and self.gut_feeling is None:
            raise ValueError("record your gut feeling before looking at the evidence")
        picked = [item.indicator for item in self.plan]
        if len(picked) != len(set(picked)):
            raise ValueError("each indicator once in the plan, please")
        return self


class RelationshipDoc(Assessment):
    """Step 3: the current assessment (its fields), and the earlier ones, read-only, oldest
    first - so the relationship can be followed over time."""

    history: list[Assessment] = Field(default_factory=list, max_length=100)


# --- the manager's review ---------------------------------------------------------------------

ReviewStatus = Literal["reviewed", "needs_rework"]


class Review(_Model):
    """A manager's verdict on one step of one account. Kept beside the trainee's work, never in
    it: a review cannot change what the trainee wrote. Every review is kept; the latest counts."""

    id: int | None = None
    account_id: int
    step: str = Field(pattern=r"^[a-z_]+$")
    doc_version: int = Field(ge=1, description="the version of the trainee's work reviewed")
    rating: int | None = Field(default=None, ge=1, le=5, description="1-5 on the step's rubric")
    comment: LongText = ""
    status: ReviewStatus
    reviewer: Name
    reviewed_at: dt.datetime = Field(default_factory=_now)

    @model_validator(mode="after")
    def _verdict_is_explained(self) -> Review:
        if self.status == "reviewed" and self.rating is None:
            raise ValueError("give a rating from 1 to 5 before marking the step reviewed")
        if self.status == "needs_rework" and not self.comment.strip():
            raise ValueError("say what to rework: a comment is needed for 'needs rework'")
        return self


class Attempt(_Model):
    """One "Check my answers" on a case study's step: the score, whether it passed, how many
    hints were shown, and which answers were wrong (by the key's item ids)."""

    id: int | None = None
    account_id: int
    case_id: Ref
    step: Ref
    attempt: int = Field(ge=1)
    score: float = Field(ge=0, le=100)
    passed: bool
    hints: int = Field(ge=0, description="hints shown (not explanations)")
    wrong: list[Ref] = Field(default_factory=list)
    at: dt.datetime = Field(default_factory=_now)


# --- readable validation ---------------------------------------------------------------------

_M = TypeVar("_M", bound=BaseModel)

_MESSAGES = {
    "missing": "is required",
    "string_too_short": "cannot be empty",
    "string_too_long": "is too long (at most {max_length} characters)",
    "too_long": "has too many entries (at most {max_length})",
    "less_than_equal": "must be at most {le}",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "finite_number": "must be a real number, not infinity or NaN",
    "date_from_datetime_parsing": "must be a real date (YYYY-MM-DD)",
    "date_parsing": "must be a real date (YYYY-MM-DD)",
    "literal_error": "must be one of {expected}",
    "string_pattern_mismatch": "is not in the expected form",
    "extra_forbidden": "is not a field kamkit knows",
    "control_character": "cannot hold {what}; remove it",
}


def _label(loc: tuple[Any, ...]) -> str:
    if loc[-1:] == ("[key]",):  # a mapping's key: the mapping's name, not the key
        loc = loc[:-2]
    words = [str(p).replace("_pct", " %").replace("_", " ") for p in loc if not isinstance(p, int)]
    return (words[-1] if words else "").capitalize() or "This entry"


def _show(value: Any, quote: bool = False) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if quote else str(value)


def trusted(model: type[_M], values: dict[str, Any]) -> _M:
    """`model.model_construct(**values)` for values naming every field of a model without
    private attributes or extras - what kamkit wrote and validated then, read back as is
    (a dashboard reads tens of thousands: model_construct's own checks were a sixth of a
    cohort's person records)."""
    made = model.__new__(model)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", set(values))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


def parse(model: type[_M], data: Any) -> _M:
    """Validate `data` as `model`, or raise `InvalidInput` that a trainee can read."""
    try:
        return model.model_validate(data, context=_INPUT)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            template = _MESSAGES.get(err["type"])
            ctx = {k: _show(v) for k, v in (err.get("ctx") or {}).items()}
            if template is not None:
                try:
                    text = f"{_label(loc)} {template.format(**ctx)}"
                except (KeyError, IndexError):
                    text = f"{_label(loc)} {err['msg'].lower()}"
                if (err["type"] not in ("missing", "extra_forbidden", "string_too_short")
                        and "input" in err):
                    text += f" (got {_show(err['input'], quote=True)[:40]})"
            else:  # our own validators already speak plainly
                text = err["msg"].removeprefix("Value error, ")
                text = text[:1].upper() + text[1:]
            problems.append((".".join(str(p) for p in loc), text))
        field, message = problems[0]
        if len(problems) > 1:
            message += f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})"
        raise InvalidInput(message, field=field or None, problems=problems) from None


def _unit(field: str, data: dict[str, Any]) -> tuple[str, ...]:
    """The part of a document a problem belongs to, as a path: a top-level field, or one entry
    of a field that maps ids to entries ("ratings.plan_sharing", "swot.threats") - or, inside
    one entry of a list ("opportunities.2.value"), the same within that entry."""
    parts = tuple(p for p in field.split(".") if p)
    value = data.get(parts[0]) if parts else None
    if (len(parts) >= 3 and isinstance(value, list) and parts[1].isdigit()
            and int(parts[1]) < len(value) and isinstance(value[int(parts[1])], dict)):
        return parts[:2] + _unit(".".join(parts[2:]), value[int(parts[1])])
    if len(parts) >= 2 and isinstance(value, dict) and not parts[1].isdigit():
        return parts[:2]
    return parts[:1]


def _revert(data: dict[str, Any], before: dict[str, Any], path: tuple[str, ...]) -> bool:
    """Put `before`'s value back at `path` in `data` (removing what `before` lacks); False when
    it is already there (nothing left to undo). A path may pass through list entries."""
    *head, last = path
    target: Any = data
    source: Any = before
    for key in head:
        target, source = _step_into(target, key, make=True), _step_into(source, key)
    if not isinstance(target, dict):
        return False
    source = source if isinstance(source, dict) else {}
    if last in source:
        if target.get(last) == source[last]:
            return False
        target[last] = source[last]
    elif last in target:
        del target[last]
    else:
        return False
    return True


def _step_into(node: Any, key: str, make: bool = False) -> Any:
    if isinstance(node, dict):
        return node.setdefault(key, {}) if make else node.get(key, {})
    if isinstance(node, list) and key.isdigit() and int(key) < len(node):
        return node[int(key)]
    return None


def parse_keeping(model: type[_M], data: dict[str, Any],
                  previous: BaseModel) -> tuple[_M, list[tuple[str, str]]]:
    """Validate `data` as `model`, keeping every change that breaks no rule: a part that does
    keeps its `previous` value. Returns the document to save and the problems, (field, message)
    each - none when everything was valid. One mistyped field never holds the rest back."""
    import copy

    data = copy.deepcopy(data)
    before = previous.model_dump()
    problems: list[tuple[str, str]] = []
    while True:
        try:
            return parse(model, data), problems
        except InvalidInput as exc:
            found = exc.problems or [("", str(exc))]
        undone = [(f, m) for f, m in found if f and _revert(data, before, _unit(f, data))]
        if undone:
            problems += undone
            continue
        # a rule about the document as a whole: undo one changed part at a time until it holds
        for key in [k for k in data if data[k] != before.get(k)]:
            trial = {**data, key: copy.deepcopy(before.get(key))}
            try:
                parse(model, trial)
            except InvalidInput:
                continue
            problems.append((key, found[0][1]))
            data = trial
            break
        else:  # nothing to undo that would help: keep the previous document as it was
            return model.model_validate(before), problems + found
