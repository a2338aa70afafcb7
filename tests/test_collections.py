"""Collection after the ladder (rules/collections.yaml): classes and cadence (F4), the first call after the
collective payment window (F4a), the daily report and weekly summary (F5), the legal hand-off (F6), the
long-term arrears register (F7, F7a); F9 tariffs and F12 帐表相符 (rules/fee_accuracy.yaml)."""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from engine import parse_as_of, run_night
from engine.render.documents import document_text

from .conftest import REPO, TODAY, write_xlsx

OWNERS = [
    ["1-1-101", "王建国", "13812345678", "110101199001011234", 100, "现金"],
    ["1-1-102", "李秀英", "13900001111", "110101199202022345", 80, "现金"],
    ["1-1-201", "张伟", "13700002222", "", 90, "现金"],
    ["1-1-202", "赵敏", "13600003333", "", 90, "现金"],
    ["1-1-301", "孙丽", "13500004444", "", 90, "现金"],
    ["1-1-302", "周杰", "13400005555", "", 90, "现金"],
    ["1-1-401", "吴刚", "13300006666", "", 90, "现金"],
    ["1-1-402", "郑爽", "13200007777", "", 90, "现金"],
]
OWNER_HEADER = ["房号", "业主姓名", "联系电话", "身份证号", "建筑面积(㎡)", "缴费方式"]
FEE_HEADER = ["房号", "收费项目", "所属期", "应收金额", "实收金额", "缴费日期", "缴费期限"]
LOG_HEADER = ["房号", "催缴日期", "催缴方式", "欠费分类", "承诺缴费日期", "管家", "客服部审核", "总经理审批", "拍照留存", "备注"]


def unpaid(unit, period, amount=300.0, due=None, item="物业费"):
    return [unit, item, period, amount, 0, None, due]


def estate(folder: Path, fees: list[list], log: list[list], owners=None) -> Path:
    write_xlsx(folder / "业主档案.xlsx", {"业主": [OWNER_HEADER, *(owners or OWNERS)]})
    write_xlsx(folder / "收费台账.xlsx", {"收费": [FEE_HEADER, *fees]})
    write_xlsx(folder / "欠费催缴记录表.xlsx", {"催缴": [["欠费催缴记录表"], LOG_HEADER, *log]})
    return folder


def night(ledgers: Path, out: Path, as_of: str, today: date = TODAY):
    return run_night(ledgers, REPO / "rules", out, parse_as_of(as_of), REPO / "forms", today=today)


def of(result, rule: str, subject: str | None = None) -> list:
    return [f for f in result.findings if f.rule == rule and (subject is None or f.subject == subject)]


def calls(unit: str, days: list[str], klass: str = "", staff: str = "小刘", method: str = "电话") -> list[list]:
    return [[unit, d, method, klass, None, staff, None, None, None, None] for d in days]


# ------------------------------------------------------------------ F4: classes and cadence

def test_class_b_household_with_a_gap_day_is_listed_with_the_missing_day(tmp_path):
    log = [["1-1-101", "2026-11-14", "电话、张贴", "B", None, "小刘", None, None, "是", "无人接听"]]
    log += calls("1-1-101", ["2026-11-15", "2026-11-16", "2026-11-17", "2026-11-19", "2026-11-20"])
    ledgers = estate(tmp_path / "l", [unpaid("1-1-101", "2026-10")], log)
    result = night(ledgers, tmp_path / "out", "2026-11-20")
    gap = of(result, "F4-B1", "1-1-101")
    assert len(gap) == 1 and "11-18" in gap[0].message and "11-17" not in gap[0].message
    assert "B类 暂未明确类" in gap[0].message and "300.00" in gap[0].message
    assert not of(result, "F4-B2") and not of(result, "F4a-2")  # posted (and photographed) on the first day
    wb = openpyxl.load_workbook(next(result.folder.glob("异常清单_*.xlsx")), read_only=True)
    rows = [list(r) for r in wb["催缴跟进"].iter_rows(values_only=True)]
    assert rows[0][:7] == ["房号", "分类", "应做", "未做的日期", "最近一次联系", "负责管家", "欠费金额"]
    assert any(r[0] == "1-1-101" and r[2] == "每日电话催缴" and "11-18" in r[3] for r in rows[1:])


