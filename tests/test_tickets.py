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
    assert rules["C6-2"] == {"T06", "T09"}  # called back, no written result (回访结果)
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
    memo = document_text(next((first.folder / "通知书" / "“总经理信箱”信件处理档案").glob("*.docx")))
    assert "T06" in memo and "T01" in memo and "呈报公司领导批示" in memo and "2026-11-21 08:30" in memo
    # T06 is already completed and called back: the file shows that, not the time elapsed and an empty box
    assert "完成时间\n2026-11-20 15:00" in memo and "回访时间：2026-11-20 16:00" in memo and "已历时" not in memo
    assert "王建国" in memo and "王建国" in card  # internal forms: the complainant's full name
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


def test_monthly_reports_are_ready_the_night_before_the_25th_and_28th(ledgers, tmp_path, night):
    out = tmp_path / "out"
    assert "投诉月度汇总" not in night(ledgers, out, "2026-11-23").documents
    r24 = night(ledgers, out, "2026-11-24")  # ready before the 25th: the night run of the 24th
    assert r24.documents.get("投诉月度汇总") == 1 and "投诉记录汇总表" not in r24.documents
    text = document_text(next((r24.folder / "报表").glob("*.docx")))
    # second complaints and major ones; level 重要 (T03) is not an important owner; no marker column → said so
    assert "T06" in text and "T09" not in text and "T03" not in text and "T02" not in text
    assert "业主档案没有“重要业户”或“VIP”一栏" in text and "本次补出" not in text
    assert "每月25日前" in text and "统计至：2026-11-24 23:59" in text
    assert "投诉月度汇总" not in night(ledgers, out, "2026-11-25").documents  # once a month
    r27 = night(ledgers, out, "2026-11-27")
    assert r27.documents.get("投诉记录汇总表") == 1 and "投诉月度汇总" not in r27.documents


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
    assert result.documents["投诉处理档案卡"] == 1 and result.documents["“总经理信箱”信件处理档案"] == 1
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


# ---------------------------------------------------------------- issue 9: what the policy says, at its boundaries

EXTRA = HEADER + ["回访约定时间", "特殊情况", "呈报时间"]


def sheet(folder, *rows, header=EXTRA, owners=None):
    """A ticket ledger with the extra columns (回访约定时间, 特殊情况, 呈报时间); rows as dicts of header → value."""
    small_estate(folder, [["1-1-101", "物业费", "2026-11", 100, 100, "2026-11-01", None]], owners=owners)
    body = []
    for r in rows:
        r = {"房号": "1-1-101", "反映人": "王建国", "来源": "电话", **r}
        body.append([r.get(h) for h in header])
    write_xlsx(folder / "投诉报修台账.xlsx", {"工单": [header, *body]})
    return folder


def rules_of(result, rule):
    return {f["subject"]: f for f in findings_of(result) if f["rule"] == rule}


def test_c6_callback_counts_from_completion_never_from_the_completion_agreement(tmp_path, night):
    # agreed 12:00 (约定时间: the completion), completed 16:00, called back 17:00 → on time
    folder = sheet(tmp_path / "l", {"工单号": "A1", "类型": "投诉", "等级": "重要", "责任部门": "客服部",
                                     "受理时间": dt("2026-11-20 09:00"), "约定时间": dt("2026-11-20 12:00"),
                                     "完成时间": dt("2026-11-20 16:00"), "回访时间": dt("2026-11-20 17:00"),
                                     "回访结果": "满意"})
    assert rules_of(night(folder, tmp_path / "out", "2026-11-20"), "C6-1") == {}


