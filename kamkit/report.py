"""A trainee's workbook as HTML: each step's answers and results as the trainee sees them, the
history of changes, and the manager's feedback - for the manager's drill-down and for the
self-contained report a manager hands out (prints well, charts inline as SVG, no script).

Pure functions: documents and framework in, HTML text out. Everything a person typed is escaped
here (`e`), and the full report carries a Content-Security-Policy that allows no script at all,
so even a slip would not run.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kamkit.charts import (
    GridPoint,
    MatrixPoint,
    decision_grid,
    feeling_vs_evidence,
    indicator_bars,
    portfolio_matrix,
    trend_chart,
)
from kamkit.frameworks import Framework
from kamkit.models import ProfileDoc, RelationshipDoc, Review, StakeholderMapDoc
from kamkit.profile_fields import FIELDS, field_value
from kamkit.scoring.coverage import CoverageReport, analyse, best_levels
from kamkit.scoring.grid import default_action, place_person
from kamkit.scoring.progress import step_progress
from kamkit.scoring.relationship import (
    RelationshipScore,
    as_shown,
    feeling_gap,
    placement_score,
    prefills,
    relationship_score,
    trend,
)
from kamkit.scoring.segmentation import Placement, place

__all__ = ["e", "Workbook", "step_html", "coverage_html", "breakdown_html", "feedback_html",
           "axes_html",
           "history_html", "changes", "trainee_report", "REPORT_CSS"]


def e(text: object) -> str:
    """Text from a person, made safe to place in HTML (element content or attribute)."""
    return html.escape(str(text), quote=True)


@dataclass
class Workbook:
    """One account's workbook as a reader needs it: the latest documents, every version's time
    and data (for the history), and the latest review of each step."""

    trainee: str
    account: str
    cohort: str | None
    docs: dict[str, Any]                                   # step -> latest document
    versions: dict[str, list[tuple[int, dt.datetime, dict[str, Any]]]] = field(
        default_factory=dict)
    reviews: dict[str, Review] = field(default_factory=dict)

    @property
    def profile(self) -> ProfileDoc:
        return self.docs.get("profile") or ProfileDoc()

    @property
    def stakeholders(self) -> StakeholderMapDoc:
        return self.docs.get("stakeholders") or StakeholderMapDoc()

    @property
    def relationship(self) -> RelationshipDoc:
        return self.docs.get("relationship") or RelationshipDoc()

    def latest_version(self, step: str) -> int | None:
        v = self.versions.get(step)
        return v[-1][0] if v else None


# -- step 1 ------------------------------------------------------------------------------------

def _show_value(kind: str, value: Any, currency: str) -> str:
    if value in (None, "", []):
        return '<span class="kk-muted">-</span>'
    if isinstance(value, list):
        return "<br>".join(e(v) for v in value)
    if kind == "money":
        return f"{value:,.0f} {e(currency)}"
    if kind == "pct":
        return f"{value:g} %"
    if kind == "date":
        return e(value.isoformat())
    return e(value).replace("\n", "<br>")


def profile_html(wb: Workbook, fw: Framework, today: dt.date) -> str:
    doc = wb.profile
    score = placement_score(wb.relationship, fw, doc, wb.stakeholders, today)
    placed = place(doc, fw, score, wb.account)
    rows = []
    for section in fw.profile.sections:
        names = [n for n in section.fields if n in FIELDS]
        if not names:
            continue
        rows.append(f'<tr><th colspan="2" class="kk-section">{e(section.title)}</th></tr>')
        for name in names:
            kind, label, _ = FIELDS[name]
            rows.append(f"<tr><td>{e(label)}</td>"
                        f"<td>{_show_value(kind, field_value(doc, name), doc.currency)}</td></tr>")
    sow = doc.share_of_wallet
    points = ([MatrixPoint(wb.account, placed.strength.score, placed.attractiveness.score,
                           current=True)] if placed.purpose is not None else [])
    return (
        '<div class="kk-cols"><div>'
        f'<table class="kk-table">{"".join(rows)}</table></div><div>'
        f'<div class="kk-explain">{e(placed.explanation)}</div>'
        + (f"<p>Share of wallet: <b>{sow:.0f} %</b></p>" if sow is not None else "")
        + portfolio_matrix(points, fw.segmentation, size=260)
        + axes_html(placed) + "</div></div>")


def axes_html(placed: Placement) -> str:
    """Both segmentation axes: each criterion's value, where it came from, and its weight."""
    rows = []
    for axis, title in ((placed.attractiveness, "Attractiveness"),
                        (placed.strength, "Our strength")):
        score = "not scored yet" if axis.score is None else f"{axis.score:.0f} / 100"
        rows.append(f"<tr><th>{title}</th><th>{score}</th><th>weight</th></tr>")
        for v in axis.values:
            shown = "not rated" if v.value is None else f"{v.value:.0f}"
            origin = f" ({e(v.origin)})" if v.origin and v.origin != "your rating" else ""
            rows.append(f"<tr><td>{e(v.criterion.name)}</td><td>{shown}{origin}</td>"
                        f"<td>× {v.criterion.weight:g} %</td></tr>")
    return f'<table class="kk-table">{"".join(rows)}</table>'


