"""Recognise a sheet's ledger kind and header row, and cut it into data rows.

What real sheets do (shared/ledgers.md) and how it is read here:

* The kind is decided from the whole header row: a score over required and
  optional fields of every kind (``vocab/*.yaml``), so one ambiguous word
  (编号, 状态, 金额) never decides it. Headers are normalised first
  (``房间号(必填)`` → 房间号, line breaks, ``(㎡)``, explanations).
* Title rows above the header, a two-row header (a merged group row over the
  real names), totals rows (合计/小计/总计, with or without a colon), blank
  rows, example rows (``示例:``), instruction columns to the right of the table,
  notes and signature lines below it: skipped, counted and listed — never data,
  never bad cells.
* A split address (楼栋 + 单元 + 房号) is combined into the unit; a shop column
  (铺位) is a unit on its own.
* Blocks of the same columns repeated side by side are all read, one part each.
* Wide layouts (one column per fee item or month) become one part per item
  column: one row per unit, item and period.

Each sheet becomes a :class:`SheetReading`: its parts (a layout and the rows
it reads), the rows skipped with their reasons, and notes for the inventory.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .kinds import ADDRESS_WORDS, KINDS, FieldSpec, KindSpec, address_part, field_for_header, norm_header
from .mapping import SheetMapping
from .parse import display, is_blank, norm_text
from .workbook import SheetGrid, col_letter

HEADER_SCAN_ROWS = 20
TOTALS_WORDS = ("合计", "小计", "总计")
_NOTE_RE = re.compile(r"^(注|备注|说明|制表|填表|审核|审批|打印|日期|经办|负责人|签字|签名|主管|复核|填报|统计|联系人)")
_EXAMPLE_RE = re.compile(r"^\s*(示例|样例|举例|例如|例)\s*[:：]")
_MONTH_RE = re.compile(r"^(?:(\d{4})\s*[年\-./])?\s*(\d{1,2})\s*月份?$|^(\d{4})-(\d{1,2})$")
_YEAR_MONTH_RE = re.compile(r"(20\d\d)\s*[年\-./]\s*(\d{1,2})\s*月?")
_YEAR_RE = re.compile(r"(20\d\d)\s*年")


@dataclass
class Layout:
    kind: KindSpec
    header_row: int  # 0-based index of the (lower) header row
    columns: dict[str, int]  # field → column index (the unit: its room column when the address is split)
    headers: dict[int, str]  # column index → header text as written
    unit_parts: tuple[int, ...] = ()  # columns combined into the unit (building, stairwell, room)
    constants: dict[str, object] = field(default_factory=dict)  # field → value on every row (wide layouts)
    fallbacks: dict[str, tuple[int, ...]] = field(default_factory=dict)  # read when the field's own cell is blank
    part: str = ""  # which part of the sheet, for messages: "" or "第2组（E–H列）" or "G列 本期应收_管理费"
    wide_column: int | None = None  # wide layouts: the item column; a row is read when this cell is filled


@dataclass(slots=True)
class RawRow:
    row: int  # Excel row number
    cells: list
    errors: dict[int, str]  # col index → error text


@dataclass
class SheetRows:
    layout: Layout
    rows: list[RawRow] = field(default_factory=list)
    skipped: dict[str, list[int]] = field(default_factory=dict)  # reason → Excel row numbers (the whole sheet's)
    totals: list[RawRow] = field(default_factory=list)  # the skipped 合计/小计 rows with their cells (帐表相符, F12)


@dataclass
class Block:
    """One set of columns of a kind: the whole table, or one of several blocks side by side."""

    span: tuple[int, int]
    columns: dict[str, int]
    unit_parts: tuple[int, ...] = ()
    unit_roles: tuple[str, ...] = ()  # building | stairwell | room for each of unit_parts
    fallbacks: dict[str, tuple[int, ...]] = field(default_factory=dict)
    wide: list[tuple[int, str, str | None, tuple[int, int] | None]] = field(default_factory=list)
    # wide: (column, item, group note, period from the header) per item column
    totals: list[int] = field(default_factory=list)  # wide total columns (小计/合计): not items
    duplicates: dict[str, list[int]] = field(default_factory=dict)  # field → columns with the same header


@dataclass
class Match:
    kind: KindSpec
    row: int
    headers: dict[int, str]  # column → header as written (two-row headers filled in)
    blocks: list[Block]
    score: float
    found: list[str]  # fields found (first block)
    missing: list[str]  # required fields missing (first block)
    table_end: int  # columns from here on are outside the table
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing


@dataclass
class SheetReading:
    """What one sheet gave: the parts read, rows skipped and why, notes for the inventory."""

    match: Match | None  # the kind read, or the closest kind when not recognised
    parts: list[SheetRows] = field(default_factory=list)
    data_rows: list[int] = field(default_factory=list)  # Excel rows with data (read by at least one part)
    skipped: dict[str, list[int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[tuple[str, str, int | None, str]] = field(default_factory=list)
    # (code, message, Excel row or None, cell address or "") for findings the caller files

    @property
    def recognised(self) -> bool:
        return self.match is not None and self.match.ok


# ------------------------------------------------------------------ headers

def _row_texts(row: list) -> dict[int, str]:
    return {c: t for c, v in enumerate(row) if (t := norm_text(v))}


def _header_texts(grid: SheetGrid, r: int) -> dict[int, str]:
    """Header text per column for candidate row r, blanks filled from a group row above (two-row headers)."""
    out = _row_texts(grid.rows[r])
    if r > 0:
        above = _row_texts(grid.rows[r - 1])
        if len(above) >= 2:  # a group row, not a single title
            for c, text in above.items():
                if c not in out and c <= max(out, default=-1):
                    out[c] = text
    return out


def _blocks(norm: dict[int, str]) -> list[tuple[int, int]]:
    """Spans of blocks of the same headers repeated side by side; one span when the table is not repeated."""
    cols = sorted(c for c, t in norm.items() if t)
    first, last = cols[0], cols[-1] + 1
    starts = [c for c in cols if norm[c] == norm[first]]
    if len(starts) < 2:
        return [(first, last)]
    width = starts[1] - first
    pattern = [norm.get(first + o, "") for o in range(width)]
    while pattern and not pattern[-1]:
        pattern.pop()
    if len([p for p in pattern if p]) < 2:
        return [(first, last)]
    good = [first]
    for s in starts[1:]:
        if s < good[-1] + width:
            continue
        if [norm.get(s + o, "") for o in range(len(pattern))] != pattern:
            break
        good.append(s)
    if len(good) < 2:
        return [(first, last)]
    spans = [(s, s + width) for s in good[:-1]] + [(good[-1], good[-1] + len(pattern))]
    return spans


def _columns_of(ref: str, raw: dict[int, str]) -> list[int]:
    """The columns a mapping names: by header text, or by letter (``B`` or ``列B``) when no header says so."""
    k = norm_header(ref)
    found = [c for c, t in raw.items() if t and norm_header(t) == k]
    if found:
        return found
    letters = k[1:] if k.startswith("列") else k
    if re.fullmatch(r"[A-Za-z]{1,3}", letters):
        return [_letters_index(letters.upper())]
    return []


def _column_target(mapping: SheetMapping | None, raw: dict[int, str]) -> dict[int, str]:
    """Mapping ``columns:`` (header text or column letter → field or address part) by column index."""
    if not mapping or not mapping.columns:
        return {}
    out: dict[int, str] = {}
    for key, target in mapping.columns.items():
        for c in _columns_of(key, raw):
            out[c] = target
    return out


def _letters_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _wide_column(kind: KindSpec, raw: str, norm: str) -> tuple[str, str, str | None, tuple[int, int] | None] | None:
    """("item"|"total", item, group, period) when a header is a wide layout's item, month or total column."""
    w = kind.wide
    if w is None:
        return None
    totals = w.totals
    text = norm_text(raw).replace("\n", "")
    group = None
    item = text
    if "_" in text or "－" in text:
        group, _, item = text.partition("_")
        if norm_header(item) in totals or norm_header(group) in totals:
            return ("total", item, group, None)
        if group not in w.groups and norm_header(item) not in w.items:
            return None
        return ("item", item, group, None)
    if norm in totals:
        return ("total", item, None, None)
    if norm in w.items:
        return ("item", item, None, None)
    m = _MONTH_RE.match(norm)
    if m:
        if m.group(3):
            y, mo = int(m.group(3)), int(m.group(4))
        else:
            y, mo = int(m.group(1) or 0), int(m.group(2))
        if 1 <= mo <= 12:
            return ("month", "", None, (y, mo))
    return None


