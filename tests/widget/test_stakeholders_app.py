"""The stakeholder map, used as a trainee would on an in-memory store: people, the grid in both
directions, coverage findings, our team, and a CRM import."""

from __future__ import annotations

import pytest

from kamkit.session import Session
from kamkit.ui.stakeholders import StakeholdersApp, app


@pytest.fixture
def session(store):
    s = Session(store, store.add_trainee("Ann"))
    s.create_account("Nordwind Logistics")
    return s


def _rate(view: StakeholdersApp, influence: int | None, support: int | None) -> None:
    view.form.influence.input.value = influence
    view.form.support.input.value = support


def _drag(view: StakeholdersApp, pid: str, influence: int, support: int) -> None:
    """What the browser does on a drop: write the moved point back into `points`."""
    view.grid.points = [{**p, "influence": influence, "support": support} if p["id"] == pid
                        else p for p in view.grid.points]


def test_adding_and_rating_a_person_puts_them_on_the_grid(session, store):
    view = app(session)
    pid = view.add_person("Greta <Lind>")
    (waiting,) = view.grid.points  # unknown ratings: unmapped - in the tray, not on the grid
    assert (waiting["influence"], waiting["support"]) == (None, None)
    assert "Greta &lt;Lind&gt;" in view.unmapped.value
    _rate(view, 5, 0)
    (point,) = view.grid.points
    assert (point["id"], point["influence"], point["support"]) == (pid, 5, 0)
    assert view.people.options[0][0] == "Greta <Lind> · Swing vote"
    assert store.get_document(session.account.id, "stakeholders").people[0].influence == 5


def test_dragging_a_point_moves_the_numbers_and_the_category(session):
    view = app(session)
    pid = view.add_person("Greta")
    _rate(view, 5, 0)
    _drag(view, pid, 4, -1)
    assert (view.form.influence.value, view.form.support.value) == (4, -1)
    assert "<b>Threat</b>" in view.form.category.value
    assert "Convert or neutralise" in view.form.category.value


def test_editing_the_numbers_moves_the_point(session):
    view = app(session)
    view.add_person("Tomasz")
    _rate(view, 4, 2)
    view.form.support.input.value = 1
    assert view.grid.points[0]["support"] == 1
    assert view.people.options[0][0] == "Tomasz · Driver"


def test_moving_one_person_leaves_the_others_where_they_are(session):
    view = app(session)
    a = view.add_person("A")
    _rate(view, 5, 2)
    b = view.add_person("B")
    _rate(view, 2, -1)
    _drag(view, a, 1, 0)
    where = {p["id"]: (p["influence"], p["support"]) for p in view.grid.points}
    assert where == {a: (1, 0), b: (2, -1)}


def test_a_nameless_person_is_explained_and_not_saved(session, store):
    view = app(session)
    view.add_person("Greta")
    view.form.name.input.value = ""
    assert "needs a name" in view.form.name.message.text
    assert "Saved, except the field marked in red" in view.save_status.text
    assert store.get_document(session.account.id, "stakeholders").people[0].name == "Greta"
    view.form.placeholder.value = True  # a role not yet met needs no name
    assert view.form.name.message.text == ""


def test_a_reports_to_loop_is_refused_next_to_the_field(session):
    view = app(session)
    a = view.add_person("Ann")
    b = view.add_person("Bob")
    view.form.reports_to.input.value = a  # Bob reports to Ann
    view.people.value = a
    view.form.reports_to.input.value = b  # Ann reports to Bob: a circle
    assert "go round in a circle" in view.form.reports_to.message.text


def test_team_links_and_coverage_findings_follow_the_map(session):
    view = app(session)
    pid = view.add_person("Greta")
    view.form.role.input.value = "decision maker"
    _rate(view, 5, 1)
    assert "People with power and no meaningful contact" in view.findings.value
    view.add_team_member("Petra <Vogel>", "sponsor", "board")
    assert "Petra &lt;Vogel&gt;" in view.team_list.value
    view.people.value = pid
    today, wanted = view.form.link_fields["t1"]
    today.value, wanted.value = 3, 4
    assert "People with power and no meaningful contact" not in view.findings.value
    assert "Map quality 3/3" in view.findings.value
    assert "Greta: 3 → 4" in view.peer_table.value
    assert "← Petra &lt;Vogel&gt; (3)" in view.tree.value


def test_duplicate_and_remove(session):
    view = app(session)
    view.add_person("Greta")
    view.form.title.input.value = "CEO"
    view.duplicate_person()
    assert [o[0].split(" · ")[0] for o in view.people.options] == ["Greta", "Greta (copy)"]
    assert view.form.title.value == "CEO"
    view.remove_person()
    assert [o[0].split(" · ")[0] for o in view.people.options] == ["Greta"]


