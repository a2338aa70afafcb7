"""Issue 7 — property-based fuzzing of whole nights (Hypothesis).

Each example is a small ledger folder: an owner file and a fee ledger (and
sometimes a complaint ledger), written as .xlsx (openpyxl), .xls (xlwt) or .csv,
with title rows, shuffled and extra columns, and cell values drawn from good
ones and from the bad ones hostile runs found (1e26, inf, NaN, 5,000-digit
numbers, TRUE, non-ASCII digits, years 0000 and 9999, error cells, formulas
with no cached value, control characters, phone and ID numbers in names).
``engine.run_night`` runs on it, and:

* nothing raises but :class:`~engine.errors.WuyeError` (a folder-level problem);
* every injected bad cell is reported by a finding naming its cell (or its row
  is listed as skipped with a reason, or its whole file as unreadable);
* every generated .docx opens (python-docx), the exception workbook opens
  (openpyxl) and findings.json parses;
* no phone or ID number is printed in full in a document, the exception
  workbook or findings.json.

``make test`` runs a few examples (derandomized: the same ones every time);
``make fuzz`` runs ``WUYE_FUZZ_EXAMPLES`` (default 2,000) and prints the figures.
"""
from __future__ import annotations

import csv
import json
import math
import os
import re
import shutil
import tempfile
import unicodedata
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as _ILLEGAL

from engine import WuyeError, parse_as_of, run_night

REPO = Path(__file__).resolve().parent.parent
# rules and forms as they were when the run started: a long `make fuzz` is not disturbed by edits meanwhile
_SNAPSHOT = Path(tempfile.mkdtemp(prefix="wuye-fuzz-inputs-"))
shutil.copytree(REPO / "rules", _SNAPSHOT / "rules")
shutil.copytree(REPO / "forms", _SNAPSHOT / "forms")
EXAMPLES = int(os.environ.get("WUYE_FUZZ_EXAMPLES", "12"))
STATS: Counter = Counter()

OWNER_HEADER = ["房号", "业主姓名", "联系电话", "身份证号", "建筑面积(㎡)", "缴费方式"]
FEE_HEADER = ["房号", "收费项目", "所属期", "应收金额", "实收金额", "缴费日期", "缴费期限"]
TICKET_HEADER = ["工单号", "类型", "等级", "房号", "反映人", "内容", "来源", "受理时间", "责任部门"]


class Err(str):
    """An Excel error cell (#REF!, #DIV/0! …)."""


class Formula(str):
    """A formula with no cached value (written by a program, never opened in Excel)."""


BAD = {
    "amount": ["abc", "1e26", 1e26, -1e26, math.inf, -math.inf, math.nan, "1" * 5000, "٣٤", "፩", True, False,
               "TRUE", "12.3.4", "约300", Err("#REF!"), Err("#DIV/0!"), Err("#N/A"), Formula("=D2*2")],
    "period": ["0000-05", "2026-13", "9999-12", "abc", True, Err("#VALUE!"), 1e300, math.nan, Formula("=C2")],
    "date": ["0000-01-01", "2026-02-30", "9999-12-31", "昨天下午", 1e300, True, Err("#REF!"), Formula("=F2")],
}
COLUMN_TYPE = {"所属期": "period", "应收金额": "amount", "实收金额": "amount", "缴费日期": "date"}

good_amount = st.one_of(st.integers(0, 5000), st.sampled_from(["1,234.50", "250元", "¥80.00", "１２０"]),
                        st.floats(0, 5000, allow_nan=False).map(lambda x: round(x, 2)))
good_period = st.sampled_from(["2026-08", "2026-09", "2026年10月", "2026/10", 202609, date(2026, 7, 1)])
good_date = st.one_of(st.none(), st.sampled_from(["2026-10-03", "2026/9/5", "2026年10月8日", datetime(2026, 9, 30, 14, 0)]))
nasty_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
name = st.one_of(
    st.sampled_from(["王建国", "李秀英", "欧阳娜娜", "Zhang Wei", "王\x01建国", "李\x1b秀英", "陈 13812345678",
                     "刘 138-0000-0002", "赵 +86 139 0000 0003", "周（身份证110101199001011234）", "=1+1", "@SUM(A1)"]),
    nasty_text.filter(lambda s: s.strip() != "")).map(lambda s: s or "某")