def _assign(kind: KindSpec, raw: dict[int, str], span: tuple[int, int], targets: dict[int, str],
            unit_override: list[int] | None) -> Block:
    """Which column holds which field in one block; the unit from a split address where there is one."""
    norm = {c: norm_header(t) for c, t in raw.items() if span[0] <= c < span[1]}
    fields = {f.name: f for f in kind.fields}
    cand: dict[str, list[tuple[int, int]]] = {}  # field → [(priority, column)]
    parts: dict[str, list[int]] = {}
    taken: set[int] = set()
    for c, t in sorted(norm.items()):
        target = targets.get(c)
        if target:
            if target in fields:
                cand.setdefault(target, []).append((-1, c))
            else:
                parts.setdefault(target, []).append(c)
            continue
        part = address_part(t)
        if part:
            parts.setdefault(part, []).append(c)
        name = field_for_header(kind.name, t)
        if name:
            cand.setdefault(name, []).append((fields[name].aliases.index(_alias_of(fields[name], t)), c))
    block = Block(span, {})
    unit = fields.get("unit")
    if unit_override:
        block.unit_parts = tuple(unit_override)
        block.unit_roles = tuple(("building", "stairwell", "room")[-len(unit_override):]) \
            if len(unit_override) <= 3 else ("room",) * len(unit_override)
        block.columns["unit"] = unit_override[-1]
        taken.update(unit_override)
    elif unit is not None and unit.type == "unit":
        _resolve_unit(block, parts, cand.get("unit", []), taken)
    exact_cols = {c for lst in cand.values() for _, c in lst} | taken | {c for lst in parts.values() for c in lst}
    # wide layouts: item, month and total columns (only when the sheet has no amount column of its own)
    if kind.wide and kind.wide.value not in cand:
        for c, t in sorted(norm.items()):
            if c in exact_cols:
                continue
            w = _wide_column(kind, raw[c], t)
            if w is None:
                continue
            what, item, group, period = w
            if what == "total":
                block.totals.append(c)
            else:
                block.wide.append((c, item, group, period))
            exact_cols.add(c)
    # contains-match: a header that embeds a field's name (备注2业主、住户联系电话 → phone)
    contained, initials = _contained_aliases(kind)
    for c, t in sorted(norm.items()):
        if c in exact_cols or not 4 <= len(t) <= 14 or "_" in t or initials.isdisjoint(t) or _NUMBERED.match(t):
            continue
        for alias, name in contained:  # the longest name a header embeds (of equals, the first field's)
            if alias in t:
                cand.setdefault(name, []).append((1000 - len(alias), c))
                break
    for name, lst in cand.items():
        if name in block.columns:
            continue
        lst = [(p, c) for p, c in lst if c not in taken]
        if not lst:
            continue
        lst.sort()
        p0, c0 = lst[0]
        block.columns[name] = c0
        taken.add(c0)
        same = [c for p, c in lst if norm[c] == norm[c0]]
        if len(same) > 1:
            block.duplicates[name] = same
        others = tuple(c for p, c in lst[1:] if norm[c] != norm[c0] and p < 1000)
        if others and not fields[name].required:
            block.fallbacks[name] = others
            taken.update(others)
    # required fields another field can stand in for (period ← period_start)
    for f in kind.fields:
        if f.required and f.name not in block.columns:
            alt = next((a for a in f.alternatives if a in block.columns), None)
            if alt:
                block.columns[f.name] = block.columns[alt]
    return block


