#!/usr/bin/env python3
"""Write the bundled demo ledgers in ``ledgers/`` (``make samples``).

The demo run uses as-of date 2026-11-20 (today is 2026-11-22).  Everything here
is deterministic: fixed dates, a fixed random seed, and fixed zip timestamps,
so re-running produces the same cell values (and the same bytes).

Files written:

* ``ledgers/业主档案.xls``           old .xls (xlwt): 30 owners, messy unit forms
* ``ledgers/2026年收费台账.xlsx``    openpyxl: sheets ``10-11月`` (fees, two-row
  header), ``分期协议`` (instalment agreements, F11), ``说明`` (free text)
* ``ledgers/投诉报修台账.xlsx``      openpyxl: sheet ``11月工单``, 24 complaint /
  repair / consultation tickets (title row, header row 2, a note below); a
  fixed list, no random numbers, so the fee data above is unaffected
* ``ledgers/~$2026年收费台账.xlsx``  an Excel lock file (junk; must be ignored)
* ``ledgers/README.md``             the scenario table the tests are written
  against; generated from the same data, so row numbers are exact.

After writing, the files are read back with python-calamine and the planted
cells are checked (``--no-verify`` skips this).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import sys
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, ROUND_HALF_UP
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "ledgers"

AS_OF = dt.date(2026, 11, 20)
TODAY = dt.date(2026, 11, 22)
SEED = 20261120

OWNER_FILE = "业主档案.xls"
OWNER_SHEET = "业主档案"
FEE_FILE = "2026年收费台账.xlsx"
FEE_SHEET = "10-11月"
PLAN_SHEET = "分期协议"
NOTE_SHEET = "说明"
LOCK_FILE = "~$" + FEE_FILE

# Tariffs used to build the amounts (the engine reads amounts from the ledger,
# not from here; these only make the demo numbers plausible).
PROPERTY_RATE = Decimal("2.5")   # 物业费 元/㎡·月
WATER_RATE = Decimal("2.8")      # 水费 元/吨 (F9: 2.8 since July)
PARKING_FEE = Decimal("320.00")  # 车位费 元/月
GARBAGE_FEE = Decimal("15.00")   # 垃圾清运费 元/户·月

OCT, NOV, DEC = (2026, 10), (2026, 11), (2026, 12)
ITEMS = ("物业费", "水费", "垃圾清运费", "车位费")

FEE_HEADERS = ["房号", "收费项目", "所属期", "应收金额", "缴费期限", "实收金额", "缴费日期", "备注"]
COL = {h: i + 1 for i, h in enumerate(FEE_HEADERS)}  # header -> 1-based column
COL_LETTER = {h: "ABCDEFGH"[i] for i, h in enumerate(FEE_HEADERS)}
OWNER_HEADERS = ["房号", "业主姓名", "联系电话", "身份证号", "建筑面积(㎡)", "交房日期", "缴费方式", "通讯地址"]
PLAN_HEADERS = ["房号", "协议编号", "期次", "约定缴费日期", "约定金额", "实缴金额", "实缴日期"]

SCENARIO_OF = {"A": "b (A)", "B": "c (B)", "C": "d (C)", "D": "e (D)", "E": "f (E)", "F": "g (F)",
               "G": "k (G)", "H": "k (H)", "I": "k (I)", "J": "l (J)", "K": "l (K)", "ref": "h",
               "bad_amount": "j1", "bad_period": "j2", "bad_handover": "owner", "on15": "a (paid on 11-15)",
               "on15oct": "a (paid on 10-15)"}
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def money(x) -> Decimal:
    return Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def due_of(period) -> dt.date:
    """Default due date: the 15th of the period month."""
    return dt.date(period[0], period[1], 15)


def ptxt(period) -> str:
    return f"{period[0]}-{period[1]:02d}"


class ExcelError(str):
    """A value to be stored as a real error cell (t="e")."""


# --------------------------------------------------------------------------
# Owners
# --------------------------------------------------------------------------

@dataclass
class Owner:
    key: tuple            # (building, unit, room)
    name: str
    area: Decimal
    method: str           # 现金 / 前台 / 银行代扣 / 预存
    parking: bool = False
    owner_form: str = ""  # 房号 as written in 业主档案.xls
    fee_form: str = ""    # 房号 as written in the fee ledger
    tag: str = ""         # scenario letter (A..K) or ""
    phone: object = None
    id_number: str = ""
    handover: object = None   # cell value written in 交房日期
    address: str = ""
    water: dict = field(default_factory=dict)   # period -> tons
    row: int = 0              # Excel row in the owner file

    @property
    def norm(self) -> str:
        return "-".join(str(p) for p in self.key)

    @property
    def property_fee(self) -> Decimal:
        return money(self.area * PROPERTY_RATE)


# key, name, area (even hundredths, so area x 2.5 is exact), method, parking,
# owner-file form (None = canonical), fee-ledger form (None = canonical), tag
OWNER_SPEC = [
    ((1, 1, 101), "王建国", "428.60", "前台", True, "１-１-１０１", None, ""),   # 底商, large amounts
    ((1, 1, 302), "李秀英", "118.40", "现金", True, None, "1#1-302", "bad_amount"),
    ((1, 1, 601), "张伟", "89.56", "银行代扣", False, "1栋1单元601", None, ""),
    ((1, 1, 1501), "刘洋", "132.80", "预存", False, None, None, "F"),
    ((1, 2, 201), "陈静", "89.56", "现金", False, None, None, "on15"),
    ((1, 2, 502), "杨帆", "102.24", "预存", False, None, "1栋2单元502", "C"),
    ((1, 2, 902), "赵磊", "118.40", "银行代扣", False, "1#2-902", None, ""),
    ((1, 2, 1102), "黄丽华", "96.80", "前台", False, None, None, "K"),
    ((1, 2, 1801), "周杰", "143.68", "银行代扣", True, None, None, ""),
    ((2, 1, 101), "吴敏", "132.80", "现金", True, None, None, "bad_handover"),
    ((2, 1, 402), "徐强", "89.56", "前台", False, "2#1-402", None, "A"),
    ((2, 1, 803), "孙丽", "102.24", "现金", False, None, "2栋1单元803", "on15oct"),
    ((2, 1, 1201), "马超", "118.40", "前台", True, None, None, "H"),
    ((2, 1, 1501), "朱红", "132.80", "银行代扣", False, "2栋1单元1501", None, ""),
    ((2, 2, 301), "胡斌", "89.56", "预存", False, None, None, "bad_period"),
    ((2, 2, 704), "郭芳", "102.24", "现金", True, None, "2#2-704", "D"),
    ((2, 2, 1002), "何俊", "120.00", "现金", False, None, None, "J"),
    ((2, 2, 1302), "高婷", "143.68", "银行代扣", False, "2 -2-1302 ", None, ""),
    ((2, 2, 1601), "林峰", "118.40", "前台", True, None, "2-2-1601 ", ""),
    ((3, 1, 201), "罗琳", "89.56", "现金", False, None, None, ""),
    ((3, 1, 502), "郑浩", "102.24", "现金", False, "3#1-502", None, "B"),
    ((3, 1, 602), "梁雪", "89.56", "预存", False, None, None, ""),
    ((3, 1, 901), "谢明", "118.40", "银行代扣", False, None, None, "ref"),
    ((3, 1, 1301), "宋佳", "132.80", "银行代扣", False, "3栋1单元1301", None, "I"),
    ((3, 1, 1702), "唐亮", "143.68", "前台", True, None, "3栋1单元1702", ""),
    ((3, 2, 302), "许娜", "89.56", "现金", False, None, None, "on15"),
    ((3, 2, 801), "韩冰", "102.24", "前台", False, None, " 3-2-801", "E"),
    ((3, 2, 1102), "冯刚", "118.40", "银行代扣", False, "3#2-1102", None, ""),
    ((3, 2, 1502), "邓颖", "132.80", "现金", True, "3栋2单元1502", None, "G"),
    ((3, 2, 1801), "曹阳", "143.68", "预存", True, None, "3#2-1801", ""),
]

PHONE_PREFIXES = ["138", "139", "135", "136", "150", "151", "158", "159", "186", "187", "188", "177"]
ID_REGIONS = ["110105", "110108", "120104", "130102", "370202", "320106", "410105", "510107"]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_number(rng: random.Random) -> str:
    """A fake but well-formed 18-character resident ID (GB 11643 check digit)."""
    birth = dt.date(1958, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 38))
    body = f"{rng.choice(ID_REGIONS)}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    check = ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS)) % 11]
    return body + check


def build_owners(rng: random.Random) -> list[Owner]:
    owners = []
    for i, (key, name, area, method, parking, oform, fform, tag) in enumerate(OWNER_SPEC):
        o = Owner(key=key, name=name, area=Decimal(area), method=method, parking=parking, tag=tag)
        canon = o.norm
        o.owner_form = oform if oform is not None else canon
        o.fee_form = fform if fform is not None else canon
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 99999999):08d}"
        o.phone = float(phone) if i in (6, 19) else phone   # two typed in as numbers
        o.id_number = id_number(rng)
        hd = dt.date(2019, 6, 28) + dt.timedelta(days=rng.randint(0, 900))
        if tag == "bad_handover":
            o.handover = "2026-13-45"
        elif i in (4, 17):
            o.handover = f"{hd.year}/{hd.month}/{hd.day}"
        elif i == 11:
            o.handover = f"{hd.year}年{hd.month}月{hd.day}日"
        else:
            o.handover = hd
        b, u, r = key
        o.address = f"XX花园{b}栋{u}单元{r}室" if i % 4 else f"本市朝阳区建国路{10 + i * 7}号"
        o.water = {OCT: rng.randint(6, 22), NOV: rng.randint(6, 22)}
        if tag == "C":
            o.water[NOV] = 16          # 44.80, of which 20.00 is paid
        owners.append(o)
    return owners


# --------------------------------------------------------------------------
# Fee rows
# --------------------------------------------------------------------------

@dataclass
class FeeRow:
    owner: Owner | None
    unit_text: str
    item: str
    period: tuple
    due: Decimal
    paid: Decimal | None = None          # None = 实收 blank (unpaid)
    paid_on: object = None               # date / datetime / None
    due_date: dt.date | None = None      # explicit 缴费期限 (None = blank)
    note: str = ""
    tag: str = ""
    # written-form overrides (None = pick a style)
    period_cell: object = None
    due_cell: object = None
    paid_cell: object = None
    paid_date_cell: object = None
    due_date_cell: object = None
    row: int = 0
    cells: dict = field(default_factory=dict)   # header -> value as written

    @property
    def norm(self) -> str:
        return self.owner.norm if self.owner else re.sub(r"\s", "", self.unit_text)

    @property
    def effective_due(self) -> dt.date:
        return self.due_date or due_of(self.period)


def item_amount(o: Owner, item: str, period) -> Decimal:
    if item == "物业费":
        return o.property_fee
    if item == "水费":
        return money(WATER_RATE * o.water[period])
    if item == "垃圾清运费":
        return GARBAGE_FEE
    return PARKING_FEE


def pay_day(o: Owner, period, rng: random.Random) -> dt.date:
    y, m = period
    if o.method == "银行代扣":
        d = 10          # F1: bank collection on day 10
    elif o.method == "预存":
        d = 5           # deducted from the prepaid balance when notices go out
    else:
        d = rng.choice([3, 5, 6, 8, 9, 11, 12, 14])
    if o.tag == "on15" and period == NOV or o.tag == "on15oct" and period == OCT:
        d = 15
    return dt.date(y, m, d)


def build_fee_rows(owners: list[Owner], rng: random.Random) -> list[FeeRow]:
    by_tag = {o.tag: o for o in owners if o.tag}
    rows: list[FeeRow] = []
    for period in (OCT, NOV):
        for o in owners:
            day = pay_day(o, period, rng)
            for item in ITEMS:
                if item == "车位费" and not o.parking:
                    continue
                amt = item_amount(o, item, period)
                rows.append(FeeRow(o, o.fee_form, item, period, amt, paid=amt, paid_on=day))
        if period == NOV:   # i) a unit that is not in the owner file
            rows.append(FeeRow(None, "9-9-999", "物业费", NOV, Decimal("250.00"), paid=Decimal("250.00"),
                               paid_on=dt.date(2026, 11, 12), tag="unknown_unit"))

    def find(tag, item, period) -> FeeRow:
        o = by_tag[tag]
        return next(r for r in rows if r.owner is o and r.item == item and r.period == period)

    def unpay(r: FeeRow, tag: str, note: str = ""):
        r.paid, r.paid_on, r.tag, r.note = None, None, tag, note

    # b/A) October 物业费 unpaid and everything of November unpaid -> final notice
    unpay(find("A", "物业费", OCT), "A")
    for item in ("物业费", "水费", "垃圾清运费"):
        unpay(find("A", item, NOV), "A")
    # c/B) November 物业费 unpaid only -> first notice
    unpay(find("B", "物业费", NOV), "B")
    # d/C) November 水费 partly paid -> first notice for the remainder
    r = find("C", "水费", NOV)
    r.paid, r.tag, r.note = Decimal("20.00"), "C", "预存余额不足，部分扣缴"
    # e/D) 车位费 due 2026-11-10 (parking contract), unpaid -> second notice
    r = find("D", "车位费", NOV)
    unpay(r, "D", "车位协议每月10日前缴")
    r.due_date = dt.date(2026, 11, 10)
    r.due_date_cell = dt.date(2026, 11, 10)
    # f/E) November 物业费 paid on 11-21: after the as-of date
    r = find("E", "物业费", NOV)
    r.paid_on, r.tag = dt.date(2026, 11, 21), "E"
    r.paid_date_cell = dt.date(2026, 11, 21)
    # h) 应收金额 is a formula error (#REF!); paid in full otherwise
    r = find("ref", "水费", OCT)
    r.due_cell, r.tag = ExcelError("#REF!"), "ref"
    r.paid_cell = float(r.due)
    # j) an unreadable amount (实收金额 "约300") and an impossible period (2026-13)
    r = find("bad_amount", "物业费", OCT)
    r.paid_cell, r.tag = "约300", "bad_amount"
    r = find("bad_period", "垃圾清运费", NOV)
    r.period_cell, r.tag = "2026-13", "bad_period"
    # l/J, K) 物业费 of October and November unpaid, instalment agreement on file
    for tag, no in (("J", "FQ-2026-007"), ("K", "FQ-2026-011")):
        for period in (OCT, NOV):
            unpay(find(tag, "物业费", period), tag, f"已签分期协议{no}")
    # k/I) bank-debit payer, 物业费 debited on 11-22, not yet debited
    r = find("I", "物业费", NOV)
    unpay(r, "I", "银行代扣，11月22日扣款")
    r.due_date = dt.date(2026, 11, 22)
    r.due_date_cell = "2026-11-22"
    # Fixed written forms the README and the tests rely on
    o101 = next(o for o in owners if o.key == (1, 1, 101))
    r = next(r for r in rows if r.owner is o101 and r.item == "物业费" and r.period == OCT)
    r.due_cell = f"{r.due:,.2f}"                                   # "1,071.50"
    r = next(r for r in rows if r.owner is o101 and r.item == "物业费" and r.period == NOV)
    r.due_cell = _yuan(r.due)                                      # "1071.5元"
    r.paid_cell = _yuan(r.paid)

    # Extra rows for December (at the end of the table)
    # g/F) a 2026-12 物业费 prepayment dated 2026-11-25: after today -> data finding
    o = by_tag["F"]
    rows.append(FeeRow(o, o.fee_form, "物业费", DEC, o.property_fee, paid=o.property_fee,
                       paid_on=dt.date(2026, 11, 25), note="预交12月", tag="F",
                       paid_date_cell=dt.date(2026, 11, 25)))
    # k/G, H) cash / front-desk payers, 车位费 for 2026-12 due 2026-11-28, unpaid
    for tag, cell in (("G", "2026-11-28"), ("H", dt.date(2026, 11, 28))):
        o = by_tag[tag]
        rows.append(FeeRow(o, o.fee_form, "车位费", DEC, PARKING_FEE, due_date=dt.date(2026, 11, 28),
                           due_date_cell=cell, note="车位续租", tag=tag))
    return rows


def _yuan(d: Decimal) -> str:
    s = f"{d:.2f}".rstrip("0").rstrip(".")
    return s + "元"


def amount_cell(d: Decimal, style: str):
    if style == "num":
        return float(d)
    if style == "comma":
        return f"{d:,.2f}"
    if style == "yen":
        return f"¥{d:,.2f}"
    if style == "yuan":
        return _yuan(d)
    if style == "fw":
        return f"{d:.2f}".translate(FULLWIDTH)
    raise ValueError(style)


def date_cell(d, style: str, rng: random.Random):
    if isinstance(d, dt.datetime):
        d = d.date()
    if style == "date":
        return d
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "dot_time":
        return f"{d.year}.{d.month}.{d.day} {rng.randint(8, 17)}:{rng.choice(['00', '15', '30', '45'])}"
    if style == "datetime":
        return dt.datetime(d.year, d.month, d.day, rng.randint(8, 17), rng.randint(0, 59))
    raise ValueError(style)


def period_cell(period, style: str):
    y, m = period
    return {"dash": f"{y}-{m:02d}", "cn": f"{y}年{m}月", "num": y * 100 + m,
            "text": f"{y}{m:02d}", "slash": f"{y}/{m}"}[style]


AMOUNT_STYLES = ["num"] * 10 + ["comma", "yen", "yuan", "fw"]
DATE_STYLES = ["date"] * 6 + ["slash", "cn", "dot_time", "datetime"]
PERIOD_STYLES = ["dash", "dash", "cn", "num", "slash", "text"]


def render_fee_rows(rows: list[FeeRow], rng: random.Random, first_row: int) -> None:
    """Choose the written form of every cell; assign Excel row numbers."""
    # Guarantee the exact text dates named in the brief.
    wanted = {dt.date(2026, 11, 3): "slash", dt.date(2026, 11, 5): "cn", dt.date(2026, 11, 6): "dot_time"}
    seen = set()
    for i, r in enumerate(rows):
        r.row = first_row + i
        c = r.cells
        c["房号"] = r.unit_text
        c["收费项目"] = r.item
        c["所属期"] = r.period_cell if r.period_cell is not None else period_cell(r.period, rng.choice(PERIOD_STYLES))
        c["应收金额"] = r.due_cell if r.due_cell is not None else amount_cell(
            r.due, "yen" if r.item == "车位费" and rng.random() < 0.3 else rng.choice(AMOUNT_STYLES))
        if r.due_date_cell is not None:
            c["缴费期限"] = r.due_date_cell
        elif rng.random() < 0.25:   # some clerks fill in the default due date
            c["缴费期限"] = date_cell(due_of(r.period), rng.choice(["date", "date", "slash"]), rng)
        else:
            c["缴费期限"] = None
        if r.paid is None:
            c["实收金额"] = None
        elif r.paid_cell is not None:
            c["实收金额"] = r.paid_cell
        else:
            c["实收金额"] = amount_cell(r.paid, rng.choice(AMOUNT_STYLES))
        if r.paid_on is None:
            c["缴费日期"] = None
        elif r.paid_date_cell is not None:
            c["缴费日期"] = r.paid_date_cell
        else:
            style = rng.choice(DATE_STYLES)
            if r.paid_on in wanted and r.paid_on not in seen:
                style = wanted[r.paid_on]
                seen.add(r.paid_on)
            c["缴费日期"] = date_cell(r.paid_on, style, rng)
        c["备注"] = r.note or None
    missing = set(wanted) - seen
    if missing:
        raise SystemExit(f"make_samples: no payment on {sorted(missing)} to show the text date forms")


# --------------------------------------------------------------------------
# Instalment agreements (F11)
# --------------------------------------------------------------------------

def build_plans(owners: list[Owner]) -> list[dict]:
    by_tag = {o.tag: o for o in owners if o.tag}
    j, k = by_tag["J"], by_tag["K"]
    d = dt.date
    plans = [
        # J: 3 x 200.00 = Oct + Nov 物业费 (2 x 300.00); instalments due so far paid on time
        dict(owner=j, unit="2栋2单元1002", no="FQ-2026-007", n=1, due=d(2026, 10, 31), amt=Decimal("200.00"),
             paid=Decimal("200.00"), paid_on=d(2026, 10, 30)),
        dict(owner=j, unit="2栋2单元1002", no="FQ-2026-007", n=2, due=d(2026, 11, 15), amt=Decimal("200.00"),
             paid=Decimal("200.00"), paid_on="2026/11/14"),
        dict(owner=j, unit="2栋2单元1002", no="FQ-2026-007", n=3, due=d(2026, 12, 15), amt=Decimal("200.00"),
             paid=None, paid_on=None),
        # K: 200 + 150 + 134 = 484.00 = Oct + Nov 物业费 (2 x 242.00); instalment 2 missed
        dict(owner=k, unit="1-2-1102", no="FQ-2026-011", n=1, due=d(2026, 10, 31), amt=Decimal("200.00"),
             paid=Decimal("200.00"), paid_on=d(2026, 10, 31)),
        dict(owner=k, unit="1-2-1102", no="FQ-2026-011", n=2, due=d(2026, 11, 10), amt=Decimal("150.00"),
             paid=None, paid_on=None),
        dict(owner=k, unit="1-2-1102", no="FQ-2026-011", n=3, due=d(2026, 12, 10), amt=Decimal("134.00"),
             paid=None, paid_on=None),
    ]
    assert sum(p["amt"] for p in plans[:3]) == 2 * j.property_fee
    assert sum(p["amt"] for p in plans[3:]) == 2 * k.property_fee
    for i, p in enumerate(plans):
        p["row"] = 2 + i
    return plans


NOTE_LINES = [
    "填表说明",
    "1. 本台账由客服部收费员每日登记，月底与财务核对（日清月结、帐表相符）。",
    "2. 物业费按建筑面积×2.5元/㎡·月计收；水费2.8元/吨（7月起）；车位费320元/月；垃圾清运费15元/户·月。",
    "3. 缴费期限未填写的，按所属期当月15日；车位协议另有约定的按协议。",
    "4. 分期缴费的住户见\u201c分期协议\u201d页，按期缴纳的暂停催缴。",
    "5. 如有疑问请联系客服主管。",
]


# --------------------------------------------------------------------------
# Tickets (投诉报修台账): a fixed list, no randomness (the fee rng is untouched)
# --------------------------------------------------------------------------

TICKET_FILE = "投诉报修台账.xlsx"
TICKET_SHEET = "11月工单"
TICKET_TITLE = "XX花园投诉报修台账（2026年11月）"
TICKET_NOTE = "注：时间以受理登记为准"
TICKET_HEADERS = ["工单号", "类型", "等级", "项目", "房号", "反映人", "内容", "来源", "受理时间", "派单时间",
                  "责任部门", "处理人", "约定时间", "答复时间", "进度反馈时间", "完成时间", "回访时间", "回访结果",
                  "关联工单", "延期次数", "到场时间"]
TICKET_TIMES = ("受理时间", "派单时间", "约定时间", "答复时间", "进度反馈时间", "完成时间", "回访时间", "到场时间")
TCOL = {h: i + 1 for i, h in enumerate(TICKET_HEADERS)}
TCOL_LETTER = {h: "ABCDEFGHIJKLMNOPQRSTU"[i] for i, h in enumerate(TICKET_HEADERS)}
SITE_OF_BUILDING = {1: "A区", 2: "A区", 3: "B区"}     # 项目: buildings 1-2 are A区, building 3 is B区
SAMPLE_WEEK = (dt.datetime(2026, 11, 9), dt.datetime(2026, 11, 15, 23, 59))   # Mon .. Sun before the as-of week
UNIT_RE = re.compile(r"^(\d+)(?:-|#|栋)(\d+)(?:-|单元)(\d+)$")


def norm_unit(text: str) -> str:
    """3栋2单元1502 / 3#2-1502 / ' 3-2-1502 ' / full-width -> 3-2-1502 (for the checks here only)."""
    s = re.sub(r"\s", "", text.translate(str.maketrans("０１２３４５６７８９－＃", "0123456789-#")))
    m = UNIT_RE.match(s)
    return "-".join(m.groups()) if m else s


