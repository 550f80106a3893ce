"""The trainee's competencies: the person, not an account. They rate themselves behaviour by
behaviour, each with an example from their own work - before the programme, and again after it
once the after-round opens - and see their ratings beside their manager's and their peers' on a
gap chart (with the same figures in a table). They ask up to a few colleagues to rate them, each
through a personal link shown once, and keep a short development plan.

A tab of the workbook page (built once, whatever account is open) and a page of its own
(`notebooks/06_competencies.ipynb`). Everything is saved as typed; a failed save keeps what was
typed on screen and says so. Peers' and the manager's ratings are read-only here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import ipywidgets as widgets

from kamkit.charts import RATER_LABELS, competency_chart
from kamkit.competency import (
    CompetencyRatings,
    DevelopmentItem,
    DevelopmentPlan,
    RaterLink,
    RatingSet,
)
from kamkit.competency_content import CompetencyContent, Round
from kamkit.errors import InvalidInput
from kamkit.html import e
from kamkit.models import parse, parse_keeping
from kamkit.scoring.competency import gap_table
from kamkit.session import Basis, Session
from kamkit.ui.components import (
    STYLE,
    ChoiceField,
    DateField,
    Message,
    TextField,
    guarded,
    on_enter,
)
from kamkit.ui.page import open_page, workbook_link
from kamkit.ui.rating_form import RatingForm
from kamkit.ui.saving import Keeper

__all__ = ["CompetencyView", "CompetencyPage", "PeerRow", "PlanRow", "app", "PEER_PAGE",
           "PEER_PARAM", "rater_names", "gap_table_html", "suggested", "link_status"]

#: the peer's page (built beside this one) and the query parameter carrying their token
PEER_PAGE = "rate_a_colleague.ipynb"
PEER_PARAM = "r"

_Table = Mapping[tuple[str, str], Mapping[str, float]]


# -- pure helpers: what the view shows, from data ---------------------------------------------

def rater_names(sets: Iterable[RatingSet]) -> dict[str, str]:
    """How the chart and table name each kind of rater: the manager by name, the peers by how
    many rated."""
    sets = list(sets)
    managers = sorted({s.rater_name for s in sets if s.rater == "manager" and s.rater_name})
    peers = len({s.link_id for s in sets if s.rater == "peer"})
    names = dict(RATER_LABELS)
    if managers:
        names["manager"] = f"Manager ({', '.join(managers)})" if len(managers) == 1 \
            else f"Managers ({', '.join(managers)})"
    if peers:
        names["peer"] = f"Peers ({peers})"
    return names


def gap_table_html(table: _Table, competencies: Sequence[tuple[str, str]],
                   names: Mapping[str, str], rounds: Mapping[str, str]) -> str:
    """The gap chart's figures as a table: a row per competency, a column per rater and
    round that has any."""
    columns = [(rd, r) for r in ("self", "manager", "peer") for rd in ("before", "after")
               if (rd, r) in table]
    if not columns:
        return ""
    head = "".join(f"<th>{e(names.get(r, r))} · {e(rounds.get(rd, rd))}</th>"
                   for rd, r in columns)
    rows = []
    for cid, title in competencies:
        cells = "".join(f"<td>{table[c][cid]:g}</td>" if cid in table[c] else "<td>–</td>"
                        for c in columns)
        rows.append(f"<tr><td>{e(title)}</td>{cells}</tr>")
    return (f"<table class='kk-table kk-competency-table'><tr><th>Competency</th>{head}</tr>"
            f"{''.join(rows)}</table>")


def suggested(content: CompetencyContent, table: _Table, purposes: Iterable[str]) -> list[str]:
    """Competency ids in the order a development plan should consider them: first those the
    role fit of the trainee's accounts' purposes emphasises, then the rest; within each, the
    lowest rated first (the latest round's ratings, every rater's mean pooled), unrated last."""
    emphasis = {c for p in purposes if p in content.role_fit
                for c in content.role_fit[p].emphasis}
    latest = "after" if any(rd == "after" for rd, _ in table) else "before"
    pooled: dict[str, list[float]] = {}
    for (rd, _), means in table.items():
        if rd == latest:
            for cid, mean in means.items():
                pooled.setdefault(cid, []).append(mean)
    order = [c.id for c in content.competencies]

    def key(cid: str) -> tuple[int, float, int]:
        levels = pooled.get(cid)
        return (cid not in emphasis, sum(levels) / len(levels) if levels else 6.0,
                order.index(cid))

    return sorted(order, key=key)


def link_status(link: RaterLink, rated: set[int], now: dt.datetime | None = None) -> str:
    """A peer's link in words: rated or not yet, withdrawn, expired."""
    done = "rated" if link.id in rated else "not rated yet"
    if link.revoked_at is not None:
        return f"withdrawn · {done}"
    if not link.active(now):
        return f"expired · {done}"
    return done


