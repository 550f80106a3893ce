"""Step 4 as a trainee does it: an opportunity added, the litmus test first, the questions (some
answered by the map already), a decision, an activity plan and a forecast - all saved as typed,
bad input refused next to its field, and everything back after a reload."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit.frameworks import default_framework
from kamkit.models import PeerLink, Stakeholder, StakeholderMapDoc, TeamMember
from kamkit.session import Session
from kamkit.steps import for_framework
from kamkit.steps.opportunities import ID
from kamkit.steps.stakeholders import ID as MAP
from kamkit.ui.opportunities import OpportunitiesApp, app
from kamkit.ui.workbook import WorkbookApp


@pytest.fixture
def session(store):
    s = Session(store, store.add_trainee("Ann"))
    s.create_account("Halden Medical Devices")
    s.save(MAP, StakeholderMapDoc(
        people=[Stakeholder(id="ingrid", name="Ingrid Sæther", influence=5, support=-2,
                            role="decision maker"),
                Stakeholder(id="oskar", name="Oskar Brenna", influence=4, support=0),
                Stakeholder(id="lena", name="Lena Holt", influence=2, support=2,
                            needs="Fast validation")],
        team=[TeamMember(id="you", name="You", role="account manager")],
        links=[PeerLink(ours="you", theirs="lena", today=3)]))
    return s


def _reload(store, session) -> OpportunitiesApp:
    return OpportunitiesApp(Session(store, session.trainee, account=session.account))


def _qualify_brno(view: OpportunitiesApp) -> None:
    view.add_opportunity("Brno tender")
    view.value.box.value = "1,200,000"
    view.decision_date.input.value = "2027-03-31"
    view.people.input.value = ("ingrid", "oskar", "lena")
    view.litmus.set("yes")
    view.litmus_reason.set("Lena is on our side")
    view.record_litmus()


def test_an_empty_step_invites_an_opportunity(session):
    view = app(session)
    assert view.work.layout.display == "none" and view.empty.layout.display is None
    assert "No opportunities yet" in view.empty.value


def test_the_questions_stay_closed_until_the_litmus_is_recorded(session, store):
    view = app(session)
    view.add_opportunity("Brno tender")
    assert view.question_box.layout.display == "none" and view.side.layout.display == "none"
    view.record_litmus()  # no answer chosen yet
    assert "Choose an answer first" in view.litmus_message.text
    view.litmus.set("yes")
    view.record_litmus()
    assert view.question_box.layout.display is None
    assert view.litmus.input.disabled and view.litmus_button.layout.display == "none"
    saved = store.get_document(session.account.id, ID).opportunities[0]
    assert (saved.litmus, saved.litmus_locked) == ("yes", True)


def test_the_map_answers_three_questions_and_says_so(session):
    view = app(session)
    _qualify_brno(view)
    cards = view.questions
    assert "Pre-filled: <b>No</b>, from your stakeholder map: 0 of 2 decision-influencers" \
        in cards["influencers"].prefilled.value
    assert "Ingrid Sæther" in cards["influencers"].prefilled.value
    assert "1 opposes us" in cards["preference"].prefilled.value
    assert "Ingrid Sæther, Oskar Brenna" in cards["needs_known"].prefilled.value
    cards["influencers"].answer.set("partly")  # the trainee knows better: it overrides
    assert cards["influencers"].prefilled.value == ""


def test_a_hopeful_litmus_is_set_beside_what_the_answers_imply(session):
    view = app(session)
    _qualify_brno(view)
    for qid in ("budget", "decision_aware", "worth"):
        view.questions[qid].answer.set("yes")
    assert "What your answers imply: <b>No</b>" in view.litmus_result.value
    assert "more hopeful than your answers" in view.litmus_result.value
    assert "Fix the gaps first" in view.verdict.value  # too many don't knows to pursue


def test_a_no_on_budget_suggests_qualifying_out_and_the_decision_needs_a_reason(session,
                                                                                  store):
    view = app(session)
    _qualify_brno(view)
    view.questions["budget"].answer.set("no")
    assert "The answers suggest: Qualify out" in view.verdict.value
    view.decision.set("qualify_out")
    assert "Say why you qualify out" in view.decision_reason.message.text
    assert store.get_document(session.account.id, ID).opportunities[0].decision is None
    view.decision_reason.set("No budget before 2028")
    saved = store.get_document(session.account.id, ID).opportunities[0]
    assert (saved.decision, saved.decision_reason) == ("qualify_out", "No budget before 2028")
    assert view.decision_reason.message.text == "" and "a result" in view.verdict.value


def test_bad_input_is_refused_next_to_its_field_and_the_rest_is_kept(session, store):
    view = app(session)
    _qualify_brno(view)
    view.name.set("Brno line")
    view.value.box.value = "lots"
    assert "'lots' is not a number" in view.value.message.text
    view.decision_date.input.value = "31/02/2027"
    assert "is not a date" in view.decision_date.message.text
    view.questions["unique"].how.set("12 weeks\x00")
    assert "NUL" in view.questions["unique"].how.message.text
    saved = store.get_document(session.account.id, ID).opportunities[0]
    assert saved.name == "Brno line" and saved.value == 1_200_000  # kept, and the old value
    assert saved.decision_date == dt.date(2027, 3, 31)
    assert view.value.box.value == "lots"  # what was typed stays on screen


def test_the_activity_plan_flags_the_power_zone_and_counts_conversions(session, store):
    view = app(session)
    _qualify_brno(view)
    view.tabs.selected_index = 1
    view.add_outcome()
    row = view.outcomes[0]
    row.what.set("Validation plan presented")
    row.contacts[0].kind.set("demo")
    assert row.contacts[0].conversion.box.value == "40"  # the content's typical conversion
    row.contacts[0].count.box.value = "2"
    row.contacts[0].people.input.value = ("lena",)
    assert "people with power and no contact planned" in view.plan.value
    assert "Ingrid Sæther, Oskar Brenna" in view.plan.value
    row.contacts[1].kind.set("executive_visit")
    row.contacts[1].people.input.value = ("ingrid", "oskar")
    assert "people with power and no contact planned" not in view.plan.value
    assert "3 contacts planned, about 1.3 expected to convert" in view.plan.value
    row.contacts[1].conversion.box.value = "200"
    assert "at most 100" in row.contacts[1].conversion.message.text
    outcome = store.get_document(session.account.id, ID).outcomes[0]
    assert outcome.opportunity == view.current and outcome.contacts[1].conversion_pct == 50


def test_the_forecast_waits_for_the_trainees_own_estimate(session, store):
    view = app(session)
    _qualify_brno(view)
    assert "Give your own forecast first" in view.forecast.value
    view.record_estimate()
    assert "Type your own forecast first" in view.estimate.message.text
    view.estimate.box.value = "900,000"  # kept as typed, not yet shown beside kamkit's
    assert store.get_document(session.account.id, ID).estimate == 900_000
    assert "Give your own forecast first" in view.forecast.value
    view.estimate_button.click()
    assert view.estimate.box.disabled and view.estimate_button.layout.display == "none"
    assert "Weighted forecast:" in view.forecast.value
    assert "Your own estimate: <b>900,000 EUR</b>" in view.forecast.value
    assert "<svg" in view.forecast.value


def test_everything_is_back_after_a_reload(session, store):
    view = app(session)
    _qualify_brno(view)
    view.questions["unique"].answer.set("yes")
    view.questions["unique"].how.set("“12 weeks, not 16” - Mads")
    view.questions["unique"].customer_words.value = True
    view.decision.set("fix_gaps")
    view.add_outcome()
    view.outcomes[0].what.set("Meet the CFO")
    view.estimate.box.value = "500000"
    view.record_estimate()
    again = _reload(store, session)
    assert again.doc == view.doc
    assert again.questions["unique"].customer_words.value is True
    assert again.outcomes == []  # the activity plan's tab is built when first shown
    again.tabs.selected_index = 1
    assert again.outcomes[0].what.value == "Meet the CFO"
    assert again.verdict.value == view.verdict.value
    assert again.people.value == ("ingrid", "oskar", "lena")
    assert again.estimate.box.disabled and "Weighted forecast" in again.forecast.value


def test_two_opportunities_are_switched_and_one_removed_after_asking(session, store):
    view = app(session)
    first = view.add_opportunity("Brno tender")
    second = view.add_opportunity("Gdańsk wipes")
    view.picker.value = first
    assert view.name.value == "Brno tender"
    view.remove.button.click()
    assert "Remove “Brno tender”" in view.remove.message.text  # asked first
    view.remove.button.click()
    assert [o.id for o in store.get_document(session.account.id, ID).opportunities] == [second]
    assert view.name.value == "Gdańsk wipes"


def test_a_map_changed_in_step_2_reaches_the_pickers_when_shown_again(session):
    view = app(session)
    view.add_opportunity("Brno tender")
    doc = session.load(MAP)
    session.save(MAP, doc.model_copy(update={"people": [*doc.people, Stakeholder(
        id="mads", name="Mads Lunde", influence=3, support=0)]}))
    view.refresh()
    assert "mads" in {v for _, v in view.people.input.options}


def test_the_workbook_page_has_the_step_as_a_tab(session):
    page = WorkbookApp(session)
    assert "4. Opportunities" in page.tabs.titles
    page.open_step(ID)
    assert isinstance(page._inner[ID], OpportunitiesApp)


def test_a_manager_sees_the_opportunities_on_the_dashboard_and_rates_them(store):
    """The demo's complete account: the dashboard shows its pipeline and forecast, the
    drill-down the qualification and the forecast, and the step is rated on its rubric."""
    from kamkit.demo import seed_demo
    from kamkit.review import ReviewSession
    from kamkit.ui.review import ReviewApp

    seed_demo(store)
    zoe = store.add_trainee("Zoe", cohort="Demo workshop")
    account = store.add_account(zoe.id, "Nordwind Logistics")
    for text, unit in for_framework(default_framework()):
        store.save_document(account.id, text.id, unit.sample(dt.date.today(), False))
    page = ReviewApp(ReviewSession(store, "Mia Berg"))
    assert "Open pipeline" in page.table_head.value and "Weighted forecast" in \
        page.table_head.value
    row = next(r for r in page.all_rows if r.name == "Zoe")
    assert row.figures.get("pipeline") == 1_500_000 and row.figures.get("qualified_out") == 1
    assert row.figures.status[ID] == "done"
    page.open_trainee(zoe.id)
    step = page.trainee_view.steps[ID]
    assert "Fleet telematics renewal" in step.work.value
    assert "Weighted forecast" in step.work.value and "<svg" in step.work.value
    assert "A pipeline a sales director would trust" in step.rubric.value
    step.rating.value, step.status.value = 4, "reviewed"
    step.comment.value = "Honest qualification; plan a contact with the new CFO."
    assert page.trainee_view.save_review(step) is not None
    assert "4/5 Strong" in step.feedback.value


def test_a_trainer_switches_the_grouping_to_meddpicc_in_content(store, session, tmp_path):
    """One word in qualification.yaml: the questions are grouped by MEDDPICC, each element red,
    amber or green - green only on the customer's own words or numbers."""
    from kamkit.frameworks import CONTENT_DIR, load_framework

    text = (CONTENT_DIR / "qualification.yaml").read_text(encoding="utf-8")
    (tmp_path / "qualification.yaml").write_text(
        text.replace("shown: four_questions", "shown: meddpicc"), encoding="utf-8")
    fw = load_framework(tmp_path)
    view = OpportunitiesApp(Session(store, session.trainee, fw, account=session.account))
    _qualify_brno(view)
    assert "<h2>Champion</h2>" in [c.value for c in view.question_box.children
                                    if hasattr(c, "value") and "<h2>" in str(c.value)][6]
    card = view.questions["worth"]  # the only Metrics question
    card.answer.set("yes")
    assert "Metrics</td><td><span class='kk-state' style='background:#fff3bf'>amber" \
        in view.groups.value
    card.customer_words.value = True  # ticked, but nothing written: not yet green
    assert "background:#fff3bf'>amber" in view.groups.value.split("Economic")[0]
    card.how.set("“Two fewer trucks per shift” - hub manager")
    assert "Metrics</td><td><span class='kk-state' style='background:#d3f9d8'>green" \
        in view.groups.value
    assert "Green only on the customer's own words or numbers" in view.groups.value