# -- step 2 ------------------------------------------------------------------------------------

def coverage_html(report: CoverageReport) -> str:
    """Map quality, power zone and every finding - as the trainee's coverage tab shows them."""
    power = ("no strong contacts yet" if report.power_zone is None
             else f"{report.power_zone:.0%} of our strong contacts are with people of power")
    items = "".join(
        f'<div class="kk-hint kk-{"warning" if f.severity == 1 else "gap"}"><b>'
        f"{e(f.title)}</b> - {e(f.reason)}"
        + (f"<br><span class='kk-muted'>{e(', '.join(f.people))}</span>" if f.people else "")
        + "</div>" for f in report.findings)
    return (f"<div class='kk-card'><b>Map quality {report.quality}/3</b>: "
            f"{e(report.quality_text)}.<br><b>Power zone vs comfort zone</b>: {e(power)}."
            f"</div>{items or '<p>No findings: a well-covered map.</p>'}")


def stakeholders_html(wb: Workbook, fw: Framework, today: dt.date) -> str:
    doc, grid = wb.stakeholders, fw.grid
    best = best_levels(doc)
    points = [GridPoint(p.name or p.title or "?", p.influence, p.support, min(4, best.get(p.id, 0)))
              for p in doc.people if p.influence is not None and p.support is not None]
    rows = []
    for p in doc.people:
        cat = place_person(p, grid)
        action = p.action or f"({default_action(p, grid)} - proposed, not written)"
        due = p.action_due.isoformat() if p.action_due else ""
        rows.append(
            f"<tr><td><b>{e(p.name or '(unnamed)')}</b><br><span class='kk-muted'>"
            f"{e(p.title)}</span></td><td>{e(p.role or '')}</td>"
            f"<td>{'' if p.influence is None else p.influence}</td>"
            f"<td>{'' if p.support is None else f'{p.support:+d}'}</td><td>{e(cat.name)}</td>"
            f"<td>{e(action)}<br><span class='kk-muted'>{e(p.action_owner)} {e(due)}</span></td>"
            f"<td>{e(p.evidence)}</td></tr>")
    team = ", ".join(f"{t.name} ({t.role})" if t.role else t.name for t in doc.team)
    table = ('<table class="kk-table"><tr><th>Person</th><th>Role</th><th>Influence</th>'
             "<th>Support</th><th>Category</th><th>Next action</th><th>Evidence</th></tr>"
             f"{''.join(rows)}</table>" if rows else "<p>No one mapped yet.</p>")
    return (f'<div class="kk-cols"><div>{decision_grid(points, grid, width=460, height=320)}'
            f"<p class='kk-muted'>Our team: {e(team) or 'nobody yet'}</p></div>"
            f"<div>{coverage_html(analyse(doc, grid, today))}</div></div>{table}")


