"""Renovation (V1–V8): worked examples at every boundary the issue lists, documents, the 装修押金 sheet and
several nights into one output folder (nothing steps down, repeats or disappears)."""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from engine import parse_as_of, run_night
from engine.areas.renovation import classify, within
from engine.render.documents import document_text

from .conftest import OWNER_HEADER, REPO, write_xlsx

RULES = REPO / "rules"
FORMS = REPO / "forms"
TODAY = date(2026, 12, 31)

RENO_HEADER = ["房号", "业主姓名", "施工单位", "许可证号", "发证日期", "开工日期", "完工日期", "装修押金",
               "首次交楼日期", "是否动火", "临时动火作业申请表", "灭火器", "防水高度", "停水停电时间", "停水停电申请日期"]
VIOL_HEADER = ["发现日期", "房号", "施工单位", "违规类别", "违规内容", "扣款金额", "补缴日期", "处理阶段", "阶段日期",
               "整改期限", "整改完成日期"]
PATROL_HEADER = ["房号", "巡查时间", "巡查人", "施工情况", "巡查类型", "情况"]

OWNERS = [
    ["1-1-101", "王建国", "13812345678", "110101199001011234", 100, "现金"],
    ["1-1-102", "李秀英", "13900001111", "110101199202022345", 80, "现金"],
    ["1-1-201", "张伟", "13700002222", "110101198803033456", 90, "现金"],
    ["1-1-202", "刘洋", "13600003333", "110101198504044567", 90, "现金"],
]


def estate(folder: Path, renovations: list[list], violations: list[list] = (), patrols: list[list] = ()) -> Path:
    owners = [o + ["2025-01-01"] for o in OWNERS]
    write_xlsx(folder / "业主档案.xlsx", {"业主": [OWNER_HEADER + ["交房日期"], *owners]})
    write_xlsx(folder / "装修登记表.xlsx", {"装修登记": [["和园装修登记表"], RENO_HEADER, *renovations]})
    if violations:
        write_xlsx(folder / "装修违规记录.xlsx", {"违规": [VIOL_HEADER, *violations]})
    if patrols:
        write_xlsx(folder / "装修巡查记录.xlsx", {"巡查": [PATROL_HEADER, *patrols]})
    return folder


def reno(unit, contractor="安居装饰公司", start="2026-09-01", deposit=3000, first_handover=None, **cols):
    row = [unit, None, contractor, cols.get("permit_no", "ZX-" + unit), cols.get("permit_date", "2026-08-28"), start,
           cols.get("end"), deposit, first_handover, cols.get("hot_work"), cols.get("hot_permit"), cols.get("extinguisher"),
           cols.get("waterproof"), cols.get("shutoff_at"), cols.get("shutoff_applied")]
    return row


def run(ledgers: Path, out: Path, as_of: str):
    return run_night(ledgers, RULES, out, parse_as_of(as_of), FORMS, today=TODAY)


def of(result, rule: str) -> list:
    """The rule's own findings (the fines register adds one per deposit deduction, under 保证金扣款)."""
    return [f for f in result.findings if f.rule == rule and f.category != "保证金扣款"]


def deductions(result) -> list:
    return [f for f in result.findings if f.category == "保证金扣款"]


def sheet_rows(result, title: str) -> list[list]:
    wb = openpyxl.load_workbook(result.folder / f"异常清单_{result.as_of.date().isoformat()}.xlsx", read_only=True)
    ws = wb[title]
    return [list(r) for r in ws.iter_rows(values_only=True)]


# --------------------------------------------------------------------------- V3 装修时间

