"""wuye — 物业客服部合规引擎.

Public API (used by the CLI and the tests)::

    from engine import run_night, check_ledgers, check_rules, parse_as_of
"""
from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from .errors import LedgerFolderError, RuleFileError, WuyeError
from .findings import Finding, Source
from .pipeline import RunResult, run_night

REPO = Path(__file__).resolve().parent.parent


def parse_as_of(text: str | None) -> datetime:
    """``YYYY-MM-DD`` means the end of that day; ``YYYY-MM-DD HH:MM`` a moment; None means now."""
    if not text:
        return datetime.combine(datetime.now().date(), time(23, 59, 59))
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    try:
        return datetime.combine(datetime.strptime(text, "%Y-%m-%d").date(), time(23, 59, 59))
    except ValueError:
        raise WuyeError(f"检查日期 {text!r} 格式不对", "请写成 2026-11-20（表示当天结束时）或 2026-11-20 18:00") from None


def check_ledgers(folder: Path):
    """Read and validate only: (records, findings, inventory)."""
    from .read import read_ledgers
    from .validate import validate

    loaded = read_ledgers(folder)
    records, findings = validate(loaded)
    return records, loaded.findings + findings, loaded.inventory


def check_rules(folder: Path):
    """Load the rule files (raising on a bad one) and run every worked example."""
    from .derive.calendar import WorkCalendar
    from .rules import load_rulebook, run_examples

    book = load_rulebook(folder)
    WorkCalendar.from_rules(folder)  # a bad calendar table is a rule-file error too
    return book, run_examples(book)


__all__ = ["Finding", "LedgerFolderError", "REPO", "RuleFileError", "RunResult", "Source", "WuyeError",
           "check_ledgers", "check_rules", "parse_as_of", "run_night"]
