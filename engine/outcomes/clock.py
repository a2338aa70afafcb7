"""Deadlines ("clocks") defined in the rule files, run against a ticket's times.

A clock starts at a ticket time, runs for hours, minutes or working days (or
to the end of that day, or to the Nth calendar day after it — at its end or at a time of day), and stops at the first of its ``met_by`` times; a
time agreed with the owner replaces the deadline where the rule says so.
Times after the as-of moment have not happened yet on that night.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..errors import RuleFileError
from ..rules.model import Clock
from ..derive.calendar import END_OF_DAY, WorkCalendar

ON_TRACK, NEAR, OVERDUE, MET, MET_LATE = "正常", "临近超时", "已超时", "按时完成", "超时完成"


@dataclass(frozen=True)
class ClockResult:
    start: datetime
    deadline: datetime
    met_at: datetime | None
    state: str

    @property
    def breached(self) -> bool:
        return self.state in (OVERDUE, MET_LATE)

    @property
    def running(self) -> bool:
        return self.met_at is None


def _value(raw: Any, params: dict[str, Any]) -> Any:
    if isinstance(raw, str) and raw.startswith("$"):
        if raw[1:] not in params:
            raise RuleFileError(f"时限引用了未定义的参数 {raw}")
        return params[raw[1:]]
    return raw


def deadline_of(clock: Clock, start: datetime, params: dict[str, Any], calendar: WorkCalendar) -> datetime:
    (unit, raw), = clock.within.items()
    value = _value(raw, params)
    if unit == "hours":
        return start + timedelta(hours=float(value))
    if unit == "minutes":
        return start + timedelta(minutes=float(value))
    if unit == "working_days":
        return calendar.add_working_days(start, int(value))
    if unit == "calendar_days":  # the Nth calendar day after the start, at ``at`` or at its end
        day = start.date() + timedelta(days=int(value))
        at = _value(clock.at, params) if clock.at else None
        return datetime.combine(day, datetime.strptime(str(at), "%H:%M").time() if at else END_OF_DAY)
    return datetime.combine(start.date(), END_OF_DAY)  # end_of_day


def run_clock(clock: Clock, times: dict[str, datetime | None], as_of: datetime, params: dict[str, Any],
              calendar: WorkCalendar, margin: timedelta) -> ClockResult | None:
    """None when the clock has not started by the as-of moment."""
    start = times.get(clock.start)
    if start is None or start > as_of:
        return None
    deadline = deadline_of(clock, start, params, calendar)
    agreed = times.get(clock.override) if clock.override else None
    if agreed is not None:
        deadline = agreed
    met_at = min((t for f in clock.met_by if (t := times.get(f)) is not None and t <= as_of), default=None)
    if met_at is not None:
        state = MET if met_at <= deadline else MET_LATE
    elif as_of > deadline:
        state = OVERDUE
    elif deadline - as_of <= margin:
        state = NEAR
    else:
        state = ON_TRACK
    return ClockResult(start, deadline, met_at, state)
