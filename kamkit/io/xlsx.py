"""The cells of an Excel workbook's first sheet (.xlsx), read straight from its XML one row at a
time - the Excel half of `kamkit.io.spreadsheet`, which every importer reads through.

Not openpyxl, whose read-only mode still trusts what a file says about itself: it pads every row
to the sheet's declared dimension (a 4.9 KB file claiming A1:XFD20000 took 2.6 GB), builds
each row's XML whole, and parses every cell format before the first row (a 12 KB file with a
million `<xf/>` took 645 MB and 33 s). Here the length of the list of parts, how each is
packed (deflate or stored, as Excel writes them: bzip2 and LZMA unpack a part whole, and a
2 KB file took 2.1 GB) and their unpacked sizes are checked before anything is read; parts
unpack in bounded pieces, what they really unpack to counted; the declared dimension and the
styles are never read, and the XML streams through expat keeping no tree: memory holds the
shared strings and one row. Without styles a date is Excel's day number, which the opportunity
importer reads as one. (openpyxl still writes kamkit's exports.)
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from xml.parsers import expat

from kamkit.errors import ImportRefused

__all__ = ["MAX_UNPACKED", "MAX_DIRECTORY", "MAX_CELLS", "ROWS", "COLUMNS", "Cells", "sheet_cells"]

MAX_UNPACKED = 50 * 2**20   # a workbook's parts, unpacked, all together
MAX_DIRECTORY = 2**16       # the zip's list of parts (a workbook's few dozen take ~3 KB)
MAX_CELLS = 2_000_000       # cells in the sheet, empty ones included (and shared strings)
ROWS, COLUMNS = 1_048_576, 16_384  # Excel's own largest sheet

Cells = list[tuple[int, object]]  # (column number, value) pairs of one row
_PACKED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # all Excel writes
_PIECE = 2**16  # what a part unpacks at a time

# what a damaged or foreign file raises on the way through zipfile, zlib and expat, in words
_DAMAGED: dict[type[Exception], str] = {
    zipfile.BadZipFile: "it is not a whole .xlsx file", zlib.error: "it is not a whole .xlsx file",
    EOFError: "it is not a whole .xlsx file", KeyError: "a part of the workbook is missing",
    expat.ExpatError: "a part of it is not well-formed XML",
    NotImplementedError: "it is packed in a way kamkit cannot unpack",
    RuntimeError: "it is encrypted", ValueError: "it holds a value Excel does not write",
    IndexError: "it holds a value Excel does not write", OSError: "it cannot be unpacked"}


def sheet_cells(filename: str, content: bytes) -> Iterator[tuple[int, Cells]]:
    """Each row of the first sheet that has a value: its number as Excel shows it, and its
    (column number, value) pairs. Raises ImportRefused for a damaged file, or one past Excel's
    own limits or kamkit's."""
    if _directory_size(content) > MAX_DIRECTORY:  # before zipfile builds an object per part
        raise ImportRefused(f"{filename} could not be read as an Excel file: it lists far more "
                            "parts than a workbook has. Save it again as .xlsx or as CSV.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if any(item.compress_type not in _PACKED for item in archive.infolist()):
                raise NotImplementedError("a part packed with neither deflate nor nothing")
            if _declared(archive) > MAX_UNPACKED:  # what the file says: refused unread
                raise _too_big(filename)
            parts = _Parts(filename, archive)
            sheet, strings_part = _first_sheet(parts)
            strings = _shared_strings(filename, parts, strings_part)
            yield from _Rows(filename, strings).read(parts.read(sheet))
    except tuple(_DAMAGED) as exc:
        why = next(words for kind, words in _DAMAGED.items() if isinstance(exc, kind))
        raise ImportRefused(f"{filename} could not be read as an Excel file: {why}. Save it "
                            "again as .xlsx or as CSV.") from None


def _declared(archive: zipfile.ZipFile) -> int:
    """What the zip's directory says its parts unpack to, all together."""
    return sum(item.file_size for item in archive.infolist())


def _too_big(filename: str) -> ImportRefused:
    return ImportRefused(f"{filename} unpacks to more than {MAX_UNPACKED // 2**20} MB, more "
                         "than kamkit reads. Export only the rows and columns you need, or "
                         "save them as CSV.")


class _Parts:
    """The workbook's parts, each unpacked a piece at a time (deflate unpacks no more than
    it is asked for), counting what they really unpack to - all together never past
    MAX_UNPACKED, whatever the file says their sizes are."""

    def __init__(self, filename: str, archive: zipfile.ZipFile) -> None:
        self.filename, self.archive, self.unpacked = filename, archive, 0

    def __contains__(self, part: str) -> bool:
        return part in self.archive.NameToInfo

    def read(self, part: str) -> Iterator[bytes]:
        with self.archive.open(part) as stream:
            while piece := stream.read(_PIECE):
                self.unpacked += len(piece)
                if self.unpacked > MAX_UNPACKED:
                    raise _too_big(self.filename)
                yield piece


def _directory_size(content: bytes) -> int:
    """The size the zip's end record gives its central directory (0 without an end record:
    then zipfile refuses the file); a ZIP64 file, never needed under 10 MB, says 0xFFFFFFFF."""
    end = content.rfind(b"PK\x05\x06", max(0, len(content) - 22 - 65_535))
    return int.from_bytes(content[end + 12:end + 16], "little") if end >= 0 else 0


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _parse(pieces: Iterable[bytes], start: Callable[[str, dict[str, str]], None],
           end: Callable[[str], None], text: Callable[[str], None] | None = None
           ) -> Iterator[None]:
    """Stream the XML through expat a piece at a time, calling `start(name, attributes)`,
    `end(name)` and `text(characters)` with local names; yields after each piece, so a caller
    can hand on what its handlers gathered. A document type declaration (never in a
    workbook, and the way to entity bombs) is refused."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    names: dict[str, str] = {}

    def local(name: str) -> str:
        found = names.get(name)
        if found is None:
            found = names[name] = _local(name)
        return found

    def doctype(*_: object) -> None:
        raise ValueError("a document type declaration")

    parser.StartElementHandler = lambda name, attributes: start(local(name), attributes)
    parser.EndElementHandler = lambda name: end(local(name))
    if text is not None:
        parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    for piece in pieces:
        parser.Parse(piece, False)
        yield
    parser.Parse(b"", True)
    yield


def _relations(parts: _Parts, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (the type's last word, the target's part name)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    out: dict[str, tuple[str, str]] = {}
    if rels not in parts:
        return out

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag == "Relationship":
            target = attributes.get("Target", "")
            target = target[1:] if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            out[attributes.get("Id", "")] = (attributes.get("Type", "").rpartition("/")[2],
                                             target)

    for _ in _parse(parts.read(rels), start, lambda tag: None):
        if len(out) > 10_000:  # a workbook has a handful
            raise ValueError("too many relationships")
    return out


def _first_sheet(parts: _Parts) -> tuple[str, str | None]:
    """The part names of the first sheet and of the shared strings (None: there are none)."""
    book = next((target for kind, target in _relations(parts, "").values()
                 if kind == "officeDocument"), "xl/workbook.xml")
    relations = _relations(parts, book)
    first: list[str] = []

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag == "sheet" and not first:
            first.extend(v for k, v in attributes.items() if "}" in k and _local(k) == "id")

    for _ in _parse(parts.read(book), start, lambda tag: None):
        if first:
            break
    strings = next((target for kind, target in relations.values() if kind == "sharedStrings"),
                   None)
    return relations[first[0]][1], strings


class _Text:
    """The text of string items (<si>, <is>): their <t>, or the <t> of each rich-text run;
    phonetic guides (<rPh>) left out, as Excel shows it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.into: list[str] | None = None  # where characters go: inside a <t>, else nowhere
        self.phonetic = False

    def start(self, tag: str) -> None:
        if tag == "t" and not self.phonetic:
            self.into = self.parts
        elif tag == "rPh":
            self.phonetic = True

    def end(self, tag: str) -> None:
        if tag == "t":
            self.into = None
        elif tag == "rPh":
            self.phonetic = False

    def text(self, characters: str) -> None:
        if self.into is not None:
            self.into.append(characters)

    def take(self) -> str:
        out = "".join(self.parts)
        self.parts.clear()
        return out


def _shared_strings(filename: str, parts: _Parts, part: str | None) -> list[str]:
    strings: list[str] = []
    if part is None or part not in parts:
        return strings
    item = _Text()

    def end(tag: str) -> None:
        item.end(tag)
        if tag == "si":
            if len(strings) == MAX_CELLS:
                raise _too_many_cells(filename)
            strings.append(item.take())

    for _ in _parse(parts.read(part), lambda tag, _: item.start(tag), end, item.text):
        pass
    return strings


def _too_many_cells(filename: str) -> ImportRefused:
    return ImportRefused(f"{filename} has more than {MAX_CELLS:,} cells, more than kamkit reads. "
                         "Export only the rows and columns you need.")


_REF = re.compile(r"([A-Z]{1,3})(\d+)")


def _column(ref: str | None) -> int | None:
    """The column number of a cell reference ("B7" -> 2), None without one."""
    if not ref:
        return None
    match = _REF.fullmatch(ref)
    if match is None:
        raise ValueError(f"cell reference {ref[:20]!r}")
    number = 0
    for letter in match[1]:
        number = number * 26 + ord(letter) - 64
    return number


class _Rows:
    """The sheet's rows, gathered by expat's handlers and handed on after each piece of XML."""

    def __init__(self, filename: str, strings: list[str]) -> None:
        self.filename, self.strings = filename, strings
        self.done: list[tuple[int, Cells]] = []
        self.line = self.rows = self.cells = self.column = self.in_row = 0
        self.row: Cells = []
        self.kind = ""                      # the current cell's type ("s", "n", "inlineStr" …)
        self.raw: list[str] | None = None   # the current cell's <v> characters, while inside it
        self.value: object = None
        self.item = _Text()                 # an inline string's text

    def read(self, pieces: Iterable[bytes]) -> Iterator[tuple[int, Cells]]:
        for _ in _parse(pieces, self.start, self.end, self.text):
            yield from self.done
            self.done.clear()

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "c":
            self.cells += 1
            self.in_row += 1
            self.column = _column(attributes.get("r")) or self.column + 1
            if self.cells > MAX_CELLS:
                raise _too_many_cells(self.filename)
            if self.column > COLUMNS or self.in_row > COLUMNS:
                raise ImportRefused(f"{self.filename}: row {self.line} has more than {COLUMNS} "
                                    "cells, more than Excel allows; it is damaged. Save it "
                                    "again from Excel.")
            self.kind, self.value = attributes.get("t", "n"), None
        elif tag == "v":
            self.raw = []
        elif tag == "row":
            self.rows += 1
            self.line = int(attributes.get("r") or self.line + 1)
            self.row, self.column, self.in_row = [], 0, 0
            if not 0 < self.line <= ROWS or self.rows > ROWS:
                raise ImportRefused(f"{self.filename} has rows beyond Excel's last row "
                                    f"({ROWS:,}); it is damaged. Save it again from Excel.")
        else:
            self.item.start(tag)

    def text(self, characters: str) -> None:
        if self.raw is not None:
            self.raw.append(characters)
        else:
            self.item.text(characters)

    def end(self, tag: str) -> None:
        if tag == "v":
            self.value, self.raw = self._typed("".join(self.raw or ())), None
        elif tag == "is":
            self.value = self.item.take()
        elif tag == "c":
            if self.value is not None:
                self.row.append((self.column, self.value))
        elif tag == "row":
            if self.row:
                self.done.append((self.line, self.row))
        else:
            self.item.end(tag)

    def _typed(self, raw: str) -> object:
        """A <v> as Excel would show it without formats: text, number or True/False; an
        error (#N/A) as an empty cell."""
        if not raw or self.kind == "inlineStr":
            return None
        if self.kind == "s":
            index = int(raw)
            if not 0 <= index < len(self.strings):  # -1 would be the last one
                raise IndexError(f"shared string {index}")
            return self.strings[index]
        if self.kind == "e":  # #N/A, #REF!: what a formula could not work out - no value
            return None
        if self.kind == "b":
            return raw.strip() == "1"
        if self.kind in ("str", "d"):
            return raw
        return int(raw) if raw.strip().lstrip("-").isdecimal() else float(raw)