def test_class_b_every_day_called_but_the_posting_not_photographed(tmp_path):
    log = [["1-1-101", "2026-11-14", "电话、张贴", "暂未明确类", None, "小刘", None, None, None, "关机"]]
    log += calls("1-1-101", [f"2026-11-{d}" for d in range(15, 21)])
    result = night(estate(tmp_path / "l", [unpaid("1-1-101", "2026-10")], log), tmp_path / "out", "2026-11-20")
    assert not of(result, "F4-B1")
    photo = of(result, "F4a-2", "1-1-101")
    assert len(photo) == 1 and "11-14" in photo[0].message


def test_promise_tomorrow_needs_a_reminder_call_today(tmp_path):
    log = [["1-1-102", "2026-11-16", "电话", "A", "2026-11-21", "小王", None, None, None, "答应21日来交"]]
    result = night(estate(tmp_path / "l", [unpaid("1-1-102", "2026-10")], log), tmp_path / "out", "2026-11-20")
    reminder = of(result, "F4-A1", "1-1-102")
    assert len(reminder) == 1 and "2026-11-21" in reminder[0].message
    assert not of(result, "F4-A2")  # the promise has not passed


def test_promise_today_reminded_yesterday_is_kept_and_not_yet_broken(tmp_path):
    log = [["1-1-102", "2026-11-16", "电话", "A", "2026-11-20", "小王", None, None, None, None],
           ["1-1-102", "2026-11-19", "电话", "", None, "小王", None, None, None, "提醒明天缴费"]]
    result = night(estate(tmp_path / "l", [unpaid("1-1-102", "2026-10")], log), tmp_path / "out", "2026-11-20")
    assert not of(result, "F4-A1") and not of(result, "F4-A2") and not of(result, "F4-B1")


def test_promise_passed_unpaid_moves_the_household_back_to_daily_calls(tmp_path):
    log = [["1-1-102", "2026-11-16", "电话", "A", "2026-11-18", "小王", None, None, None, None],
           ["1-1-102", "2026-11-17", "电话", "", None, "小王", None, None, None, "提醒"]]
    result = night(estate(tmp_path / "l", [unpaid("1-1-102", "2026-10")], log), tmp_path / "out", "2026-11-20")
    broken = of(result, "F4-A2", "1-1-102")
    assert len(broken) == 1 and "退回B类" in broken[0].message
    daily = of(result, "F4-B1", "1-1-102")  # as B from the day after the promise: 19 and 20 not called
    assert len(daily) == 1 and "11-19、11-20" in daily[0].message


def test_a_household_that_paid_is_no_longer_followed(tmp_path):
    fees = [["1-1-101", "物业费", "2026-10", 300.0, 300.0, "2026-11-17", None]]
    log = [["1-1-101", "2026-11-14", "电话", "B", None, "小刘", None, None, None, None]]
    result = night(estate(tmp_path / "l", fees, log), tmp_path / "out", "2026-11-20")
    assert not [f for f in result.findings if f.policy in ("F4", "F4a", "F6")]


def test_class_c_e_and_d_tasks(tmp_path):
    fees = [unpaid(u, "2026-10") for u in ("1-1-201", "1-1-202", "1-1-301")]
    log = [["1-1-201", "2026-11-15", "电话", "C 无法联系类", None, "小刘", None, None, None, "空号"],
           ["1-1-202", "2026-11-15", "电话", "E", None, "小刘", None, None, None, "对服务不满拒交"],
           ["1-1-301", "2026-11-19", "电话", "D", None, "小刘", None, None, None, "在外地，已告知微信转账方式"],
           *calls("1-1-301", ["2026-11-20"])]
    result = night(estate(tmp_path / "l", fees, log), tmp_path / "out", "2026-11-20")
    assert {f.rule for f in result.findings if f.subject == "1-1-201" and f.policy == "F4"} == {"F4-B2", "F4-C1", "F4-C2"}
    assert {f.rule for f in result.findings if f.subject == "1-1-202" and f.policy == "F4"} == {"F4-E1"}
    assert not [f for f in result.findings if f.subject == "1-1-301" and f.policy == "F4"]


