"""CSV ledgers, read like a one-sheet workbook.

Excel and WPS save CSV as UTF-8 with a BOM, UTF-8 without one, or GBK (GB18030
is its superset); the separator is a comma, sometimes a semicolon or a tab.
Every cell is text, as written: the cell parsers read numbers and dates from
text, and a unit like ``0012`` keeps its leading zeros.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .workbook import SheetGrid, UnreadableWorkbook

CSV_SUFFIXES = {".csv"}
ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for the bytes of a CSV file, or UnreadableWorkbook."""
    if b"\x00" in data[:4096]:
        raise UnreadableWorkbook("不是文本格式的 CSV（含二进制内容），可能是改了扩展名的其他文件")
    for enc in ENCODINGS:
        try:
            return data.decode(enc), ("UTF-8" if enc == "utf-8-sig" else "GBK")
        except UnicodeDecodeError:
            continue
    raise UnreadableWorkbook("CSV 文件的编码无法识别（应为 UTF-8 或 GBK）")


def read_csv(path: Path) -> list[SheetGrid]:
    """The CSV file as one sheet named after the file (without .csv)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableWorkbook(str(exc)) from exc
    text, _ = decode(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [[cell if cell.strip() else "" for cell in row] for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise UnreadableWorkbook(f"CSV 格式有误: {exc}") from exc
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return [SheetGrid(path.stem, rows)]
