"""Step 1, the account profile, as one unit: its document, how complete it is, where it places
the account (Grow / Maintain / Defend / Exit), how it reads in the report, its dashboard figure,
its spreadsheet sheet, how a case study checks it, and the demo's sample. The view is
`kamkit.ui.profile`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from kamkit.charts import MatrixPoint, portfolio_matrix
from kamkit.checking import Clue, Item, KeyPart, within
from kamkit.frameworks import Framework
from kamkit.html import e
from kamkit.models import ProfileDoc, Swot
from kamkit.profile_fields import FIELDS, field_value
from kamkit.scoring.profile import section_progress
from kamkit.scoring.progress import StepProgress
from kamkit.scoring.segmentation import Placement
from kamkit.steps import Checker, Docs, Sheet, Step
from kamkit.steps.placement import placement, score_until

__all__ = ["ID", "STEP", "progress", "placement", "profile_html", "axes_html", "matrix_html",
           "sample", "ProfileKey", "PurposeKey", "RatingKey", "figures", "figures_until"]

ID = "profile"


def progress(doc: ProfileDoc, framework: Framework) -> StepProgress:
    """The profile's sections together: every field and segmentation criterion counts once."""
    sections = section_progress(doc, framework)
    return StepProgress(ID, sum(s.done for s in sections), sum(s.total for s in sections),
                        [m for s in sections for m in s.missing])


# -- read-only ---------------------------------------------------------------------------------

def _show_value(kind: str, value: Any, currency: str) -> str:
    if value in (None, "", []):
        return '<span class="kk-muted">-</span>'
    if isinstance(value, list):
        return "<br>".join(e(v) for v in value)
    if kind == "money":
        return f"{value:,.0f} {e(currency)}"
    if kind == "pct":
        return f"{value:g} %"
    if kind == "date":
        return e(value.isoformat())
    return e(value).replace("\n", "<br>")


def axes_html(placed: Placement) -> str:
    """Both segmentation axes: each criterion's value, where it came from, and its weight."""
    rows = []
    for axis, title in ((placed.attractiveness, "Attractiveness"),
                        (placed.strength, "Our strength")):
        score = "not scored yet" if axis.score is None else f"{axis.score:.0f} / 100"
        rows.append(f"<tr><th>{title}</th><th>{score}</th><th>weight</th></tr>")
        for v in axis.values:
            shown = "not rated" if v.value is None else f"{v.value:.0f}"
            origin = f" ({e(v.origin)})" if v.origin and v.origin != "your rating" else ""
            rows.append(f"<tr><td>{e(v.criterion.name)}</td><td>{shown}{origin}</td>"
                        f"<td>× {v.criterion.weight:g} %</td></tr>")
    return f'<table class="kk-table">{"".join(rows)}</table>'


def matrix_html(placed: Placement, account: str, framework: Framework, size: int) -> str:
    """The portfolio matrix with this account on it (once it is placed)."""
    points = ([MatrixPoint(account, placed.strength.score, placed.attractiveness.score,
                           current=True)] if placed.purpose is not None else [])
    return portfolio_matrix(points, framework.segmentation, size=size)


def profile_html(docs: Docs, fw: Framework, today: dt.date) -> str:
    doc, account = docs.of(ProfileDoc), docs.account
    placed = placement(docs, fw, today, account)
    rows = []
    for section in fw.profile.sections:
        names = [n for n in section.fields if n in FIELDS]
        if not names:
            continue
        rows.append(f'<tr><th colspan="2" class="kk-section">{e(section.title)}</th></tr>')
        for name in names:
            kind, label, _ = FIELDS[name]
            rows.append(f"<tr><td>{e(label)}</td>"
                        f"<td>{_show_value(kind, field_value(doc, name), doc.currency)}</td></tr>")
    sow = doc.share_of_wallet
    return (
        '<div class="kk-cols"><div>'
        f'<table class="kk-table">{"".join(rows)}</table></div><div>'
        f'<div class="kk-explain">{e(placed.explanation)}</div>'
        + (f"<p>Share of wallet: <b>{sow:.0f} %</b></p>" if sow is not None else "")
        + matrix_html(placed, account, fw, 260)
        + axes_html(placed) + "</div></div>")


# -- the dashboard and the spreadsheet ---------------------------------------------------------

def figures(docs: Docs, framework: Framework, today: dt.date) -> dict[str, Any]:
    placed = placement(docs, framework, today)
    return {"purpose": placed.purpose.name if placed.purpose else None}


def figures_until(docs: Docs, framework: Framework, today: dt.date) -> dt.date | None:
    return score_until(docs, framework, today)  # the purpose moves only with the placement


def _criteria(fw: Framework) -> list[Any]:
    return [*fw.segmentation.attractiveness, *fw.segmentation.strength]


def _sheet_head(fw: Framework) -> list[str]:
    names = [n for s in fw.profile.sections for n in s.fields if n in FIELDS]
    return ["Currency"] + [FIELDS[n][1] for n in names] + [c.name for c in _criteria(fw)]


def _sheet_rows(docs: Docs, fw: Framework, today: dt.date) -> list[list[Any]]:
    doc = docs.of(ProfileDoc)
    values = []
    for n in (n for s in fw.profile.sections for n in s.fields if n in FIELDS):
        v = field_value(doc, n)
        values.append("\n".join(v) if isinstance(v, list) else v)
    return [[doc.currency, *values, *(doc.segmentation.get(c.id) for c in _criteria(fw))]]


