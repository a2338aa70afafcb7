"""The record of the run: atomic output folders, findings.json, run.json, reproducibility."""
import hashlib
import json

import pytest

import engine.pipeline as pipeline
from engine.record.register import Register

from .conftest import REPO, small_estate


def test_findings_json_has_what_machines_need(tmp_path, night, demo_ledgers):
    result = night(demo_ledgers, tmp_path / "out", "2026-11-20")
    data = json.loads((result.folder / "findings.json").read_text(encoding="utf-8"))
    assert isinstance(data, list) and data
    for f in data:
        assert {"policy", "rule", "subject", "document", "message", "sources"} <= f.keys()
    notice = next(f for f in data if f["subject"] == "3-1-502" and f["policy"] == "F3")
    assert notice["document"] == "催费通知书"
    assert notice["sources"] == [{"file": "2026年收费台账.xlsx", "sheet": "10-11月", "row": 171}]
    assert notice["citation"].startswith("004 › 入住手续办理作业指导书 › ④")


def test_run_manifest_records_inputs_rules_counts_and_durations(tmp_path, night, demo_ledgers):
    result = night(demo_ledgers, tmp_path / "out", "2026-11-20")
    run = json.loads((result.folder / "run.json").read_text(encoding="utf-8"))
    assert run["as_of"] == "2026-11-20T23:59:59"
    fee_book = demo_ledgers / "2026年收费台账.xlsx"
    assert run["inputs"]["2026年收费台账.xlsx"] == hashlib.sha256(fee_book.read_bytes()).hexdigest()
    assert run["rules"]["fees.yaml"] == hashlib.sha256((REPO / "rules" / "fees.yaml").read_bytes()).hexdigest()
    assert run["counts"]["by_category"]["催费通知"] == sum(1 for f in result.findings if f.category == "催费通知")
    assert set(run["durations_s"]) == set(pipeline.STAGES)
    fee_and_complaint = ("二次催费通知书", "催费通知书", "最后催费通知书", "投诉处理档案卡", "“总经理信箱”信件处理档案")
    assert {k: run["documents"].get(k) for k in fee_and_complaint} == {  # other areas' demos add their own documents
        "二次催费通知书": 1, "催费通知书": 3, "最后催费通知书": 3, "投诉处理档案卡": 1, "“总经理信箱”信件处理档案": 1}


def test_same_ledgers_rules_and_date_give_the_same_findings(tmp_path, night, demo_ledgers):
    a = night(demo_ledgers, tmp_path / "a", "2026-11-20")
    b = night(demo_ledgers, tmp_path / "b", "2026-11-20")
    assert (a.folder / "findings.json").read_bytes() == (b.folder / "findings.json").read_bytes()


def test_a_killed_run_leaves_no_half_written_folder_and_no_register_entries(tmp_path, night, monkeypatch):
    ledgers = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-11", 250, None, None, None]])
    out = tmp_path / "out"

    def boom(*args, **kwargs):
        raise KeyboardInterrupt("killed while writing the workbook")

    monkeypatch.setattr("engine.record.lists.write_workbook", boom)
    with pytest.raises(KeyboardInterrupt):
        night(ledgers, out, "2026-11-16")
    assert sorted(p.name for p in out.iterdir()) == ["register.sqlite"]
    reg = Register(out / "register.sqlite")
    assert reg.db.execute("SELECT COUNT(*) FROM notices").fetchone()[0] == 0
    reg.close()
    monkeypatch.undo()
    result = night(ledgers, out, "2026-11-16")  # the next run starts clean and numbers from 0001
    assert [p.name for p in (result.folder / "通知书" / "催费通知书").iterdir()] == ["催字2026第0001号_1-1-101.docx"]


