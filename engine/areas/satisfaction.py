"""Satisfaction surveys, the general manager's reception day and mailbox (满意度) — S1–S5 in ``rules/satisfaction.yaml``.

Facts:
- ``survey_form``      one 《业户满意度调查表》 handed out: returned within the days allowed (a clock), completed by
                       phone (with the 客服主管's consent), an opinion followed up within a week of the round (a clock);
- ``survey_batch``     the forms one 物业助理 handed out on one day: handed in to 客服部 on the third morning (a clock);
- ``survey_round``     one survey (调查期次, or the month forms were handed out): households surveyed, returned,
                       by phone (S2), satisfied (S3), questionnaire finished a month ahead (S1), report (S5);
- ``survey_schedule``  a month the rule file schedules a survey in, ended without one (S1);
- ``reception_day``    one 总经理接待日: notified a week ahead (S4);
- ``reception_quarter``a quarter (from the first recorded reception day) without one (S4);
- ``gm_letter``        one letter of the 《"总经理信箱"信件处理台帐》: reported to company leadership by 08:30 the next
                       day, a group-mailbox letter handed to 全质办 the same day (clocks).
Every number (days, times, rates, months) is a parameter of the rule file.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ..derive.calendar import END_OF_DAY
from ..outcomes.engine import fmt_time
from ..render.mask import mask_name
from ..validate import Records
from ._paperwork import COLUMN_GAP, gap_facts, moment, present, text
from .base import Area, Context, Derived, Fact, FactType

FORM = FactType("survey_form", {
    "unit": str, "round": str, "returned": bool, "phone": bool, "phone_consent": bool, "consent_recorded": bool,
    "has_opinion": bool,
}, "满意度调查问卷", columns=(("房号", "unit"), ("调查期次", "round")))
BATCH = FactType("survey_batch", {
    "round": str, "assistant_masked": str, "handout_text": str, "forms": int, "returned_count": int,
    "submission_recorded": bool,
}, "问卷交客服部", columns=(("调查期次", "round"), ("物业助理", "assistant_masked"), ("发放日期", "handout_text")))
ROUND = FactType("survey_round", {
    "round": str, "households": int, "returned_count": int, "phone_count": int, "phone_rate": float,
    "phone_rate_text": str, "rated_count": int, "satisfied_count": int, "satisfaction_rate": float,
    "satisfaction_text": str, "unrated_text": str, "closed": bool, "first_handout_text": str,
    "design_recorded": bool, "design_ok": bool, "design_text": str, "design_due_text": str,
    "approval_recorded": bool, "approved": bool, "report_recorded": bool,
}, "满意度调查", columns=(("调查期次", "round"), ("调查户数", "households"), ("回收份数", "returned_count")))
SCHEDULE = FactType("survey_schedule", {"month_text": str, "held": bool, "months_text": str},
                    "满意度调查安排", columns=(("月份", "month_text"),))
RECEPTION = FactType("reception_day", {
    "date_text": str, "notified": bool, "notice_recorded": bool, "notice_days": int, "notified_text": str,
    "visitors": int,
}, "总经理接待日", columns=(("接待日期", "date_text"), ("通知日期", "notified_text")))
QUARTER = FactType("reception_quarter", {"quarter_text": str, "held": bool},
                   "总经理接待日（季度）", columns=(("季度", "quarter_text"),))
LETTER = FactType("gm_letter", {
    "letter": str, "mailbox": str, "group_mailbox": bool, "opened_text": str, "writer_masked": str,
    "unit": str, "content": str,
}, "总经理信箱来信", columns=(("信件", "letter"), ("信箱", "mailbox"), ("开箱时间", "opened_text")),
    clock_sheet="总经理信箱信件未呈报")


def derive(records: Records, ctx: Context) -> Derived:
    out = Derived()
    out.facts += _surveys(records, ctx)
    out.facts += _receptions(records, ctx)
    out.facts += _letters(records, ctx)
    return out


def _day_start(d) -> datetime:
    return datetime.combine(d.date() if isinstance(d, datetime) else d, time.min)


def _pct(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def _round_of(rec) -> str:
    r = text(getattr(rec, "survey_round", None))
    return r or f"{rec.handed_out_at.year}年{rec.handed_out_at.month}月"


def _surveys(records: Records, ctx: Context) -> list[Fact]:
    p = ctx.params
    words = p.get("paper_missing_words") or []
    phone_words = [str(w) for w in p.get("survey_phone_words") or []]
    satisfied = [str(w) for w in p.get("survey_satisfied_words") or []]
    unsatisfied = [str(w) for w in p.get("survey_unsatisfied_words") or []]
    return_days = int(p["survey_return_days"])
    rows = [r for r in records.of("surveys") if r.handed_out_at <= ctx.as_of]
    facts = gap_facts(rows, "S2", "业户满意度调查表发放回收登记", {"method": "填写方式"}, "电话调查的份数")
    facts += gap_facts(rows, "S3", "业户满意度调查表发放回收登记", {"satisfaction": "总体评价"}, "满意率")
    rounds: dict[str, list] = defaultdict(list)
    for rec in rows:
        rounds[_round_of(rec)].append(rec)
    for name, recs in sorted(rounds.items(), key=lambda kv: min(r.handed_out_at for r in kv[1])):
        last_out = max(r.handed_out_at for r in recs)
        closed_at = datetime.combine(last_out.date() + timedelta(days=return_days), END_OF_DAY)
        batches: dict[tuple, list] = defaultdict(list)
        returned = phone = rated = happy = unrated = 0
        for rec in recs:
            back = moment(getattr(rec, "returned_at", None), end_of_day=True)
            back = back if back is not None and back <= ctx.as_of else None
            method = text(getattr(rec, "method", None))
            is_phone = any(w in method for w in phone_words)
            opinion = text(getattr(rec, "opinion", None))
            followed = moment(getattr(rec, "followup_at", None), end_of_day=True)
            score = text(getattr(rec, "satisfaction", None))
            if back is not None:
                returned += 1
                phone += is_phone
                if score:
                    if any(w in score for w in unsatisfied):
                        rated += 1
                    elif any(w in score for w in satisfied):
                        rated += 1
                        happy += 1
                    else:
                        unrated += 1
            facts.append(Fact("survey_form", rec.unit.key, {
                "unit": rec.unit.display, "round": name, "returned": back is not None, "phone": is_phone,
                "phone_consent": present(getattr(rec, "phone_consent", None), words),
                "consent_recorded": "phone_consent" in rec.ref.columns,
                "has_opinion": back is not None and present(opinion, ["无", "没有", "/"]),
            }, (rec.ref.whole_row(),), matter=name, times={
                "handed_out_at": _day_start(rec.handed_out_at), "returned_at": back, "round_closed_at": closed_at,
                "followup_at": followed if followed is not None and followed <= ctx.as_of else None}))
            batches[(rec.handed_out_at.date(), text(getattr(rec, "assistant", None)))].append((rec, back))
        for (day, assistant), items in sorted(batches.items()):
            back_items = [(r, b) for r, b in items if b is not None]
            subs = [moment(getattr(r, "submitted_at", None)) for r, _ in back_items]
            submitted = max(subs) if back_items and all(s is not None for s in subs) else None
            facts.append(Fact("survey_batch", f"{name} {day:%Y-%m-%d} {mask_name(assistant)}".strip(), {
                "round": name, "assistant_masked": mask_name(assistant) or "（未写物业助理）",
                "handout_text": f"{day:%Y-%m-%d}", "forms": len(items), "returned_count": len(back_items),
                "submission_recorded": any("submitted_at" in r.ref.columns for r, _ in items),
            }, tuple(r.ref.whole_row() for r, _ in items[:1]), matter=name, times={
                "handed_out_at": _day_start(day), "submitted_at": submitted if submitted and submitted <= ctx.as_of
                else None}))
        first_out = min(r.handed_out_at for r in recs)
        design = min((d for r in recs if (d := getattr(r, "design_done_on", None)) is not None), default=None)
        due = _months_before(first_out.date(), int(p["survey_design_lead_months"]))
        report_on = min((d for r in recs if (d := getattr(r, "report_on", None)) is not None), default=None)
        households = len({r.unit.key for r in recs})
        facts.append(Fact("survey_round", name, {
            "round": name, "households": households, "returned_count": returned, "phone_count": phone,
            "phone_rate": phone / households if households else 0.0, "phone_rate_text": _pct(phone, households),
            "rated_count": rated, "satisfied_count": happy,
            "satisfaction_rate": happy / rated if rated else 0.0, "satisfaction_text": _pct(happy, rated),
            "unrated_text": f"（另有 {unrated} 份评价无法识别，未计入）" if unrated else "",
            "closed": ctx.as_of > closed_at, "first_handout_text": f"{first_out:%Y-%m-%d}",
            "design_recorded": any("design_done_on" in r.ref.columns for r in recs),
            "design_ok": design is not None and design <= due,
            "design_text": f"{design:%Y-%m-%d}" if design else "未记录", "design_due_text": f"{due:%Y-%m-%d}",
            "approval_recorded": any("approved_by" in r.ref.columns for r in recs),
            "approved": any(text(getattr(r, "approved_by", None)) for r in recs),
            "report_recorded": any("report_on" in r.ref.columns for r in recs),
        }, (recs[0].ref.whole_row(),), matter=name, times={
            "round_closed_at": closed_at,
            "report_on": moment(report_on, end_of_day=True) if report_on and report_on <= ctx.day else None},
            closed_at=closed_at if ctx.as_of > closed_at else None))
    facts += _schedule(rows, ctx)
    return facts


def _months_before(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    import calendar
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _schedule(rows: list, ctx: Context) -> list[Fact]:
    """The scheduled survey months from the first recorded survey's month to the night, each ended month without one."""
    if not rows:
        return []
    months = sorted({int(m) for m in ctx.params.get("survey_months") or []})
    held = {(r.handed_out_at.year, r.handed_out_at.month) for r in rows}
    first = min(r.handed_out_at for r in rows)
    facts = []
    y, m = first.year, first.month
    while (y, m) < (ctx.day.year, ctx.day.month):  # the night's own month has not ended
        if m in months:
            facts.append(Fact("survey_schedule", f"{y}-{m:02d}", {
                "month_text": f"{y}年{m}月", "held": (y, m) in held,
                "months_text": "、".join(f"{x}月" for x in months)}, matter=f"{y}-{m:02d}"))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return facts


