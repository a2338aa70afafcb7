"""Demo ledgers for renovation (issue 12, rules/renovation.yaml): the 装修登记表, the 装修违规记录 and the
装修巡查记录 of four renovations in the demo estate, written for the night of 2026-11-20.

* ``装修登记表.xlsx`` › ``装修登记``: title row 1, header row 2, four renovations (房号, 业主姓名, 施工单位, 许可证号,
  发证日期, 开工日期, 预计完工日期, 装修押金, 是否动火, 临时动火作业申请表, 灭火器, 防水高度, 停水停电时间,
  停水停电申请日期).
* ``装修违规记录.xlsx`` › ``违规记录``: five violations (违规类别 in the source's letters; one F told apart by its
  description).
* ``装修巡查记录.xlsx`` › ``巡查记录``: two patrols a day of every unit under renovation from its start date, with a
  few planted lapses, and the 空置房 inspections of two vacant units.
"""
from __future__ import annotations

import datetime
from pathlib import Path

RENO_FILE, RENO_SHEET = "装修登记表.xlsx", "装修登记"
VIOL_FILE, VIOL_SHEET = "装修违规记录.xlsx", "违规记录"
PATROL_FILE, PATROL_SHEET = "装修巡查记录.xlsx", "巡查记录"
D, T = datetime.date, datetime.datetime
NIGHT = D(2026, 11, 20)

RENO_HEADER = ["房号", "业主姓名", "施工单位", "施工负责人电话", "许可证号", "发证日期", "开工日期", "预计完工日期", "装修押金",
               "是否动火", "临时动火作业申请表", "灭火器", "防水高度", "停水停电时间", "停水停电申请日期"]
RENOS = [
    ["1-1-601", None, "安居装饰公司", "13511112222", "ZX-2026-031", D(2026, 10, 24), D(2026, 10, 26), D(2026, 12, 31),
     3000, "是", "DH-012", "是", 1800, None, None],
    ["2-1-803", None, "美家装修工程部", "13622223333", "ZX-2026-035", D(2026, 10, 30), D(2026, 11, 2), D(2027, 1, 15),
     5000, "否", None, None, 1500, T(2026, 11, 12, 9, 0), D(2026, 11, 12)],
    ["3-1-901", None, "安居装饰公司", "13511112222", None, None, D(2026, 11, 9), D(2027, 1, 31), 3000, "否", None, None,
     None, None, None],
    ["3-2-1502", None, "鑫艺装饰", "13733334444", "ZX-2026-040", D(2026, 11, 3), D(2026, 11, 5), D(2027, 2, 28), 3000,
     "否", None, None, 1700, T(2026, 11, 16, 9, 0), D(2026, 11, 14)],
]

VIOL_HEADER = ["发现日期", "房号", "施工单位", "违规类别", "违规内容", "扣款金额", "补缴日期", "处理阶段", "整改期限",
               "整改完成日期", "记录人"]
VIOLATIONS = [
    [D(2026, 11, 10), "1-1-601", "安居装饰公司", "B", "卫生间隐蔽工程未经验收就封闭", 300, D(2026, 11, 11), None, None,
     D(2026, 11, 12), "周明"],
    [D(2026, 11, 12), "1-1-601", "安居装饰公司", "D", "装修垃圾未装袋堆放楼道", 500, D(2026, 11, 14), None, None, None, "周明"],
    [D(2026, 11, 13), "2-1-803", "美家装修工程部", "C", "在电梯厅张贴装修广告", 1000, None, None, None, None, "吴静"],
    [D(2026, 11, 16), "3-1-901", "安居装饰公司", "F", "不服从管理，与保安发生冲突", 1000, D(2026, 11, 17), None, None, None,
     "吴静"],
    [D(2026, 11, 18), "3-2-1502", "鑫艺装饰", "A", "封闭阳台，安装外置阳台罩", 2000, D(2026, 11, 19), "劝阻", None, None,
     "周明"],
]

PATROL_HEADER = ["房号", "巡查时间", "巡查人", "施工情况", "巡查类型", "情况"]


