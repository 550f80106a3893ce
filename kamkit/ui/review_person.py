"""The trainee as the subject, in the manager's drill-down: the manager's own rating of the
competency behaviours (before or after the programme) beside the trainee's self-ratings and
their peers' (averaged; peers counted, never named), with the gap; and the trainee's record -
case-study tries (first try against best, and how each step was passed), the quiz (the first
attempt counts, retakes are practice), the rubric ratings of each step over time, the
development plan and the certification, rule by rule.

The manager's ratings are kept beside the trainee's own, never in them. The HTML pieces are
pure functions (data in, escaped HTML out); `CompetencyReview` is the rating section, whose
Save button calls back into the drill-down (`TraineeReview.save_ratings`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from statistics import fmean

import ipywidgets as widgets

from kamkit.competency import CompetencyRatings, DevelopmentPlan, RatingSet
from kamkit.competency_content import ROUNDS, CompetencyContent
from kamkit.frameworks import Framework
from kamkit.html import e, number
from kamkit.models import Review
from kamkit.people import PersonRecord
from kamkit.scoring.competency import CaseTry, Certification, QuizRecord, pass_label
from kamkit.ui.components import Message
from kamkit.ui.rating_form import RatingForm

__all__ = ["CompetencyReview", "comparison_html", "certification_html", "cases_html",
           "quiz_html", "rubric_history_html", "plan_html", "certified_html", "RULE_NAMES",
           "unmet_short", "record_html"]

#: a certification rule's kind, as the dashboard's one-line "why not" names it
RULE_NAMES = {"steps_reviewed": "reviews", "case_first_try": "first try on a case",
              "quiz_first_attempt": "quiz", "competency_after": "ratings after"}


def unmet_short(certification: Certification | None, kinds: Sequence[str]) -> list[str]:
    """The unmet rules in a few words each ("quiz: first attempt 40 %"): the rule's kind
    (`kinds`, in the content's order, as the results are) and why it is not met."""
    if certification is None:
        return []
    return [f"{RULE_NAMES.get(kind, r.text)}: {_short(r.detail)}"
            for kind, r in zip(kinds, certification.results, strict=False) if not r.met]


def _short(text: str, most: int = 60) -> str:
    """`text`, cut at a word once it passes `most` characters (the drill-down has it all)."""
    if len(text) <= most:
        return text
    return text[:most].rsplit(" ", 1)[0].rstrip(",:;") + " …"


def certified_html(certification: Certification | None) -> str:
    """One line: certified, or not yet and why (every unmet rule with its detail)."""
    if certification is None:
        return ""
    if certification.certified:
        return ("<div class='kk-feedback'><b>✓ Certified</b>: every certification rule is "
                "met.</div>")
    unmet = "; ".join(f"{e(r.text)} ({e(r.detail)})" for r in certification.unmet)
    return (f"<div class='kk-feedback kk-warning'><b>✗ Not yet certified</b> - "
            f"{len(certification.unmet)} of {len(certification.results)} rules not met: "
            f"{unmet}.</div>")


# -- the competency ratings side by side -------------------------------------------------------

def _of(sets: Sequence[RatingSet], in_round: str, rater: str) -> list[RatingSet]:
    return [s for s in sets if s.round == in_round and s.rater == rater]


def _pooled(sets: Sequence[RatingSet]) -> dict[str, float]:
    levels: dict[str, list[int]] = {}
    for s in sets:
        for b, level in s.ratings.levels.items():
            levels.setdefault(b, []).append(level)
    return {b: fmean(v) for b, v in levels.items()}


def _level(value: float | None) -> str:
    return "-" if value is None else f"{round(value, 1):g}"


def comparison_html(sets: Sequence[RatingSet], in_round: str,
                    content: CompetencyContent) -> str:
    """The ratings of one round side by side, behaviour by behaviour: the trainee's own (with
    their example), their peers' averaged (how many, not who), the managers' (averaged when
    several rated), and the gap - the trainee's level minus the managers'."""
    own = _of(sets, in_round, "self")
    mine = own[-1].ratings if own else CompetencyRatings()
    peers, managers = _of(sets, in_round, "peer"), _of(sets, in_round, "manager")
    peer, manager = _pooled(peers), _pooled(managers)
    rows = []
    for comp in content.competencies:
        rows.append(f"<tr class='kk-section'><td colspan='5'><b>{e(comp.title)}</b></td></tr>")
        for b in comp.behaviours:
            self_level = mine.levels.get(b.id)
            theirs = manager.get(b.id)
            gap = (f"{round(self_level - theirs, 1):+g}"
                   if self_level is not None and theirs is not None else "-")
            example = mine.examples.get(b.id, "").strip()
            said = (f"<div class='kk-muted kk-comment'>{e(example)}</div>" if example else "")
            rows.append(f"<tr><td>{e(b.text)}{said}</td><td>{_level(self_level)}</td>"
                        f"<td>{_level(peer.get(b.id))}</td><td>{_level(theirs)}</td>"
                        f"<td>{gap}</td></tr>")
    n, names = len(peers), sorted({s.rater_name for s in managers})
    who = (f"{n} peer{'' if n == 1 else 's'} rated this round (averaged; peers are not "
           "named)" if n else "No peer has rated this round yet")
    bosses = (f"rated by {e(', '.join(names))}" if names else "no manager has rated it yet")
    return (f"<div class='kk-muted'>{who}; {bosses}. Gap: the trainee's own level minus the "
            "managers'; + means they rate themselves higher.</div>"
            "<table class='kk-table'><tr><th>Behaviour</th><th>Self</th><th>Peers</th>"
            f"<th>Manager</th><th>Gap</th></tr>{''.join(rows)}</table>")


class CompetencyReview(widgets.VBox):
    """The manager rates the trainee's behaviours in one round; what the trainee and their
    peers said is beside it, read-only. `show()` loads a trainee's ratings; the Save button
    calls `on_save(self)`."""

    def __init__(self, framework: Framework,
                 on_save: Callable[[CompetencyReview], None]) -> None:
        self.content = framework.competencies
        self.sets: list[RatingSet] = []
        self.reviewer = ""
        self.after_opened: dt.datetime | None = None
        self.cohort: str | None = None
        self._drafts: dict[str, CompetencyRatings] = {}
        self._showing = False
        self.round = widgets.ToggleButtons(
            options=[(self.content.rounds[r], r) for r in ROUNDS], value="before",
            style={"button_width": "auto"})
        self.round.observe(self._on_round, names="value")
        self.round_note = widgets.HTML()
        self.form = RatingForm(self.content, rater="manager")
        self.save_button = widgets.Button(description="Save my ratings", button_style="primary",
                                          layout=widgets.Layout(width="auto"))
        self.save_button.on_click(lambda _: on_save(self))
        self.message = Message()
        self.comparison = widgets.HTML()
        mine = widgets.VBox([widgets.HTML("<h2>Your ratings</h2><div class='kk-muted'>The "
                                          "same behaviours the trainee rates. Your ratings are "
                                          "kept beside theirs and never change what they "
                                          "wrote.</div>"),
                             self.form, self.save_button, self.message],
                            layout=widgets.Layout(flex="1 1 480px"))
        beside = widgets.VBox([widgets.HTML("<h2>What they and their peers said</h2>"),
                               self.comparison], layout=widgets.Layout(flex="1 1 420px"))
        beside.add_class("kk-sticky")
        super().__init__([self.round, self.round_note,
                          widgets.HBox([mine, beside],
                                       layout=widgets.Layout(flex_flow="row wrap"))])
        self.add_class("kk-card")

    def show(self, sets: list[RatingSet], reviewer: str, cohort: str | None,
             after_opened: dt.datetime | None, in_round: str | None = None) -> None:
        """A trainee's latest ratings; the round shown: `in_round`, else the after-round once
        it is open, else the before-round."""
        self.sets, self.reviewer = sets, reviewer
        self.cohort, self.after_opened = cohort, after_opened
        self._drafts = {}
        self.message.clear()
        chosen = in_round or ("after" if after_opened is not None else "before")
        self._showing = True
        try:
            self.round.value = chosen
        finally:
            self._showing = False
        self._show_round()

    def refresh(self, sets: list[RatingSet]) -> None:
        """After a save: the same round, the ratings as kept, the form as the manager left it."""
        typed = self.form.value
        self.sets = sets
        self._show_round()
        self.form.show(typed)

    def mine(self, in_round: str) -> CompetencyRatings | None:
        """This reviewer's latest ratings in `in_round`."""
        kept = [s for s in _of(self.sets, in_round, "manager") if s.rater_name == self.reviewer]
        return kept[-1].ratings if kept else None

    def _on_round(self, change: dict[str, object]) -> None:
        if self._showing:
            return
        self._drafts[str(change["old"])] = self.form.value  # typed, not saved: kept per round
        self.message.clear()
        self._show_round()

    def _show_round(self) -> None:
        shown = self.round.value
        self.form.show(self._drafts.get(shown) or self.mine(shown) or CompetencyRatings())
        self.comparison.value = comparison_html(self.sets, shown, self.content)
        closed = shown == "after" and self.cohort is not None and self.after_opened is None
        self.save_button.disabled = closed
        if closed:
            self.round_note.value = (f"<div class='kk-note'>The after-round of {e(self.cohort)}"
                                     " is not open yet: open it on the cohort dashboard when "
                                     "the programme is over.</div>")
        elif self.after_opened is not None and shown == "after":
            self.round_note.value = (f"<div class='kk-muted'>After-round open since "
                                     f"{self.after_opened:%d %b %Y}.</div>")
        else:
            self.round_note.value = ""


# -- the record ---------------------------------------------------------------------------------

def certification_html(certification: Certification | None) -> str:
    """Each certification rule, met or not, with the figure or the reason."""
    if certification is None:
        return "<p class='kk-muted'>No certification rules.</p>"
    bad = " class='kk-bad'"
    rows = "".join(
        f"<tr{'' if r.met else bad}><td style='white-space:nowrap'>"
        f"{'✓ met' if r.met else '✗ not met'}</td>"
        f"<td>{e(r.text)}</td><td>{e(r.detail)}</td></tr>" for r in certification.results)
    return ("<table class='kk-table'><tr><th></th><th>Rule</th><th>Why</th></tr>"
            f"{rows}</table>")


def cases_html(cases: Sequence[CaseTry], titles: dict[str, str],
               case_titles: dict[str, str] | None = None) -> str:
    """Each case study tried: per step checked, the first-try score (on the first account the
    case was practised on), the best over every attempt, and how it was passed."""
    if not cases:
        return "<p class='kk-muted'>No case study checked yet.</p>"
    case_titles = case_titles or {}
    order = list(titles)
    parts = []
    for case in cases:
        steps = sorted(set(case.first_try) | set(case.best),
                       key=lambda s: order.index(s) if s in order else len(order))
        rows = "".join(
            f"<tr><td>{e(titles.get(s, s))}</td><td>{number(case.first_try.get(s))}</td>"
            f"<td>{number(case.best.get(s))}</td><td>{e(pass_label(case, s))}</td></tr>"
            for s in steps)
        first = case.first_score
        parts.append(
            f"<h3>{e(case_titles.get(case.case_id, case.case_id))}</h3>"
            f"<div class='kk-muted'>Started {case.started:%d %b %Y}"
            + ("" if first is None else f" · first try overall {number(first)} %") + "</div>"
            "<table class='kk-table'><tr><th>Step</th><th>First try %</th><th>Best %</th>"
            f"<th>How passed</th></tr>{rows}</table>")
    return "".join(parts)


def quiz_html(quiz: QuizRecord) -> str:
    """The quiz: the first attempt (the one that counts) and the retakes (practice)."""
    if quiz.first is None:
        return "<p class='kk-muted'>Quiz not taken yet.</p>"
    first = quiz.first
    out = (f"<div><b>First attempt (counts)</b>: {number(first.score)} % · "
           f"{'passed' if first.passed else 'not passed'} · {first.at:%d %b %Y}</div>")
    practice = quiz.attempts - 1
    if practice and quiz.retake is not None:
        out += (f"<div class='kk-muted'>{practice} retake{'' if practice == 1 else 's'} as "
                f"practice; the latest {number(quiz.retake.score)} % "
                f"({'passed' if quiz.retake.passed else 'not passed'}), "
                f"{quiz.retake.at:%d %b %Y}.</div>")
    else:
        out += "<div class='kk-muted'>No retakes.</div>"
    return out


def rubric_history_html(accounts: Sequence[tuple[str, dict[str, list[Review]]]],
                        titles: dict[str, str]) -> str:
    """For each account (name, step -> its reviews oldest first): the rubric rating of each
    step over time ("2 (3 Nov) → 3 (10 Nov)")."""
    if not accounts:
        return "<p class='kk-muted'>No account yet.</p>"
    parts = []
    for name, by_step in accounts:
        rows = "".join(
            f"<tr><td>{e(title)}</td><td>"
            + (" → ".join(f"<b>{r.rating if r.rating is not None else '-'}</b> "
                          f"<span class='kk-muted'>({r.reviewed_at:%d %b})</span>"
                          for r in by_step.get(sid, []))
               or "<span class='kk-muted'>not reviewed</span>")
            + "</td></tr>" for sid, title in titles.items())
        parts.append(f"<h3>{e(name)}</h3><table class='kk-table'><tr><th>Step</th>"
                     f"<th>Rating over time (1-5)</th></tr>{rows}</table>")
    return "".join(parts)


def plan_html(plan: DevelopmentPlan | None, content: CompetencyContent) -> str:
    """The trainee's development plan: what they will get better at, how, by when."""
    if plan is None or not plan.items:
        return "<p class='kk-muted'>No development plan yet.</p>"
    names = {c.id: c.title for c in content.competencies}
    rows = "".join(
        f"<tr><td>{e(names.get(i.competency, i.competency))}</td><td>{e(i.action)}</td>"
        f"<td>{i.due.isoformat() if i.due else ''}</td><td>{'done' if i.done else 'open'}"
        "</td></tr>" for i in plan.items)
    return ("<table class='kk-table'><tr><th>Competency</th><th>Action</th><th>By</th>"
            f"<th>Status</th></tr>{rows}</table>")


def record_html(record: PersonRecord, reviews: Sequence[tuple[str, dict[str, list[Review]]]],
                framework: Framework, case_titles: dict[str, str] | None = None) -> str:
    """The trainee's whole record, section by section."""
    titles = {s.id: f"{s.number}. {s.title}" for s in framework.steps}
    sections = [
        ("Certification", certification_html(record.certification)),
        ("Case studies: first try and best", cases_html(record.cases, titles, case_titles)),
        ("Quiz", quiz_html(record.quiz)),
        ("Rubric ratings over time", rubric_history_html(reviews, titles)),
        ("Development plan", plan_html(record.plan, framework.competencies)),
    ]
    return "".join(f"<div class='kk-card'><h2>{title}</h2>{body}</div>"
                   for title, body in sections)
