"""A trainee's portfolio: the 80/20 view of revenue, and the rule on how many key accounts one
manager can hold."""

from __future__ import annotations

from dataclasses import dataclass

from kamkit.frameworks import Framework
from kamkit.models import ProfileDoc
from kamkit.scoring.segmentation import Placement

__all__ = ["ParetoRow", "pareto", "overload_warning", "PortfolioSummary", "portfolio_summary"]


@dataclass(frozen=True)
class ParetoRow:
    name: str
    revenue: float
    share: float          # % of the portfolio's revenue
    cumulative: float     # % of revenue from this account and all larger ones
    vital_few: bool       # among the fewest accounts that together bring 80 %


def pareto(accounts: list[tuple[str, float | None]]) -> list[ParetoRow]:
    """Accounts by revenue, largest first (ties by name), with their share and running total.
    Accounts with unknown revenue are left out; with no revenue at all nobody is 'vital'."""
    known = sorted(((n, r) for n, r in accounts if r is not None), key=lambda x: (-x[1], x[0]))
    total = sum(r for _, r in known)
    rows, running = [], 0.0
    for name, revenue in known:
        before = running
        running += revenue
        share = 100 * revenue / total if total else 0.0
        cumulative = 100 * running / total if total else 0.0
        vital = bool(total) and revenue > 0 and 100 * before / total < 80
        rows.append(ParetoRow(name, revenue, share, cumulative, vital))
    return rows


def overload_warning(count: int, framework: Framework) -> str | None:
    """A warning when one manager holds more key accounts than the method allows."""
    limit = framework.segmentation.max_key_accounts
    if count <= limit:
        return None
    return (f"You hold {count} key accounts. One account manager can do justice to about "
            f"{limit}; consider which ones a colleague should own, or which are not key.")


@dataclass(frozen=True)
class PortfolioSummary:
    """A trainee's accounts at a glance, as the portfolio tab shows them."""

    placed: list[tuple[str, float, float, bool]]  # name, strength, attractiveness, current?
    unplaced: list[str]                           # segmentation not rated yet
    pareto: list[ParetoRow]
    currencies: list[str]                         # of the revenue figures, sorted
    vital: int                                    # accounts that bring 80 % of revenue
    warning: str | None                           # too many key accounts for one manager

    @property
    def mixed_currencies(self) -> bool:
        return len(self.currencies) > 1


def portfolio_summary(accounts: list[tuple[str, Placement, ProfileDoc, bool, bool]],
                      framework: Framework) -> PortfolioSummary:
    """Each account as (name, where its facts place it, its profile, is it the current one?,
    is it a case study?). Case studies are practice, not accounts a manager holds: they do not
    count towards the key-account limit."""
    placed, unplaced, revenue, currencies = [], [], [], set()
    for name, placement, profile, current, _ in accounts:
        if placement.purpose is None:
            unplaced.append(name)
        else:
            placed.append((name, placement.strength.score, placement.attractiveness.score,
                           current))
        revenue.append((name, profile.revenue_with_us))
        if profile.revenue_with_us is not None:
            currencies.add(profile.currency)
    rows = pareto(revenue)
    return PortfolioSummary(placed, unplaced, rows, sorted(currencies),
                            sum(r.vital_few for r in rows),
                            overload_warning(sum(not practice for *_, practice in accounts),
                                             framework))
