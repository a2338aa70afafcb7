"""The night's policy areas: each validates the ledgers it reads, derives its facts, applies its rule files and
carries out the outcomes.

On a large night the areas are shared between two processes, one per core. Areas that read a ledger of their
own in common (fees, collections and fee accuracy all read the fee ledger), number documents in one series
(two areas numbering 整改通知书 with 整改字) or share a derivation (``Area.shares``) are a *family* and run in
one process; a ledger every area only looks things up in (the owner file, the staff sheet: ``reference`` in its
vocabulary) is validated before and ties no one. The families wait in a queue, the ones reading the most rows
first; each process takes the next family whenever it is free and validates that family's ledgers itself, so
each ledger is validated once, by the process whose areas read it. The second process is a fork of this one
(:mod:`engine.fork`): what was read is shared with it copy-on-write, nothing is copied over. It sends back what
its areas produced — findings, documents, sheets, fines, the numbers it took from the register and the
findings of its validation — and the night takes them in area order, as if everything had run here. Numbers
come out the same whichever process ran a family, for each series is issued by one family only; a family the
second process did not hand back (it failed in any way) is run here after all.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from ..findings import Finding
from ..fork import Forked, ForkFailed, can_fork
from ..outcomes.engine import AreaOutcomes, apply_area, for_clock_sheets
from ..read.kinds import KINDS
from ..validate import Validation
from .base import Area, Context, Derived


@dataclass
class AreaNight:
    """What one area produced tonight, as much of it as the rest of the night needs (it may cross processes)."""

    area: str
    derived: Derived  # findings, sheets and CSV lists (the facts are not kept)
    outcomes: AreaOutcomes  # findings, documents, sheets and fines
    open_facts: Derived  # the open facts of a type with a clock sheet …
    clocks: AreaOutcomes  # … and their clocks (see outcomes.engine.clock_sheets)


def run_area(area: Area, ctx: Context, catalogue) -> AreaNight:
    derived = area.derive(ctx.records, ctx)
    outcomes = apply_area(area, derived, ctx, catalogue)
    if area.finish is not None:
        derived = area.finish(derived, outcomes, ctx)
    _, open_facts, clocks = for_clock_sheets(area, derived, outcomes)
    return AreaNight(
        area.name, Derived(findings=derived.findings, sheets=derived.sheets, csv=derived.csv),
        AreaOutcomes(findings=outcomes.findings, notices=outcomes.notices, reports=outcomes.reports,
                     fines=outcomes.fines, sheets=outcomes.sheets, counts=outcomes.counts),
        open_facts, clocks)


def run_areas(areas, ctx: Context, catalogue, validation: Validation, split: bool) -> list[AreaNight | Finding]:
    """The night of every area that runs (its ledgers have records) — or the finding that its rule file is
    missing — in the order given. ``split``: share the families between two processes."""
    fams = families(areas, ctx, catalogue)
    queue = by_size(fams, validation) if split and can_fork() and 1 < len(fams) <= 256 else []
    if not queue:
        return _in_order(areas, [run_family(fam, ctx, catalogue, validation) for fam in fams])
    take, put = os.pipe()  # the queue: one byte per family, in order; each process reads the next when free
    os.write(put, bytes(range(len(queue))))
    os.close(put)

    def run_queue() -> dict[int, dict]:
        done = {}
        while number := os.read(take, 1):
            done[number[0]] = run_family(queue[number[0]], ctx, catalogue, validation)
        return done

    mark = ctx.register.mark()
    other = Forked(lambda: (run_queue(), ctx.register.since(mark), validation.export()))
    try:
        done = run_queue()
    except BaseException:
        other.kill()
        raise
    finally:
        os.close(take)
    try:
        theirs, issued, checked = other.result()
    except ForkFailed:  # what it took is run here (an area's own error is then raised here, as in one process)
        theirs, issued, checked = {}, ([], [], []), (set(), [], {})
    ctx.register.absorb(issued)
    validation.absorb(checked)
    done.update(theirs)
    for number, fam in enumerate(queue):
        if number not in done:
            done[number] = run_family(fam, ctx, catalogue, validation)
    return _in_order(areas, list(done.values()))


def run_family(fam: list[Area], ctx: Context, catalogue, validation: Validation) -> dict[str, AreaNight | Finding]:
    validation.ensure({kind for area in fam for kind in area.reads})
    done: dict[str, AreaNight | Finding] = {}
    for area in fam:
        if not any(ctx.records.of(kind) for kind in (area.runs_on or area.reads[:1])):
            continue
        if not ctx.book.has(area.rule_files):  # its ledgers are here but its rules are not: say so
            done[area.name] = area_without_rules(area, ctx.book)
        else:
            done[area.name] = run_area(area, ctx, catalogue)
    return done


def _in_order(areas, results: list[dict]) -> list[AreaNight | Finding]:
    merged = {name: night for result in results for name, night in result.items()}
    return [merged[area.name] for area in areas if area.name in merged]


def area_without_rules(area: Area, book) -> Finding:
    missing = "、".join(f"{stem}.yaml" for stem in area.rule_files if not book.has((stem,)))
    return Finding(policy="DATA", rule="DATA-rules-missing", category="规则参数", subject=None, severity="错误",
                   message=f"台账文件夹中有{area.title}的台账，但规则文件夹 {book.folder} 中没有 {missing}："
                           f"本晚没有检查{area.title}（不是“没有问题”）")


def families(areas: list[Area], ctx: Context, catalogue) -> list[list[Area]]:
    """Areas joined by a ledger of their own, a document number series or a shared derivation, in the order given."""
    family = list(range(len(areas)))

    def root(i: int) -> int:
        while family[i] != i:
            i = family[i]
        return i

    owner: dict[str, int] = {}
    for i, area in enumerate(areas):
        for tie in _ties(area, ctx, catalogue):
            if tie in owner:
                family[root(i)] = root(owner[tie])
            else:
                owner[tie] = i
    groups: dict[int, list[Area]] = {}
    for i, area in enumerate(areas):
        groups.setdefault(root(i), []).append(area)
    return list(groups.values())


def by_size(fams: list[list[Area]], validation: Validation) -> list[list[Area]]:
    """The families, those reading the most rows first (ties in the order given)."""
    return sorted(fams, key=lambda fam: -sum(validation.rows(k) for k in {k for a in fam for k in a.reads}))


def _ties(area: Area, ctx: Context, catalogue) -> set[str]:
    ties = {f"ledger:{kind}" for kind in area.reads if kind in KINDS and not KINDS[kind].reference}
    ties |= {f"shares:{name}" for name in area.shares}
    for stem in area.rule_files:
        if not ctx.book.has((stem,)):
            continue
        model = ctx.book.file(stem).model
        titles = {rule.then.document for rule in model.rules if rule.then.document}
        titles |= {title for ladder in model.ladders.values() for title in ladder.documents.values()}
        ties |= {f"series:{catalogue.documents[t].prefix}" for t in titles if t in catalogue.documents}
    return ties
