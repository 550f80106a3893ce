"""The few HTML pieces every page, report and view shares: escaping what people typed, and the
completeness bar. One helper each, so a fix to either reaches every place that shows it."""

from __future__ import annotations

import html

__all__ = ["e", "bar"]


def e(text: object) -> str:
    """Text from a person, made safe to place in HTML (element content or attribute)."""
    return html.escape(str(text), quote=True)


def bar(percent: int, width: int = 180) -> str:
    """A small completeness bar, with its percentage as a tooltip."""
    percent = max(0, min(100, round(percent)))
    return (f'<span class="kk-bar" style="width:{width}px" title="{percent}% complete">'
            f'<span style="width:{percent}%"></span></span>')
