"""The night's policy areas: each derives its facts, applies its rule files and carries out the outcomes.

On a large night the areas are shared between two processes, one per core. Areas that number documents in one
series (two areas both numbering 整改通知书 with 整改字) or share a derivation (``Area.shares``) are a *family*
and run in one process. The families wait in a queue, the ones reading the most records first; each process
takes the next family whenever it is free, so the two finish close together whatever each family costs. The
second process is a fork of this one (:mod:`engine.fork`): the validated records are shared with it
copy-on-write, nothing is copied over. It sends back what its areas produced — findings, documents, sheets,
fines and the numbers it took from the register — and the night takes them in area order, as if every area had
run here. Numbers come out the same whichever process ran a family, for each series is issued by one family
only; a family the second process did not hand back (it failed in any way) is run here after all.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from ..fork import Forked, ForkFailed, can_fork
from ..outcomes.engine import AreaOutcomes, apply_area, for_clock_sheets
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


def run_areas(areas: list[Area], ctx: Context, catalogue, split: bool) -> list[AreaNight]:
    """Every area's night, in the order given. ``split``: share the families between two processes."""
    queue = by_size(families(areas, ctx, catalogue), ctx) if split and can_fork() else []
    if len(queue) < 2:
        return [run_area(area, ctx, catalogue) for area in areas]
    take, put = os.pipe()  # the queue: one byte per family, in order; each process reads the next when free
    os.write(put, bytes(range(len(queue))))
    os.close(put)

    def run_queue() -> list[AreaNight]:
        done = []
        while number := os.read(take, 1):
            done += [run_area(area, ctx, catalogue) for area in queue[number[0]]]
        return done

    mark = ctx.register.mark()
    other = Forked(lambda: (run_queue(), ctx.register.since(mark)))
    try:
        done = {night.area: night for night in run_queue()}
    except BaseException:
        other.kill()
        raise
    finally:
        os.close(take)
    try:
        nights, issued = other.result()
    except ForkFailed:  # what it took is run here (an area's own error is then raised here, as in one process)
        nights, issued = [], ([], [], [])
    ctx.register.absorb(issued)
    done.update((night.area, night) for night in nights)
    done.update((area.name, run_area(area, ctx, catalogue)) for area in areas if area.name not in done)
    return [done[area.name] for area in areas]


def families(areas: list[Area], ctx: Context, catalogue) -> list[list[Area]]:
    """Areas joined by a document number series or a shared derivation, in the order given."""
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


def by_size(fams: list[list[Area]], ctx: Context) -> list[list[Area]]:
    """The families, those reading the most records first (ties in the order given)."""
    sizes = {kind: len(records) for kind, records in ctx.records.by_kind.items()}
    return sorted(fams, key=lambda fam: -sum(sizes.get(k, 0) for k in {k for a in fam for k in a.reads}))


def _ties(area: Area, ctx: Context, catalogue) -> set[str]:
    ties = {f"shares:{name}" for name in area.shares}
    for stem in area.rule_files:
        model = ctx.book.file(stem).model
        titles = {rule.then.document for rule in model.rules if rule.then.document}
        titles |= {title for ladder in model.ladders.values() for title in ladder.documents.values()}
        ties |= {f"series:{catalogue.documents[t].prefix}" for t in titles if t in catalogue.documents}
    return ties
