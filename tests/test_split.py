"""A large night deals its policy areas between two processes (engine.areas.run): the night must be the same
night — same findings, same documents with the same numbers, same register — as one run in one process,
over several nights, and whatever happens to the second process."""
import copy
import os
import sqlite3
from pathlib import Path

import pytest

import engine.areas.run as run
import engine.pipeline as pipeline
from engine import parse_as_of, run_night
from engine.areas import registry

from .conftest import REPO, TODAY

NIGHTS = ("2026-11-20", "2026-11-27", "2026-12-04")


def _nights(ledgers: Path, out: Path, split: bool, monkeypatch) -> list:
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ROWS", 0 if split else 10 ** 12)
    monkeypatch.setattr(pipeline, "SPLIT_MIN_BYTES", 0 if split else 10 ** 12)
    return [run_night(ledgers, REPO / "rules", out, parse_as_of(day), REPO / "forms", today=TODAY, workers=split)
            for day in NIGHTS]


def _night_files(folder: Path) -> dict[str, object]:
    """Every document (its text: a report's package carries the time it was saved), CSV list and findings.json."""
    from engine.render.documents import document_text

    return {str(p.relative_to(folder)): document_text(p) if p.suffix == ".docx" else p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.suffix in (".docx", ".csv") or p.name == "findings.json"}


def _register(out: Path) -> list[tuple]:
    with sqlite3.connect(out / "register.sqlite") as db:
        return sorted(db.execute("SELECT n.number, n.subject, n.document, n.step, n.as_of, i.item, i.step "
                                 "FROM notices n JOIN notice_items i ON i.number = n.number"))


def test_two_processes_give_the_night_one_process_gives_over_three_nights(tmp_path, demo_ledgers, monkeypatch):
    forked = []
    real = run.Forked

    class Spy(real):
        def __init__(self, work):
            forked.append(True)
            super().__init__(work)

    monkeypatch.setattr(run, "Forked", Spy)
    one = _nights(demo_ledgers, tmp_path / "one", False, monkeypatch)
    assert not forked
    two = _nights(demo_ledgers, tmp_path / "two", True, monkeypatch)
    assert len(forked) == len(NIGHTS)  # each night really was dealt between two processes
    for a, b in zip(one, two):
        assert a.findings == b.findings and len(a.findings) > 100
        assert a.documents == b.documents and sum(a.documents.values()) > 0
        assert _night_files(a.folder) == _night_files(b.folder)
        assert (a.folder / "findings.json").read_bytes() == (b.folder / "findings.json").read_bytes()
    assert _register(tmp_path / "one") == _register(tmp_path / "two")


def test_a_second_process_that_dies_costs_time_not_findings(tmp_path, demo_ledgers, monkeypatch):
    parent = os.getpid()
    real_run_area = run.run_area

    def dies_in_the_child(area, ctx, catalogue, release=()):
        if os.getpid() != parent:
            os._exit(3)  # killed mid-way, as by the out-of-memory killer
        return real_run_area(area, ctx, catalogue, release)

    one = _nights(demo_ledgers, tmp_path / "one", False, monkeypatch)
    monkeypatch.setattr(run, "run_area", dies_in_the_child)
    two = _nights(demo_ledgers, tmp_path / "two", True, monkeypatch)
    for a, b in zip(one, two):
        assert (a.folder / "findings.json").read_bytes() == (b.folder / "findings.json").read_bytes()
        assert _night_files(a.folder) == _night_files(b.folder)
    assert _register(tmp_path / "one") == _register(tmp_path / "two")