# -- parts ---------------------------------------------------------------------------------------

class PeerRow(widgets.HBox):
    """One link asked for: who, which round, until when, rated yet, and a button to withdraw
    it (while it works)."""

    def __init__(self, link: RaterLink, round_label: str, status: str) -> None:
        self.link_id = link.id
        ends = "ended" if not link.active() else "expires"
        self.text = widgets.HTML(
            f"<b>{e(link.peer_name)}</b> · {e(round_label)} · {ends} "
            f"{link.expires_at:%Y-%m-%d} · <span class='kk-muted'>{e(status)}</span>",
            layout=widgets.Layout(width="520px"))
        self.withdraw_button = widgets.Button(description="Withdraw",
                                              layout=widgets.Layout(width="100px"))
        self.withdraw_button.layout.display = None if link.active() else "none"
        super().__init__([self.text, self.withdraw_button])
        self.add_class("kk-peer")


class PlanRow(widgets.VBox):
    """One item of the development plan: the competency, an action, a date, done."""

    def __init__(self, number: int, choices: list[tuple[str, Any]]) -> None:
        self.competency = ChoiceField(f"{number}. Competency to develop", choices,
                                      width="380px")
        self.action = TextField(f"{number}. What you will do",
                                placeholder="e.g. Meet the new COO with my sponsor")
        self.due = DateField(f"{number}. By when")
        self.done = widgets.Checkbox(description="Done", indent=False,
                                     layout=widgets.Layout(width="100px"))
        super().__init__([self.competency, self.action, widgets.HBox([self.due, self.done])])
        self.add_class("kk-card")
        self.add_class("kk-plan-item")

    def show(self, item: DevelopmentItem | None) -> None:
        self.competency.set(item.competency if item else None)
        self.action.set(item.action if item else "")
        self.due.set(item.due if item else None)
        self.done.value = bool(item and item.done)


# -- the view ------------------------------------------------------------------------------------

