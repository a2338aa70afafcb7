"""Demo ledgers for key custody and the fines register (issue 10): the key register, the shift-key sheet and
the staff sheet with the month's bonus.

* ``钥匙借用登记表.xlsx`` › ``11月``: title row 1, header row 2, one loan per row (经办人, 书面报告时间 and a
  combined 断电关窗锁门 column included), every K rule at its boundary on the demo night 2026-11-20.
* ``钥匙交接单.xlsx`` › ``交接``: the seed's pattern — 早班 draws the area keys, 中班 returns them and the
  count is checked — over three days: one day right, one day a key short, one night shift never returned.
* ``员工与奖金.xlsx`` › ``2026年11月``: 姓名, 岗位, 月份, 月奖金 for the customer-service staff and the people the
  takeover demo fines (陈立新, 周敏, 李工, 赵工, 孙敏); 刘洋 only has an October row.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

KEY_FILE, KEY_SHEET = "钥匙借用登记表.xlsx", "11月"
SHIFT_FILE, SHIFT_SHEET = "钥匙交接单.xlsx", "交接"
STAFF_FILE, STAFF_SHEET = "员工与奖金.xlsx", "2026年11月"

T = dt.datetime
KEY_HEADER = ["钥匙编号", "房号/区域", "借用人", "借用人单位", "借用事由", "批准人", "经办人", "借出时间", "归还时间",
              "状态", "未还原因", "书面报告时间", "断电关窗锁门"]
LOANS = [
    # on time: returned 23:59 the same day
    ["K-0101", "1-1-101", "张伟", "客服中心", "维修", "李强", None, T(2026, 11, 18, 9, 0), T(2026, 11, 18, 23, 59),
     "正常", None, None, "是"],
    # one minute late: 00:01 the next day (K1-3, fined 50 to 张伟)
    ["K-0102", "1-1-102", "张伟", "客服中心", "检查", "李强", None, T(2026, 11, 18, 9, 30), T(2026, 11, 19, 0, 1),
     "正常", None, None, "是"],
    # an outside decorator, no approver, no 经办人, not for inspection/cleaning/repair, still out, no cause
    ["K-0203", "2-1-203", "赵师傅", "好家装饰", "装修放样", None, None, T(2026, 11, 18, 10, 0), None,
     "正常", None, None, None],
    # a contractor signed out by 王芳 (经办人) with approval — but the unit was not left safe
    ["K-0204", "2-1-204", "钱师傅", "好家装饰", "维修", "李强", "王芳", T(2026, 11, 19, 9, 0), T(2026, 11, 19, 11, 30),
     "正常", None, None, "否"],
    # staff, approver blank
    ["K-0305", "3-1-305", "王芳", "客服中心", "清洁", None, None, T(2026, 11, 19, 14, 0), T(2026, 11, 19, 16, 0),
     "正常", None, None, "是"],
    # lost; the written report came the next day
    ["K-0306", "3-1-306", "张伟", "客服中心", "检查", "李强", None, T(2026, 11, 16, 9, 0), None,
     "遗失", None, T(2026, 11, 17, 10, 0), None],
    # damaged, returned and reported the same day
    ["K-0110", "1-1-110", "王芳", "客服中心", "查看", "李强", None, T(2026, 11, 20, 8, 30), T(2026, 11, 20, 10, 0),
     "损坏", None, T(2026, 11, 20, 15, 0), "是"],
    # out overnight with its cause recorded (K1-3 and a fine, but no K2); 刘洋 has no November bonus row
    ["K-0407", "4-1-407", "刘洋", "工程部", "维修", "李强", None, T(2026, 11, 19, 10, 0), None,
     "正常", "业主不在家，维修未完，明早交回", None, None],
    # lent on the demo night and not yet back: the day is not over, nothing to say
    ["K-0408", "4-1-408", "张伟", "客服中心", "检查", "李强", None, T(2026, 11, 20, 9, 0), None,
     "正常", None, None, None],
    # lent after the demo night: not seen on 2026-11-20
    ["K-0509", "5-1-509", "王芳", "客服中心", "维修", None, None, T(2026, 11, 21, 9, 0), None,
     "正常", None, None, None],
]
SHIFT_HEADER = ["日期", "班次", "领用人", "领用数量", "交回人", "交回数量", "核对人"]
D = dt.date
SHIFTS = [
    [D(2026, 11, 18), "早班", "张伟", 12, None, None, None],
    [D(2026, 11, 18), "中班", None, None, "王芳", 12, "李强"],
    [D(2026, 11, 19), "早班", "张伟", 12, None, None, None],
    [D(2026, 11, 19), "中班", None, None, "王芳", 11, "李强"],  # one key short
    [D(2026, 11, 19), "夜班", "刘洋", 3, None, None, None],      # never returned
    [D(2026, 11, 20), "早班", "张伟", 12, None, None, None],
    [D(2026, 11, 20), "中班", None, None, "王芳", 12, None],      # no checker
]
STAFF_HEADER = ["姓名", "岗位", "月份", "月奖金"]
STAFF = [
    ["李强", "项目负责人", "2026-11", 800],
    ["王芳", "客服主管", "2026-11", 500],
    ["张伟", "客服管家", "2026-11", 200],
    ["刘洋", "维修工", "2026-10", 300],
    ["陈立新", "接管验收项目负责人", "2026-11", 1000],
    ["周敏", "服务中心负责人", "2026-11", 800],
    ["李工", "验收员", "2026-11", 300],
    ["赵工", "验收员", "2026-11", 300],
    ["孙敏", "工程部主管", "2026-11", 600],
]


def _save(path: Path, title: str | None, header: list, rows: list[list], sheet: str) -> None:
    from sample_areas._book import save, table

    save(path, {sheet: table(title, header, rows)})


def write(out: Path) -> str:
    _save(out / KEY_FILE, "和园小区钥匙借用登记表（2026年11月）", KEY_HEADER, LOANS, KEY_SHEET)
    _save(out / SHIFT_FILE, "钥匙交接单", SHIFT_HEADER, SHIFTS, SHIFT_SHEET)
    _save(out / STAFF_FILE, None, STAFF_HEADER, STAFF, STAFF_SHEET)
    return "\n".join([
        "## Key custody and staff fines (tools/sample_areas/keys.py)",
        "",
        f"- `{KEY_FILE}` › `{KEY_SHEET}`: title row 1, header row 2, {len(LOANS)} loans in rows 3–{len(LOANS) + 2} "
        "(钥匙编号, 房号/区域, 借用人, 借用人单位, 借用事由, 批准人, 经办人, 借出时间, 归还时间, 状态, 未还原因, "
        "书面报告时间, 断电关窗锁门).",
        f"- `{SHIFT_FILE}` › `{SHIFT_SHEET}`: 早班 draws, 中班 returns (日期, 班次, 领用人, 领用数量, 交回人, 交回数量, 核对人).",
        f"- `{STAFF_FILE}` › `{STAFF_SHEET}`: the staff sheet (姓名, 岗位, 月份, 月奖金): staff = these names (K3), "
        "the project lead = 岗位 项目负责人 (K6), the bonus caps the month's fines (T13).",
        "",
        "Expected on 2026-11-20 (rules/keys.yaml; the fines register, engine/record/fines.py):",
        "",
        "| key / row | expected |",
        "|---|---|",
        "| `K-0101` returned 23:59 the same day | nothing |",
        "| `K-0102` returned 00:01 the next day | **K1-3** (超时 1分钟); fine 50 张伟 (K6-2) |",
        "| `K-0203` 赵师傅 (好家装饰) | **K1-1** (装修放样), **K1-3** + **K2-1** each night (out, no cause), "
        "**K3-1** (no 经办人), **K3-2** (no approver); its fine names nobody → **DATA-fine-no-person** |",
        "| `K-0204` 钱师傅 via 王芳 | **K7-1** (断电关窗锁门: 否); fine 50 王芳 (经办人) |",
        "| `K-0305` 王芳 | **K1-2** (批准人空白); fine 50 王芳 |",
        "| `K-0306` lost, reported the next day | **K5-1** (于 2026-11-17 10:00 才完成); fines 200 张伟 + 100 李强 (项目负责人) |",
        "| `K-0110` damaged, reported the same day | **K5-1** (已于 2026-11-20 15:00 完成); no fine (damaged is not lost) |",
        "| `K-0407` 刘洋, cause recorded | **K1-3**, no K2; fine 50 刘洋 → **DATA-bonus-no-row** (only an October bonus) |",
        "| `K-0408` lent today, `K-0509` lent tomorrow | nothing |",
        "| 钥匙交接 2026-11-19 早班→中班 | **K4-1** (12 drawn, 11 returned); fine 50 王芳 (交回人) |",
        "| 钥匙交接 2026-11-19 夜班 | **K4-2** (no return) |",
        "| 钥匙交接 2026-11-20 早班→中班 | **K4-3** (no checker) |",
        "| 《员工过失单》 | one per staff fine, one print batch (`打印批次_员工过失单_N份.docx`, with the takeover demo's fines) |",
        "| **扣罚汇总** sheet | 张伟 250 fines vs 200 bonus → 200 deducted, 50 not (扣完为止); 王芳 150 of 500; "
        "李强 100 of 800; 刘洋 no bonus row (未计算) |",
    ])
