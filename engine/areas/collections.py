"""Collection after the ladder (催缴跟进) — F4, F4a, F5, F6, F7, F7a in ``rules/collections.yaml``.

Reads the 《欠费催缴记录表》 (one row per contact attempt: date, method, class A–E, promised date, 管家,
客服部审核, 总经理审批, photo, new contact, the 客服主管's instruction, note) and the fee ledger (what each
household still owes past its due date on the night). Derives, per household in arrears:

* ``first_call`` — was there a log entry between the start of the month's collective payment window and
  the end of the first-call week after it (F4a);
* ``follow_up`` — one fact per task its class asks for (daily call, door posting, home visit, new
  contacts, remote-payment guidance, the 客服主管's instruction, the reminder before a promised date), with
  the days missed in the look-back window or whether it was done (F4, F4a 4.9 photographs);
* ``legal`` — months in arrears, logged attempts, and whether a 律师函 / 诉讼 was logged with both the
  客服部 review and the 总经理 approval (F6): only then does it count as sent;
* ``long_arrears`` — whole years in arrears (F7) and one ``long_arrears_register`` fact for the night (F7a).

The daily 《催费日报表》, the weekly summary and the register document are periodic primitives on
``fact: night``; this module fills their rows (``notice``) and adds the register and list sheets (``finish``).
Every number (windows, thresholds, days) is a parameter of the rule file.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ..validate import GenericRecord, Records, owners_by_unit
from .base import Area, Context, Derived, Fact, FactType
from .fees import obligations

NUM = (int, float)
ZERO = Decimal("0")

FIRST_CALL = FactType("first_call", {
    "unit": str, "unit_display": str, "window_text": str, "deadline": str, "days_after_window": int,
    "called_in_time": bool, "staff": str, "outstanding": NUM, "outstanding_text": str,
}, "欠费户（集中缴费期后的首次电话催缴）",
    columns=(("房号", "unit_display"), ("分类", "class_name"), ("应做", "task"), ("未做的日期", "missed_text"),
             ("最近一次联系", "last_contact"), ("负责管家", "staff"), ("欠费金额", "outstanding_text")))
FOLLOW_UP = FactType("follow_up", {
    "unit": str, "unit_display": str, "klass": str, "class_name": str, "task": str, "days_in_class": int,
    "done": bool, "missed_days": int, "missed_text": str, "days_to_promise": int, "promised_date": str,
    "last_contact": str, "staff": str, "outstanding": NUM, "outstanding_text": str,
}, "欠费户按分类应做的跟进",
    columns=(("房号", "unit_display"), ("分类", "class_name"), ("应做", "task"), ("未做的日期", "missed_text"),
             ("最近一次联系", "last_contact"), ("负责管家", "staff"), ("欠费金额", "outstanding_text")))
LEGAL = FactType("legal", {
    "unit": str, "unit_display": str, "in_arrears": bool, "arrears_months": int, "attempts": int, "outstanding": NUM,
    "outstanding_text": str,
    "letter_logged": bool, "letter_sent": bool, "letter_missing": str, "days_since_letter": int,
    "suit_logged": bool, "suit_sent": bool, "suit_missing": str, "staff": str,
}, "欠费户的法律催缴（律师函、诉讼）",
    columns=(("房号", "unit_display"), ("业主", "owner_masked"), ("欠费月数", "arrears_months"),
             ("催缴次数", "attempts"), ("欠费金额", "outstanding_text"), ("最早欠费所属期", "since"),
             ("律师函", "letter_text"), ("负责管家", "staff")))
LONG = FactType("long_arrears", {
    "unit": str, "unit_display": str, "arrears_years": int, "arrears_since": str, "outstanding": NUM,
    "outstanding_text": str,
}, "欠费户的欠费年限")
NIGHT = FactType("collection_night", {"day_of_month": int, "weekday": int, "month": int, "log_rows": int},
                 "有催缴记录表的夜晚（日报表、周统计、长期欠费资料按期生成）")
REGISTER = FactType("long_arrears_register", {"year": int, "month": int, "households": int}, "当年的长期欠费登记")

CLASS_NAMES = {"A": "A类 近期缴纳类", "B": "B类 暂未明确类", "C": "C类 无法联系类", "D": "D类 异地出差/居住类",
               "E": "E类 特殊类"}
_CLASS_WORDS = (("近期", "A"), ("暂未", "B"), ("未明确", "B"), ("无法联系", "C"), ("异地", "D"), ("出差", "D"),
                ("外地", "D"), ("特殊", "E"))
# what a 方式 cell says was done (several may apply: "电话、张贴")
_METHOD_WORDS = (("律师函", "律师函"), ("诉讼", "诉讼"), ("起诉", "诉讼"), ("指导", "指导"), ("张贴", "张贴"),
                 ("贴单", "张贴"), ("通知单", "张贴"), ("上门", "上门"), ("入户", "上门"), ("走访", "上门"),
                 ("拜访", "上门"), ("电话", "电话"), ("致电", "电话"), ("来电", "电话"), ("通话", "电话"),
                 ("短信", "短信"), ("微信", "短信"))
ATTEMPTS = {"电话", "短信", "上门", "张贴"}
_NO = {"否", "无", "未", "没有", "N", "NO", "×"}
_PHOTO_WORDS = ("拍照", "照片", "已拍")
_CONTACT_WORDS = ("联系方式", "新号码", "新电话", "新手机", "查找", "查询", "物业系统", "紧急联系人")
_LETTER_A = re.compile(r"^\s*([A-Ea-e])(?![A-Za-z])")


# The three below are asked of each of the collection log's rows, of a few hundred distinct texts: each text is
# worked out once (lru_cache; the bench night's 60,000 rows, 0.8 → 0.3 s).
@lru_cache(maxsize=4096)
def class_of(text: str | None) -> str | None:
    """A–E from ``A`` / ``A类`` / ``A、近期缴纳类`` / ``近期缴纳类``; None when the cell names no class."""
    if not text:
        return None
    m = _LETTER_A.match(str(text))
    if m:
        return m.group(1).upper()
    for word, letter in _CLASS_WORDS:
        if word in text:
            return letter
    return None


@lru_cache(maxsize=4096)
def methods_of(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset()
    return frozenset(tag for word, tag in _METHOD_WORDS if word in text)


@lru_cache(maxsize=4096, typed=True)
def _filled(value) -> bool:
    return value is not None and str(value).strip() not in ("", *_NO) and str(value).strip().upper() not in _NO


@dataclass(slots=True)
class Entry:
    day: date
    methods: frozenset
    klass: str | None
    promised: date | None
    staff: str
    reviewed: bool
    approved: bool
    photographed: bool
    new_contact: bool
    instructed: bool
    remote: bool
    rec: GenericRecord  # the 催缴记录 row (a vocabulary kind)
    unit_display: str = ""
    category: str | None = None

    def text(self) -> str:
        how = "、".join(sorted(self.methods)) or "记录"
        return f"{self.day:%Y-%m-%d} {how}" + (f"（{self.staff}）" if self.staff else "")


@dataclass
class Debt:
    oldest_due: date  # the earliest due date of the unpaid obligations
    outstanding: Decimal = ZERO
    periods: set = field(default_factory=set)
    refs: list = field(default_factory=list)  # the fee rows (RowRef) of the unpaid obligations
    display: str = ""

    def sources(self, n: int) -> tuple:
        return tuple(ref.whole_row() for ref in self.refs[:n])


def whole_years(start: date, day: date) -> int:
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day))


def whole_months(start: date, day: date) -> int:
    return (day.year - start.year) * 12 + day.month - start.month - (day.day < start.day)


def _window(day: date, start_day: int, length: int) -> tuple[date, date]:
    """The latest collective payment window that ended before the night."""
    y, m = day.year, day.month
    for _ in range(2):
        start = date(y, m, min(start_day, 28))
        end = start + timedelta(days=length - 1)
        if end < day:
            return start, end
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return start, end  # pragma: no cover


def debts(records: Records, ctx: Context) -> tuple[dict[str, Debt], dict[tuple[str, date], Decimal]]:
    """Per unit, what is past due and unpaid on the night; and the payments by unit and day since the start of
    the week before the night's (the earliest day a daily or weekly report — caught up — can cover)."""
    day, as_of, today = ctx.day, ctx.as_of, ctx.today
    horizon = datetime.combine(day - timedelta(days=day.weekday() + 7), time.min)
    paid_by_day: dict[tuple[str, date], Decimal] = defaultdict(lambda: ZERO)
    for fee in records.of("fees"):
        when = fee.paid_date
        # a payment after the night is not made yet (one after today is the fee area's data finding)
        if when is not None and fee.amount_paid and when >= horizon and not (when > as_of or when.date() > today):
            paid_by_day[(fee.unit.key, when.date())] += fee.amount_paid
    out: dict[str, Debt] = {}
    for ob in obligations(records, ctx)[0].values():
        if ob.due_date >= day or ob.amount_due <= ob.amount_paid:
            continue
        d = out.get(ob.unit)
        if d is None:
            d = out[ob.unit] = Debt(oldest_due=ob.due_date, display=ob.unit_display)
        d.outstanding += ob.amount_due - ob.amount_paid
        d.oldest_due = min(d.oldest_due, ob.due_date)
        d.periods.add(ob.period)
        d.refs.extend(ob.refs)
    return out, paid_by_day


