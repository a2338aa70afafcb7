"""(Re)build the Word templates in ``forms/``.

Usage:  python tools/build_forms.py [--out DIR]

Every template is a docxtpl (Jinja) template built with python-docx only, so
the forms are reproducible from this file: same code → byte-identical .docx
(fixed core properties, fixed zip timestamps).

Fee notices and the two per-ticket complaint forms render a *list*:

    {"notices": [n, ...], "company": company}

one page per notice, a page break between notices and none after the last,
so one template prints a single notice (a list of one) or a whole batch.
The two monthly complaint reports render one document:

    {"report": {...}, "company": company}

``company`` is the company block of ``forms/forms.yaml``
(``engine/render/company.py``): ``company.name``, ``.department``,
``.address``, ``.phone``, ``.hours``, ``.payment`` (list of ``{channel,
detail}``), ``.seal``, ``.contract``.

A fee notice ``n`` (催费通知书 / 二次催费通知书 / 最后催费通知书) carries:
number, title, unit, owner_name, issue_date, pay_by (issue date + deadline_days),
deadline_days, items [{item, period, amount_due, amount_paid, outstanding,
days_late, late_fee, step_text, notified_before}], total_outstanding,
total_late_fee, total, late_fee_rate_text, previous [{number, document,
issue_date}] (earlier notices still open for the household; the sentence
about them is printed only when the list is non-empty) and instalment
(None or {agreement, paid, due, note}). The owner's notice cites the contract
and the 《民法典》, never the internal SOP clause (that stays in findings).

Wording follows the source policies (../shared/policies.md): F3 dunning
ladder (004 › 入住手续办理作业指导书 ④⑤⑥), C5 投诉处理档案卡, C8 总经理信箱,
C10 monthly reporting (003 › 篇3 › 4.2.3–4.2.8, 4.3.2). No number from the
policies (days, hours, rates) is written into a template: they arrive in the
context from ``rules/``.

Docxtpl rules kept here: each ``{%p ...%}`` / ``{%tr ...%}`` tag sits alone
in its own paragraph / table row, and every paragraph's text is a single run
so Word never splits a tag.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "forms"

LATIN = "Times New Roman"
SONG = "宋体"
HEI = "黑体"

FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

# The legal basis every fee notice gives the owner: the contract and 《民法典》 Art. 944
# (the owner's duty to pay; the company may remind, then sue or arbitrate, and never cuts
# water, power, heating or gas). Reassurance, not a threat.
CIVIL_CODE_944 = (
    "根据{{ company.contract }}和《中华人民共和国民法典》第九百四十四条的规定，业主应当按照约定支付物业费；"
    "业主逾期不支付的，物业服务人可以催告其在合理期限内支付，合理期限届满仍不支付的，可以依法提起诉讼或者申请仲裁。"
    "物业服务人不得采取停止供电、供水、供热、供燃气等方式催交物业费。"
)
# 《民法典》 Art. 585: a late fee is the contract's 违约金 (never 滞纳金).
CIVIL_CODE_585 = (
    "违约金依据{{ company.contract }}的约定和《中华人民共和国民法典》第五百八十五条的规定计收，"
    "{{ n.late_fee_rate_text }}。"
)

# Font table: the three fonts the forms use, with the Windows names and the GB2312
# charset so Word substitutes sensibly on machines without 宋体/黑体.
FONT_TABLE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/>'
    '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    '<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
    '<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
    '</w:fonts>'
).encode("utf-8")

# paragraph style names (ids are the names without spaces)
S_TITLE = "WY Title"
S_BODY = "WY Body"
S_TEXT = "WY Text"  # no first-line indent
S_TABLE = "WY Table"
S_SMALL = "WY Small"
S_TAG = "WY Tag"
S_NOTICE = "WY Notice"  # fee notices: a notice and its receipt fit one A4 page
S_NOTE = "WY Note"  # fee notices: legal basis, payment channels, contact
TABLE_STYLE = "Table Grid"


# --------------------------------------------------------------------------
# fonts and styles
# --------------------------------------------------------------------------

def _set_rfonts(rpr, east_asia: str = SONG) -> None:
    """Explicit fonts on an rPr element; theme attributes removed (they win over explicit ones)."""
    rfonts = rpr.get_or_add_rFonts()  # python-docx keeps the schema order
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), LATIN)
    rfonts.set(qn("w:hAnsi"), LATIN)
    rfonts.set(qn("w:cs"), LATIN)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _style_fonts(doc) -> None:
    """docDefaults and every style in styles.xml carry ascii/hAnsi + eastAsia fonts."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_rfonts(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) == "numbering":
            continue  # list styles carry no run properties
        name_el = style.find(qn("w:name"))
        name = name_el.get(qn("w:val")) if name_el is not None else ""
        east = HEI if (name.lower().startswith("heading") or name.lower().startswith("title")) else SONG
        rpr = style.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            # rPr goes after pPr / before tblPr in the schema order
            anchor = None
            for tag in ("w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"):
                anchor = style.find(qn(tag))
                if anchor is not None:
                    break
            if anchor is not None:
                anchor.addprevious(rpr)
            else:
                style.append(rpr)
        _set_rfonts(rpr, east)
        for cond in style.findall(qn("w:tblStylePr")):
            crpr = cond.find(qn("w:rPr"))
            if crpr is not None:
                _set_rfonts(crpr, east)

    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    _set_rfonts(normal.element.get_or_add_rPr())


