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
    # only the formula prefixed, in a cell that is not: the quick scan's search for <f would not see it
    "uncalculated-formula-own-prefix": (b'<c r="E2"><x:f xmlns:x="%s">D2</x:f></c>' % MAIN, b""),
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


@pytest.mark.parametrize("cells, bound", [
    (b'<row r="2"><c r="B2"><v>1</v></c></row>', (99_999, 26)),  # the usual sheet: within Z99999
    (b'<row r="100001"><c r="A100001"><v>1</v></c></row><row r="100002"><c r="AB100002"><v>2</v></c></row>',
     (100_002, 28)),
    (b'<row r="5"><c r="AA5"><v>1</v></c></row><row r="100003"><c r="A100003"><v>2</v></c></row>', (100_003, 27)),
    (b'<row r="2"><c r="XFD2"><v>1</v></c></row>', (2, 16_384)),  # too wide for the bound: counted exactly
])
def test_the_size_bound_sees_every_cell_past_column_z_or_row_99999(cells, bound):
    xml = b'<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>%s</sheetData></worksheet>' % (
        MAIN, cells)
    quick = scan_sheet_xml(xml)
    assert (quick.rows, quick.cols) == bound


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


# ------------------------------------------------------------------ numbers never reused: kill window, concurrency

import json
import os
import subprocess
import sys
from datetime import date

from engine.errors import OutputBusy, OutputFolderError, RegisterError, WuyeError
from engine.record.output import open_register, publish_night, recovery_findings
from engine.record.register import Register

REPO = Path(__file__).resolve().parent.parent

MINI_NIGHT = r'''
import json, os, sys
from datetime import date
from pathlib import Path
from engine.record.output import open_register, publish_night

out, night, subjects, crash, hold = Path(sys.argv[1]), sys.argv[2], sys.argv[3].split(","), sys.argv[4], float(sys.argv[5])
register = open_register(out, wait=float(os.environ.get("WAIT", "5")))
try:
    register.load(date.fromisoformat(night))
    numbers = {}
    for s in subjects:
        if register.highest_step_before(s, "物业费") < 1:
            numbers[s] = register.issue("CF", "{prefix}{year}-{seq:04d}", s, "催费通知书", 1,
                                        date.fromisoformat(night), [("物业费", 1)]).number
    import time; time.sleep(hold)
    if crash == "rename":  # killed after the register committed, before the folder appeared
        import pathlib
        pathlib.Path.rename = lambda self, target: os._exit(137)
    with publish_night(out, night, register) as tmp:
        (tmp / "notices.json").write_text(json.dumps(numbers), encoding="utf-8")
finally:
    register.close()
print(json.dumps(numbers))
'''


def mini_night(out: Path, night: str, subjects: list[str], crash: str = "", hold: float = 0.0, wait: float = 5.0,
               background: bool = False):
    args = [sys.executable, "-c", MINI_NIGHT, str(out), night, ",".join(subjects), crash or "-", str(hold)]
    env = {**os.environ, "WAIT": str(wait), "PYTHONPATH": str(REPO)}
    if background:
        return subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True)


def published_numbers(out: Path) -> list[str]:
    return [n for f in sorted(out.glob("*/notices.json")) for n in json.loads(f.read_text(encoding="utf-8")).values()]


def test_a_kill_between_commit_and_rename_never_reissues_a_number_and_no_household_loses_its_notice(tmp_path):
    out = tmp_path / "out"
    first = mini_night(out, "2026-11-16", ["1-1-101", "1-1-102"])
    assert first.returncode == 0, first.stderr
    killed = mini_night(out, "2026-11-17", ["1-1-103", "1-1-104"], crash="rename")
    assert killed.returncode == 137 and not (out / "2026-11-17").exists()
    after = mini_night(out, "2026-11-18", ["1-1-103", "1-1-104"])
    assert after.returncode == 0, after.stderr
    numbers = published_numbers(out)
    assert len(numbers) == len(set(numbers)) == 4  # 101, 102 on the 16th; 103, 104 again (fresh numbers) on the 18th
    assert json.loads(after.stdout) == {"1-1-103": "CF2026-0005", "1-1-104": "CF2026-0006"}  # 0003/0004 are void
    register = Register(out / "register.sqlite")
    states = dict(register.db.execute("SELECT night, state FROM runs"))
    assert states == {"2026-11-16": "published", "2026-11-17": "void", "2026-11-18": "published"}
    register.close()