def test_a_rerun_replaces_the_nights_folder_whole(tmp_path, night):
    ledgers = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-11", 250, None, None, None]])
    out = tmp_path / "out"
    first = night(ledgers, out, "2026-11-16")
    (first.folder / "stray.txt").write_text("left by hand")
    second = night(ledgers, out, "2026-11-16")
    assert not (second.folder / "stray.txt").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_documents_rendered_in_parallel_match_those_rendered_in_one_process(tmp_path, night, monkeypatch):
    rows = [[f"1-1-{100 + i}", "物业费", "2026-11", 100 + i, None, None, None] for i in range(7)]
    owners = [[f"1-1-{100 + i}", f"业主{i}", "13812345678", None, 90, "现金"] for i in range(7)]
    ledgers = small_estate(tmp_path / "l", rows, owners)
    one = night(ledgers, tmp_path / "one", "2026-11-20")
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ROWS", 0)
    two = night(ledgers, tmp_path / "two", "2026-11-20", workers=True)
    singles = lambda r: {p.name: p.read_bytes() for p in (r.folder / "通知书" / "催费通知书").iterdir()}
    assert len(singles(one)) == 7 and singles(one) == singles(two)
    from engine.render.documents import document_text
    batch = lambda r: document_text(r.folder / "打印批次" / "打印批次_催费通知书_7份.docx")
    assert batch(one) == batch(two) and batch(one).count("通知编号：") == 7
    assert not (two.folder / ".parts").exists()
    # findings.json, written by a document worker, is the file the single process writes
    assert (one.folder / "findings.json").read_bytes() == (two.folder / "findings.json").read_bytes()


@pytest.mark.parametrize("head_start", [0, 300])
def test_the_notices_are_shared_so_the_workers_end_together(head_start):
    """Each document type a worker renders costs it a template; the first worker's other work (findings.json)
    is its head start. Every notice goes to one worker, in order, and the two loads end within a notice."""
    from engine.render.batches import TEMPLATE_NOTICES, plan_shares

    notices = {"大": [{"i": i} for i in range(1000)], "中": [{"i": i} for i in range(100)], "小": [{"i": 0}] * 10}
    plan = plan_shares(notices, 2, head_start)
    for title, items in notices.items():
        assert [n for share in plan for t, part in share if t == title for n in part] == items
    load = [sum(len(part) + TEMPLATE_NOTICES for _, part in share) for share in plan]
    assert abs(load[0] + head_start - load[1]) <= 1


def test_single_notice_packages_read_back_exactly(tmp_path):
    import random
    import zipfile

    from engine.render.ziputil import PackageWriter

    rng = random.Random(5)
    text = bytes(rng.randrange(256) for _ in range(20000))
    PackageWriter({"a.xml": b"<a/>", "doc.xml": b""}, "doc.xml").write(tmp_path / "p.zip", text)
    with zipfile.ZipFile(tmp_path / "p.zip") as z:
        assert z.testzip() is None
        assert z.read("doc.xml") == text and z.read("a.xml") == b"<a/>"


def test_a_package_is_the_same_bytes_as_the_archive_made_whole(tmp_path):
    """What does not depend on the notice is laid out once per template; the file is byte for byte what the
    general zip writer makes of all the parts, wherever the notice's part stands among them and whatever
    their names (a non-ASCII name carries the UTF-8 flag), and reads back."""
    import random
    import zipfile

    from engine.render.ziputil import PackageWriter

    rng = random.Random(11)
    for trial in range(60):
        count = rng.randint(1, 6)
        parts = {f"{rng.choice(['word/document.xml', '样式.xml', '[Content_Types].xml', 'a/b.rels'])}{i}":
                 bytes(rng.randrange(256) for _ in range(rng.randint(0, 300))) for i in range(count)}
        dynamic = list(parts)[rng.randrange(count)]
        writer = PackageWriter(parts, dynamic)
        document = bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000)))
        writer.write(tmp_path / "p.zip", document)
        whole = PackageWriter(parts, dynamic)
        whole._layout = None  # the general writer, every piece packed for this archive
        whole.write(tmp_path / "q.zip", document)
        assert (tmp_path / "p.zip").read_bytes() == (tmp_path / "q.zip").read_bytes(), trial
        with zipfile.ZipFile(tmp_path / "p.zip") as z:
            assert z.testzip() is None and z.read(dynamic) == document
            assert all(z.read(name) == data for name, data in parts.items() if name != dynamic)


def test_pieces_deflated_apart_join_into_one_package_part(tmp_path):
    """The print batch's pages are deflated by the workers that render them and joined afterwards."""
    import random
    import zipfile
    import zlib

    from engine.render.ziputil import DeflatedPiece, PackageWriter

    rng = random.Random(7)
    texts = [bytes(rng.choice(b"<w:p>abc\xe6\x95\xb4") for _ in range(n)) for n in (0, 1, 5000, 70000, 3)]
    pieces = []
    for i, text in enumerate(texts):
        piece = DeflatedPiece()
        piece.add(text)
        pieces.append(piece.close(final=i == len(texts) - 1))
    whole = b"".join(texts)
    assert zlib.decompress(b"".join(pieces), -15) == whole
    PackageWriter({"a.xml": b"<a/>", "doc.xml": b""}, "doc.xml").write_deflated(
        tmp_path / "p.zip", b"".join(pieces), zlib.crc32(whole), len(whole))
    with zipfile.ZipFile(tmp_path / "p.zip") as z:
        assert z.testzip() is None and z.read("doc.xml") == whole and z.read("a.xml") == b"<a/>"


