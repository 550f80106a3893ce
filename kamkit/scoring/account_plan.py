"""Reading an account plan against the rest of the workbook: the customer goals objectives
serve (and those nothing serves), actions overdue or without an owner (the map's next actions
and the relationship plan's items count as actions too, read where they were written), KPIs
against their targets, the white space still to win, the value case and its return, the account
team against the account's purpose, whether the plan is alive - and what its QBRs say as
relationship evidence for step 3.

Pure functions; every threshold is content (`account_plan.yaml`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kamkit.account_plan import AccountPlanDoc, Kpi, WhiteSpace
from kamkit.frameworks import Framework
from kamkit.models import ProfileDoc, RelationshipDoc, StakeholderMapDoc, one_line

__all__ = ["Finding", "FINDING_IDS", "customer_goals", "PlanAction", "plan_actions",
           "KpiState", "kpi_state", "WhiteSpaceSum", "white_space_sum", "ValueCase",
           "value_case", "Portfolio", "team_findings", "is_stale", "unchecked", "plan_findings",
           "qbr_evidence", "QBR_PREFILLS", "on_track", "qbr_evidence_from", "plan_dated_from"]

FINDING_IDS = ("objective_serves_no_goal", "goal_not_served", "goal_gone", "no_objective",
               "action_overdue", "action_without_owner", "no_sponsor",
               "member_without_commitment", "team_does_not_fit", "too_many_key_accounts",
               "strategic_not_only", "no_next_review", "plan_stale", "review_too_far",
               "objective_stale",
               "value_unproven")
#: the relationship evidence QBRs give (an indicator's `prefill` in relationship.yaml)
QBR_PREFILLS = ("business_reviews", "executive_attendance", "plan_sharing")
_OPEN = ("not_started", "on_track", "at_risk", "off_track")


@dataclass(frozen=True)
class Finding:
    id: str                        # one of FINDING_IDS
    severity: int                  # 1 act now, 2 important, 3 worth knowing
    title: str
    reason: str
    items: tuple[str, ...] = ()


def customer_goals(profile: ProfileDoc) -> list[str]:
    """What the customer is trying to achieve, as step 1 words it: their strategy (its first
    line), their pressures and the changes in their world - each a goal an objective can
    serve."""
    strategy = one_line(profile.strategy.split("\n", 1)[0])[:200].rstrip() \
        if profile.strategy else ""
    return list(dict.fromkeys(g for g in (strategy, *profile.pressures, *profile.changes) if g))


@dataclass(frozen=True)
class PlanAction:
    what: str
    owner: str                     # a name, as shown
    due: dt.date | None
    status: str
    source: str                    # "the plan", "the stakeholder map", "the relationship plan"
    about: str = ""                # the objective, person or indicator it belongs to

    def overdue(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today and self.status in _OPEN


def plan_actions(doc: AccountPlanDoc, smap: StakeholderMapDoc, rel: RelationshipDoc,
                 fw: Framework) -> list[PlanAction]:
    """Every action of the account: the plan's own, the next action per person on the map and
    the relationship's improvement items - read where they were written, never copied."""
    members = {t.id: t.name for t in smap.team}
    objectives = {o.id: o.title for o in doc.objectives}
    # an owner no longer on the team owns nothing: the action is owner-less again
    out = [PlanAction(a.what, members.get(a.owner, ""), a.due, a.status, "the plan",
                      objectives.get(a.objective or "", "")) for a in doc.actions]
    out += [PlanAction(one_line(p.action)[:200], p.action_owner, p.action_due, "not_started",
                       "the stakeholder map", p.name or p.title)
            for p in smap.people if p.action.strip()]
    names = {i.id: i.name for i in fw.relationship.indicators}
    out += [PlanAction(one_line(p.action)[:200] or names.get(p.indicator, p.indicator),
                       p.owner, p.due, "not_started", "the relationship plan",
                       names.get(p.indicator, p.indicator)) for p in rel.plan]
    return out


