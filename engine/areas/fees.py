"""Fees and arrears (收费与催缴) — F1, F2, F3, F3a, F8, F11 in ``rules/fees.yaml``.

Derives, as the ledgers stood on the as-of date, what each unit owes per fee item and billing period
(a payment dated after the as-of date has not happened yet that night; one dated after today is a data
problem), and the facts the rules read: ``arrears`` (days late, the day of the month the ladder reads),
``upcoming`` (days to the due date and to the bank debit), ``collection_rate`` per building and item,
``setting`` (company settings to review). The 催费 ladder, the F11 hold and the reminders are outcome
primitives chosen in the rule file; this module only builds the notice's items and totals.
"""
from __future__ import annotations

import calendar as _calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from ..findings import Finding, Source, cell_finding
from ..rules import calculator
from ..validate import Owner, Records, RowRef, owners_by_unit
from .base import Area, Context, Derived, Fact, FactType

CENT = Decimal("0.01")
NUM = (int, float)

ARREARS = FactType("arrears", {
    "unit": str, "unit_display": str, "item": str, "period_text": str, "outstanding": NUM, "due_date": str,
    "days_late": int, "policy_day": int, "instalment": str, "late_fee": NUM, "late_fee_ratio": NUM,
    "pay_by": str, "payment_method": str, "debit_pending": bool, "days_to_debit": int, "debit_date": str,
}, "欠费（某户某收费项目某所属期，检查日期当晚仍未缴清）")
UPCOMING = FactType("upcoming", {
    "unit": str, "unit_display": str, "item": str, "period_text": str, "outstanding": NUM, "due_date": str,
    "days_to_due": int, "payment_method": str, "days_to_debit": int, "debit_date": str,
}, "即将到期的应缴费用")
SETTING = FactType("setting", {"name": str, "value": NUM}, "公司设定的参数（供复核）")
RATE = FactType("collection_rate", {
    "building": str, "item": str, "rate": NUM, "rate_text": str, "target_text": str, "due_total": str,
    "paid_total": str,
}, "楼栋、收费项目的收费率")


@dataclass(slots=True)  # a 20,000-unit estate has a quarter of a million
class Obligation:
    """One unit's debt for one fee item and billing period."""

    unit: str
    unit_display: str
    item: str
    period: tuple[int, int]
    due_date: date
    amount_due: Decimal
    amount_paid: Decimal
    refs: list[RowRef] = field(default_factory=list)  # the fee rows it was summed from

    @property
    def sources(self) -> tuple[Source, ...]:
        return tuple(ref.whole_row() for ref in self.refs)

    @property
    def outstanding(self) -> Decimal:
        return self.amount_due - self.amount_paid

    @property
    def period_text(self) -> str:
        return f"{self.period[0]}年{self.period[1]}月"

    @property
    def matter(self) -> str:
        return f"{self.item}|{self.period[0]}-{self.period[1]:02d}"


def money(d: Decimal) -> str:
    return f"{d:,.2f}"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@calculator("late_fee")
def late_fee(fact: dict, params: dict) -> Decimal:
    """违约金: simple interest on the outstanding principal, per day late, capped at a share of the principal."""
    principal = Decimal(str(fact["outstanding"]))
    fee = principal * Decimal(str(params["late_fee_rate_per_day"])) * int(fact["days_late"])
    cap = params.get("late_fee_cap_ratio")
    if cap is not None:
        fee = min(fee, principal * Decimal(str(cap)))
    return fee.quantize(CENT, rounding=ROUND_HALF_UP)


@lru_cache(maxsize=1024)
def default_due_date(period: tuple[int, int], due_day: int) -> date:
    y, m = period
    return date(y, m, min(int(due_day), _calendar.monthrange(y, m)[1]))


def debit_dates(month: date, debit_days: list[int]) -> list[date]:
    last = _calendar.monthrange(month.year, month.month)[1]
    return [month.replace(day=min(int(d), last)) for d in sorted(int(x) for x in debit_days)]


def next_debit_date(day: date, debit_days: list[int]) -> date:
    for months_ahead in (0, 1, 2):
        y, m = day.year + (day.month - 1 + months_ahead) // 12, (day.month - 1 + months_ahead) % 12 + 1
        for candidate in debit_dates(date(y, m, 1), debit_days):
            if candidate >= day:
                return candidate
    raise ValueError("no debit day")  # pragma: no cover


@dataclass
class Instalments:
    status: dict[str, str] = field(default_factory=dict)  # unit → on_time / late
    sources: dict[str, list[Source]] = field(default_factory=dict)
    summary: dict[str, dict] = field(default_factory=dict)  # unit → agreement, paid, due so far


