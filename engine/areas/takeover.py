"""Takeover inspection (接管验收) — T1–T11, T14 and M1a in ``rules/takeover.yaml``.

Ledgers: 接管验收记录 (``inspections``, one row per unit and item), 验收抽检记录 (``rechecks``), 不合格项整改跟踪表
(``rectifications``; 来源 入伙验房 rows are M1a), 接管验收项目表 (``takeover_projects``: the hand-over date and the
dates of 第四–十七条) and, optionally, 接管验收计划 (``inspection_plans``: the units and items to inspect).

What happens is chosen in the rule file: the daily re-check draw (sample primitive, staged: 20% → +30% → all),
the 《整改通知书》 (document), the 24 h clocks, the chase ladder (《整改催办函》, 《整改情况书面报告》) and the fines.
This module only says what is true on the night. The re-check draw itself is the sample primitive's; to know
which drawn items are due for re-check the module asks the same functions (:func:`engine.outcomes.sample.ranked`,
:func:`~engine.outcomes.sample.stages_of`) with the rule file's rates, and the register for the night each stage
was drawn — so the draw on the 抽检清单 and the re-checks checked here can never differ.
"""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from ..derive.calendar import END_OF_DAY
from ..findings import cell_finding
from ..outcomes.engine import cn_date, fmt_time
from ..outcomes.fines import staff_with_role
from ..outcomes.sample import ranked, resolve, stages_of
from ..validate import Records
from .base import Area, Context, Derived, Fact, FactType

PASS = {"合格", "通过", "OK", "√", "✓", "是"}
FAIL = {"不合格", "未通过", "不通过", "×", "✗", "否"}
ORIGIN_TAKEOVER, ORIGIN_MOVE_IN = "接管验收", "入伙验房"
MAJOR, UNFIXABLE = "重大", "无法整改"
WHOLE_UNIT = "（整户）"
LEAD_ROLE, HEAD_ROLE = "项目负责人", "客户服务中心负责人"
LEADERS = "公司领导、房产工程部领导、房产公司领导"

_WHO = {"site": str, "project_lead": str, "centre_head": str}

INSPECTION = FactType("inspection", {
    **_WHO, "unit_display": str, "item": str, "inspector": str, "inspected_on": str, "passed": bool,
    "recheck_candidate": bool, "recheck_failed": bool, "seal_missing": bool, "left_open": bool,
}, "接管验收项目（验楼单一行）", columns=(
    ("接管项目", "site"), ("房号", "unit_display"), ("验收项目", "item"), ("验收日期", "inspected_on"),
    ("验收人", "inspector")))
RECHECK_DUE = FactType("recheck_due", {
    **_WHO, "unit_display": str, "item": str, "inspected_on": str, "sample_round": int, "drawn_on": str,
}, "抽中待复检的验收项目", columns=(
    ("接管项目", "site"), ("房号", "unit_display"), ("验收项目", "item"), ("验收日期", "inspected_on"),
    ("轮次", "sample_round"), ("抽取日期", "drawn_on")))
COVERAGE_GAP = FactType("coverage_gap", {
    **_WHO, "unit_display": str, "item": str, "end_date": str, "inspector": str,
}, "计划内未验收的房号或项目", columns=(
    ("接管项目", "site"), ("房号", "unit_display"), ("验收项目", "item"), ("验收截止日期", "end_date")))
INSPECTION_SHEET = FactType("inspection_sheet", {
    **_WHO, "unit_display": str, "inspected_on": str, "inspector": str,
}, "未签名确认的验楼单（同一房号、同一天、同一验收人）")
RECTIFICATION = FactType("rectification", {
    **_WHO, "case_id": str, "origin": str, "unit_display": str, "item": str, "problem": str, "severity": str,
    "department": str, "responsible": str, "notified": bool, "receipt": bool, "rectified": bool,
    "rectified_once": bool,
    "reinspected": bool, "passed_reinspection": bool, "whole_unit_reinspected": bool, "failed_rounds": int,
    "days_open": int, "deadline_text": str, "notice_number": str,
}, "不合格项（整改跟踪）", columns=(
    ("整改单号", "case_id"), ("来源", "origin"), ("房号", "unit_display"), ("验收项目", "item"),
    ("问题", "problem"), ("发现时间", "found_text")), clock_sheet="整改时限")
