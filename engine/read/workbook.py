"""Open a workbook and return each sheet as a grid of raw cell values.

python-calamine reads the values (fast, .xlsx and old .xls). Three things it
cannot be trusted with are settled here first, from the file itself:

* **Error cells and uncalculated formulas.** Calamine reads ``#REF!`` and a
  formula without a cached result as an empty string; an error cell is a data
  problem, never blank or zero. For .xlsx the sheet XML is scanned: cells that
  *might* be errors, formulas or booleans are located quickly, and each one is
  then parsed as XML (so namespace prefixes, either quote style and line
  breaks inside tags read as the format allows). A sheet written in any other
  shape than the usual one (prefixed elements, cells without an address,
  another encoding) is parsed in full, streaming, with lxml. For .xls, xlrd
  reads the cell types (error codes, and a formula whose cached result is an
  empty string, which is what a formula never calculated looks like).
* **Booleans.** ``TRUE`` is a logical value, not 1: boolean cells are handed on
  as the text Excel shows (``TRUE``/``FALSE``), which no number parser accepts.
* **Size.** Calamine lays a sheet out as a dense grid from A1 to its last
  cell, so one stray cell at XFD1048576 would ask for billions of cells and
  abort the process. The last cell is found before calamine reads the sheet,
  and a sheet larger than :data:`MAX_CELLS` is refused with a message.

Sheets are read by position, not by name, so two sheets with the same name
(which Excel forbids, but other programs write) are both read; the second
carries a sheet-level problem in :attr:`SheetGrid.problems`.
"""
from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from python_calamine import CalamineWorkbook

try:
    from isal import isal_zlib as fast_zlib
except ImportError:  # zipfile's zlib reads the same
    fast_zlib = None  # type: ignore[assignment]

XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SUFFIXES = XLSX_SUFFIXES | {".xls"}

# Technical bounds (not policy): what one sheet may cost before it is refused with a message.
MAX_CELLS = 10_000_000  # rows × columns of the grid from A1 to the last cell (calamine allocates all of it)
MAX_SHEET_XML = 1 << 30  # uncompressed bytes of one sheet's XML (a zip bomb is refused, not inflated)


class UnreadableWorkbook(Exception):
    """The file cannot be opened at all (half-copied, corrupt, password-protected, absurdly large)."""


@dataclass
class SheetGrid:
    name: str
    rows: list[list]  # rows[i][j] is Excel row i+1, column j+1
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row0, col0) → "#REF!"
    problems: list[str] = field(default_factory=list)  # sheet-level problems (Chinese), each worth a finding


@dataclass
class _Scan:
    """What the file itself says about one sheet, found before calamine reads it."""

    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    booleans: dict[tuple[int, int], bool] = field(default_factory=dict)
    rows: int = 0  # last row (1-based) holding a cell
    cols: int = 0  # last column (1-based) holding a cell


def list_workbooks(folder: Path) -> list[Path]:
    """Every .xlsx/.xls in the folder, sorted, skipping Excel lock files (~$…), hidden files and wuye's own
    exception workbooks (异常清单_*.xlsx, dropped back by the clerk: read for their 状态 by engine.record.status)."""
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", ".", "异常清单_"))
    )


def col_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB); the one conversion the engine uses."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _read_sheet(source: Path | bytes, index: int) -> list[list]:
    # A workbook object per sheet: calamine releases the GIL while it parses, so sheets read in parallel.
    book = (CalamineWorkbook.from_filelike(io.BytesIO(source)) if isinstance(source, bytes)
            else CalamineWorkbook.from_path(str(source)))
    return book.get_sheet_by_index(index).to_python(skip_empty_area=False)


def _unique_names_copy(path: Path, names: list[str]) -> bytes:
    """The workbook with its sheets renamed apart, in memory: calamine finds a sheet by its name, even by index."""
    from lxml import etree

    out = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
                sheets = [el for el in root.iter() if _local(el.tag) == "sheet"]
                for index, el in enumerate(sheets):
                    el.set("name", f"{index}\u2063{el.get('name')}")  # an invisible separator: unique, never typed
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            zout.writestr(item, data)
    return out.getvalue()


