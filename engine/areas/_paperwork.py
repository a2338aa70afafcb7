"""Helpers shared by the record-keeping areas (movein, satisfaction, duty): reading a paper or yes/no cell the
way clerks write it, and the ``column_gap`` fact — a ledger sheet without a column a rule needs, said once per
sheet instead of guessed per row (nothing is silently skipped)."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import TYPE_CHECKING, Iterable

from .base import Fact, FactType

if TYPE_CHECKING:
    from ..validate import GenericRecord, Record

BLANK = {"", "/", "-", "—", "－", "／"}

COLUMN_GAP = FactType("column_gap", {
    "policy": str, "ledger": str, "sheet": str, "columns": str, "checks": str,
}, "台账缺栏", columns=(("台账", "ledger"), ("工作表", "sheet"), ("缺少的栏目", "columns")))


def text(value) -> str:
    """A cell as trimmed text ('' for blank or a dash)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    out = unicodedata.normalize("NFKC", str(value)).strip()
    return "" if out in BLANK else out


def has_word(value: str, words: Iterable) -> bool:
    return any(str(w) and str(w) in value for w in words or ())


def present(value, missing_words: Iterable) -> bool:
    """A paper column: anything written (√, 有, 已收, 复印件, a date …) is present, unless it is blank or says it
    is missing — equal to one of the rule file's words, or starting with one written in Chinese (未收, 缺少)."""
    t = text(value)
    if not t:
        return False
    for w in (str(x) for x in missing_words or ()):
        if t.upper() == w.upper() or (not w.isascii() and t.startswith(w)):
            return False
    return True


def flag(value, no_words: Iterable) -> bool | None:
    """A yes/no column (重大事件、是否业主 …): None when blank; False when it says no (the rule file's words);
    anything else written there (是, √, or a description of the event) is yes."""
    if not text(value):
        return None
    return present(value, no_words)


def gap_facts(records: list, policy: str, ledger: str, needed: dict[str, str], checks: str) -> list[Fact]:
    """One ``column_gap`` fact per sheet of ``records`` that lacks any of ``needed`` (field → column label)."""
    sheets: dict[tuple[str, str], Record | GenericRecord] = {}
    for rec in records:
        sheets.setdefault((rec.ref.file, rec.ref.sheet), rec)
    out = []
    for (file, sheet), rec in sorted(sheets.items()):
        absent = [label for name, label in needed.items() if name not in rec.ref.columns]
        if not absent:
            continue
        out.append(Fact("column_gap", f"{file} › {sheet}", {
            "policy": policy, "ledger": ledger, "sheet": f"{file} › {sheet}", "columns": "、".join(absent),
            "checks": checks}, (rec.ref.whole_row(),), matter=policy))
    return out


def moment(value, end_of_day: bool = False):
    """A datetime cell; a bare date (midnight) is the end of that day when ``end_of_day`` (a return or a report
    dated without a time cannot be placed earlier than the day's end)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if end_of_day and value.time() == datetime.min.time():
            return value.replace(hour=23, minute=59, second=59)
        return value
    if isinstance(value, date):
        return datetime.combine(value, datetime.max.time().replace(microsecond=0) if end_of_day else datetime.min.time())
    return None
