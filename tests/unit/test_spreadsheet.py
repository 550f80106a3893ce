"""Spreadsheets handed in (CSV or .xlsx, for the CRM, portfolio and cohort imports): whatever a
file claims about itself, reading it takes little memory and little time, and a file past the
limits is refused with a message that says so - issue 16, finding 4 (a 4.9 KB workbook claiming
A1:XFD20000 took a kernel from 128 MB to 2.6 GB)."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile

import openpyxl
import pytest

from kamkit.errors import ImportRefused
from kamkit.io import xlsx
from kamkit.io.crm import read_contacts
from kamkit.io.portfolio import read_portfolio
from kamkit.io.spreadsheet import numbered_rows

IMPORTERS = {"crm": read_contacts, "portfolio": read_portfolio}
PEAK_MB = 32      # what reading any of these files may take, at most
SECONDS = 10      # generous: tracemalloc slows every allocation


def _xlsx(rows: str = "", dimension: str | None = "A1:B2", styles: str = "",
          big_cell_mb: int = 0) -> bytes:
    """A small real workbook (name, industry; Acme, Chemicals) whose first sheet is rewritten:
    another `<dimension>` (None: none at all), extra rows' XML, extra cell formats in
    styles.xml, or one cell holding `big_cell_mb` MB of text (written in pieces, so building
    the bomb stays cheap)."""
    book = openpyxl.Workbook()
    book.active.append(["name", "industry"])
    book.active.append(["Acme", "Chemicals"])
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename).decode("utf-8")
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(r"<dimension [^>]*/>", "" if dimension is None
                              else f'<dimension ref="{dimension}"/>', data)
                head, tail = data.split("</sheetData>")
                if big_cell_mb:
                    with target.open(item.filename, "w") as sheet:
                        sheet.write(head.encode() + b'<row r="3"><c r="A3" t="inlineStr"><is><t>')
                        for _ in range(big_cell_mb):
                            sheet.write(b"A" * 2**20)
                        sheet.write(b"</t></is></c></row></sheetData>" + tail.encode())
                    continue
                data = head + rows + "</sheetData>" + tail
            elif item.filename == "xl/styles.xml" and styles:
                data = re.sub(r'<cellXfs count="\d+">', "<cellXfs>" + styles, data)
            target.writestr(item, data)
    return out.getvalue()


def _repacked(compression: int, mb: int) -> bytes:
    """The small workbook with `mb` MB of spaces in its sheet, packed with `compression`, and
    the sheet's unpacked size given as 1 KB in the zip's directory - so a check of the sizes
    a file gives lets it through (the finding's 2 KB file took 2.1 GB this way)."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item.filename, data)
                continue
            head, tail = data.split(b"</worksheet>")
            packed = zipfile.ZipInfo(item.filename)
            packed.compress_type = compression
            with target.open(packed, "w") as sheet:
                sheet.write(head)
                for _ in range(mb):
                    sheet.write(b" " * 2**20)
                sheet.write(b"</worksheet>" + tail)
    content = bytearray(out.getvalue())
    end = content.rfind(b"PK\x05\x06")
    at = int.from_bytes(content[end + 16:end + 20], "little")  # the directory's first entry
    while content[at:at + 4] == b"PK\x01\x02":
        name_size, extra, comment = (int.from_bytes(content[at + i:at + i + 2], "little")
                                     for i in (28, 30, 32))
        if content[at + 46:at + 46 + name_size] == b"xl/worksheets/sheet1.xml":
            content[at + 24:at + 28] = (1024).to_bytes(4, "little")
        at += 46 + name_size + extra + comment
    return bytes(content)


BOMBS = {
    # the file of the finding: a real cell at row 20000 makes every row in between 16384 wide
    "dimension A1:XFD20000": _xlsx('<row r="20000"><c r="A20000" t="inlineStr"><is><t>x</t>'
                                   "</is></c></row>", dimension="A1:XFD20000"),
    # no dimension at all, and one value far to the right on each row
    "values in column XFD": _xlsx("".join(f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>'
                                          for n in range(3, 20_001)), dimension=None),
    "a row of a million cells": _xlsx('<row r="3">' + "<c/>" * 1_000_000 + "</row>"),
    "a cell of 80 MB (zip bomb)": _xlsx(big_cell_mb=80),
    # read_only openpyxl parses every cell format before the first row: 12 KB -> 645 MB, 33 s
    "a million cell formats": _xlsx(styles="<xf/>" * 1_000_000),
    # bzip2 and LZMA parts unpack whole in one call, whatever the file says their size is
    "a bzip2 sheet: 100 MB said to be 1 KB": _repacked(zipfile.ZIP_BZIP2, 100),
    "an LZMA sheet: 100 MB said to be 1 KB": _repacked(zipfile.ZIP_LZMA, 100),
    "a deflate sheet: 100 MB said to be 1 KB": _repacked(zipfile.ZIP_DEFLATED, 100),
}


def _read_bounded(read, filename: str, content: bytes):
    """Read under tracemalloc: (what came back or the ImportRefused, peak MB, seconds)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = read(filename, content)
    except ImportRefused as exc:
        result = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result, peak, time.perf_counter() - started


def _rows(result) -> list[str]:
    return [r.name for r in (result if isinstance(result, list) else result.rows)]


@pytest.mark.parametrize("bomb", BOMBS)
@pytest.mark.parametrize("importer", IMPORTERS)
def test_a_workbook_that_claims_to_be_huge_is_read_in_little_memory(importer, bomb):
    content = BOMBS[bomb]
    assert len(content) < 300_000  # each is a small file
    result, peak, seconds = _read_bounded(IMPORTERS[importer], "bomb.xlsx", content)
    assert peak < PEAK_MB and seconds < SECONDS, (bomb, f"{peak:.0f} MB", f"{seconds:.1f} s")
    if isinstance(result, ImportRefused):
        assert "bomb.xlsx" in str(result)
    else:  # nothing more than the file really holds
        assert _rows(result) in (["Acme"], ["Acme", "x"])


@pytest.mark.parametrize("bomb, message", [
    ("values in column XFD", r"column XFD \(number 16384\).*at most 200 columns"),
    ("a row of a million cells", "row 3 .*more than 16384 cells"),
    ("a cell of 80 MB (zip bomb)", "unpacks to more than 50 MB"),
    ("a bzip2 sheet: 100 MB said to be 1 KB", "packed in a way kamkit cannot unpack"),
    ("an LZMA sheet: 100 MB said to be 1 KB", "packed in a way kamkit cannot unpack"),
])
def test_a_workbook_past_the_limits_is_refused_saying_which(bomb, message):
    with pytest.raises(ImportRefused, match=message):
        read_portfolio("bomb.xlsx", BOMBS[bomb])


def test_what_the_parts_really_unpack_to_is_counted_not_what_the_file_says(monkeypatch):
    """With the sizes a file gives taken at their word as nothing, an 80 MB cell is still
    refused once 50 MB have been unpacked."""
    monkeypatch.setattr(xlsx, "_declared", lambda archive: 0)
    with pytest.raises(ImportRefused, match="unpacks to more than 50 MB"):
        read_portfolio("bomb.xlsx", BOMBS["a cell of 80 MB (zip bomb)"])


def test_the_dimension_a_workbook_claims_is_ignored():
    assert _rows(read_portfolio("bomb.xlsx", BOMBS["dimension A1:XFD20000"])) == ["Acme", "x"]


def test_a_csv_with_too_many_rows_is_refused_without_reading_them_all():
    content = b"name\n" + b"Acme\n" * 2_000_000  # 10 MB, under the size limit
    result, peak, _ = _read_bounded(read_portfolio, "p.csv", content)
    assert isinstance(result, ImportRefused) and "more than 500 rows" in str(result)
    assert peak < PEAK_MB, f"{peak:.0f} MB"


def test_an_excel_file_with_too_many_rows_is_refused_at_the_limit():
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>A{n}</t></is></c></row>'
                   for n in range(3, 600))
    with pytest.raises(ImportRefused, match="more than 500 rows"):
        read_portfolio("p.xlsx", _xlsx(rows, dimension=None))


@pytest.mark.parametrize("importer", IMPORTERS)
def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(importer):
    content = b"name\n" + b"x" * (11 * 2**20)
    result, peak, _ = _read_bounded(IMPORTERS[importer], "big.csv", content)
    assert isinstance(result, ImportRefused) and "larger than 10 MB" in str(result)
    assert peak < 1


@pytest.mark.parametrize("content, message", [
    (b"name" + b",x" * 199 + b",late\nAcme\n", r"column GS \(number 201\).*at most 200 columns"),
    (b"name\n" + b"," * 3_000_000 + b"\n", "line 2 is longer than"),
])
def test_a_csv_too_wide_is_refused_saying_where(content, message):
    with pytest.raises(ImportRefused, match=message):
        read_portfolio("p.csv", content)


def test_empty_columns_past_the_limit_are_no_problem():
    content = b"name" + b"," * 500 + b"\nAcme" + b"," * 500 + b"\n"
    assert _rows(read_portfolio("p.csv", content)) == ["Acme"]


def _excel_style_workbook(rows: str = "") -> bytes:
    """A workbook as Excel writes one: shared strings (one rich, one with a phonetic guide),
    cells without references, numbers, booleans, a formula's text and errors, and a first
    sheet that is not sheet1.xml - and `rows`, more rows' XML."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/>' + "".join(
            f'<Override PartName="/xl/{name}.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.{kind}+xml"/>' for name, kind in [
                ("workbook", "sheet.main"), ("worksheets/sheet1", "worksheet"),
                ("worksheets/sheet2", "worksheet"), ("sharedStrings", "sharedStrings")])
        + "</Types>",
        "_rels/.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        '<sheet name="Contacts" sheetId="2" r:id="rId7"/><sheet name="Other" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{pkg}">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId7" Type="{rel}/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
        f'<Relationship Id="rId3" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
        "xl/sharedStrings.xml": f'<sst xmlns="{main}"><si><t>name</t></si><si><t>title</t></si>'
        '<si><r><rPr><b/></rPr><t>Jürgen </t></r><r><t xml:space="preserve">Müller</t></r></si>'
        "<si><t>山田</t><rPh sb=\"0\" eb=\"2\"><t>ヤマダ</t></rPh></si><si><t>€ &amp; co</t></si>"
        "</sst>",
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1">'
        "<v>99</v></c></row></sheetData></worksheet>",
        "xl/worksheets/sheet2.xml": f'<worksheet xmlns="{main}"><dimension ref="A1:XFD9"/>'
        '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>2</v></c><c t="s"><v>4</v></c><c><v>-12</v></c>'
        '<c><v>2.5E3</v></c><c t="b"><v>1</v></c><c t="str"><f>A3</f><v>x</v></c>'
        '<c t="e"><v>#N/A</v></c><c s="3"/></row>'
        '<row r="5"><c r="B5" t="s"><v>3</v></c><c r="C5" t="e"><v>#REF!</v></c>'
        '<c r="D5"><v>0.1</v></c></row>' + rows + '</sheetData><mergeCells count="1">'
        '<mergeCell ref="A9:B9"/></mergeCells></worksheet>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        for name, text in parts.items():
            book.writestr(name, text)
    return out.getvalue()


def test_an_excel_workbook_reads_as_openpyxl_reads_it():
    content = _excel_style_workbook()
    header, rows = numbered_rows("contacts.xlsx", content)
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = book["Contacts"]
    sheet.reset_dimensions()
    theirs = [(n, list(r)) for n, r in enumerate(sheet.iter_rows(values_only=True), start=1)]
    for _, values in theirs:
        # kamkit reads an error (#N/A) as an empty cell, and leaves out a row's trailing ones
        values[:] = [None if v in ("#N/A", "#REF!") else v for v in values]
        while values and values[-1] is None:
            values.pop()
    assert [(1, header), *rows] == [(n, values) for n, values in theirs if values]
    assert rows[0][1] == ["Jürgen Müller", "€ & co", -12, 2500.0, True, "x"]
    assert rows[1] == (5, [None, "山田", None, 0.1])


def test_an_excel_error_is_an_empty_cell_not_text():
    """#N/A, #REF!, #DIV/0! are what a formula could not work out: nothing to import."""
    _, rows = numbered_rows("x.xlsx", _excel_style_workbook(
        '<row r="7"><c r="A7" t="e"><v>#DIV/0!</v></c><c r="B7"><v>3</v></c></row>'
        '<row r="8"><c r="A8" t="e"><v>#NAME?</v></c></row>'))
    assert rows[-1] == (7, [None, 3])


@pytest.mark.parametrize("index", ["-1", "5", "99"])
def test_a_shared_string_that_is_not_there_is_a_damaged_file(index):
    """Index -1 once read as the last string; the sheet has five."""
    content = _excel_style_workbook(f'<row r="7"><c r="A7" t="s"><v>{index}</v></c></row>')
    with pytest.raises(ImportRefused, match="x.xlsx could not be read as an Excel file: it "
                                            "holds a value Excel does not write"):
        numbered_rows("x.xlsx", content)


def test_the_command_line_reads_no_more_of_a_file_than_the_limit(tmp_path, capsys):
    from kamkit.cli import main

    db = f"sqlite:///{tmp_path / 'k.db'}"
    main(["--db", db, "cohort", "add", "Ann"])
    main(["--db", db, "account", "add", "Acme", "--trainee", "Ann"])
    big = tmp_path / "contacts.csv"
    with big.open("wb") as fh:  # 200 MB on paper, nothing on disk
        fh.truncate(200 * 2**20)
    tracemalloc.start()
    try:
        code = main(["--db", db, "import-crm", str(big), "--trainee", "Ann", "--account", "Acme"])
    finally:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert code == 1 and "larger than 10 MB" in capsys.readouterr().err
    assert peak < PEAK_MB, f"{peak:.0f} MB"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252"],
                         ids=["UTF-8", "UTF-8 with BOM", "UTF-16 (LE, BOM)", "UTF-16 (BE, BOM)",
                              "Windows-1252"])
