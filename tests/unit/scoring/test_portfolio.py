"""The portfolio: the 80/20 view of revenue and the key-account limit."""

from __future__ import annotations

from kamkit.models import ProfileDoc
from kamkit.scoring.portfolio import overload_warning, pareto, portfolio_summary
from kamkit.scoring.segmentation import place


def test_largest_first_with_running_share_and_the_vital_few():
    rows = pareto([("C", 50), ("A", 700), ("B", 200), ("D", 50)])
    assert [r.name for r in rows] == ["A", "B", "C", "D"]
    assert [round(r.cumulative) for r in rows] == [70, 90, 95, 100]
    assert [r.vital_few for r in rows] == [True, True, False, False]


def test_ties_are_ordered_by_name_so_the_chart_is_stable():
    rows = pareto([("Zeta", 100), ("Alpha", 100), ("Mid", 100)])
    assert [r.name for r in rows] == ["Alpha", "Mid", "Zeta"]


def test_zero_revenue_everywhere_marks_nobody_vital():
    rows = pareto([("A", 0), ("B", 0)])
    assert [(r.share, r.cumulative, r.vital_few) for r in rows] == [(0, 0, False)] * 2


def test_zero_revenue_accounts_are_never_vital():
    rows = pareto([("A", 100), ("B", 0)])
    assert [r.vital_few for r in rows] == [True, False]


def test_unknown_revenue_is_left_out_not_counted_as_zero():
    assert [r.name for r in pareto([("A", 10), ("B", None)])] == ["A"]
    assert pareto([]) == []


def test_more_than_four_key_accounts_warns(framework):
    assert overload_warning(4, framework) is None
    assert "You hold 5 key accounts" in overload_warning(5, framework)


def test_the_summary_places_what_it_can_and_totals_revenue(framework):
    rated = ProfileDoc(revenue_with_us=900, currency="EUR", segmentation={
        c.id: 80 for c in (*framework.segmentation.attractiveness,
                           *framework.segmentation.strength)})
    bare = ProfileDoc(revenue_with_us=100, currency="USD")
    s = portfolio_summary([("Acme", place(rated, framework), rated, True, False),
                           ("Bolt", place(bare, framework), bare, False, False)], framework)
    assert [(name, now) for name, _, _, now in s.placed] == [("Acme", True)]
    assert s.unplaced == ["Bolt"] and s.vital == 1 and s.mixed_currencies
    assert s.currencies == ["EUR", "USD"] and s.warning is None


def test_case_studies_do_not_count_towards_the_key_account_limit(framework):
    bare = ProfileDoc()
    limit = framework.segmentation.max_key_accounts
    real = [(f"A{n}", place(bare, framework), bare, False, False) for n in range(limit)]
    cases = [(f"Case {n}", place(bare, framework), bare, False, True) for n in range(3)]
    assert portfolio_summary(real + cases, framework).warning is None
    one_more = real + [("Extra", place(bare, framework), bare, False, False)]
    assert portfolio_summary(one_more, framework).warning is not None
