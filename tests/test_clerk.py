"""The clerk's loop across nights: marks typed into the exception workbook are carried forward, never lost;
a finding that goes (paid) is shown resolved with the night it went. And the workbook itself: real numbers
and dates, print setup, personal data masked."""
import shutil
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from engine.record.status import carry_status, finding_id
from engine.render.workbook import write_workbook
from engine.findings import Finding

from .conftest import small_estate as _small_estate


def small_estate(folder, rows):
    """1-1-102 pays in cash here: a bank-debit household is not dunned before its second debit (F2-4)."""
    return _small_estate(folder, rows, [["1-1-101", "王建国", "13812345678", "110101199001011234", 100, "现金"],
                                        ["1-1-102", "李秀英", "13900001111", "110101199202022345", 80, "现金"]])

UNPAID = [["1-1-101", "物业费", "2026-11", 250, None, None, None],
          ["1-1-101", "车位费", "2026-11", 300, None, None, None],
          ["1-1-102", "物业费", "2026-11", 80, None, None, None]]
PAID_102 = UNPAID[:2] + [["1-1-102", "物业费", "2026-11", 80, 80, "2026-11-17", None]]


def workbook_path(result):
    return next(result.folder.glob("异常清单_*.xlsx"))


def rows_of(ws):
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


def mark(path, marks: dict[tuple[str, str], tuple], save_to=None):
    """Edit a workbook as a clerk would: (subject, rule/item text) → (状态, 处理人, 处理说明, 处理日期)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["催费通知"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    done = 0
    for r in range(2, ws.max_row + 1):
        subject, message = ws.cell(r, col["对象"]).value, ws.cell(r, col["说明"]).value
        for (want_subject, want_text), values in marks.items():
            if subject == want_subject and want_text in message:
                for h, v in zip(("状态", "处理人", "处理说明", "处理日期"), values):
                    ws.cell(r, col[h]).value = v
                done += 1
    assert done == len(marks)
    wb.save(save_to or path)


def fee_rows(result):
    return {(r["对象"], "车位费" if "车位费" in r["说明"] else "物业费"): r
            for r in rows_of(openpyxl.load_workbook(workbook_path(result))["催费通知"])}


def test_marks_survive_the_next_night_and_a_paid_item_is_shown_resolved(tmp_path, night):
    ledgers = small_estate(tmp_path / "l", UNPAID)
    out = tmp_path / "out"
    first = night(ledgers, out, "2026-11-16")
    rows = fee_rows(first)
    assert {k: r["状态"] for k, r in rows.items()} == {
        ("1-1-101", "物业费"): "未处理", ("1-1-101", "车位费"): "未处理", ("1-1-102", "物业费"): "未处理"}
    ids = {k: r["ID"] for k, r in rows.items()}
    mark(workbook_path(first), {
        ("1-1-101", "物业费"): ("已处理", "小张", "已电话联系，业主承诺周五缴", datetime(2026, 11, 17)),
        ("1-1-101", "车位费"): ("处理中", "小张", "车位已转租，核实中", None),
        ("1-1-102", "物业费"): ("已处理", "小李", "通知书已送达", datetime(2026, 11, 17)),
    })

    small_estate(ledgers, PAID_102)  # 1-1-102 pays on the 17th
    second = night(ledgers, out, "2026-11-17")
    rows = fee_rows(second)
    assert set(rows) == {("1-1-101", "物业费"), ("1-1-101", "车位费")}
    fee = rows[("1-1-101", "物业费")]
    assert (fee["状态"], fee["处理人"], fee["处理说明"]) == ("已处理", "小张", "已电话联系，业主承诺周五缴")
    assert fee["处理日期"] == datetime(2026, 11, 17)  # a real date, not text
    assert fee["ID"] == ids[("1-1-101", "物业费")]  # the same finding, the same id
    assert rows[("1-1-101", "车位费")]["状态"] == "处理中"
    wb = openpyxl.load_workbook(workbook_path(second))
    resolved = rows_of(wb["已解决"])
    assert [(r["对象"], r["ID"], r["最后出现"], r["解决日期"], r["状态"], r["处理说明"]) for r in resolved] == [
        ("1-1-102", ids[("1-1-102", "物业费")], datetime(2026, 11, 16), datetime(2026, 11, 17), "已处理", "通知书已送达")]
    summary = {r[0].value: r[1].value for r in wb["汇总"].iter_rows(min_row=2)}
    assert summary["状态：已处理"] == 1 and summary["状态：处理中"] == 1 and summary["自上次检查以来已解决"] == 1

    third = night(ledgers, out, "2026-11-18")  # nothing new typed: the marks are still there
    assert fee_rows(third)[("1-1-101", "物业费")]["处理说明"] == "已电话联系，业主承诺周五缴"
    assert "已解决" not in openpyxl.load_workbook(workbook_path(third)).sheetnames  # went two nights ago


def test_rerunning_the_same_night_keeps_the_marks(tmp_path, night):
    ledgers = small_estate(tmp_path / "l", UNPAID)
    out = tmp_path / "out"
    first = night(ledgers, out, "2026-11-16")
    mark(workbook_path(first), {("1-1-102", "物业费"): ("已处理", "小李", "已送达", None)})
    again = night(ledgers, out, "2026-11-16")
    assert fee_rows(again)[("1-1-102", "物业费")]["处理说明"] == "已送达"
    again = night(ledgers, out, "2026-11-16")  # and again
    row = fee_rows(again)[("1-1-102", "物业费")]
    assert (row["状态"], row["处理人"], row["处理说明"]) == ("已处理", "小李", "已送达")


def test_a_workbook_dropped_into_the_ledgers_folder_is_read_for_marks_not_as_a_ledger(tmp_path, night):
    ledgers = small_estate(tmp_path / "l", UNPAID)
    out = tmp_path / "out"
    first = night(ledgers, out, "2026-11-16")
    dropped = ledgers / workbook_path(first).name
    mark(workbook_path(first), {("1-1-101", "车位费"): ("已处理", "小王", "已协商", None)}, save_to=dropped)
    shutil.rmtree(first.folder)  # the night's own copy is gone; only the clerk's copy remains
    second = night(ledgers, out, "2026-11-17")
    assert fee_rows(second)[("1-1-101", "车位费")]["处理说明"] == "已协商"
    import json
    run = json.loads((second.folder / "run.json").read_text(encoding="utf-8"))
    assert not any("异常清单" in str(s.get("file")) for s in run["sheets"])
    assert not any(f.category == "数据问题" and "异常清单" in f.message for f in second.findings)


def test_the_latest_edit_wins_and_a_value_wuye_wrote_is_not_an_edit(tmp_path, night):
    import os

    ledgers = small_estate(tmp_path / "l", UNPAID)
    out = tmp_path / "out"
    first = night(ledgers, out, "2026-11-16")
    mark(workbook_path(first), {("1-1-102", "物业费"): ("已处理", "小李", "第一次", None)})
    second = night(ledgers, out, "2026-11-17")
    assert fee_rows(second)[("1-1-102", "物业费")]["处理说明"] == "第一次"
    # the clerk reopens it in night 2's workbook; night 1's workbook still says 已处理 (and is touched later)
    mark(workbook_path(second), {("1-1-102", "物业费"): ("处理中", "小李", "业主有异议", None)})
    st = workbook_path(second).stat()
    os.utime(workbook_path(first), ns=(st.st_atime_ns, st.st_mtime_ns - 10**9))
    third = night(ledgers, out, "2026-11-18")
    row = fee_rows(third)[("1-1-102", "物业费")]
    assert (row["状态"], row["处理说明"]) == ("处理中", "业主有异议")


def test_a_status_that_is_not_a_choice_is_reported_not_taken(tmp_path, night):
    ledgers = small_estate(tmp_path / "l", UNPAID)
    out = tmp_path / "out"
    first = night(ledgers, out, "2026-11-16")
    mark(workbook_path(first), {("1-1-102", "物业费"): ("搞定", "小李", "已送达", None)})
    second = night(ledgers, out, "2026-11-17")
    row = fee_rows(second)[("1-1-102", "物业费")]
    assert (row["状态"], row["处理说明"]) == ("未处理", "已送达")
    problems = [f for f in second.findings if f.rule == "DATA-status"]
    assert len(problems) == 1 and "'搞定' 不是 未处理 / 处理中 / 已处理 之一" in problems[0].message


# -------------------------------------------------------------- the workbook as a clerk uses it

def _finding(**kw):
    base = dict(policy="F3", rule="F3-1", category="催费通知", subject="1-1-101", message="欠费", severity="提示")
    base.update(kw)
    return Finding(**base)


def test_numbers_dates_print_setup_and_masked_lists(tmp_path):
    path = tmp_path / "异常清单_2026-11-20.xlsx"
    extra = {
        "收费率统计": (["楼栋", "收费项目", "应收金额", "实收金额", "收费率", "目标"],
                  [["1", "物业费", Decimal("6304.20"), Decimal("5818.80"), Decimal("0.923"), Decimal("0.8")],
                   ["2", "物业费", "6,304.20", "1,000", "92.3%", "80.0%"]], {"目标": "rate"}),
        "短信提醒名单": (["房号", "业主", "手机号", "应缴金额", "缴费期限", "受理时间", "身份证号"],
                   [["1-1-101", "王建国", "13812345678", Decimal("250"), date(2026, 11, 28),
                     datetime(2026, 11, 20, 9, 30), "110101199001011234"]]),
        "投诉台帐": (["工单号", "投诉人", "内容"], [["T01", "欧阳娜娜", "=HYPERLINK(\"http://x\") 电话13900001111"]]),
    }
    write_workbook(path, [_finding(message="王先生 13812345678 欠费")], extra, [["检查日期", "2026-11-20 23:59"]])
    wb = openpyxl.load_workbook(path)
    rates = wb["收费率统计"]
    assert [c.value for c in rates[2]] == ["1", "物业费", 6304.2, 5818.8, 0.923, 0.8]
    assert [c.value for c in rates[3]] == ["2", "物业费", 6304.2, 1000, 0.923, 0.8]  # text from an area, as numbers
    assert rates["C2"].number_format == "#,##0.00" and rates["E2"].number_format == "0.0%"
    assert rates["F3"].number_format == "0.0%"
    sms = wb["短信提醒名单"]
    assert [c.value for c in sms[2]] == ["1-1-101", "王**", "138****5678", 250, datetime(2026, 11, 28),
                                         datetime(2026, 11, 20, 9, 30), "110***********1234"]
    assert sms["E2"].number_format == "yyyy-mm-dd" and sms["F2"].number_format == "yyyy-mm-dd hh:mm"
    complaints = wb["投诉台帐"]
    assert complaints["B2"].value == "欧***" and "139****1111" in complaints["C2"].value
    assert complaints["C2"].data_type == "s"  # never a formula
    fees = wb["催费通知"]
    assert fees["F2"].value == "王先生 138****5678 欠费" and fees["F2"].alignment.wrap_text
    for ws in wb:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == "$1:$1"
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert all(ws.column_dimensions[c].width <= 90 for c in ws.column_dimensions)


def test_the_finding_sheet_has_an_id_the_notice_number_and_the_clerk_columns(tmp_path):
    path = tmp_path / "异常清单_2026-11-20.xlsx"
    f = _finding(document="催费通知书")
    f.number = "催字〔2026〕第0002号"
    write_workbook(path, [f, _finding(severity="严重", subject="1-1-102")], {}, [])
    ws = openpyxl.load_workbook(path)["催费通知"]
    rows = rows_of(ws)
    assert [r["对象"] for r in rows] == ["1-1-102", "1-1-101"]  # 严重 first
    assert rows[1]["文书（编号）"] == "《催费通知书》催字〔2026〕第0002号"
    assert rows[1]["ID"] == finding_id(f) and rows[1]["状态"] == "未处理"
    assert ws.data_validations.dataValidation[0].formula1 == '"未处理,处理中,已处理"'


def test_writing_a_large_sheet_stays_fast(tmp_path):
    import time

    rows = [[f"{i}-1-{i % 30}01", "物业费", "2026年11月", Decimal("1234.50"), Decimal("0.5"), date(2026, 11, 15),
             "王建国", "13812345678"] for i in range(60_000)]
    header = ["房号", "收费项目", "所属期", "应缴金额", "收费率", "缴费期限", "业主", "手机号"]
    start = time.perf_counter()
    write_workbook(tmp_path / "x.xlsx", [], {"名单": (header, rows)}, [])
    assert time.perf_counter() - start < 6  # 480,000 cells (about 2 s on the build machine)
    with zipfile.ZipFile(tmp_path / "x.xlsx") as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet2.xml")


def test_carry_status_without_a_store_creates_nothing_until_there_is_something_to_keep(tmp_path):
    view = carry_status(tmp_path / "out", None, date(2026, 11, 20), [_finding()])
    assert view.mark(_finding()).status == "未处理" and view.resolved == []
    assert not (tmp_path / "out" / "status.sqlite").exists()


def test_a_night_that_fails_after_its_lists_are_written_records_nothing(tmp_path, night, monkeypatch):
    """The register's numbers and the findings seen are written ahead, while the documents render; a night that
    fails then (here: its print batch) commits neither, and the next run issues the same numbers."""
    import sqlite3

    import engine.render.batches as batches

    ledgers = small_estate(tmp_path / "l", UNPAID)
    out = tmp_path / "out"
    real = batches.assemble_batch

    def broken(*args):
        raise RuntimeError("打印批次出错")

    monkeypatch.setattr(batches, "assemble_batch", broken)
    from engine.record.register import Register
    from engine.record.status import StatusView
    staged: list[str] = []
    for cls, name in ((Register, "register"), (StatusView, "status")):
        def spy(self, _real=cls.stage, _name=name):
            staged.append(_name)
            return _real(self)
        monkeypatch.setattr(cls, "stage", spy)
    with pytest.raises(RuntimeError):
        night(ledgers, out, "2026-11-16")
    assert not (out / "2026-11-16").exists()
    with sqlite3.connect(out / "register.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM notices").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM runs").fetchone() == (0,)
    if (out / "status.sqlite").exists():
        with sqlite3.connect(out / "status.sqlite") as db:
            assert db.execute("SELECT COUNT(*) FROM seen").fetchone() == (0,)
            assert db.execute("SELECT COUNT(*) FROM nights").fetchone() == (0,)
    monkeypatch.setattr(batches, "assemble_batch", real)
    done = night(ledgers, out, "2026-11-16")
    with sqlite3.connect(out / "register.sqlite") as db:
        numbers = [n for (n,) in db.execute("SELECT number FROM notices ORDER BY number")]
    assert numbers and "0001" in numbers[0] and sum(done.documents.values()) >= len(numbers)
    assert staged == ["status", "register"] * 2  # (both nights wrote ahead)
    with sqlite3.connect(out / "status.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM seen").fetchone() == (len(done.findings),)
        assert db.execute("SELECT as_of FROM nights").fetchall() == [("2026-11-16",)]


def test_the_status_rows_written_ahead_are_thrown_away_or_written_again_whole(tmp_path):
    import sqlite3

    from engine.record.status import Mark

    out = tmp_path / "out"
    out.mkdir()
    findings = [_finding(), _finding(subject="1-1-102")]
    first, second = (finding_id(f) for f in findings)

    def rows(table: str) -> list:
        with sqlite3.connect(out / "status.sqlite") as db:
            return db.execute(f"SELECT * FROM {table}").fetchall()

    view = carry_status(out, None, date(2026, 11, 20), findings)
    view.path = out / "status.sqlite"  # (as a night with marks keeps it)
    view.stage()
    assert rows("seen") == []  # not visible before the commit
    view.discard()
    assert rows("seen") == [] and rows("nights") == []
    view.stage()
    view.wrote(first, Mark("已处理", "小李"))  # reported after the rows were written ahead: all are written again
    view.commit()
    assert sorted(r[0] for r in rows("seen")) == sorted([first, second])
    assert [r[1] for r in rows("written")] == [first] and [r[0] for r in rows("nights")] == ["2026-11-20"]


def test_explain_shows_the_clerks_mark(tmp_path, night):
    from click.testing import CliRunner

    from engine.cli import main

    ledgers = small_estate(tmp_path / "l", UNPAID)
    out = tmp_path / "out"
    first = night(ledgers, out, "2026-11-16")
    fid = fee_rows(first)[("1-1-102", "物业费")]["ID"]
    mark(workbook_path(first), {("1-1-102", "物业费"): ("已处理", "小李", "通知书已送达", datetime(2026, 11, 17))})
    night(ledgers, out, "2026-11-17")
    result = CliRunner().invoke(main, ["explain", fid, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "处理状态（异常清单）：已处理，小李，2026-11-17：通知书已送达（异常清单_2026-11-16.xlsx）" in result.output
