"""Move-in, move-out, goods release and owner records (M1–M6): ledger rows to findings, at each boundary and
across nights. Every test builds its own small ledgers and runs whole nights through the public API."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from .conftest import write_xlsx

OWNERS = [["房号", "业主姓名", "联系电话", "身份证号", "家庭成员"],
          ["1-1-101", "王建国", "13812345678", "110101199001011234", "妻 李梅"],
          ["1-1-102", "李秀英", None, "110101199202022345", "子 张小明"],
          ["1-1-103", "赵雷", "13900002222", "110101198003033456", "无"]]
MOVEIN = ["房号", "业主姓名", "入伙日期", "入伙类型", "准予入住通知书", "身份证或营业执照复印件", "代理人",
          "代理入伙委托证明", "代理人身份证", "住户手册", "装修管理规定", "住宅使用说明书", "住宅质量保证书",
          "业主档案", "业主公约", "消防安全责任书"]
SLIPS = ["放行条编号", "房号", "搬运人", "搬运人身份", "物品", "业主书面意见", "放行时间", "下联交回时间", "归档日期"]
MOVEOUT = ["房号", "业主姓名", "退伙日期", "房屋转让情况通知书", "转让合同", "费用结算是否明确", "书面说明",
           "管理处负责人同意", "物业交接验收表", "建档日期"]


def folder(tmp_path: Path, *, owners=OWNERS, movein=None, slips=None, moveout=None, name="ledgers") -> Path:
    d = tmp_path / name
    write_xlsx(d / "业主档案.xlsx", {"业主": [["XX花园业主档案"], *owners]})
    if movein is not None:
        write_xlsx(d / "入伙资料查验登记.xlsx", {"入伙": [["XX花园入伙资料查验登记"], MOVEIN, *movein]})
    if slips is not None:
        write_xlsx(d / "物品出入放行条.xlsx", {"放行条": [SLIPS, *slips]})
    if moveout is not None:
        write_xlsx(d / "退伙登记.xlsx", {"退伙": [MOVEOUT, *moveout]})
    return d


def rules_of(result, prefix="M") -> dict[str, list]:
    out: dict[str, list] = {}
    for f in result.findings:
        if f.rule.startswith(prefix):
            out.setdefault(f.rule, []).append(f)
    return out


FULL = ["√"] * 7


def test_a_move_in_missing_the_id_copy_is_one_finding_for_that_unit(tmp_path, night):
    rows = [["1-1-101", "王建国", "2026-11-10", "首次", "√", "√", None, None, None, *FULL],
            ["1-1-102", "李秀英", "2026-11-11", "首次", "√", "未收", None, None, None, *FULL]]
    r = night(folder(tmp_path, movein=rows), tmp_path / "out", "2026-11-20")
    (f,) = rules_of(r)["M1-1"]
    assert f.subject == "1-1-102" and "缺少：身份证或营业执照复印件" in f.message
    assert "李**" in f.message and "李秀英" not in f.message
    assert "M1-2" not in rules_of(r) and "M2-1" not in rules_of(r)


def test_a_proxy_needs_the_authorisation_and_the_proxy_id_and_a_second_move_in_no_notice(tmp_path, night):
    rows = [["1-1-101", "王建国", "2026-11-10", "首次", "√", "√", "王小二", "√", None, *FULL],
            ["1-1-103", "赵雷", "2026-11-12", "二次入伙", None, "√", None, None, None, *FULL]]
    r = night(folder(tmp_path, movein=rows), tmp_path / "out", "2026-11-20")
    (f,) = rules_of(r)["M1-2"]
    assert f.subject == "1-1-101" and "缺少：代理人身份证" in f.message and "王**" in f.message
    assert "M1-1" not in rules_of(r)  # the second move-in needs no 《准予入住通知书》 (003 › 篇1 › 4.1.1 注)


def test_documents_not_issued_or_not_signed_on_the_confirmation_sheet(tmp_path, night):
    docs = ["√", "√", "√", None, "√", "√", "×"]
    rows = [["1-1-101", "王建国", "2026-11-10", "首次", "√", "√", None, None, None, *docs]]
    r = night(folder(tmp_path, movein=rows), tmp_path / "out", "2026-11-20")
    (issued,) = rules_of(r)["M2-1"]
    (signed,) = rules_of(r)["M2-2"]
    assert "《住宅质量保证书》" in issued.message and "《消防安全责任书》" in signed.message


def test_a_separate_confirmation_sheet_is_read_and_a_unit_missing_from_it_is_reported(tmp_path, night):
    d = folder(tmp_path, movein=[["1-1-101", "王建国", "2026-11-10", "首次", "√", "√", None, None, None, *FULL],
                                 ["1-1-102", "李秀英", "2026-11-10", "首次", "√", "√", None, None, None, *FULL]])
    wb = openpyxl.load_workbook(d / "入伙资料查验登记.xlsx")
    ws = wb["入伙"]
    ws.delete_cols(10, 7)  # the register keeps the papers only
    wb.save(d / "入伙资料查验登记.xlsx")
    write_xlsx(d / "入伙文件签署发放确认表.xlsx", {"确认表": [
        ["房号", "业主姓名", "住户手册", "装修管理规定", "住宅使用说明书", "住宅质量保证书", "业主档案", "业主公约",
         "消防安全责任书", "业主签收"],
        ["1-1-101", "王建国", "√", "√", "√", "√", "√", "√", "√", "王建国"]]})
    r = night(d, tmp_path / "out", "2026-11-20")
    (f,) = rules_of(r)["M2-3"]
    assert f.subject == "1-1-102" and "《入伙文件签署发放确认表》中没有该户" in f.message
    assert "M2-4" not in rules_of(r)


def test_a_slip_returned_the_next_day_is_late_and_the_same_evening_is_on_time(tmp_path, night):
    slips = [["FX-001", "1-1-101", "王建国", "业主", "沙发一套", None, "2026-11-19 14:00", "2026-11-19 20:00", "2026-11-19"],
             ["FX-002", "1-1-101", "王建国", "业主", "冰箱", None, "2026-11-19 15:00", "2026-11-20 09:00", "2026-11-20"]]
    r = night(folder(tmp_path, slips=slips), tmp_path / "out", "2026-11-20")
    (late,) = rules_of(r)["M4-2"]
    assert late.subject == "FX-002"
    assert "于 2026-11-20 09:00 才完成，超时 9小时" in late.message
    assert late.details["deadline"] == "2026-11-19T23:59:59"


def test_a_non_owner_moving_goods_out_needs_the_owners_written_consent(tmp_path, night):
    slips = [["FX-010", "1-1-102", "陈租客", "租户", "床垫", None, "2026-11-20 10:00", "2026-11-20 18:00", "2026-11-20"],
             ["FX-011", "1-1-102", "陈租客", "租户", "书柜", "业主书面同意书", "2026-11-20 10:30", "2026-11-20 18:00", "2026-11-20"],
             # no role written: the mover is compared with the owner file's name for the unit
             ["FX-012", "1-1-103", "钱某", None, "纸箱", None, "2026-11-20 11:00", "2026-11-20 18:00", "2026-11-20"],
             ["FX-013", "1-1-103", "赵雷", None, "纸箱", None, "2026-11-20 11:00", "2026-11-20 18:00", "2026-11-20"]]
    r = night(folder(tmp_path, slips=slips), tmp_path / "out", "2026-11-20 23:59")
    assert sorted(f.subject for f in rules_of(r)["M4-1"]) == ["FX-010", "FX-012"]
    assert "M4-2" not in rules_of(r)


def test_an_unreturned_slip_is_reported_every_night_and_once_returned_late_it_stays_a_breach(tmp_path, night):
    out = tmp_path / "out"
    slips = [["FX-020", "1-1-101", "王建国", "业主", "衣柜", None, "2026-11-19 14:00", None, None]]
    d = folder(tmp_path, slips=slips)
    first = rules_of(night(d, out, "2026-11-20"))["M4-2"]
    assert first[0].details["state"] == "已超时"
    second = rules_of(night(d, out, "2026-11-21"))["M4-2"]
    assert second[0].details["state"] == "已超时"
    d2 = folder(tmp_path, slips=[[*slips[0][:7], "2026-11-21 10:00", "2026-11-21"]], name="ledgers2")
    third = rules_of(night(d2, out, "2026-11-22"))["M4-2"]
    assert third[0].details["state"] == "超时完成"  # never steps back to on time


def test_a_move_out_closed_without_a_written_statement_when_fees_are_not_explicit(tmp_path, night):
    rows = [["1-1-101", "王建国", "2026-11-05", "√", "√", "未明确", None, "李经理", "√", "2026-11-10"],
            ["1-1-102", "李秀英", "2026-11-06", "√", "√", "未明确", "√", "李经理", "√", "2026-11-10"],
            ["1-1-103", "赵雷", "2026-11-07", None, "√", "明确", None, "李经理", "√", None]]
    r = night(folder(tmp_path, moveout=rows), tmp_path / "out", "2026-11-20")
    (closed,) = rules_of(r)["M3-1"]
    assert closed.subject == "1-1-101" and "缺少：书面说明" in closed.message and "费用结算：未明确" in closed.message
    (open_,) = rules_of(r)["M3-2"]
    assert open_.subject == "1-1-103" and "《房屋转让情况通知书》" in open_.message
    assert "M6-1" not in rules_of(r) and "M6-2" not in rules_of(r)


def test_incomplete_owner_records_are_listed_masked_for_a_visit(tmp_path, night):
    r = night(folder(tmp_path), tmp_path / "out", "2026-11-20")
    (f,) = rules_of(r)["M5-1"]
    assert f.subject == "1-1-102" and "缺少：联系电话" in f.message and "李**" in f.message
    wb = openpyxl.load_workbook(next(r.folder.glob("异常清单_*.xlsx")))
    ws = wb["业主档案不全走访名单"]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "李**" in text and "李秀英" not in text and "110101199202022345" not in text
    dumped = (r.folder / "findings.json").read_text(encoding="utf-8")
    assert "李秀英" not in dumped and "110101199202022345" not in dumped


def test_a_sheet_without_a_column_a_rule_needs_is_said_once_per_sheet(tmp_path, night):
    owners = [["房号", "业主姓名", "联系电话"], ["1-1-101", "王建国", "13812345678"], ["1-1-102", "李秀英", "13900001111"]]
    r = night(folder(tmp_path, owners=owners), tmp_path / "out", "2026-11-20")
    (gap,) = rules_of(r)["M5-2"]
    assert "证件号码、家庭成员" in gap.message
    assert "M5-1" not in rules_of(r)


def test_findings_json_carries_the_rule_and_clause(tmp_path, night):
    rows = [["1-1-102", "李秀英", "2026-11-11", "首次", None, "√", None, None, None, *FULL]]
    r = night(folder(tmp_path, movein=rows), tmp_path / "out", "2026-11-20")
    data = json.loads((r.folder / "findings.json").read_text(encoding="utf-8"))
    items = data["findings"] if isinstance(data, dict) else data
    m1 = [x for x in items if x.get("rule") == "M1-1"]
    assert m1 and "4.1.1" in m1[0]["citation"] and "《准予入住通知书》" in m1[0]["message"]