def _receptions(records: Records, ctx: Context) -> list[Fact]:
    rows = [r for r in records.of("gm_receptions") if r.held_on <= ctx.day]
    if not rows:
        return []
    facts = gap_facts(rows, "S4", "“总经理接待日”记录表", {"notified_on": "通知日期"}, "是否提前一周通知")
    days: dict[date, list] = defaultdict(list)
    for rec in rows:
        days[rec.held_on].append(rec)
    for day, recs in sorted(days.items()):
        notified = min((d for r in recs if (d := getattr(r, "notified_on", None)) is not None), default=None)
        facts.append(Fact("reception_day", f"{day:%Y-%m-%d}", {
            "date_text": f"{day:%Y-%m-%d}", "notified": notified is not None,
            "notice_recorded": any("notified_on" in r.ref.columns for r in recs),
            "notice_days": (day - notified).days if notified else 0,
            "notified_text": f"{notified:%Y-%m-%d}" if notified else "未记录", "visitors": len(recs),
        }, (recs[0].ref.whole_row(),), matter="总经理接待日"))
    every = int(ctx.params["gm_reception_every_months"])
    start = min(days)
    period_start = date(start.year, 1 + (start.month - 1) // every * every, 1)
    while True:
        y, m = divmod(period_start.year * 12 + period_start.month - 1 + every, 12)
        period_end = date(y, m + 1, 1)  # the day after the period
        if period_end > ctx.day:
            break
        held = any(period_start <= d < period_end for d in days)
        last = period_end - timedelta(days=1)
        label = f"{period_start.year}年{period_start.month}月至{last.month}月"
        facts.append(Fact("reception_quarter", f"{period_start:%Y-%m}", {"quarter_text": label, "held": held},
                          matter=f"{period_start:%Y-%m}"))
        period_start = period_end
    return facts


def _letters(records: Records, ctx: Context) -> list[Fact]:
    group_words = [str(w) for w in ctx.params.get("group_mailbox_words") or []]
    rows = [r for r in records.of("gm_letters") if r.opened_at <= ctx.as_of]
    facts = gap_facts([r for r in rows], "S4", "“总经理信箱”信件处理台帐", {"reported_at": "呈报时间"},
                      "是否次日按时呈报公司领导批示")
    for rec in rows:
        mailbox = text(getattr(rec, "mailbox", None))
        group = any(w in mailbox for w in group_words)
        reported = moment(getattr(rec, "reported_at", None))
        forwarded = moment(getattr(rec, "forwarded_at", None), end_of_day=True)
        letter = text(getattr(rec, "letter_no", None)) or f"{rec.opened_at:%Y-%m-%d %H:%M} 第{rec.ref.row}行"
        unit = getattr(rec, "unit", None)
        facts.append(Fact("gm_letter", letter, {
            "letter": letter, "mailbox": mailbox or "管理处总经理信箱", "group_mailbox": group,
            "opened_text": fmt_time(rec.opened_at), "writer_masked": mask_name(text(getattr(rec, "writer", None))),
            "unit": unit.display if unit is not None else "", "content": text(rec.content)[:40],
        }, (rec.ref.whole_row(),), matter=f"{rec.opened_at:%Y-%m-%d}", times={
            "opened_at": rec.opened_at,
            "reported_at": reported if reported is not None and reported <= ctx.as_of else None,
            "forwarded_at": forwarded if forwarded is not None and forwarded <= ctx.as_of else None}))
    return facts


AREA = Area(
    name="satisfaction",
    title="满意度调查、总经理接待日与信箱",
    rule_files=("satisfaction",),
    reads=("surveys", "gm_receptions", "gm_letters", "owners"),
    runs_on=("surveys", "gm_receptions", "gm_letters"),
    fact_types=(FORM, BATCH, ROUND, SCHEDULE, RECEPTION, QUARTER, LETTER, COLUMN_GAP),
    derive=derive,
)
