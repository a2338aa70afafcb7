"""Draft ``wuye-mapping.yaml`` entries for sheets wuye could not recognise (``wuye map FOLDER``).

For each such sheet: the kind it came closest to, the columns already
understood, and a ``?`` placeholder for each required field it could not find,
so the clerk only has to write the sheet's own header in place of the ``?``
(or mark the sheet ``ignore: true`` when it is not a ledger).
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .kinds import KINDS
from .sheets import Match, col_letter


def mapping_entry(file: str, sheet: str, m: Match | None) -> dict:
    """A mapping entry for one sheet: kind, header row and columns (known ones named, missing ones as ``?``)."""
    if m is None:
        return {"file": file, "sheet": sheet, "ignore": True, "reason": "不是台账"}
    block = m.blocks[0]
    columns: dict[str, str] = {}
    for name, col in sorted(block.columns.items(), key=lambda x: x[1]):
        header = m.headers.get(col) or f"列{col_letter(col)}"
        if name == "unit" and block.unit_parts:
            continue
        columns[header] = name
    for col, role in zip(block.unit_parts, block.unit_roles):
        columns[m.headers.get(col) or f"列{col_letter(col)}"] = role
    for i, name in enumerate(m.missing):
        columns["?" * (i + 1)] = name
    entry = {"file": file, "sheet": sheet, "kind": m.kind.name, "header_row": m.row + 1, "columns": columns}
    return entry


def entry_text(entry: dict) -> str:
    """One line of YAML (a list item) the clerk can paste into wuye-mapping.yaml."""
    body = yaml.safe_dump(entry, allow_unicode=True, default_flow_style=True, sort_keys=False, width=10_000).strip()
    return "- " + body


def draft_mapping(folder: Path) -> tuple[str, int]:
    """(YAML text, number of sheets) with a draft entry for every unrecognised sheet in the folder."""
    from .ledgers import read_ledgers

    loaded = read_ledgers(folder)
    lines = ["# wuye-mapping.yaml 草稿：下列工作表未能识别。",
             "# 把每个 ? 换成表中该列的表头（或列字母，如 B），删掉不需要的行；",
             "# 不是台账的工作表：把 kind 及以下各行换成 ignore: true。改好后另存为台账文件夹中的 wuye-mapping.yaml。",
             "# 可用的台账类型: " + ", ".join(f"{k}（{v.title}）" for k, v in KINDS.items()), ""]
    n = 0
    for sheet in loaded.inventory:
        entry = sheet.get("mapping_draft")
        if not entry:
            continue
        n += 1
        closest = sheet.get("closest")
        note = f"# {sheet['file']} › {sheet['sheet']}：" + (
            f"最接近 {KINDS[closest].title}（{closest}），缺少 {'、'.join(sheet.get('missing_titles', []))}"
            if closest else "看不出是哪种台账")
        lines += [note, yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=10_000).rstrip(), ""]
    if not n:
        lines.append("# 所有工作表都已识别，不需要映射文件。")
    return "\n".join(lines) + "\n", n
