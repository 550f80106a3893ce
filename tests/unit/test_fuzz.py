"""Fuzzing what comes from outside: every model, every importer (CRM file, portfolio file,
cohort file, workbook JSON) and every content loader (framework YAML, cases, keys, quiz).
Whatever arrives, the answer is one of kamkit's named errors with a readable message - never
a crash."""

from __future__ import annotations

import io
import json
import string
import zipfile

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kamkit import models
from kamkit.cli import main
from kamkit.errors import KamkitError
from kamkit.frameworks import CONTENT_DIR, FILES, default_framework, load_part
from kamkit.io.crm import read_contacts
from kamkit.io.opportunities import add_opportunities, is_opportunity_file, read_opportunities
from kamkit.io.portfolio import read_portfolio
from kamkit.io.workbook import dumps, export_trainee, import_workbook
from kamkit.models import parse
from kamkit.opportunity import OpportunitiesDoc, Opportunity
from kamkit.store import Store

FUZZ = settings(max_examples=int(__import__("os").environ.get("KAMKIT_FUZZ", "60")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True)
    | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20), inner,
                                                                max_size=5),
    max_leaves=20)

MODELS = [models.Trainee, models.Cohort, models.Account, models.ProfileDoc, models.Stakeholder,
          models.TeamMember, models.PeerLink, models.StakeholderMapDoc, models.IndicatorRating,
          models.PlanItem, models.RelationshipDoc, models.Review, models.Attempt]


def _readable(exc: KamkitError) -> None:
    text = str(exc)
    assert text and "Traceback" not in text and len(text) < 2000


def _fields(model):
    """Data for `model`: its own field names with any JSON values, plus strangers."""
    names = list(model.model_fields)
    return st.dictionaries(st.sampled_from(names) | st.text(max_size=10), json_values,
                           max_size=len(names) + 2)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@FUZZ
@given(data=st.data())
def test_every_model_accepts_or_names_the_problem(model, data):
    payload = data.draw(_fields(model) | json_values)
    try:
        parse(model, payload)
    except KamkitError as exc:
        _readable(exc)


csv_cells = st.text(alphabet=string.printable + "äöüéß€\u0000\ufeff", max_size=40)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _workbook(sheet: str, strings: str = "<si><t>name</t></si>",
              packed: int = zipfile.ZIP_STORED) -> bytes:
    """A workbook's parts around the XML of its first sheet (and of its shared strings), each
    part `packed` that way."""
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "_rels/.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="r1" Type="{rel}/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{rel}"><sheets><sheet name="S" '
        'sheetId="1" r:id="r1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="r1" '
        f'Type="{rel}/worksheet" Target="s.xml"/><Relationship Id="r2" Type="{rel}/'
        'sharedStrings" Target="t.xml"/></Relationships>',
        "xl/t.xml": f'<sst xmlns="{_MAIN}">{strings}</sst>',
        "xl/s.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", packed) as book:
        for name, text in parts.items():
            book.writestr(name, text.encode("utf-8", "surrogatepass"))
    return out.getvalue()


def _sheet(rows: str) -> str:
    return f'<worksheet xmlns="{_MAIN}"><sheetData>{rows}</sheetData></worksheet>'


# sheet XML from pieces a sheet has, in any order and any number: well-formed or not
sheet_xml = st.lists(st.sampled_from(['<row r="1">', '<row r="3">', "<row>", "</row>",
                                      '<c r="A1" t="s">', '<c t="inlineStr">', "<c>", "</c>",
                                      "<v>0</v>", "<v>7</v>", "<v>-1.5e3</v>", "<v>x</v>",
                                      "<is><t>Acme</t></is>", "<c/>", '<c r="XFD1"/>'])
                     | st.text(max_size=20), max_size=30).map(lambda parts: _sheet("".join(parts)))
excel_files = sheet_xml.map(_workbook)


@FUZZ
@given(header=st.lists(st.sampled_from(["First Name", "Last Name", "Title", "Email", "Account Name",
                                        "Name", "Company", "Job Title", "Role", "x", ""])
                       | csv_cells, max_size=8),
       rows=st.lists(st.lists(csv_cells, max_size=8), max_size=6),
       junk=st.binary(max_size=200) | excel_files, use_junk=st.booleans(),
       name=st.sampled_from(["contacts.csv", "contacts.xlsx", "x.txt", "report.CSV"]))
@example(header=[], rows=[], junk=b"\r\x00", use_junk=True, name="contacts.csv")  # was a crash
def test_the_crm_import_reads_or_refuses_any_file(header, rows, junk, use_junk, name):
    text = "\n".join(",".join(json.dumps(c) for c in r) for r in [header, *rows])
    content = junk if use_junk else text.encode("utf-8", "replace")
    try:
        preview = read_contacts(name, content, models.StakeholderMapDoc(), company="Acme")
        assert all(isinstance(r.errors, list) for r in preview.rows)
    except KamkitError as exc:
        _readable(exc)


