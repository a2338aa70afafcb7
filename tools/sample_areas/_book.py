"""The one workbook writer the demo-ledger plug-ins share.

``save(path, {sheet: rows})`` writes each sheet's rows as given (``None`` = an empty cell); with
``formats`` (the default) dates and date-times get a readable Excel format. ``make samples`` pins every
workbook's timestamps afterwards, so the same rows give the same bytes.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path


def save(path: Path, sheets: dict[str, list[list]], *, formats: bool = True) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(r, c)
                cell.value = value
                if formats and isinstance(value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif formats and isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    wb.properties.created = wb.properties.modified = dt.datetime(2026, 11, 1)
    wb.save(path)


def table(title: str | None, header: list, rows: list[list]) -> list[list]:
    """A sheet as staff keep it: an optional title row, the header, the rows."""
    return ([[title]] if title else []) + [header] + [list(r) for r in rows]
