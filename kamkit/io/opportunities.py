"""Opportunities from a CRM export onto step 4: a Salesforce opportunity report (field labels),
a Salesforce Data Loader / API export (API names) or a HubSpot deals export, as CSV or .xlsx,
plus kamkit's own plain template.

The flavour is recognised from the header; `is_opportunity_file` tells such a file from a
contact export, so one command and one upload take either. Stages are mapped through the
content (each stage's `crm` names) and CRM types to kamkit's kinds only where the words say so;
anything else is left for the trainee with a note. Amounts and dates are read the ways exports
write them ("EUR 1,200,000.00", "1 200 000"; 2027-03-31, 31/03/2027, 3/31/2027, 31.03.2027,
an Excel date). Reading writes nothing: `read_opportunities` returns a preview with every row's
problems and duplicates, and only `add_opportunities` (after the trainee confirms) changes the
document. The qualification itself always starts empty - a CRM's probability is kept only to
compare with.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field

from kamkit.errors import ImportRefused, KamkitError
from kamkit.frameworks import Framework
from kamkit.io.crm import same_company
from kamkit.io.spreadsheet import MAX_ROWS, numbered_rows, printable
from kamkit.models import new_id, one_line, parse
from kamkit.opportunity import (
    MAX_OPPORTUNITIES,
    MAX_VALUE,
    OpportunitiesDoc,
    Opportunity,
    OpportunityKind,
)

__all__ = ["TEMPLATE_COLUMNS", "OpportunityRow", "OpportunityPreview", "read_opportunities",
           "add_opportunities", "is_opportunity_file"]

TEMPLATE_COLUMNS = ["name", "kind", "value", "decision_date", "stage", "competitors"]

_SF_REPORT, _SF_API, _HUBSPOT, _TEMPLATE = ("Salesforce opportunity report",
                                            "Salesforce API export", "HubSpot deals export",
                                            "kamkit template")
# kamkit field -> the headers that hold it, per flavour (compared lower-case); the first found
_FLAVOURS: dict[str, dict[str, tuple[str, ...]]] = {
    _SF_REPORT: {"name": ("opportunity name",), "company": ("account name",),
                 "value": ("amount",), "date": ("close date",), "stage": ("stage",),
                 "probability": ("probability (%)", "probability"), "kind": ("type",),
                 "crm_id": ("opportunity id",)},
    _SF_API: {"crm_id": ("id",), "name": ("name",), "company": ("accountid",),
              "value": ("amount",), "date": ("closedate",), "stage": ("stagename",),
              "probability": ("probability",), "kind": ("type",)},
    _HUBSPOT: {"crm_id": ("record id",), "name": ("deal name",), "stage": ("deal stage",),
               "value": ("amount",), "date": ("close date",), "kind": ("deal type",),
               "probability": ("deal probability",),
               "company": ("associated company", "associated company (primary)",
                           "company name")},
    _TEMPLATE: {"name": ("name",), "kind": ("kind",), "value": ("value",),
                "date": ("decision_date", "decision date"), "stage": ("stage",),
                "competitors": ("competitors",), "company": ("company",),
                "crm_id": ("crm_id",), "probability": ("crm_probability", "probability")},
}
_FIELD_WORDS = {"company": "company (filter)", "crm_id": "CRM id", "date": "decision date",
                "probability": "CRM probability", "kind": "kind", "stage": "stage"}
# a header with one of these is an opportunity export; with a person's, it is contacts (an
# opportunity contact-role report names the opportunity too)
_DEAL_HEADERS = {"opportunity name", "deal name", "deal stage", "stagename", "closedate"}
_TEMPLATE_HEADERS = set(TEMPLATE_COLUMNS) - {"name"} | {"decision date"}
_PERSON_HEADERS = {"first name", "last name", "firstname", "lastname", "contactid", "email",
                   "job title"}
# a CRM's opportunity type -> kind, and a note where the words do not quite say
_KINDS: dict[str, tuple[OpportunityKind, str]] = {
    "new customer": ("new", ""), "new business": ("new", ""), "newbusiness": ("new", ""),
    "existing customer - upgrade": ("upsell", ""), "upsell": ("upsell", ""),
    "up-sell": ("upsell", ""),
    "existing customer - replacement": ("renewal", ""),
    "existing customer - downgrade": ("renewal", ""), "renewal": ("renewal", ""),
    "cross-sell": ("cross_sell", ""), "cross sell": ("cross_sell", ""),
    "existingbusiness": ("upsell", "could be a renewal"),
    "existing business": ("upsell", "could be a renewal"),
}


@dataclass
class OpportunityRow:
    line: int
    name: str
    kind: OpportunityKind = "new"
    value: float | None = None
    decision_date: dt.date | None = None
    stage: str | None = None        # a content stage id
    crm_probability: float | None = None
    crm_id: str = ""
    company: str = ""
    competitors: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class OpportunityPreview:
    flavour: str
    mapping: list[tuple[str, str]]  # (their column, kamkit field)
    rows: list[OpportunityRow]

    @property
    def ready(self) -> list[OpportunityRow]:
        return [r for r in self.rows if r.ok]


def _headers(header: list[object]) -> list[str]:
    return [str(h or "").strip().lower() for h in header]


def _flavour_of(headers: list[str]) -> str | None:
    """The export's flavour when its header is one of opportunities (None: it is not)."""
    have = set(headers)
    if have & _PERSON_HEADERS:
        return None
    if "deal name" in have or "deal stage" in have:
        return _HUBSPOT
    if "stagename" in have or "closedate" in have:
        return _SF_API
    if "opportunity name" in have:
        return _SF_REPORT
    if "name" in have and have & _TEMPLATE_HEADERS:
        return _TEMPLATE
    return None