def test_working_hours_boundaries(tmp_path):
    """11:59 / 12:01 on a weekday; 09:00 on a Saturday; 18:30 on day 60 (relaxed) and day 61 (a Saturday)."""
    patrols = [
        ["1-1-101", "2026-11-18 11:59", "周", "施工中", None, None],   # Wednesday: inside
        ["1-1-101", "2026-11-18 12:01", "周", "施工中", None, None],   # Wednesday: lunch break
        ["1-1-101", "2026-11-14 09:00", "周", "施工中", None, None],   # Saturday: inside
        ["1-1-101", "2026-11-14 08:59", "周", "未施工", None, None],   # not working: never a V3 finding
        ["1-1-102", "2026-11-13 18:30", "周", "施工中", None, None],   # day 60 after 2026-09-14 (Friday): relaxed
        ["1-1-102", "2026-11-14 18:30", "周", "施工中", None, None],   # day 61 (Saturday): outside 15:00–18:00
    ]
    ledgers = estate(tmp_path / "l", [reno("1-1-101"), reno("1-1-102", first_handover="2026-09-14")],
                     patrols=patrols)
    r = run(ledgers, tmp_path / "out", "2026-11-20")
    hits = sorted(f.matter for f in of(r, "V3-1"))
    assert hits == ["2026-11-14 18:30", "2026-11-18 12:01"]
    late = next(f for f in of(r, "V3-1") if f.matter == "2026-11-18 12:01")
    assert "工作日" in late.message and "08:00–12:00、14:00–19:00" in late.message
    sat = next(f for f in of(r, "V3-1") if f.matter == "2026-11-14 18:30")
    assert sat.subject == "1-1-102" and "双休日" in sat.message and "15:00–18:00" in sat.message
    assert not of(r, "V3-2")  # the company setting is off: a finding, no deduction


def test_make_up_saturday_uses_weekday_hours_and_holidays_weekend_hours(tmp_path):
    """2026-10-10 is a 调休 working Saturday: 08:30 is inside; 2026-10-05 (National Day) 08:30 is not."""
    patrols = [["1-1-101", "2026-10-10 08:30", "周", "施工中", None, None],
               ["1-1-101", "2026-10-05 08:30", "周", "施工中", None, None]]
    ledgers = estate(tmp_path / "l", [reno("1-1-101", start="2026-08-01")], patrols=patrols)
    r = run(ledgers, tmp_path / "out", "2026-10-10")
    assert [f.matter for f in of(r, "V3-1")] == ["2026-10-05 08:30"]
    assert "法定节假日" in of(r, "V3-1")[0].message


def test_year_without_calendar_data_is_reported_not_guessed(tmp_path):
    patrols = [["1-1-101", "2027-01-09 12:30", "周", "施工中", None, None]]
    ledgers = estate(tmp_path / "l", [reno("1-1-101", start="2026-12-01")], patrols=patrols)
    r = run_night(ledgers, RULES, tmp_path / "out", parse_as_of("2027-01-10"), FORMS, today=date(2027, 1, 11))
    assert not of(r, "V3-1") or all(f.category == "规则参数" for f in of(r, "V3-1"))
    missing = [f for f in r.findings if f.category == "规则参数" and f.policy == "V3"]
    assert missing and "2027" in missing[0].message and missing[0].severity == "错误"


def test_within_hours_helper_matches_the_rule_file():
    from engine.rules import load_rulebook

    params = load_rulebook(RULES).params_at(date(2026, 11, 20))
    assert within("工作日", "12:00", params) and not within("工作日", "12:01", params)
    assert within("工作日", "08:00", params) and not within("工作日", "07:59", params)
    assert within("双休日", "09:00", params) and not within("双休日", "08:59", params)
    assert within("首期入伙", "18:30", params) and not within("双休日", "18:30", params)
    assert within("调休上班日", "08:30", params)


def test_out_of_hours_deduction_is_a_company_setting(tmp_path):
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    text = (rules / "renovation.yaml").read_text(encoding="utf-8")
    marker = "  out_of_hours_deduction_on:"
    head, tail = text.split(marker)
    tail = tail.replace("value: false}", "value: true}", 1)
    (rules / "renovation.yaml").write_text(head + marker + tail, encoding="utf-8")
    patrols = [["1-1-101", "2026-11-18 12:30", "周", "施工中", None, None]]
    ledgers = estate(tmp_path / "l", [reno("1-1-101")], patrols=patrols)
    r = run_night(ledgers, rules, tmp_path / "out", parse_as_of("2026-11-20"), FORMS, today=TODAY)
    own = of(r, "V3-2")
    assert len(own) == 1 and "500" in own[0].message
    # the fines register lists it as a deposit deduction of the contractor, never capped
    assert [f.subject for f in deductions(r)] == ["安居装饰公司"]


