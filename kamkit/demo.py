"""A demo cohort to explore kamkit with: a filled-in sample account for the person at this
machine, and a small workshop cohort with work at different stages (none, partial, complete).
Everything here is invented."""

from __future__ import annotations

import datetime as dt
import getpass

from kamkit.models import (
    PeerLink,
    ProfileDoc,
    RelationshipDoc,
    Stakeholder,
    StakeholderMapDoc,
    Swot,
    TeamMember,
)
from kamkit.store import Store

__all__ = ["DEMO_COHORT", "seed_demo", "sample_profile", "sample_map", "sample_relationship"]

DEMO_COHORT = "Demo workshop"


def sample_profile(today: dt.date) -> ProfileDoc:
    return ProfileDoc(
        legal_name="Nordwind Logistics GmbH", industry="Logistics and warehousing",
        size_band="1,000-5,000 employees", regions=["Germany", "Poland", "Benelux"],
        ownership="Family-owned, second generation",
        strategy="Become the leading same-day carrier for e-commerce in Central Europe by 2028; "
                 "automate the three largest hubs.",
        pressures=["Driver shortage", "Energy costs", "Customers demanding live tracking"],
        changes=["New CFO from a private-equity background", "Hub automation programme"],
        currency="EUR", total_category_spend=4_200_000, spend_with_us=1_150_000,
        revenue_with_us=1_150_000, margin_pct=23, years_as_customer=6,
        next_renewal=today + dt.timedelta(days=150),
        products_in_use=["Fleet telematics", "Route planning"],
        white_space=["Warehouse robotics software", "Driver training platform"],
        competitors=["TransSoft", "RouteMax"],
        swot=Swot(strengths=["Trusted by operations"], weaknesses=["No access to the board"],
                  opportunities=["Hub automation programme"],
                  threats=["New CFO reviews suppliers"]),
        segmentation={"revenue_potential": 80, "strategic_importance": 70, "market_influence": 60,
                      "share_of_wallet": 27, "relationship_strength": 55},
    )


def sample_map(today: dt.date) -> StakeholderMapDoc:
    def person(pid: str, name: str, title: str, level: str, role: str | None,
               influence: int | None, support: int | None, **kw: object) -> Stakeholder:
        return Stakeholder(id=pid, name=name, title=title, level=level, role=role,
                           influence=influence, support=support,
                           verified_on=today - dt.timedelta(days=20), **kw)

    people = [
        person("p1", "Greta Lind", "CEO", "board", "decision maker", 5, 0),
        person("p2", "", "CFO (new, not yet met)", "executive", "budget holder", 5, None,
               placeholder=True),
        person("p3", "Tomasz Nowak", "COO", "executive", "decision maker", 4, 2,
               evidence="Asked us to present at his ops summit."),
        person("p4", "Lena Brandt", "Head of IT", "senior manager", "evaluator", 4, -1,
               evidence="Prefers RouteMax's API; said so in the last review."),
        person("p5", "Jan de Vries", "Hub manager Venlo", "manager", "user", 2, 2),
        person("p6", "Maria Kowalska", "Procurement lead", "manager", "gatekeeper", 3, 0),
        person("p7", "Felix Maier", "Fleet planner", "staff", "user", 1, 1),
        person("p8", "Sofia Rossi", "Head of Strategy", "senior manager", "coach", 3, 1),
    ]
    people[4] = people[4].model_copy(update={"reports_to": "p3"})
    team = [TeamMember(id="t1", name="You", role="account manager", level="manager"),
            TeamMember(id="t2", name="Dr. Petra Vogel", role="sponsor", level="executive")]
    links = [PeerLink(ours="t1", theirs="p3", today=3, wanted=4),
             PeerLink(ours="t1", theirs="p5", today=3, wanted=3),
             PeerLink(ours="t2", theirs="p1", today=1, wanted=3)]
    return StakeholderMapDoc(people=people, team=team, links=links)


