"""Word documents from the templates in ``forms/`` (docxtpl, Jinja with autoescape).

Each template renders a list of notices, a page per notice (staff can render a
list of one or of many in Word tooling alike). Here the template is compiled
once and each notice rendered once: that render is packaged as the notice's own
file, and its page content joins the print batch for its document type.
"""
from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment
from lxml import etree
from markupsafe import escape

from .safe import clean_context, safe_filename as _safe_name
from .ziputil import DeflatedPiece, PackageWriter, crc32_combine, fast_zlib

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def safe_filename(text: str) -> str:
    return _safe_name(text)


def render_bytes(template: Path, context: dict) -> bytes:
    doc = DocxTemplate(str(template))
    doc.render(context, autoescape=True)
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
PAGE_BREAK_BYTES = PAGE_BREAK.encode("ascii")


@lru_cache(maxsize=16)
def notice_template(path: Path, company: str) -> "NoticeTemplate":
    return NoticeTemplate(path, company)


class _Environment(Environment):
    """Jinja's, with its lookup of ``n.unit`` in a dict made direct: Jinja first asks the dict for an attribute
    of that name and, failing with an exception, for the key (measured: 0.8 s of the bench night's notices).
    What is found is the same: the dict's own attributes (``n.items`` is its method) and then its keys."""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))

try:  # markupsafe's own escaping of a string's characters (its C speed-up where built, else its Python one)
    from markupsafe import _escape_inner
except ImportError:  # another markupsafe: its escape() is used as it is
    _escape_inner = None  # type: ignore[assignment]


def _escape_output(value, _escape=escape, _inner=_escape_inner):
    """What a compiled template prints for ``{{ value }}``: markupsafe's escape, with a plain string's characters
    escaped directly rather than through a Markup object made only to be joined into the page (the same text;
    measured: 840 → 135 ns a value, some 50 values a notice). Markup, numbers and the rest go to escape()."""
    if value.__class__ is str:
        return _inner(value)
    return _escape(value)


def _print_directly(template) -> None:
    """Have a compiled Jinja template print plain strings through :func:`_escape_output`. Its code looks up
    ``escape`` in its own namespace (one per compiled template)."""
    if _escape_inner is not None and template.root_render_func.__globals__.get("escape") is escape:
        template.root_render_func.__globals__["escape"] = _escape_output