class CompetencyView(widgets.VBox):
    """The competency tab. Public attributes are what a person (and a test) uses: `form`,
    `round_switch`, `start_after_button`, `progress`, `save_status`, `chart`, `table`,
    `peer_name`, `ask_button`, `peer_link`, `peer_rows`, `plan_rows`, `plan_status`."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.framework = session.framework
        self.content = session.competencies
        self._loading = False
        self._after_open = session.after_round_open()
        self.round: Round = "after" if self._after_open else "before"
        self.keepers: dict[str, Keeper] = {}
        self.saved = CompetencyRatings()
        self.sets: list[RatingSet] = []
        self.purposes = session.purposes()
        self._shown_link: int | None = None  # the link whose address is on screen (once)
        self._create_round()
        self._create_form()
        self._create_about()
        self._create_chart()
        self._create_peers()
        self._create_plan()
        intro = widgets.HTML(
            "<div class='kk-card'><h3>Your competencies</h3><div class='kk-muted'>How you work "
            "as a key account manager, behaviour by behaviour. Rate yourself honestly and give "
            "an example from your own work for each: you will rate yourself again at the end "
            "of the programme and see what changed - beside your manager's and your "
            "colleagues' view.</div></div>")
        rate = widgets.VBox([self.round_box, self.progress, self.save_status, self.form],
                            layout=widgets.Layout(width="680px"))
        side = widgets.VBox([self.about], layout=widgets.Layout(width="420px",
                                                                 margin="0 0 0 16px"))
        super().__init__([STYLE, intro,
                          widgets.HBox([rate, side], layout=widgets.Layout(flex_flow="row wrap")),
                          self.chart_box, self.peers_box, self.plan_box])
        self.add_class("kk-competencies")
        self.form.on_change(self.changed)
        self.render_round()
        self.show_round(self.round)
        self.render_figures()
        self.render_peers()

    # -- building --------------------------------------------------------------------------

    def _create_round(self) -> None:
        rounds = self.content.rounds
        self.round_switch = widgets.ToggleButtons(
            options=[(rounds["before"], "before"), (rounds["after"], "after")], value=self.round)
        self.round_switch.observe(lambda c: self.show_round(c["new"]), names="value")
        self.round_note = widgets.HTML()
        self.start_after_button = widgets.Button(description="Start my after-round",
                                                 button_style="info",
                                                 layout=widgets.Layout(width="auto"))
        self.start_after_button.on_click(lambda _: self.start_after_round())
        self.round_message = Message()
        self.round_box = widgets.VBox([self.round_switch, self.round_note,
                                       self.start_after_button, self.round_message])
        self.round_box.add_class("kk-card")

    def _create_form(self) -> None:
        self.form = RatingForm(self.content, "self")
        self.progress = widgets.HTML()
        self.save_status = Message()

    def _create_about(self) -> None:
        c = self.content

        def items(values: Iterable[str]) -> str:
            return "<ul>" + "".join(f"<li>{e(v)}</li>" for v in values) + "</ul>"

        roles = "".join(f"<p><b>{e(name.replace('_', ' ').capitalize())}</b>: {e(text)}</p>"
                        for name, text in c.roles.items())
        parts = [("What your accounts ask of you", widgets.HTML(self._role_fit_html()))]
        if c.attributes:
            parts.append(("Attributes of a key account manager",
                          widgets.HTML(items(c.attributes))))
        if c.traits:
            parts.append(("Traits of effective key account managers",
                          widgets.HTML(items(c.traits))))
        if c.roles:
            parts.append(("Roles in an account team", widgets.HTML(roles)))
        self.about = widgets.Accordion([w for _, w in parts], titles=[t for t, _ in parts],
                                       selected_index=None)

    def _role_fit_html(self) -> str:
        c, names = self.content, {p.id: p.name for p in self.framework.segmentation.purposes}
        titles = {comp.id: comp.title for comp in c.competencies}
        counts = {p: self.purposes.count(p) for p in dict.fromkeys(self.purposes)}
        shown = [p for p in counts if p in c.role_fit] or list(c.role_fit)
        intro = ("Your accounts' purposes, and what each asks of you most:" if counts else
                 "None of your accounts has a purpose yet (step 1 places it). What each "
                 "purpose asks of you most:")
        parts = [f"<div class='kk-muted'>{e(intro)}</div>"]
        for p in shown:
            fit = c.role_fit[p]
            many = f" ({counts[p]} of your accounts)" if counts.get(p) else ""
            stress = ", ".join(titles.get(x, x) for x in fit.emphasis)
            parts.append(f"<p><b>{e(names.get(p, p))}</b>{e(many)}: {e(fit.advice)} "
                         f"<span class='kk-muted'>Matters most: {e(stress)}.</span></p>")
        return "".join(parts)

    def _create_chart(self) -> None:
        self.chart = widgets.HTML()
        self.table = widgets.HTML()
        self.chart_box = widgets.VBox([
            widgets.HTML("<h3>Your gaps: you, your manager and your colleagues</h3><div "
                         "class='kk-muted'>Each competency's mean level. Your manager's and "
                         "your colleagues' ratings are shown as they gave them; only you "
                         "change yours.</div>"),
            widgets.HTML(layout=widgets.Layout(height="4px")),
            self.chart, self.table])
        self.chart_box.add_class("kk-card")

    def _create_peers(self) -> None:
        c = self.content
        self.peer_name = TextField("Colleague's name", placeholder="e.g. Bea Lund")
        self.ask_button = widgets.Button(description="Ask a colleague to rate you",
                                         button_style="primary",
                                         layout=widgets.Layout(width="auto"))
        self.ask_button.on_click(lambda _: self.ask_peer())
        on_enter(self.peer_name.input, self.ask_peer)  # type: ignore[arg-type]
        self.peer_link = widgets.HTML()
        self.peer_message = Message()
        self.peer_list = widgets.VBox()
        self.peer_rows: dict[int, PeerRow] = {}
        self.peers_box = widgets.VBox([
            widgets.HTML(f"<h3>Ask a colleague to rate you</h3><div class='kk-muted'>Up to "
                         f"{c.peers} colleagues who see your work can rate you in each round. "
                         f"Each gets a personal link that shows only the rating form for you, "
                         f"works for {c.peer_link_days} days, and stops at once if you "
                         "withdraw it. You see their ratings together, on the chart.</div>"),
            widgets.HBox([self.peer_name, self.ask_button],
                         layout=widgets.Layout(align_items="flex-end")),
            self.peer_link, self.peer_message, self.peer_list])
        self.peers_box.add_class("kk-card")
        if not c.peers:
            self.peers_box.layout.display = "none"

    def _create_plan(self) -> None:
        plan, version = self.session.development_plan()
        self.plan = plan
        self.plan_status = Message()
        self.plan_keeper = Keeper(lambda _key, doc, _basis: self.session.save_development_plan(
            doc), "development plan", self.plan_status, Basis(0, version))  # type: ignore
        self.plan_hint = widgets.HTML()
        self.plan_rows = [PlanRow(n, self._plan_choices())
                          for n in range(1, self.content.plan_items + 1)]
        self._fill_plan(plan)
        for row in self.plan_rows:
            for f in (row.competency, row.action, row.due):
                f.on_change(self.plan_changed)
            row.done.observe(lambda _: self.plan_changed(), names="value")
        self.plan_box = widgets.VBox([
            widgets.HTML(f"<h3>Your development plan</h3><div class='kk-muted'>Up to "
                         f"{self.content.plan_items} things you will get better at, each with "
                         "an action and a date (YYYY-MM-DD).</div>"),
            self.plan_hint, self.plan_status, *self.plan_rows])
        self.plan_box.add_class("kk-card")

    def _plan_choices(self) -> list[tuple[str, Any]]:
        titles = {c.id: c.title for c in self.content.competencies}
        order = suggested(self.content, gap_table(self.sets, self.content), self.purposes)
        return [("choose a competency…", None)] + [(titles[c], c) for c in order]

    def _fill_plan(self, plan: DevelopmentPlan) -> None:
        self._loading = True
        try:
            for n, row in enumerate(self.plan_rows):
                row.show(plan.items[n] if n < len(plan.items) else None)
        finally:
            self._loading = False
        # which row each saved item came from: an invalid field keeps that item's saved value
        self._row_items: list[DevelopmentItem | None] = [
            plan.items[n] if n < len(plan.items) else None for n in range(len(self.plan_rows))]

    # -- rounds ----------------------------------------------------------------------------

    def render_round(self) -> None:
        """What round the trainee rates in, and how the after-round opens."""
        after = self._after_open
        cohort = self.session.trainee.cohort
        self.round_switch.layout.display = None if after else "none"
        self.start_after_button.layout.display = "none"
        if after:
            note = ("The after-round is open: rate yourself again, with examples from what "
                    "you have done since. Your before-round ratings are kept as they were.")
        elif cohort:
            note = (f"You rate yourself now, before the programme. The after-round opens when "
                    f"your facilitator opens it for {cohort}, at the end of the programme.")
        elif self.session.round_complete("before"):
            note = ("Every behaviour is rated. When you have worked through the programme, "
                    "start your after-round and rate yourself again.")
            self.start_after_button.layout.display = None
        else:
            note = ("You rate yourself now, before the programme. Once every behaviour is "
                    "rated you can start your after-round, when you have worked through it.")
        self.round_note.value = f"<div class='kk-muted'>{e(note)}</div>"

    def show_round(self, round: Round) -> None:
        """Put the trainee's ratings of `round` on the form (what a failed save holds, if
        anything: nothing typed is lost by switching)."""
        self.round = round
        if self.round_switch.value != round:
            self.round_switch.value = round  # observed: comes back here
            return
        ratings, version = self.session.ratings(round)
        keeper = self.keepers.get(round)
        if keeper is None:
            keeper = self.keepers[round] = Keeper(
                lambda key, doc, _basis: self.session.save_ratings(key, doc),  # type: ignore
                round, self.save_status, Basis(0, version))
        shown = keeper.unsaved if keeper.unsaved is not None else ratings
        self.saved = shown  # type: ignore[assignment]
        self._loading = True
        try:
            self.form.show(shown)  # type: ignore[arg-type]
        finally:
            self._loading = False
        for card in self.form.cards.values():
            card.example.message.clear()
        closed = round == "before" and self._after_open
        self.form.lock(closed)
        if keeper.unsaved is None:
            self.save_status.clear()
        self.render_progress()

    @guarded(lambda self: self.round_message)
    def start_after_round(self) -> None:
        self.round_message.clear()
        self.session.start_after_round()
        self._after_open = True
        self.render_round()
        self.show_round("after")
        self.render_peers()
        self.round_message.ok("Your after-round has started: rate yourself again.")

    # -- your ratings ------------------------------------------------------------------------

    def changed(self) -> None:
        if not self._loading:
            self.save()

    def form_data(self) -> dict[str, Any]:
        """The form as ratings data; behaviours the content no longer has keep their saved
        values (they are not on the form)."""
        value = self.form.value
        hidden = set(self.saved.levels) | set(self.saved.examples)
        gone = hidden - set(self.form.cards)
        return {"levels": {**{b: v for b, v in self.saved.levels.items() if b in gone},
                           **value.levels},
                "examples": {**{b: v for b, v in self.saved.examples.items() if b in gone},
                             **value.examples},
                "comment": self.saved.comment}

    @guarded(lambda self: self.save_status)
    def save(self) -> None:
        """Save the round's ratings as typed: an example that cannot be kept keeps its saved
        text, says why next to itself, and stays on screen as typed."""
        doc, problems = parse_keeping(CompetencyRatings, self.form_data(), self.saved)
        marked = set()
        for field, text in problems:
            behaviour = field.split(".")[1] if "." in field else ""
            card = self.form.cards.get(behaviour)
            if card is not None:
                card.example.message.unsaved(f"{text} - not saved yet.")
                marked.add(behaviour)
        for b, card in self.form.cards.items():
            if b not in marked:
                card.example.message.clear()
        keeper = self.keepers[self.round]
        keeper.offer(doc, self.saved)
        self.saved = doc
        if problems and keeper.unsaved is None:
            self.save_status.unsaved("Saved, except the example marked in red: it keeps its "
                                     "last saved text until you fix it.")
        elif not problems:
            keeper.settled()
        self.render_progress()
        self.render_figures()

    def render_progress(self) -> None:
        done, total = self.form.rated()
        label = self.content.rounds[self.round]
        self.progress.value = (f"<div><b>{done} of {total} behaviours rated</b> "
                               f"<span class='kk-muted'>· {e(label)}</span></div>")

    # -- figures ---------------------------------------------------------------------------

    def render_figures(self) -> None:
        """The gap chart and its table, from every rater's latest ratings."""
        self.sets = self.session.rating_sets()
        table = gap_table(self.sets, self.content)
        comps = [(c.id, c.title) for c in self.content.competencies]
        names = rater_names(self.sets)
        self.chart.value = competency_chart(table, comps, names, self.content.scale)
        self.table.value = gap_table_html(table, comps, names, self.content.rounds)
        self._render_plan_hint(table)

    # -- peers -----------------------------------------------------------------------------

    def ask_peer(self) -> None:
        """A personal link for the colleague named, shown once; a refusal (a name missing,
        too many asked) is said next to the name."""
        self.peer_name.message.clear()
        self.peer_message.clear()
        self._ask_peer()

    @guarded(lambda self: self.peer_message)
    def _ask_peer(self) -> None:
        round = self.session.current_round()
        try:
            link, token = self.session.ask_peer(self.peer_name.value, round)
        except InvalidInput as exc:
            self.peer_name.message.error(str(exc))
            return
        self.peer_name.set("")
        href = f"{PEER_PAGE}?{urlencode({PEER_PARAM: token})}"
        self._shown_link = link.id
        self.peer_link.value = (
            f"<div class='kk-card kk-peer-link'>Send this link to <b>{e(link.peer_name)}</b>: "
            f"<a class='kk-link' href='{e(href)}' target='_blank' rel='noopener noreferrer'>"
            f"rate {e(self.session.trainee.name)}</a>. Right-click it and copy the link "
            "address, then send it to them yourself. <b>It is shown only now</b> - kamkit "
            f"keeps no copy. It works until {link.expires_at:%Y-%m-%d}.</div>")
        self.render_peers()

    @guarded(lambda self: self.peer_message)
    def withdraw(self, link_id: int) -> None:
        self.peer_message.clear()
        link = self.session.withdraw_peer(link_id)
        if self._shown_link == link_id:
            self.peer_link.value, self._shown_link = "", None
        self.render_peers()
        self.peer_message.ok(f"Withdrew {link.peer_name}'s link: it no longer works.")

    def render_peers(self) -> None:
        links = self.session.peer_links()
        rated = {s.link_id for s in self.sets if s.rater == "peer" and s.link_id is not None}
        now = dt.datetime.now(dt.timezone.utc)
        rows = {}
        for link in reversed(links):  # newest first
            row = PeerRow(link, self.content.rounds[link.round], link_status(link, rated, now))
            row.withdraw_button.on_click(lambda _, i=link.id: self.withdraw(i))
            rows[link.id] = row
        self.peer_rows = rows  # type: ignore[assignment]
        self.peer_list.children = list(rows.values())

    # -- development plan ------------------------------------------------------------------

    def _render_plan_hint(self, table: _Table) -> None:
        titles = {c.id: c.title for c in self.content.competencies}
        order = suggested(self.content, table, self.purposes)
        self.plan_hint.value = (
            "<div class='kk-muted'>Suggested first - what your accounts ask for most, then "
            "where you are rated lowest: "
            + ", ".join(f"<b>{e(titles[c])}</b>" for c in order[:3]) + ".</div>")
        choices = [("choose a competency…", None)] + [(titles[c], c) for c in order]
        self._loading = True
        try:
            for row in getattr(self, "plan_rows", []):
                held = row.competency.value
                row.competency.set_options(choices)
                row.competency.set(held)
        finally:
            self._loading = False

    def plan_changed(self) -> None:
        if not self._loading:
            self.save_plan()

    def plan_data(self) -> tuple[list[DevelopmentItem | None], bool]:
        """Each row as an item (None: no competency chosen), and whether a field could not be
        kept (it keeps the row's saved value, and says why next to itself)."""
        out: list[DevelopmentItem | None] = []
        problems = False
        for n, row in enumerate(self.plan_rows):
            before = self._row_items[n]
            row.action.message.clear()
            try:
                due = row.due.value
                row.due.message.clear()
            except InvalidInput as exc:
                row.due.message.unsaved(f"{exc} - not saved yet.")
                due, problems = (before.due if before else None), True
            competency = row.competency.value
            if competency is None:
                out.append(None)
                continue
            data = {"competency": competency, "action": row.action.value, "due": due,
                    "done": row.done.value}
            try:
                item = parse(DevelopmentItem, data)
            except InvalidInput as exc:
                row.action.message.unsaved(f"{exc} - not saved yet.")
                problems = True
                item = parse(DevelopmentItem, data | {"action": before.action if before else ""})
            out.append(item)
        return out, problems

    @guarded(lambda self: self.plan_status)
    def save_plan(self) -> None:
        items, problems = self.plan_data()
        plan = DevelopmentPlan(items=[i for i in items if i is not None])
        self.plan_keeper.offer(plan, self.plan)
        self.plan = plan
        self._row_items = items
        if problems and self.plan_keeper.unsaved is None:
            self.plan_status.unsaved("Saved, except the field marked in red: it keeps its last "
                                     "saved value until you fix it.")
        elif not problems:
            self.plan_keeper.settled()

    # -- shown again -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Shown again: the manager's and peers' latest ratings, the links, and whether the
        after-round has opened meanwhile (then it is the round on screen)."""
        opened = self.session.after_round_open()
        if opened != self._after_open:
            self._after_open = opened
            self.render_round()
            self.show_round("after" if opened else "before")
        self.render_figures()
        self.render_peers()


class CompetencyPage(widgets.VBox):
    """The competencies on a page of their own: waits for the request, then shows the
    trainee's competency view (no account needed)."""

    def __init__(self) -> None:
        self.notice = Message()
        self.notice.note("Opening your workbook…")
        self.view: CompetencyView | None = None
        super().__init__([STYLE, self.notice])
        self.add_class("kk-page")

    def open_for_request(self, **kwargs: object) -> None:
        open_page(self._show, self.notice.error, **kwargs)

    def _show(self, session: Session) -> None:
        back = widgets.HTML(workbook_link(session.who, "← Your workbook: your accounts, every "
                                                       "step and the case studies"))
        self.notice.clear()
        self.view = CompetencyView(session)
        self.children = [STYLE, back, self.notice, self.view]


def app(session: Session | None = None) -> widgets.Widget:
    """The competency view; without a session, a page that opens for whoever requests it."""
    if session is not None:
        return CompetencyView(session)
    return CompetencyPage()
