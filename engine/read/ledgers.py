"""Read every workbook (and CSV) in the ledgers folder and cut each sheet into raw rows of a known kind.

Nothing is lost at the folder level: a file that cannot be opened is a
``严重`` finding, a sheet that is not recognised says which kind it came
closest to and what to paste into ``wuye-mapping.yaml``, and the inventory
(``Ledgers.inventory``, written to run.json) accounts for every row of every
sheet: header and title rows + data rows + skipped rows (with reasons) = the
sheet's rows.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from itertools import islice
from datetime import date
from pathlib import Path

from ..errors import LedgerFolderError
from ..fork import ForkedItems, can_fork
from ..findings import Finding, Source
from .csvbook import CSV_SUFFIXES, read_csv
from .draft import entry_text, mapping_entry
from .kinds import KINDS
from .mapping import find_mapping, load_mapping
from .sheets import SheetReading, SheetRows, best_match, split_sheet
from .workbook import SUFFIXES, UnreadableWorkbook, list_workbooks, read_workbook, scan_ahead as scans_of

CRITICAL = "严重"
# Spreadsheet formats wuye cannot open: a ledger saved in one of them is not read at all.
FOREIGN_SUFFIXES = {".et", ".ett", ".ods", ".numbers", ".xlsb", ".wps", ".dbf"}


@dataclass
class LoadedSheet:
    file: str
    sheet: str
    rows: SheetRows
    entry: dict = field(default_factory=dict)  # the sheet's inventory entry (validation adds its counts)
    order: tuple[int, int] = (0, 0)  # (the file's place in the folder, the sheet's place in the file)


@dataclass
class Ledgers:
    folder: Path
    sheets: list[LoadedSheet] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # file name → sha256
    inventory: list[dict] = field(default_factory=list)  # per sheet: kind, header row, rows, skipped
    names: list[str] = field(default_factory=list)  # every ledger file of the folder, in reading order

    def put_in_order(self) -> None:
        """Sheets, inventory, findings and files in the folder's order, whichever order the files were read in
        (on a large night, by two processes): the order of one reading of the whole folder."""
        place = {name: i for i, name in enumerate(self.names)}
        self.sheets.sort(key=lambda s: s.order)
        self.inventory.sort(key=lambda e: place[e["file"]])
        self.findings.sort(key=lambda f: place[f.sources[0].file])
        self.files = {name: self.files[name] for name in self.names if name in self.files}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def list_ledger_files(folder: Path) -> list[Path]:
    """The workbooks ``list_workbooks`` reads (lock files, hidden files and wuye's own exception workbooks
    left out), plus CSV files and spreadsheets in formats wuye cannot open (to report them), sorted."""
    extra = CSV_SUFFIXES | FOREIGN_SUFFIXES
    others = [p for p in folder.iterdir()
              if p.is_file() and p.suffix.lower() in extra and not p.name.startswith(("~$", "."))]
    return sorted([*list_workbooks(folder), *others])


def _critical(file: str, message: str, code: str) -> Finding:
    return Finding(policy="DATA", rule=f"DATA-{code}", category="数据问题", subject=None, severity=CRITICAL,
                   message=message, sources=(Source(file, "", 0),))


SCAN_AHEAD_MIN_BYTES = 4 << 20  # workbooks smaller than this together are scanned here: a second process costs more


def read_ledgers(folder: Path, scan_ahead: bool = False) -> Ledgers:
    """Every ledger file of the folder. ``scan_ahead``: on a large folder, error cells are looked for by a
    :class:`LookAhead` process, a workbook or more ahead of the one being read here."""
    ledgers = LedgerFolder(folder)
    books = [p for p in ledgers.paths if p.suffix.lower() in SUFFIXES]
    if scan_ahead and can_fork() and sum(p.stat().st_size for p in books) >= SCAN_AHEAD_MIN_BYTES:
        ledgers.ahead = LookAhead(ledgers)
        ledgers.ahead.kinds()  # (told first, whether or not the caller needs them)
        ledgers.ahead.scan(ledgers.paths)
    try:
        return ledgers.read(ledgers.paths, ledgers.empty())
    finally:
        if ledgers.ahead is not None:
            ledgers.ahead.close()
            ledgers.ahead = None


class LedgerFolder:
    """The ledger files of a folder (a folder that is missing or holds none is a :class:`LedgerFolderError`)
    and its mapping file; read all at once, or a part at a time into one :class:`Ledgers`."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise LedgerFolderError(f"台账文件夹不存在: {self.folder}")
        self.paths = list_ledger_files(self.folder)
        if not self.paths:
            raise LedgerFolderError(f"台账文件夹 {self.folder} 中没有 .xlsx、.xls 或 .csv 文件")
        self.mappings = load_mapping(self.folder)
        self.seconds = 0.0  # spent reading, in this process
        self.ahead: LookAhead | None = None  # a process scanning the workbooks this one reads (see LookAhead)

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.paths)

    def empty(self) -> Ledgers:
        return Ledgers(self.folder, names=[p.name for p in self.paths])

    def read(self, paths: list[Path], out: Ledgers) -> Ledgers:
        """Read ``paths`` into ``out``, with the scans of :attr:`ahead` where a look-ahead process makes them
        (its owner closes it)."""
        start = time.perf_counter()
        place = {p.name: i for i, p in enumerate(self.paths)}
        try:
            for path in paths:
                _read_file(out, path, self.mappings, self.ahead, place[path.name])
        finally:
            self.seconds += time.perf_counter() - start
        return out


