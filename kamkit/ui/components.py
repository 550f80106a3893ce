"""Small pieces every view shares: messages next to fields, a guard that keeps tracebacks off
the page, and escaping for anything a person typed."""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as widgets

from kamkit.errors import KamkitError

__all__ = ["esc", "Message", "guarded", "STYLE"]

log = logging.getLogger("kamkit.ui")
F = TypeVar("F", bound=Callable[..., Any])


def esc(text: object) -> str:
    """Text from people is data, never markup: escape it before it enters an HTML widget."""
    return html.escape(str(text), quote=True)


class Message(widgets.HTML):
    """A one-line message under a field or a section: error, success or plain note."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("kk-message")

    def error(self, text: str) -> None:
        self.value = f'<span class="kk-error" role="alert">{esc(text)}</span>'

    def ok(self, text: str) -> None:
        self.value = f'<span class="kk-ok">{esc(text)}</span>'

    def note(self, text: str) -> None:
        self.value = f'<span class="kk-note">{esc(text)}</span>'

    def clear(self) -> None:
        self.value = ""

    @property
    def text(self) -> str:
        """The message as a person reads it (markup stripped) - for tests."""
        return html.unescape(self.value.split(">", 1)[-1].rsplit("<", 1)[0]) if self.value else ""


def guarded(message: Callable[[Any], Message]) -> Callable[[F], F]:
    """Decorate a view method so no exception escapes to ipywidgets (which would only log it).
    A KamkitError is shown in the view's message widget; anything else is a bug: logged in
    full, and the person is told plainly, with their typing left in place."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def inner(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return fn(self, *args, **kwargs)
            except KamkitError as exc:
                message(self).error(str(exc))
            except Exception:
                log.exception("unexpected error in %s", fn.__qualname__)
                message(self).error("Something went wrong on our side. What you typed is "
                                    "still here; please try again.")
            return None

        return inner  # type: ignore[return-value]

    return wrap


STYLE = widgets.HTML("""<style>
.kk-page { max-width: 1000px; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
.kk-header h1 { font-size: 1.5em; margin: 0.2em 0; }
.kk-header .kk-sub { color: #555; }
.kk-card { border: 1px solid #dde3ea; border-radius: 8px; padding: 8px 14px; margin: 6px 0;
           background: #fbfcfd; }
.kk-card h3 { margin: 0.3em 0; font-size: 1.1em; }
.kk-error { color: #b00020; }
.kk-ok { color: #1b6e20; }
.kk-note { color: #555; }
.kk-bar { background: #e7ecf1; border-radius: 4px; height: 10px; width: 180px;
          display: inline-block; vertical-align: middle; }
.kk-bar > span { background: #2f6fb0; border-radius: 4px; height: 10px; display: block; }
.kk-step-title { font-weight: 600; }
.kk-muted { color: #666; font-size: 0.9em; }
</style>""")