def test_the_voided_run_is_reported_to_the_auditor(tmp_path):
    out = tmp_path / "out"
    assert mini_night(out, "2026-11-17", ["1-1-103"], crash="rename").returncode == 137
    register = open_register(out)
    try:
        register.load(date(2026, 11, 18))
        (finding,) = recovery_findings(register)
    finally:
        register.close()
    assert finding.category == "运行记录" and "2026-11-17" in finding.message and "CF2026-0001" in finding.message
    assert "已作废" in finding.message


def test_a_kill_just_after_the_rename_keeps_the_published_numbers(tmp_path):
    out = tmp_path / "out"
    register = open_register(out)
    register.load(date(2026, 11, 17))
    register.issue("CF", "{prefix}{year}-{seq:04d}", "1-1-101", "催费通知书", 1, date(2026, 11, 17), [("物业费", 1)])
    register.mark_published = lambda run: None  # the process dies before it can say so
    with publish_night(out, "2026-11-17", register) as tmp:
        (tmp / "x.txt").write_text("x")
    register.close()
    register = open_register(out)
    register.load(date(2026, 11, 18))
    assert register.recovered == [] and register.highest_step_before("1-1-101", "物业费") == 1
    register.close()


def test_a_second_run_on_the_same_output_folder_stops_with_a_message_and_numbers_stay_unique(tmp_path):
    out = tmp_path / "out"
    slow = mini_night(out, "2026-11-17", ["1-1-101", "1-1-102"], hold=3.0, background=True)
    time.sleep(1.0)  # the slow run holds the lock
    busy = mini_night(out, "2026-11-17", ["1-1-101", "1-1-102"], wait=0.3)
    assert busy.returncode != 0 and "另一个检查正在向同一输出文件夹写入" in busy.stderr
    waits = mini_night(out, "2026-11-18", ["1-1-101", "1-1-102", "1-1-103"], wait=30)
    slow_out, _ = slow.communicate(timeout=60)
    assert slow.returncode == 0 and waits.returncode == 0, waits.stderr
    assert json.loads(slow_out) == {"1-1-101": "CF2026-0001", "1-1-102": "CF2026-0002"}
    assert json.loads(waits.stdout) == {"1-1-103": "CF2026-0003"}  # it waited, then saw the first run's numbers
    numbers = published_numbers(out)
    assert len(numbers) == len(set(numbers)) == 3


# ------------------------------------------------------------------ faults with a message

def test_a_corrupt_register_is_a_message_not_a_traceback(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "register.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(RegisterError, match="已损坏") as err:
        Register(out / "register.sqlite")
    assert "不要删除" in err.value.hint


def test_a_read_only_register_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    out = tmp_path / "out"
    Register(out / "register.sqlite").close()
    import sqlite3
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda path, *a, **k: real(f"file:{path}?mode=ro", uri=True))
    with pytest.raises(RegisterError, match="只读"):
        Register(out / "register.sqlite")


def test_a_full_disk_while_writing_publishes_nothing_and_issues_no_number(tmp_path):
    import errno
    out = tmp_path / "out"
    register = open_register(out)
    register.load(date(2026, 11, 17))
    register.issue("CF", "{prefix}{year}-{seq:04d}", "1-1-101", "催费通知书", 1, date(2026, 11, 17), [("物业费", 1)])
    with pytest.raises(OutputFolderError, match="磁盘已满") as err:
        with publish_night(out, "2026-11-17", register) as tmp:
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp / "a.docx"))
    assert "磁盘" in err.value.hint
    register.close()
    assert sorted(p.name for p in out.iterdir()) == ["register.sqlite"]
    register = Register(out / "register.sqlite")
    assert register.db.execute("SELECT COUNT(*) FROM notices").fetchone()[0] == 0
    register.close()


def _issue(register, subject: str) -> None:
    register.issue("CF", "{prefix}{year}-{seq:04d}", subject, "催费通知书", 1, date(2026, 11, 17), [("物业费", 1)])


