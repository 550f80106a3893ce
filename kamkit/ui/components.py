"""Small pieces every view shares: messages next to fields, a guard that keeps tracebacks off
the page, and escaping for anything a person typed."""

from __future__ import annotations

import datetime as dt
import functools
import html
import logging
import math
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import ipywidgets as widgets

from kamkit.errors import InvalidInput, KamkitError
from kamkit.html import e

__all__ = ["Message", "opening", "guarded", "on_enter", "Confirm", "FirstAnswer", "STYLE",
           "Field", "fixed", "named", "TextField", "LinesField", "NumberField", "DateField",
           "ChoiceField", "close_tree", "download_link", "safe_filename"]

_log = logging.getLogger("kamkit.ui")
_F = TypeVar("_F", bound=Callable[..., Any])


class Message(widgets.HTML):
    """A one-line message under a field or a section: error, success or plain note. The page
    announces it to a screen reader as it changes (a polite live region: `ui/static/a11y.js`
    marks every `kk-message`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("kk-message")

    def error(self, text: str) -> None:
        self.value = f'<span class="kk-error">{e(text)}</span>'

    def unsaved(self, text: str) -> None:
        """An error that leaves something typed and not saved: the page warns before it is
        left while one shows (`kk-unsaved`, see ui/static/watchdog.js)."""
        self.value = f'<span class="kk-error kk-unsaved">{e(text)}</span>'

    def ok(self, text: str, version: int | None = None) -> None:
        """Good news; `version`: the saved version it acknowledges, kept out of the words (a
        trainee needs "saved", not a number) but on the element for tools and tests."""
        data = "" if version is None else f' data-version="{version}"'
        self.value = f'<span class="kk-ok"{data}>{e(text)}</span>'

    def note(self, text: str) -> None:
        self.value = f'<span class="kk-note">{e(text)}</span>'

    def clear(self) -> None:
        self.value = ""

    @property
    def text(self) -> str:
        """The message as a person reads it (markup stripped) - for tests."""
        return html.unescape(self.value.split(">", 1)[-1].rsplit("<", 1)[0]) if self.value else ""


def guarded(message: Callable[[Any], Message]) -> Callable[[_F], _F]:
    """Decorate a view method so no exception escapes to ipywidgets (which would only _log it).
    A KamkitError is shown in the view's message widget; anything else is a bug: logged in
    full, and the person is told plainly, with their typing left in place."""

    def wrap(fn: _F) -> _F:
        @functools.wraps(fn)
        def inner(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return fn(self, *args, **kwargs)
            except KamkitError as exc:
                message(self).error(str(exc))
            except Exception:
                _log.exception("unexpected error in %s", fn.__qualname__)
                message(self).error("Something went wrong on our side. What you typed is "
                                    "still here; please try again.")
            return None

        return inner  # type: ignore[return-value]

    return wrap


class Confirm(widgets.VBox):
    """A button for what cannot be undone: the first press asks (and names what it is about),
    the second does it - only if it is still about the same thing; "keep" calls it off.
    The view calls `confirmed(about)` from its handler and `ask(...)` when it is not."""

    def __init__(self, label: str, keep: str) -> None:
        self.label = label
        self.button = widgets.Button(description=label, layout=widgets.Layout(width="auto"))
        self.cancel = widgets.Button(description=keep,
                                     layout=widgets.Layout(width="auto", display="none"))
        self.cancel.on_click(lambda _: self.disarm())
        self.message = Message()
        self.asked: object = None  # what the pending question is about
        super().__init__([widgets.HBox([self.button, self.cancel]), self.message])

    def confirmed(self, about: object) -> bool:
        return self.asked is not None and self.asked == about

    def ask(self, about: object, question: str, yes: str, danger: bool = False) -> None:
        self.asked = about
        (self.message.error if danger else self.message.note)(question)
        self.button.description = yes
        self.button.button_style = "danger" if danger else ""
        self.cancel.layout.display = None

    def disarm(self) -> None:
        self.asked = None
        self.button.description = self.label
        self.button.button_style = ""
        self.cancel.layout.display = "none"
        self.message.clear()


class FirstAnswer(widgets.VBox):
    """An answer given before the evidence is opened - a gut feeling, a litmus test - and kept
    as said: `answer` and `reason` (widgets), the button that records it, its message, and
    what was said once recorded (`shown`). The view calls `lock(locked, said)`."""

    def __init__(self, title: str, intro: str, answer: widgets.Widget, reason: Field,
                 button: str) -> None:
        self.answer = answer
        self.reason = reason
        self.button = widgets.Button(description=button, button_style="primary",
                                     layout=widgets.Layout(width="auto"))
        self.message = Message()
        self.shown = widgets.HTML()
        super().__init__([widgets.HTML(f"<h2>{e(title)}</h2><div class='kk-muted'>{e(intro)}"
                                       "</div>"), answer, reason, self.button, self.message,
                          self.shown])
        self.add_class("kk-card")

    def lock(self, locked: bool, said: str = "") -> None:
        """Recorded: the answer and the reason can no longer change; `said` (HTML) shows it."""
        inner = getattr(self.answer, "input", self.answer)
        for w in (inner, self.reason.input, self.button):
            w.disabled = locked
        self.button.layout.display = "none" if locked else None
        self.shown.value = said if locked else ""


def on_enter(box: widgets.Text, callback: Callable[[], None]) -> None:
    """Run `callback` when Enter is pressed in `box` (the page sends a "submit" event; the
    value is already synced). ipywidgets' own `on_submit` is deprecated, and its suggested
    replacement also fires when the field is merely left - which must not create anything."""
    box.on_msg(lambda _, content, __: content.get("event") == "submit" and callback())


def safe_filename(name: str, ext: str, fallback: str = "kamkit") -> str:
    """A file name made from a person's text: letters, digits, - and _ only."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name).strip("-")[:60]
    return f"{safe or fallback}.{ext}"


