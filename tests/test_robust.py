"""Issue 7 — robust under bad input: each cause found by the hostile runs, with the smallest input that showed it."""
from __future__ import annotations

import re
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import xlwt

from engine import check_ledgers
from engine.read.parse import CellError, display, parse_amount, parse_date, parse_datetime, parse_int, parse_period
from engine.read.workbook import MAX_CELLS, UnreadableWorkbook, read_workbook, scan_sheet_xml

from .conftest import FEE_HEADER, OWNER_HEADER, write_xlsx

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def data_messages(findings):
    return [f.message for f in findings if f.policy == "DATA"]


# ------------------------------------------------------------------ parsing never crashes

@pytest.mark.parametrize("value", [1e26, -1e26, "1e26", float("inf"), float("-inf"), float("nan"), pytest.param(10 ** 5000, id="int5000"),
                                   "1" * 5000, "٣٤", "፩", True, False, "TRUE", "false"])
def test_a_strange_amount_is_a_cell_error_never_a_crash(value):
    with pytest.raises(CellError):
        parse_amount(value)


def test_amounts_that_are_fine_still_read():
    assert parse_amount("¥1,234.50元") == Decimal("1234.50")
    assert parse_amount(12.345) == Decimal("12.34")
    assert parse_amount("１２３") == Decimal("123.00")  # full-width digits are digits


@pytest.mark.parametrize("value", ["1" * 5000, pytest.param(10 ** 5000, id="int5000"), 1e300, float("nan"), float("inf"), True, "፩"])
def test_a_strange_integer_is_a_cell_error(value):
    with pytest.raises(CellError):
        parse_int(value)


@pytest.mark.parametrize("value", ["0000-05", "9999-12", "0000年5月", True, float("nan")])
def test_a_period_outside_any_sensible_year_is_a_cell_error(value):
    with pytest.raises(CellError):
        parse_period(value)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", float("nan"), float("inf"), 1e300, True, "TRUE"])
def test_a_date_outside_any_sensible_year_is_a_cell_error(value):
    with pytest.raises(CellError):
        parse_datetime(value)
    with pytest.raises(CellError):
        parse_date(value)


def test_a_5000_digit_number_is_shown_without_crashing():
    assert "5001 位" in display(10 ** 5000)


# ------------------------------------------------------------------ error cells, parsed not byte-searched

