"""Takeover inspection (T1–T14, M1a): the staged re-check draw, the 《整改通知书》, the chase ladder, fines.

Each test builds its own 接管验收台账 workbook; nights run into one output folder on consecutive dates.
"""
from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

from engine import parse_as_of
from engine.areas import Context
from engine.areas.takeover import AREA
from engine.derive.calendar import WorkCalendar
from engine.outcomes.catalogue import load_documents
from engine.outcomes.engine import apply_area
from engine.outcomes.sample import ranked, sample_key, sample_size, stages_of
from engine.read import read_ledgers
from engine.record.register import Register
from engine.render.documents import document_text
from engine.rules import load_rulebook
from engine.validate import validate

from .conftest import REPO, write_xlsx

SITE = "和园二期12栋"
PROJECT = ["接管项目", "交楼日期", "验收楼栋", "验收项目清单", "项目负责人", "服务中心负责人", "验收计划完成日期"]
INSPECTION = ["房号", "验收项目", "验收日期", "验收人", "验收结果"]
RECHECK = ["房号", "验收项目", "抽检日期", "抽检人", "抽检轮次", "抽检结果"]
CASE = ["整改单号", "来源", "房号", "验收项目", "问题描述", "性质", "发现时间", "书面通知时间", "签收人", "整改期限",
        "整改完成时间", "复验时间", "复验结果", "整改次数", "全户复验", "催办时间", "上报时间", "三方上报时间", "责任人"]
ITEMS = [f"项目{i:02d}" for i in range(1, 12)]  # eleven items of one unit, all 合格 on 2026-11-16
D0 = date(2026, 11, 16)


def project_row(end=date(2026, 12, 10), items="、".join(ITEMS)):
    return [SITE, date(2026, 12, 20), "12栋", items, "陈立新", "周敏", end]


def estate(folder: Path, *, inspections=None, rechecks=(), cases=(), plan=None, project=None) -> Path:
    if inspections is None:
        inspections = [["12-1-101", item, D0, "李工", "合格"] for item in ITEMS]
    sheets = {"项目表": [PROJECT, project or project_row()],
              "验收记录": [["12栋验楼单"], INSPECTION, *inspections],
              "抽检记录": [RECHECK, *rechecks] if rechecks else [RECHECK, ["12-1-999", "无", date(2020, 1, 1), "无", "1", "合格"]],
              "整改跟踪": [CASE, *cases] if cases else [CASE]}
    if plan is not None:
        sheets["验收计划"] = [["房号", "计划验收日期", "验收人"], *plan]
    write_xlsx(folder / "接管验收台账.xlsx", sheets)
    return folder


def draw_order(day: date, pairs) -> list[tuple[str, str]]:
    facts = [SimpleNamespace(subject=u, matter=i) for u, i in pairs]
    return [(f.subject, f.matter) for f, _, _ in ranked(facts, day, SITE)]


def sheet_rows(result, title: str) -> list[tuple]:
    wb = openpyxl.load_workbook(next(result.folder.glob("异常清单_*.xlsx")), read_only=True)
    if title not in wb.sheetnames:
        return []
    return list(wb[title].iter_rows(values_only=True))[1:]


def hits(result, *rules):
    """Tonight's findings of these rules (not the fines register's per-person entries, 员工罚款)."""
    return [f for f in result.findings if f.rule in rules and f.category != "员工罚款"]


# ---------------------------------------------------------------------------------------------------------
# the staged draw (the sample primitive, generic)

@pytest.mark.parametrize("n, first, widened, rest", [(1, 1, 0, 0), (5, 1, 2, 2), (11, 3, 4, 4)])
def test_twenty_then_thirty_percent_rounded_up(n, first, widened, rest):
    assert sample_size(0.2, n) == first == math.ceil(n / 5)
    order = list(range(n))
    always = [lambda c: True, lambda c: True]
    sizes = [len(s) for s in stages_of(order, [0.2, 0.3, 1], always)]
    assert sizes == [s for s in (first, widened, rest) if s]  # 1 item: nothing left to widen with
    assert sum(sizes) == n if n > 1 else sizes == [1]


