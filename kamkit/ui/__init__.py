"""ipywidgets views: one module per workbook step (`kamkit.ui.<step>.app(session)`), the workbook
page that holds them (`kamkit.ui.workbook`), and shared components. Every widget these views
make that never touches its layout or style shares one default of each kind
(`kamkit.ui.shared_defaults`)."""

from kamkit.ui.shared_defaults import share

__all__: list[str] = []

share()
