"""Accounts from a spreadsheet: a preview with every row's problems; only good rows are added."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from kamkit.errors import ImportRefused
from kamkit.io.portfolio import add_portfolio, read_portfolio
from kamkit.session import Session

CSV = (b"Name,Industry,Revenue,Spend with us,Total spend\n"
       b"Acme,Chemicals,\"1,200,000\",300000,900000\n"
       b",Food,10,1,2\n"
       b"Beta,Retail,lots,1,2\n"
       b"Gamma,Energy,5,-1,10\n"
       b"Delta,Pharma,5,30,20\n"
       b"acme,Chemicals,1,1,1\n"
       b"Epsilon,,,,\n")


def test_every_row_is_checked_and_explained():
    rows = read_portfolio("p.csv", CSV)
    assert [(r.line, r.ok) for r in rows] == [(2, True), (3, False), (4, False), (5, False),
                                            (6, False), (7, False), (8, True)]
    problems = {r.line: r.errors[0] for r in rows if not r.ok}
    assert problems == {
        3: "the name is empty",
        4: "Revenue 'lots' is not a number",
        5: "Spend with us cannot be negative",
        6: "Spend with us cannot exceed their total spend in the category",
        7: "'acme' is already in your accounts or earlier in the file",
    }
    assert rows[0].revenue == 1_200_000


def test_infinity_is_not_a_revenue():
    rows = read_portfolio("p.csv", b"name,revenue,total spend\n"
                          b"Acme,inf,1\nBeta,1,NaN\nGamma,1e999,1\n")
    assert [r.errors for r in rows] == [["Revenue 'inf' is not a number"],
                                        ["Total spend 'NaN' is not a number"],
                                        ["Revenue '1e999' is not a number"]]
    book = openpyxl.Workbook()
    book.active.append(["name", "revenue"])
    book.active.append(["Acme", 12345])
    plain, huge = io.BytesIO(), io.BytesIO()
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(huge, "w") as target:
        for item in source.infolist():  # an Excel integer too large for any float
            target.writestr(item, source.read(item).replace(b">12345<", b">1" + b"0" * 400 + b"<"))
    assert read_portfolio("p.xlsx", huge.getvalue())[0].errors == [
        "Revenue '10000000000000000000' is not a number"]


def test_a_control_character_in_a_name_leaves_the_row_out():
    rows = read_portfolio("p.csv", b'name,industry\nAc\x00me,x\n"Beta\nGmbH","Food\r\nRetail"\n')
    assert rows[0].errors == ["Name cannot hold a NUL character; remove it (got 'Ac\\x00me')"]
    assert (rows[1].ok, rows[1].name, rows[1].industry) == (True, "Beta GmbH", "Food Retail")


def test_names_already_in_the_portfolio_are_refused():
    rows = read_portfolio("p.csv", b"name\nAcme\nNew\n", existing={"ACME"})
    assert [r.ok for r in rows] == [False, True]


def test_semicolon_separated_files_from_european_excel_are_read():
    rows = read_portfolio("p.csv", b"name;revenue\nAcme;100\nBeta;200\n")
    assert [(r.name, r.revenue) for r in rows] == [("Acme", 100), ("Beta", 200)]


def test_an_excel_file_is_read():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Account name", "Industry", "Revenue", "Spend with us", "Total spend"])
    sheet.append(["Acme", "Chemicals", 1000, 100, 400])
    buf = io.BytesIO()
    book.save(buf)
    rows = read_portfolio("p.xlsx", buf.getvalue())
    assert [(r.name, r.revenue, r.total_spend, r.ok) for r in rows] == [("Acme", 1000, 400, True)]


@pytest.mark.parametrize("content, message", [
    (b"industry,revenue\nx,1\n", "needs a 'name' column"),
    (b"", "is empty"),
    (b"name\n" + b"A\n" * 501, "at most 500"),
])
def test_an_unusable_file_is_refused_as_a_whole(content, message):
    with pytest.raises(ImportRefused, match=message):
        read_portfolio("p.csv", content)


def test_a_damaged_excel_file_is_refused():
    with pytest.raises(ImportRefused, match="could not be read as an Excel file"):
        read_portfolio("p.xlsx", b"not a zip")


def test_only_good_rows_are_added_each_with_a_started_profile(store):
    ann = store.add_trainee("Ann")
    session = Session(store, ann)
    added = add_portfolio(session, read_portfolio("p.csv", CSV))
    assert [a.name for a in added] == ["Acme", "Epsilon"]
    acme = store.get_document(added[0].id, "profile")
    assert (acme.industry, acme.revenue_with_us, acme.share_of_wallet) == ("Chemicals",
                                                                           1_200_000, 100 / 3)
    assert session.account is None  # importing does not switch the account being worked on