def test_waiting_for_the_second_process_the_templates_are_made_and_the_night_is_the_same(tmp_path, demo_ledgers,
                                                                                        monkeypatch):
    """This process finishes first (the other is slowed): meanwhile it compiles the notice templates the document
    workers then share. The night is the night of one process; a template that cannot be compiled is no error."""
    from engine.render import batches
    from engine.render.documents import notice_template

    parent = os.getpid()
    real_run_area = run.run_area
    made: list[str] = []
    real_maker = batches.template_maker

    def slow_in_the_child(area, ctx, catalogue, release=()):
        if os.getpid() != parent:
            import time
            time.sleep(0.5)
        return real_run_area(area, ctx, catalogue, release)

    def maker(catalogue, forms):
        make = real_maker(catalogue, forms)

        def spy(title):
            made.append(title)
            make(title)
        return spy

    one = _nights(demo_ledgers, tmp_path / "one", False, monkeypatch)[:1]
    notice_template.cache_clear()
    monkeypatch.setattr(run, "run_area", slow_in_the_child)
    monkeypatch.setattr(pipeline, "template_maker", maker)
    two = _nights(demo_ledgers, tmp_path / "two", True, monkeypatch)[:1]
    issued_here = {"催费通知书", "二次催费通知书", "最后催费通知书"} & set(one[0].documents)
    assert issued_here and issued_here <= set(made)  # the fee notices' first: this process issued them
    assert notice_template.cache_info().currsize >= len(issued_here)
    assert (one[0].folder / "findings.json").read_bytes() == (two[0].folder / "findings.json").read_bytes()
    assert _night_files(one[0].folder) == _night_files(two[0].folder)
    make = real_maker(type("Catalogue", (), {"documents": {"坏": type("Spec", (), {"template": "x.docx"})()},
                                             "company": "公司"})(), tmp_path)
    make("坏")  # no such template: nothing kept, nothing raised (its notices would say so where they are rendered)
    make("不在目录中")


def test_no_second_process_to_be_had_costs_time_not_findings(tmp_path, demo_ledgers, monkeypatch):
    import engine.fork as fork

    def no_room(*args, **kwargs):
        raise OSError(28, "No space left on device")

    one = _nights(demo_ledgers, tmp_path / "one", False, monkeypatch)[:1]
    monkeypatch.setattr(fork.tempfile, "TemporaryFile", no_room)
    two = _nights(demo_ledgers, tmp_path / "two", True, monkeypatch)[:1]
    assert (one[0].folder / "findings.json").read_bytes() == (two[0].folder / "findings.json").read_bytes()
    assert _night_files(one[0].folder) == _night_files(two[0].folder)


def test_an_areas_own_error_in_the_second_process_is_raised_as_in_one_process(tmp_path, demo_ledgers, monkeypatch):
    real_run_area = run.run_area

    def broken_complaints(area, ctx, catalogue, release=()):
        if area.name == "complaints":  # dealt to the second process: it fails there, then again here
            raise ValueError("an area's bug")
        return real_run_area(area, ctx, catalogue, release)

    monkeypatch.setattr(run, "run_area", broken_complaints)
    monkeypatch.setattr(pipeline, "SPLIT_MIN_BYTES", 0)
    with pytest.raises(ValueError, match="an area's bug"):
        run_night(demo_ledgers, REPO / "rules", tmp_path / "out", parse_as_of("2026-11-20"), REPO / "forms",
                  today=TODAY, workers=True)
    assert not (tmp_path / "out" / "2026-11-20").exists()


def test_areas_sharing_a_ledger_a_number_series_or_a_derivation_stay_together(demo_ledgers):
    from engine.outcomes.catalogue import load_documents
    from engine.read.ledgers import LedgerFolder
    from engine.rules import load_rulebook

    book, catalogue = load_rulebook(REPO / "rules"), load_documents(REPO / "forms")
    families = {frozenset(a.name for a in fam) for fam in run.families(list(registry()), book, catalogue)}
    family_of = {name: fam for fam in families for name in fam}
    assert family_of["takeover"] == family_of["renovation"]  # both number 整改通知书 (整改字)
    assert family_of["fees"] == family_of["collections"] == family_of["fee_accuracy"]  # the fee ledger
    assert family_of["complaints"] == family_of["repairs"]  # the ticket ledger, and its facts derived once
    assert family_of["fees"] != family_of["complaints"]  # the owner file is looked up by both: it ties no one
    assert family_of["keys"] != family_of["takeover"]  # so is the staff sheet

    folder = LedgerFolder(demo_ledgers)
    plan = run.plan(folder, list(registry()), book, catalogue)
    names = lambda paths: {p.name for p in paths}
    assert sorted(plan.common + plan.own + plan.other) == folder.paths  # every file read once, by someone
    assert {"业主档案.xls", "员工与奖金.xlsx"} <= names(plan.common)  # reference ledgers (and an .xls) first
    assert names(plan.own) & {"2026年收费台账.xlsx", "欠费催缴记录表.xlsx"} == {"2026年收费台账.xlsx", "欠费催缴记录表.xlsx"}
    theirs = {a.name for i in plan.theirs for a in plan.families[i]}
    assert "fees" not in theirs and {"complaints", "repairs"} <= theirs  # the largest share here, the next there
    assert "投诉报修台账.xlsx" in names(plan.other)
    assert set(plan.kinds) == set(plan.own + plan.other)  # what the top of each dealt workbook showed