_NUMBERED = re.compile(r"^\d+[.、)]")
_CONTAINED: dict[int, tuple[KindSpec, tuple[list[tuple[str, str]], frozenset[str]]]] = {}


def _contained_aliases(kind: KindSpec) -> tuple[list[tuple[str, str]], frozenset[str]]:
    """(normalised alias, field) of every alias of four characters or more, the longest first and, of equal
    length, in the order of the kind's fields: what a header may embed (made once per kind, not per sheet row);
    and their first characters (a text with none of them embeds none: most data rows tried as a header)."""
    entry = _CONTAINED.get(id(kind))
    if entry is None or entry[0] is not kind:
        found = []
        order = 0
        for f in kind.fields:
            for a in f.aliases:
                na = norm_header(a)
                if len(na) >= 4:
                    found.append((-len(na), order, na, f.name))
                order += 1
        aliases = [(na, name) for _, _, na, name in sorted(found)]
        entry = _CONTAINED[id(kind)] = (kind, (aliases, frozenset(na[0] for na, _ in aliases)))
    return entry[1]


def _alias_of(f: FieldSpec, normed: str) -> str:
    return next(a for a in f.aliases if norm_header(a) == normed)


def _resolve_unit(block: Block, parts: dict[str, list[int]], unit_cands: list[tuple[int, int]], taken: set[int]):
    building = parts["building"][0] if parts.get("building") else None
    stairwell = parts["stairwell"][0] if parts.get("stairwell") else None
    room = parts["room"][0] if parts.get("room") else None
    shop = parts["shop"][0] if parts.get("shop") else None
    word_cols = {c for lst in parts.values() for c in lst}
    full = sorted((p, c) for p, c in unit_cands if c not in word_cols)  # 房屋编号, 户号, 物业编号 …
    if room is None and full:
        room = full[0][1]
    if room is None and shop is not None:
        room, building, stairwell = shop, None, None
    if room is None and stairwell is not None and building is None:
        room, stairwell = stairwell, None  # 单元号 alone: the whole unit, as older ledgers write it
    if room is None:
        return
    chosen = [(c, role) for c, role in ((building, "building"), (stairwell, "stairwell"), (room, "room"))
              if c is not None]
    block.columns["unit"] = room
    taken.update(c for c, _ in chosen)
    if len(chosen) > 1:
        block.unit_parts = tuple(c for c, _ in chosen)
        block.unit_roles = tuple(role for _, role in chosen)