def _numbers(out: Path) -> list[str]:
    import sqlite3
    db = sqlite3.connect(out / "register.sqlite")  # another reader, as an auditor's tool would be
    try:
        return [n for (n,) in db.execute("SELECT number FROM notices ORDER BY number")]
    finally:
        db.close()


def test_numbers_written_ahead_are_not_seen_before_the_commit_and_are_thrown_away_when_the_night_fails(tmp_path):
    import errno
    out = tmp_path / "out"
    register = open_register(out)
    register.load(date(2026, 11, 17))
    _issue(register, "1-1-101")
    with pytest.raises(OutputFolderError):
        with publish_night(out, "2026-11-17", register) as tmp:
            register.stage()  # as the night does while its documents are written
            assert _numbers(out) == []  # not visible to anyone before the commit
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp / "a.docx"))
    register.close()
    assert _numbers(out) == [] and sorted(p.name for p in out.iterdir()) == ["register.sqlite"]


def test_numbers_written_ahead_are_committed_once_with_the_fines_and_a_number_taken_later_is_not_lost(tmp_path):
    out = tmp_path / "out"
    register = open_register(out)
    register.load(date(2026, 11, 17))
    hooked: list[str] = []
    register.on_commit(lambda db, run: hooked.append(run))  # the fines register writes here, never ahead
    _issue(register, "1-1-101")
    with publish_night(out, "2026-11-17", register) as tmp:
        register.stage()
        _issue(register, "1-1-102")  # taken after the numbers were written ahead: they are written again, whole
        (tmp / "x.txt").write_text("x")
    (run,) = hooked
    assert _numbers(out) == ["CF2026-0001", "CF2026-0002"]
    assert register.db.execute("SELECT run, state FROM runs").fetchall() == [(run, "published")]
    register.load(date(2026, 11, 18))
    _issue(register, "1-1-103")
    with publish_night(out, "2026-11-18", register) as tmp:
        register.stage()
        (tmp / "x.txt").write_text("x")
    register.close()
    assert _numbers(out) == ["CF2026-0001", "CF2026-0002", "CF2026-0003"] and len(hooked) == 2


def test_an_output_folder_that_is_a_file_is_a_message(tmp_path):
    out = tmp_path / "out"
    out.write_text("not a folder")
    with pytest.raises(OutputFolderError, match="无法创建输出文件夹"):
        open_register(out)


def test_an_unwritable_output_folder_is_a_message(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **k: False if Path(path) == out else real_access(path, mode, **k))
    with pytest.raises(OutputFolderError, match="没有写入权限"):
        open_register(out)
    assert list(out.iterdir()) == []


def test_a_folder_named_like_the_mapping_file_is_a_message(tmp_path):
    from engine.errors import LedgerFolderError

    write_xlsx(tmp_path / "fees.xlsx", {"收费": [FEE_HEADER, ["1-1-101", "物业费", "2026-10", 100]]})
    (tmp_path / "wuye-mapping.yaml").mkdir()
    with pytest.raises(LedgerFolderError, match="文件夹"):
        check_ledgers(tmp_path)


def test_a_gbk_rule_file_is_a_message_naming_file_and_line(tmp_path):
    from engine.errors import RuleFileError
    from engine.rules.yamlload import load_yaml

    path = tmp_path / "fees.yaml"
    path.write_bytes("id: fees\ntitle: 催费\n".encode("gbk"))
    with pytest.raises(RuleFileError, match=r"fees\.yaml:2: 文件不是 UTF-8 编码"):
        load_yaml(path)


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01"])
def test_an_as_of_outside_any_sensible_year_exits_2_with_a_message(tmp_path, as_of):
    from click.testing import CliRunner
    from engine.cli import main

    result = CliRunner().invoke(main, ["run", "--ledgers", str(tmp_path), "--out", str(tmp_path / "out"),
                                       "--as-of", as_of])
    assert result.exit_code == 2, result.output
    assert "年份不在" in result.output and "Traceback" not in result.output


