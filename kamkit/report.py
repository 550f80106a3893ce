"""A trainee's workbook as HTML: each step's answers and results as the trainee sees them, the
history of changes, and the manager's feedback - for the manager's drill-down and for the
self-contained report a manager hands out (prints well, charts inline as SVG, no script).

Pure functions: documents and framework in, HTML text out. Everything a person typed is escaped
here (`e`), and the full report carries a Content-Security-Policy that allows no script at all,
so even a slip would not run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kamkit.checking import best_score, has_passed
from kamkit.competency import DevelopmentPlan, RatingSet
from kamkit.errors import KamkitError
from kamkit.frameworks import Framework
from kamkit.html import alerts_html, e
from kamkit.models import Attempt, Review
from kamkit.privacy import Pseudonyms, pseudonymise, pseudonymise_all
from kamkit.scoring.competency import (
    CaseTry,
    Certification,
    QuizRecord,
    case_tries,
    gap_table,
    pass_label,
)
from kamkit.scoring.review import approval
from kamkit.steps import Docs, for_framework, rubric, step

__all__ = ["Workbook", "Versions", "step_html", "feedback_html", "history_html", "changes",
           "attempts_html", "trainee_report", "person_html", "REPORT_CSS", "pseudonymised",
           "pseudonymised_versions"]

#: step -> every saved version (number, saved at, the document's data), oldest first
Versions = dict[str, list[tuple[int, dt.datetime, dict[str, Any]]]]


@dataclass
class Workbook:
    """One account's workbook as a reader needs it: the latest documents, every version's time
    and data (for the history), and the latest review of each step."""

    trainee: str
    account: str
    cohort: str | None
    docs: Docs                                             # step -> latest document
    versions: dict[str, list[tuple[int, dt.datetime, dict[str, Any]]]] = field(
        default_factory=dict)
    reviews: dict[str, Review] = field(default_factory=dict)
    attempts: list[Attempt] = field(default_factory=list)  # case-study checks, oldest first

    def latest_version(self, step: str) -> int | None:
        v = self.versions.get(step)
        return v[-1][0] if v else None


def pseudonymised_versions(versions: Versions, pseudonyms: Pseudonyms, scope: str) -> Versions:
    """Every saved version of one account's steps with the customer's people under their
    pseudonyms (`kamkit.privacy`): all versions learned first, so each person keeps one
    pseudonym throughout. `scope` names the account."""
    flat = [(sid, n, at, step(sid).model.model_validate(data))
            for sid, saved in versions.items() for n, at, data in saved]
    docs = pseudonymise_all([doc for *_, doc in flat], pseudonyms, scope)
    out: Versions = {sid: [] for sid in versions}
    for (sid, n, at, _), doc in zip(flat, docs, strict=True):
        out[sid].append((n, at, doc.model_dump(mode="json")))
    return out


def pseudonymised(wb: Workbook, pseudonyms: Pseudonyms, scope: str) -> Workbook:
    """The workbook to hand on with the customer's people under pseudonyms: every version,
    the latest documents and the manager's comments, consistently. The trainee stays named."""
    versions = pseudonymised_versions(wb.versions, pseudonyms, scope)
    docs = wb.docs.replaced({sid: pseudonymise(doc, pseudonyms, scope)
                             for sid, doc in wb.docs.items()})
    reviews = {sid: r.model_copy(update={"comment": pseudonyms.text(scope, r.comment)})
               for sid, r in wb.reviews.items()}
    return dataclasses.replace(wb, docs=docs, versions=versions, reviews=reviews)


# -- one step -----------------------------------------------------------------------------------

def step_html(step_id: str, wb: Workbook, fw: Framework, today: dt.date | None = None) -> str:
    """One step of the workbook, read-only, as the trainee sees its results."""
    today = today or dt.date.today()
    if step_id not in wb.docs:
        return "<p class='kk-muted'>Not started yet.</p>"
    unit = step(step_id)
    progress = unit.progress(wb.docs[step_id], fw)
    head = (f"<div class='kk-muted'>{progress.percent} % complete · {progress.status}"
            + (f" · next: {e(progress.missing[0])}" if progress.missing else "") + "</div>")
    alerts = unit.alerts(wb.docs, fw, today) if unit.alerts is not None else []
    if alerts:
        head += f"<div>{alerts_html(alerts)}</div>"
    return head + unit.html(wb.docs, fw, today)


