"""The fine primitive: amounts a rule charges, to a person named in the fact or to whoever holds a role.

``fines: [{amount: $key_lost_fine_person, person: borrower, clause: 第二十八条},
          {amount: $key_lost_fine_lead, role: 项目负责人, clause: 第二十八条}]``

Staff fines are capped per person and month by the month's bonus (T13, 扣完为止); contractor fines are
deposit deductions, never capped. This module resolves who and how much; the fines register and the cap
are kept with the notice register.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..areas.base import Context, Fact
from ..rules.model import FineSpec, Rule
from .sample import resolve


@dataclass(frozen=True)
class FineEntry:
    rule: Rule
    fact: Fact
    spec: FineSpec
    amount: Decimal
    person: str | None  # None: nobody holds the role on the staff sheet (a DATA finding, never guessed)
    role: str
    month: str  # YYYY-MM of the night the fine arose


def staff_with_role(ctx: Context, role: str, month: str) -> str | None:
    names = sorted({getattr(s, "name", None) for s in ctx.records.of("staff")
                    if getattr(s, "role", None) == role
                    and (getattr(s, "month", None) in (None, (int(month[:4]), int(month[5:7]))))} - {None})
    return names[0] if names else None


def fines_of(rule: Rule, fact: Fact, ctx: Context) -> list[FineEntry]:
    month = f"{ctx.day:%Y-%m}"
    out = []
    for spec in rule.then.fines:
        amount = Decimal(str(resolve(spec.amount, ctx.params)))
        if spec.person is not None:
            person = fact.data.get(spec.person) or fact.doc.get(spec.person)
            role = spec.person
        else:
            role = spec.role or ""
            person = staff_with_role(ctx, role, month)
        out.append(FineEntry(rule, fact, spec, amount, str(person) if person else None, role, month))
    return out