def log_entries(records: Records, params: dict) -> dict[str, list[Entry]]:
    remote_words = tuple(params.get("remote_payment_words") or ())
    out: dict[str, list[Entry]] = defaultdict(list)
    for rec in records.of("collections"):
        x: dict[str, Any] = rec.__pydantic_extra__ or {}  # the fields of a vocabulary kind (attribute access is slow per row)
        get = x.get
        note = get("note") or ""
        methods = methods_of(get("method"))
        instruction = get("instruction")
        if not methods and note:
            methods = methods_of(note)
        unit = x["unit"]  # unit and date are required: a row without them was reported and not kept
        out[unit.key].append(Entry(
            day=x["date"], methods=methods, klass=class_of(get("category")), promised=get("promised_date"),
            staff=(get("staff") or "").strip(), reviewed=_filled(get("reviewed_by")), approved=_filled(get("approved_by")),
            photographed=_filled(get("photo")) or (bool(note) and any(w in note for w in _PHOTO_WORDS)),
            new_contact=_filled(get("new_contact")) or (bool(note) and any(w in note for w in _CONTACT_WORDS)),
            instructed=_filled(instruction) or "指导" in methods,
            remote=bool(note or instruction) and any(w in f"{note}{instruction or ''}" for w in remote_words),
            rec=rec, unit_display=unit.display, category=get("category")))
    for entries in out.values():
        entries.sort(key=lambda e: (e.day, e.rec.ref.file, e.rec.ref.sheet, e.rec.ref.row))
    return out


