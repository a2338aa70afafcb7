"""Repairs and call-backs (报修与回访) — R1–R3 in ``rules/repairs.yaml``.

Repair orders are ``ticket`` facts (derived once, with the complaints area); the weekly call-back draw
is the sample primitive, the rework call-back a clock. The per-unit repair history (R3) is listed here.
"""
from __future__ import annotations

from ..validate import Records
from ._tickets import TICKET, repair_history, ticket_facts
from .base import Area, Context, Derived


def derive(records: Records, ctx: Context) -> Derived:
    shared = ticket_facts(records, ctx)
    out = Derived(facts=list(shared.facts))
    if shared.facts:
        out.sheets["维修记录"] = repair_history(shared)
    return out


AREA = Area(
    name="repairs",
    title="报修与回访",
    rule_files=("repairs",),
    reads=("tickets",),
    fact_types=(TICKET,),
    derive=derive,
    shares=("tickets",),  # _tickets.ticket_facts, derived once for both
)
