"""The optional mapping file in the ledgers folder: ``wuye-mapping.yaml``.

It pins a file or sheet to a ledger kind, names the header row, renames
columns a sheet calls something else (by header text, or by column letter
for a blank header), combines columns into the unit, gives a value every row
shares, or marks a sheet as not a ledger::

    - file: "台账(最新).xls"      # file name, wildcards allowed
      sheet: "Sheet1"             # optional, wildcards allowed
      kind: fees
      header_row: 3               # optional, Excel row number
      columns: {金额: amount_due, 房间: unit}
    - file: "整理后.xls"
      sheet: 住宅
      kind: owners
      columns: {B: building, 新单元号: room}   # B: the column letter of a blank header
      unit: [B, 新单元号]                        # optional: these columns, in order, make the unit
    - file: "管理费.xls"
      kind: fees
      values: {period: 2014-10}                 # every row's 所属期
    - file: "*.xlsx"
      sheet: "说明"
      ignore: true                              # not a ledger
      reason: 填表说明
"""
from __future__ import annotations

import fnmatch
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ..errors import LedgerFolderError
from .kinds import ADDRESS_PARTS, KINDS

MAPPING_NAMES = ("wuye-mapping.yaml", "wuye-mapping.yml", "台账映射.yaml")


class SheetMapping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str
    sheet: str = "*"
    kind: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = {}
    unit: list[str] = []
    values: dict[str, object] = {}
    ignore: bool = False
    reason: str | None = None

    @model_validator(mode="after")
    def _check(self):
        if not self.ignore and self.kind is None:
            raise ValueError("须写明 kind（台账类型）或 ignore: true")
        if self.kind is not None and self.kind not in KINDS:
            raise ValueError(f"未知的台账类型 {self.kind!r}，可选: {', '.join(KINDS)}")
        if self.kind:
            names = {f.name for f in KINDS[self.kind].fields}
            bad = [f for f in [*self.columns.values(), *self.values] if f not in names and f not in ADDRESS_PARTS]
            if bad:
                raise ValueError(f"{self.kind} 没有字段 {', '.join(bad)}，可选: {', '.join(sorted(names))}"
                                 f"（房号分列时还可用 {', '.join(ADDRESS_PARTS)}）")
        return self

    def matches(self, file: str, sheet: str) -> bool:
        return fnmatch.fnmatch(file, self.file) and fnmatch.fnmatch(sheet, self.sheet)


def load_mapping(folder: Path) -> list[SheetMapping]:
    for name in MAPPING_NAMES:
        path = folder / name
        if path.exists():
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
                if not isinstance(data, list):
                    raise ValueError("映射文件应为列表（每项以 - 开头）")
                return [SheetMapping.model_validate(item) for item in data]
            except (yaml.YAMLError, ValueError, ValidationError, OSError) as exc:  # OSError: a folder of that name
                why = "这是一个文件夹，不是文件" if path.is_dir() else exc
                raise LedgerFolderError(f"映射文件 {path.name} 无法使用: {why}") from exc
    return []


def find_mapping(mappings: list[SheetMapping], file: str, sheet: str) -> SheetMapping | None:
    return next((m for m in mappings if m.matches(file, sheet)), None)
