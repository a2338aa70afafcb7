"""The night's policy areas: each validates the ledgers it reads, derives its facts, applies its rule files and
carries out the outcomes.

On a large night the ledgers and the areas are shared between two processes, one per core. Areas that read a
ledger of their own in common (fees, collections and fee accuracy all read the fee ledger), number documents in
one series (two areas numbering 整改通知书 with 整改字) or share a derivation (``Area.shares``) are a *family* and
run in one process; a ledger every area only looks things up in (the owner file, the staff sheet: ``reference``
in its vocabulary) ties no one. Before anything is read in full, the top of each workbook tells its kinds
(:mod:`engine.read.sniff`) and :func:`plan` deals the families out, with the workbooks they read, by the bytes
to read: each process reads its own workbooks, validates their ledgers and runs their families. What both need
— the reference ledgers, and any file whose kinds the top does not tell (an .xls, a CSV) — is read here first;
the second process is a fork of this one (:mod:`engine.fork`) and shares it copy-on-write. It sends back what
it read (the inventory of its sheets, their findings, the files' checksums) and what its areas produced —
findings, documents, sheets, fines, the numbers it took from the register, the findings of its validation —
and the night takes them in folder and area order, as if everything had run here. Numbers come out the same
whichever process ran a family, for each series is issued by one family only. If the second process fails in
any way, its workbooks are read and its families run here after all; if a workbook turns out to hold a ledger
of a family the other process ran (the top of a sheet misled), :class:`PlanMismatch` is raised and the night
starts again in one process: slower, never different.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..findings import Finding
from ..fork import Forked, ForkFailed, can_fork
from ..outcomes.engine import AreaOutcomes, apply_area, for_clock_sheets
from ..read.kinds import KINDS
from ..read.ledgers import LedgerFolder
from ..read.sniff import sniff_kinds
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


def run_area(area: Area, ctx: Context, catalogue, release: tuple[str, ...] = ()) -> AreaNight:
    """``release``: the ``ctx.cache`` entries no area derives from after this one (freed before its rules run)."""
    derived = area.derive(ctx.records, ctx)
    for name in release:
        ctx.cache.pop(name, None)
    outcomes = apply_area(area, derived, ctx, catalogue)
    if area.finish is not None:
        derived = area.finish(derived, outcomes, ctx)
    _, open_facts, clocks = for_clock_sheets(area, derived, outcomes)
    return AreaNight(
        area.name, Derived(findings=derived.findings, sheets=derived.sheets, csv=derived.csv),
        AreaOutcomes(findings=outcomes.findings, notices=outcomes.notices, reports=outcomes.reports,
                     fines=outcomes.fines, sheets=outcomes.sheets, counts=outcomes.counts),
        open_facts, clocks)


class PlanMismatch(Exception):
    """A workbook held a ledger of a family the other process ran: the night must be run again in one process."""


@dataclass
class Plan:
    """Who reads which ledger files and runs which families (indexes into ``families``)."""

    families: list[list[Area]]
    common: list[Path]  # read here before the second process starts: both use them
    own: list[Path]  # read here, after
    other: list[Path]  # read by the second process
    theirs: set[int]  # the families the second process runs
    kinds: dict[Path, set[str]]  # what the top of each workbook of ``own`` and ``other`` said it holds


def plan(folder: LedgerFolder, areas: list[Area], book, catalogue,
         sniffed: dict[str, set[str] | None] | None = None) -> Plan | None:
    """The families dealt between two processes, with the workbooks they read, by bytes to read (the largest
    first, each to the process with less so far); None when one process would have it all. ``sniffed``: the
    kinds :func:`sniff_kinds` told of each workbook by file name, in another process (else told here)."""
    fams = families(areas, book, catalogue)
    family_of = _family_of(fams)
    group = list(range(len(fams)))  # families joined by a workbook holding ledgers of both
    common, kinds_of = [], {}
    for path in folder.paths:
        kinds = (sniffed[path.name] if sniffed is not None and path.name in sniffed
                 else sniff_kinds(path, folder.mappings))
        if not kinds or any(k not in family_of for k in kinds):
            common.append(path)  # unknown, a reference ledger, or no ledger at all: read before the fork
            continue
        kinds_of[path] = kinds
        first, *rest = sorted(_root(group, family_of[k]) for k in kinds)
        for r in rest:
            group[r] = first
    group_of = {path: _root(group, family_of[min(kinds)]) for path, kinds in kinds_of.items()}
    size: dict[int, int] = {}
    for path, g in group_of.items():
        size[g] = size.get(g, 0) + path.stat().st_size
    load, theirs = [0, 0], set()
    for g in sorted(size, key=lambda g: (-size[g], g)):
        side = 0 if load[0] <= load[1] else 1
        load[side] += size[g]
        if side:
            theirs.add(g)
    if not theirs:
        return None
    return Plan(fams, common, [p for p, g in group_of.items() if g not in theirs],
                [p for p, g in group_of.items() if g in theirs],
                {i for i in range(len(fams)) if _root(group, i) in theirs}, kinds_of)


def _family_of(fams: list[list[Area]]) -> dict[str, int]:
    """Each ledger kind → the family whose areas read it (reference ledgers tie no one)."""
    return {kind: i for i, fam in enumerate(fams) for a in fam for kind in a.reads if not _reference(kind)}


def run_areas(areas, ctx: Context, catalogue, validation: Validation,
              reading: tuple[LedgerFolder, Plan] | None = None,
              meanwhile: Callable[[str], object] | None = None) -> list[AreaNight | Finding]:
    """The night of every area that runs (its ledgers have records) — or the finding that its rule file is
    missing — in the order given. ``reading``: the ledgers still to read, dealt between two processes; this
    process has read the plan's common files into ``validation.ledgers``. ``meanwhile(title)``: called for
    each document title the night's notices may have, one at a time, while this process waits for the other
    (the templates are made ready for the document workers)."""
    if reading is None or not can_fork():
        if reading is not None:  # (the plan's files read here after all)
            reading[0].read(reading[1].own + reading[1].other, validation.ledgers).put_in_order()
        fams = families(areas, ctx.book, catalogue)
        return _in_order(areas, [run_family(fam, ctx, catalogue, validation) for fam in fams])
    folder, p = reading
    loaded = validation.ledgers
    shared = len(loaded.inventory), len(loaded.findings)
    mark = ctx.register.mark()

    def second() -> tuple:
        if folder.ahead is not None:  # scanning this process's workbooks, not these
            folder.ahead.forget()
            folder.ahead = None
        folder.read(p.other, loaded)
        done = {i: run_family(p.families[i], ctx, catalogue, validation) for i in sorted(p.theirs)}
        return (done, ctx.register.since(mark), validation.export(shared[0]), loaded.inventory[shared[0]:],
                loaded.findings[shared[1]:], {f.name: loaded.files[f.name] for f in p.other})

    other = Forked(second)
    try:
        # their error cells are looked for by the look-ahead process (engine.read.ledgers.LookAhead), started
        # with the plan (the second process has the less to do: it scans its own)
        folder.read(p.own, loaded)
        if folder.ahead is not None:  # (the look-ahead process has scanned its last)
            folder.ahead.close()
            folder.ahead = None
        done = {i: run_family(fam, ctx, catalogue, validation)
                for i, fam in enumerate(p.families) if i not in p.theirs}
        if meanwhile is not None:
            for title in _notice_titles(done, [p.families[i] for i in sorted(p.theirs)], ctx.book, catalogue):
                if other.finished():
                    break
                meanwhile(title)
    except BaseException:
        other.kill()
        raise
    failed = False
    try:
        theirs, issued, checked, inventory, findings, files = other.result()
    except ForkFailed:  # its share is read and run here (an area's own error is then raised here, as in one process)
        failed, theirs, issued, checked, inventory, findings, files = True, {}, ([], [], []), (set(), [], {}), [], [], {}
        folder.read(p.other, loaded)
    _check(p, loaded, inventory, failed)
    ctx.register.absorb(issued)
    validation.absorb(checked)
    loaded.inventory += inventory
    loaded.findings += findings
    loaded.files.update(files)
    loaded.put_in_order()
    for i, fam in enumerate(p.families):
        if i not in done and i not in theirs:
            done[i] = run_family(fam, ctx, catalogue, validation)
    return _in_order(areas, [done[i] for i in sorted(done)] + [theirs[i] for i in sorted(theirs)])


def _check(p: Plan, loaded, their_inventory: list[dict], failed: bool) -> None:
    """Raise :class:`PlanMismatch` if a family ran without a ledger the other process read, or a reference
    ledger turned up after the fork (it was validated before)."""
    family_of = _family_of(p.families)
    other, own = {path.name for path in p.other}, {path.name for path in p.own}

    def kinds(entries: list[dict], files: set[str]) -> set[str]:
        return {e["kind"] for e in entries if e.get("kind") and e["file"] in files}

    ran_here = set(range(len(p.families))) - p.theirs
    read_there = kinds(their_inventory, other) | kinds(loaded.inventory, other)
    read_here = kinds(loaded.inventory, own)
    wrong = {k for k in read_there | read_here if _reference(k)}
    wrong |= {k for k in read_there if family_of.get(k) in ran_here}
    if not failed:  # (when it failed, its families run here, after everything is read)
        wrong |= {k for k in read_here if family_of.get(k) in p.theirs}
    if wrong:
        raise PlanMismatch("、".join(sorted(wrong)))


def _root(parent: list[int], i: int) -> int:
    """The representative of ``i``'s set, where ``parent`` joins sets (a union-find without the ranks)."""
    while parent[i] != i:
        i = parent[i]
    return i


