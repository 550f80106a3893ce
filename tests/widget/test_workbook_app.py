"""The workbook page on an in-memory store, used as a trainee would - without a browser."""

from __future__ import annotations

import asyncio

import ipywidgets as widgets
import pytest

from kamkit.demo import seed_demo
from kamkit.frameworks import default_framework
from kamkit.session import Session
from kamkit.ui import workbook
from kamkit.ui.workbook import WorkbookApp, app


@pytest.fixture
def ann(store):
    return store.add_trainee("Ann <script>alert(1)</script>", cohort="May")


@pytest.fixture
def page(store, ann):
    return app(Session(store, ann))


def test_a_new_trainee_is_greeted_and_asked_for_a_first_account(page):
    assert "Hello, <b class=\"kk-trainee\">Ann &lt;script&gt;" in page.header.value
    assert "<script>" not in page.header.value
    assert "Create your first account" in page.notice.text
    assert page.resume_button.disabled and page.progress_rows["profile"].open_button.disabled


def test_creating_an_account_selects_it_and_saves_it(page, store, ann):
    page.new_account_name.value = "Nordwind Logistics"
    page.create_button.click()
    assert page.accounts.label == "Nordwind Logistics"
    assert page.new_account_name.value == ""
    assert "Created" in page.new_account_message.text
    assert [a.name for a in store.list_accounts(ann.id)] == ["Nordwind Logistics"]
    assert not page.resume_button.disabled


def test_a_blank_account_name_is_explained_next_to_the_field(page, store, ann):
    page.new_account_name.value = "   "
    page.create_button.click()
    assert page.new_account_message.text == "Name cannot be empty"
    assert page.new_account_name.value == "   "  # what was typed stays
    assert store.list_accounts(ann.id) == []


def test_renaming_keeps_the_account_and_its_work(page, store, ann):
    page.create_account("Acme")
    account_id = page.accounts.value
    store.save_document(account_id, "profile", {"industry": "Chemicals"})
    page.rename_name.value = "Acme Chemicals"
    page.rename_button.click()
    assert page.accounts.options == (("Acme Chemicals", account_id),)
    assert store.get_document(account_id, "profile").industry == "Chemicals"


def test_picking_another_account_shows_its_progress(page, store, ann, today):
    from kamkit.demo import sample_profile

    page.create_account("Empty one")
    page.create_account("Filled one")
    filled = page.accounts.value
    store.save_document(filled, "profile", sample_profile(today))
    empty = next(v for _, v in page.accounts.options if v != filled)
    page.accounts.value = empty
    assert "0% · not started" in page.progress_rows["profile"].status.value
    page.accounts.value = filled
    assert "100% · done" in page.progress_rows["profile"].status.value


def test_steps_open_inside_the_page_and_are_built_once(store, ann):
    built = []

    def fake_profile(session):
        built.append(session.account.name)
        return widgets.Label(f"profile of {session.account.name}")

    page = WorkbookApp(Session(store, ann), factories={"profile": fake_profile})
    page.create_account("Acme")
    page.progress_rows["profile"].open_button.click()
    assert page.tabs.selected_index == 1
    page.tabs.selected_index = 0
    page.open_step("profile")
    assert built == ["Acme"]  # switching back costs nothing
    page.create_account("Beta")  # a different account rebuilds the open step for it
    assert built == ["Acme", "Beta"]


def _fake_steps(built: list[tuple[str, str]]):
    def factory(step_id):
        def build(session):
            built.append((step_id, session.account.name))
            return widgets.Label(f"{step_id} of {session.account.name}")
        return build

    return {s.id: factory(s.id) for s in default_framework().steps}


