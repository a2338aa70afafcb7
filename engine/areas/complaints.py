"""Complaints (投诉处理) — C1–C12 in ``rules/complaints.yaml``.

Every complaint ticket is a ``ticket`` fact; the deadlines (clocks), the escalation documents, the
投诉台帐 list and the monthly reports (periodic) are outcome primitives chosen in the rule file. This
module derives the facts and fills the monthly reports' rows.
"""
from __future__ import annotations

from datetime import datetime, time

from ..validate import Records
from ._tickets import TICKET, important_owners, ticket_facts
from .base import Area, Context, Derived


def derive(records: Records, ctx: Context) -> Derived:
    shared = ticket_facts(records, ctx)
    return Derived(facts=list(shared.facts), findings=list(shared.findings))


def notice(kind: str, ctx: Context, **info) -> dict:
    """A monthly report's rows: the complaints the rule's ``select`` chose, received in the period up to the night
    (the whole month for a report caught up in the next month); the rule's title says which deadline it serves."""
    if kind != "periodic":
        return {}
    from ..outcomes.text import render

    period = info["period"]
    start = datetime.combine(period.start, time.min)
    end = min(datetime.combine(period.end, time.max), ctx.as_of)
    chosen = [f for f in info["selected"] if start <= f.doc["received"] <= end]
    rows = [{"ticket_id": f.subject, "unit": f.data["unit_display"], "level": f.data["level"],
             "kind": _report_kind(f), "content": f.doc["content"],
             "received_at": f.doc["received_at"], "completed_at": f.doc["completed_at"],
             "status": "已完成" if f.data["completed"] else "处理中", "department": f.data["department"],
             "note": f.doc["callback_result"]}
            for f in sorted(chosen, key=lambda f: f.doc["received"])]
    _, known = important_owners(ctx.records)
    rule = info["rule"]
    selects_important = "important_owner" in str(rule.then.periodic.select or "")
    return {"rows": rows, "count": len(rows), "rule_title": render(rule.title, {}, ctx.params),
            "covered_to": f"{end:%Y-%m-%d %H:%M}",
            "important_note": "" if known or not selects_important else
            "业主档案没有“重要业户”或“VIP”一栏，本表未能列入重要业户投诉；请在业主档案中标记重要业户。"}


def _report_kind(f) -> str:
    """Why a complaint is on the summary: second complaint, major, important owner (several may apply)."""
    reasons = []
    if f.data["related_kind"] == "投诉":
        reasons.append("二次投诉")
    if f.data["level"] == "重大":
        reasons.append("重大投诉")
    if f.data["important_owner"]:
        reasons.append("重要业户投诉")
    return "、".join(reasons) or f.data["kind"]


AREA = Area(
    name="complaints",
    title="投诉处理",
    rule_files=("complaints",),
    reads=("tickets", "owners"),
    fact_types=(TICKET,),
    derive=derive,
    shares=("tickets",),  # _tickets.ticket_facts, derived once for both
    notice=notice,
)
