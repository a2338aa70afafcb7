"""The fine primitive: amounts a rule charges, to a person named in the fact or to whoever holds a role.

``fines: [{amount: $key_lost_fine_person, person: responsible, clause: "000 › 篇12 › 第二十八条"},
          {amount: $key_lost_fine_lead, role: 项目负责人, clause: "000 › 篇12 › 第二十八条"},
          {amount: $handover_error_fine, person: responsible, per: missing, clause: "…"},   # × a fact field
          {amount: $v_deposit_fine, person: contractor, payer: contractor, clause: "…"}]``

This module only decides who and how much, for one match on one night. What happens next is the fines
register's (:mod:`engine.record.fines`): one entry per lapse however many nights it matches, staff fines
capped per person and month by the month's bonus (T13, 扣完为止), contractor fines listed as deposit
deductions (never capped), a 《员工过失单》 per staff fine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..areas.base import Context, Fact
from ..rules.model import FineSpec, Rule
from .sample import resolve
from .text import render


@dataclass(frozen=True)
class FineEntry:
    rule: Rule
    fact: Fact
    spec: FineSpec
    amount: Decimal
    person: str | None  # None: nobody holds the role on the staff sheet, or the fact names nobody (never guessed)
    role: str
    month: str  # YYYY-MM of the night the fine arose (第三十六条: 从责任人当月的奖金中予以执行)
    index: int = 0  # which of the rule's fines (a rule may charge the person and the project lead)
    unit_amount: Decimal | None = None  # the parameter's amount, before ``per``
    count: int = 1  # ``per``: how many times the amount is charged
    reason: str = field(default="", compare=False)  # the rule's message for this fact: what the fine is for
    holders: tuple[str, ...] = ()  # a role fine: everyone holding the role that month (one → the person)

    @property
    def payer(self) -> str:
        return self.spec.payer

    @property
    def key(self) -> str:
        """One fine per lapse: the rule, the subject, the matter and which of the rule's fines.
        The same match found again on a later night (or a re-run) is the same fine."""
        return "|".join((self.rule.id, self.fact.subject or "", self.fact.matter or "", str(self.index)))


def role_holders(ctx: Context, role: str, month: str) -> list[str]:
    """Who holds ``role`` on the staff sheet for the month (a row without a month counts for every month).
    For a fine, one name is the person charged; none or several is reported, never guessed."""
    ym = (int(month[:4]), int(month[5:7]))
    names = {getattr(s, "name", None) for s in ctx.records.of("staff")
             if _norm(getattr(s, "role", None)) == _norm(role) and getattr(s, "month", None) in (None, ym)}
    return sorted(n for n in names if n is not None)


def staff_with_role(ctx: Context, role: str, month: str) -> str | None:
    """The first (by name) of the role's holders that month, or None — for display (a fine uses
    :func:`role_holders` and reports several holders instead of choosing)."""
    names = role_holders(ctx, role, month)
    return names[0] if names else None


def _norm(text) -> str:
    return "".join(str(text or "").split())


def _count(fact: Fact, name: str) -> int | None:
    value = fact.data.get(name, fact.doc.get(name))
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    return int(value) if value == int(value) else None


def fines_of(rule: Rule, fact: Fact, ctx: Context, extra: dict | None = None) -> list[FineEntry]:
    """``extra``: what the rule's other primitives add to its message (a clock's start, deadline, state)."""
    month = f"{ctx.day:%Y-%m}"
    reason = render(rule.then.message, {**fact.doc, **fact.data, **(extra or {})}, ctx.params)
    out = []
    for i, spec in enumerate(rule.then.fines):
        unit = Decimal(str(resolve(spec.amount, ctx.params)))
        count = 1
        if spec.per is not None:
            per = _count(fact, spec.per)
            if per is None:
                raise ValueError(f"规则 {rule.id} 的罚款 per: {spec.per} 不是事实 {fact.type} 的整数字段")
            count = per
            if count <= 0:
                continue  # nothing to charge (e.g. no unit missing)
        if spec.person is not None:
            person = fact.data.get(spec.person) or fact.doc.get(spec.person)
            role = str(fact.doc.get(f"{spec.person}_role") or "") or "责任人"  # the area may say (经办人, 借用人)
        else:
            role = spec.role or ""
            holders = tuple(role_holders(ctx, role, month))
            person = holders[0] if len(holders) == 1 else None
        out.append(FineEntry(rule, fact, spec, unit * count, str(person) if person else None, role, month,
                             index=i, unit_amount=unit, count=count, reason=reason,
                             holders=holders if spec.person is None else ()))
    return out
