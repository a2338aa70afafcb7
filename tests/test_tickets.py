"""Complaint and repair clocks (C1–C12, R1–R3) end to end, on a ticket ledger built here."""
import json
from datetime import datetime

import openpyxl
import pytest

from engine.derive.calendar import WorkCalendar
from engine.outcomes.sample import sample_key as _sha
from engine.errors import CalendarDataMissing
from engine.render.documents import document_text

from .conftest import REPO, small_estate, write_xlsx

HEADER = ["工单号", "类型", "等级", "项目", "房号", "反映人", "内容", "来源", "受理时间", "派单时间", "责任部门",
          "处理人", "约定时间", "答复时间", "进度反馈时间", "完成时间", "回访时间", "回访结果", "关联工单", "延期次数", "到场时间"]
COL = {h: i for i, h in enumerate(HEADER)}


def sample_key(week_start, site, ticket_id):
    return _sha(f"{week_start.isoformat()}|{site}|{ticket_id}")


def ticket(tid, kind, **fields):
    row = [None] * len(HEADER)
    row[COL["工单号"]], row[COL["类型"]] = tid, kind
    row[COL["房号"]] = fields.pop("房号", "1-1-101")
    row[COL["反映人"]] = fields.pop("反映人", "王建国")
    for k, v in fields.items():
        row[COL[k]] = v
    return row


def dt(text):
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


TICKETS = [
    ticket("T01", "投诉", 等级="轻微", 来源="电话", 责任部门="客服部", 受理时间=dt("2026-11-19 10:00")),
    ticket("T02", "投诉", 等级="轻微", 来源="电话", 责任部门="客服部", 受理时间=dt("2026-11-20 01:30")),
    ticket("T03", "投诉", 等级="重要", 来源="电话", 责任部门="工程部", 受理时间=dt("2026-11-20 14:00"),
           派单时间=dt("2026-11-20 14:50"), 进度反馈时间=dt("2026-11-20 18:00")),
    ticket("T04", "投诉", 等级="重要", 来源="来访", 责任部门="工程部", 受理时间=dt("2026-11-18 09:00"),
           派单时间=dt("2026-11-18 09:10"), 完成时间=dt("2026-11-18 16:00")),
    ticket("T06", "投诉", 等级="轻微", 来源="电话", 责任部门="客服部", 关联工单="T01", 受理时间=dt("2026-11-20 11:00"),
           完成时间=dt("2026-11-20 15:00"), 回访时间=dt("2026-11-20 16:00")),
    ticket("T08", "投诉", 等级="轻微", 来源="电话", 责任部门="工程部", 关联工单="T10", 受理时间=dt("2026-11-20 09:00"),
           派单时间=dt("2026-11-20 09:10"), 进度反馈时间=dt("2026-11-20 12:00")),
    ticket("T09", "投诉", 等级="重大", 来源="来访", 责任部门="客服部", 受理时间=dt("2026-10-30 16:00"),
           答复时间=dt("2026-11-04 10:00"), 完成时间=dt("2026-11-10 17:00"), 回访时间=dt("2026-11-10 18:00")),
    ticket("T10", "报修", 项目="A区", 来源="电话", 受理时间=dt("2026-11-10 09:00"), 完成时间=dt("2026-11-10 15:00"),
           到场时间=dt("2026-11-10 09:10")),
    ticket("T11", "报修", 项目="A区", 来源="电话", 受理时间=dt("2026-11-11 09:00"), 完成时间=dt("2026-11-11 15:00"),
           到场时间=dt("2026-11-11 09:10"), 房号="1-1-102"),
    ticket("T12", "报修", 项目="A区", 来源="电话", 受理时间=dt("2026-11-12 09:00"), 完成时间=dt("2026-11-15 22:30"),
           到场时间=dt("2026-11-12 09:10")),
    ticket("T20", "投诉", 等级="轻微", 来源="电话", 受理时间="明天上午"),
    ticket("T21", "投诉", 等级="轻微", 来源="电话", 责任部门="客服部", 受理时间=dt("2026-11-20 09:00"),
           约定时间=dt("2026-11-30 10:00"), 延期次数=2),
    ticket("T22", "咨询", 来源="电话", 受理时间=dt("2026-11-20 16:00")),
    ticket("T24", "报修", 项目="A区", 来源="电话", 受理时间=dt("2026-11-20 20:00"), 到场时间=dt("2026-11-20 20:25")),
]