def read_workbook(path: Path, pool: ThreadPoolExecutor | None = None,
                  scanned: tuple[list[str], list[_Scan]] | None = None) -> list[SheetGrid]:
    """Every sheet of one workbook as a grid, error cells marked, booleans as TRUE/FALSE. Raises UnreadableWorkbook.
    ``scanned``: the sheet names and scans :func:`scan_ahead` made of this file in another process."""
    path = Path(path)
    try:
        names = list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as exc:  # calamine raises several error types for broken files
        raise UnreadableWorkbook(_short(exc)) from exc
    scans = ([(scan, None) for scan in scanned[1]] if scanned and scanned[0] == names and len(scanned[1]) == len(names)
             else _scan_sheets(path, names))
    source: Path | bytes = path
    if len(set(names)) < len(names):  # two sheets of one name: calamine would read the first one twice
        if path.suffix.lower() not in XLSX_SUFFIXES:
            raise UnreadableWorkbook("工作簿中有两个同名工作表，无法分别读取：请给其中一个改名后保存")
        try:
            source = _unique_names_copy(path, names)
        except Exception as exc:
            raise UnreadableWorkbook(f"工作簿中有同名工作表，且无法分别读取: {_short(exc)}") from exc
    own_pool = pool is None
    pool = pool or ThreadPoolExecutor(max_workers=3)
    try:
        jobs = []
        for index, (scan, finish) in enumerate(scans):
            if scan.rows * scan.cols > MAX_CELLS:
                raise UnreadableWorkbook(
                    f"工作表「{names[index]}」的数据区域从 A1 到 {col_letter(scan.cols - 1)}{scan.rows}"
                    f"（约 {scan.rows * scan.cols:,} 个单元格），超出可读取的大小。通常是远处的某个单元格被误填或设了格式："
                    "请在 Excel 中删除最后一行数据以下、最后一列以右的所有行列后保存")
            # the size is known to be safe: calamine reads this sheet while its error cells are looked for
            jobs.append((pool.submit(finish) if finish else None, scan, pool.submit(_read_sheet, source, index)))
        grids = []
        for name, (scan_job, scan, job) in zip(names, jobs):
            try:
                rows = job.result()
            except Exception as exc:
                raise UnreadableWorkbook(f"工作表「{name}」无法读取: {_short(exc)}") from exc
            if scan_job is not None:
                try:
                    scan = scan_job.result()
                except UnreadableWorkbook:
                    raise
                except Exception as exc:
                    raise UnreadableWorkbook(f"工作表「{name}」的内容无法解析: {_short(exc)}") from exc
            width = len(rows[0]) if rows else 0
            for r, c in scan.errors:  # calamine drops a trailing row or cell that reads as empty: an error cell must stay
                while len(rows) <= r:
                    rows.append([""] * width)
                if len(rows[r]) <= c:
                    rows[r].extend([""] * (c + 1 - len(rows[r])))
            for (r, c), value in scan.booleans.items():
                if r < len(rows) and c < len(rows[r]) and isinstance(rows[r][c], bool):
                    rows[r][c] = "TRUE" if value else "FALSE"
            grids.append(SheetGrid(name, rows, scan.errors))
    finally:
        if own_pool:
            pool.shutdown()
    seen: dict[str, int] = {}
    for index, grid in enumerate(grids):
        if grid.name in seen:
            grid.problems.append(
                f"与第{seen[grid.name] + 1}个工作表同名（第{index + 1}个工作表「{grid.name}」）：两个工作表都已读取，"
                "请给其中一个改名，以免混淆")
        else:
            seen[grid.name] = index
    return grids


def scan_ahead(paths: list[Path]) -> Iterator[tuple[str, list[str], list[_Scan] | None]]:
    """For each workbook in turn, what :func:`read_workbook` first looks for in the file itself: (file name, sheet
    names, each sheet's scan) — None where the file cannot be scanned (its reader then meets the problem itself).
    Run in a second process while the reader parses the workbooks before (engine.read.ledgers)."""
    for path in paths:
        if path.suffix.lower() not in SUFFIXES:
            continue
        try:
            names = list(CalamineWorkbook.from_path(str(path)).sheet_names)
            yield path.name, names, [finish() if finish else scan for scan, finish in _scan_sheets(path, names)]
        except Exception:
            yield path.name, [], None


