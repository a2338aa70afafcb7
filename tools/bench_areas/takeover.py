"""Benchmark ledgers for the takeover inspection (issue 11): 2,000 units × 30 items = 60,000 inspection rows.

``接管验收_B区.xlsx``: 项目表 (hand-over 2026-11-30, inspection end 2026-11-19, so coverage is checked), 验收计划
(2,000 units), 验收记录 (100 units a day over the twenty days to the bench night, 2.5% 不合格, ten planned units never
inspected), 抽检记录 (a fifth of the items re-checked the next day, 0.5% of them failing), 整改跟踪 (one row per
不合格 item: most closed, the last days' not yet notified → 《整改通知书》, a few open for a week → the chase
ladder). The units are their own (building 90+), so the fee and ticket ledgers are unaffected.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

FILE = "接管验收_B区.xlsx"
SITE = "和园B区"
ITEMS = [f"验收项{i:02d}" for i in range(1, 31)]
UNITS = 2000
DAYS = 20
AS_OF = dt.date(2026, 11, 20)


def generate(ledgers: Path, units: int, seed: int) -> dict:
    import openpyxl

    rng = random.Random(seed + 11)
    n_units = min(UNITS, max(units // 10, 20))
    per_day = -(-n_units // DAYS)
    unit_ids = [f"{90 + k // 400}-{(k // 100) % 4 + 1}-{(k % 100) // 4 + 1}0{k % 4 + 1}" for k in range(n_units)]
    skipped = set(unit_ids[-10:])  # planned, never inspected (T1)
    first = AS_OF - dt.timedelta(days=DAYS - 1)

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("项目表")
    ws.append(["接管项目", "交楼日期", "验收楼栋", "验收项目清单", "项目负责人", "服务中心负责人", "验收计划完成日期"])
    ws.append([SITE, dt.date(2026, 11, 30), "、".join(f"{b}栋" for b in sorted({u.split('-')[0] for u in unit_ids})),
               "、".join(ITEMS), "吴刚", "郑丽", dt.date(2026, 11, 19)])
    ws = wb.create_sheet("验收计划")
    ws.append(["房号", "计划验收日期", "验收人"])
    for k, unit in enumerate(unit_ids):
        ws.append([unit, first + dt.timedelta(days=k // per_day), f"验收员{k % 12 + 1}"])

    insp = wb.create_sheet("验收记录")
    insp.append(["B区接管验收记录"])
    insp.append(["房号", "验收项目", "验收日期", "验收人", "验收结果", "签名"])
    checks = wb.create_sheet("抽检记录")
    checks.append(["房号", "验收项目", "抽检日期", "抽检人", "抽检轮次", "抽检结果"])
    cases = wb.create_sheet("整改跟踪")
    cases.append(["整改单号", "来源", "房号", "验收项目", "问题描述", "发现时间", "书面通知时间", "签收人", "整改完成时间",
                  "复验时间", "复验结果", "整改次数", "全户复验", "催办时间", "上报时间", "责任人"])
    rows = failed = notices = 0
    for k, unit in enumerate(unit_ids):
        if unit in skipped:
            continue
        day = first + dt.timedelta(days=k // per_day)
        who = f"验收员{k % 12 + 1}"
        for item in ITEMS:
            bad = rng.random() < 0.025
            insp.append([unit, item, day, who, "不合格" if bad else "合格", "是"])
            rows += 1
            if not bad and day < AS_OF and rng.random() < 0.2:
                checks.append([unit, item, day + dt.timedelta(days=1), "吴刚", "1",
                               "不合格" if rng.random() < 0.005 else "合格"])
            if not bad:
                continue
            failed += 1
            found = dt.datetime.combine(day, dt.time(10)) + dt.timedelta(minutes=rng.randrange(0, 360))
            cid = f"BZ-{failed:05d}"
            age = (AS_OF - day).days
            if age <= 1:  # yesterday's and today's: not yet notified → 《整改通知书》
                cases.append([cid, "接管验收", unit, item, "观感不合格", found, None, None, None, None, None, None,
                              None, None, None, "孙敏"])
                notices += 1
            elif age >= 8 and failed % 40 == 0:  # open for more than a week → the chase ladder
                cases.append([cid, "接管验收", unit, item, "观感不合格", found, found + dt.timedelta(hours=5), "王工",
                              None, None, None, None, None, None, None, "孙敏"])
            else:
                done = found + dt.timedelta(days=1, hours=2)
                cases.append([cid, "接管验收", unit, item, "观感不合格", found, found + dt.timedelta(hours=5), "王工",
                              done, done + dt.timedelta(hours=20), "合格", 1, "是", None, None, "孙敏"])
    wb.save(Path(ledgers) / FILE)
    return {"file": FILE, "units": n_units, "inspection_rows": rows, "rectifications": failed,
            "new_notices": notices}