def time_text(t: dt.datetime, style: str) -> str:
    """The three text forms clerks type: 2026-11-20 14:30, 2026/11/20 9:05, 2026年11月20日 14:30."""
    if style == "dash":
        return f"{t:%Y-%m-%d %H:%M}"
    if style == "slash":
        return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"
    if style == "cn":
        return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"
    raise ValueError(style)


@dataclass
class Ticket:
    id: str
    kind: str
    level: str | None
    unit_text: str
    content: str
    source: str | None = None
    dept: str | None = None
    handler: str | None = None
    result: str | None = None          # 回访结果
    related: str | None = None         # 关联工单
    postponed: int | None = None       # 延期次数
    times: dict = field(default_factory=dict)   # header -> datetime (the meaning)
    text: dict = field(default_factory=dict)    # header -> "dash" / "slash" / "cn": written as text
    raw: dict = field(default_factory=dict)     # header -> unreadable text written instead of a time
    row: int = 0
    cells: dict = field(default_factory=dict)   # header -> value as written

    @property
    def norm(self) -> str:
        return norm_unit(self.unit_text)

    @property
    def site(self) -> str:
        return SITE_OF_BUILDING[int(self.norm.split("-")[0])]


def _tk(tid, kind, level, unit, content, *, source=None, dept=None, handler=None, result=None, related=None,
        postponed=None, text=None, raw=None, **times) -> Ticket:
    bad = set(times) - set(TICKET_TIMES)
    if bad:
        raise ValueError(f"{tid}: unknown time columns {bad}")
    return Ticket(tid, kind, level, unit, content, source, dept, handler, result, related, postponed,
                  dict(times), dict(text or {}), dict(raw or {}))