SITE = FactType("takeover_site", {
    **_WHO, "rechecked": int, "failed": int, "error_rate": float, "error_rate_text": str,
}, "接管项目的累计验收差错率")
OWNER_CASE = FactType("takeover_case", {**_WHO, "kind": str, "case_no": int}, "业主暂不收楼、拒收楼（每起）")
MILESTONE = FactType("milestone", {
    **_WHO, "milestone": str, "due": str, "done": str, "late": bool, "days_late": int,
}, "接管验收工作节点（第四至十七条）", columns=(
    ("接管项目", "site"), ("节点", "milestone"), ("应完成日期", "due"), ("实际完成日期", "done")))
LATE_DAY = FactType("late_day", {**_WHO, "milestone": str, "due": str, "day_no": int},
                    "按日扣罚的节点每延迟一天")
TRAINING = FactType("training", {
    **_WHO, "hours": float, "hours_short": bool, "pass_rate": float, "pass_rate_text": str, "pass_rate_low": bool,
}, "接管验收培训（第七条）")

FACT_TYPES = (INSPECTION, RECHECK_DUE, COVERAGE_GAP, INSPECTION_SHEET, RECTIFICATION, SITE, OWNER_CASE, MILESTONE,
              LATE_DAY, TRAINING)


class _Insp(NamedTuple):
    """One inspection row, read once (attribute access on 60,000 validated records is the slow part)."""

    unit: Any
    item: str
    inspected_on: date
    inspector: str
    passed: bool
    signed: bool | None
    sealed: bool | None
    closed: bool | None
    site: str
    ref: Any


def _fields(rec) -> dict:
    """A validated record's fields as a dict (kinds read from a vocabulary file are GenericRecords)."""
    extra = getattr(rec, "__pydantic_extra__", None)
    return extra if extra is not None else {k: getattr(rec, k) for k in getattr(rec, "__dataclass_fields__", {})}


def _verdict(text: str | None) -> bool | None:
    t = (text or "").strip().upper()
    return True if t in PASS else False if t in FAIL else None


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min)


def _day_end(d: date) -> datetime:
    return datetime.combine(d, END_OF_DAY)


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，;；/\s]+", text or "") if p.strip()]


def _building(text: str) -> str:
    return re.sub(r"(号楼|栋|幢|座|#)$", "", text.strip())


class _People:
    """Who the fines go to: the project sheet's names, else whoever holds the role on the staff sheet."""

    def __init__(self, ctx: Context, projects: dict[str, Any]):
        month = f"{ctx.day:%Y-%m}"
        self.lead_role = staff_with_role(ctx, LEAD_ROLE, month) or ""
        self.head_role = staff_with_role(ctx, HEAD_ROLE, month) or staff_with_role(ctx, "服务中心负责人", month) or ""
        self.projects = projects

    def of(self, site: str) -> dict[str, str]:
        p = self.projects.get(site)
        return {"site": site,
                "project_lead": (getattr(p, "project_lead", None) if p else None) or self.lead_role,
                "centre_head": (getattr(p, "centre_head", None) if p else None) or self.head_role}


