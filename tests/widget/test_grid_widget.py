"""The Decision-Making Grid widget's Python side: the words its script needs come from the
content, and a person moved from the keyboard is saved exactly as a dropped one (the script
writes `points` and `picked` in one message either way - here as ipywidgets applies it)."""

from __future__ import annotations

import pytest

from kamkit.session import Session
from kamkit.ui.grid_widget import START, contact_legend, grid_config
from kamkit.ui.stakeholders import StakeholdersApp, app


@pytest.fixture
def session(store):
    s = Session(store, store.add_trainee("Ann"))
    s.create_account("Nordwind Logistics")
    return s


def _from_the_page(view: StakeholdersApp, pid: str, influence: int, support: int) -> None:
    """What grid.js sends on a drop or an arrow key: the moved point and who was moved."""
    points = [{**p, "influence": influence, "support": support} if p["id"] == pid else p
              for p in view.grid.points]
    view.grid.set_state({"points": points, "picked": pid})


def test_the_config_carries_the_contents_words_for_every_cell(framework):
    cfg = grid_config(framework.grid)
    assert cfg["influence_labels"]["4"] == "major" and cfg["support_labels"]["1"] == "supportive"
    assert cfg["support_labels"]["-2"] == "strongly opposed"
    assert (cfg["influence_range"], cfg["support_range"]) == ([1, 5], [-2, 2])
    assert len(cfg["places"]) == 25
    assert cfg["places"]["4,1"] == "Driver" and cfg["places"]["3,1"] == "Advocate"
    assert cfg["places"]["5,0"] == "Swing vote" and cfg["places"]["1,-2"] == "Critic"
    assert cfg["unmapped"] == "Unmapped"
    assert cfg["contacts"]["0"] == "no contact" and cfg["contacts"]["4"] == "trusted advisor"
    assert cfg["start"] == {"influence": 3, "support": 0}


def test_the_config_follows_the_trainers_threshold_and_labels(framework):
    grid = framework.grid
    changed = grid.model_copy(update={"influence": grid.influence.model_copy(update={
        "high_from": 3, "labels": {**grid.influence.labels, 3: "real"}})})
    cfg = grid_config(changed)
    assert cfg["places"]["3,1"] == "Driver"  # 3 now counts as high influence
    assert cfg["influence_labels"]["3"] == "real"


def test_the_contact_legend_numbers_each_level_as_the_dots_do(framework):
    legend = contact_legend(framework.grid)
    for level, name in [(1, "vendor"), (2, "credible source"), (3, "problem solver"),
                        (4, "trusted advisor")]:
        assert f">{level}</span> {name}" in legend
    assert "</span> no contact" in legend


def test_a_key_move_is_saved_like_a_drop_and_selects_the_person(session, store):
    view = app(session)
    greta = view.add_person("Greta")
    view.form.influence.input.value, view.form.support.input.value = 3, 1
    other = view.add_person("Other")  # the form now shows someone else
    assert view.selected == other
    _from_the_page(view, greta, 4, 1)  # ArrowUp on Greta
    assert view.selected == greta
    assert (view.form.influence.value, view.form.support.value) == (4, 1)
    assert "<b>Driver</b>" in view.form.category.value
    saved = {p.id: p for p in store.get_document(session.account.id, "stakeholders").people}
    assert (saved[greta].influence, saved[greta].support) == (4, 1)
    assert saved[greta].verified_on is not None  # re-rated, so checked today, as a drop is
    assert view.grid.picked == ""  # ready to hear the same person picked again
    points = {p["id"]: p for p in view.grid.points}
    assert points[greta]["selected"] and not points[other]["selected"]


def test_a_person_from_the_tray_lands_in_the_middle_on_the_first_key(session, store):
    view = app(session)
    pid = view.add_person("Paula")
    (waiting,) = view.grid.points
    assert (waiting["influence"], waiting["support"]) == (None, None)
    _from_the_page(view, pid, START["influence"], START["support"])
    (person,) = store.get_document(session.account.id, "stakeholders").people
    assert (person.influence, person.support) == (3, 0)
    assert view.people.options[0][0] == "Paula · Observer"


def test_each_point_carries_our_best_contact_as_a_number(session):
    view = app(session)
    pid = view.add_person("Greta")
    view.add_team_member("Petra", "sponsor", "board")
    view.people.value = pid
    today, _ = view.form.link_fields["t1"]
    today.value = 3
    (point,) = view.grid.points
    assert point["contact"] == 3
