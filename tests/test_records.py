"""Records are built from the parsed cells without pydantic checking each one again (engine.validate.builder).

conftest.py makes every test that validates ledgers in this process build each record both ways and compare
them; here that is done on purpose over every kind of ledger folder the tests know, and the check is shown to
bite.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

import engine.validate
from engine.read import read_ledgers
from engine.read.parse import parse_unit
from engine.validate import Fee, GenericRecord, RowRef, Ticket, builder, validate

from .conftest import BUILT_BOTH_WAYS, REPO
from .test_realworld import FOLDERS, REALWORLD

REF = RowRef("收费台账.xlsx", "Sheet1", 2, {"unit": "房号"}, {"unit": 0})


@pytest.mark.parametrize("folder", [REPO / "ledgers"] + [REALWORLD / name for name in FOLDERS])
def test_every_record_built_equals_the_one_pydantic_builds(folder):
    before = BUILT_BOTH_WAYS[0]
    records, _ = validate(read_ledgers(folder))
    typed = sum(len(records.of(kind)) for kind in engine.validate.MODELS)
    assert engine.validate.builder is not builder  # conftest's checking builder is in place …
    assert BUILT_BOTH_WAYS[0] - before >= typed  # … and saw every typed record (a cross-check drops some)


def test_fields_left_out_take_the_models_defaults_and_unknown_names_are_ignored():
    build = builder(Fee, ("unit", "item", "period", "amount_due", "not_a_field"))
    fee = build(REF, (parse_unit("1-2-1502"), "物业费", (2026, 1), Decimal("120.50"), "x"))
    assert fee == Fee(ref=REF, unit=parse_unit("1-2-1502"), item="物业费", period=(2026, 1),
                      amount_due=Decimal("120.50"))
    assert fee.amount_paid == Decimal("0") and fee.paid_date is None and not hasattr(fee, "not_a_field")


def test_a_model_missing_a_required_field_is_left_to_pydantic():
    with pytest.raises(Exception, match="received_at"):
        builder(Ticket, ("ticket_id", "kind"))(REF, ("T1", "投诉"))


def test_the_check_fails_when_a_value_is_not_of_its_fields_type():
    from .conftest import checked_builder

    with pytest.raises(Exception):  # pydantic refuses a period that is text; the fast path alone would not
        checked_builder(Fee, ("unit", "item", "period", "amount_due"))(
            REF, (parse_unit("1-2-1502"), "物业费", "2026-01", Decimal("1")))


def test_a_generic_record_keeps_its_fields():
    record = builder(GenericRecord, ("unit", "lent_at"))(REF, ("1-301", None))
    assert record == GenericRecord(ref=REF, unit="1-301", lent_at=None) and record.unit == "1-301"
