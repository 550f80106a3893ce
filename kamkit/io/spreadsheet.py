"""A spreadsheet a person hands in - CSV or Excel (.xlsx) - as numbered rows of cells: the one
way every importer (CRM contacts, portfolio, cohort trainees) reads a file.

Whatever a file claims about itself, the work is bounded before any table is built: the file's
size is checked first, rows are read one at a time and reading stops at the importer's row
limit, a value beyond the column limit is refused, and nothing (a CSV line, an Excel part)
is decoded whole when it is larger than anyone needs. Each refusal is an `ImportRefused` that
names the file and says what to do. kamkit's limits for a file are here, in one place; the
Excel format's own (unpacked size, cells) are with the Excel reader, `kamkit.io.xlsx`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator

from kamkit.errors import ImportRefused
from kamkit.io.xlsx import Cells, sheet_cells

__all__ = ["MAX_BYTES", "MAX_COLUMNS", "MAX_LINE", "MAX_ROWS", "numbered_rows", "printable",
           "text_encoding"]

MAX_BYTES = 10 * 2**20     # the file as handed in
MAX_COLUMNS = 200          # columns that may hold a value
MAX_LINE = 2**20           # characters on one line of a CSV file
MAX_ROWS = 20_000          # rows of data, unless an importer takes fewer


def numbered_rows(filename: str, content: bytes, max_rows: int = MAX_ROWS
                  ) -> tuple[list[object], list[tuple[int, list[object]]]]:
    """The header and the non-empty data rows, each with its line number as a spreadsheet shows
    it (blank rows are skipped but still counted, so 'row 7' means row 7). Refuses a file over
    the limits, saying which, before reading more than the limit."""
    if len(content) > MAX_BYTES:
        raise ImportRefused(f"{filename} is larger than {MAX_BYTES // 2**20} MB, more than "
                            "kamkit reads at once. Export only the rows and columns you need.")
    records = (sheet_cells(filename, content) if filename.lower().endswith((".xlsx", ".xlsm"))
               else _csv_records(filename, content))
    header: list[object] | None = None
    rows: list[tuple[int, list[object]]] = []
    for line, cells in records:
        filled = [column for column, value in cells if _filled(value)]
        if not filled:
            continue
        if max(filled) > MAX_COLUMNS:
            raise ImportRefused(f"{filename}: row {line} has a value in column "
                                f"{_letters(max(filled))} (number {max(filled)}); "
                                f"kamkit reads at most {MAX_COLUMNS} columns. Delete the "
                                "columns you do not need and try again.")
        if header is not None and len(rows) == max_rows:
            raise ImportRefused(f"{filename} has more than {max_rows} rows; kamkit reads at "
                                f"most {max_rows} at once. Split the file and import each part.")
        dense: list[object] = [None] * max(filled)
        for column, value in cells:
            if column <= len(dense):
                dense[column - 1] = value
        if header is None:
            header = dense
        else:
            rows.append((line, dense))
    if header is None:
        raise ImportRefused(f"{filename} is empty.")
    return header, rows


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text from a file, safe to print on a terminal: each control character (C0, DEL, C1 - a
    terminal may act on ESC or CSI) written out as \\xNN."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def _letters(column: int) -> str:
    """A column's name as a spreadsheet shows it: 1 -> A, 28 -> AB."""
    name = ""
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


def _filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def text_encoding(content: bytes) -> str:
    """How a text file is encoded, the ways Excel and CRMs save CSV: UTF-8 with or without a
    byte-order mark ("CSV UTF-8"), UTF-16 with one ("Unicode text"), else Windows-1252 (plain
    "CSV" on a Western Windows: its € is 0x80, which Latin-1 would read as a control code)."""
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    check = codecs.getincrementaldecoder("utf-8")()
    try:  # in pieces: a whole decoded copy of a large file is not needed to know
        for start in range(0, len(content), 2**20):
            check.decode(content[start:start + 2**20])
        check.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _lines(filename: str, text: io.TextIOBase) -> Iterator[str]:
    number = 0
    while line := text.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise ImportRefused(f"{filename}: line {number} is longer than {MAX_LINE:,} "
                                "characters; it is not a spreadsheet row. Save the file again "
                                "as CSV or as .xlsx.")
        yield line


def _csv_records(filename: str, content: bytes) -> Iterator[tuple[int, Cells]]:
    encoding = text_encoding(content)
    # without blank lines: one makes the sniffer give up, and read a European ';' as one column
    sample = "\n".join(line for line in content[:8192].decode(encoding, errors="ignore")[:4096]
                       .splitlines() if line.strip())
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
    reader = csv.reader(_lines(filename, text), dialect)
    try:
        for number, record in enumerate(reader, start=1):  # records: rows as Excel shows them
            yield number, list(enumerate(record, start=1))
    except csv.Error as exc:  # stray line breaks or control characters inside a field
        raise ImportRefused(f"{filename} could not be read as CSV near line {reader.line_num} "
                            f"({exc}). Save it again as CSV (UTF-8) or as .xlsx.") from None
    except UnicodeDecodeError:  # bytes Windows-1252 leaves undefined, or half a UTF-16 letter
        raise ImportRefused(f"{filename} is not text kamkit can read (neither UTF-8, UTF-16 "
                            "nor Windows-1252). Save it again as 'CSV UTF-8' or as .xlsx."
                            ) from None
