"""Demo ledgers for satisfaction surveys, the GM reception day and the GM mailbox (issue 15, S1–S5).

* ``业户满意度调查登记.xlsx`` › ``2026年11月``: 《业户满意度调查表》 handed out on 2026-11-03 to twenty households of
  building 10 by two 物业助理; two were completed by phone (10 %, over the 5 % line), one 物业助理 handed his forms
  in at 08:31 on the third morning, sixteen of twenty satisfied (80 %).
* ``总经理接待日记录表.xlsx`` › ``接待日``: the third-quarter reception day, notified six days ahead.
* ``总经理信箱信件处理台帐.xlsx`` › ``台帐``: two letters, reported at 08:30 and 08:31 the next morning.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sample_areas.movein import _save  # the same deterministic workbook writer

T, D = dt.datetime, dt.date
SURVEY_FILE, SURVEY_SHEET = "业户满意度调查登记.xlsx", "2026年11月"
RECEPTION_FILE, RECEPTION_SHEET = "总经理接待日记录表.xlsx", "接待日"
LETTER_FILE, LETTER_SHEET = "总经理信箱信件处理台帐.xlsx", "台帐"

SURVEY_HEADER = ["房号", "调查期次", "发放日期", "物业助理", "回收日期", "交客服部时间", "填写方式", "客服主管同意",
                 "总体评价", "意见建议", "回访日期", "问卷定稿日期", "问卷审批人", "统计报告日期"]


def _surveys() -> list[list]:
    rows = []
    for i in range(20):
        unit = f"10-{1 + i // 10}-{101 + (i % 10) // 2 * 100 + i % 2}"
        assistant = "张伟" if i < 10 else "刘洋"
        submitted = T(2026, 11, 6, 8, 20) if i < 10 else T(2026, 11, 6, 8, 31)
        phone = i in (3, 14)
        score = "不满意" if i in (5, 9, 12, 18) else "满意"
        rows.append([unit, "2026年下半年", D(2026, 11, 3), assistant, D(2026, 11, 5), submitted,
                     "电话" if phone else "亲笔", "王芳" if phone else None, score,
                     "电梯等候时间长" if i == 5 else None, D(2026, 11, 9) if i == 5 else None,
                     D(2026, 10, 1), "李强", D(2026, 11, 10)])
    return rows


RECEPTION_HEADER = ["接待日期", "通知日期", "来访业户", "房号", "谈话内容", "记录人"]
RECEPTIONS = [[D(2026, 9, 18), D(2026, 9, 12), "李秀英", "1-1-302", "地下车库照明不足", "王芳"],
              [D(2026, 9, 18), D(2026, 9, 12), "刘洋", "1-1-1501", "希望增加快递柜", "王芳"]]
LETTER_HEADER = ["信件编号", "信箱", "开箱时间", "来信人", "房号", "来信内容", "呈报时间", "领导批示"]
LETTERS = [["XX-1101", "管理处总经理信箱", T(2026, 11, 18, 16, 0), "王建国", "1-1-101", "车位收费标准咨询",
            T(2026, 11, 19, 8, 30), "按标准答复"],
           ["XX-1102", "管理处总经理信箱", T(2026, 11, 18, 16, 0), "李秀英", "1-1-302", "夜间装修噪音",
            T(2026, 11, 19, 8, 31), "加强巡查"]]


def write(out: Path) -> str:
    rows = _surveys()
    _save(out / SURVEY_FILE, "2026年下半年业户满意度调查表发放回收登记", SURVEY_HEADER, rows, SURVEY_SHEET)
    _save(out / RECEPTION_FILE, None, RECEPTION_HEADER, RECEPTIONS, RECEPTION_SHEET)
    _save(out / LETTER_FILE, None, LETTER_HEADER, LETTERS, LETTER_SHEET)
    return "\n".join([
        "## Satisfaction survey, GM reception day and GM mailbox (tools/sample_areas/satisfaction.py)",
        "",
        f"- `{SURVEY_FILE}` › `{SURVEY_SHEET}`: title row 1, header row 2, {len(rows)} 《业户满意度调查表》 in rows 3–"
        f"{len(rows) + 2}, handed out 2026-11-03 by 张伟 (rows 3–12) and 刘洋 (rows 13–22), returned 2026-11-05.",
        f"- `{RECEPTION_FILE}` › `{RECEPTION_SHEET}`: the reception day of 2026-09-18, two visitors.",
        f"- `{LETTER_FILE}` › `{LETTER_SHEET}`: two letters opened 2026-11-18 16:00.",
        "",
        "Expected on 2026-11-20 (rules/satisfaction.yaml):",
        "",
        "| what | expected |",
        "|---|---|",
        "| 刘洋's forms handed in 2026-11-06 08:31 | **S1-4** (超时 1分钟); 张伟's at 08:20: nothing |",
        "| 2 of 20 households by phone (10.00%) | **S2-1** |",
        "| 16 of 20 satisfied (80.00%) | **S3-1** |",
        "| reception day 2026-09-18 notified 2026-09-12 | **S4-2** (只提前 6 天) |",
        "| `XX-1101` reported 08:30 the next day | nothing |",
        "| `XX-1102` reported 08:31 the next day | **S4-4** (超时 1分钟) |",
        "| the opinion of row 8 visited 2026-11-09 | nothing (within the week after the return deadline) |",
    ])
