"""Stage 2 — validate raw rows into typed records, row by row, keeping the Excel row number.

A cell that cannot be read becomes a ``DATA`` finding
(``file › sheet › row › column: value — reason``) and its row stays out of
the rules. Cross-checks between ledgers (a fee row for a unit that is not in
the owner file) happen here too.
"""
from __future__ import annotations

import re
import time
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from dataclasses import MISSING, dataclass, field
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from itertools import zip_longest
from typing import Iterable

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass as pydantic_dataclass

from .findings import Finding, Source, cell_finding
from .read.kinds import ADDRESS_WORDS, norm_header
from .read.ledgers import Ledgers
from .read.parse import (CellError, Unit, display, is_blank, norm_text, parse_amount, parse_date, parse_datetime,
                         parse_int, parse_period, parse_text, parse_unit)
from .read.sheets import Layout, RawRow, col_letter
from .read.totals import totals_of

_TRUE = {"是", "有", "Y", "YES", "TRUE", "1", "√", "✓", "已", "对"}
_FALSE = {"否", "无", "N", "NO", "FALSE", "0", "×", "✗", "未", "不"}


def parse_bool(value: object) -> bool | None:
    """Yes/no cells: 是/否, 有/无, Y/N, √/×, 1/0."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = norm_text(value).upper()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("应为 是/否")


PARSERS = {
    "text": parse_text, "unit": parse_unit, "date": parse_date, "datetime": parse_datetime,
    "period": parse_period, "amount": parse_amount, "int": parse_int, "bool": parse_bool,
}


@dataclass(slots=True)
class RowRef:
    """Where a record came from: the file, sheet and Excel row, the header of each field's column,
    and each field's column index (for the cell address, e.g. ``D14``)."""

    file: str
    sheet: str
    row: int
    columns: dict[str, str]  # field → header text
    cols: dict[str, int] | None = None  # field → 0-based column index in the sheet

    def cell(self, field: str, value: object = None) -> Source:
        return Source(self.file, self.sheet, self.row, self.columns.get(field, field),
                      None if value is None else display(value), self.address(field))

    def address(self, field: str) -> str | None:
        col = self.cols.get(field) if self.cols else None
        return None if col is None else f"{col_letter(col)}{self.row}"

    def whole_row(self) -> Source:
        return Source(self.file, self.sheet, self.row)


# Records are pydantic dataclasses with slots: validated like models, a third of the memory per row
# (a 20,000-unit estate has a quarter of a million fee rows).
record = pydantic_dataclass(slots=True, kw_only=True, config=ConfigDict(arbitrary_types_allowed=True))


@record
class Record:
    ref: RowRef


@record
class Owner(Record):
    unit: Unit
    owner_name: str
    phone: str | None = None
    id_number: str | None = None
    area_m2: Decimal | None = None
    handover_date: date | None = None
    payment_method: str | None = None
    address: str | None = None
    important: str | None = None  # 重要业户 / VIP marker (C10)
    family: str | None = None  # 家庭成员 (M5: owner records complete)


@record
class Fee(Record):
    unit: Unit
    item: str
    period: tuple[int, int]
    amount_due: Decimal
    amount_paid: Decimal = Decimal("0")  # blank = 0 (ledgers.md)
    paid_date: datetime | None = None
    due_date: date | None = None  # blank = the rule file's default for the period
    instalment: str | None = None
    note: str | None = None
    period_start: date | None = None  # a period written as a range (计费起始日期 … 计费终止日期)
    period_end: date | None = None
    cycle_months: int | None = None  # 缴费周期
    cashier: str | None = None


@record
class Instalment(Record):
    unit: Unit
    agreement: str | None = None
    seq: int | None = None
    due_date: date
    amount: Decimal
    amount_paid: Decimal = Decimal("0")
    paid_date: datetime | None = None