def derive(records: Records, ctx: Context) -> Derived:
    out = Derived()
    day, params = ctx.day, ctx.params
    owed, paid_by_day = debts(records, ctx)
    owners = owners_by_unit(records)
    log = log_entries(records, params)
    out.findings.extend(_log_problems(log, owners, ctx))
    # an entry after the night has not happened yet on the night; one for a unit the owner file lacks is left out
    log = {u: kept for u, es in log.items() if not owners or u in owners if (kept := [e for e in es if e.day <= day])}
    displays = {u: d.display for u, d in owed.items()}
    for unit, entries in log.items():
        displays.setdefault(unit, entries[0].unit_display)

    # who covers each building: the 管家 the log names most often there (ties: the latest)
    by_building: dict[str, Counter] = defaultdict(Counter)
    unit_staff: dict[str, str] = {}
    for unit, entries in log.items():
        for e in entries:
            if e.staff:
                by_building[unit.split("-")[0]][e.staff] += 1
                unit_staff[unit] = e.staff
    building_staff = {b: c.most_common(1)[0][0] for b, c in by_building.items()}

    def staff_of(unit: str) -> str:
        return unit_staff.get(unit) or building_staff.get(unit.split("-")[0]) or "催缴记录表未显示本楼栋的负责管家"

    start_day = int(params["collective_window_start_day"])
    window_days = int(params["collective_window_days"])
    first_call_days = int(params["first_call_within_days"])
    lookback = int(params["cadence_lookback_days"])
    daily_methods = set(params.get("daily_contact_methods") or ())
    w_start, w_end = _window(day, start_day, window_days)
    w_deadline = w_end + timedelta(days=first_call_days)
    # the same for every household: formatted once (20,000 households a night)
    window_text, deadline_text = f"{w_start:%Y-%m-%d}至{w_end:%Y-%m-%d}", f"{w_deadline:%Y-%m-%d}"
    first_call_matter, missed_text = f"首次催缴|{w_start:%Y-%m}", f"{w_deadline:%Y-%m-%d}前无记录"
    days_after_window = (day - w_end).days

    for unit in sorted(owed):
        debt = owed[unit]
        entries = log.get(unit, [])
        shown = displays.get(unit, unit)
        owner = owners.get(unit)
        outstanding = float(debt.outstanding)
        base = {"unit": unit, "unit_display": shown, "outstanding": outstanding, "staff": staff_of(unit),
                "outstanding_text": f"{debt.outstanding:,.2f}"}
        src = debt.sources(20)
        last = entries[-1].text() if entries else "无"
        if debt.oldest_due <= w_end:
            called = any(w_start <= e.day <= w_deadline for e in entries)
            out.facts.append(Fact("first_call", unit, {
                **base, "window_text": window_text, "deadline": deadline_text,
                "days_after_window": days_after_window, "called_in_time": called,
            }, src, matter=first_call_matter, doc={"class_name": "", "task": "首次电话催缴",
                                                   "missed_text": missed_text, "last_contact": last}))
        out.facts.extend(_follow_ups(unit, base, entries, day, lookback, daily_methods, last))
        first_late = debt.oldest_due + timedelta(days=1)
        years = whole_years(first_late, day)
        out.facts.append(Fact("long_arrears", unit, {
            "unit": unit, "unit_display": shown, "arrears_years": years,
            "arrears_since": f"{debt.oldest_due:%Y-%m-%d}", "outstanding": outstanding,
            "outstanding_text": base["outstanding_text"]}, src, matter="长期欠费",
            doc={"owner": owner, "amount": debt.outstanding, "since": min(debt.periods)}))

    legal_units = set(u for u in owed if u in log) | {u for u, es in log.items()
                                                      if any(m in e.methods for e in es for m in ("律师函", "诉讼"))}
    for unit in sorted(legal_units):
        out.facts.append(_legal(unit, owed.get(unit), log.get(unit, []), day, displays.get(unit, unit),
                                owners.get(unit), staff_of(unit)))

    n_long = sum(1 for f in out.facts if f.type == "long_arrears"
                 and f.data["arrears_years"] >= int(params["long_arrears_years"]))
    out.facts.append(Fact("long_arrears_register", "长期欠费登记", {"year": day.year, "month": day.month,
                                                             "households": n_long}, matter=str(day.year)))
    out.facts.append(Fact("collection_night", None, {"day_of_month": day.day, "weekday": day.isoweekday(),
                                                      "month": day.month,
                                                      "log_rows": len(records.of("collections"))}))
    out.state.update(log=log, paid_by_day=paid_by_day, owed=owed, staff_of=unit_staff, building_staff=building_staff,
                     displays=displays)
    return out


