"""The cohort as files a manager can hand on: the dashboard table as CSV, and an Excel workbook
with the overview and one sheet per workbook step, in real Excel types (numbers are numbers,
dates are dates). Each trainee as the subject is in both: certified or not yet (with the rules
unmet), the quiz and the competency ratings before and after; the workbook adds every rating,
each case study's first try and best, every quiz attempt and the cohort's learning gain.

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
from kamkit.errors import KamkitError
from kamkit.exercises import load_case
from kamkit.figures import figure_columns
from kamkit.frameworks import Framework
from kamkit.people import PersonRecord
from kamkit.privacy import (
    Pseudonyms,
    Raters,
    pseudonymise_all,
    pseudonymise_ratings,
    scoped_text,
)
from kamkit.review import CohortRow, ReviewSession, approval_columns, saved_docs
from kamkit.scoring.competency import pass_label
from kamkit.steps import Docs, document_model, for_framework

__all__ = ["overview_columns", "overview_rows", "cohort_csv", "cohort_xlsx", "safe_text",
           "person_cells"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_WHO = ["Trainee", "Cohort", "Workshop date", "Manager", "Account", "Accounts", "Steps done",
        "Last activity (UTC)"]
#: the trainee as the subject, after the account's figures
_PERSON = ["Certified", "Unmet rules", "Quiz first attempt %", "Quiz retake %",
           "Competency self before", "Competency self after", "Competency manager before",
           "Competency manager after"]


def safe_text(value: str) -> str:
    """A string a spreadsheet will show, never evaluate."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def overview_columns(framework: Framework) -> list[str]:
    """The dashboard table's columns: who, then each step's figures, whether each step a
    sponsor approves is approved, the review status, then the trainee as the subject
    (certified, the quiz, their competency ratings before and after)."""
    return [*_WHO, *(title for _, title in figure_columns(framework)),
            *(title for _, title in approval_columns(framework)), "Review status", *_PERSON]


def person_cells(person: PersonRecord | None) -> list[Any]:
    """The trainee-as-subject columns of the table (`_PERSON` order): certified "yes" or "not
    yet", the rules unmet with why, the quiz's counted first attempt and latest retake, and
    the mean competency level their own and their manager's ratings give, before and after."""
    if person is None or person.certification is None:
        return [None] * len(_PERSON)
    unmet = "; ".join(f"{r.text} ({r.detail})" for r in person.certification.unmet)
    quiz = person.quiz
    pairs = [person.gain.get(k, (None, None)) for k in ("self", "manager")]
    return ["yes" if person.certified else "not yet", unmet,
            quiz.first.score if quiz.first else None, quiz.retake.score if quiz.retake else None,
            *(value for pair in pairs for value in pair)]


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
            *person_cells(r.person),
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
    """Overview, one sheet per workbook step, Case studies and Reviews, for the rows' trainees
    (their most recent account each, as on the dashboard), then each trainee as the subject:
    Competency ratings, Case tries, Quiz and the cohort's Learning gain. With
    `pseudonymise`, the customer's people under pseudonyms in every sheet, and the managers and
    peers who rated under theirs (`kamkit.privacy`); trainees stay named."""
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
    _person_sheets(book, session, rows, pseudonyms)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_RATERS = ("self", "manager", "peer")


def _person_sheets(book: Any, session: ReviewSession, rows: list[CohortRow],
                   pseudonyms: Pseudonyms | None) -> None:
    """The sheets of the trainees as the subject of the assessment."""
    fw = session.framework
    people = [(r.name, r.person) for r in rows if r.person is not None]
    raters = Raters()
    for _, p in people:
        raters.learn(p.sets)
    ratings = []
    for r in rows:
        if r.person is None:
            continue
        sets = sorted(r.person.sets, key=lambda s: (s.round != "before", _RATERS.index(s.rater),
                                                    s.rater_name.casefold(), s.version))
        if pseudonyms is not None:
            written = any(s.ratings.examples or s.ratings.comment for s in sets)
            scopes = _learned(session, pseudonyms, r.trainee_id) if written else []
            sets = [pseudonymise_ratings(s, raters, scoped_text(pseudonyms, scopes))
                    for s in sets]
        for s in sets:
            ratings += [[r.name, fw.competencies.rounds.get(s.round, s.round),
                         s.rater.capitalize(), s.rater_name, competency, behaviour, level,
                         s.ratings.examples.get(bid, "")]
                        for competency, behaviour, bid, level in _levels(s.ratings.levels, fw)]
    _put(book.create_sheet("Competency ratings"),
         ["Trainee", "Round", "Rater", "Rater's name", "Competency", "Behaviour", "Level",
          "Example"], ratings)

    steps = [(s.id, s.title) for s in fw.steps]
    tries = []
    for name, p in people:
        for case in p.cases:
            title = _case_title(case.case_id)
            tries += [[name, title, step_title, case.first_try.get(step), case.best.get(step),
                       pass_label(case, step)]
                      for step, step_title in steps if step in case.best]
    _put(book.create_sheet("Case tries"), ["Trainee", "Case", "Step", "First try %", "Best %",
                                           "How passed"], tries)

    names = {r.trainee_id: r.name for r in rows}
    attempts = session.store.list_quiz_attempts(list(names)) if names else []
    quiz = [[names[a.trainee_id], a.attempt, "practice" if a.practice else "counted", a.score,
             "yes" if a.passed else "no", a.at.replace(tzinfo=None)]
            for a in sorted(attempts, key=lambda a: (names[a.trainee_id].casefold(),
                                                     a.trainee_id, a.quiz, a.attempt))]
    _put(book.create_sheet("Quiz"), ["Trainee", "Attempt", "Counted or practice", "Score %",
                                     "Passed", "Date (UTC)"], quiz)

    gains = [[g.label, g.before, g.after, g.gain, g.n] for g in session.gains(rows)]
    _put(book.create_sheet("Learning gain"), ["Measure", "Before", "After", "Gain",
                                              "Trainees"], gains)


def _levels(levels: dict[str, int], fw: Framework) -> list[tuple[str, str, str, int]]:
    """(competency, behaviour, behaviour id, level) of each behaviour rated, in the
    framework's order; a behaviour the content no longer has comes last, by its id."""
    out = [(c.title, b.text, b.id, levels[b.id]) for c in fw.competencies.competencies
           for b in c.behaviours if b.id in levels]
    known = {b.id for b in fw.competencies.behaviours}
    return out + [("", bid, bid, level) for bid, level in levels.items() if bid not in known]


def _case_title(case_id: str) -> str:
    try:
        return load_case(case_id).title
    except KamkitError:  # a case no longer installed: its id says which it was
        return case_id


def _learned(session: ReviewSession, pseudonyms: Pseudonyms, trainee_id: int) -> list[str]:
    """Every account of the trainee learned (each saved version), so a customer person they
    name in a rating's example goes under their pseudonym; the accounts' scopes."""
    scopes = []
    for account in session.store.list_accounts(trainee_id):
        scope = str(account.id)
        for step in session.store.list_steps_saved(account.id):  # type: ignore[arg-type]
            pseudonyms.learn(scope, *(document_model(step).model_validate(v.data) for v in
                                      session.store.list_versions(account.id, step)))  # type: ignore
        scopes.append(scope)
    return scopes


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
