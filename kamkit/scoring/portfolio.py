"""A trainee's portfolio: the 80/20 view of revenue, and the rule on how many key accounts one
manager can hold."""

from __future__ import annotations

from dataclasses import dataclass

from kamkit.frameworks import Framework

__all__ = ["ParetoRow", "pareto", "overload_warning"]


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
