"""Stage 4 — apply the rules of one rule file to a list of facts, and run the worked examples."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
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


def render_message(template: str, fact: dict, params: dict | None = None) -> str:
    from ..outcomes.text import render

    return render(template, fact, params)


def _show(v: Any) -> str:
    from ..outcomes.text import show

    return show(v)


def _conditions(rule_file: RuleFile, params: dict[str, Any]) -> dict[str, dict]:
    return {
        r.id: compile_condition(r.when, params, f"{rule_file.name}:{rule_file.rule_line(i)} 规则 {r.id}")
        for i, r in enumerate(rule_file.model.rules)
    }


def apply_rules(book: RuleBook, stems: str | tuple[str, ...], facts, day: date, fact_types=None) -> list[list[Rule]]:
    """For each fact, the rules of ``rules/<stem>.yaml`` (one or several files) it satisfies, in file order.
    ``facts``: an iterable of mappings, read once; ``fact_types``: see :func:`~engine.rules.adapter.evaluate`."""
    params = book.params_at(day)
    conditions, by_id = {}, {}
    for stem in (stems,) if isinstance(stems, str) else stems:
        rule_file = book.file(stem)
        conditions.update(_conditions(rule_file, params))
        by_id.update({r.id: r for r in rule_file.model.rules})
    fired = evaluate(conditions, facts, fact_types)
    rules_of: dict[int, list[Rule]] = {}  # facts matching the same rules share their names' list
    out = []
    for names in fired:
        rules = rules_of.get(id(names))
        if rules is None:
            rules = rules_of[id(names)] = [by_id[name] for name in names]
        out.append(list(rules))
    return out


def _example_files(book: RuleBook, rule_file: RuleFile, fact_type) -> list[RuleFile]:
    """An example is evaluated against the rules that can see its fact: every area declaring that fact type
    (complaints and repairs share tickets); a rule about the night, only its own area's."""
    from ..areas import area_of_rule_file, registry

    own = area_of_rule_file(rule_file.path.stem)
    areas = [a for a in registry() if fact_type != "night" and a.fact_type(str(fact_type)) is not None]
    stems = {stem for a in (areas or ([own] if own else [])) for stem in a.rule_files} or {rule_file.path.stem}
    return [f for f in book.files if f.path.stem in stems]


@dataclass
class ExampleResult:
    file: str
    rule: str
    name: str
    ok: bool
    detail: str = ""


def _example_moment(value) -> datetime:
    """An example's as-of moment, read like --as-of (a date means the end of that day); fixed when absent."""
    from .. import parse_as_of

    return parse_as_of(str(value) if value is not None else "2026-01-01")


def run_examples(book: RuleBook) -> list[ExampleResult]:
    """Every worked example: its fact against every rule of the book, and its clock or values if it names one."""
    from .. import areas  # noqa: F401  (the areas register their calculators)
    from ..derive.calendar import WorkCalendar
    from ..outcomes.clock import run_clock
    from ..outcomes.fines import FineEntry  # noqa: F401
    from ..outcomes.sample import resolve, sample_size
    from ..read.parse import parse_datetime

    calendar = WorkCalendar.from_rules(book.folder)
    areas.registry()
    results = []
    for rule_file in book.files:
        for rule in rule_file.model.rules:
            for ex in rule.examples:
                as_of = _example_moment(ex.as_of)
                params = book.params_at(as_of.date())
                problems = []
                try:
                    fired = [name for f in _example_files(book, rule_file, ex.fact.get("fact"))
                             for name in evaluate(_conditions(f, params), [ex.fact])[0]]
                    if sorted(fired) != sorted(ex.expect):
                        problems.append(f"应触发 {sorted(ex.expect)}，实际触发 {sorted(fired)}")
                    for key, expected in ex.expect_values.items():
                        calc = CALCULATORS.get(key)
                        if calc is None:
                            problems.append(f"没有名为 {key} 的计算")
                            continue
                        got = calc(ex.fact, params)
                        if _show(Decimal(str(got))) != _show(Decimal(str(expected))):
                            problems.append(f"{key} 应为 {expected}，实际为 {got}")
                    if ex.expect_sample is not None:
                        if rule.then.sample is None:
                            problems.append("规则没有抽样（sample），示例不能写 expect_sample")
                        else:
                            got = sample_size(resolve(rule.then.sample.rate, params), ex.expect_sample.candidates)
                            if got != ex.expect_sample.size:
                                problems.append(f"{ex.expect_sample.candidates} 个中应抽 {ex.expect_sample.size} 个，实际 {got} 个")
                    if ex.expect_fines is not None:
                        got_fines = [float(resolve(f.amount, params)) for f in rule.then.fines]
                        if got_fines != [float(x) for x in ex.expect_fines]:
                            problems.append(f"罚款应为 {ex.expect_fines}，实际为 {got_fines}")
                    if ex.expect_clock is not None:
                        if rule.then.clock is None:
                            problems.append("规则没有时限（clock），示例不能写 expect_clock")
                        else:
                            times = {k: parse_datetime(v) for k, v in ex.times.items()}
                            margin = timedelta(hours=float(params.get("sla_warning_margin_hours", 0)))
                            got = run_clock(rule.then.clock, times, as_of, params, calendar, margin)
                            want = parse_datetime(ex.expect_clock.deadline)
                            if got is None:
                                problems.append("时限未开始（起算时间为空或晚于检查时间）")
                            elif got.deadline != want or got.state != ex.expect_clock.state:
                                problems.append(f"时限应为 {want:%Y-%m-%d %H:%M:%S} {ex.expect_clock.state}，"
                                                f"实际为 {got.deadline:%Y-%m-%d %H:%M:%S} {got.state}")
                except Exception as exc:  # a broken example is reported, not raised
                    problems.append(f"执行出错: {exc}")
                results.append(ExampleResult(rule_file.name, rule.id, ex.name, not problems, "；".join(problems)))
    return results