def test_the_compiled_template_renders_what_docxtpl_renders(tmp_path):
    from engine.render.documents import NoticeTemplate, document_text, render_bytes

    notice = {"number": "催字〔2026〕第0007号", "title": "最后催费通知书", "unit": "1-1-101", "unit_key": "1-1-101",
              "owner_name": "王<&>建国", "issue_date": "2026年11月20日", "pay_by": "2026年11月27日", "deadline_days": 7,
              "citation": "004 › 入住手续办理作业指导书 › ⑥", "items": [
                  {"item": "物业费", "period": "2026年10月", "amount_due": "250.00", "amount_paid": "0.00",
                   "outstanding": "250.00", "due_date": "2026年10月15日", "days_late": 36, "late_fee": "4.50"}],
              "total_outstanding": "250.00", "total_late_fee": "4.50", "total": "254.50",
              "late_fee_rate_text": "每日万分之5", "late_fee_basis": "按《物业服务合同》约定计收违约金"}
    template = REPO / "forms" / "最后催费通知书.docx"
    from engine.render.company import Company
    company = Company(name="XX物业服务有限公司", phone="0571-0000 0000",
                      payment=[{"channel": "银行转账", "detail": "账号 <1202>"}])
    ours = NoticeTemplate(template, company)
    ours.package(ours.body(notice), tmp_path / "ours.docx")
    theirs = render_bytes(template, {"notices": [notice], "company": company})
    assert document_text(tmp_path / "ours.docx") == document_text(theirs)
    assert "王<&>建国" in document_text(theirs) and "账号 <1202>" in document_text(theirs)


def test_the_compiled_template_prints_exactly_what_jinja_prints():
    """Plain strings are printed escaped without a Markup object made for each (documents._escape_output): the
    page is the same, character for character, as with Jinja's own escape — markup, numbers and None too."""
    from decimal import Decimal

    from markupsafe import Markup, escape

    from engine.render.company import Company
    from engine.render.documents import NoticeTemplate

    notice = {"number": "催字〔2026〕第0007号", "title": "最后催费通知书", "unit": "1-1-101", "unit_key": "1-1-101",
              "owner_name": "王<&>'\"建国", "issue_date": Markup("2026年11月20日 &amp;"), "pay_by": None,
              "deadline_days": 7, "citation": "004 › <入住> & ⑥", "items": [
                  {"item": "物业费", "period": "2026年10月", "amount_due": Decimal("250.00"), "amount_paid": 0,
                   "outstanding": "250.00", "due_date": "2026年10月15日", "days_late": 36, "late_fee": 4.5}],
              "total_outstanding": "250.00", "total_late_fee": "4.50", "total": Decimal("254.50"),
              "late_fee_rate_text": "每日万分之5", "late_fee_basis": "按《物业服务合同》约定计收违约金"}
    ours = NoticeTemplate(REPO / "forms" / "最后催费通知书.docx", Company(name="XX<物业>", phone="0571-0000 0000"))
    names = ours._template.root_render_func.__globals__
    fast = names["escape"]
    assert fast is not escape  # the direct printing is in place
    page = ours.body(notice)
    names["escape"] = escape
    try:
        assert page == ours.body(notice)
    finally:
        names["escape"] = fast
    assert "王&lt;&amp;&gt;&#39;&#34;建国" in page and "2026年11月20日 &amp;" in page and "XX&lt;物业&gt;" in page


def test_many_nights_in_one_process_do_not_grow_without_bound(tmp_path, night):
    """The collector is off during a night; its reference cycles are freed before run_night returns."""
    import gc

    ledgers = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-11", 250, None, None, None]])
    night(ledgers, tmp_path / "o0", "2026-11-20")
    gc.collect()
    before = len(gc.get_objects())
    for i in range(1, 4):
        night(ledgers, tmp_path / f"o{i}", "2026-11-20")
    assert len(gc.get_objects()) - before < 20_000  # was hundreds of thousands of uncollected objects a night