def test_a_failure_in_round_one_widens_once_and_a_clean_round_two_stops():
    order = list(range(11))
    fails_first = lambda c: c == 0  # noqa: E731  (rank 1 fails; nothing in round 2 fails)
    stages = stages_of(order, [0.2, 0.3, 1], [fails_first, fails_first])
    assert stages == [[0, 1, 2], [3, 4, 5, 6]]
    assert stages_of(order, [0.2, 0.3, 1], [lambda c: False] * 2) == [[0, 1, 2]]
    fails_second = lambda c: c == 5  # noqa: E731  (only round 2 has a failure: round 2 is never drawn)
    assert stages_of(order, [0.2, 0.3, 1], [fails_second, fails_second]) == [[0, 1, 2]]


def test_the_draw_is_seeded_by_date_site_unit_and_item():
    facts = [SimpleNamespace(subject="12-1-101", matter=i) for i in ITEMS]
    rows = ranked(facts, D0, SITE)
    assert rows[0][1].startswith(f"{D0.isoformat()}|{SITE}|12-1-101|")
    assert all(h == sample_key(seed) for _, seed, h in rows)
    assert [h for _, _, h in rows] == sorted(h for _, _, h in rows)


# ---------------------------------------------------------------------------------------------------------
# T2 across nights: round 1 (3 of 11), a failure → round 2 (4 more), a failure → round 3 (the other 4), missed

def test_recheck_rounds_across_nights_and_a_missed_recheck(tmp_path, night):
    order = draw_order(D0, [("12-1-101", i) for i in ITEMS])
    r1, r2, r3 = order[:3], order[3:7], order[7:]
    out = tmp_path / "out"
    led = estate(tmp_path / "a")
    n1 = night(led, out, "2026-11-16")
    rows = sheet_rows(n1, "抽检清单")
    assert [(r[2], r[3], r[4], r[5], (r[6], r[7])) for r in rows] == [
        (1, 11, 3, k + 1, pair) for k, pair in enumerate(r1)]
    assert all(r[8] == sample_key(r[9]) and r[9] == f"2026-11-16|{SITE}|{r[6]}|{r[7]}" for r in rows)

    # 11-17: round 1 re-checked, the first of them fails (错报) → round 2 drawn tonight, due on the 18th
    checks = [[u, i, date(2026, 11, 17), "陈立新", "1", "不合格" if (u, i) == r1[0] else "合格"] for u, i in r1]
    n2 = night(estate(tmp_path / "b", rechecks=checks), out, "2026-11-17")
    rows = sheet_rows(n2, "抽检清单")
    assert [(r[2], r[4], (r[6], r[7])) for r in rows] == [(2, 4, pair) for pair in r2]
    misreport = hits(n2, "T14-13")
    assert [(f.subject, f.matter) for f in misreport] == [r1[0]]
    assert not hits(n2, "T2-2")

    # 11-18: round 2 re-checked, one fails → round 3: all the rest, due on the 19th
    checks += [[u, i, date(2026, 11, 18), "陈立新", "2", "不合格" if (u, i) == r2[2] else "合格"] for u, i in r2]
    n3 = night(estate(tmp_path / "c", rechecks=checks), out, "2026-11-18")
    rows = sheet_rows(n3, "抽检清单")
    assert [(r[2], r[4], (r[6], r[7])) for r in rows] == [(3, 4, pair) for pair in r3]
    assert not hits(n3, "T2-2")

    # 11-19 passes without re-checking round 3: the next night each of the four is a finding and a fine
    n4 = night(estate(tmp_path / "d", rechecks=checks), out, "2026-11-19")
    assert not hits(n4, "T2-2")  # still the 19th: due by its end
    assert sheet_rows(n4, "抽检清单") == []  # nothing drawn twice
    n5 = night(estate(tmp_path / "e", rechecks=checks), out, "2026-11-20")
    missed = hits(n5, "T2-2")
    assert sorted((f.subject, f.matter) for f in missed) == sorted((u, f"{i}|3") for u, i in r3)
    assert all("2026-11-19 23:59" in f.message and "第3轮" in f.message for f in missed)
    # the error rate: 7 re-checked, 2 failed → above 3%
    t7 = hits(n5, "T7-1")
    assert len(t7) == 1 and "差错率 28.57%" in t7[0].message


# ---------------------------------------------------------------------------------------------------------
# T3: the 《整改通知书》, once, numbered, addressed to the 房产工程部; the 24 h clock

