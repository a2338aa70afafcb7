#!/usr/bin/env python3
"""Generate the benchmark estate: a large owner file and a year of 物业费 rows.

    python tools/gen_estate.py --out bench-data --units 20000 --months 12

writes ``业主档案.xlsx`` (one row per unit) and ``收费台账.xlsx`` (one 物业费 row
per unit per month; split over several sheets of at most 150,000 rows), with
openpyxl in write-only mode. Each sheet has a title row and a header row using
the standard header names of ``shared/ledgers.md``.

The content looks like a real estate: mostly numbers and real dates, a few text
dates / amounts / periods and messy unit numbers, about 93% of fee rows paid in
full, 4% unpaid and 3% partly paid, and a few dozen bad cells. It is
deterministic for a seed (``random.Random(seed)``); ``generate`` returns a
summary that lists every planted bad cell (file, sheet, Excel row, column,
value), so a benchmark can check that each one is reported.

No payment is dated after 20 November of ``year`` (the demo as-of date) except
the planted future dates, so an engine run on that date sees only those.
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import time
from pathlib import Path

OWNER_FILE = "业主档案.xlsx"
FEE_FILE = "收费台账.xlsx"
OWNER_SHEET = "业主档案"
MAX_SHEET_ROWS = 150_000

OWNER_HEADERS = ["房号", "业主姓名", "联系电话", "身份证号", "建筑面积(㎡)", "交房日期", "缴费方式", "通讯地址"]
FEE_HEADERS = ["房号", "收费项目", "所属期", "应收金额", "缴费期限", "实收金额", "缴费日期", "备注"]

RATE = 2.5   # 物业费 元/㎡·月

UNITS_PER_ENTRANCE = 30 * 4     # 30 floors x 4 flats
ENTRANCES = 3                   # 单元 per building

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯鹏辉建国建华志强春梅海燕雪梅晓东晓明子涵欣怡梓轩一鸣思远佳怡俊杰"
METHODS = ["现金", "前台", "银行代扣", "预存"]
METHOD_WEIGHTS = [25, 30, 30, 15]
PHONE_PREFIXES = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159",
                  "177", "180", "185", "186", "187", "188", "189", "199"]
ID_REGIONS = ["110101", "110105", "110108", "120104", "130102", "210102", "310104", "320106", "330106",
              "370202", "410105", "420106", "440106", "510107"]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# Bad cells planted in the fee ledger: (column, values to cycle through, reason)
FEE_BAD = [
    ("应收金额", ["#REF!", "#VALUE!", "#DIV/0!"], "公式错误"),
    ("实收金额", ["约300", "待定", "三百元", "1.2.3"], "金额无法识别"),
    ("所属期", ["{y}-13", "{y}-00", "{y}年13月"], "月份无效"),
    ("缴费日期", ["{y}-02-30", "{y}/13/1", "{y}年6月31日"], "不是有效日期"),
    ("缴费日期", ["future"], "晚于今天"),
    ("房号", ["99-9-999", "0-0-0", "待查"], "业主档案中无此房号"),
]
OWNER_BAD = [
    ("交房日期", ["{y0}-13-45", "{y0}/2/30", "待定"], "不是有效日期"),
    ("建筑面积(㎡)", ["约90", "九十", "#N/A"], "面积无法识别"),
]


def _id_number(rng: random.Random) -> str:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 50))
    body = f"{rng.choice(ID_REGIONS)}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS)) % 11]


def _unit_keys(n: int):
    """(building, entrance, room) in estate order; 360 flats per building."""
    per_building = ENTRANCES * UNITS_PER_ENTRANCE
    for i in range(n):
        b, rest = divmod(i, per_building)
        u, rest = divmod(rest, UNITS_PER_ENTRANCE)
        floor, flat = divmod(rest, 4)
        yield b + 1, u + 1, (floor + 1) * 100 + flat + 1


def _unit_form(key, r: float) -> str:
    b, u, room = key
    if r < 0.90:
        return f"{b}-{u}-{room}"
    if r < 0.94:
        return f"{b}栋{u}单元{room}"
    if r < 0.97:
        return f"{b}#{u}-{room}"
    if r < 0.99:
        return f" {b}-{u} -{room} "
    return f"{b}-{u}-{room}".translate(FULLWIDTH)


def _text_amount(x: float, r: float) -> str:
    if r < 0.3:
        return f"{x:,.2f}"
    if r < 0.55:
        return f"¥{x:,.2f}"
    if r < 0.8:
        return f"{x:.2f}".rstrip("0").rstrip(".") + "元"
    return f"{x:.2f}".translate(FULLWIDTH)


def _text_date(d: dt.date, r: float) -> str:
    if r < 0.35:
        return f"{d.year}/{d.month}/{d.day}"
    if r < 0.6:
        return f"{d.year}年{d.month}月{d.day}日"
    if r < 0.8:
        return f"{d.year}.{d.month}.{d.day} {9 + int(r * 100) % 9}:{(int(r * 1000) % 4) * 15:02d}"
    return f"{d:%Y-%m-%d}"


def _text_period(y: int, m: int, r: float):
    if r < 0.35:
        return f"{y}年{m}月"
    if r < 0.65:
        return y * 100 + m           # typed as a number
    if r < 0.85:
        return f"{y}/{m}"
    return dt.date(y, m, 1)          # a date standing for the month


def _sheet_plan(units: int, months: int):
    """[(sheet name, [month numbers] or None, (first unit index, end unit index))]."""
    total = units * months
    nsheets = max(1, math.ceil(total / MAX_SHEET_ROWS))
    if units <= MAX_SHEET_ROWS:
        per = math.ceil(months / nsheets)
        while per > 1 and per * units > MAX_SHEET_ROWS:
            per -= 1
        plan = []
        for m0 in range(1, months + 1, per):
            ms = list(range(m0, min(months, m0 + per - 1) + 1))
            name = f"{ms[0]}月" if len(ms) == 1 else f"{ms[0]}-{ms[-1]}月"
            plan.append((name, ms, (0, units)))
        return plan
    # more units than fit one sheet: one month per group of sheets
    plan = []
    for m in range(1, months + 1):
        for k, u0 in enumerate(range(0, units, MAX_SHEET_ROWS)):
            plan.append((f"{m}月({k + 1})", [m], (u0, min(units, u0 + MAX_SHEET_ROWS))))
    return plan


def generate(out_dir, units=20000, months=12, year=2026, seed=7):
    """Write 业主档案.xlsx and 收费台账.xlsx into out_dir; return a summary dict."""
    from openpyxl import Workbook

    t0 = time.perf_counter()
    if not 1 <= months <= 12:
        raise ValueError("months must be 1..12")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    rand = rng.random
    last_pay = dt.date(year, 11, 20)      # no ordinary payment after the demo as-of date
    future = dt.date(year, 12, 28)        # planted "after today" payment date

    # ---------------- owners
    keys = list(_unit_keys(units))
    norms = [f"{b}-{u}-{r}" for b, u, r in keys]
    areas, methods, fee_forms = [], [], []
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(OWNER_SHEET)
    ws.append([f"XX花园业主档案（{year}年）"])
    ws.append(OWNER_HEADERS)
    bad_owner_rows = set(rng.sample(range(units), min(units, 12)))
    bad_cells = []
    bad_i = 0
    for i, key in enumerate(keys):
        b, u, room = key
        area = round(round(rng.uniform(55, 160) / 2, 2) * 2, 2)   # even hundredths: area x 2.5 is exact
        method = rng.choices(METHODS, METHOD_WEIGHTS)[0]
        areas.append(area)
        methods.append(method)
        fee_forms.append(_unit_form(key, 0.9 + 0.1 * rand()) if rand() < 0.05 else f"{b}-{u}-{room}")
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 99999999):08d}"
        hd = dt.date(2016, 6, 1) + dt.timedelta(days=rng.randint(0, 2000))
        r = rand()
        handover = hd if r < 0.97 else _text_date(hd, rand())
        row = [_unit_form(key, rand()), name, phone, _id_number(rng), area, handover, method,
               f"XX花园{b}栋{u}单元{room}室" if rand() < 0.85 else f"本市{rng.choice('东西南北')}城区{rng.randint(1, 300)}号"]
        if i in bad_owner_rows:
            col, values, reason = OWNER_BAD[bad_i % len(OWNER_BAD)]
            v = values[(bad_i // len(OWNER_BAD)) % len(values)].format(y0=hd.year)
            row[OWNER_HEADERS.index(col)] = v
            bad_cells.append(dict(file=OWNER_FILE, sheet=OWNER_SHEET, row=i + 3, column=col, value=v, reason=reason))
            bad_i += 1
        ws.append(row)
    ws.append([])
    ws.append(["注：本表由客服部维护，如有变更请及时更新。"])
    wb.save(out / OWNER_FILE)
    t_owners = time.perf_counter() - t0

    # ---------------- fees
    plan = _sheet_plan(units, months)
    total_rows = units * months
    bad_rows = set(rng.sample(range(total_rows), min(total_rows, 36)))
    counts = dict(paid=0, unpaid=0, partial=0)
    due_amounts = [round(a * RATE, 2) for a in areas]
    wb = Workbook(write_only=True)
    seq = 0           # running row index over all sheets (for the planted cells)
    bad_j = 0
    sheets = []
    for sheet_name, ms, (u0, u1) in plan:
        ws = wb.create_sheet(sheet_name)
        ws.append([f"XX花园{year}年{sheet_name}收费台账"])
        ws.append(FEE_HEADERS)
        excel_row = 2
        for m in ms:
            due_date = dt.date(year, m, 15)
            period_text = f"{year}-{m:02d}"
            early = dt.date(year, m, 1) - dt.timedelta(days=10)
            span = (min(due_date, last_pay) - early).days
            for i in range(u0, u1):
                excel_row += 1
                due = due_amounts[i]
                r = rand()
                period = period_text if r < 0.85 else _text_period(year, m, rand())
                amount_due = due if rand() < 0.97 else _text_amount(due, rand())
                deadline = due_date if rand() < 0.08 else None
                s = rand()
                note = None
                if s < 0.93:
                    status, paid = "paid", due
                elif s < 0.97:
                    status, paid = "unpaid", None
                else:
                    status, paid = "partial", round(due * (0.2 + 0.6 * rand()), 2)
                counts[status] += 1
                if paid is None:
                    paid_cell = paid_date = None
                else:
                    method = methods[i]
                    if method == "银行代扣" and dt.date(year, m, 10) <= last_pay:
                        d = dt.date(year, m, 10)
                        note = "银行代扣"
                    elif span >= 0:
                        d = early + dt.timedelta(days=int(rand() * (span + 1)))
                    else:   # period starts after the last payment date: prepaid
                        d = last_pay - dt.timedelta(days=int(rand() * 20))
                        note = "预交"
                    paid_cell = paid if rand() < 0.97 else _text_amount(paid, rand())
                    paid_date = d if rand() < 0.96 else _text_date(d, rand())
                    if status == "partial":
                        note = "部分缴纳"
                row = [fee_forms[i], "物业费", period, amount_due, deadline, paid_cell, paid_date, note]
                if seq in bad_rows:
                    col, values, reason = FEE_BAD[bad_j % len(FEE_BAD)]
                    v = values[(bad_j // len(FEE_BAD)) % len(values)]
                    ci = FEE_HEADERS.index(col)
                    if v == "future":
                        v = future
                        row[5] = due if row[5] is None else row[5]
                    else:
                        v = v.format(y=year)
                    row[ci] = v
                    if col == "缴费日期" and row[5] is None:
                        row[5] = due
                    bad_cells.append(dict(file=FEE_FILE, sheet=sheet_name, row=excel_row, column=col,
                                          value=v.isoformat() if isinstance(v, dt.date) else v, reason=reason))
                    bad_j += 1
                ws.append(row)
                seq += 1
        excel_row += 1
        ws.append([])                                  # blank row, then the totals
        ws.append(["合计", None, None, round(sum(due_amounts[u0:u1]) * len(ms), 2)])
        sheets.append(dict(name=sheet_name, data_rows=(u1 - u0) * len(ms), last_data_row=excel_row - 1,
                           total_row=excel_row + 1))
    wb.save(out / FEE_FILE)
    elapsed = time.perf_counter() - t0
    return dict(
        out_dir=str(out), units=units, months=months, year=year, seed=seed,
        fee_rows=total_rows, sheets=sheets, status_counts=counts, bad_cells=bad_cells,
        seconds=round(elapsed, 2), seconds_owners=round(t_owners, 2),
        sizes={OWNER_FILE: (out / OWNER_FILE).stat().st_size, FEE_FILE: (out / FEE_FILE).stat().st_size},
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Generate the benchmark estate (owner file + fee ledger).")
    ap.add_argument("--out", default="bench-data", help="output folder (default: bench-data/)")
    ap.add_argument("--units", type=int, default=20000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    s = generate(a.out, units=a.units, months=a.months, year=a.year, seed=a.seed)
    c = s["status_counts"]
    n = s["fee_rows"]
    print(f"{s['units']:,} units x {s['months']} months = {n:,} fee rows in "
          + ", ".join(f"{x['name']} ({x['data_rows']:,})" for x in s["sheets"]))
    print(f"paid {c['paid'] / n:.1%}, unpaid {c['unpaid'] / n:.1%}, partial {c['partial'] / n:.1%}; "
          f"{len(s['bad_cells'])} bad cells planted")
    for name, size in s["sizes"].items():
        print(f"{Path(s['out_dir']) / name}  {size / 1e6:.1f} MB")
    print(f"generated in {s['seconds']:.1f} s (owners {s['seconds_owners']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