# ------------------------------------------------------------------ F4a: first call after the collective window

def test_arrears_household_without_a_first_call_names_the_buildings_housekeeper(tmp_path):
    fees = [unpaid("1-1-302", "2026-10"), unpaid("1-1-101", "2026-10")]
    log = calls("1-1-101", ["2026-11-09"], klass="", staff="小刘")
    result = night(estate(tmp_path / "l", fees, log), tmp_path / "out", "2026-11-20")
    miss = of(result, "F4a-1")
    assert [f.subject for f in miss] == ["1-1-302"] and "小刘" in miss[0].message and "2026-11-14" in miss[0].message


def test_first_call_deadline_boundary(tmp_path):
    fees = [unpaid("1-1-302", "2026-10"), unpaid("1-1-101", "2026-10")]
    log = calls("1-1-101", ["2026-11-09"])
    ledgers = estate(tmp_path / "l", fees, log)
    assert not of(night(ledgers, tmp_path / "o1", "2026-11-13"), "F4a-1")  # the first-call week runs to 11-14
    assert [f.subject for f in of(night(ledgers, tmp_path / "o2", "2026-11-14"), "F4a-1")] == ["1-1-302"]


# ------------------------------------------------------------------ F6: legal hand-off

def test_lawyer_letter_with_one_approval_is_an_error_and_not_sent(tmp_path):
    fees = [unpaid("1-1-202", f"2026-{m:02d}") for m in range(1, 11)]
    log = calls("1-1-202", ["2026-10-01", "2026-10-08", "2026-10-15"], klass="E")
    log += [["1-1-202", "2026-11-02", "律师函", "", None, "小刘", "钱主管", None, None, "已寄出"]]
    result = night(estate(tmp_path / "l", fees, log), tmp_path / "out", "2026-11-20")
    error = of(result, "F6-2", "1-1-202")
    assert len(error) == 1 and error[0].severity == "错误" and "总经理审批" in error[0].message
    assert "但缺少总经理审批：" in error[0].message  # the review is there, only the approval is missing
    # not sent: the household stays a candidate; no litigation list
    assert of(result, "F6-1", "1-1-202") and not of(result, "F6-3")


def test_letter_with_both_approvals_then_litigation_after_the_company_set_days(tmp_path):
    fees = [unpaid("1-1-301", f"2026-{m:02d}") for m in range(1, 11)]
    log = calls("1-1-301", ["2026-09-01", "2026-09-08", "2026-09-15"], klass="E")
    log += [["1-1-301", "2026-10-01", "律师函", "", None, "小刘", "钱主管", "孙总", None, None]]
    ledgers = estate(tmp_path / "l", fees, log)
    r1 = night(ledgers, tmp_path / "o1", "2026-10-30")  # 29 days after the letter
    assert not of(r1, "F6-1", "1-1-301") and not of(r1, "F6-2") and not of(r1, "F6-3")
    r2 = night(ledgers, tmp_path / "o2", "2026-10-31")  # 30 days
    lit = of(r2, "F6-3", "1-1-301")
    assert len(lit) == 1 and "诉讼候选名单" in lit[0].message
    wb = openpyxl.load_workbook(next(r2.folder.glob("异常清单_*.xlsx")), read_only=True)
    assert any(r[0] == "1-1-301" for r in wb["诉讼候选名单"].iter_rows(values_only=True))


def test_candidate_list_thresholds_and_masking(tmp_path):
    fees = [unpaid("1-1-301", f"2026-{m:02d}") for m in range(4, 11)]
    log = calls("1-1-301", ["2026-10-01", "2026-10-08", "2026-10-15"], klass="E")
    result = night(estate(tmp_path / "l", fees, log), tmp_path / "out", "2026-11-20")
    cand = of(result, "F6-1", "1-1-301")
    assert len(cand) == 1 and "7 个月" in cand[0].message and "2,100.00" in cand[0].message
    wb = openpyxl.load_workbook(next(result.folder.glob("异常清单_*.xlsx")), read_only=True)
    rows = list(wb["律师函候选名单"].iter_rows(values_only=True))
    assert rows[1][0] == "1-1-301" and rows[1][1] == "孙*"


