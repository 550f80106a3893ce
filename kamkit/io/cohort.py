"""The cohort as files a manager can hand on: the dashboard table as CSV, and an Excel workbook
with the overview and one sheet per workbook step, in real Excel types (numbers are numbers,
dates are dates).

Text a trainee typed stays text in every cell: a value that a spreadsheet would run as a formula
(`=`, `+`, `-`, `@`, tab, carriage return first) is written with a leading apostrophe in CSV and
as a plain string cell in Excel, so opening the file never runs anything.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from kamkit.frameworks import Framework
from kamkit.models import ProfileDoc, RelationshipDoc, StakeholderMapDoc
from kamkit.profile_fields import FIELDS, field_value
from kamkit.review import CohortRow, ReviewSession
from kamkit.scoring.grid import place_person
from kamkit.scoring.relationship import as_shown, prefills, relationship_score

__all__ = ["OVERVIEW_COLUMNS", "overview_rows", "cohort_csv", "cohort_xlsx", "safe_text"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

OVERVIEW_COLUMNS = ["Trainee", "Cohort", "Workshop date", "Manager", "Account", "Accounts",
                    "Steps done", "Last activity (UTC)", "Purpose", "People mapped",
                    "Threats without action", "Relationship score", "Gut feeling",
                    "Feeling minus evidence", "Review status"]


def safe_text(value: str) -> str:
    """A string a spreadsheet will show, never evaluate."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def overview_rows(rows: Iterable[CohortRow]) -> list[list[Any]]:
    """The dashboard table, one list per trainee, in OVERVIEW_COLUMNS order (typed values)."""
    out = []
    for r in rows:
        f = r.figures
        out.append([
            r.name, r.cohort or "", r.workshop_date, r.manager or "", r.account or "",
            len(r.accounts), r.steps_done,
            r.last_activity.replace(tzinfo=None) if r.last_activity else None,
            f.purpose if f and f.purpose else "", f.people if f else None,
            f.threats_without_action if f else None, f.score if f else None,
            f.feeling if f else None, f.gap if f else None, r.state,
        ])
    return out


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text(value) if isinstance(value, str) else str(value)


def cohort_csv(rows: Iterable[CohortRow]) -> str:
    """The dashboard table as CSV (UTF-8, comma-separated, a header row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(OVERVIEW_COLUMNS)
    for row in overview_rows(rows):
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


# -- Excel ---------------------------------------------------------------------------------

def _profile_sheet(fw: Framework) -> tuple[list[str], Any]:
    names = [n for s in fw.profile.sections for n in s.fields if n in FIELDS]
    head = ["Trainee", "Account", "Currency"] + [FIELDS[n][1] for n in names] + [
        c.name for c in (*fw.segmentation.attractiveness, *fw.segmentation.strength)]

    def rows(trainee: str, account: str, doc: ProfileDoc) -> list[list[Any]]:
        values = []
        for n in names:
            v = field_value(doc, n)
            values.append("\n".join(v) if isinstance(v, list) else v)
        ratings = [doc.segmentation.get(c.id) for c in
                   (*fw.segmentation.attractiveness, *fw.segmentation.strength)]
        return [[trainee, account, doc.currency, *values, *ratings]]
    return head, rows


def _map_rows(fw: Framework, trainee: str, account: str,
              doc: StakeholderMapDoc) -> list[list[Any]]:
    return [[trainee, account, p.name, p.title, p.level, p.role, p.influence, p.support,
             place_person(p, fw.grid).name, p.action, p.action_owner, p.action_due,
             p.verified_on, p.evidence] for p in doc.people]


_MAP_HEAD = ["Trainee", "Account", "Person", "Title", "Level", "Role", "Influence", "Support",
             "Category", "Next action", "Owner", "Due", "Verified on", "Evidence"]


def cohort_xlsx(session: ReviewSession, rows: list[CohortRow],
                today: dt.date | None = None) -> bytes:
    """Overview, Profile, Stakeholder map, Relationship and Reviews sheets for the rows'
    trainees (their most recent account each, as on the dashboard)."""
    from openpyxl import Workbook

    fw = session.framework
    today = today or dt.date.today()
    book = Workbook()
    overview = book.active
    overview.title = "Overview"
    _put(overview, OVERVIEW_COLUMNS, overview_rows(rows))

    docs = session.store.latest_documents(r.account_id for r in rows if r.account_id)
    profile_head, profile_rows = _profile_sheet(fw)
    indicators = fw.relationship.indicators
    sheets: dict[str, tuple[list[str], list[list[Any]]]] = {
        "profile": (profile_head, []),
        "stakeholders": (_MAP_HEAD, []),
        "relationship": (["Trainee", "Account", "Started on", "Gut feeling", "Evidence score",
                          "Stage"] + [i.name for i in indicators], []),
    }
    reviews: list[list[Any]] = []
    for r in rows:
        if r.account_id is None:
            continue
        saved = docs.get(r.account_id, {})
        parsed = {step: _doc(step, saved) for step in ("profile", "stakeholders",
                                                       "relationship")}
        profile: ProfileDoc = parsed["profile"]  # type: ignore[assignment]
        smap: StakeholderMapDoc = parsed["stakeholders"]  # type: ignore[assignment]
        rel: RelationshipDoc = parsed["relationship"]  # type: ignore[assignment]
        who = (r.name, r.account or "")
        if "profile" in saved:
            sheets["profile"][1].extend(profile_rows(*who, profile))
        if "stakeholders" in saved:
            sheets["stakeholders"][1].extend(_map_rows(fw, *who, smap))
        if "relationship" in saved:
            result = relationship_score(rel, fw, today, prefills(fw, profile, smap))
            levels = [(rel.ratings[i.id].level if i.id in rel.ratings else None)
                      for i in indicators]
            sheets["relationship"][1].append([
                *who, rel.started_on, rel.gut_feeling,
                as_shown(result.score) if result.score is not None else None, result.stage,
                *levels])
        for step, review in sorted(r.reviews.items()):
            reviews.append([*who, fw.step(step).title if step in
                            {s.id for s in fw.steps} else step, review.rating,
                            fw.review.statuses[review.status], review.comment, review.reviewer,
                            review.reviewed_at.replace(tzinfo=None), review.doc_version])
    for step in fw.steps:
        if step.id in sheets:
            head, data = sheets[step.id]
            _put(book.create_sheet(f"{step.number}. {step.title}"[:31]), head, data)
    _put(book.create_sheet("Reviews"), ["Trainee", "Account", "Step", "Rating", "Status",
                                        "Comment", "Reviewer", "Reviewed at (UTC)",
                                        "Version reviewed"], reviews)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _doc(step: str, saved: dict[str, tuple[int, dt.datetime, str]]) -> Any:
    from kamkit.models import document_model

    model = document_model(step)
    return model.model_validate_json(saved[step][2]) if step in saved else model()


def _put(sheet: Any, head: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    sheet.append(head)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        # control characters cannot be stored in a worksheet; they carry no meaning anyway
        sheet.append([None if v == "" else ILLEGAL_CHARACTERS_RE.sub("", v)
                      if isinstance(v, str) else v for v in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max((len(str(c.value)) for c in column[:200] if c.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(48, max(9, width + 2))
