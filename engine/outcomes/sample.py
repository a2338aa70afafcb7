"""The sample primitive: a reproducible draw, once per period, widened in stages when a drawn one failed.

The candidates are the facts a ``sample`` rule matched (e.g. repair orders completed last week); per
``group`` (e.g. site) they are ordered by SHA-256 of "period start|group|subject" ("…|subject|matter" when
the fact has a matter) and the first k = ⌈rate × n⌉ are drawn (exact decimal arithmetic: 20% of 15 is 3).
The draw is made on the first night of a period and recorded; later nights of the same period do not draw
again, and re-running the night of the draw gives the same draw. Every candidate, its hash and rank are
listed, so an auditor can redo the draw with any SHA-256 tool.

``period: previous`` (default) draws the last whole period before the night (every: day → yesterday);
``period: current`` the night's own period (today's items, to be re-checked tomorrow). With ``date_field``
each candidate belongs to the period of that date and every period up to the night's is drawn once (a
missed night is caught up with the same draw). ``widen: [{rate, if_failed}]`` adds stages: when any
candidate of the stage before has ``if_failed`` true, the next ⌈rate × n⌉ by the same ranking are drawn
(rate 1: all the rest) — each stage once, on the night its trigger is first seen. ``report: none`` lists
the draw on the rule's ``sheet:`` without a finding per drawn candidate.
"""
from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..areas.base import Context, Fact
from ..rules.model import Rule

if TYPE_CHECKING:  # pragma: no cover
    from .engine import AreaOutcomes

METHOD = "SHA-256(期初日期|分组|对象[|事项]) 升序取前 k 个，k = ⌈比例 × 候选数⌉；加抽按同一排序续取"


def sample_size(rate: Any, candidates: int) -> int:
    return math.ceil(Decimal(str(rate)) * int(candidates))


def sample_key(seed: str) -> str:
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def previous_period(every: str, day: date) -> tuple[date, date]:
    """The last whole period before the night: yesterday, last Monday–Sunday, last month."""
    if every == "day":
        start = day - timedelta(days=1)
        return start, start
    if every == "week":
        start = day - timedelta(days=day.weekday() + 7)
        return start, start + timedelta(days=6)
    first = day.replace(day=1)
    end = first - timedelta(days=1)
    return end.replace(day=1), end


def period_of(every: str, day: date) -> tuple[date, date]:
    """The day, its Monday–Sunday week or its calendar month."""
    if every == "day":
        return day, day
    if every == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    start = day.replace(day=1)
    nxt = (start + timedelta(days=32)).replace(day=1)
    return start, nxt - timedelta(days=1)


def target_period(every: str, which: str, day: date) -> tuple[date, date]:
    return period_of(every, day) if which == "current" else previous_period(every, day)


def seed_of(start: date, group_text: str, subject: str | None, matter: str | None = None) -> str:
    seed = f"{start.isoformat()}|{group_text}|{subject or ''}"
    return f"{seed}|{matter}" if matter else seed


def ranked(candidates: list, start: date, group_text: str) -> list[tuple[Any, str, str]]:
    """(fact, seed text, SHA-256) in draw order."""
    rows = []
    for f in candidates:
        seed = seed_of(start, group_text, f.subject, f.matter)
        rows.append((f, seed, sample_key(seed)))
    rows.sort(key=lambda r: r[2])
    return rows


def stages_of(order: list, rates: list, failed: list) -> list[list]:
    """The staged draw over candidates already in draw order: stage 1 is the first ⌈rates[0] × n⌉; stage
    i + 1 the next ⌈rates[i] × n⌉ (never more than remain) when ``failed[i - 1](candidate)`` is true for any
    candidate of stage i. ``failed`` has one test per further stage."""
    n = len(order)
    stages: list[list] = []
    pos = 0
    for i, rate in enumerate(rates):
        if i and not any(failed[i - 1](c) for c in stages[-1]):
            break
        k = min(sample_size(rate, n), n - pos)
        if k <= 0:
            break
        stages.append(order[pos:pos + k])
        pos += k
    return stages