class NoticeTemplate:
    """A docxtpl template compiled once, rendering one notice's body at a time.

    docxtpl's own ``render`` re-reads and re-compiles the template on every
    call; a print batch of thousands of notices would spend its time there. This
    does docxtpl's steps (patch_xml → Jinja with autoescape → resolve_listing)
    with the Jinja template compiled once. Every other part of the package
    (styles, headers, footers) comes from one ordinary docxtpl render.
    Templates must not use column tags ({%tc %}) or images.
    """

    def __init__(self, path: Path, company: str):
        self.company = company
        self._tpl = DocxTemplate(str(path))
        self._tpl.render_init()
        env = _Environment(autoescape=True)
        src = self._tpl.patch_xml(self._tpl.get_xml())
        # docxtpl puts each <w:p on its own line before rendering (for Jinja's error line numbers) and
        # takes the newlines out again afterwards; the output is the same without either step.
        self._template = env.from_string(src)
        _print_directly(self._template)
        self._escaped_braces = any(tok in src for tok in ("{_{", "}_}", "{_%", "%_}"))
        shell = render_bytes(path, {"notices": [], "company": company})
        with zipfile.ZipFile(BytesIO(shell)) as z:
            self.parts = {info.filename: z.read(info.filename) for info in z.infolist()}
        self._writer = PackageWriter(self.parts, "word/document.xml")
        doc = self.parts["word/document.xml"].decode("utf-8")
        b0 = doc.index("<w:body")
        b1 = doc.rindex("</w:body>") + len("</w:body>")
        self._head, self._tail = doc[:b0], doc[b1:]
        self._head_b, self._tail_b = self._head.encode("utf-8"), self._tail.encode("utf-8")

    def body(self, notice: dict) -> str:
        xml = self._template.render({"notices": [notice], "company": self.company})
        if self._escaped_braces:  # literal {{ }} a template author escaped as {_{ }_}
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if any(ch in xml for ch in "\t\n\a\f"):  # only then is there a listing for docxtpl to resolve
            xml = self._tpl.resolve_listing(xml)
        return xml

    def body_empty(self) -> str:
        doc = self.parts["word/document.xml"].decode("utf-8")
        return doc[len(self._head):len(doc) - len(self._tail)]

    def package(self, body: str | bytes, out: Path) -> None:
        """One notice's package; ``body`` is what :meth:`body` returned, or that encoded as UTF-8."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._writer.write(out, self._head_b + data + self._tail_b)

    def shell(self) -> "BatchShell":
        opening, _, closing = _split_body(self.body_empty())
        return BatchShell(self._head + opening, closing + self._tail, self._writer)


@dataclass
class BatchShell:
    """What a print batch needs of its template: the document part's text before and after the pages, and the
    package's other parts, already deflated. The workers that render the notices hand it back with their parts,
    so the process joining the batches does not compile each template again (measured: 0.05 s a template, some
    0.4 s a night, all of it after the workers are done)."""

    before: str  # the document part up to the body's content
    after: str  # from the closing sectPr to the end
    writer: PackageWriter


def _split_body(body: str) -> tuple[str, str, str]:
    """(opening <w:body …> tag, content, closing sectPr + </w:body>)."""
    start, end = _content_span(body)
    return body[:start], body[start:end], body[end:]


def _content_span(body):
    """Where the content of a <w:body> (str, or bytes of UTF-8) begins and ends: after the opening tag, before
    the closing sectPr (or </w:body> when there is none)."""
    b = isinstance(body, bytes)
    open_end = body.index(b">" if b else ">") + 1
    close = body.rindex(b"</w:body>" if b else "</w:body>")
    sect = body.rfind(b"<w:sectPr" if b else "<w:sectPr")
    return open_end, close if sect == -1 else sect


def _single_path(single_dir: Path, n: dict) -> Path:
    key = n.get("file_key") or n.get("unit_key") or n.get("ticket_id") or ""
    return single_dir / f"{safe_filename(n['number'])}_{safe_filename(str(key))}.docx"


def render_singles(template: Path, company, notices: list[dict], single_dir: Path,
                   part: Path) -> tuple[Path, BatchShell]:
    """One .docx per notice; the notices' page contents, joined with page breaks, deflated into ``part`` + ``.z``
    (so the print batch is compressed by the workers that render, not afterwards in one process), and their
    checksum and length into ``part`` (the batch's zip entry needs them, not the text: measured, writing the text
    there too cost the bench night 190 MB and 0.5 s). Every context is cleaned first: no character XML
    forbids, phone and ID numbers masked."""
    single_dir.mkdir(parents=True, exist_ok=True)
    tpl = notice_template(template, company)
    deflated = DeflatedPiece()
    crc, size = 0, 0
    for i, n in enumerate(notices):
        body = tpl.body(clean_context(n)).encode("utf-8")
        tpl.package(body, _single_path(single_dir, n))
        start, end = _content_span(body)
        page = memoryview(body)[start:end]
        if i:
            crc, size = fast_zlib.crc32(PAGE_BREAK_BYTES, crc), size + len(PAGE_BREAK_BYTES)
            deflated.add(PAGE_BREAK_BYTES)
        crc, size = fast_zlib.crc32(page, crc), size + len(page)
        deflated.add(page)
    part.write_bytes(_PART.pack(crc, size))
    _deflated(part).write_bytes(deflated.close())
    return part, tpl.shell()


_PART = struct.Struct("<IQ")  # a part's checksum (CRC-32) and length in bytes


def _deflated(part: Path) -> Path:
    return part.with_name(part.name + ".z")


def assemble_batch(shell: BatchShell, parts: list[Path], batch_path: Path) -> None:
    """The print batch: one .docx, a page per notice — the parts' deflated pages joined in order between the
    template's opening and closing (their checksums combined into the batch's)."""
    batch_path.parent.mkdir(parents=True, exist_ok=True)
    pieces, crc, size = [], 0, 0

    def own(text: str, final: bool = False) -> None:
        nonlocal crc, size
        data = text.encode("utf-8")
        piece = DeflatedPiece()
        piece.add(data)
        pieces.append(piece.close(final))
        crc, size = zlib.crc32(data, crc), size + len(data)

    own(shell.before)
    first = True
    for part in parts:
        part_crc, part_size = _PART.unpack(part.read_bytes())
        if not part_size:
            continue
        if not first:
            own(PAGE_BREAK)
        first = False
        crc, size = crc32_combine(crc, part_crc, part_size), size + part_size
        pieces.append(_deflated(part).read_bytes())
    own(shell.after, final=True)
    shell.writer.write_deflated(batch_path, b"".join(pieces), crc, size)


def render_report(template: Path, title: str, report: dict, company, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{safe_filename(report.get('title') or title)}.docx"
    path.write_bytes(render_bytes(template, {"report": clean_context(report), "company": company}))
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
