"""wuye — 物业客服部合规引擎.

Public API (used by the CLI and the tests)::

    from engine import run_night, check_ledgers, check_rules, parse_as_of
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

from .errors import LedgerFolderError, RuleFileError, WuyeError
from .findings import Finding, Source
from .pipeline import RunResult, run_night

REPO = Path(__file__).resolve().parent.parent


_AS_OF = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                    r"(?:(?:\s+|T|\s*日?\s*)(\d{1,2})\s*[:：时点]\s*(\d{1,2})?\s*分?(?:\s*[:：]\s*(\d{1,2})\s*秒?)?)?\s*")


def parse_as_of(text: str | None, today: date | None = None, allow_future: bool = True) -> datetime:
    """``2026-11-20``, ``2026/11/20`` or ``2026年11月20日`` means the end of that day; with a time
    (``2026-11-20 18:00``, ``2026年11月20日 18时30分``) that moment; None means now. With ``allow_future=False``
    a moment after the end of tomorrow is refused (a mistyped year would otherwise issue notices early)."""
    today = today or datetime.now().date()
    if not text:
        return datetime.combine(today, time(23, 59, 59))
    m = _AS_OF.fullmatch(text)
    try:
        if not m:
            raise ValueError(text)
        y, mo, d, h, mi, s = m.groups()
        if h is None:
            moment = datetime.combine(date(int(y), int(mo), int(d)), time(23, 59, 59))
        else:
            moment = datetime(int(y), int(mo), int(d), int(h), int(mi or 0), int(s or 0))
    except ValueError:
        raise WuyeError(f"检查日期 {text!r} 格式不对",
                        "请写成 2026-11-20、2026/11/20 或 2026年11月20日（表示当天结束时），"
                        "或加上时间：2026-11-20 18:00") from None
    from .read.parse import YEARS
    if not YEARS[0] <= moment.year <= YEARS[1]:  # date arithmetic near year 9999 overflows; such a year is a slip
        raise WuyeError(f"检查日期 {moment.year:04d}-{moment.month:02d}-{moment.day:02d} 的年份不在 {YEARS[0]}–{YEARS[1]} 年之间",
                        "年份是否写错？请写成 2026-11-20 这样的日期")
    if not allow_future and moment.date() > today + timedelta(days=1):
        raise WuyeError(f"检查日期 {moment:%Y-%m-%d} 晚于明天（今天是 {today:%Y-%m-%d}）",
                        "年份或月份是否写错？确需按将来的日期检查（如演练），请加 --allow-future")
    return moment


def check_ledgers(folder: Path):
    """Read and validate only: (records, findings, inventory)."""
    from .read import read_ledgers
    from .validate import validate

    loaded = read_ledgers(folder)
    records, findings = validate(loaded)
    return records, loaded.findings + findings, loaded.inventory


def check_rules(folder: Path, forms: Path | None = None):
    """Load the rule files (raising on a bad one), check them against the areas and the document catalogue,
    and run every worked example and every scenario (``rules/scenarios/*.yaml``)."""
    from .derive.calendar import WorkCalendar
    from .outcomes.catalogue import load_documents
    from .rules import ExampleResult, load_rulebook, run_examples
    from .rules.check import check_against_areas
    from .rules.scenarios import run_scenarios

    forms = Path(forms) if forms is not None else REPO / "forms"
    book = load_rulebook(folder)
    WorkCalendar.from_rules(folder)  # a bad calendar table is a rule-file error too
    check_against_areas(book, load_documents(forms))
    results = run_examples(book)
    results += [ExampleResult(r.file, "场景", r.title, r.ok, r.detail) for r in run_scenarios(folder, forms)]
    return book, results


__all__ = ["Finding", "LedgerFolderError", "REPO", "RuleFileError", "RunResult", "Source", "WuyeError",
           "check_ledgers", "check_rules", "parse_as_of", "run_night"]
