"""The document catalogue in ``forms/forms.yaml``: the company printed on documents, every document's template
and how its numbers are made. A rule file may only name documents listed here."""
from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import FormsError
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
        raise FormsError(f"文书目录 {path} 无法使用: {exc}") from exc
    from ..render.safe import check_template

    for title, spec in catalogue.documents.items():
        if not (Path(forms) / spec.template).exists():
            raise FormsError(f"{path.name}: 《{title}》的模板 {spec.template} 不在 {forms} 中")
        check_template(Path(forms) / spec.template)  # not a .docx, or a broken {{ }} tag: say which, before the night
    return catalogue
