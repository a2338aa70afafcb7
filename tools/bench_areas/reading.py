"""Benchmark ledgers for reading real sheets (issue 8): a wide fee sheet with split addresses.

``宽表_2027年1月应收.xlsx`` › ``应收``: one row per unit of the bench estate, the address over
楼栋 · 单元 · 房号, one column per fee item (本期应收_物业费, 本期应收_垃圾清运费) and a 小计 column; the
period (2027-01) is in the title. Due long after the bench night, so it adds reading and validation work
(2 fee rows per unit) but no notices.
"""
from __future__ import annotations

import random
from pathlib import Path

FILE = "宽表_2027年1月应收.xlsx"


def generate(ledgers: Path, units: int, seed: int) -> dict:
    import openpyxl
    from gen_estate import _unit_keys

    rng = random.Random(seed + 8)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("应收")
    ws.append(["XX花园2027年1月应收费用（宽表）"])
    ws.append(["楼栋", "单元", "房号", "建筑面积", "本期应收_物业费", "本期应收_垃圾清运费", "本期应收_小计"])
    rows = 0
    for b, u, room in _unit_keys(units):
        area = round(rng.uniform(60, 160), 2)
        fee = round(area * 2.5, 2)
        ws.append([f"{b}栋", u, room, area, fee, 15, round(fee + 15, 2)])
        rows += 1
    ws.append(["合计"])
    wb.save(Path(ledgers) / FILE)
    return {"file": FILE, "units": rows, "fee_rows": 2 * rows}