def resolve(value: Any, params: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return params[value[1:]]
    return value


def run_samples(entries: list[tuple[Fact, Rule]], ctx: Context, out: "AreaOutcomes") -> None:
    from .engine import make_finding

    register = ctx.register
    groups: dict[tuple[str, tuple, tuple[date, date]], list[Fact]] = defaultdict(list)
    rules: dict[str, Rule] = {}
    for fact, rule in entries:
        spec = rule.then.sample
        assert spec is not None  # run_samples is given only the rules whose outcome is a sample (outcomes.engine)
        target = target_period(spec.every, spec.period, ctx.day)
        if spec.date_field:
            when = _as_date(fact.data.get(spec.date_field))
            if when is None or when > target[1]:
                continue  # not dated, or in a period still to come
            period = period_of(spec.every, when)
        else:
            period = target
        groups[(rule.id, tuple(str(fact.data.get(g, "")) for g in spec.group), period)].append(fact)
        rules[rule.id] = rule
    sheets: dict[str, list[list]] = defaultdict(list)
    lists: dict[str, list[list]] = defaultdict(list)
    for (rule_id, group, (start, end)) in sorted(groups):
        rule = rules[rule_id]
        spec = rule.then.sample
        assert spec is not None  # as above
        group_text = "|".join(group)
        mark = f"{rule_id}|{start.isoformat()}|{group_text}"
        candidates = groups[(rule_id, group, (start, end))]
        order = ranked(candidates, start, group_text)
        rates = [resolve(spec.rate, ctx.params)] + [resolve(w.rate, ctx.params) for w in spec.widen]
        tests = [(lambda field: (lambda row: bool(row[0].data.get(field))))(w.if_failed) for w in spec.widen]
        stages = stages_of(order, rates, tests)
        period_text = f"{start:%Y-%m-%d}至{end:%Y-%m-%d}" if start != end else f"{start:%Y-%m-%d}"
        rank = 0
        for number, stage in enumerate(stages, start=1):
            stage_mark = mark if number == 1 else f"{mark}|{number}"
            first = rank + 1
            rank += len(stage)
            if register.reminded_before(stage_mark, "sample", rule_id):
                continue  # drawn on an earlier night
            register.remind(stage_mark, "sample", rule_id, ctx.day)
            if number == 1 and not rule.then.sheet:
                for r, (fact, seed, digest) in enumerate(order, start=1):
                    sheets[f"{rule.then.category}明细"].append(
                        [group_text or "全部", period_text, len(order), len(stage), fact.subject or "",
                         fact.doc.get("display") or fact.data.get("unit_display") or "", digest, r,
                         "抽中" if r <= len(stage) else "", seed])
            for r, (fact, seed, digest) in enumerate(stage, start=first):
                extra = {"sample_size": len(stage), "candidates": len(order), "rank": r,
                         "period_text": period_text, "group_text": group_text, "sample_round": number}
                if rule.then.sheet:
                    lists[rule.then.sheet].append(
                        [group_text or "全部", period_text, number, len(order), len(stage), r, fact.subject or "",
                         fact.matter or "", digest, seed])
                if rule.then.report == "none":
                    continue
                finding = make_finding(rule, fact, ctx, extra)
                finding.details.update(seed=seed, sha256=digest, method=METHOD, period_start=start.isoformat(),
                                       sample_round=number)
                out.findings.append(finding)
    header = ["分组", "抽样期", "候选数", "抽取数", "对象", "房号", "排序值 SHA-256", "名次", "结果", "计算原文"]
    for title, rows in sheets.items():
        out.sheets[title] = (header, rows)
    list_header = ["分组", "抽样期", "轮次", "候选数", "本轮抽取数", "名次", "对象", "事项",
                   "排序值 SHA-256", f"计算原文（方法：{METHOD}）"]
    for title, rows in lists.items():
        out.sheets.setdefault(title, (list_header, []))[1].extend(rows)


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None