class LookAhead:
    """A process forked as soon as the folder is listed, before the rule files and forms are loaded: it tells
    the kinds of every workbook from its top (:func:`~engine.read.sniff.sniff_kinds`, what the two processes'
    plan needs), then scans for error cells the workbooks this process is going to read, in the order it reads
    them (:meth:`scan`), handing each scan over as :meth:`LedgerFolder.read` asks for it. So the top of the
    workbooks is read while the rules load, and the scanning runs on the second core while this process reads
    the owner file — time the second core had nothing to do (measured on the bench night, five nights each
    alternated with the version before: its reading stage 6.5 → 5.3 s).
    If the process fails, the kinds are told and the workbooks scanned here, as without it."""

    def __init__(self, folder: LedgerFolder):
        from .sniff import sniff_kinds

        paths, mappings = folder.paths, folder.mappings
        order_in, self._order_out = os.pipe()

        def produce():
            os.close(self._order_out)  # (this process's copy: the end of the order is the parent closing its own)
            yield {p.name: sniff_kinds(p, mappings) for p in paths}
            with os.fdopen(order_in, "rb") as fh:
                names = json.loads(fh.read() or b"[]")
            by_name = {p.name: p for p in paths}
            yield from scans_of([by_name[n] for n in names if n in by_name])

        try:
            self.items: ForkedItems | None = ForkedItems(produce)
        except OSError:
            self.items = None
        os.close(order_in)

    def kinds(self) -> dict[str, set[str] | None] | None:
        """Each workbook's kinds by file name (None where its top cannot tell them); None if the process failed."""
        got = self.items.next() if self.items is not None else None
        return got if isinstance(got, dict) else None

    def scan(self, paths: list[Path]) -> None:
        """The workbooks to scan, in the order they will be read (asked once, after :meth:`kinds`)."""
        if self._order_out == -1:
            return
        data = memoryview(json.dumps([p.name for p in paths]).encode("utf-8"))
        try:
            while data:
                data = data[os.write(self._order_out, data):]
        except OSError:  # the process has ended: the reader scans for itself
            pass
        self._close_order()

    def next(self):
        return self.items.next() if self.items is not None else None

    def forget(self) -> None:
        """In a process forked after this one was made: let go of the pipes without stopping the process."""
        self._close_order()
        if self.items is not None:
            self.items.forget()
            self.items = None

    def close(self) -> None:
        self._close_order()
        if self.items is not None:
            self.items.close()
            self.items = None

    def _close_order(self) -> None:
        if self._order_out != -1:
            os.close(self._order_out)
            self._order_out = -1


