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

With ``--tickets N`` (``generate(..., tickets=N)``) it also writes ``工单台账.xlsx``:
N complaint / repair / consultation tickets for the same units over 1 January ..
20 November (see ``add_tickets``). The default is 0, which leaves the bench data
exactly as before.
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


# --------------------------------------------------------------------------
# Tickets (投诉报修台账 / 工单)
# --------------------------------------------------------------------------

TICKET_FILE = "工单台账.xlsx"
TICKET_HEADERS = ["工单号", "类型", "等级", "项目", "房号", "反映人", "内容", "来源", "受理时间", "派单时间",
                  "责任部门", "处理人", "约定时间", "答复时间", "进度反馈时间", "完成时间", "回访时间", "回访结果",
                  "关联工单", "延期次数", "到场时间"]
TICKET_TIMES = ("受理时间", "派单时间", "约定时间", "答复时间", "进度反馈时间", "完成时间", "回访时间", "到场时间")
_TI = {h: i for i, h in enumerate(TICKET_HEADERS)}
SITES = ("A区", "B区", "C区")
# Ticket times as an engine sees them on the demo as-of date: nothing after 20 November of the year.
REPAIR_CONTENT = ["卫生间漏水", "厨房下水道堵塞", "水龙头滴水", "马桶水箱漏水", "户内电路跳闸", "入户门锁损坏",
                  "暖气片阀门漏水", "暖气不热", "窗户把手损坏", "阳台地漏堵塞", "插座无电", "灯具不亮",
                  "可视对讲故障", "水管爆裂", "墙面渗水", "热水器不出热水"]
PUBLIC_REPAIR = ["电梯故障停运", "楼道灯不亮", "单元门禁损坏", "地下车库照明故障", "小区路灯不亮", "消防栓漏水"]
COMPLAINT_CONTENT = ["楼上装修噪音扰民", "邻居在楼道堆放杂物", "车辆乱停占用消防通道", "垃圾清运不及时有异味",
                     "宠物狗夜间吠叫扰民", "电梯频繁故障", "夜间保安巡逻不到位", "绿化带被占用种菜",
                     "维修人员服务态度差", "快递柜占用通道", "楼上漏水到我家", "外来人员随意进出小区",
                     "广场舞噪音扰民", "楼道小广告未清理"]
PUBLIC_COMPLAINT = ["电梯频繁故障", "小区路面积水", "车库出入口拥堵", "垃圾站异味大"]
CONSULT_CONTENT = ["咨询车位租赁价格", "咨询物业费缴费方式", "咨询装修申请手续", "咨询水电费账单", "咨询门禁卡办理",
                   "咨询停水通知"]
HELP_CONTENT = ["钥匙锁在家中求助开门", "老人行动不便求助搬运", "宠物走失求助查看监控", "车辆被剐蹭求助查看监控"]
COMPLAINT_DEPTS = {"轻微": (["客服部", "工程部", "秩序部", "环境部"], [55, 25, 12, 8]),
                   "重要": (["工程部", "秩序部", "环境部"], [60, 28, 12]),
                   "重大": (["工程部", "秩序部"], [70, 30])}
# Unreadable time cells planted in the ticket ledger (column, value); a blank column falls back to 受理时间.
TICKET_BAD = [("受理时间", "明天上午"), ("完成时间", "{y}-11-31 10:00"), ("回访时间", "待定"),
              ("派单时间", "{y}/13/2 9:00"), ("到场时间", "下午三点左右"), ("受理时间", "{y}年2月30日 14:00"),
              ("完成时间", "已处理"), ("回访时间", "{y}-06-15 25:10"), ("受理时间", "上周五"),
              ("答复时间", "电话已回复"), ("完成时间", "{y}.9.31 16:00"), ("进度反馈时间", "跟进中")]
_HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 11, 10, 8, 9, 10, 10, 9, 9, 10, 9, 7, 5, 3, 2]


def _time_text(t: dt.datetime, r: float) -> str:
    """The text forms clerks type: 2026-11-20 14:30, 2026/11/20 9:05, 2026年11月20日 14:30."""
    if r < 0.4:
        return f"{t:%Y-%m-%d %H:%M}"
    if r < 0.75:
        return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"