def test_a_busy_machine_holds_the_background_build_back_for_a_while(store, ann, monkeypatch):
    """A room's pages opening at once: the steps nobody asked for yet wait for a quieter
    moment (those pages get the processors), but not longer than PREBUILD_PATIENCE."""
    monkeypatch.setattr(workbook, "PREBUILD_AFTER", 0.01)
    monkeypatch.setattr(workbook, "PREBUILD_GAP", 0.01)
    monkeypatch.setattr(workbook, "PREBUILD_PATIENCE", 0.5)
    busy = [True]
    monkeypatch.setattr(workbook, "machine_busy", lambda: busy[0])
    store.add_account(ann.id, "Acme")
    built: list[tuple[str, str]] = []
    steps = len(default_framework().steps)

    async def serve(quiet_after: float | None) -> tuple[int, float]:
        """(steps built while busy, seconds from shown until every step was built)"""
        busy[0] = True
        built.clear()
        page = WorkbookApp(Session(store, ann), factories=_fake_steps(built))
        page.shown._received(page.shown, {"shown": True}, [])
        loop = asyncio.get_running_loop()
        shown = loop.time()
        await asyncio.sleep(quiet_after or 0.2)
        while_busy = len(built)
        if quiet_after is not None:
            busy[0] = False
        while len(built) < steps and loop.time() - shown < 5:
            await asyncio.sleep(0.005)
        return while_busy, loop.time() - shown

    while_busy, took = asyncio.run(serve(0.15))
    assert while_busy == 0 and len(built) == steps and took < 0.5  # built once it is quiet
    while_busy, took = asyncio.run(serve(None))  # busy all along
    assert while_busy == 0 and len(built) == steps and 0.5 <= took < 2  # built all the same


def test_a_steps_tabs_not_shown_yet_are_built_in_the_background_after_it(store, ann,
                                                                          monkeypatch):
    """A step builds its first tab with its view, the others when first opened: in the
    background, each step's other tabs follow it (`build_rest()`), so they open at once too."""
    monkeypatch.setattr(workbook, "PREBUILD_AFTER", 0.01)
    monkeypatch.setattr(workbook, "PREBUILD_GAP", 0.01)
    store.add_account(ann.id, "Acme")
    built: list[str] = []

    class View(widgets.Label):
        def build_rest(self) -> None:
            built.append(f"rest of {self.value}")

    def factory(step_id):
        def build(session):
            built.append(step_id)
            return View(step_id)
        return build

    steps = [s.id for s in default_framework().steps]

    async def serve():
        page = WorkbookApp(Session(store, ann), factories={s: factory(s) for s in steps})
        page.shown._received(page.shown, {"shown": True}, [])
        loop = asyncio.get_running_loop()
        start = loop.time()
        while len(built) < 2 * len(steps) and loop.time() - start < 5:
            await asyncio.sleep(0.005)

    asyncio.run(serve())
    assert built == [x for s in steps for x in (s, f"rest of {s}")]


def test_once_the_page_shows_every_step_is_built_in_the_background(store, ann, monkeypatch):
    """With the kernel's loop running (as in a served page) the steps are ready before the
    first click - but only once the page says it is on screen (a widget made before its
    connection opens would be lost); a trainee who moves to another account stops the old
    account's build."""
    monkeypatch.setattr(workbook, "PREBUILD_AFTER", 0.01)
    monkeypatch.setattr(workbook, "PREBUILD_GAP", 0.01)
    acme = store.add_account(ann.id, "Acme")
    built: list[tuple[str, str]] = []
    released: list[int] = []  # steps built when the kernel gave back the heap
    monkeypatch.setattr(workbook, "release_memory", lambda: released.append(len(built)))

    async def serve():
        page = WorkbookApp(Session(store, ann), factories=_fake_steps(built))
        await asyncio.sleep(0.1)
        assert built == []  # no page on screen yet
        page.shown._received(page.shown, {"shown": True}, [])  # as the page's view sends it
        assert built == []  # the Home tab paints first
        await asyncio.sleep(0.2)
        assert built == [(s.id, "Acme") for s in default_framework().steps]
        assert released == [len(built)]  # once, after the last step
        built.clear()
        page.create_account("Beta")
        await asyncio.sleep(0.015)  # Beta's build may have begun...
        beta = len(built)
        page.accounts.value = acme.id  # ...when the trainee goes back to Acme
        await asyncio.sleep(0.2)
        return page, beta

    page, beta = asyncio.run(serve())
    assert all(name == "Acme" for _, name in built[beta:])  # Beta's build stopped there
    steps = default_framework().steps
    assert built[-len(steps):] == [(s.id, "Acme") for s in steps]
    page.open_step("stakeholders")
    assert len(built) == beta + len(steps)  # opening a pre-built step builds nothing more
    assert page._slots["stakeholders"].children[0].value == "stakeholders of Acme"


def test_content_listing_a_step_nobody_installed_is_said_on_the_page(store, tmp_path):
    """A trainer's steps.yaml may name a step this kamkit does not have: the page says which
    file and which step, instead of failing on a tab."""
    from kamkit.frameworks import load_framework

    (tmp_path / "steps.yaml").write_text(
        "steps:\n  - {id: pricing, number: 1, title: Pricing, summary: Terms.}\n")
    page = WorkbookApp(framework=load_framework(tmp_path))
    page.open_for_request(store=store, env={"QUERY_STRING": ""})
    assert "steps.yaml" in page.notice.text and "no step 'pricing' is installed" in \
        page.notice.text
    assert page.tabs.layout.display == "none"