def _patrols() -> list[list]:
    rows = []
    for reno in RENOS:
        unit, start = reno[0], reno[6]
        day = start
        while day <= NIGHT:
            times = [(10, 0), (15, 30)]
            if unit == "3-2-1502" and day == D(2026, 11, 19):
                times = [(10, 0)]  # V5-1: only one patrol that day
            for h, m in times:
                rows.append([unit, T(day.year, day.month, day.day, h, m), "周明" if unit[0] == "1" else "吴静",
                             "施工中", "装修巡查", None])
            day += datetime.timedelta(days=1)
    rows += [
        ["2-1-803", T(2026, 11, 18, 12, 40), "吴静", "施工中", "装修巡查", "午休时间电锤施工，已劝停"],  # V3: Wednesday 12:40
        ["3-1-901", T(2026, 11, 15, 8, 30), "吴静", "施工中", "装修巡查", "星期日八点半切割瓷砖，已劝停"],  # V3: Sunday 08:30
        ["1-2-1801", T(2026, 10, 5, 10, 0), "周明", None, "空置房巡查", "门窗完好"],
        ["1-2-1801", T(2026, 10, 20, 10, 0), "周明", None, "空置房巡查", "天花无渗水"],
        ["3-1-1301", T(2026, 10, 15, 10, 0), "吴静", None, "空置房巡查", "门锁完好"],  # V5-2: once in October
    ]
    rows.sort(key=lambda r: (r[1], r[0]))
    return rows


def _save(path: Path, rows: list[list], sheet: str) -> None:
    from sample_areas._book import save

    save(path, {sheet: rows})


def write(out: Path) -> str:
    _save(out / RENO_FILE, [["和园小区装修登记表"], RENO_HEADER, *RENOS], RENO_SHEET)
    _save(out / VIOL_FILE, [["和园小区装修违规记录（2026年11月）"], VIOL_HEADER, *VIOLATIONS], VIOL_SHEET)
    patrols = _patrols()
    _save(out / PATROL_FILE, [["和园小区装修巡查记录"], PATROL_HEADER, *patrols], PATROL_SHEET)
    return "\n".join([
        "## Renovation (tools/sample_areas/renovation.py)",
        "",
        f"- `{RENO_FILE}` › `{RENO_SHEET}`: title row 1, header row 2, {len(RENOS)} renovations in rows 3–{len(RENOS) + 2}.",
        f"- `{VIOL_FILE}` › `{VIOL_SHEET}`: title row 1, header row 2, {len(VIOLATIONS)} violations.",
        f"- `{PATROL_FILE}` › `{PATROL_SHEET}`: title row 1, header row 2, {len(patrols)} patrols (two a day per "
        "renovation from its start; 空置房 inspections of `1-2-1801` and `3-1-1301`).",
        "",
        "Expected on 2026-11-20 (rules/renovation.yaml):",
        "",
        "| unit | expected |",
        "|---|---|",
        "| `1-1-601` 安居装饰公司 | **V1-D** deduction 500 (topped up on day 2); **V1-B** 500 with **V1-9**: 300.00 recorded |",
        "| `2-1-803` 美家装修工程部 | **V1-C** 1000; **V2-1** not topped up by 2026-11-16 → 《停工通知》; **V3-1** 11-18 "
        "12:40 (Wednesday, lunch break); **V7-1** waterproofing 1500 mm; **V4-1** water/power closed the day it was requested |",
        "| `3-1-901` 安居装饰公司 | **V1-F2** (F + 冲突: the second F) 1000; **V3-1** 11-15 08:30 (Sunday); **V8-1** 无许可证 |",
        "| `3-2-1502` 鑫艺装饰 | **V1-A** 2000; **V6-1** 《整改通知书》 to the owner, deadline 2026-11-21; **V5-1** one patrol on 11-19 |",
        "| `3-1-1301` (vacant) | **V5-2** inspected once in October |",
        "| 装修押金 sheet | one row per contractor and unit: deposit − deductions + top-ups (`2-1-803`: 4,000.00, 1 deduction waiting) |",
    ])
