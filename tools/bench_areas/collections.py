"""Benchmark ledgers for collection after the ladder (issue 13): a 60,000-row 欠费催缴记录表 and a 收费标准 sheet.

``欠费催缴记录表.xlsx`` › ``催缴记录``: 6,000 households of the bench estate (every third one, up to the
estate's size), ten contact attempts each over 2026-11-01 … 2026-11-20 — classes A–E, daily calls with the
odd gap, door postings with and without a photo, promised dates, and a 律师函 now and then (some without the
总经理 approval). ``收费标准.xlsx``: 垃圾清运费 (checked on every row of the wide sheet) and a dated water price (per 吨:
not checkable, said once). 物业费 is left out: the wide sheet's areas are drawn apart from the owner file's,
so every row would differ.
Households the fee ledger shows as paid are skipped by the area (only arrears are followed), so the log adds
reading, validation and derivation work in proportion to its rows.
"""
from __future__ import annotations

import datetime
import random
from pathlib import Path

FILE = "欠费催缴记录表.xlsx"
TARIFF_FILE = "收费标准.xlsx"
ROWS = 60_000
PER_HOUSEHOLD = 10
HEADER = ["房号", "催缴日期", "催缴方式", "欠费分类", "承诺缴费日期", "管家", "客服部审核", "总经理审批", "拍照留存", "备注"]


def generate(ledgers: Path, units: int, seed: int) -> dict:
    import openpyxl
    from gen_estate import _unit_keys

    rng = random.Random(seed + 13)
    keys = list(_unit_keys(units))
    households = keys[::3][: ROWS // PER_HOUSEHOLD]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("催缴记录")
    ws.append(["欠费催缴记录表（2026年11月）"])
    ws.append(HEADER)
    first = datetime.date(2026, 11, 1)
    rows = 0
    while rows < ROWS:
        for b, u, room in households:
            if rows >= ROWS:
                break
            unit = f"{b}-{u}-{room}"
            staff = f"管家{b:02d}"
            klass = rng.choice("ABBCDE")
            days = sorted(rng.sample(range(20), PER_HOUSEHOLD))
            for i, d in enumerate(days):
                if rows >= ROWS:
                    break
                day = first + datetime.timedelta(days=d)
                method = rng.choice(("电话", "电话", "电话", "上门", "张贴", "电话、张贴"))
                promised = day + datetime.timedelta(days=rng.randint(1, 10)) if klass == "A" and i == 0 else None
                reviewed = approved = None
                if i == PER_HOUSEHOLD - 1 and rng.random() < 0.02:
                    method, reviewed = "律师函", "客服部"
                    approved = "总经理" if rng.random() < 0.5 else None
                photo = "是" if "张贴" in method and rng.random() < 0.8 else None
                note = rng.choice(("无人接听", "关机", "答应月底缴", "在外地，已告知微信转账", "拒交", None))
                ws.append([unit, day, method, klass if i == 0 else None, promised, staff, reviewed, approved, photo, note])
                rows += 1
    wb.save(Path(ledgers) / FILE)

    tw = openpyxl.Workbook(write_only=True)
    ts = tw.create_sheet("收费标准")
    ts.append(["收费项目", "单价", "单位", "生效日期", "失效日期"])
    ts.append(["垃圾清运费", 15, "元/户·月", datetime.date(2020, 1, 1), None])
    ts.append(["水费", 2.0, "元/吨", datetime.date(2020, 1, 1), datetime.date(2026, 6, 30)])
    ts.append(["水费", 2.8, "元/吨", datetime.date(2026, 7, 1), None])
    tw.save(Path(ledgers) / TARIFF_FILE)
    return {"file": FILE, "rows": rows, "households": len(households)}