def _reference(kind: str) -> bool:
    return kind not in KINDS or KINDS[kind].reference


def run_family(fam: list[Area], ctx: Context, catalogue, validation: Validation) -> dict[str, AreaNight | Finding]:
    """The family's areas in order. What its areas share in ``ctx.cache`` is let go once the last of them has
    derived, and the records of its own ledgers once all have run: no other family reads them, and the
    process's memory on a large night is the sum of the families still to run, not of all (measured on the bench
    night: its peak, all processes, 1,089 → 967 MB)."""
    kinds = {kind for area in fam for kind in area.reads}
    validation.ensure(kinds)
    runs = [a for a in fam if any(ctx.records.of(kind) for kind in (a.runs_on or a.reads[:1]))]
    last_user = {name: a.name for a in runs if ctx.book.has(a.rule_files) for name in a.shares}
    done: dict[str, AreaNight | Finding] = {}
    for area in runs:
        if not ctx.book.has(area.rule_files):  # its ledgers are here but its rules are not: say so
            done[area.name] = area_without_rules(area, ctx.book)
        else:
            done[area.name] = run_area(area, ctx, catalogue,
                                       tuple(name for name, last in last_user.items() if last == area.name))
    for kind in kinds:
        if not _reference(kind):
            ctx.records.by_kind.pop(kind, None)
    return done


