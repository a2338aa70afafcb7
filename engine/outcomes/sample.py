"""The sample primitive: a reproducible draw, once per period.

The candidates are the facts a ``sample`` rule matched (e.g. repair orders completed last week); per
``group`` (e.g. site) they are ordered by SHA-256 of "period start|group|subject" and the first
k = ⌈rate × n⌉ are drawn (exact decimal arithmetic: 20% of 15 is 3). The draw is made on the first night
of a period and recorded; later nights of the same period do not draw again, and re-running the night
of the draw gives the same draw. Every candidate, its hash and rank are listed, so an auditor can
redo the draw with any SHA-256 tool.
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

METHOD = "SHA-256(期初日期|分组|对象) 升序取前 k 个，k = ⌈比例 × 候选数⌉"


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


def resolve(value: Any, params: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return params[value[1:]]
    return value


def run_samples(entries: list[tuple[Fact, Rule]], ctx: Context, out: "AreaOutcomes") -> None:
    from .engine import make_finding

    register = ctx.register
    groups: dict[tuple[str, tuple], list[tuple[Fact, Rule]]] = defaultdict(list)
    rules: dict[str, Rule] = {}
    for fact, rule in entries:
        spec = rule.then.sample
        groups[(rule.id, tuple(str(fact.data.get(g, "")) for g in spec.group))].append((fact, rule))
        rules[rule.id] = rule
    sheets: dict[str, list[list]] = defaultdict(list)
    for (rule_id, group) in sorted(groups):
        rule = rules[rule_id]
        spec = rule.then.sample
        start, end = previous_period(spec.every, ctx.day)
        group_text = "|".join(group)
        mark = f"{rule_id}|{start.isoformat()}|{group_text}"
        if register.reminded_before(mark, "sample", rule_id):
            continue  # drawn on an earlier night of this period
        register.remind(mark, "sample", rule_id, ctx.day)
        candidates = [f for f, _ in groups[(rule_id, group)]]
        k = sample_size(resolve(spec.rate, ctx.params), len(candidates))
        period_text = f"{start:%Y-%m-%d}至{end:%Y-%m-%d}" if start != end else f"{start:%Y-%m-%d}"
        seeds = {id(f): f"{start.isoformat()}|{group_text}|{f.subject}" for f in candidates}
        ranked = sorted(candidates, key=lambda f: sample_key(seeds[id(f)]))
        for rank, fact in enumerate(ranked, start=1):
            seed = seeds[id(fact)]
            digest = sample_key(seed)
            chosen = rank <= k
            sheets[f"{rule.then.category}明细"].append(
                [group_text or "全部", period_text, len(candidates), k, fact.subject or "",
                 fact.doc.get("display") or fact.data.get("unit_display") or "", digest, rank,
                 "抽中" if chosen else "", seed])
            if chosen:
                extra = {"sample_size": k, "candidates": len(candidates), "rank": rank, "period_text": period_text,
                         "group_text": group_text}
                finding = make_finding(rule, fact, ctx, extra)
                finding.details.update(seed=seed, sha256=digest, method=METHOD, period_start=start.isoformat())
                out.findings.append(finding)
    header = ["分组", "抽样期", "候选数", "抽取数", "对象", "房号", "排序值 SHA-256", "名次", "结果", "计算原文"]
    for title, rows in sheets.items():
        out.sheets[title] = (header, rows)