def instalment_status(records: Records, as_of: datetime) -> Instalments:
    """Per unit: ``on_time`` while every instalment due so far was paid in full by its date, else ``late``."""
    out = Instalments()
    for inst in records.of("instalments"):
        unit = inst.unit.key
        out.sources.setdefault(unit, []).append(inst.ref.whole_row())
        out.status.setdefault(unit, "on_time")
        s = out.summary.setdefault(unit, {"agreement": inst.agreement or "", "paid": Decimal("0"),
                                          "due_so_far": Decimal("0"), "total": Decimal("0")})
        s["total"] += inst.amount
        if inst.paid_date is not None and inst.paid_date <= as_of:
            s["paid"] += inst.amount_paid
        if inst.due_date > as_of.date():
            continue
        s["due_so_far"] += inst.amount
        deadline = datetime.combine(inst.due_date, datetime.max.time())
        paid_in_time = inst.paid_date is not None and inst.paid_date <= min(deadline, as_of)
        if not (paid_in_time and inst.amount_paid >= inst.amount):
            out.status[unit] = "late"
    for fee in records.of("fees"):
        if fee.instalment and fee.unit.key not in out.status:
            out.status[fee.unit.key] = "on_time"
            out.sources.setdefault(fee.unit.key, []).append(fee.ref.cell("instalment", fee.instalment))
            out.summary.setdefault(fee.unit.key, {"agreement": fee.instalment, "paid": Decimal("0"),
                                                  "due_so_far": Decimal("0"), "total": Decimal("0")})
    return out


def obligations(records: Records, ctx: Context) -> tuple[dict[tuple, Obligation], list[Finding]]:
    """The fee rows summed by unit, item and period as they stand on the night — a payment dated after it is
    not made yet; one dated after today is not taken, and is a finding — derived once for the fee and the
    collection areas (``shares``)."""
    if "fee_obligations" in ctx.cache:
        return ctx.cache["fee_obligations"]
    due_day = int(ctx.book.param("due_day", ctx.day))
    future: list[Finding] = []
    groups: dict[tuple, Obligation] = {}
    today, as_of, zero = ctx.today, ctx.as_of, Decimal("0")
    after_today = datetime.combine(today + timedelta(days=1), datetime.min.time())
    default_due: dict[tuple[int, int], date] = {}  # by period: twelve of them serve 280,000 fee rows
    for fee in records.of("fees"):
        paid, paid_date = fee.amount_paid, fee.paid_date
        if paid_date is not None:
            if paid_date >= after_today:
                # an impossible payment is not taken: the debt stays, so the household is not silently let off
                future.append(cell_finding(
                    fee.ref.cell("paid_date", paid_date),
                    f"缴费日期晚于今天（{today:%Y-%m-%d}），不可能已缴费，请核对；本次按未缴处理",
                    "future-payment", subject=fee.unit.key))
                paid = zero
            elif paid_date > as_of:
                paid = zero  # not yet paid on the night being checked
        unit, period = fee.unit, fee.period
        key = (unit.key, fee.item, period)
        due = fee.due_date
        if due is None:
            due = default_due.get(period)
            if due is None:
                due = default_due[period] = default_due_date(period, due_day)
        ob = groups.get(key)
        if ob is None:
            ob = groups[key] = Obligation(unit.key, unit.display, fee.item, period, due, zero, zero)
        elif due < ob.due_date:
            ob.due_date = due
        ob.amount_due += fee.amount_due
        ob.amount_paid += paid
        ob.refs.append(fee.ref)
    ctx.cache["fee_obligations"] = groups, future
    return groups, future


