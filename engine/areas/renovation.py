"""Renovation (装修管理) — V1–V8 in ``rules/renovation.yaml``.

Reads the 装修登记表 (``renovations``), the 装修违规记录 (``renovation_violations``) and the 装修巡查记录
(``renovation_patrols``), and derives what the rules read:

* ``violation`` — one recorded violation: its class (the source's letters, the duplicated F told apart as
  F1/F2 by the rule file's words), the recorded deduction against the schedule, the top-up and
  rectification clocks' times, the stage of the 7-step ladder and whether its deadline has passed;
* ``patrol`` — a patrol that found work going on outside the hours: which kind of day it was (China's
  calendar, 调休 make-up days are working days; within the first hand-over period the relaxed hours);
* ``patrol_day`` — a day on which a unit under renovation had fewer patrols than ``patrols_per_day``.

A large night has tens of thousands of patrols: facts are made only for what a rule can match (a patrol
outside the hours, a day short of patrols), with the same parameters the rules read, so the night stays
cheap. Days and patrols are looked at over the last ``patrol_lookback_days``.
* ``vacant`` — how many inspections a vacant unit had in the last whole month (or week);
* ``renovation`` — the register's permit, hot-work, waterproofing and water/power request columns.

Deductions are contractor fines (``payer: contractor``) chosen in the rule file; the 装修押金 sheet
(deposit − deductions + top-ups per contractor and unit) is added by :func:`finish`. No policy number is
written here: amounts, days and hours come from ``ctx.params``.
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from ..derive.calendar import END_OF_DAY
from ..errors import CalendarDataMissing
from ..findings import Finding, cell_finding
from ..rules import calculator
from ..validate import Records, owners_by_unit
from .base import Area, Context, Derived, Fact, FactType

NUM = (int, float)
UNKNOWN_CLASS = "未识别"
CLASSES = ("A", "B", "C", "D", "E", "F1", "J", "F2")  # the source's order; F1/F2 = its first and second F

VIOLATION = FactType("violation", {
    "unit_display": str, "contractor": str, "cls": str, "cls_text": str, "found_on": str, "description": str,
    "deducted": NUM, "deducted_text": str, "schedule": NUM, "deduction_check": str, "has_deduction": bool,
    "topped_up": bool, "resolved": bool, "step_no": int, "step": str, "next_step": str, "stage_deadline": str,
    "stage_overdue": bool, "rectify_deadline": str,
}, "装修违规（装修违规记录的一行）", columns=(
    ("房号", "unit_display"), ("施工单位", "contractor"), ("发现日期", "found_on"), ("违规类别", "cls"),
    ("违规内容", "cls_text")))
PATROL = FactType("patrol", {
    "unit_display": str, "contractor": str, "patrolled_text": str, "day_kind": str, "time_hhmm": str,
    "hours_text": str, "within_hours": bool, "working": bool, "out_of_hours_deduction": bool, "patroller": str,
}, "巡查发现在装修时间以外施工")
PATROL_DAY = FactType("patrol_day", {
    "unit_display": str, "contractor": str, "day": str, "patrols": int,
}, "装修户巡查次数不足的一天")
VACANT = FactType("vacant", {
    "unit_display": str, "period_text": str, "inspections": int,
}, "空置房一个检查周期内的检查次数")
RENOVATION = FactType("renovation", {
    "unit_display": str, "contractor": str, "start_date": str, "permit_state": str, "hot_work": bool,
    "hot_work_permit": bool, "extinguisher": bool, "hot_work_text": str, "waterproof_mm": int, "shutoff": bool,
    "shutoff_applied": bool, "shutoff_lead_days": int, "shutoff_text": str,
}, "装修登记（装修登记表的一行）")

_WORKING = {"施工中", "正在施工", "施工", "在施工", "是", "有", "有施工", "Y", "YES", "√"}
_NOT_WORKING = {"未施工", "没有施工", "无施工", "停工", "否", "无", "N", "NO", "×", "未开工", "已完工"}


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _norm(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def _words(text: str) -> list[str]:
    return [w.strip() for w in str(text).replace(",", "、").replace("，", "、").split("、") if w.strip()]


# --------------------------------------------------------------------------- violation classes (V1)

def classify(category: str, description: str, params: dict) -> tuple[str | None, str]:
    """(class, problem): the source's letter, F told apart as F1/F2 by the rule file's words; never guessed."""
    words = params["violation_class_words"]
    raw = _norm(category).upper().removesuffix("类").removeprefix("第").strip()
    text = _norm(category) + " " + _norm(description)

    def hits(classes) -> list[str]:
        return [c for c in classes if any(w in text for w in _words(words.get(c, "")))]

    if raw in CLASSES:
        return raw, ""
    if raw in ("F", "F类"):
        found = hits(("F1", "F2"))
        if len(found) == 1:
            return found[0], ""
        return None, ("违规类别 F 在扣款标准中出现两次（F1 破坏公共财物或造成重大污染 / F2 与物业管理人员发生冲突），"
                      "违规内容不足以区分，请在台账中写明 F1 或 F2")
    if len(raw) == 1 and raw.isascii() and raw.isalpha():
        return None, f"违规类别 {raw} 不在扣款标准（A、B、C、D、E、F1、J、F2）中"
    found = hits(CLASSES)
    if len(found) == 1:
        return found[0], ""
    if found:
        return None, f"违规类别无法确定（同时像 {'、'.join(found)} 类），请在台账中写明类别字母"
    return None, "违规类别无法识别，请写扣款标准的字母 A、B、C、D、E、F1、J、F2"


# --------------------------------------------------------------------------- working hours (V3)

def _windows(spec) -> tuple[tuple[int, int], ...]:
    return _parse_windows(tuple(str(x) for x in spec))


@lru_cache(maxsize=64)
def _parse_windows(spec: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    out = []
    for item in spec:
        a, b = str(item).replace("–", "-").replace("~", "-").split("-")
        ha, ma = a.strip().split(":")
        hb, mb = b.strip().split(":")
        out.append((int(ha) * 60 + int(ma), int(hb) * 60 + int(mb)))
    return tuple(out)


def hours_of(day_kind: str, params: dict) -> list:
    if day_kind == "首期入伙":
        return params["first_phase_hours"]
    if day_kind in ("工作日", "调休上班日"):
        return params["weekday_hours"]
    return params["rest_day_hours"]  # 双休日, 法定节假日


def within(day_kind: str, hhmm: str, params: dict) -> bool:
    """Start and end minute both inside (12:00 is still working time, 12:01 is not)."""
    h, m = hhmm.split(":")
    minute = int(h) * 60 + int(m)
    return any(a <= minute <= b for a, b in _windows(hours_of(day_kind, params)))


@calculator("within_hours")
def within_hours_calc(fact: dict, params: dict) -> int:
    """For the rule file's worked examples: 1 when the time is inside the day kind's hours, else 0."""
    return int(within(fact["day_kind"], fact["time_hhmm"], params))


def hours_text(day_kind: str, params: dict) -> str:
    return "、".join(str(w).replace("-", "–") for w in hours_of(day_kind, params))


def day_kind(day: date, ctx: Context) -> str:
    """工作日 / 调休上班日 / 双休日 / 法定节假日 (China's calendar; raises CalendarDataMissing)."""
    work = ctx.calendar.is_workday(day)
    if day.weekday() >= 5:
        return "调休上班日" if work else "双休日"
    return "工作日" if work else "法定节假日"


# --------------------------------------------------------------------------- derive

def _step(text: str | None, steps: list[str]) -> tuple[int | None, str]:
    """(1-based step, its name) from the ledger's 处理阶段; blank → step 1; unknown → None."""
    names = [_words(s) for s in steps]
    if not text or not _norm(text):
        return 1, names[0][0]
    t = _norm(text)
    best = None
    for i, aliases in enumerate(names):
        for a in aliases:
            if a in t and (best is None or len(a) > best[1]):
                best = (i, len(a))
    if best is None:
        return None, t
    return best[0] + 1, names[best[0]][0]


def derive(records: Records, ctx: Context) -> Derived:
    out = Derived()
    params, day, as_of = ctx.params, ctx.day, ctx.as_of
    owners = owners_by_unit(records)
    handovers = [h for o in owners.values() if (h := getattr(o, "handover_date", None))]
    estate_first = min(handovers) if handovers else None

    renovations = sorted((_Row(r) for r in records.of("renovations")), key=lambda r: (r.unit.key, r.start_date))
    by_unit: dict[str, list] = defaultdict(list)
    for r in renovations:
        by_unit[r.unit.key].append(r)

    def renovation_of(unit: str, on: date):
        started = [r for r in by_unit.get(unit, ()) if r.start_date <= on]
        return started[-1] if started else (by_unit[unit][0] if by_unit.get(unit) else None)

    for r in renovations:
        if r.start_date <= day:
            out.facts.append(_renovation_fact(r, ctx))
    _violations(records, ctx, out, renovation_of, owners)
    _patrols(records, ctx, out, renovation_of, by_unit, estate_first, owners)
    out.state["renovations"] = renovations
    return out


def _renovation_fact(r, ctx: Context) -> Fact:
    cols = r.ref.columns
    unit = r.unit.display
    permit_state = None
    if "permit_no" in cols or "permit_date" in cols:
        permit_no, permit_date = getattr(r, "permit_no", None), getattr(r, "permit_date", None)
        if not permit_no and permit_date is None:
            permit_state = "无许可证"
        elif permit_date is not None and permit_date > r.start_date:
            permit_state = "开工后才发证"
        else:
            permit_state = "正常"
    hot = getattr(r, "hot_work", None)
    hot_permit = bool(getattr(r, "hot_work_permit", None)) if "hot_work_permit" in cols else None
    extinguisher = getattr(r, "extinguisher", None)
    missing = []
    if hot and hot_permit is False:
        missing.append("未办理《临时动火作业申请表》")
    if hot and extinguisher is False:
        missing.append("未配备灭火器")
    shutoff_at = getattr(r, "shutoff_at", None)
    applied = getattr(r, "shutoff_applied_on", None)
    shutoff = shutoff_at is not None and shutoff_at <= ctx.as_of
    lead = (shutoff_at.date() - applied).days if shutoff_at is not None and shutoff and applied is not None else None
    shutoff_text = ""
    if shutoff:
        shutoff_text = f"{shutoff_at:%Y-%m-%d %H:%M} 关闭水电，" + (
            f"书面申请日期 {applied.isoformat()}" if applied is not None else "台账中没有书面申请日期")
    data = {
        "unit_display": unit, "contractor": r.contractor, "start_date": f"{r.start_date.isoformat()}",
        "permit_state": permit_state, "hot_work": hot, "hot_work_permit": hot_permit, "extinguisher": extinguisher,
        "hot_work_text": "、".join(missing), "waterproof_mm": getattr(r, "waterproof_mm", None), "shutoff": shutoff,
        "shutoff_applied": applied is not None if shutoff else None, "shutoff_lead_days": lead,
        "shutoff_text": shutoff_text,
    }
    end = getattr(r, "end_date", None)
    closed = datetime.combine(end, END_OF_DAY) if end is not None and end < ctx.day else None
    return Fact("renovation", r.unit.key, data, (r.ref.whole_row(),), f"{r.contractor}|{r.start_date.isoformat()}",
                doc={"unit": unit}, closed_at=closed)


def _violations(records: Records, ctx: Context, out: Derived, renovation_of, owners) -> None:
    params, day = ctx.params, ctx.day
    labels = params["violation_class_labels"]
    steps = list(params["renovation_steps"])
    rect_classes = set(params["rectification_classes"])
    rectify = timedelta(days=int(params["rectify_days"]))
    basis = params["rectification_notice_basis"]
    seen: dict[str, int] = defaultdict(int)
    ledger: list[dict] = []
    for v in map(_Row, records.of("renovation_violations")):
        if v.date > day:
            continue  # not yet found on the night being checked
        unit = v.unit.key
        cls, problem = classify(v.category, getattr(v, "description", None) or "", params)
        if problem:
            out.findings.append(cell_finding(v.ref.cell("category", v.category), problem + "；本行未按扣款标准核对",
                                             "renovation-class", subject=unit, severity="警告"))
        reno = renovation_of(unit, v.date)
        contractor = getattr(v, "contractor", None) or (reno.contractor if reno else "") or "（施工单位未登记）"
        deducted = getattr(v, "deducted", None)
        schedule = Decimal(str(params[f"deposit_deduction_{cls.lower()}"])) if cls else None
        if cls is None:
            check = "无标准"
        elif deducted is None:
            check = "未记录"
        elif cls == "F1":  # 照价赔偿另计: at least the schedule
            check = "一致" if deducted >= schedule else "不一致"
        else:
            check = "一致" if deducted == schedule else "不一致"
        has_deduction = deducted is not None and deducted > 0
        topped_on = getattr(v, "topped_up_on", None)
        topped = topped_on is not None and topped_on <= day
        resolved_on = getattr(v, "resolved_on", None)
        resolved = resolved_on is not None and resolved_on <= day
        step_no, step = _step(getattr(v, "step", None), steps)
        if step_no is None:
            out.findings.append(cell_finding(v.ref.cell("step", v.step),
                                             "处理阶段无法识别（应为违章装修处理的七个步骤之一），按第一步处理",
                                             "renovation-step", subject=unit, severity="警告"))
            step_no, step = 1, f"{step}（无法识别）"
        deadline = getattr(v, "deadline", None)
        rectify_deadline = deadline or v.date + rectify
        stage_start = getattr(v, "step_date", None) or v.date
        stage_deadline = rectify_deadline if step_no == 1 else stage_start + rectify
        next_step = _words(steps[step_no])[0] if step_no < len(steps) else "跟进政府职能部门的处理结果"
        key = f"{v.date.isoformat()}|{cls or _norm(v.category)}"
        seen[f"{unit}|{key}"] += 1
        n = seen[f"{unit}|{key}"]
        matter = key if n == 1 else f"{key}#{n}"
        cls_text = labels.get(cls, "") if cls else _norm(v.category)
        description = _norm(getattr(v, "description", None)) or cls_text
        data = {
            "unit_display": v.unit.display, "contractor": contractor, "cls": cls or UNKNOWN_CLASS,
            "cls_text": cls_text, "found_on": f"{v.date.isoformat()}", "description": description,
            "deducted": float(deducted) if deducted is not None else None,
            "deducted_text": f"{deducted:,.2f} 元" if deducted is not None else "未记录",
            "schedule": float(schedule) if schedule is not None else None, "deduction_check": check,
            "has_deduction": has_deduction, "topped_up": topped, "resolved": resolved, "step_no": step_no,
            "step": step, "next_step": next_step, "stage_deadline": f"{stage_deadline.isoformat()}",
            "stage_overdue": not resolved and day > stage_deadline, "rectify_deadline": f"{rectify_deadline.isoformat()}",
        }
        start = datetime.combine(v.date, time.min)
        times = {"found_at": start, "deducted_at": start if has_deduction else None,
                 "topped_up_at": datetime.combine(topped_on, time.min) if topped_on else None,
                 "resolved_at": datetime.combine(resolved_on, time.min) if resolved_on else None,
                 "deadline_at": datetime.combine(deadline, END_OF_DAY) if deadline else None}
        done = [t for t, needed in ((times["topped_up_at"], has_deduction),
                                    (times["resolved_at"], cls in rect_classes)) if needed]
        closed = None
        done_at = [t for t in done if t is not None]
        if len(done_at) == len(done) and all(t.date() <= day for t in done_at):  # every needed step done by the night
            closed = max(done_at) if done_at else start
        owner = owners.get(unit)
        owner_name = owner.owner_name if owner else (getattr(reno, "owner_name", None) if reno else None)
        doc = {
            # 《整改通知书》 (shared with the takeover area): its context contract
            "addressee": f"{owner_name}（{v.unit.display}业主）" if owner_name else f"{v.unit.display}业主",
            "unit": v.unit.display,
            "items": [{"item": f"违章装修（{cls}类：{cls_text}）" if cls else cls_text, "problem": description,
                       "found_at": cn_date(v.date)}],
            "deadline": f"{cn_date(rectify_deadline)}前",
            "basis": basis,
            # 《停工通知》 (this area's own)
            "contractor_phone": getattr(reno, "contractor_phone", None) or "" if reno else "",
            "violation": f"{cls}类：{cls_text}" if cls else cls_text,
            "found_date": cn_date(v.date),
        }
        out.facts.append(Fact("violation", unit, data, (v.ref.whole_row(),), matter, times, doc, closed_at=closed))
        ledger.append({"contractor": contractor, "unit": unit, "unit_display": v.unit.display,
                       "deducted": deducted if has_deduction else Decimal("0"),
                       "schedule": schedule or Decimal("0"),
                       "topped_up": (getattr(v, "topped_up", None) or deducted or Decimal("0")) if topped else Decimal("0"),
                       "pending": has_deduction and not topped, "matter": matter})
    out.state["deductions"] = ledger


class _Row:
    """A ledger record read through a plain dict: a field the sheet lacks is None (attribute access on pydantic
    extras costs a missed lookup each time, which a night of 65,000 patrols feels)."""

    __slots__ = ("ref", "_f")

    def __init__(self, rec):
        self.ref = rec.ref
        self._f = _fields(rec)

    def __getattr__(self, name):
        return self._f.get(name)


def _fields(rec) -> dict:
    """A generic record's fields as a plain dict (attribute access on pydantic extras is slow on a large night)."""
    extra = getattr(rec, "__pydantic_extra__", None)
    return extra if extra is not None else vars(rec)


def _working(p, raw, out: Derived) -> bool | None:
    if raw is None:
        return None
    if raw in _WORKING:
        return True
    if not _norm(raw):
        return None
    t = _norm(raw).upper()
    if t in _WORKING:
        return True
    if t in _NOT_WORKING:
        return False
    out.findings.append(cell_finding(p.ref.cell("working", raw), "施工情况应为 施工中 / 未施工（或 是 / 否）",
                                     "renovation-working", subject=p.unit.key, severity="警告"))
    return None


def _patrols(records: Records, ctx: Context, out: Derived, renovation_of, by_unit, estate_first, owners) -> None:
    params, day, as_of = ctx.params, ctx.day, ctx.as_of
    lookback = int(params["patrol_lookback_days"])
    last = day if as_of.time() >= time(23, 59) else day - timedelta(days=1)  # the last whole day
    first = last - timedelta(days=lookback - 1)
    phase_days = int(params["first_phase_days"])
    deduct = bool(params.get("out_of_hours_deduction_on"))
    per_day = int(params["patrols_per_day"])
    counts: dict[tuple[str, date], int] = defaultdict(int)
    vacant: dict[str, list] = defaultdict(list)
    missing_years: set[int] = set()
    windows = {k: _windows(hours_of(k, params)) for k in ("工作日", "调休上班日", "双休日", "法定节假日", "首期入伙")}
    kinds: dict[date, str | None] = {}  # day → 工作日 / 调休上班日 / 双休日 / 法定节假日 (None: no calendar data)
    renos: dict[tuple[str, date], _Row | None] = {}
    for p in records.of("renovation_patrols"):
        x = _fields(p)
        at = x["patrolled_at"]
        if at > as_of:
            continue
        unit = x["unit"]
        on = at.date()
        kind_text = x.get("patrol_type")
        if kind_text and "空置" in kind_text:
            vacant[unit.key].append(p)
            continue
        counts[(unit.key, on)] += 1
        if on < first or not _working(p, x.get("working"), out):
            continue
        if on not in kinds:
            try:
                kinds[on] = day_kind(on, ctx)
            except CalendarDataMissing as exc:
                kinds[on] = None
                if on.year not in missing_years:
                    missing_years.add(on.year)
                    out.findings.append(Finding("V3", "V3-1", "规则参数", unit.key, str(exc), "错误",
                                                sources=(p.ref.whole_row(),), details={"state": "无法计算"}))
        kind = kinds[on]
        if kind is None:
            continue
        if (unit.key, on) not in renos:
            renos[(unit.key, on)] = renovation_of(unit.key, on)
        reno = renos[(unit.key, on)]
        handover = (getattr(reno, "first_handover", None) if reno else None) or estate_first
        after = (on - handover).days if handover is not None else None
        if after is not None and 0 <= after <= phase_days:
            kind = "首期入伙"
        minute = at.hour * 60 + at.minute
        inside = any(a <= minute <= b for a, b in windows[kind])
        if inside:
            continue  # no V3 rule reads a patrol inside the hours: no fact (a large night has tens of thousands)
        hhmm = f"{at:%H:%M}"
        if handover is None and within("首期入伙", hhmm, params):
            out.findings.append(cell_finding(
                p.ref.cell("patrolled_at", at),
                "不在平日装修时间内，但没有首次交楼日期（装修登记表或业主档案的交房日期），无法判断是否在首期入伙放宽时间内，请核实",
                "renovation-handover", subject=unit.key, severity="提示"))
            continue
        data = {"unit_display": unit.display, "contractor": reno.contractor if reno else "（未登记装修）",
                "patrolled_text": f"{at:%Y-%m-%d %H:%M}", "day_kind": kind, "time_hhmm": hhmm,
                "hours_text": hours_text(kind, params), "within_hours": inside, "working": True,
                "out_of_hours_deduction": deduct, "patroller": x.get("patroller") or ""}
        out.facts.append(Fact("patrol", unit.key, data, (p.ref.whole_row(),), f"{at:%Y-%m-%d %H:%M}",
                              doc={"unit": unit.display}, closed_at=at))

    # V5: every day of the window on which a unit was under renovation
    for unit, unit_renos in by_unit.items():
        days: set[date] = set()
        for r in unit_renos:
            end = min(getattr(r, "end_date", None) or last, last)
            d = max(r.start_date, first)
            while d <= end:
                days.add(d)
                d += timedelta(days=1)
        for d in sorted(days):
            n = counts.get((unit, d), 0)
            if n >= per_day:
                continue  # V5-1 reads only days below patrols_per_day: no fact for a day patrolled enough
            reno = renovation_of(unit, d)
            out.facts.append(Fact("patrol_day", unit, {
                "unit_display": reno.unit.display, "contractor": reno.contractor, "day": (iso := d.isoformat()),
                "patrols": n}, (reno.ref.whole_row(),), iso,
                doc={"unit": reno.unit.display}, closed_at=datetime.combine(d, END_OF_DAY)))

    # V5: vacant units, the last whole month (variant: week)
    from ..outcomes.sample import previous_period

    every = str(params["vacant_inspection_every"])
    start, end = previous_period(every, day)
    text = f"{start:%Y年%m月}" if every == "month" else f"{start.isoformat()}至{end.isoformat()}"
    for unit, rows in sorted(vacant.items()):
        if min(r.patrolled_at.date() for r in rows) > end:
            continue  # not yet on the vacant list in that period
        if any(r.start_date <= start for r in by_unit.get(unit, ())):
            continue  # under renovation since before the period: patrolled as a renovation, no longer vacant
        inspected = [r for r in rows if start <= r.patrolled_at.date() <= end]
        out.facts.append(Fact("vacant", unit, {"unit_display": rows[0].unit.display, "period_text": text,
                                               "inspections": len(inspected)},
                              tuple(r.ref.whole_row() for r in (inspected or rows[-1:])), text,
                              doc={"unit": rows[0].unit.display}, closed_at=datetime.combine(end, END_OF_DAY)))


# --------------------------------------------------------------------------- 装修押金 sheet

def finish(derived: Derived, outcomes, ctx: Context) -> Derived:
    """装修押金: per contractor and unit, the deposit, deductions, top-ups and the balance (deposit − deductions
    + top-ups), with the deductions still waiting for a top-up and the 《停工通知》 issued for them."""
    stops = {(f.subject, f.matter): f.number for f in outcomes.findings if f.policy == "V2" and f.number}
    rows: dict[tuple[str, str], dict] = {}
    for r in derived.state.get("renovations", ()):
        if r.start_date > ctx.day:
            continue
        row = rows.setdefault((r.contractor, r.unit.key), {"unit": r.unit.display, "deposit": Decimal("0"),
                                                            "deducted": Decimal("0"), "schedule": Decimal("0"),
                                                            "topped": Decimal("0"), "pending": 0, "stops": []})
        row["deposit"] += r.deposit
    for d in derived.state.get("deductions", ()):
        row = rows.setdefault((d["contractor"], d["unit"]), {"unit": d["unit_display"], "deposit": None,
                                                             "deducted": Decimal("0"), "schedule": Decimal("0"),
                                                             "topped": Decimal("0"), "pending": 0, "stops": []})
        row["deducted"] += d["deducted"]
        row["schedule"] += d["schedule"]
        row["topped"] += d["topped_up"]
        row["pending"] += int(d["pending"])
        if (d["unit"], d["matter"]) in stops:
            row["stops"].append(stops[(d["unit"], d["matter"])])
    from ..outcomes.ladder import natural_key

    out = []
    for (contractor, unit), row in sorted(rows.items(), key=lambda kv: (kv[0][0], natural_key(kv[0][1]))):
        deposit = row["deposit"]
        balance = None if deposit is None else deposit - row["deducted"] + row["topped"]
        if deposit is None:
            state = "装修登记表中没有该房号的装修登记，押金无法核对"
        elif row["pending"]:
            state = f"{row['pending']}笔扣款待补齐"
        else:
            state = "押金已足额"
        out.append([contractor, row["unit"], deposit, row["deducted"], row["schedule"], row["topped"], balance,
                    state, "、".join(sorted(set(row["stops"])))])
    derived.sheets["装修押金"] = (["施工单位", "房号", "装修押金", "已扣款（台账）", "按标准应扣", "已补缴",
                                 "押金余额", "状态", "停工通知编号"], out)
    return derived


AREA = Area(
    name="renovation",
    title="装修管理",
    rule_files=("renovation",),
    reads=("renovations", "renovation_violations", "renovation_patrols", "owners"),
    runs_on=("renovations", "renovation_violations", "renovation_patrols"),  # any of the three alone is checked
    fact_types=(VIOLATION, PATROL, PATROL_DAY, VACANT, RENOVATION),
    derive=derive,
    finish=finish,
)