@st.composite
def ledger_folder(draw):
    fmt = draw(st.sampled_from(["xlsx", "xls", "csv"]))
    units = [f"1-1-{101 + i}" for i in range(draw(st.integers(1, 4)))]
    if draw(st.integers(0, 9)) == 0:
        units.append(draw(st.sampled_from(["፩-1-101", "٣-2-1502", "B" * 300, "1栋2单元" + "9" * 40])))
    owners = [[u, draw(name), draw(st.sampled_from([None, "13812345678", "138 1234 5678", "020-12345678"])),
               draw(st.sampled_from([None, "110101199001011234", "11010119900101123X"])),
               draw(st.sampled_from([100, 88.5, None, "90平方米"])), draw(st.sampled_from(["现金", "银行代扣", None]))]
              for u in units]
    fees, bad = [], []
    for i in range(draw(st.integers(1, 6))):
        row = {"房号": draw(st.sampled_from(units)), "收费项目": draw(st.sampled_from(["物业费", "车位费", "水费"])),
               "所属期": draw(good_period), "应收金额": draw(good_amount),
               "实收金额": draw(st.one_of(st.none(), good_amount)), "缴费日期": draw(good_date), "缴费期限": None}
        for column, kind in COLUMN_TYPE.items():
            if draw(st.integers(0, 5)) == 0:
                value = draw(st.sampled_from(BAD[kind]))
                if fmt == "xlsx" and isinstance(value, str) and not isinstance(value, (Err, Formula)) \
                        and _ILLEGAL.search(value):
                    continue
                row[column] = value
                bad.append((i, column))
        fees.append(row)
    layout = {
        "title_rows": draw(st.integers(0, 2)),
        "order": draw(st.permutations(FEE_HEADER)),
        "extra": draw(st.sampled_from([None, "备注", "经办人"])),
    }
    tickets = []
    if draw(st.integers(0, 3)) == 0:
        for k in range(draw(st.integers(1, 3))):
            tid = draw(st.sampled_from([f"T{k:02d}", "T" + "9" * 300, f"T/{k}:*?", f"工单\x01{k}", f"T{k}" + "长" * 120]))
            tickets.append([tid, draw(st.sampled_from(["投诉", "报修"])), draw(st.sampled_from(["轻微", "重要", "重大", None])),
                            draw(st.sampled_from(units)), draw(name), draw(st.one_of(name, nasty_text)), "电话",
                            draw(st.sampled_from([datetime(2026, 11, 18, 9, 0), datetime(2026, 11, 20, 10, 0),
                                                  "2026-11-19 08:00"])), "客服部"])
    return fmt, owners, fees, bad, layout, tickets


# ------------------------------------------------------------------ writers

def _col(c: int) -> str:
    letters = ""
    n = c + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def write_book(path: Path, sheet: str, rows: list[list]) -> Path:
    if path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = sheet
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(r, c)
                if isinstance(value, str) and not isinstance(value, (Err, Formula)):
                    value = _ILLEGAL.sub("", value)
                cell.value = value
                if isinstance(value, Err):
                    cell.data_type = "e"
                elif isinstance(value, str) and not isinstance(value, Formula) and value.startswith("="):
                    cell.data_type = "s"
        wb.save(path)
    elif path.suffix == ".xls":
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        ws = book.add_sheet(sheet)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, Err):
                    ws.row(r).set_cell_error(c, {"#N/A": 0x2A}.get(value, str(value)))  # xlwt spells it #N/A!
                elif isinstance(value, Formula):
                    ws.write(r, c, xlwt.Formula(str(value)[1:]))
                elif isinstance(value, (datetime, date)):
                    ws.write(r, c, value.isoformat(" ") if isinstance(value, datetime) else value.isoformat())
                elif isinstance(value, str):
                    ws.write(r, c, value[:32767])
                else:
                    ws.write(r, c, value)
        book.save(str(path))
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            for row in rows:
                w.writerow(["" if v is None else (str(v).upper() if isinstance(v, bool) else v) for v in row])
    return path


def build(folder: Path, example) -> list[tuple[str, str, int, str, str]]:
    """Write the example's ledgers; returns the injected bad cells as (file, sheet, row, address, header)."""
    fmt, owners, fees, bad, layout, tickets = example
    folder.mkdir(parents=True)
    write_book(folder / f"业主档案.{fmt}", "业主", [OWNER_HEADER, *owners])
    header = list(layout["order"]) + ([layout["extra"]] if layout["extra"] else [])
    titles = [["XX花园收费台账"]] * layout["title_rows"]
    rows = [[row.get(h) for h in header] for row in fees]
    fee_file = f"收费台账.{fmt}"
    write_book(folder / fee_file, "收费", [*titles, header, *rows])
    if tickets:
        write_book(folder / f"投诉报修台账.{fmt}", "工单", [TICKET_HEADER, *tickets])
    sheet = "收费台账" if fmt == "csv" else "收费"
    first = layout["title_rows"] + 2  # Excel row of the first fee row
    return [(fee_file, sheet, first + i, f"{_col(header.index(column))}{first + i}", column) for i, column in bad]


