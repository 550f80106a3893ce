"""Models: every bad value fails with a message a trainee can read."""

from __future__ import annotations

import pytest

from kamkit.errors import InvalidInput
from kamkit.models import (
    PeerLink,
    ProfileDoc,
    RelationshipDoc,
    Stakeholder,
    StakeholderMapDoc,
    TeamMember,
    Trainee,
    copy_of_person,
    new_id,
    parse,
    parse_keeping,
    with_person,
    with_team_member,
    without_team_member,
)


def test_out_of_range_influence_says_the_range_and_the_value():
    with pytest.raises(InvalidInput) as err:
        parse(Stakeholder, {"id": "p1", "name": "Greta", "influence": 7})
    assert str(err.value) == "Influence must be at most 5 (got 7)"
    assert err.value.field == "influence"


def test_unknown_ratings_are_allowed_and_stay_unknown():
    """Is 'unknown' an answer? Yes: None is kept, not turned into neutral."""
    person = parse(Stakeholder, {"id": "p1", "name": "Greta"})
    assert person.influence is None and person.support is None


def test_spend_with_us_cannot_exceed_total_spend():
    with pytest.raises(InvalidInput, match="cannot exceed their total spend"):
        parse(ProfileDoc, {"total_category_spend": 100, "spend_with_us": 150})


def test_share_of_wallet_follows_from_spend():
    doc = parse(ProfileDoc, {"total_category_spend": 400, "spend_with_us": 100})
    assert doc.share_of_wallet == pytest.approx(25)
    assert ProfileDoc().share_of_wallet is None


def test_impossible_date_is_refused_readably():
    with pytest.raises(InvalidInput, match="Next renewal must be a real date"):
        parse(ProfileDoc, {"next_renewal": "2026-02-30"})


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), "Infinity", "inf",
                                   "NaN", 1e308 * 10])
@pytest.mark.parametrize("field", ["revenue_with_us", "total_category_spend", "segmentation"])
def test_infinity_and_nan_are_refused_not_kept_as_nothing(field, value):
    """JSON writes them as null: accepted, a figure would silently become 'not given'."""
    data = {field: {"fit": value} if field == "segmentation" else value}
    with pytest.raises(InvalidInput, match="must be a real number, not infinity or NaN") as err:
        parse(ProfileDoc, data)
    assert err.value.field.startswith(field)


@pytest.mark.parametrize("model, data, field, message", [
    (Trainee, {"name": "Ann\x00Lee"}, "name", "Name cannot hold a NUL character"),
    (Trainee, {"name": "Ann", "login": "ann\x1b[31m"}, "login",
     r"Login cannot hold a control character \(U\+001B\)"),
    (Stakeholder, {"id": "p1", "name": "Bob\nEvil"}, "name", "Name cannot hold a line break"),
    (Stakeholder, {"id": "p1", "name": "Bob", "title": "CFO\tx"}, "title",
     "Title cannot hold a tab"),
    (Stakeholder, {"id": "p1", "name": "Bob", "needs": "one\x00two"}, "needs",
     "Needs cannot hold a NUL character"),
    (ProfileDoc, {"pressures": ["ok", "ba\x0bd"]}, "pressures.1",
     r"Pressures cannot hold a control character \(U\+000B\)"),
    (RelationshipDoc, {"plan": [{"indicator": "x\x00"}]}, "plan.0.indicator",
     "Indicator cannot hold a NUL character"),
    (RelationshipDoc, {"ratings": {"x\x00": {"level": 1}}}, "ratings.x\x00.[key]",
     "Ratings cannot hold a NUL character"),
], ids=["NUL in a name", "escape in a login", "line break in a name", "tab in a title",
        "NUL in long text", "vertical tab in a list item", "NUL in a reference",
        "NUL in a mapping's key"])
def test_control_characters_are_refused_naming_the_field(model, data, field, message):
    with pytest.raises(InvalidInput, match=f"^{message}; remove it") as err:
        parse(model, data)
    assert err.value.field == field


def test_long_text_keeps_its_line_breaks_and_tabs():
    person = parse(Stakeholder, {"id": "p1", "name": "Bob", "needs": "one\r\n\ttwo\n"})
    assert person.needs == "one\r\n\ttwo\n"


def test_work_saved_before_the_rule_still_opens_without_the_control_characters():
    """What the store already holds is read back, not refused: it loses the characters."""
    saved = ('{"people": [{"id": "p1", "name": "Bob\\u0000", "title": "Head of\\nSales",'
             ' "needs": "a\\u0007\\nb"}]}')
    person = StakeholderMapDoc.model_validate_json(saved).people[0]
    assert (person.name, person.title, person.needs) == ("Bob", "Head of Sales", "a\nb")


def test_every_problem_is_reported_with_its_field():
    with pytest.raises(InvalidInput) as err:
        parse(ProfileDoc, {"margin_pct": 140, "years_as_customer": -1})
    fields = [f for f, _ in err.value.problems]
    assert fields == ["margin_pct", "years_as_customer"]
    assert "and 1 more problem" in str(err.value)


def test_blank_name_is_refused():
    with pytest.raises(InvalidInput, match="Name cannot be empty"):
        parse(Trainee, {"name": "   "})


def test_placeholder_role_needs_no_name_but_a_person_does():
    assert parse(Stakeholder, {"id": "cfo", "title": "new CFO", "placeholder": True})
    with pytest.raises(InvalidInput, match="needs a name"):
        parse(Stakeholder, {"id": "x"})