@pytest.fixture
def ledgers(tmp_path):
    folder = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-11", 100, 100, "2026-11-01", None]])
    write_xlsx(folder / "投诉报修台账.xlsx", {"11月工单": [["XX花园投诉报修台账"], HEADER, *TICKETS]})
    return folder


def findings_of(result):
    return json.loads((result.folder / "findings.json").read_text(encoding="utf-8"))


def by_rule(data):
    out = {}
    for f in data:
        out.setdefault(f["rule"], set()).add(f["subject"])
    return out


def test_clock_findings_on_the_night(ledgers, tmp_path, night):
    data = findings_of(night(ledgers, tmp_path / "out", "2026-11-20"))
    rules = by_rule(data)
    assert rules["C2-1"] == {"T01"}  # T02 is near its deadline, not past it
    assert rules["C3-1"] == {"T03"}  # dispatched after 50 minutes
    assert rules["C5-1"] == {"T01"}
    assert rules["C6-1"] == {"T04"}  # no call-back on the day it was completed
    assert rules["C8-1"] == {"T06"}  # a second complaint about T01
    assert rules["R2-1"] == {"T08"}  # the repair T10 did not hold
    assert rules["C11-1"] == {"T21"} and rules["C11-2"] == {"T21"}
    assert rules["C12-1"] == {"T24"}  # 25 minutes to arrive
    assert "C9-1" not in rules and "C9-2" not in rules  # T09 answered and resolved in time
    bad = [f for f in data if f["rule"] == "DATA-datetime"]
    assert [f["message"] for f in bad] == ["投诉报修台账.xlsx › 11月工单 › 第13行 › 受理时间（I13）: 明天上午 — 日期格式无法识别（应为 2026-03-05、2026/3/5、2026.3.5 或 2026年3月5日）"]
    assert all(f["subject"] != "T20" for f in data if f["policy"] != "DATA")  # no SLA verdict for T20


def test_sla_state_of_every_open_ticket(ledgers, tmp_path, night):
    result = night(ledgers, tmp_path / "out", "2026-11-20")
    wb = openpyxl.load_workbook(next(result.folder.glob("异常清单_*.xlsx")))
    rows = {r[0].value: (r[5].value, r[6].value, r[7].value) for r in wb["工单时限"].iter_rows(min_row=2)}
    assert rows["T01"][0] == "已超时" and rows["T01"][1] == "2026-11-20 10:00"
    assert rows["T02"] == ("临近超时", "2026-11-21 01:30", rows["T02"][2]) and rows["T02"][2].startswith("C2-1")
    assert rows["T03"][0] == "正常"
    assert rows["T21"][0] == "正常" and rows["T21"][1] == "2026-11-21 09:00"  # C5 runs even with an agreed time
    assert rows["T22"][0] == "无时限"
    assert "T20" not in rows and "T04" not in rows  # unreadable; completed
    ledger = [r[0].value for r in wb["投诉台帐"].iter_rows(min_row=2)]
    assert ledger == ["T01"]


def test_escalation_documents_are_issued_once(ledgers, tmp_path, night):
    out = tmp_path / "out"
    first = night(ledgers, out, "2026-11-20")
    card = document_text(next((first.folder / "通知书" / "投诉处理档案卡").glob("*.docx")))
    assert "T01" in card and "客服主管" in card and "投档字〔2026〕第0001号" in card
    memo = document_text(next((first.folder / "通知书" / "总经理信箱督办单").glob("*.docx")))
    assert "T06" in memo and "T01" in memo and "总经理" in memo
    second = night(ledgers, out, "2026-11-21")  # T02, T03, T08, T21 are now open past 24 hours too
    cards = sorted(p.name for p in (second.folder / "通知书" / "投诉处理档案卡").iterdir())
    assert cards == ["投档字2026第0002号_T02.docx", "投档字2026第0003号_T03.docx",
                     "投档字2026第0004号_T08.docx", "投档字2026第0005号_T21.docx"]
    f = next(f for f in findings_of(second) if f["rule"] == "C5-1" and f["subject"] == "T01")
    assert f["document"] is None and "投档字〔2026〕第0001号" in f["message"]