@dataclass(frozen=True)
class KpiState:
    latest: float | None
    on: dt.date | None
    reached: bool | None           # None: no target or no actual yet
    points: tuple[tuple[dt.date, float], ...]


def kpi_state(kpi: Kpi) -> KpiState:
    points = tuple(sorted((a.on, a.value) for a in kpi.actuals))
    if not points:
        return KpiState(None, None, None, ())
    on, latest = points[-1]
    reached = None if kpi.target is None else (
        latest >= kpi.target if kpi.higher_is_better else latest <= kpi.target)
    return KpiState(latest, on, reached, points)


@dataclass(frozen=True)
class WhiteSpaceSum:
    uncovered: float               # value of the cells not yet ours (content: `uncovered`)
    sold: float
    by_state: dict[str, int]       # cells per state
    unvalued: int                  # uncovered cells with no value given
    broken_links: tuple[str, ...]  # cells linked to an opportunity no longer in step 4


def white_space_sum(ws: WhiteSpace, fw: Framework,
                    opportunities: set[str] | None = None) -> WhiteSpaceSum:
    wanted = set(fw.account_plan.uncovered)
    cells = [c for c in ws.cells if c.unit in ws.units and c.offering in ws.offerings]
    by_state = {s: sum(c.state == s for c in cells) for s in fw.account_plan.white_space}
    broken = tuple(f"{c.unit} × {c.offering}" for c in cells if c.opportunity is not None
                   and opportunities is not None and c.opportunity not in opportunities)
    return WhiteSpaceSum(sum(c.value or 0 for c in cells if c.state in wanted),
                         sum(c.value or 0 for c in cells if c.state == "sold"), by_state,
                         sum(c.value is None for c in cells if c.state in wanted), broken)


@dataclass(frozen=True)
class ValueCase:
    total: float                   # the value we deliver per year, all of it
    proven: float                  # of which with evidence written
    by_kind: dict[str, float]
    unproven: tuple[str, ...]      # items with an amount and no evidence
    spend: float | None            # what they spend with us per year (step 1)

    @property
    def roi(self) -> float | None:
        """Value delivered, with evidence, per unit they spend with us (2.0: twice what they
        pay) - what the customer can check is what the return is made of."""
        return self.proven / self.spend if self.spend else None


def value_case(doc: AccountPlanDoc, profile: ProfileDoc) -> ValueCase:
    items = [v for v in doc.value if v.amount is not None]
    by_kind: dict[str, float] = {}
    for v in items:
        by_kind[v.kind] = by_kind.get(v.kind, 0.0) + v.amount  # type: ignore[operator]
    return ValueCase(sum(v.amount for v in items),  # type: ignore[misc]
                     sum(v.amount for v in items if v.evidence.strip()),  # type: ignore[misc]
                     by_kind, tuple(v.what for v in items if not v.evidence.strip()),
                     profile.spend_with_us)


@dataclass(frozen=True)
class Portfolio:
    """The account manager's other accounts, as far as the plan needs them: how many real
    (not practice) key accounts they hold, this one included."""

    key_accounts: int


def team_findings(doc: AccountPlanDoc, smap: StakeholderMapDoc, purpose: str | None,
                  fw: Framework, portfolio: Portfolio | None = None) -> list[Finding]:
    content = fw.account_plan
    out = []
    team = [t for t in smap.team if t.role != "account manager"]
    fit = content.team_fit.get(purpose or "")
    if (fit is None or fit.sponsor) and not any(t.role == "sponsor" for t in smap.team):
        out.append(Finding("no_sponsor", 1, "No sponsor",
                           "A senior sponsor approves the plan and opens doors at the top: name "
                           "one on the stakeholder map's “Our team”."))
    said = {c.member: c for c in doc.team if c.commitment.strip()}
    idle = [t.name for t in team if t.id not in said]
    if idle:
        out.append(Finding("member_without_commitment", 2, "Team members with no commitment",
                           "Each member of the team says what they bring to the account.",
                           tuple(idle)))
    if fit is not None:
        name = next(p.name for p in fw.segmentation.purposes if p.id == purpose)
        wrong = []
        if len(team) < fit.min_members:
            wrong.append(f"{len(team)} besides you, at least {fit.min_members} wanted")
        if len(team) > fit.max_members:
            wrong.append(f"{len(team)} besides you, at most {fit.max_members} wanted")
        if wrong:
            out.append(Finding("team_does_not_fit", 2,
                               f"The team does not fit a {name} account",
                               f"{fit.advice} ({'; '.join(wrong)}.)"))
    if portfolio is not None:
        limit = fw.segmentation.max_key_accounts
        if portfolio.key_accounts > limit:
            out.append(Finding("too_many_key_accounts", 2, "Too many key accounts",
                               f"You hold {portfolio.key_accounts} key accounts (practice "
                               f"accounts not counted); one account manager does justice to "
                               f"about {limit}."))
        if purpose in content.strategic and portfolio.key_accounts > 1:
            out.append(Finding("strategic_not_only", 2,
                               "Your strategic account is not your only key account",
                               "An account this important should be its manager's only key "
                               f"account; you hold {portfolio.key_accounts}."))
    return out


