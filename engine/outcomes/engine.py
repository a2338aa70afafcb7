"""The outcome primitives, implemented once: what a rule's ``then:`` does with a matching fact.

finding   every match is a finding (``report`` says when: breach / overdue / always / none)
document  a document from ``forms/``, numbered by the register, issued once per subject and rule
clock     a deadline from a fact's times: a finding when missed, a state (正常/临近超时/已超时) while it runs
ladder    one step of an escalation declared under ``ladders:`` (hit policy: highest, never lower)
hold      suspends a ladder for the matter (or the whole subject) while the rule matches
sample    a reproducible draw of the matching facts, once per period (see :mod:`.sample`)
periodic  a document produced once per period on its day, caught up after a missed night
fines     amounts charged to a person or role, with the clause (see :mod:`.fines`)

An area derives facts; the rule files decide what happens; this module does it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ..areas.base import Area, Context, Derived, Fact
from ..errors import CalendarDataMissing
from ..findings import Finding
from ..rules import apply_rules
from ..rules.model import Rule
from .clock import OVERDUE, ClockResult, run_clock
from .fines import FineEntry, fines_of
from .ladder import run_ladders
from .periodic import run_periodic
from .sample import run_samples
from .text import render

NIGHT_FACT = "night"  # every area may have rules on the night itself (periodic documents)


@dataclass
class AreaOutcomes:
    """What the primitives decided for one area on the night."""

    findings: list[Finding] = field(default_factory=list)
    notices: dict[str, list[dict]] = field(default_factory=dict)  # document title → one page each (print batch)
    reports: dict[str, list[dict]] = field(default_factory=dict)  # document title → one file each
    matches: list[list[Rule]] = field(default_factory=list)  # per fact, the rules it satisfied
    # per fact, its running/met clocks (None: 无法计算, the calendar lacks the year)
    clocks: list[list[tuple[Rule, ClockResult | None]]] = field(default_factory=list)
    fines: list[FineEntry] = field(default_factory=list)
    sheets: dict[str, tuple[list[str], list[list]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def notice(self, title: str, context: dict) -> None:
        self.notices.setdefault(title, []).append(context)


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def fmt_time(t: datetime | None) -> str:
    """2026-03-04 05:06 (isoformat is three times strftime's speed: a night formats a few hundred thousand)."""
    if not t:
        return ""
    if type(t) is not datetime or t.year < 1000 or t.tzinfo is not None:
        return t.strftime("%Y-%m-%d %H:%M")
    return t.isoformat(" ", "minutes")


def duration_text(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    return (f"{days}天" if days else "") + (f"{hours}小时" if hours else "") + (
        f"{mins}分钟" if mins or not (days or hours) else "")


def night_fact(day: date) -> Fact:
    return Fact(NIGHT_FACT, None, {"day_of_month": day.day, "weekday": day.isoweekday(), "month": day.month})


def make_finding(rule: Rule, fact: Fact, ctx: Context, extra: dict | None = None, *, suffix: str = "",
                 document: str | None = None, number: str | None = None, subject: str | None = None) -> Finding:
    values = {**fact.doc, **fact.data, **(extra or {})}
    details = {k: v for k, v in {**fact.data, **(extra or {})}.items() if isinstance(v, (str, int, float, bool))}
    return Finding(policy=rule.policy, rule=rule.id, category=rule.then.category,
                   subject=subject if subject is not None else fact.subject,
                   message=render(rule.then.message, values, ctx.params) + suffix, severity=rule.then.severity,
                   document=document, sources=tuple(fact.sources), citation=rule.citation, details=details,
                   matter=fact.matter, number=number, facts=dict(fact.data))


def apply_area(area: Area, derived: Derived, ctx: Context, catalogue) -> AreaOutcomes:
    """Evaluate the area's rule files on its facts and carry out every outcome."""
    facts = list(derived.facts)
    if any(r.when.get("fact") == NIGHT_FACT for stem in area.rule_files for r in ctx.book.file(stem).model.rules):
        facts.append(night_fact(ctx.day))
    # each fact's data as it is, its type beside it (what Fact.rule_view() shows the rules, without a copy)
    out = AreaOutcomes(matches=apply_rules(ctx.book, area.rule_files, (f.data for f in facts), ctx.day,
                                           fact_types=(f.type for f in facts)))
    params = ctx.params
    margin = timedelta(hours=float(params.get("sla_warning_margin_hours", 0)))
    lookback = params.get("closed_lookback_days")
    recent = ctx.as_of - timedelta(days=int(lookback)) if lookback is not None else None

    holds = {(r.then.hold.ladder, f.subject, f.matter) for f, rules in zip(facts, out.matches)
             for r in rules if r.then.hold is not None}
    ladder_entries: list[tuple[Fact, Rule]] = []
    sample_entries: list[tuple[Fact, Rule]] = []
    periodic_entries: list[tuple[Fact, Rule]] = []
    for fact, rules in zip(facts, out.matches):
        clocks: list[tuple[Rule, ClockResult | None]] = []
        for rule in rules:
            then = rule.then
            if then.ladder is not None:
                name = then.ladder.name
                if (name, fact.subject, fact.matter) not in holds and (name, fact.subject, None) not in holds:
                    ladder_entries.append((fact, rule))
                continue
            if then.sample is not None:
                sample_entries.append((fact, rule))
                continue
            if then.periodic is not None:
                periodic_entries.append((fact, rule))
                continue
            clock = None
            if then.clock is not None:
                try:
                    clock = run_clock(then.clock, fact.times, ctx.as_of, params, ctx.calendar, margin)
                except CalendarDataMissing as exc:
                    out.findings.append(Finding(rule.policy, rule.id, "规则参数", fact.subject, str(exc), "错误",
                                                sources=tuple(fact.sources), citation=rule.citation,
                                                matter=fact.matter, details={"state": "无法计算"}))
                    clocks.append((rule, None))  # the SLA sheet shows 无法计算
                    continue
                if clock is None:
                    continue
                clocks.append((rule, clock))
            if then.report == "none" and then.fines:  # a fine-only rule: the fines register reports it (per person)
                if (clock is None or clock.breached) and (fact.closed_at is None or recent is None
                                                          or fact.closed_at >= recent):
                    out.fines.extend(fines_of(rule, fact, ctx, _clock_fields(clock, ctx.as_of) if clock else None))
                continue
            if not _reportable(rule, clock, fact, recent):
                continue
            if then.report == "once":  # e.g. a reminder: only on the first night it matches
                key = (fact.subject or "", fact.matter or "", rule.id)
                if ctx.register.reminded_before(*key):
                    continue
                ctx.register.remind(*key, ctx.day)
            extra = _clock_fields(clock, ctx.as_of) if clock is not None else {}
            finding = make_finding(rule, fact, ctx, extra)
            if clock is not None:
                finding.details.update(deadline=clock.deadline.isoformat(), state=clock.state,
                                       met_at=clock.met_at.isoformat() if clock.met_at else None)
            if then.document and (clock is None or clock.state == OVERDUE):
                _issue_document(finding, rule, fact, ctx, catalogue, out, extra)
            out.findings.append(finding)
            out.fines.extend(fines_of(rule, fact, ctx, extra))
            if then.sheet:
                _list_row(area, out, then.sheet, fact, finding, clock)
        out.clocks.append(clocks)
    run_ladders(area, ladder_entries, ctx, catalogue, out)
    run_samples(sample_entries, ctx, out)
    run_periodic(area, periodic_entries, derived, ctx, catalogue, out)
    return out


def _list_row(area: Area, out: AreaOutcomes, sheet: str, fact: Fact, finding: Finding, clock) -> None:
    """A rule's ``sheet:``: the match listed with the fact's columns, its deadline and document."""
    ftype = area.fact_type(fact.type)
    cols = (ftype.list_columns or ftype.columns) if ftype is not None else ()
    header = [h for h, _ in cols] + ["时限", "状态", "文书", "编号"]
    row = [fact.doc.get(k, fact.data.get(k, "")) for _, k in cols]
    row += [fmt_time(clock.deadline) if clock else "", clock.state if clock else "",
            f"《{finding.document}》" if finding.document else "", finding.number or ""]
    out.sheets.setdefault(sheet, (header, []))[1].append(row)


_STATE_ORDER = {"已超时": 0, "无法计算": 1, "临近超时": 2, "正常": 3, "无时限": 4}


def for_clock_sheets(area: Area, derived: Derived, outcomes: AreaOutcomes) -> tuple[Area, Derived, AreaOutcomes]:
    """What :func:`clock_sheets` reads of an area's night: only the open facts of a type with a clock sheet
    and their clocks, so the area's other facts (a night's 160,000 fee facts) can be freed meanwhile."""
    facts, clocks = [], []
    for fact, fact_clocks in zip(derived.facts, outcomes.clocks):
        ftype = area.fact_type(fact.type)
        if ftype is not None and ftype.clock_sheet and fact.closed_at is None:
            facts.append(fact)
            clocks.append(fact_clocks)
    return area, Derived(facts=facts), AreaOutcomes(clocks=clocks)


def clock_sheets(results: list[tuple[Area, Derived, AreaOutcomes]], params: dict | None = None,
                 ) -> dict[str, tuple[list[str], list[list]]]:
    """For every fact type with a ``clock_sheet``: each open fact with its nearest running deadline, the rule
    that set it and the state (正常 / 临近超时 / 已超时; 无法计算 when the calendar lacks the year)."""
    merged: dict[str, dict[str, tuple[Fact, tuple, list]]] = {}
    for area, derived, outcomes in results:
        for fact, clocks in zip(derived.facts, outcomes.clocks):
            ftype = area.fact_type(fact.type)
            if ftype is None or not ftype.clock_sheet or fact.closed_at is not None:
                continue
            entry = merged.setdefault(ftype.clock_sheet, {}).setdefault(fact.subject or "", (fact, ftype.columns, []))
            entry[2].extend(clocks)
    sheets = {}
    for title, facts in merged.items():
        rows = []
        header: list[str] = []
        for subject, (fact, cols, clocks) in facts.items():
            header = [h for h, _ in cols] + ["时限状态", "最近时限", "规则", "依据"]
            base = [fact.doc.get(k, fact.data.get(k, "")) for _, k in cols]
            running = [(r, c) for r, c in clocks if c is not None and c.running]
            if running:
                rule, clock = min(running, key=lambda rc: rc[1].deadline)
                rows.append(base + [clock.state, fmt_time(clock.deadline), f"{rule.id} {render(rule.title, {}, params)}",
                                    rule.citation])
            elif any(c is None for _, c in clocks):
                rule = next(r for r, c in clocks if c is None)
                rows.append(base + ["无法计算", "", f"{rule.id} {render(rule.title, {}, params)}", rule.citation])
            else:
                rows.append(base + ["无时限", "", "", ""])
        rows.sort(key=lambda r: (_STATE_ORDER.get(r[-4], 9), str(r[-3] or "9999"), str(r[0])))
        sheets[title] = (header, rows)
    return sheets


def _reportable(rule: Rule, clock: ClockResult | None, fact: Fact, recent: datetime | None) -> bool:
    """Open matters, and matters closed within the look-back window; for clocks, only missed ones (or always)."""
    report = rule.then.report
    if report == "none":
        return False
    if clock is not None:
        if report == "overdue":
            return clock.state == OVERDUE
        if report == "breach" and not clock.breached:
            return False
        return clock.met_at is None or recent is None or clock.met_at >= recent  # running, or met recently
    return fact.closed_at is None or recent is None or fact.closed_at >= recent


def _clock_fields(clock: ClockResult, as_of: datetime) -> dict[str, Any]:
    return {"start": fmt_time(clock.start), "deadline": fmt_time(clock.deadline), "state": clock.state,
            "state_text": state_text(clock), "met_at": fmt_time(clock.met_at),
            "elapsed": duration_text((clock.met_at or as_of) - clock.start)}


def state_text(clock: ClockResult) -> str:
    from .clock import NEAR, ON_TRACK
    if clock.met_at is None:
        return {OVERDUE: "已超时，仍未完成", NEAR: "临近超时", ON_TRACK: "正常"}[clock.state]
    late = clock.met_at - clock.deadline
    if late <= timedelta(0):
        return f"已于 {fmt_time(clock.met_at)} 完成"
    return f"于 {fmt_time(clock.met_at)} 才完成，超时 {duration_text(late)}"


def _issue_document(finding: Finding, rule: Rule, fact: Fact, ctx: Context, catalogue, out: AreaOutcomes,
                    extra: dict) -> None:
    """One document per subject and rule, numbered once; later nights only point back to it."""
    register = ctx.register
    document = rule.then.document
    assert document is not None  # called only for a rule whose outcome names a document
    spec = catalogue.documents[document]
    subject = fact.subject or ""
    item = f"{rule.id}|{fact.matter or ''}"
    notice = register.tonight(subject, spec.prefix, item)
    if notice is None:
        earlier = register.issued_before(subject, item)
        if earlier is not None:
            finding.message += f"（已于 {earlier.as_of} 以 {earlier.number}《{earlier.document}》发出，本次不重复发出）"
            finding.number = earlier.number
            return
        notice = register.issue(spec.prefix, spec.number, subject, document, 1, ctx.day, [(item, 1)])
    finding.document, finding.number = notice.document, notice.number
    out.notice(notice.document, {
        **fact.doc, **fact.data, **extra, "number": notice.number, "title": notice.document,
        "subject": subject, "file_key": subject, "issue_date": cn_date(ctx.day), "citation": rule.citation,
        "escalate_to": rule.then.escalate_to or "", "reason": finding.message, "rule": rule.id,
    })
