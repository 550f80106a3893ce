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

from kamkit.checking import best_score, has_passed
from kamkit.figures import figure_columns
from kamkit.frameworks import Framework
from kamkit.privacy import Pseudonyms, pseudonymise_all
from kamkit.review import CohortRow, ReviewSession, approval_columns, saved_docs
from kamkit.steps import Docs, document_model, for_framework

__all__ = ["overview_columns", "overview_rows", "cohort_csv", "cohort_xlsx", "safe_text"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_WHO = ["Trainee", "Cohort", "Workshop date", "Manager", "Account", "Accounts", "Steps done",
        "Last activity (UTC)"]


def safe_text(value: str) -> str:
    """A string a spreadsheet will show, never evaluate."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def overview_columns(framework: Framework) -> list[str]:
    """The dashboard table's columns: who, then each step's figures, whether each step a
    sponsor approves is approved, then the review status."""
    return [*_WHO, *(title for _, title in figure_columns(framework)),
            *(title for _, title in approval_columns(framework)), "Review status"]


def overview_rows(rows: Iterable[CohortRow], framework: Framework) -> list[list[Any]]:
    """The dashboard table, one list per trainee, in `overview_columns` order (typed values)."""
    figures = [name for name, _ in figure_columns(framework)]
    approved = [step for step, _ in approval_columns(framework)]
    out = []
    for r in rows:
        f = r.figures
        out.append([
            r.name, r.cohort or "", r.workshop_date, r.manager or "", r.account or "",
            len(r.accounts), r.steps_done,
            r.last_activity.replace(tzinfo=None) if r.last_activity else None,
            *((f.get(name) if f else None) for name in figures),
            *((r.approvals.get(step) if f else None) for step in approved), r.state,
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


def cohort_csv(rows: Iterable[CohortRow], framework: Framework) -> str:
    """The dashboard table as CSV (UTF-8, comma-separated, a header row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(overview_columns(framework))
    for row in overview_rows(rows, framework):
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


# -- Excel ---------------------------------------------------------------------------------

def cohort_xlsx(session: ReviewSession, rows: list[CohortRow],
                today: dt.date | None = None, *, pseudonymise: bool = False) -> bytes:
    """Overview, one sheet per workbook step and Reviews, for the rows' trainees (their most
    recent account each, as on the dashboard). With `pseudonymise`, the customer's people
    under pseudonyms in every sheet (`kamkit.privacy`); trainees stay named."""
    from openpyxl import Workbook

    fw = session.framework
    today = today or dt.date.today()
    book = Workbook()
    overview = book.active
    overview.title = "Overview"
    _put(overview, overview_columns(fw), overview_rows(rows, fw))

    docs = session.store.latest_documents(r.account_id for r in rows if r.account_id)
    steps = [(text, unit) for text, unit in for_framework(fw) if unit.sheet is not None]
    sheets: dict[str, list[list[Any]]] = {text.id: [] for text, _ in steps}
    titles = {text.id: text.title for text, _ in for_framework(fw)}
    reviews: list[list[Any]] = []
    pseudonyms = Pseudonyms() if pseudonymise else None
    for r in rows:
        if r.account_id is None:
            continue
        saved = docs.get(r.account_id, {})
        account = saved_docs(saved, fw, r.account or "")
        scope = str(r.account_id)
        if pseudonyms is not None:
            # everyone the account's history names, so a comment about someone since
            # removed from the map is covered too
            for step in saved:
                pseudonyms.learn(scope, *(document_model(step).model_validate(v.data) for v in
                                          session.store.list_versions(r.account_id, step)))
            account = Docs(dict(zip(account, pseudonymise_all(list(account.values()),
                                                              pseudonyms, scope),
                                    strict=True)), account.account)
        who = [r.name, r.account or ""]
        for text, unit in steps:
            if text.id in account:
                sheets[text.id] += [who + row for row in unit.sheet.rows(  # type: ignore
                    account, fw, today)]
        for step, review in sorted(r.reviews.items()):
            comment = review.comment if pseudonyms is None else \
                pseudonyms.text(scope, review.comment)
            reviews.append([*who, titles.get(step, step), review.rating,
                            fw.review.status(step, review.status), comment, review.reviewer,
                            review.reviewed_at.replace(tzinfo=None), review.doc_version])
    for text, unit in steps:
        _put(book.create_sheet(f"{text.number}. {text.title}"[:31]),
             ["Trainee", "Account", *unit.sheet.head(fw)], sheets[text.id])  # type: ignore
    checks = []
    for r in rows:
        if r.account_id is None:
            continue
        by_step: dict[tuple[str, str], list[Any]] = {}
        for a in session.store.list_attempts(account_id=r.account_id):
            by_step.setdefault((a.case_id, a.step), []).append(a)
        for (case, step), tries in by_step.items():
            checks.append([r.name, r.account or "", case, titles.get(step, step), len(tries),
                           best_score(tries), "yes" if has_passed(tries) else "no",
                           sum(a.hints for a in tries)])
    _put(book.create_sheet("Case studies"), ["Trainee", "Account", "Case", "Step", "Attempts",
                                             "Best %", "Passed", "Hints shown"], checks)
    _put(book.create_sheet("Reviews"), ["Trainee", "Account", "Step", "Rating", "Status",
                                        "Comment", "Reviewer", "Reviewed at (UTC)",
                                        "Version reviewed"], reviews)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
