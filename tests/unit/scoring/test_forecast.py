"""The forecast: each opportunity in the quarter of its decision, retained apart from
incremental, weighted by what the qualification shows, beside the trainee's own estimate - and
the answers that would move it most."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kamkit.models import StakeholderMapDoc
from kamkit.opportunity import OpportunitiesDoc
from kamkit.scoring.forecast import (
    LATER,
    NO_DATE,
    WON_BEFORE,
    forecast,
    probability,
    quarter_of,
    status_of,
)

TODAY = dt.date(2026, 11, 23)  # 2026 Q4; the horizon runs to 2027 Q3
EMPTY = StakeholderMapDoc()
ALL_YES = {q: {"answer": "yes"} for q in ("decision_aware", "budget", "decision_process",
                                         "buying_process", "needs_known", "can_meet",
                                         "influencers", "unique", "preference", "worth")}


def opp(oid: str, value: float | None = 100_000, when: dt.date | None = None,
        **kw: Any) -> dict[str, Any]:
    return {"id": oid, "name": f"Deal {oid}", "value": value, "decision_date": when, **kw}


def doc(*opps: dict[str, Any], estimate: float | None = None) -> OpportunitiesDoc:
    return OpportunitiesDoc.model_validate({"opportunities": list(opps), "estimate": estimate})


def rows(fc) -> dict[str, Any]:
    return {r.id: r for r in fc.rows}


@pytest.mark.parametrize("day, quarter", [(dt.date(2027, 1, 1), "2027 Q1"),
                                          (dt.date(2027, 3, 31), "2027 Q1"),
                                          (dt.date(2027, 4, 1), "2027 Q2"),
                                          (dt.date(2026, 12, 31), "2026 Q4")])
def test_a_date_falls_in_its_calendar_quarter(day, quarter):
    assert quarter_of(day) == quarter


def test_decisions_are_bucketed_by_quarter_within_the_horizon(framework):
    fc = forecast(doc(opp("q1", when=dt.date(2027, 2, 1)),
                      opp("q3", when=dt.date(2027, 9, 30)),
                      opp("later", when=dt.date(2027, 10, 1)),
                      opp("undated")), EMPTY, framework, TODAY)
    assert {i: r.quarter for i, r in rows(fc).items()} == {
        "q1": "2027 Q1", "q3": "2027 Q3", "later": LATER, "undated": NO_DATE}
    # every quarter of the horizon shows (a steady time axis), then Later and No date if used
    assert fc.quarters == ("2026 Q4", "2027 Q1", "2027 Q2", "2027 Q3", LATER, NO_DATE)


def test_an_open_decision_whose_date_passed_counts_now_and_is_flagged(framework):
    """Does an overdue opportunity vanish from the forecast? It counts in the current quarter."""
    fc = forecast(doc(opp("late", when=dt.date(2026, 6, 30)),
                      opp("today", when=TODAY),
                      opp("won", when=dt.date(2026, 10, 2), stage="won")),
                  EMPTY, framework, TODAY)
    found = rows(fc)
    assert (found["late"].quarter, found["late"].overdue) == ("2026 Q4", True)
    assert (found["today"].quarter, found["today"].overdue) == ("2026 Q4", False)
    assert (found["won"].quarter, found["won"].overdue) == ("2026 Q4", False)  # closed: done


def test_renewals_are_retained_and_the_rest_incremental(framework):
    fc = forecast(doc(opp("keep", 1_000_000, kind="renewal", answers=ALL_YES),
                      opp("grow", 200_000, kind="upsell", answers=ALL_YES),
                      opp("new", 100_000, kind="new", answers=ALL_YES)),
                  EMPTY, framework, TODAY)
    # all yes: score 100, win probability the ceiling, 90 %
    assert fc.retained == pytest.approx(900_000)
    assert fc.incremental == pytest.approx(270_000)
    assert fc.weighted == pytest.approx(fc.retained + fc.incremental)
    assert [r.retained for r in fc.rows] == [True, False, False]


@pytest.mark.parametrize("score, percent", [(0, 5), (50, 47.5), (100, 90)])
def test_the_win_probability_rises_in_a_line_from_floor_to_ceiling(framework, score, percent):
    assert probability("open", score, framework) == pytest.approx(percent)


def test_won_counts_in_full_lost_and_qualified_out_count_nothing(framework):
    fc = forecast(doc(opp("won", 500_000, stage="won"), opp("lost", 400_000, stage="lost"),
                      opp("out", 300_000, decision="qualify_out", decision_reason="No budget"),
                      opp("open", 200_000)), EMPTY, framework, TODAY)
    found = rows(fc)
    assert [(r.status, r.probability, r.weighted) for r in fc.rows] == [
        ("won", 100, 500_000), ("lost", 0, 0), ("qualified out", 0, 0),
        ("open", 5, pytest.approx(10_000))]
    assert found["open"].score == 0 and found["won"].score is None
    assert fc.pipeline == 700_000 and fc.open_pipeline == 200_000
    assert fc.qualified_out == 1


def test_a_closed_stage_outranks_the_decision(framework):
    """Qualified out, then won after all: it is won."""
    subject = doc(opp("o1", stage="won", decision="qualify_out",
                      decision_reason="No budget")).opportunities[0]
    assert status_of(subject, framework) == "won"


def test_the_quarters_add_up_to_the_totals(framework):
    fc = forecast(doc(opp("a", 1_000_000, dt.date(2027, 1, 15), kind="renewal",
                          answers=ALL_YES),
                      opp("b", 300_000, dt.date(2027, 1, 20), kind="upsell"),
                      opp("c", 200_000, dt.date(2028, 5, 1), kind="new"),
                      opp("d", 50_000, None, kind="cross_sell", stage="won"),
                      opp("e", 80_000, dt.date(2026, 9, 1), kind="renewal", stage="won"),
                      opp("f", 70_000, dt.date(2026, 8, 1), kind="upsell")),
                  EMPTY, framework, TODAY)
    table = fc.by_quarter()
    assert [q for q, *_ in table] == list(fc.quarters)
    assert sum(r for _, r, _, _ in table) == pytest.approx(fc.retained)
    assert sum(i for _, _, i, _ in table) == pytest.approx(fc.incremental)
    assert sum(p for *_, p in table) == pytest.approx(fc.open_pipeline)
    assert dict((q, (r, i, p)) for q, r, i, p in table)["2027 Q1"] == (
        pytest.approx(900_000), pytest.approx(15_000), 1_300_000)


def test_a_deal_won_before_this_quarter_is_history_not_forecast(framework):
    """An export of every opportunity brings years of won deals: none of them is this quarter's
    forecast. Won this quarter, it counts in full."""
    fc = forecast(doc(opp("old", 80_000, dt.date(2026, 3, 1), kind="renewal", stage="won"),
                      opp("new", 50_000, dt.date(2026, 10, 2), kind="renewal", stage="won")),
                  EMPTY, framework, TODAY)
    found = rows(fc)
    assert (found["old"].status, found["old"].weighted) == (WON_BEFORE, 0)
    assert (found["new"].status, found["new"].weighted) == ("won", 50_000)
    assert fc.retained == fc.won == fc.pipeline == 50_000
    assert sum(r for _, r, _, _ in fc.by_quarter()) == 50_000


def test_what_would_move_the_forecast_most_comes_first(framework):
    """Each mover: the weighted revenue gained if that one answer became yes."""
    fc = forecast(doc(opp("small", 100_000, answers={**ALL_YES, "budget": {"answer": "no"}}),
                      opp("big", 1_000_000, answers={**ALL_YES, "worth": {"answer": "partly"},
                                                     "can_meet": {"answer": "unknown"}}),
                      opp("won", 5_000_000, stage="won"),
                      opp("nothing", None)),
                  EMPTY, framework, TODAY)
    assert [(m.opportunity, m.question.split(" ")[:3], m.answer) for m in fc.movers] == [
        ("Deal big", ["Can", "we", "meet"], "unknown"),
        ("Deal big", ["Is", "it", "worth"], "partly"),
        ("Deal small", ["Is", "there", "a"], "no")]
    assert [m.gain for m in fc.movers] == [pytest.approx(68_000), pytest.approx(34_000),
                                           pytest.approx(8_500)]


def test_the_trainees_own_estimate_is_carried_beside_the_forecast(framework):
    fc = forecast(doc(opp("a"), estimate=1_300_000), EMPTY, framework, TODAY)
    assert fc.estimate == 1_300_000
    assert forecast(doc(opp("a")), EMPTY, framework, TODAY).estimate is None


def test_no_opportunities_is_an_empty_forecast_in_the_current_quarter(framework):
    fc = forecast(OpportunitiesDoc(), EMPTY, framework, TODAY)
    assert fc.rows == () and fc.weighted == 0 and fc.pipeline == 0
    assert fc.quarters == ("2026 Q4", "2027 Q1", "2027 Q2", "2027 Q3") and fc.movers == ()
