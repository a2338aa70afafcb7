"""The periodic primitive: a document produced once per period, on its day.

``periodic: {every: month, day: $report_summary_day}`` on a rule about the night (``fact: night``):
from that day of the month on, the night run produces the period's document once (the register keeps
its number; a re-run of the night produces the same one). A night missed on the day is caught up by
the next run — also in the next period, for the period before, when the register shows the engine was
already running then — and the document says it is late.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..areas.base import Area, Context, Derived, Fact
from ..rules.model import Rule
from .sample import resolve

if TYPE_CHECKING:  # pragma: no cover
    from .engine import AreaOutcomes


@dataclass(frozen=True)
class Period:
    key: str  # 2026-11, 2026-W47, 2026-11-20
    start: date
    end: date
    due: date  # the day the document is produced on
    text: str  # 2026年11月

    @property
    def late_text(self) -> str:
        return ""


def _period(every: str, day: date, due_day: int) -> Period:
    if every == "month":
        start = day.replace(day=1)
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        due = start.replace(day=min(int(due_day), end.day))
        return Period(f"{day:%Y-%m}", start, end, due, f"{day.year}年{day.month}月")
    if every == "week":
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=6)
        iso = start.isocalendar()
        return Period(f"{iso[0]}-W{iso[1]:02d}", start, end, start + timedelta(days=int(due_day) - 1),
                      f"{start:%Y-%m-%d}至{end:%Y-%m-%d}")
    return Period(day.isoformat(), day, day, day, f"{day.year}年{day.month}月{day.day}日")


def due_periods(every: str, due_day: int, day: date, first_seen: date | None) -> list[Period]:
    """The periods whose document is due by this night: this one (from its day on) and, caught up,
    the one before when the engine was already running before its day."""
    current = _period(every, day, due_day)
    before = _period(every, current.start - timedelta(days=1), due_day)
    out = []
    if first_seen is not None and first_seen <= before.due:
        out.append(before)
    if day >= current.due:
        out.append(current)
    return out


def run_periodic(area: Area, entries: list[tuple[Fact, Rule]], derived: Derived, ctx: Context, catalogue,
                 out: "AreaOutcomes") -> None:
    from .engine import cn_date, make_finding

    register = ctx.register
    for fact, rule in entries:
        spec = rule.then.periodic
        assert spec is not None  # run_periodic is given only the rules whose outcome is periodic (outcomes.engine)
        due_day = int(resolve(spec.day, ctx.params))
        seen_key = f"{rule.id}|seen"
        first = register.marked_on(seen_key, "periodic", rule.id)
        register.remind(seen_key, "periodic", rule.id, ctx.day)
        first_seen = date.fromisoformat(first) if first and first < ctx.day.isoformat() else None
        for period in due_periods(spec.every, due_day, ctx.day, first_seen):
            subject, item = f"{rule.id}|{period.key}", rule.id
            notice = register.tonight(subject, "", item)
            if notice is None:
                if register.issued_before(subject, item) is not None:
                    continue  # produced on an earlier night
                if not rule.then.document:
                    continue
                doc = catalogue.documents[rule.then.document]
                notice = register.issue(doc.prefix, doc.number, subject, rule.then.document, 1, ctx.day, [(item, 1)])
            late = ctx.day > period.due
            late_text = f"（应于{cn_date(period.due)}生成，本次补出）" if late else ""
            context = area.notice("periodic", ctx, rule=rule, period=period, notice=notice, derived=derived,
                                  selected=_selected(rule, derived, ctx)) if area.notice is not None else {}
            extra = {"period_text": period.text, "count": context.get("count", ""), "late_text": late_text}
            finding = make_finding(rule, fact, ctx, extra, document=notice.document, number=notice.number,
                                   subject=period.key)
            finding.matter = period.key
            out.findings.append(finding)
            out.reports.setdefault(notice.document, []).append({
                "title": f"{period.text}{notice.document}", "number": notice.number, "month": period.text,
                "period": period.text, "issue_date": cn_date(ctx.day), "citation": rule.citation,
                "late": late, "late_text": late_text, "due_date": cn_date(period.due), **context})


def _selected(rule: Rule, derived: Derived, ctx: Context) -> list[Fact]:
    """The facts the periodic document covers: the rule's ``select`` condition, evaluated by the rules engine."""
    from ..rules.adapter import compile_condition, evaluate

    spec = rule.then.periodic
    assert spec is not None  # a rule from run_periodic's entries
    select = spec.select
    if not select:
        return list(derived.facts)
    condition = compile_condition(select, ctx.params, f"规则 {rule.id} periodic.select")
    hits = evaluate({"select": condition}, [f.rule_view() for f in derived.facts])
    return [f for f, names in zip(derived.facts, hits) if names]