# --------------------------------------------------------------------------- V1, V2 扣款与补缴

def test_deduction_classes_and_the_duplicated_f():
    from engine.rules import load_rulebook

    params = load_rulebook(RULES).params_at(date(2026, 11, 20))
    assert classify("A", "", params) == ("A", "")
    assert classify("f2", "", params) == ("F2", "")
    assert classify("F", "与保安发生冲突", params) == ("F2", "")
    assert classify("F", "损坏电梯轿厢，污染地面", params) == ("F1", "")
    cls, problem = classify("F", "其他", params)
    assert cls is None and "F1 或 F2" in problem
    assert classify("私搭乱建小阁楼", "", params) == ("A", "")
    assert classify("高空抛物", "", params) == ("E", "")
    assert classify("Z", "", params)[0] is None


def test_topup_day_three_vs_day_four_and_stop_work_notice(tmp_path):
    violations = [
        # found 11-10: day 3 = 11-13 (on time), day 4 = 11-14 (late), none (→ 《停工通知》)
        ["2026-11-10", "1-1-101", "安居装饰公司", "D", "垃圾未装袋", 500, "2026-11-13", None, None, None, None],
        ["2026-11-10", "1-1-102", "美家装修", "D", "垃圾未装袋", 500, "2026-11-14", None, None, None, None],
        ["2026-11-10", "1-1-201", "美家装修", "C", "楼道张贴广告", 1000, None, None, None, None, None],
        ["2026-11-11", "1-1-202", "安居装饰公司", "B", "隐蔽工程未验收即封闭", 800, "2026-11-12", None, None, None,
         "2026-11-12"],
        ["2026-11-12", "1-1-202", "安居装饰公司", "F", "说不清", 500, "2026-11-12", None, None, None, None],
    ]
    renos = [reno("1-1-101"), reno("1-1-102", "美家装修"), reno("1-1-201", "美家装修", deposit=5000),
             reno("1-1-202")]
    ledgers = estate(tmp_path / "l", renos, violations)
    out = tmp_path / "out"
    r = run(ledgers, out, "2026-11-20")
    v2 = {f.subject: f for f in of(r, "V2-1")}
    assert set(v2) == {"1-1-102", "1-1-201"}  # day 3 is on time
    assert v2["1-1-102"].details["state"] == "超时完成" and v2["1-1-102"].document is None
    assert v2["1-1-201"].details["state"] == "已超时" and v2["1-1-201"].document == "停工通知"
    number = v2["1-1-201"].number
    assert number and number.startswith("停工字")
    # V1: every class deducted by the schedule; a recorded amount that differs is a finding
    assert {f.subject for f in of(r, "V1-D")} == {"1-1-101", "1-1-102"}
    wrong = of(r, "V1-9")
    assert [f.subject for f in wrong] == ["1-1-202"] and "800.00 元" in wrong[0].message and "500" in wrong[0].message
    assert any(f.rule == "DATA-renovation-class" and "F1 或 F2" in f.message for f in r.findings)
    # the print batch and the notice: contractor, unit, violation, clause, deadline, number
    assert r.documents["停工通知"] == 1
    batch = next((r.folder / "打印批次").glob("打印批次_停工通知_*.docx"))
    text = document_text(batch)
    for expected in (number, "美家装修", "1-1-201", "C类", "楼道张贴广告", "3.26", "2026-11-13"):
        assert expected in text, expected
    assert "停水" not in text and "停电" not in text
    # 装修押金: deposit − deductions + top-ups per contractor and unit
    rows = sheet_rows(r, "装修押金")
    header, body = rows[0], rows[1:]
    by_unit = {row[1]: dict(zip(header, row)) for row in body}
    assert by_unit["1-1-201"]["押金余额"] == 4000 and "待补齐" in by_unit["1-1-201"]["状态"]
    assert by_unit["1-1-201"]["停工通知编号"] == number
    assert by_unit["1-1-101"]["押金余额"] == 3000 and by_unit["1-1-101"]["状态"] == "押金已足额"
    assert by_unit["1-1-202"]["已扣款（台账）"] == 1300

    # the next nights: the same finding, the notice is not issued again, nothing disappears
    r2 = run(ledgers, out, "2026-11-21")
    again = {f.subject: f for f in of(r2, "V2-1")}
    assert again["1-1-201"].number == number and "不重复发出" in again["1-1-201"].message
    assert "停工通知" not in r2.documents
    lost = {f.id for f in r.findings if f.policy.startswith("V")} - {f.id for f in r2.findings}
    # only a missed patrol day leaving the look-back window (patrol_lookback_days) drops off, as closed matters do
    assert all(f.rule == "V5-1" and f.matter == "2026-10-07" for f in r.findings if f.id in lost)


