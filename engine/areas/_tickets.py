"""Ticket facts (投诉报修台账), shared by the complaints and repairs areas: derived once a night."""
from __future__ import annotations

from datetime import datetime, timedelta

from ..findings import cell_finding
from ..outcomes.engine import fmt_time
from ..outcomes.sample import previous_period
from ..validate import Records
from .base import Context, Derived, Fact, FactType

TIME_FIELDS = ("received_at", "dispatched_at", "agreed_at", "replied_at", "progress_at", "completed_at",
               "callback_at", "arrived_at")

TICKET = FactType("ticket", {
    "ticket_id": str, "kind": str, "level": str, "source": str, "department": str, "other_department": bool,
    "completed": bool, "related_ticket": str, "related_kind": str, "related_completed": bool,
    "promised_days": (int, float), "promised_days_text": str, "agreed_text": str, "postponements": int,
    "records_arrival": bool, "unit_display": str, "site": str, "completed_last_week": bool,
}, "工单（投诉、报修、咨询、求助）", columns=(
    ("工单号", "ticket_id"), ("类型", "kind"), ("等级", "level"), ("房号", "unit_display"), ("受理时间", "received_at")),
    clock_sheet="工单时限", list_columns=(
    ("工单号", "ticket_id"), ("房号", "unit_display"), ("投诉人", "reporter_masked"), ("内容", "content"),
    ("受理时间", "received_at"), ("责任部门", "department")))


def ticket_facts(records: Records, ctx: Context) -> Derived:
    if "tickets" in ctx.cache:
        return ctx.cache["tickets"]
    from ..render.mask import mask_name

    out = Derived()
    by_id = {}
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
    week_start, week_end = previous_period("week", ctx.day)
    as_of = ctx.as_of
    for t in by_id.values():
        if t.received_at > as_of:
            continue  # not yet received on the night being checked
        # What happened after the as-of moment has not happened yet; an agreed time is a promise, kept as is.
        times = {f: (v if (v := getattr(t, f)) is not None and (v <= as_of or f == "agreed_at") else None)
                 for f in TIME_FIELDS}
        times["last_update_at"] = max(x for x in (times["received_at"], times["progress_at"]) if x is not None)
        related = by_id.get(t.related_ticket) if t.related_ticket else None
        if t.related_ticket and related is None:
            out.findings.append(cell_finding(t.ref.cell("related_ticket", t.related_ticket),
                                             "关联工单在台账中找不到，无法判断是否二次投诉或返修", "unknown-related",
                                             subject=t.ticket_id, severity="警告"))
        earlier = related is not None and related.received_at <= t.received_at
        promised = (t.agreed_at - t.received_at) / timedelta(days=1) if t.agreed_at else 0.0
        done = times["completed_at"]
        data = {
            "ticket_id": t.ticket_id, "kind": t.kind, "level": t.level or "未分级",
            "source": t.source or "", "department": t.department or "",
            "other_department": bool(t.department) and t.department not in own,
            "completed": done is not None,
            "related_ticket": t.related_ticket or "",
            "related_kind": related.kind if earlier else "none",
            "related_completed": bool(earlier and related.completed_at and related.completed_at <= t.received_at),
            "promised_days": round(promised, 2), "promised_days_text": f"{promised:.1f}",
            "agreed_text": fmt_time(t.agreed_at), "postponements": t.postponements or 0,
            "records_arrival": "arrived_at" in t.ref.columns,
            "unit_display": t.unit.display if t.unit else "公共区域", "site": t.site or "本项目",
            "completed_last_week": done is not None and week_start <= done.date() <= week_end,
        }
        doc = {"unit": data["unit_display"], "unit_code": t.unit.key if t.unit else "", "reporter": t.reporter or "",
               "reporter_masked": mask_name(t.reporter), "content": t.content or "", "received": t.received_at,
               "received_at": fmt_time(t.received_at), "handler": t.handler or "", "display": data["unit_display"],
               "completed_at": fmt_time(done), "callback_at": fmt_time(times["callback_at"]),
               "callback_result": t.callback_result or "", "record": t}
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