def case(cid, found, notified=None, receipt=None, *, origin="接管验收", unit="12-1-101", item="墙面",
         problem="墙面空鼓", severity="一般", deadline=None, rectified=None, reinspected=None, result=None,
         rounds=None, whole=None, chased=None, reported=None, escalated=None, who="孙敏"):
    return [cid, origin, unit, item, problem, severity, found, notified, receipt, deadline, rectified, reinspected,
            result, rounds, whole, chased, reported, escalated, who]


def test_a_new_nonconformity_gets_one_numbered_notice(tmp_path, night):
    out = tmp_path / "out"
    cases = [case("ZG-1", datetime(2026, 11, 20, 9, 0), deadline=date(2026, 11, 23))]
    first = night(estate(tmp_path / "a", cases=cases), out, "2026-11-20")
    notice = hits(first, "T3-1")
    assert [(f.subject, f.number) for f in notice] == [("ZG-1", "整改字〔2026〕第0001号")]
    batch = next((first.folder / "打印批次").glob("打印批次_整改通知书_1份.docx"))
    text = document_text(batch)
    for words in ("整改通知书", "整改字〔2026〕第0001号", "房产工程部：", "12-1-101", "墙面", "墙面空鼓",
                  "2026-11-20 09:00", "2026-11-23 23:59前（联席会议确定）", "第二十二条"):
        assert words in text, words
    assert not hits(first, "T3-2")  # 24 h not over at 23:59:59 on the 20th
    second = night(estate(tmp_path / "b", cases=cases), out, "2026-11-21")
    assert not hits(second, "T3-1")  # never twice
    assert "整改通知书" not in second.documents
    late = hits(second, "T3-2")
    assert len(late) == 1 and "2026-11-21 09:00" in late[0].message and "已超时" in late[0].message


@pytest.mark.parametrize("notified, late", [(datetime(2026, 11, 21, 8, 59), False), (datetime(2026, 11, 21, 9, 1), True)])
def test_written_notice_23_59_vs_24_01_after_discovery(tmp_path, night, notified, late):
    cases = [case("ZG-1", datetime(2026, 11, 20, 9, 0), notified, "王工")]
    result = night(estate(tmp_path / "a", cases=cases), tmp_path / "out", "2026-11-22")
    found = hits(result, "T3-2")
    assert bool(found) is late
    if late:
        assert "超时 1分钟" in found[0].message


# ---------------------------------------------------------------------------------------------------------
# T4: the chase ladder across nights — day 3 nothing, day 4 《整改催办函》, day 8 《整改情况书面报告》, each once

def test_chase_ladder_day_three_four_and_eight(tmp_path, night):
    out = tmp_path / "out"
    cases = [case("ZG-1", datetime(2026, 11, 16, 10, 0), datetime(2026, 11, 16, 15, 0), "王工")]
    led = estate(tmp_path / "a", cases=cases)
    docs = {}
    for day in range(16, 27):
        result = night(led, out, f"2026-11-{day}")
        ladder = [f for f in hits(result, "T4-1", "T4-2") if f.document]
        docs[day] = [(f.rule, f.document, f.number) for f in ladder]
    assert docs[19] == []  # day 3
    assert docs[20] == [("T4-1", "整改催办函", "催办字〔2026〕第0001号")]  # day 4
    assert all(docs[d] == [] for d in (21, 22, 23))
    assert docs[24] == [("T4-2", "整改情况书面报告", "整改报字〔2026〕第0001号")]  # day 8
    assert docs[25] == docs[26] == []
    # neither the chase nor the reports were recorded: day 4's chase was due by the end of day 5
    t43 = hits(result, "T4-3")
    assert len(t43) == 1 and "2026-11-21 23:59" in t43[0].message
    text = document_text(next((out / "2026-11-24" / "打印批次").glob("*整改情况书面报告*")))
    assert "公司领导、房产工程部领导、房产公司领导：" in text and "整改字" not in text


def test_a_missed_night_catches_up_at_the_highest_step_only(tmp_path, night):
    cases = [case("ZG-1", datetime(2026, 11, 10, 10, 0), datetime(2026, 11, 10, 15, 0), "王工")]
    result = night(estate(tmp_path / "a", cases=cases), tmp_path / "out", "2026-11-20")
    assert [f.document for f in hits(result, "T4-1", "T4-2") if f.document] == ["整改情况书面报告"]
    assert "整改催办函" not in result.documents