def _score(kind: KindSpec, block: Block) -> tuple[float, list[str], list[str]]:
    found = [f.name for f in kind.fields if f.name in block.columns]
    missing = []
    for f in kind.fields:
        if not f.required or f.name in block.columns:
            continue
        if kind.wide and block.wide and "unit" in block.columns:
            if f.name == kind.wide.value:
                continue
            if f.name == kind.wide.item and all(it for _, it, _, _ in block.wide):
                continue
            if f.name == kind.wide.period:
                continue  # from the header, a period column or the title; reported per sheet when none
        missing.append(f.name)
    n_req = sum(1 for f in kind.fields if f.required and f.name not in missing)
    wide = 2 if block.wide and "unit" in block.columns else 0
    score = 3 * n_req + (len(found) - n_req) + 0.5 * max(0, len(block.unit_parts) - 1) + wide
    return score, found, missing


def match_kind(kind: KindSpec, grid: SheetGrid, r: int, mapping: SheetMapping | None = None,
               header_cache: dict[int, dict[int, str]] | None = None) -> Match | None:
    """``header_cache``: row → its header texts, shared by the kinds tried on one sheet (read once per row)."""
    if header_cache is None:
        raw = _header_texts(grid, r)
    else:
        if r not in header_cache:
            header_cache[r] = _header_texts(grid, r)
        raw = dict(header_cache[r])
    if len(raw) < 2 and not mapping:
        return None
    if not raw:
        return None
    targets = _column_target(mapping, raw)
    for c in targets:
        raw.setdefault(c, "")
    unit_override = None
    if mapping and mapping.unit:
        unit_override = [cs[0] for ref in mapping.unit if (cs := _columns_of(ref, raw))]
        for c in unit_override:
            raw.setdefault(c, "")
    norm = {c: norm_header(t) for c, t in raw.items()}
    spans = _blocks({c: t for c, t in norm.items() if t}) if any(norm.values()) else [(min(raw), max(raw) + 1)]
    if mapping and (mapping.columns or mapping.unit):
        spans = [(min(raw), max(raw) + 1)]
    blocks = [_assign(kind, raw, s, targets, unit_override) for s in spans]
    if len(blocks) > 1:
        # every block must be a full table of its own; otherwise the repeat is just two columns alike
        good = [b for b in blocks if not _score(kind, b)[2]]
        if len(good) == len(blocks):
            pass
        else:
            blocks = [_assign(kind, raw, (min(raw), max(raw) + 1), targets, unit_override)]
    score, found, missing = _score(kind, blocks[0])
    table_end = max(c for c, t in raw.items() if norm.get(c) or c in targets) + 1
    table_end = max(table_end, blocks[-1].span[1] if len(blocks) > 1 else 0)
    m = Match(kind, r, raw, blocks, score * len(blocks) ** 0.1, found, missing, table_end)
    _blank_building(m, grid)
    return m


