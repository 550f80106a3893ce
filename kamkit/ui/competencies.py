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

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from kamkit.charts import RATER_LABELS, competency_chart
from kamkit.competency import CompetencyRatings, RatingSet
from kamkit.competency_content import Round
from kamkit.html import e
from kamkit.models import parse_keeping
from kamkit.scoring.competency import gap_table
from kamkit.session import Basis, Session
from kamkit.ui.components import STYLE, Message, guarded
from kamkit.ui.development_plan import PlanPanel, suggested
from kamkit.ui.page import open_page, workbook_link
from kamkit.ui.peer_links import PeersPanel
from kamkit.ui.rating_form import RatingForm
from kamkit.ui.saving import Keeper

__all__ = ["CompetencyView", "CompetencyPage", "app", "rater_names", "gap_table_html"]

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


# -- the view ------------------------------------------------------------------------------------

class CompetencyView(widgets.VBox):
    """The competency tab. Public attributes are what a person (and a test) uses: `form`,
    `round_switch`, `start_after_button`, `round_message`, `progress`, `save_status`, `chart`,
    `table`, `about`, `peers` (`PeersPanel`), `plan` (`PlanPanel`)."""

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
        self._create_round()
        self._create_form()
        self._create_about()
        self._create_chart()
        self.peers = PeersPanel(session)
        self.plan = PlanPanel(session)
        intro = widgets.HTML(
            "<div class='kk-card'><h2>Your competencies</h2><div class='kk-muted'>How you work "
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
                          self.chart_box, self.peers, self.plan])
        self.add_class("kk-competencies")
        self.form.on_change(self.changed)
        self.render_round()
        self.show_round(self.round)
        self.render_figures()

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
        if c.orientation:
            parts.append(("Whose side you are on", widgets.HTML(items(c.orientation))))
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
            widgets.HTML("<h2>Your gaps: you, your manager and your colleagues</h2><div "
                         "class='kk-muted'>Each competency's mean level. Your manager's and "
                         "your colleagues' ratings are shown as they gave them; only you "
                         "change yours.</div>"),
            widgets.HTML(layout=widgets.Layout(height="4px")),
            self.chart, self.table])
        self.chart_box.add_class("kk-card")

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

    @guarded(lambda self: self.round_message)
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
        self.peers.render()
        self.round_message.ok("Your after-round has started: rate yourself again.")

    # -- your ratings ------------------------------------------------------------------------

    def changed(self) -> None:
        if not self._loading:
            self.save()

    def form_data(self) -> dict[str, Any]:
        """The form as ratings data; behaviours the content no longer has keep their saved
        values (they are not on the form)."""
        # read from the cards, not `form.value`: that validates, and an example too long
        # must be refused next to itself while the rest is saved
        cards = self.form.cards
        levels = {b: c.level.value for b, c in cards.items() if c.level.value is not None}
        examples = {b: c.example.value.strip() for b, c in cards.items()
                    if c.example.value.strip()}
        return {"levels": {**{b: v for b, v in self.saved.levels.items() if b not in cards},
                           **levels},
                "examples": {**{b: v for b, v in self.saved.examples.items()
                                if b not in cards}, **examples},
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
        self.peers.render(self.sets)
        self.plan.suggest(suggested(self.content, table, self.purposes))

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