def download_link(label: str, filename: str, data: bytes, mime: str) -> str:
    """A link that saves `data` as `filename` - the file travels inside the page, so the server
    never has to serve a file (and cannot be asked for anyone else's)."""
    import base64

    encoded = base64.b64encode(data).decode("ascii")
    return (f'<a class="kk-download" download="{e(filename)}" '
            f'href="data:{e(mime)};base64,{encoded}">⬇ {e(label)}</a>')


def close_tree(root: widgets.Widget) -> None:
    """Close `root` and every widget inside it (a box's or a tab's children), with the layouts
    and styles only they use: none is sent to the page any more, and the kernel lets them go.
    What a widget outside holds as a child, layout or style stays open, with everything inside
    it and their layouts and styles. Only those three ways of holding a widget are followed
    (ipywidgets' own `_instances` and `_trait_values`, as `shared_defaults` reads them): a
    widget pointing into the tree by another trait (a jslink) must not be left open."""
    from ipywidgets.widgets.widget import _instances

    def inside(widget: widgets.Widget) -> list[widgets.Widget]:
        return list(getattr(widget, "children", ()))

    def parts(widget: widgets.Widget) -> list[widgets.Widget]:
        return [w for name in ("layout", "style")
                if isinstance(w := widget._trait_values.get(name), widgets.Widget)]

    def within(*tops: widgets.Widget) -> dict[int, widgets.Widget]:
        found: dict[int, widgets.Widget] = {}
        stack = list(tops)
        while stack:
            widget = stack.pop()
            if id(widget) not in found:
                found[id(widget)] = widget
                stack.extend(inside(widget))
        return found

    tree = within(root)
    held = {id(w): w for widget in list(_instances.values()) if id(widget) not in tree
            for w in (*inside(widget), *parts(widget))}
    kept = within(*(w for k, w in held.items() if k in tree))
    stays = held.keys() | kept.keys() | {id(p) for w in kept.values() for p in parts(w)}
    for key, widget in tree.items():
        if key not in stays:
            for part in parts(widget):
                if id(part) not in stays:
                    part.close()
            widget.close()


def opening() -> widgets.HTML:
    """What a part of a view says until it is built (a step builds a tab's rows when the tab is
    first opened)."""
    return widgets.HTML("<div class='kk-muted'>Opening…</div>")


# --- form fields: an input, its label, and the message that belongs next to it ----------------


# Widgets shared by every field that would otherwise make its own identical one (a model more
# for the page each): per process, as the widgets are; nothing changes one after it is made,
# and one closed (by Widget.close_all(), or close_tree() with nothing else using it) is made
# again when next asked for.
_shared: dict[object, widgets.Widget] = {}


def _one_for_all(key: object, make: Callable[[], widgets.Widget]) -> Any:
    """The widget shared under `key`, made by `make` the first time (and again once closed)."""
    widget = _shared.get(key)
    if widget is None or widget.comm is None:
        widget = _shared[key] = make()
    return widget


class _Fixed(widgets.Layout):
    """A layout shared by every widget that asks for the same one (`fixed()`). Changing it
    would change every widget sharing it, so a change raises: such a widget needs its own."""

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_made", False) and name in self.keys:  # closing it is fine
            raise TypeError(f"a shared layout cannot change ({name}={value!r}): give this "
                            "widget a widgets.Layout of its own")
        super().__setattr__(name, value)