def derive(records: Records, ctx: Context) -> Derived:
    out = Derived()
    if not records.of("fees"):
        return out
    day, params = ctx.day, ctx.params
    due_day = int(ctx.book.param("due_day", day))
    owners = owners_by_unit(records)
    groups, future = obligations(records, ctx)
    out.findings.extend(future)
    plans = instalment_status(records, ctx.as_of)
    pay_by = day + timedelta(days=int(ctx.book.param("notice_pay_within_days", day)))
    debit_days = ctx.book.param("bank_debit_days", day)
    debit_methods = set(params.get("debit_payment_methods") or [])
    rate_groups: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal("0"), Decimal("0")])
    # the same few dates and periods recur on every fact: one text object each, not one per fact
    # (a 20,000-unit night has 160,000 fee facts alive at once)
    texts: dict = {}

    def text(value) -> str:
        t = texts.get(value)
        if t is None:
            t = texts[value] = value.isoformat() if isinstance(value, date) else f"{value[0]}年{value[1]}月"
        return t

    pay_by_text = pay_by.isoformat()
    last_debits: dict[date, date] = {}  # by due month: a few months' dates serve 56,000 obligations
    next_debits: dict[date, date] = {}
    for ob in groups.values():  # ledger order: deterministic; findings are sorted at the end
        days_late = (day - ob.due_date).days
        if days_late >= 0:
            totals = rate_groups[(ob.unit.split("-")[0], ob.item)]
            totals[0] += ob.amount_due
            totals[1] += ob.amount_paid
        if ob.amount_due <= ob.amount_paid:
            continue
        owner = owners.get(ob.unit)
        method = owner.payment_method if owner and owner.payment_method else "未登记"
        base = {"unit": ob.unit, "unit_display": ob.unit_display, "item": ob.item, "period_text": text(ob.period),
                "outstanding": float(ob.outstanding), "due_date": text(ob.due_date)}
        doc = {"obligation": ob, "owner_name": owner.owner_name if owner else ""}
        sources = ob.sources
        if days_late >= 1:
            # F2-4: the due month's last (second) bank debit not yet past — that night included, its result
            # is not in the ledger yet — holds the ladder for that month; F2-5 reminds before it
            month = ob.due_date.replace(day=1)
            last_debit = last_debits.get(month)
            if last_debit is None:
                last_debit = last_debits[month] = debit_dates(month, debit_days)[-1]
            data = {**base, "days_late": days_late, "policy_day": due_day + days_late,
                    "instalment": plans.status.get(ob.unit, "none"), "pay_by": pay_by_text,
                    "payment_method": method, "debit_pending": method in debit_methods and day <= last_debit,
                    "days_to_debit": (last_debit - day).days, "debit_date": text(last_debit)}
            fee_value = late_fee(data, params)
            data["late_fee"] = float(fee_value)
            data["late_fee_ratio"] = float(fee_value / ob.outstanding)
            doc["late_fee"] = fee_value
            if ob.unit in plans.status:
                sources = sources + tuple(plans.sources.get(ob.unit, ()))
                doc["instalment"] = plans.summary.get(ob.unit)
            doc["phone"] = owner.phone if owner and owner.phone else ""
            out.facts.append(Fact("arrears", ob.unit, data, sources, ob.matter, doc=doc))
        else:
            start = max(day, ob.due_date.replace(day=1))
            debit = next_debits.get(start)
            if debit is None:
                debit = next_debits[start] = next_debit_date(start, debit_days)
            data = {**base, "days_to_due": -days_late, "payment_method": method,
                    "days_to_debit": (debit - day).days, "debit_date": text(debit)}
            doc["phone"] = owner.phone if owner and owner.phone else ""
            out.facts.append(Fact("upcoming", ob.unit, data, sources, ob.matter, doc=doc))

    out.facts.append(Fact("setting", None, {"name": "late_fee_rate_per_day",
                                            "value": float(params["late_fee_rate_per_day"])}))
    target = float(params.get("collection_rate_target", 0))
    for (building, item), (due_total, paid_total) in sorted(rate_groups.items()):
        if due_total <= 0:
            continue
        rate = float(paid_total / due_total)
        out.facts.append(Fact("collection_rate", f"{building}栋", {
            "building": building, "item": item, "rate": rate, "rate_text": f"{rate:.1%}", "target_text": f"{target:.0%}",
            "due_total": money(due_total), "paid_total": money(paid_total)}, matter=item,
            doc={"due": due_total, "paid": paid_total}))
    return out