@record
class Ticket(Record):
    ticket_id: str
    kind: str
    level: str | None = None
    unit: Unit | None = None
    reporter: str | None = None
    content: str | None = None
    source: str | None = None
    received_at: datetime
    dispatched_at: datetime | None = None
    department: str | None = None
    handler: str | None = None
    agreed_at: datetime | None = None
    replied_at: datetime | None = None
    completed_at: datetime | None = None
    callback_at: datetime | None = None
    callback_result: str | None = None
    related_ticket: str | None = None
    postponements: int | None = None
    progress_at: datetime | None = None
    arrived_at: datetime | None = None
    site: str | None = None
    callback_agreed_at: datetime | None = None  # 回访约定时间 (C6)
    special_case: str | None = None  # 特殊情况 recorded (C11, C12)
    reported_at: datetime | None = None  # 呈报公司领导时间 (C8)


class GenericRecord:
    """Kinds without a model here (collections, keys, staff, and every kind added as a vocabulary file)
    are still read and checked cell by cell; fields are attributes (``rec.unit``, ``rec.lent_at``).

    Its cells are already parsed column by column, so there is nothing left for pydantic to validate: a
    slotted object over the fields' dict (``__pydantic_extra__``, the name the areas read them by) takes
    a fifth of a pydantic model's memory (measured: 270,000 records of the bench, 203 MB → about 45 MB)."""

    __slots__ = ("ref", "__pydantic_extra__")

    def __init__(self, *, ref: RowRef, **fields):
        if not isinstance(ref, RowRef):
            raise TypeError(f"ref must be a RowRef, not {ref.__class__.__name__}")
        self.ref = ref
        self.__pydantic_extra__ = fields

    def __getattr__(self, name: str):  # only for names that are not slots: the record's fields
        try:
            return object.__getattribute__(self, "__pydantic_extra__")[name]
        except KeyError:
            raise AttributeError(f"{self.__class__.__name__} has no field {name!r}") from None

    def __eq__(self, other) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.ref == other.ref and self.__pydantic_extra__ == other.__pydantic_extra__

    __hash__ = None  # type: ignore[assignment]  # mutable, like the pydantic model it replaces (Python's own idiom)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.__pydantic_extra__.items())
        return f"GenericRecord(ref={self.ref!r}{', ' if fields else ''}{fields})"

    @classmethod
    def of(cls, ref: RowRef, fields: dict) -> "GenericRecord":
        """The record of already parsed ``fields`` (the dict is kept, not copied)."""
        record = object.__new__(cls)
        record.ref, record.__pydantic_extra__ = ref, fields
        return record

    def __getstate__(self):
        return self.ref, self.__pydantic_extra__

    def __setstate__(self, state) -> None:
        self.ref, self.__pydantic_extra__ = state


MODELS: dict[str, type] = {"owners": Owner, "fees": Fee, "instalments": Instalment, "tickets": Ticket}


@dataclass
class Records:
    """The validated records of a night, by ledger kind."""

    by_kind: dict[str, list] = field(default_factory=dict)
    totals: list = field(default_factory=list)  # the sheets' own 合计 rows and the sums of their rows (read/totals.py)

    def of(self, kind: str) -> list:
        return self.by_kind.get(kind, [])


