"""Step 5 as a trainee does it: objectives linked to the customer's goals, actions with owners
and dates (and those written on the map, read where they were written), KPIs with actuals, the
white space, the value case, the team's commitments, the next review and a QBR - all saved as
typed, bad input refused next to its field, and everything back after a reload."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit.models import ProfileDoc, Stakeholder, StakeholderMapDoc, TeamMember
from kamkit.opportunity import OpportunitiesDoc, Opportunity
from kamkit.session import Session
from kamkit.steps.account_plan import ID
from kamkit.steps.opportunities import ID as OPPS
from kamkit.steps.profile import ID as PROFILE
from kamkit.steps.stakeholders import ID as MAP
from kamkit.ui.account_plan import AccountPlanApp, app
from kamkit.ui.workbook import WorkbookApp

GOAL = "Cut energy costs by a fifth"


@pytest.fixture
def session(store):
    s = Session(store, store.add_trainee("Ann"))
    s.create_account("Halden Medical Devices")
    s.save(PROFILE, ProfileDoc(pressures=[GOAL], changes=["New EU rules"], spend_with_us=1e5))
    s.save(MAP, StakeholderMapDoc(
        people=[Stakeholder(id="ingrid", name="Ingrid Sæther", level="executive"),
                Stakeholder(id="lena", name="Lena Holt", action="Invite to the site visit",
                            action_due=dt.date(2026, 1, 10))],
        team=[TeamMember(id="you", name="You", role="account manager"),
              TeamMember(id="petra", name="Petra Vogel", role="sponsor")]))
    s.save(OPPS, OpportunitiesDoc(opportunities=[Opportunity(id="o1", name="Brno tender")]))
    return s


def _app(session, today) -> AccountPlanApp:
    return AccountPlanApp(session, today=lambda: today)


def _reload(store, session, today) -> AccountPlanApp:
    return _app(Session(store, session.trainee, account=session.account), today)


def _saved(store, session):
    return store.get_document(session.account.id, ID)


def test_an_empty_plan_asks_for_a_first_objective(session, today):
    view = _app(session, today)
    assert "No objective yet" in view.findings.value
    assert view.qbr_link.value == ""  # the place for the QBR pack's link
    assert isinstance(app(session), AccountPlanApp)


def test_an_objective_linked_to_a_goal_clears_serves_none(session, store, today):
    view = _app(session, today)
    row = view.add("objectives")
    row.title.set("Renew for three years")
    row.target.box.value = "1,200,000"
    row.due.input.value = "2027-06-30"
    row.owner.set("petra")
    row.status.set("on_track")
    assert "serve none of the customer" in view.findings.value
    assert [v for _, v in row.serves.input.options] == [GOAL, "New EU rules"]
    row.serves.input.value = (GOAL,)
    assert "serve none of the customer" not in view.findings.value
    assert "New EU rules" in view.findings.value  # a goal nothing serves yet
    saved = _saved(store, session).objectives[0]
    assert (saved.title, saved.target, saved.owner, saved.serves) == (
        "Renew for three years", 1_200_000, "petra", [GOAL])
    assert saved.checked_on == today


def test_editing_an_objective_checks_it_today_and_so_does_the_button(session, store, today):
    view = _app(session, today)
    view.add("objectives")
    later = today + dt.timedelta(days=200)
    view = _reload(store, session, later)
    assert "not looked at for a while" in view.findings.value
    row = view.rows["objectives"][0]
    view.mark_checked(row)
    assert _saved(store, session).objectives[0].checked_on == later
    assert "not looked at for a while" not in view.findings.value
    view = _reload(store, session, later + dt.timedelta(days=1))
    view.rows["objectives"][0].metric.set("contract value")
    assert _saved(store, session).objectives[0].checked_on == later + dt.timedelta(days=1)


def test_a_goal_gone_from_the_profile_stays_shown_as_such(session, store, today):
    view = _app(session, today)
    view.add("objectives").serves.input.value = (GOAL,)
    session.save(PROFILE, ProfileDoc(pressures=["Something else"]))
    view = _reload(store, session, today)
    serves = view.rows["objectives"][0].serves.input
    assert serves.value == (GOAL,) and f"{GOAL} (no longer in the profile)" in serves.options[
        -1][0]
    assert "Goals no longer in the profile" in view.findings.value


def test_removing_an_objective_is_asked_once_more_and_frees_its_actions(session, store, today):
    view = _app(session, today)
    objective = view.add("objectives")
    action = view.add("actions")
    action.objective.set("b1")
    view.remove("objectives", objective)
    assert "Remove “New objective 1”" in objective.remove.message.text
    assert len(_saved(store, session).objectives) == 1
    view.remove("objectives", objective)
    saved = _saved(store, session)
    assert saved.objectives == [] and saved.actions[0].objective is None
    assert view.rows["objectives"] == [] and action.objective.value is None


def test_actions_are_flagged_and_the_maps_actions_are_read_where_written(session, store,
                                                                          today):
    view = _app(session, today)
    view.tabs.selected_index = 1
    row = view.add("actions")
    row.what.set("Joint workshop")
    row.due.input.value = (today - dt.timedelta(days=3)).isoformat()
    assert "overdue" in row.flag.value and "nobody owns it" in row.flag.value
    row.owner.set("you")
    assert "nobody owns it" not in row.flag.value
    assert "Invite to the site visit" in view.elsewhere.value
    assert "the stakeholder map" in view.elsewhere.value
    assert "Overdue actions" in view.findings.value
    assert _saved(store, session).actions[0].owner == "you"


def test_bad_input_is_refused_next_to_its_field_and_the_rest_is_kept(session, store, today):
    view = _app(session, today)
    row = view.add("objectives")
    row.metric.set("share of wallet")
    row.baseline.box.value = "lots"
    assert "'lots' is not a number" in row.baseline.message.text
    row.due.input.value = "31/02/2027"
    assert "is not a date" in row.due.message.text
    row.title.set("Tab\tin it")
    assert "tab" in row.title.message.text
    view.next_review.input.value = "soon"
    assert "is not a date" in view.next_review.message.text
    saved = _saved(store, session).objectives[0]
    assert saved.metric == "share of wallet" and saved.baseline is None
    assert saved.title == "New objective 1"
    assert row.baseline.box.value == "lots"  # what was typed stays on screen
    view.add("objectives")  # adding another keeps the typing in the first
    assert row.baseline.box.value == "lots" and len(_saved(store, session).objectives) == 2


def test_a_kpi_gets_dated_actuals_and_a_trend(session, store, today):
    view = _app(session, today)
    row = view.add("kpis")
    row.name.set("Empty running")
    row.target.box.value = "16"
    row.higher.value = False
    view.add_actual(row)
    assert "Needed" in row.new_on.message.text
    row.new_on.input.value = "2026-09-01"
    row.new_value.box.value = "eighteen"
    view.add_actual(row)
    assert "not a number" in row.new_value.message.text
    row.new_value.box.value = "18"
    view.add_actual(row)
    row.new_on.input.value = "2026-11-01"
    row.new_value.box.value = "17"
    view.add_actual(row)
    assert "<svg" in row.actuals.value and "2026-11-01: 17" in row.actuals.value
    kpi = _saved(store, session).kpis[0]
    assert [a.value for a in kpi.actuals] == [18, 17] and kpi.higher_is_better is False
    assert row.new_value.box.value == ""
    view.drop_actual(row)
    assert [a.value for a in _saved(store, session).kpis[0].actuals] == [18]


def test_the_white_space_sums_what_is_not_yet_ours(session, store, today):
    view = _app(session, today)
    view.tabs.selected_index = 3  # the white space, as a person opens it
    view.units.set(["Road freight", "Cold chain"])
    view.offerings.set(["Telematics"])
    assert len(view.cells) == 2
    sold, cold = view.cells
    sold.state.set("sold")
    sold.value.box.value = "1,000,000"
    cold.state.set("open")
    cold.value.box.value = "300,000"
    cold.opportunity.set("o1")
    assert "Not yet ours: 300,000 EUR" in view.ws_sum.value
    cold.value.box.value = "-5"
    assert "at least 0" in cold.value.message.text or "greater" in cold.value.message.text
    ws = _saved(store, session).white_space
    assert [(c.unit, c.state, c.value, c.opportunity) for c in ws.cells] == [
        ("Road freight", "sold", 1_000_000, None), ("Cold chain", "open", 300_000, "o1")]


def test_the_value_case_totals_and_its_return(session, store, today):
    view = _app(session, today)
    row = view.add("value")
    row.what.set("Fuel saved")
    row.amount.box.value = "200,000"
    assert "Value without evidence" in view.findings.value
    row.evidence.set("Their fleet report")
    assert "Value without evidence" not in view.findings.value
    assert "Value delivered: 200,000 EUR" in view.value_sum.value
    assert "2.0 EUR of value" in view.value_sum.value
    assert _saved(store, session).value[0].evidence == "Their fleet report"


def test_the_team_is_the_maps_and_each_says_what_they_bring(session, store, today):
    view = _app(session, today)
    view.tabs.selected_index = 5  # the team, as a person opens it
    assert [r.member for r in view.team_rows] == ["you", "petra"]
    assert "Team members with no commitment" in view.team_findings.value
    assert "Petra Vogel" in view.team_findings.value
    petra = view.team_rows[1]
    petra.department.set("Executive board")
    petra.commitment.set("Meets their CEO twice a year")
    saved = _saved(store, session).team
    assert [(c.member, c.commitment) for c in saved] == [("petra",
                                                          "Meets their CEO twice a year")]
    assert "Team members with no commitment" not in view.team_findings.value
    assert "stakeholder map" in view.team_tab.children[0].value


def test_practice_accounts_do_not_count_towards_too_many_key_accounts(session, store, today):
    for n in range(4):
        session.store.add_account(session.trainee.id, f"Real {n}")
    view = _app(session, today)
    assert "Too many key accounts" in view.team_findings.value
    assert "You hold 5 key accounts" in view.team_findings.value


def test_the_rhythm_offers_a_next_review_and_records_a_qbr(session, store, today):
    view = _app(session, today)
    assert "No next review date" in view.findings.value
    view.suggest_review()
    days = session.framework.account_plan.review_every_days
    assert _saved(store, session).next_review == today + dt.timedelta(days=days)
    assert "No next review date" not in view.findings.value
    qbr = view.add("qbrs")
    assert qbr.held_on.input.value == today.isoformat()
    qbr.ours.set(["You", "Petra Vogel"])
    qbr.theirs.input.value = ("ingrid",)
    qbr.plans_shared.value = True
    qbr.next_steps.set("Pilot in Venlo")
    assert "Step 3 reads from them now" in view.qbr_note.value
    saved = _saved(store, session).qbrs[0]
    assert (saved.ours, saved.theirs, saved.plans_shared) == (["You", "Petra Vogel"],
                                                              ["ingrid"], True)


def test_a_reload_shows_everything(session, store, today):
    view = _app(session, today)
    objective = view.add("objectives")
    objective.serves.input.value = (GOAL,)
    objective.baseline.box.value = "10"
    view.add("actions").owner.set("petra")
    kpi = view.add("kpis")
    kpi.new_on.input.value = "2026-10-01"
    kpi.new_value.box.value = "3"
    view.add_actual(kpi)
    view.build_rest()  # every tab opened
    view.units.set(["Road freight"])
    view.offerings.set(["Telematics"])
    view.cells[0].state.set("competitor")
    view.add("value").what.set("Fuel")
    view.team_rows[1].region.set("Europe")
    view.add("qbrs").theirs.input.value = ("ingrid",)
    view.suggest_review()
    again = _reload(store, session, today)
    for tab in range(len(again.tabs.children)):  # a person looks at each tab
        again.tabs.selected_index = tab
    assert again.rows["objectives"][0].serves.input.value == (GOAL,)
    assert again.rows["objectives"][0].baseline.box.value == "10"
    assert again.rows["actions"][0].owner.value == "petra"
    assert "2026-10-01: 3" in again.rows["kpis"][0].actuals.value
    assert again.cells[0].state.value == "competitor"
    assert again.rows["value"][0].what.value == "Fuel"
    assert again.team_rows[1].region.value == "Europe"
    assert again.rows["qbrs"][0].theirs.input.value == ("ingrid",)
    assert again.next_review.input.value != ""
    assert again.doc == _saved(store, session)


def test_the_maps_team_and_people_reach_the_view_after_refresh(session, store, today):
    view = _app(session, today)
    view.build_rest()
    action = view.add("actions")
    qbr = view.add("qbrs")
    action.what.set("Typed, not yet refreshed")
    session.save(MAP, StakeholderMapDoc(
        people=[Stakeholder(id="ingrid", name="Ingrid Sæther"),
                Stakeholder(id="max", name="Max Berg")],
        team=[TeamMember(id="you", name="You", role="account manager"),
              TeamMember(id="tom", name="Tom Ek", role="team member")]))
    view.refresh()
    assert ("Tom Ek · team member", "tom") in action.owner.input.options
    assert "max" in [v for _, v in qbr.theirs.input.options]
    assert [r.member for r in view.team_rows] == ["you", "tom"]
    assert action.what.value == "Typed, not yet refreshed"
    assert "No sponsor" in view.findings.value


def test_the_workbook_page_has_the_plan_tab(session, store):
    page = WorkbookApp(session)
    assert "5. Account plan" in [page.tabs.get_title(i) for i in range(len(page.tabs.children))]
    page.open_step(ID)
    assert isinstance(page._inner[ID], AccountPlanApp)


def test_typed_text_is_shown_as_text(session, store, today):
    view = _app(session, today)
    row = view.add("objectives")
    row.title.set("<script>alert(1)</script>")
    view.units.set(["<b>unit</b>"])
    view.offerings.set(["x"])
    assert "<script>" not in view.findings.value and "&lt;script&gt;" in view.findings.value
    assert "<b>unit</b>" not in str([w.value for w in view.grid.children
                                     if hasattr(w, "value") and isinstance(w.value, str)])


def test_the_qbr_pack_is_prepared_from_the_page_and_can_name_nobody(store):
    """One click: a link that saves the printable pack; ticked, their people are pseudonyms."""
    import base64

    session = Session(store, store.add_trainee("Ann"))
    session.create_account("Nordwind Logistics")
    session.save(MAP, StakeholderMapDoc(people=[Stakeholder(
        id="p1", name="Greta Lind", title="CEO", influence=5, support=1)]))
    view = AccountPlanApp(session)
    view.prepare_qbr()
    assert "QBR pack" in view.qbr_link.value and 'download="QBR-Nordwind-Logistics.html"' \
        in view.qbr_link.value

    def pack() -> str:
        data = view.qbr_link.value.split("base64,", 1)[1].split('"', 1)[0]
        return base64.b64decode(data).decode("utf-8")

    assert "Greta Lind" in pack() and "<script" not in pack()
    view.qbr_names.value = True
    view.prepare_qbr()
    assert "Greta Lind" not in pack() and "Person 1" in pack()


def test_the_manager_sees_the_account_managers_load_as_the_trainee_does(store):
    """Five real accounts and a case study: the drill-down, like the page, counts five."""
    from kamkit.review import ReviewSession
    from kamkit.steps import step

    ann = store.add_trainee("Ann")
    accounts = [store.add_account(ann.id, f"Account {n}") for n in range(5)]
    Session(store, ann).start_case("halden")  # practice: never counted
    store.save_document(accounts[0].id, ID, step(ID).sample(dt.date.today(), False))
    wb = ReviewSession(store, "Mia").workbook(ann.id, accounts[0].id)
    assert wb.docs.key_accounts == 5
    assert "Too many key accounts" in step(ID).html(wb.docs, wb_framework(), dt.date.today())
    page = AccountPlanApp(Session(store, ann, account=accounts[0]))
    assert "Too many key accounts" in page.findings.value


def wb_framework():
    from kamkit.frameworks import default_framework

    return default_framework()


def test_each_click_and_each_edit_writes_one_version(session, store, today):
    """No half-filled versions: adding, editing, checking, an actual, removing - one each."""
    view = _app(session, today)

    def versions() -> int:
        return len(store.list_versions(session.account.id, ID))

    steps = [lambda: view.add("objectives"),
             lambda: view.rows["objectives"][0].title.set("Renew"),
             lambda: view.mark_checked(view.rows["objectives"][0]),
             lambda: view.add("kpis"),
             lambda: view.rows["kpis"][0].name.set("Empty running"),
             lambda: view.add("actions"),
             lambda: view.remove("actions", view.rows["actions"][0])]
    for step in steps:
        before = versions()
        step()
        assert versions() - before <= 1
    before = versions()
    view.remove("actions", view.rows["actions"][0])  # the second click removes it
    assert versions() == before + 1 and _saved(store, session).actions == []


def test_tabs_not_yet_shown_are_built_when_opened_and_saving_keeps_them_as_saved(store, today):
    """The rows of a tab not shown yet are not on the page (a step's link sends only what it
    opens on); an edit saved meanwhile keeps every other part exactly as saved."""
    from kamkit.steps import account_plan, opportunities, profile, stakeholders

    s = Session(store, store.add_trainee("Bo"))
    s.create_account("Nordwind Logistics")
    for step in (profile, stakeholders, opportunities, account_plan):
        s.save(step.ID, step.sample(today))
    saved = _saved(store, s)
    assert saved.actions and saved.kpis and saved.value and saved.qbrs and saved.team
    view = _app(s, today)
    assert len(view.rows["objectives"]) == len(saved.objectives)
    assert all(view.rows[k] == [] for k in ("actions", "kpis", "value", "qbrs"))
    assert view.cells == [] and view.team_rows == []
    view.rows["objectives"][0].title.set("Renamed on the first tab")
    after = _saved(store, s)
    assert after.objectives[0].title == "Renamed on the first tab"
    assert after.model_dump(exclude={"objectives"}) == saved.model_dump(exclude={"objectives"})
    view.tabs.selected_index = 2  # the KPIs, as a person opens them
    assert len(view.rows["kpis"]) == len(saved.kpis) and view.rows["actions"] == []
    view.build_rest()  # what the workbook does in the background
    assert len(view.rows["actions"]) == len(saved.actions) and view.team_rows
    assert len(view.rows["qbrs"]) == len(saved.qbrs) and view.cells
    assert _saved(store, s) == after  # building showed the plan, it saved nothing


def test_a_tab_that_fails_to_build_is_said_and_a_save_keeps_its_part_whole(store, today,
                                                                          monkeypatch,
        no_swallowed_callback_errors, second_fill_fails):
    """Half-built rows would be read as the plan and saved: a failing build leaves the part
    unbuilt (kept as saved) and says so; the next try builds it."""
    from kamkit.steps import account_plan, opportunities, profile, stakeholders
    from kamkit.ui import plan_parts

    s = Session(store, store.add_trainee("Bo"))
    s.create_account("Nordwind Logistics")
    for step in (profile, stakeholders, opportunities, account_plan):
        s.save(step.ID, step.sample(today))
    saved = _saved(store, s)
    assert len(saved.actions) > 1
    view = _app(s, today)
    second_fill_fails(plan_parts.ActionRow)
    view.tabs.selected_index = 1
    assert "Something went wrong" in view.save_status.text
    assert view.rows["actions"] == [] and view.add_buttons["actions"].disabled
    view.rows["objectives"][0].title.set("Renamed after the failed build")
    assert _saved(store, s).actions == saved.actions
    monkeypatch.undo()
    view.tabs.selected_index = 2
    view.tabs.selected_index = 1
    assert len(view.rows["actions"]) == len(saved.actions)
    assert not view.add_buttons["actions"].disabled
    logged = no_swallowed_callback_errors.records  # the bug is logged in full, as any is
    assert [r.exc_info[1].args for r in logged] == [("a bug",)]
    logged.clear()