def _log_problems(log: dict[str, list[Entry]], owners: dict, ctx: Context) -> list:
    """Rows the checks cannot use as written: a unit the owner file lacks, a date after today, a class
    that is none of A–E (each a data finding with its cell; nothing is dropped silently)."""
    from ..findings import cell_finding

    out = []
    today = ctx.today
    for unit, entries in log.items():
        for e in entries:
            if e.day <= today and (e.klass is not None or not e.category) and (not owners or unit in owners):
                continue
            ref = e.rec.ref
            if owners and unit not in owners:
                out.append(cell_finding(ref.cell("unit", e.unit_display),
                                        "业主档案中没有此房号，本行未参与催缴跟进检查", "unknown-unit", subject=unit))
                continue
            if e.day > today:
                out.append(cell_finding(ref.cell("date", e.day),
                                        f"催缴日期晚于今天（{ctx.today:%Y-%m-%d}），本行未参与催缴跟进检查", "future-date",
                                        subject=unit))
            category = e.category
            if category and e.klass is None:
                out.append(cell_finding(ref.cell("category", category),
                                        "欠费分类无法识别（应为 A–E 或 近期缴纳类、暂未明确类、无法联系类、异地出差/居住类、特殊类），"
                                        "本行的分类未采用", "category", subject=unit, severity="警告"))
    return out