# -- step 3 ------------------------------------------------------------------------------------

def breakdown_html(result: RelationshipScore) -> str:
    """What carries the score, what holds it down, and what is unproven, stale or unknown."""
    carry = ", ".join(f"{e(i.name)} (+{i.points:.0f})" for i in result.carriers)
    drag = ", ".join(f"{e(i.name)} (−{i.lost:.0f})" for i in result.draggers)
    notes = []
    if result.unproven:
        notes.append("Unproven (a level, but no evidence written): "
                     + e(", ".join(result.unproven)))
    stale = [i.name for i in result.items if i.stale]
    if stale:
        notes.append("Stale, counted at a reduced value: " + e(", ".join(stale)))
    if result.unknown:
        notes.append("Don't know yet: " + e(", ".join(result.unknown)))
    return ((f"<div><b>Carried by</b> {carry}</div>" if carry else "")
            + (f"<div><b>Held down by</b> {drag}</div>" if drag else "")
            + "".join(f'<div class="kk-hint kk-gap">{n}</div>' for n in notes))


def relationship_html(wb: Workbook, fw: Framework, today: dt.date) -> str:
    doc = wb.relationship
    known = prefills(fw, wb.profile, wb.stakeholders)
    result = relationship_score(doc, fw, today, known)
    if doc.gut_feeling is None and result.score is None:
        return "<p>Not started yet.</p>"
    score = ("not yet" if result.score is None
             else f"{as_shown(result.score)} / 100 · {e(result.stage)}")
    feeling = ("" if doc.gut_feeling is None else
               f"<div>Gut feeling first: <b>{doc.gut_feeling}</b>"
               + (f" - “{e(doc.feeling_reason)}”" if doc.feeling_reason else "") + "</div>")
    gap = feeling_gap(doc.gut_feeling, result.score, fw)
    gap_html = "" if gap is None else (
        f"<div class='kk-explain'>{e(gap[1])}</div>"
        + feeling_vs_evidence(doc.gut_feeling, result.score)  # type: ignore[arg-type]
        + (f'<div class="kk-hint kk-warning">{e(gap[2])}</div>' if gap[2] else ""))
    rows = []
    for item in result.items:
        rating = doc.ratings.get(item.id)
        evidence = rating.evidence if rating else ""
        as_of = rating.as_of.isoformat() if rating and rating.as_of else ""
        level = ("don't know" if item.level is None else f"{item.level} - {item.label}")
        origin = f"<br><span class='kk-muted'>pre-filled from {e(item.prefilled)}</span>" \
            if item.prefilled else ""
        flags = " (stale)" if item.stale else " (unproven)" if item.unproven else ""
        rows.append(f"<tr><td>{e(item.name)}</td><td>{e(level)}{origin}</td>"
                    f"<td>{e(evidence)}</td><td>{e(as_of)}{flags}</td>"
                    f"<td>{item.points:.1f} / {item.weight:g}</td></tr>")
    plan = "".join(f"<li>{e(p.action)} <span class='kk-muted'>({e(p.owner)}"
                   f"{', by ' + p.due.isoformat() if p.due else ''})</span></li>"
                   for p in doc.plan)
    over_time = ""
    points = trend(doc, fw, known, today)
    if len(points) > 1:
        over_time = ("<h4>Over time</h4>"
                     + trend_chart([(d.strftime("%b %Y"), s, f) for d, s, f in points])
                     + "<div class='kk-muted'>Line: evidence score; dashed: gut feeling.</div>")
    return (f"{feeling}<div class='kk-card'><b>Evidence score: {score}</b></div>"
            f'<div class="kk-cols"><div>{breakdown_html(result)}'
            + indicator_bars([(i.name, i.points, i.weight, i.unproven) for i in result.items])
            + f"</div><div>{gap_html}{over_time}</div></div>"
            '<table class="kk-table"><tr><th>Indicator</th><th>Level</th><th>Evidence</th>'
            f"<th>As of</th><th>Points</th></tr>{''.join(rows)}</table>"
            + (f"<h4>Improvement plan</h4><ul>{plan}</ul>" if plan else ""))