def derive(records: Records, ctx: Context) -> Derived:
    out = Derived()
    params = ctx.params
    projects = {p.site: p for p in records.of("takeover_projects")}
    default_site = next(iter(projects)) if len(projects) == 1 else "本项目"
    people = _People(ctx, projects)

    def site_of(rec) -> str:
        return getattr(rec, "site", None) or default_site

    inspections = []
    verdicts: dict[str, bool | None] = {}
    for rec in records.of("inspections"):
        f = _fields(rec)  # 60,000 rows on a large estate: plain dict reads, not model attributes
        text = f["result"]
        verdict = verdicts[text] if text in verdicts else verdicts.setdefault(text, _verdict(text))
        if verdict is None:
            out.findings.append(cell_finding(rec.ref.cell("result", text),
                                             "验收结果应为 合格 或 不合格，本行未参与抽检和覆盖率检查", "result",
                                             subject=f["unit"].key, severity="警告", policy="T2"))
            continue
        inspections.append(_Insp(f["unit"], f["item"], f["inspected_on"], f["inspector"], verdict, f.get("signed"),
                                 f.get("sealed"), f.get("closed"), f.get("site") or default_site, rec.ref))
    rechecks: dict[tuple[str, str], list] = defaultdict(list)
    for rec in records.of("rechecks"):
        f = _fields(rec)
        verdict = _verdict(f["result"])
        if verdict is None:
            out.findings.append(cell_finding(rec.ref.cell("result", f["result"]),
                                             "抽检结果应为 合格 或 不合格，本行未参与抽检检查", "result",
                                             subject=f["unit"].key, severity="警告", policy="T2"))
            continue
        if f["rechecked_on"] <= ctx.day:
            rechecks[(f["unit"].key, f["item"])].append((f["rechecked_on"], verdict, rec))
    for rows in rechecks.values():
        rows.sort(key=lambda r: r[0])

    _inspection_facts(inspections, rechecks, site_of, people, ctx, out)
    _coverage(records, inspections, projects, site_of, people, ctx, out)
    _rectifications(records, inspections, site_of, people, ctx, out)
    _milestones(projects, people, ctx, out)
    out.state["sites"] = sorted({r.site for r in inspections})
    del params
    return out


# -- T2, T7, T11, T14 第十三/十五条: the inspection rows ------------------------------------------------------

def _inspection_facts(inspections: list["_Insp"], rechecks, site_of, people: _People, ctx: Context,
                      out: Derived) -> None:
    params = ctx.params
    lookback = int(params["t2_lookback_days"])
    first_day = ctx.day - timedelta(days=lookback)
    by_day: dict[tuple[str, date], dict[tuple[str, str], Any]] = defaultdict(dict)  # every 合格 item, by day
    keep = ctx.day - timedelta(days=int(params.get("closed_lookback_days", lookback)))
    sheets: dict[tuple[str, str, date, str], list] = {}
    checked: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])  # site → [re-checked, failed]
    unsealed: set[str] = set()
    open_left: set[tuple[str, date]] = set()
    who_at = {}
    for rec in inspections:
        day, verdict = rec.inspected_on, rec.passed
        if day > ctx.day:
            continue  # not yet inspected on the night being checked
        site = rec.site
        key = (rec.unit.key, rec.item)
        later = [r for r in rechecks[key] if r[0] >= day] if key in rechecks else ()
        failed = any(not v for _, v, _ in later)
        if verdict and later:
            checked[site][0] += 1
            checked[site][1] += failed
        signed = rec.signed
        if signed is not None:
            s = sheets.setdefault((site, rec.unit.key, day, rec.inspector), [rec, True])
            s[1] = s[1] and signed
        # 第三十条 per unit (每发现一户), 第二十九条 per visit (每次: the unit on that day)
        seal_missing = rec.sealed is False and rec.unit.key not in unsealed
        left_open = rec.closed is False and (rec.unit.key, day) not in open_left
        if seal_missing:
            unsealed.add(rec.unit.key)
        if left_open:
            open_left.add((rec.unit.key, day))
        candidate = verdict and first_day <= day <= ctx.day
        if verdict and day >= keep:
            by_day[(site, day)][key] = _Drawn(rec.unit.key, rec.item, {"recheck_failed": failed, "site": site}, rec)
        if not (candidate or (verdict and failed) or seal_missing or left_open):
            continue
        if site not in who_at:
            who_at[site] = people.of(site)
        data = {**who_at[site], "unit_display": rec.unit.display, "item": rec.item, "inspector": rec.inspector,
                "inspected_on": day.isoformat(), "passed": verdict, "recheck_candidate": candidate,
                "recheck_failed": verdict and failed, "seal_missing": seal_missing, "left_open": left_open}
        failed_on = next((d for d, v, _ in later if not v), None)
        fact = Fact("inspection", rec.unit.key, data, (rec.ref.whole_row(),), rec.item,
                    doc={"display": rec.unit.display},
                    closed_at=_day_end(failed_on) if failed_on else _day_end(day))
        out.facts.append(fact)
    _recheck_due(by_day, rechecks, people, ctx, out)
    for (site, _, day, inspector), (rec, signed) in sorted(sheets.items(), key=lambda kv: (kv[0][0], kv[0][2])):
        if signed:
            continue
        out.facts.append(Fact("inspection_sheet", f"{rec.unit.key}|{day.isoformat()}", {
            **people.of(site), "unit_display": rec.unit.display, "inspected_on": day.isoformat(),
            "inspector": inspector}, (rec.ref.cell("signed", "否"),), inspector, closed_at=_day_end(day)))
    rate_fmt = "{:.2%}"
    for site, (n, bad) in sorted(checked.items()):
        rate = bad / n if n else 0.0
        out.facts.append(Fact("takeover_site", site, {
            **people.of(site), "rechecked": n, "failed": bad, "error_rate": round(rate, 6),
            "error_rate_text": rate_fmt.format(rate)}, (), "差错率"))


