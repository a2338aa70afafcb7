"""Derive fee facts: what each unit owes per item and period, as the ledgers stood on the as-of date.

A payment dated after the as-of date has not happened yet on that night (so an
auditor can re-run any past night); a payment dated after today is a data
problem. Every number used here (due day, late-fee rate, debit days) comes
from ``rules/fees.yaml`` as in force on the as-of date.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from ..findings import Finding, Source, cell_finding
from ..rules import RuleBook, calculator
from ..validate import Fee, Owner, Records, RowRef, owners_by_unit

CENT = Decimal("0.01")


@dataclass
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
    late_fee: Decimal = Decimal("0")

    @property
    def sources(self) -> list[Source]:
        return [ref.whole_row() for ref in self.refs]

    @property
    def outstanding(self) -> Decimal:
        return self.amount_due - self.amount_paid

    @property
    def period_text(self) -> str:
        return f"{self.period[0]}年{self.period[1]}月"


@dataclass
class FeeFacts:
    arrears: list[tuple[Obligation, dict]] = field(default_factory=list)
    upcoming: list[tuple[Obligation, dict]] = field(default_factory=list)
    settings: list[dict] = field(default_factory=list)
    rates: list[dict] = field(default_factory=list)
    owners: dict[str, Owner] = field(default_factory=dict)
    instalment_sources: dict[str, list[Source]] = field(default_factory=dict)  # the agreement rows per unit
    findings: list[Finding] = field(default_factory=list)


def _money(d: Decimal) -> str:
    return f"{d:,.2f}"


@calculator("late_fee")
def late_fee(fact: dict, params: dict) -> Decimal:
    """违约金: simple interest on the outstanding principal, per day late, capped at a share of the principal."""
    principal = Decimal(str(fact["outstanding"]))
    days = int(fact["days_late"])
    fee = principal * Decimal(str(params["late_fee_rate_per_day"])) * days
    cap = params.get("late_fee_cap_ratio")
    if cap is not None:
        fee = min(fee, principal * Decimal(str(cap)))
    return fee.quantize(CENT, rounding=ROUND_HALF_UP)


@lru_cache(maxsize=1024)
def default_due_date(period: tuple[int, int], due_day: int) -> date:
    y, m = period
    return date(y, m, min(int(due_day), calendar.monthrange(y, m)[1]))


def next_debit_date(day: date, debit_days: list[int]) -> date:
    for months_ahead in (0, 1, 2):
        y, m = day.year + (day.month - 1 + months_ahead) // 12, (day.month - 1 + months_ahead) % 12 + 1
        for d in sorted(int(x) for x in debit_days):
            candidate = date(y, m, min(d, calendar.monthrange(y, m)[1]))
            if candidate >= day:
                return candidate
    raise ValueError("no debit day")  # pragma: no cover


def instalment_status(records: Records, as_of: datetime) -> tuple[dict[str, str], dict[str, list[Source]]]:
    """Per unit: ``on_time`` while every instalment due so far was paid in full by its date, else ``late``."""
    status: dict[str, str] = {}
    sources: dict[str, list[Source]] = defaultdict(list)
    for inst in records.of("instalments"):
        unit = inst.unit.key
        sources[unit].append(inst.ref.whole_row())
        status.setdefault(unit, "on_time")
        if inst.due_date > as_of.date():
            continue
        deadline = datetime.combine(inst.due_date, datetime.max.time())
        paid_in_time = inst.paid_date is not None and inst.paid_date <= min(deadline, as_of)
        if not (paid_in_time and inst.amount_paid >= inst.amount):
            status[unit] = "late"
    for fee in records.of("fees"):
        if fee.instalment and fee.unit.key not in status:
            status[fee.unit.key] = "on_time"
            sources[fee.unit.key].append(fee.ref.cell("instalment", fee.instalment))
    return status, dict(sources)


def derive_fee_facts(records: Records, book: RuleBook, as_of: datetime, today: date) -> FeeFacts:
    day = as_of.date()
    params = book.params_at(day)
    due_day = book.param("due_day", day)
    out = FeeFacts(owners=owners_by_unit(records))

    groups: dict[tuple, Obligation] = {}
    for fee in records.of("fees"):
        fee: Fee
        if fee.paid_date is not None and fee.paid_date.date() > today:
            out.findings.append(cell_finding(
                fee.ref.cell("paid_date", fee.paid_date),
                f"缴费日期晚于今天（{today:%Y-%m-%d}），不可能已缴费，请核对；本行未参与催缴检查",
                "future-payment", subject=fee.unit.key))
            continue
        paid = fee.amount_paid
        if fee.paid_date is not None and fee.paid_date > as_of:
            paid = Decimal("0")  # not yet paid on the night being checked
        key = (fee.unit.key, fee.item, fee.period)
        ob = groups.get(key)
        due = fee.due_date or default_due_date(fee.period, due_day)
        if ob is None:
            ob = groups[key] = Obligation(fee.unit.key, fee.unit.display, fee.item, fee.period, due,
                                          Decimal("0"), Decimal("0"))
        ob.due_date = min(ob.due_date, due)
        ob.amount_due += fee.amount_due
        ob.amount_paid += paid
        ob.refs.append(fee.ref)

    status, out.instalment_sources = instalment_status(records, as_of)
    pay_by = day + timedelta(days=int(book.param("notice_pay_within_days", day)))
    debit_days = book.param("bank_debit_days", day)
    rate_groups: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal("0"), Decimal("0")])

    for ob in groups.values():  # ledger order: deterministic; findings are sorted at the end
        days_late = (day - ob.due_date).days
        if days_late >= 0:
            totals = rate_groups[(ob.unit.split("-")[0], ob.item)]
            totals[0] += ob.amount_due
            totals[1] += ob.amount_paid
        if ob.amount_due <= ob.amount_paid:
            continue
        owner = out.owners.get(ob.unit)
        base = {
            "unit": ob.unit, "unit_display": ob.unit_display, "item": ob.item,
            "period_text": ob.period_text, "outstanding": ob.outstanding, "due_date": ob.due_date.isoformat(),
        }
        if days_late >= 1:
            fact = {**base, "fact": "arrears", "days_late": days_late,
                    "instalment": status.get(ob.unit, "none"), "pay_by": pay_by.isoformat()}
            ob.late_fee = late_fee(fact, params)
            fact["late_fee"] = ob.late_fee
            fact["late_fee_ratio"] = float(ob.late_fee / ob.outstanding)
            out.arrears.append((ob, fact))
        else:
            # F1: a period's fee is collected on the debit days of its due month, from tonight on
            debit = next_debit_date(max(day, ob.due_date.replace(day=1)), debit_days)
            fact = {**base, "fact": "upcoming", "days_to_due": -days_late,
                    "payment_method": (owner.payment_method if owner and owner.payment_method else "未登记"),
                    "days_to_debit": (debit - day).days, "debit_date": debit.isoformat()}
            out.upcoming.append((ob, fact))

    out.settings.append({"fact": "setting", "name": "late_fee_rate_per_day",
                         "value": float(params["late_fee_rate_per_day"])})
    target = float(params.get("collection_rate_target", 0))
    for (building, item), (due_total, paid_total) in sorted(rate_groups.items()):
        if due_total <= 0:
            continue
        rate = float(paid_total / due_total)
        out.rates.append({"fact": "collection_rate", "building": building, "item": item, "rate": rate,
                          "rate_text": f"{rate:.1%}", "target_text": f"{target:.0%}",
                          "due_total": _money(due_total), "paid_total": _money(paid_total)})
    return out
