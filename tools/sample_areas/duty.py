"""Demo ledgers for shift hand-over and duty logs (issue 15, D1–D4).

* ``交接班记录.xlsx`` › ``交接班``: three hand-overs at the 客服前台: one complete, one without the incoming person's
  signature, one recorded while a burst pipe was still being repaired (002 › 篇2 › 2.4 ⑴).
* ``值班记录表.xlsx`` › ``值班``: two weeks of duty records of two posts; a major event on 2026-11-17 reported in
  writing only on 2026-11-19; the 大堂值守 week of 2026-11-09 never checked.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sample_areas.movein import _save  # the same deterministic workbook writer

T, D = dt.datetime, dt.date
HANDOVER_FILE, HANDOVER_SHEET = "交接班记录.xlsx", "交接班"
DUTY_FILE, DUTY_SHEET = "值班记录表.xlsx", "值班"

HANDOVER_HEADER = ["交接班时间", "班次", "交班人", "接班人", "交接事项", "原因", "经过", "结果", "交班人签字",
                   "接班人签字", "重大或紧急事件未处理完", "交接准备工作完成"]
HANDOVERS = [
    [T(2026, 11, 18, 17, 0), "白班", "张伟", "王芳", "3栋电梯困人", "停电", "报修并安抚业主", "已恢复运行", "张伟", "王芳",
     "否", "是"],
    # the incoming person did not sign (D1-1)
    [T(2026, 11, 19, 17, 0), "白班", "张伟", "王芳", "2栋门禁故障", "读卡器损坏", "已报工程部", "待更换", "张伟", None,
     "否", "是"],
    # handed over while the burst pipe was still being repaired (D2-1)
    [T(2026, 11, 20, 17, 0), "白班", "刘洋", "王芳", "5栋水管爆裂", "管件老化", "关阀抢修", "抢修中", "刘洋", "王芳",
     "是，抢修未完", "是"],
]
DUTY_HEADER = ["值班日期", "岗位", "值班人", "值班起止时间", "值班情况", "处理结果", "重大事件", "书面报告时间", "检查人",
               "检查日期"]
DUTY = [
    [D(2026, 11, 10), "客服前台", "张伟", "08:00-17:00", "正常", None, "否", None, "李强", D(2026, 11, 13)],
    [D(2026, 11, 11), "大堂值守", "王芳", "08:00-17:00", "业主咨询停车", "已答复", "否", None, None, None],
    # a major event on the 17th, written report only on the 19th (D3-1)
    [D(2026, 11, 17), "客服前台", "张伟", "08:00-17:00", "地下车库进水", "已排水", "是", T(2026, 11, 19, 10, 0), "李强",
     D(2026, 11, 20)],
    [D(2026, 11, 18), "大堂值守", "王芳", "08:00-17:00", "正常", None, "否", None, "李强", D(2026, 11, 20)],
]


def write(out: Path) -> str:
    _save(out / HANDOVER_FILE, "客服部交接班记录", HANDOVER_HEADER, HANDOVERS, HANDOVER_SHEET)
    _save(out / DUTY_FILE, None, DUTY_HEADER, DUTY, DUTY_SHEET)
    return "\n".join([
        "## Shift hand-over and duty logs (tools/sample_areas/duty.py)",
        "",
        f"- `{HANDOVER_FILE}` › `{HANDOVER_SHEET}`: title row 1, header row 2, {len(HANDOVERS)} hand-overs in rows 3–"
        f"{len(HANDOVERS) + 2}.",
        f"- `{DUTY_FILE}` › `{DUTY_SHEET}`: header row 1, {len(DUTY)} duty records in rows 2–{len(DUTY) + 1}.",
        "",
        "Expected on 2026-11-20 (rules/duty.yaml):",
        "",
        "| row | expected |",
        "|---|---|",
        "| hand-over 2026-11-18 17:00 | nothing |",
        "| hand-over 2026-11-19 17:00, 接班人签字 blank | **D1-1** |",
        "| hand-over 2026-11-20 17:00 while the pipe repair is unfinished | **D2-1** |",
        "| duty 2026-11-17 major event, report 2026-11-19 10:00 | **D3-1** (超时完成) |",
        "| 大堂值守, week 2026-11-09 to 2026-11-15, no checker | **D4-1** |",
    ])
