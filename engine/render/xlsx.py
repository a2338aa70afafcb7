"""A small, fast .xlsx writer for the exception workbook.

openpyxl builds an object per cell; a 20,000-unit night writes about half a
million cells, so this module writes the sheet XML directly. It supports what
the exception workbook needs and nothing more: text, numbers and dates with
number formats (amounts ``#,##0.00``, rates ``0.0%``, dates ``yyyy-mm-dd``,
times ``yyyy-mm-dd hh:mm``), a styled header row, column widths and wrapped
text, a frozen first row, an auto-filter, a list validation and print setup
(A4 landscape, fit to the page width, the header row repeated on every page,
page numbers in the footer). Every string is an inline string, so nothing a
user typed can ever become a formula. The files open in Excel, WPS,
LibreOffice, openpyxl and calamine (the tests read them back with openpyxl).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Iterator
from xml.sax.saxutils import escape

from .ziputil import write_zip

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f&<>]")  # _ILLEGAL, or what escape() changes
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'

# Cell styles (indexes into cellXfs below).
TEXT, HEADER, WRAP, AMOUNT, RATE, DATE, DATETIME, INTEGER = range(8)
FORMATS = {"text": TEXT, "wrap": WRAP, "amount": AMOUNT, "rate": RATE, "date": DATE, "datetime": DATETIME,
           "integer": INTEGER}

_EPOCH = datetime(1899, 12, 30)
_AMOUNT_TEXT = re.compile(r"-?\d{1,3}(,\d{3})*(\.\d+)?|-?\d+(\.\d+)?")
_RATE_TEXT = re.compile(r"(-?\d+(\.\d+)?)%")
# Headers that say what a column holds when the caller does not (rates before amounts: 收费率 is a rate).
_RATE_WORDS = ("率", "比例", "占比")
_AMOUNT_WORDS = ("金额", "应收", "实收", "应缴", "欠费", "欠缴", "本金", "违约金", "合计", "费用", "余额", "（元）", "(元)")
_WIDTH_SAMPLE = 200  # rows looked at to size a column (the whole sheet would cost as much as writing it)
MAX_WIDTH = 48  # a wider column is wrapped instead


def col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def excel_serial(value: date | datetime) -> float:
    """Days since 1899-12-30 (Excel's day 0, which absorbs its 1900 leap-year bug), time as a fraction."""
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return delta.days + delta.seconds / 86400
    return float((value - _EPOCH.date()).days)


def guess_format(header: str) -> str:
    """The number format a column's header implies: a rate, an amount, or none."""
    if any(w in header for w in _RATE_WORDS):
        return "rate"
    if any(w in header for w in _AMOUNT_WORDS):
        return "amount"
    return "text"


def display_width(value) -> int:
    """Roughly how many character widths a value needs (a CJK character counts two)."""
    if isinstance(value, str):
        text = value.split("\n", 1)[0] if "\n" in value else value
        return len(text) + sum(1 for ch in text if ord(ch) > 0x2E7F)
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, (int, float, Decimal)):
        return 12
    return len(str(value))


def _number(value, fmt: str):
    """A text like '6,304.20' or '92.3%' in an amount or rate column, as a number; else None."""
    if fmt == "rate":
        m = _RATE_TEXT.fullmatch(value.strip())
        if m:
            return float(Decimal(m.group(1)) / 100)
    if fmt in ("amount", "rate") and _AMOUNT_TEXT.fullmatch(value.strip()):
        return float(Decimal(value.strip().replace(",", "")))
    return None


def _text(ref: str, value: str, style: int) -> str:
    return f'<c r="{ref}"{_text_open(style)}{_clean(value)}</t></is></c>'


def _text_open(style: int) -> str:
    """What comes between a text cell's reference and its text."""
    s = f' s="{style}"' if style else ""
    return f' t="inlineStr"{s}><is><t xml:space="preserve">'


def _clean(text: str) -> str:
    """Text as XML character data: characters XML forbids dropped, & < > escaped. Nearly every text holds none
    of them, and one search says so (a sub and three replaces on each of the bench night's 610,000 text cells
    took a sixth of writing its sheets' XML)."""
    if _UNSAFE.search(text) is None:
        return text
    return escape(_ILLEGAL.sub("", text))