def sample_relationship(today: dt.date) -> RelationshipDoc:
    """Two assessments: last quarter's, and today's (feeling 75, evidence rather lower)."""
    evidence = {
        "prompt_payment": (3, "Finance report: 41 days average against 45-day terms."),
        "executive_attendance": (2, "Their COO came to our spring briefing when invited."),
        "plan_sharing": (1, "Only the headlines of the automation programme."),
        "testimonial": (1, ""),
        "peer_contact": (2, "See the stakeholder map: manager level only."),
        "retention": (3, "Customer since 2020, both renewals won."),
        "share_of_wallet": (1, "27 % of their telematics spend."),
        "breadth_of_access": (2, "Operations and IT."),
        "business_reviews": (2, "QBRs held, without senior attendance."),
    }
    earlier = {k: max(0, v - 1) for k, (v, _) in evidence.items()}
    last_quarter = today - dt.timedelta(days=91)
    history = [{"started_on": last_quarter, "gut_feeling": 70, "feeling_locked": True,
                "feeling_reason": "They always take my calls.",
                "ratings": {k: {"level": v, "evidence": "Earlier assessment",
                                "as_of": last_quarter} for k, v in earlier.items()}}]
    return RelationshipDoc(
        started_on=today - dt.timedelta(days=2), gut_feeling=75, feeling_locked=True,
        feeling_reason="Operations love us and the COO is a fan.",
        ratings={k: {"level": v, "evidence": e, "as_of": today - dt.timedelta(days=30)}
                 for k, (v, e) in evidence.items()},
        plan=[{"indicator": "plan_sharing", "action": "Propose a joint planning day with the "
               "COO before the budget round", "owner": "You",
               "due": today + dt.timedelta(days=45)}],
        history=history)


def seed_demo(store: Store, today: dt.date | None = None) -> dict[str, str]:
    """Add the demo cohort and a sample account for this machine's user. Returns
    {trainee name: personal-link token} for the cohort."""
    today = today or dt.date.today()
    me = getpass.getuser()
    try:
        mine = store.get_trainee_by_login(me)
    except Exception:
        mine = store.add_trainee(me, login=me)
    acc = store.add_account(mine.id, "Nordwind Logistics (sample)")
    store.save_document(acc.id, "profile", sample_profile(today))
    store.save_document(acc.id, "stakeholders", sample_map(today))
    store.save_document(acc.id, "relationship", sample_relationship(today))

    tokens = {}
    plans = {
        "Ana Costa": [("Nordwind Logistics", ("profile", "stakeholders", "relationship")),
                      ("Helix Pharma", ("partial-profile",))],
        "Ben Okafor": [("Trivento Foods", ("partial-profile",))],
        "Chloé Martin": [("Solara Energy", ("profile", "partial-map"))],
        "Dev Patel": [],
    }
    for name, accounts in plans.items():
        trainee = store.add_trainee(name, cohort=DEMO_COHORT)
        for account_name, work in accounts:
            acc = store.add_account(trainee.id, account_name)
            for part in work:
                _seed_part(store, acc.id, part, today)
        tokens[name] = store.issue_token(trainee.id)
    return tokens


def _seed_part(store: Store, account_id: int, part: str, today: dt.date) -> None:
    if part == "profile":
        store.save_document(account_id, "profile", sample_profile(today))
    elif part == "partial-profile":
        # saved twice, so the history shows work evolving
        store.save_document(account_id, "profile", ProfileDoc(industry="Food manufacturing"))
        store.save_document(account_id, "profile", ProfileDoc(
            industry="Food manufacturing", size_band="500-1,000 employees",
            pressures=["Retailer price pressure"], total_category_spend=800_000,
            spend_with_us=120_000))
    elif part == "stakeholders":
        store.save_document(account_id, "stakeholders", sample_map(today))
    elif part == "partial-map":
        full = sample_map(today)
        store.save_document(account_id, "stakeholders",
                            StakeholderMapDoc(people=full.people[:3], team=full.team[:1]))
    elif part == "relationship":
        store.save_document(account_id, "relationship", sample_relationship(today))
