"""Demo ledgers for the takeover inspection (issue 11): building 12 of 和园二期 under inspection.

``接管验收台账.xlsx`` with sheets 项目表 (takeover_projects), 验收计划 (inspection_plans), 验收记录 (inspections),
抽检记录 (rechecks) and 整改跟踪 (rectifications, with two 入伙验房 rows for M1a). The inspection runs from
2026-11-16; the demo night is 2026-11-20. The re-check rows are written for the items the engine draws (the
draw is computed with the engine's own functions, so the demo and the engine can never disagree).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

FILE = "接管验收台账.xlsx"
SITE = "和园二期12栋"
LEAD, HEAD = "陈立新", "周敏"
ITEMS = ["入户门", "窗户", "墙面", "地面", "给排水", "电气"]
INSPECTORS = ["李工", "赵工"]
DAYS = [dt.date(2026, 11, d) for d in (16, 17, 18, 19, 20)]  # floor 1 on the 16th … floor 5 on the 20th
UNITS = [f"12-1-{floor}0{room}" for floor in range(1, 7) for room in (1, 2)]
FAILED = {("12-1-101", "墙面"): "墙面空鼓约0.5㎡", ("12-1-102", "给排水"): "卫生间下水管接口渗水",
          ("12-1-201", "窗户"): "主卧窗户玻璃破裂", ("12-1-202", "入户门"): "入户门锁芯卡滞",
          ("12-1-301", "地面"): "客厅楼板贯通裂缝", ("12-1-402", "电气"): "厨房插座无电"}


def _save(path: Path, sheets: dict[str, list[list]]) -> None:
    from sample_areas._book import save

    save(path, sheets, formats=False)


def draw(day: dt.date, candidates: list[tuple[str, str]], rates=(0.2, 0.3, 1), failed=frozenset()) -> list[list]:
    """The engine's staged draw of one day's 合格 items (unit, item), with ``failed`` the re-checks that fail."""
    from engine.outcomes.sample import ranked, stages_of

    facts = [SimpleNamespace(subject=u, matter=i) for u, i in candidates]
    order = ranked(facts, day, SITE)
    test = lambda row: (row[0].subject, row[0].matter) in failed  # noqa: E731
    return [[(f.subject, f.matter) for f, _, _ in stage] for stage in stages_of(order, list(rates), [test, test])]


def inspection_rows() -> tuple[list[list], dict[dt.date, list[tuple[str, str]]]]:
    rows, passed = [], {}
    for n, day in enumerate(DAYS):
        for unit in UNITS[2 * n:2 * n + 2]:
            who = INSPECTORS[n % 2]
            for item in ITEMS:
                bad = FAILED.get((unit, item))
                signed = "否" if (unit, item) == ("12-1-302", "入户门") else "是"
                sealed = "否" if unit == "12-1-401" else "是"
                rows.append([unit, item, day, who, "不合格" if bad else "合格", bad, signed, sealed])
                if not bad:
                    passed.setdefault(day, []).append((unit, item))
    return rows, passed


def write(out: Path) -> str:
    project = [["接管验收项目表"],
               ["接管项目", "交楼日期", "验收楼栋", "验收项目清单", "项目负责人", "服务中心负责人", "专题会议日期",
                "受命日期", "实施方案完成日期", "实施方案批准日期", "联席会议日期", "会议纪要完成日期", "会议纪要呈报日期",
                "培训开始日期", "培训完成日期", "培训学时", "考试合格率", "人员进驻日期", "表格资料备齐日期",
                "具体工作方案批复日期", "正式验收开始日期", "验收计划完成日期"],
               [SITE, dt.date(2026, 12, 20), "12栋", "、".join(ITEMS), LEAD, HEAD, dt.date(2026, 10, 15),
                dt.date(2026, 10, 16), dt.date(2026, 10, 22), dt.date(2026, 10, 23), dt.date(2026, 10, 22),
                dt.date(2026, 10, 26), dt.date(2026, 10, 28), dt.date(2026, 10, 26), dt.date(2026, 11, 13), 20, "95%",
                dt.date(2026, 10, 27), dt.date(2026, 11, 8), dt.date(2026, 11, 12), dt.date(2026, 11, 16),
                dt.date(2026, 12, 10)]]
    plan = [["12栋接管验收计划"], ["房号", "计划验收日期", "验收人"]]
    for n, unit in enumerate(UNITS):
        plan.append([unit, DAYS[0] + dt.timedelta(days=n // 2), INSPECTORS[(n // 2) % 2]])
    inspections, passed = inspection_rows()
    header = ["房号", "验收项目", "验收日期", "验收人", "验收结果", "不合格内容", "签名", "已贴封条"]

    # re-checks: the 18th's first draw re-checked on the 19th, one item fails (错报) → the widened draw is
    # re-checked on the 20th, all pass; the 19th's first draw re-checked on the 20th, all pass.
    d1, d2 = DAYS[2], DAYS[3]
    first1 = draw(d1, passed[d1])[0]
    wrong = first1[0]
    stages1 = draw(d1, passed[d1], failed={wrong})
    rechecks = [["验收抽检记录"], ["房号", "验收项目", "抽检日期", "抽检人", "抽检轮次", "抽检结果"]]
    for unit, item in stages1[0]:
        rechecks.append([unit, item, d1 + dt.timedelta(days=1), LEAD, "1", "不合格" if (unit, item) == wrong else "合格"])
    for unit, item in stages1[1]:
        rechecks.append([unit, item, d1 + dt.timedelta(days=2), LEAD, "2", "合格"])
    for unit, item in draw(d2, passed[d2])[0]:
        rechecks.append([unit, item, d2 + dt.timedelta(days=1), LEAD, "1", "合格"])

    t = dt.datetime
    cases = [["不合格项整改跟踪表"],
             ["整改单号", "来源", "房号", "验收项目", "问题描述", "性质", "发现时间", "书面通知时间", "签收人", "整改期限",
              "整改完成时间", "复验时间", "复验结果", "整改次数", "全户复验", "催办时间", "上报时间", "三方上报时间",
              "书面上报房产公司领导时间", "三次未合格上报时间", "责任人"],
             ["ZG-000", "接管验收", "12-1-602", "给排水", "前期摸底发现：阳台地漏无存水弯", "一般", t(2026, 11, 10, 10),
              t(2026, 11, 10, 16), "王工", None, None, None, None, None, None, None, t(2026, 11, 15, 10), None, None,
              None, "孙敏"],
             ["ZG-001", "接管验收", "12-1-101", "墙面", FAILED[("12-1-101", "墙面")], "一般", t(2026, 11, 16, 10),
              t(2026, 11, 16, 15), "王工", dt.date(2026, 11, 18), None, None, None, None, None, None, None, None, None,
              None, "孙敏"],
             ["ZG-002", "接管验收", "12-1-102", "给排水", FAILED[("12-1-102", "给排水")], "一般", t(2026, 11, 16, 14),
              t(2026, 11, 17, 15), None, None, t(2026, 11, 18, 10), t(2026, 11, 19, 16), "合格", 1, "否", None, None,
              None, None, None, "孙敏"],
             ["ZG-003", "接管验收", "12-1-201", "窗户", FAILED[("12-1-201", "窗户")], "一般", t(2026, 11, 17, 9),
              None, None, None, None, None, None, None, None, None, None, None, None, None, "孙敏"],
             ["ZG-004", "接管验收", "12-1-202", "入户门", FAILED[("12-1-202", "入户门")], "一般", t(2026, 11, 17, 11),
              t(2026, 11, 17, 16), "王工", dt.date(2026, 11, 18), t(2026, 11, 19, 9), t(2026, 11, 19, 15), "不合格", 3,
              None, None, None, None, None, None, "孙敏"],
             ["ZG-005", "接管验收", "12-1-301", "地面", FAILED[("12-1-301", "地面")], "重大", t(2026, 11, 18, 9),
              t(2026, 11, 18, 11), "王工", None, None, None, None, None, None, None, None, None, None, None, "孙敏"],
             ["ZG-006", "接管验收", "12-1-402", "电气", FAILED[("12-1-402", "电气")], "一般", t(2026, 11, 19, 16),
              None, None, None, None, None, None, None, None, None, None, None, None, None, "孙敏"],
             ["RY-001", "入伙验房", "1-1-101", None, "次卧墙面渗水（业主验房提出，《房屋验收表》第3项）", "一般",
              t(2026, 11, 19, 10), None, None, dt.date(2026, 11, 26), None, None, None, None, None, None, None, None,
              None, None, "孙敏"],
             ["RY-002", "入伙验房", "1-1-102", None, "厨房柜门脱落（业主验房提出）", "一般", t(2026, 11, 12, 15),
              t(2026, 11, 12, 17), "工程部刘工", dt.date(2026, 11, 15), t(2026, 11, 16, 11), None, None, None, None,
              None, None, None, None, None, "孙敏"]]
    _save(out / FILE, {"项目表": project, "验收计划": plan, "验收记录": [["12栋接管验收记录（验楼单）"], header,
                                                                   *inspections],
                       "抽检记录": rechecks, "整改跟踪": cases})
    return "\n".join([
        "## Takeover inspection (tools/sample_areas/takeover.py)",
        "",
        f"`{FILE}`: {SITE}, hand-over 2026-12-20, inspection from 2026-11-16 (project lead {LEAD}, "
        f"service-centre head {HEAD}). Sheets:",
        f"- `项目表`: the dates of 第四–十七条. 纪要呈报 2026-10-28, due 2026-10-27 (one working day after the minutes) "
        "→ T10-3 (100 元); 人员进驻 2026-10-27, due 2026-10-25 (three days after the joint meeting) → two late days, "
        "T10-7 (50 元 each).",
        f"- `验收计划`: {len(UNITS)} units of building 12, one row each; 验收计划完成日期 2026-12-10, so no coverage "
        "finding on the demo night (T1 runs after that date).",
        f"- `验收记录`: {len(inspections)} rows, two units a day ({', '.join(f'{d:%m-%d}' for d in DAYS)}), six items each; "
        f"{len(FAILED)} 不合格; `12-1-302 入户门` not signed (T14-15, 50 元 李工/赵工); unit `12-1-401` without a seal "
        "(T11-1, 30 元 per row).",
        f"- `抽检记录`: the first draw of {d1:%m-%d} ({len(stages1[0])} of {len(passed[d1])}) re-checked on "
        f"{d1 + dt.timedelta(days=1):%m-%d}; `{wrong[0]} {wrong[1]}` fails → 错报 (T14-13, 50 元), the widened draw "
        f"({len(stages1[1])} more) re-checked on {d1 + dt.timedelta(days=2):%m-%d}; the first draw of {d2:%m-%d} "
        f"re-checked on {d2 + dt.timedelta(days=1):%m-%d}. Error rate 1 of "
        f"{len(stages1[0]) + len(stages1[1]) + len(draw(d2, passed[d2])[0])} > 3% → T7-1 (200 + 100 元). "
        f"The demo night's 抽检清单 lists the draws of the last three days (t2_lookback_days): rounds 1 and 2 for "
        f"{d1:%m-%d}, round 1 for {d2:%m-%d} and {DAYS[4]:%m-%d}.",
        "- `整改跟踪`: ZG-000 (notified 11-10, not rectified, day 10) → 《整改情况书面报告》 (step 2 of the ladder), "
        "chase missed (T4-3: 50 孙敏 + 20) and three-party report missed (T4-5: 100 + 100); ZG-001 (day 4) → "
        "《整改催办函》; ZG-002 notified 25 h after discovery (T3-2), no receipt (T3-3), re-inspected 30 h after "
        "rectification (T3-4), only the item re-inspected (T6-1); ZG-003 and ZG-006 new → 《整改通知书》 (ZG-003's "
        "24 h already missed: T3-2); ZG-004 failed a third time on 11-19 15:00, not reported (T5-2, 100 元); "
        "ZG-005 重大, not reported to the developer's leadership within 24 h (T8-2, 300 元); RY-001 (入伙验房) → "
        "《整改通知书》 to 工程部 (M1a-1); RY-002 rectified 11-16, no second inspection (M1a-3).",
    ])