SALESFORCE = (
    b"Opportunity Name,Account Name,Amount,Close Date,Stage,Probability (%),Type\n"
    b"Brno tender,Halden Medical Devices AS,\"EUR 1,200,000.00\",3/31/2027,Qualification,20,"
    b"New Customer\n"
    b"Drammen renewal,Halden Medical Devices AS,800000,10/15/2027,Negotiation/Review,70,"
    b"Renewal\n"
    b"Big deal,Vantor Clean,5000000,1/31/2027,Prospecting,10,New Customer\n")


def test_opportunities_come_from_a_crm_export_after_a_preview(session, store):
    view = app(session)
    view.crm_load("opportunities.csv", SALESFORCE)
    assert "Salesforce" in view.crm_preview.value and "another company" in \
        view.crm_preview.value
    assert view.crm_confirm.description == "Add 2 opportunities"
    assert ID not in store.list_steps_saved(session.account.id)  # nothing written yet
    view.crm_add()
    saved = store.get_document(session.account.id, ID).opportunities
    assert [(o.name, o.kind, o.value, o.stage) for o in saved] == [
        ("Brno tender", "new", 1_200_000, "qualifying"),
        ("Drammen renewal", "renewal", 800_000, "negotiating")]
    assert view.name.value == "Brno tender" and "Your CRM said 20 %" in view.crm_note.value
    assert view.question_box.layout.display == "none"  # the litmus first, as ever