def _blank_building(m: Match, grid: SheetGrid) -> None:
    """A blank header over short codes just left of the room column (整理后: B1 … B6) is the building column."""
    for b in m.blocks:
        if b.unit_parts or "unit" not in b.columns:
            continue
        room = b.columns["unit"]
        if norm_header(m.headers.get(room, "")) not in ADDRESS_WORDS.get("room", ()):
            continue
        for c in range(room - 1, max(b.span[0], room - 3) - 1, -1):
            if norm_header(m.headers.get(c, "")) or c in b.columns.values():
                continue
            values = [row[c] for row in grid.rows[m.row + 1: m.row + 41] if c < len(row) and not is_blank(row[c])]
            if len(values) >= 3 and all(re.fullmatch(r"[A-Za-z]{0,2}\d{1,2}[A-Za-z]?", norm_text(v)) for v in values):
                b.unit_parts = (c, room)
                b.unit_roles = ("building", "room")
                m.notes.append(f"{col_letter(c)}列表头为空，其内容（如 {display(values[0])}）按楼栋读取，与{m.headers.get(room)}合成房号")
                return


_PREFERRED = ("owners", "fees", "tickets")


def _closeness(m: Match) -> tuple:
    n_req = max(1, len(m.kind.required))
    pref = _PREFERRED.index(m.kind.name) if m.kind.name in _PREFERRED else len(_PREFERRED)
    return ((n_req - len(m.missing)) / n_req, m.score, -pref)


def best_match(grid: SheetGrid, mapping: SheetMapping | None = None) -> Match | None:
    """The best (kind, header row) for the sheet; when no kind has all its required fields, the closest one."""
    kinds = [KINDS[mapping.kind]] if mapping and mapping.kind else list(KINDS.values())
    candidates: Sequence[int]
    if mapping and mapping.header_row:
        candidates = [mapping.header_row - 1]
    else:
        candidates = range(min(HEADER_SCAN_ROWS, len(grid.rows)))
    best: Match | None = None
    closest: Match | None = None
    header_cache: dict[int, dict[int, str]] = {}
    for r in candidates:
        if r >= len(grid.rows):
            continue
        for kind in kinds:
            m = match_kind(kind, grid, r, mapping, header_cache)
            if m is None:
                continue
            if m.ok:
                if best is None or m.score > best.score:
                    best = m
            elif closest is None or _closeness(m) > _closeness(closest):
                closest = m
    return best or closest


# ------------------------------------------------------------------ rows

def _is_total(text: str) -> bool:
    if "计" not in text:  # 合计 / 小计 / 总计
        return False
    compact = norm_text(text).replace(" ", "")
    return compact.startswith(TOTALS_WORDS)


def _filled(v) -> bool:
    return v != "" and v is not None and not (isinstance(v, str) and not v.strip())


def _any_filled(cells: list, cols) -> bool:
    n = len(cells)
    for c in cols:
        if c < n:
            v = cells[c]
            if v is None or v == "" or (v.__class__ is str and v.isspace()):
                continue
            return True
    return False


def _period_hint(grid: SheetGrid, header_row: int, file: str) -> tuple[tuple[int, int] | None, int | None, str]:
    """(year, month) and a year named in the title rows, the sheet name or the file name."""
    texts = [norm_text(v) for row in grid.rows[:header_row] for v in row if isinstance(v, str)]
    texts += [grid.name, file]
    for t in texts:
        m = _YEAR_MONTH_RE.search(t)
        if m and 1 <= int(m.group(2)) <= 12:
            return (int(m.group(1)), int(m.group(2))), int(m.group(1)), t
    for t in texts:
        m = _YEAR_RE.search(t)
        if m:
            return None, int(m.group(1)), t
    return None, None, ""


