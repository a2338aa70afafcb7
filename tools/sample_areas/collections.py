"""Demo ledgers for collection after the ladder (issue 13): the 欠费催缴记录表, a 收费标准 sheet, and building 9
(a long-term debtor and a household billed at the wrong price).

* ``欠费催缴记录表.xlsx`` › ``11月催缴``: title row 1, header row 2, one row per contact attempt of the 管家
  (小王: buildings 1–2, 小刘: building 3, 小陈: building 9) for the demo's arrears households.
* ``收费标准.xlsx`` › ``收费标准``: 收费项目, 单价, 单位, 生效日期, 失效日期 — 物业费 2.5 元/㎡·月, 垃圾清运费,
  车位费, 水费 2.0 元/吨 until 2026-06-30 and 2.8 元/吨 from 2026-07-01 (000 篇9).
* ``9栋业主名册.xlsx`` and ``9栋收费台账.xlsx``: two owners of building 9, which appears in no other demo ledger.
"""
from __future__ import annotations

import datetime
from pathlib import Path

LOG_FILE = "欠费催缴记录表.xlsx"
LOG_SHEET = "11月催缴"
TARIFF_FILE = "收费标准.xlsx"
TARIFF_SHEET = "收费标准"
OWNER_FILE = "9栋业主名册.xlsx"
OWNER_SHEET = "9栋"
FEE_FILE = "9栋收费台账.xlsx"
FEE_SHEET = "9栋"

LOG_HEADER = ["房号", "催缴日期", "催缴方式", "欠费分类", "承诺缴费日期", "管家", "客服部审核", "总经理审批",
              "拍照留存", "新联系方式", "主管指导", "备注"]
D = datetime.date


def _row(unit, day, method, klass=None, promised=None, staff=None, reviewed=None, approved=None, photo=None,
         contact=None, instruction=None, note=None):
    return [unit, day, method, klass, promised, staff, reviewed, approved, photo, contact, instruction, note]


LOG = [
    # 2-2-1002 何俊: agreement signed, promised the next instalment (first call in the week after the window)
    _row("2-2-1002", D(2026, 11, 8), "电话", "A", D(2026, 12, 15), "小王", note="已签分期协议，承诺按期缴纳"),
    # 2-1-402 徐强: away on business (D) — called every day, guided to WeChat transfer
    _row("2-1-402", D(2026, 11, 9), "电话", "D 异地出差/居住类", None, "小王", note="在外地出差，已告知可微信转账缴费"),
    *[_row("2-1-402", D(2026, 11, d), "电话", None, None, "小王", note="未接通" if d % 2 else "答应回来后处理")
      for d in range(14, 21)],
    # 2-2-704 郭芳: promised 11-21 (A), reminded the day before
    _row("2-2-704", D(2026, 11, 12), "电话", "A", D(2026, 11, 21), "小王", note="答应21日缴清"),
    _row("2-2-704", D(2026, 11, 20), "电话", None, None, "小王", note="提醒明天缴费"),
    # 3-1-502 郑浩: no answer (B) — posted and photographed; 11-18 has no call (the cadence finding)
    _row("3-1-502", D(2026, 11, 16), "电话", "B", None, "小刘", note="无人接听"),
    _row("3-1-502", D(2026, 11, 16), "张贴", None, None, "小刘", photo="IMG_3-1-502_1116", note="张贴《催费通知单》"),
    _row("3-1-502", D(2026, 11, 17), "电话", None, None, "小刘", note="关机"),
    _row("3-1-502", D(2026, 11, 19), "电话", None, None, "小刘", note="无人接听"),
    _row("3-1-502", D(2026, 11, 20), "电话", None, None, "小刘", note="无人接听"),
    # 3-2-801 韩冰: promised 11-21 (A), reminded on 11-20
    _row("3-2-801", D(2026, 11, 18), "电话", "A", D(2026, 11, 21), "小刘", note="答应21日来前台缴费"),
    _row("3-2-801", D(2026, 11, 20), "电话", None, None, "小刘", note="提醒明天缴费"),
    # 1-2-502 杨帆: number dead (C) — visited, posted (no photo), found a new number
    _row("1-2-502", D(2026, 11, 16), "电话", "C 无法联系类", None, "小王", note="空号"),
    _row("1-2-502", D(2026, 11, 17), "上门、张贴", None, None, "小王", contact="从业主档案紧急联系人处取得新号码",
         note="家中无人，已张贴《催费通知单》"),
    # 9-1-101 钱卫东: refuses over developer issues (E) — instruction recorded; a 律师函 with only the review
    _row("9-1-101", D(2026, 9, 5), "电话", "E 特殊类", None, "小陈", note="对开发商遗留的渗水问题不满，拒交"),
    _row("9-1-101", D(2026, 9, 6), "主管指导", None, None, "小陈",
         instruction="客服主管：先请工程部处理渗水，再上门沟通缴费"),
    _row("9-1-101", D(2026, 9, 20), "上门", None, None, "小陈", note="业主仍拒交"),
    _row("9-1-101", D(2026, 10, 10), "电话", None, None, "小陈", note="拒交"),
    _row("9-1-101", D(2026, 11, 5), "律师函", None, None, "小陈", reviewed="客服部 钱主管",
         note="律师函已寄出（总经理尚未审批）"),
]