@lru_cache(maxsize=None)
def builder(model: type, names: tuple[str, ...]):
    """``build(ref, values)``: the record of ``model`` whose fields ``names`` have ``values`` (a row, in that order).

    The values come from :data:`PARSERS` column by column and already have their field's type, so pydantic's
    check of every record again is skipped: it cost the night more than reading the fee rows did (measured:
    240,000 fee records, 1.7 s → 0.2 s). What is built equals what ``model(ref=ref, **fields)`` builds, field by
    field and of the same class (tests/test_records.py checks it on every ledger folder of the tests); a name
    the model lacks is ignored, as pydantic ignores it. A model whose required field is not among ``names``
    is left to pydantic and its error."""
    if model is GenericRecord:
        return lambda ref, values: GenericRecord.of(ref, dict(zip(names, values)))
    fields = {f.name: f for f in dataclass_fields(model)}
    column = {name: i for i, name in enumerate(names)}  # the last of a repeated name, as dict(zip(…)) keeps
    if any(f.default_factory is not MISSING or (f.default is MISSING and name != "ref" and name not in column)
           for name, f in fields.items()):
        return lambda ref, values: model(ref=ref, **dict(zip(names, values)))
    env: dict = {"_new": object.__new__, "_model": model}
    lines = ["def build(ref, values):", "    record = _new(_model)", "    record.ref = ref"]
    for name, f in fields.items():
        if name == "ref":
            continue
        if name in column:
            lines.append(f"    record.{name} = values[{column[name]}]")
        else:
            env[f"_default_{name}"] = f.default
            lines.append(f"    record.{name} = _default_{name}")
    lines.append("    return record")
    exec("\n".join(lines), env)  # as dataclasses writes its __init__: one assignment per field, no loop
    return env["build"]


def _field_default(model, name: str):
    fields = getattr(model, "__dataclass_fields__", None) or {}
    f = fields.get(name)
    default = getattr(f, "default", None) if f is not None else None
    return None if default is None or default.__class__.__name__ == "_MISSING_TYPE" else default


_FORMULA_ERROR = "单元格为公式错误，不能当作空白或零，请修正公式"


def _parse_column(values: list, parser) -> tuple[list, bool, bool]:
    """Parse a whole column; also whether any cell of it is blank, and whether any could not be read. Each
    distinct value is parsed once (a fee ledger's 240,000 rows hold a few hundred distinct periods and
    amounts); a bad cell becomes its CellError."""
    try:
        results = dict.fromkeys(values)  # the distinct values, in the order they first appear
    except TypeError:  # an unhashable cell: each parsed on its own
        parsed = [_parse_cell(v, parser) for v in values]
        outcomes: Iterable = parsed
    else:
        for v in results:
            results[v] = _parse_cell(v, parser)
        parsed, outcomes = list(map(results.__getitem__, values)), results.values()
    classes = {p.__class__ for p in outcomes}
    return parsed, type(None) in classes, CellError in classes


def _parse_cell(v, parser):
    if v == "" or v is None:
        return None
    try:
        return parser(v)
    except CellError as exc:
        # kept as the cell's result, without its traceback: that would keep this frame and its
        # callers' alive (the night's records with them) while the cyclic collector is off
        exc.__traceback__ = exc.__context__ = exc.__cause__ = None
        return exc


_NOT_BUILDING = set(ADDRESS_WORDS.get("not_a_building", ()))


_PART_SUFFIX = re.compile(r"(?:号楼|栋|幢|座|#|单元)$")


def _compose_unit(cells: list, parts: tuple[int, ...]) -> str | None:
    """The unit of a split address: building, stairwell and room joined (``B1`` + ``301`` → ``B1-301``;
    ``1号楼`` + ``2单元`` + ``1502`` → ``1-2-1502``).

    A building value that is not a building (商铺) is left out; so is one the room already starts with
    (``B1`` + ``B1-301``).
    """
    values = [display(cells[c]).strip() if c < len(cells) else "" for c in parts]
    room = values[-1]
    if not room:
        return None
    pieces = []
    for v in values[:-1]:
        piece, written_out = _building_part(v)
        if piece is not None and not written_out.match(room):
            pieces.append(piece)
    return "-".join([*pieces, room])


@lru_cache(maxsize=4096)
def _building_part(value: str) -> tuple[str | None, re.Pattern]:
    """What a building or stairwell cell adds to the unit (None: nothing), and the pattern of a room that
    already starts with it. A few hundred distinct values make a 20,000-unit estate: each is worked out once."""
    written_out = re.compile(re.escape(value) + r"\s*(?:-|#|栋|幢|座|号楼|单元)", re.IGNORECASE)
    if not value or norm_header(value) in _NOT_BUILDING:
        return None, written_out
    return _PART_SUFFIX.sub("", value) or value, written_out


