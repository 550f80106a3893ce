"""A signal that the page is on a person's screen and connected to its kernel.

Voila sends a page the widgets as they stood when its notebook finished running; what the kernel
creates after that reaches the page only once the page's websocket is open - a widget made in
between is lost, and a later message naming it breaks the view ("widget model not found"). Work a
kernel starts by itself after the page request (building the step views in the background) must
wait for this signal: the widget's view sends one message as it renders, which the page can only
deliver over the open connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget

__all__ = ["Shown"]


class Shown(anywidget.AnyWidget):
    """Invisible; calls `on_shown()` each time a view of it renders in a page."""

    _esm = "export default { render({ model }) { model.send({ shown: true }); } };"

    def __init__(self, on_shown: Callable[[], None]) -> None:
        super().__init__()
        self._on_shown = on_shown
        self.on_msg(self._received)

    def _received(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("shown") is True:
            self._on_shown()