def _sniffing_wrong(monkeypatch, file: str, kinds: set[str]):
    import engine.read.sniff as sniff

    real = sniff.sniff_kinds
    wrong = lambda path, mappings: kinds if path.name == file else real(path, mappings)  # noqa: E731
    monkeypatch.setattr(run, "sniff_kinds", wrong)  # where the plan tells them itself …
    monkeypatch.setattr(sniff, "sniff_kinds", wrong)  # … and the look-ahead process (engine.read.ledgers.LookAhead)


@pytest.mark.parametrize("file, kinds, noticed", [
    ("投诉报修台账.xlsx", {"keys"}, True),  # a ticket ledger taken for a key register: read with the wrong family
    ("2026年收费台账.xlsx", {"tickets"}, None),  # the fee ledger dealt with the tickets (harmless if both run here)
    ("员工与奖金.xlsx", {"keys"}, True),  # a reference ledger read after the fork (it was validated before)
])
def test_a_workbook_whose_top_misleads_starts_the_night_again_in_one_process(tmp_path, demo_ledgers, monkeypatch,
                                                                              file, kinds, noticed):
    one = _nights(demo_ledgers, tmp_path / "one", False, monkeypatch)[:1]
    _sniffing_wrong(monkeypatch, file, kinds)
    mismatches = []
    real_check = run._check

    def check(*args):
        try:
            real_check(*args)
        except run.PlanMismatch as exc:
            mismatches.append(str(exc))
            raise

    monkeypatch.setattr(run, "_check", check)
    two = _nights(demo_ledgers, tmp_path / "two", True, monkeypatch)[:1]
    assert noticed is None or bool(mismatches) == noticed  # it was noticed …
    assert (one[0].folder / "findings.json").read_bytes() == (two[0].folder / "findings.json").read_bytes()
    assert _night_files(one[0].folder) == _night_files(two[0].folder)  # … and the night is the same night
    assert _register(tmp_path / "one")[:50] == _register(tmp_path / "two")[:50]


def test_read_in_two_parts_the_folder_reads_as_one(demo_ledgers):
    from engine.read import read_ledgers
    from engine.read.ledgers import LedgerFolder

    whole = read_ledgers(demo_ledgers)
    folder = LedgerFolder(demo_ledgers)
    parts = folder.read(folder.paths[1::2], folder.empty())
    folder.read(folder.paths[::2], parts).put_in_order()
    assert parts.inventory == whole.inventory and parts.findings == whole.findings
    assert list(parts.files.items()) == list(whole.files.items())
    assert [(s.file, s.sheet, s.order) for s in parts.sheets] == [(s.file, s.sheet, s.order) for s in whole.sheets]