def _raw_column(rows: list[RawRow], layout: Layout, name: str, col: int,
                transposed: list[tuple] | None = None) -> list:
    """The column's cells, row by row (None past a short row's end). ``transposed``: the rows' cells
    column by column (from :func:`_transpose`), when several columns of one sheet are read."""
    if name == "unit" and layout.unit_parts:
        parts = layout.unit_parts
        return [_compose_unit(r.cells, parts) for r in rows]
    if transposed is not None:
        out = list(transposed[col]) if col < len(transposed) else [None] * len(rows)
    else:
        out = [r.cells[col] if col < len(r.cells) else None for r in rows]
    extra = layout.fallbacks.get(name)
    if extra:
        for i, v in enumerate(out):
            if is_blank(v):
                cells = rows[i].cells
                out[i] = next((cells[c] for c in extra if c < len(cells) and not is_blank(cells[c])), v)
    return out


def _transpose(rows: list[RawRow]) -> list[tuple]:
    """The rows' cells column by column, a short row's missing cells as None (one pass in C for a whole sheet)."""
    return list(zip_longest(*(r.cells for r in rows)))


def _constant(spec, value):
    if value is None or not isinstance(value, (str, int, float)):
        return value
    return PARSERS[spec.type](value)


def validate(ledgers: Ledgers) -> tuple[Records, list[Finding]]:
    """Every sheet's rows into records, and every cell that cannot be read as a finding."""
    checked = Validation(ledgers)
    checked.ensure(checked.present())
    return checked.records, checked.findings()