def build_tickets() -> list[Ticket]:
    D = lambda m, d, hh, mm: dt.datetime(2026, m, d, hh, mm)
    ts = [
        # ---- complaints (投诉), consultations (咨询)
        _tk("T01", "投诉", "轻微", "2栋1单元1501", "楼上装修电钻噪音扰民，午休时间仍在施工",
            source="电话", dept="客服部", 受理时间=D(11, 19, 10, 0)),
        _tk("T02", "投诉", "轻微", "3-1-602", "凌晨楼下商铺音响噪音扰民",
            source="电话", dept="客服部", 受理时间=D(11, 20, 1, 30)),
        _tk("T03", "投诉", "重要", "1#2-902", "地下车库顶板渗水滴到车上",
            source="电话", dept="工程部", text={"受理时间": "dash"},
            受理时间=D(11, 20, 14, 0), 派单时间=D(11, 20, 14, 50), 进度反馈时间=D(11, 20, 18, 0)),
        _tk("T04", "投诉", "重要", "2-2-704", "单元门禁损坏，外来人员随意进出",
            source="来访", dept="工程部",
            受理时间=D(11, 18, 9, 0), 派单时间=D(11, 18, 9, 10), 完成时间=D(11, 18, 16, 0)),
        _tk("T05", "投诉", "重要", "3栋1单元1702", "小区内车辆乱停，堵住消防通道",
            source="集团客服中心", dept="秩序部", result="满意", text={"答复时间": "slash"},
            受理时间=D(11, 20, 10, 0), 派单时间=D(11, 20, 10, 45), 答复时间=D(11, 20, 10, 48),
            完成时间=D(11, 20, 17, 0), 回访时间=D(11, 20, 18, 0)),
        _tk("T06", "投诉", "轻微", "2栋1单元1501", "楼上装修噪音仍未解决，再次投诉",
            source="电话", dept="客服部", related="T01", result="满意",
            受理时间=D(11, 20, 11, 0), 完成时间=D(11, 20, 15, 0), 回访时间=D(11, 20, 16, 0)),
        _tk("T08", "投诉", "轻微", "1#1-302", "卫生间地漏维修后又漏水，楼下天花板渗水",
            source="电话", dept="工程部", related="T10", text={"派单时间": "slash"},
            受理时间=D(11, 20, 9, 0), 派单时间=D(11, 20, 9, 10), 进度反馈时间=D(11, 20, 12, 0)),
        _tk("T09", "投诉", "重大", "3栋2单元1502", "外墙渗水导致卧室墙面发霉，多次报修未解决",
            source="来访", dept="工程部", result="基本满意", text={"完成时间": "cn"},
            受理时间=D(9, 30, 16, 0), 派单时间=D(9, 30, 16, 10), 答复时间=D(10, 12, 10, 0),
            进度反馈时间=D(10, 1, 9, 0), 完成时间=D(10, 15, 17, 0), 回访时间=D(10, 15, 18, 0)),
        # ---- repairs (报修) in the sample week Mon 11-09 .. Sun 11-15: A区 T10-T16, B区 T17-T19
        _tk("T10", "报修", None, "1-1-302", "卫生间地漏返水漏水",
            source="电话", dept="工程部", handler="王德明", result="满意",
            受理时间=D(11, 9, 8, 30), 到场时间=D(11, 9, 8, 40), 完成时间=D(11, 9, 11, 30), 回访时间=D(11, 9, 15, 0)),
        _tk("T11", "报修", None, "1栋1单元601", "厨房水龙头滴水",
            source="电话", dept="工程部", handler="孙志刚", result="满意",
            受理时间=D(11, 10, 9, 0), 到场时间=D(11, 10, 9, 10), 完成时间=D(11, 10, 10, 30),
            回访时间=D(11, 10, 14, 0)),
        _tk("T12", "报修", None, "1#2-502", "厨房下水道堵塞",
            source="电话", dept="工程部", handler="王德明", result="基本满意", text={"完成时间": "cn"},
            受理时间=D(11, 11, 14, 20), 到场时间=D(11, 11, 14, 30), 完成时间=D(11, 12, 10, 0),
            回访时间=D(11, 12, 15, 0)),
        _tk("T13", "报修", None, "２-１-４０２", "入户门锁芯损坏，钥匙打不开",
            source="电话", dept="工程部", handler="孙志刚", result="满意",
            受理时间=D(11, 12, 7, 20), 到场时间=D(11, 12, 7, 30), 完成时间=D(11, 12, 9, 30),
            回访时间=D(11, 12, 11, 0)),
        _tk("T14", "报修", None, "1-1-1501", "客厅暖气片阀门漏水",
            source="电话", dept="工程部", handler="王德明", result="满意",
            受理时间=D(11, 13, 10, 0), 到场时间=D(11, 13, 10, 10), 完成时间=D(11, 13, 16, 0),
            回访时间=D(11, 13, 18, 0)),
        _tk("T15", "报修", None, " 1-1-302 ", "厨房插座跳闸无电",
            source="电话", dept="工程部", handler="刘建军", result="基本满意",
            受理时间=D(11, 14, 18, 0), 到场时间=D(11, 14, 18, 10), 完成时间=D(11, 15, 9, 0),
            回访时间=D(11, 15, 11, 0)),
        _tk("T16", "报修", None, "2栋1单元803", "卫生间水管爆裂漏水",
            source="电话", dept="工程部", handler="刘建军", result="满意", text={"回访时间": "slash"},
            受理时间=D(11, 15, 19, 0), 到场时间=D(11, 15, 19, 10), 完成时间=D(11, 15, 22, 30),
            回访时间=D(11, 16, 9, 30)),
        _tk("T17", "报修", None, "3-1-201", "户内电路跳闸，合不上闸",
            source="电话", dept="工程部", handler="赵永刚", result="满意",
            受理时间=D(11, 9, 16, 0), 到场时间=D(11, 9, 16, 10), 完成时间=D(11, 10, 11, 0),
            回访时间=D(11, 10, 15, 0)),
        _tk("T18", "报修", None, " 3-2-801", "马桶水箱漏水",
            source="电话", dept="工程部", handler="赵永刚", result="不满意",
            受理时间=D(11, 12, 8, 0), 到场时间=D(11, 12, 8, 10), 完成时间=D(11, 12, 12, 0),
            回访时间=D(11, 12, 16, 0)),
        _tk("T19", "报修", None, "3#2-1102", "阳台推拉门滑轮损坏",
            source="电话", dept="工程部", handler="钱立新", result="满意",
            受理时间=D(11, 14, 13, 0), 到场时间=D(11, 14, 13, 10), 完成时间=D(11, 15, 10, 0),
            回访时间=D(11, 15, 14, 0)),
        # ---- more complaints, a consultation
        _tk("T20", "投诉", "轻微", "1-2-201", "垃圾桶清运不及时，有异味",
            source="电话", raw={"受理时间": "明天上午"}),
        _tk("T21", "投诉", "轻微", "1-2-1102", "邻居在楼道长期堆放杂物",
            source="电话", dept="客服部", postponed=2,
            受理时间=D(11, 20, 9, 0), 约定时间=D(11, 30, 10, 0)),
        _tk("T22", "咨询", None, "3-2-302", "咨询车位租赁价格和办理手续",
            source="电话", 受理时间=D(11, 20, 16, 0)),
        # ---- repairs outside the sample week
        _tk("T23", "报修", None, "1栋1单元302", "卫生间墙面渗水",
            受理时间=D(11, 16, 8, 0), 到场时间=D(11, 16, 8, 12), 完成时间=D(11, 17, 11, 0)),
        _tk("T24", "报修", None, "2-2-1601 ", "户内突然停电，总闸跳闸",
            source="电话", text={"到场时间": "dash"},
            受理时间=D(11, 20, 20, 0), 到场时间=D(11, 20, 20, 25)),
        _tk("T25", "报修", None, "3-1-901", "卧室窗户把手断裂",
            受理时间=D(11, 8, 9, 0), 完成时间=D(11, 8, 18, 0)),
    ]
    names = {"-".join(map(str, key)): name for key, name, *_ in OWNER_SPEC}
    for i, t in enumerate(ts):
        t.row = 3 + i
        t.cells = {
            "工单号": t.id, "类型": t.kind, "等级": t.level, "项目": t.site, "房号": t.unit_text,
            "反映人": names[t.norm], "内容": t.content, "来源": t.source, "责任部门": t.dept, "处理人": t.handler,
            "回访结果": t.result, "关联工单": t.related, "延期次数": t.postponed,
        }
        for h in TICKET_TIMES:
            if h in t.raw:
                t.cells[h] = t.raw[h]
            elif h in t.times:
                t.cells[h] = time_text(t.times[h], t.text[h]) if h in t.text else t.times[h]
            else:
                t.cells[h] = None
    return ts


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------

