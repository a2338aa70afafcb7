"""The night's run, top to bottom.

read ledgers → for each policy area: validate its ledgers into records, derive facts, apply its rules, carry
out the outcomes → render documents and lists → record the run. Each stage returns its results and its
findings; only a problem with the whole folder or the rule files (a :class:`~engine.errors.WuyeError`)
stops the run. The areas are found in :mod:`engine.areas`; nothing here names one. On a large night from the
command line, the areas are shared between two processes (:mod:`engine.areas.run`) and the documents between
two workers (:mod:`engine.render.parallel`), both forks of this one (:mod:`engine.fork`); a look-ahead process,
forked first, reads the tops of the workbooks and looks for their error cells while the rules load
(:class:`~engine.read.ledgers.LookAhead`). The night is the same night as in one process.
"""
from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from .areas import Context, registry
from .areas.run import AreaNight, PlanMismatch, plan, run_areas
from .derive.calendar import WorkCalendar
from .errors import WuyeError
from .findings import Finding
from .outcomes.catalogue import load_documents
from .outcomes.engine import clock_sheets
from .fork import can_fork
from .read.kinds import KINDS
from .read.ledgers import LedgerFolder, LookAhead, missing_kind_findings
from .record.lists import counts_of, write_findings_json, write_lists, write_manifest
from .record.output import open_register, publish_night, recovery_findings
from .record.fines import settle_fines
from .record.status import StatusView, carry_status
from .render.batches import document_counts, render_documents, template_maker
from .render.parallel import Workers
from .render.report import Report
from .rules import load_rulebook
from .rules.check import check_against_areas
from .validate import Validation
from .version import version

STAGES = ("读取台账", "校验数据", "应用规则", "生成文书", "记录运行")
PARALLEL_MIN_ROWS = 20_000  # ledgers smaller than this are rendered in this process: a second one costs more
SPLIT_MIN_BYTES = 2 << 20  # ledger files smaller than this together are read and checked in this process
# findings.json is written by a document worker, which renders that many fewer notices (measured on the bench
# night: a finding about 20 µs, a notice about 440 µs of a worker's time)
FINDINGS_PER_NOTICE = 22


@dataclass
class RunResult:
    as_of: datetime
    folder: Path
    findings: list[Finding]
    counts: dict[str, dict[str, int]]
    documents: dict[str, int]
    durations: dict[str, float] = field(default_factory=dict)


class _Timer:
    def __init__(self, progress: Callable[[str], None] | None):
        self.durations: dict[str, float] = {}
        self.progress = progress

    @contextmanager
    def stage(self, name: str):
        if self.progress:
            self.progress(name)
        start = time.perf_counter()
        yield
        self.durations[name] = round(time.perf_counter() - start, 3)

    def moved(self, seconds: float, source: str, target: str) -> None:
        """Count ``seconds`` timed under stage ``source`` as stage ``target``'s (they were spent on its work)."""
        already = self.durations.get(target, 0.0)
        shift = max(0.0, min(seconds - already, self.durations.get(source, 0.0)))
        self.durations[source] = round(self.durations.get(source, 0.0) - shift, 3)
        self.durations[target] = round(already + shift, 3)


def run_night(ledgers: Path, rules: Path, out: Path, as_of: datetime, forms: Path, today: date | None = None,
              progress: Callable[[str], None] | None = None, workers: bool = False,
              collect: bool = True) -> RunResult:
    """One night. ``workers``: render a large night's documents in worker processes (the CLI turns it on;
    a library call or a plain script runs everything in this process). ``collect``: free the night's garbage
    before returning (a process that exits right after, like the CLI, may skip it)."""
    # The night builds millions of small objects and no reference cycles worth collecting: the cyclic
    # garbage collector would spend half the run scanning them (measured: validation 3.1 s → 1.5 s).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        args = (Path(ledgers), Path(rules), Path(out), as_of, Path(forms), today or date.today(), progress, workers)
        try:
            return _run_night(*args, split=workers)
        except PlanMismatch:  # a workbook held other ledgers than its top showed: the night again, in one process
            return _run_night(*args, split=False)
    finally:
        # the night's reference cycles (durable-rules' actions, Jinja's compiled templates …) were never
        # collected while the collector was off: free them now, or a process running many nights grows
        # by tens of MB a night (measured: 78 MB per small night without this, nothing with it)
        if collect:
            gc.collect()
        if was_enabled:
            gc.enable()


def _run_night(ledgers: Path, rules: Path, out: Path, as_of: datetime, forms: Path, today: date,
               progress: Callable[[str], None] | None, workers: bool, split: bool) -> RunResult:
    # a large folder is read, checked and run by two processes, each its share of the ledgers (engine.areas.run);
    # the tops of its workbooks are read and their error cells looked for while the rules load (LookAhead)
    folder = _listed(ledgers)
    ahead = LookAhead(folder) if folder and split and can_fork() and folder.size() >= SPLIT_MIN_BYTES else None
    try:
        return _night(ledgers, folder, ahead, rules, out, as_of, forms, today, _Timer(progress), workers)
    finally:
        if ahead is not None:
            ahead.close()


def _listed(ledgers: Path) -> LedgerFolder | None:
    """The folder listed, or None if it cannot be (the same error is raised once the rules are loaded)."""
    try:
        return LedgerFolder(ledgers)
    except WuyeError:
        return None


