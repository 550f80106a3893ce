"""The "Import from CRM" panel every step that takes a CRM export shares: choose a file, see a
preview - the columns understood, every row with the reason it cannot be added - and confirm.
Nothing is written before the confirmation. The view says how a file is read (`on_file`) and
what adding does; this panel only shows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets

from kamkit.html import e
from kamkit.ui.components import Message

__all__ = ["ImportPanel", "PREVIEW_ROWS"]

PREVIEW_ROWS = 500  # rows shown in a preview; the rest are counted


class ImportPanel(widgets.VBox):
    def __init__(self, intro: str, on_file: Callable[[str, bytes], None]) -> None:
        self._on_file = on_file
        self.upload = widgets.FileUpload(accept=".csv,.xlsx", multiple=False,
                                         description="Choose export")
        self.upload.observe(self._uploaded, names="value")
        self.preview = widgets.HTML()
        self.message = Message()
        self.confirm = widgets.Button(description="Add", disabled=True, button_style="primary",
                                      layout=widgets.Layout(width="auto"))
        super().__init__([widgets.HTML(f"<p>{e(intro)}</p>"), self.upload, self.preview,
                          self.confirm, self.message])

    def _uploaded(self, change: dict[str, Any]) -> None:
        if change["new"]:
            item = change["new"][0]
            self._on_file(item["name"], bytes(item["content"]))
            self.upload.value = ()

    def clear(self) -> None:
        self.preview.value = ""
        self.confirm.disabled = True

    def show(self, flavour: str, mapping: Sequence[tuple[str, str]], head: Sequence[str],
             rows: Sequence[tuple[int, Sequence[str], Sequence[str], Sequence[str]]],
             ready: int, one: str, many: str) -> None:
        """The preview: `rows` are (line, cells, errors, notes) - a row with errors is shown
        as left out, with them; `one`/`many` name what is added ("person", "people")."""
        columns = ", ".join(f"{e(a)} → {e(b)}" for a, b in mapping)
        lines = "".join(
            f'<tr class="{"kk-bad" if errors else ""}"><td>{line}</td>'
            + "".join(f"<td>{e(c)}</td>" for c in cells)
            + f"<td>{e('; '.join(errors)) if errors else 'ready'}"
            f"{e(' (' + '; '.join(notes) + ')') if notes else ''}</td></tr>"
            for line, cells, errors, notes in rows[:PREVIEW_ROWS])
        more = (f"<div class='kk-muted'>…and {len(rows) - PREVIEW_ROWS} more rows.</div>"
                if len(rows) > PREVIEW_ROWS else "")
        self.preview.value = (
            f"<div><b>{e(flavour)}</b>. Columns: {columns}</div><table class='kk-table'><tr>"
            + "".join(f"<th>{e(h)}</th>" for h in ["Row", *head, "Check"])
            + f"</tr>{lines}</table>{more}")
        self.confirm.description = f"Add {ready} {one if ready == 1 else many}"
        self.confirm.disabled = not ready
        self.message.note(f"{ready} ready to add. Nothing is saved until you confirm.")

    def done(self, text: str) -> None:
        self.clear()
        self.message.ok(text)
