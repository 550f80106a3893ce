"""The few HTML pieces every page, report and view shares: escaping what people typed, the
completeness bar, and a step's alerts. One helper each, so a fix reaches every place that shows
it."""

from __future__ import annotations

import html

__all__ = ["number", "e", "bar", "alerts_html"]


def e(text: object) -> str:
    """Text from a person, made safe to place in HTML (element content or attribute)."""
    return html.escape(str(text), quote=True)


def bar(percent: int, width: int = 180) -> str:
    """A small completeness bar, with its percentage as a tooltip."""
    percent = max(0, min(100, round(percent)))
    return (f'<span class="kk-bar" style="width:{width}px" title="{percent}% complete">'
            f'<span style="width:{percent}%"></span></span>')


def alerts_html(alerts: list[str]) -> str:
    """What a step says needs attention ("past its review on 2027-01-31"), in a warning
    colour; nothing when all is well."""
    if not alerts:
        return ""
    return ('<span class="kk-alert">⚠ ' + " · ".join(e(a) for a in alerts) + "</span>")


def number(value: float | None) -> str:
    """A figure as people read it: whole numbers with thousands separators (1,200,000), small
    ones with up to four significant digits (16.2, 0.375); "" for none. Never 1.2e+06."""
    if value is None:
        return ""
    if abs(value) >= 1000 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.4g}"
