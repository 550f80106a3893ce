"""The customer's people, handled in one place: erased from a document with everything that
points at them, or put under pseudonyms consistently - for any step's document, by the marks
its model carries."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kamkit.models import (
    PeerLink,
    RelationshipDoc,
    Stakeholder,
    StakeholderMapDoc,
    TeamMember,
    personal,
)
from kamkit.privacy import (
    REMOVED,
    Person,
    Pseudonyms,
    matches,
    people,
    pseudonymise,
    pseudonymise_all,
    scrub,
    traces,
    without_people,
)

ZEB = "Zebediah Quuxworth"


def _map() -> StakeholderMapDoc:
    return StakeholderMapDoc(
        people=[
            Stakeholder(id="p1", name="Greta Lind", title="CEO", influence=5, support=0,
                        evidence="Said Zebediah Quuxworth runs the tender."),
            Stakeholder(id="p2", name=ZEB, title="CFO", email="zeb.quux@nordwind.example",
                        influence=5, support=-2, reports_to="p1",
                        personal_agenda="Wants the Krumlauf depot closed before his bonus.",
                        needs="Cost cuts", action="Meet Quuxworth before the board"),
            Stakeholder(id="p3", name="Olga Ferrant", title="Controller", reports_to="p2",
                        influences=["p2", "p1"], wants="Quuxworth's job"),
        ],
        team=[TeamMember(id="t1", name="Ana Costa", role="account manager")],
        links=[PeerLink(ours="t1", theirs="p2", today=2, wanted=3),
               PeerLink(ours="t1", theirs="p1", today=1, wanted=2)])


def test_the_people_of_a_map_are_found_by_the_marks_on_the_model():
    assert [(p.id, p.name, p.email) for p in people(_map())] == [
        ("p1", "Greta Lind", ""), ("p2", ZEB, "zeb.quux@nordwind.example"),
        ("p3", "Olga Ferrant", "")]
    zeb = people(_map())[1]
    assert matches(zeb, "zebediah quuxworth") and matches(zeb, "ZEB.QUUX@nordwind.example")
    assert not matches(zeb, "p2") and matches(zeb, "p2", by_id=True)
    assert not matches(zeb, "Zebediah") and not matches(zeb, "  ")


def test_an_erased_person_takes_every_line_link_and_mention_with_them():
    """Is nothing left that points at them or names them?"""
    doc = _map()
    everyone = people(doc)
    found = traces([p for p in everyone if p.id == "p2"], [p for p in everyone if p.id != "p2"])
    left = without_people(doc, {"p2"}, found)
    assert [p.id for p in left.people] == ["p1", "p3"]
    olga = left.people[1]
    assert olga.reports_to is None and olga.influences == ["p1"]
    assert [(lk.ours, lk.theirs) for lk in left.links] == [("t1", "p1")]
    text = left.model_dump_json()
    assert "Quuxworth" not in text and "zeb.quux" not in text and "Krumlauf" not in text
    assert left.people[0].evidence == f"Said {REMOVED} runs the tender."
    assert olga.wants == f"{REMOVED}'s job"  # the surname alone, as written
    assert left.team == doc.team and left.people[0] == doc.people[0].model_copy(
        update={"evidence": left.people[0].evidence})


def test_erasing_someone_not_on_the_map_changes_nothing():
    doc = _map()
    assert without_people(doc, {"p9"}) == doc


def test_a_surname_someone_else_keeps_is_not_cut_out_of_their_name():
    gone = [p for p in people(_map()) if p.id == "p1"]
    kept = [*people(_map()), *people(StakeholderMapDoc(people=[
        Stakeholder(id="p8", name="Hedda Lind")]))]
    found = traces(gone, [p for p in kept if p.id != "p1"])
    assert scrub("Greta Lind and Hedda Lind", found) == f"{REMOVED} and Hedda Lind"
    assert scrub("a lind tree", traces(gone)) == "a lind tree"  # as written only


class _Contact(BaseModel):
    model_config = ConfigDict(json_schema_extra=personal("person"))
    id: str
    name: str = Field(json_schema_extra=personal("name"))
    notes: str = Field(default="", json_schema_extra=personal("about"))


class _Plan(BaseModel):
    """A step of another package's: people, an owner that points at one, and ratings keyed by
    person id - kamkit has never seen it."""

    contacts: list[_Contact] = []
    owner: str | None = Field(default=None, json_schema_extra=personal("ref"))
    warmth: dict[str, int] = Field(default_factory=dict, json_schema_extra=personal("ref"))
    summary: str = ""


def test_any_step_s_document_is_handled_by_its_marks_not_by_its_step():
    plan = _Plan(contacts=[_Contact(id="c1", name="Ivo Petrov", notes="hates golf"),
                           _Contact(id="c2", name="Mia Lund")],
                 owner="c1", warmth={"c1": 3, "c2": 1}, summary="Ivo Petrov decides.")
    left = without_people(plan, {"c1"}, traces(people(plan)[:1]))
    assert left == _Plan(contacts=[_Contact(id="c2", name="Mia Lund")], warmth={"c2": 1},
                         summary=f"{REMOVED} decides.")
    shown = pseudonymise(plan, Pseudonyms(), "a")
    assert [(c.name, c.notes) for c in shown.contacts] == [("Person 1", REMOVED),
                                                          ("Person 2", "")]
    assert shown.summary == "Person 1 decides." and shown.warmth == plan.warmth


def test_a_pseudonymised_map_keeps_the_analysis_and_names_nobody():
    shown = pseudonymise(_map(), Pseudonyms(), "acc1")
    zeb = shown.people[1]
    assert (zeb.name, zeb.email) == ("Person 2", "person-2@example.invalid")
    assert (zeb.title, zeb.influence, zeb.support, zeb.reports_to) == ("CFO", 5, -2, "p1")
    assert zeb.personal_agenda == zeb.needs == zeb.action == REMOVED
    assert zeb.wants == ""  # nothing was written: nothing to withhold
    assert shown.people[0].evidence == REMOVED  # notes about Greta: withheld as well
    assert shown.team == _map().team and shown.links == _map().links  # our side stays
    text = shown.model_dump_json()
    assert not any(w in text for w in ("Quuxworth", "Greta", "Ferrant", "zeb.quux", "Krumlauf"))


def test_the_same_person_is_the_same_pseudonym_in_every_version_and_step():
    v1 = _map()
    v2 = v1.model_copy(update={"people": [
        v1.people[0], v1.people[2].model_copy(update={"reports_to": None, "influences": []}),
        v1.people[1].model_copy(update={"id": "p4"})]})  # Zeb removed and added again
    relationship = RelationshipDoc(gut_feeling=60, feeling_reason="Olga Ferrant likes us",
                                   ratings={"plan_sharing": {"level": 2, "evidence":
                                            "zeb.quux@nordwind.example sent the plan"}})
    pseudonyms = Pseudonyms()
    # the relationship comes first: its text names people met only in the map
    rel, s1, s2 = pseudonymise_all([relationship, v1, v2], pseudonyms, "acc1")
    assert [p.name for p in s1.people] == ["Person 1", "Person 2", "Person 3"]
    assert [p.name for p in s2.people] == ["Person 1", "Person 3", "Person 2"]
    assert rel.feeling_reason == "Person 3 likes us"
    assert rel.ratings["plan_sharing"].evidence == "person-2@example.invalid sent the plan"
    # another account: people numbered on; the same email is the same person
    other = StakeholderMapDoc(people=[
        Stakeholder(id="p1", name="Someone Else"),
        Stakeholder(id="p2", name="Z. Quuxworth", email="ZEB.QUUX@nordwind.example")])
    assert [p.name for p in pseudonymise(other, pseudonyms, "acc2").people] == [
        "Person 4", "Person 2"]


def test_a_replacement_never_cuts_what_a_trainee_wrote():
    """A 117-character evidence that grows keeps its last words."""
    evidence = "Al Bo said yes. " + "x" * 90 + " Ask Al Bo."
    assert len(evidence) == 117
    doc = StakeholderMapDoc(people=[Stakeholder(id="p1", name="Al Bo"),
                                    Stakeholder(id="p2", name="Mia Lund", evidence=evidence)])
    left = without_people(doc, {"p1"}, traces(people(doc)[:1]))
    assert left.people[0].evidence == f"{REMOVED} said yes. " + "x" * 90 + f" Ask {REMOVED}."


def test_at_a_field_s_limit_the_stand_in_is_shorter_never_the_text():
    """A title of 197 characters naming him 32 times: "[removed]" would pass the title's 200;
    "[…]" stands in, and every other word stays."""
    title = "Al Bo " * 32 + "CFO"
    doc = StakeholderMapDoc(people=[Stakeholder(id="p1", name="Al Bo"),
                                    Stakeholder(id="p2", name="X", title=title)])
    assert len(doc.people[1].title) == 195
    left = without_people(doc, {"p1"}, traces(people(doc)[:1]))
    assert left.people[0].title == "[…] " * 32 + "CFO"
    shown = pseudonymise(doc, Pseudonyms(), "a")
    assert shown.people[1].title == "P1 " * 32 + "CFO"


class _Tiny(BaseModel):
    model_config = ConfigDict(json_schema_extra=personal("person"))
    id: str
    name: str = Field(max_length=5, json_schema_extra=personal("name"))
    notes: str = Field(default="", max_length=5, json_schema_extra=personal("about"))


class _Limited(BaseModel):
    """Another package's step whose texts have limits of their own, in a list and a union."""

    contacts: list[_Tiny] = []
    lines: list[Annotated[str, Field(max_length=12)]] = []
    short: Annotated[str, StringConstraints(max_length=12)] | None = None
    plain: str = Field(default="", max_length=12)
    free: str = ""