# ------------------------------------------------------------------ the property

def reported(cell, findings, inventory) -> str | None:
    file, sheet, row, address, column = cell
    for f in findings:
        if f.severity == "严重" and any(s.file == file for s in f.sources):
            return "file"
        for s in f.sources:
            if s.file == file and s.row == row and (getattr(s, "cell", None) == address or s.column == column):
                return "finding"
        if f"{file} › {sheet} › 第{row}行" in f.message and (address in f.message or column in f.message):
            return "finding"
    for entry in inventory:
        if entry.get("file") == file and entry.get("sheet") == sheet:
            if any(row in rows for rows in (entry.get("skipped_rows") or {}).values()):
                return "skipped"
    return None


PERSONAL = ("13812345678", "13800000002", "13900000003", "02012345678", "110101199001011234", "11010119900101123X")


def _leaks(text: str) -> list[str]:
    """The personal numbers in ``text``, however spaced or dashed (+86 dropped)."""
    runs = re.findall(r"[0-9X](?:[ \-]?[0-9X])*", unicodedata.normalize("NFKC", text).upper().replace("+86", ""))
    numbers = {r.replace(" ", "").replace("-", "") for r in runs}
    return [p for p in PERSONAL if any(p in n for n in numbers)]


def check_outputs(out: Path) -> None:
    import docx
    import openpyxl

    printed = []
    for path in sorted(out.rglob("*.docx")):
        STATS["documents"] += 1
        try:
            document = docx.Document(path)
        except Exception as exc:
            STATS["unreadable documents"] += 1
            raise AssertionError(f"{path.name} does not open: {exc}") from exc
        texts = [p.text for p in document.paragraphs]
        texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        printed += [(path.name, t) for t in texts]
    for path in sorted(out.rglob("异常清单_*.xlsx")):
        wb = openpyxl.load_workbook(path, read_only=True)
        printed += [(f"{path.name} › {ws.title}", str(v)) for ws in wb.worksheets
                    for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
        wb.close()
    for path in sorted(out.rglob("findings.json")):
        printed += [(path.name, json.dumps(item, ensure_ascii=False)) for item in json.loads(path.read_text(encoding="utf-8"))]
    leaked = [(where, text[:80], found) for where, text in printed for found in [_leaks(text)] if found]
    if leaked:
        STATS["printed phone/ID numbers unmasked"] += len(leaked)
        raise AssertionError(f"personal numbers printed in full: {leaked[:5]}")


def night(example) -> None:
    with tempfile.TemporaryDirectory(prefix="wuye-fuzz-") as tmp:
        ledgers, out = Path(tmp) / "ledgers", Path(tmp) / "out"
        bad = build(ledgers, example)
        STATS["folders"] += 1
        STATS[f"format {example[0]}"] += 1
        STATS["bad cells injected"] += len(bad)
        try:
            result = run_night(ledgers, _SNAPSHOT / "rules", out, parse_as_of("2026-11-20"), _SNAPSHOT / "forms",
                               today=date(2026, 11, 22))
        except WuyeError as exc:
            STATS["stopped with a message (WuyeError)"] += 1
            raise AssertionError(f"a generated folder stopped the run: {exc}") from exc
        except Exception:
            STATS["tracebacks"] += 1
            raise
        inventory = json.loads((result.folder / "run.json").read_text(encoding="utf-8")).get("sheets", [])
        for cell in bad:
            how = reported(cell, result.findings, inventory)
            if how is None:
                STATS["unreported bad cells"] += 1
                messages = [f.message for f in result.findings if f.policy == "DATA"]
                raise AssertionError(f"bad cell {cell} not reported; DATA findings: {messages}")
            STATS[f"bad cells reported ({how})"] += 1
        check_outputs(out)


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield
    shutil.rmtree(_SNAPSHOT, ignore_errors=True)
    if STATS:
        lines = [f"  {k}: {v}" for k, v in sorted(STATS.items())]
        print("\nwuye fuzz figures:\n" + "\n".join(lines))
        report = os.environ.get("WUYE_FUZZ_REPORT")
        if report:
            Path(report).write_text(json.dumps(dict(STATS), ensure_ascii=False, indent=2), encoding="utf-8")


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 50, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(ledger_folder())
def test_any_ledger_folder_gives_findings_not_tracebacks_and_documents_that_open(example):
    night(example)