def test_map_refuses_a_reports_to_line_to_nobody():
    with pytest.raises(InvalidInput, match="unknown person 'ghost'"):
        parse(StakeholderMapDoc, {"people": [{"id": "p1", "name": "A", "reports_to": "ghost"}]})


def test_unknown_fields_are_refused_not_silently_dropped():
    with pytest.raises(InvalidInput, match="not a field kamkit knows"):
        parse(ProfileDoc, {"favourite_colour": "blue"})


# -- editing the map: pure functions the stakeholder view calls ---------------------------------

def _map():
    return StakeholderMapDoc(
        people=[Stakeholder(id="p1", name="Greta"), Stakeholder(id="p2", name="Tomasz",
                                                                reports_to="p1")],
        team=[TeamMember(id="t1", name="You", role="account manager")],
        links=[PeerLink(ours="t1", theirs="p1", today=2), PeerLink(ours="t1", theirs="p2")])


def test_new_ids_skip_the_ones_in_use():
    assert new_id({"p1", "p3"}, "p") == "p4" and new_id({"p2", "p3"}, "p") == "p4"
    assert new_id(set(), "t") == "t1" and new_id({"p3", "p4"}, "p") == "p5"


def test_a_changed_person_keeps_their_place_and_their_links_are_replaced():
    new = with_person(_map(), Stakeholder(id="p1", name="Greta Lind"),
                      [PeerLink(ours="t1", theirs="p1", today=4)])
    assert [p.name for p in new.people] == ["Greta Lind", "Tomasz"]
    assert [(lk.theirs, lk.today) for lk in new.links] == [("p2", None), ("p1", 4)]


def test_a_new_person_joins_at_the_end_with_their_links():
    new = with_person(_map(), Stakeholder(id="p3", name="Lena", reports_to="p2"),
                      [PeerLink(ours="t1", theirs="p3", today=1)])
    assert [p.id for p in new.people] == ["p1", "p2", "p3"]
    assert [lk.theirs for lk in new.links] == ["p1", "p2", "p3"]


def test_a_change_that_closes_a_reports_to_loop_is_refused():
    with pytest.raises(InvalidInput, match="circle"):
        with_person(_map(), Stakeholder(id="p1", name="Greta", reports_to="p2"))


def test_a_copy_gets_a_new_id_and_says_it_is_a_copy():
    new = copy_of_person(_map(), "p2")
    assert [(p.id, p.name) for p in new.people][-1] == ("p3", "Tomasz (copy)")
    assert new.people[-1].reports_to == "p1"


def test_team_members_come_and_go_with_their_links():
    grown = with_team_member(_map(), "Petra", "sponsor", "executive")
    assert [t.id for t in grown.team] == ["t1", "t2"]
    shrunk = without_team_member(grown, "t1")
    assert [t.id for t in shrunk.team] == ["t2"] and shrunk.links == []


def test_a_team_member_needs_a_known_role():
    with pytest.raises(InvalidInput):
        with_team_member(_map(), "Petra", "mascot", None)


# -- saving what is valid while one field is not -------------------------------------------------

def test_a_field_that_breaks_a_rule_keeps_its_saved_value_and_the_rest_is_kept():
    saved = ProfileDoc(total_category_spend=1000, spend_with_us=400)
    typed = {**saved.model_dump(), "spend_with_us": 5000, "years_as_customer": 7,
             "products_in_use": ["Telematics"]}
    doc, problems = parse_keeping(ProfileDoc, typed, saved)
    assert (doc.spend_with_us, doc.years_as_customer, doc.products_in_use) == (
        400, 7, ["Telematics"])
    assert [f for f, _ in problems] == ["spend_with_us"]
    assert "cannot exceed" in problems[0][1]


def test_one_bad_entry_of_a_mapping_keeps_the_other_entries():
    from kamkit.models import RelationshipDoc

    saved = RelationshipDoc(gut_feeling=60, feeling_locked=True,
                            ratings={"retention": {"level": 2}})
    typed = saved.model_dump() | {"ratings": {"retention": {"level": 9},
                                              "testimonial": {"level": 3, "evidence": "Quote"}}}
    doc, problems = parse_keeping(RelationshipDoc, typed, saved)
    assert doc.ratings["retention"].level == 2 and doc.ratings["testimonial"].level == 3
    assert problems[0][0] == "ratings.retention.level"


def test_a_rule_of_the_whole_document_undoes_only_the_part_that_breaks_it():
    from kamkit.models import RelationshipDoc

    saved = RelationshipDoc(gut_feeling=60, feeling_locked=True)
    typed = saved.model_dump() | {"feeling_reason": "Trusted",
                                  "plan": [{"indicator": "retention"}, {"indicator": "retention"}]}
    doc, problems = parse_keeping(RelationshipDoc, typed, saved)
    assert doc.feeling_reason == "Trusted" and doc.plan == []
    assert problems == [("plan", "Each indicator once in the plan, please")]


def test_nothing_valid_to_keep_returns_the_saved_document_unchanged():
    saved = ProfileDoc(industry="Chemicals")
    doc, problems = parse_keeping(ProfileDoc, {"industry": "x" * 500}, saved)
    assert doc == saved and problems and problems[0][0] == "industry"