def _patched(src: Path, dst: Path, sheet_xml: bytes) -> Path:
    """A copy of ``src`` whose first sheet's XML is replaced."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            zout.writestr(item, data)
    return dst


def _fee_sheet_xml(cells: bytes, root: bytes = b"worksheet", prefix: bytes = b"") -> bytes:
    """A fees sheet: header row, then one fee row for 1-1-101 whose 实收金额 (E2) is ``cells``."""
    p = prefix + b":" if prefix else b""
    xmlns = b"xmlns:" + prefix if prefix else b"xmlns"
    header = b"".join(
        b'<%sc r="%s1" t="inlineStr"><%sis><%st>%s</%st></%sis></%sc>' % (p, col.encode(), p, p, text.encode(), p, p, p)
        for col, text in zip("ABCDE", FEE_HEADER[:5]))
    row2 = (b'<%sc r="A2" t="inlineStr"><%sis><%st>1-1-101</%st></%sis></%sc>' % (p, p, p, p, p, p)
            + b'<%sc r="B2" t="inlineStr"><%sis><%st>%s</%st></%sis></%sc>' % (p, p, p, "物业费".encode(), p, p, p)
            + b'<%sc r="C2" t="inlineStr"><%sis><%st>2026-10</%st></%sis></%sc>' % (p, p, p, p, p, p)
            + b'<%sc r="D2"><%sv>250</%sv></%sc>' % (p, p, p, p)
            + cells)
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<%s%s %s="%s"><%ssheetData>'
            b'<%srow r="1">%s</%srow><%srow r="2">%s</%srow></%ssheetData></%s%s>'
            % (p, root, xmlns, MAIN, p, p, header, p, p, row2, p, p, p, root))


@pytest.fixture
def base_xlsx(tmp_path) -> Path:
    return write_xlsx(tmp_path / "src" / "base.xlsx", {"收费": [["x"]]})


PAID_CELL_SPELLINGS = {
    "x-prefix": (b'<x:c r="E2" t="e"><x:v>#REF!</x:v></x:c>', b"x"),
    "single-quotes": (b"<c r='E2' t='e'><v>#REF!</v></c>", b""),
    "newline-in-tag": (b'<c\n r="E2"\n t = "e"\n><v>#N/A</v></c>', b""),
    "uncalculated-formula-prefixed": (b'<x:c r="E2"><x:f>D2</x:f></x:c>', b"x"),
    "uncalculated-formula-single-quotes": (b"<c r='E2'><f>D2</f><v></v></c>", b""),
    "self-closing-error": (b'<c r="E2" t="e"/>', b""),
}


@pytest.mark.parametrize("spelling", sorted(PAID_CELL_SPELLINGS))
def test_an_error_cell_in_any_legal_spelling_is_reported_never_read_as_zero_paid(tmp_path, base_xlsx, spelling):
    cells, prefix = PAID_CELL_SPELLINGS[spelling]
    ledgers = tmp_path / "ledgers"
    ledgers.mkdir()
    _patched(base_xlsx, ledgers / "fees.xlsx", _fee_sheet_xml(cells, prefix=prefix))
    records, findings, _ = check_ledgers(ledgers)
    assert records.of("fees") == []  # the row stays out of the rules: no 催费通知书 for a household that may have paid
    msgs = data_messages(findings)
    assert any(m.startswith("fees.xlsx › 收费 › 第2行 › 实收金额（E2）:") and "公式" in m for m in msgs), msgs


def test_a_text_formula_with_an_empty_result_is_not_an_error(base_xlsx, tmp_path):
    xml = _fee_sheet_xml(b'<c r="E2" t="str"><f>""</f><v></v></c>')
    assert scan_sheet_xml(xml).errors == {}
    assert scan_sheet_xml(xml, full=True).errors == {}


def test_the_quick_scan_and_the_full_parse_agree(tmp_path):
    cells = (b'<c r="E2" t="e"><v>#DIV/0!</v></c><c r="F2"><f>1+1</f></c><c r="G2" t="b"><v>1</v></c>'
             b'<c r="H2" t="str"><f>"a"</f><v>a</v></c><c r="I2"><f>1</f><v>1</v></c><c r="J2" t="e"/>')
    xml = _fee_sheet_xml(cells)
    quick, full = scan_sheet_xml(xml), scan_sheet_xml(xml, full=True)
    assert quick.errors == full.errors == {(1, 4): "#DIV/0!", (1, 5): "公式未计算", (1, 9): "#错误"}
    assert quick.booleans == full.booleans == {(1, 6): True}
    assert (full.rows, full.cols) == (2, 10)


def test_cells_without_an_address_are_placed_as_excel_places_them():
    xml = (b'<worksheet xmlns="%s"><sheetData><row r="3"><c><v>1</v></c><c t="e"><v>#N/A</v></c></row>'
           b'<row><c r="D4"><v>1</v></c><c><f>A1</f></c></row></sheetData></worksheet>' % MAIN)
    scan = scan_sheet_xml(xml)
    assert scan.errors == {(2, 1): "#N/A", (3, 4): "公式未计算"}
    assert (scan.rows, scan.cols) == (4, 5)


def test_true_after_a_1_in_a_column_is_a_logical_value_not_1(tmp_path):
    write_xlsx(tmp_path / "fees.xlsx", {"收费": [
        FEE_HEADER,
        ["1-1-101", "物业费", "2026-09", 250, 1, None, None],
        ["1-1-101", "物业费", "2026-10", 250, True, None, None],
    ]})
    grid = read_workbook(tmp_path / "fees.xlsx")[0]
    assert grid.rows[2][4] == "TRUE"
    records, findings, _ = check_ledgers(tmp_path)
    assert [(f.period, f.amount_paid) for f in records.of("fees")] == [((2026, 9), Decimal("1.00"))]
    assert any(m.startswith("fees.xlsx › 收费 › 第3行 › 实收金额（E3）: TRUE") and "逻辑值" in m
               for m in data_messages(findings))


# ------------------------------------------------------------------ one cell cannot cost the machine

def test_a_cell_at_xfd1048576_is_reported_not_allocated(tmp_path, base_xlsx):
    xml = (b'<worksheet xmlns="%s"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
           b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row></sheetData></worksheet>' % MAIN)
    path = _patched(base_xlsx, tmp_path / "far.xlsx", xml)
    start = time.perf_counter()
    with pytest.raises(UnreadableWorkbook, match="XFD1048576"):
        read_workbook(path)
    assert time.perf_counter() - start < 5


def test_a_dimension_that_lies_costs_nothing(tmp_path, base_xlsx):
    xml = (b'<worksheet xmlns="%s"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c>'
           b'</row></sheetData></worksheet>' % MAIN)
    grid = read_workbook(_patched(base_xlsx, tmp_path / "dim.xlsx", xml))[0]
    assert grid.rows == [[1.0]]


def test_a_far_cell_in_the_ledgers_folder_is_a_critical_finding_and_the_rest_is_read(tmp_path, base_xlsx):
    ledgers = tmp_path / "ledgers"
    ledgers.mkdir()
    write_xlsx(ledgers / "业主.xlsx", {"业主": [OWNER_HEADER, ["1-1-101", "王建国", None, None, 100, "现金"]]})
    wide = MAX_CELLS // 1000 + 1  # a grid just over the bound: 1000 rows × this many columns
    col = ""
    n = wide
    while n:
        n, rem = divmod(n - 1, 26)
        col = chr(65 + rem) + col
    xml = (b'<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
           b'<row r="1000"><c r="%s1000"><v>2</v></c></row></sheetData></worksheet>' % (MAIN, col.encode()))
    _patched(base_xlsx, ledgers / "wide.xlsx", xml)
    records, findings, inventory = check_ledgers(ledgers)
    assert [o.unit.key for o in records.of("owners")] == ["1-1-101"]
    assert any(f.message.startswith("wide.xlsx: 文件无法读取") and f"{col}1000" in f.message for f in findings)


# ------------------------------------------------------------------ .xls

def test_an_xls_error_cell_is_a_finding_and_the_workbook_is_still_read(tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("收费")
    for c, text in enumerate(FEE_HEADER):
        sheet.write(0, c, text)
    for r, (item, paid) in enumerate([("物业费", None), ("车位费", 100)], start=1):
        for c, value in enumerate(["1-1-101", item, "2026-10", 250]):
            sheet.write(r, c, value)
        if paid is not None:
            sheet.write(r, 4, paid)
    sheet.row(1).set_cell_error(4, "#REF!")
    sheet.write(3, 0, "1-1-101")
    sheet.write(3, 1, "水费")
    sheet.write(3, 2, "2026-10")
    sheet.write(3, 3, 30)
    sheet.write(3, 4, xlwt.Formula("D4*2"))  # a formula xlwt cannot calculate: no cached value
    sheet.write(4, 0, "1-1-101")
    sheet.write(4, 1, "电费")
    sheet.write(4, 2, "2026-10")
    sheet.write(4, 3, 30)
    sheet.write(4, 4, True)
    book.save(str(tmp_path / "fees.xls"))
    records, findings, _ = check_ledgers(tmp_path)
    assert [f.item for f in records.of("fees")] == ["车位费"]
    msgs = data_messages(findings)
    assert any(m.startswith("fees.xls › 收费 › 第2行 › 实收金额（E2）: #REF!") for m in msgs), msgs
    assert any(m.startswith("fees.xls › 收费 › 第4行 › 实收金额（E4）: 公式未计算") for m in msgs), msgs
    assert any(m.startswith("fees.xls › 收费 › 第5行 › 实收金额（E5）: TRUE") for m in msgs), msgs


# ------------------------------------------------------------------ duplicate sheet names

def test_two_sheets_with_one_name_are_both_read_and_flagged(tmp_path):
    path = write_xlsx(tmp_path / "src.xlsx", {"收费": [["a"], [1]], "收费2": [["b"], [2]]})
    dup = tmp_path / "dup.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(dup, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace("name=\"收费2\"".encode(), "name=\"收费\"".encode())
            zout.writestr(item, data)
    grids = read_workbook(dup)
    assert [(g.name, g.rows) for g in grids] == [("收费", [["a"], [1.0]]), ("收费", [["b"], [2.0]])]
    assert grids[0].problems == [] and "同名" in grids[1].problems[0]
