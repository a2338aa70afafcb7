"""Stage 4 — apply the rules of one rule file to a list of facts, and run the worked examples."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable

from .adapter import compile_condition, evaluate
from .loader import RuleBook, RuleFile
from .model import Rule

# Named calculations a worked example may check (``expect_values``); registered by engine.derive.
CALCULATORS: dict[str, Callable[[dict, dict], Any]] = {}


def calculator(name: str):
    def register(fn):
        CALCULATORS[name] = fn
        return fn
    return register


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def render_message(template: str, fact: dict) -> str:
    return template.format_map(_Blank({k: _show(v) for k, v in fact.items()}))


def _show(v: Any) -> str:
    if isinstance(v, Decimal):
        return f"{v:,.2f}"
    if isinstance(v, float):
        return f"{v:,.2f}" if not v.is_integer() else str(int(v))
    return str(v)


def _conditions(rule_file: RuleFile, params: dict[str, Any]) -> dict[str, dict]:
    return {
        r.id: compile_condition(r.when, params, f"{rule_file.name}:{rule_file.rule_line(i)} 规则 {r.id}")
        for i, r in enumerate(rule_file.model.rules)
    }


def apply_rules(book: RuleBook, stem: str, facts: list[dict], day: date) -> list[list[Rule]]:
    """For each fact, the rules of ``rules/<stem>.yaml`` it satisfies (file order)."""
    rule_file = book.file(stem)
    by_id = {r.id: r for r in rule_file.model.rules}
    fired = evaluate(_conditions(rule_file, book.params_at(day)), facts)
    return [[by_id[name] for name in names] for names in fired]


@dataclass
class ExampleResult:
    file: str
    rule: str
    name: str
    ok: bool
    detail: str = ""


def run_examples(book: RuleBook) -> list[ExampleResult]:
    from .. import derive  # noqa: F401  (registers the calculators)

    results = []
    for rule_file in book.files:
        default_day = max((v.from_ for p in rule_file.model.parameters.values() for v in p.values), default=date(2026, 1, 1))
        for rule in rule_file.model.rules:
            for ex in rule.examples:
                day = ex.as_of or default_day
                params = book.params_at(day)
                try:
                    fired = evaluate(_conditions(rule_file, params), [ex.fact])[0]
                except Exception as exc:  # a broken example is reported, not raised
                    results.append(ExampleResult(rule_file.name, rule.id, ex.name, False, f"执行出错: {exc}"))
                    continue
                problems = []
                if sorted(fired) != sorted(ex.expect):
                    problems.append(f"应触发 {ex.expect}，实际触发 {fired}")
                for key, expected in ex.expect_values.items():
                    calc = CALCULATORS.get(key)
                    if calc is None:
                        problems.append(f"没有名为 {key} 的计算")
                        continue
                    got = calc(ex.fact, params)
                    if _show(Decimal(str(got))) != _show(Decimal(str(expected))):
                        problems.append(f"{key} 应为 {expected}，实际为 {got}")
                results.append(ExampleResult(rule_file.name, rule.id, ex.name, not problems, "；".join(problems)))
    return results