def _para_style(doc, name: str, *, size: float, east: str = SONG, bold: bool = False,
                align=None, before: float = 0, after: float = 0, line: float | None = 1.25,
                first_line_chars: int = 0):
    st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.base_style = doc.styles["Normal"]
    st.quick_style = True
    st.font.size = Pt(size)
    st.font.bold = bold
    _set_rfonts(st.element.get_or_add_rPr(), east)
    pf = st.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    if align is not None:
        pf.alignment = align
    if first_line_chars:
        ind = st.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
        ind.set(qn("w:firstLine"), str(int(size * 20 * first_line_chars)))
    return st


KEPT_TABLE_STYLES = {"Normal Table", TABLE_STYLE}


def _drop_unused_table_styles(doc) -> None:
    """python-docx's default template defines about a hundred table styles (Light Shading Accent 1 …) that no
    form uses: nine tenths of styles.xml, copied into every notice (a final notice was 24 KB, and 11,000 of
    them a night are 256 MB). Word saves only the styles a document uses and adds a built-in table style back
    when someone picks it; the latent-style list that tells Word about them stays."""
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        if style.get(qn("w:type")) == "table" and (name is None or name.get(qn("w:val")) not in KEPT_TABLE_STYLES):
            styles.remove(style)


def _make_styles(doc) -> None:
    _style_fonts(doc)
    _para_style(doc, S_TITLE, size=18, east=HEI, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
                before=6, after=12, line=1.0)
    _para_style(doc, S_BODY, size=12, first_line_chars=2, after=3)
    _para_style(doc, S_TEXT, size=12, after=3)
    _para_style(doc, S_TABLE, size=10.5, line=1.0)
    _para_style(doc, S_SMALL, size=9, line=1.0, before=6)
    _para_style(doc, S_TAG, size=1, line=1.0)
    _para_style(doc, S_NOTICE, size=10.5, first_line_chars=2, after=2, line=1.15)
    _para_style(doc, S_NOTE, size=9.5, line=1.1, after=1)


# --------------------------------------------------------------------------
# document skeleton
# --------------------------------------------------------------------------