def _short(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    return text if len(text) <= 300 else text[:300] + "…"


def _scan_sheets(path: Path, names: list[str]):
    if path.suffix.lower() in XLSX_SUFFIXES:
        yield from _xlsx_scans(path, names)
    else:
        yield from _xls_scans(path, names)


# ------------------------------------------------------------------ xlsx

_MAIN_NS = {"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            "http://purl.oclc.org/ooxml/spreadsheetml/main"}
_REL_ID = {"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
           "http://purl.oclc.org/ooxml/officeDocument/relationships"}

# The usual shape: every cell element inside <sheetData> written ``<c r="A1"…`` with no prefix. Anything else
# (prefixes, cells without an address, line breaks inside a tag, rich text, another encoding) is parsed in full.
_ODD_CELL = re.compile(rb'<c(?! r=")')  # a cell element not written <c r="…
_BEYOND = re.compile(rb'<c r="(?:[A-Z]{2,3}[0-9]|[A-Z][0-9]{6,})')  # a cell past column Z or row 99,999
_COLS_1 = re.compile(rb'<c r="([A-Z])[0-9]')
_COLS_3 = re.compile(rb'<c r="([A-Z]{3})[0-9]')
_COLS_2 = re.compile(rb'<c r="([A-Z]{2,3})[0-9]')
_ROWS_BIG = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{6,})"')
_ROWS_ANY = re.compile(rb'<c r="[A-Z]{1,3}([0-9]+)"')
# a prefixed element (a formula <x:f> too: the fast search below looks for <f only)
_PREFIXED = re.compile(rb":(?:c|row|sheetData|f)[\s/>]")
_EMPTY_V = re.compile(rb"<v(?:></v>|/>| )")  # a number with no digits (what some programs write for NaN)
# Places that might be an error cell or a boolean (any quoting, spacing or character reference), or a formula.
_MAYBE_T = re.compile(rb"t\s*=\s*[\"']\s*[eb&]")
_START_TAG = re.compile(rb"<c(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*(/?)>")
_REF = re.compile(r"^\s*([A-Za-z]{1,3})([0-9]{1,7})\s*$")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _xlsx_parts(z: zipfile.ZipFile, names: list[str]) -> list[str | None]:
    """The XML part of each sheet, in the workbook's order (the order calamine lists them)."""
    out = xlsx_sheets(z)
    if [n for n, _ in out] != names:  # should not happen; pair by name rather than guess
        by_name = dict(out)
        return [by_name.get(n) for n in names]
    return [m for _, m in out]


def xlsx_sheets(z: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, XML part) of each sheet, in the workbook's order."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    book = etree.fromstring(z.read("xl/workbook.xml"), parser)
    rels_name = "xl/_rels/workbook.xml.rels"
    rels = etree.fromstring(z.read(rels_name), parser) if rels_name in z.namelist() else None
    targets = {}
    if rels is not None:
        for r in rels:
            if _local(r.tag) == "Relationship":
                targets[r.get("Id")] = r.get("Target") or ""
    sheets = [el for el in book.iter() if _local(el.tag) == "sheet" and _local(el.getparent().tag) == "sheets"]
    out = []
    for s in sheets:
        rid = next((v for k, v in s.attrib.items() if k.startswith("{") and k[1:].split("}")[0] in _REL_ID
                    and _local(k) == "id"), None)
        target = targets.get(rid, "")
        if target.startswith("/"):
            member = target.lstrip("/")
        else:
            member = posixpath.normpath(posixpath.join("xl", target))
        out.append((s.get("name"), member))
    return out


def _xlsx_scans(path: Path, names: list[str]):
    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise UnreadableWorkbook(_short(exc)) from exc
    with z:
        try:
            members = _xlsx_parts(z, names)
        except Exception as exc:
            raise UnreadableWorkbook(f"无法读取工作簿目录（xl/workbook.xml）: {_short(exc)}") from exc
        present = set(z.namelist())
        for name, member in zip(names, members):
            if member is None or member not in present:
                raise UnreadableWorkbook(f"找不到工作表「{name}」的内容（{member}），无法检查公式错误单元格")
            info = z.getinfo(member)
            if info.file_size > MAX_SHEET_XML:
                raise UnreadableWorkbook(f"工作表「{name}」解压后超过 {MAX_SHEET_XML >> 20} MB，超出可读取的大小")
            try:
                yield _sheet_scan(_member_bytes(z, info))
            except UnreadableWorkbook:
                raise
            except Exception as exc:
                raise UnreadableWorkbook(f"工作表「{name}」的内容无法解析: {_short(exc)}") from exc


def _member_bytes(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, inflated by ISA-L where it is installed (twice zlib's speed: the bench night's sheets are
    220 MB of XML). Anything else — another method, encryption, a size or checksum that does not add up — is
    read by zipfile, which reads what it can and raises for the rest as before."""
    if fast_zlib is None or info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1 or z.fp is None:
        return z.read(info)
    fp = z.fp
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        return z.read(info)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    raw = fp.read(info.compress_size)
    try:
        inflate = fast_zlib.decompressobj(-15)
        data = inflate.decompress(raw, info.file_size + 1)  # never more than it says it holds (a zip bomb)
    except Exception:  # (ISA-L's error for a broken stream)
        return z.read(info)
    if not inflate.eof or len(data) != info.file_size or fast_zlib.crc32(data) != info.CRC:
        return z.read(info)
    return data


def scan_sheet_xml(data: bytes, *, full: bool = False) -> _Scan:
    """Error cells, booleans, uncalculated formulas and the last cell of one sheet's XML."""
    scan, finish = _sheet_scan(data, full=full)
    return finish() if finish else scan


def _sheet_scan(data: bytes, *, full: bool = False):
    """(scan with the sheet's size, a function that finishes it) — or (complete scan, None) for an unusual sheet.
    The size comes first and fast: calamine must not be asked for a sheet that is too big. The cells are looked
    at where they lie in ``data``, between ``<sheetData`` and its end, not copied out (measured on a 42 MB sheet
    of the bench night's fee ledger: 596 → 508 ms, and 42 MB less held)."""
    start, end = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
    if b"<!DOCTYPE" in (data[:start] if start != -1 else data):  # a DTD can only come before the root element
        raise UnreadableWorkbook("工作表内容含 DTD 声明（Excel 不会写入），为安全起见不予读取")
    if full or not data.startswith(b"<") or start == -1 or end < start:  # a BOM, another encoding, a prefix
        return _scan_full(data), None
    if _ODD_CELL.search(data, start, end) or _PREFIXED.search(data):
        return _scan_full(data), None
    scan = _Scan()
    scan.rows, scan.cols = _last_cell(data, start, end)
    return scan, lambda: _find_cells(scan, data, start, end)


def _find_cells(scan: _Scan, data: bytes, start: int, end: int) -> _Scan:
    """Candidates for error cells, booleans and formulas in ``data[start:end]`` located fast, then each parsed
    as XML."""
    maybe = [m.start() for m in _MAYBE_T.finditer(data, start, end)]
    pos = data.find(b"<f", start, end)
    while pos != -1:
        if data[pos + 2:pos + 3] in (b" ", b"\t", b"\n", b"\r", b"/", b">"):
            maybe.append(pos)
        pos = data.find(b"<f", pos + 2, end)
    maybe += [m.start() for m in _EMPTY_V.finditer(data, start, end)]
    seen = set()
    for pos in sorted(maybe):
        first = data.rfind(b"<c ", start, pos + 1)
        if first == -1 or first in seen:
            continue
        opening = _START_TAG.match(data, first, end)
        if not opening:
            return _scan_full(data)
        if opening.group(1):  # <c …/>: no content
            last = opening.end()
        else:
            last = data.find(b"</c>", opening.end(), end)
            if last == -1:
                return _scan_full(data)
            last += 4
        if pos >= last:  # not inside a cell (e.g. a row attribute): nothing to read
            continue
        seen.add(first)
        cell = _parse_fragment(data[first:last])
        if cell is None:
            return _scan_full(data)
        _note_cell(scan, cell, None)
    return scan


def _last_cell(data: bytes, start: int, end: int, exact: bool = False) -> tuple[int, int]:
    """(rows, columns) from A1 to the last cell of a usual-shape <sheetData> (``data[start:end]``); an upper
    bound unless ``exact``. The usual sheet (within Z99999) takes one search; otherwise the bound is looked for
    from the first cell past column Z or row 99,999, as nothing before it can raise it."""
    beyond = None if exact else _BEYOND.search(data, start, end)
    if not exact and beyond is None:
        rows, cols = 99_999, 26
    else:
        first = start if beyond is None else beyond.start()
        if not _COLS_2.search(data, first, end):  # one letter: column Z at most
            cols = 26
            if exact:
                found = set(_COLS_1.findall(data, start, end))
                cols = max((_col_index(c.decode()) + 1 for c in found), default=0)
        else:
            pattern = _COLS_3 if _COLS_3.search(data, first, end) else _COLS_2
            cols = max(_col_index(c.decode()) for c in set(pattern.findall(data, first, end))) + 1
        digits = set((_ROWS_ANY if exact else _ROWS_BIG).findall(data, first, end))
        rows = max(map(int, digits)) if digits else (0 if exact else 99_999)
    if not exact and rows * cols > MAX_CELLS:
        return _last_cell(data, start, end, exact=True)
    return rows, cols


def _parse_fragment(fragment: bytes):
    from lxml import etree

    try:
        root = etree.fromstring(b"<w>" + fragment + b"</w>",
                                etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    return root[0] if len(root) and _local(root[0].tag) == "c" else None


def _note_cell(scan: _Scan, cell, position: tuple[int, int] | None) -> tuple[int, int] | None:
    """Record what one parsed <c> element says; returns its (row0, col0)."""
    ref = cell.get("r")
    if ref is not None:
        m = _REF.match(ref)
        if not m:
            raise UnreadableWorkbook(f"单元格地址「{ref[:20]}」无法识别")
        position = (int(m.group(2)) - 1, _col_index(m.group(1)))
    if position is None:
        return None
    kind = (cell.get("t") or "n").strip()
    formula = value = None
    for child in cell:
        name = _local(child.tag)
        if name == "f":
            formula = child
        elif name == "v":
            value = child
    text = (value.text or "") if value is not None else None
    if kind == "e":
        scan.errors[position] = (text or "").strip() or "#错误"
    elif kind == "b" and text is not None and text.strip() in ("0", "1"):
        scan.booleans[position] = text.strip() == "1"
    elif formula is not None and (text is None or (not text and kind != "str")):
        # a formula with no cached result (written by a program, never opened in Excel); "" from a text formula is fine
        scan.errors[position] = "公式未计算"
    elif formula is None and kind == "n" and text is not None and not text.strip():
        scan.errors[position] = "数值无效（文件中的数字为空，可能是 NaN 或无穷大）"
    return position


def _scan_full(data: bytes) -> _Scan:
    """The whole sheet XML parsed, streaming: cells without an address are placed as Excel places them."""
    from lxml import etree

    scan = _Scan()
    row0 = -1
    next_col = 0
    max_row = max_col = -1
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"), tag=("{*}row", "{*}c"),
                             resolve_entities=False, no_network=True, huge_tree=True)
    for event, el in events:
        name = _local(el.tag)
        if name == "row":
            if event == "start":
                r = el.get("r")
                row0 = int(r) - 1 if r and r.strip().isdigit() else row0 + 1
                next_col = 0
            else:
                el.clear(keep_tail=False)
                parent = el.getparent()
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
            continue
        if event != "end":
            continue
        position = _note_cell(scan, el, (max(row0, 0), next_col))
        if position is not None:
            max_row, max_col = max(max_row, position[0]), max(max_col, position[1])
            next_col = position[1] + 1
        el.clear(keep_tail=False)
    scan.rows, scan.cols = max_row + 1, max_col + 1
    return scan


# ------------------------------------------------------------------ xls

def _xls_formula_cells(book, index: int) -> set[tuple[int, int]] | None:
    """The (row, col) of every FORMULA record (0x0006) in the sheet's BIFF substream, read from xlrd's copy of
    the workbook stream (xlrd itself does not say which cells are formulas). None when that cannot be done:
    then every empty text cell is treated as a possible uncalculated formula, as before."""
    import struct

    try:
        mem, pos = book.mem, book._sh_abs_posn[index]
        out: set[tuple[int, int]] = set()
        while pos + 4 <= len(mem):
            code, length = struct.unpack_from("<HH", mem, pos)
            if code == 0x0006 and length >= 4:
                out.add(struct.unpack_from("<HH", mem, pos + 4))
            elif code == 0x000A:  # EOF of the sheet's substream
                return out
            pos += 4 + length
        return out
    except Exception:  # pragma: no cover - an xlrd without these internals
        return None


def _xls_scans(path: Path, names: list[str]):
    import xlrd
    from xlrd.biffh import error_text_from_code

    try:
        book = xlrd.open_workbook(str(path), on_demand=True, ragged_rows=True)
    except Exception as exc:
        raise UnreadableWorkbook(f"无法检查公式错误单元格: {_short(exc)}") from exc
    try:
        if book.nsheets != len(names):
            raise UnreadableWorkbook("工作表数目与读取结果不一致，无法检查公式错误单元格")
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except Exception as exc:
                raise UnreadableWorkbook(f"工作表「{names[index]}」无法读取: {_short(exc)}") from exc
            scan = _Scan(rows=sheet.nrows)
            formulas = _xls_formula_cells(book, index)
            for r in range(sheet.nrows):
                types = sheet.row_types(r)
                if len(types) > scan.cols:
                    scan.cols = len(types)
                for c, ctype in enumerate(types):
                    if ctype == xlrd.XL_CELL_ERROR:
                        scan.errors[(r, c)] = error_text_from_code.get(sheet.cell_value(r, c), "#错误")
                    elif ctype == xlrd.XL_CELL_BOOLEAN:
                        scan.booleans[(r, c)] = bool(sheet.cell_value(r, c))
                    elif ctype == xlrd.XL_CELL_TEXT and sheet.cell_value(r, c) == "" and (
                            formulas is None or (r, c) in formulas):
                        # a formula never calculated reads as empty text; an empty text cell that is no formula
                        # (NPOI writes them) is just blank
                        scan.errors[(r, c)] = "公式未计算"
            book.unload_sheet(index)
            yield scan, None
    finally:
        book.release_resources()
