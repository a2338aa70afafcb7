"""The exception workbook clerks work through: one sheet per kind of finding.

Chinese headers, a frozen header row, filters, a 状态 column with a dropdown
(未处理/已处理). Every user string is written as text, so nothing from a
ledger can become a formula; phone and ID numbers are masked.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..findings import Finding
from .mask import scrub

FINDING_HEADER = ["序号", "严重程度", "政策编号", "规则", "对象", "说明", "文书", "来源（文件 › 工作表 › 行 › 列）",
                  "依据", "状态", "处理说明"]
STATUS_CHOICES = ("未处理", "已处理")
# Sheets in the order a clerk works through them; other categories follow alphabetically.
SHEET_ORDER = ["数据问题", "催费通知", "分期协议", "缴费提醒", "收费率", "投诉升级", "二次投诉", "投诉时限", "投诉回访",
               "返修", "回访抽样", "首问责任", "服务承诺", "投诉月报", "规则参数"]
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="305496")


def _text_cell(ws, value, header: bool = False):
    if isinstance(value, str):
        cell = WriteOnlyCell(ws)
        # Set as text directly: never a formula, whatever the string starts with ("=", "+", "@" …).
        cell._value = ILLEGAL_CHARACTERS_RE.sub("", scrub(value))
        cell.data_type = "s"
    else:
        cell = WriteOnlyCell(ws, value=value)
    if header:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list], widths: dict[int, int] | None = None,
           status_col: int | None = None):
    ws = wb.create_sheet(title=title[:31])
    ws.freeze_panes = "A2"
    for i, h in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = (widths or {}).get(i, max(10, len(h) * 2 + 2))
    last_col = get_column_letter(len(header))
    ws.auto_filter.ref = f"A1:{last_col}{max(len(rows) + 1, 2)}"
    if status_col is not None:
        dv = DataValidation(type="list", formula1='"%s"' % ",".join(STATUS_CHOICES), allow_blank=False,
                            showErrorMessage=True, errorTitle="状态", error="请选择 未处理 或 已处理")
        letter = get_column_letter(status_col)
        dv.add(f"{letter}2:{letter}{max(len(rows) + 1, 2)}")
        ws.data_validations.append(dv)
    ws.append([_text_cell(ws, h, header=True) for h in header])
    for row in rows:
        ws.append([_text_cell(ws, v) for v in row])
    return ws


def write_workbook(path: Path, findings: list[Finding], extra_sheets: dict[str, tuple[list[str], list[list]]],
                   summary: list[list]) -> None:
    wb = Workbook(write_only=True)
    _sheet(wb, "汇总", ["项目", "数量/说明"], summary, widths={1: 30, 2: 60})
    by_category: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_category[f.category].append(f)
    order = [c for c in SHEET_ORDER if c in by_category] + sorted(c for c in by_category if c not in SHEET_ORDER)
    widths = {1: 6, 2: 8, 3: 8, 4: 10, 5: 14, 6: 70, 7: 16, 8: 50, 9: 40, 10: 10, 11: 30}
    for category in order:
        rows = []
        for i, f in enumerate(by_category[category], start=1):
            rows.append([i, f.severity, f.policy, f.rule, f.subject or "", f.message,
                         f"《{f.document}》" if f.document else "", "；".join(s.label() for s in f.sources),
                         f.citation or "", STATUS_CHOICES[0], ""])
        _sheet(wb, category, FINDING_HEADER, rows, widths, status_col=10)
    for title, (header, rows) in extra_sheets.items():
        _sheet(wb, title, header, rows, widths={i: 16 for i in range(1, len(header) + 1)})
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)
