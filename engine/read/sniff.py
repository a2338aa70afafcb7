"""What kinds of ledger a workbook holds, from the top of each sheet only.

A large night reads its workbooks in two processes, each the workbooks of the policy areas it runs
(:mod:`engine.areas.run`); to deal them out, the kinds are known before anything is read in full. An .xlsx
sheet's XML is unzipped only as far as its first :data:`HEAD_ROWS` rows (where a header is looked for, and the
rows below it that :func:`~engine.read.sheets.best_match` looks at), the shared strings only as far as those
rows use them. The kinds found are a guess the night checks once everything is read: a workbook read by the
process whose areas do not read it makes the night start again in one process (never a wrong night).
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from .mapping import find_mapping
from .sheets import HEADER_SCAN_ROWS, best_match
from .workbook import XLSX_SUFFIXES, SheetGrid, _col_index, _local, xlsx_sheets

HEAD_ROWS = HEADER_SCAN_ROWS + 45  # header candidates, and the 40 rows under a header that identify a column


def sniff_kinds(path: Path, mappings) -> set[str] | None:
    """The kinds of ledger the workbook's sheets look like (an empty set: none), or None when that cannot be
    told cheaply (not an .xlsx, or anything unusual in the file)."""
    heads = sheet_heads(path)
    if heads is None:
        return None
    kinds = set()
    for grid in heads:
        mapping = find_mapping(mappings, path.name, grid.name)
        if mapping and mapping.ignore:
            continue
        m = best_match(grid, mapping)
        if m is not None and m.ok:
            kinds.add(m.kind.name)
    return kinds


def sheet_heads(path: Path, rows: int = HEAD_ROWS) -> list[SheetGrid] | None:
    """The first ``rows`` rows of every sheet of an .xlsx workbook, as grids of raw values (numbers as written,
    shared strings resolved); None for any other file or any file that is not plain."""
    if Path(path).suffix.lower() not in XLSX_SUFFIXES:
        return None
    try:
        with zipfile.ZipFile(path) as z:
            heads = [(name, _head(z, member, rows)) for name, member in xlsx_sheets(z)]
            wanted = {v[1] for _, grid in heads for row in grid for v in row if isinstance(v, tuple)}
            strings = _shared_strings(z, max(wanted)) if wanted else []
    except Exception:
        return None
    return [SheetGrid(name, [[strings[v[1]] if isinstance(v, tuple) else v for v in row] for row in grid])
            for name, grid in heads]


def _head(z: zipfile.ZipFile, member: str, limit: int) -> list[list]:
    from lxml import etree

    grid: list[list] = []
    with z.open(member) as fh:
        row_no = 0
        for _, row in etree.iterparse(fh, events=("end",), tag="{*}row", resolve_entities=False, no_network=True):
            row_no = int(row.get("r") or row_no + 1)
            if row_no > limit:
                break
            cells: list = []
            col = -1
            for c in row:
                if _local(c.tag) != "c":
                    continue
                ref = c.get("r")
                col = _col_index(ref.rstrip("0123456789")) if ref else col + 1
                cells.extend([""] * (col + 1 - len(cells)))
                cells[col] = _value(c)
            grid.extend([] for _ in range(row_no - 1 - len(grid)))
            grid.append(cells)
            row.clear()
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid]


def _value(c):
    kind = c.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter("{*}t"))
    v = next((e.text for e in c if _local(e.tag) == "v"), None)
    if v is None:
        return ""
    if kind == "s":
        return ("sst", int(v))
    if kind == "str":
        return v
    if kind == "e":
        return ""
    if kind == "b":
        return "TRUE" if v.strip() == "1" else "FALSE"
    number = float(v)
    return int(number) if number.is_integer() else number


def _shared_strings(z: zipfile.ZipFile, last: int) -> list[str]:
    from lxml import etree

    out: list[str] = []
    with z.open("xl/sharedStrings.xml") as fh:
        for _, si in etree.iterparse(fh, events=("end",), tag="{*}si", resolve_entities=False, no_network=True):
            out.append("".join(t.text or "" for t in si.iter("{*}t") if _local(t.getparent().tag) != "rPh"))
            si.clear()
            if len(out) > last:
                break
    return out