def _class_run(entries: list[Entry]) -> tuple[str | None, date | None, Entry | None]:
    """The household's class (the latest the log gives), the day it was first given in that run, and the
    latest entry that gave it."""
    latest = None
    start = None
    for e in reversed(entries):
        if e.klass is None:
            continue
        if latest is None:
            latest = e
            start = e.day
        elif e.klass == latest.klass:
            start = e.day
        else:
            break
    return (latest.klass if latest else None), start, latest


def _follow_ups(unit: str, base: dict, entries: list[Entry], day: date, lookback: int, daily_methods: set,
                last: str) -> list[Fact]:
    klass, since, latest = _class_run(entries)
    if klass is None or since is None:  # both or neither: the run's class and its first day
        return []
    facts = []
    after = [e for e in entries if e.day >= since]
    src = tuple(e.rec.ref.whole_row() for e in after[-20:])
    effective, effective_since = klass, since

    def fact(task: str, **data) -> Fact:
        d = {**base, "klass": effective, "class_name": CLASS_NAMES[effective], "task": task,
             "days_in_class": (day - effective_since).days, "last_contact": last, "promised_date": "",
             "missed_text": "", "missed_days": 0, "done": False, **data}
        return Fact("follow_up", unit, d, src, matter=f"{effective}|{effective_since:%Y-%m-%d}|{task}",
                    doc={"missed_text": d["missed_text"], "last_contact": last})

    if klass == "A":
        promised = next((e.promised for e in reversed(after) if e.promised is not None), None)
        if promised is not None:
            remind_day = promised - timedelta(days=1)
            reminded = any(e.day == remind_day and "电话" in e.methods for e in after)
            to_promise = (promised - day).days
            facts.append(fact("承诺日前电话提醒", done=reminded, days_to_promise=to_promise,
                              promised_date=f"{promised:%Y-%m-%d}",
                              missed_text="" if reminded else f"{remind_day:%Y-%m-%d}"))
            facts.append(fact("承诺缴费", done=False, days_to_promise=to_promise, promised_date=f"{promised:%Y-%m-%d}"))
            if to_promise < 0:  # the promise passed unpaid: back to 暂未明确类 from the next day
                effective, effective_since = "B", promised
    if effective in ("B", "D"):
        first = max(effective_since + timedelta(days=1), day - timedelta(days=lookback - 1))
        contacted = {e.day for e in after if e.methods & daily_methods}
        missed = [first + timedelta(days=i) for i in range((day - first).days + 1)
                  if first + timedelta(days=i) not in contacted]
        facts.append(fact("每日电话催缴", missed_days=len(missed), missed_text=_days_text(missed),
                          done=not missed))
    if effective in ("B", "C"):
        facts.append(fact("张贴催费通知单", done=any("张贴" in e.methods for e in after)))
    postings = [e for e in after if "张贴" in e.methods and not e.photographed]
    if postings:
        facts.append(fact("张贴拍照留存", missed_days=len(postings), missed_text=_days_text([e.day for e in postings]),
                          done=False))
    if effective == "C":
        facts.append(fact("入户催缴", done=any("上门" in e.methods for e in after)))
        facts.append(fact("查找新联系方式", done=any(e.new_contact for e in after)))
    if effective == "D":
        facts.append(fact("引导远程缴费", done=any(e.remote for e in after)))
    if effective == "E":
        facts.append(fact("客服主管指导", done=any(e.instructed for e in after)))
    return facts


