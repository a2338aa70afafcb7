"""Benchmark ledgers for key custody and the fines register (issue 10): 10,000 key loans.

``钥匙借用登记_全区.xlsx`` › ``借用登记``: 10,000 loans over the 60 days up to the bench night (2026-11-20), most
returned the same day; a few returned the next morning (K1-3), still out with or without a cause (K2), without
an approver (K1-2), lent to a decorator without a 经办人 (K3), lost or damaged (K5, K6) or with the unit not left
safe (K7). ``钥匙交接单_全区.xlsx``: 早班 draws and 中班 returns for each of the 60 days, a few a key short.
``员工与奖金_全区.xlsx``: the 20 管家 and the project lead with their November bonus, and the takeover bench's
people, so their fines are capped too. The fines (about a hundred and fifty) each get a 《员工过失单》.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

KEY_FILE = "钥匙借用登记_全区.xlsx"
SHIFT_FILE = "钥匙交接单_全区.xlsx"
STAFF_FILE = "员工与奖金_全区.xlsx"
LOANS = 10_000
DAYS = 60
AS_OF = dt.date(2026, 11, 20)
STAFF = [f"管家{i:02d}" for i in range(1, 21)]
LEAD = "项目负责人甲"
OUTSIDERS = [f"装修{i:02d}师傅" for i in range(1, 51)]
PURPOSES = ["维修", "检查", "清洁", "查看", "保洁", "检修"]
TAKEOVER_PEOPLE = [("吴刚", "接管验收项目负责人"), ("郑丽", "服务中心负责人")] + [
    (f"验收员{i}", "验收员") for i in range(1, 13)]


def generate(ledgers: Path, units: int, seed: int) -> dict:
    import openpyxl

    rng = random.Random(seed + 10)
    first = AS_OF - dt.timedelta(days=DAYS - 1)
    n_units = max(units, 1)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("借用登记")
    ws.append(["全区钥匙借用登记表"])
    ws.append(["钥匙编号", "房号/区域", "借用人", "借用人单位", "借用事由", "批准人", "经办人", "借出时间", "归还时间",
               "状态", "未还原因", "书面报告时间", "断电关窗锁门"])
    counts = dict.fromkeys(("late", "out", "no_approver", "no_handler", "lost", "damaged", "unsafe"), 0)
    for k in range(LOANS):
        day = first + dt.timedelta(days=k * DAYS // LOANS)
        lent = dt.datetime.combine(day, dt.time(8 + rng.randrange(10), rng.randrange(60)))
        u = rng.randrange(n_units)
        unit = f"{u // 400 + 1}-{(u // 100) % 4 + 1}-{(u % 100) // 4 + 1:02d}0{u % 4 + 1}"
        outsider = rng.random() < 0.2
        borrower = rng.choice(OUTSIDERS) if outsider else rng.choice(STAFF)
        handler = rng.choice(STAFF) if outsider and rng.random() > 0.005 else None
        approver = LEAD if rng.random() > 0.003 else None
        returned = lent + dt.timedelta(hours=1 + rng.random() * 4)
        status, cause, reported, safe = "正常", None, None, "是"
        r = rng.random()
        if r < 0.006:
            returned = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(8, 30))
            counts["late"] += 1
        elif r < 0.008:
            returned, cause = None, (None if rng.random() < 0.5 else "业主未在家，待交回")
            counts["out"] += 1
        elif r < 0.009:
            returned, status = None, "遗失"
            reported = lent + dt.timedelta(hours=rng.choice((3, 30)))
            counts["lost"] += 1
        elif r < 0.011:
            status, reported = "损坏", returned + dt.timedelta(hours=2)
            counts["damaged"] += 1
        elif r < 0.013:
            safe = "否"
            counts["unsafe"] += 1
        if returned is not None and returned.date() > AS_OF:
            returned = None
        counts["no_approver"] += approver is None
        counts["no_handler"] += outsider and handler is None
        ws.append([f"K-{u:05d}", unit, borrower, "好家装饰" if outsider else "客服中心", rng.choice(PURPOSES), approver,
                   handler, lent, returned, status, cause, reported, safe])
    wb.save(ledgers / KEY_FILE)

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("交接")
    ws.append(["日期", "班次", "领用人", "领用数量", "交回人", "交回数量", "核对人"])
    short = 0
    for d in range(DAYS):
        day = first + dt.timedelta(days=d)
        back = 40 if rng.random() > 0.03 else 39
        short += back < 40
        ws.append([day, "早班", STAFF[d % 20], 40, None, None, None])
        ws.append([day, "中班", None, None, STAFF[(d + 7) % 20], back, LEAD])
    wb.save(ledgers / SHIFT_FILE)

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("2026年11月")
    ws.append(["姓名", "岗位", "月份", "月奖金"])
    for name in STAFF:
        ws.append([name, "客服管家", "2026-11", 300])
    ws.append([LEAD, "项目负责人", "2026-11", 1000])
    for name, role in TAKEOVER_PEOPLE:
        ws.append([name, role, "2026-11", 600])
    wb.save(ledgers / STAFF_FILE)
    return {"key_loans": LOANS, "shift_days": DAYS, "short_handovers": short, **counts}
