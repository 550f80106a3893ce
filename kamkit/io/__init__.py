"""Getting work in and out of kamkit: a trainee's whole workbook as JSON, the cohort as CSV and
Excel, and spreadsheets brought in - CRM contacts, a portfolio, a cohort's trainees - each read
through `kamkit.io.spreadsheet`, within its limits."""

__all__: list[str] = []
