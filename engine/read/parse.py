"""Cell parsers for the forms real ledgers use (see shared/ledgers.md).

Each parser takes a raw cell value (as the workbook reader returns it: str,
int, float, datetime, date, time or None) and returns the typed value, or
raises :class:`CellError` with a Chinese reason. Blank cells return None;
whether blank is allowed is the caller's business.
"""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache, wraps

from dataclasses import dataclass


class CellError(ValueError):
    """A cell value that cannot be read; ``args[0]`` is the Chinese reason."""


def _never_crash(reason: str):
    """A parser raises CellError and nothing else: any other failure on a strange value is reported as ``reason``."""
    def wrap(parser):
        @wraps(parser)
        def safe(value):
            try:
                return parser(value)
            except CellError:
                raise
            except (ValueError, ArithmeticError, TypeError, OverflowError, RecursionError):
                raise CellError(reason) from None
        return safe
    return wrap


# Technical bounds (not policy): values outside them are typing slips, and would overflow date or decimal arithmetic.
YEARS = (1900, 2999)  # a date or billing period outside these years is reported, not used
MAX_AMOUNT = Decimal("1e12")  # an amount of a trillion yuan or more is reported, not used
MAX_INT_DIGITS = 15
_LOGICAL = {"TRUE", "FALSE"}


def _check_year(year: int, what: str) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise CellError(f"{what}年份 {year} 不在 {YEARS[0]}–{YEARS[1]} 年之间，应是录入错误")


@dataclass(frozen=True, slots=True)
class Unit:
    """A room number: ``key`` is normalised (``3-2-1502``), ``display`` as written."""

    key: str
    display: str

    @property
    def building(self) -> str:
        return self.key.split("-")[0]


EXCEL_EPOCH = datetime(1899, 12, 30)
CENT = Decimal("0.01")


def norm_text(value: object) -> str:
    """Full-width → half-width (NFKC), trimmed, inner runs of spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).replace("\u3000", " ")
    return re.sub(r"\s+", " ", text).strip()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def display(value: object) -> str:
    """How a raw value is shown back to the clerk in a finding."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 30:
        return f"（约 {value.bit_length() * 30103 // 100000 + 1} 位的数字）"  # str() refuses beyond 4,300 digits
    return str(value)


# ---------------------------------------------------------------- dates

_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})\s*秒?)?\s*分?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _excel_serial(value: float) -> datetime:
    if not 1 <= value < 2958466:
        raise CellError("不是有效的日期")
    return EXCEL_EPOCH + timedelta(days=float(value))


@_never_crash("日期无法识别")
def parse_datetime(value: object) -> datetime | None:
    """A date with optional time. A date-only value is midnight of that day."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        _check_year(value.year, "日期")
        return value
    if isinstance(value, date):
        _check_year(value.year, "日期")
        return datetime(value.year, value.month, value.day)
    if isinstance(value, time):
        raise CellError("只有时间没有日期")
    if isinstance(value, bool):
        raise CellError("是逻辑值 TRUE/FALSE，不是日期")
    if isinstance(value, float) and not math.isfinite(value):
        raise CellError("不是日期")
    if isinstance(value, (int, float)):
        if 20000 <= value <= 80000:  # an Excel date serial stored without date format
            return _excel_serial(value)
        text = norm_text(value)
        m = _COMPACT_DATE_RE.match(text)
        if not m:
            raise CellError("不是日期")
        parts = m.groups()
    else:
        text = norm_text(value)
        if text.upper() in _LOGICAL:
            raise CellError("是逻辑值 TRUE/FALSE，不是日期")
        m = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
        if not m:
            if re.match(r"^\d{1,2}[:：]\d{2}", text):
                raise CellError("只有时间没有日期")
            raise CellError("日期格式无法识别（应为 2026-03-05、2026/3/5、2026.3.5 或 2026年3月5日）")
        parts = m.groups()
    y, mo, d = int(parts[0]), int(parts[1]), int(parts[2])
    hh = int(parts[3]) if len(parts) > 3 and parts[3] else 0
    mm = int(parts[4]) if len(parts) > 4 and parts[4] else 0
    ss = int(parts[5]) if len(parts) > 5 and parts[5] else 0
    _check_year(y, "日期")
    try:
        return datetime(y, mo, d, hh, mm, ss)
    except ValueError:
        raise CellError("日期不存在（月或日超出范围）") from None


@_never_crash("日期无法识别")
def parse_date(value: object) -> date | None:
    dt = parse_datetime(value)
    return dt.date() if dt is not None else None


_PERIOD_RE = re.compile(r"^(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*月?(?:份)?$")
_PERIOD_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})$")


@_never_crash("所属期格式无法识别（应为 2026-10、2026年10月 或 202610）")
def parse_period(value: object) -> tuple[int, int] | None:
    """A billing period (year, month): ``2026-10``, ``2026/10``, ``2026年10月``, ``202610`` or a date."""
    if is_blank(value):
        return None
    if isinstance(value, (datetime, date)):
        _check_year(value.year, "所属期")
        return (value.year, value.month)
    if isinstance(value, bool):
        raise CellError("是逻辑值 TRUE/FALSE，不是所属期")
    return _period(value)


@lru_cache(maxsize=4096)
def _period(value: str | float | int) -> tuple[int, int]:
    text = norm_text(value)
    m = _PERIOD_RE.match(text) or _PERIOD_COMPACT_RE.match(text)
    if not m:
        try:
            d = parse_datetime(value)
        except CellError:
            raise CellError("所属期格式无法识别（应为 2026-10、2026年10月 或 202610）") from None
        return (d.year, d.month)
    y, mo = int(m.group(1)), int(m.group(2))
    if not 1 <= mo <= 12:
        raise CellError("所属期月份不存在")
    _check_year(y, "所属期")
    return (y, mo)


# ---------------------------------------------------------------- amounts

_AMOUNT_STRIP = re.compile(r"[,，\s]|元|人民币|RMB|CNY|[¥￥]", re.IGNORECASE)


@_never_crash("金额无法识别")
def parse_amount(value: object) -> Decimal | None:
    """Money: numbers or text like ``1,234.50``, ``1234.5元``, ``¥1,234.50``, full-width digits."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("是逻辑值 TRUE/FALSE，不是金额")
    if isinstance(value, (datetime, date, time)):
        raise CellError("应为金额，却是日期")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise CellError("金额无法识别（不是有限的数）")
        amount = Decimal(repr(value))
    else:
        text = _AMOUNT_STRIP.sub("", unicodedata.normalize("NFKC", str(value)))
        if text.upper() in _LOGICAL:
            raise CellError("是逻辑值 TRUE/FALSE，不是金额")
        if len(text) > 40 or not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
            raise CellError("金额无法识别")
        amount = Decimal(text)
    if abs(amount) >= MAX_AMOUNT:
        raise CellError("金额过大（一万亿元以上），应是录入错误")
    try:
        return amount.quantize(CENT)
    except InvalidOperation:
        raise CellError("金额无法识别") from None