# cells as exports write them, right and wrong - and empty, so that whole rows are often ready
opportunity_cells = st.just("") | csv_cells | st.sampled_from(
    ["EUR 1,200,000.00", "1 200 000", "-5", "1e400", "9" * 400, "nan", "3/31/2027", "31.02.2027",
     "2027-03-31T00:00", "03/04/27", "Closed Won", "closedwon", "Renewal", "existingbusiness",
     "0.4", "140", "40%", "Nordwind", "Other Co", "0065g00000QaBcDAA1", "a;b," * 30])

OPPORTUNITY_HEADERS = [  # each flavour's whole header, to be shuffled
    ["Opportunity Name", "Account Name", "Amount", "Close Date", "Stage", "Probability (%)",
     "Type", "Opportunity ID"],
    ["Id", "Name", "AccountId", "Amount", "CloseDate", "StageName", "Probability", "Type"],
    ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Deal Type",
     "Deal probability", "Associated Company"],
    ["name", "kind", "value", "decision_date", "stage", "competitors", "company"]]


@FUZZ
@given(header=st.sampled_from(OPPORTUNITY_HEADERS).flatmap(st.permutations)
       | st.lists(st.sampled_from(sum(OPPORTUNITY_HEADERS, []) + ["x", ""]) | csv_cells,
                  max_size=9),
       rows=st.lists(st.lists(opportunity_cells, max_size=9), max_size=6),
       junk=st.binary(max_size=200) | excel_files, use_junk=st.sampled_from([1, 0, 0, 0]),
       name=st.sampled_from(["deals.csv", "deals.xlsx", "x.txt", "report.CSV"]),
       existing=st.integers(0, 100))
def test_the_opportunity_import_reads_or_refuses_any_file(framework, header, rows, junk,
                                                          use_junk, name, existing):
    """Whatever the file, a preview or a named refusal; each ready row is an Opportunity the
    model takes, and adding them gives a valid document or a refusal - nothing else."""
    text = "\n".join(",".join(json.dumps(c) for c in r) for r in [header, *rows])
    content = junk if use_junk else text.encode("utf-8", "replace")
    doc = OpportunitiesDoc(opportunities=[Opportunity(id=f"o{i}", name=f"Deal {i}")
                                          for i in range(1, existing + 1)])
    assert isinstance(is_opportunity_file(name, content), bool)
    try:
        preview = read_opportunities(name, content, framework, doc, company="Nordwind")
    except KamkitError as exc:
        _readable(exc)
        return
    for row in preview.ready:
        parse(Opportunity, {"id": "o1", "name": row.name, "kind": row.kind, "value": row.value,
                            "decision_date": row.decision_date, "stage": row.stage,
                            "competitors": row.competitors, "crm_id": row.crm_id,
                            "crm_probability": row.crm_probability})
    assert all(r.errors for r in preview.rows if not r.ok)
    try:
        merged, added = add_opportunities(doc, preview)
    except KamkitError as exc:
        _readable(exc)
        assert existing + len(preview.ready) > 100
        return
    assert added == len(preview.ready) and len(merged.opportunities) == existing + added


@FUZZ
@given(header=st.lists(st.sampled_from(["Name", "Industry", "Revenue", "Spend with us",
                                        "Total spend", "?"]) | csv_cells, max_size=6),
       rows=st.lists(st.lists(csv_cells | st.integers().map(str), max_size=6), max_size=6),
       junk=st.binary(max_size=300) | excel_files, use_junk=st.booleans(),
       name=st.sampled_from(["portfolio.csv", "portfolio.xlsx", "p.ods"]))
def test_the_portfolio_import_reads_or_refuses_any_file(header, rows, junk, use_junk, name):
    text = "\n".join(",".join(json.dumps(c) for c in r) for r in [header, *rows])
    content = junk if use_junk else text.encode("utf-8", "replace")
    try:
        read_portfolio(name, content)
    except KamkitError as exc:
        _readable(exc)


@FUZZ
@given(content=st.binary(max_size=300) | excel_files
       | st.lists(st.text(max_size=30), max_size=8).map(
           lambda names: "\n".join(["name", *names]).encode("utf-8", "surrogatepass")),
       name=st.sampled_from(["trainees.csv", "trainees.xlsx"]))
