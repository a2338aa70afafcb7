"""Complaint and repair policies C1–C12, R1–R3: clocks, escalations, the call-back sample, monthly reports."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from ..derive.calendar import WorkCalendar
from ..derive.clocks import NEAR, ON_TRACK, OVERDUE, ClockResult, run_clock
from ..derive.tickets import TicketFact, derive_ticket_facts, fmt, sample_key, sample_size
from ..errors import CalendarDataMissing
from ..findings import Finding
from ..record.register import Register
from ..render.mask import mask_name
from ..rules import RuleBook, apply_rules, render_message
from ..rules.model import Rule
from ..validate import Records
from .base import CheckResult, DocumentSpec
from .fees import cn_date, unit_sort_key

RULE_FILES = ("complaints", "repairs")


def _apply(book: RuleBook, facts: list[dict], day: date) -> list[list[Rule]]:
    return apply_rules(book, RULE_FILES, facts, day)


def check_tickets(records: Records, book: RuleBook, as_of: datetime, register: Register,
                  docs: dict[str, DocumentSpec], calendar: WorkCalendar) -> CheckResult:
    if not records.of("tickets"):
        return CheckResult()
    day = as_of.date()
    params = book.params_at(day)
    facts = derive_ticket_facts(records, as_of, params)
    result = CheckResult(findings=list(facts.findings))
    matches = _apply(book, [tf.fact for tf in facts.tickets], day)
    margin = timedelta(hours=float(params["sla_warning_margin_hours"]))
    recent = as_of - timedelta(days=int(params["closed_lookback_days"]))
    sla_rows, escalated = [], []
    for tf, rules in zip(facts.tickets, matches):
        running: list[tuple[Rule, ClockResult]] = []
        for rule in rules:
            if rule.then.action:
                continue
            clock = None
            if rule.then.clock is not None:
                try:
                    clock = run_clock(rule.then.clock, tf.times, as_of, params, calendar, margin)
                except CalendarDataMissing as exc:
                    result.findings.append(Finding(rule.policy, rule.id, "规则参数", tf.ticket.ticket_id, str(exc), "错误",
                                                   sources=(tf.ticket.ref.whole_row(),), citation=rule.citation))
                    sla_rows.append(_sla_row(tf, "无法计算", None, rule))
                    continue
                if clock is None:
                    continue
                if clock.running:
                    running.append((rule, clock))
            if _reportable(rule, clock, tf, recent):
                finding = _finding(rule, tf, clock)
                if rule.then.document and (clock is None or clock.state == OVERDUE):
                    _issue(finding, rule, tf, as_of, register, docs, result, clock)
                result.findings.append(finding)
                if rule.policy == "C5":
                    escalated.append(_ledger_row(tf, clock, finding))
        if tf.times["completed_at"] is None:
            if running:
                rule, clock = min(running, key=lambda rc: rc[1].deadline)
                sla_rows.append(_sla_row(tf, clock.state, clock, rule))
            elif not any(row[0] == tf.ticket.ticket_id for row in sla_rows):
                sla_rows.append(_sla_row(tf, "无时限", None, None))
    result.sheets["工单时限"] = (["工单号", "类型", "等级", "房号", "受理时间", "时限状态", "最近时限", "规则", "依据"],
                               sorted(sla_rows, key=_sla_order))
    result.sheets["投诉台帐"] = (["工单号", "房号", "投诉人", "内容", "受理时间", "责任部门", "时限", "状态",
                              "《投诉处理档案卡》"], escalated)
    result.sheets["维修记录"] = _repair_history(facts)
    _callback_sample(book, facts, as_of, register, result)
    _monthly_reports(book, facts, as_of, register, docs, result)
    result.counts["工单"] = len(facts.tickets)
    return result


def _reportable(rule: Rule, clock: ClockResult | None, tf: TicketFact, recent: datetime) -> bool:
    """Open tickets, and tickets closed within the look-back window; for clocks, only missed ones (or always)."""
    if clock is not None:
        if rule.then.report == "overdue":
            return clock.state == OVERDUE
        if rule.then.report == "breach" and not clock.breached:
            return False
        return clock.running or clock.met_at >= recent
    completed = tf.times["completed_at"]
    return completed is None or completed >= recent


def _finding(rule: Rule, tf: TicketFact, clock: ClockResult | None) -> Finding:
    fact = dict(tf.fact)
    if clock is not None:
        fact.update(start=fmt(clock.start), deadline=fmt(clock.deadline), state=clock.state,
                    state_text=_state_text(clock))
    t = tf.ticket
    sources = [t.ref.whole_row()]
    details = {"ticket_id": t.ticket_id, "kind": t.kind, "level": t.level}
    if clock is not None:
        details.update(deadline=clock.deadline.isoformat(), state=clock.state,
                       met_at=clock.met_at.isoformat() if clock.met_at else None)
    return Finding(rule.policy, rule.id, rule.then.category, t.ticket_id, render_message(rule.then.message, fact),
                   rule.then.severity, None, tuple(sources), rule.citation, details)


def _state_text(clock: ClockResult) -> str:
    if clock.met_at is None:
        return {OVERDUE: "已超时，仍未完成", NEAR: "临近超时", ON_TRACK: "正常"}[clock.state]
    late = clock.met_at - clock.deadline
    if late <= timedelta(0):
        return f"已于 {fmt(clock.met_at)} 完成"
    return f"于 {fmt(clock.met_at)} 才完成，超时 {_duration(late)}"


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    return (f"{days}天" if days else "") + (f"{hours}小时" if hours else "") + (f"{mins}分钟" if mins or not (days or hours) else "")


def _issue(finding: Finding, rule: Rule, tf: TicketFact, as_of: datetime, register: Register,
           docs: dict[str, DocumentSpec], result: CheckResult, clock: ClockResult | None) -> None:
    """One escalation document per ticket and rule, numbered once; later nights only point back to it."""
    day = as_of.date()
    spec = docs[rule.then.document]
    t = tf.ticket
    notice = register.tonight(t.ticket_id, spec.prefix)
    if notice is None:
        if register.highest_step_before(t.ticket_id, rule.id):
            earlier = register.issued_before(t.ticket_id, rule.id)
            finding.message += f"（已于 {earlier.as_of} 以 {earlier.number}《{earlier.document}》上报，本次不重复发出）"
            return
        notice = register.issue(spec.prefix, spec.number, t.ticket_id, rule.then.document, 1, day, [(rule.id, 1)])
    finding.document = notice.document
    result.notices.setdefault(notice.document, []).append({
        "number": notice.number, "title": notice.document, "ticket_id": t.ticket_id,
        "unit": t.unit.display if t.unit else "公共区域", "reporter": mask_name(t.reporter), "content": t.content or "",
        "level": t.level or "未分级", "source": t.source or "", "received_at": fmt(t.received_at),
        "department": t.department or "", "handler": t.handler or "",
        "deadline": fmt(clock.deadline) if clock else "",
        "elapsed": _duration(((clock.met_at if clock else None) or as_of) - t.received_at),
        "related_ticket": t.related_ticket or "", "citation": rule.citation, "issue_date": cn_date(day),
        "escalate_to": rule.then.escalate_to or "", "reason": finding.message,
    })


def _sla_row(tf: TicketFact, state: str, clock: ClockResult | None, rule: Rule | None) -> list:
    t = tf.ticket
    return [t.ticket_id, t.kind, t.level or "", t.unit.display if t.unit else "公共区域", fmt(t.received_at), state,
            fmt(clock.deadline) if clock else "", f"{rule.id} {rule.title}" if rule else "", rule.citation if rule else ""]


_STATE_ORDER = {"已超时": 0, "无法计算": 1, "临近超时": 2, "正常": 3, "无时限": 4}


def _sla_order(row: list) -> tuple:
    return (_STATE_ORDER.get(row[5], 9), row[6] or "9999", row[0])


def _ledger_row(tf: TicketFact, clock: ClockResult | None, finding: Finding) -> list:
    t = tf.ticket
    return [t.ticket_id, t.unit.display if t.unit else "公共区域", mask_name(t.reporter), t.content or "",
            fmt(t.received_at), t.department or "", fmt(clock.deadline) if clock else "",
            clock.state if clock else "", finding.document or ""]


def _repair_history(facts) -> tuple[list[str], list[list]]:
    """R3: every repair order per unit, in order."""
    rows = []
    for tf in facts.tickets:
        t = tf.ticket
        if t.kind != "报修":
            continue
        rows.append([t.unit.key if t.unit else "公共区域", t.ticket_id, t.site or "", fmt(t.received_at),
                     t.content or "", t.handler or "", fmt(tf.times["completed_at"]), fmt(tf.times["callback_at"]),
                     t.callback_result or ""])
    rows.sort(key=lambda r: (unit_sort_key(r[0]) if r[0] != "公共区域" else ((2, ""),), r[3]))
    return ["房号", "工单号", "项目", "报修时间", "内容", "维修人", "完成时间", "回访时间", "回访结果"], rows


def _callback_sample(book: RuleBook, facts, as_of: datetime, register: Register, result: CheckResult) -> None:
    """R1: last Monday–Sunday's completed repair orders, per site, sampled reproducibly; drawn once."""
    day = as_of.date()
    params = book.params_at(day)
    week_start = day - timedelta(days=day.weekday() + 7)
    week_end = datetime.combine(week_start + timedelta(days=7), datetime.min.time())
    by_site: dict[str, list[TicketFact]] = defaultdict(list)
    for tf in facts.tickets:
        done = tf.times["completed_at"]
        if tf.ticket.kind == "报修" and done is not None and datetime.combine(week_start, datetime.min.time()) <= done < week_end:
            by_site[tf.ticket.site or "本项目"].append(tf)
    week = f"{week_start:%Y-%m-%d}至{week_start + timedelta(days=6):%Y-%m-%d}"
    site_facts = [{"fact": "sample_week", "site": site, "week": week, "completed_orders": len(orders)}
                  for site, orders in sorted(by_site.items())]
    rows = []
    for fact, rules in zip(site_facts, _apply(book, site_facts, day)):
        for rule in (r for r in rules if r.then.action == "callback_sample"):
            site = fact["site"]
            if register.reminded_before(f"R1|{week_start}|{site}", "sample", "R1"):
                continue  # drawn on an earlier night this week
            register.remind(f"R1|{week_start}|{site}", "sample", "R1", day)
            k = sample_size(fact, params)
            ranked = sorted(by_site[site], key=lambda tf: sample_key(week_start, site, tf.ticket.ticket_id))
            for rank, tf in enumerate(ranked, start=1):
                key = sample_key(week_start, site, tf.ticket.ticket_id)
                chosen = rank <= k
                rows.append([site, week, fact["completed_orders"], k, tf.ticket.ticket_id,
                             tf.ticket.unit.display if tf.ticket.unit else "公共区域", fmt(tf.times["completed_at"]),
                             key, rank, "抽中" if chosen else "", f"{week_start.isoformat()}|{site}|{tf.ticket.ticket_id}"])
                if chosen:
                    msg = render_message(rule.then.message, {**tf.fact, "site": site, "week": week, "sample_size": k,
                                                             "completed_orders": fact["completed_orders"]})
                    result.findings.append(Finding(
                        rule.policy, rule.id, rule.then.category, tf.ticket.ticket_id, msg, rule.then.severity,
                        None, (tf.ticket.ref.whole_row(),), rule.citation,
                        {"week_start": week_start.isoformat(), "site": site, "seed": f"{week_start.isoformat()}|{site}|{tf.ticket.ticket_id}",
                         "sha256": key, "rank": rank, "sample_size": k, "completed_orders": fact["completed_orders"],
                         "method": "SHA-256(上周一|项目|工单号) 升序取前 k 张，k = ⌈比例 × 完成张数⌉"}))
    result.sheets["回访抽样明细"] = (["项目", "抽样周", "完成张数", "抽取张数", "工单号", "房号", "完成时间",
                              "排序值 SHA-256", "名次", "结果", "计算原文"], rows)


