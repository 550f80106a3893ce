"""One default layout and style per kind, shared by every widget that never touches its own.

ipywidgets gives each widget its own `Layout` and its own style object (`HTMLStyle`,
`ButtonStyle` ...) when the widget is first sent to the page, whether or not anything ever sets
them: ~3 KB each in the kernel, plus a model the browser must create. A workbook with every step
built had 4,129 widget models; with the defaults shared, 2,378.

With `share()` in force (kamkit.ui installs it), a widget whose layout (or style) Python never
asked for is sent with the one shared default of that kind instead; the moment code reads
`w.layout` (or `w.style`) - to change it, or only to look - the widget gets a layout of its
own, as ipywidgets would have given it, and the page is told to use that one (a `layout`
update, which ipywidgets' views follow). So the shared object is never handed to any code, and
changing one widget's layout never changes another's.

A widget built with `layout=` or `style=` has its own from the start, as before.
"""

from __future__ import annotations

import threading
from typing import Any

from ipywidgets import DOMWidget, Widget
from ipywidgets.widgets.trait_types import InstanceDict

__all__ = ["share", "shared_default"]

_NAMES = ("layout", "style")
_serializing: set[int] = set()  # widgets (by id) whose state is being read for the page
_shared: dict[int, Widget] = {}  # trait (by id) -> its shared default widget
_lock = threading.Lock()
_installed = False


def shared_default(trait: Any) -> Widget:
    """The shared default of a layout or style trait (made, or made again after a
    `Widget.close_all()`, when needed)."""
    found = _shared.get(id(trait))
    if found is None or found.comm is None:
        found = _shared[id(trait)] = trait.make_dynamic_default()
    return found


def _lazy_get(trait: Any) -> Any:
    plain_get = type(trait).get

    def get(obj: Any, cls: Any = None) -> Any:
        values = obj._trait_values
        if trait.name in values:
            return values[trait.name]
        if id(obj) in _serializing:  # the page is told of a default nobody has touched
            return shared_default(trait)
        value = plain_get(trait, obj, cls)  # this widget's own, as ipywidgets makes it
        if obj.comm is not None:  # the page was sent the shared one: from now on, this one
            obj.send_state(trait.name)
        return value

    return get


def _get_state(self: Widget, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
    me = id(self)
    nested = me in _serializing
    _serializing.add(me)
    try:
        return _plain_get_state(self, key, drop_defaults)
    finally:
        if not nested:
            _serializing.discard(me)


_plain_get_state = Widget.get_state


def _classes(cls: type) -> list[type]:
    out = [cls]
    for sub in cls.__subclasses__():
        out.extend(_classes(sub))
    return out


def share() -> None:
    """Install the sharing (once per process; again is a no-op). Each layout and style trait
    is one object that a class and all its subclasses share, so subclasses defined later (a
    kamkit `Message`, an anywidget) share too - unless one declares a layout or style trait
    of its own."""
    global _installed  # noqa: PLW0603 - installed once per process
    with _lock:
        if _installed:
            return
        seen: set[int] = set()
        for cls in _classes(DOMWidget):
            for name in _NAMES:
                trait = cls.class_traits().get(name)
                if isinstance(trait, InstanceDict) and id(trait) not in seen:
                    seen.add(id(trait))
                    trait.get = _lazy_get(trait)  # type: ignore[method-assign]
        Widget.get_state = _get_state  # type: ignore[method-assign]
        _installed = True
