"""Read every workbook in the ledgers folder and cut each sheet into raw rows of a known kind."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LedgerFolderError
from ..findings import Finding, Source
from .mapping import find_mapping, load_mapping
from .sheets import SheetRows, detect_layout, split_rows
from .workbook import UnreadableWorkbook, list_workbooks, read_workbook


@dataclass
class LoadedSheet:
    file: str
    sheet: str
    rows: SheetRows


@dataclass
class Ledgers:
    folder: Path
    sheets: list[LoadedSheet] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # file name → sha256
    inventory: list[dict] = field(default_factory=list)  # per sheet: kind, header row, rows, skipped


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_ledgers(folder: Path) -> Ledgers:
    folder = Path(folder)
    if not folder.is_dir():
        raise LedgerFolderError(f"台账文件夹不存在: {folder}")
    paths = list_workbooks(folder)
    if not paths:
        raise LedgerFolderError(f"台账文件夹 {folder} 中没有 .xlsx 或 .xls 文件")
    mappings = load_mapping(folder)
    out = Ledgers(folder)
    for path in paths:
        out.files[path.name] = _sha256(path)
        try:
            grids = read_workbook(path)
        except UnreadableWorkbook as exc:
            out.findings.append(Finding(
                policy="DATA", rule="DATA-file", category="数据问题", subject=None, severity="错误",
                message=f"{path.name}: 文件无法读取（可能尚未复制完整、已损坏或加了密码），本次未读取其中任何数据 — {exc}",
                sources=(Source(path.name, "", 0),),
            ))
            out.inventory.append({"file": path.name, "sheet": None, "kind": None, "status": "无法读取"})
            continue
        for grid in grids:
            mapping = find_mapping(mappings, path.name, grid.name)
            if mapping and mapping.ignore:
                out.inventory.append({"file": path.name, "sheet": grid.name, "kind": None, "status": "按映射文件忽略"})
                continue
            if not any(any(v not in (None, "") for v in row) for row in grid.rows):
                out.inventory.append({"file": path.name, "sheet": grid.name, "kind": None, "status": "空表"})
                continue
            layout = detect_layout(grid, mapping)
            if layout is None:
                out.findings.append(Finding(
                    policy="DATA", rule="DATA-sheet", category="数据问题", subject=None, severity="警告",
                    message=(f"{path.name} › {grid.name}: 未能识别为任何台账（找不到房号、收费项目等表头），"
                             "本表未检查。如确为台账，请在映射文件 wuye-mapping.yaml 中指定类型和列名。"),
                    sources=(Source(path.name, grid.name, 0),),
                ))
                out.inventory.append({"file": path.name, "sheet": grid.name, "kind": None, "status": "未识别"})
                continue
            rows = split_rows(grid, layout)
            out.sheets.append(LoadedSheet(path.name, grid.name, rows))
            out.inventory.append({
                "file": path.name, "sheet": grid.name, "kind": layout.kind.name, "status": "已读取",
                "header_row": layout.header_row + 1, "data_rows": len(rows.rows),
                "skipped_rows": rows.skipped,
            })
    return out