def sample_spec(ctx: Context):
    """The re-check draw as the rule file declares it (the one ``sample`` rule on ``inspection`` facts)."""
    for rule in ctx.book.file("takeover").model.rules:
        if rule.then.sample is not None and rule.when.get("fact") == "inspection":
            return rule
    return None


class _Drawn(NamedTuple):
    """A 合格 item as the draw sees it (subject, matter, the fields the widening reads), without a whole Fact."""

    subject: str
    matter: str
    data: dict
    row: Any


def _recheck_due(by_day, rechecks, people: _People, ctx: Context, out: Derived) -> None:
    """Every drawn item of a stage drawn on an earlier night: due for re-check by the end of the next day.
    A unit and item twice on one day is one candidate (the primitive's draw sees the same)."""
    rule = sample_spec(ctx)
    if rule is None:
        return
    spec = rule.then.sample
    rates = [resolve(spec.rate, ctx.params)] + [resolve(w.rate, ctx.params) for w in spec.widen]
    tests = [(lambda field: (lambda row: bool(row[0].data.get(field))))(w.if_failed) for w in spec.widen]
    for (site, day), items in sorted(by_day.items()):
        group_text = "|".join(str(next(iter(items.values())).data.get(g, "")) for g in spec.group)
        mark = f"{rule.id}|{day.isoformat()}|{group_text}"
        if ctx.register.marked_on(mark, "sample", rule.id) is None:
            continue  # never drawn (or only tonight): nothing due yet
        order = ranked(list(items.values()), day, group_text)
        for number, stage in enumerate(stages_of(order, rates, tests), start=1):
            drawn = ctx.register.marked_on(mark if number == 1 else f"{mark}|{number}", "sample", rule.id)
            if drawn is None or drawn >= ctx.day.isoformat():
                continue  # drawn tonight (or not yet): due tomorrow
            drawn_on = date.fromisoformat(drawn)
            for item, _, _ in stage:
                rec = item.row
                done = next((d for d, _, _ in rechecks.get((item.subject, item.matter), ()) if d >= day), None)
                times = {"recheck_from": _day_start(drawn_on + timedelta(days=1)),
                         "rechecked_at": _day_start(done) if done else None}
                out.facts.append(Fact("recheck_due", item.subject, {
                    **people.of(site), "unit_display": rec.unit.display, "item": rec.item,
                    "inspected_on": day.isoformat(), "sample_round": number, "drawn_on": drawn},
                    (rec.ref.whole_row(),), f"{item.matter}|{number}", times, closed_at=times["rechecked_at"]))