def test_a_last_row_of_uncalculated_formulas_is_reported_not_lost(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收费"
    ws.append(FEE_HEADER)
    ws.append(["1-1-101", "物业费", "2026-10", 250, 250, "2026-10-03", None])
    ws.append(["=A2", "=B2", "=C2", "=D2", "=E2"])  # written by a script, never opened in Excel: no cached values
    wb.save(tmp_path / "fees.xlsx")
    records, findings, inventory = check_ledgers(tmp_path)
    assert len(records.of("fees")) == 1
    msgs = data_messages(findings)
    assert any(m.startswith("fees.xlsx › 收费 › 第3行 › 房号（A3）: 公式未计算") for m in msgs), msgs
    assert any(m.startswith("fees.xlsx › 收费 › 第3行 › 实收金额（E3）: 公式未计算") for m in msgs), msgs


def test_a_nan_written_into_an_xlsx_is_reported_never_read_as_blank(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收费"
    ws.append(FEE_HEADER)
    ws.append(["1-1-101", "物业费", "2026-10", 250, float("nan"), None, None])  # openpyxl writes <v></v>
    wb.save(tmp_path / "fees.xlsx")
    records, findings, _ = check_ledgers(tmp_path)
    assert records.of("fees") == []
    assert any(m.startswith("fees.xlsx › 收费 › 第2行 › 实收金额（E2）: 数值无效") for m in data_messages(findings))


def _night_with(tmp_path, rules=None, forms=None):
    import shutil
    from engine import parse_as_of, run_night
    from .conftest import small_estate

    ledgers = small_estate(tmp_path / "ledgers", [["1-1-101", "物业费", "2026-10", 250, None, None, None]])
    return run_night(ledgers, rules or REPO / "rules", tmp_path / "out", parse_as_of("2026-11-20"),
                     forms or REPO / "forms", today=date(2026, 11, 22))


@pytest.mark.parametrize("value", ["十五天", "[1, 2]", "{a: 1}"])
def test_a_rule_parameter_of_the_wrong_type_is_a_message_naming_file_and_line(tmp_path, value):
    import shutil
    from engine.errors import RuleFileError

    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    text = (rules / "fees.yaml").read_text(encoding="utf-8")
    m = re.search(r"(  due_day:\n(?:.*\n)*?      - \{from: [0-9-]+, value: )(\d+)", text)
    line = text[:m.start(2)].count("\n") + 1
    (rules / "fees.yaml").write_text(text[:m.start(2)] + value + text[m.end(2):], encoding="utf-8")
    with pytest.raises(RuleFileError, match=rf"fees\.yaml:{line}"):
        _night_with(tmp_path, rules=rules)


@pytest.mark.parametrize("content", [b"garbage" * 100, b"", "broken-tag"])
def test_a_garbage_form_template_is_a_message_naming_the_form(tmp_path, content):
    import shutil
    import docx
    from engine.errors import FormsError

    forms = tmp_path / "forms"
    shutil.copytree(REPO / "forms", forms)
    for path in forms.glob("*催费通知书.docx"):
        if content == "broken-tag":
            d = docx.Document()
            d.add_paragraph("{{ n.broken ")
            d.save(path)
        else:
            path.write_bytes(content)
    with pytest.raises(FormsError, match="催费通知书"):
        _night_with(tmp_path, forms=forms)


# ------------------------------------------------------------------ whole nights: kill window and concurrent runs

NIGHT = r'''
import os, sys, pathlib
from datetime import date
from engine import parse_as_of, run_night
ledgers, out, as_of, kill = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "kill"
if kill:  # killed after the register committed, before the night's folder was renamed into place
    real = pathlib.Path.rename
    def rename(self, target):
        if pathlib.Path(target).name == as_of:
            os._exit(137)
        return real(self, target)
    pathlib.Path.rename = rename
run_night(ledgers, sys.argv[5], out, parse_as_of(as_of), sys.argv[6], today=date.fromisoformat(as_of))
'''


def run_night_process(ledgers: Path, out: Path, as_of: str, kill: bool = False, background: bool = False):
    args = [sys.executable, "-c", NIGHT, str(ledgers), str(out), as_of, "kill" if kill else "-",
            str(REPO / "rules"), str(REPO / "forms")]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if background:
        return subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True)


def notices_in(out: Path) -> list[tuple[str, str, str]]:
    """(night, number, unit or ticket) of every single notice published in the output folder."""
    return sorted((p.parents[2].name, *p.stem.split("_", 1)) for p in out.glob("*/通知书/*/*.docx"))


def estate(tmp_path: Path) -> Path:
    big = os.environ.get("WUYE_BIG_ESTATE")  # e.g. bench-data/estate-20000x12-t40000/ledgers
    if big:
        return Path(big)
    from .conftest import small_estate
    return small_estate(tmp_path / "ledgers", [["1-1-101", "物业费", "2026-11", 250, None, None, None],
                                               ["1-1-102", "物业费", "2026-11", 200, None, None, None]])


def test_a_night_killed_between_commit_and_rename_reissues_no_number_and_loses_no_notice(tmp_path):
    ledgers = estate(tmp_path)
    first, second = os.environ.get("WUYE_KILL_NIGHTS", "2026-11-16,2026-11-17").split(",")
    control = tmp_path / "control"
    assert run_night_process(ledgers, control, first).returncode == 0
    noticed = {key for _, _, key in notices_in(control)}
    assert noticed

    out = tmp_path / "out"
    killed = run_night_process(ledgers, out, first, kill=True)
    assert killed.returncode == 137, killed.stderr[-2000:]
    assert not (out / first).exists()
    after = run_night_process(ledgers, out, second)
    assert after.returncode == 0, after.stderr[-2000:]
    published = notices_in(out)
    numbers = [n for _, n, _ in published]
    assert len(numbers) == len(set(numbers))
    assert noticed <= {key for _, _, key in published}  # every household of the killed night got its notice
    register = Register(out / "register.sqlite")
    void = {n for (n,) in register.db.execute(
        "SELECT number FROM notices WHERE run IN (SELECT run FROM runs WHERE state = 'void')")}
    register.close()
    assert void and not void & set(numbers)  # the killed night's numbers are never handed out again
    findings = json.loads((out / second / "findings.json").read_text(encoding="utf-8"))
    assert any(f["rule"] == "RUN-voided" and first in f["message"] for f in findings)


def test_a_second_run_on_one_output_folder_stops_with_a_message_exit_2(tmp_path):
    from engine.record.lock import output_lock

    ledgers = estate(tmp_path)
    out = tmp_path / "out"
    with output_lock(out):  # a first run is writing
        result = subprocess.run(
            [sys.executable, "-c", "from engine.cli import main; main()", "run", "--ledgers", str(ledgers),
             "--rules", str(REPO / "rules"), "--forms", str(REPO / "forms"), "--out", str(out),
             "--as-of", "2026-11-17"],
            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO), "WUYE_LOCK_WAIT": "0.5"},
            capture_output=True, text=True)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "另一个检查正在向同一输出文件夹写入" in result.stderr and "Traceback" not in result.stderr
    assert not (out / "2026-11-17").exists()


