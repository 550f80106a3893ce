"""What checking a step against a case study's key produces: the key's clues, one compared answer
(`Item`), and the `Feedback` of one check - with the rules for passing, hints first and the best
attempt. Pure and shared: each step's checker builds `Item`s; `kamkit.exercises` assembles them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["KeyPart", "Clue", "Item", "Feedback", "within", "Scored", "best_score",
           "has_passed", "joined", "people_names"]


class KeyPart(BaseModel):
    """A part of an expert key (frozen; unknown fields are a typo, not ignored)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Clue(KeyPart):
    where: str = Field(description="the hint: where in the brief to look again")
    why: str = Field(description="the explanation, pointing to the clue")


@dataclass(frozen=True)
class Item:
    """One answer compared with the key."""

    id: str
    label: str                 # what was judged, e.g. "Ingrid Sæther"
    ok: bool
    yours: str                 # the trainee's answer, in words
    expected: str              # the key's answer, in words (shown with the explanation)
    clue: Clue


def within(value: float | None, expected: float | None, tolerance: float) -> bool:
    """Is the trainee's value close enough to the key's? No expectation: anything goes."""
    if expected is None:
        return True
    return value is not None and abs(value - expected) <= tolerance


@dataclass(frozen=True)
class Feedback:
    step: str
    items: tuple[Item, ...]
    pass_mark: float
    attempt: int               # 1 for the first check
    hints_first: bool = True
    expert_view: str = ""      # the expert's qualification of the case

    @property
    def summary(self) -> str:
        """The expert's view - shown only once the step is passed."""
        return self.expert_view if self.passed else ""

    @property
    def score(self) -> float:
        return round(100 * sum(i.ok for i in self.items) / len(self.items), 1) \
            if self.items else 100.0

    @property
    def passed(self) -> bool:
        return self.score >= self.pass_mark

    @property
    def wrong(self) -> list[Item]:
        return [i for i in self.items if not i.ok]

    @property
    def explains(self) -> bool:
        """Explanations from the second try (hints only on the first)."""
        return self.attempt > 1 or not self.hints_first

    def lines(self) -> list[tuple[Item, str]]:
        """(item, the sentence to show) for each wrong answer: hint first, then explanation."""
        out = []
        for item in self.wrong:
            if self.explains:
                out.append((item, f"{item.label[:1].upper()}{item.label[1:]}: you said "
                                  f"{item.yours}; the key says {item.expected}. {item.clue.why}"))
            else:
                out.append((item, f"Look again at {item.label}: {item.clue.where}"))
        return out


class Scored(Protocol):
    score: float
    passed: bool


def best_score(attempts: Sequence[Scored]) -> float | None:
    """The best score of any attempt (None before the first)."""
    return max((a.score for a in attempts), default=None)


def has_passed(attempts: Sequence[Scored]) -> bool:
    """Passed once, passed: a later, worse attempt does not take it back."""
    return any(a.passed for a in attempts)


def joined(words: Sequence[str], last: str = "and") -> str:
    """Words as a sentence lists them: "a", "a and b", "a, b and c" (or `last` = "or")."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]


def people_names(*maps: BaseModel) -> dict[str, str]:
    """Person id -> how a feedback sentence names them, from stakeholder maps (later maps win:
    the case's, then the trainee's own)."""
    names: dict[str, str] = {}
    for doc in maps:
        names |= {p.id: p.name or p.title or p.id for p in getattr(doc, "people", [])}
    return names