# -- T1: coverage ------------------------------------------------------------------------------------------

def _coverage(records: Records, inspections, projects, site_of, people: _People, ctx: Context,
              out: Derived) -> None:
    params = ctx.params
    done_units: dict[str, set[str]] = defaultdict(set)
    inspector_of: dict[str, str] = {}
    for rec in inspections:
        if rec.inspected_on <= ctx.day:
            done_units[rec.unit.key].add(rec.item)
            inspector_of.setdefault(rec.unit.key, rec.inspector)
    for site, project in sorted(projects.items()):
        end = project.inspection_end or project.handover_date - timedelta(days=int(params["t10_finish_days_before"]))
        if ctx.day <= end:
            continue
        items = _split(getattr(project, "items", None))
        plans = [p for p in records.of("inspection_plans") if (getattr(p, "site", None) or site) == site]
        expected: dict[str, tuple[str, set[str], str, tuple]] = {}  # unit → (display, items, inspector, sources)
        if plans:
            for p in plans:
                display, want, who, src = expected.get(p.unit.key, (p.unit.display, set(), "", ()))
                if getattr(p, "item", None):
                    want.add(p.item)
                else:
                    want.update(items)
                expected[p.unit.key] = (display, want, who or getattr(p, "inspector", None) or "",
                                        src + (p.ref.whole_row(),))
        else:
            buildings = {_building(b) for b in _split(getattr(project, "buildings", None))}
            if not buildings:
                out.findings.append(_note(site, "没有接管验收计划表，接管验收项目表也未写验收楼栋：第十八条覆盖率无法核对",
                                          (project.ref.whole_row(),)))
                continue
            for owner in records.of("owners"):
                if owner.unit.building in buildings:
                    expected[owner.unit.key] = (owner.unit.display, set(items), "", (owner.ref.whole_row(),))
        for unit, (display, want, who, src) in sorted(expected.items()):
            have = done_units.get(unit, set())
            missing = [WHOLE_UNIT] if not have else sorted(want - have)
            for item in missing:
                out.facts.append(Fact("coverage_gap", unit, {
                    **people.of(site), "unit_display": display, "item": item, "end_date": end.isoformat(),
                    "inspector": who or inspector_of.get(unit, "")}, src, item))


def _note(site: str, text: str, sources: tuple) -> Any:
    from ..findings import Finding

    return Finding(policy="T1", rule="T1-data", category="接管验收", subject=site, message=text, severity="提示",
                   sources=sources)


# -- T3–T6, T8, T9, M1a: the rectification ledger ------------------------------------------------------------