def _cell(ref: str, value, fmt: str, style: int) -> str:
    """One cell. ``fmt`` is the column's format, ``style`` the style of a text cell in that column."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if fmt in ("amount", "rate"):
            n = _number(value, fmt)
            if n is not None:
                return f'<c r="{ref}" s="{FORMATS[fmt]}"><v>{n!r}</v></c>'
        return _text(ref, value, style)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="{DATETIME if fmt != "date" else DATE}"><v>{excel_serial(value)!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE}"><v>{excel_serial(value)!r}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}" s="{FORMATS[fmt] if fmt in ("rate", "integer") else AMOUNT}"><v>{float(value)!r}</v></c>'
    if isinstance(value, float):
        s = FORMATS[fmt] if fmt in ("rate", "amount", "integer") else AMOUNT
        return f'<c r="{ref}" s="{s}"><v>{value!r}</v></c>'
    if isinstance(value, int):
        if fmt in ("rate", "amount"):
            return f'<c r="{ref}" s="{FORMATS[fmt]}"><v>{value}</v></c>'
        return f'<c r="{ref}"><v>{value}</v></c>'
    return _text(ref, str(value), style)


def _row(r: int, row: list, columns: list[tuple[str, str, int, str]]) -> str:
    """One row, as :func:`_cell` writes each cell. ``columns``: each column's letter, format, text style and
    text cell opening (empty where a text may be a number). The common cells — a text or a whole number
    outside amount and rate columns, a time — are written here, not by a call each: the bench night's
    sheets' XML (970,000 cells) 0.72 → 0.47 s. A row's texts are looked at for what XML must not hold once
    together, not each on its own (\n, which they may hold, is not among those characters)."""
    n = str(r)
    cells = [f'<row r="{n}">']
    dirty = _UNSAFE.search("\n".join([v for v in row if v.__class__ is str])) is not None
    for (letter, fmt, style, text_open), value in zip(columns, row):
        cls = value.__class__
        if cls is str and text_open:
            if value:
                cells.append(f'<c r="{letter}{n}"{text_open}{_clean(value) if dirty else value}</t></is></c>')
        elif cls is int and text_open:
            cells.append(f'<c r="{letter}{n}"><v>{value}</v></c>')
        elif cls is datetime:
            time_style = DATETIME if fmt != "date" else DATE
            cells.append(f'<c r="{letter}{n}" s="{time_style}"><v>{excel_serial(value)!r}</v></c>')
        elif value is not None:
            cells.append(_cell(letter + n, value, fmt, style))
    cells.append("</row>")
    return "".join(cells)


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list]
    widths: dict[int, float] = field(default_factory=dict)  # 1-based column → width; others are sized to fit
    choices: tuple[int, tuple[str, ...]] | None = None  # (1-based column, allowed values)
    formats: dict[int, str] = field(default_factory=dict)  # 1-based column → text/wrap/amount/rate/date/datetime/integer

    def column_formats(self) -> list[str]:
        """Each column's format: as given, else from its header; a text column too wide to fit is wrapped."""
        out = []
        sample = self.rows[:_WIDTH_SAMPLE]
        for i, h in enumerate(self.header, start=1):
            fmt = self.formats.get(i) or guess_format(h)
            if fmt == "text":
                widest = max((display_width(r[i - 1]) for r in sample if len(r) >= i and r[i - 1] is not None),
                             default=0)
                if widest > (self.widths.get(i) or MAX_WIDTH):
                    fmt = "wrap"
            out.append(fmt)
        return out

    def column_widths(self, formats: list[str]) -> list[float]:
        out = []
        sample = self.rows[:_WIDTH_SAMPLE]
        for i, (h, fmt) in enumerate(zip(self.header, formats), start=1):
            if i in self.widths:
                out.append(self.widths[i])
                continue
            widest = max((display_width(r[i - 1]) for r in sample if len(r) >= i and r[i - 1] is not None), default=0)
            header = display_width(h) + 3  # room for the filter button
            out.append(float(min(MAX_WIDTH, max(6, header, widest + 2))))
        return out

    def xml(self) -> str:
        return "".join(self.xml_chunks())

    def xml_chunks(self, rows_per_chunk: int = 2000) -> Iterator[str]:
        """The sheet's XML in pieces of a few thousand rows: a sheet of 40,000 rows is never one string."""
        ncols = len(self.header)
        last_row = max(len(self.rows) + 1, 2)
        last = f"{col_letter(ncols)}{last_row}"
        formats = self.column_formats()
        widths = self.column_widths(formats)
        styles = [FORMATS[f] for f in formats]
        text_styles = [WRAP if f == "wrap" else 0 for f in formats]
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"'
                       + (f' style="{s}"' if s else "") + "/>"
                       for i, (w, s) in enumerate(zip(widths, styles), start=1))
        letters = [col_letter(i) for i in range(1, ncols + 1)]
        parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} {_NS_R}>',
                 '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
                 f'<dimension ref="A1:{last}"/>',
                 '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                 'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>',
                 f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>',
                 '<row r="1">' + "".join(_text(f"{letters[i]}1", str(h), HEADER) for i, h in enumerate(self.header))
                 + "</row>"]
        columns = [(letter, fmt, ts, _text_open(ts) if fmt not in ("amount", "rate") else "")
                   for letter, fmt, ts in zip(letters, formats, text_styles)]
        for r, row in enumerate(self.rows, start=2):
            parts.append(_row(r, row, columns))
            if len(parts) >= rows_per_chunk:
                yield "".join(parts)
                parts = []
        parts.append(f'</sheetData><autoFilter ref="A1:{last}"/>')
        if self.choices:
            col, values = self.choices
            letter = col_letter(col)
            formula = escape('"' + ",".join(values) + '"')
            parts.append(f'<dataValidations count="1"><dataValidation type="list" allowBlank="1" showErrorMessage="1" '
                         f'errorTitle="{escape(self.header[col - 1])}" error="请选择 {escape(" 或 ".join(values))}" '
                         f'sqref="{letter}2:{letter}{last_row}"><formula1>{formula}</formula1>'
                         f'</dataValidation></dataValidations>')
        parts.append('<printOptions horizontalCentered="1"/>'
                     '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
                     '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
                     '<headerFooter><oddHeader>&amp;L&amp;F › &amp;A</oddHeader>'
                     '<oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter></worksheet>')
        yield "".join(parts)


