"""Fee policies F2, F3, F3a, F8, F11: from rule matches to findings, 《催费通知书》 and the SMS list."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from ..derive.fees import FeeFacts, Obligation, derive_fee_facts
from ..findings import Finding
from ..record.register import Register
from ..render.mask import mask_phone
from ..rules import RuleBook, apply_rules, render_message
from ..rules.model import Rule
from ..validate import Records
from .base import CheckResult, DocumentSpec

FEE_PREFIX_DOC = "催费通知书"  # the three fee notices share this document's numbering


def unit_sort_key(unit: str) -> tuple:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[-]", unit))


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def money(d: Decimal) -> str:
    return f"{d:,.2f}"


def _item_key(ob: Obligation) -> str:
    return f"{ob.item}|{ob.period[0]}-{ob.period[1]:02d}"


def check_fees(records: Records, book: RuleBook, as_of: datetime, today: date, register: Register,
               docs: dict[str, DocumentSpec]) -> CheckResult:
    if not records.of("fees"):
        return CheckResult()
    day = as_of.date()
    facts = derive_fee_facts(records, book, as_of, today)
    result = CheckResult(findings=list(facts.findings))
    arrears_facts = [f for _, f in facts.arrears]
    upcoming_facts = [f for _, f in facts.upcoming]
    matches = apply_rules(book, "fees", arrears_facts + upcoming_facts + facts.settings + facts.rates, day)
    n1 = len(arrears_facts)
    n2 = n1 + len(upcoming_facts)
    n3 = n2 + len(facts.settings)

    ladder = _arrears(facts, matches[:n1], result)
    _notices(ladder, facts, book, day, register, docs, result)
    _reminders(facts, matches[n1:n2], day, register, result)
    for fact, rules in zip(facts.settings, matches[n2:n3]):
        for rule in rules:
            result.findings.append(_finding(rule, fact, subject=None))
    _rates(facts, matches[n3:], result)
    return result


def _finding(rule: Rule, fact: dict, subject: str | None, sources=(), document=None, extra="") -> Finding:
    return Finding(policy=rule.policy, rule=rule.id, category=rule.then.category, subject=subject,
                   message=render_message(rule.then.message, fact) + extra, severity=rule.then.severity,
                   document=document, sources=tuple(sources), citation=rule.citation,
                   details={k: v for k, v in fact.items() if k not in ("fact",)})


def _arrears(facts: FeeFacts, matches: list[list[Rule]], result: CheckResult):
    """Per unit: the overdue obligations with the ladder rule each reached. Holds and warnings become findings."""
    ladder: dict[str, list[tuple[Obligation, dict, Rule]]] = defaultdict(list)
    for (ob, fact), rules in zip(facts.arrears, matches):
        for rule in rules:
            if rule.then.hold:  # the evidence is the fee rows and the instalment agreement's rows
                sources = ob.sources + facts.instalment_sources.get(ob.unit, [])
                result.findings.append(_finding(rule, fact, ob.unit, sources))
            elif not rule.then.step:
                result.findings.append(_finding(rule, fact, ob.unit, ob.sources))
        steps = [r for r in rules if r.then.step]
        if steps:
            ladder[ob.unit].append((ob, fact, max(steps, key=lambda r: r.then.step)))
    return ladder


def _notices(ladder, facts: FeeFacts, book: RuleBook, day: date, register: Register,
             docs: dict[str, DocumentSpec], result: CheckResult) -> None:
    prefix_spec = docs[FEE_PREFIX_DOC]
    pay_within = int(book.param("notice_pay_within_days", day))
    rate = Decimal(str(book.param("late_fee_rate_per_day", day)))
    issued_new = 0
    for unit in sorted(ladder, key=unit_sort_key):
        entries = ladder[unit]
        fresh = [(ob, fact, rule) for ob, fact, rule in entries
                 if rule.then.step > register.highest_step_before(unit, _item_key(ob))]
        notice = register.tonight(unit, prefix_spec.prefix)
        if notice is None and fresh:
            top = max(fresh, key=lambda e: e[2].then.step)[2]
            notice = register.issue(prefix_spec.prefix, prefix_spec.number, unit, top.then.document,
                                    top.then.step, day, [(_item_key(ob), rule.then.step) for ob, _, rule in entries])
            issued_new += 1
        for ob, fact, rule in entries:
            extra = ""
            if notice is None:
                earlier = register.issued_before(unit, _item_key(ob))
                if earlier:
                    extra = f"（已于 {earlier.as_of} 以 {earlier.number}《{earlier.document}》通知，本次不重复发出）"
            result.findings.append(_finding(rule, fact, unit, ob.sources,
                                            document=notice.document if notice else None, extra=extra))
        if notice is not None:
            result.notices.setdefault(notice.document, []).append(
                _notice_context(notice, entries, facts, book, day, pay_within, rate))
    result.counts["催费通知书（新发）"] = issued_new


def _notice_context(notice, entries, facts: FeeFacts, book: RuleBook, day: date, pay_within: int, rate: Decimal) -> dict:
    final = (notice.step or 0) >= 3
    owner = facts.owners.get(notice.subject)
    items, total_out, total_fee = [], Decimal("0"), Decimal("0")
    for ob, fact, rule in sorted(entries, key=lambda e: (e[0].period, e[0].item)):
        fee = ob.late_fee if (final and rule.then.step >= 3) else Decimal("0")
        total_out += ob.outstanding
        total_fee += fee
        items.append({"item": ob.item, "period": ob.period_text, "amount_due": money(ob.amount_due),
                      "amount_paid": money(ob.amount_paid), "outstanding": money(ob.outstanding),
                      "due_date": cn_date(ob.due_date), "days_late": fact["days_late"], "late_fee": money(fee)})
    doc_rule = next((e[2] for e in entries if e[2].then.document == notice.document), entries[0][2])
    return {
        "number": notice.number, "title": notice.document, "unit": entries[0][0].unit_display,
        "unit_key": notice.subject, "owner_name": owner.owner_name if owner else "",
        "issue_date": cn_date(day), "pay_by": cn_date(day + timedelta(days=pay_within)),
        "deadline_days": pay_within, "citation": doc_rule.citation, "items": items,
        "total_outstanding": money(total_out), "total_late_fee": money(total_fee),
        "total": money(total_out + total_fee),
        "late_fee_rate_text": f"每日万分之{(rate * 10000).normalize():f}（按欠缴本金单利计算）" if final else "",
        "late_fee_basis": "按《物业服务合同》约定计收违约金" if final else "",
    }


def _reminders(facts: FeeFacts, matches, day: date, register: Register, result: CheckResult) -> None:
    header = ["房号", "业主", "手机号", "收费项目", "所属期", "应缴金额", "缴费期限", "提醒方式", "依据"]
    sheet_rows, csv_rows = [], []
    for (ob, fact), rules in zip(facts.upcoming, matches):
        for rule in rules:
            channel = rule.id
            if register.reminded_before(ob.unit, _item_key(ob), channel):
                continue
            register.remind(ob.unit, _item_key(ob), channel, day)
            owner = facts.owners.get(ob.unit)
            phone = owner.phone if owner and owner.phone else ""
            result.findings.append(_finding(rule, fact, ob.unit, ob.sources))
            text = (f"【物业服务中心】尊敬的{ob.unit_display}业主：您{ob.period_text}{ob.item}应缴"
                    f"{money(ob.outstanding)}元，缴费期限{cn_date(ob.due_date)}，请按时缴纳。如已缴请忽略。")
            base = [ob.unit_display, owner.owner_name if owner else "", phone, ob.item, ob.period_text,
                    money(ob.outstanding), cn_date(ob.due_date), rule.title.split("→")[0].strip(), rule.citation]
            sheet_rows.append(base[:2] + [mask_phone(phone)] + base[3:])
            csv_rows.append([phone, ob.unit_display, ob.item, ob.period_text, money(ob.outstanding),
                             cn_date(ob.due_date), text])
    result.sheets["短信提醒名单"] = (header, sheet_rows)
    result.csv["短信缴费提醒.csv"] = (["手机号", "房号", "收费项目", "所属期", "应缴金额", "缴费期限", "短信内容"], csv_rows)


def _rates(facts: FeeFacts, matches, result: CheckResult) -> None:
    header = ["楼栋", "收费项目", "应收金额", "实收金额", "收费率", "目标", "是否达标"]
    rows = []
    for fact, rules in zip(facts.rates, matches):
        for rule in rules:
            result.findings.append(_finding(rule, fact, f"{fact['building']}栋"))
        rows.append([fact["building"], fact["item"], fact["due_total"], fact["paid_total"], fact["rate_text"],
                     fact["target_text"], "未达标" if rules else "达标"])
    result.sheets["收费率统计"] = (header, rows)
