"""A trainee's work that names a real-looking customer person in every place a person can show:
the map's versions (one after he was removed from the map), another step's evidence, a
manager's comment, the dashboard figures and a case-study check. The privacy tests erase him,
prune around him and pseudonymise him."""

from __future__ import annotations

from kamkit.models import Attempt, PeerLink, Review, Stakeholder, StakeholderMapDoc, TeamMember
from kamkit.review import ReviewSession

ZEB = "Zebediah Quuxworth"
EMAIL = "zeb.quux@nordwind.example"
AGENDA = "Wants the Krumlauf depot closed before his bonus"
#: text that must not survive his erasure, anywhere
TRACES = ("Quuxworth", "zeb.quux", "Krumlauf")
#: text that must survive it (the rest of the work)
KEPT = ("Greta Lind", "Olga Ferrant", "Tactical opening")


def _map(*, with_zeb: bool = True, olga: bool = False) -> StakeholderMapDoc:
    people = [Stakeholder(id="p1", name="Greta Lind", title="CEO", influence=5, support=1,
                          evidence="Tactical opening at the fair")]
    if with_zeb:
        people.append(Stakeholder(id="p2", name=ZEB, title="CFO", email=EMAIL, influence=5,
                                  support=-2, reports_to="p1", personal_agenda=AGENDA))
    if olga:
        people.append(Stakeholder(id="p3", name="Olga Ferrant", title="Controller",
                                  reports_to="p2" if with_zeb else None,
                                  influences=["p2"] if with_zeb else [],
                                  evidence=f"Says {ZEB} will block us"))
    links = [PeerLink(ours="t1", theirs=p.id, today=2, wanted=3) for p in people]
    return StakeholderMapDoc(people=people, links=links,
                             team=[TeamMember(id="t1", name="Ana Costa", role="account manager")])


def seed(store, *, trainee: str = "Ana Costa") -> dict:
    """Ana's two accounts: Nordwind (three map versions, the last without Zeb, a relationship
    that names him, a review that names him, figures kept, a case check) and Baltic (Zeb too,
    by the same email)."""
    ana = store.add_trainee(trainee, cohort="May")
    nordwind = store.add_account(ana.id, "Nordwind")
    store.save_document(nordwind.id, "profile", {"industry": "Logistics"})
    store.save_document(nordwind.id, "stakeholders", _map())
    store.save_document(nordwind.id, "stakeholders", _map(olga=True))
    store.add_review(Review(account_id=nordwind.id, step="stakeholders", doc_version=2,
                            status="needs_rework", reviewer="Mia",
                            comment=f"What is your plan for {ZEB}? Ask Olga Ferrant."))
    store.save_document(nordwind.id, "stakeholders", _map(with_zeb=False, olga=True))
    store.save_document(nordwind.id, "relationship", {
        "gut_feeling": 55, "feeling_reason": f"{EMAIL} answers fast",
        "ratings": {"plan_sharing": {"level": 2, "evidence": "Quuxworth showed us the hub plan"}}})
    store.add_attempt(Attempt(account_id=nordwind.id, case_id="x", step="stakeholders",
                              attempt=1, score=50, passed=False, hints=1, wrong=["person:p2"]))
    baltic = store.add_account(ana.id, "Baltic")
    store.save_document(baltic.id, "stakeholders", StakeholderMapDoc(people=[
        Stakeholder(id="p1", name="Zeb Quuxworth", email=EMAIL.upper()),
        Stakeholder(id="p2", name="Greta Lind")]))
    ReviewSession(store, "Mia").rows()  # the dashboard keeps both accounts' figures
    return {"trainee": ana, "nordwind": nordwind, "baltic": baltic}