def is_opportunity_file(filename: str, content: bytes) -> bool:
    """Does the file's header say opportunities or deals (rather than contacts)? A file kamkit
    cannot read at all is not one: the contact importer then says what is wrong with it."""
    try:
        header, _ = numbered_rows(filename, content, MAX_ROWS)
    except ImportRefused:
        return False
    return _flavour_of(_headers(header)) is not None


def read_opportunities(filename: str, content: bytes, fw: Framework,
                       existing: OpportunitiesDoc | None = None,
                       company: str | None = None,
                       today: dt.date | None = None) -> OpportunityPreview:
    """Every opportunity row with its problems, duplicates, notes and mapping, for a preview.
    Rows of another company than `company` (when the file says) are left out, with the reason;
    so are deals closed before the current quarter (as of `today`): history, not pipeline.
    """
    header, data = numbered_rows(filename, content, MAX_ROWS)
    headers = _headers(header)
    flavour = _flavour_of(headers)
    if flavour is None:
        raise ImportRefused(
            "kamkit does not recognise this file's columns as opportunities ("
            + printable(", ".join(h for h in headers if h)[:160]) + "). It reads Salesforce "
            "opportunity and HubSpot deal exports, or a template with the columns "
            + ", ".join(TEMPLATE_COLUMNS) + ". (A contact export goes onto the stakeholder "
            "map, on its own Import from CRM tab.)")
    columns: dict[str, int] = {}
    for key, names in _FLAVOURS[flavour].items():
        found = next((headers.index(h) for h in names if h in headers), None)
        if found is not None:
            columns[key] = found
    mapping = [(str(header[i]).strip(), _FIELD_WORDS.get(k, k)) for k, i in columns.items()]
    if flavour == _SF_REPORT:
        data = _without_footer(data)
    day_first = _day_first([_cell(cells, columns, "date") for _, cells in data])
    stages = {word.casefold(): s.id for s in fw.qualification.stages
              for word in (s.id, s.name, *s.crm)}
    kinds = {**_KINDS, **{w.casefold(): (k, "") for k, label in fw.qualification.kinds.items()
                          for w in (k, label)}}
    today = today or dt.date.today()
    quarter_began = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    closed = {s.id: s.name for s in fw.qualification.stages if s.closed is not None}
    seen = _Seen()
    for opp in existing.opportunities if existing else []:
        seen.add(opp.name, opp.crm_id)
    rows = []
    for line, cells in data:
        def text(key: str, cells: list[object] = cells) -> str:
            # a line break inside a cell (Alt+Enter in Excel) is a space in a one-line field
            value = _cell(cells, columns, key)
            return one_line(str(value)) if value is not None else ""

        row = OpportunityRow(line, text("name"), crm_id=text("crm_id"), company=text("company"),
                             competitors=[c for c in (one_line(x) for x in
                                                      re.split(r"[;,]", text("competitors")))
                                          if c])
        _read_kind(row, text("kind"), kinds, "kind" in columns)
        _read_stage(row, text("stage"), stages)
        _read_value(row, _cell(cells, columns, "value"))
        _read_date(row, _cell(cells, columns, "date"), day_first)
        _read_probability(row, _cell(cells, columns, "probability"), flavour)
        if row.stage in closed and row.decision_date is not None \
                and row.decision_date < quarter_began and not row.errors:
            row.errors.append(f"closed ({closed[row.stage]}) on {row.decision_date.isoformat()}, "
                              "before this quarter: history, not an opportunity to qualify")
        _check(row, company, seen)
        rows.append(row)
    return OpportunityPreview(flavour, mapping, rows)