def fixed(**layout: str) -> widgets.Layout:
    """A layout that never changes, one per set of values, shared by every widget asking for
    it (one model for the page, not one per widget: a card of fields sized alike, nine cards,
    one model)."""

    def make() -> widgets.Layout:
        made = _Fixed(**layout)
        made._made = True
        return made

    return _one_for_all(("layout", *sorted(layout.items())), make)


def _initial_style(trait: Any) -> widgets.Widget | None:
    """One style per kind whose label is as wide as its words (`description_width="initial"`),
    shared by every control `named()` gives a name: a style each would be a model more for the
    page per field (a form of 20 fields, 20). Nothing changes a named control's style after."""
    klass = getattr(trait, "klass", None)
    if not isinstance(klass, type) or "description_width" not in klass.class_trait_names():
        return None
    return _one_for_all(klass, lambda: klass(description_width="initial"))


def named(control: widgets.Widget, name: str, shown: bool = True) -> widgets.Widget:
    """Give a control its accessible name: ipywidgets draws `description` as a <label> tied to
    the input, select or slider. `shown`: the label is on screen (above the control, in a
    kamkit field, or beside it); otherwise it is for screen readers only - for a control whose
    meaning the row and column around it already show (a table of people, a list of actions).
    Returns the control."""
    if isinstance(control, widgets.Button | widgets.ToggleButton | widgets.Checkbox):
        raise TypeError(f"{type(control).__name__}'s description is its visible text: "
                        "give it words, not a name")
    control.description = name
    if "style" in control._trait_values:  # a style of its own, given when it was made
        if hasattr(control.style, "description_width"):
            control.style.description_width = "initial"
    else:
        shared = _initial_style(control.traits().get("style"))
        if shared is not None:
            control.style = shared
    if not shown:
        control.add_class("kk-sr-label")
    return control


def _control(widget: widgets.Widget) -> widgets.Widget:
    """The control in `widget`: itself, or the first control inside a box (a number and its
    unit)."""
    if isinstance(widget, widgets.Box):
        return next((_control(c) for c in widget.children
                     if not isinstance(c, widgets.HTML | widgets.Label)), widget)
    return widget

_LAYOUT = {"width": "96%"}


class Field(widgets.VBox):
    """A labelled input with its own message line. `value` is the Python value (raising
    InvalidInput for text that is not one); `set()` shows a saved value."""

    def __init__(self, label: str, input_widget: widgets.Widget, help: str = "") -> None:
        self.input = input_widget
        self.message = Message()
        self.label = label
        # the label is the control's own <label> (ipywidgets' description), shown above it, so a
        # screen reader names the field with the words a sighted person reads
        named(_control(input_widget), label)
        parts: list[widgets.Widget] = [self.input]
        if help:
            parts.append(widgets.HTML(f'<span class="kk-muted">{e(help)}</span>'))
        super().__init__([*parts, self.message])
        self.add_class("kk-field")

    @property
    def value(self) -> Any:
        return self.input.value

    def set(self, value: Any) -> None:
        self.input.value = value

    def on_change(self, callback: Callable[[], None]) -> None:
        self.input.observe(lambda _: callback(), names="value")


class TextField(Field):
    def __init__(self, label: str, placeholder: str = "", long: bool = False,
                 help: str = "", height: str = "90px") -> None:
        cls = widgets.Textarea if long else widgets.Text
        box = cls(placeholder=placeholder, continuous_update=False,  # the label sits above it
                  layout=fixed(**_LAYOUT,
                               height=f"calc({height} + 1.6em)" if long else "auto"))
        super().__init__(label, box, help)

    def set(self, value: Any) -> None:
        self.input.value = value or ""


class LinesField(TextField):
    """A list, typed one item per line."""

    def __init__(self, label: str, placeholder: str = "", help: str = "") -> None:
        super().__init__(label, placeholder, long=True, help=help or "one per line")

    @property
    def value(self) -> list[str]:
        return [line.strip() for line in self.input.value.splitlines() if line.strip()]

    def set(self, value: Any) -> None:
        self.input.value = "\n".join(value or [])


