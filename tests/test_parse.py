from datetime import date, datetime
from decimal import Decimal

import pytest

from engine.read.parse import CellError, parse_amount, parse_date, parse_datetime, parse_period, parse_unit


@pytest.mark.parametrize("raw, expected", [
    ("2026-03-05", date(2026, 3, 5)),
    ("2026/3/5", date(2026, 3, 5)),
    ("2026.3.5", date(2026, 3, 5)),
    ("2026年3月5日", date(2026, 3, 5)),
    ("２０２６年３月５日", date(2026, 3, 5)),
    (datetime(2026, 3, 5, 14, 30), date(2026, 3, 5)),
    (46086.0, date(2026, 3, 5)),  # an Excel serial without a date format
    ("", None),
])
def test_dates_in_every_form(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("2026-03-05 14:30", datetime(2026, 3, 5, 14, 30)),
    ("2026/3/5 14:30:15", datetime(2026, 3, 5, 14, 30, 15)),
    ("2026年3月5日 9:05", datetime(2026, 3, 5, 9, 5)),
])
def test_datetimes(raw, expected):
    assert parse_datetime(raw) == expected


@pytest.mark.parametrize("raw, reason", [
    ("2026-13-45", "日期不存在"),
    ("14:30:00", "只有时间没有日期"),
    ("下周一", "日期格式无法识别"),
])
def test_bad_dates_say_why(raw, reason):
    with pytest.raises(CellError, match=reason):
        parse_date(raw)


@pytest.mark.parametrize("raw", ["2026-10", "2026/10", "2026年10月", "202610", datetime(2026, 10, 3), "2026.10"])
def test_periods(raw):
    assert parse_period(raw) == (2026, 10)


def test_bad_period():
    with pytest.raises(CellError, match="月份不存在"):
        parse_period("2026-13")


@pytest.mark.parametrize("raw, expected", [
    (1234.5, Decimal("1234.50")),
    ("1,234.50", Decimal("1234.50")),
    ("1234.5元", Decimal("1234.50")),
    ("¥1,234.50", Decimal("1234.50")),
    ("￥３２０", Decimal("320.00")),
    (320, Decimal("320")),
])
def test_amounts(raw, expected):
    assert parse_amount(raw) == expected


@pytest.mark.parametrize("raw", ["约300", "三百", "12..5"])
def test_bad_amounts(raw):
    with pytest.raises(CellError):
        parse_amount(raw)


@pytest.mark.parametrize("raw", ["3-2-1502", "3栋2单元1502", "3#2-1502", " 3-2-1502 ", "３－２－１５０２", "3号楼2单元1502室"])
def test_units_normalise_and_keep_the_original(raw):
    unit = parse_unit(raw)
    assert unit.key == "3-2-1502"
    assert unit.display == raw.strip()