def test_crm_import_previews_then_adds_unmapped_people_after_confirming(session, store):
    view = app(session)
    view.crm_load("report.csv", b"First Name,Last Name,Title,Account Name,Role\n"
                                b"Anna,Berg,CFO,Nordwind Logistics,Economic Buyer\n"
                                b"Xia,Yu,Buyer,Other Co,\n")
    assert "Salesforce report" in view.crm_preview.value
    assert "another company (Other Co)" in view.crm_preview.value
    assert store.load_document(session.account.id, "stakeholders").people == []
    view.crm_confirm.click()
    (anna,) = store.get_document(session.account.id, "stakeholders").people
    assert (anna.name, anna.role, anna.influence) == ("Anna Berg", "budget holder", None)
    assert "Anna Berg" in view.unmapped.value


def test_the_whole_map_reloads_exactly(session, store):
    view = app(session)
    view.add_person("Greta")
    _rate(view, 5, -1)
    view.form.action.input.value = "Invite to the pilot review"
    view.add_team_member("Petra", "sponsor", "board")
    again = StakeholdersApp(Session(store, session.trainee, account=session.account))
    assert again.doc == view.doc
    assert again.grid.points == view.grid.points


def test_the_category_proposes_an_action_the_trainee_can_take_and_edit(session, store):
    view = app(session)
    view.add_person("Lena")
    _rate(view, 4, -1)
    assert view.form.action.input.placeholder == "Convert or neutralise"
    assert "Threats with no action planned" in view.findings.value
    view.form.use_proposal.click()
    assert view.form.action.value == "Convert or neutralise"
    view.form.action.input.value = "Convert: invite Lena to the pilot review"
    assert "Threats with no action planned" not in view.findings.value
    saved = store.get_document(session.account.id, "stakeholders").people[0]
    assert saved.action == "Convert: invite Lena to the pilot review"


def test_setting_a_rating_dates_it_today_so_a_fresh_map_is_not_stale(session):
    import datetime as dt

    view = app(session)
    pid = view.add_person("Greta")
    assert view.form.verified_on.value is None
    _rate(view, 5, 1)
    assert view.form.verified_on.value == dt.date.today()
    view.form.verified_on.set(dt.date(2020, 1, 1))  # the trainee's own date stands
    _drag(view, pid, 4, 1)
    assert view.form.verified_on.value == dt.date.today()  # re-rated now: checked now
    assert "Ratings not verified recently" not in view.findings.value


def test_an_unknown_rating_shows_as_unknown_not_as_an_empty_box(session):
    """ipywidgets shows a drop-down whose value is None as empty - it looked like lost data
    after switching person or reloading."""
    view = app(session)
    a = view.add_person("Ann")
    _rate(view, 4, 1)
    b = view.add_person("Bob")  # influence and support unknown
    view.people.value = a
    view.people.value = b
    for field in (view.form.influence, view.form.support):
        assert field.value is None
        assert field.input.index is not None and "unknown" in field.input.label.lower()
    again = app(session)
    again.people.value = b
    assert again.form.support.input.index is not None


def test_clicking_a_dot_selects_that_person(session):
    """The page writes the clicked dot's id into `picked` (a drop does too): before, only a
    drag that changed a rating reached the view."""
    view = app(session)
    a = view.add_person("Ann")
    _rate(view, 4, 1)
    b = view.add_person("Bob")
    _rate(view, 2, -1)
    assert view.selected == b
    view.grid.picked = a
    assert view.selected == a and view.form.name.input.value == "Ann"
    assert [p["selected"] for p in view.grid.points] == [True, False]
    assert view.grid.picked == ""  # ready for the next click, on the same dot too


def test_a_person_dragged_from_the_tray_onto_the_grid_is_rated_there(session, store):
    view = app(session)
    pid = view.add_person("Greta")
    _drag(view, pid, 4, -1)  # what the page writes back on a drop on the grid
    person = store.get_document(session.account.id, "stakeholders").people[0]
    assert (person.influence, person.support) == (4, -1)
    assert person.verified_on is not None  # a rating given is a rating dated
    assert view.unmapped.value == ""


def test_a_refused_date_stays_as_typed_and_clearing_it_clears_the_warning(session, store):
    view = app(session)
    view.add_person("Greta")
    view.form.action.input.value = "Call her"
    view.form.action_due.input.value = "next Friday"
    assert view.form.action_due.input.value == "next Friday"  # not replaced by the saved value
    assert "is not a date" in view.form.action_due.message.text
    assert store.get_document(session.account.id, "stakeholders").people[0].action == "Call her"
    view.form.action_due.input.value = ""
    assert view.form.action_due.message.text == ""
    assert "kk-unsaved" not in view.save_status.value


def test_switching_person_leaves_no_warning_of_the_last_one_behind(session):
    view = app(session)
    ann = view.add_person("Ann")
    view.add_person("Bob")
    view.form.action_due.input.value = "soon"
    assert "is not a date" in view.form.action_due.message.text
    view.people.value = ann
    assert view.form.action_due.input.value == "" and view.form.action_due.message.text == ""
    assert "kk-unsaved" not in view.save_status.value  # the page no longer asks on leaving