def _new_document(title: str, *, landscape: bool = False, notice: bool = False):
    doc = Document()
    # Parts of python-docx's default template that only carry stale content.
    for rel in list(doc.part.rels.values()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rel.rId)
        elif rel.reltype == RT.FONT_TABLE:
            rel.target_part._blob = FONT_TABLE
    for rel in list(doc.part.package.rels.values()):
        if rel.reltype == RT.THUMBNAIL:
            del doc.part.package.rels[rel.rId]
    settings = doc.settings.element
    tfl = settings.find(qn("w:themeFontLang"))
    if tfl is not None:
        tfl.set(qn("w:eastAsia"), "zh-CN")
    preview = settings.find(qn("w:savePreviewPicture"))
    if preview is not None:
        settings.remove(preview)
    _drop_unused_table_styles(doc)

    _make_styles(doc)

    sec = doc.sections[0]
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Mm(297), Mm(210)
        sec.top_margin = sec.bottom_margin = Mm(20)
        sec.left_margin = sec.right_margin = Mm(20)
    elif notice:  # a fee notice and its tear-off receipt on one A4 page, with room for the batch's page break
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin = Mm(18), Mm(15)
        sec.left_margin, sec.right_margin = Mm(22), Mm(20)
    else:
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin = Mm(25), Mm(22)
        sec.left_margin, sec.right_margin = Mm(25), Mm(22)
    sec.header_distance = sec.footer_distance = Mm(12)

    cp = doc.core_properties
    cp.title = title
    cp.author = "wuye"
    cp.last_modified_by = "wuye"
    cp.comments = "docxtpl 模板，由 tools/build_forms.py 生成；重新运行该脚本会覆盖在 Word 中所做的修改"
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.revision = 1
    return doc


def _run(paragraph, text: str, *, bold: bool | None = None, size: float | None = None,
         east: str | None = None):
    """The one run of a paragraph, with explicit fonts."""
    run = paragraph.add_run(text)
    rpr = run._r.get_or_add_rPr()
    _set_rfonts(rpr, east or SONG)
    if bold is not None:
        run.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    return run


def para(container, text: str = "", style: str = S_BODY, *, align=None, bold=None,
         size=None, east=None, before=None, after=None, keep_next=False):
    p = container.add_paragraph(style=style)
    if text:
        _run(p, text, bold=bold, size=size, east=east or (HEI if style == S_TITLE else SONG))
    if align is not None:
        p.alignment = align
    if before is not None:
        p.paragraph_format.space_before = Pt(before)
    if after is not None:
        p.paragraph_format.space_after = Pt(after)
    if keep_next:
        p.paragraph_format.keep_with_next = True
    return p


def tag(container, text: str):
    """A paragraph holding only a docxtpl ``{%p ... %}`` tag (removed on render)."""
    return para(container, text, S_TAG)


def page_break_between(doc) -> None:
    """Page break after every notice but the last (outer ``loop``)."""
    tag(doc, "{%p if not loop.last %}")
    p = doc.add_paragraph(style=S_TAG)
    run = p.add_run()
    _set_rfonts(run._r.get_or_add_rPr())
    run.add_break(WD_BREAK.PAGE)
    tag(doc, "{%p endif %}")


# --------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------

def _cell_text(cell, text: str, *, align=WD_ALIGN_PARAGRAPH.CENTER, bold=None, size=None):
    p = cell.paragraphs[0]
    p.style = S_TABLE
    if text:
        _run(p, text, bold=bold, size=size)
    p.alignment = align
    return p


def _set_tbl_layout(table, widths_mm: list[float], cell_margin_mm: float | None = None) -> None:
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed
    tblPr = table._tbl.tblPr
    if cell_margin_mm is not None:
        mar = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(int(Mm(cell_margin_mm).twips)))
            el.set(qn("w:type"), "dxa")
            mar.append(el)
        tblPr.find(qn("w:tblLook")).addprevious(mar)  # tblCellMar precedes tblLook
    tblW = tblPr.find(qn("w:tblW"))
    tblW.set(qn("w:type"), "dxa")
    tblW.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))
    for col, w in zip(table.columns, widths_mm):
        col.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            for p in cell.paragraphs:
                p.style = S_TABLE