def add_tickets(out_dir, n=40000, units=20000, year=2026, seed=11):
    """Write ``工单台账.xlsx`` (n tickets, received year-01-01 .. year-11-20) into out_dir; return a summary.

    Tickets belong to the units of the bench estate (``_unit_keys(units)``, so they match the owner
    file ``generate`` writes for the same ``units``); about 4% are public-area tickets with no 房号.
    Mix: 报修 ~60%, 投诉 ~30% (轻微 70% / 重要 25% / 重大 5%), 咨询/求助 ~10%; sources 电话 / 来访, ~3%
    集团客服中心; sites A区/B区/C区 by building (first, middle, last third of the buildings).

    Closed tickets (~98%) meet every time limit of policies C and R unless picked as late (~5%, one
    limit each, listed in ``late``): dispatch within 5 min (group-centre tickets within 30 min, reply
    within 5 min after that), repair arrival within 15 min, complaints done within 12 h, major ones
    answered within 8 h, call-back within 4 h of completion, promised times 1-2 days ahead (10:00).
    ~2% are open (received in the last 3 days, no 完成时间); ~1% have a 关联工单 pointing to an
    earlier ticket of the same unit. No time is after year-11-20 23:59, except the 约定时间 (a
    promise 1-2 days ahead) of a few open tickets. ~2% of time cells are valid text forms and 12
    time cells are unreadable (listed in ``bad_cells``). A time of exactly 00:00 is a real Excel
    datetime too (python-calamine returns it as a date). Deterministic for a seed.
    """
    from openpyxl import Workbook

    t0 = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    rand, randint, choices = rng.random, rng.randint, rng.choices
    M = lambda a, b: dt.timedelta(minutes=rng.uniform(a, b))
    H = lambda a, b: dt.timedelta(hours=rng.uniform(a, b))

    keys = list(_unit_keys(units))
    nbuild = keys[-1][0] if keys else 1
    site_of = lambda b: SITES[min(2, 3 * (b - 1) // nbuild)]
    start = dt.datetime(year, 1, 1)
    cap = dt.datetime(year, 11, 20, 23, 59)        # the as-of date: no time after it
    open_from = dt.datetime(year, 11, 18)          # open tickets: received in the last 3 days
    days = (cap.date() - start.date()).days + 1
    names = lambda k: [rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                       for _ in range(k)]
    staff = {"工程部": names(24), "客服部": names(10), "秩序部": names(14), "环境部": names(8)}

    def minute(t: dt.datetime) -> dt.datetime:
        return t.replace(second=0, microsecond=0)

    tickets = []
    late_counts: dict[str, int] = {}
    for _ in range(n):
        is_open = rand() < 0.02
        if is_open:
            recv = open_from + dt.timedelta(minutes=int(rand() * ((cap - open_from).total_seconds() // 60 - 120)))
        else:
            day = start + dt.timedelta(days=int(rand() * days))
            recv = day + dt.timedelta(hours=choices(range(24), _HOUR_WEIGHTS)[0], minutes=randint(0, 59))
        k = rand()
        kind = "报修" if k < 0.60 else "投诉" if k < 0.90 else "咨询" if k < 0.96 else "求助"
        level = None
        if kind == "投诉":
            lv = rand()
            level = "轻微" if lv < 0.70 else "重要" if lv < 0.95 else "重大"
        s = rand()
        source = "集团客服中心" if s < 0.03 else "电话" if s < 0.73 else "来访"
        public = kind in ("报修", "投诉") and rand() < 0.04
        if public:
            unit_i, unit_text, site = None, None, SITES[randint(0, 2)]
            content = rng.choice(PUBLIC_REPAIR if kind == "报修" else PUBLIC_COMPLAINT)
        else:
            unit_i = randint(0, units - 1)
            key = keys[unit_i]
            unit_text, site = _unit_form(key, rand()), site_of(key[0])
            content = rng.choice({"报修": REPAIR_CONTENT, "投诉": COMPLAINT_CONTENT, "咨询": CONSULT_CONTENT,
                                  "求助": HELP_CONTENT}[kind])
        if kind == "报修":
            dept = "工程部"
        elif kind == "投诉":
            ds, ws = COMPLAINT_DEPTS[level]
            dept = choices(ds, ws)[0]
        elif kind == "求助":
            dept = "秩序部" if rand() < 0.5 else "客服部"
        else:
            dept = "客服部"
        handler = rng.choice(staff[dept]) if kind != "咨询" else None
        T = dict.fromkeys(TICKET_TIMES)
        T["受理时间"] = recv
        result = postponed = None
        group = source == "集团客服中心"
        # ---- on-time profile
        if kind == "报修":
            T["派单时间"] = recv + M(1, 4)
            T["到场时间"] = recv + M(5, 14)
            T["完成时间"] = T["到场时间"] + (M(20, 360) if rand() < 0.9 else H(8, 20))
        elif kind == "投诉":
            if dept != "客服部":
                T["派单时间"] = recv + M(1, 4)
            T["完成时间"] = recv + M(30, 660)
            if level == "重大":
                T["答复时间"] = recv + M(30, 240)
                T["进度反馈时间"] = recv + M(120, 360)
                T["完成时间"] = max(T["完成时间"], T["进度反馈时间"] + M(30, 120))
            elif level == "重要" and rand() < 0.5:
                T["进度反馈时间"] = recv + (T["完成时间"] - recv) * rng.uniform(0.3, 0.8)
            if rand() < 0.06:       # a time agreed with the complainant, met
                T["约定时间"] = (recv + dt.timedelta(days=randint(1, 2))).replace(hour=10, minute=0)
                postponed = 1 if rand() < 0.3 else None
        elif kind == "咨询":
            T["完成时间"] = recv + M(5, 60)
            T["答复时间"] = T["完成时间"]
        else:
            T["完成时间"] = recv + M(10, 120)
        if group:                    # C7: measures within 30 min, feedback within 5 min
            T["派单时间"] = recv + M(5, 25)
            T["答复时间"] = T["派单时间"] + M(1, 4)
            T["完成时间"] = max(T["完成时间"], T["答复时间"] + M(30, 240))
        if kind != "咨询":
            T["回访时间"] = T["完成时间"] + M(30, 240)
        # ---- late somewhere (~5% of the closed tickets)
        late = None
        if not is_open and rand() < 0.05:
            modes = ["completion", "callback"]
            if kind == "报修":
                modes.append("arrival")
            if kind == "投诉":
                if T["派单时间"] is not None:
                    modes.append("dispatch")
                if level == "重大":
                    modes.append("reply")
                modes.append("promise")
            if group:
                modes.append("group_reply")
            if kind == "咨询":
                modes.remove("callback")
            late = rng.choice(modes)
            if late == "completion":
                T["完成时间"] = recv + (H(30, 72) if kind == "报修" else H(14, 60))
                T["进度反馈时间"] = None
            elif late == "arrival":
                T["到场时间"] = recv + M(20, 90)
                T["完成时间"] = max(T["完成时间"], T["到场时间"] + M(20, 240))
            elif late == "dispatch":
                T["派单时间"] = recv + M(35, 180)
                T["完成时间"] = max(T["完成时间"], T["派单时间"] + M(30, 240))
                if T["答复时间"] is not None and T["答复时间"] < T["派单时间"]:
                    T["答复时间"] = T["派单时间"] + M(1, 4)
            elif late == "reply":
                T["答复时间"] = recv + dt.timedelta(days=randint(5, 9), hours=rng.uniform(0, 6))
                T["完成时间"] = T["答复时间"] + H(2, 48)
            elif late == "promise":
                T["约定时间"] = (recv + dt.timedelta(days=randint(9, 14))).replace(hour=10, minute=0)
                postponed = 2
                T["完成时间"] = T["约定时间"] - H(1, 30)
            elif late == "group_reply":
                T["答复时间"] = T["派单时间"] + M(10, 60)
                T["完成时间"] = max(T["完成时间"], T["答复时间"] + M(30, 240))
            if kind != "咨询":
                T["回访时间"] = T["完成时间"] + (H(14, 96) if late == "callback" else M(30, 240))
            late_counts[late] = late_counts.get(late, 0) + 1
        if is_open:                  # received in the last 3 days: nothing finished yet
            T["完成时间"] = T["回访时间"] = None
            if kind == "咨询":
                T["答复时间"] = None
            for h in ("派单时间", "到场时间", "答复时间", "进度反馈时间"):
                if T[h] is not None and T[h] > cap:
                    T[h] = None
            if kind == "投诉" and cap - recv > dt.timedelta(hours=12) and rand() < 0.7:
                T["进度反馈时间"] = recv + H(4, 10)
        else:
            result = choices(["满意", "基本满意", "不满意"], [85, 12, 3])[0] if T["回访时间"] else None
            last = max(t for t in T.values() if t is not None)
            if last > cap:           # keep every time on or before the as-of date
                shift = dt.timedelta(days=math.ceil((last - cap) / dt.timedelta(days=1)))
                T = {h: (t - shift if t is not None else None) for h, t in T.items()}
        T = {h: (minute(t) if t is not None else None) for h, t in T.items()}
        tickets.append([T, kind, level, site, unit_i, unit_text, content, source, dept, handler, result,
                        postponed, late, is_open])

    # ---- ids in order of receipt; related tickets point back to an earlier one of the same unit
    tickets.sort(key=lambda x: x[0]["受理时间"])
    per_day: dict[dt.date, int] = {}
    ids = []
    for tk in tickets:
        d = tk[0]["受理时间"].date()
        per_day[d] = per_day.get(d, 0) + 1
        ids.append((d, per_day[d]))
    width = max(3, len(str(max(per_day.values(), default=1))))
    ids = [f"GD{d:%Y%m%d}{s:0{width}d}" for d, s in ids]
    related = [None] * len(tickets)
    for i, tk in enumerate(tickets):
        if i < 10 or tk[1] not in ("报修", "投诉") or rand() >= 0.011:
            continue
        for _ in range(5):
            j = i - randint(1, min(i, 400))
            tj = tickets[j]
            if tj[1] in ("报修", "投诉") and tj[4] is not None and tj[0]["受理时间"] < tk[0]["受理时间"]:
                related[i] = ids[j]
                tk[3], tk[4], tk[5] = tj[3], tj[4], tj[5]
                tk[6] = tj[6] + ("，处理后仍未解决，再次投诉" if tk[1] == "投诉" else "，维修后复发，返修")
                break

    # ---- rows
    reporter_of: dict[int, str] = {}
    bad_rows = dict(zip(sorted(rng.sample(range(len(tickets)), min(len(tickets), len(TICKET_BAD)))),
                        range(len(TICKET_BAD))))
    bad_cells = []
    nsheets = max(1, math.ceil(len(tickets) / MAX_SHEET_ROWS))
    sheet_names = [f"{year}年工单" if nsheets == 1 else f"{year}年工单({k + 1})" for k in range(nsheets)]
    wb = Workbook(write_only=True)
    sheets = []
    text_times = 0
    counts = dict(kinds={}, levels={}, sources={}, sites={}, open=0, related=0, public=0)
    ws = None
    for i, (T, kind, level, site, unit_i, unit_text, content, source, dept, handler, result, postponed, late,
            is_open) in enumerate(tickets):
        if i % MAX_SHEET_ROWS == 0:
            if ws is not None:
                ws.append([])
                ws.append(["注：时间以受理登记为准"])
            name = sheet_names[i // MAX_SHEET_ROWS]
            ws = wb.create_sheet(name)
            ws.append([f"XX花园{year}年投诉报修台账"])
            ws.append(TICKET_HEADERS)
            sheets.append(dict(name=name, data_rows=0, first_row=3))
        excel_row = 3 + i % MAX_SHEET_ROWS
        sheets[-1]["data_rows"] += 1
        sheets[-1]["last_data_row"] = excel_row
        if unit_i is None:
            reporter = rng.choice(SURNAMES) + rng.choice(("先生", "女士"))
        else:
            reporter = reporter_of.get(unit_i)
            if reporter is None:
                reporter = reporter_of[unit_i] = (rng.choice(SURNAMES)
                                                  + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))))
        row = [ids[i], kind, level, site, unit_text, reporter, content, source, None, None, dept, handler, None,
               None, None, None, None, result, related[i], postponed, None]
        for h in TICKET_TIMES:
            t = T[h]
            if t is not None and rand() < 0.02:
                t = _time_text(t, rand())
                text_times += 1
            row[_TI[h]] = t
        if i in bad_rows:
            col, v = TICKET_BAD[bad_rows[i]]
            if row[_TI[col]] is None:
                col = "受理时间"
            v = v.format(y=year)
            text_times -= isinstance(row[_TI[col]], str)
            row[_TI[col]] = v
            bad_cells.append(dict(file=TICKET_FILE, sheet=sheets[-1]["name"], row=excel_row, column=col, value=v,
                                  reason="时间无法识别", ticket=ids[i]))
        ws.append(row)
        for key, v in (("kinds", kind), ("levels", level), ("sources", source), ("sites", site)):
            if v is not None:
                counts[key][v] = counts[key].get(v, 0) + 1
        counts["open"] += is_open
        counts["related"] += related[i] is not None
        counts["public"] += unit_i is None
    if ws is not None:
        ws.append([])
        ws.append(["注：时间以受理登记为准"])
    wb.save(out / TICKET_FILE)
    elapsed = time.perf_counter() - t0
    return dict(file=TICKET_FILE, tickets=len(tickets), units=units, year=year, seed=seed, sheets=sheets,
                counts=counts, late=late_counts, late_total=sum(late_counts.values()),
                late_tickets=[(ids[i], tk[12]) for i, tk in enumerate(tickets) if tk[12]],
                text_times=text_times, bad_cells=bad_cells, seconds=round(elapsed, 2),
                size=(out / TICKET_FILE).stat().st_size)


def generate(out_dir, units=20000, months=12, year=2026, seed=7, tickets=0):
    """Write 业主档案.xlsx and 收费台账.xlsx into out_dir; return a summary dict.

    With ``tickets`` > 0, also write 工单台账.xlsx (``add_tickets``, seed ``seed + 4``, so the default
    seed 7 gives add_tickets' default 11); its summary is under ``"tickets"``. The owner and fee files
    do not depend on it.
    """
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
    summary = dict(
        out_dir=str(out), units=units, months=months, year=year, seed=seed,
        fee_rows=total_rows, sheets=sheets, status_counts=counts, bad_cells=bad_cells,
        seconds=round(elapsed, 2), seconds_owners=round(t_owners, 2),
        sizes={OWNER_FILE: (out / OWNER_FILE).stat().st_size, FEE_FILE: (out / FEE_FILE).stat().st_size},
    )
    if tickets > 0:
        ts = add_tickets(out, n=tickets, units=units, year=year, seed=seed + 4)
        summary["tickets"] = ts
        summary["sizes"][TICKET_FILE] = ts["size"]
    from plugins import area_modules  # each policy area's own benchmark ledgers (tools/bench_areas/)
    summary["areas"] = {m.__name__.split(".")[-1]: m.generate(Path(out), units, seed) for m in area_modules("bench_areas")}
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Generate the benchmark estate (owner file + fee ledger, "
                                             "optionally a ticket ledger).")
    ap.add_argument("--out", default="bench-data", help="output folder (default: bench-data/)")
    ap.add_argument("--units", type=int, default=20000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tickets", type=int, default=0, metavar="N",
                    help="also write 工单台账.xlsx with N tickets (default 0: none)")
    a = ap.parse_args(argv)
    s = generate(a.out, units=a.units, months=a.months, year=a.year, seed=a.seed, tickets=a.tickets)
    c = s["status_counts"]
    n = s["fee_rows"]
    print(f"{s['units']:,} units x {s['months']} months = {n:,} fee rows in "
          + ", ".join(f"{x['name']} ({x['data_rows']:,})" for x in s["sheets"]))
    print(f"paid {c['paid'] / n:.1%}, unpaid {c['unpaid'] / n:.1%}, partial {c['partial'] / n:.1%}; "
          f"{len(s['bad_cells'])} bad cells planted")
    for name, size in s["sizes"].items():
        print(f"{Path(s['out_dir']) / name}  {size / 1e6:.1f} MB")
    print(f"generated in {s['seconds']:.1f} s (owners {s['seconds_owners']:.1f} s)")
    if "tickets" in s:
        t = s["tickets"]
        c = t["counts"]
        nt = t["tickets"]
        pct = lambda d, of=nt: ", ".join(f"{k} {v / of:.1%}" for k, v in sorted(d.items(), key=lambda kv: -kv[1]))
        print(f"tickets: {nt:,} in " + ", ".join(f"{x['name']} ({x['data_rows']:,})" for x in t["sheets"]))
        print(f"  {pct(c['kinds'])}; 投诉 levels {pct(c['levels'], c['kinds'].get('投诉', 1))}; "
              f"sources {pct(c['sources'])}; {pct(c['sites'])}")
        print(f"  open {c['open'] / nt:.1%}, late {t['late_total'] / nt:.1%} ({', '.join(f'{k} {v}' for k, v in t['late'].items())}), "
              f"关联工单 {c['related'] / nt:.1%}, public areas {c['public'] / nt:.1%}, {t['text_times']} text times, "
              f"{len(t['bad_cells'])} unreadable time cells")
        print(f"tickets generated in {t['seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
