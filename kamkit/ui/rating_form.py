"""The competency rating form, one for everyone who rates: the trainee (their own ratings,
each with an example from their work), their manager (in the review server) and a peer (through
their own link). Pillar by pillar, each behaviour with a drop-down whose choices are the
content's plain-words anchors, so every rater means the same thing by a 3, and a box for an
example. `value` is a `CompetencyRatings`; `show()` puts saved ratings back."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from kamkit.competency import CompetencyRatings
from kamkit.competency_content import CompetencyContent
from kamkit.errors import InvalidInput
from kamkit.html import e
from kamkit.models import parse
from kamkit.ui.components import ChoiceField, TextField

__all__ = ["RatingForm", "BehaviourCard", "EXAMPLE_LABELS"]

#: what the example box asks, per rater
EXAMPLE_LABELS = {
    "self": "An example from your own work",
    "manager": "What you have seen them do",
    "peer": "What you have seen them do",
}


class BehaviourCard(widgets.VBox):
    """One behaviour: its text, the rating (anchors as the choices) and the example."""

    def __init__(self, behaviour_id: str, text: str, anchors: dict[int, str],
                 scale: dict[int, str], example_label: str) -> None:
        self.behaviour_id = behaviour_id
        self.level = ChoiceField(
            f"Rating: {text}", [("not rated yet", None)] + [
                (f"{n} · {scale[n]}: {anchors[n]}", n) for n in sorted(anchors)],
            width="96%")
        self.example = TextField(f"{example_label}: {text}", long=True, height="60px",
                                 placeholder="When, with whom, what happened")
        super().__init__([widgets.HTML(f"<b>{e(text)}</b>"), self.level, self.example])
        self.add_class("kk-card")
        self.add_class("kk-behaviour")


class RatingForm(widgets.VBox):
    def __init__(self, content: CompetencyContent, rater: str = "self") -> None:
        self.content = content
        self.cards: dict[str, BehaviourCard] = {}
        parts: list[widgets.Widget] = []
        label = EXAMPLE_LABELS.get(rater, EXAMPLE_LABELS["peer"])
        for pillar in content.pillars:
            parts.append(widgets.HTML(f"<h2>{e(pillar.title)}</h2>"))
            for comp in pillar.competencies:
                parts.append(widgets.HTML(f'<div class="kk-muted">{e(comp.title)}</div>'))
                for b in comp.behaviours:
                    card = BehaviourCard(b.id, b.text, b.anchors, content.scale, label)
                    self.cards[b.id] = card
                    parts.append(card)
        super().__init__(parts)
        self.add_class("kk-rating-form")

    @property
    def value(self) -> CompetencyRatings:
        """The ratings on the form (InvalidInput, naming the field, for text that cannot be
        kept)."""
        levels = {b: c.level.value for b, c in self.cards.items() if c.level.value is not None}
        examples = {b: c.example.value.strip() for b, c in self.cards.items()
                    if c.example.value.strip()}
        for card in self.cards.values():
            card.example.message.clear()
        try:  # a person typed these: what cannot be kept is said under its example
            return parse(CompetencyRatings, {"levels": levels, "examples": examples})
        except InvalidInput as exc:
            for where, text in exc.problems:
                card = self.cards.get(where.rpartition(".")[2])
                if card is not None:
                    card.example.message.error(text)
            raise InvalidInput("An example cannot be kept as it is: see the message under "
                               "it.") from None

    def show(self, ratings: CompetencyRatings) -> None:
        """Put saved ratings on the form (behaviours the content no longer has are kept in
        `ratings`, not shown)."""
        for b, card in self.cards.items():
            card.level.set(ratings.levels.get(b))
            card.example.set(ratings.examples.get(b, ""))

    def on_change(self, callback: Callable[[], None]) -> None:
        for card in self.cards.values():
            card.level.on_change(callback)
            card.example.on_change(callback)

    def lock(self, locked: bool) -> None:
        for card in self.cards.values():
            card.level.input.disabled = locked
            card.example.input.disabled = locked

    def rated(self) -> tuple[int, int]:
        """(behaviours rated, behaviours in all)."""
        return sum(c.level.value is not None for c in self.cards.values()), len(self.cards)
