"""Shift hand-over and duty logs (交接班 / 值班) — D1–D4 in ``rules/duty.yaml``.

Facts:
- ``handover``     one hand-over entry: cause, course and result written, signed by both (D1); handed over in a
                   situation 002 › 篇2 › 2.4 forbids — the entry's own columns, or a major event on the outgoing
                   person's duty record that day with no result (D2);
- ``duty_record``  one row of the 《值班记录表》: who, from when to when, what happened, the result (D4); a major event
                   and its written report the next day (D3, a clock);
- ``duty_week``    one post's duty records of one week, checked or not (D4, weekly);
- ``column_gap``   a sheet without a column a rule needs (once per sheet).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from ..outcomes.engine import fmt_time
from ..render.mask import mask_name
from ..validate import Records
from ._paperwork import COLUMN_GAP, flag, gap_facts, moment, present, text
from .base import Area, Context, Derived, Fact, FactType

HANDOVER = FactType("handover", {
    "when_text": str, "shift": str, "handed_masked": str, "taken_masked": str, "matter": str, "missing": str,
    "missing_count": int, "blocked": bool, "blocked_reason": str,
}, "交接班", columns=(("交接班时间", "when_text"), ("班次", "shift"), ("交班人", "handed_masked"),
                      ("接班人", "taken_masked")))
RECORD = FactType("duty_record", {
    "date_text": str, "post": str, "person_masked": str, "situation": str, "missing": str, "missing_count": int,
    "major": bool,
}, "值班记录", columns=(("值班日期", "date_text"), ("岗位", "post"), ("值班人", "person_masked"),
                        ("值班情况", "situation")), clock_sheet="值班重大事件书面报告")
WEEK = FactType("duty_week", {"post": str, "week_text": str, "records": int, "checked": bool},
                "值班记录周检查", columns=(("岗位", "post"), ("周", "week_text")))


def derive(records: Records, ctx: Context) -> Derived:
    out = Derived()
    p = ctx.params
    no = p.get("duty_no_words") or []
    nothing = [str(w) for w in p.get("duty_nothing_words") or []]
    logs = [r for r in records.of("duty_logs") if r.duty_date <= ctx.day]
    open_major = _open_major(logs, no, nothing)
    out.facts += _handovers(records, ctx, no, nothing, open_major)
    out.facts += _records(logs, ctx, no, nothing)
    out.facts += _weeks(logs, ctx)
    return out


def _said(value, nothing) -> str:
    """What a text cell says, '' when blank or a 'nothing to report' word."""
    t = text(value)
    return "" if t in nothing else t


def _key(name) -> str:
    return "".join(text(name).split())


def _open_major(logs: list, no, nothing) -> dict[tuple, str]:
    """(date, duty person) → the major event on that duty record with no result written."""
    out = {}
    for rec in logs:
        if flag(getattr(rec, "major", None), no) and not _said(getattr(rec, "result", None), nothing):
            out[(rec.duty_date, _key(rec.duty_person))] = text(getattr(rec, "situation", None))[:30] or "重大事件"
    return out


def _handovers(records: Records, ctx: Context, no, nothing, open_major: dict) -> list[Fact]:
    rows = [r for r in records.of("handovers") if r.handover_at <= ctx.as_of]
    facts = gap_facts(rows, "D1", "交接班记录", {"cause": "原因", "course": "经过", "result": "结果"},
                      "交接问题的原因、经过、结果是否写清")
    for rec in rows:
        cols = rec.ref.columns
        matter = _said(getattr(rec, "matter", None), nothing)
        has_matter = bool(matter) if "matter" in cols else True
        missing = []
        if has_matter:
            missing += [label for name, label in (("cause", "原因"), ("course", "经过"), ("result", "结果"))
                        if name in cols and not _said(getattr(rec, name, None), nothing)]
        handed = text(getattr(rec, "handed_sign", None)) if "handed_sign" in cols else text(rec.handed_by)
        taken = text(getattr(rec, "taken_sign", None)) if "taken_sign" in cols else text(rec.taken_by)
        if not handed:
            missing.append("交班人签字")
        if not taken:
            missing.append("接班人签字")
        reasons = []
        if flag(getattr(rec, "major_unresolved", None), no):
            reasons.append(f"重大或紧急事件未处理完（{text(rec.major_unresolved)}）")
        if flag(getattr(rec, "equipment_switching", None), no):
            reasons.append(f"重大设备启动或停机（{text(rec.equipment_switching)}）")
        if flag(getattr(rec, "preparation_done", None), no) is False:
            reasons.append("交接班准备工作未完成")
        if flag(getattr(rec, "taker_unfit", None), no) and not text(getattr(rec, "substitute", None)):
            reasons.append("接班人员神志不清且未找到顶班人")
        event = open_major.get((rec.handover_at.date(), _key(rec.handed_by)))
        if event:
            reasons.append(f"交班人当天值班记录中的重大事件（{event}）未写处理结果")
        when = rec.handover_at
        facts.append(Fact("handover", f"{when:%Y-%m-%d %H:%M} {mask_name(text(rec.handed_by))}", {
            "when_text": fmt_time(when), "shift": text(getattr(rec, "shift", None)) or "（未写班次）",
            "handed_masked": mask_name(text(rec.handed_by)) or "（空白）",
            "taken_masked": mask_name(text(rec.taken_by)) or "（空白）", "matter": matter[:30] or "（无交接事项）",
            "missing": "、".join(missing) or "无", "missing_count": len(missing), "blocked": bool(reasons),
            "blocked_reason": "；".join(reasons) or "无",
        }, (rec.ref.whole_row(),), matter=f"{when:%Y-%m-%d %H:%M}", closed_at=when))
    return facts


def _records(logs: list, ctx: Context, no, nothing) -> list[Fact]:
    facts = gap_facts(logs, "D4", "值班记录表", {"situation": "值班情况", "result": "处理结果"},
                      "值班记录是否注明值班情况及处理结果")
    for rec in logs:
        cols = rec.ref.columns
        start = getattr(rec, "start_at", None)
        situation = _said(getattr(rec, "situation", None), nothing)
        major = bool(flag(getattr(rec, "major", None), no))
        missing = []
        if not text(rec.duty_person):
            missing.append("值班人")
        if not (text(getattr(rec, "span", None)) or (start is not None and getattr(rec, "end_at", None) is not None)):
            if {"span", "start_at", "end_at"} & set(cols):
                missing.append("值班起止时间")
        if "situation" in cols and not text(getattr(rec, "situation", None)):
            missing.append("值班情况")
        if "result" in cols and (situation or major) and not _said(getattr(rec, "result", None), nothing):
            missing.append("处理结果")
        reported = moment(getattr(rec, "reported_at", None), end_of_day=True)
        event_at = start if isinstance(start, datetime) else datetime.combine(rec.duty_date, time.min)
        facts.append(Fact("duty_record", f"{rec.duty_date:%Y-%m-%d} {mask_name(text(rec.duty_person))}", {
            "date_text": f"{rec.duty_date:%Y-%m-%d}", "post": text(getattr(rec, "post", None)) or "（未写岗位）",
            "person_masked": mask_name(text(rec.duty_person)) or "（空白）",
            "situation": text(getattr(rec, "situation", None))[:30] or "（空白）",
            "missing": "、".join(missing) or "无", "missing_count": len(missing), "major": major,
        }, (rec.ref.whole_row(),), matter=f"{rec.duty_date:%Y-%m-%d}", times={
            "duty_start": event_at,
            "reported_at": reported if reported is not None and reported <= ctx.as_of else None},
            closed_at=None if major and reported is None else datetime.combine(rec.duty_date, time.max)))
    return facts


def _weeks(logs: list, ctx: Context) -> list[Fact]:
    """Each post's records of each ended week: checked when a row of that week names a checker or a check date,
    or a check date of that post falls in the week."""
    facts = gap_facts([r for r in logs if "checked_by" not in r.ref.columns], "D4", "值班记录表",
                      {"checked_on": "检查人或检查日期"}, "每周检查各岗位值班记录")
    weeks: dict[tuple, list] = defaultdict(list)
    check_days: dict[str, set] = defaultdict(set)
    for rec in logs:
        post = text(getattr(rec, "post", None)) or "（未写岗位）"
        monday = rec.duty_date - timedelta(days=rec.duty_date.weekday())
        weeks[(post, monday)].append(rec)
        if getattr(rec, "checked_on", None) is not None:
            check_days[post].add(rec.checked_on)
    for (post, monday), recs in sorted(weeks.items()):
        sunday = monday + timedelta(days=6)
        if ctx.day <= sunday:
            continue  # the week has not ended
        checked = any(text(getattr(r, "checked_by", None)) or getattr(r, "checked_on", None) for r in recs) \
            or any(monday <= d <= sunday for d in check_days[post])
        facts.append(Fact("duty_week", f"{post} {monday:%Y-%m-%d}", {
            "post": post, "week_text": f"{monday:%Y-%m-%d}至{sunday:%Y-%m-%d}", "records": len(recs),
            "checked": bool(checked)}, (recs[0].ref.whole_row(),), matter=f"{monday:%Y-%m-%d}",
            closed_at=datetime.combine(sunday, time.max)))
    return facts


AREA = Area(
    name="duty",
    title="值班与交接班",
    rule_files=("duty",),
    reads=("handovers", "duty_logs"),
    runs_on=("handovers", "duty_logs"),
    fact_types=(HANDOVER, RECORD, WEEK, COLUMN_GAP),
    derive=derive,
)