def test_resume_goes_to_the_step_to_continue(store, today):
    seed_demo(store, today)
    chloe = next(t for t in store.list_trainees() if t.name == "Chloé Martin")
    page = app(Session(store, chloe))
    assert page.resume_button.description.endswith("step 2, Stakeholder map")
    page.resume_button.click()
    assert page.tabs.selected_index == 2


def test_opening_for_a_personal_link_shows_that_trainee(store, ann):
    token = store.issue_token(ann.id)
    page = app()
    assert "Opening your workbook" in page.header.value
    page.open_for_request(store=store, env={"QUERY_STRING": f"t={token}"})
    assert page.session.trainee.id == ann.id
    assert page.tabs.layout.display is None


def test_a_bad_link_gets_a_message_and_no_workbook(store):
    page = app()
    page.open_for_request(store=store, env={"QUERY_STRING": "t=guess", "KAMKIT_ACCESS": "links"})
    assert "not valid" in page.notice.text
    assert page.tabs.layout.display == "none"
    assert page.session is None


def test_a_step_shown_again_shows_what_the_other_steps_now_hold(store, ann):
    """Step views are kept between visits; what other steps feed in must not go stale: the
    relationship step, built before the profile had spend figures, shows the share-of-wallet
    pre-fill as soon as it is shown again."""
    page = app(Session(store, ann))
    page.create_account("Acme")
    page.open_step("relationship")
    evidence = page._inner["relationship"]
    assert evidence.cards["share_of_wallet"].prefilled.value == ""
    page.open_step("profile")
    profile = page._inner["profile"]
    profile.fields["total_category_spend"].box.value = "1000"
    profile.fields["spend_with_us"].box.value = "900"
    page.open_step("relationship")
    assert page._inner["relationship"] is evidence  # the same view, kept...
    assert "Pre-filled from" in evidence.cards["share_of_wallet"].prefilled.value  # ...current


def test_an_account_name_already_in_use_is_explained_and_not_added(page, store, ann):
    page.create_account("Nordwind")
    page.new_account_name.value = " nordwind "
    page.create_button.click()
    assert "already have an account called 'nordwind'" in page.new_account_message.text
    assert [a.name for a in store.list_accounts(ann.id)] == ["Nordwind"]
    page.create_account("Acme")
    page.rename_account("Nordwind")
    assert "already have an account called 'Nordwind'" in page.rename_message.text


def test_deleting_an_account_is_asked_once_more_then_done(page, store, ann):
    page.create_account("Old test")
    page.create_account("Nordwind")
    store.save_document(page.accounts.value, "profile", {"industry": "Logistics"})
    page.delete_account()
    assert "cannot be undone" in page.delete_message.text
    assert len(store.list_accounts(ann.id)) == 2  # nothing deleted yet
    page.delete_cancel.click()
    assert page.delete_message.text == "" and len(store.list_accounts(ann.id)) == 2
    page.delete_button.click()
    page.delete_button.click()
    assert [a.name for a in store.list_accounts(ann.id)] == ["Old test"]
    assert page.accounts.label == "Old test" and "Deleted “Nordwind”" in page.delete_message.text


def test_enter_in_the_name_field_creates_the_account_and_leaving_it_does_not(page, store, ann):
    page.new_account_name.value = "Nordwind"  # typed; the field left: nothing happens yet
    assert store.list_accounts(ann.id) == []
    page.new_account_name._handle_custom_msg({"event": "submit"}, [])  # Enter, as the page says
    assert [a.name for a in store.list_accounts(ann.id)] == ["Nordwind"]
    assert page.new_account_name.value == "" and "Created" in page.new_account_message.text


def test_a_delete_asked_about_one_account_never_deletes_another(page, store, ann):
    page.create_account("A")
    a = page.accounts.value
    page.create_account("B")
    page.delete_account()  # asked about B...
    page.accounts.value = a  # ...then the trainee switches to A
    assert page.delete_message.text == "" and page.delete_button.description.startswith(
        "Delete this account")
    page.delete_button.click()  # a first press again: asks about A, deletes nothing
    assert sorted(x.name for x in store.list_accounts(ann.id)) == ["A", "B"]
    assert "Delete “A”" in page.delete_message.text


