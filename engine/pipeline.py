"""The night's run, top to bottom.

read ledgers → validate into records → derive facts and apply rules (per
policy area) → render documents and lists → record the run. Each stage
returns its results and its findings; only a problem with the whole folder or
the rule files (a :class:`~engine.errors.WuyeError`) stops the run.
"""
from __future__ import annotations

import gc
import platform
import shutil
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from .areas import Context, registry
from .outcomes.catalogue import load_documents
from .outcomes.engine import apply_area, clock_sheets
from .rules.check import check_against_areas
from .derive.calendar import WorkCalendar
from .findings import Finding
from .read import read_ledgers
from .read.kinds import KINDS
from .record.output import staged_folder, write_json, write_json_list
from .record.register import Register
from .render.documents import assemble_batch, render_report, render_singles
from .render.parallel import Workers
from .render.ziputil import Piece
from .render.mask import scrub
from .render.workbook import write_workbook
from .rules import load_rulebook
from .validate import validate

STAGES = ("读取台账", "校验数据", "应用规则", "生成文书", "记录运行")


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


def run_night(ledgers: Path, rules: Path, out: Path, as_of: datetime, forms: Path, today: date | None = None,
              progress: Callable[[str], None] | None = None, workers: bool = False) -> RunResult:
    """One night: read → validate → for each policy area: derive, apply rules, outcomes → render → record.

    ``workers``: render a large night's documents in worker processes (the CLI turns it on; a library call
    or a plain script runs everything in this process)."""
    # The night builds millions of small objects and no reference cycles worth collecting: the cyclic
    # garbage collector would spend half the run scanning them (measured: validation 3.1 s → 1.5 s).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_night(ledgers, rules, out, as_of, forms, today, progress, workers)
    finally:
        if was_enabled:
            gc.enable()


def _run_night(ledgers: Path, rules: Path, out: Path, as_of: datetime, forms: Path, today: date | None,
               progress: Callable[[str], None] | None, workers_allowed: bool) -> RunResult:
    today = today or date.today()
    ledgers, rules, out, forms = Path(ledgers), Path(rules), Path(out), Path(forms)
    timer = _Timer(progress)
    book = load_rulebook(rules)
    calendar = WorkCalendar.from_rules(rules)
    catalogue = load_documents(forms)
    check_against_areas(book, catalogue)

    with timer.stage("读取台账"):
        loaded = read_ledgers(ledgers)
    with timer.stage("校验数据"):
        records, data_findings = validate(loaded)
    night = Night(findings=loaded.findings + data_findings)
    if not records.of("owners"):
        night.findings.append(Finding(policy="DATA", rule="DATA-owners", category="数据问题", subject=None,
                                      severity="警告", message="台账文件夹中没有可用的业主档案，无法核对房号和业主信息"))

    register = Register(out / "register.sqlite")
    register.load(as_of.date())
    workers = Workers(enabled=False)  # replaced below on a large night; closed whatever happens
    try:
        with timer.stage("应用规则"):
            ctx = Context(as_of, today, book, calendar, register, records)
            ctx.cache["company_name"] = getattr(catalogue.company, "name", str(catalogue.company))
            results = []
            for area in registry():  # read → derive → rules and their outcomes → the area's own sheets
                if not records.of(area.reads[0]):
                    continue
                derived = area.derive(records, ctx)
                outcomes = apply_area(area, derived, ctx, catalogue)
                if area.finish is not None:
                    derived = area.finish(derived, outcomes, ctx)
                night.add(derived, outcomes)
                results.append((area, derived, outcomes))
            night.sheets.update(clock_sheets(results))
        del records, ctx, results  # past the rules only the findings and documents are needed
        # A large night's documents are rendered by worker processes while this one writes the lists.
        big = sum(s.get("data_rows", 0) for s in loaded.inventory) >= PARALLEL_MIN_ROWS
        workers = Workers(enabled=workers_allowed and big)
        findings = sorted(night.findings, key=Finding.sort_key)
        folder_name = as_of.date().isoformat()
        with staged_folder(out, folder_name) as tmp:
            counts = _counts(findings)
            documents = _render_and_record(night, findings, counts, catalogue, forms, tmp, as_of, timer,
                                           loaded.inventory, workers)
            write_json(tmp / "run.json", _manifest(as_of, today, loaded, book, forms, counts, documents,
                                                   timer.durations, ledgers, rules))
        register.commit()
    except BaseException:
        register.rollback()
        raise
    finally:
        workers.close()
        register.close()
    return RunResult(as_of, out / folder_name, findings, counts, documents, timer.durations)


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


PARALLEL_MIN_ROWS = 20_000  # ledgers smaller than this are rendered in this process: workers cost more to start