def _parts(m: Match, grid: SheetGrid, file: str, mapping: SheetMapping | None, reading: SheetReading) -> None:
    """One layout per block; a wide block gives one layout per item column."""
    kind = m.kind
    constants = dict(mapping.values) if mapping and mapping.values else {}
    for i, b in enumerate(m.blocks):
        label = f"第{i + 1}组（{col_letter(b.span[0])}–{col_letter(b.span[1] - 1)}列）" if len(m.blocks) > 1 else ""
        if not b.wide:
            reading.parts.append(SheetRows(Layout(kind, m.row, dict(b.columns), m.headers, b.unit_parts,
                                                  dict(constants), dict(b.fallbacks), label)))
            continue
        w = kind.wide
        assert w is not None  # a block has wide (per-item) columns only when its kind has a wide layout
        hint, year, source = _period_hint(grid, m.row, file)
        for c, item, group, period in b.wide:
            consts = dict(constants)
            cols = {k: v for k, v in b.columns.items() if k != w.period or period is None}
            cols[w.value] = c
            if item:
                consts[w.item] = item
            if group and w.note:
                consts.setdefault(w.note, group)
            if period is not None:
                written_year, mo = period
                y = written_year or year
                if y:
                    consts[w.period] = (y, mo)
                else:
                    consts[w.period] = None
            elif w.period not in cols and w.period not in consts and hint:
                consts[w.period] = hint
            headers = dict(m.headers)
            reading.parts.append(SheetRows(Layout(kind, m.row, cols, headers, b.unit_parts, consts,
                                                  dict(b.fallbacks), f"{col_letter(c)}列 {m.headers[c]}", c)))
        items = "、".join(m.headers[c] for c, *_ in b.wide)
        reading.notes.append(f"宽表：每个收费项目一列（{items}），按 房号×项目×所属期 逐条读取")
        if b.totals:
            reading.notes.append("合计列不作为收费项目：" + "、".join(m.headers[c] for c in b.totals))
        if hint and any(p.layout.constants.get(w.period) == hint for p in reading.parts):
            reading.notes.append(f"所属期取自「{source}」：{hint[0]}-{hint[1]:02d}")


def _id_columns(layout: Layout) -> list[int]:
    """The columns that say what a row is about: the unit (all its parts) and the required non-number fields."""
    out = list(layout.unit_parts)
    for f in layout.kind.fields:
        if f.required and f.name in layout.columns and f.type not in ("amount", "int"):
            out.append(layout.columns[f.name])
    return out or list(layout.columns.values())