def test_callback_sample_is_reproducible_and_explained(ledgers, tmp_path, night):
    data = findings_of(night(ledgers, tmp_path / "a", "2026-11-20"))
    sampled = [f for f in data if f["policy"] == "R1"]
    # last week (Mon 11-09 … Sun 11-15): T10, T11, T12 completed at 项目 A区 → ⌈20% × 3⌉ = 1
    assert len(sampled) == 1
    keys = {t: sample_key(datetime(2026, 11, 9).date(), "A区", t) for t in ("T10", "T11", "T12")}
    assert sampled[0]["subject"] == min(keys, key=keys.get)
    assert sampled[0]["details"]["sha256"] == keys[sampled[0]["subject"]]
    again = findings_of(night(ledgers, tmp_path / "b", "2026-11-20"))
    assert [f["subject"] for f in again if f["policy"] == "R1"] == [sampled[0]["subject"]]


def test_monthly_reports_on_the_25th_and_28th(ledgers, tmp_path, night):
    out = tmp_path / "out"
    assert "投诉月度汇总" not in night(ledgers, out, "2026-11-24").documents
    r25 = night(ledgers, out, "2026-11-25")
    assert r25.documents.get("投诉月度汇总") == 1 and "投诉记录汇总表" not in r25.documents
    text = document_text(next((r25.folder / "报表").glob("*.docx")))
    assert "T06" in text and "T03" in text and "T02" not in text  # second and important complaints only
    assert "投诉月度汇总" not in night(ledgers, out, "2026-11-26").documents  # once a month
    r28 = night(ledgers, out, "2026-11-28")
    assert r28.documents.get("投诉记录汇总表") == 1


def test_working_days_follow_the_statutory_calendar():
    cal = WorkCalendar.from_rules(REPO / "rules")
    # National Day 2026: Oct 1–7 off, Saturday Oct 10 is a working day
    assert not cal.is_workday(datetime(2026, 10, 5).date())
    assert cal.is_workday(datetime(2026, 10, 10).date())
    assert cal.add_working_days(datetime(2026, 9, 30, 16, 0), 3) == datetime(2026, 10, 10, 23, 59, 59)


def test_a_year_without_calendar_data_says_what_to_add(tmp_path):
    with pytest.raises(CalendarDataMissing, match="rules/calendar.yaml 的 years 下加入 2027"):
        WorkCalendar.from_rules(REPO / "rules").add_working_days(datetime(2026, 12, 28), 7)
    (tmp_path / "calendar.yaml").write_text(
        "title: t\nyears:\n  2027:\n    citation: 国办发明电〔2026〕1号\n    holidays: [2027-01-01]\n    workdays: []\n",
        encoding="utf-8")
    cal = WorkCalendar.from_rules(tmp_path)
    assert cal.add_working_days(datetime(2026, 12, 31, 9, 0), 1) == datetime(2027, 1, 4, 23, 59, 59)


def test_a_clock_into_a_year_without_calendar_data_is_reported_not_guessed(tmp_path, night):
    folder = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-11", 100, 100, "2026-11-01", None]])
    write_xlsx(folder / "t.xlsx", {"工单": [HEADER, ticket("M1", "投诉", 等级="重大", 来源="来访",
                                                              受理时间=dt("2026-12-28 10:00"))]})
    data = findings_of(night(folder, tmp_path / "out", "2026-12-29"))
    (f,) = [f for f in data if f["subject"] == "M1" and f["category"] == "规则参数"]
    assert f["severity"] == "错误" and "没有 2027 年的法定节假日和调休安排" in f["message"]


