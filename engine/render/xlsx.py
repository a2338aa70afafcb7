"""A small, fast .xlsx writer for the exception workbook.

openpyxl builds an object per cell; a 20,000-unit night writes about half a
million cells, so this module writes the sheet XML directly. It supports what
the exception workbook needs and nothing more: text and numbers, a styled
header row, column widths, a frozen first row, an auto-filter and a list
validation. Every string is an inline string, so nothing a user typed can
ever become a formula. The files open in Excel, WPS, LibreOffice, openpyxl
and calamine (the tests read them back with openpyxl).
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _cell(ref: str, value, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    text = escape(_ILLEGAL.sub("", str(value)))
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{text}</t></is></c>'


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list]
    widths: dict[int, float] = field(default_factory=dict)
    choices: tuple[int, tuple[str, ...]] | None = None  # (1-based column, allowed values)

    def xml(self) -> str:
        ncols = len(self.header)
        last = f"{col_letter(ncols)}{max(len(self.rows) + 1, 2)}"
        cols = "".join(f'<col min="{i}" max="{i}" width="{self.widths.get(i, max(10, len(h) * 2 + 2))}" customWidth="1"/>'
                       for i, h in enumerate(self.header, start=1))
        letters = [col_letter(i) for i in range(1, ncols + 1)]
        parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} {_NS_R}>',
                 f'<dimension ref="A1:{last}"/>',
                 '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                 'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>',
                 f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>',
                 '<row r="1">' + "".join(_cell(f"{letters[i]}1", h, 1) for i, h in enumerate(self.header)) + "</row>"]
        for r, row in enumerate(self.rows, start=2):
            parts.append(f'<row r="{r}">' + "".join(_cell(f"{letters[i]}{r}", v) for i, v in enumerate(row[:ncols]))
                         + "</row>")
        parts.append(f'</sheetData><autoFilter ref="A1:{last}"/>')
        if self.choices:
            col, values = self.choices
            letter = col_letter(col)
            formula = escape('"' + ",".join(values) + '"')
            parts.append(f'<dataValidations count="1"><dataValidation type="list" allowBlank="0" showErrorMessage="1" '
                         f'errorTitle="{escape(self.header[col - 1])}" error="请选择 {escape(" 或 ".join(values))}" '
                         f'sqref="{letter}2:{letter}{max(len(self.rows) + 1, 2)}"><formula1>{formula}</formula1>'
                         f'</dataValidation></dataValidations>')
        parts.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
        return "".join(parts)


_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet {_NS}>
<fonts count="2"><font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>
<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="宋体"/><family val="3"/><charset val="134"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FF305496"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">
<alignment horizontal="center" vertical="center" wrapText="1"/></xf></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


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
                      f"'{escape(n)}'!$A$1:${col_letter(len(s.header))}${max(len(s.rows) + 1, 2)}</definedName>"
                      for i, (n, s) in enumerate(zip(names, sheets)))
            + "</definedNames></workbook>")
    book_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                           f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
                 + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/styles" Target="styles.xml"/></Relationships>')
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", root_rels)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", book_rels)
        z.writestr("xl/styles.xml", _STYLES)
        for i, sheet in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheet.xml())
    tmp.replace(path)
