"""The trainee as the subject in the report: competency ratings by competency (raters never
named), the plan, the quiz's counted attempt, first try vs best, and the certification."""

from __future__ import annotations

import datetime as dt

from kamkit.competency import (
    CompetencyRatings,
    DevelopmentItem,
    DevelopmentPlan,
    QuizAttempt,
    RatingSet,
)
from kamkit.frameworks import default_framework
from kamkit.models import Attempt
from kamkit.report import attempts_html, person_html
from kamkit.scoring.competency import case_tries, certify, quiz_record

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)


def _set(rater: str, round: str, level: int, name: str = "") -> RatingSet:
    fw = default_framework()
    return RatingSet(trainee_id=1, round=round, rater=rater, rater_name=name,  # type: ignore
                     link_id=7 if rater == "peer" else None, version=1, saved_at=NOW,
                     ratings=CompetencyRatings(levels={b.id: level for b in
                                                       fw.competencies.behaviours}))


def _attempt(n: int, score: float, passed: bool, hints: int, wrong: list[str]) -> Attempt:
    return Attempt(id=n, account_id=3, case_id="halden", step="stakeholders", attempt=n,
                   score=score, passed=passed, hints=hints, wrong=wrong,
                   at=NOW + dt.timedelta(minutes=n))


def test_the_person_section_shows_ratings_by_competency_and_never_names_a_rater():
    fw = default_framework()
    sets = [_set("self", "before", 2), _set("manager", "before", 3, "Mia <b>Berg</b>"),
            _set("peer", "after", 4, "Pete Peer")]
    plan = DevelopmentPlan(items=[DevelopmentItem(competency="trust", action="<script>x()</script>",
                                                  due=dt.date(2027, 1, 31))])
    html = person_html(sets, fw, plan=plan)
    assert "Before the programme: self" in html and "After the programme: peers" in html
    assert "<td>Trust and listening</td><td>2</td><td>3</td><td>4</td>" in html
    assert "Mia" not in html and "Pete" not in html
    assert "<script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "(by 2027-01-31)" in html


def test_a_pass_after_the_explanations_is_named_and_the_first_try_shown():
    attempts = [_attempt(1, 40, False, 3, ["a", "b", "c"]),   # hints
                _attempt(2, 60, False, 0, ["a", "b"]),        # explanations shown
                _attempt(3, 100, True, 0, [])]
    html = attempts_html(attempts, "stakeholders")
    assert "first try 40 %" in html and "best 100 %" in html
    assert "passed after the explanations were shown" in html


def test_the_certification_lists_every_rule_with_its_verdict():
    fw = default_framework()
    quiz = quiz_record([QuizAttempt(trainee_id=1, quiz="ideas", attempt=1, score=50,
                                    passed=False, at=NOW)])
    cases = case_tries([_attempt(1, 80, True, 0, [])])
    cert = certify(fw.certification, steps=[s.id for s in fw.steps],
                   titles={s.id: s.title for s in fw.steps}, reviews=[], cases=cases,
                   quiz=quiz, sets=[_set("manager", "after", 3)], competencies=fw.competencies)
    html = person_html([], fw, quiz=quiz, cases=cases, certification=cert)
    assert "Not yet certified" in html
    assert "✓ A first-try score of 70 % or more" in html
    assert "✗ The quiz passed at the first attempt" in html and "first attempt 50 %" in html
    assert "✓ Every competency rated 3 or more by their manager" in html
    assert "first attempt (counted) 50 %" in html