def _days_text(days: list[date]) -> str:
    shown = "、".join(f"{d:%m-%d}" for d in days[:10])
    return shown + (f" 等{len(days)}天" if len(days) > 10 else "")


def _legal(unit: str, debt: Debt | None, entries: list[Entry], day: date, shown: str, owner, staff: str) -> Fact:
    from ..render.mask import mask_name

    def status(tag: str) -> tuple[bool, bool, str, date | None]:
        rows = [e for e in entries if tag in e.methods]
        sent = [e for e in rows if e.reviewed and e.approved]
        reviewed = any(e.reviewed for e in rows)
        approved = any(e.approved for e in rows)
        missing = "、".join(x for x, ok in (("客服部审核", reviewed), ("总经理审批", approved)) if not ok)
        return bool(rows), bool(sent), missing or "（无）", (sent[0].day if sent else None)

    letter_logged, letter_sent, letter_missing, letter_day = status("律师函")
    suit_logged, suit_sent, suit_missing, _ = status("诉讼")
    data = {
        "unit": unit, "unit_display": shown, "in_arrears": debt is not None,
        "arrears_months": whole_months(debt.oldest_due + timedelta(days=1), day) if debt else 0,
        "attempts": sum(1 for e in entries if e.methods & ATTEMPTS),
        "outstanding": float(debt.outstanding) if debt else 0.0,
        "outstanding_text": f"{debt.outstanding:,.2f}" if debt else "0.00",
        "letter_logged": letter_logged, "letter_sent": letter_sent, "letter_missing": letter_missing,
        "suit_logged": suit_logged, "suit_sent": suit_sent, "suit_missing": suit_missing, "staff": staff,
    }
    if letter_day is not None:
        data["days_since_letter"] = (day - letter_day).days
    legal_rows = tuple(e.rec.ref.whole_row() for e in entries if e.methods & {"律师函", "诉讼"})
    since = min(debt.periods) if debt else None
    return Fact("legal", unit, data, legal_rows + (debt.sources(10) if debt else ()), matter="法律催缴",
                doc={"owner_masked": mask_name(owner.owner_name) if owner else "",
                     "since": f"{since[0]}年{since[1]}月" if since else "",
                     "letter_text": (f"已发出（{letter_day:%Y-%m-%d}）" if letter_sent else
                                     "已登记，审批不全" if letter_logged else "未发")})


# ------------------------------------------------------------------ documents and sheets