def test_demo_ticket_ledger_outcomes(tmp_path, night, demo_ledgers):
    """The bundled 投诉报修台账.xlsx on 2026-11-20 (rows listed in ledgers/README.md)."""
    result = night(demo_ledgers, tmp_path / "out", "2026-11-20")
    data = findings_of(result)
    rules = {k: v for k, v in by_rule(data).items() if k[0] in "CR"}
    assert rules == {
        "C2-1": {"T01"}, "C5-1": {"T01"}, "C3-1": {"T03", "T05"}, "C7-1": {"T05"}, "C6-1": {"T04"},
        "C8-1": {"T06"}, "C9-1": {"T09"}, "C11-1": {"T21"}, "C11-2": {"T21"}, "C12-1": {"T24"}, "R2-1": {"T08"},
        "R1-1": rules["R1-1"],
    }
    # T09: received 09-30, National Day off, answer due at the end of Saturday 10-10 (a make-up working day)
    c9 = next(f for f in data if f["rule"] == "C9-1")
    assert c9["details"]["deadline"] == "2026-10-10T23:59:59" and c9["details"]["state"] == "超时完成"
    # R1: last week's completed repairs — A区 7 (⌈1.4⌉ = 2 sampled), B区 3 (⌈0.6⌉ = 1 sampled)
    sampled = [f for f in data if f["policy"] == "R1"]
    by_site = {}
    for f in sampled:
        by_site.setdefault(f["details"]["site"], []).append(f["subject"])
    assert {site: len(v) for site, v in by_site.items()} == {"A区": 2, "B区": 1}
    assert set(by_site["A区"]) <= {f"T{i}" for i in range(10, 17)} and set(by_site["B区"]) <= {"T17", "T18", "T19"}
    assert result.documents["投诉处理档案卡"] == 1 and result.documents["总经理信箱督办单"] == 1
    wb = openpyxl.load_workbook(next(result.folder.glob("异常清单_*.xlsx")))
    states = {r[0].value: r[5].value for r in wb["工单时限"].iter_rows(min_row=2)}
    assert states == {"T01": "已超时", "T02": "临近超时", "T03": "正常", "T08": "正常", "T21": "正常",
                      "T22": "无时限", "T24": "无时限"}
    history = [r[1].value for r in wb["维修记录"].iter_rows(min_row=2) if r[0].value == "1-1-302"]
    assert history == ["T10", "T15", "T23"]


def test_the_sample_sheet_keeps_hashes_whole_and_masks_reporters(ledgers, tmp_path, night):
    result = night(ledgers, tmp_path / "out", "2026-11-20")
    wb = openpyxl.load_workbook(next(result.folder.glob("异常清单_*.xlsx")))
    rows = list(wb["回访抽样明细"].iter_rows(min_row=2, values_only=True))
    assert [r[4] for r in rows] and all(r[6] == sample_key(datetime(2026, 11, 9).date(), r[0], r[4]) for r in rows)
    ledger = list(wb["投诉台帐"].iter_rows(min_row=2, values_only=True))
    assert ledger[0][2] == "王**"


def test_duplicate_ticket_numbers_and_unknown_related_tickets_are_data_findings(tmp_path, night):
    folder = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-11", 100, 100, "2026-11-01", None]])
    write_xlsx(folder / "t.xlsx", {"工单": [
        HEADER,
        ticket("D1", "报修", 受理时间=dt("2026-11-20 08:00")),
        ticket("D1", "报修", 受理时间=dt("2026-11-20 09:00")),
        ticket("D2", "投诉", 等级="轻微", 关联工单="NOPE", 受理时间=dt("2026-11-20 10:00")),
    ]})
    data = findings_of(night(folder, tmp_path / "out", "2026-11-20"))
    messages = [f["message"] for f in data if f["policy"] == "DATA"]
    assert "t.xlsx › 工单 › 第3行 › 工单号（A3）: D1 — 工单号重复（与 t.xlsx › 工单 › 第2行 相同），本行未参与时限检查" in messages
    assert "t.xlsx › 工单 › 第4行 › 关联工单（S4）: NOPE — 关联工单在台账中找不到，无法判断是否二次投诉或返修" in messages


def test_a_ledgers_folder_with_tickets_only(tmp_path, night):
    folder = tmp_path / "l"
    write_xlsx(folder / "t.xlsx", {"工单": [HEADER, ticket("S1", "投诉", 等级="轻微", 受理时间=dt("2026-11-19 08:00"))]})
    data = findings_of(night(folder, tmp_path / "out", "2026-11-20"))
    assert {f["rule"] for f in data if f["subject"] == "S1"} == {"C2-1", "C5-1"}