def is_stale(doc: AccountPlanDoc, today: dt.date) -> bool:
    """Past its next review: the plan is no longer a living one until it is reviewed."""
    return doc.next_review is not None and doc.next_review < today


def unchecked(doc: AccountPlanDoc, fw: Framework, today: dt.date) -> list[str]:
    """Open objectives nobody has looked at within the review rhythm (or ever), by title."""
    every = fw.account_plan.review_every_days
    return [o.title for o in doc.objectives if o.status in _OPEN and (
        o.checked_on is None or (today - o.checked_on).days > every)]


def plan_dated_from(doc: AccountPlanDoc, actions: list[PlanAction], today: dt.date
                    ) -> dt.date | None:
    """The first day after `today` on which an action turns overdue or the plan passes its
    review (None: neither will)."""
    days = [a.due + dt.timedelta(days=1) for a in actions
            if a.due is not None and a.status in _OPEN]
    if doc.next_review is not None:
        days.append(doc.next_review + dt.timedelta(days=1))
    return min((d for d in days if d > today), default=None)


def on_track(doc: AccountPlanDoc) -> tuple[int, int]:
    """(objectives on track or done, objectives still counted - dropped ones are not)."""
    live = [o for o in doc.objectives if o.status != "dropped"]
    return sum(o.status in ("on_track", "done") for o in live), len(live)