def test_each_import_tab_says_where_the_other_kind_of_file_goes(session):
    from kamkit.ui.stakeholders import StakeholdersApp

    contacts = b"First Name,Last Name,Title,Email\nMads,Lunde,Head of Procurement,m@h.no\n"
    view = app(session)
    view.crm_load("contacts.csv", contacts)
    assert "contact export goes onto the stakeholder map" in view.crm_message.text
    smap = StakeholdersApp(session)
    smap.crm_load("opportunities.csv", SALESFORCE)
    assert "bring it in on the Opportunities step" in smap.crm_message.text
    assert smap.crm_confirm.disabled


def test_no_number_that_is_not_real_stops_the_saving(session, store):
    """'nan', 'inf' or 1e400 in a count is refused next to it; later edits still save."""
    view = app(session)
    _qualify_brno(view)
    view.add_outcome()
    row = view.outcomes[0]
    row.contacts[0].kind.set("meeting")
    for text in ("nan", "inf", "1e400"):
        row.contacts[0].count.box.value = text
        assert "is not a real number" in row.contacts[0].count.message.text
    view.name.set("Brno line")
    assert store.get_document(session.account.id, ID).opportunities[0].name == "Brno line"


def test_adding_an_outcome_saves_once_and_loses_nothing(session, store):
    view = app(session)
    _qualify_brno(view)
    view.add_outcome()
    for n, kind in enumerate(("meeting", "demo", "qbr")):
        view.outcomes[0].contacts[n].kind.set(kind)
    assert len(view.outcomes[0].contacts) == 4  # every row used: one more is offered
    before = len(store.list_versions(session.account.id, ID))
    view.add_outcome()
    assert len(store.list_versions(session.account.id, ID)) == before + 1
    saved = store.get_document(session.account.id, ID).outcomes
    assert len(saved) == 2 and [c.kind for c in saved[0].contacts] == ["meeting", "demo", "qbr"]