def _rectifications(records: Records, inspections, site_of, people: _People, ctx: Context, out: Derived) -> None:
    params = ctx.params
    as_of = ctx.as_of
    seen: dict[str, Any] = {}
    unit_items: dict[str, set[str]] = defaultdict(set)
    inspected_on: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for rec in inspections:
        unit_items[rec.unit.key].add(rec.item)
        inspected_on[rec.unit.key].append((rec.inspected_on, rec.item))
    for rec in records.of("rectifications"):
        if rec.case_id in seen:
            first = seen[rec.case_id]
            out.findings.append(cell_finding(
                rec.ref.cell("case_id", rec.case_id),
                f"整改单号重复（与 {first.ref.file} › {first.ref.sheet} › 第{first.ref.row}行 相同），本行未参与整改检查",
                "duplicate-case", subject=rec.case_id, severity="警告", policy="T3"))
            continue
        seen[rec.case_id] = rec
        if rec.found_at > as_of:
            continue

        def t(name: str) -> datetime | None:
            v = getattr(rec, name, None)
            return v if v is not None and v <= as_of else None

        origin = (getattr(rec, "origin", None) or ORIGIN_TAKEOVER).strip()
        site = site_of(rec)
        notified, rectified_at, reinspected_at = t("notified_at"), t("rectified_at"), t("reinspected_at")
        verdict = _verdict(getattr(rec, "reinspection_result", None)) if reinspected_at else None
        if reinspected_at and rectified_at and reinspected_at < rectified_at:
            reinspected_at, verdict = None, None  # the re-inspection of an earlier round
        failed_again = verdict is False
        rectified = rectified_at is not None and not failed_again
        rounds = getattr(rec, "rounds", None)
        failed_rounds = (rounds if failed_again else max(rounds - 1, 0)) if rounds else int(failed_again)
        start = notified or rec.found_at
        days_open = (ctx.day - start.date()).days
        agreed = getattr(rec, "deadline", None)
        if agreed is not None and agreed.time() == time.min:
            agreed = _day_end(agreed.date())  # a date: the end of that day
        default_deadline = rec.found_at + timedelta(hours=float(params["t3_default_rectify_hours"]))
        deadline = agreed or default_deadline
        deadline_text = (f"{fmt_time(deadline)}前（联席会议确定）" if agreed and origin == ORIGIN_TAKEOVER
                         else f"{fmt_time(deadline)}前（与业主约定）" if agreed
                         else f"{fmt_time(deadline)}前（公司默认整改期限）")
        whole = getattr(rec, "whole_unit", None)
        if whole is None and reinspected_at is not None and unit_items.get(rec.unit.key):
            after = {item for d, item in inspected_on[rec.unit.key] if d >= reinspected_at.date()}
            whole = after >= unit_items[rec.unit.key]
        department = getattr(rec, "department", None) or (
            params["t3_addressee"] if origin == ORIGIN_TAKEOVER else params["m1a_addressee"])
        chase_due = _day_end(start.date() + timedelta(days=int(params["t4_chase_days"]) + 1))
        escalate_due = _day_end(start.date() + timedelta(days=int(params["t4_escalate_days"]) + 1))
        times = {
            "found_at": rec.found_at, "notified_at": notified, "rectified_at": rectified_at,
            "reinspected_at": reinspected_at, "chased_at": t("chased_at"), "reported_at": t("reported_at"),
            "escalated_at": t("escalated_at"), "developer_reported_at": t("developer_reported_at"),
            "failure_reported_at": t("failure_reported_at"), "unfixable_reported_at": t("unfixable_reported_at"),
            "deadline_at": agreed, "chase_due_at": chase_due, "escalate_due_at": escalate_due,
            "third_failure_at": reinspected_at if failed_rounds >= int(params["t5_failed_rounds"]) else None,
        }
        severity = (getattr(rec, "severity", None) or "一般").strip()
        data = {**people.of(site), "case_id": rec.case_id, "origin": origin, "unit_display": rec.unit.display,
                "item": getattr(rec, "item", None) or "", "problem": getattr(rec, "problem", None) or "",
                "severity": severity, "department": department, "responsible": getattr(rec, "responsible", None) or "",
                "notified": notified is not None, "receipt": bool(getattr(rec, "receipt_by", None)),
                "rectified": rectified, "rectified_once": rectified_at is not None,
                "reinspected": reinspected_at is not None,
                "passed_reinspection": verdict is True, "whole_unit_reinspected": whole is not False,
                "failed_rounds": failed_rounds, "days_open": days_open, "deadline_text": deadline_text,
                "notice_number": ""}
        earlier = ctx.register.issued_before(rec.case_id, f"T3-1|{rec.case_id}") or ctx.register.issued_before(
            rec.case_id, f"M1a-1|{rec.case_id}")
        if earlier is not None:
            data["notice_number"] = earlier.number
        closed = reinspected_at if verdict is True and rectified else None
        doc = notice_context(rec, data, deadline_text, ctx)
        doc["found_text"] = fmt_time(rec.found_at)
        out.facts.append(Fact("rectification", rec.case_id, data, (rec.ref.whole_row(),), rec.case_id, times, doc,
                              closed_at=closed))