def test_a_link_into_a_case_opens_its_first_step_once_the_page_shows(store, ann):
    session = Session(store, ann)
    session.start_case("halden")
    session.start_step = "profile"  # as a ?case= link sets it
    page = app(session)
    assert page.tabs.selected_index == 0  # nothing built before the page can show it
    page._page_shown()
    assert page.tabs.selected_index == 1 and session.start_step is None


@pytest.mark.parametrize(("tab", "shown"), [("relationship", 3), ("competencies", 6), ("3", 0),
                                            ("pricing", 0)])
def test_a_step_link_opens_the_workbook_on_that_step_built_into_the_page(store, ann, tab, shown):
    """kamkit serve sends a step's own link (03_relationship.ipynb?t=…) here with tab=<its id>:
    the step is built while the request is answered, so it is sent with the page."""
    store.add_account(ann.id, "Nordwind Logistics")
    token = store.issue_token(ann.id)
    page = WorkbookApp()
    page.open_for_request(store=store, env={"QUERY_STRING": f"t={token}&tab={tab}"})
    assert page.tabs.selected_index == shown
    assert len(page._step_views) == (shown in (1, 2, 3, 4, 5))  # only that step, so far
    # the page draws the tab it opens on first; Home's parts once it is shown
    assert (page.accounts_box in page.home.children) == (shown == 0)
    assert "Nordwind Logistics" in [o[0] for o in page.accounts.options]  # built all the same
    page._page_shown()  # showing does not move the trainee elsewhere
    assert page.tabs.selected_index == shown
    assert page.accounts_box in page.home.children and page.progress_box in page.home.children
    if shown == 3:
        from kamkit.ui.relationship import RelationshipApp

        assert isinstance(page._inner["relationship"], RelationshipApp)
    if shown == 6:
        assert page.competencies is not None


def test_an_exercise_link_shows_its_page_in_the_workbook_and_builds_nothing_else(store, ann):
    token = store.issue_token(ann.id)
    store.add_account(ann.id, "Nordwind Logistics")
    page = WorkbookApp()
    page.open_for_request(store=store,
                          env={"QUERY_STRING": f"t={token}&exercise=halden&tab=relationship"})
    assert page.tabs.layout.display == "none" and "Hello" in page.header.value
    back, intro = page.exercise.children[0].children
    assert f"00_workbook.ipynb?t={token}" in back.value  # the way back keeps who is looking
    assert f"00_workbook.ipynb?case=halden&amp;t={token}" in intro.children[1].value
    assert "Check my answers" in intro.children[1].value  # how the checking works
    page._page_shown()
    assert page.tabs.selected_index == 0 and page._step_views == {}  # no tab, no build
    # the workbook's own parts are neither on the page nor sent to it
    assert page.tabs not in page.children and page.tabs.comm is None
    assert page.accounts.comm is None and page.resume_button.comm is None
    assert page.exercise.comm is not None and intro.comm is not None
    quiz = WorkbookApp()
    quiz.open_for_request(store=store, env={"QUERY_STRING": f"t={token}&exercise=quiz"})
    shown = quiz.exercise.children[0].children[1]
    assert shown.cards and shown.back.value == ""  # its questions; one way back, above
    assert quiz.tabs.comm is None
    card = shown.cards[0]  # and the quiz still answers
    card.choice.value = card.choice.options[0][1]
    shown.check(card)
    assert card.feedback.text.startswith(("Right.", "Not quite.")) and shown.message.value == ""
    assert card.choice.layout.comm is not None
    page_parts = [quiz]  # what is on the page can be sent to it: nothing closed under it
    while page_parts:
        widget = page_parts.pop()
        widget.get_state()
        page_parts.extend(getattr(widget, "children", ()))
    unknown = WorkbookApp()
    unknown.open_for_request(store=store, env={"QUERY_STRING": f"t={token}&exercise=nope"})
    assert "no such exercise" in unknown.exercise.children[0].children[1].value


def test_home_chosen_before_a_step_links_page_is_shown_is_drawn_at_once(store, ann):
    store.add_account(ann.id, "Nordwind Logistics")
    page = WorkbookApp()
    page.open_for_request(store=store,
                          env={"QUERY_STRING": f"t={store.issue_token(ann.id)}&tab=profile"})
    assert page.home.children == ()
    page.tabs.selected_index = 0
    assert page.accounts_box in page.home.children
    page._page_shown()  # and once shown, it is not drawn twice
    assert list(page.home.children).count(page.accounts_box) == 1
