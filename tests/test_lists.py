"""The night's lists take shortcuts for speed (a cheap test before the phone/ID pattern, masking column by
column, common cells written without a call each, findings.json written in batches); each shortcut gives
exactly what the long way gives."""
import json
import random
from datetime import date, datetime
from decimal import Decimal

from engine.record.output import write_json_list
from engine.render.mask import _PERSONAL, _mask, scrub
from engine.render.workbook import masked_rows
from engine.render.xlsx import WRAP, Sheet, _cell, col_letter

SPELLINGS = ["13800000001", "138-0000-0002", "138 0000 0003", "+86 13800000004", "0086-13800000005",
             "１３８０００００００６", "（86）138 0000 0007", "020-12345678", "(020)1234567", "（0755）12345678",
             "020 12345678转123", "110101199001011234", "11010119900101123X", "110101900101123",
             "110101 19900101 1234", "110101 900101 123", "０２０－１２３４５６７８", "电话13900001111，身份证110101199001011234"]
NEAR_MISSES = ["2026-11-20", "2026-11-20 08:30", "1-1-1001", "6,304.20", "1234567.89", "GD20261110075",
               "第0001号", "138-000-0000", "12345", "A区 17-3-202", "0.9446780680343349"]


def test_scrub_masks_exactly_what_the_full_pattern_masks():
    rng = random.Random(20261120)
    alphabet = "0123456789０１２３４５６７８９ -－\u3000()（）+＋Xx区号电话"
    fuzz = ["".join(rng.choice(alphabet) for _ in range(rng.randint(5, 30))) for _ in range(20_000)]
    for text in SPELLINGS + NEAR_MISSES + fuzz:
        assert scrub(text) == _PERSONAL.sub(_mask, text), text
    assert [t for t in SPELLINGS if scrub(t) == t] == []  # every spelling is masked


def test_masking_column_by_column_keeps_names_phones_ids_and_hashes_as_row_by_row():
    sha = "021def1eac4cf541aa7b11bccc34aa8ccb11a9ff96898f51815a20f7a94f3e68"
    header = ["房号", "业主", "手机号", "身份证号", "内容", "排序值 SHA-256", "缴费期限", "欠费金额"]
    rows = [["1-1-101", "王建国", "13812345678", "110101199001011234", "已电话联系", sha, date(2026, 11, 15),
             Decimal("250")],
            ["1-1-102", "李四", "", None, "业主来电 139 0000 1111 称漏水", sha, None, "6,304.20"],
            ("1-1-103", "欧阳娜娜", "020-12345678", "", "2026-11-20 已上门", "", date(2026, 11, 20), 0)]
    assert masked_rows(header, rows) == [
        ["1-1-101", "王**", "138****5678", "110***********1234", "已电话联系", sha, date(2026, 11, 15),
         Decimal("250")],
        ["1-1-102", "李*", "", None, "业主来电 139****1111 称漏水", sha, None, "6,304.20"],
        ["1-1-103", "欧***", "020-****5678", "", "2026-11-20 已上门", "", date(2026, 11, 20), 0]]
    ragged = masked_rows(header, [["1-1-101", "王建国"], rows[0] + ["多出的一列"]])  # as zip(header, row) pairs them
    assert ragged == [["1-1-101", "王**"], masked_rows(header, [rows[0]])[0]]
    assert masked_rows([], [[], []]) == [[], []]


def test_a_row_is_written_as_its_cells_would_be_one_by_one():
    header = ["文本", "换行", "金额", "收费率", "日期", "时间", "序号", "其他"]
    formats = {1: "text", 2: "wrap", 3: "amount", 4: "rate", 5: "date", 6: "datetime", 7: "integer"}
    rows = [["a & <b> \x01c", "多行\n文本", "6,304.20", "92.3%", date(2026, 11, 20), datetime(2026, 11, 20, 8, 30), 1,
             True],
            ["", None, Decimal("250"), 0.5, datetime(2026, 11, 20, 8, 30), "2026-11-20", 7, 3.25],
            [12, Decimal("1.5"), 300, 1, "未处理", date(2026, 11, 21), "", "注：ok"]]
    sheet = Sheet("表", header, rows, formats=formats)
    fmts = sheet.column_formats()
    xml = sheet.xml()
    for r, row in enumerate(rows, start=2):
        cells = "".join(_cell(f"{col_letter(i)}{r}", v, fmt, WRAP if fmt == "wrap" else 0)
                        for i, (v, fmt) in enumerate(zip(row, fmts), start=1))
        assert f'<row r="{r}">{cells}</row>' in xml


def test_findings_json_in_batches_is_one_json_dumps_per_line(tmp_path):
    for n in (0, 1, 3, 4, 7):
        items = [{"id": i, "message": f"第{i}条 <&>", "on": date(2026, 11, 20), "amount": Decimal("1.50"), "rate": 0.5}
                 for i in range(n)]
        path = tmp_path / f"findings{n}.json"
        write_json_list(path, iter(items), per_write=3)
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        assert lines[0] == "[" and lines[-2:] == ["]", ""] and len(lines) == max(n, 1) + 3
        # each item on a line of its own, with the values json.dumps gives (dates and amounts as their text)
        assert [json.loads(line.rstrip(",")) for line in lines[1:-2] if n] == \
            [json.loads(json.dumps(i, ensure_ascii=False, default=str)) for i in items]
        assert [i["id"] for i in json.loads(text)] == list(range(n))
        assert "第0条 <&>" in text or n == 0  # written as UTF-8, not escaped


def test_findings_json_takes_what_the_fast_encoder_refuses_and_writes_values_as_json_dumps_does(tmp_path):
    from datetime import datetime

    items = [{"big": 2 ** 70, "when": datetime(2026, 11, 20, 8, 30), "keys": {1: "一", None: "空"}},
             {"amount": Decimal("0.10"), "ratio": 0.1, "flags": (True, None)}]
    write_json_list(tmp_path / "f.json", iter(items))
    assert json.loads((tmp_path / "f.json").read_text(encoding="utf-8")) == \
        [json.loads(json.dumps(i, ensure_ascii=False, default=str)) for i in items]


def test_findings_json_keeps_a_samples_hash_whole_and_masks_a_phone_in_the_details(tmp_path):
    from engine.findings import Finding
    from engine.pipeline import Night
    from engine.record.lists import write_lists

    digest = "ab13812345678" + "0" * 51  # a SHA-256 whose hex digits happen to look like a mobile number
    sampled = Finding(policy="R1", rule="R1-1", category="回访抽检", subject="T10", message="抽中回访",
                      details={"sha256": digest, "seed": "2026-11-09|A区|T10", "contact": "业主电话 13812345678"})
    write_lists(tmp_path, [sampled], Night(), {"by_category": {"回访抽检": 1}}, datetime(2026, 11, 20), [])
    (item,) = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    assert item["details"]["sha256"] == digest  # the auditor redoes the draw with it: never starred
    assert item["details"]["contact"] == "业主电话 138****5678"