def _cell(cells: list[object], columns: dict[str, int], key: str) -> object:
    i = columns.get(key)
    return cells[i] if i is not None and i < len(cells) else None


def _filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def _without_footer(data: list[tuple[int, list[object]]]) -> list[tuple[int, list[object]]]:
    """A Salesforce report's rows without the lines it adds at the end, after a blank one
    (copyright, "Confidential Information", "Generated By", the org's name): each a single
    value in the first column."""
    start = len(data)
    while start > 0 and _filled(data[start - 1][1][0]) \
            and sum(map(_filled, data[start - 1][1])) == 1:
        start -= 1
    if 0 < start < len(data) and data[start][0] > data[start - 1][0] + 1:
        return data[:start]
    return data


@dataclass
class _Seen:
    """The opportunities already in the document and earlier in the file, by CRM id and by
    name - so each row is checked in constant time."""

    names: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)

    def add(self, name: str, crm_id: str) -> None:
        self.names.add(_norm(name))
        if crm_id:
            self.ids.add(crm_id.casefold())

    def duplicate(self, name: str, crm_id: str) -> str | None:
        if crm_id and crm_id.casefold() in self.ids:
            return "already in your opportunities or earlier in the file (same CRM id)"
        if _norm(name) in self.names:
            return "already in your opportunities or earlier in the file (same name)"
        return None


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def _read_kind(row: OpportunityRow, word: str,
               kinds: dict[str, tuple[OpportunityKind, str]], has_column: bool) -> None:
    if not word:
        if has_column:
            row.notes.append("no type given: taken as new business")
        return
    found = kinds.get(word.casefold())
    if found is None:
        row.notes.append(f"type '{word}' taken as new business; check it")
        return
    row.kind, doubt = found
    if doubt:
        row.notes.append(f"type '{word}' taken as upsell; check it ({doubt})")


def _read_stage(row: OpportunityRow, word: str, stages: dict[str, str]) -> None:
    if word:
        row.stage = stages.get(word.casefold())
        if row.stage is None:
            row.notes.append(f"stage '{word}' left for you to set")


_GROUPING = re.compile(r"[\s'’\u00a0\u202f]")