class NumberField(Field):
    """A number typed as text, so 'not known yet' (empty) stays possible; 1,200,000 is fine."""

    def __init__(self, label: str, unit: str = "", whole: bool = False, help: str = "",
                 width: str = "180px") -> None:
        self.whole = whole
        box = widgets.Text(continuous_update=False, placeholder="not known yet",
                           layout=fixed(width=width))
        self.unit = widgets.HTML(f'<span class="kk-muted">{e(unit)}</span>')
        super().__init__(label, widgets.HBox([box, self.unit]), help)
        self.add_class("kk-number")  # text that must read as a number, refused next to itself
        self.box = box

    @property
    def value(self) -> float | int | None:
        text = re.sub(r"[\s,]", "", self.box.value)
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise InvalidInput(f"'{self.box.value[:20]}' is not a number") from None
        if not math.isfinite(number):  # "nan", "inf", 1e400: no amount anyone means
            raise InvalidInput(f"'{self.box.value[:20]}' is not a real number") from None
        if self.whole:
            if number != int(number):
                raise InvalidInput(f"'{self.box.value[:20]}' must be a whole number")
            return int(number)
        return number

    def set(self, value: Any) -> None:
        if value is None:
            self.box.value = ""
        elif self.whole or float(value).is_integer():
            self.box.value = f"{value:,.0f}"
        else:
            self.box.value = f"{value:,.2f}"

    def on_change(self, callback: Callable[[], None]) -> None:
        self.box.observe(lambda _: callback(), names="value")


class DateField(Field):
    """A date typed as YYYY-MM-DD - one way to write it on every page, report and export,
    whatever the browser's language (a browser date picker shows 03/31/2027 in one room and
    31.03.2027 in the next). Empty is "not known yet"."""

    def __init__(self, label: str, help: str = "") -> None:
        box = widgets.Text(continuous_update=False, placeholder="YYYY-MM-DD",
                           layout=fixed(width="140px"))
        super().__init__(label, box, help)
        self.add_class("kk-date")

    @property
    def value(self) -> dt.date | None:
        text = self.input.value.strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"'{text[:20]}' is not a date: write it as YYYY-MM-DD, e.g. "
                               f"{dt.date.today():%Y-%m-%d}") from None

    def set(self, value: Any) -> None:
        self.input.value = value.isoformat() if isinstance(value, dt.date) else (value or "")


#: what a drop-down holds for "unknown" / "not chosen": ipywidgets reads a value of None as "no
#: option selected" and shows an empty box - which looks like lost data
_NONE = "\u2205kamkit-none"


def _held(options: Sequence[Any]) -> list[Any]:
    return [(o[0], _NONE if o[1] is None else o[1]) if isinstance(o, tuple) else o
            for o in options]


class ChoiceField(Field):
    """A drop-down whose choices may include None ("unknown", "don't know"), shown as such."""

    def __init__(self, label: str, options: Sequence[Any], help: str = "",
                 width: str = "260px") -> None:
        super().__init__(label, widgets.Dropdown(options=_held(options),
                                                 layout=fixed(width=width)), help)

    @property
    def value(self) -> Any:
        return None if self.input.value == _NONE else self.input.value

    def set_options(self, options: Sequence[Any]) -> None:
        self.input.options = _held(options)

    def set(self, value: Any) -> None:
        # a saved value the choices no longer offer (content changed, imported data) is kept
        held = _NONE if value is None else value
        values = [o[1] if isinstance(o, tuple) else o for o in self.input.options]
        if held not in values:
            label = f"{value:g}" if isinstance(value, float) else str(value)
            self.input.options = [*self.input.options, (label, held)]
        self.input.value = held