# ------------------------------------------------------------------ F7: the long-term arrears register

def test_exactly_three_years_is_on_the_register_one_day_less_is_not(tmp_path):
    fees = [unpaid("1-1-401", "2023-11", 123.45, due="2023-11-19"),   # late from 2023-11-20: exactly 3 years
            unpaid("1-1-402", "2023-11", 200.00, due="2023-11-20")]   # late from 2023-11-21: 2 years 364 days
    log = calls("1-1-401", ["2026-11-20"], klass="B") + calls("1-1-402", ["2026-11-20"], klass="B")
    result = night(estate(tmp_path / "l", fees, log), tmp_path / "out", "2026-11-20")
    wb = openpyxl.load_workbook(next(result.folder.glob("异常清单_*.xlsx")), read_only=True)
    rows = list(wb["长期欠费登记"].iter_rows(values_only=True))
    assert rows[0] == ("房号", "业主姓名", "联系方式", "欠缴年限（年）", "最早欠费缴费期限", "欠费金额（元）")
    assert [r[:4] for r in rows[1:]] == [("1-1-401", "吴*", "133****6666", 3)]  # the workbook writer masks names on lists
    assert rows[1][5] == pytest.approx(123.45)
    doc = next((result.folder / "报表").glob("*长期欠费业主详细资料*.docx"))
    text = document_text(doc)
    assert "1-1-401" in text and "吴*" in text and "吴刚" not in text and "123.45" in text and "1-1-402" not in text


def test_january_run_flags_the_register_as_due_once(tmp_path):
    fees = [unpaid("1-1-401", "2023-11", 123.45, due="2023-11-19")]
    log = calls("1-1-401", ["2027-01-10"], klass="B")
    ledgers = estate(tmp_path / "l", fees, log)
    out = tmp_path / "out"
    r1 = night(ledgers, out, "2027-01-10", today=date(2027, 1, 11))
    due = of(r1, "F7a-1")
    assert len(due) == 1 and "3月之前" in due[0].message and "1 户" in due[0].message
    r2 = night(ledgers, out, "2027-01-11", today=date(2027, 1, 12))
    assert not of(r2, "F7a-1")  # flagged once a year
    r3 = night(ledgers, tmp_path / "out3", "2027-03-02", today=date(2027, 3, 3))
    assert not of(r3, "F7a-1")


# ------------------------------------------------------------------ F5: daily report and weekly summary

def test_daily_report_per_housekeeper_and_across_nights(tmp_path):
    fees = [unpaid("1-1-101", "2026-10"), ["1-1-102", "物业费", "2026-10", 300.0, 300.0, "2026-11-19", None]]
    log = [["1-1-101", "2026-11-19", "电话", "B", None, "小刘", None, None, None, None],
           ["1-1-101", "2026-11-19", "张贴", "", None, "小刘", None, None, "IMG_01", None],
           ["1-1-102", "2026-11-19", "上门", "A", "2026-11-19", "小王", None, None, None, "当场缴清"]]
    ledgers = estate(tmp_path / "l", fees, log)
    out = tmp_path / "out"
    r1 = night(ledgers, out, "2026-11-19")
    docs = sorted((r1.folder / "报表").glob("*催费日报表*.docx"))
    assert len(docs) == 1
    text = document_text(docs[0])
    assert "小刘" in text and "小王" in text and "300.00" in text
    daily1 = of(r1, "F5-1")
    r2 = night(ledgers, out, "2026-11-20")
    daily2 = of(r2, "F5-1")
    assert daily1[0].number != daily2[0].number  # one report a night, each its own number
    r2b = night(ledgers, out, "2026-11-20")  # the same night re-run: the same report number
    assert of(r2b, "F5-1")[0].number == daily2[0].number
    # a missed night is caught up once by the next run
    r4 = night(ledgers, out, "2026-11-22", today=date(2026, 11, 22))
    caught = of(r4, "F5-1")
    assert {f.subject for f in caught} == {"2026-11-21", "2026-11-22"}
    assert any("补出" in f.message for f in caught)