# -- case studies ------------------------------------------------------------------------------

class PurposeKey(Clue):
    expected: str


class RatingKey(Clue):
    value: float = Field(ge=0, le=100)
    tolerance: float | None = Field(default=None, ge=0, le=100)


class ProfileKey(KeyPart):
    purpose: PurposeKey
    ratings: dict[str, RatingKey] = Field(default_factory=dict)


def _check(work: Docs, case: Docs, key: ProfileKey, fw: Framework) -> list[Item]:
    doc = work.of(ProfileDoc)
    items = []
    names = {c.id: c.name for c in _criteria(fw)}
    for cid, rk in key.ratings.items():
        value = doc.segmentation.get(cid)
        tol = fw.exercises.tolerance.rating if rk.tolerance is None else rk.tolerance
        items.append(Item(f"rating:{cid}", names[cid], within(value, rk.value, tol),
                          "not rated" if value is None else f"{value:.0f}",
                          f"about {rk.value:.0f} (±{tol:.0f})", rk))
    placed = placement(work, fw)
    purposes = {p.id: p.name for p in fw.segmentation.purposes}
    got = placed.purpose.id if placed.purpose else None
    # ratings the key accepts (each within its tolerance) may still tip the account over a
    # threshold; the purpose is then judged with the key's own values in their place - right
    # if the rest of the trainee's work (the other criteria) leads to the expected purpose
    tolerated = False
    if got is not None and items and all(i.ok for i in items):
        keyed = doc.segmentation | {cid: rk.value for cid, rk in key.ratings.items()}
        as_keyed = Docs({**work, ID: doc.model_copy(update={"segmentation": keyed})},
                        work.account)
        again = placement(as_keyed, fw).purpose
        tolerated = again is not None and again.id == key.purpose.expected
    items.append(Item("purpose", "the account's purpose", got == key.purpose.expected or tolerated,
                      purposes.get(got, "no purpose yet") if got else "no purpose yet",
                      purposes[key.purpose.expected], key.purpose))
    return items


def _problems(key: ProfileKey, case: Docs, fw: Framework) -> list[tuple[str, str]]:
    purposes = {p.id for p in fw.segmentation.purposes}
    criteria = {c.id for c in _criteria(fw)}
    found = []
    if key.purpose.expected not in purposes:
        found.append(("purpose", f"unknown purpose '{key.purpose.expected}'"))
    return found + [(f"ratings.{c}", "unknown criterion") for c in key.ratings
                    if c not in criteria]


def _explain(item_id: str, case: Docs, key: ProfileKey, fw: Framework) -> tuple[str, str]:
    kind, _, ref = item_id.partition(":")
    if kind == "purpose":
        return "The account's purpose", key.purpose.why
    names = {c.id: c.name for c in _criteria(fw)}
    found = key.ratings.get(ref)
    return names.get(ref, ref), found.why if found else ""


def _answer(case: Docs, key: ProfileKey, today: dt.date) -> ProfileDoc:
    ratings = {cid: rk.value for cid, rk in key.ratings.items()}
    return case.of(ProfileDoc).model_copy(update={"segmentation": ratings})


# -- the demo ----------------------------------------------------------------------------------

def sample(today: dt.date, partial: bool = False) -> ProfileDoc:
    """A filled-in profile of an invented customer (or one begun: a few facts only)."""
    if partial:
        return ProfileDoc(industry="Food manufacturing", size_band="500-1,000 employees",
                          pressures=["Retailer price pressure"], total_category_spend=800_000,
                          spend_with_us=120_000)
    return ProfileDoc(
        legal_name="Nordwind Logistics GmbH", industry="Logistics and warehousing",
        size_band="1,000-5,000 employees", regions=["Germany", "Poland", "Benelux"],
        ownership="Family-owned, second generation",
        strategy="Become the leading same-day carrier for e-commerce in Central Europe by 2028; "
                 "automate the three largest hubs.",
        pressures=["Driver shortage", "Energy costs", "Customers demanding live tracking"],
        changes=["New CFO from a private-equity background", "Hub automation programme"],
        currency="EUR", total_category_spend=4_200_000, spend_with_us=1_150_000,
        revenue_with_us=1_150_000, margin_pct=23, years_as_customer=6,
        next_renewal=today + dt.timedelta(days=150),
        products_in_use=["Fleet telematics", "Route planning"],
        white_space=["Warehouse robotics software", "Driver training platform"],
        competitors=["TransSoft", "RouteMax"],
        swot=Swot(strengths=["Trusted by operations"], weaknesses=["No access to the board"],
                  opportunities=["Hub automation programme"],
                  threats=["New CFO reviews suppliers"]),
        segmentation={"revenue_potential": 80, "strategic_importance": 70, "market_influence": 60,
                      "share_of_wallet": 27, "relationship_strength": 55},
    )


STEP = Step(
    id=ID,
    model=ProfileDoc,
    progress=progress,
    html=profile_html,
    view="kamkit.ui.profile:app",
    checker=Checker(key=ProfileKey, check=_check, problems=_problems, explain=_explain,
                    answer=_answer),
    figures=figures,
    figures_until=figures_until,
    columns={"purpose": "Purpose"},
    sheet=Sheet(head=_sheet_head, rows=_sheet_rows),
    sample=sample,
)