# ---------------------------------------------------------------------------------------------------------
# fines: every lapse carries its amounts and clause (through the area's outcomes)

def outcomes(folder: Path, as_of: str, tmp_path: Path):
    book = load_rulebook(REPO / "rules")
    loaded = read_ledgers(folder)
    records, _ = validate(loaded)
    register = Register(tmp_path / "register.sqlite")
    register.load(parse_as_of(as_of).date())
    ctx = Context(parse_as_of(as_of), date(2026, 11, 22), book, WorkCalendar.from_rules(REPO / "rules"), register,
                  records)
    derived = AREA.derive(records, ctx)
    return derived, apply_area(AREA, derived, ctx, load_documents(REPO / "forms"))


def test_findings_carry_their_fines_and_clauses(tmp_path):
    cases = [
        case("ZG-2", datetime(2026, 11, 16, 14), datetime(2026, 11, 17, 15), None, rectified=datetime(2026, 11, 18, 10),
             reinspected=datetime(2026, 11, 19, 16), result="合格", rounds=1, whole="否"),
        case("ZG-4", datetime(2026, 11, 17, 11), datetime(2026, 11, 17, 16), "王工",
             rectified=datetime(2026, 11, 19, 9), reinspected=datetime(2026, 11, 19, 15), result="不合格", rounds=3),
        case("ZG-5", datetime(2026, 11, 18, 9), datetime(2026, 11, 18, 11), "王工", severity="重大"),
    ]
    _, out = outcomes(estate(tmp_path / "a", cases=cases), "2026-11-20", tmp_path)
    got = sorted((f.rule.id, f.fact.subject, f.person, int(f.amount), f.spec.clause) for f in out.fines)
    assert got == sorted([
        ("T3-2", "ZG-2", "陈立新", 100, "000 › 篇12 › 第二十二条附则"),  # notice 25 h after discovery
        ("T3-3", "ZG-2", "陈立新", 100, "000 › 篇12 › 第二十二条附则"),  # no signed receipt
        ("T3-4", "ZG-2", "陈立新", 100, "000 › 篇12 › 第二十二条附则"),  # re-inspection 30 h after
        ("T6-1", "ZG-2", "孙敏", 50, "000 › 篇12 › 第二十一条附则"),  # only the item re-inspected
        ("T6-1", "ZG-4", "孙敏", 50, "000 › 篇12 › 第二十一条附则"),  # no inspection rows of that unit after
        ("T5-2", "ZG-4", "陈立新", 100, "000 › 篇12 › 第二十五条附则"),  # third failure not reported in 24 h
        ("T8-2", "ZG-5", "陈立新", 300, "000 › 篇12 › 第二十三条附则"),  # 重大: no written report in 24 h
    ])


def test_the_third_failed_rectification_must_be_reported(tmp_path):
    def facts(rounds, result):
        cases = [case("ZG-4", datetime(2026, 11, 17, 11), datetime(2026, 11, 17, 16), "王工",
                      rectified=datetime(2026, 11, 19, 9), reinspected=datetime(2026, 11, 19, 15), result=result,
                      rounds=rounds, whole="是")]
        _, out = outcomes(estate(tmp_path / f"r{rounds}{result}", cases=cases), "2026-11-20", tmp_path)
        return sorted({f.rule for f in out.findings if f.policy == "T5"})

    assert facts(2, "不合格") == []
    assert facts(3, "合格") == []  # two failures, then passed
    assert facts(3, "不合格") == ["T5-1", "T5-2"]


