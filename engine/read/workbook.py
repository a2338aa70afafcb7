"""Open a workbook and return each sheet as a grid of raw cell values.

python-calamine reads the values (fast, .xlsx and old .xls). Calamine reads a
formula error cell (``#REF!``, ``#DIV/0!``) as an empty string, and an
uncalculated formula as empty too, so the sheet XML (or xlrd for .xls) is
scanned for those cells: an error cell is a data problem, never blank or zero.
"""
from __future__ import annotations

import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SUFFIXES = XLSX_SUFFIXES | {".xls"}


class UnreadableWorkbook(Exception):
    """The file cannot be opened at all (half-copied, corrupt, password-protected)."""


@dataclass
class SheetGrid:
    name: str
    rows: list[list]  # rows[i][j] is Excel row i+1, column j+1
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row0, col0) → "#REF!"


def list_workbooks(folder: Path) -> list[Path]:
    """Every .xlsx/.xls in the folder, sorted, skipping Excel lock files (~$…) and hidden files."""
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", "."))
    )


def _read_sheet(path: Path, name: str) -> list[list]:
    # A workbook object per sheet: calamine releases the GIL while it parses, so sheets read in parallel.
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)


def _error_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    return _xlsx_error_cells(path) if path.suffix.lower() in XLSX_SUFFIXES else _xls_error_cells(path)


def read_workbook(path: Path, pool: ThreadPoolExecutor | None = None) -> list[SheetGrid]:
    """Every sheet of one workbook as a grid, error cells marked. Raises UnreadableWorkbook."""
    own_pool = pool is None
    pool = pool or ThreadPoolExecutor(max_workers=2)
    try:
        try:
            names = list(CalamineWorkbook.from_path(str(path)).sheet_names)
        except Exception as exc:  # calamine raises several error types for broken files
            raise UnreadableWorkbook(str(exc)) from exc
        errors_job = pool.submit(_error_cells, path)
        sheet_jobs = [pool.submit(_read_sheet, path, name) for name in names]
        grids = []
        for name, job in zip(names, sheet_jobs):
            try:
                grids.append(SheetGrid(name, job.result()))
            except Exception as exc:
                raise UnreadableWorkbook(str(exc)) from exc
        try:
            errors = errors_job.result()
        except Exception as exc:
            raise UnreadableWorkbook(f"无法检查公式错误单元格: {exc}") from exc
    finally:
        if own_pool:
            pool.shutdown()
    for grid in grids:
        grid.errors = errors.get(grid.name, {})
    return grids


# ------------------------------------------------------------------ xlsx

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_REF_RE = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"')
_VALUE_RE = re.compile(rb"<v>([^<]*)</v>")


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _xlsx_sheet_paths(z: zipfile.ZipFile) -> dict[str, str]:
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
    out = {}
    for s in book.findall("m:sheets/m:sheet", _NS):
        target = targets.get(s.get(f"{{{_NS['r']}}}id"), "")
        target = target.lstrip("/")
        out[s.get("name")] = target if target.startswith("xl/") else f"xl/{target}"
    return out


def _cell_at(data: bytes, pos: int) -> tuple[tuple[int, int], bytes] | None:
    """The (row0, col0) and XML of the <c> element that contains byte offset ``pos``, if any."""
    start = data.rfind(b"<c ", 0, pos)
    if start == -1:
        return None
    m = _REF_RE.match(data, start)
    tag_end = data.find(b">", start)
    if not m or tag_end == -1:
        return None
    if data[tag_end - 1:tag_end] == b"/":  # <c .../> has no content
        return None if pos > tag_end else ((int(m.group(2)) - 1, _col_index(m.group(1))), data[start:tag_end + 1])
    end = data.find(b"</c>", start)
    if end == -1 or end < pos:
        return None
    return (int(m.group(2)) - 1, _col_index(m.group(1))), data[start:end]


def _uncalculated(cell_xml: bytes) -> bool:
    """A formula with no cached result (written by a script, never opened in Excel); "" from a text formula is fine."""
    v = _VALUE_RE.search(cell_xml)
    return not v or (not v.group(1) and b't="str"' not in cell_xml[: cell_xml.find(b">")])


def _xlsx_error_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Error cells (t="e") and formulas without a cached value, found by byte search (no full XML parse)."""
    out: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(path) as z:
        for name, member in _xlsx_sheet_paths(z).items():
            data = z.read(member)
            found = {}
            pos = data.find(b't="e"')
            while pos != -1:
                cell = _cell_at(data, pos)
                if cell:
                    v = _VALUE_RE.search(cell[1])
                    found[cell[0]] = v.group(1).decode() if v else "#错误"
                pos = data.find(b't="e"', pos + 5)
            for tag in (b"<f>", b"<f "):
                pos = data.find(tag)
                while pos != -1:
                    cell = _cell_at(data, pos)
                    if cell and cell[0] not in found and _uncalculated(cell[1]):
                        found[cell[0]] = "公式未计算"
                    pos = data.find(tag, pos + 3)
            if found:
                out[name] = found
    return out


# ------------------------------------------------------------------ xls

def _xls_error_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    import xlrd

    out: dict[str, dict[tuple[int, int], str]] = {}
    book = xlrd.open_workbook(str(path), on_demand=True)
    try:
        for sheet in book.sheets():
            found = {}
            for r in range(sheet.nrows):
                for c, ctype in enumerate(sheet.row_types(r)):
                    if ctype == xlrd.XL_CELL_ERROR:
                        code = sheet.cell_value(r, c)
                        found[(r, c)] = xlrd.error_text_by_code.get(code, "#错误")
            if found:
                out[sheet.name] = found
    finally:
        book.release_resources()
    return out
