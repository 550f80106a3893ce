"""The account profile, measured: how complete each section is, and what a coach would say about
what is missing or suspicious. Sections and hints are content (profile.yaml); this module only
reads a profile and applies them."""

from __future__ import annotations

import datetime as dt

from kamkit.frameworks import Framework, Hint, HintCondition
from kamkit.models import ProfileDoc
from kamkit.scoring.progress import StepProgress

__all__ = ["field_label", "is_filled", "section_progress", "coach_hints", "metric"]

_LABELS = {"total_category_spend": "their total spend in our category",
           "spend_with_us": "their spend with us", "margin_pct": "margin",
           "legal_name": "legal name", "size_band": "size"}


def field_label(field: str) -> str:
    """A profile field's name in words ("swot.threats" -> "threats")."""
    name = field.rsplit(".", 1)[-1]
    return _LABELS.get(name, name.replace("_", " "))


def _get(doc: ProfileDoc, field: str) -> object:
    value: object = doc
    for part in field.split("."):
        value = getattr(value, part)
    return value


def is_filled(doc: ProfileDoc, field: str) -> bool:
    value = _get(doc, field)
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return value is not None


def section_progress(doc: ProfileDoc, framework: Framework) -> list[StepProgress]:
    """One progress line per profile section (its `step` is the section id)."""
    out = []
    for section in framework.profile.sections:
        items = [(field_label(f), is_filled(doc, f)) for f in section.fields]
        if section.id == "segmentation":
            seg = framework.segmentation
            items += [(c.name.lower(), c.id in doc.segmentation or _from_facts(doc, c.source))
                      for c in (*seg.attractiveness, *seg.strength)]
        done = sum(ok for _, ok in items)
        out.append(StepProgress(section.id, done, len(items), [n for n, ok in items if not ok]))
    return out


def _from_facts(doc: ProfileDoc, source: str | None) -> bool:
    # the relationship step is another step's work: only the profile's own facts count here
    return source == "share_of_wallet" and doc.share_of_wallet is not None


def metric(doc: ProfileDoc, name: str) -> float | None:
    return doc.share_of_wallet if name == "share_of_wallet" else _get(doc, name)  # type: ignore


def _holds(when: HintCondition, doc: ProfileDoc, today: dt.date) -> bool:
    if any(is_filled(doc, f) for f in when.empty):
        return False
    if not all(is_filled(doc, f) for f in when.filled):
        return False
    for name, limit in when.above.items():
        value = metric(doc, name)
        if value is None or not value > limit:
            return False
    for name, limit in when.below.items():
        value = metric(doc, name)
        if value is None or not value < limit:
            return False
    for name, days in when.within_days.items():
        date = _get(doc, name)
        if date is None or (date - today).days > days:  # type: ignore[operator]
            return False
    return True


def coach_hints(doc: ProfileDoc, framework: Framework, today: dt.date | None = None) -> list[Hint]:
    """The content's hints whose conditions all hold for this profile, warnings first."""
    today = today or dt.date.today()
    hits = [h for h in framework.profile.hints if _holds(h.when, doc, today)]
    return sorted(hits, key=lambda h: h.level != "warning")