def _number(raw: object) -> float | None:
    """A number as an export writes it - "1,200,000", "EUR 1,200,000.00", "1 200 000",
    "1.200.000,50", "(500)" - or None when the cell is empty. ValueError when it is none."""
    if raw is None or isinstance(raw, bool):
        if raw is None:
            return None
        raise ValueError
    if isinstance(raw, int | float):
        try:
            number = float(raw)
        except OverflowError:  # a whole number of hundreds of digits
            raise ValueError from None
    else:
        text = one_line(str(raw))
        if not text:
            return None
        negative = text.startswith("(") and text.endswith(")")
        text = text.strip("()")
        # a currency's code or sign, before or after: EUR, €, US$, kr
        while text and (text[0].isalpha() or text[0].isspace()
                        or unicodedata.category(text[0]) == "Sc"):
            text = text[1:]
        while text and (text[-1].isalpha() or text[-1].isspace()
                        or unicodedata.category(text[-1]) == "Sc"):
            text = text[:-1]
        if text[:1] in ("-", "−"):
            negative, text = True, text[1:]
        elif text[:1] == "+":
            text = text[1:]
        text = _GROUPING.sub("", text)
        if not re.fullmatch(r"\d[\d.,]*|[.,]\d+", text):
            raise ValueError
        number = float(_plain(text)) * (-1 if negative else 1)
    if not math.isfinite(number):
        raise ValueError
    return number


def _plain(text: str) -> str:
    """Digits with thousands separators and a decimal point or comma, as Python reads them."""
    if "," in text and "." in text:  # the last of the two is the decimal separator
        thousands, point = (",", ".") if text.rfind(".") > text.rfind(",") else (".", ",")
    elif text.count(",") > 1 or re.fullmatch(r"\d{1,3}(,\d{3})+", text):
        thousands, point = ",", "."
    elif "," in text:
        thousands, point = ".", ","
    elif text.count(".") > 1:
        thousands, point = ".", ","
    else:
        return text
    whole, _, fraction = text.partition(point)
    if point in fraction or thousands in fraction \
            or not re.fullmatch(rf"\d{{1,3}}(\{thousands}\d{{3}})*|\d+", whole):
        raise ValueError
    return whole.replace(thousands, "") + ("." + fraction if fraction else "")


def _read_value(row: OpportunityRow, raw: object) -> None:
    try:
        value = _number(raw)
    except ValueError:
        row.errors.append(f"amount '{_shown(raw)}' is not a number")
        return
    if value is None:
        return
    if value < 0:
        row.errors.append(f"amount {_shown(raw)} is negative")
    elif value > MAX_VALUE:
        row.errors.append(f"amount {_shown(raw)} is more than any one opportunity is worth "
                          f"(at most {MAX_VALUE:,.0f}): a typing slip?")
    else:
        row.value = value


def _read_probability(row: OpportunityRow, raw: object, flavour: str) -> None:
    text = raw.strip() if isinstance(raw, str) else raw
    percent = isinstance(text, str) and text.endswith("%")
    try:
        value = _number(text.rstrip("% ") if isinstance(text, str) else text)
    except ValueError:
        row.errors.append(f"probability '{_shown(raw)}' is not a number")
        return
    if value is None:
        return
    if flavour == _HUBSPOT and not percent and 0 <= value <= 1:
        value *= 100  # HubSpot writes a deal's probability as a share: 0.4 is 40 %
    if not 0 <= value <= 100:
        row.errors.append(f"probability {_shown(raw)} is not between 0 and 100")
    else:
        row.crm_probability = round(value, 6)


_EXCEL_DAY_0 = dt.date(1899, 12, 30)  # Excel's day 0 (it counts 1900 as a leap year)
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?")
_DAY_MONTH = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:[T ,].*)?")


def _day_first(cells: list[object]) -> bool | None:
    """Does the file write 31/03/2027 (True) or 3/31/2027 (False)? None when no date in it
    tells (each day 12 or less) or they disagree."""
    days, months = False, False
    for raw in cells:
        found = _DAY_MONTH.fullmatch(one_line(str(raw))) if isinstance(raw, str) else None
        if found and found.group(2) == "/":
            days |= int(found.group(1)) > 12
            months |= int(found.group(3)) > 12
    return None if days == months else days


