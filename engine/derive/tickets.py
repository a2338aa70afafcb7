"""Derive ticket facts: what kind of complaint or repair it is, what it relates to, and its times as of the night."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from ..findings import Finding, cell_finding
from ..rules import calculator
from ..validate import Records, Ticket

TIME_FIELDS = ("received_at", "dispatched_at", "agreed_at", "replied_at", "progress_at", "completed_at",
               "callback_at", "arrived_at")


@calculator("sample_size")
def sample_size(fact: dict, params: dict) -> int:
    """R1: the share of last week's completed orders, rounded up (exact decimal arithmetic: 20% of 15 is 3)."""
    return math.ceil(Decimal(str(params["callback_sample_rate"])) * int(fact["completed_orders"]))


def sample_key(week_start: date, site: str, ticket_id: str) -> str:
    """The order in which R1 draws: SHA-256 of "week's Monday|site|ticket number", lowest first."""
    return hashlib.sha256(f"{week_start.isoformat()}|{site}|{ticket_id}".encode("utf-8")).hexdigest()


def fmt(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M") if t else ""


@dataclass
class TicketFact:
    ticket: Ticket
    fact: dict
    times: dict[str, datetime | None]


@dataclass
class TicketFacts:
    tickets: list[TicketFact] = field(default_factory=list)
    by_id: dict[str, Ticket] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def derive_ticket_facts(records: Records, as_of: datetime, params: dict) -> TicketFacts:
    out = TicketFacts()
    own = set(params.get("own_departments") or [])
    for t in records.of("tickets"):
        if t.ticket_id in out.by_id:
            first = out.by_id[t.ticket_id]
            out.findings.append(cell_finding(
                t.ref.cell("ticket_id", t.ticket_id),
                f"工单号重复（与 {first.ref.file} › {first.ref.sheet} › 第{first.ref.row}行 相同），本行未参与时限检查",
                "duplicate-ticket", subject=t.ticket_id, severity="警告"))
            continue
        out.by_id[t.ticket_id] = t
    for t in out.by_id.values():
        if t.received_at > as_of:
            continue  # not yet received on the night being checked
        # What happened after the as-of moment has not happened yet; an agreed time is a promise, kept as is.
        times = {f: (v if (v := getattr(t, f)) is not None and (v <= as_of or f == "agreed_at") else None)
                 for f in TIME_FIELDS}
        times["last_update_at"] = max(x for x in (times["received_at"], times["progress_at"]) if x is not None)
        related = out.by_id.get(t.related_ticket) if t.related_ticket else None
        if t.related_ticket and related is None:
            out.findings.append(cell_finding(t.ref.cell("related_ticket", t.related_ticket),
                                             "关联工单在台账中找不到，无法判断是否二次投诉或返修", "unknown-related",
                                             subject=t.ticket_id, severity="警告"))
        earlier = related is not None and related.received_at <= t.received_at
        promised = (t.agreed_at - t.received_at) / timedelta(days=1) if t.agreed_at else 0.0
        fact = {
            "fact": "ticket", "ticket_id": t.ticket_id, "kind": t.kind, "level": t.level or "未分级",
            "source": t.source or "", "department": t.department or "",
            "other_department": bool(t.department) and t.department not in own,
            "completed": times["completed_at"] is not None,
            "related_ticket": t.related_ticket or "",
            "related_kind": related.kind if earlier else "none",
            "related_completed": bool(earlier and related.completed_at and related.completed_at <= t.received_at),
            "promised_days": round(promised, 2), "promised_days_text": f"{promised:.1f}",
            "agreed_text": fmt(t.agreed_at), "postponements": t.postponements or 0,
            "records_arrival": "arrived_at" in t.ref.columns,
            "unit_display": t.unit.display if t.unit else "公共区域",
        }
        out.tickets.append(TicketFact(t, fact, times))
    return out