def test_c6_a_callback_appointment_sets_the_deadline_and_one_before_completion_is_reported(tmp_path, night):
    folder = sheet(
        tmp_path / "l",
        # appointment the next morning, kept
        {"工单号": "B1", "类型": "投诉", "等级": "重要", "责任部门": "客服部", "受理时间": dt("2026-11-20 09:00"),
         "完成时间": dt("2026-11-20 16:00"), "回访约定时间": dt("2026-11-21 10:00"), "回访时间": dt("2026-11-21 09:50"),
         "回访结果": "满意"},
        # appointment missed by half an hour
        {"工单号": "B2", "类型": "投诉", "等级": "重要", "责任部门": "客服部", "受理时间": dt("2026-11-20 09:00"),
         "完成时间": dt("2026-11-20 16:00"), "回访约定时间": dt("2026-11-21 10:00"), "回访时间": dt("2026-11-21 10:30"),
         "回访结果": "满意"},
        # an "appointment" before completion cannot be kept: a data finding, the end of that day applies
        {"工单号": "B3", "类型": "投诉", "等级": "重要", "责任部门": "客服部", "受理时间": dt("2026-11-20 09:00"),
         "完成时间": dt("2026-11-20 16:00"), "回访约定时间": dt("2026-11-20 11:00"), "回访时间": dt("2026-11-21 09:00"),
         "回访结果": "满意"},
        # called back without a written result
        {"工单号": "B4", "类型": "投诉", "等级": "重要", "责任部门": "客服部", "受理时间": dt("2026-11-20 09:00"),
         "完成时间": dt("2026-11-20 16:00"), "回访时间": dt("2026-11-20 18:00")},
    )
    result = night(folder, tmp_path / "out", "2026-11-21")
    c6 = rules_of(result, "C6-1")
    assert set(c6) == {"B2", "B3"}
    assert c6["B2"]["details"]["deadline"] == "2026-11-21T10:00:00" and c6["B2"]["details"]["state"] == "超时完成"
    assert c6["B3"]["details"]["deadline"] == "2026-11-20T23:59:59"
    data = findings_of(result)
    (bad,) = [f for f in data if f["rule"] == "DATA-callback-appointment-before-completion"]
    assert bad["subject"] == "B3" and "回访约定时间（V4）" in bad["message"] and "早于完成时间" in bad["message"]
    assert set(rules_of(result, "C6-2")) == {"B4"}


def test_c4_counts_from_dispatch_and_progress_within_the_day_after(tmp_path, night):
    folder = sheet(
        tmp_path / "l",
        {"工单号": "D1", "类型": "投诉", "等级": "重要", "责任部门": "工程部", "受理时间": dt("2026-11-20 08:00"),
         "派单时间": dt("2026-11-20 20:00"), "进度反馈时间": dt("2026-11-21 10:00")},
        {"工单号": "D2", "类型": "投诉", "等级": "重要", "责任部门": "工程部", "受理时间": dt("2026-11-20 08:00"),
         "派单时间": dt("2026-11-20 08:10")},
        # an agreed time overrides: no progress report needed before it
        {"工单号": "D3", "类型": "投诉", "等级": "重要", "责任部门": "工程部", "受理时间": dt("2026-11-20 08:00"),
         "派单时间": dt("2026-11-20 08:10"), "约定时间": dt("2026-11-22 18:00")},
    )
    result = night(folder, tmp_path / "out", "2026-11-21")
    c4 = rules_of(result, "C4-1")
    assert set(c4) == {"D2"} and c4["D2"]["details"]["deadline"] == "2026-11-21T08:10:00"
    assert "C4-2" not in {f["rule"] for f in findings_of(result)}
    assert "派单" in c4["D2"]["message"] and "12小时内完成" in c4["D2"]["message"]


def test_c2_resolved_and_answered(tmp_path, night):
    base = {"类型": "投诉", "等级": "轻微", "责任部门": "客服部", "受理时间": dt("2026-11-19 10:00"),
            "完成时间": dt("2026-11-19 15:00")}
    folder = sheet(
        tmp_path / "l",
        {"工单号": "M1", **base},  # completed, never answered
        {"工单号": "M2", **base, "回访时间": dt("2026-11-20 10:00"), "回访结果": "满意"},  # call-back at the deadline
        {"工单号": "M3", **base, "答复时间": dt("2026-11-19 16:00")},  # answered after completion
        {"工单号": "M4", **base, "答复时间": dt("2026-11-19 11:00")},  # a reply before completion is no answer to it
        {"工单号": "M5", **base, "回访时间": dt("2026-11-20 10:01"), "回访结果": "满意"},  # a minute late
    )
    c2 = rules_of(night(folder, tmp_path / "out", "2026-11-20"), "C2-1")
    assert set(c2) == {"M1", "M4", "M5"}
    assert "已于 2026-11-19 15:00 处理完毕，但台账没有此后的答复时间或回访时间，未回复业主" in c2["M1"]["message"]
    assert c2["M1"]["details"]["state"] == "已超时" and c2["M5"]["details"]["state"] == "超时完成"