@_never_crash("应为整数")
def parse_int(value: object) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("是逻辑值 TRUE/FALSE，不是整数")
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            raise CellError("应为整数")
        value = int(value)
    if isinstance(value, int):
        if abs(value) >= 10 ** MAX_INT_DIGITS:
            raise CellError("数字过大，应是录入错误")
        return value
    text = norm_text(value).rstrip("次期")
    if len(text) <= MAX_INT_DIGITS + 1 and re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    if re.fullmatch(r"-?[0-9]+", text):
        raise CellError("数字过大，应是录入错误")
    raise CellError("应为整数")


# ---------------------------------------------------------------- units

_UNIT_PATTERNS = [
    # 3-2-1502, 3#2-1502, 3栋2单元1502, 3号楼2单元1502室, 3幢2-1502
    re.compile(r"^(\w+?)(?:栋|幢|座|号楼|#|-)(\w+?)(?:单元|-)(\w+?)(?:室|号|房)?$"),
    # 3-1502, 3栋1502, B1栋301
    re.compile(r"^(\w+?)(?:栋|幢|座|号楼|#|-)(\w+?)(?:室|号|房)?$"),
]
_BUILDING_ONLY = re.compile(r"^(\w+?)(?:栋|幢|座|号楼|#)$")  # 1#, 2栋: a whole building (a shop, a plant room)
_UNIT_FREE = re.compile(r"[\w\-#/()（）·.]+")


@lru_cache(maxsize=200_000)
def _unit_key(text: str) -> str:
    """The normalised key that joins a unit across spellings: ``1栋2单元1502室`` = ``1#2-1502`` = ``1-2-1502``;
    ``B1栋301`` = ``B1-301`` (and ``B1`` + ``301`` from split columns); a shop ``A01`` stays ``A01``."""
    compact = re.sub(r"\s+", "", text).upper()
    for pattern in _UNIT_PATTERNS:
        m = pattern.match(compact)
        if m:
            return "-".join(p.lstrip("0") or "0" for p in m.groups())
    m = _BUILDING_ONLY.match(compact)
    if m:
        return m.group(1).lstrip("0") or "0"
    if _UNIT_FREE.fullmatch(compact):
        return compact
    raise CellError("房号格式无法识别（应为 3-2-1502、3栋2单元1502 或 3#2-1502）")


def parse_unit(value: object) -> Unit | None:
    if is_blank(value):
        return None
    return _unit(value if isinstance(value, str) else display(value))


@lru_cache(maxsize=200_000)
def _unit(raw: str) -> Unit:
    return Unit(key=_unit_key(norm_text(raw)), display=raw.strip())


@_never_crash("文字无法识别")
def parse_text(value: object) -> str | None:
    if is_blank(value):
        return None
    return display(value).strip()
