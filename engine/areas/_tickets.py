"""Ticket facts (投诉报修台账), shared by the complaints and repairs areas: derived once a night."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from ..findings import cell_finding
from ..outcomes.engine import fmt_time
from ..outcomes.sample import previous_period
from ..validate import Records, Ticket
from .base import Context, Derived, Fact, FactType

TIME_FIELDS = ("received_at", "dispatched_at", "agreed_at", "replied_at", "progress_at", "completed_at",
               "callback_at", "arrived_at", "callback_agreed_at", "reported_at")
PROMISES = ("agreed_at", "callback_agreed_at")  # times agreed with the owner: kept even when still ahead
# a 重要业户 / VIP cell that says "no" (anything else written there marks the owner as important)
NOT_MARKED = {"否", "无", "N", "NO", "0", "×", "✗", "不是", "普通", "一般", "FALSE"}

TICKET = FactType("ticket", {
    "ticket_id": str, "kind": str, "level": str, "source": str, "department": str, "other_department": bool,
    "completed": bool, "related_ticket": str, "related_kind": str, "related_completed": bool,
    "promised_days": (int, float), "promised_days_text": str, "agreed_text": str, "postponements": int,
    "records_arrival": bool, "unit_display": str, "site": str, "completed_last_week": bool,
    "has_agreed_time": bool, "called_back": bool, "callback_recorded": bool, "special_case": bool,
    "important_owner": bool, "records_report": bool, "answer_text": str, "report_by": str,
}, "工单（投诉、报修、咨询、求助）", columns=(
    ("工单号", "ticket_id"), ("类型", "kind"), ("等级", "level"), ("房号", "unit_display"), ("受理时间", "received_at")),
    clock_sheet="工单时限", list_columns=(
    ("工单号", "ticket_id"), ("房号", "unit_display"), ("投诉人", "reporter_masked"), ("内容", "content"),
    ("受理时间", "received_at"), ("责任部门", "department")))


def important_owners(records: Records) -> tuple[set[str], bool]:
    """Units whose owner file row carries a 重要业户 / VIP marker; and whether any owner sheet has that column."""
    marked, known = set(), False
    for owner in records.of("owners"):
        if "important" in owner.ref.columns:
            known = True
        value = (owner.important or "").strip()
        if value and value.upper() not in NOT_MARKED:
            marked.add(owner.unit.key)
    return marked, known


def first_answer(times: dict[str, datetime | None]) -> datetime | None:
    """C2: the owner is answered by the reply (答复时间) or a call-back (回访时间) at or after completion."""
    done = times.get("completed_at")
    if done is None:
        return None
    return min((t for f in ("replied_at", "callback_at") if (t := times.get(f)) is not None and t >= done),
               default=None)


def _answer_text(times: dict[str, datetime | None]) -> str:
    done, answered = times.get("completed_at"), times.get("answered_at")
    if done is None:
        return "尚未解决完毕"
    if answered is None:
        return f"已于 {fmt_time(done)} 处理完毕，但台账没有此后的答复时间或回访时间，未回复业主"
    return f"已于 {fmt_time(done)} 处理完毕，{fmt_time(answered)} 回复业主"


def _report_by(received: datetime, deadline: tuple[timedelta, time] | None) -> tuple[datetime | None, str]:
    """C8: reported to company leadership by the given time of the given day after the second complaint."""
    if deadline is None:
        return None, ""
    moment = datetime.combine(received.date() + deadline[0], deadline[1])
    return moment, fmt_time(moment)


def _report_deadline(params: dict) -> tuple[timedelta, time] | None:
    """(days after, time of day) of the C8 report, from the rule parameters (None when they are not set)."""
    days, at = params.get("gm_report_days"), params.get("gm_report_time")
    if days is None or at is None:
        return None
    return timedelta(days=int(days)), datetime.strptime(str(at), "%H:%M").time()


def ticket_facts(records: Records, ctx: Context) -> Derived:
    if "tickets" in ctx.cache:
        return ctx.cache["tickets"]
    from ..outcomes.engine import duration_text
    from ..render.mask import mask_name

    out = Derived()
    by_id: dict[str, Ticket] = {}
    for t in records.of("tickets"):
        if t.ticket_id in by_id:
            first = by_id[t.ticket_id]
            out.findings.append(cell_finding(
                t.ref.cell("ticket_id", t.ticket_id),
                f"工单号重复（与 {first.ref.file} › {first.ref.sheet} › 第{first.ref.row}行 相同），本行未参与时限检查",
                "duplicate-ticket", subject=t.ticket_id, severity="警告"))
            continue
        by_id[t.ticket_id] = t
    own = set(ctx.params.get("own_departments") or [])
    important, _ = important_owners(records)
    week_start, week_end = previous_period("week", ctx.day)
    as_of = ctx.as_of
    report_deadline = _report_deadline(ctx.params)
    for t in by_id.values():
        if t.received_at > as_of:
            continue  # not yet received on the night being checked
        # What happened after the as-of moment has not happened yet; an agreed time is a promise, kept as is.
        times = {f: (v if (v := getattr(t, f)) is not None and (v <= as_of or f in PROMISES) else None)
                 for f in TIME_FIELDS}
        times["last_update_at"] = max(x for x in (times["received_at"], times["progress_at"]) if x is not None)
        done = times["completed_at"]
        appointment = times["callback_agreed_at"]
        if appointment is not None and done is not None and appointment < done:
            out.findings.append(cell_finding(
                t.ref.cell("callback_agreed_at", appointment),
                f"回访约定时间早于完成时间（{fmt_time(done)}），不能作为回访时限，按处理完毕当天回访检查",
                "callback-appointment-before-completion", subject=t.ticket_id, severity="警告"))
            times["callback_agreed_at"] = None
        times["answered_at"] = first_answer(times)
        related = by_id.get(t.related_ticket) if t.related_ticket else None
        if t.related_ticket and related is None:
            out.findings.append(cell_finding(t.ref.cell("related_ticket", t.related_ticket),
                                             "关联工单在台账中找不到，无法判断是否二次投诉或返修", "unknown-related",
                                             subject=t.ticket_id, severity="警告"))
        earlier = related if related is not None and related.received_at <= t.received_at else None
        promised = (t.agreed_at - t.received_at) / timedelta(days=1) if t.agreed_at else 0.0
        report_by, report_by_text = _report_by(t.received_at, report_deadline)
        data = {
            "ticket_id": t.ticket_id, "kind": t.kind, "level": t.level or "未分级",
            "source": t.source or "", "department": t.department or "",
            "other_department": bool(t.department) and t.department not in own,
            "completed": done is not None,
            "related_ticket": t.related_ticket or "",
            "related_kind": earlier.kind if earlier else "none",
            "related_completed": bool(earlier and earlier.completed_at and earlier.completed_at <= t.received_at),
            "promised_days": round(promised, 2), "promised_days_text": f"{promised:.1f}",
            "agreed_text": fmt_time(t.agreed_at), "postponements": t.postponements or 0,
            "records_arrival": "arrived_at" in t.ref.columns,
            "unit_display": t.unit.display if t.unit else "公共区域", "site": t.site or "本项目",
            "completed_last_week": done is not None and week_start <= done.date() <= week_end,
            "has_agreed_time": t.agreed_at is not None,
            "called_back": times["callback_at"] is not None,
            "callback_recorded": bool((t.callback_result or "").strip()),
            "special_case": bool((t.special_case or "").strip()),
            "important_owner": t.unit is not None and t.unit.key in important,
            "records_report": "reported_at" in t.ref.columns,
            "answer_text": _answer_text(times), "report_by": report_by_text,
        }
        doc = {"unit": data["unit_display"], "unit_code": t.unit.key if t.unit else "", "reporter": t.reporter or "",
               "reporter_masked": mask_name(t.reporter), "content": t.content or "", "received": t.received_at,
               "received_at": fmt_time(t.received_at), "handler": t.handler or "", "display": data["unit_display"],
               "completed_at": fmt_time(done), "callback_at": fmt_time(times["callback_at"]),
               "callback_result": t.callback_result or "", "special_case_text": t.special_case or "",
               "elapsed_text": duration_text(as_of - t.received_at) if done is None else "",
               "report_by_at": report_by, "record": t}
        out.facts.append(Fact("ticket", t.ticket_id, data, (t.ref.whole_row(),), None, times, doc, closed_at=done))
    ctx.cache["tickets"] = out
    return out


def repair_history(derived: Derived) -> tuple[list[str], list[list]]:
    """R3: every repair order per unit, in order."""
    from ..outcomes.ladder import natural_key

    rows = []
    for f in derived.facts:
        if f.data["kind"] != "报修":
            continue
        rows.append([f.doc["unit_code"] or "公共区域", f.subject, f.data["site"], f.doc["received"],
                     f.doc["content"], f.doc["handler"], f.times.get("completed_at"), f.times.get("callback_at"),
                     f.doc["callback_result"]])
    rows.sort(key=lambda r: (natural_key(r[0]) if r[0] != "公共区域" else ((2, ""),), r[3]))
    return ["房号", "工单号", "项目", "报修时间", "内容", "维修人", "完成时间", "回访时间", "回访结果"], rows