def notice_context(rec, data: dict, deadline_text: str, ctx: Context) -> dict:
    """The 《整改通知书》 context (the contract in tools/form_areas/takeover.py), for this case."""
    takeover = data["origin"] == ORIGIN_TAKEOVER
    basis = ("上述不合格项系接管验收中发现，请贵部于整改期限内组织施工单位整改，整改完毕后通知我方复验；"
             "复验时将对该户全部项目重新验收。" if takeover else
             "上述问题系业主入伙验房时在《房屋验收表》中提出，请贵部门于整改期限内维修整改，"
             "整改完毕后通知客服部，由客服部、工程部会同业主进行二次验收。")
    return {"addressee": data["department"], "unit": rec.unit.display, "unit_key": rec.unit.key,
            "items": [{"item": data["item"] or "—", "problem": data["problem"], "found_at": fmt_time(rec.found_at)}],
            "deadline": deadline_text, "basis": basis, "company": ctx.cache.get("company_name", ""),
            "site": data["site"], "case_id": data["case_id"], "origin": data["origin"]}


# -- T7 (cases), T10, T14 第十二条: the project sheet ---------------------------------------------------------

def _minus_months(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    import calendar as _cal
    return date(y, m, min(d.day, _cal.monthrange(y, m)[1]))


def _milestones(projects, people: _People, ctx: Context, out: Derived) -> None:
    p = ctx.params
    cal = ctx.calendar

    def wd(d: date | None, n: int) -> date | None:
        return cal.add_working_days(_day_start(d), n).date() if d else None

    def plus(d: date | None, n: int) -> date | None:
        return d + timedelta(days=n) if d else None

    for site, pr in sorted(projects.items()):
        g = lambda name: getattr(pr, name, None)  # noqa: E731
        who = people.of(site)
        start = g("inspection_start")
        steps = (  # (节点, due, done, daily)
            ("专题会议", _minus_months(pr.handover_date, int(p["t10_kickoff_months_before"])), g("kickoff_on"), False, "kickoff_on"),
            ("实施方案", plus(g("appointed_on"), int(p["t10_plan_days"])), g("plan_done_on"), False, "plan_done_on"),
            ("联席会议", wd(g("appointed_on"), int(p["t10_joint_working_days"])), g("joint_meeting_on"), False, "joint_meeting_on"),
            ("会议纪要", wd(g("joint_meeting_on"), int(p["t10_minutes_working_days"])), g("minutes_on"), False, "minutes_on"),
            ("纪要呈报", wd(g("minutes_on"), int(p["t10_minutes_send_working_days"])), g("minutes_sent_on"), False, "minutes_sent_on"),
            ("培训开始", plus(g("plan_approved_on"), int(p["t10_training_start_days"])), g("training_start"), False, "training_start"),
            ("培训完成", _minus_months(pr.handover_date, int(p["t10_training_months_before"])), g("training_end"), False, "training_end"),
            ("人员进驻", plus(g("joint_meeting_on"), int(p["t10_onsite_days"])), g("staff_on_site_on"), True, "staff_on_site_on"),
            ("表格资料备齐", plus(start, -int(p["t10_forms_days_before"])), g("forms_ready_on"), True, "forms_ready_on"),
            ("具体工作方案", plus(start, -int(p["t14_work_plan_days_before"])), g("work_plan_done_on"), False, "work_plan_done_on"),
            ("验收完成", pr.handover_date - timedelta(days=int(p["t10_finish_days_before"])), g("completed_on"), True,
             "completed_on"),
            ("工作汇报", plus(g("completed_on"), int(p["t10_report_days"])), g("report_on"), False, "report_on"),
        )
        tracked = pr.ref.columns
        for name, due, done, daily, column in steps:
            if due is None or column not in tracked:
                continue  # the project sheet does not keep this date: nothing to check (docs/areas/takeover.md)
            if done is not None and done > ctx.day:
                done = None  # recorded ahead of the night being checked
            end = done or ctx.day
            late_days = max(0, (end - due).days) if (done is not None or ctx.day > due) else 0
            out.facts.append(Fact("milestone", site, {
                **who, "milestone": name, "due": due.isoformat(), "done": done.isoformat() if done else "未完成",
                "late": late_days > 0, "days_late": late_days}, (pr.ref.whole_row(),), name))
            if daily:
                for k in range(1, late_days + 1):
                    out.facts.append(Fact("late_day", site, {
                        **who, "milestone": name, "due": due.isoformat(), "day_no": k},
                        (pr.ref.whole_row(),), f"{name}|{k}"))
        hours = g("training_hours")
        rate = _rate(g("training_pass_rate"))
        if hours is not None or rate is not None:
            out.facts.append(Fact("training", site, {
                **who, "hours": float(hours or 0), "hours_short": hours is not None
                and float(hours) < float(p["t10_training_min_hours"]),
                "pass_rate": rate if rate is not None else 1.0,
                "pass_rate_text": f"{rate:.0%}" if rate is not None else "",
                "pass_rate_low": rate is not None and rate < float(p["t10_training_pass_rate"])},
                (pr.ref.whole_row(),), "培训"))
        for kind, count in (("暂不收楼", g("postponed")), ("拒收楼", g("refused"))):
            for k in range(1, int(count or 0) + 1):
                out.facts.append(Fact("takeover_case", site, {**who, "kind": kind, "case_no": k},
                                      (pr.ref.cell("postponed" if kind == "暂不收楼" else "refused", count),),
                                      f"{kind}|{k}"))


def _rate(text: str | None) -> float | None:
    """考试合格率 as written: 95%, 95, 0.95 (the 篇12 text itself writes 90 for 90%)."""
    if not text:
        return None
    m = re.search(r"\d+(?:\.\d+)?", str(text))
    if not m:
        return None
    v = float(m.group())
    return v / 100 if v > 1 else v


# -- documents ----------------------------------------------------------------------------------------------

def notice(kind: str, ctx: Context, **info) -> dict:
    """The chase ladder's documents, in the 《整改通知书》 contract (one case per document: ``per: matter``)."""
    if kind != "ladder":
        return {}
    entries = info["entries"]
    fact = entries[0].fact
    step = max(e.step for e in entries)
    d = fact.data
    reference = f"（原《整改通知书》{d['notice_number']}）" if d["notice_number"] else ""
    if step == 1:
        addressee = d["department"]
        basis = (f"上述不合格项{reference}自书面通知之日起已超过整改期限仍未整改完毕，现书面加催。"
                 "请贵部即日组织整改，整改完毕后通知我方复验；本函同时书面上报公司领导。")
    else:
        addressee = LEADERS
        basis = (f"上述不合格项{reference}自书面通知之日起已超过一周仍未整改完毕，经书面加催仍未完成，"
                 "现书面报告，请督促整改。")
    return {**fact.doc, "addressee": addressee, "basis": basis, "file_key": fact.subject,
            "escalate_to": addressee, "step": step}


AREA = Area(
    name="takeover",
    title="接管验收",
    rule_files=("takeover",),
    reads=("inspections", "rechecks", "rectifications", "takeover_projects", "inspection_plans", "owners", "staff"),
    runs_on=("inspections", "rectifications"),  # M1a: a move-in rectification log runs without an inspection
    fact_types=FACT_TYPES,
    derive=derive,
    notice=notice,
)