def test_validated_where_needed_the_findings_and_counts_are_those_of_one_validation(demo_ledgers):
    from engine.read import read_ledgers
    from engine.validate import Validation, validate

    whole = read_ledgers(demo_ledgers)
    records, findings = validate(whole)
    parts = read_ledgers(demo_ledgers)
    here = Validation(parts)
    here.ensure(["owners", "staff"])
    there = copy.deepcopy(here)  # the second process: a copy of this one as it was when forked
    there.ensure(["tickets", "keys"])
    here.ensure(["fees", "collections"])
    here.absorb(there.export(len(parts.inventory)))
    here.ensure(here.present())
    assert here.findings() == findings and len(findings) > 3
    assert here.elsewhere == {"tickets", "keys"} and not {"tickets", "keys"} & here.kinds
    assert {k: len(v) for k, v in here.records.by_kind.items()} == \
           {k: len(v) for k, v in records.by_kind.items() if k not in ("tickets", "keys")}
    assert parts.inventory == whole.inventory  # the records counted on each sheet, whichever process validated it


def _read_all(folder: Path, ahead: bool):
    from engine.read import read_ledgers

    loaded = read_ledgers(folder, scan_ahead=ahead)
    return ([(s.file, s.sheet, [(r.row, r.cells, r.errors) for r in s.rows.rows]) for s in loaded.sheets],
            loaded.findings, loaded.inventory)


def _folder_with_error_cells(tmp_path: Path) -> Path:
    from .conftest import FEE_HEADER, small_estate, write_xlsx

    folder = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-10", "#REF!", None, None, None],
                                           ["1-1-102", "物业费", "2026-10", 300, "#DIV/0!", None, None]])
    write_xlsx(folder / "9栋收费台账.xlsx", {"收费": [FEE_HEADER, ["9-1-101", "物业费", "2026-10", "#N/A", 0, None, None]]})
    (folder / "坏文件.xlsx").write_bytes(b"PK\x03\x04 half-copied")
    return folder


@pytest.mark.parametrize("folder", ["realworld", "errors"])
def test_error_cells_scanned_in_a_second_process_read_as_scanned_here(tmp_path, monkeypatch, folder):
    import engine.read.ledgers as ledgers
    from .test_realworld import REALWORLD

    path = REALWORLD / "houlynn-wuye" if folder == "realworld" else _folder_with_error_cells(tmp_path)
    if not path.is_dir():
        pytest.skip("realworld ledgers not available")
    monkeypatch.setattr(ledgers, "SCAN_AHEAD_MIN_BYTES", 0)
    forked = []
    real = ledgers.ForkedItems
    monkeypatch.setattr(ledgers, "ForkedItems", lambda produce: forked.append(1) or real(produce))
    here = _read_all(path, False)
    assert not forked
    assert _read_all(path, True) == here and forked
    if folder == "errors":
        errors = [e for _, _, rows in here[0] for _, _, errs in rows for e in errs.values()]
        assert sorted(errors) == ["#DIV/0!", "#N/A", "#REF!"]
        assert any(f.rule == "DATA-file" and "坏文件.xlsx" in f.message for f in here[1])


def test_a_scanning_process_that_dies_leaves_the_reader_to_scan(tmp_path, monkeypatch):
    import engine.read.ledgers as ledgers

    folder = _folder_with_error_cells(tmp_path)
    here = _read_all(folder, False)
    parent = os.getpid()
    real = ledgers.scans_of

    def dies_after_the_first(books):
        for n, item in enumerate(real(books)):
            if n == 1 and os.getpid() != parent:
                os._exit(9)
            yield item

    monkeypatch.setattr(ledgers, "SCAN_AHEAD_MIN_BYTES", 0)
    monkeypatch.setattr(ledgers, "scans_of", dies_after_the_first)
    assert _read_all(folder, True) == here