# --------------------------------------------------------------------------- V6 违章装修

def test_illegal_renovation_rectification_order_then_stop_work_across_nights(tmp_path):
    violations = [["2026-11-16", "1-1-101", "安居装饰公司", "A", "封闭阳台，安装外置阳台罩", 2000, "2026-11-17",
                   "劝阻", None, None, None]]
    ledgers = estate(tmp_path / "l", [reno("1-1-101")], violations)
    out = tmp_path / "out"
    nights = ["2026-11-16", "2026-11-17", "2026-11-19", "2026-11-20", "2026-11-21"]
    results = [run(ledgers, out, n) for n in nights]
    first = of(results[0], "V6-1")[0]
    assert first.document == "整改通知书" and first.number
    assert "2026-11-19" in first.message  # deadline: found + rectify_days
    assert results[0].documents.get("整改通知书") == 1
    text = document_text(next((results[0].folder / "打印批次").glob("打印批次_整改通知书_*.docx")))
    for expected in (first.number, "王建国", "1-1-101", "封闭阳台", "2026年11月19日"):
        assert expected in text, expected
    for r in results[1:]:
        assert of(r, "V6-1")[0].number == first.number
        assert "整改通知书" not in r.documents
    assert not of(results[2], "V6-2")  # 11-19: the deadline day itself
    stop = of(results[3], "V6-2")
    assert len(stop) == 1 and stop[0].document == "停工通知"
    assert of(results[4], "V6-2")[0].number == stop[0].number and "停工通知" not in results[4].documents
    # every renovation finding of a night is still there the next night (until it is closed)
    for a, b in zip(results, results[1:]):
        assert {f.id for f in a.findings if f.policy == "V6"} <= {f.id for f in b.findings}


def test_ladder_next_step_when_the_stage_deadline_passes(tmp_path):
    violations = [
        ["2026-11-01", "1-1-101", None, "A", "拆改承重墙", 2000, "2026-11-02", "责令停工", "2026-11-05", None, None],
        ["2026-11-01", "1-1-102", None, "A", "私搭乱建", 2000, "2026-11-02", "报政府职能部门", "2026-11-10", None, None],
        ["2026-11-01", "1-1-201", None, "B", "偷工减料", 500, "2026-11-02", "责令恢复原状", "2026-11-05", None,
         "2026-11-07"],
    ]
    ledgers = estate(tmp_path / "l", [reno("1-1-101"), reno("1-1-102"), reno("1-1-201")], violations)
    r = run(ledgers, tmp_path / "out", "2026-11-20")
    nxt = {f.subject: f for f in of(r, "V6-3")}
    assert set(nxt) == {"1-1-101", "1-1-102"}
    assert "责令恢复原状" in nxt["1-1-101"].message
    assert "跟进政府职能部门" in nxt["1-1-102"].message
    for f in r.findings:  # never a utility cut, whatever the step
        assert "停水" not in f.message and "停电" not in f.message


# --------------------------------------------------------------------------- V4, V5, V7, V8