def _night(ledgers: Path, listed: LedgerFolder | None, ahead: LookAhead | None, rules: Path, out: Path,
           as_of: datetime, forms: Path, today: date, timer: _Timer, workers: bool) -> RunResult:
    book, calendar, catalogue = load_rulebook(rules), WorkCalendar.from_rules(rules), load_documents(forms)
    check_against_areas(book, catalogue)
    with timer.stage("读取台账"):
        folder = listed or LedgerFolder(ledgers)  # (a folder that cannot be listed is said after the rule files)
        shares = plan(folder, list(registry()), book, catalogue, ahead.kinds()) if ahead else None
        if ahead:
            ahead.scan(shares.common + shares.own if shares else folder.paths)
            folder.ahead = ahead
        loaded = folder.read(shares.common if shares else folder.paths, folder.empty())
    validation = Validation(loaded)  # each ledger validated when an area first needs it (engine.areas.run)
    with timer.stage("校验数据"):
        validation.ensure(k for k in validation.present() if KINDS[k].reference)  # the owner file, the staff
    register = open_register(out)  # the output folder's lock: one run at a time, held until register.close()
    status: StatusView | None = None
    try:
        register.load(as_of.date())  # first voids the numbers of a run that died before publishing
        with timer.stage("应用规则"):
            ctx = Context(as_of, today, book, calendar, register, validation.records)
            ctx.cache["company_name"] = getattr(catalogue.company, "name", str(catalogue.company))
            # read the rest → validate → derive → rules → outcomes → the area's own sheets (in two processes)
            results = run_areas(registry(), ctx, catalogue, validation, (folder, shares) if shares else None,
                                template_maker(catalogue, forms) if workers else None)  # (while it waits)
            validation.ensure(validation.present())  # kinds no area reads: their unreadable cells are findings too
            night = Night(findings=loaded.findings + validation.findings() + folder_findings(ctx.records)
                          + missing_kind_findings(out, as_of.date(), loaded.inventory)  # a ledger gone since last night
                          + recovery_findings(register))
            nights = [done for done in results if isinstance(done, AreaNight)]
            for done in results:  # each area's night, or the finding that its rule file is missing
                if isinstance(done, AreaNight):
                    night.add(done.derived, done.outcomes)
                else:
                    night.findings.append(done)
            area = {a.name: a for a in registry()}
            night.sheets.update(clock_sheets([(area[n.area], n.open_facts, n.clocks) for n in nights], ctx.params))
            night.add(*settle_fines(night.fines, ctx, catalogue))  # the fines register (T13): 员工过失单, 扣罚汇总
        timer.moved(folder.seconds, "应用规则", "读取台账")  # the areas' reading counts as reading …
        timer.moved(validation.seconds, "应用规则", "校验数据")  # … and their validation as validation
        large = sum(s.get("data_rows", 0) for s in loaded.inventory) >= PARALLEL_MIN_ROWS  # worth a second core
        del validation, ctx, results, nights  # past the rules only the findings and documents are needed
        status = carry_status(out, ledgers, as_of, night.findings)  # the clerk's marks, night to night
        findings = sorted(night.findings + status.findings, key=Finding.sort_key)
        counts = counts_of(findings)
        with publish_night(out, as_of.date().isoformat(), register) as tmp:  # commits the register, then renames
            page: list[Report] = []

            def lists() -> None:  # here, while the workers render (the workbook, then what the end needs made)
                with timer.stage("记录运行"):
                    write_lists(tmp, findings, night, counts, as_of, loaded.inventory, status, with_json=False)
                page.append(Report(findings, {  # index.html for the 客服主管, written once the files it links are
                    "as_of": as_of, "documents": document_counts(night.notices, night.reports),
                    "sheets": night.sheets, "counts": counts, "company": getattr(catalogue.company, "name", ""),
                    "version": version(),
                    "unread": sorted({s["file"] for s in loaded.inventory if s.get("status") == "无法读取"})}))
                status.stage()  # both written ahead, committed once the night is published
                register.stage()
            findings_json = (lambda: write_findings_json(tmp, findings, status)), len(findings) // FINDINGS_PER_NOTICE
            with timer.stage("生成文书"):
                documents = render_documents(night.notices, night.reports, catalogue, forms, tmp,
                                             Workers(enabled=workers and large), lists, findings_json)
            write_manifest(tmp / "run.json", as_of, today, loaded, book, forms, counts, documents, timer.durations,
                           ledgers, rules)
            page[0].write(tmp)  # links only what was written
        status.commit()
    except BaseException:
        register.rollback()
        if status is not None:
            status.discard()
        raise
    finally:
        register.close()
    return RunResult(as_of, out / as_of.date().isoformat(), findings, counts, documents, timer.durations)


def folder_findings(records) -> list[Finding]:
    """What the folder as a whole lacks."""
    if records.of("owners"):
        return []
    return [Finding(policy="DATA", rule="DATA-owners", category="数据问题", subject=None, severity="警告",
                    message="台账文件夹中没有可用的业主档案，无法核对房号和业主信息")]


@dataclass
class Night:
    """Everything the areas produced tonight, merged: findings, documents, extra sheets and CSV lists."""

    findings: list[Finding] = field(default_factory=list)
    notices: dict[str, list[dict]] = field(default_factory=dict)
    reports: dict[str, list[dict]] = field(default_factory=dict)
    sheets: dict[str, tuple[list[str], list[list]]] = field(default_factory=dict)
    csv: dict[str, tuple[list[str], list[list]]] = field(default_factory=dict)
    fines: list = field(default_factory=list)

    def add(self, derived, outcomes) -> None:
        self.findings += derived.findings + outcomes.findings
        for title, items in outcomes.notices.items():
            self.notices.setdefault(title, []).extend(items)
        for title, items in outcomes.reports.items():
            self.reports.setdefault(title, []).extend(items)
        for title, (header, rows) in list(derived.sheets.items()) + list(outcomes.sheets.items()):
            self.sheets.setdefault(title, (header, []))[1].extend(rows)
        self.csv.update(derived.csv)
        self.fines += outcomes.fines


