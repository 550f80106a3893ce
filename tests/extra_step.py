"""A tiny workbook step from outside kamkit ("pricing": the account's price list and discount),
written the way another package would write one: one module with its document, its progress,
its read-only HTML, its view, a dashboard figure, a spreadsheet sheet, a demo sample and an
alert. Tests register it with the registry's hook (`kamkit.steps.added`) and list it in a
steps.yaml of their own - kamkit's code does not change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kamkit.frameworks import Framework
from kamkit.html import e
from kamkit.scoring.progress import StepProgress, checklist
from kamkit.steps import Docs, Sheet, Step

ID = "pricing"
STEPS_YAML = """steps:
  - {id: profile, number: 1, title: Account profile, summary: Know the customer.}
  - {id: stakeholders, number: 2, title: Stakeholder map, summary: Map the people.}
  - {id: relationship, number: 3, title: Relationship score, summary: Measure it.}
  - {id: pricing, number: 4, title: Pricing terms, summary: What they pay and why.}
"""


class PricingDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    price_list: str = Field(default="", max_length=200)
    discount_pct: float | None = Field(default=None, ge=0, le=100)


def progress(doc: PricingDoc, fw: Framework) -> StepProgress:
    return checklist(ID, [("price list", bool(doc.price_list)),
                          ("discount", doc.discount_pct is not None)])


def html(docs: Docs, fw: Framework, today: dt.date) -> str:
    doc = docs.of(PricingDoc)
    return (f"<p class='pricing'>Price list: {e(doc.price_list)}; "
            f"discount {doc.discount_pct} %</p>")


def view(session: Any) -> Any:
    import ipywidgets as widgets

    doc = session.load(ID)
    return widgets.VBox([widgets.HTML("<h2>Pricing terms</h2>"),
                         widgets.Text(value=doc.price_list, description="Price list")])


def figures(docs: Docs, fw: Framework, today: dt.date) -> dict[str, Any]:
    return {"discount": docs.of(PricingDoc).discount_pct}


def alerts(docs: Docs, fw: Framework, today: dt.date) -> list[str]:
    discount = docs.of(PricingDoc).discount_pct
    return ([f"a discount of {discount:g} % needs a director's signature"]
            if discount is not None and discount > 30 else [])


def sample(today: dt.date, partial: bool = False) -> PricingDoc:
    return PricingDoc(price_list="2026 list", discount_pct=None if partial else 12.5)


STEP = Step(
    id=ID, model=PricingDoc, progress=progress, html=html, view=view, figures=figures,
    columns={"discount": "Discount %"},
    sheet=Sheet(head=lambda fw: ["Price list", "Discount %"],
                rows=lambda docs, fw, today: [[docs.of(PricingDoc).price_list,
                                                docs.of(PricingDoc).discount_pct]]),
    sample=sample,
    rubric={n: f"pricing at level {n}" for n in range(1, 6)},
    alerts=alerts,
)
