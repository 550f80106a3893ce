"""The forecast of retained and incremental revenue, weighted by what the qualification shows
rather than by hope - and what would move it most.

The rule is the content's, in the open (`qualification.yaml`, `forecast`): an open opportunity
is weighted by a win probability that rises in a straight line with its qualification score;
won counts in full (unless it was won before the current quarter: history), lost and
qualified out count nothing. Renewals are revenue retained; the
other kinds are incremental. By quarter of the decision date, within the content's horizon.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kamkit.frameworks import Framework
from kamkit.models import StakeholderMapDoc
from kamkit.opportunity import OpportunitiesDoc, Opportunity
from kamkit.scoring.qualification import Qualification, prefills, qualify

__all__ = ["Row", "Mover", "Forecast", "forecast", "quarter_of", "status_of", "LATER",
           "NO_DATE", "WON_BEFORE", "probability", "won_before_from"]

LATER, NO_DATE = "Later", "No date"
#: A won opportunity decided before the current quarter: history, counted in no forecast.
WON_BEFORE = "won before"


@dataclass(frozen=True)
class Row:
    id: str
    name: str
    kind: str
    retained: bool
    value: float
    quarter: str
    status: str                   # "open", "won", "won before", "lost", "qualified out"
    score: float | None           # the qualification score (open ones)
    probability: float            # 0-100
    overdue: bool = False         # open, and the decision date has passed

    @property
    def weighted(self) -> float:
        return self.value * self.probability / 100


@dataclass(frozen=True)
class Mover:
    opportunity: str
    question: str
    answer: str | None            # what it is now
    gain: float                   # weighted revenue gained if it became "yes"


@dataclass(frozen=True)
class Forecast:
    rows: tuple[Row, ...]
    quarters: tuple[str, ...]     # the horizon's quarters, then Later and No date when used
    estimate: float | None        # the trainee's own, said first
    movers: tuple[Mover, ...]

    def _sum(self, rows: list[Row], weighted: bool = True) -> float:
        return sum(r.weighted if weighted else r.value for r in rows)

    @property
    def weighted(self) -> float:
        return self._sum(list(self.rows))

    @property
    def retained(self) -> float:
        return self._sum([r for r in self.rows if r.retained])

    @property
    def incremental(self) -> float:
        return self._sum([r for r in self.rows if not r.retained])

    @property
    def open_pipeline(self) -> float:
        """Full value of the open opportunities still pursued."""
        return self._sum([r for r in self.rows if r.status == "open"], weighted=False)

    @property
    def pipeline(self) -> float:
        """Full value of everything won or still in play: the most the forecast can be."""
        return self._sum([r for r in self.rows if r.status in ("open", "won")], weighted=False)

    @property
    def won(self) -> float:
        """Full value of what is won within the forecast (not before this quarter)."""
        return self._sum([r for r in self.rows if r.status == "won"], weighted=False)

    @property
    def qualified_out(self) -> int:
        return sum(r.status == "qualified out" for r in self.rows)

    def by_quarter(self) -> list[tuple[str, float, float, float]]:
        """(quarter, retained weighted, incremental weighted, open pipeline) per quarter."""
        out = []
        for q in self.quarters:
            mine = [r for r in self.rows if r.quarter == q]
            out.append((q, self._sum([r for r in mine if r.retained]),
                        self._sum([r for r in mine if not r.retained]),
                        self._sum([r for r in mine if r.status == "open"], weighted=False)))
        return out


def quarter_of(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _horizon(today: dt.date, quarters: int) -> list[str]:
    year, q = today.year, (today.month - 1) // 3
    out = []
    for n in range(quarters):
        y, m = divmod(q + n, 4)
        out.append(f"{year + y} Q{m + 1}")
    return out


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _next_quarter(day: dt.date) -> dt.date:
    start = _quarter_start(day)
    return dt.date(start.year + 1, 1, 1) if start.month == 10 else \
        dt.date(start.year, start.month + 3, 1)


def won_before_from(doc: OpportunitiesDoc, fw: Framework, today: dt.date) -> dt.date | None:
    """The first day after `today` on which an opportunity won with a decision date becomes
    history (won in an earlier quarter: `WON_BEFORE`, out of the forecast's sums). The only way
    the day moves the forecast's totals (None: it never will)."""
    days = [_next_quarter(opp.decision_date) for opp in doc.opportunities
            if opp.decision_date is not None and status_of(opp, fw) == "won"]
    return min((d for d in days if d > today), default=None)


def status_of(opp: Opportunity, fw: Framework) -> str:
    stage = fw.qualification.stage(opp.stage)
    if stage is not None and stage.closed is not None:
        return stage.closed
    return "qualified out" if opp.decision == "qualify_out" else "open"


def probability(status: str, score: float, fw: Framework) -> float:
    """The win probability (%) of an opportunity in `status` with qualification `score`."""
    if status == "won":
        return 100.0
    if status == "open":
        return fw.qualification.forecast.probability(score)
    return 0.0


def forecast(doc: OpportunitiesDoc, smap: StakeholderMapDoc, fw: Framework,
             today: dt.date | None = None, top: int = 3,
             qualified: list[Qualification] | None = None) -> Forecast:
    """`qualified`: each opportunity's qualification, when the caller has them already (in
    the document's order; else each is qualified here)."""
    today = today or dt.date.today()
    rule = fw.qualification.forecast
    horizon = _horizon(today, rule.horizon_quarters)
    rows, movers = [], []
    start = _quarter_start(today)
    for n, opp in enumerate(doc.opportunities):
        status = status_of(opp, fw)
        when = opp.decision_date
        if status == "won" and when is not None and when < start:
            status = WON_BEFORE  # history: booked in an earlier quarter, not in this forecast
        result = qualified[n] if qualified is not None else qualify(opp, fw, prefills(opp, smap,
                                                                                       fw))
        if when is None:
            quarter = NO_DATE
        elif when < today:
            # overdue (open: it still counts, now - and is flagged), or decided before the
            # horizon began (won: it counts in full): the current quarter, so that the
            # quarters add up to the totals
            quarter = horizon[0]
        else:
            quarter = quarter_of(when)
            if quarter not in horizon:
                quarter = LATER
        value = opp.value or 0.0
        rows.append(Row(opp.id, opp.name, opp.kind, opp.kind in rule.retained, value, quarter,
                        status, result.score if status == "open" else None,
                        probability(status, result.score, fw),
                        overdue=status == "open" and when is not None and when < today))
        if status == "open" and value > 0:
            movers += _movers(opp, result, value, fw)
    used = {r.quarter for r in rows}
    quarters = [*horizon, *(q for q in (LATER, NO_DATE) if q in used)]  # a steady time axis
    movers.sort(key=lambda m: -m.gain)
    return Forecast(tuple(rows), tuple(quarters), doc.estimate, tuple(movers[:top]))


def _movers(opp: Opportunity, result: Qualification, value: float,
            fw: Framework) -> list[Mover]:
    rule, credit = fw.qualification.forecast, fw.qualification.credit
    now = rule.probability(result.score)
    out = []
    for item in result.items:
        if item.answer == "yes":
            continue
        better = result.score + item.weight * (credit["yes"] - credit[item.answer or "unknown"])
        gain = value * (rule.probability(better) - now) / 100
        if gain > 0:
            out.append(Mover(opp.name, item.text, item.answer, gain))
    return out
