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

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

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


class Record(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    ref: RowRef


class Owner(Record):
    unit: Unit
    owner_name: str
    phone: str | None = None
    id_number: str | None = None
    area_m2: Decimal | None = None
    handover_date: date | None = None
    payment_method: str | None = None
    address: str | None = None


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


class Instalment(Record):
    unit: Unit
    agreement: str | None = None
    seq: int | None = None
    due_date: date
    amount: Decimal
    amount_paid: Decimal = Decimal("0")
    paid_date: datetime | None = None


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
    site: str | None = None


class GenericRecord(Record):
    """Kinds the rules do not use yet (collections, keys, staff) are still read and checked cell by cell."""

    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True)


MODELS: dict[str, type[Record]] = {"owners": Owner, "fees": Fee, "instalments": Instalment, "tickets": Ticket}


class Records(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    by_kind: dict[str, list] = {}

    def of(self, kind: str) -> list:
        return self.by_kind.get(kind, [])


def validate(ledgers: Ledgers) -> tuple[Records, list[Finding]]:
    findings: list[Finding] = []
    by_kind: dict[str, list] = defaultdict(list)
    known_units: set[str] = set()  # every unit the owner file names, even on a row with another bad cell
    for loaded in ledgers.sheets:
        layout = loaded.rows.layout
        kind = layout.kind
        model = MODELS.get(kind.name, GenericRecord)
        columns = {name: layout.headers.get(col, kind.field(name).title) for name, col in layout.columns.items()}
        specs = [(kind.field(name), col, PARSERS[kind.field(name).type]) for name, col in layout.columns.items()]
        missing = [f for f in kind.required if f not in layout.columns]
        file, sheet, records_of_kind = loaded.file, loaded.sheet, by_kind[kind.name]
        for raw in loaded.rows.rows:
            ref = RowRef(file, sheet, raw.row, columns)
            values: dict[str, object] = {}
            bad = False
            cells, errors = raw.cells, raw.errors
            width = len(cells)
            for spec, col, parser in specs:
                value = cells[col] if col < width else None
                if errors and col in errors:
                    findings.append(cell_finding(ref.cell(spec.name, errors[col]),
                                                 "单元格为公式错误，不能当作空白或零，请修正公式", "formula-error"))
                    bad = True
                    continue
                if value == "" or value is None:
                    parsed = None
                else:
                    try:
                        parsed = parser(value)
                    except CellError as exc:
                        findings.append(cell_finding(ref.cell(spec.name, value), str(exc), f"{spec.type}"))
                        bad = True
                        continue
                if parsed is None:
                    if spec.required:
                        findings.append(cell_finding(ref.cell(spec.name, value), "必填项为空", "required"))
                        bad = True
                    continue
                values[spec.name] = parsed
            if kind.name == "owners" and "unit" in values:
                known_units.add(values["unit"].key)
            if bad or missing:
                continue
            records_of_kind.append(model(ref=ref, **values))
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
