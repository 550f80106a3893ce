"""Step 4: opportunities - each qualified honestly (the litmus test first, kept as said; then the
questions, each with how we know, some pre-filled from the stakeholder map), the verdict the
answers suggest beside the trainee's own decision, the activity plan that should win them, and
the forecast that follows - beside the trainee's own estimate. Opportunities can be brought in
from a Salesforce or HubSpot export, previewed before anything is added."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from kamkit.errors import InvalidInput
from kamkit.models import ProfileDoc, StakeholderMapDoc, new_id, parse, parse_keeping
from kamkit.opportunity import OpportunitiesDoc, Opportunity
from kamkit.scoring.activity import plan_summary
from kamkit.scoring.forecast import forecast
from kamkit.scoring.qualification import person_name
from kamkit.session import Session
from kamkit.steps.opportunities import ID, forecast_html, plan_html
from kamkit.ui.activity_plan import MIN_CONTACT_ROWS, OutcomeRow
from kamkit.ui.components import STYLE, Confirm, Message, NumberField, guarded, named, opening
from kamkit.ui.crm_import import ImportPanel
from kamkit.ui.opportunity_form import SHARED, OpportunityForm
from kamkit.ui.page import StepPage
from kamkit.ui.saving import Keeper

if TYPE_CHECKING:
    from kamkit.io.opportunities import OpportunityPreview

__all__ = ["OpportunitiesApp", "app", "STEP"]

STEP = ID


class OpportunitiesApp(widgets.VBox):
    """Step 4 for `session.account`. Tests use `picker`, `add_opportunity()`, the detail
    fields (`name`, `kind`, `value`, `decision_date`, `stage`, `competitors`, `people`), the
    litmus (`litmus`, `litmus_reason`, `record_litmus()`), `questions`, `decision`,
    `decision_reason`, `outcomes`, `estimate`, the results (`score`, `verdict`, `plan`,
    `forecast`) and the import (`crm_load()`, `crm_add()`)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.framework = session.framework
        doc, self.basis = session.open_step(STEP)
        self.doc: OpportunitiesDoc = doc  # type: ignore[assignment]
        self._read_others()
        self.current: str | None = self.doc.opportunities[0].id if self.doc.opportunities \
            else None
        self._loading = False
        self.save_status = Message()
        self.keeper = Keeper(session.save, STEP, self.save_status, self.basis)
        self._create_qualify_tab()
        self._create_plan_tab()
        self._create_forecast_tab()
        self._create_crm_tab()
        self.tabs = widgets.Tab([self.qualify_tab, self.plan_tab, self.forecast_tab,
                                 self.crm_tab],
                                titles=["Qualify", "Activity plan", "Forecast",
                                        "Import from CRM"])
        # the activity plan's rows are built when its tab is first shown (or `build_rest()`,
        # which the workbook calls in the background): a link to this step sends the page only
        # what it opens on; until then, saving keeps the plan as saved
        self.tabs.observe(lambda c: c["new"] is not None and self.tabs.children[c["new"]]
                          is self.plan_tab and self._build_rest_guarded(), names="selected_index")
        super().__init__([STYLE, self.save_status, self.tabs])
        self._fill()
        self.render()

    def _read_others(self) -> None:
        docs = self.session.documents()
        self.smap = docs.of(StakeholderMapDoc)
        self.currency = docs.of(ProfileDoc).currency

    # -- building -------------------------------------------------------------------------

    def _create_qualify_tab(self) -> None:
        self.picker = named(widgets.Dropdown(options=[], layout=widgets.Layout(width="360px")),
                            "Opportunity", shown=False)
        self.picker.observe(self._on_pick, names="value")
        self.add_button = widgets.Button(description="Add opportunity", button_style="primary")
        self.add_button.on_click(lambda _: self.add_opportunity())
        self.remove = Confirm("Remove this opportunity", "Keep it")
        self.remove.button.on_click(lambda _: self.remove_opportunity())
        self.empty = widgets.HTML(
            "<div class='kk-card'>No opportunities yet. Add the sizeable ones in this account "
            "- a renewal to keep, an upsell, a tender - or bring them in from your CRM "
            "(“Import from CRM”).</div>")
        self.work = OpportunityForm(self.framework, self.currency, self.changed)
        for part in SHARED:  # the form's parts, under the names the page and tests use
            setattr(self, part, getattr(self.work, part))
        self.litmus_button.on_click(lambda _: self.record_litmus())
        self.qualify_tab = widgets.VBox([
            widgets.HBox([self.picker, self.add_button]), self.empty, self.work, self.remove])

    def _create_plan_tab(self) -> None:
        self.plan = widgets.HTML()
        self.outcomes: list[OutcomeRow] = []
        self.plan_built = False  # the rows come with the tab (build_rest); until then:
        self._opening = opening()
        self.outcome_box = widgets.VBox([self._opening])
        self.add_outcome_button = widgets.Button(description="Add an outcome",
                                                 button_style="primary")
        self.add_outcome_button.on_click(lambda _: self.add_outcome())
        self.add_outcome_button.disabled = True  # until the plan's rows are on the page
        self.plan_message = Message()
        self.plan_tab = widgets.VBox([
            widgets.HTML("<p>For each opportunity, and for the account as a whole: the "
                         "outcomes you want, by when, their value, and the contacts that will "
                         "get you there - what kind, how many, with whom, and how many you "
                         "expect to convert. Plan contacts with the people who decide: the "
                         "power zone, not the comfort zone.</p>"),
            self.outcome_box, self.add_outcome_button, self.plan_message, self.plan])

    def _create_forecast_tab(self) -> None:
        self.estimate = NumberField("Your own forecast first", self.currency,
                                    help="the revenue you expect these opportunities to bring "
                                         "(retained and new), before you read kamkit's")
        self.estimate.on_change(self.changed)  # kept as typed until it is recorded
        self.estimate_button = widgets.Button(description="Record my forecast and show kamkit's",
                                              button_style="primary",
                                              layout=widgets.Layout(width="auto"))
        self.estimate_button.on_click(lambda _: self.record_estimate())
        self.forecast = widgets.HTML()
        self.forecast_tab = widgets.VBox([self.estimate, self.estimate_button, self.forecast])

    def _create_crm_tab(self) -> None:
        self.crm_tab = ImportPanel(
            "Bring in opportunities exported from Salesforce (a report, or Data Loader) or "
            "deals exported from HubSpot, as CSV or Excel. You see a preview first, with a "
            "reason beside every row that cannot be added; the qualification is yours to do.",
            self.crm_load)
        self.crm_upload, self.crm_preview, self.crm_confirm, self.crm_message = (
            self.crm_tab.upload, self.crm_tab.preview, self.crm_tab.confirm,
            self.crm_tab.message)
        self.crm_confirm.on_click(lambda _: self.crm_add())
        self.pending: OpportunityPreview | None = None

    # -- data in and out ----------------------------------------------------------------------

    def _opp(self, oid: str | None = None) -> Opportunity | None:
        oid = self.current if oid is None else oid
        return next((o for o in self.doc.opportunities if o.id == oid), None)

    def _people_options(self) -> list[tuple[str, str]]:
        return [(person_name(p) + (f" · {p.title}" if p.name and p.title else ""), p.id)
                for p in self.smap.people]

    def _targets(self) -> list[tuple[str, str | None]]:
        return [("the account as a whole", None)] + [(o.name, o.id)
                                                     for o in self.doc.opportunities]

    def _fill(self) -> None:
        """Show the saved document: the chosen opportunity's fields, the plan, the estimate."""
        self._loading = True
        try:
            self.picker.options = [(o.name, o.id) for o in self.doc.opportunities]
            self.picker.value = self.current
            opp = self._opp()
            if opp is not None:
                self.work.fill(opp, self._people_options())
            self._fill_outcomes()
            self.estimate.set(self.doc.estimate)
        finally:
            self._loading = False

    @guarded(lambda self: self.plan_message)
    def _build_rest_guarded(self) -> None:
        self.build_rest()

    def build_rest(self) -> None:
        """The activity plan's rows on the page, showing the saved plan. If they fail to build,
        the plan stays unbuilt (a save keeps it as saved, never a half-shown list) and the
        error is raised."""
        if self.plan_built:
            return
        self.plan_built = True
        try:
            self._fill_outcomes()
        except Exception:
            self.plan_built = False
            self.outcomes.clear()
            self.outcome_box.children = [self._opening]
            raise
        self.add_outcome_button.disabled = False

    def _fill_outcomes(self) -> None:
        if not self.plan_built:  # its tab is not on the page yet
            return
        was, self._loading = self._loading, True  # showing the plan saves nothing
        try:
            self._show_outcomes()
        finally:
            self._loading = was

    def _show_outcomes(self) -> None:
        targets, people = self._targets(), self._people_options()
        while len(self.outcomes) > len(self.doc.outcomes):
            self.outcomes.pop()
        for n, outcome in enumerate(self.doc.outcomes):
            rows = max(MIN_CONTACT_ROWS, len(outcome.contacts) + 1,
                       len(self.outcomes[n].contacts) + 1 if n < len(self.outcomes)
                       and self.outcomes[n].full else 0)
            if n == len(self.outcomes) or len(self.outcomes[n].contacts) < rows \
                    or self.outcomes[n].full:
                row = OutcomeRow(self.framework, targets, people, rows)
                row.on_change(self.changed)
                row.remove.on_click(lambda _, r=row: self.remove_outcome(r))
                if n == len(self.outcomes):
                    self.outcomes.append(row)
                else:
                    self.outcomes[n] = row
            self.outcomes[n].set_choices(targets, people)
            self.outcomes[n].fill(outcome)
        self.outcome_box.children = self.outcomes

    def form_data(self) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The document as the form shows it, and the answers typed that are no value at all (a
        date or a number that is not one): those keep their saved value, reported at their
        field's path."""
        data = self.doc.model_dump()
        problems: list[tuple[str, str]] = []

        opp = self._opp()
        if opp is not None:
            n = next(i for i, o in enumerate(self.doc.opportunities) if o.id == opp.id)
            data["opportunities"][n] |= self.work.read(opp, f"opportunities.{n}", problems)
        data["outcomes"] = data["outcomes"] if not self.plan_built else [
            row.read(self.doc.outcomes[i] if i < len(self.doc.outcomes) else None, problems,
                     f"outcomes.{i}") for i, row in enumerate(self.outcomes)]
        if not self.doc.estimate_locked:
            try:
                data["estimate"] = self.estimate.value
            except InvalidInput as exc:
                problems.append(("estimate", str(exc)))
        return data, problems

    def changed(self) -> None:
        if not self._loading:
            self.save()

    @guarded(lambda self: self.save_status)
    def save(self) -> None:
        """Save every valid answer; one that breaks a rule keeps its saved value and says so
        next to itself."""
        for message in self._messages():
            message.clear()
        data, problems = self.form_data()
        doc, broken = parse_keeping(OpportunitiesDoc, data, self.doc)
        problems += broken
        self._commit(doc)
        if any(row.full for row in self.outcomes):  # every contact row used: offer one more
            self._fill_outcomes()
        for field, text in problems:
            self._message_for(field).unsaved(f"{text} - not saved yet.")
        if not problems:
            self.keeper.settled()

    def _messages(self) -> list[Message]:
        out = [self.estimate.message, *self.work.messages()]
        for row in self.outcomes:
            out += [row.message, row.what.message, row.by.message, row.value.message]
            for contact in row.contacts:
                out += [contact.count.message, contact.conversion.message]
        return out

    def _message_for(self, field: str) -> Message:
        """Where a problem is said: next to the field it is about, else its card, else the
        step's save status."""
        parts = field.split(".")
        if parts[0] == "estimate":
            return self.estimate.message
        if parts[0] == "outcomes" and len(parts) > 1 and parts[1].isdigit() \
                and int(parts[1]) < len(self.outcomes):
            row = self.outcomes[int(parts[1])]
            contact = row.contact_row(parts[3]) if len(parts) > 4 \
                and parts[2] == "contacts" else None
            if contact is not None:
                return {"count": contact.count,
                        "conversion_pct": contact.conversion}.get(parts[4], row).message
            return {"what": row.what, "by": row.by, "value": row.value}.get(
                parts[2] if len(parts) > 2 else "", row).message
        if parts[0] == "opportunities" and len(parts) > 2:
            found = self.work.message_for(parts[2:])
            if found is not None:
                return found
        if parts[0] == "opportunities" and len(parts) == 2 and self.current is not None:
            return self.decision_reason.message  # a rule about the opportunity as a whole
        return self.save_status

    def _commit(self, doc: OpportunitiesDoc) -> None:
        self.keeper.offer(doc, self.doc)
        self.doc = doc
        self.render()

    # -- actions ----------------------------------------------------------------------------

    @guarded(lambda self: self.save_status)
    def add_opportunity(self, name: str = "") -> str:
        oid = new_id({o.id for o in self.doc.opportunities}, "o")
        data = self.doc.model_dump()
        data["opportunities"].append({"id": oid, "name": name or
                                      f"New opportunity {oid.removeprefix('o')}"})
        self.current = oid
        self._commit(parse(OpportunitiesDoc, data))
        self._fill()
        self.render()
        return oid

    @guarded(lambda self: self.remove.message)
    def remove_opportunity(self) -> None:
        opp = self._opp()
        if opp is None:
            return
        if not self.remove.confirmed(opp.id):
            self.remove.ask(opp.id, f"Remove “{opp.name}”, its qualification and the outcomes "
                            "planned for it? Earlier versions stay in the history.",
                            "Yes, remove it", danger=True)
            return
        self.remove.disarm()
        data = self.doc.model_dump()
        data["opportunities"] = [o for o in data["opportunities"] if o["id"] != opp.id]
        data["outcomes"] = [o for o in data["outcomes"] if o["opportunity"] != opp.id]
        rest = [o["id"] for o in data["opportunities"]]
        self.current = rest[0] if rest else None
        self._commit(parse(OpportunitiesDoc, data))
        self._fill()
        self.render()

    @guarded(lambda self: self.litmus_message)
    def record_litmus(self) -> None:
        """Keep the litmus answer as said, lock it, and open the questions."""
        opp = self._opp()
        if opp is None:
            return
        if self.litmus.value is None:
            self.litmus_message.error("Choose an answer first: yes, partly, no or don't know.")
            return
        data = self.doc.model_dump()
        for o in data["opportunities"]:
            if o["id"] == opp.id:
                o |= {"litmus": self.litmus.value, "litmus_reason": self.litmus_reason.value,
                      "litmus_locked": True}
        self._commit(parse(OpportunitiesDoc, data))

    @guarded(lambda self: self.estimate.message)
    def record_estimate(self) -> None:
        """Keep the trainee's own forecast as said, lock it, and show kamkit's beside it."""
        value = self.estimate.value
        if value is None:
            self.estimate.message.error("Type your own forecast first - a number, in "
                                        f"{self.currency}.")
            return
        self._commit(parse(OpportunitiesDoc, {**self.doc.model_dump(), "estimate": value,
                                              "estimate_locked": True}))

    @guarded(lambda self: self.save_status)
    def add_outcome(self, opportunity: str | None = None) -> None:
        self.build_rest()
        data, problems = self.form_data()
        if problems:  # keep what is typed: say where, and add nothing yet
            for field, text in problems:
                self._message_for(field).unsaved(f"{text} - not saved yet.")
            self.plan_message.error("No outcome added yet: first correct the answer marked "
                                    "in red (it may be on another tab).")
            return
        self.plan_message.clear()
        target = opportunity if opportunity is not None else self.current
        data["outcomes"].append({"what": "", "opportunity": target})
        self._commit(parse(OpportunitiesDoc, data))
        self._fill_outcomes()

    @guarded(lambda self: self.save_status)
    def remove_outcome(self, row: OutcomeRow) -> None:
        if row not in self.outcomes:
            return
        n = self.outcomes.index(row)
        data = self.doc.model_dump()
        del data["outcomes"][n]
        self.outcomes.pop(n)
        self._commit(parse(OpportunitiesDoc, data))
        self._fill_outcomes()

    def _on_pick(self, change: dict[str, Any]) -> None:
        if not self._loading and change["new"] is not None and change["new"] != self.current:
            self.current = change["new"]
            self.remove.disarm()
            self._fill()
            self.render()

    def refresh(self) -> None:
        """Shown again: re-read the map (people, pre-fills) and the profile, and redraw."""
        self._read_others()
        self._fill()
        self.render()

    # -- CRM import ---------------------------------------------------------------------------

    @guarded(lambda self: self.crm_message)
    def crm_load(self, filename: str, content: bytes) -> None:
        from kamkit.io.opportunities import read_opportunities  # only when someone imports

        self.pending = None
        self.crm_tab.clear()
        preview = read_opportunities(filename, content, self.framework, self.doc,
                                     company=self.session.account.name)  # type: ignore
        stages = {s.id: s.name for s in self.framework.qualification.stages}
        kinds = self.framework.qualification.kinds
        self.crm_tab.show(
            preview.flavour, preview.mapping, ["Opportunity", "Kind", "Value", "Decision",
                                               "Stage"],
            [(r.line, [r.name, kinds.get(r.kind, r.kind),
                       "" if r.value is None else f"{r.value:,.0f}",
                       r.decision_date.isoformat() if r.decision_date else "",
                       stages.get(r.stage or "", "")], r.errors, r.notes) for r in preview.rows],
            len(preview.ready), "opportunity", "opportunities")
        self.pending = preview if preview.ready else None

    @guarded(lambda self: self.crm_message)
    def crm_add(self) -> None:
        from kamkit.io.opportunities import add_opportunities

        if self.pending is None:
            return
        new_doc, added = add_opportunities(self.doc, self.pending)
        if self.current is None and new_doc.opportunities:
            self.current = new_doc.opportunities[0].id
        self._commit(new_doc)
        self._fill()
        self.render()
        self.pending = None
        self.crm_tab.done(f"Added {added}. Qualify each one: the litmus test first.")

    # -- what the answers say -------------------------------------------------------------------

    def render(self) -> None:
        fw = self.framework
        opp = self._opp()
        names = [(o.name, o.id) for o in self.doc.opportunities]
        if list(self.picker.options) != names:  # a rename, an addition: the lists follow
            was, self._loading = self._loading, True
            try:
                self.picker.options = names
                self.picker.value = self.current
                for row in self.outcomes:
                    row.set_choices(self._targets(), self._people_options())
            finally:
                self._loading = was
        self.empty.layout.display = None if opp is None else "none"
        self.work.layout.display = "none" if opp is None else None
        self.remove.layout.display = "none" if opp is None else None
        if opp is not None:
            self.work.render(opp, self.smap)
        summary = plan_summary(self.doc, self.smap, fw)
        self.plan.value = plan_html(self.doc, summary, self.smap, fw, self.currency)
        self._render_forecast()

    def _render_forecast(self) -> None:
        locked = self.doc.estimate_locked
        self.estimate.box.disabled = locked
        self.estimate_button.layout.display = "none" if locked else None
        if not locked:
            self.forecast.value = ("<p class='kk-muted'>Give your own forecast first; then "
                                   "kamkit's appears beside it.</p>")
            return
        fc = forecast(self.doc, self.smap, self.framework)
        self.forecast.value = forecast_html(fc, self.currency)


def app(session: Session | None = None) -> widgets.Widget:
    """The opportunities step; without a session, a page that opens for whoever asks."""
    if session is not None:
        return OpportunitiesApp(session)
    return StepPage(OpportunitiesApp, STEP)