def split_sheet(grid: SheetGrid, m: Match, file: str = "", mapping: SheetMapping | None = None) -> SheetReading:
    """Cut a recognised sheet into its parts' rows; every row below the header is data or skipped with a reason."""
    reading = SheetReading(m)
    reading.notes.extend(m.notes)
    _parts(m, grid, file, mapping, reading)
    if len(m.blocks) > 1:
        reading.notes.append(f"{len(m.blocks)} 组相同的列左右并排，每组都读取")
    for b in m.blocks:
        for name, cols in b.duplicates.items():
            letters = "、".join(col_letter(c) for c in cols)
            reading.problems.append((
                "duplicate-column",
                f"表头「{m.headers[cols[0]]}」出现 {len(cols)} 次（{letters}列），只读取了{col_letter(cols[0])}列，"
                f"其余列未读取；请确认哪一列是{m.kind.field(name).title}，或在映射文件中指定",
                m.row + 1, f"{col_letter(cols[0])}{m.row + 1}"))
    seq = set(ADDRESS_WORDS.get("sequence", ()))
    seq_cols = {c for c, t in m.headers.items() if norm_header(t) in seq}
    part_keys: list[tuple[SheetRows, list[int]]] = []
    for p in reading.parts:
        lay = p.layout
        if lay.wide_column is not None:
            part_keys.append((p, [lay.wide_column]))
        else:
            keys = sorted({*lay.columns.values(), *lay.unit_parts, *(c for cs in lay.fallbacks.values() for c in cs)} - seq_cols)
            part_keys.append((p, keys))
    key_cols = sorted({c for p in reading.parts for c in _id_columns(p.layout)} - seq_cols)
    single = len(reading.parts) == 1 and reading.parts[0].layout.wide_column is None
    wide = any(p.layout.wide_column is not None for p in reading.parts)
    table_end = m.table_end
    errors_by_row: dict[int, dict[int, str]] = {}
    for (rr, c), e in grid.errors.items():
        errors_by_row.setdefault(rr, {})[c] = e
    skipped = reading.skipped
    totals: list[RawRow] = []
    data_rows = reading.data_rows
    rows = grid.rows
    part0 = reading.parts[0] if reading.parts else None
    has_outside = any(len(row) > table_end for row in rows[m.row + 1:])
    no_errors: dict[int, str] = {}
    for r in range(m.row + 1, len(rows)):
        cells = rows[r]
        row_errors = errors_by_row.get(r, no_errors) if errors_by_row else no_errors
        n_filled = len(cells) - cells.count("") - cells.count(None)
        if n_filled <= 3:  # few cells: count exactly (whitespace-only cells are blank)
            n_filled = sum(1 for v in cells if _filled(v))
        if not n_filled and not row_errors:
            skipped.setdefault("空行", []).append(r + 1)
            continue
        inside = cells if not has_outside or len(cells) <= table_end else cells[:table_end]
        if inside is not cells and not row_errors and not _any_filled(inside, range(len(inside))):
            skipped.setdefault("表格右侧的说明文字（不是数据）", []).append(r + 1)
            continue
        first = second = None
        for v in inside:
            if v is None or v == "" or (v.__class__ is str and v.isspace()):
                continue
            if first is None:
                first = v
            else:
                second = v
                break
        if (first.__class__ is str and "计" in first and _is_total(first)) or \
                (second.__class__ is str and "计" in second and _is_total(second)):
            skipped.setdefault("合计行", []).append(r + 1)
            totals.append(RawRow(r + 1, cells, row_errors))
            continue
        if first.__class__ is str and "例" in first[:6] and _EXAMPLE_RE.match(norm_text(first)):
            skipped.setdefault("示例行（模板中的填写示例）", []).append(r + 1)
            continue
        if not row_errors and not _any_filled(cells, key_cols):
            filled = [v for v in inside if _filled(v)]
            if all(c in seq_cols for c, v in enumerate(inside) if _filled(v)):
                skipped.setdefault("空行（只有序号）", []).append(r + 1)
            elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in filled):
                skipped.setdefault("合计行（只有数字，没有房号等内容）", []).append(r + 1)
                totals.append(RawRow(r + 1, cells, row_errors))
            elif len(filled) <= 2 and all(isinstance(v, str) for v in filled):
                skipped.setdefault("表格外备注", []).append(r + 1)
            elif wide:
                skipped.setdefault("宽表各项金额均为空（无应收）", []).append(r + 1)
            elif single and part0 is not None:  # single: exactly one part
                part0.rows.append(RawRow(r + 1, cells, row_errors))  # validation reports what is missing
                data_rows.append(r + 1)
            else:
                skipped.setdefault("没有可读的内容（读取的列都为空）", []).append(r + 1)
            continue
        if n_filled <= 2 and not row_errors and first.__class__ is str \
                and (second is None or second.__class__ is str) \
                and (_NOTE_RE.match(norm_text(first)) or norm_text(second or first).endswith((":", "："))):
            skipped.setdefault("表格外备注", []).append(r + 1)
            continue
        raw = RawRow(r + 1, cells, row_errors)
        if single and part0 is not None:
            part0.rows.append(raw)
            data_rows.append(r + 1)
            continue
        taken = False
        for p, keys in part_keys:
            if _any_filled(cells, keys) or (row_errors and any(c in row_errors for c in keys)):
                p.rows.append(raw)
                taken = True
        if taken:
            data_rows.append(r + 1)
        elif wide:
            skipped.setdefault("宽表各项金额均为空（无应收）", []).append(r + 1)
        else:
            skipped.setdefault("没有可读的内容（读取的列都为空）", []).append(r + 1)
    for p in reading.parts:
        p.skipped = skipped
        p.totals = totals
    return reading


# ------------------------------------------------------------------ compatibility

def detect_layout(grid: SheetGrid, mapping: SheetMapping | None = None) -> Layout | None:
    """The layout of the first part of the best recognised kind, or None."""
    m = best_match(grid, mapping)
    if m is None or not m.ok:
        return None
    b = m.blocks[0]
    return Layout(m.kind, m.row, dict(b.columns), m.headers, b.unit_parts, {}, dict(b.fallbacks))