_FONT = '<name val="宋体"/><family val="3"/><charset val="134"/>'
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet {_NS}>
<numFmts count="3"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>
<numFmt numFmtId="166" formatCode="yyyy-mm-dd hh:mm"/></numFmts>
<fonts count="2"><font><sz val="11"/>{_FONT}</font>
<font><b/><sz val="11"/><color rgb="FFFFFFFF"/>{_FONT}</font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FF305496"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="8">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">
<alignment horizontal="center" vertical="center" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def _quoted(name: str) -> str:
    """A sheet name as a reference in a defined name: 'name', with ' doubled."""
    return "'" + escape(name.replace("'", "''")) + "'"


def write_xlsx(path: Path, sheets: list[Sheet]) -> None:
    names, seen = [], set()
    for sheet in sheets:  # Excel: ≤ 31 characters, no []:*?/\\, unique
        name = re.sub(r"[\[\]:*?/\\]", "_", sheet.title)[:31]
        base, n = name, 2
        while name in seen:
            name = f"{base[:28]}({n})"
            n += 1
        seen.add(name)
        names.append(name)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  for i in range(1, len(sheets) + 1))
        + "</Types>")
    root_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                 'Target="xl/workbook.xml"/></Relationships>')
    book = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} {_NS_R}><sheets>'
            + "".join(f'<sheet name="{escape(n, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, n in enumerate(names, start=1))
            + "</sheets><definedNames>"
            + "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                      f"{_quoted(n)}!$A$1:${col_letter(len(s.header))}${max(len(s.rows) + 1, 2)}</definedName>"
                      f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{_quoted(n)}!$1:$1</definedName>'
                      for i, (n, s) in enumerate(zip(names, sheets)))
            + "</definedNames></workbook>")
    book_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                           f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
                 + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/styles" Target="styles.xml"/></Relationships>')
    tmp = path.with_name(path.name + ".tmp")
    plain = [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels), ("xl/workbook.xml", book),
             ("xl/_rels/workbook.xml.rels", book_rels), ("xl/styles.xml", _STYLES)]
    write_zip(tmp, [(name, [text.encode("utf-8")]) for name, text in plain]
              + [(f"xl/worksheets/sheet{i}.xml", _encoded(sheet)) for i, sheet in enumerate(sheets, start=1)])
    tmp.replace(path)


def _encoded(sheet: Sheet) -> Iterator[bytes]:
    """The sheet's XML as UTF-8, a piece at a time (deflated as it is made, never whole in memory)."""
    for chunk in sheet.xml_chunks():
        yield chunk.encode("utf-8")