def test_c7_quality_office_and_progress_every_calendar_day(tmp_path, night):
    folder = sheet(
        tmp_path / "l",
        {"工单号": "G1", "类型": "投诉", "等级": "重要", "来源": "全质办", "责任部门": "客服部",
         "受理时间": dt("2026-11-20 10:00"), "派单时间": dt("2026-11-20 10:20"), "答复时间": dt("2026-11-20 10:26"),
         "进度反馈时间": dt("2026-11-21 09:00")},
    )
    out = tmp_path / "out"
    late = rules_of(night(folder, out, "2026-11-20"), "C7-2")
    assert late["G1"]["details"]["deadline"] == "2026-11-20T10:25:00"  # 5 minutes from the measures (派单时间)
    noon = night(folder, out, "2026-11-22 12:00")  # a rolling 24 h would be over at 09:00; the day is not
    assert rules_of(noon, "C7-3") == {}
    assert rules_of(night(folder, out, "2026-11-23 00:30"), "C7-3")["G1"]["details"]["deadline"] == "2026-11-22T23:59:59"


def test_c8_register_sheet_and_report_by_half_past_eight(tmp_path, night):
    folder = sheet(
        tmp_path / "l",
        {"工单号": "S1", "类型": "投诉", "等级": "轻微", "责任部门": "客服部", "受理时间": dt("2026-11-19 09:00"),
         "完成时间": dt("2026-11-19 12:00"), "答复时间": dt("2026-11-19 12:30")},
        {"工单号": "S2", "类型": "投诉", "等级": "轻微", "责任部门": "客服部", "受理时间": dt("2026-11-20 15:00"),
         "关联工单": "S1", "呈报时间": dt("2026-11-21 08:31")},
    )
    out = tmp_path / "out"
    first = night(folder, out, "2026-11-20")
    assert first.documents.get("“总经理信箱”信件处理档案") == 1
    wb = openpyxl.load_workbook(next(first.folder.glob("异常清单_*.xlsx")))
    rows = list(wb["“总经理信箱”信件处理台帐"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["S2"] and rows[0][2] == "王**"  # a list: surname only
    memo = document_text(next((first.folder / "通知书" / "“总经理信箱”信件处理档案").glob("*.docx")))
    assert "已历时" in memo and "王建国" in memo and "2026-11-21 08:30" in memo
    second = night(folder, out, "2026-11-21")
    assert "“总经理信箱”信件处理档案" not in second.documents  # issued once
    (late,) = rules_of(second, "C8-2").values()
    assert late["details"]["deadline"] == "2026-11-21T08:30:00" and late["details"]["state"] == "超时完成"


def test_c11_every_promised_matter_and_special_cases(tmp_path, night):
    folder = sheet(
        tmp_path / "l",
        {"工单号": "P1", "类型": "报修", "受理时间": dt("2026-11-10 09:00"), "约定时间": dt("2026-11-20 09:00"),
         "到场时间": dt("2026-11-10 09:10")},
        {"工单号": "P2", "类型": "求助", "受理时间": dt("2026-11-10 09:00"), "约定时间": dt("2026-11-17 09:00"),
         "到场时间": dt("2026-11-10 09:10")},
        {"工单号": "P3", "类型": "报修", "受理时间": dt("2026-11-10 09:00"), "约定时间": dt("2026-11-20 09:00"),
         "到场时间": dt("2026-11-10 09:10"), "特殊情况": "等厂家配件，已向业主说明"},
        # C12: late, but the owner was told beforehand and it was recorded
        {"工单号": "P4", "类型": "报修", "受理时间": dt("2026-11-20 20:00"), "到场时间": dt("2026-11-20 20:25"),
         "特殊情况": "暴雨封路，已事先电话向业主解释"},
        {"工单号": "P5", "类型": "求助", "受理时间": dt("2026-11-20 20:00"), "到场时间": dt("2026-11-20 20:16")},
    )
    result = night(folder, tmp_path / "out", "2026-11-20")
    assert set(rules_of(result, "C11-1")) == {"P1"}  # 10 days; exactly 7 is not over; a special case is excepted
    assert set(rules_of(result, "C12-1")) == {"P5"}


def test_c10_important_owners_from_the_owner_file_and_a_late_report_caught_up_next_month(tmp_path, night):
    owners = [["1-1-101", "王建国", "13812345678", "110101199001011234", 100, "现金", "VIP"],
              ["1-1-102", "李秀英", "13900001111", "110101199202022345", 80, "银行代扣", None]]
    header_owners = ["房号", "业主姓名", "联系电话", "身份证号", "建筑面积(㎡)", "缴费方式", "重要业户"]
    folder = sheet(
        tmp_path / "l",
        {"工单号": "V1", "类型": "投诉", "等级": "轻微", "受理时间": dt("2026-11-05 09:00"), "责任部门": "客服部",
         "完成时间": dt("2026-11-05 10:00"), "答复时间": dt("2026-11-05 10:10")},  # a VIP owner's complaint
        {"工单号": "V2", "类型": "投诉", "等级": "重要", "受理时间": dt("2026-11-05 09:00"), "房号": "1-1-102",
         "反映人": "李秀英", "责任部门": "工程部", "派单时间": dt("2026-11-05 09:10"), "完成时间": dt("2026-11-05 12:00")},
        {"工单号": "V3", "类型": "投诉", "等级": "重大", "受理时间": dt("2026-11-26 09:00"), "房号": "1-1-102",
         "反映人": "李秀英", "责任部门": "客服部"},
    )
    write_xlsx(folder / "业主档案.xlsx", {"业主": [["XX花园业主档案"], header_owners, *owners]})
    out = tmp_path / "out"
    night(folder, out, "2026-11-20")  # running before the 24th
    late = night(folder, out, "2026-12-02")  # the 24th and 27th were missed: caught up, for November
    assert late.documents.get("投诉月度汇总") == 1 and late.documents.get("投诉记录汇总表") == 1
    texts = {p.name: document_text(p) for p in (late.folder / "报表").glob("*.docx")}
    summary = next(t for n, t in texts.items() if "投诉月度汇总" in n)
    assert "V1" in summary and "重要业户投诉" in summary and "V3" in summary and "V2" not in summary
    assert "应于2026年11月24日生成，本次补出" in summary and "业主档案没有" not in summary
    register = next(t for n, t in texts.items() if "投诉记录汇总表" in n)
    assert "应于2026年11月27日生成，本次补出" in register and all(t in register for t in ("V1", "V2", "V3"))
    found = [f for f in findings_of(late) if f["policy"] == "C10"]
    assert sorted(f["subject"] for f in found) == ["2026-11", "2026-11"] and all("本次补出" in f["message"] for f in found)
    again = night(folder, out, "2026-12-03")
    assert "投诉月度汇总" not in again.documents and "投诉记录汇总表" not in again.documents  # never twice


def test_complaint_nights_in_a_row_never_repeat_or_lose_a_document(tmp_path, night):
    folder = sheet(
        tmp_path / "l",
        {"工单号": "N1", "类型": "投诉", "等级": "轻微", "责任部门": "客服部", "受理时间": dt("2026-11-19 09:00")},
        {"工单号": "N2", "类型": "投诉", "等级": "轻微", "责任部门": "客服部", "受理时间": dt("2026-11-20 09:00"),
         "关联工单": "N1"},
    )
    out = tmp_path / "out"
    numbers: dict[str, str] = {}
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        for f in findings_of(night(folder, out, day)):
            if f["rule"] in ("C5-1", "C8-1"):
                assert f["number"], (day, f["rule"], f["subject"])  # still named by its number
                assert numbers.setdefault(f"{f['rule']}|{f['subject']}", f["number"]) == f["number"]
    assert set(numbers) == {"C5-1|N1", "C5-1|N2", "C8-1|N2"}
