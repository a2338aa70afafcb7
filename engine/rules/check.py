"""Rule files checked against the areas' fact types and the document catalogue, before any run.

A condition on a field the fact type does not have, a message placeholder nobody fills, an unknown
fact type, a document missing from ``forms/forms.yaml``, an example fact of the wrong shape, a number
written into a title or message instead of a ``{$parameter}`` — each is rejected with file and line.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from ..errors import RuleFileError
from .yamlload import line_of

# fields a primitive adds to the message of the rule that uses it
PRIMITIVE_FIELDS = {
    "clock": {"start", "deadline", "state", "state_text", "met_at", "elapsed"},
    "ladder": {"step"},
    "sample": {"sample_size", "candidates", "rank", "period_text", "group_text", "sample_round"},
    "periodic": {"period_text", "count", "late_text"},
}
NIGHT_FIELDS = {"day_of_month": int, "weekday": int, "month": int}
_DIGIT = re.compile(r"[0-9０-９]")
_NUMERIC_OPS = {"at_least", "more_than", "at_most", "less_than"}


def _condition_fields(when: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(when, dict):
        for key, test in when.items():
            if key in ("any", "all"):
                for sub in test or []:
                    yield from _condition_fields(sub)
            else:
                yield key, test


def _is_number_type(t: Any) -> bool:
    types = t if isinstance(t, tuple) else (t,)
    return all(x in (int, float) for x in types)


def _type_ok(value: Any, t: Any) -> bool:
    types = t if isinstance(t, tuple) else (t,)
    if isinstance(value, bool):
        return bool in types
    if isinstance(value, (int, float)):
        return int in types or float in types
    if isinstance(value, str):
        return str in types
    if isinstance(value, list):
        return list in types
    return True


def check_against_areas(book, catalogue=None) -> None:
    from ..areas import area_of_rule_file, registry

    registry()
    for f in book.files:
        area = area_of_rule_file(f.path.stem)
        if area is None:
            raise RuleFileError(f"{f.name}:1: 这个规则文件不属于任何政策领域（engine/areas/ 中没有领域声明 {f.path.stem}）")
        types = {t.name: dict(t.fields) for t in area.fact_types}
        types["night"] = NIGHT_FIELDS
        params = set(book.params_at_any())
        for i, rule in enumerate(f.model.rules):
            where = ("rules", i)

            def fail(loc: tuple, text: str) -> None:
                raise RuleFileError(f"{f.name}:{line_of(f.raw, where + loc)}: 规则 {rule.id}: {text}")

            ftype = rule.when.get("fact")
            if ftype not in types:
                fail(("when", "fact"), f"未知的事实类型 {ftype!r}（{area.title}领域有: {', '.join(sorted(types))}）")
            fields = types[ftype]
            for name, test in _condition_fields(rule.when):
                if name == "fact":
                    continue
                if name not in fields:
                    fail(("when", name), f"条件中的字段 {name!r} 不是事实 {ftype} 的字段（可用: {', '.join(sorted(fields))}）")
                if isinstance(test, dict) and _NUMERIC_OPS & set(test) and not _is_number_type(fields[name]):
                    fail(("when", name), f"字段 {name} 不是数字，不能用 {', '.join(sorted(_NUMERIC_OPS & set(test)))} 比较")
            allowed = set(fields)
            for kind, extra in PRIMITIVE_FIELDS.items():
                if getattr(rule.then, kind) is not None:
                    allowed |= extra
            for loc, text in (("title",), rule.title), (("then", "message"), rule.then.message):
                from ..outcomes.text import PLACEHOLDER, placeholders

                used, refs = placeholders(text)
                bad_refs = refs - params
                if bad_refs:
                    fail(loc, f"引用了未定义的参数 {{${sorted(bad_refs)[0]}}}")
                if loc == ("title",) and used:
                    fail(loc, f"标题只能引用参数（{{$参数名}}），不能引用事实字段 {{{sorted(used)[0]}}}")
                unknown = used - allowed
                if unknown:
                    fail(loc, f"文字中的 {{{sorted(unknown)[0]}}} 不是事实 {ftype} 的字段，也不是本规则结果提供的字段")
                if _DIGIT.search(PLACEHOLDER.sub("", text)):
                    fail(loc, "标题和文字中不得直接写数字（天数、金额、比例等），请用 {$参数名} 引用参数")
            if rule.then.sample is not None:
                spec = rule.then.sample
                for name in [*spec.group, *([spec.date_field] if spec.date_field else []),
                             *(w.if_failed for w in spec.widen)]:
                    if name not in fields:
                        fail(("then", "sample"), f"抽样中的字段 {name!r} 不是事实 {ftype} 的字段")
            if rule.then.periodic is not None and rule.then.periodic.select:
                sel = rule.then.periodic.select
                sel_type = sel.get("fact")
                if sel_type not in types:
                    fail(("then", "periodic", "select"), f"select 中未知的事实类型 {sel_type!r}")
                for name, _ in _condition_fields(sel):
                    if name != "fact" and name not in types[sel_type]:
                        fail(("then", "periodic", "select"), f"select 中的字段 {name!r} 不是事实 {sel_type} 的字段")
            for j, ex in enumerate(rule.examples):
                ex_type = ex.fact.get("fact")
                if ex_type not in types:
                    fail(("examples", j, "fact"), f"示例的事实类型 {ex_type!r} 未知")
                for name, value in ex.fact.items():
                    if name == "fact":
                        continue
                    if name not in types[ex_type]:
                        fail(("examples", j, "fact"), f"示例中的字段 {name!r} 不是事实 {ex_type} 的字段")
                    if not _type_ok(value, types[ex_type][name]):
                        fail(("examples", j, "fact"), f"示例中的字段 {name} 的值 {value!r} 类型不对")
            if catalogue is not None and rule.then.document and rule.then.document not in catalogue.documents:
                fail(("then", "document"), f"文书《{rule.then.document}》不在 forms/forms.yaml 的文书目录中")
        if catalogue is not None:
            for name, spec in f.model.ladders.items():
                for step, title in spec.documents.items():
                    if title not in catalogue.documents:
                        raise RuleFileError(f"{f.name}:{line_of(f.raw, ('ladders', name, 'documents'))}: 阶梯 {name} "
                                            f"第 {step} 级的文书《{title}》不在 forms/forms.yaml 的文书目录中")