def test_the_cohort_import_adds_or_refuses_any_file(content, name, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(content)
    code = main(["--db", "sqlite://", "cohort", "add", "--csv", str(path)])
    err = capsys.readouterr().err
    assert code in (0, 1)
    if code:
        assert err.startswith("kamkit: ") and "Traceback" not in err


_ONE_CONTACT = _sheet('<row><c t="s"><v>0</v></c></row><row><c t="inlineStr"><is><t>Ann Lee'
                      "</t></is></c></row>")
_XLSX_BAD = {  # what zipfile, zlib and expat raise, each from a small file
    "not a zip (BadZipFile)": b"PK\x03\x04" + b"\x00" * 40,
    "no workbook part (KeyError)": None,
    "XML cut short (ExpatError)": _workbook(_sheet("<row><c><v>1</v></c>")[:-25]),
    "an entity bomb (DOCTYPE)": _workbook('<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b '
                                          '"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                                          + _sheet('<row><c t="inlineStr"><is><t>&b;</t></is>'
                                                   "</c></row>")),
    "a cell reference past XFD (ValueError)": _workbook(_sheet('<row><c r="XFDA1"><v>1</v></c>'
                                                               "</row>")),
    "a row number that is no number": _workbook(_sheet('<row r="x"><c><v>1</v></c></row>')),
    "row 2,000,000": _workbook(_sheet('<row r="2000000"><c><v>1</v></c></row>')),
    "a shared string that is not there (IndexError)":
        _workbook(_sheet('<row><c t="s"><v>9</v></c></row>')),
    "a shared string numbered -1": _workbook(_sheet('<row><c t="s"><v>-1</v></c></row>')),
    "a 5,000-digit number": _workbook(_sheet("<row><c><v>1" + "0" * 5000 + "</v></c></row>")),
    "a damaged deflate stream (zlib.error)": None,
    # Excel packs with deflate only; bzip2 and LZMA unpack a part whole, whatever its size
    "a workbook packed with bzip2": _workbook(_ONE_CONTACT, packed=zipfile.ZIP_BZIP2),
    "a workbook packed with LZMA": _workbook(_ONE_CONTACT, packed=zipfile.ZIP_LZMA),
}


def _damaged_deflate() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/workbook.xml", "x" * 1000)
    data = bytearray(out.getvalue())
    start = 30 + len("xl/workbook.xml")  # past the local header: the compressed bytes
    data[start:start + 4] = b"\xff\xff\xff\xff"
    return bytes(data)


def _not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("hello.txt", "a zip, but no workbook in it")
    return out.getvalue()


_XLSX_BAD["a damaged deflate stream (zlib.error)"] = _damaged_deflate()
_XLSX_BAD["no workbook part (KeyError)"] = _not_a_workbook()
_CSV_BAD = {
    "bytes Windows-1252 leaves undefined": b"name\nA\x81\x8d\x8f\x90\x9d\n",
    "half a UTF-16 letter": b"\xff\xfen\x00a\x00m\x00e\x00\n",
    "a field past csv's limit": b'name\n"' + b"x" * 200_000 + b'"\n',
    "a line of three million commas": b"name\n" + b"," * 3_000_000,
    "a value in column 201": b"name" + b",x" * 200 + b"\nAcme\n",
    "NUL and escapes in a name": b"name\nAnn\x00Lee\nBob\x1b[2J\n",
}
HOSTILE_SHEETS = [(f"bad.{'xlsx' if kind == 'x' else 'csv'}", what, content)
                  for kind, table in (("x", _XLSX_BAD), ("c", _CSV_BAD))
                  for what, content in table.items()]


@pytest.mark.parametrize("importer", ["crm", "opportunities", "portfolio", "cohort"])
@pytest.mark.parametrize("name, what, content", HOSTILE_SHEETS,
                         ids=[what for _, what, _ in HOSTILE_SHEETS])
def test_every_spreadsheet_importer_names_the_problem_in_a_hostile_file(importer, name, what,
                                                                        content, tmp_path,
                                                                        capsys):
    """Issue 16: what each importer met with a traceback before, or read without a word."""
    if importer == "cohort":
        path = tmp_path / name
        path.write_bytes(content)
        code = main(["--db", "sqlite://", "cohort", "add", "--csv", str(path)])
        err = capsys.readouterr().err
        assert code == 1 and err.startswith("kamkit: ") and "Traceback" not in err
        return
    read = {"crm": read_contacts, "portfolio": read_portfolio,
            "opportunities": lambda *file: read_opportunities(*file, default_framework())
            }[importer]
    try:
        result = read(name, content)
    except KamkitError as exc:
        _readable(exc)
        return
    rows = result if isinstance(result, list) else result.rows  # read: each bad row says why
    assert rows and all(r.errors for r in rows), what