def test_coverage_after_the_end_date(tmp_path, night):
    plan = [["12-1-101", D0, "李工"], ["12-1-102", D0, "赵工"]]
    rows = [["12-1-101", item, D0, "李工", "合格"] for item in ITEMS[:-1]]  # the last item never inspected
    led = estate(tmp_path / "a", inspections=rows, plan=plan, project=project_row(end=date(2026, 11, 18)))
    assert not [f for f in hits(night(led, tmp_path / "o1", "2026-11-18"), "T1-1")]
    result = night(led, tmp_path / "o2", "2026-11-19")
    gaps = sorted((f.subject, f.matter) for f in hits(result, "T1-1"))
    assert gaps == [("12-1-101", ITEMS[-1]), ("12-1-102", "（整户）")]
    _, out = outcomes(led, "2026-11-19", tmp_path)
    fines = sorted((f.fact.subject, f.person, int(f.amount)) for f in out.fines if f.rule.id == "T1-1")
    assert fines == [("12-1-101", "李工", 50), ("12-1-101", "李工", 100), ("12-1-102", "赵工", 100),
                     ("12-1-102", "陈立新", 50)] or fines == sorted([
                         ("12-1-101", "李工", 100), ("12-1-101", "陈立新", 50), ("12-1-102", "赵工", 100),
                         ("12-1-102", "陈立新", 50)])


# ---------------------------------------------------------------------------------------------------------
# M1a and data problems

def test_move_in_problem_gets_a_notice_to_the_repairing_department_and_a_second_inspection_clock(tmp_path, night):
    cases = [case("RY-1", datetime(2026, 11, 19, 10), origin="入伙验房", unit="1-1-101", item=None,
                  problem="次卧墙面渗水", deadline=date(2026, 11, 26)),
             case("RY-2", datetime(2026, 11, 12, 15), datetime(2026, 11, 12, 17), "刘工", origin="入伙验房",
                  unit="1-1-102", item=None, problem="厨房柜门脱落", rectified=datetime(2026, 11, 16, 11))]
    result = night(estate(tmp_path / "a", cases=cases), tmp_path / "out", "2026-11-20")
    notice = hits(result, "M1a-1")
    assert [(f.subject, f.document) for f in notice] == [("RY-1", "整改通知书")]
    text = document_text(next((result.folder / "打印批次").glob("*整改通知书*")))
    assert "工程部：" in text and "次卧墙面渗水" in text and "2026-11-26 23:59前（与业主约定）" in text
    assert "二次验收" in text
    second = hits(result, "M1a-3")
    assert [f.subject for f in second] == ["RY-2"] and "2026-11-17 11:00" in second[0].message


def test_the_notice_context_keeps_the_shared_contract(tmp_path):
    cases = [case("ZG-1", datetime(2026, 11, 20, 9, 0))]
    _, out = outcomes(estate(tmp_path / "a", cases=cases), "2026-11-20", tmp_path)
    (context,) = out.notices["整改通知书"]
    for key in ("number", "title", "issue_date", "addressee", "unit", "items", "deadline", "basis", "citation",
                "company"):
        assert key in context, key
    assert context["items"] == [{"item": "墙面", "problem": "墙面空鼓", "found_at": "2026-11-20 09:00"}]
    assert context["addressee"] == "房产工程部"


def test_an_unreadable_result_is_a_data_finding_not_a_silent_skip(tmp_path, night):
    rows = [["12-1-101", "入户门", D0, "李工", "待定"]]
    result = night(estate(tmp_path / "a", inspections=rows), tmp_path / "out", "2026-11-16")
    bad = hits(result, "DATA-result")
    assert len(bad) == 1 and "待定" in bad[0].message and "验收结果" in bad[0].message


def test_the_demo_ledgers_show_a_draw_notices_a_chase_and_fines(tmp_path, night, demo_ledgers):
    if not (demo_ledgers / "接管验收台账.xlsx").exists():
        pytest.skip("demo ledgers not regenerated yet (make samples)")
    result = night(demo_ledgers, tmp_path / "out", "2026-11-20")
    ours = [f for f in hits(result, "T3-1", "M1a-1") if f.document == "整改通知书"]
    assert sorted(f.subject for f in ours) == ["RY-001", "ZG-003", "ZG-006"]
    assert result.documents.get("整改通知书", 0) >= 3  # the renovation area issues it too
    assert result.documents.get("整改催办函") == 1 and result.documents.get("整改情况书面报告") == 1
    assert len(sheet_rows(result, "抽检清单")) > 0
    rules = {f.rule for f in result.findings}
    assert {"T3-2", "T3-3", "T3-4", "T4-3", "T4-5", "T5-2", "T6-1", "T7-1", "T8-2", "T14-13", "M1a-1", "M1a-3"} <= rules
    data = json.loads((result.folder / "findings.json").read_text(encoding="utf-8"))
    assert any(f["rule"] == "T8-2" for f in data)