def _date(raw: object, day_first: bool | None) -> tuple[dt.date | None, bool]:
    """The date, and whether its day and month could be either way round. ValueError when
    it is not a date."""
    if raw is None or isinstance(raw, bool):
        if raw is None:
            return None, False
        raise ValueError
    if isinstance(raw, int | float):  # an Excel date cell: its day number (styles unread)
        if not 32_874 <= raw < 110_000:  # 1990-01-01 .. 2201: else a number, not a date
            raise ValueError
        return _EXCEL_DAY_0 + dt.timedelta(days=int(raw)), False
    text = one_line(str(raw))
    if not text:
        return None, False
    if found := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in found.groups())
        return dt.date(year, month, day), False
    found = _DAY_MONTH.fullmatch(text)
    if not found:
        raise ValueError
    first, sep, second, year_text = found.groups()
    a, b = int(first), int(second)
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    if sep != "/":  # 31.03.2027, 31-03-2027: day first, everywhere
        return dt.date(year, b, a), False
    if a > 12 or b > 12:  # the date itself says which is the month
        return (dt.date(year, b, a) if a > 12 else dt.date(year, a, b)), False
    if day_first is False:
        return dt.date(year, a, b), False
    return dt.date(year, b, a), day_first is None and a != b


def _read_date(row: OpportunityRow, raw: object, day_first: bool | None) -> None:
    try:
        row.decision_date, either_way = _date(raw, day_first)
    except (ValueError, OverflowError):
        row.errors.append(f"close date '{_shown(raw)}' is not a date (write it as 2027-03-31 "
                          "or 31/03/2027)")
        return
    if either_way and row.decision_date is not None:
        d = row.decision_date
        row.notes.append(f"close date '{_shown(raw)}' read as {d.day} {d:%B} {d.year}: the "
                         "file does not say whether the day or the month comes first; check "
                         "it")


def _shown(raw: object) -> str:
    return one_line(str(raw))[:40]


def _check(row: OpportunityRow, company: str | None, seen: _Seen) -> None:
    if not row.name:
        row.errors.insert(0, "no name (the opportunity's name is empty)")
        return
    if company and row.company and not same_company(row.company, company):
        row.errors.insert(0, f"another company ({row.company})")
        return
    if row.errors:
        return
    duplicate = seen.duplicate(row.name, row.crm_id)
    if duplicate:
        row.errors.append(duplicate)
        return
    try:  # the model's own rules: lengths, no control characters, how many competitors
        parse(Opportunity, _fields(row, "check"))
    except KamkitError as exc:
        row.errors.append(str(exc))
        return
    seen.add(row.name, row.crm_id)


def _fields(row: OpportunityRow, oid: str) -> dict[str, object]:
    return {"id": oid, "name": row.name, "kind": row.kind, "value": row.value,
            "decision_date": row.decision_date, "stage": row.stage,
            "competitors": row.competitors, "crm_id": row.crm_id,
            "crm_probability": row.crm_probability}


def add_opportunities(doc: OpportunitiesDoc, preview: OpportunityPreview
                      ) -> tuple[OpportunitiesDoc, int]:
    """The document with every ready row added as an opportunity (its qualification empty:
    the trainee's to do). Returns the new document and how many were added; refuses to go
    past the document's limit, adding none."""
    used = {o.id for o in doc.opportunities}
    new = []
    for row in preview.ready:
        oid = new_id(used, "o")
        used.add(oid)
        new.append(_fields(row, oid))
    total = len(doc.opportunities) + len(new)
    if total > MAX_OPPORTUNITIES:
        raise ImportRefused(f"The opportunities step holds at most {MAX_OPPORTUNITIES} "
                            f"opportunities; this would make {total}. Export only this "
                            "account's sizeable open opportunities.")
    data = doc.model_dump()
    merged = parse(OpportunitiesDoc, dict(data, opportunities=[
        *(o.model_dump() for o in doc.opportunities), *new]))
    return merged, len(new)