def test_the_demo_ledgers_are_what_make_samples_writes(tmp_path):
    """ledgers/ is generated (make samples, fixed timestamps): a generator changed without regenerating is caught."""
    import subprocess
    import sys

    subprocess.run([sys.executable, str(REPO / "tools" / "make_samples.py"), "--out", str(tmp_path), "--no-verify"],
                   check=True, capture_output=True)
    built = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    shipped = {p.name: p.read_bytes() for p in (REPO / "ledgers").iterdir()}
    assert sorted(built) == sorted(shipped)
    assert [name for name in built if built[name] != shipped[name]] == []


def test_a_batch_checksum_is_combined_from_its_parts_like_zlib_would_take_it_whole():
    """The print batch's CRC-32 is combined from the workers' parts (ISA-L's crc32_combine, or the same in
    Python where ISA-L is missing): both equal zlib's over the whole text."""
    import random
    import zlib

    from engine.render.ziputil import _crc32_combine, crc32_combine

    rng = random.Random(3)
    for _ in range(40):
        a, b = (bytes(rng.getrandbits(8) for _ in range(rng.choice((0, 1, 7, 300, 5000)))) for _ in range(2))
        whole = zlib.crc32(a + b)
        assert _crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == whole
        assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == whole


def test_a_context_with_nothing_to_clean_is_used_as_it_is_and_any_other_is_cleaned():
    from engine.render.safe import clean_context

    plain = {"unit": "1-1-101", "items": [{"amount": "120.00", "period": "2026-10"}], "company": {"name": "XX物业"}}
    assert clean_context(plain) is plain
    hotline = {"unit": "1-1-101", "company": {"phone": "020-12345678"}}
    assert clean_context(hotline) == hotline  # the company's own hotline is printed as written
    phone = {"unit": "1-1-101", "items": [{"note": "业主电话13812345678"}]}
    cleaned = clean_context(phone)
    assert cleaned["items"][0]["note"] == "业主电话138****5678" and phone["items"][0]["note"].endswith("12345678")
    control = {"owner": "王\x0b五", "company": {"name": "物业\x01"}}
    assert clean_context(control) == {"owner": "王 五", "company": {"name": "物业"}}


def test_the_compiled_templates_look_up_fields_as_jinja_does(tmp_path):
    """``n.unit`` is the key, ``n.items`` the dict's method (a template writes n['items']), a missing field
    prints nothing, an object's attribute is its attribute."""
    from types import SimpleNamespace

    from engine.render.documents import _Environment

    env = _Environment(autoescape=True)
    tpl = env.from_string("{{ n.unit }}|{{ n.items is callable }}|{{ n.missing }}|{{ n['items'][0] }}|{{ c.name }}|"
                          "{{ n.unit.missing }}")
    assert tpl.render(n={"unit": "1-1-101<", "items": ["物业费"]}, c=SimpleNamespace(name="XX物业")) == \
        "1-1-101&lt;|True||物业费|XX物业|"


def test_a_zip_written_a_chunk_at_a_time_reads_back_whole_and_checked(tmp_path):
    import zipfile

    from engine.render.ziputil import write_zip
    from engine.render.xlsx import Sheet, write_xlsx

    big = [("数据%d,&<>" % i).encode("utf-8") * 50 for i in range(2000)]  # deflated across many chunks
    write_zip(tmp_path / "a.zip", [("x/一.xml", big), ("empty", []), ("b", [b"b"])])
    with zipfile.ZipFile(tmp_path / "a.zip") as z:
        assert z.testzip() is None  # every member's checksum and length as its header says
        assert z.namelist() == ["x/一.xml", "empty", "b"]
        assert z.read("x/一.xml") == b"".join(big) and z.read("empty") == b"" and z.read("b") == b"b"
    # the exception workbook written so opens in openpyxl with its texts, numbers and dates
    from datetime import date

    import openpyxl

    rows = [[f"1-1-{i}", i * 1.5, date(2026, 11, i % 28 + 1), "a & <b>\x01"] for i in range(1, 5001)]
    write_xlsx(tmp_path / "b.xlsx", [Sheet("清单", ["房号", "金额", "日期", "说明"], rows)])
    ws = openpyxl.load_workbook(tmp_path / "b.xlsx")["清单"]
    got = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(got) == 5000 and got[4999][0] == "1-1-5000" and got[4999][1] == 7500.0
    assert got[0][2].date() == date(2026, 11, 2) and got[0][3] == "a & <b>"  # (a control character XML forbids dropped)