def _report_rows(derived: Derived, ctx: Context, start: date, end: date) -> tuple[list[dict], dict]:
    """Per 管家, from the log between ``start`` and ``end``: households, calls, visits, postings, promises,
    and what the households under collection paid in those days (fee ledger)."""
    log: dict[str, list[Entry]] = derived.state.get("log", {})
    paid = derived.state.get("paid_by_day", {})
    unit_staff = derived.state.get("staff_of", {})
    building_staff = derived.state.get("building_staff", {})
    rows: dict[str, dict] = {}

    def row(staff: str) -> dict:
        return rows.setdefault(staff, {"staff": staff, "households": set(), "calls": 0, "visits": 0, "postings": 0,
                                       "promises": 0, "collected": ZERO})
    for unit, entries in log.items():
        for e in entries:
            if start <= e.day <= end:
                r = row(e.staff or "（未写管家）")
                r["households"].add(unit)
                r["calls"] += "电话" in e.methods
                r["visits"] += "上门" in e.methods
                r["postings"] += "张贴" in e.methods
                r["promises"] += e.promised is not None
    for (unit, when), amount in paid.items():
        if start <= when <= end and unit in log:
            staff = unit_staff.get(unit) or building_staff.get(unit.split("-")[0]) or "（未写管家）"
            row(staff)["collected"] += amount
    out = []
    total = {"staff": "合计", "households": 0, "calls": 0, "visits": 0, "postings": 0, "promises": 0, "collected": ZERO}
    for staff in sorted(rows):
        r = rows[staff]
        item = {**r, "households": len(r["households"])}
        for k in ("households", "calls", "visits", "postings", "promises", "collected"):
            total[k] += item[k]
        item["collected"] = f"{item['collected']:,.2f}"
        out.append(item)
    total["collected"] = f"{total['collected']:,.2f}"
    return out, total


def notice(kind: str, ctx: Context, **info) -> dict:
    if kind != "periodic":
        return {}
    from ..render.mask import mask_name, mask_phone

    rule, period, derived = info["rule"], info["period"], info["derived"]
    if rule.then.document == "长期欠费业主详细资料":
        rows = _register_rows(info["selected"], derived, ctx)
        return {"rows": [{**r, "name": mask_name(r["name"]), "phone": mask_phone(r["phone"])} for r in rows],
                "count": len(rows), "total": f"{sum((r['amount'] for r in rows), ZERO):,.2f}",
                "years": ctx.params["long_arrears_years"], "as_of": f"{ctx.day:%Y-%m-%d}"}
    end = min(period.end, ctx.day)
    rows, total = _report_rows(derived, ctx, period.start, end)
    owed = derived.state.get("owed", {})
    return {"rows": rows, "total": total, "count": len(rows), "covered": f"{period.start:%Y-%m-%d}至{end:%Y-%m-%d}",
            "arrears_households": len(owed),
            "arrears_total": f"{sum((d.outstanding for d in owed.values()), ZERO):,.2f}"}


def _register_rows(facts, derived: Derived, ctx: Context) -> list[dict]:
    years = int(ctx.params["long_arrears_years"])
    rows = []
    for f in facts:
        if f.type != "long_arrears" or f.data["arrears_years"] < years:
            continue
        owner = f.doc.get("owner")
        rows.append({"unit": f.data["unit_display"], "name": owner.owner_name if owner else "（业主档案中无此房号）",
                     "phone": (owner.phone or "") if owner else "", "years": f.data["arrears_years"],
                     "since": f.data["arrears_since"], "amount": f.doc["amount"],
                     "amount_text": f"{f.doc['amount']:,.2f}"})
    rows.sort(key=lambda r: (-r["years"], r["unit"]))
    return rows


def finish(derived: Derived, outcomes, ctx: Context) -> Derived:
    """The 长期欠费登记 sheet (F7): every household in arrears for the rule's number of years or more."""
    from ..render.mask import mask_phone

    long_facts = [f for f, rules in zip(derived.facts, outcomes.matches)
                  if f.type == "long_arrears" and any(r.policy == "F7" for r in rules)]
    rows = _register_rows(long_facts, derived, ctx)
    derived.sheets["长期欠费登记"] = (
        ["房号", "业主姓名", "联系方式", "欠缴年限（年）", "最早欠费缴费期限", "欠费金额（元）"],
        [[r["unit"], r["name"], mask_phone(r["phone"]), r["years"], r["since"], r["amount"]] for r in rows])
    return derived


AREA = Area(
    name="collections",
    title="催缴跟进",
    shares=("fee_obligations",),  # fees.obligations, derived once for both
    rule_files=("collections",),
    reads=("collections", "fees", "owners"),
    fact_types=(FIRST_CALL, FOLLOW_UP, LEGAL, LONG, REGISTER, NIGHT),
    derive=derive,
    notice=notice,
    finish=finish,
)