def _monthly_reports(book: RuleBook, facts, as_of: datetime, register: Register,
                     docs: dict[str, DocumentSpec], result: CheckResult) -> None:
    """C10: on (or after, if missed) the 25th and the 28th, the month's complaint reports, once per month."""
    day = as_of.date()
    month_key = f"{day:%Y-%m}"
    complaints = [tf for tf in facts.tickets if tf.ticket.kind == "投诉"
                  and (tf.ticket.received_at.year, tf.ticket.received_at.month) == (day.year, day.month)]
    fact = {"fact": "day", "day_of_month": day.day, "month": f"{day.year}年{day.month}月"}
    for rule in _apply(book, [fact], day)[0]:
        if rule.then.action not in ("monthly_report", "monthly_register"):
            continue
        if rule.then.action == "monthly_report":
            chosen = [tf for tf in complaints
                      if tf.fact["related_kind"] == "投诉" or tf.ticket.level in ("重大", "重要")]
        else:
            chosen = complaints
        spec = docs[rule.then.document]
        notice = register.tonight(month_key, spec.prefix)
        if notice is None:
            if register.highest_step_before(month_key, rule.id):
                continue  # already made this month
            notice = register.issue(spec.prefix, spec.number, month_key, rule.then.document, 1, day, [(rule.id, 1)])
        rows = [{"ticket_id": tf.ticket.ticket_id, "unit": tf.ticket.unit.display if tf.ticket.unit else "公共区域",
                 "level": tf.ticket.level or "", "kind": "二次投诉" if tf.fact["related_kind"] == "投诉" else tf.ticket.kind,
                 "content": tf.ticket.content or "", "received_at": fmt(tf.ticket.received_at),
                 "completed_at": fmt(tf.times["completed_at"]), "status": "已完成" if tf.times["completed_at"] else "处理中",
                 "department": tf.ticket.department or "", "note": tf.ticket.callback_result or ""}
                for tf in sorted(chosen, key=lambda tf: tf.ticket.received_at)]
        result.reports[rule.then.document] = {
            "title": f"{fact['month']}{rule.then.document}", "number": notice.number, "month": fact["month"],
            "issue_date": cn_date(day), "citation": rule.citation, "rows": rows, "count": len(rows)}
        result.findings.append(Finding(rule.policy, rule.id, rule.then.category, month_key,
                                       render_message(rule.then.message, {**fact, "count": len(rows)}),
                                       rule.then.severity, rule.then.document, (), rule.citation))
