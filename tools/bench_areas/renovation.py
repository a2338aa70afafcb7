"""Benchmark ledgers for renovation (issue 12): 2,000 renovations with two patrols a day.

``装修登记表_bench.xlsx`` (2,000 renovations started 1–30 days before the bench night 2026-11-20),
``装修巡查记录_bench.xlsx`` (two patrols a day of each from its start; about 1 % of days one is missing and
about 1 % of patrols find work outside the hours) and ``装修违规记录_bench.xlsx`` (about 300 violations, some
not topped up: 《停工通知》; class A/B: 《整改通知书》).
"""
from __future__ import annotations

import datetime
import random
from pathlib import Path

RENOVATIONS = 2000
NIGHT = datetime.date(2026, 11, 20)
CONTRACTORS = ["安居装饰公司", "美家装修工程部", "鑫艺装饰", "匠心家装", "金螳螂家装", "城市人家", "业之峰装饰", "东易日盛"]


def generate(ledgers: Path, units: int, seed: int) -> dict:
    import openpyxl
    from gen_estate import _unit_keys

    rng = random.Random(seed + 12)
    keys = [f"{b}-{u}-{room}" for b, u, room in _unit_keys(units)]
    chosen = rng.sample(keys, min(RENOVATIONS, len(keys)))
    renos = []
    for unit in chosen:
        start = NIGHT - datetime.timedelta(days=rng.randint(1, 30))
        renos.append((unit, rng.choice(CONTRACTORS), start))

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("装修登记")
    ws.append(["房号", "施工单位", "许可证号", "发证日期", "开工日期", "预计完工日期", "装修押金", "防水高度"])
    for i, (unit, contractor, start) in enumerate(renos):
        permit = None if rng.random() < 0.01 else f"ZX-{i:05d}"
        ws.append([unit, contractor, permit, start - datetime.timedelta(days=2), start,
                   start + datetime.timedelta(days=90), 3000, 1800 if rng.random() > 0.01 else 1500])
    wb.save(Path(ledgers) / "装修登记表_bench.xlsx")

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("巡查记录")
    ws.append(["房号", "巡查时间", "巡查人", "施工情况", "巡查类型"])
    patrols = 0
    for unit, _, start in renos:
        day = start
        while day <= NIGHT:
            times = [(10, 0), (15, 30)]
            if rng.random() < 0.01:
                times = times[:1]
            for h, m in times:
                if rng.random() < 0.01:
                    h, m = 12, 40  # lunch break (or early on a rest day)
                ws.append([unit, datetime.datetime(day.year, day.month, day.day, h, m), "巡查员", "施工中", "装修巡查"])
                patrols += 1
            day += datetime.timedelta(days=1)
    wb.save(Path(ledgers) / "装修巡查记录_bench.xlsx")

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("违规记录")
    ws.append(["发现日期", "房号", "施工单位", "违规类别", "违规内容", "扣款金额", "补缴日期", "处理阶段", "整改完成日期"])
    amounts = {"A": 2000, "B": 500, "C": 1000, "D": 500, "E": 1000, "J": 1000}
    violations = 0
    for unit, contractor, start in renos:
        if rng.random() >= 0.15:
            continue
        found = start + datetime.timedelta(days=rng.randint(0, (NIGHT - start).days))
        cls = rng.choice(list(amounts))
        topped = found + datetime.timedelta(days=rng.randint(0, 5)) if rng.random() < 0.8 else None
        if topped is not None and topped > NIGHT:
            topped = None
        resolved = found + datetime.timedelta(days=1) if cls in "AB" and rng.random() < 0.5 else None
        if resolved is not None and resolved > NIGHT:
            resolved = None
        ws.append([found, unit, contractor, cls, "巡查发现", amounts[cls], topped, "劝阻", resolved])
        violations += 1
    wb.save(Path(ledgers) / "装修违规记录_bench.xlsx")
    return {"renovations": len(renos), "patrols": patrols, "violations": violations}