class Validation:
    """The night's records, validated kind by kind when first asked for (:meth:`ensure`).

    Column by column (each distinct value parsed once), then row by row into pydantic records. On a night
    shared between two processes (engine.areas.run) each validates the kinds its areas read; the findings keep
    the order of one validation of the whole folder (sheet by sheet, then the cross-checks), whoever made them."""

    def __init__(self, ledgers: Ledgers):
        self.ledgers = ledgers
        self.records = Records()
        self.kinds: set[str] = set()  # validated in this process
        self.elsewhere: set[str] = set()  # validated in the second process (findings taken in by absorb)
        self.seconds = 0.0  # spent validating in this process
        self._found: list[tuple[tuple, str, Finding]] = []  # (order, kind, finding)
        self._known_units: set[str] = set()  # every unit the owner file names, even on a row with another bad cell

    def present(self) -> list[str]:
        """The kinds of the folder's sheets, in sheet order."""
        return list(dict.fromkeys(s.rows.layout.kind.name for s in self.ledgers.sheets))

    def ensure(self, kinds) -> None:
        """Validate the given kinds not validated yet (the owner file first: the fee rows are checked against it)."""
        todo = {k for k in kinds if k not in self.kinds and k not in self.elsewhere}
        if todo & CROSS_CHECKED and "owners" not in self.kinds | self.elsewhere:
            todo.add("owners")
        if not todo:
            return
        start = time.perf_counter()
        for kind in sorted(todo, key=lambda k: (k != "owners", k)):
            self._validate_kind(kind)
            self.kinds.add(kind)
        self.seconds += time.perf_counter() - start

    def findings(self, kinds=None) -> list[Finding]:
        """The findings of validation (of the given kinds only), in the order of a whole-folder validation."""
        return [f for _, k, f in sorted(self._found, key=lambda x: x[0]) if kinds is None or k in kinds]

    def export(self, shared: int) -> tuple[set[str], list, dict[int, dict]]:
        """What the second process hands back: its kinds, their findings and the counts it added to the first
        ``shared`` inventory entries (those both processes hold; it hands back the entries it read itself whole)."""
        index = {id(entry): i for i, entry in enumerate(self.ledgers.inventory[:shared])}
        counts = {index[id(s.entry)]: {k: s.entry[k] for k in ("records", "rows_with_problems", "skipped_records")
                                       if k in s.entry}
                  for s in self.ledgers.sheets if s.rows.layout.kind.name in self.kinds and id(s.entry) in index}
        return self.kinds, [x for x in self._found if x[1] in self.kinds], counts

    def absorb(self, exported: tuple[set[str], list, dict[int, dict]]) -> None:
        kinds, found, counts = exported
        new = kinds - self.kinds
        self.elsewhere |= new
        self._found += [x for x in found if x[1] in new]
        for i, values in counts.items():
            entry = self.ledgers.inventory[i]
            if entry.get("kind") in new:
                entry.update(values)

    def _validate_kind(self, kind_name: str) -> None:
        sheets = [(s.order, s) for s in self.ledgers.sheets if s.rows.layout.kind.name == kind_name]
        by_kind: dict[str, list] = defaultdict(list)
        if kind_name in self.records.by_kind:
            by_kind[kind_name] = self.records.by_kind[kind_name]
        findings: list[tuple[tuple, str, Finding]] = self._found
        known_units = self._known_units
        sheet_totals = self.records.totals
        for sheet_no, loaded in sheets:
            layout = loaded.rows.layout
            kind = layout.kind
            model = MODELS.get(kind.name, GenericRecord)
            rows = loaded.rows.rows
            columns = {name: layout.headers.get(col, kind.field(name).title) for name, col in layout.columns.items()}
            cols = dict(layout.columns)
            for name in layout.constants:
                if layout.wide_column is not None and name not in cols:
                    columns.setdefault(name, layout.headers.get(layout.wide_column, kind.field(name).title))
            specs = [(kind.field(name), col) for name, col in layout.columns.items() if name not in layout.constants]
            names = [spec.name for spec, _ in specs]
            file, sheet = loaded.file, loaded.sheet
            problems: list[tuple[int, int, Finding]] = []  # (row index, column order, finding)
            parsed_columns = []
            error_rows = [i for i, r in enumerate(rows) if r.errors]
            skip: dict[int, str] = {}  # row index → reason (e.g. a vacant unit: no owner name)
            transposed = _transpose(rows)
            for fname, reason in kind.skip_when_blank:
                if fname in layout.columns and fname not in layout.constants:
                    for i, v in enumerate(_raw_column(rows, layout, fname, layout.columns[fname], transposed)):
                        if is_blank(v) and not rows[i].errors:
                            skip.setdefault(i, reason)
            for order, (spec, col) in enumerate(specs):
                raw_column = _raw_column(rows, layout, spec.name, col, transposed)
                parsed, any_blank, any_bad = _parse_column(raw_column, PARSERS[spec.type])
                if any_blank and spec.required and not spec.may_be_blank:
                    suspects = [i for i, p in enumerate(parsed) if p is None or p.__class__ is CellError]
                elif any_bad:
                    suspects = [i for i, p in enumerate(parsed) if p.__class__ is CellError]
                else:
                    suspects = []
                for i in sorted(set(suspects).union(error_rows)):
                    if i in skip:
                        continue
                    ref = RowRef(file, sheet, rows[i].row, columns, cols)
                    err_col = next((c for c in (layout.unit_parts if spec.name == "unit" and layout.unit_parts else (col,))
                                    if c in rows[i].errors), None)
                    if err_col is not None:
                        problem = cell_finding(ref.cell(spec.name, rows[i].errors[err_col]), _FORMULA_ERROR, "formula-error")
                    elif parsed[i] is None and spec.required and not spec.may_be_blank:
                        problem = cell_finding(ref.cell(spec.name, raw_column[i]), "必填项为空", "required")
                    elif isinstance(parsed[i], CellError):
                        problem = cell_finding(ref.cell(spec.name, raw_column[i]), str(parsed[i]), spec.type)
                    else:
                        continue
                    parsed[i] = problem  # marks the row as bad
                    problems.append((i, order, problem))
                default = _field_default(model, spec.name)
                if default is not None and any_blank:  # e.g. 实收金额: blank means 0 (ledgers.md)
                    parsed = [default if p is None else p for p in parsed]
                parsed_columns.append(parsed)
            for name, value in layout.constants.items():
                if not kind.has(name):
                    continue
                names.append(name)
                parsed_columns.append([_constant(kind.field(name), value)] * len(rows))
            bad_rows = {i for i, _, _ in problems}
            findings.extend(((sheet_no, i, order), kind.name, f) for i, order, f in problems)
            if any(f not in layout.columns and f not in layout.constants for f in kind.required):
                bad_rows = set(range(len(rows)))
            if kind.name == "owners" and "unit" in names:
                known_units.update(u.key for u in parsed_columns[names.index("unit")] if isinstance(u, Unit))
            out = by_kind[kind.name]
            n_before = len(out)
            build = builder(model, tuple(names))
            for i, values in enumerate(zip(*parsed_columns)):
                if i in bad_rows or i in skip:
                    continue
                out.append(build(RowRef(file, sheet, rows[i].row, columns, cols), values))
            entry = loaded.entry
            if entry is not None and entry.get("kind"):
                entry["records"] = entry.get("records", 0) + len(out) - n_before
                if bad_rows:
                    entry["rows_with_problems"] = entry.get("rows_with_problems", 0) + len(bad_rows - set(skip))
                for i, reason in sorted(skip.items()):
                    entry.setdefault("skipped_records", {}).setdefault(reason, []).append(rows[i].row)
            if getattr(loaded.rows, "totals", None):  # 帐表相符 (F12): the sheet's 合计 rows vs the rows read
                sheet_totals.extend(totals_of(kind, layout, loaded.rows.totals, rows, names, parsed_columns,
                                              file, sheet, columns,
                                              lambda f, r: RowRef(file, sheet, r, columns, cols).address(f)))
            loaded.rows.rows = []  # the raw cells are not needed past validation; free them sheet by sheet
            del transposed
        self.records.by_kind.update(by_kind)
        crossed = _cross_check(self.records, known_units, kind_name)
        findings += [((AFTER_SHEETS, CROSS_ORDER.index(kind_name), i), kind_name, f)
                     for i, f in enumerate(crossed)]