def _read_file(out: Ledgers, path: Path, mappings, ahead, place: int = 0) -> None:
    out.files[path.name] = _sha256(path)
    suffix = path.suffix.lower()
    if suffix in FOREIGN_SUFFIXES:
        out.findings.append(_critical(path.name, (
            f"{path.name}: 文件格式 {suffix} 无法读取，本次未读取其中任何数据 — 请用 Excel 或 WPS 另存为 .xlsx 后放回台账文件夹"),
            "file"))
        out.inventory.append({"file": path.name, "sheet": None, "kind": None, "status": "无法读取"})
        return
    try:
        grids = read_csv(path) if suffix in CSV_SUFFIXES else read_workbook(path, scanned=_scanned(ahead, path))
    except UnreadableWorkbook as exc:
        out.findings.append(_critical(path.name, (
            f"{path.name}: 文件无法读取（可能尚未复制完整、已损坏、加了密码或不是表格文件），"
            f"本次未读取其中任何数据 — {exc}"), "file"))
        out.inventory.append({"file": path.name, "sheet": None, "kind": None, "status": "无法读取"})
        return
    first = len(out.sheets)
    for grid in grids:
        _read_grid(out, path.name, grid, find_mapping(mappings, path.name, grid.name))
    for n, sheet in enumerate(out.sheets[first:]):
        sheet.order = (place, n)


def _scanned(ahead, path: Path):
    """This workbook's names and scans from the second process, or None (it failed: the reader scans itself)."""
    got = ahead.next() if ahead is not None else None
    return (got[1], got[2]) if got is not None and got[0] == path.name and got[2] is not None else None


def _read_grid(out: Ledgers, file: str, grid, mapping) -> None:
    entry: dict = {"file": file, "sheet": grid.name, "kind": None, "rows": len(grid.rows)}
    out.inventory.append(entry)
    for problem in getattr(grid, "problems", ()):  # e.g. two sheets with one name: both read, and said so
        out.findings.append(Finding(policy="DATA", rule="DATA-sheet-name", category="数据问题", subject=None,
                                    severity="警告", message=f"{file} › {grid.name}: {problem}",
                                    sources=(Source(file, grid.name, 0),)))
    if mapping and mapping.ignore:
        entry["status"] = "按映射文件忽略" + (f"（{mapping.reason}）" if mapping.reason else "")
        return
    # only none / one / more matter here: stop counting at two (a 240,000-row sheet is not scanned twice)
    filled_rows = sum(1 for _ in islice((row for row in grid.rows if any(
        v not in (None, "") and not (isinstance(v, str) and not v.strip()) for v in row)), 2))
    if not filled_rows:
        entry["status"] = "空表"
        return
    m = best_match(grid, mapping)
    if m is None or not m.ok:
        if filled_rows == 1:
            entry["status"] = "空表（只有表头，没有数据）"
            return
        _unrecognised(out, file, grid.name, m, entry)
        return
    reading = split_sheet(grid, m, file, mapping)
    for part in reading.parts:
        out.sheets.append(LoadedSheet(file, grid.name, part, entry))
    entry.update({
        "kind": m.kind.name, "status": "已读取", "header_row": m.row + 1,
        "data_rows": len(reading.data_rows), "skipped_rows": reading.skipped,
    })
    if len(m.blocks) > 1:
        entry["blocks"] = len(m.blocks)
    if reading.notes:
        entry["notes"] = reading.notes
    for code, message, row, cell in reading.problems:
        out.findings.append(Finding(
            policy="DATA", rule=f"DATA-{code}", category="数据问题", subject=None, severity="警告",
            message=f"{file} › {grid.name} › 第{row}行: {message}",
            sources=(Source(file, grid.name, row or 0, None, None, cell or None),)))
    period_field = m.kind.wide.period if m.kind.wide else None
    unread = [p for p in reading.parts if p.layout.wide_column is not None and period_field
              and period_field not in p.layout.columns and p.layout.constants.get(period_field) is None and p.rows]
    if unread:
        rows = sorted({r.row for p in unread for r in p.rows})
        out.findings.append(Finding(
            policy="DATA", rule="DATA-wide-period", category="数据问题", subject=None, severity="错误",
            message=(f"{file} › {grid.name}: 宽表中有金额，但看不出所属期（没有所属期列，表头和标题中也没有年月），"
                     f"第{_rows_text(rows)}行的金额未读取 — 请在映射文件 wuye-mapping.yaml 中为本表写 values: {{period: 年-月}}"),
            sources=(Source(file, grid.name, m.row + 1),)))
        for p in unread:
            entry["skipped_rows"].setdefault("宽表金额未读取（缺所属期，见数据问题）", [])
            p.rows = []
        entry["skipped_rows"]["宽表金额未读取（缺所属期，见数据问题）"] = rows
        entry["data_rows"] -= len(rows)
        reading.data_rows[:] = [r for r in reading.data_rows if r not in set(rows)]