def attempts_html(attempts: list[Attempt], step_id: str) -> str:
    """The trainee's checks of one step of a case study: how many, the first try beside the
    best score, and how it was passed (at the first try, after hints, or only after the
    explanations were shown)."""
    mine = [a for a in attempts if a.step == step_id]
    if not mine:
        return ""
    best = best_score(mine)
    tried = case_tries(mine)[0]
    first = tried.first_try.get(step_id)
    how = pass_label(tried, step_id)
    return (f"<div class='kk-card'><b>Case-study checks</b>: {len(mine)} attempt"
            f"{'' if len(mine) == 1 else 's'} · "
            + (f"first try {first:g} % · " if first is not None else "")
            + f"best {best:g} % · "
            + (f"<span class='kk-ok'>{e(how)}</span>" if has_passed(mine) else e(how))
            + f" · {sum(a.hints for a in mine)} hints shown</div>")


def _level(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def person_html(sets: list[RatingSet], fw: Framework, *, quiz: QuizRecord | None = None,
                cases: list[CaseTry] | None = None, plan: DevelopmentPlan | None = None,
                certification: Certification | None = None) -> str:
    """The trainee as the subject: competency ratings (self, manager, peers averaged; before
    and after) competency by competency, the development plan, the quiz's counted attempt, the
    case studies' first tries, and the certification with each rule. Raters are never named."""
    content = fw.competencies
    table = gap_table(sets, content)
    columns = [(r, who) for r in ("before", "after") for who in ("self", "manager", "peer")
               if (r, who) in table]
    parts = ["<section class='kk-person'><h2>Competencies</h2>"]
    if not columns:
        parts.append("<p>No competency ratings yet.</p>")
    else:
        who_says = {"self": "self", "manager": "manager", "peer": "peers"}
        head = "".join(f"<th>{e(content.rounds[r])}: {who_says[w]}</th>" for r, w in columns)
        rows = "".join(
            f"<tr><td>{e(c.title)}</td>"
            + "".join(f"<td>{_level(table[col].get(c.id))}</td>" for col in columns) + "</tr>"
            for c in content.competencies)
        parts.append(f"<table><tr><th>Competency</th>{head}</tr>{rows}</table>")
    if plan is not None and plan.items:
        titles = {c.id: c.title for c in content.competencies}
        parts.append("<h3>Development plan</h3><ul>" + "".join(
            f"<li>{e(titles.get(i.competency, i.competency))}: {e(i.action)}"
            + (f" (by {i.due.isoformat()})" if i.due else "") + (" ✓ done" if i.done else "")
            + "</li>" for i in plan.items) + "</ul>")
    if quiz is not None and quiz.first is not None:
        retake = (f" · latest practice retake {quiz.retake.score:g} %" if quiz.retake else "")
        parts.append(f"<p><b>Quiz</b>: first attempt (counted) {quiz.first.score:g} %, "
                     f"{'passed' if quiz.first.passed else 'not passed'}{retake}</p>")
    for case in cases or []:
        first = case.first_score
        parts.append(f"<p><b>Case {e(case.case_id)}</b>: first try "
                     f"{_level(first)} % · best {_level(case.best_score)} %"
                     + ("" if not case.passed_after_explanations else
                        " · some steps passed only after the explanations were shown")
                     + "</p>")
    if certification is not None:
        verdict = "Certified" if certification.certified else "Not yet certified"
        parts.append(f"<h3>{verdict}</h3><ul>" + "".join(
            f"<li>{'✓' if r.met else '✗'} {e(r.text)} <span class='kk-muted'>"
            f"({e(r.detail)})</span></li>" for r in certification.results) + "</ul>")
    parts.append("</section>")
    return "".join(parts)


# -- history and feedback --------------------------------------------------------------------

def _names(items: list[Mapping[str, Any]]) -> dict[str, str]:
    return {str(i.get("id")): str(i.get("name") or i.get("title") or "?") for i in items}


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> str:
    """What one saved version changed, in words: fields edited, people added or removed."""
    if before is None:
        return "first saved"
    said = []
    for key in after:
        if key in ("people", "team") and isinstance(after[key], list):
            old, new = _names(before.get(key) or []), _names(after[key])
            added = [n for i, n in new.items() if i not in old]
            gone = [n for i, n in old.items() if i not in new]
            edited = [n for i, n in new.items() if i in old and
                      next(p for p in after[key] if str(p.get("id")) == i) !=
                      next(p for p in before[key] if str(p.get("id")) == i)]
            said += [f"added {n}" for n in added] + [f"removed {n}" for n in gone]
            said += [f"changed {n}" for n in edited]
        elif key == "ratings" and before.get(key) != after[key]:
            old_r, new_r = before.get(key) or {}, after[key]
            said.append("re-rated " + ", ".join(k.replace("_", " ") for k in new_r
                                                  if old_r.get(k) != new_r[k]))
        elif before.get(key) != after[key]:
            said.append(key.replace("_", " "))
    return "; ".join(said) or "no visible change"


def history_html(versions: list[tuple[int, dt.datetime, dict[str, Any]]], limit: int = 30) -> str:
    """Every saved version, newest first, with what it changed."""
    if not versions:
        return ""
    rows = []
    for n in range(len(versions) - 1, max(-1, len(versions) - 1 - limit), -1):
        version, saved_at, data = versions[n]
        before = versions[n - 1][2] if n else None
        rows.append(f"<tr><td>{version}</td><td>{saved_at:%Y-%m-%d %H:%M}</td>"
                    f"<td>{e(changes(before, data))}</td></tr>")
    more = (f"<p class='kk-muted'>… and {len(versions) - limit} earlier versions.</p>"
            if len(versions) > limit else "")
    return ('<details class="kk-history"><summary>History of changes '
            f"({len(versions)} saved versions)</summary>"
            '<table class="kk-table"><tr><th>Version</th><th>Saved (UTC)</th><th>What changed</th>'
            f"</tr>{''.join(rows)}</table>{more}</details>")


def feedback_html(review: Review | None, fw: Framework, latest_version: int | None = None,
                  for_trainee: bool = False) -> str:
    """A manager's verdict on a step: status, rating on the rubric, the comment. On a step that
    is approved (`review.yaml`'s `approvals`), the approval names who approved which version,
    and says when the trainee has updated it since."""
    if review is None:
        return ("" if for_trainee else
                "<div class='kk-muted'>Not reviewed yet.</div>")
    approves = review.step in fw.review.approvals
    status = fw.review.status(review.step, review.status)
    kind = "warning" if review.status == "needs_rework" else "ok"
    rating = ""
    if review.rating is not None:
        said = _rubric_line(fw, review.step, review.rating)
        rating = (f" · <b>{review.rating}/5 {e(fw.review.scale[review.rating])}</b>"
                  f"<div class='kk-muted'>{e(said)}</div>")
    comment = (f"<blockquote class='kk-comment'>{e(review.comment)}</blockquote>"
               if review.comment.strip() else "")
    if approves:
        head = (f"<b>{e(status)}</b> by {e(review.reviewer)} on {review.reviewed_at:%Y-%m-%d} "
                f"(version {review.doc_version})")
        since = ""
        if approval(review, latest_version) == "updated since":
            since = (f"<div class='kk-alert'>Updated since it was {e(status.lower())}: "
                     f"version {latest_version} now.</div>")
        elif review.status == "needs_rework" and latest_version is not None \
                and latest_version > review.doc_version:
            since = (f"<div class='kk-muted'>{'You have' if for_trainee else 'The trainee has'}"
                     f" changed it since (version {latest_version} now).</div>")
        return f'<div class="kk-feedback kk-{kind}">{head}{rating}{comment}{since}</div>'
    since = ""
    if latest_version is not None and latest_version > review.doc_version:
        since = (f"<div class='kk-muted'>Reviewed version {review.doc_version}; "
                 f"{'you have' if for_trainee else 'the trainee has'} changed it since.</div>")
    return (f'<div class="kk-feedback kk-{kind}"><b>{e(status)}</b>{rating}{comment}'
            f"<div class='kk-muted'>{e(review.reviewer)}, {review.reviewed_at:%Y-%m-%d}</div>"
            f"{since}</div>")


def _rubric_line(fw: Framework, step_id: str, rating: int) -> str:
    try:
        return rubric(fw, step_id).get(rating, "")
    except KamkitError:  # a review of a step no longer in the workbook keeps its verdict
        return ""


# -- the whole report ------------------------------------------------------------------------

REPORT_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; color: #1d2630; margin: 24px auto; max-width: 1040px;
       padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { border-bottom: 2px solid #2f6fb0;
  padding-bottom: 4px; margin-top: 32px; } h3 { margin: 12px 0 4px; }
.kk-muted { color: #66717d; } .kk-alert { color: #b3400b; font-weight: 600; }
.kk-table { border-collapse: collapse; margin: 8px 0; width: 100%; }
.kk-table td, .kk-table th { border: 1px solid #d8dee5; padding: 4px 6px; text-align: left;
  vertical-align: top; } .kk-section { background: #f1f4f7; }
.kk-cols { display: flex; flex-wrap: wrap; gap: 24px; } .kk-cols > div { flex: 1 1 420px; }
.kk-card { border: 1px solid #d8dee5; border-radius: 6px; padding: 8px 10px; margin: 6px 0; }
.kk-hint { border-left: 4px solid #e0a800; padding: 4px 8px; margin: 4px 0; background: #fffaf0; }
.kk-warning { border-left-color: #d9480f; background: #fff4f0; }
.kk-explain { background: #eef4fb; padding: 6px 10px; border-radius: 6px; margin: 6px 0; }
.kk-feedback { border: 2px solid #2f9e44; border-radius: 6px; padding: 8px 10px; margin: 8px 0; }
.kk-feedback.kk-warning { border-color: #d9480f; }
.kk-comment { white-space: pre-wrap; margin: 6px 0; padding-left: 10px;
  border-left: 3px solid #ccc; }
details summary { cursor: pointer; }
@media print { body { margin: 0; max-width: none; font-size: 12px; }
  /* a new page per account, not per step: steps follow on, never split inside a chart */
  .kk-account + .kk-account { break-before: page; } h2 { break-after: avoid; }
  details > * { display: block; } .kk-cols > div, svg, .kk-feedback { break-inside: avoid; } }
"""


def trainee_report(name: str, cohort: str | None, books: list[Workbook], fw: Framework,
                   today: dt.date | None = None, generated: dt.datetime | None = None,
                   person: str = "") -> str:
    """One trainee's whole workbook (every account) with the manager's feedback: a standalone
    HTML file that prints well and runs no script."""
    today = today or dt.date.today()
    generated = generated or dt.datetime.now(dt.timezone.utc)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        # no script, no network: inline styles and inline images only
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>Key account workbook - {e(name)}</title><style>{REPORT_CSS}</style></head>",
        "<body><main>",
        f"<h1>Key account workbook: {e(name)}</h1>",
        f"<div class='kk-muted'>{e(cohort) + ' · ' if cohort else ''}report generated "
        f"{generated:%Y-%m-%d %H:%M} UTC</div>",
    ]
    if not books:
        parts.append("<p>No accounts yet.</p>")
    parts.append(person)  # `person_html`: the trainee as the subject (built, so escaped)
    for wb in books:
        parts.append("<section class='kk-account'>")
        for text, _ in for_framework(fw):
            parts.append(f"<h2>{e(wb.account)} - {text.number}. {e(text.title)}</h2>")
            parts.append(feedback_html(wb.reviews.get(text.id), fw, wb.latest_version(text.id)))
            parts.append(attempts_html(wb.attempts, text.id))
            parts.append(step_html(text.id, wb, fw, today))
            parts.append(history_html(wb.versions.get(text.id, []), limit=10))
        parts.append("</section>")
    parts.append("</main></body></html>")
    return "\n".join(parts)
