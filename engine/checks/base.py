"""What a policy-area check returns, and the document catalogue in ``forms/forms.yaml``."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import RuleFileError
from ..findings import Finding
from ..render.company import Company


class DocumentSpec(BaseModel):
    """One kind of document: its Word template and how its notices are numbered."""

    model_config = ConfigDict(extra="forbid")
    template: str
    prefix: str
    number: str = "{prefix}〔{year}〕第{seq:04d}号"


class Catalogue(BaseModel):
    """``forms/forms.yaml``: the company name printed on documents and every document's template."""

    model_config = ConfigDict(extra="forbid")
    company: Company  # forms.yaml company block (engine/render/company.py); a plain string is the name
    documents: dict[str, DocumentSpec]


def load_documents(forms: Path) -> Catalogue:
    path = Path(forms) / "forms.yaml"
    try:
        catalogue = Catalogue.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise RuleFileError(f"文书目录 {path} 无法使用: {exc}") from exc
    for title, spec in catalogue.documents.items():
        if not (Path(forms) / spec.template).exists():
            raise RuleFileError(f"{path.name}: 《{title}》的模板 {spec.template} 不在 {forms} 中")
    return catalogue


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    notices: dict[str, list[dict]] = field(default_factory=dict)  # document title → notice contexts
    reports: dict[str, dict] = field(default_factory=dict)  # document title → report context
    sheets: dict[str, tuple[list[str], list[list]]] = field(default_factory=dict)  # extra workbook sheets
    csv: dict[str, tuple[list[str], list[list]]] = field(default_factory=dict)  # file name → (header, rows)
    counts: dict[str, int] = field(default_factory=dict)

    def merge(self, other: "CheckResult") -> None:
        self.findings.extend(other.findings)
        for k, v in other.notices.items():
            self.notices.setdefault(k, []).extend(v)
        self.reports.update(other.reports)
        self.sheets.update(other.sheets)
        self.csv.update(other.csv)
        for k, v in other.counts.items():
            self.counts[k] = self.counts.get(k, 0) + v
