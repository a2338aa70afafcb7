"""Findings: everything the night's run has to say, as values.

A finding is about one *subject* (a unit, a ticket, a key), comes from one
rule of one policy, may cause one document, and names the input cells it was
derived from, so an auditor can trace it back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

SEVERITIES = ("错误", "警告", "提示")


class Source(NamedTuple):
    """One input cell (or row, when ``column`` is None)."""

    file: str
    sheet: str
    row: int  # Excel row number, 1-based
    column: str | None = None
    value: str | None = None

    def label(self) -> str:
        parts = [self.file, self.sheet, f"第{self.row}行"]
        if self.column:
            parts.append(self.column)
        return " › ".join(parts)

    def to_json(self) -> dict[str, Any]:
        out = {"file": self.file, "sheet": self.sheet, "row": self.row}
        if self.column is not None:
            out["column"] = self.column
        if self.value is not None:
            out["value"] = self.value
        return out


@dataclass
class Finding:
    policy: str  # policy ID from policies.md: F3, C9 … or DATA
    rule: str  # rule id from the rule file, or DATA-xxx reason code
    category: str  # the exception-workbook sheet it lands on, e.g. 催费通知, 数据问题
    subject: str | None  # unit, ticket number or key number
    message: str  # Chinese, for the clerk
    severity: str = "提示"
    document: str | None = None  # title of the document issued for it, e.g. 催费通知书
    sources: tuple[Source, ...] = ()
    citation: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "subject": self.subject,
            "document": self.document,
            "message": self.message,
            "citation": self.citation,
            "sources": [s.to_json() for s in self.sources],
            "details": self.details,
        }

    def sort_key(self) -> tuple:
        first = self.sources[0] if self.sources else Source("", "", 0)
        return (self.category, self.policy, self.rule, self.subject or "", first.file, first.sheet, first.row)


def cell_finding(source: Source, reason: str, code: str, *, subject: str | None = None,
                 severity: str = "错误", policy: str = "DATA") -> Finding:
    """A cell that cannot be read: ``file › sheet › row › column: value — reason``."""
    shown = "（空白）" if source.value in (None, "") else source.value
    return Finding(
        policy=policy,
        rule=f"DATA-{code}",
        category="数据问题",
        subject=subject,
        message=f"{source.label()}: {shown} — {reason}",
        severity=severity,
        sources=(source,),
    )


def format_finding(f: Finding) -> str:
    """One line for people (the CLI and logs)."""
    subject = f" [{f.subject}]" if f.subject else ""
    doc = f" → 《{f.document}》" if f.document else ""
    return f"{f.severity} {f.policy}/{f.rule}{subject}: {f.message}{doc}"