def notice(kind: str, ctx: Context, **info) -> dict:
    """The 催费 notice: every listed item with its own step, and 违约金 where the item reached the final step."""
    if kind != "ladder":
        return {}
    day = ctx.day
    entries = info["entries"]
    final_step = max(info["spec"].documents)
    pay_within = int(ctx.book.param("notice_pay_within_days", day))
    rate = Decimal(str(ctx.book.param("late_fee_rate_per_day", day)))
    step_names = {1: "第一次催缴", 2: "第二次催缴", final_step: "最后催缴"}
    items, total_out, total_fee = [], Decimal("0"), Decimal("0")
    instalment = None
    for e in sorted(entries, key=lambda e: (e.fact.doc["obligation"].period, e.fact.doc["obligation"].item)):
        ob: Obligation = e.fact.doc["obligation"]
        fee = e.fact.doc["late_fee"] if e.step >= final_step else Decimal("0")
        total_out += ob.outstanding
        total_fee += fee
        instalment = instalment or e.fact.doc.get("instalment")
        items.append({"item": ob.item, "period": ob.period_text, "amount_due": money(ob.amount_due),
                      "amount_paid": money(ob.amount_paid), "outstanding": money(ob.outstanding),
                      "due_date": cn_date(ob.due_date), "days_late": e.fact.data["days_late"], "late_fee": money(fee),
                      "step": e.step, "step_text": step_names.get(e.step, f"第{e.step}级"),
                      "notified_before": (f"已于{e.earlier.as_of}以{e.earlier.number}《{e.earlier.document}》通知"
                                          if e.earlier else "")})
    first = entries[0].fact
    final = info["notice"].step >= final_step
    return {
        "unit": first.data["unit_display"], "unit_key": first.subject, "owner_name": first.doc.get("owner_name", ""),
        "pay_by": cn_date(day + timedelta(days=pay_within)), "deadline_days": pay_within, "items": items,
        "total_outstanding": money(total_out), "total_late_fee": money(total_fee), "total": money(total_out + total_fee),
        "late_fee_rate_text": f"每日万分之{(rate * 10000).normalize():f}（按欠缴本金单利计算）" if total_fee else "",
        "late_fee_basis": "按《物业服务合同》约定计收违约金" if total_fee else "",
        "final": final,
        "instalment": None if instalment is None else {
            "agreement": instalment["agreement"], "paid": money(instalment["paid"]),
            "due": money(instalment["due_so_far"]), "total": money(instalment["total"])},
    }


def finish(derived: Derived, outcomes, ctx: Context) -> Derived:
    """Sheets from tonight's outcomes: the SMS reminder list (F2) and the collection-rate table (F8)."""
    from ..render.mask import mask_name, mask_phone

    header = ["房号", "业主", "手机号", "收费项目", "所属期", "应缴金额", "缴费期限", "提醒", "依据"]
    sheet_rows, csv_rows = [], []
    rates = []
    for fact, rules in zip(derived.facts, outcomes.matches):
        if fact.type == "collection_rate":
            rates.append([fact.data["building"], fact.data["item"], fact.doc["due"], fact.doc["paid"],
                          fact.data["rate"], fact.data["target_text"], "未达标" if rules else "达标"])
    reminded = {(f.subject, f.matter) for f in outcomes.findings if f.category == "缴费提醒"}
    for fact in derived.facts:
        if fact.type not in ("upcoming", "arrears") or (fact.subject, fact.matter) not in reminded:
            continue
        ob: Obligation = fact.doc["obligation"]
        phone = fact.doc.get("phone", "")
        due_text = cn_date(ob.due_date)
        sheet_rows.append([ob.unit_display, mask_name(fact.doc.get("owner_name")), mask_phone(phone), ob.item,
                           ob.period_text, ob.outstanding, ob.due_date, fact.data["payment_method"], ""])
        if fact.type == "arrears":  # F2-5: before the second bank debit
            debit_text = cn_date(date.fromisoformat(fact.data["debit_date"]))
            text = (f"【{ctx.cache.get('company_name', '物业服务中心')}】尊敬的{ob.unit_display}业主：您{ob.period_text}{ob.item}"
                    f"尚欠{money(ob.outstanding)}元，银行将于{debit_text}代扣，请确保账户余额充足。如已缴请忽略。")
        else:
            text = (f"【{ctx.cache.get('company_name', '物业服务中心')}】尊敬的{ob.unit_display}业主：您{ob.period_text}{ob.item}应缴"
                    f"{money(ob.outstanding)}元，缴费期限{due_text}，请按时缴纳。如已缴请忽略。")
        csv_rows.append([phone, ob.unit_display, ob.item, ob.period_text, money(ob.outstanding), due_text, text])
    derived.sheets["短信提醒名单"] = (header, sheet_rows)
    derived.csv["短信缴费提醒.csv"] = (["手机号", "房号", "收费项目", "所属期", "应缴金额", "缴费期限", "短信内容"], csv_rows)
    derived.sheets["收费率统计"] = (["楼栋", "收费项目", "应收金额", "实收金额", "收费率", "目标", "是否达标"], rates)
    return derived


AREA = Area(
    name="fees",
    title="收费与催缴",
    shares=("fee_obligations",),  # obligations(), derived once for fees and collections
    rule_files=("fees",),
    reads=("owners", "fees", "instalments"),
    fact_types=(ARREARS, UPCOMING, SETTING, RATE),
    derive=derive,
    notice=notice,
    finish=finish,
)