def test_qualifying_out_without_a_reason_holds_back_only_the_decision(session, store):
    view = app(session)
    _qualify_brno(view)
    view.decision.set("qualify_out")
    view.questions["budget"].answer.set("no")
    view.questions["budget"].how.set("“No money before 2028” - CFO")
    saved = store.get_document(session.account.id, ID).opportunities[0]
    assert saved.answers["budget"].answer == "no" and saved.decision is None
    assert "Say why you qualify out" in view.decision_reason.message.text


def test_a_contact_problem_is_said_under_its_own_row(session):
    view = app(session)
    _qualify_brno(view)
    view.add_outcome()
    row = view.outcomes[0]
    row.contacts[1].kind.set("meeting")  # row 0 left empty
    row.contacts[1].count.box.value = "0"
    assert "at least 1" in row.contacts[1].count.message.text
    assert row.contacts[0].count.message.text == ""


def test_a_renamed_opportunity_is_renamed_in_the_picker_and_the_plan(session):
    view = app(session)
    _qualify_brno(view)
    view.add_outcome()
    view.name.set("Brno line 3")
    assert view.picker.options[0][0] == "Brno line 3"
    assert ("Brno line 3", view.current) in view.outcomes[0].target.input.options


def test_the_activity_plan_is_built_when_first_shown_and_saving_before_keeps_it(store, today):
    """A step's link sends the page only what it opens on: the activity plan's rows come with
    its tab; an answer saved before keeps the saved plan whole."""
    from kamkit.steps import opportunities, stakeholders

    s = Session(store, store.add_trainee("Bo"))
    s.create_account("Nordwind Logistics")
    s.save(MAP, stakeholders.sample(today))
    s.save(ID, opportunities.sample(today))
    saved = store.get_document(s.account.id, ID)
    assert saved.outcomes
    view = app(s)
    assert view.outcomes == [] and view.add_outcome_button.disabled  # "Opening…" until built
    view.decision_reason.set("Changed before the plan was opened")
    after = store.get_document(s.account.id, ID)
    assert after.outcomes == saved.outcomes and after != saved
    view.tabs.selected_index = 1
    assert len(view.outcomes) == len(saved.outcomes)
    assert view.outcomes[0].what.value == saved.outcomes[0].what
    assert store.get_document(s.account.id, ID) == after


