"""Getting work in and out of kamkit: whole-workbook JSON today; CRM imports and reports later."""

__all__: list[str] = []