_STEP_HTML = {"profile": profile_html, "stakeholders": stakeholders_html,
              "relationship": relationship_html}


def step_html(step: str, wb: Workbook, fw: Framework, today: dt.date | None = None) -> str:
    """One step of the workbook, read-only, as the trainee sees its results."""
    today = today or dt.date.today()
    if step not in wb.docs:
        return "<p class='kk-muted'>Not started yet.</p>"
    progress = step_progress(step, wb.docs[step], fw)
    head = (f"<div class='kk-muted'>{progress.percent} % complete · {progress.status}"
            + (f" · next: {e(progress.missing[0])}" if progress.missing else "") + "</div>")
    return head + _STEP_HTML[step](wb, fw, today)


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
    """A manager's verdict on a step: status, rating on the rubric, the comment."""
    if review is None:
        return ("" if for_trainee else
                "<div class='kk-muted'>Not reviewed yet.</div>")
    status = fw.review.statuses[review.status]
    kind = "warning" if review.status == "needs_rework" else "ok"
    rating = ""
    if review.rating is not None:
        rubric = fw.review.rubrics.get(review.step, {}).get(review.rating, "")
        rating = (f" · <b>{review.rating}/5 {e(fw.review.scale[review.rating])}</b>"
                  f"<div class='kk-muted'>{e(rubric)}</div>")
    since = ""
    if latest_version is not None and latest_version > review.doc_version:
        since = (f"<div class='kk-muted'>Reviewed version {review.doc_version}; "
                 f"{'you have' if for_trainee else 'the trainee has'} changed it since.</div>")
    comment = (f"<blockquote class='kk-comment'>{e(review.comment)}</blockquote>"
               if review.comment.strip() else "")
    return (f'<div class="kk-feedback kk-{kind}"><b>{e(status)}</b>{rating}{comment}'
            f"<div class='kk-muted'>{e(review.reviewer)}, {review.reviewed_at:%Y-%m-%d}</div>"
            f"{since}</div>")


# -- the whole report ------------------------------------------------------------------------

REPORT_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; color: #1d2630; margin: 24px auto; max-width: 1040px;
       padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { border-bottom: 2px solid #2f6fb0;
  padding-bottom: 4px; margin-top: 32px; } h4 { margin: 12px 0 4px; }
.kk-muted { color: #66717d; } .kk-table { border-collapse: collapse; margin: 8px 0; width: 100%; }
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
@media print { body { margin: 0; max-width: none; } h2 { break-before: page; }
  details > * { display: block; } .kk-cols > div { break-inside: avoid; } }
"""


def trainee_report(name: str, cohort: str | None, books: list[Workbook], fw: Framework,
                   today: dt.date | None = None, generated: dt.datetime | None = None) -> str:
    """One trainee's whole workbook (every account) with the manager's feedback: a standalone
    HTML file that prints well and runs no script."""
    today = today or dt.date.today()
    generated = generated or dt.datetime.now(dt.timezone.utc)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        # no script, no network: inline styles and inline images only
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>Key account workbook - {e(name)}</title><style>{REPORT_CSS}</style></head><body>",
        f"<h1>Key account workbook: {e(name)}</h1>",
        f"<div class='kk-muted'>{e(cohort) + ' · ' if cohort else ''}report generated "
        f"{generated:%Y-%m-%d %H:%M} UTC</div>",
    ]
    if not books:
        parts.append("<p>No accounts yet.</p>")
    for wb in books:
        for step in fw.steps:
            parts.append(f"<h2>{e(wb.account)} - {step.number}. {e(step.title)}</h2>")
            parts.append(feedback_html(wb.reviews.get(step.id), fw, wb.latest_version(step.id)))
            parts.append(step_html(step.id, wb, fw, today))
            parts.append(history_html(wb.versions.get(step.id, []), limit=10))
    parts.append("</body></html>")
    return "\n".join(parts)
