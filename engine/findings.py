"""Findings: everything the night's run has to say, as values.

A finding is about one *subject* (a unit, a ticket, a key), comes from one
rule of one policy, may cause one document, and names the input cells it was
derived from, so an auditor can trace it back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

SEVERITIES = ("严重", "错误", "警告", "提示")  # 严重: a ledger could not be read — the run exits 3


class Source(NamedTuple):
    """One input cell (or row, when ``column`` is None)."""

    file: str
    sheet: str
    row: int  # Excel row number, 1-based
    column: str | None = None
    value: str | None = None
    cell: str | None = None  # Excel cell address, e.g. "D14"

    def label(self) -> str:
        """file › sheet › 第N行 › column（cell）."""
        row = f"{self.file} › {self.sheet} › 第{self.row}行"
        if self.column:
            return f"{row} › {self.column}（{self.cell}）" if self.cell else f"{row} › {self.column}"
        return f"{row} › {self.cell}" if self.cell else row

    def to_json(self) -> dict[str, Any]:
        out = {"file": self.file, "sheet": self.sheet, "row": self.row}
        if self.column is not None:
            out["column"] = self.column
        if self.value is not None:  # phone and ID numbers masked: the cell address says where the full value is
            from .render.mask import scrub
            out["value"] = scrub(self.value)
        if self.cell is not None:
            out["cell"] = self.cell
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
    matter: str | None = None  # what about the subject: a fee item and period, a case number
    number: str | None = None  # the number of the document issued for it (tonight or earlier)
    facts: dict[str, Any] | None = None  # the derived fact the rule matched, for the auditor (wuye explain)

    @property
    def id(self) -> str:
        """Stable across nights: the same subject, rule and matter give the same id."""
        import hashlib

        if self.policy == "DATA":
            first = self.sources[0] if self.sources else None
            where = f"{first.file}|{first.sheet}|{first.row}|{first.column}" if first else self.message
            key = f"DATA|{self.rule}|{where}"
        else:
            key = f"{self.policy}|{self.rule}|{self.subject or ''}|{self.matter or ''}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]

    def to_json(self, known_id: str | None = None) -> dict[str, Any]:
        """``known_id``: :attr:`id`, where the caller has it already (it is a hash of the finding's key)."""
        return {
            "id": known_id or self.id,
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
            "matter": self.matter,
            "number": self.number,
            "facts": self.facts,
        }

    def sort_key(self) -> tuple:
        first = self.sources[0] if self.sources else Source("", "", 0)
        return (SEVERITIES.index(self.severity) if self.severity == "严重" else 1, self.category, self.policy,
                self.rule, self.subject or "", self.matter or "", first.file, first.sheet, first.row)


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