STYLE = widgets.HTML("""<style>
.kk-page { max-width: 1180px; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
.kk-header h1 { font-size: 1.5em; margin: 0.2em 0; }
.kk-header .kk-sub { color: #555; }
.kk-card { border: 1px solid #dde3ea; border-radius: 8px; padding: 8px 14px; margin: 6px 0;
           background: #fbfcfd; }
/* headings in order (h1 the page, h2 a section or card, h3 within it), sized for a form */
.kk-page h2, .kk-card h2 { margin: 0.3em 0; font-size: 1.1em; }
.kk-page h3, .kk-card h3 { margin: 0.3em 0 0.2em; font-size: 1em; }
.kk-error { color: #b00020; }
.kk-ok { color: #1b6e20; }
.kk-alert { color: #b3400b; font-weight: 600; }
.kk-note { color: #555; }
.kk-bar { background: #e7ecf1; border-radius: 4px; height: 10px; width: 180px;
          display: inline-block; vertical-align: middle; }
.kk-bar > span { background: #2f6fb0; border-radius: 4px; height: 10px; display: block; }
.kk-step-title { font-weight: 600; }
.kk-muted { color: #666; font-size: 0.9em; }
.kk-field { margin: 2px 0 4px 0; overflow: visible; }
.kk-field .kk-message { min-height: 0; }
.kk-hint { border-left: 3px solid #2f6fb0; padding: 2px 8px; margin: 4px 0; }
.kk-hint.kk-warning { border-color: #d9480f; }
.kk-explain { font-size: 1.02em; line-height: 1.4; }
.kk-table { border-collapse: collapse; font-size: 0.92em; }
.kk-table td, .kk-table th { border-bottom: 1px solid #e3e7ec; padding: 3px 8px; text-align: left; }
.kk-table tr.kk-bad td { background: #fdf0f0; }
.kk-cols { display: flex; flex-wrap: wrap; gap: 18px; } .kk-cols > div { flex: 1 1 420px; }
.kk-section { background: #f1f4f7; }
.kk-feedback { border: 2px solid #2f9e44; border-radius: 8px; padding: 6px 12px; margin: 6px 0; }
.kk-feedback.kk-warning { border-color: #d9480f; }
.kk-comment { white-space: pre-wrap; margin: 4px 0; padding-left: 10px;
              border-left: 3px solid #ccc; }
.kk-row { display: grid; align-items: center; font-size: 0.92em; }
.kk-row > span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; padding: 0 4px; }
.kk-row.kk-head { font-weight: 600; border-bottom: 2px solid #dde3ea; }
.kk-state { border-radius: 10px; padding: 1px 8px; font-size: 0.85em; }
.kk-state-to-review { background: #fff3bf; } .kk-state-needs-rework { background: #ffe3e3; }
.kk-state-reviewed { background: #d3f9d8; } .kk-state-nothing-yet { background: #f1f3f5; }
.kk-download { display: inline-block; margin: 4px 8px; font-weight: 600; }
.kk-field select, .kk-field .widget-dropdown { max-width: 100%; }
.kk-field .widget-dropdown select { text-overflow: ellipsis; }
.kk-scroll { overflow-x: auto; max-width: 100%; }
.kk-page .widget-html, .kk-page .widget-html-content { max-width: 100%; min-width: 0; }
.kk-sticky { position: sticky; top: 8px; align-self: flex-start; }
.kk-charts { display: flex; flex-wrap: wrap; gap: 16px; }
/* a field's label is its control's own <label>, above the control */
.kk-field .widget-inline-hbox { flex-direction: column; align-items: stretch; height: auto;
  line-height: normal; }
.kk-field .widget-inline-hbox > .widget-label { width: auto; max-width: 100%; height: auto;
  line-height: 1.35; white-space: normal; overflow: visible; text-align: left;
  font-weight: 600; margin: 2px 0; align-self: flex-start; }
.kk-field .widget-inline-hbox > select:not([size]), .kk-field .widget-inline-hbox > input {
  flex: 0 0 auto; height: var(--jp-widgets-inline-height); width: 100%; box-sizing: border-box;
  margin-left: 0; margin-right: 0; }
.kk-field .widget-inline-hbox > select[size] { flex: 1 1 auto; width: 100%; margin: 0; }
.kk-field .widget-textarea > textarea { flex: 1 1 auto; }
.kk-field.kk-number .widget-hbox { align-items: flex-end; }
/* a name for screen readers only: the row and column around the control already say it */
.kk-sr-label > .widget-label { position: absolute !important; width: 1px !important;
  height: 1px !important; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
  margin: -1px; padding: 0; border: 0; }
/* text at 4.5:1 or more on its background (WCAG AA), wherever the widget library's theme
   is paler: tab and section titles, coloured buttons */
.lm-TabBar-tab, .lm-TabBar-tabLabel, .jupyter-widget-Collapse-header,
.jupyter-widget-Collapse-header span { color: #333; }
.jupyter-button.mod-success { background-color: #2e7d32; }
.jupyter-button.mod-info { background-color: #00707c; }
.jupyter-button.mod-warning { background-color: #a4540a; }
.jupyter-button.mod-danger { background-color: #c62828; }
/* where the keyboard is, always visible: buttons, tabs, links, section titles, and the fields
   themselves (the widget library's own focus border is a pale 2:1 blue) */
.jupyter-button:focus-visible, .lm-TabBar-tab:focus-visible, .kk-page a:focus-visible,
.jupyter-widget-Collapse-header:focus-visible { outline: 3px solid #1a5fb4;
  outline-offset: 2px; }
.kk-page :is(input, select, textarea):focus-visible, .kk-page .noUi-handle:focus {
  outline: 3px solid #1a5fb4 !important; outline-offset: 1px; }
</style>""")
