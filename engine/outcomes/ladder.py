"""The ladder primitive: steps of one escalation for one subject, with a declared hit policy.

Hit policy ``highest`` (the only one the rule files use so far), for each subject (a household) and
ladder (the 催费 ladder), over the matters still open tonight (each unpaid fee item and period):

* a matter is listed on a new document when it has never been notified, or when it climbed to a step
  above the one it was last notified at **and** not below the highest document the subject already holds
  for a matter still open — so a household holding a 《最后催费通知书》 never receives a softer one while
  that debt is open, and a step already notified is never notified again;
* the document is the one of the highest step among the listed matters and that earlier document —
  never lower; each listed matter shows its own step;
* matters notified before and not listed again are named by their earlier notice (``previous``), so a
  notice says only what the register shows;
* a missed night is caught up at the highest step reached; re-running a night finds the same notice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..areas.base import Area, Context, Fact
from ..record.register import IssuedNotice
from ..rules.model import LadderRef, LadderSpec, Rule

if TYPE_CHECKING:  # pragma: no cover
    from .engine import AreaOutcomes


@dataclass
class LadderEntry:
    fact: Fact
    rule: Rule
    step: int  # the step the matter reached tonight
    prev: int  # the step it was last notified at (0: never)
    earlier: IssuedNotice | None  # the latest notice that listed it
    listed: bool = False


def natural_key(text: str | None) -> tuple:
    """3-2-1502 after 3-2-801; any script's digits sort as text (never int() on them)."""
    return tuple((0, int(p)) if p.isascii() and p.isdigit() else (1, p) for p in re.split(r"(\d+)", text or "") if p)


def _ladder(rule: Rule) -> LadderRef:
    ref = rule.then.ladder
    assert ref is not None  # run_ladders is given only the rules whose outcome is a ladder (outcomes.engine)
    return ref


def ladder_specs(ctx: Context, area: Area) -> dict[str, LadderSpec]:
    specs: dict[str, LadderSpec] = {}
    for stem in area.rule_files:
        specs.update(ctx.book.file(stem).model.ladders)
    return specs


def run_ladders(area: Area, entries: list[tuple[Fact, Rule]], ctx: Context, catalogue, out: "AreaOutcomes") -> None:
    from .engine import cn_date, make_finding

    specs = ladder_specs(ctx, area)
    register = ctx.register
    # the highest step each (ladder, subject, matter) reached tonight
    reached: dict[tuple[str, str], dict[str, tuple[Fact, Rule]]] = {}
    for fact, rule in entries:
        name = _ladder(rule).name
        group = fact.subject or "" if specs[name].per == "subject" else f"{fact.subject}#{fact.matter}"
        matters = reached.setdefault((name, group), {})
        have = matters.get(fact.matter or "")
        if have is None or _ladder(have[1]).step < _ladder(rule).step:
            matters[fact.matter or ""] = (fact, rule)
    for (name, group) in sorted(reached, key=lambda k: (k[0], natural_key(k[1]))):
        spec = specs[name]
        items = []
        for matter, (fact, rule) in sorted(reached[(name, group)].items()):
            key = f"{name}|{matter}"
            items.append(LadderEntry(fact, rule, _ladder(rule).step, register.highest_step_before(group, key),
                                     register.issued_before(group, key)))
        held = max([max(e.prev, e.earlier.step or 0) if e.earlier else e.prev for e in items], default=0)
        due = [e for e in items if e.prev == 0 or (e.step > e.prev and e.step >= held)]
        notice = None
        for e in items:  # a re-run of the night finds its notice again
            notice = notice or register.tonight(group, "", f"{name}|{e.fact.matter or ''}")
        if notice is None and due:
            step = max([held] + [e.step for e in due])
            title = _document(spec, step)
            doc = catalogue.documents[title]
            notice = register.issue(doc.prefix, doc.number, group, title, step, ctx.day,
                                    [(f"{name}|{e.fact.matter or ''}", e.step) for e in due])
        for e in due:  # the same decision on a re-run of the night (the register is read as of the night before)
            e.listed = notice is not None
        for e in items:
            if e.listed and notice is not None:  # listed: only when there is a notice
                out.findings.append(make_finding(e.rule, e.fact, ctx, {"step": e.step}, document=notice.document,
                                                 number=notice.number))
            else:
                suffix = ""
                if e.earlier is not None:
                    suffix = f"（已于 {e.earlier.as_of} 以 {e.earlier.number}《{e.earlier.document}》通知，本次不重复发出）"
                out.findings.append(make_finding(e.rule, e.fact, ctx, {"step": e.step}, suffix=suffix,
                                                 number=e.earlier.number if e.earlier else None))
        if notice is None:
            continue
        listed = [e for e in items if e.listed]
        previous = _previous(items)
        if area.notice is not None:
            context = area.notice("ladder", ctx, ladder=name, spec=spec, subject=group, notice=notice,
                                  entries=listed, open_entries=items, previous=previous)
        else:
            context = {"items": [{**e.fact.doc, **e.fact.data, "step": e.step} for e in listed]}
        base: dict[str, Any] = {"number": notice.number, "title": notice.document, "subject": group, "file_key": group,
                                "issue_date": cn_date(ctx.day), "previous": previous,
                                "citation": spec.citation}
        out.notice(notice.document, {**base, **context})


def _document(spec: LadderSpec, step: int) -> str:
    steps = [s for s in spec.documents if s <= step]
    return spec.documents[max(steps) if steps else min(spec.documents)]


def _previous(items: list[LadderEntry]) -> list[dict]:
    """Earlier notices that listed a matter still open and not listed tonight: what the register shows."""
    from .engine import cn_date
    from datetime import date

    seen: dict[str, dict] = {}
    for e in items:
        if e.listed or e.earlier is None:
            continue
        n = e.earlier
        seen.setdefault(n.number, {"number": n.number, "document": n.document,
                                   "issue_date": cn_date(date.fromisoformat(n.as_of)), "matters": []})
        seen[n.number]["matters"].append(e.fact.matter or "")
    return sorted(seen.values(), key=lambda p: p["number"])