@pytest.mark.parametrize("importer", IMPORTERS)
def test_a_csv_reads_in_the_encoding_it_was_saved_in(importer, encoding):
    """As Excel saves 'CSV UTF-8', 'Unicode text' and plain 'CSV' on Windows: € stays €."""
    text = "name,title,industry\r\nJürgen Müller,Einkäufer – €,Café – €\r\n"
    content = (b"\xfe\xff" + text.encode("utf-16-be") if encoding == "utf-16-be-bom"
               else text.encode(encoding))
    if importer == "crm":
        row = read_contacts("x.csv", content).rows[0]
        assert (row.name, row.title) == ("Jürgen Müller", "Einkäufer – €")
    else:
        row = read_portfolio("x.csv", content)[0]
        assert (row.name, row.industry) == ("Jürgen Müller", "Café – €")


def test_a_csv_in_neither_utf8_nor_windows_1252_is_refused_saying_what_to_do():
    with pytest.raises(ImportRefused, match="x.csv is not text kamkit can read.*CSV UTF-8"):
        read_portfolio("x.csv", "name\nКиїв\n".encode("cp1251") + b"\x81\n")


def test_a_zip_of_a_hundred_thousand_parts_is_refused_before_its_directory_is_read():
    """A workbook has a few dozen parts; zipfile builds one object per part listed."""
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as book:
        for n in range(120_000):
            book.writestr(f"{n:x}", b"")
    content = many.getvalue()
    assert len(content) < 10 * 2**20
    result, peak, _ = _read_bounded(read_portfolio, "many.xlsx", content)
    assert isinstance(result, ImportRefused) and "far more parts" in str(result)
    assert peak < PEAK_MB, f"{peak:.0f} MB"
