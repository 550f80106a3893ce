"""Bringing a portfolio in from a spreadsheet: CSV or Excel with one account per row (name,
industry, revenue, spend with us, total spend). Reading never writes: it returns every row with
its problems, for a preview; only `add_portfolio` - after the trainee confirms - saves, and only
the rows without problems."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from kamkit.errors import ImportRefused, KamkitError
from kamkit.io.spreadsheet import numbered_rows
from kamkit.models import Account, ProfileDoc, one_line, parse
from kamkit.session import Session
from kamkit.steps.profile import ID as PROFILE

__all__ = ["PortfolioRow", "read_portfolio", "add_portfolio", "MAX_ROWS"]

MAX_ROWS = 500
# accepted header spellings, compared lower-case with spaces/underscores/dashes removed
_HEADERS = {
    "name": {"name", "account", "accountname", "customer", "customername", "company"},
    "industry": {"industry", "sector"},
    "revenue": {"revenue", "revenuewithus", "annualrevenue", "ourrevenue"},
    "spend_with_us": {"spendwithus", "spend", "ourshare"},
    "total_spend": {"totalspend", "totalcategoryspend", "categoryspend", "wallet"},
}


@dataclass
class PortfolioRow:
    line: int                       # as the spreadsheet numbers it (header = 1)
    name: str
    industry: str = ""
    revenue: float | None = None
    spend_with_us: float | None = None
    total_spend: float | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _key(header: object) -> str | None:
    flat = re.sub(r"[\s_\-]", "", str(header or "")).lower()
    return next((k for k, names in _HEADERS.items() if flat in names), None)


def _number(raw: object, what: str, errors: list[str]) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = float(raw if isinstance(raw, int | float)
                      else re.sub(r"[\s,€$£¥]|EUR|USD|GBP|CHF", "", str(raw)))
    except (ValueError, OverflowError):  # not a number, or an integer past any float
        value = math.nan
    if not math.isfinite(value):  # "inf", "NaN" and "1e999" are floats, and no figure
        errors.append(f"{what} '{str(raw)[:20]}' is not a number")
        return None
    if value < 0:
        errors.append(f"{what} cannot be negative")
        return None
    return value


def read_portfolio(filename: str, content: bytes, existing: set[str] | None = None
                   ) -> list[PortfolioRow]:
    """Every data row of the file with its problems. Raises ImportRefused when the file as a
    whole cannot be used (unreadable, no name column, too many rows)."""
    header, data = numbered_rows(filename, content, MAX_ROWS)
    keys = [_key(h) for h in header]
    if "name" not in keys:
        raise ImportRefused(f"{filename} needs a 'name' column (found: "
                            f"{', '.join(str(h) for h in header if h)[:120]}).")
    seen = {n.casefold() for n in (existing or set())}
    rows = []
    for line, cells in data:
        values = {k: cells[i] if i < len(cells) else None for i, k in enumerate(keys) if k}
        errors: list[str] = []
        name = one_line(str(values.get("name") or ""))  # a line break in a cell: a space
        row = PortfolioRow(line, name, one_line(str(values.get("industry") or "")),
                           _number(values.get("revenue"), "Revenue", errors),
                           _number(values.get("spend_with_us"), "Spend with us", errors),
                           _number(values.get("total_spend"), "Total spend", errors), errors)
        if not name:
            errors.insert(0, "the name is empty")
        elif name.casefold() in seen:
            errors.insert(0, f"'{name}' is already in your accounts or earlier in the file")
        seen.add(name.casefold())
        if not errors:
            try:
                parse(Account, {"trainee_id": 0, "name": name})
                _profile(row)
            except KamkitError as exc:
                errors.append(str(exc))
        rows.append(row)
    return rows


def _profile(row: PortfolioRow) -> ProfileDoc:
    return parse(ProfileDoc, {"industry": row.industry, "revenue_with_us": row.revenue,
                              "spend_with_us": row.spend_with_us,
                              "total_category_spend": row.total_spend})


def add_portfolio(session: Session, rows: list[PortfolioRow]) -> list[Account]:
    """Create an account with a started profile for every row without problems."""
    current = session.account
    added = []
    for row in rows:
        if not row.ok:
            continue
        account = session.store.add_account(session.trainee.id, row.name)  # type: ignore[arg-type]
        session.store.save_document(account.id, PROFILE, _profile(row))  # type: ignore[arg-type]
        added.append(account)
    session.account = current  # importing does not switch the account being worked on
    return added
