"""Stage 2 — validate raw rows into typed records, row by row, keeping the Excel row number.

A cell that cannot be read becomes a ``DATA`` finding
(``file › sheet › row › column: value — reason``) and its row stays out of
the rules. Cross-checks between ledgers (a fee row for a unit that is not in
the owner file) happen here too.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict
from pydantic.dataclasses import dataclass as pydantic_dataclass

from .findings import Finding, Source, cell_finding
from .read.ledgers import Ledgers
from .read.parse import (CellError, Unit, display, parse_amount, parse_date, parse_datetime, parse_int,
                         parse_period, parse_text, parse_unit)

PARSERS = {
    "text": parse_text, "unit": parse_unit, "date": parse_date, "datetime": parse_datetime,
    "period": parse_period, "amount": parse_amount, "int": parse_int,
}


@dataclass(slots=True)
class RowRef:
    """Where a record came from: the file, sheet and Excel row, and the header of each field's column."""

    file: str
    sheet: str
    row: int
    columns: dict[str, str]  # field → header text

    def cell(self, field: str, value: object = None) -> Source:
        return Source(self.file, self.sheet, self.row, self.columns.get(field, field),
                      None if value is None else display(value))

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


class GenericRecord(BaseModel):
    """Kinds the rules do not use yet (collections, keys, staff) are still read and checked cell by cell."""

    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True)
    ref: RowRef


MODELS: dict[str, type] = {"owners": Owner, "fees": Fee, "instalments": Instalment, "tickets": Ticket}


@dataclass
class Records:
    """The validated records of a night, by ledger kind."""

    by_kind: dict[str, list] = field(default_factory=dict)

    def of(self, kind: str) -> list:
        return self.by_kind.get(kind, [])


def _field_default(model, name: str):
    fields = getattr(model, "__dataclass_fields__", None) or {}
    f = fields.get(name)
    default = getattr(f, "default", None) if f is not None else None
    return None if default is None or default.__class__.__name__ == "_MISSING_TYPE" else default


_FORMULA_ERROR = "单元格为公式错误，不能当作空白或零，请修正公式"


def _parse_column(values: list, parser) -> list:
    """Parse a whole column; each distinct value is parsed once. A bad cell becomes its CellError."""
    memo: dict = {}
    out = []
    for v in values:
        try:
            out.append(memo[v])
            continue
        except KeyError:
            pass
        except TypeError:  # unhashable: parse without the memo
            memo = {}
        if v == "" or v is None:
            parsed = None
        else:
            try:
                parsed = parser(v)
            except CellError as exc:
                parsed = exc
        try:
            memo[v] = parsed
        except TypeError:
            pass
        out.append(parsed)
    return out


def validate(ledgers: Ledgers) -> tuple[Records, list[Finding]]:
    """Column by column (each distinct value parsed once), then row by row into pydantic records."""
    findings: list[Finding] = []
    by_kind: dict[str, list] = defaultdict(list)
    known_units: set[str] = set()  # every unit the owner file names, even on a row with another bad cell
    for loaded in ledgers.sheets:
        layout = loaded.rows.layout
        kind = layout.kind
        model = MODELS.get(kind.name, GenericRecord)
        rows = loaded.rows.rows
        columns = {name: layout.headers.get(col, kind.field(name).title) for name, col in layout.columns.items()}
        specs = [(kind.field(name), col) for name, col in layout.columns.items()]
        names = [spec.name for spec, _ in specs]
        file, sheet = loaded.file, loaded.sheet
        problems: list[tuple[int, int, Finding]] = []  # (row index, column order, finding)
        parsed_columns = []
        error_rows = [i for i, r in enumerate(rows) if r.errors]
        for order, (spec, col) in enumerate(specs):
            raw_column = [r.cells[col] if col < len(r.cells) else None for r in rows]
            parsed = _parse_column(raw_column, PARSERS[spec.type])
            if spec.required:
                suspects = [i for i, p in enumerate(parsed) if p is None or p.__class__ is CellError]
            else:
                suspects = [i for i, p in enumerate(parsed) if p.__class__ is CellError]
            for i in sorted(set(suspects).union(error_rows)):
                ref = RowRef(file, sheet, rows[i].row, columns)
                if col in rows[i].errors:
                    problem = cell_finding(ref.cell(spec.name, rows[i].errors[col]), _FORMULA_ERROR, "formula-error")
                elif parsed[i] is None and spec.required:
                    problem = cell_finding(ref.cell(spec.name, raw_column[i]), "必填项为空", "required")
                elif isinstance(parsed[i], CellError):
                    problem = cell_finding(ref.cell(spec.name, raw_column[i]), str(parsed[i]), spec.type)
                else:
                    continue
                parsed[i] = problem  # marks the row as bad
                problems.append((i, order, problem))
            default = _field_default(model, spec.name)
            if default is not None:  # e.g. 实收金额: blank means 0 (ledgers.md)
                parsed = [default if p is None else p for p in parsed]
            parsed_columns.append(parsed)
        bad_rows = {i for i, _, _ in problems}
        findings.extend(f for _, _, f in sorted(problems, key=lambda x: (x[0], x[1])))
        if any(f not in layout.columns for f in kind.required):
            bad_rows = set(range(len(rows)))
        if kind.name == "owners" and "unit" in layout.columns:
            known_units.update(u.key for u in parsed_columns[names.index("unit")] if isinstance(u, Unit))
        out = by_kind[kind.name]
        for i, values in enumerate(zip(*parsed_columns)):
            if i in bad_rows:
                continue
            out.append(model(ref=RowRef(file, sheet, rows[i].row, columns), **dict(zip(names, values))))
        loaded.rows.rows = []  # the raw cells are not needed past validation; free them sheet by sheet
    records = Records(by_kind=dict(by_kind))
    findings.extend(_cross_check(records, known_units))
    return records, findings


def _cross_check(records: Records, known_units: set[str]) -> list[Finding]:
    """Rows that refer to a unit the owner file does not have: a DATA finding, the row stays out."""
    owners = records.of("owners")
    if not known_units:
        return []
    findings = []
    seen: dict[str, Owner] = {}
    for owner in owners:
        if owner.unit.key in seen:
            first = seen[owner.unit.key]
            findings.append(cell_finding(owner.ref.cell("unit", owner.unit.display),
                                         f"房号重复（与 {first.ref.file} › {first.ref.sheet} › 第{first.ref.row}行 相同），以先出现的一行为准",
                                         "duplicate-unit", subject=owner.unit.key, severity="警告"))
        else:
            seen[owner.unit.key] = owner
    for kind in ("fees", "instalments"):
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
