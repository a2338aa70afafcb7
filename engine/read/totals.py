"""A ledger's own 合计 / 小计 rows, kept for the check that they agree with the rows above them (帐表相符).

The reader skips a totals row (it is not data), but keeps its cells (``SheetRows.totals``). Validation
calls :func:`totals_of` for each part of a sheet while the parsed columns are still at hand: for every
amount column of the part, the value the sheet wrote on its totals row and the sums of the rows read —
since the totals row before it (a 小计 section) and since the top of the table (a grand total) — with the
Excel rows whose amount could not be read (so a difference can say why). No policy here: the rule file
decides what a difference means.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field  # the dataclass below has a member named `field`
from bisect import bisect_left
from decimal import Decimal

from .parse import CellError, display, is_blank, norm_text, parse_amount


@dataclass
class SheetTotal:
    kind: str
    file: str
    sheet: str
    row: int  # the totals row (Excel)
    label: str  # 合计 / 小计 / 总计 as written ("" for a row of numbers only)
    field: str  # the amount field (amount_due, amount_paid …)
    header: str  # its column header as written
    address: str | None  # the written total's cell (e.g. D209)
    written: Decimal
    written_text: str
    section: Decimal  # sum of the rows read since the totals row before this one (or the top)
    section_first: int | None  # Excel rows of that section
    section_last: int | None
    whole: Decimal  # sum of the rows read since the top of the table
    unread_section: list[int] = dc_field(default_factory=list)  # rows of the section whose amount was not read
    unread_whole: list[int] = dc_field(default_factory=list)


def _label(cells: list) -> str:
    for v in cells:
        if isinstance(v, str) and "计" in v:
            return norm_text(v)
    return ""


def totals_of(kind, layout, total_rows: list, rows: list, names: list[str], parsed_columns: list[list],
              file: str, sheet: str, headers: dict[str, str], address) -> list[SheetTotal]:
    """One entry per totals row and amount column of a part (``rows`` and ``parsed_columns`` in step;
    ``address(field, row)``: a cell's address). A row counts in a column's sum when that column's amount
    was read, whatever its other cells; an amount that could not be read is listed, not guessed."""
    out: list[SheetTotal] = []
    if not total_rows:
        return out
    amount_fields = [n for n in names if kind.has(n) and kind.field(n).type == "amount" and n in layout.columns
                     and n not in layout.constants]
    numbers = [r.row for r in rows]  # Excel row numbers, top to bottom
    for fname in amount_fields:
        col = layout.columns[fname]
        values = parsed_columns[names.index(fname)]
        i = 0
        whole = Decimal("0")
        unread_whole: list[int] = []
        for t in sorted(total_rows, key=lambda r: r.row):
            j = bisect_left(numbers, t.row, lo=i)  # the section: rows i … j-1, above this totals row
            part = values[i:j]
            section = sum((v for v in part if isinstance(v, Decimal)), Decimal("0"))
            unread_section = [numbers[k] for k, v in enumerate(part, i) if not (v is None or isinstance(v, Decimal))]
            first, last = (numbers[i], numbers[j - 1]) if j > i else (None, None)
            i = j
            whole += section
            unread_whole += unread_section
            raw = t.cells[col] if col < len(t.cells) else None
            if is_blank(raw) or col in t.errors:
                continue
            try:
                written = parse_amount(raw)
            except CellError:
                continue
            if written is None:
                continue
            out.append(SheetTotal(kind.name, file, sheet, t.row, _label(t.cells), fname, headers.get(fname, fname),
                                  address(fname, t.row), written, display(raw), section, first, last, whole,
                                  unread_section, list(unread_whole)))
    return out