AFTER_SHEETS = (float("inf"), 0)  # the cross-checks' findings come after every sheet's own
CROSS_CHECKED = {"fees", "instalments"}  # rows whose unit must be in the owner file
CROSS_ORDER = ("owners", "fees", "instalments")


def _cross_check(records: Records, known_units: set[str], kind: str) -> list[Finding]:
    """The kind's rows that refer to a unit the owner file does not have (a DATA finding, the row stays out);
    for the owner file itself, a unit written twice."""
    if not known_units or kind not in CROSS_ORDER:
        return []
    findings = []
    if kind == "owners":
        seen: dict[str, Owner] = {}
        for owner in records.of("owners"):
            if owner.unit.key in seen:
                first = seen[owner.unit.key]
                findings.append(cell_finding(owner.ref.cell("unit", owner.unit.display),
                                             f"房号重复（与 {first.ref.file} › {first.ref.sheet} › 第{first.ref.row}行 相同），以先出现的一行为准",
                                             "duplicate-unit", subject=owner.unit.key, severity="警告"))
            else:
                seen[owner.unit.key] = owner
        return findings
    kept = []
    for rec in records.of(kind):
        if rec.unit.key in known_units:
            kept.append(rec)
        else:
            findings.append(cell_finding(rec.ref.cell("unit", rec.unit.display),
                                         "业主档案中没有此房号，本行未参与催缴检查", "unknown-unit",
                                         subject=rec.unit.key))
    records.by_kind[kind] = kept
    return findings


def owners_by_unit(records: Records) -> dict[str, Owner]:
    out: dict[str, Owner] = {}
    for owner in records.of("owners"):
        out.setdefault(owner.unit.key, owner)
    return out
