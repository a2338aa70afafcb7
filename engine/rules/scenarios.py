"""Scenario files (``rules/scenarios/*.yaml``): several nights, ledger rows in, documents and findings out.

A worked example asserts its own rule; what spans rules or nights — a ladder with a hold, one notice per
household, a register across a month — is a scenario::

    title: 催费阶梯遇分期协议
    policies: [F3, F11]
    ledgers:                     # one workbook per ledger: a header row, then rows
      业主档案: [[房号, 业主姓名, 缴费方式], [1-1-101, 王建国, 现金]]
      收费台账: [[房号, 收费项目, 所属期, 应收金额, 实收金额, 缴费日期], [1-1-101, 物业费, 2026-10, 250, null, null]]
    nights:
      - as_of: 2026-10-16
        documents: {催费通知书: [1-1-101]}   # issued tonight, exactly (titles not named: none)
        findings: {F3-1: [1-1-101]}         # these rules' findings tonight, exactly (others not checked)
      - as_of: 2026-10-20
        add: {收费台账: [[1-1-101, 水费, 2026-10, 30, null, null]]}   # rows added to a ledger that night
        documents: {}

Every scenario also checks what must never happen: a notice number issued on two nights, a subject
receiving a lower ladder step than one it already holds for a matter still open.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..errors import RuleFileError
from .yamlload import load_yaml


class Night(BaseModel):
    model_config = ConfigDict(extra="forbid")
    as_of: str
    add: dict[str, list[list[Any]]] = {}
    documents: dict[str, list[str]] | None = None
    findings: dict[str, list[str]] = {}


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    policies: list[str]
    note: str = ""
    today: str | None = None
    ledgers: dict[str, list[list[Any]]]
    nights: list[Night] = Field(min_length=1)


@dataclass
class ScenarioResult:
    file: str
    title: str
    ok: bool
    detail: str = ""


def _write(folder: Path, ledgers: dict[str, list[list[Any]]]) -> None:
    import openpyxl

    for name, rows in ledgers.items():
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = name[:31]
        for row in rows:
            ws.append(["" if v is None else v for v in row])
        wb.save(folder / f"{name}.xlsx")


def run_scenario(path: Path, rules: Path, forms: Path) -> ScenarioResult:
    from .. import parse_as_of, run_night

    raw = load_yaml(path)
    try:
        sc = Scenario.model_validate(raw)
    except Exception as exc:
        raise RuleFileError(f"{path.name}: 场景文件格式不对 — {exc}") from None
    problems: list[str] = []
    seen_numbers: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="wuye-scenario-") as tmp:
        ledgers, out = Path(tmp) / "ledgers", Path(tmp) / "out"
        ledgers.mkdir()
        rows = {k: [list(r) for r in v] for k, v in sc.ledgers.items()}
        for night in sc.nights:
            for name, extra in night.add.items():
                rows.setdefault(name, []).extend(list(r) for r in extra)
            _write(ledgers, rows)
            as_of = parse_as_of(night.as_of)
            today = date.fromisoformat(sc.today) if sc.today else as_of.date()
            result = run_night(ledgers, rules, out, as_of, forms, today=today)
            data = json.loads((result.folder / "findings.json").read_text(encoding="utf-8"))
            issued: dict[str, set[str]] = {}
            for f in data:
                if f.get("document") and f.get("number"):
                    first = seen_numbers.setdefault(f["number"], night.as_of)
                    if first != night.as_of:
                        problems.append(f"{night.as_of}: 编号 {f['number']} 已在 {first} 发出过")
                    issued.setdefault(f["document"], set()).add(f["subject"])
            if night.documents is not None:
                want = {k: set(v) for k, v in night.documents.items() if v}
                if issued != want:
                    problems.append(f"{night.as_of}: 文书应为 {_show(want)}，实际为 {_show(issued)}")
            for rule, subjects in night.findings.items():
                got = {f["subject"] for f in data if f["rule"] == rule}
                if got != set(subjects):
                    problems.append(f"{night.as_of}: 规则 {rule} 的对象应为 {sorted(subjects)}，实际为 {sorted(got)}")
    return ScenarioResult(path.name, sc.title, not problems, "；".join(problems))


def _show(d: dict[str, set[str]]) -> str:
    return "{" + "，".join(f"《{k}》{sorted(v)}" for k, v in sorted(d.items())) + "}"


def run_scenarios(rules: Path, forms: Path) -> list[ScenarioResult]:
    folder = Path(rules) / "scenarios"
    return [run_scenario(p, rules, forms) for p in sorted(folder.glob("*.yaml"))] if folder.is_dir() else []
