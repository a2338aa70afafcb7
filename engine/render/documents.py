"""Word documents from the templates in ``forms/`` (docxtpl, Jinja with autoescape).

Each template renders a list of notices, a page per notice, so the print batch
for a document type is one render of the whole list; the single files are cut
from the same render, not rendered again one by one.
"""
from __future__ import annotations

import copy
import re
import zipfile
from io import BytesIO
from pathlib import Path

from docxtpl import DocxTemplate
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def safe_filename(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|〔〕\s]+', "", text)


def render_bytes(template: Path, context: dict) -> bytes:
    doc = DocxTemplate(str(template))
    doc.render(context, autoescape=True)
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _is_page_break_paragraph(el) -> bool:
    if el.tag != f"{{{W}}}p":
        return False
    brs = el.findall(f".//{{{W}}}br")
    texts = "".join(t.text or "" for t in el.iter(f"{{{W}}}t"))
    return bool(brs) and all(b.get(f"{{{W}}}type") == "page" for b in brs) and not texts.strip()


def split_pages(batch: bytes, count: int) -> list[bytes] | None:
    """Cut a rendered batch into one document per notice at its page-break paragraphs.

    Returns None when the batch does not have exactly ``count - 1`` such breaks
    (a template edited to add its own page breaks): the caller renders one by one.
    """
    with zipfile.ZipFile(BytesIO(batch)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    body = root.find(f"{{{W}}}body")
    children = list(body)
    sect = children[-1] if children and children[-1].tag == f"{{{W}}}sectPr" else None
    content = children[:-1] if sect is not None else children
    chunks, current = [], []
    for el in content:
        if _is_page_break_paragraph(el):
            chunks.append(current)
            current = []
        else:
            current.append(el)
    chunks.append(current)
    if len(chunks) != count:
        return None
    for el in content:
        body.remove(el)
    out = []
    for chunk in chunks:
        for el in chunk:
            body.insert(len(body) - (1 if sect is not None else 0), el)
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        for el in chunk:
            body.remove(el)
        buf = BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for name, data in parts.items():
                z.writestr(name, xml if name == "word/document.xml" else data)
        out.append(buf.getvalue())
    return out


def render_notices(template: Path, title: str, notices: list[dict], company: str, batch_dir: Path,
                   single_dir: Path) -> tuple[Path, list[Path]]:
    """The print batch (one .docx, a page per notice) and one file per notice."""
    batch_dir.mkdir(parents=True, exist_ok=True)
    single_dir.mkdir(parents=True, exist_ok=True)
    batch = render_bytes(template, {"notices": notices, "company": company})
    batch_path = batch_dir / f"打印批次_{title}_{len(notices)}份.docx"
    batch_path.write_bytes(batch)
    singles = split_pages(batch, len(notices))
    if singles is None:
        singles = [render_bytes(template, {"notices": [n], "company": company}) for n in notices]
    paths = []
    for n, data in zip(notices, singles):
        p = single_dir / f"{safe_filename(n['number'])}_{safe_filename(n.get('unit_key') or n.get('ticket_id') or '')}.docx"
        p.write_bytes(data)
        paths.append(p)
    return batch_path, paths


def render_report(template: Path, title: str, report: dict, company: str, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{safe_filename(report.get('title') or title)}.docx"
    path.write_bytes(render_bytes(template, {"report": report, "company": company}))
    return path


def document_text(path_or_bytes) -> str:
    """All text of a .docx (paragraphs and tables), for tests and for the auditor's grep."""
    data = Path(path_or_bytes).read_bytes() if not isinstance(path_or_bytes, bytes) else path_or_bytes
    with zipfile.ZipFile(BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    paras = []
    for p in root.iter(f"{{{W}}}p"):
        paras.append("".join(t.text or "" for t in p.iter(f"{{{W}}}t")))
    return "\n".join(paras)
