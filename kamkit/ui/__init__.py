"""ipywidgets views: one module per workbook step (`kamkit.ui.<step>.app(session)`), the workbook
page that holds them (`kamkit.ui.workbook`), and shared components."""

__all__: list[str] = []