@pytest.mark.parametrize("folder", ["realworld", "errors"])
def test_the_look_ahead_process_tells_the_kinds_and_scans_as_they_are_told_and_scanned_here(tmp_path, monkeypatch,
                                                                                          folder):
    import engine.read.workbook as workbook
    from engine.read.ledgers import LedgerFolder, LookAhead
    from engine.read.sniff import sniff_kinds
    from .test_realworld import REALWORLD

    path = REALWORLD / "houlynn-wuye" if folder == "realworld" else _folder_with_error_cells(tmp_path)
    if not path.is_dir():
        pytest.skip("realworld ledgers not available")
    here = _read_all(path, False)
    parent, scanned_here = os.getpid(), []
    real = workbook._scan_sheets

    def scan(path, names):
        if os.getpid() == parent:
            scanned_here.append(path.name)
        return real(path, names)

    monkeypatch.setattr(workbook, "_scan_sheets", scan)
    listed = LedgerFolder(path)
    ahead = LookAhead(listed)
    try:
        assert ahead.kinds() == {p.name: sniff_kinds(p, listed.mappings) for p in listed.paths}
        ahead.scan(listed.paths)
        listed.ahead = ahead
        loaded = listed.read(listed.paths, listed.empty())
    finally:
        ahead.close()
    there = ([(s.file, s.sheet, [(r.row, r.cells, r.errors) for r in s.rows.rows]) for s in loaded.sheets],
             loaded.findings, loaded.inventory)
    assert there == here
    assert not scanned_here  # every workbook's error cells were looked for by the look-ahead process


@pytest.mark.parametrize("dies_in", ["sniff", "scan"])
def test_a_look_ahead_process_that_dies_costs_time_not_findings(tmp_path, demo_ledgers, monkeypatch, dies_in):
    import engine.read.ledgers as ledgers
    import engine.read.sniff as sniff

    one = _nights(demo_ledgers, tmp_path / "one", False, monkeypatch)[:1]
    parent = os.getpid()
    real_sniff, real_scans = sniff.sniff_kinds, ledgers.scans_of

    def sniff_dies(path, mappings):
        if dies_in == "sniff" and os.getpid() != parent:
            os._exit(9)
        return real_sniff(path, mappings)

    def scan_dies(books):
        for n, item in enumerate(real_scans(books)):
            if dies_in == "scan" and n == 1 and os.getpid() != parent:
                os._exit(9)
            yield item

    monkeypatch.setattr(sniff, "sniff_kinds", sniff_dies)
    monkeypatch.setattr(ledgers, "scans_of", scan_dies)
    two = _nights(demo_ledgers, tmp_path / "two", True, monkeypatch)[:1]
    assert (one[0].folder / "findings.json").read_bytes() == (two[0].folder / "findings.json").read_bytes()
    assert _night_files(one[0].folder) == _night_files(two[0].folder)


def test_a_family_that_has_run_lets_its_own_ledgers_and_shared_derivations_go(demo_ledgers, tmp_path):
    """What one family read and derived for itself is not kept while the others run (a large night's memory)."""
    from datetime import date

    from engine.areas import Context
    from engine.derive.calendar import WorkCalendar
    from engine.outcomes.catalogue import load_documents
    from engine.read import read_ledgers
    from engine.record.register import Register
    from engine.rules import load_rulebook
    from engine.validate import Validation

    book, catalogue = load_rulebook(REPO / "rules"), load_documents(REPO / "forms")
    validation = Validation(read_ledgers(demo_ledgers))
    register = Register(tmp_path / "register.sqlite")
    register.load(date(2026, 11, 20))
    ctx = Context(parse_as_of("2026-11-20"), TODAY, book, WorkCalendar.from_rules(REPO / "rules"), register,
                  validation.records)
    fams = {frozenset(a.name for a in fam): fam for fam in run.families(list(registry()), book, catalogue)}
    fees = next(fam for names, fam in fams.items() if "fees" in names)
    tickets = next(fam for names, fam in fams.items() if "complaints" in names)

    done = run.run_family(fees, ctx, catalogue, validation)
    assert {"fees", "collections"} <= set(done)  # both ran, on the obligations derived once …
    assert not ctx.records.of("fees") and not ctx.records.of("collections")  # … then their ledgers went
    assert "fee_obligations" not in ctx.cache
    assert ctx.records.of("owners")  # a reference ledger stays for every family
    run.run_family(tickets, ctx, catalogue, validation)
    assert not ctx.records.of("tickets") and "tickets" not in ctx.cache
    assert validation.kinds >= {"fees", "collections", "tickets"}  # validated once: not read again as missing