def _in_order(areas, results: list[dict]) -> list[AreaNight | Finding]:
    merged = {name: night for result in results for name, night in result.items()}
    return [merged[area.name] for area in areas if area.name in merged]


def area_without_rules(area: Area, book) -> Finding:
    missing = "、".join(f"{stem}.yaml" for stem in area.rule_files if not book.has((stem,)))
    return Finding(policy="DATA", rule="DATA-rules-missing", category="规则参数", subject=None, severity="错误",
                   message=f"台账文件夹中有{area.title}的台账，但规则文件夹 {book.folder} 中没有 {missing}："
                           f"本晚没有检查{area.title}（不是“没有问题”）")


def families(areas: list[Area], book, catalogue) -> list[list[Area]]:
    """Areas joined by a ledger of their own, a document number series or a shared derivation, in the order given."""
    family = list(range(len(areas)))
    owner: dict[str, int] = {}
    for i, area in enumerate(areas):
        for tie in _ties(area, book, catalogue):
            if tie in owner:
                family[_root(family, i)] = _root(family, owner[tie])
            else:
                owner[tie] = i
    groups: dict[int, list[Area]] = {}
    for i, area in enumerate(areas):
        groups.setdefault(_root(family, i), []).append(area)
    return list(groups.values())


def _ties(area: Area, book, catalogue) -> set[str]:
    ties = {f"ledger:{kind}" for kind in area.reads if not _reference(kind)}
    ties |= {f"shares:{name}" for name in area.shares}
    ties |= {f"series:{catalogue.documents[t].prefix}" for t in _documents(area, book, catalogue)}
    return ties


def _documents(area: Area, book, catalogue) -> set[str]:
    """The documents of the catalogue the area's rule files may issue (a rule's or a ladder's)."""
    titles: set[str] = set()
    for stem in area.rule_files:
        if not book.has((stem,)):
            continue
        model = book.file(stem).model
        titles |= {rule.then.document for rule in model.rules if rule.then.document}
        titles |= {title for ladder in model.ladders.values() for title in ladder.documents.values()}
    return {t for t in titles if t in catalogue.documents}


def _notice_titles(done: dict[int, dict], their_families: list[list[Area]], book, catalogue) -> list[str]:
    """The documents this process's areas issued tonight, then those the other process's areas may issue."""
    titles = [title for result in done.values() for night in result.values() if isinstance(night, AreaNight)
              for title in sorted(night.outcomes.notices)]
    titles += [title for fam in their_families for area in fam for title in sorted(_documents(area, book, catalogue))]
    return list(dict.fromkeys(titles))
