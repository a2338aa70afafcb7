"""Shared fixtures: tests build their own small workbooks, or use the bundled demo ledgers."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import engine.validate
from engine import parse_as_of, run_night

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook from rows of values; a value "#REF!"/"#DIV/0!" becomes a real error cell."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(r, c)
                cell.value = value
                if isinstance(value, str) and value.startswith("#") and value.endswith(("!", "?", "A")):
                    cell.data_type = "e"
                elif isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text a clerk typed, not a formula
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


OWNER_HEADER = ["房号", "业主姓名", "联系电话", "身份证号", "建筑面积(㎡)", "缴费方式"]
FEE_HEADER = ["房号", "收费项目", "所属期", "应收金额", "实收金额", "缴费日期", "缴费期限"]


def small_estate(folder: Path, fee_rows: list[list], owners: list[list] | None = None) -> Path:
    owners = owners or [
        ["1-1-101", "王建国", "13812345678", "110101199001011234", 100, "现金"],
        ["1-1-102", "李秀英", "13900001111", "110101199202022345", 80, "银行代扣"],
    ]
    write_xlsx(folder / "业主档案.xlsx", {"业主": [["XX花园业主档案"], OWNER_HEADER, *owners]})
    write_xlsx(folder / "收费台账.xlsx", {"收费": [["XX花园收费台账"], FEE_HEADER, *fee_rows]})
    return folder


@pytest.fixture
def rules_dir() -> Path:
    return REPO / "rules"


@pytest.fixture
def forms_dir() -> Path:
    return REPO / "forms"


BUILT_BOTH_WAYS: list[int] = [0]  # records checked against pydantic (tests/test_records.py)


def checked_builder(model: type, names: tuple[str, ...]):
    """engine.validate.builder, and beside every record it builds the record pydantic builds from the same
    values: they must be equal, field by field of the same class (else the test fails where it validated)."""
    fast = _builder(model, names)
    if model is engine.validate.GenericRecord:
        return fast

    def build(ref, values):
        record = fast(ref, values)
        slow = model(ref=ref, **dict(zip(names, values)))
        fields = list(model.__dataclass_fields__)
        assert record == slow, (model.__name__, names, values)
        assert [type(getattr(record, f)) for f in fields] == [type(getattr(slow, f)) for f in fields], (
            model.__name__, names, values)
        BUILT_BOTH_WAYS[0] += 1
        return record
    return build


_builder = engine.validate.builder


@pytest.fixture(scope="session", autouse=True)
def records_checked_against_pydantic():
    """Every night a test runs in this process builds its records both ways (see engine.validate.builder)."""
    engine.validate.builder = checked_builder
    yield
    engine.validate.builder = _builder


@pytest.fixture
def demo_ledgers(tmp_path) -> Path:
    """A copy of the bundled sample ledgers, so a test can never modify the originals."""
    dst = tmp_path / "ledgers"
    shutil.copytree(REPO / "ledgers", dst)
    return dst


@pytest.fixture
def night(rules_dir, forms_dir):
    """Run one night: night(ledgers, out, "2026-11-20")."""
    def _run(ledgers: Path, out: Path, as_of: str, today: date = TODAY, rules: Path | None = None,
             workers: bool = False):
        return run_night(ledgers, rules or rules_dir, out, parse_as_of(as_of), forms_dir, today=today, workers=workers)
    return _run