def _repeat_header(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    trPr.append(el)


def _row_height(row, mm: float) -> None:
    row.height = Mm(mm)


def grid_table(doc, headers: list[str], fields: list[str], widths_mm: list[float],
               loop: str, *, right_cols: set[int] = frozenset(), left_cols: set[int] = frozenset(),
               totals: list[str] | None = None, totals_span: int = 0, size: float | None = None,
               cell_margin_mm: float | None = None):
    """Header row, ``{%tr for %}`` row, data row, ``{%tr endfor %}`` row, optional totals row."""
    n = len(headers)
    rows = 4 + (1 if totals else 0)
    table = doc.add_table(rows=rows, cols=n, style=TABLE_STYLE)
    _set_tbl_layout(table, widths_mm, cell_margin_mm)
    hdr, open_row, data, close_row = table.rows[:4]
    _repeat_header(hdr)
    for i, h in enumerate(headers):
        _cell_text(hdr.cells[i], h, bold=True, size=size)
    _cell_text(open_row.cells[0], "{%tr " + loop + " %}", align=WD_ALIGN_PARAGRAPH.LEFT)
    for i, f in enumerate(fields):
        align = (WD_ALIGN_PARAGRAPH.RIGHT if i in right_cols
                 else WD_ALIGN_PARAGRAPH.LEFT if i in left_cols else WD_ALIGN_PARAGRAPH.CENTER)
        _cell_text(data.cells[i], f, align=align, size=size)
    _cell_text(close_row.cells[0], "{%tr endfor %}", align=WD_ALIGN_PARAGRAPH.LEFT)
    if totals:
        trow = table.rows[4]
        if totals_span > 1:
            merged = trow.cells[0].merge(trow.cells[totals_span - 1])
        else:
            merged = trow.cells[0]
        _cell_text(merged, totals[0], bold=True)
        for i in range(totals_span, n):
            t = totals[i - totals_span + 1]
            align = WD_ALIGN_PARAGRAPH.RIGHT if i in right_cols else WD_ALIGN_PARAGRAPH.CENTER
            _cell_text(trow.cells[i], t, align=align, bold=bool(t))
    return table


def form_table(doc, rows: list[tuple], widths_mm: list[float], row_mm: float = 8):
    """A 4-column form. Each row is (label, value, label, value), (label, value) spanning
    three columns, or (label, value, height_mm) for a tall write-in box."""
    table = doc.add_table(rows=len(rows), cols=4, style=TABLE_STYLE)
    _set_tbl_layout(table, widths_mm)
    for row, spec in zip(table.rows, rows):
        cells = row.cells
        if len(spec) == 4:
            for i, text in enumerate(spec):
                label = i % 2 == 0
                _cell_text(cells[i], text, bold=label or None,
                           align=WD_ALIGN_PARAGRAPH.CENTER if label else WD_ALIGN_PARAGRAPH.LEFT)
        else:
            label, value = spec[0], spec[1]
            merged = cells[1].merge(cells[3])
            _cell_text(cells[0], label, bold=True)
            if isinstance(value, (list, tuple)):
                first, *rest = value
                _cell_text(merged, first, align=WD_ALIGN_PARAGRAPH.LEFT)
                for line in rest:
                    p = merged.add_paragraph(style=S_TABLE)
                    if line:
                        _run(p, line)
                    p.alignment = (WD_ALIGN_PARAGRAPH.RIGHT if "签字" in line
                                   else WD_ALIGN_PARAGRAPH.LEFT)
            else:
                _cell_text(merged, value, align=WD_ALIGN_PARAGRAPH.LEFT)
            if len(spec) == 3:
                _row_height(row, spec[2])
                merged.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        if len(spec) != 3:
            _row_height(row, row_mm)
    return table


# --------------------------------------------------------------------------
# shared blocks
# --------------------------------------------------------------------------

def signature(doc, date_expr: str, *, seal: bool = False) -> None:
    """落款：单位和部门、日期；``seal`` adds the 盖章处 beside the company name."""
    text = "{{ company.name }}{{ company.department }}"
    if seal:
        text += "　{{ company.seal }}"
    para(doc, text, S_TEXT, align=WD_ALIGN_PARAGRAPH.RIGHT, before=8)
    para(doc, date_expr, S_TEXT, align=WD_ALIGN_PARAGRAPH.RIGHT)


def contact_block(doc) -> None:
    """客服中心地址、电话、服务时间（只印填写了的项）."""
    tag(doc, "{%p if company.address or company.phone %}")
    para(doc, "客服中心地址：{{ company.address }}　　联系电话：{{ company.phone }}"
              "{% if company.hours %}　　服务时间：{{ company.hours }}{% endif %}", S_NOTE, before=2)
    tag(doc, "{%p endif %}")


def payment_block(doc) -> None:
    """缴费方式: one line per channel of the company block."""
    tag(doc, "{%p if company.payment %}")
    para(doc, "缴费方式：", S_NOTE, bold=True, before=2)
    tag(doc, "{%p for c in company.payment %}")
    para(doc, "（{{ loop.index }}）{{ c.channel }}：{{ c.detail }}", S_NOTE)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def _cut_line(doc) -> None:
    """A dashed rule across the page: the tear-off line above the 送达回执."""
    p = para(doc, "（请沿虚线剪下，签收后交回{{ company.name }}{{ company.department }}）", S_SMALL,
             align=WD_ALIGN_PARAGRAPH.CENTER, before=8)
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for k, v in (("w:val", "dashed"), ("w:sz", "6"), ("w:space", "4"), ("w:color", "808080")):
        top.set(qn(k), v)
    bdr.append(top)
    anchor = ppr.find(qn("w:spacing"))
    if anchor is not None:
        anchor.addprevious(bdr)  # pBdr precedes spacing in the schema order
    else:
        ppr.append(bdr)


def delivery_receipt(doc) -> None:
    """送达回执：房号、通知编号、签收人、签收日期 — torn off and kept by the 客服中心."""
    _cut_line(doc)
    para(doc, "送达回执（《{{ n.title }}》，{{ n.issue_date }}发出）", S_TEXT, align=WD_ALIGN_PARAGRAPH.CENTER,
         bold=True, size=11, east=HEI, before=2, after=2)
    form_table(doc, [
        ("房号", "{{ n.unit }}", "通知编号", "{{ n.number }}"),
        ("签收人（签字）", "", "签收日期", "　　年　　月　　日"),
        ("与业主关系", "本人 / 家属 / 其他", "送达人", ""),
    ], [30, 52, 28, 53], row_mm=7)


def citation(doc, expr: str) -> None:
    para(doc, "依据：{{ " + expr + " }}", S_SMALL, before=12)


def footer_page_numbers(doc) -> None:
    """第 X 页 共 Y 页 (reports only: a batch of notices shares one numbering)."""
    footer = doc.sections[0].footer
    p = footer.paragraphs[0]
    p.style = S_SMALL
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def text(t):
        _run(p, t)

    def field(instr):
        for kind in ("begin", None, "separate", "1", "end"):
            r = p.add_run()
            _set_rfonts(r._r.get_or_add_rPr())
            if kind is None:
                it = OxmlElement("w:instrText")
                it.set(qn("xml:space"), "preserve")
                it.text = f" {instr} "
                r._r.append(it)
            elif kind == "1":
                r.text = "1"
            else:
                fc = OxmlElement("w:fldChar")
                fc.set(qn("w:fldCharType"), kind)
                r._r.append(fc)

    text("第 ")
    field("PAGE")
    text(" 页 共 ")
    field("NUMPAGES")
    text(" 页")


# --------------------------------------------------------------------------
# fee notices (F3, F3a)
# --------------------------------------------------------------------------

FEE_HEADERS = ["收费项目", "所属期", "应收金额（元）", "已缴金额（元）", "欠缴金额（元）", "逾期天数", "催缴情况"]
FEE_FIELDS = ["{{ it.item }}", "{{ it.period }}", "{{ it.amount_due }}", "{{ it.amount_paid }}",
              "{{ it.outstanding }}", "{{ it.days_late }}",
              "{{ it.step_text }}{% if it.notified_before %}（{{ it.notified_before }}）{% endif %}"]

# The deadline is counted from the issue date, so the day count and the date agree:
# pay_by = issue_date + deadline_days (both from the rule file, via the context).
DEADLINE = "您自本通知发出之日起{{ n.deadline_days }}日内，即{{ n.pay_by }}（含当日）前"

# Earlier notices still open for the household — printed only when there are any.
PREVIOUS = ("{% if n.previous %}我中心此前已{% for p in n.previous %}于{{ p.issue_date }}向您发出"
            "《{{ p.document }}》（编号：{{ p.number }}）{% if not loop.last %}、{% endif %}{% endfor %}。"
            "{% endif %}")

INSTALMENT = ("您已与我中心签订分期缴费协议（协议编号：{{ n.instalment.agreement }}），"
              "截至本通知发出之日已缴{{ n.instalment.paid }}元，按协议应缴{{ n.instalment.due }}元。"
              "{{ n.instalment.note }}")

FIRST_BODY = [
    "您好！衷心感谢您一直以来对我们物业服务工作的理解与支持。" + PREVIOUS + "经核对，截至本通知发出之日，"
    "您所在房屋尚有以下费用未缴纳，明细如下：",
]
FIRST_AFTER = [
    "欠缴金额合计：人民币{{ n.total_outstanding }}元。",
    "物业服务费用是保障小区各项服务正常开展、维护全体业主共同利益的基础。特此提醒" + DEADLINE +
    "缴纳上述费用。如您已缴纳，请忽略本通知；如对费用有疑问，欢迎致电或到客服中心咨询核对。",
]
SECOND_BODY = [
    "您好！" + PREVIOUS + "经核对，截至本通知发出之日，您所在房屋仍有以下费用未缴纳，明细如下：",
]
SECOND_AFTER = [
    "欠缴金额合计：人民币{{ n.total_outstanding }}元。",
    "为维护全体业主的共同利益，保障小区各项服务正常开展，特此督促" + DEADLINE +
    "缴清上述费用。如您已缴纳，请忽略本通知；如对费用有疑问或缴费确有困难，请及时与客服中心联系协商。",
]
FINAL_BODY = [
    "您好！" + PREVIOUS + "经核对，截至本通知发出之日，您所在房屋仍有以下费用未缴纳，"
    "逾期未缴的费用按约定计收违约金，明细如下：",
]
FINAL_AFTER = [
    "欠缴本金合计：人民币{{ n.total_outstanding }}元；违约金合计：人民币{{ n.total_late_fee }}元；"
    "应缴总额：人民币{{ n.total }}元。",
    "{%p if n.late_fee_rate_text %}",
    CIVIL_CODE_585,
    "{%p endif %}",
    "特此督促" + DEADLINE + "缴清物业费用本金和违约金。"
    "如您已缴纳，请忽略本通知；如对费用有疑问或缴费确有困难，请及时与客服中心联系协商。"
    "逾期仍未缴纳的，我中心将依照{{ company.contract }}的约定及有关法律规定，通过合法途径主张权利。",
]


def build_fee_notice(kind: str):
    titles = {"first": "催费通知书", "second": "二次催费通知书", "final": "最后催费通知书"}
    doc = _new_document(titles[kind], notice=True)
    final = kind == "final"

    tag(doc, "{%p for n in notices %}")
    para(doc, "{{ n.title }}", S_TITLE, before=0, after=4)
    para(doc, "通知编号：{{ n.number }}", S_TEXT, align=WD_ALIGN_PARAGRAPH.RIGHT, size=10.5, after=3)
    para(doc, "房号：{{ n.unit }}　　　通知日期：{{ n.issue_date }}　　　缴费截止日期：{{ n.pay_by }}",
         S_TEXT, size=10.5, after=4)
    para(doc, "尊敬的{{ n.owner_name or n.unit ~ '房' }}业主：", S_TEXT, size=11, after=2)

    body, after = {"first": (FIRST_BODY, FIRST_AFTER), "second": (SECOND_BODY, SECOND_AFTER),
                   "final": (FINAL_BODY, FINAL_AFTER)}[kind]
    for text in body:
        para(doc, text, S_NOTICE, keep_next=True)

    if final:
        headers = FEE_HEADERS[:6] + ["违约金（元）", FEE_HEADERS[6]]
        fields = FEE_FIELDS[:6] + ["{{ it.late_fee }}", FEE_FIELDS[6]]
        widths = [22, 22, 19, 19, 19, 14, 19, 29]
        totals = ["合计", "{{ n.total_outstanding }}", "", "{{ n.total_late_fee }}", ""]
        right = {2, 3, 4, 6}
    else:
        headers, fields = FEE_HEADERS, FEE_FIELDS
        widths = [25, 24, 21, 21, 21, 16, 35]
        totals = ["合计", "{{ n.total_outstanding }}", "", ""]
        right = {2, 3, 4}
    # n['items'], not n.items: on a dict, Jinja's n.items is the dict method.
    grid_table(doc, headers, fields, widths, "for it in n['items']", right_cols=right,
               totals=totals, totals_span=4, size=9.5, cell_margin_mm=1)
    para(doc, "", S_TAG, after=3)

    tag(doc, "{%p if n.instalment %}")
    para(doc, INSTALMENT, S_NOTICE)
    tag(doc, "{%p endif %}")
    for text in after:
        if text.startswith("{%p"):
            tag(doc, text)
        else:
            para(doc, text, S_NOTICE)
    para(doc, "特此通知，感谢您的理解与配合！", S_NOTICE)
    para(doc, "缴费依据：" + CIVIL_CODE_944, S_NOTE, before=4)
    payment_block(doc)

    signature(doc, "{{ n.issue_date }}", seal=True)
    contact_block(doc)
    delivery_receipt(doc)
    page_break_between(doc)
    tag(doc, "{%p endfor %}")
    return doc


# --------------------------------------------------------------------------
# complaint forms (C5, C8)
# --------------------------------------------------------------------------

def _ticket_header(doc) -> None:
    para(doc, "{{ n.title }}", S_TITLE)
    para(doc, "编号：{{ n.number }}", S_TEXT, align=WD_ALIGN_PARAGRAPH.RIGHT, size=10.5, after=6)


BUILDERS = {
    "催费通知书.docx": lambda: build_fee_notice("first"),
    "二次催费通知书.docx": lambda: build_fee_notice("second"),
    "最后催费通知书.docx": lambda: build_fee_notice("final"),
    # complaint documents: tools/form_areas/complaints.py
}


def save_deterministic(doc, path: Path) -> None:
    """Save with fixed zip timestamps so the same code gives the same bytes."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    data = out.getvalue()
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Rebuild the docxtpl templates in forms/.")
    ap.add_argument("--out", type=Path, default=FORMS, help="output folder (default: forms/)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from plugins import area_modules  # each policy area's own templates (tools/form_areas/)
    builders = dict(BUILDERS)
    for module in area_modules("form_areas"):
        builders.update(module.BUILDERS)
    for name, build in builders.items():
        save_deterministic(build(), args.out / name)
        print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