def test_weekly_summary_on_the_review_weekday(tmp_path):
    fees = [unpaid("1-1-101", "2026-10")]
    log = calls("1-1-101", [f"2026-11-{d}" for d in range(16, 21)], klass="B")
    ledgers = estate(tmp_path / "l", fees, log)
    r = night(ledgers, tmp_path / "out", "2026-11-19")  # Thursday: not yet
    assert not of(r, "F5-2")
    r = night(ledgers, tmp_path / "out", "2026-11-20")  # Friday
    weekly = of(r, "F5-2")
    assert len(weekly) == 1
    text = document_text(next((r.folder / "报表").glob("*每周收费完成情况统计*.docx")))
    assert "2026-11-16至2026-11-20" in text and "小刘" in text


# ------------------------------------------------------------------ across nights

def test_cadence_findings_across_nights_never_repeat_documents_and_follow_the_log(tmp_path):
    fees = [unpaid("1-1-101", "2026-10")]
    log = [["1-1-101", "2026-11-14", "电话、张贴", "B", None, "小刘", None, None, "是", None]]
    log += calls("1-1-101", ["2026-11-15", "2026-11-16", "2026-11-17", "2026-11-19", "2026-11-20", "2026-11-21"])
    ledgers = estate(tmp_path / "l", fees, log)
    out = tmp_path / "out"
    seen = []
    for d in range(18, 23):
        r = night(ledgers, out, f"2026-11-{d}", today=date(2026, 11, 23))
        seen.append([f.message for f in of(r, "F4-B1")])
    assert seen[0] == [] or "11-18" in seen[0][0]
    assert all(any("11-18" in m for m in s) for s in seen)  # the gap stays listed through the week
    assert "11-22" in seen[-1][0]  # and the next missing day joins it


# ------------------------------------------------------------------ F9: effective-dated tariffs

def test_a_row_billed_at_the_old_price_after_the_change_is_a_finding(tmp_path):
    fees = [["1-1-101", "物业费", "2026-06", 250.0, 250.0, "2026-06-10", None],   # 100 ㎡ × 2.5 (June)
            ["1-1-101", "物业费", "2026-07", 250.0, 250.0, "2026-07-10", None],   # July: 2.8 → 280.00
            ["1-1-101", "物业费", "2026-08", 280.0, 280.0, "2026-08-10", None]]
    ledgers = estate(tmp_path / "l", fees, calls("1-1-101", ["2026-11-01"]))
    write_xlsx(ledgers / "收费标准.xlsx", {"收费标准": [["收费项目", "单价", "单位", "生效日期", "失效日期"],
                                                    ["物业费", 2.5, "元/㎡·月", "2020-01-01", "2026-06-30"],
                                                    ["物业费", 2.8, "元/㎡·月", "2026-07-01", None]]})
    result = night(ledgers, tmp_path / "out", "2026-11-20")
    found = of(result, "F9-1")
    assert [(f.subject, f.matter) for f in found] == [("1-1-101", "物业费|2026-07")]
    assert "250.00" in found[0].message and "280.00" in found[0].message and "收费标准.xlsx" in found[0].message


def test_water_billed_per_ton_is_said_to_be_unchecked_once(tmp_path):
    fees = [["1-1-101", "水费", "2026-07", 28.0, 28.0, "2026-07-10", None]]
    ledgers = estate(tmp_path / "l", fees, calls("1-1-101", ["2026-11-01"]))
    out = tmp_path / "out"
    first = of(night(ledgers, out, "2026-11-20"), "F9-2")
    assert len(first) == 1 and "元/吨" in first[0].message and "没有用量" in first[0].message
    assert not of(night(ledgers, out, "2026-11-21"), "F9-2")


# ------------------------------------------------------------------ F12: the ledger's own totals

