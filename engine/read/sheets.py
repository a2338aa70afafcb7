"""Recognise a sheet's ledger kind and header row, and cut it into data rows.

Title rows above the header, a two-row header (a merged group row over the
real names), totals rows (合计/小计/总计), blank rows and notes below the
table are all handled here; what is skipped is counted, never dropped silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .kinds import KINDS, KindSpec, field_for_header, norm_header
from .mapping import SheetMapping
from .parse import is_blank, norm_text
from .workbook import SheetGrid

HEADER_SCAN_ROWS = 20
TOTALS_WORDS = ("合计", "小计", "总计")
_NOTE_RE = re.compile(r"^(注|备注|说明|制表|填表|审核|打印)")


@dataclass
class Layout:
    kind: KindSpec
    header_row: int  # 0-based index of the (lower) header row
    columns: dict[str, int]  # field name → column index
    headers: dict[int, str]  # column index → header text as written


@dataclass
class RawRow:
    row: int  # Excel row number
    cells: list
    errors: dict[int, str]  # col index → error text


@dataclass
class SheetRows:
    layout: Layout
    rows: list[RawRow] = field(default_factory=list)
    skipped: dict[str, list[int]] = field(default_factory=dict)  # reason → Excel row numbers


def _header_texts(grid: SheetGrid, r: int) -> dict[int, str]:
    """Header text per column for candidate row r, filling blanks from the row above (two-row headers)."""
    row = grid.rows[r]
    above = grid.rows[r - 1] if r > 0 else []
    out = {}
    for c, value in enumerate(row):
        text = norm_text(value)
        if not text and c < len(above):
            text = norm_text(above[c])
        if text:
            out[c] = text
    return out


def _match(kind: KindSpec, headers: dict[int, str], renames: dict[str, str]) -> dict[str, int]:
    renamed = {norm_header(k): v for k, v in renames.items()}
    cols: dict[str, int] = {}
    for c, text in headers.items():
        name = renamed.get(norm_header(text)) or field_for_header(kind.name, text)
        if name and name not in cols:
            cols[name] = c
    return cols


def detect_layout(grid: SheetGrid, mapping: SheetMapping | None = None) -> Layout | None:
    """The best (kind, header row) for the sheet, or None when no kind's required headers are there."""
    kinds = [KINDS[mapping.kind]] if mapping and mapping.kind else list(KINDS.values())
    renames = mapping.columns if mapping else {}
    if mapping and mapping.header_row:
        candidates = [mapping.header_row - 1]
    else:
        candidates = range(min(HEADER_SCAN_ROWS, len(grid.rows)))
    best: tuple[int, Layout] | None = None
    for r in candidates:
        if r >= len(grid.rows):
            continue
        headers = _header_texts(grid, r)
        if len(headers) < 2 and not mapping:
            continue
        for kind in kinds:
            cols = _match(kind, headers, renames)
            if not all(req in cols for req in kind.required):
                continue
            score = len(cols)
            if best is None or score > best[0]:
                best = (score, Layout(kind, r, cols, {c: str(grid.rows[r][c] or headers[c]) for c in headers}))
    return best[1] if best else None


def _is_total(text: str) -> bool:
    if "计" not in text:  # 合计 / 小计 / 总计
        return False
    compact = norm_text(text).replace(" ", "")
    return compact.startswith(TOTALS_WORDS)


def split_rows(grid: SheetGrid, layout: Layout) -> SheetRows:
    out = SheetRows(layout)
    used = sorted(layout.columns.values())
    errors_by_row: dict[int, dict[int, str]] = {}
    for (rr, c), e in grid.errors.items():
        errors_by_row.setdefault(rr, {})[c] = e
    for r in range(layout.header_row + 1, len(grid.rows)):
        cells = grid.rows[r]
        row_errors = errors_by_row.get(r, {})
        n_filled = len(cells) - cells.count("") - cells.count(None)
        if n_filled <= 2:  # few cells: count exactly (whitespace-only cells are blank)
            n_filled = sum(1 for v in cells if not is_blank(v))
        if not n_filled and not row_errors:
            out.skipped.setdefault("空行", []).append(r + 1)
            continue
        firsts = []
        for v in cells:
            if v != "" and v is not None and not (isinstance(v, str) and not v.strip()):
                firsts.append(v)
                if len(firsts) == 2:
                    break
        if any(isinstance(v, str) and _is_total(v) for v in firsts):
            out.skipped.setdefault("合计行", []).append(r + 1)
            continue
        if n_filled == 1 and isinstance(firsts[0], str) and not row_errors and (
            _NOTE_RE.match(norm_text(firsts[0])) or all(is_blank(cells[c]) for c in used if c < len(cells))
        ):
            out.skipped.setdefault("表格外备注", []).append(r + 1)
            continue
        out.rows.append(RawRow(r + 1, cells, row_errors))
    return out