def test_every_limit_a_field_declares_is_kept_and_no_text_is_cut():
    said = "Al Bo, Al Bo"
    plan = _Limited(contacts=[_Tiny(id="c1", name="Al Bo", notes="tall")], lines=[said, "hi Al Bo"],
                    short=said, plain=said, free=said)
    left = without_people(plan, {"c1"}, traces(people(plan)))
    assert (left.lines, left.short, left.plain) == (["[…], […]", f"hi {REMOVED}"],
                                                     "[…], […]", "[…], […]")
    assert left.free == f"{REMOVED}, {REMOVED}"  # no limit: the whole placeholder
    shown = pseudonymise(plan, Pseudonyms(), "a")
    assert (shown.lines, shown.short, shown.plain, shown.free) == (
        ["P1, P1", "hi Person 1"], "P1, P1", "P1, P1",
        "Person 1, Person 1")
    assert (shown.contacts[0].name, shown.contacts[0].notes) == ("P1", "[…]")


def test_dates_and_numbers_come_through_untouched():
    doc = StakeholderMapDoc(people=[Stakeholder(id="p1", name="Ann Lee", influence=3,
                                                verified_on=dt.date(2026, 1, 2))])
    shown = pseudonymise(doc, Pseudonyms(), "a").people[0]
    assert (shown.influence, shown.verified_on) == (3, dt.date(2026, 1, 2))


