"""China's working-day calendar: statutory holidays and 调休 make-up working days.

chinesecalendar carries the State Council schedules it knows (2004–2026 in
the pinned version). ``rules/calendar.yaml`` holds the schedules a company
adds for later years; a year listed there is taken from the table. Asking
about a year nobody has data for raises :class:`CalendarDataMissing`, which
says exactly what to add — never a guess from weekdays.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

import chinese_calendar
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import CalendarDataMissing, RuleFileError
from ..rules.yamlload import line_of, load_yaml

CALENDAR_FILE = "calendar.yaml"
END_OF_DAY = time(23, 59, 59)


class YearSchedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    citation: str = Field(min_length=3)  # the State Council notice, e.g. 国办发明电〔2026〕X号
    holidays: list[date]  # days off that would otherwise be working days (and the weekend days of a holiday)
    workdays: list[date] = []  # 调休: weekend days that are working days


class CalendarFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    source: str = ""
    note: str = ""
    years: dict[int, YearSchedule] = {}


class WorkCalendar:
    def __init__(self, years: dict[int, YearSchedule] | None = None, file: str = CALENDAR_FILE):
        self.file = file
        self.years = years or {}
        for year, sched in self.years.items():
            stray = [d for d in sched.holidays + sched.workdays if d.year != year]
            if stray:
                raise RuleFileError(f"{file}: {year} 年的安排中出现了其他年份的日期 {stray[0]}")
        self._is_workday = lru_cache(maxsize=4096)(self._lookup)

    @classmethod
    def from_rules(cls, folder: Path) -> "WorkCalendar":
        path = Path(folder) / CALENDAR_FILE
        if not path.exists():
            return cls()
        raw = load_yaml(path)
        try:
            model = CalendarFile.model_validate(raw or {})
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = tuple(err["loc"])
            raise RuleFileError(f"{path.name}:{line_of(raw, loc)}: {'.'.join(map(str, loc))}: {err['msg']}") from None
        return cls(model.years, path.name)

    def _lookup(self, day: date) -> bool:
        sched = self.years.get(day.year)
        if sched is not None:
            if day in sched.workdays:
                return True
            return day.weekday() < 5 and day not in sched.holidays
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            raise CalendarDataMissing(
                f"没有 {day.year} 年的法定节假日和调休安排，无法计算工作日时限（{day:%Y-%m-%d}）。"
                f"请在 rules/{CALENDAR_FILE} 的 years 下加入 {day.year}: citation（国务院办公厅通知文号）、"
                "holidays（放假日期）、workdays（调休上班的周末日期）。") from None

    def is_workday(self, day: date) -> bool:
        return self._is_workday(day)

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The end of the n-th working day after ``start``; counting starts on the working day after receipt."""
        day = start.date()
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return datetime.combine(day, END_OF_DAY)

    def covers(self, year: int) -> bool:
        if year in self.years:
            return True
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
            return True
        except NotImplementedError:
            return False
