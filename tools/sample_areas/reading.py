"""Demo ledgers for reading real sheets (issue 8): a split-address owner list and a wide fee sheet.

* ``8栋业主名册.xlsx`` › ``8栋``: the address split over 楼栋 · 单元 · 房间号(必填) columns, headers with
  notes and line breaks, a template example row (``示例:``), an instruction column beside the table and a
  signature line below it. Building 8 is new: its owners appear in no other demo ledger.
* ``8栋2027年1月应收.xlsx`` › ``应收``: a wide sheet, one column per fee item (本期应收_物业费,
  本期应收_垃圾清运费) and a 小计 total column; the period is in the title; units written ``8栋1单元101``
  join the owners written 8 · 1 · 101. January 2027 is due on 2027-01-15, long after the demo night, so
  no reminder or notice comes from these rows and the existing demo outcomes are unchanged.
"""
from __future__ import annotations

import datetime
from pathlib import Path

OWNER_FILE = "8栋业主名册.xlsx"
OWNER_SHEET = "8栋"
WIDE_FILE = "8栋2027年1月应收.xlsx"
WIDE_SHEET = "应收"

OWNERS = [  # 单元, 房间号, 业主姓名, 手机号码, 建筑面积
    (1, 101, "韩雪", "13700000801", 98.40),
    (1, 102, "冯磊", "13700000802", 76.20),
    (1, 201, "曹静", "13700000803", 98.40),
    (2, 101, "彭程", "13700000804", 120.00),
    (2, 102, "蒋琳", "13700000805", 76.20),
    (2, 201, "沈涛", None, 120.00),
]
RATE = 2.5  # 元/㎡·月, only to make the amounts plausible
GARBAGE = 15.0


def _save(path: Path, rows: list[list], sheet: str) -> None:
    from sample_areas._book import save

    save(path, {sheet: rows}, formats=False)


def write(out: Path) -> str:
    header = ["楼栋", "单元", "房间号(必填)", "业主姓名（必填）", "手机号码", "建筑面积\n(㎡)"]
    rows = [["XX花园8栋业主名册（2026年交付）"], header,
            ["示例:8", "示例:1", "示例:101", "示例:张三", "示例:13800000000", "示例:98.40", None, "说明："]]
    for unit, room, name, phone, area in OWNERS:
        rows.append([8, unit, room, name, phone, area])
    rows[3] += [None, "楼栋、单元、房间号分三列填写，房间号只写数字"]
    rows += [[], ["制表：客服部", None, None, "审核："]]
    _save(out / OWNER_FILE, rows, OWNER_SHEET)
    owner_rows = len(rows)

    wide = [["XX花园8栋2027年1月应收费用"],
            ["房号", "建筑面积", "本期应收_物业费", "本期应收_垃圾清运费", "本期应收_小计"]]
    for unit, room, name, phone, area in OWNERS:
        fee = round(area * RATE, 2)
        if (unit, room) == (2, 201):
            wide.append([f"8栋{unit}单元{room}", area, None, None, None])  # not yet billed: no amount
        else:
            wide.append([f"8栋{unit}单元{room}", area, fee, GARBAGE, round(fee + GARBAGE, 2)])
    wide.append(["合计", None, None, None, None])
    _save(out / WIDE_FILE, wide, WIDE_SHEET)

    billed = [o for o in OWNERS if (o[0], o[1]) != (2, 201)]
    return "\n".join([
        "## Reading real sheets (tools/sample_areas/reading.py)",
        "",
        f"- `{OWNER_FILE}` › `{OWNER_SHEET}`: title row 1, header row 2 with the address split over "
        "楼栋 · 单元 · 房间号(必填) (the unit is their combination, `8-1-101`), `业主姓名（必填）`, a header with a "
        f"line break (`建筑面积\\n(㎡)`); row 3 is a template example (`示例:…`, skipped as 示例行); owners in rows "
        f"4–{3 + len(OWNERS)}; instructions beside the table in column H (no header; not data); blank row {4 + len(OWNERS)}; "
        f"a signature line `制表：客服部 … 审核：` in row {owner_rows} (skipped as 表格外备注). "
        f"{len(OWNERS)} owners of building 8, which appears in no other demo ledger.",
        f"- `{WIDE_FILE}` › `{WIDE_SHEET}`: a wide sheet, one column per fee item (`本期应收_物业费`, "
        "`本期应收_垃圾清运费`) and a total column `本期应收_小计` (not an item); the period 2027-01 comes from "
        "the title `XX花园8栋2027年1月应收费用`; 房号 written `8栋1单元101` joins the owners written 8 · 1 · 101. "
        f"{len(billed)} units billed → {2 * len(billed)} fee rows (物业费 = 面积 × {RATE}, 垃圾清运费 {GARBAGE:.2f}); "
        f"`8栋2单元201` has no amounts (skipped: 宽表各项金额均为空); the 合计 row is skipped. "
        "Due 2027-01-15, long after the demo night: no reminder, no notice.",
    ])