TARIFFS = [
    ["物业费", 2.5, "元/㎡·月", D(2020, 1, 1), None],
    ["垃圾清运费", 15, "元/户·月", D(2020, 1, 1), None],
    ["车位费", 320, "元/个·月", D(2020, 1, 1), None],
    ["水费", 2.0, "元/吨", D(2020, 1, 1), D(2026, 6, 30)],
    ["水费", 2.8, "元/吨", D(2026, 7, 1), None],
]

OWNERS = [  # 房号, 业主姓名, 联系电话, 建筑面积, 缴费方式
    ("9-1-101", "钱卫东", "13700000901", 96.00, "前台"),
    ("9-1-102", "冯晓", "13700000902", 96.00, "前台"),
]
FEES = [  # 房号, 收费项目, 所属期, 缴费周期, 应收金额, 实收金额, 缴费日期
    ("9-1-101", "物业费", "2023-06", 12, 2880.00, None, None),
    ("9-1-101", "物业费", "2024-06", 12, 2880.00, None, None),
    ("9-1-101", "物业费", "2025-06", 12, 2880.00, None, None),
    ("9-1-102", "物业费", "2026-10", 1, 250.00, 250.00, datetime.datetime(2026, 10, 12, 10, 0)),  # 96 × 2.5 = 240
    ("9-1-102", "物业费", "2026-11", 1, 240.00, 240.00, datetime.datetime(2026, 11, 10, 9, 30)),
]
TOTAL_WRITTEN = (9230.00, 490.00)  # 应收 is 100.00 more than its rows (9,130.00): the 帐表相符 finding


def _save(path: Path, rows: list[list], sheet: str) -> None:
    from sample_areas._book import save

    save(path, {sheet: rows})


def write(out: Path) -> str:
    _save(out / LOG_FILE, [["和园小区欠费催缴记录表（2026年11月）"], LOG_HEADER, *LOG], LOG_SHEET)
    _save(out / TARIFF_FILE, [["收费项目", "单价", "单位", "生效日期", "失效日期"], *TARIFFS], TARIFF_SHEET)
    _save(out / OWNER_FILE, [["房号", "业主姓名", "联系电话", "建筑面积", "缴费方式"], *[list(o) for o in OWNERS]],
          OWNER_SHEET)
    fee_rows = [["9栋收费台账"], ["房号", "收费项目", "所属期", "缴费周期", "应收金额", "实收金额", "缴费日期"],
                *[list(f) for f in FEES], ["合计", None, None, None, *TOTAL_WRITTEN, None]]
    _save(out / FEE_FILE, fee_rows, FEE_SHEET)
    n = len(LOG)
    return "\n".join([
        "## Collection after the ladder (tools/sample_areas/collections.py)",
        "",
        f"- `{LOG_FILE}` › `{LOG_SHEET}`: title row 1, header row 2, {n} contact attempts in rows 3–{n + 2} "
        "(房号, 催缴日期, 催缴方式, 欠费分类 A–E, 承诺缴费日期, 管家, 客服部审核, 总经理审批, 拍照留存, 新联系方式, 主管指导, 备注).",
        f"- `{TARIFF_FILE}` › `{TARIFF_SHEET}`: the tariffs with effective dates (水费 2.0 → 2.8 元/吨 from 2026-07-01).",
        f"- `{OWNER_FILE}` › `{OWNER_SHEET}` and `{FEE_FILE}` › `{FEE_SHEET}`: building 9 (no other demo ledger has it). "
        "`9-1-101` 钱卫东 owes 物业费 for 2023-06, 2024-06 and 2025-06 (12 months each, 2,880.00 each, unpaid); "
        "`9-1-102` 冯晓 paid 物业费 2026-10 written 250.00 where 96 ㎡ × 2.5 = 240.00; the 合计 row 8 writes 应收 "
        "9,230.00 where its rows add up to 9,130.00.",
        "",
        "Expected on 2026-11-20 (collections, rules/collections.yaml; fee accuracy, rules/fee_accuracy.yaml):",
        "",
        "| household / sheet | expected |",
        "|---|---|",
        "| `3-1-502` 郑浩 (B) | **F4-B1** cadence finding: no call on 11-18 (sheet 催缴跟进) |",
        "| `1-2-502` 杨帆 (C) | **F4a-2**: the 11-17 door posting was not photographed |",
        "| `1-2-1102` 黄丽华 | **F4a-1**: in arrears after the collective window (11-01 – 11-07), no log entry by 11-14; 管家 小王 (building 1) |",
        "| `9-1-101` 钱卫东 (E) | **F6-2** (错误): 律师函 logged with the 客服部 review but no 总经理 approval, not sent; "
        "**F6-1** 律师函 candidate (41 months, 3 attempts); on the **长期欠费登记** sheet and in "
        "《长期欠费业主详细资料》 (3 years, 8,640.00); also the fee ladder's **最后催费通知书** |",
        "| `2-1-402`, `2-2-704`, `3-2-801`, `2-2-1002` | cadence kept: no collection finding |",
        "| the night | 《催费日报表》 (小王, 小刘) and, 2026-11-20 being a Friday, 每周收费完成情况统计 |",
        f"| `{FEE_FILE}` row 8 | **F12-1** (错误): 合计 应收 9,230.00 vs 9,130.00 |",
        "| `2026年收费台账.xlsx` row 209 | **F12-2**: 合计 vs the rows read; rows 78 (应收) and 8 (实收) unreadable |",
        "| `9-1-102` 物业费 2026-10 | **F9-1**: 250.00 written, 240.00 by the tariff |",
        "| 水费 | **F9-2** (提示, once): billed per 吨, the fee ledger has no quantity column |",
    ])