def test_a_total_row_that_does_not_add_up_is_an_error_with_both_figures(tmp_path):
    fees = [["1-1-101", "物业费", "2026-10", 250.0, 250.0, "2026-10-10", None],
            ["1-1-102", "物业费", "2026-10", 200.0, 200.0, "2026-10-11", None],
            ["合计", None, None, 460.0, 450.0, None, None]]
    result = night(estate(tmp_path / "l", fees, calls("1-1-101", ["2026-11-01"])), tmp_path / "out", "2026-11-20")
    found = of(result, "F12-1")
    assert len(found) == 1 and found[0].severity == "错误"
    assert "460.00" in found[0].message and "450.00" in found[0].message and "应收金额" in found[0].message
    assert found[0].sources[0].row == 4 and found[0].sources[0].cell == "D4"


def test_subtotals_and_a_grand_total_that_agree_give_nothing(tmp_path):
    fees = [["1-1-101", "物业费", "2026-10", 250.0, 250.0, "2026-10-10", None],
            ["小计", None, None, 250.0, 250.0, None, None],
            ["1-1-102", "物业费", "2026-10", 200.0, 200.0, "2026-10-11", None],
            ["小计", None, None, 200.0, 200.0, None, None],
            ["合计", None, None, 450.0, 450.0, None, None]]
    result = night(estate(tmp_path / "l", fees, calls("1-1-101", ["2026-11-01"])), tmp_path / "out", "2026-11-20")
    assert not [f for f in result.findings if f.policy == "F12"]


def test_a_total_over_an_unreadable_amount_is_not_called_wrong_but_unverifiable(tmp_path):
    fees = [["1-1-101", "物业费", "2026-10", 250.0, 250.0, "2026-10-10", None],
            ["1-1-102", "物业费", "2026-10", "#REF!", 200.0, "2026-10-11", None],
            ["合计", None, None, 450.0, 450.0, None, None]]
    result = night(estate(tmp_path / "l", fees, calls("1-1-101", ["2026-11-01"])), tmp_path / "out", "2026-11-20")
    assert not of(result, "F12-1")
    (warn,) = of(result, "F12-2")
    assert "第3行" in warn.message and "250.00" in warn.message


# ------------------------------------------------------------------ the demo

def test_demo_night_shows_cadence_report_candidate_register_and_accuracy(tmp_path):
    result = night(REPO / "ledgers", tmp_path / "out", "2026-11-20")
    rules = {(f.rule, f.subject) for f in result.findings}
    assert {("F4-B1", "3-1-502"), ("F4a-2", "1-2-502"), ("F4a-1", "1-2-1102"), ("F6-1", "9-1-101"),
            ("F6-2", "9-1-101"), ("F9-1", "9-1-102")} <= rules
    assert not [r for r, s in rules if r.startswith(("F4", "F6")) and s in ("2-1-402", "2-2-704", "3-2-801", "2-2-1002")]
    assert {r for r, _ in rules if r.startswith("F12")} == {"F12-1", "F12-2"}
    assert result.documents.get("催费日报表") == 1 and result.documents.get("长期欠费业主详细资料") == 1
    wb = openpyxl.load_workbook(next(result.folder.glob("异常清单_*.xlsx")), read_only=True)
    register = list(wb["长期欠费登记"].iter_rows(values_only=True))
    assert [r[0] for r in register[1:]] == ["9-1-101"] and register[1][5] == pytest.approx(8640.00)
    assert [r[0] for r in list(wb["律师函候选名单"].iter_rows(values_only=True))[1:]] == ["9-1-101"]


def test_log_rows_the_checks_cannot_use_are_reported_with_their_cell(tmp_path):
    log = [["9-9-999", "2026-11-16", "电话", "B", None, "小刘", None, None, None, None],
           ["1-1-101", "2026-11-25", "电话", "B", None, "小刘", None, None, None, None],
           ["1-1-101", "2026-11-16", "电话", "F类", None, "小刘", None, None, None, None]]
    result = night(estate(tmp_path / "l", [unpaid("1-1-101", "2026-10")], log), tmp_path / "out", "2026-11-20")
    data = {(f.rule, f.sources[0].row) for f in result.findings if f.policy == "DATA" and f.sources
            and f.sources[0].file == "欠费催缴记录表.xlsx"}
    assert data == {("DATA-unknown-unit", 3), ("DATA-future-date", 4), ("DATA-category", 5)}
