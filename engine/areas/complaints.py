"""Complaints (投诉处理) — C1–C12 in ``rules/complaints.yaml``.

Every complaint ticket is a ``ticket`` fact; the deadlines (clocks), the escalation documents, the
投诉台帐 list and the monthly reports (periodic) are outcome primitives chosen in the rule file. This
module derives the facts and fills the monthly reports' rows.
"""
from __future__ import annotations

from datetime import datetime, time

from ..validate import Records
from ._tickets import TICKET, ticket_facts
from .base import Area, Context, Derived


def derive(records: Records, ctx: Context) -> Derived:
    shared = ticket_facts(records, ctx)
    return Derived(facts=list(shared.facts), findings=list(shared.findings))


def notice(kind: str, ctx: Context, **info) -> dict:
    """A monthly report's rows: the complaints the rule's ``select`` chose, received in the period up to the night."""
    if kind != "periodic":
        return {}
    period = info["period"]
    start = datetime.combine(period.start, time.min)
    end = min(datetime.combine(period.end, time.max), ctx.as_of)
    chosen = [f for f in info["selected"] if start <= f.doc["received"] <= end]
    rows = [{"ticket_id": f.subject, "unit": f.data["unit_display"], "level": f.data["level"],
             "kind": "二次投诉" if f.data["related_kind"] == "投诉" else f.data["kind"], "content": f.doc["content"],
             "received_at": f.doc["received_at"], "completed_at": f.doc["completed_at"],
             "status": "已完成" if f.data["completed"] else "处理中", "department": f.data["department"],
             "note": f.doc["callback_result"]}
            for f in sorted(chosen, key=lambda f: f.doc["received"])]
    return {"rows": rows, "count": len(rows)}


AREA = Area(
    name="complaints",
    title="投诉处理",
    rule_files=("complaints",),
    reads=("tickets", "owners"),
    fact_types=(TICKET,),
    derive=derive,
    notice=notice,
)