def test_an_activity_plan_that_fails_to_build_is_said_and_a_save_keeps_it_whole(store, today,
                                                                               monkeypatch,
        no_swallowed_callback_errors, second_fill_fails):
    """Half-built rows would be read as the plan and saved: a failing build leaves the plan
    unbuilt (kept as saved), says so on the tab, and opens again on the next try."""
    from kamkit.steps import opportunities, stakeholders
    from kamkit.ui import activity_plan

    s = Session(store, store.add_trainee("Bo"))
    s.create_account("Nordwind Logistics")
    s.save(MAP, stakeholders.sample(today))
    s.save(ID, opportunities.sample(today))
    saved = store.get_document(s.account.id, ID)
    assert len(saved.outcomes) > 1
    view = app(s)
    second_fill_fails(activity_plan.OutcomeRow)
    view.tabs.selected_index = 1
    assert "Something went wrong" in view.plan_message.text
    assert not view.plan_built and view.outcomes == [] and view.add_outcome_button.disabled
    view.decision_reason.set("Changed after the failed build")
    assert store.get_document(s.account.id, ID).outcomes == saved.outcomes
    monkeypatch.undo()
    view.build_rest()
    assert len(view.outcomes) == len(saved.outcomes) and not view.add_outcome_button.disabled
    logged = no_swallowed_callback_errors.records  # the bug is logged in full, as any is
    assert [r.exc_info[1].args for r in logged] == [("a bug",)]
    logged.clear()