def _rows_text(rows: list[int]) -> str:
    shown = "、".join(map(str, rows[:20]))
    return shown + ("……" if len(rows) > 20 else "")


def _unrecognised(out: Ledgers, file: str, sheet: str, m, entry: dict) -> None:
    draft = mapping_entry(file, sheet, m)
    entry.update({"status": "未识别", "mapping_draft": draft})
    if m is None:
        reason = "表中找不到任何台账的表头（如房号、业主姓名、收费项目）"
        severity = "提示"
    else:
        kind = m.kind
        found = [kind.field(f).title for f in m.found if kind.has(f)]
        missing = [kind.field(f).title for f in m.missing]
        entry.update({"closest": kind.name, "missing": list(m.missing), "missing_titles": missing})
        reason = (f"最接近「{kind.title}」（{kind.name}），"
                  + (f"已找到 {'、'.join(found)}，" if found else "")
                  + f"缺少必需的 {'、'.join(missing)}")
        n_req = max(1, len(kind.required))
        severity = "警告" if (n_req - len(m.missing)) / n_req >= 0.5 else "提示"
    entry["reason"] = reason
    out.findings.append(Finding(
        policy="DATA", rule="DATA-sheet", category="数据问题", subject=None, severity=severity,
        message=(f"{file} › {sheet}: 未能识别为台账，本表未检查 — {reason}。" + (
            f"如确为台账，请把下面一行加入台账文件夹中的 wuye-mapping.yaml（把 ? 换成表中对应列的表头），"
            f"如不是台账可改为 ignore: true：{entry_text(draft)}" if m is not None else
            f"如不是台账，可把下面一行加入台账文件夹中的 wuye-mapping.yaml，以后不再提示：{entry_text(draft)}")),
        sources=(Source(file, sheet, 0),),
        details={"closest": m.kind.name if m else None, "missing": list(m.missing) if m else [],
                 "mapping": entry_text(draft)},
    ))


# ------------------------------------------------------------------ across nights

_NIGHT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def missing_kind_findings(out: Path, as_of: date, inventory: list[dict]) -> list[Finding]:
    """严重 findings for each ledger kind the latest earlier night read and tonight's folder lacks.

    Reads ``out/<YYYY-MM-DD>/run.json`` of the latest night before ``as_of`` that has one; its
    ``sheets`` list gives each sheet's ``kind``. A kind read tonight with zero rows still counts as
    present; a kind whose file tonight could not be opened is reported by that file's own finding too.
    """
    out = Path(out)
    if not out.is_dir():
        return []
    nights = sorted((p for p in out.iterdir() if p.is_dir() and _NIGHT_RE.match(p.name)
                     and p.name < as_of.isoformat() and (p / "run.json").is_file()), key=lambda p: p.name)
    if not nights:
        return []
    last = nights[-1]
    try:
        previous = json.loads((last / "run.json").read_text(encoding="utf-8")).get("sheets") or []
    except (OSError, ValueError):
        return [Finding(policy="DATA", rule="DATA-missing-kind", category="数据问题", subject=None,
                        severity=CRITICAL,
                        message=f"上一次运行（{last.name}）的记录 run.json 无法读取，无法核对本次是否缺少台账",
                        sources=(Source(f"{last.name}/run.json", "", 0),))]
    tonight = {s.get("kind") for s in inventory if s.get("kind")}
    before: dict[str, list[dict]] = {}
    for s in previous:
        if isinstance(s, dict) and s.get("kind"):
            before.setdefault(s["kind"], []).append(s)
    findings = []
    for kind, sheets in sorted(before.items()):
        if kind in tonight:
            continue
        title = KINDS[kind].title if kind in KINDS else kind
        where = "、".join(f"{s.get('file')} › {s.get('sheet')}" for s in sheets)
        findings.append(Finding(
            policy="DATA", rule="DATA-missing-kind", category="数据问题", subject=None, severity=CRITICAL,
            message=(f"本次台账文件夹中没有{title}：上一次运行（{last.name}）读取了 {where}，本次没有读到任何{title}，"
                     f"与之相关的检查本次均未进行（不是“没有问题”）— 请把{title}放回台账文件夹后重新运行"),
            sources=tuple(Source(str(s.get("file") or ""), str(s.get("sheet") or ""), 0) for s in sheets),
            details={"kind": kind, "previous_night": last.name},
        ))
    return findings
