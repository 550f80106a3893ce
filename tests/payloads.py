"""Injection payloads, and a workbook with one of them in every free-text field a trainee (or a
manager) can type - found by walking the models, so a new text field is covered without
anyone remembering to add it here."""

from __future__ import annotations

import datetime as dt
import typing
from html.parser import HTMLParser
from typing import Any

from pydantic import BaseModel

from kamkit.models import (
    IndicatorRating,
    PlanItem,
    ProfileDoc,
    RelationshipDoc,
    Stakeholder,
    StakeholderMapDoc,
    TeamMember,
)

PAYLOADS = [
    "<script>window.__pwned=1;alert('x')</script>",
    "<img src=x onerror=\"window.__pwned=1;alert('x')\">",
    "\"><svg onload=\"window.__pwned=1\"><b id=injected>bold</b>",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "</textarea><iframe src=javascript:alert(1)></iframe>",
]
SKIP = {"id", "currency", "reports_to", "influences", "ours", "theirs", "indicator", "level",
        "size_band"}


def _is_text(annotation: Any) -> bool:
    return annotation is str or (typing.get_origin(annotation) is typing.Union
                                 and str in typing.get_args(annotation))


def _is_text_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is not list:
        return False
    (item,) = typing.get_args(annotation)
    return item is str or typing.get_origin(item) is typing.Annotated \
        and typing.get_args(item)[0] is str


def texts(model: type[BaseModel], text: str, **fixed: Any) -> dict[str, Any]:
    """`fixed` values, and `text` in every other free-text field of `model`."""
    data: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name in fixed or name in SKIP:
            continue
        if _is_text(field.annotation):
            data[name] = text
        elif _is_text_list(field.annotation):
            data[name] = [text]
    return {**data, **fixed}


def poisoned_docs(text: str, today: dt.date | None = None) -> dict[str, BaseModel]:
    """All three step documents, with `text` in every free-text field."""
    today = today or dt.date.today()
    from kamkit.frameworks import default_framework
    from kamkit.models import Swot

    ind = default_framework().relationship.indicators
    profile = ProfileDoc(**texts(ProfileDoc, text, swot=Swot(**texts(Swot, text)),
                                 total_category_spend=1000, spend_with_us=300))
    people = [Stakeholder(**texts(Stakeholder, text, id="p1", influence=5, support=-2,
                                  role="decision maker")),
              Stakeholder(**texts(Stakeholder, text, id="p2", influence=2, support=1))]
    smap = StakeholderMapDoc(people=people, team=[TeamMember(**texts(
        TeamMember, text, id="t1", role="account manager"))])
    rel = RelationshipDoc(**texts(
        RelationshipDoc, text, gut_feeling=70, feeling_locked=True,
        ratings={i.id: IndicatorRating(**texts(IndicatorRating, text, level=2, as_of=today))
                 for i in ind},
        plan=[PlanItem(**texts(PlanItem, text, indicator=ind[0].id))]))
    return {"profile": profile, "stakeholders": smap, "relationship": rel}


def seed_poisoned(store: Any, text: str, cohort: str = "Payloads") -> tuple[Any, Any]:
    """A trainee (named with the payload) whose whole workbook carries it."""
    trainee = store.add_trainee(f"Pat {text}"[:120], cohort=cohort)
    account = store.add_account(trainee.id, f"Acme {text}"[:120])
    for step, doc in poisoned_docs(text).items():
        store.save_document(account.id, step, doc)
    return trainee, account


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def text_of(document: str) -> str:
    """What `document` says as text - what a reader sees, markup gone, `&lt;` read as `<`."""
    parser = _Tags()
    parser.feed(document)
    parser.close()
    return "".join(parser.text)


def live_markup(document: str) -> list[str]:
    """Anything in `document` that would run or render as markup from trainee text."""
    parser = _Tags()
    parser.feed(document)
    found = []
    for tag, attrs in parser.tags:
        if tag in ("script", "img", "iframe", "textarea", "object", "embed"):
            found.append(tag)
        found += [f"{tag}[{a}]" for a in attrs if a.startswith("on")]
        if attrs.get("id") == "injected":
            found.append(f"{tag}#injected")
        if any((v or "").strip().lower().startswith("javascript:") for v in attrs.values()):
            found.append(f"{tag} javascript:")
    return found


def html_of(widget: Any) -> str:
    """Every HTML a widget tree shows, joined - what a page would render as markup."""
    import ipywidgets as widgets

    own = widget.value if isinstance(widget, widgets.HTML) else ""
    return own + "".join(html_of(child) for child in getattr(widget, "children", ()))
