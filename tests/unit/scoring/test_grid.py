"""The Decision-Making Grid: every boundary, and unknown as its own place."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamkit.models import Stakeholder, StakeholderMapDoc
from kamkit.scoring.grid import category_for, default_action, place_person


@pytest.mark.parametrize("influence, support, expected", [
    (5, 2, "driver"), (4, 1, "driver"),
    (3, 1, "advocate"), (1, 2, "advocate"),
    (4, 0, "swing_vote"), (5, 0, "swing_vote"),
    (3, 0, "observer"), (1, 0, "observer"),
    (4, -1, "threat"), (5, -2, "threat"),
    (3, -1, "critic"), (1, -2, "critic"),
])
def test_every_cell_and_boundary_of_the_grid(framework, influence, support, expected):
    assert category_for(influence, support, framework.grid).id == expected


def test_opposed_high_influence_is_a_threat(framework):
    person = Stakeholder(id="p", name="Lena", influence=4, support=-1)
    assert place_person(person, framework.grid).name == "Threat"


@pytest.mark.parametrize("influence, support", [(None, 2), (5, None), (None, None)])
def test_an_unknown_rating_is_unmapped_not_an_observer(framework, influence, support):
    assert category_for(influence, support, framework.grid).id == "unmapped"


def test_the_category_proposes_an_action_the_trainee_can_override(framework):
    threat = Stakeholder(id="p", name="Lena", influence=4, support=-1)
    assert default_action(threat, framework.grid) == "Convert or neutralise"
    planned = threat.model_copy(update={"action": "Invite to the pilot review"})
    assert default_action(planned, framework.grid) == "Invite to the pilot review"


def test_reports_to_lines_in_a_circle_are_refused():
    from kamkit.errors import InvalidInput
    from kamkit.models import parse

    people = [{"id": "a", "name": "Ann", "reports_to": "b"},
              {"id": "b", "name": "Bob", "reports_to": "c"},
              {"id": "c", "name": "Cy", "reports_to": "a"}]
    with pytest.raises(InvalidInput, match="go round in a circle: Ann → Bob → Cy → Ann"):
        parse(StakeholderMapDoc, {"people": people})
    with pytest.raises(InvalidInput, match="circle: Ann → Ann"):
        parse(StakeholderMapDoc, {"people": [{"id": "a", "name": "Ann", "reports_to": "a"}]})


ratings = st.tuples(st.one_of(st.none(), st.integers(1, 5)),
                    st.one_of(st.none(), st.integers(-2, 2)))


@given(people=st.lists(ratings, min_size=2, max_size=10), moved=st.data())
def test_moving_a_person_changes_only_that_persons_category(people, moved):
    from kamkit.frameworks import default_framework

    grid = default_framework().grid
    doc = StakeholderMapDoc(people=[Stakeholder(id=f"p{i}", name=f"P{i}", influence=i_,
                                                support=s) for i, (i_, s) in enumerate(people)])
    which = moved.draw(st.integers(0, len(people) - 1))
    new_influence, new_support = moved.draw(ratings)
    people_after = list(doc.people)
    people_after[which] = people_after[which].model_copy(
        update={"influence": new_influence, "support": new_support})
    before = [place_person(p, grid).id for p in doc.people]
    after = [place_person(p, grid).id for p in people_after]
    assert [b for i, b in enumerate(before) if i != which] == \
        [a for i, a in enumerate(after) if i != which]


def test_removing_a_person_removes_every_line_and_link_to_them():
    from kamkit.models import PeerLink, TeamMember, without_person

    doc = StakeholderMapDoc(
        people=[Stakeholder(id="a", name="Ann"),
                Stakeholder(id="b", name="Bob", reports_to="a", influences=["a"])],
        team=[TeamMember(id="t", name="Me", role="account manager")],
        links=[PeerLink(ours="t", theirs="a", today=2), PeerLink(ours="t", theirs="b", today=3)])
    left = without_person(doc, "a")
    assert [p.id for p in left.people] == ["b"]
    assert (left.people[0].reports_to, left.people[0].influences) == (None, [])
    assert [lk.theirs for lk in left.links] == ["b"]


def test_a_changed_rating_is_dated_today_unless_the_trainee_dated_it():
    import datetime as dt

    from kamkit.scoring.grid import dated_if_rerated

    today, earlier = dt.date(2026, 11, 23), dt.date(2026, 1, 5)
    old = Stakeholder(id="a", name="Ann", influence=3, support=0, verified_on=earlier)
    moved = old.model_copy(update={"support": 1})
    assert dated_if_rerated(old, moved, today).verified_on == today
    own_date = moved.model_copy(update={"verified_on": dt.date(2026, 11, 1)})
    assert dated_if_rerated(old, own_date, today).verified_on == dt.date(2026, 11, 1)
    renamed = old.model_copy(update={"name": "Anna"})
    assert dated_if_rerated(old, renamed, today).verified_on == earlier