def write_owner_xls(path: Path, owners: list[Owner]) -> dict:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(OWNER_SHEET)
    title = xlwt.easyxf("font: bold on, height 320; align: horiz center")
    head = xlwt.easyxf("font: bold on; borders: left thin, right thin, top thin, bottom thin; align: horiz center")
    text = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin")
    date = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin", num_format_str="YYYY-MM-DD")
    area = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin", num_format_str="0.00")
    phone = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin", num_format_str="0")

    ws.write_merge(0, 0, 0, len(OWNER_HEADERS) - 1, "XX花园业主档案（2026年）", title)
    for c, h in enumerate(OWNER_HEADERS):
        ws.write(1, c, h, head)
    for c, w in enumerate([14, 10, 14, 22, 12, 12, 10, 30]):
        ws.col(c).width = 256 * w

    r = 2
    blank_row = None
    for i, o in enumerate(owners):
        if i > 0 and o.key[0] != owners[i - 1].key[0] and blank_row is None:
            blank_row = r + 1          # one blank row between building 1 and 2
            r += 1
        o.row = r + 1
        ws.write(r, 0, o.owner_form, text)
        ws.write(r, 1, o.name, text)
        ws.write(r, 2, o.phone, phone if isinstance(o.phone, float) else text)
        ws.write(r, 3, o.id_number, text)
        ws.write(r, 4, float(o.area), area)
        ws.write(r, 5, o.handover, date if isinstance(o.handover, dt.date) else text)
        ws.write(r, 6, o.method, text)
        ws.write(r, 7, o.address, text)
        r += 1
    last_data = r                      # Excel row of the last owner
    r += 1                             # a blank row, then the note
    note_row = r + 1
    ws.write(r, 0, "注：本表由客服部维护")
    wb.save(str(path))
    return dict(blank_row=blank_row, last_row=last_data, note_row=note_row, trailing_blank=last_data + 1)


