"""Contacts from a CRM export onto a stakeholder map: Salesforce (report exports with field labels,
or Data Loader / API exports with API names, optionally an Opportunity Contact Role export) and
HubSpot contact exports, as CSV or .xlsx, plus kamkit's own plain template.

The flavour is recognised from the header. Roles and seniority are mapped to kamkit's roles and
levels only where the data says so; reports-to lines are rebuilt where present. Influence and
support always start unknown - a CRM does not know them, the trainee does. Reading writes
nothing: `read_contacts` returns a preview with every row's problems and duplicates, and only
`add_to_map` (after the trainee confirms) changes the map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kamkit.errors import ImportRefused, KamkitError
from kamkit.io.spreadsheet import numbered_rows, printable
from kamkit.models import Stakeholder, StakeholderMapDoc, new_id, one_line, parse

__all__ = ["TEMPLATE_COLUMNS", "CrmRow", "CrmPreview", "read_contacts", "add_to_map",
           "same_company", "MAX_ROWS"]

MAX_ROWS = 20_000
TEMPLATE_COLUMNS = ["name", "title", "department", "level", "role", "email", "reports_to"]

# kamkit field -> header, per flavour (headers compared lower-case, spaces kept)
_FLAVOURS: dict[str, dict[str, str]] = {
    "Salesforce report": {"first": "first name", "last": "last name", "title": "title",
                          "department": "department", "email": "email",
                          "company": "account name", "reports_to": "reports to",
                          "role": "role"},
    "Salesforce API export": {"id": "id", "first": "firstname", "last": "lastname",
                              "title": "title", "department": "department", "email": "email",
                              "company": "accountid", "reports_to": "reportstoid",
                              "role": "role", "contact_id": "contactid"},
    "HubSpot export": {"id": "record id", "first": "first name", "last": "last name",
                       "title": "job title", "email": "email", "level": "seniority",
                       "role": "buying role", "company": "company name"},
    "kamkit template": {"name": "name", "title": "title", "department": "department",
                        "level": "level", "role": "role", "email": "email",
                        "reports_to": "reports_to", "company": "company"},
}
_FIELD_WORDS = {"first": "first name", "last": "last name", "company": "company (filter)",
                "id": "CRM id", "contact_id": "CRM id", "reports_to": "reports to",
                "level": "level", "role": "role in the buying process"}
_ROLES = {  # CRM role -> kamkit role; absent = the data does not say
    "decision maker": "decision maker", "executive sponsor": "decision maker",
    "economic buyer": "budget holder", "budget holder": "budget holder",
    "evaluator": "evaluator", "technical buyer": "evaluator",
    "business user": "user", "end user": "user", "user": "user",
    "champion": "coach", "coach": "coach",
    "gatekeeper": "gatekeeper", "legal and compliance": "gatekeeper",
}
_LEVELS = {  # HubSpot seniority (and kamkit's own words) -> kamkit level
    "owner": "board", "partner": "board", "board": "board",
    "executive": "executive", "cxo": "executive", "c-level": "executive", "vp": "executive",
    "director": "senior manager", "senior manager": "senior manager",
    "manager": "manager", "senior": "staff", "entry": "staff", "employee": "staff",
    "training": "staff", "staff": "staff",
}


@dataclass
class CrmRow:
    line: int
    name: str
    title: str = ""
    department: str = ""
    email: str = ""
    level: str | None = None
    role: str | None = None
    company: str = ""
    crm_id: str = ""
    reports_to: str = ""            # as the file says it: a name, or another row's id
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class CrmPreview:
    flavour: str
    mapping: list[tuple[str, str]]  # (their column, kamkit field)
    rows: list[CrmRow]

    @property
    def ready(self) -> list[CrmRow]:
        return [r for r in self.rows if r.ok]


def _flavour(headers: list[str]) -> str:
    have = set(headers)
    if "record id" in have or "buying role" in have or "job title" in have:
        return "HubSpot export"
    if {"firstname", "lastname"} <= have:
        return "Salesforce API export"
    if {"first name", "last name"} <= have:
        return "Salesforce report"
    if "name" in have:
        return "kamkit template"
    raise ImportRefused(
        "kamkit does not recognise this file's columns ("
        + printable(", ".join(h for h in headers if h)[:160]) + "). It reads Salesforce and "
        "HubSpot contact exports, or a template with the columns "
        + ", ".join(TEMPLATE_COLUMNS) + ".")


def read_contacts(filename: str, content: bytes, existing: StakeholderMapDoc | None = None,
                  company: str | None = None) -> CrmPreview:
    """Every contact row with its problems, duplicates and mapping, for a preview. Rows of
    another company than `company` (when the file says) are left out, with the reason."""
    header, data = numbered_rows(filename, content, MAX_ROWS)
    headers = [str(h or "").strip().lower() for h in header]
    flavour = _flavour(headers)
    columns = {k: headers.index(h) for k, h in _FLAVOURS[flavour].items() if h in headers}
    mapping = [(str(header[i]).strip(), _FIELD_WORDS.get(k, k)) for k, i in columns.items()]
    known = _Seen()
    for p in existing.people if existing else []:
        known.add(p.name, p.email)
    rows = []
    for line, cells in data:
        def get(key: str, cells: list[object] = cells) -> str:
            i = columns.get(key)
            # a line break inside a cell (Alt+Enter in Excel) is a space in a one-line field
            return one_line(str(cells[i] or "")) if i is not None and i < len(cells) else ""

        name = get("name") or " ".join(x for x in (get("first"), get("last")) if x)
        row = CrmRow(line, name, get("title"), get("department"), get("email"),
                     company=get("company"), crm_id=get("contact_id") or get("id"),
                     reports_to=get("reports_to"))
        _map_words(row, get("level"), get("role"))
        _check(row, company, known)
        rows.append(row)
    return CrmPreview(flavour, mapping, rows)


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


@dataclass
class _Seen:
    """The people on the map and earlier in the file: each name with the emails seen with it
    ("" = none), and every email - so each row is checked in constant time."""

    names: dict[str, set[str]] = field(default_factory=dict)
    emails: set[str] = field(default_factory=set)

    def add(self, name: str, email: str) -> None:
        self.names.setdefault(_norm(name), set()).add(email.casefold())
        self.emails.add(email.casefold())

    def duplicate(self, name: str, email: str) -> str | None:
        """Same email, or same name where an email cannot tell two people apart."""
        email = email.casefold()
        if email and email in self.emails:
            return "already on the map or earlier in the file (same email)"
        emails = self.names.get(_norm(name))
        if emails is not None and (not email or "" in emails):
            return "already on the map or earlier in the file (same name)"
        return None


def _map_words(row: CrmRow, level: str, role: str) -> None:
    if level:
        row.level = _LEVELS.get(level.casefold())
        if row.level is None:
            row.notes.append(f"seniority '{level}' left for you to set")
    if role:
        row.role = _ROLES.get(role.casefold())
        if row.role is None:
            row.notes.append(f"role '{role}' left for you to set")


def _check(row: CrmRow, company: str | None, known: _Seen) -> None:
    if not row.name:
        row.errors.append("no name (first and last name are both empty)")
        return
    if company and row.company and not same_company(row.company, company):
        row.errors.append(f"another company ({row.company})")
        return
    if row.email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", row.email):
        row.errors.append(f"'{row.email}' is not an email address")
        return
    duplicate = known.duplicate(row.name, row.email)
    if duplicate:
        row.errors.append(duplicate)
        return
    known.add(row.name, row.email)
    try:
        parse(Stakeholder, {"id": "check", "name": row.name, "title": row.title,
                            "department": row.department, "email": row.email})
    except KamkitError as exc:
        row.errors.append(str(exc))


_LEGAL_FORMS = {"gmbh", "ag", "ltd", "limited", "inc", "llc", "plc", "sa", "sas", "srl", "spa",
                "bv", "nv", "as", "asa", "ab", "oy", "co", "corp", "corporation", "company",
                "group", "holding", "kg", "se", "the"}


def _name_words(name: str) -> list[str]:
    """A company name's words, in any script, without punctuation and legal forms (or all of
    them, for a name made only of such words: "The Company")."""
    words = re.findall(r"[^\W_]+", name.casefold())
    return [w for w in words if w not in _LEGAL_FORMS] or words


def same_company(theirs: str, ours: str) -> bool:
    """Is the CRM's company the account's (for contacts and opportunities alike)? A Salesforce
    AccountId (15/18 characters) cannot be compared with a name, so it passes; names match
    when one's words (legal forms left out) run unbroken inside the other's: "Nordwind" is
    "Nordwind Logistics GmbH", "Healthineers" is "Siemens Healthineers", but "H" is not
    "Halden"."""
    if re.fullmatch(r"[a-zA-Z0-9]{15,18}", theirs) and not theirs.isalpha():
        return True
    a, b = _name_words(theirs), _name_words(ours)
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return any(long[i:i + len(short)] == short for i in range(len(long) - len(short) + 1))


def add_to_map(doc: StakeholderMapDoc, preview: CrmPreview) -> tuple[StakeholderMapDoc, int]:
    """The map with every ready row added as a person (influence and support unknown), reports-to
    rebuilt where the file names someone on the map. Returns the new map and how many were added.
    """
    used = {p.id for p in doc.people}
    new: list[Stakeholder] = []
    by_ref: dict[str, str] = {}
    for row in preview.ready:
        pid = new_id(used, "p")
        used.add(pid)
        by_ref[row.name.casefold()] = pid
        if row.crm_id:
            by_ref[row.crm_id.casefold()] = pid
        new.append(Stakeholder(id=pid, name=row.name, title=row.title,
                               department=row.department, email=row.email, level=row.level,
                               role=row.role))  # type: ignore[arg-type]
    for p in doc.people:
        by_ref.setdefault(p.name.casefold(), p.id)
    for person, row in zip(new, preview.ready, strict=True):
        boss = by_ref.get(row.reports_to.casefold()) if row.reports_to else None
        if boss is not None and boss != person.id:
            person.reports_to = boss
    people = [*doc.people, *new]
    if len(people) > 200:
        raise ImportRefused(f"A map holds at most 200 people; this would make {len(people)}. "
                            "Export only this account's contacts.")
    merged = parse(StakeholderMapDoc, {**doc.model_dump(), "people":
                                       [p.model_dump() for p in people]})
    return merged, len(new)