def plan_findings(doc: AccountPlanDoc, profile: ProfileDoc, smap: StakeholderMapDoc,
                  rel: RelationshipDoc, purpose: str | None, fw: Framework, today: dt.date,
                  portfolio: Portfolio | None = None) -> list[Finding]:
    """Everything the plan should look at, most urgent first."""
    content = fw.account_plan
    goals = customer_goals(profile)
    out: list[Finding] = []
    if not doc.objectives:
        out.append(Finding("no_objective", 1, "No objective yet",
                           "Start with what you want to achieve in this account - and which of "
                           "the customer's goals it serves."))
    live = [o for o in doc.objectives if o.status != "dropped"]
    loose = [o.title for o in live if not any(g in goals for g in o.serves)]
    if loose:
        out.append(Finding("objective_serves_no_goal", 2,
                           "Objectives that serve none of the customer's goals",
                           "A plan that serves only us is a sales target: link each objective "
                           "to what the customer is trying to achieve (step 1).", tuple(loose)))
    served = {g for o in live for g in o.serves}
    idle = [g for g in goals if g not in served]
    if idle and doc.objectives:
        out.append(Finding("goal_not_served", 3, "Customer goals nothing in the plan serves",
                           "Each is a chance to be the customer's advocate inside our "
                           "company.", tuple(idle)))
    gone = sorted({g for o in live for g in o.serves if g not in goals})
    if gone:
        out.append(Finding("goal_gone", 3, "Goals no longer in the profile",
                           "An objective serves a goal the profile no longer names: re-link "
                           "it.", tuple(gone)))
    actions = plan_actions(doc, smap, rel, fw)
    actions = [a for a in actions if a.what.strip()]  # a row just added, not yet written
    late = [a for a in actions if a.overdue(today)]
    if late:
        out.append(Finding("action_overdue", 1, "Overdue actions",
                           "Done, moved or dropped? Update them where they were written (a next "
                           "action on the map, or an improvement item, is cleared there once "
                           "done).",
                           tuple(f"{a.what} ({a.source})" for a in late)))
    orphans = [a for a in actions if not a.owner.strip() and a.status in _OPEN]
    if orphans:
        out.append(Finding("action_without_owner", 2, "Actions without an owner",
                           "An action nobody owns does not happen.",
                           tuple(f"{a.what} ({a.source})" for a in orphans)))
    out += team_findings(doc, smap, purpose, fw, portfolio)
    if doc.next_review is None:
        out.append(Finding("no_next_review", 2, "No next review date",
                           f"A plan is a living roadmap: set when you review it next (every "
                           f"{content.review_every_days} days at most)."))
    elif is_stale(doc, today):
        out.append(Finding("plan_stale", 1, "The plan is past its review",
                           f"It was due for review on {doc.next_review.isoformat()}: review "
                           "it, and set the next date."))
    elif (doc.next_review - today).days > content.review_every_days:
        out.append(Finding("review_too_far", 2, "The next review is far away",
                           f"Set for {doc.next_review.isoformat()}: review the plan at least "
                           f"every {content.review_every_days} days, or it goes stale unseen."))
    old = unchecked(doc, fw, today)
    if old:
        out.append(Finding("objective_stale", 3, "Objectives not looked at for a while",
                           f"Not checked in the last {content.review_every_days} days.",
                           tuple(old)))
    unproven = value_case(doc, profile).unproven
    if unproven:
        out.append(Finding("value_unproven", 3, "Value without evidence",
                           "A figure the customer cannot check will not convince them.",
                           unproven))
    return sorted(out, key=lambda f: f.severity)


def qbr_evidence_from(doc: AccountPlanDoc, fw: Framework, today: dt.date) -> dt.date | None:
    """The first day after `today` on which a QBR enters or leaves the year `qbr_evidence`
    counts (None: none will)."""
    days = [d for q in doc.qbrs
            for d in (q.held_on, q.held_on + dt.timedelta(days=fw.account_plan.qbr.within_days
                                                           + 1))]
    return min((d for d in days if d > today), default=None)


def qbr_evidence(doc: AccountPlanDoc, smap: StakeholderMapDoc, fw: Framework,
                 today: dt.date) -> dict[str, tuple[int, str]]:
    """What the QBRs of the last year say, as relationship evidence (0-4 levels): prefill kind
    -> (level, where it came from). Nothing for what the QBRs cannot tell."""
    rule = fw.account_plan.qbr
    recent = [q for q in doc.qbrs if 0 <= (today - q.held_on).days <= rule.within_days]
    if not recent:
        return {}
    levels = {p.id: p.level for p in smap.people}
    senior = [q for q in recent if any(levels.get(pid) in rule.senior_levels
                                       for pid in q.theirs)]
    n, s = len(recent), len(senior)
    regular = n >= rule.regular_from
    # levels as relationship.yaml words them: none / once / held without senior attendance /
    # regularly, sometimes senior / regularly with senior attendance
    reviews = (1 if n == 1 else 2) if not regular else 2 if s == 0 else 3 if s < n else 4
    where = f"your account plan: {n} QBR{'s' if n > 1 else ''} in the last year, {s} with " \
            "their senior people"
    out = {"business_reviews": (reviews, where)}
    if any(q.theirs for q in recent):  # who of theirs came is known: attendance can be told
        out["executive_attendance"] = (0 if s == 0 else 1 if s == 1 else
                                       2 if s < rule.regular_from else 3, where)
    shared = sum(q.plans_shared for q in recent)
    if shared:  # shared in a review: on request, as far as a QBR can tell
        out["plan_sharing"] = (2, f"your account plan: they shared their plans at {shared} QBR"
                                  f"{'s' if shared > 1 else ''}")
    return out