def _plan_shares(notices: dict[str, list[dict]], workers: int) -> list[list[tuple[str, list[dict]]]]:
    """Split the documents between the workers evenly by count: the largest document type is cut in two,
    the others go whole to the less busy worker (each document type a worker touches costs it a template)."""
    if workers == 1 or not notices:
        return [list(notices.items())] + [[] for _ in range(workers - 1)]
    assert workers == 2, "the split below is for two workers"
    plan: list[list[tuple[str, list[dict]]]] = [[], []]
    load = [0, 0]
    by_size = sorted(notices, key=lambda t: (-len(notices[t]), t))
    biggest, rest = by_size[0], by_size[1:]
    for title in rest:
        k = load.index(min(load))
        plan[k].append((title, notices[title]))
        load[k] += len(notices[title])
    big = notices[biggest]
    # cut the biggest so the two loads end equal (as far as it allows), keeping its notices in order
    first = max(0, min(len(big), (len(big) + load[1] - load[0]) // 2))
    plan[0].insert(0, (biggest, big[:first]))
    plan[1].insert(0, (biggest, big[first:]))
    return [[(t, n) for t, n in jobs if n] for jobs in plan]


def render_share(jobs: list[tuple]) -> list[Piece]:
    """Render one worker's share of every document type (a module-level function, so workers can run it)."""
    return [render_singles(*job) for job in jobs]


def _render_and_record(result: Night, findings, counts, catalogue, forms: Path, folder: Path,
                       as_of: datetime, timer: _Timer, inventory: list[dict], pool: Workers) -> dict[str, int]:
    """Documents (split across the worker processes on a large night) while the lists are written."""
    titles = sorted(result.notices)
    workers = pool.count
    parts_dir = folder / ".parts"
    parts_dir.mkdir()

    def share(k: int) -> list[tuple]:
        """Worker k's jobs: (template, company, notices, folder, part file) for each document type it renders."""
        return [(forms / catalogue.documents[title].template, catalogue.company, notices,
                 folder / "通知书" / title, parts_dir / f"{title}.{k}") for title, notices in plan[k]]

    plan = _plan_shares({t: result.notices[t] for t in titles}, workers)

    def record() -> None:
        with timer.stage("记录运行"):
            _write_lists(folder, findings, result, counts, as_of, inventory)

    if workers == 1:
        record()
    with timer.stage("生成文书"):
        if workers == 1:
            shares = [render_share(share(0))]
        else:
            shares = pool.run(record, [(render_share, (share(k),)) for k in range(workers)])
        documents: dict[str, int] = {}
        for title in titles:
            notices = result.notices[title]
            parts = [piece for k, pieces in enumerate(shares) for (t, _), piece in zip(plan[k], pieces) if t == title]
            assemble_batch(forms / catalogue.documents[title].template, catalogue.company, parts,
                           folder / "打印批次" / f"打印批次_{title}_{len(notices)}份.docx")
            documents[title] = len(notices)
        for title in sorted(result.reports):
            spec = catalogue.documents[title]
            for report in result.reports[title]:
                render_report(forms / spec.template, title, report, catalogue.company, folder / "报表")
            documents[title] = len(result.reports[title])
        shutil.rmtree(parts_dir)
    return documents


def _counts(findings: list[Finding]) -> dict[str, dict[str, int]]:
    return {
        "by_category": dict(sorted(Counter(f.category for f in findings).items())),
        "by_policy": dict(sorted(Counter(f.policy for f in findings).items())),
        "by_severity": dict(sorted(Counter(f.severity for f in findings).items())),
    }


def _write_lists(folder: Path, findings: list[Finding], result: Night, counts, as_of: datetime,
                 inventory: list[dict]) -> None:
    data = []
    for f in findings:
        item = f.to_json()
        item["message"] = scrub(item["message"])
        item["details"] = {k: (scrub(v) if isinstance(v, str) else v) for k, v in item["details"].items()}
        data.append(item)
    write_json_list(folder / "findings.json", data)
    summary = [["检查日期", as_of.strftime("%Y-%m-%d %H:%M")], ["发现总数", len(findings)]]
    summary += [[f"类别：{k}", v] for k, v in counts["by_category"].items()]
    summary += [[f"文书：{k}", len(v)] for k, v in sorted(result.notices.items())]
    summary += [[f"台账：{s['file']} › {s.get('sheet') or ''}", _sheet_summary(s)] for s in inventory]
    write_workbook(folder / f"异常清单_{as_of.date().isoformat()}.xlsx", findings, result.sheets, summary)
    for name, (header, rows) in result.csv.items():
        _write_csv(folder / name, header, rows)


def _sheet_summary(sheet: dict) -> str:
    """What was read of a sheet and which rows were skipped, so no row disappears unseen."""
    if sheet.get("kind") is None:
        return sheet["status"]
    text = f"{KINDS[sheet['kind']].title}，表头第{sheet['header_row']}行，数据 {sheet['data_rows']} 行"
    for reason, rows in sheet.get("skipped_rows", {}).items():
        shown = "、".join(map(str, rows[:20])) + ("……" if len(rows) > 20 else "")
        text += f"；跳过{reason}：第{shown}行"
    return text


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    import csv

    def cell(v):
        v = "" if v is None else str(v)
        return "'" + v if v[:1] in ("=", "+", "-", "@") else v

    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # utf-8 with BOM: Excel and SMS platforms read it
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows([[cell(v) for v in row] for row in rows])


def _manifest(as_of, today, loaded, book, forms: Path, counts, documents, durations, ledgers: Path, rules: Path) -> dict:
    import hashlib
    from importlib import metadata

    def versions():
        out = {}
        for pkg in ("durable_rules", "python-calamine", "docxtpl", "openpyxl", "pydantic", "chinesecalendar"):
            try:
                out[pkg] = metadata.version(pkg)
            except metadata.PackageNotFoundError:
                out[pkg] = None
        return out

    return {
        "as_of": as_of.isoformat(),
        "run_on": today.isoformat(),
        "finished_at": datetime.now().isoformat(timespec="seconds"),
        "ledgers_folder": str(ledgers),
        "inputs": loaded.files,
        "sheets": loaded.inventory,
        "rules_folder": str(rules),
        "rules": book.hashes,
        "forms": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(forms.glob("*")) if p.is_file()},
        "counts": counts,
        "documents": documents,
        "durations_s": durations,
        "python": platform.python_version(),
        "packages": versions(),
    }
