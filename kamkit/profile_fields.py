"""How each field of the account profile is asked and shown: its kind (which input, how a value
is printed), its label, and an example. Shared by the trainee's form, the manager's drill-down and
the exports, so a field is called the same everywhere. Which section a field sits in is content
(profile.yaml).
"""

from __future__ import annotations

from typing import Any

__all__ = ["FIELDS", "field_value"]

#: field name -> (kind, label, placeholder or help)
FIELDS: dict[str, tuple[str, str, str]] = {
    "legal_name": ("text", "Legal name", "e.g. Nordwind Logistics GmbH"),
    "industry": ("text", "Industry", "e.g. logistics and warehousing"),
    "size_band": ("size", "Size", ""),
    "regions": ("lines", "Regions they operate in", "Germany\nPoland"),
    "ownership": ("text", "Ownership", "e.g. family-owned, listed, private equity"),
    "strategy": ("long", "Their strategy and goals",
                 "In their words: where do they want to be in three years, and how?"),
    "pressures": ("lines", "Pressures they face", "Driver shortage\nEnergy costs"),
    "changes": ("lines", "What is changing in their world", "New CFO\nAutomation programme"),
    "total_category_spend": ("money", "Their total spend in our category", "per year, all "
                             "suppliers"),
    "spend_with_us": ("money", "Their spend with us", "per year"),
    "revenue_with_us": ("money", "Our revenue from them", "per year"),
    "margin_pct": ("pct", "Our margin on that revenue", ""),
    "years_as_customer": ("int", "Years as our customer", ""),
    "next_renewal": ("date", "Next contract renewal", ""),
    "products_in_use": ("lines", "Our products they use", "Fleet telematics"),
    "white_space": ("lines", "White space: what else they could buy from us",
                    "Driver training platform"),
    "competitors": ("lines", "Competitors present", "RouteMax"),
    "swot.strengths": ("lines", "Our strengths here", "Trusted by operations"),
    "swot.weaknesses": ("lines", "Our weaknesses here", "No access to the board"),
    "swot.opportunities": ("lines", "Opportunities in their world", "Hub automation"),
    "swot.threats": ("lines", "Threats in their world", "New CFO reviews suppliers"),
}


def field_value(doc: Any, name: str) -> Any:
    """The value of a profile field by its dotted name (`swot.strengths`)."""
    value = doc
    for part in name.split("."):
        value = getattr(value, part)
    return value
