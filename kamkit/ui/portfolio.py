"""The trainee's whole portfolio, on the profile step's second tab: every account on the
segmentation matrix, the 80/20 view of revenue, the key-account limit, and bringing accounts in
from a spreadsheet (preview first; nothing is saved until the trainee confirms)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from kamkit.charts import MatrixPoint, pareto_chart, portfolio_matrix
from kamkit.html import e
from kamkit.models import ProfileDoc
from kamkit.scoring.portfolio import portfolio_summary
from kamkit.session import Session
from kamkit.steps.profile import placement
from kamkit.ui.components import Message, guarded

if TYPE_CHECKING:  # the spreadsheet reading is imported only when someone brings a file in
    from kamkit.io.portfolio import PortfolioRow

__all__ = ["PortfolioView"]


class PortfolioView(widgets.VBox):
    """All of this trainee's accounts. `refresh()` redraws from the store."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pending: list[PortfolioRow] = []
        self.warning = Message()
        self.matrix = widgets.HTML()
        self.unplaced = widgets.HTML()
        self.pareto = widgets.HTML()
        self.upload = widgets.FileUpload(accept=".csv,.xlsx", multiple=False,
                                         description="Choose file")
        self.upload.observe(self._on_upload, names="value")
        self.preview = widgets.HTML()
        self.confirm_button = widgets.Button(description="Add these accounts",
                                             button_style="primary", disabled=True,
                                             layout=widgets.Layout(width="auto"))
        self.cancel_button = widgets.Button(description="Cancel", disabled=True)
        self.confirm_button.on_click(lambda _: self.confirm())
        self.cancel_button.on_click(lambda _: self.cancel())
        self.import_message = Message()
        importer = widgets.VBox([
            widgets.HTML("<h2>Bring in accounts from a spreadsheet</h2><div class='kk-muted'>"
                         "CSV or Excel, one account per row, with columns name, industry, "
                         "revenue, spend with us, total spend. You will see a preview first."
                         "</div>"),
            self.upload, self.preview,
            widgets.HBox([self.confirm_button, self.cancel_button]), self.import_message])
        importer.add_class("kk-card")
        super().__init__([
            self.warning,
            widgets.HBox([widgets.VBox([widgets.HTML("<h2>Where your accounts sit</h2>"),
                                        self.matrix, self.unplaced]),
                          widgets.VBox([widgets.HTML("<h2>Revenue: the vital few</h2>"),
                                        self.pareto])],
                         layout=widgets.Layout(flex_flow="row wrap")),
            importer])

    @guarded(lambda self: self.warning)
    def refresh(self) -> None:
        fw = self.session.framework
        current = self.session.account.id if self.session.account else None
        accounts = []
        for account in self.session.accounts():
            docs = self.session.documents(account)
            accounts.append((account.name, placement(docs, fw, account=account.name),
                             docs.of(ProfileDoc), account.id == current,
                             account.case_id is not None))
        s = portfolio_summary(accounts, fw)
        points = [MatrixPoint(name, strength, attractive, current=now)
                  for name, strength, attractive, now in s.placed]
        self.matrix.value = portfolio_matrix(points, fw.segmentation, size=320)
        self.unplaced.value = ("" if not s.unplaced else
                               '<div class="kk-muted">Not placed yet (segmentation not rated): '
                               f"{e(', '.join(s.unplaced))}</div>")
        note = ('<div class="kk-muted">Revenue is in several currencies '
                f"({e(', '.join(s.currencies))}); compare with care.</div>"
                if s.mixed_currencies else "")
        summary = (f"<div>{s.vital} of {len(s.pareto)} accounts bring 80 % of your revenue."
                   "</div>" if s.vital else '<div class="kk-muted">No revenue figures yet.</div>')
        self.pareto.value = pareto_chart(s.pareto, next(iter(s.currencies), "")) + summary + note
        if s.warning:
            self.warning.error(s.warning)
        else:
            self.warning.clear()

    # -- importing ------------------------------------------------------------------------

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if files:
            item = files[0]
            self.load_file(item["name"], bytes(item["content"]))
            self.upload.value = ()  # so choosing the same file again (after fixing it) reloads

    @guarded(lambda self: self.import_message)
    def load_file(self, filename: str, content: bytes) -> None:
        """Read a spreadsheet and show the preview; saves nothing."""
        from kamkit.io.portfolio import read_portfolio

        self.cancel()
        existing = {a.name for a in self.session.accounts()}
        self.pending = read_portfolio(filename, content, existing)
        good = sum(r.ok for r in self.pending)
        rows = "".join(
            f'<tr class="{"" if r.ok else "kk-bad"}"><td>{r.line}</td><td>{e(r.name)}</td>'
            f"<td>{e(r.industry)}</td><td>{_num(r.revenue)}</td><td>{_num(r.spend_with_us)}"
            f"</td><td>{_num(r.total_spend)}</td>"
            f"<td>{'ready' if r.ok else e('; '.join(r.errors))}</td></tr>"
            for r in self.pending)
        self.preview.value = (
            '<table class="kk-table"><tr><th>Row</th><th>Name</th><th>Industry</th>'
            "<th>Revenue</th><th>Spend with us</th><th>Total spend</th><th>Check</th></tr>"
            f"{rows}</table>")
        self.confirm_button.description = f"Add {good} account{'s' if good != 1 else ''}"
        self.confirm_button.disabled = good == 0
        self.cancel_button.disabled = False
        bad = len(self.pending) - good
        self.import_message.note(
            f"{good} ready to add" + (f"; {bad} row{'s' if bad != 1 else ''} with problems "
                                      "will be left out (fix the file and load it again)"
                                      if bad else "") + ". Nothing is saved until you confirm.")

    @guarded(lambda self: self.import_message)
    def confirm(self) -> None:
        from kamkit.io.portfolio import add_portfolio

        added = add_portfolio(self.session, self.pending)
        self.cancel()
        self.import_message.ok(f"Added {len(added)} account{'s' if len(added) != 1 else ''}: "
                               + ", ".join(a.name for a in added) + ".")
        self.refresh()

    def cancel(self) -> None:
        self.pending = []
        self.preview.value = ""
        self.confirm_button.disabled = self.cancel_button.disabled = True
        self.import_message.clear()


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"
