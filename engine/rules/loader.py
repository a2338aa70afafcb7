"""Load and check the rule files in ``rules/``.

A rule file with an unknown key, a missing citation, a bad date, overlapping
effective periods, a reference to an undefined parameter or wording that
threatens to cut utilities is rejected with the file and line named.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from ..errors import RuleFileError
from .model import Parameter, Rule, RuleFileModel, threatens_utilities
from .yamlload import LineDict, line_of, load_yaml

CALENDAR_FILE = "calendar.yaml"
DATA_FILES = {CALENDAR_FILE, "catalogue.yaml"}  # data in rules/ that is not a rule file


@dataclass
class RuleFile:
    path: Path
    model: RuleFileModel
    raw: Any

    @property
    def name(self) -> str:
        return self.path.name

    def rule_line(self, index: int) -> int:
        return line_of(self.raw, ("rules", index))


@dataclass
class RuleBook:
    folder: Path
    files: list[RuleFile]
    hashes: dict[str, str] = field(default_factory=dict)  # every file in rules/, calendar included

    def file(self, stem: str) -> RuleFile:
        for f in self.files:
            if f.path.stem == stem:
                return f
        raise RuleFileError(f"rules/ 中缺少规则文件 {stem}.yaml")

    def has(self, stems) -> bool:
        names = {f.path.stem for f in self.files}
        return all(stem in names for stem in stems)

    def parameter(self, name: str) -> tuple[RuleFile, Parameter]:
        for f in self.files:
            if name in f.model.parameters:
                return f, f.model.parameters[name]
        raise RuleFileError(f"rules/ 中没有定义参数 {name}")

    def param(self, name: str, day: date) -> Any:
        """The value of a parameter in force on ``day``; an error naming the file when there is none."""
        f, p = self.parameter(name)
        v = p.at(day)
        if v is None:
            raise RuleFileError(f"{f.name}: 参数 {name}（{p.label}）在 {day} 没有生效的值，请补充 values 中的生效期")
        return v.value

    def params_at(self, day: date) -> dict[str, Any]:
        out = {}
        for f in self.files:
            for name, p in f.model.parameters.items():
                v = p.at(day)
                if v is not None:
                    out[name] = v.value
        return out

    def params_at_any(self) -> dict[str, Parameter]:
        """Every parameter of every file, whatever its dates."""
        return {name: p for f in self.files for name, p in f.model.parameters.items()}

    def rules(self) -> Iterator[tuple[RuleFile, Rule]]:
        for f in self.files:
            for r in f.model.rules:
                yield f, r

    def rule(self, rule_id: str) -> Rule:
        for _, r in self.rules():
            if r.id == rule_id:
                return r
        raise RuleFileError(f"rules/ 中没有规则 {rule_id}")


def _walk_strings(node, path=()) -> Iterator[tuple[tuple, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk_strings(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk_strings(v, path + (i,))
    elif isinstance(node, str):
        yield path, node


def _pydantic_message(exc: ValidationError, raw, name: str) -> str:
    lines = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        where = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            msg = f"未知的键 {loc[-1]!r}"
        elif err["type"] == "missing":
            msg = f"缺少 {loc[-1]!r}" + ("（每条规则和每个参数都必须注明出处 citation）" if loc[-1] == "citation" else "")
        elif err["type"] == "literal_error":
            expected = str(err.get("ctx", {}).get("expected", "")).replace(" or ", "、").replace(", ", "、")
            msg = f"{err.get('input')!r} 不可用，只能是 {expected}"
        elif "date" in err["type"]:
            msg = f"日期无效: {err.get('input')!r}（应为 YYYY-MM-DD）"
        else:
            msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{name}:{line_of(raw, loc)}: {where}: {msg}")
    return "\n".join(lines)


def load_rule_file(path: Path) -> RuleFile:
    raw = load_yaml(path)
    if not isinstance(raw, LineDict):
        raise RuleFileError(f"{path.name}:1: 规则文件应为键值结构（title, policies, parameters, rules）")
    try:
        model = RuleFileModel.model_validate(raw)
    except ValidationError as exc:
        raise RuleFileError(_pydantic_message(exc, raw, path.name)) from None
    for name, param in model.parameters.items():
        for i, v in enumerate(param.values):
            problem = param.shape_problem(v.value)
            if problem:
                where = line_of(raw, ("parameters", name, "values", i, "value"))
                raise RuleFileError(f"{path.name}:{where}: parameters.{name}: {problem}（自 {v.from_} 起）")
    for loc, text in _walk_strings(raw):
        if threatens_utilities(text):
            raise RuleFileError(
                f"{path.name}:{line_of(raw, loc)}: 出现停水/停电/停暖/停气等字样 — 依《民法典》第九百四十四条，"
                "催缴不得采取停止供电、供水、供热、供燃气等方式，规则中不得出现此类措施或威胁")
    for i, rule in enumerate(model.rules):
        refs = list(_param_refs(rule.when))
        for spec in [rule.then.sample, rule.then.periodic, rule.then.clock, *rule.then.fines]:
            if spec is not None:
                refs += list(_param_refs(spec.model_dump()))
        for ref in refs:
            if ref not in model.parameters:
                raise RuleFileError(f"{path.name}:{line_of(raw, ('rules', i, 'when'))}: 规则 {rule.id} 引用了未定义的参数 ${ref}")
    return RuleFile(path, model, raw)


def _param_refs(node) -> Iterator[str]:
    if isinstance(node, dict):
        for v in node.values():
            yield from _param_refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _param_refs(v)
    elif isinstance(node, str) and node.startswith("$"):
        yield node[1:]


def load_rulebook(folder: Path) -> RuleBook:
    folder = Path(folder)
    if not folder.is_dir():
        raise RuleFileError(f"规则文件夹不存在: {folder}")
    paths = sorted(p for p in folder.glob("*.yaml") if p.name not in DATA_FILES)
    if not paths:
        raise RuleFileError(f"规则文件夹 {folder} 中没有 .yaml 规则文件")
    files = [load_rule_file(p) for p in paths]
    seen_params: dict[str, str] = {}
    seen_rules: dict[str, str] = {}
    for f in files:
        for name in f.model.parameters:
            if name in seen_params:
                raise RuleFileError(f"{f.name}:{line_of(f.raw, ('parameters', name))}: 参数 {name} 已在 {seen_params[name]} 中定义")
            seen_params[name] = f.name
        for i, r in enumerate(f.model.rules):
            if r.id in seen_rules:
                raise RuleFileError(f"{f.name}:{f.rule_line(i)}: 规则编号 {r.id} 已在 {seen_rules[r.id]} 中使用")
            seen_rules[r.id] = f.name
    hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.yaml"))}
    book = RuleBook(folder, files, hashes)
    from .check import check_against_areas

    check_against_areas(book)
    return book