def write_fee_xlsx(path: Path, rows: list[FeeRow], plans: list[dict]) -> dict:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    wb.properties.creator = "客服部"
    wb.properties.lastModifiedBy = "收费员"
    fixed = dt.datetime(2026, 11, 20, 8, 0, 0)
    wb.properties.created = fixed
    ws = wb.active
    ws.title = FEE_SHEET
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center")
    grey = PatternFill("solid", fgColor="DDDDDD")

    ncol = len(FEE_HEADERS)
    ws.cell(1, 1, "XX花园2026年10-11月收费台账").font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = center
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    for text, c1, c2 in (("基本信息", 1, 3), ("应收", 4, 5), ("实收", 6, 7)):
        cell = ws.cell(2, c1, text)
        cell.font, cell.alignment, cell.fill = bold, center, grey
        ws.merge_cells(start_row=2, start_column=c1, end_row=2, end_column=c2)
    for c, h in enumerate(FEE_HEADERS, start=1):
        cell = ws.cell(3, c, h)
        cell.font, cell.alignment, cell.border, cell.fill = bold, center, box, grey
    for letter, w in zip("ABCDEFGH", [14, 11, 11, 13, 12, 13, 18, 24]):
        ws.column_dimensions[letter].width = w
    ws.freeze_panes = "A4"

    for r in rows:
        for h in FEE_HEADERS:
            v = r.cells[h]
            cell = ws.cell(r.row, COL[h])
            if isinstance(v, ExcelError):
                cell.value = str(v)
                cell.data_type = "e"       # stored as a real error cell: t="e"
            else:
                cell.value = v
            cell.border = box
            if isinstance(v, float):
                cell.number_format = "#,##0.00"
            elif isinstance(v, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(v, dt.date):
                cell.number_format = "yyyy-mm-dd"
    last = rows[-1].row
    blank_row = last + 1
    total_row = last + 2
    ws.cell(total_row, 1, "合计").font = bold
    ws.cell(total_row, COL["应收金额"], float(sum(r.due for r in rows))).number_format = "#,##0.00"
    ws.cell(total_row, COL["实收金额"], float(sum(r.paid or 0 for r in rows))).number_format = "#,##0.00"
    for c in range(1, ncol + 1):
        ws.cell(total_row, c).border = box

    # 分期协议 (no title row: the header is row 1)
    wp = wb.create_sheet(PLAN_SHEET)
    for c, h in enumerate(PLAN_HEADERS, start=1):
        cell = wp.cell(1, c, h)
        cell.font, cell.border = bold, box
    for letter, w in zip("ABCDEFG", [14, 14, 6, 14, 11, 11, 14]):
        wp.column_dimensions[letter].width = w
    for p in plans:
        vals = [p["unit"], p["no"], p["n"], p["due"], float(p["amt"]),
                float(p["paid"]) if p["paid"] is not None else None, p["paid_on"]]
        for c, v in enumerate(vals, start=1):
            cell = wp.cell(p["row"], c, v)
            cell.border = box
            if isinstance(v, float):
                cell.number_format = "#,##0.00"
            elif isinstance(v, dt.date):
                cell.number_format = "yyyy-mm-dd"

    # 说明: free text only
    wn = wb.create_sheet(NOTE_SHEET)
    wn.column_dimensions["A"].width = 90
    for i, line in enumerate(NOTE_LINES, start=1):
        wn.cell(i, 1, line)
    wn.cell(1, 1).font = bold

    wb.save(str(path))
    _fix_zip(path)
    return dict(blank_row=blank_row, total_row=total_row)


def _fix_zip(path: Path) -> None:
    """Pin the zip entry times and docProps timestamps so the bytes repeat."""
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2026-11-20T08:00:00Z", data)
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 20, 8, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    path.write_bytes(buf.getvalue())


def write_lock_file(path: Path) -> None:
    # What Excel leaves beside an open workbook: the user name, padded. Junk to us.
    name = "kefu01".encode()
    path.write_bytes(bytes([len(name)]) + name + b" " * (54 - len(name)) + b"\x00\x00")


def write_ticket_xlsx(path: Path, tickets: list[Ticket]) -> dict:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    wb.properties.creator = "客服部"
    wb.properties.lastModifiedBy = "客服助理"
    wb.properties.created = dt.datetime(2026, 11, 20, 8, 0, 0)
    ws = wb.active
    ws.title = TICKET_SHEET
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center")

    ncol = len(TICKET_HEADERS)
    ws.cell(1, 1, TICKET_TITLE).font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = center
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    for c, h in enumerate(TICKET_HEADERS, start=1):
        cell = ws.cell(2, c, h)
        cell.font, cell.alignment, cell.border = Font(bold=True), center, box
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
    widths = [8, 6, 6, 6, 14, 8, 34, 12] + [17, 17, 9, 8, 17, 17, 17, 17, 17, 9, 9, 8, 17]
    for h, w in zip(TICKET_HEADERS, widths):
        ws.column_dimensions[TCOL_LETTER[h]].width = w
    ws.freeze_panes = "B3"

    for t in tickets:
        for h in TICKET_HEADERS:
            v = t.cells[h]
            cell = ws.cell(t.row, TCOL[h], v)
            cell.border = box
            if isinstance(v, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    blank_row = tickets[-1].row + 1
    note_row = blank_row + 1
    ws.cell(note_row, 1, TICKET_NOTE)
    wb.save(str(path))
    _fix_zip(path)
    return dict(blank_row=blank_row, note_row=note_row)


# --------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------

def _show(v) -> str:
    if v is None:
        return "(blank)"
    if isinstance(v, ExcelError):
        return f"{v} (error cell)"
    if isinstance(v, dt.datetime):
        return f"{v:%Y-%m-%d %H:%M} (Excel date)"
    if isinstance(v, dt.date):
        return f"{v:%Y-%m-%d} (Excel date)"
    if isinstance(v, float):
        return f"{v:.2f} (number)"
    if isinstance(v, int):
        return f"{v} (number)"
    return f"`{v}` (text)"


def _amt(d: Decimal) -> str:
    return f"{d:,.2f}"


def _ref(r: FeeRow, h: str) -> str:
    return f"{COL_LETTER[h]}{r.row}"


def write_readme(path: Path, owners, rows, plans, olay, flay, tickets, tlay) -> None:
    by_tag = {o.tag: o for o in owners if o.tag}
    rows_of = lambda tag: [r for r in rows if r.tag == tag]
    out = []
    w = out.append

    def outstanding(r: FeeRow) -> Decimal:
        paid = r.paid if (r.paid is not None and r.paid_on is not None and r.paid_on <= AS_OF) else Decimal(0)
        return r.due - paid

    def late(r: FeeRow) -> int:
        return (AS_OF - r.effective_due).days

    def unit_cell(o: Owner) -> str:
        same = o.owner_form == o.fee_form
        s = f"`{o.fee_form}`"
        if not same:
            s += f" (owner file: `{o.owner_form}`)"
        return s

    def rowlist(rs, h=None):
        return ", ".join(f"row {r.row} ({r.item} {ptxt(r.period)})" for r in rs)

    w("# Demo ledgers")
    w("")
    w("Generated by `tools/make_samples.py` (`make samples`). **Do not edit by hand**: re-run the")
    w("generator; it is deterministic (fixed seed, fixed dates) and rewrites this file, so the row")
    w("numbers below always match the workbooks.")
    w("")
    w(f"Demo run: **as-of date {AS_OF}**, today {TODAY}. A fee is due on the 15th of its period month")
    w("unless 缴费期限 says otherwise. Dunning ladder (F3), counted from the due date: first notice")
    w("《催费通知书》 from due + 1 day (the 16th), second 《二次催费通知书》 from due + 9 days (the 24th),")
    w("final 《最后催费通知书》 with 滞纳金 from due + 16 days (after the 30th). A payment counts only")
    w("if its 缴费日期 is on or before the as-of date. Row numbers are Excel row numbers (1-based,")
    w("title and header rows included); columns are Excel letters.")
    w("")
    w("## Files")
    w("")
    w("| file | what |")
    w("|---|---|")
    w(f"| `{OWNER_FILE}` | old .xls (BIFF8, xlwt), sheet `{OWNER_SHEET}`: title row 1 (merged A1:H1), header row 2, "
      f"{len(owners)} owners in rows 3–{olay['last_row']}, blank row {olay['blank_row']} (between buildings 1 and 2), "
      f"blank row {olay['trailing_blank']}, note `注：本表由客服部维护` in A{olay['note_row']} |")
    w(f"| `{FEE_FILE}` | sheet `{FEE_SHEET}`: title row 1 (merged A1:H1), group row 2 (`基本信息` A2:C2, `应收` D2:E2, "
      f"`实收` F2:G2, H2 empty), header row 3, {len(rows)} data rows 4–{rows[-1].row}, blank row {flay['blank_row']}, "
      f"`合计` row {flay['total_row']}. Sheet `{PLAN_SHEET}`: header row 1, 6 instalment rows 2–7. "
      f"Sheet `{NOTE_SHEET}`: free text in A1:A{len(NOTE_LINES)} |")
    w(f"| `{TICKET_FILE}` | sheet `{TICKET_SHEET}`: title row 1 (merged A1:U1), header row 2, {len(tickets)} tickets in "
      f"rows 3–{tickets[-1].row}, blank row {tlay['blank_row']}, note `{TICKET_NOTE}` in A{tlay['note_row']} "
      f"(see [Tickets](#tickets-投诉报修台账xlsx)) |")
    w(f"| `{LOCK_FILE}` | Excel lock file ({(path.parent / LOCK_FILE).stat().st_size} bytes of junk): must be "
      f"ignored, no finding |")
    w("")
    w("Note: the group row 2 of the fee sheet contains `应收` and `实收`, which are also header")
    w("aliases; the real header is row 3.")
    w("")

    # ---- scenario table
    w("## Scenarios")
    w("")
    w(f"Sheet `{FEE_SHEET}` unless stated. \"Outstanding\" is as of {AS_OF}.")
    w("")
    w("| # | unit as written | normalised | owner (method) | planted | expected on 2026-11-20 |")
    w("|---|---|---|---|---|---|")

    def line(sid, o, planted, expected, unit=None, norm=None, who=None):
        w(f"| {sid} | {unit or unit_cell(o)} | `{norm or o.norm}` | {who or f'{o.name} ({o.method})'} "
          f"| {planted} | {expected} |")

    # a) everyone else
    special = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K"}
    clean = [o for o in owners if o.tag not in special]
    on15 = [r for r in rows if r.owner and r.owner.tag in ("on15", "on15oct") and r.paid_on and r.paid_on.day == 15
            and r.tag == ""]
    w(f"| a | the other {len(clean)} households, and every row of the households below not listed there | | | "
      f"every row paid in full, on or before "
      f"its due date; paid exactly on the 15th (on time): "
      + "; ".join(f"`{o.norm}` rows {', '.join(str(r.row) for r in on15 if r.owner is o)}"
                  for o in owners if o.tag in ("on15", "on15oct"))
      + " | no notice, nothing outstanding |")

    o = by_tag["A"]
    rs = rows_of("A")
    oct_r = next(r for r in rs if r.period == OCT)
    nov = [r for r in rs if r.period == NOV]
    line("b (A)", o,
         f"October 物业费 unpaid (row {oct_r.row}); November 物业费, 水费, 垃圾清运费 unpaid "
         f"(rows {', '.join(str(r.row) for r in nov)})",
         f"**final notice** 《最后催费通知书》 listing all 4 items: 物业费 2026-10 {_amt(oct_r.due)} "
         f"(due {oct_r.effective_due}, {late(oct_r)} days late → final stage, 滞纳金 = {_amt(oct_r.due)} × "
         f"company daily rate × {late(oct_r)} days, cap per rule file) + "
         + " + ".join(f"{r.item} 2026-11 {_amt(r.due)} ({late(r)} days late, first stage, no 滞纳金)" for r in nov)
         + f"; principal outstanding {_amt(sum(outstanding(r) for r in rs))}")
    o = by_tag["B"]
    r = rows_of("B")[0]
    line("c (B)", o, f"November 物业费 unpaid (row {r.row})",
         f"**first notice** 《催费通知书》: 物业费 2026-11 {_amt(outstanding(r))} outstanding, due {r.effective_due}, "
         f"{late(r)} days late")
    o = by_tag["C"]
    r = rows_of("C")[0]
    line("d (C)", o, f"November 水费 partly paid: 应收 {_amt(r.due)}, 实收 {_amt(r.paid)} on {r.paid_on} (row {r.row})",
         f"**first notice**: 水费 2026-11 remainder {_amt(outstanding(r))}, due {r.effective_due}, {late(r)} days late")
    o = by_tag["D"]
    r = rows_of("D")[0]
    line("e (D)", o, f"November 车位费, 缴费期限 {_show(r.cells['缴费期限'])} in {_ref(r, '缴费期限')}, unpaid (row {r.row})",
         f"**second notice** 《二次催费通知书》: 车位费 2026-11 {_amt(outstanding(r))}, due {r.effective_due}, "
         f"{late(r)} days late (≥ 9, < 16)")
    o = by_tag["E"]
    r = rows_of("E")[0]
    line("f (E)", o, f"November 物业费 paid in full on {_show(r.cells['缴费日期'])} ({_ref(r, '缴费日期')}), after the as-of date",
         f"**first notice**: on 11-20 物业费 2026-11 {_amt(outstanding(r))} is unpaid, due {r.effective_due}, "
         f"{late(r)} days late. No data finding (11-21 is not after today)")
    o = by_tag["F"]
    r = rows_of("F")[0]
    line("g (F)", o, f"物业费 2026-12 (due {r.effective_due}) paid {_amt(r.paid)} dated {_show(r.cells['缴费日期'])} "
                     f"({_ref(r, '缴费日期')}), after today {TODAY}",
         f"**data finding** on {_ref(r, '缴费日期')} (date after today). No notice either way (the row is not due "
         f"until {r.effective_due}); F's October/November rows are paid")
    r = rows_of("ref")[0]
    o = r.owner
    line("h", o, f"水费 2026-10 应收金额 {_ref(r, '应收金额')} is a `#REF!` error cell (`t=\"e\"`); 实收 "
                 f"{_amt(r.paid)} paid {r.paid_on}",
         f"**data finding** on {_ref(r, '应收金额')}; row kept out of the rules; no notice")
    r = rows_of("unknown_unit")[0]
    line("i", None, f"物业费 2026-11 {_amt(r.due)}, paid in full {r.paid_on} (row {r.row})",
         f"**data finding** on {_ref(r, '房号')}: unit not in the owner file; no notice",
         unit="`9-9-999`", norm="9-9-999", who="— (not in owner file)")
    r = rows_of("bad_amount")[0]
    o = r.owner
    line("j1", o, f"物业费 2026-10 (应收 {_amt(r.due)}) 实收金额 {_ref(r, '实收金额')} = `约300`",
         f"**data finding** on {_ref(r, '实收金额')} (amount not readable); row kept out of the rules; no notice "
         f"(all other rows of the household are paid)")
    r = rows_of("bad_period")[0]
    o = r.owner
    line("j2", o, f"垃圾清运费 (a November row, paid {_amt(r.paid)}) 所属期 {_ref(r, '所属期')} = `2026-13`",
         f"**data finding** on {_ref(r, '所属期')} (no month 13); row kept out of the rules; no notice")
    for tag in ("G", "H"):
        o = by_tag[tag]
        r = rows_of(tag)[0]
        line(f"k ({tag})", o, f"车位费 2026-12 {_amt(r.due)}, 缴费期限 {_show(r.cells['缴费期限'])} ({_ref(r, '缴费期限')}), "
                              f"unpaid (row {r.row})",
             f"**pre-due SMS reminder** (F2, cash/front desk, due in {(r.effective_due - AS_OF).days} days ≤ 10); "
             f"no dunning notice")
    o = by_tag["I"]
    r = rows_of("I")[0]
    line("k (I)", o, f"物业费 2026-11 {_amt(r.due)}, 缴费期限 {_show(r.cells['缴费期限'])} ({_ref(r, '缴费期限')}), "
                     f"unpaid (row {r.row})",
         f"**debit reminder** (F2, bank debit in {(r.effective_due - AS_OF).days} days ≤ 3); not yet due → no notice")
    for tag in ("J", "K"):
        o = by_tag[tag]
        rs = rows_of(tag)
        ps = [p for p in plans if p["owner"] is o]
        plan_txt = "; ".join(
            f"#{p['n']} row {p['row']} due {p['due']} {_amt(p['amt'])} "
            + (f"paid {_amt(p['paid'])} on {p['paid_on'] if isinstance(p['paid_on'], str) else p['paid_on']}"
               if p["paid"] is not None else "unpaid")
            for p in ps)
        total = sum(outstanding(r) for r in rs)
        if tag == "J":
            exp = (f"**no notice**: agreement on time, ladder held (F11). Fee-sheet arrears {_amt(total)} stay "
                   f"outstanding in the ledger")
        else:
            r10 = next(r for r in rs if r.period == OCT)
            r11 = next(r for r in rs if r.period == NOV)
            exp = (f"**final notice**: instalment #2 (due 2026-11-10) missed → ladder resumes from the original due "
                   f"dates: 物业费 2026-10 {_amt(r10.due)} ({late(r10)} days late, final stage, 滞纳金 = "
                   f"{_amt(r10.due)} × rate × {late(r10)} days) + 物业费 2026-11 {_amt(r11.due)} ({late(r11)} days late); "
                   f"principal {_amt(total)}")
        line(f"l ({tag})", o, f"物业费 2026-10 and 2026-11 unpaid (rows {', '.join(str(r.row) for r in rs)}); "
                              f"`{PLAN_SHEET}` {ps[0]['no']}: {plan_txt}", exp)
    o = next(o for o in owners if o.tag == "bad_handover")
    line("owner", o, f"`{OWNER_FILE}` › `{OWNER_SHEET}` row {o.row}: 交房日期 F{o.row} = `2026-13-45`",
         "**data finding** (not a date). All of this household's fee rows are paid → no notice")
    w("")

    # ---- notices summary
    w("## Expected notices and reminders on 2026-11-20 (complete list)")
    w("")
    w("| household | normalised | result | principal outstanding |")
    w("|---|---|---|---|")
    summary = [("A", "最后催费通知书 (final, 滞纳金 on 2026-10 物业费)"),
               ("K", "最后催费通知书 (final, instalment plan broken)"),
               ("D", "二次催费通知书 (second)"),
               ("B", "催费通知书 (first)"), ("C", "催费通知书 (first)"), ("E", "催费通知书 (first)"),
               ("J", "none — instalment plan on time (ladder held)"),
               ("G", "pre-due SMS reminder (车位费 2026-12, due 2026-11-28)"),
               ("H", "pre-due SMS reminder (车位费 2026-12, due 2026-11-28)"),
               ("I", "bank-debit reminder (物业费 2026-11, debit 2026-11-22)")]
    for tag, res in summary:
        o = by_tag[tag]
        tot = sum(outstanding(r) for r in rows_of(tag) if r.effective_due <= AS_OF)
        ahead = sum(outstanding(r) for r in rows_of(tag) if r.effective_due > AS_OF)
        w(f"| {tag} {o.name} | `{o.norm}` | {res} | {_amt(tot)}"
          + (f" (plus {_amt(ahead)} not yet due)" if ahead else "") + " |")
    w("")
    w("No other household gets a notice or reminder. No other cash/front-desk row is due between")
    w("2026-11-21 and 2026-11-30 and no other bank-debit row between 2026-11-21 and 2026-11-23. The next")
    w("instalments (J #3 due 2026-12-15, K #3 due 2026-12-10) are more than 10 days away.")
    w("")

    # ---- findings
    w("## Expected data findings (complete list)")
    w("")
    w("`file › sheet › row › column: value — reason`")
    w("")
    bh = next(o for o in owners if o.tag == "bad_handover")
    fnd = [f"{OWNER_FILE} › {OWNER_SHEET} › {bh.row} › 交房日期: 2026-13-45 — 不是有效日期"]
    r = rows_of("ref")[0]
    fnd.append(f"{FEE_FILE} › {FEE_SHEET} › {r.row} › 应收金额: #REF! — 公式错误")
    r = rows_of("bad_amount")[0]
    fnd.append(f"{FEE_FILE} › {FEE_SHEET} › {r.row} › 实收金额: 约300 — 金额无法识别")
    r = rows_of("bad_period")[0]
    fnd.append(f"{FEE_FILE} › {FEE_SHEET} › {r.row} › 所属期: 2026-13 — 月份无效")
    r = rows_of("unknown_unit")[0]
    fnd.append(f"{FEE_FILE} › {FEE_SHEET} › {r.row} › 房号: 9-9-999 — 业主档案中无此房号")
    r = rows_of("F")[0]
    fnd.append(f"{FEE_FILE} › {FEE_SHEET} › {r.row} › 缴费日期: 2026-11-25 — 晚于今天（{TODAY}）")
    fnd.append(f"{FEE_FILE} › {NOTE_SHEET} — 工作表无法识别为任何台账类型（整页未读取）")
    for i, f in enumerate(fnd, 1):
        w(f"{i}. {f}")
    w("")
    w("The Chinese reasons are illustrative; tests should match file, sheet, row, column and value.")
    w("")
    w("## Must not produce anything")
    w("")
    w(f"- `{LOCK_FILE}` (lock file).")
    w(f"- Title rows (owner row 1, fee row 1), the group row (fee row 2), the blank rows (owner rows "
      f"{olay['blank_row']} and {olay['trailing_blank']}, fee row {flay['blank_row']}), the `合计` row "
      f"(fee row {flay['total_row']}, static numbers), the note `注：本表由客服部维护` (owner row {olay['note_row']}).")
    w("- The text dates, text periods and text amounts listed below: all are valid forms.")
    w("- E's payment dated 2026-11-21 (after the as-of date, not after today).")
    w("")
    w("## Engine-dependent points (decide, then pin in tests)")
    w("")
    w(f"- `{PLAN_SHEET}` is not one of the kinds in `shared/ledgers.md`; its headers 房号 + 约定缴费日期 partly")
    w("  overlap the collections kind. The engine needs an instalment kind (F11) or a mapping-file entry;")
    w("  without one it must report the sheet (and J would then get a final notice like K).")
    w(f"- Owner row {bh.row} (`{bh.norm}`) has a bad 交房日期. If the engine keeps the whole owner row out of")
    w("  the rules, it may also report that unit's fee rows as not in the owner file; those rows are all")
    w("  paid, so no notice changes.")
    w("- python-calamine (0.9) returns `\"\"` for error cells, so through `to_python()` the `#REF!` in")
    w("  finding 2 looks like a blank (required) 应收金额. To report the value `#REF!` the reader must")
    w("  see the cell type (`t=\"e\"` in the sheet XML; openpyxl gives `data_type == \"e\"`).")
    w("- Two phone numbers are stored as numbers (" + ", ".join(
        f"row {o.row}" for o in owners if isinstance(o.phone, float)) + "), the rest as text.")
    w("")

    # ---- owners
    w("## Owners (`业主档案.xls`)")
    w("")
    w("| row | 房号 as written | normalised | 业主 | 面积 ㎡ | 物业费/月 | 缴费方式 | 车位 | 交房日期 as written | scenario |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for o in owners:
        w(f"| {o.row} | `{o.owner_form}` | `{o.norm}` | {o.name} | {o.area} | {_amt(o.property_fee)} | {o.method} | "
          f"{'yes' if o.parking else ''} | {_show(o.handover)} | {SCENARIO_OF.get(o.tag, '')} |")
    w("")

    # ---- planted forms
    w("## Written forms in the fee sheet (all valid)")
    w("")

    def first(pred):
        return next((r for r in rows if pred(r)), None)

    forms = []
    for label, pred, h in [
        ("period `2026-10`-style", lambda r: isinstance(r.cells["所属期"], str) and re.fullmatch(r"\d{4}-\d{2}", r.cells["所属期"]) and r.tag != "bad_period", "所属期"),
        ("period `2026年11月`-style", lambda r: isinstance(r.cells["所属期"], str) and "年" in r.cells["所属期"], "所属期"),
        ("period `202611` as a number", lambda r: isinstance(r.cells["所属期"], int), "所属期"),
        ("period `202611` as text", lambda r: isinstance(r.cells["所属期"], str) and r.cells["所属期"].isdigit(), "所属期"),
        ("period `2026/10`-style", lambda r: isinstance(r.cells["所属期"], str) and "/" in r.cells["所属期"], "所属期"),
        ("amount `1,071.50`", lambda r: r.cells["应收金额"] == "1,071.50", "应收金额"),
        ("amount `1071.5元`", lambda r: r.cells["应收金额"] == "1071.5元", "应收金额"),
        ("amount `¥320.00`", lambda r: r.cells["应收金额"] == "¥320.00", "应收金额"),
        ("amount with full-width digits", lambda r: isinstance(r.cells["实收金额"], str) and "０" <= r.cells["实收金额"][0] <= "９", "实收金额"),
        ("date `2026/11/3`", lambda r: r.cells["缴费日期"] == "2026/11/3", "缴费日期"),
        ("date `2026年11月5日`", lambda r: r.cells["缴费日期"] == "2026年11月5日", "缴费日期"),
        ("date `2026.11.6 hh:mm`", lambda r: isinstance(r.cells["缴费日期"], str) and r.cells["缴费日期"].startswith("2026.11.6 "), "缴费日期"),
        ("date with time (Excel date)", lambda r: isinstance(r.cells["缴费日期"], dt.datetime), "缴费日期"),
    ]:
        r = first(pred)
        if r is None:
            raise SystemExit(f"make_samples: no cell shows {label}")
        forms.append((label, r, h))
    w("| form | example cell | value |")
    w("|---|---|---|")
    for label, r, h in forms:
        w(f"| {label} | {_ref(r, h)} | {_show(r.cells[h])} |")
    w("")
    write_ticket_readme(w, tickets, tlay)
    path.write_text("\n".join(out), encoding="utf-8")


def _tshow(v) -> str:
    if isinstance(v, dt.datetime):
        return f"{v:%Y-%m-%d %H:%M}"
    if isinstance(v, str):
        return f"`{v}` (text)"
    return str(v)


def _tref(t: Ticket, h: str) -> str:
    return f"{TCOL_LETTER[h]}{t.row}"


def write_ticket_readme(w, tickets: list[Ticket], tlay: dict) -> None:
    by_id = {t.id: t for t in tickets}
    w(f"## Tickets ({TICKET_FILE})")
    w("")
    w(f"`{TICKET_FILE}`, sheet `{TICKET_SHEET}`: title `{TICKET_TITLE}` in row 1 (merged A1:U1), header row 2, "
      f"{len(tickets)} tickets in rows 3–{tickets[-1].row} in 工单号 order (there is no T07), blank row "
      f"{tlay['blank_row']}, note `{TICKET_NOTE}` in A{tlay['note_row']}. All times are in 2026. A time is an Excel "
      f"date (`yyyy-mm-dd hh:mm`) unless marked (text). 项目: `A区` = buildings 1–2, `B区` = building 3. Every "
      f"房号 is a unit of `{OWNER_FILE}` and 反映人 is its owner there. Cells not listed are blank.")
    w("")
    w("Columns: " + " · ".join(f"{TCOL_LETTER[h]} {h}" for h in TICKET_HEADERS))
    w("")
    w("| row | 工单号 | 类型 | 等级 | 项目 | 房号 as written | normalised | 反映人 | 内容 | 来源 | 责任部门 | 处理人 "
      "| times (cell: value) | other cells |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for t in tickets:
        c = t.cells
        times = "; ".join(f"{h} {_tref(t, h)}: {_tshow(c[h])}" for h in TICKET_TIMES if c[h] is not None)
        other = "; ".join(f"{h} {_tref(t, h)}: {c[h]}" for h in ("回访结果", "关联工单", "延期次数")
                          if c[h] is not None)
        w(f"| {t.row} | {t.id} | {t.kind} | {c['等级'] or ''} | {t.site} | `{t.unit_text}` | `{t.norm}` | "
          f"{c['反映人']} | {t.content} | {c['来源'] or ''} | {c['责任部门'] or ''} | {c['处理人'] or ''} | "
          f"{times or '—'} | {other or '—'} |")
    w("")
    w("Planted points (facts of the data, no expected outcome):")
    w("")
    texts = [(t, h) for t in tickets for h in t.text]
    w("- Times written as text (valid forms): " + "; ".join(
        f"{_tref(t, h)} ({t.id} {h}) `{t.cells[h]}` = {t.times[h]:%Y-%m-%d %H:%M}" for t, h in texts) + ".")
    raws = [(t, h) for t in tickets for h in t.raw]
    w("- Unreadable time: " + "; ".join(f"{_tref(t, h)} ({t.id} {h}) `{t.raw[h]}`" for t, h in raws)
      + "; it is that row's only time cell.")
    open_ = [t for t in tickets if "完成时间" not in t.times]
    w("- No 完成时间 (open): " + ", ".join(f"{t.id} (row {t.row})" for t in open_) + ".")
    nocb = [t for t in tickets if "完成时间" in t.times and "回访时间" not in t.times]
    w("- 完成时间 but no 回访时间: " + ", ".join(f"{t.id} (row {t.row})" for t in nocb) + ".")
    rel = [t for t in tickets if t.related]
    w("- 关联工单: " + "; ".join(
        f"{t.id} (row {t.row}) → {t.related} (row {by_id[t.related].row}), both `{t.norm}`" for t in rel) + ".")
    lo, hi = SAMPLE_WEEK
    repairs = [t for t in tickets if t.kind == "报修"]
    inweek = [t for t in repairs if "完成时间" in t.times and lo <= t.times["完成时间"] <= hi]
    for site in ("A区", "B区"):
        rs = [t for t in inweek if t.site == site]
        w(f"- 报修 of {site} completed Mon {lo:%Y-%m-%d} 00:00 – Sun {hi:%Y-%m-%d} 23:59: {len(rs)} "
          f"({', '.join(t.id for t in rs)}); latest 完成时间 "
          f"{max(t.times['完成时间'] for t in rs):%Y-%m-%d %H:%M}.")
    outside = [t for t in repairs if t not in inweek]
    w("- 报修 not completed in that week: " + "; ".join(
        f"{t.id} ({t.site}, " + (f"完成 {t.times['完成时间']:%Y-%m-%d %H:%M}" if "完成时间" in t.times else "open")
        + ")" for t in outside) + ".")
    w("- 到场时间 − 受理时间: " + "; ".join(
        f"{t.id} {int((t.times['到场时间'] - t.times['受理时间']).total_seconds() // 60)} min"
        for t in repairs if "到场时间" in t.times) + ".")
    hist = {}
    for t in tickets:
        hist.setdefault(t.norm, []).append(t)
    for unit, ts in hist.items():
        rs = [t for t in ts if t.kind == "报修"]
        if len(rs) >= 2:
            w(f"- Repair history of `{unit}`: " + ", ".join(
                f"{t.id} (row {t.row}, `{t.unit_text}`, 受理 {t.times['受理时间']:%m-%d})" for t in rs)
              + "; also " + ", ".join(f"{t.kind} {t.id}" for t in ts if t.kind != "报修") + ".")
    w("")


# --------------------------------------------------------------------------
# Verification (read back with python-calamine)
# --------------------------------------------------------------------------

def verify(out: Path, owners, rows, plans, olay, flay) -> list[str]:
    from python_calamine import CalamineWorkbook

    problems = []

    def check(cond, msg):
        if not cond:
            problems.append(msg)

    # owners (.xls)
    ows = CalamineWorkbook.from_path(str(out / OWNER_FILE)).get_sheet_by_name(OWNER_SHEET).to_python()
    cell = lambda grid, r, c: grid[r - 1][c - 1] if r - 1 < len(grid) and c - 1 < len(grid[r - 1]) else ""
    check(cell(ows, 1, 1) == "XX花园业主档案（2026年）", "owner title")
    check([cell(ows, 2, c) for c in range(1, 9)] == OWNER_HEADERS, "owner headers")
    for o in owners:
        check(cell(ows, o.row, 1) == o.owner_form, f"owner unit {o.norm} row {o.row}")
        check(cell(ows, o.row, 2) == o.name, f"owner name row {o.row}")
        idn = cell(ows, o.row, 4)
        check(len(idn) == 18, f"id length row {o.row}")
        ph = cell(ows, o.row, 3)
        check(len(str(int(ph)) if isinstance(ph, float) else ph) == 11, f"phone row {o.row}")
    check(all(v == "" for v in ows[olay["blank_row"] - 1]), "owner blank row")
    check(cell(ows, olay["note_row"], 1) == "注：本表由客服部维护", "owner note")
    bh = next(o for o in owners if o.tag == "bad_handover")
    check(cell(ows, bh.row, 6) == "2026-13-45", "bad handover date")
    check(any(cell(ows, o.row, 1) == "１-１-１０１" for o in owners), "full-width unit")
    check(isinstance(cell(ows, owners[0].row, 6), (dt.date, dt.datetime)), "owner date cell")

    # fee sheet
    wb = CalamineWorkbook.from_path(str(out / FEE_FILE))
    check(wb.sheet_names == [FEE_SHEET, PLAN_SHEET, NOTE_SHEET], f"sheet names {wb.sheet_names}")
    fs = wb.get_sheet_by_name(FEE_SHEET).to_python()
    check(cell(fs, 1, 1) == "XX花园2026年10-11月收费台账", "fee title")
    check([cell(fs, 2, c) for c in (1, 4, 6)] == ["基本信息", "应收", "实收"], "group row")
    check([cell(fs, 3, c) for c in range(1, 9)] == FEE_HEADERS, "fee headers")
    for r in rows:
        for h in FEE_HEADERS:
            want = r.cells[h]
            got = cell(fs, r.row, COL[h])
            if want is None:
                ok = got == ""
            elif isinstance(want, ExcelError):
                # python-calamine (0.9) turns error cells into "" -- a reader
                # that must tell #REF! from blank has to look at the XML or
                # use openpyxl; both are checked below.
                ok = got in ("", str(want))
            elif isinstance(want, dt.datetime):
                ok = isinstance(got, dt.datetime) and got == want
            elif isinstance(want, dt.date):
                ok = got == want or (isinstance(got, dt.datetime) and got.date() == want)
            elif isinstance(want, (int, float)):
                ok = isinstance(got, (int, float)) and abs(got - want) < 1e-9
            else:
                ok = got == want
            check(ok, f"fee {_ref(r, h)}: wrote {want!r}, read {got!r}")
    check(all(v == "" for v in fs[flay["blank_row"] - 1]), "fee blank row")
    check(cell(fs, flay["total_row"], 1) == "合计", "合计 row")
    check(len(fs) == flay["total_row"], f"fee sheet has {len(fs)} rows")
    # the error cell is a real error cell in the XML
    ref = next(r for r in rows if r.tag == "ref")
    with zipfile.ZipFile(out / FEE_FILE) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    m = re.search(rf'<c r="{_ref(ref, "应收金额")}"[^>]*>', xml)
    check(m is not None and 't="e"' in m.group(0), f"{_ref(ref, '应收金额')} is not t=\"e\": {m and m.group(0)}")
    from openpyxl import load_workbook
    ec = load_workbook(out / FEE_FILE, read_only=True)[FEE_SHEET][_ref(ref, "应收金额")]
    check(ec.value == "#REF!" and ec.data_type == "e", f"openpyxl reads {ec.value!r}/{ec.data_type}")
    # plans
    ps = wb.get_sheet_by_name(PLAN_SHEET).to_python()
    check(ps[0] == PLAN_HEADERS, "plan headers")
    for p in plans:
        check(cell(ps, p["row"], 2) == p["no"] and cell(ps, p["row"], 3) in (p["n"], float(p["n"])), f"plan row {p['row']}")
    k2 = next(p for p in plans if p["no"] == "FQ-2026-011" and p["n"] == 2)
    check(cell(ps, k2["row"], 6) == "" and cell(ps, k2["row"], 4) == dt.date(2026, 11, 10), "K instalment 2")
    ns = wb.get_sheet_by_name(NOTE_SHEET).to_python()
    check([r[0] for r in ns] == NOTE_LINES, "说明 sheet")
    # lock file
    check((out / LOCK_FILE).stat().st_size < 100, "lock file")
    # semantic cross-checks of the scenarios
    by_tag = {o.tag: o for o in owners if o.tag}
    for tag in ("G", "H"):
        check(by_tag[tag].method in ("现金", "前台"), f"{tag} must be a cash/front-desk payer")
    check(by_tag["I"].method == "银行代扣", "I must be a bank-debit payer")
    for r in rows:   # no stray late payments, no stray future dates
        if r.tag == "" and r.paid_on is not None:
            check(r.paid_on <= r.effective_due and r.paid == r.due, f"row {r.row} should be paid on time in full")
    owner_units = {o.norm for o in owners}
    check(sum(r.norm not in owner_units for r in rows) == 1, "exactly one unknown unit")
    return problems


def verify_tickets(out: Path, tickets: list[Ticket], tlay: dict, owners) -> list[str]:
    from python_calamine import CalamineWorkbook

    problems = []

    def check(cond, msg):
        if not cond:
            problems.append(msg)

    wb = CalamineWorkbook.from_path(str(out / TICKET_FILE))
    check(wb.sheet_names == [TICKET_SHEET], f"ticket sheet names {wb.sheet_names}")
    g = wb.get_sheet_by_name(TICKET_SHEET).to_python()
    cell = lambda r, c: g[r - 1][c - 1] if r - 1 < len(g) and c - 1 < len(g[r - 1]) else ""
    check(cell(1, 1) == TICKET_TITLE, "ticket title")
    check([cell(2, c) for c in range(1, len(TICKET_HEADERS) + 1)] == TICKET_HEADERS, "ticket headers")
    for t in tickets:
        for h in TICKET_HEADERS:
            want, got = t.cells[h], cell(t.row, TCOL[h])
            if want is None:
                ok = got == ""
            elif isinstance(want, dt.datetime):
                ok = isinstance(got, dt.datetime) and got == want
            elif isinstance(want, int):
                ok = isinstance(got, (int, float)) and got == want
            else:
                ok = isinstance(got, str) and got == want
            check(ok, f"ticket {_tref(t, h)} ({t.id} {h}): wrote {want!r}, read {got!r}")
    check(all(v == "" for v in g[tlay["blank_row"] - 1]), "ticket blank row")
    check(cell(tlay["note_row"], 1) == TICKET_NOTE, "ticket note row")
    check(len(g) == tlay["note_row"], f"ticket sheet has {len(g)} rows")
    from openpyxl import load_workbook
    ws = load_workbook(out / TICKET_FILE)[TICKET_SHEET]
    check([str(r) for r in ws.merged_cells.ranges] == ["A1:U1"], f"merged {ws.merged_cells.ranges}")

    # the text times mean what the spec says; the forms asked for all appear
    pats = {"dash": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "slash": r"\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}",
            "cn": r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}"}
    for t in tickets:
        for h, style in t.text.items():
            v = t.cells[h]
            check(re.fullmatch(pats[style], v) is not None, f"{t.id} {h} form {v!r}")
            nums = list(map(int, re.findall(r"\d+", v)))
            check(dt.datetime(*nums) == t.times[h], f"{t.id} {h} text {v!r} != {t.times[h]}")
    check({s for t in tickets for s in t.text.values()} == set(pats), "all three text time forms")
    check(any(re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2} \d:\d{2}", t.cells[h]) for t in tickets for h in t.text),
          "a single-digit hour (`2026/11/20 9:05` form)")

    # the scenario as briefed
    by = {t.id: t for t in tickets}
    units = {o.norm for o in owners}
    check(all(t.norm in units for t in tickets), "every 房号 is an owner unit")
    check(len({t.unit_text for t in tickets}) > len({t.norm for t in tickets}) // 2
          and any(t.unit_text != t.norm for t in tickets), "mixed unit forms")
    check(all(t.cells["回访结果"] in ("满意", "基本满意", "不满意") for t in tickets if "回访时间" in t.times)
          and all(t.cells["回访结果"] is None for t in tickets if "回访时间" not in t.times), "回访结果")
    lo, hi = SAMPLE_WEEK
    for tid in [f"T{i}" for i in range(10, 20)]:
        t = by[tid]
        a, d = t.times["受理时间"], t.times["完成时间"]
        check(t.kind == "报修" and t.site == ("A区" if tid <= "T16" else "B区") and t.source == "电话"
              and t.dept == "工程部" and t.handler, f"{tid} fields")
        check(lo <= a and lo <= d <= hi and (d.date() - a.date()).days in (0, 1), f"{tid} in the sample week")
        check(t.times["到场时间"] - a == dt.timedelta(minutes=10), f"{tid} arrival")
        check(dt.timedelta(0) < t.times["回访时间"] - d <= dt.timedelta(hours=12), f"{tid} callback")
    check(by["T16"].times["完成时间"] == dt.datetime(2026, 11, 15, 22, 30), "T16 completion")
    check(by["T10"].norm == by["T23"].norm == "1-1-302", "1-1-302 repair history")
    check(by["T23"].times["完成时间"] > hi and by["T25"].times["完成时间"] < lo, "T23/T25 outside the week")
    check(by["T06"].norm == by["T01"].norm and by["T08"].norm == by["T10"].norm, "related tickets share the unit")
    check(set(by) == {f"T{i:02d}" for i in range(1, 26)} - {"T07"}, "ticket ids")
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: ledgers/)")
    ap.add_argument("--no-verify", action="store_true", help="skip reading the files back")
    a = ap.parse_args(argv)
    out: Path = a.out
    out.mkdir(parents=True, exist_ok=True)

    rng = random.Random(SEED)
    owners = build_owners(rng)
    rows = build_fee_rows(owners, rng)
    render_fee_rows(rows, rng, first_row=4)
    plans = build_plans(owners)

    olay = write_owner_xls(out / OWNER_FILE, owners)
    flay = write_fee_xlsx(out / FEE_FILE, rows, plans)
    write_lock_file(out / LOCK_FILE)
    tickets = build_tickets()
    tlay = write_ticket_xlsx(out / TICKET_FILE, tickets)
    write_readme(out / "README.md", owners, rows, plans, olay, flay, tickets, tlay)
    from plugins import area_modules  # each policy area's own demo ledgers (tools/sample_areas/)
    sections = [m.write(out) for m in area_modules("sample_areas")]
    for path in sorted(out.glob("*.xlsx")):  # every workbook gets the same fixed timestamps, so bytes repeat
        if not path.name.startswith("~$"):
            _fix_zip(path)
    if sections:
        with (out / "README.md").open("a", encoding="utf-8") as fh:
            fh.write("".join("\n" + s.strip() + "\n" for s in sections))

    for name in (OWNER_FILE, FEE_FILE, TICKET_FILE, LOCK_FILE, "README.md"):
        p = out / name
        print(f"{p}  {p.stat().st_size:,} bytes")
    if not a.no_verify:
        problems = verify(out, owners, rows, plans, olay, flay) + verify_tickets(out, tickets, tlay, owners)
        if problems:
            print("verification FAILED:", *problems, sep="\n  ", file=sys.stderr)
            return 1
        print(f"verified: {len(owners)} owners, {len(rows)} fee rows, {len(plans)} instalments, "
              f"{len(tickets)} tickets, planted cells OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