def test_a_role_not_yet_filled_takes_no_number_until_someone_is_named_in_it():
    pseudonyms = Pseudonyms()
    begun = StakeholderMapDoc(people=[Stakeholder(id="p1", title="New CFO", placeholder=True),
                                      Stakeholder(id="p2", name="Greta Lind")])
    filled = begun.model_copy(update={"people": [
        Stakeholder(id="p1", name="Karl Weiss", title="CFO"), begun.people[1]]})
    first, then = pseudonymise_all([begun, filled], pseudonyms, "a")
    assert [p.name for p in first.people] == ["", "Person 1"]
    assert [p.name for p in then.people] == ["Person 2", "Person 1"]


def _will_and_mark() -> StakeholderMapDoc:
    return StakeholderMapDoc(people=[
        Stakeholder(id="p1", name="Will", evidence="Will signs."),
        Stakeholder(id="p2", name="Mark", evidence="We will meet Mark; Will and Mark decide."),
        Stakeholder(id="p3", name="Greta Lind", evidence="Willa says WILL is away.")])


def test_a_one_word_name_is_found_only_as_written():
    """Does erasing a stakeholder called Will leave 'we will meet' alone?"""
    doc = _will_and_mark()
    everyone = people(doc)
    left = without_people(doc, {"p1"}, traces(everyone[:1], everyone[1:]))
    assert [p.evidence for p in left.people] == [
        f"We will meet Mark; {REMOVED} and Mark decide.", "Willa says WILL is away."]


def test_a_one_word_name_someone_kept_shares_is_not_cut_out_of_theirs():
    will, turner = Person("p1", "Will", ""), Person("p2", "Will Turner", "")
    assert scrub("Will Turner met Will", traces([will], [turner])) == "Will Turner met Will"


def test_a_pseudonym_takes_a_one_word_name_only_as_written_and_only_when_it_is_theirs():
    doc = _will_and_mark()
    note = RelationshipDoc(feeling_reason="We will meet Will and Mark")
    pseudonyms = Pseudonyms()
    _, rel = pseudonymise_all([doc, note], pseudonyms, "a")
    assert rel.feeling_reason == "We will meet Person 1 and Person 2"
    pseudonyms.learn("a", StakeholderMapDoc(people=[Stakeholder(id="p4", name="Will Turner")]))
    assert pseudonyms.text("a", "Will and Will Turner") == "Will and Person 4"


def test_a_full_name_is_found_as_whole_words_however_spaced_and_as_written():
    """Is Strauß found as Strauß (not only as "strauss"), and Ann Lee never in Joann Leeds?"""
    ann, jurgen = Person("p1", "Ann Lee", ""), Person("p2", "Jürgen Strauß", "")
    found = traces([ann, jurgen])
    assert scrub("Joann Leeds met ann lee, Ann  Lee and Ann\nLee", found) == (
        f"Joann Leeds met {REMOVED}, {REMOVED} and {REMOVED}")
    assert scrub("Jürgen Strauß said no", found) == f"{REMOVED} said no"