def test_two_runs_at_once_on_one_output_folder_never_share_a_number(tmp_path):
    ledgers = estate(tmp_path)
    out = tmp_path / "out"
    runs = [run_night_process(ledgers, out, night, background=True) for night in ("2026-11-16", "2026-11-17")]
    errors = [proc.communicate(timeout=1200)[1] for proc in runs]
    # each run either finished, or waited for the other and stopped with the message (a long night outlasts the wait)
    assert all(proc.returncode == 0 or "另一个检查正在向同一输出文件夹写入" in err for proc, err in zip(runs, errors)), errors
    assert any(proc.returncode == 0 for proc in runs)
    numbers = [n for _, n, _ in notices_in(out)]
    assert numbers and len(numbers) == len(set(numbers))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux only (PR_SET_PDEATHSIG)")
def test_a_worker_process_dies_with_the_run_that_started_it(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(
        "import os, time, multiprocessing\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from engine.record.lock import die_with_parent\n"
        "def work(): return os.getpid()\n"
        "if __name__ == '__main__':\n"
        "    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context('spawn'),\n"
        "                               initializer=die_with_parent, initargs=(os.getpid(),))\n"
        "    print(pool.submit(work).result(), flush=True)\n"
        "    time.sleep(60)\n", encoding="utf-8")
    run = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                           cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    worker = int(run.stdout.readline())
    run.kill()  # kill -9 of the night's process
    run.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{worker}/status").read_text().split("State:")[1].split()[0]
        except (FileNotFoundError, IndexError):
            return  # gone
        if state == "Z":  # dead, waiting to be reaped
            return
        time.sleep(0.1)
    pytest.fail("the worker process outlived the killed run")