@pytest.mark.parametrize("text", [
    "[" * 200_000 + "]" * 200_000,
    '{"format": "kamkit-workbook", "format_version": 1, "name": "\\ud800"}',
    '{"format": "kamkit-workbook", "format_version": 1, "n": 1' + "0" * 5000 + "}",
    '{"format": "kamkit-workbook", "format_version": 1, "n": NaN, "m": -Infinity}',
    "\ufeff{}", b"\xff\xfe{\x00}\x00", b"\xed\xa0\x80",
], ids=["nested 200,000 deep", "a lone surrogate", "a 5,001-digit number", "NaN and Infinity",
        "a BOM", "UTF-16", "a surrogate in UTF-8 bytes"])
def test_workbook_import_of_a_hostile_file_is_refused_plainly(text):
    with Store("sqlite://") as store:
        with pytest.raises(KamkitError) as exc:
            import_workbook(store, text)
        _readable(exc.value)
        assert store.list_trainees() == []


@pytest.fixture(scope="module")
def exported():
    from kamkit.demo import seed_demo

    with Store("sqlite://") as store:
        seed_demo(store)
        trainee = store.list_trainees()[0]
        return json.loads(dumps(export_trainee(store, trainee.id)))


def _mutate(value, path, new):
    if not path:
        return new
    head, *rest = path
    if isinstance(value, dict) and value:
        key = list(value)[head % len(value)]
        return {**value, key: _mutate(value[key], rest, new)}
    if isinstance(value, list) and value:
        i = head % len(value)
        return [*value[:i], _mutate(value[i], rest, new), *value[i + 1:]]
    return new


@FUZZ
@given(path=st.lists(st.integers(0, 50), min_size=1, max_size=6), new=json_values,
       keep_checksum=st.booleans())
def test_a_mutated_workbook_file_is_refused_whole_or_imported_whole(exported, path, new,
                                                                    keep_checksum):
    from kamkit.io.workbook import _checksum

    bundle = _mutate(exported, path, new)
    if keep_checksum and isinstance(bundle, dict):  # a forger who recomputes the checksum
        body = {k: v for k, v in bundle.items() if k != "checksum"}
        bundle = {**body, "checksum": _checksum(body)}
    with Store("sqlite://") as store:
        try:
            import_workbook(store, json.dumps(bundle))
        except KamkitError as exc:
            _readable(exc)
            assert store.list_trainees() == []  # all or nothing


@FUZZ
@given(text=st.binary(max_size=400))
def test_workbook_import_of_any_bytes_is_refused_plainly(text):
    with Store("sqlite://") as store:
        with pytest.raises(KamkitError) as exc:
            import_workbook(store, text)
        _readable(exc.value)


yaml_text = st.one_of(
    st.text(max_size=300),
    st.builds(lambda k, v: f"{k}: {v}\n", st.text(max_size=20), st.text(max_size=40)),
    st.sampled_from(["", "- a\n- b", "a: [1, 2", "{", "threshold: -5", "!!python/object:os.system"
                     " ls", "steps: 3", "pass_mark: 0"]))


@pytest.mark.parametrize("part", sorted(FILES))
@FUZZ
@given(text=yaml_text, edit=st.booleans())
def test_every_content_file_loads_or_names_file_field_and_reason(part, text, edit, tmp_path):
    path = tmp_path / FILES[part]
    original = (CONTENT_DIR / FILES[part]).read_text()
    path.write_text(original + "\n" + text if edit else text)
    try:
        load_part(path, part)
    except KamkitError as exc:
        _readable(exc)
        assert str(path) in str(exc)


@pytest.mark.parametrize("which", ["case.yaml", "key.yaml"])
@FUZZ
@given(text=yaml_text)
def test_a_damaged_case_or_key_is_a_content_error(which, text, tmp_path_factory):
    import shutil

    from kamkit import exercises

    folder = tmp_path_factory.mktemp("cases")
    shutil.copytree(exercises.CASES_DIR / "halden", folder / "halden")
    (folder / "halden" / which).write_text(text)
    exercises._cached_case.cache_clear()
    exercises._cached_key.cache_clear()
    import os

    old = os.environ.get("KAMKIT_CASES")
    os.environ["KAMKIT_CASES"] = str(folder)
    try:
        exercises.load_key("halden", None)
        exercises.load_case("halden")
    except KamkitError as exc:
        _readable(exc)
    finally:
        if old is None:
            os.environ.pop("KAMKIT_CASES", None)
        else:
            os.environ["KAMKIT_CASES"] = old
        exercises._cached_case.cache_clear()
        exercises._cached_key.cache_clear()


@FUZZ
@given(text=yaml_text)
def test_a_damaged_quiz_is_a_content_error(text, tmp_path_factory):
    from kamkit.quiz import load_quiz

    path = tmp_path_factory.mktemp("quiz") / "quiz.yaml"
    path.write_text(text)
    try:
        load_quiz(str(path))
    except KamkitError as exc:
        _readable(exc)