def test_patrols_per_day_and_vacant_units(tmp_path):
    patrols = []
    for d in range(14, 21):  # 1-1-101 twice a day except 11-17 (once) and 11-18 (never)
        if d == 18:
            continue
        patrols.append(["1-1-101", f"2026-11-{d} 10:00", "周", "未施工", None, None])
        if d != 17:
            patrols.append(["1-1-101", f"2026-11-{d} 15:30", "周", "施工中", None, None])
    patrols += [["1-1-202", "2026-10-08 10:00", "周", None, "空置房", "门窗完好"],
                ["1-1-201", "2026-10-08 10:00", "周", None, "空置房", None],
                ["1-1-201", "2026-10-22 10:00", "周", None, "空置房", None]]
    ledgers = estate(tmp_path / "l", [reno("1-1-101", start="2026-11-15")], patrols=patrols)
    r = run(ledgers, tmp_path / "out", "2026-11-20")
    short = sorted((f.matter, f.facts["patrols"]) for f in of(r, "V5-1"))
    assert short == [("2026-11-17", 1), ("2026-11-18", 0)]  # 11-14 is before the start date
    vac = of(r, "V5-2")
    assert [(f.subject, f.facts["inspections"]) for f in vac] == [("1-1-202", 1)]  # October: once; 201 twice
    assert "2026年10月" in vac[0].message


def test_register_checks_permit_hot_work_waterproofing_and_shutoff_request(tmp_path):
    renos = [
        reno("1-1-101", permit_no=None, permit_date=None),
        reno("1-1-102", permit_date="2026-09-05"),  # issued after the 09-01 start
        reno("1-1-201", hot_work="是", hot_permit=None, extinguisher="是", waterproof=1500,
             shutoff_at="2026-11-12 09:00", shutoff_applied="2026-11-12"),
        reno("1-1-202", hot_work="是", hot_permit="DH-7", extinguisher="是", waterproof=1700,
             shutoff_at="2026-11-12 09:00", shutoff_applied="2026-11-11"),
    ]
    ledgers = estate(tmp_path / "l", renos)
    r = run(ledgers, tmp_path / "out", "2026-11-20")
    assert {f.subject: f.facts["permit_state"] for f in of(r, "V8-1")} == {"1-1-101": "无许可证",
                                                                          "1-1-102": "开工后才发证"}
    assert [f.subject for f in of(r, "V8-2")] == ["1-1-201"] and "临时动火作业申请表" in of(r, "V8-2")[0].message
    assert [f.subject for f in of(r, "V7-1")] == ["1-1-201"]
    assert [f.subject for f in of(r, "V4-1")] == ["1-1-201"]


def test_renovation_ledgers_are_recognised(tmp_path):
    ledgers = estate(tmp_path / "l", [reno("1-1-101")],
                     [["2026-11-10", "1-1-101", None, "D", None, 500, None, None, None, None, None]],
                     [["1-1-101", "2026-11-18 10:00", "周", "施工中", None, None]])
    r = run(ledgers, tmp_path / "out", "2026-11-20")
    kinds = {s["file"]: s.get("kind") for s in json.loads((r.folder / "run.json").read_text("utf-8"))["sheets"]}
    assert kinds["装修登记表.xlsx"] == "renovations"
    assert kinds["装修违规记录.xlsx"] == "renovation_violations"
    assert kinds["装修巡查记录.xlsx"] == "renovation_patrols"


def test_violations_and_patrols_are_checked_without_the_register(tmp_path):
    """No 装修登记表 tonight: the violations and patrols are still checked (nothing read is silently skipped)."""
    folder = tmp_path / "l"
    owners = [o + ["2025-01-01"] for o in OWNERS]
    write_xlsx(folder / "业主档案.xlsx", {"业主": [OWNER_HEADER + ["交房日期"], *owners]})
    write_xlsx(folder / "装修违规记录.xlsx", {"违规": [VIOL_HEADER, ["2026-11-10", "1-1-101", "安居装饰公司", "E",
                                                              "高空抛物", 1000, None, None, None, None, None]]})
    write_xlsx(folder / "装修巡查记录.xlsx", {"巡查": [PATROL_HEADER, ["1-1-101", "2026-11-18 12:30", "周", "施工中",
                                                                 None, None]]})
    r = run(folder, tmp_path / "out", "2026-11-20")
    assert [f.subject for f in of(r, "V1-E")] == ["1-1-101"]
    assert of(r, "V2-1")[0].document == "停工通知"
    assert [f.matter for f in of(r, "V3-1")] == ["2026-11-18 12:30"]
    rows = sheet_rows(r, "装修押金")
    assert "没有该房号的装修登记" in rows[1][7]
