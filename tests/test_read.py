"""Reading ledgers as staff keep them: title rows, two-row headers, totals, error cells, lock files."""

import xlwt

from engine import check_ledgers
from engine.read import read_ledgers

from .conftest import FEE_HEADER, OWNER_HEADER, write_xlsx


def data_messages(findings):
    return [f.message for f in findings if f.policy == "DATA"]


def test_title_rows_two_row_header_totals_and_notes(tmp_path):
    write_xlsx(tmp_path / "2026年10月收费.xlsx", {"十月": [
        ["XX花园2026年度收费台账"],
        ["基本信息", None, None, "应收", None, "实收", None],
        ["房号", "收费项目", "所属期", "应收金额", "缴费期限", "实收金额", "缴费日期"],
        ["1-1-101", "物业费", "2026-10", "250.00", None, 250, "2026/10/3"],
        [None],
        ["1-1-102", "物业费", "2026年10月", "¥200.00", None, None, None],
        ["合计", None, None, 450, None, 250, None],
        ["注：本表由客服部维护"],
    ]})
    write_xlsx(tmp_path / "业主.xlsx", {"Sheet1": [["业主档案"], OWNER_HEADER,
                                                  ["1-1-101", "王", None, None, None, "现金"],
                                                  ["1-1-102", "李", None, None, None, "现金"]]})
    records, findings, inventory = check_ledgers(tmp_path)
    fees = records.of("fees")
    assert [(f.unit.key, f.ref.row, str(f.amount_due)) for f in fees] == [("1-1-101", 4, "250.00"), ("1-1-102", 6, "200.00")]
    sheet = next(s for s in inventory if s["sheet"] == "十月")
    assert sheet["header_row"] == 3
    assert sheet["skipped_rows"] == {"空行": [5], "合计行": [7], "表格外备注": [8]}
    assert data_messages(findings) == []


def test_error_cells_are_data_problems_never_blank_or_zero(tmp_path):
    write_xlsx(tmp_path / "fees.xlsx", {"收费": [
        FEE_HEADER,
        ["1-1-101", "物业费", "2026-10", "#REF!", None, None, None],
        ["1-1-101", "水费", "2026-10", 30, "#DIV/0!", None, None],
    ]})
    records, findings, _ = check_ledgers(tmp_path)
    assert records.of("fees") == []  # both rows stay out of the rules
    msgs = data_messages(findings)
    assert "fees.xlsx › 收费 › 第2行 › 应收金额（D2）: #REF! — 单元格为公式错误，不能当作空白或零，请修正公式" in msgs
    assert any(m.startswith("fees.xlsx › 收费 › 第3行 › 实收金额（E3）: #DIV/0!") for m in msgs)


def test_bad_cells_name_file_sheet_row_column_value_and_reason(tmp_path):
    write_xlsx(tmp_path / "fees.xlsx", {"收费": [
        FEE_HEADER,
        ["1-1-101", "物业费", "2026-13", 100, None, None, None],
        ["1-1-101", "物业费", "2026-10", "约300", None, None, None],
        ["1-1-101", None, "2026-10", 100, None, None, None],
    ]})
    _, findings, _ = check_ledgers(tmp_path)
    assert data_messages(findings) == [
        "fees.xlsx › 收费 › 第2行 › 所属期（C2）: 2026-13 — 所属期月份不存在",
        "fees.xlsx › 收费 › 第3行 › 应收金额（D3）: 约300 — 金额无法识别",
        "fees.xlsx › 收费 › 第4行 › 收费项目（B4）: （空白） — 必填项为空",
    ]


def test_lock_files_are_ignored_and_unknown_sheets_reported(tmp_path):
    write_xlsx(tmp_path / "fees.xlsx", {"收费": [FEE_HEADER, ["1-1-101", "物业费", "2026-10", 100, None, None, None]],
                                        "说明": [["本工作簿由财务部维护"], ["请勿删除"]]})
    (tmp_path / "~$fees.xlsx").write_bytes(b"\x00lock")
    loaded = read_ledgers(tmp_path)
    assert "~$fees.xlsx" not in loaded.files
    (finding,) = loaded.findings
    assert finding.rule == "DATA-sheet" and "fees.xlsx › 说明" in finding.message


def test_half_copied_workbook_is_reported_not_half_read(tmp_path):
    good = write_xlsx(tmp_path / "src.xlsx", {"收费": [FEE_HEADER, ["1-1-101", "物业费", "2026-10", 100]]})
    data = good.read_bytes()
    (tmp_path / "half.xlsx").write_bytes(data[: len(data) // 2])
    good.unlink()
    loaded = read_ledgers(tmp_path)
    assert loaded.sheets == []
    (finding,) = loaded.findings
    assert finding.rule == "DATA-file" and finding.message.startswith("half.xlsx: 文件无法读取")


def test_old_xls_and_leading_zeros_kept_as_text(tmp_path):
    book = xlwt.Workbook()
    sh = book.add_sheet("业主")
    for c, h in enumerate(["户号", "姓名", "手机号", "缴费方式"]):
        sh.write(1, c, h)
    sh.write(0, 0, "业主档案")
    sh.write(2, 0, "0012")
    sh.write(2, 1, "张三")
    sh.write(2, 2, "13812345678")
    book.save(str(tmp_path / "台账(最新).xls"))
    records, findings, _ = check_ledgers(tmp_path)
    (owner,) = records.of("owners")
    assert owner.unit.display == "0012" and owner.phone == "13812345678" and owner.owner_name == "张三"
    assert findings == []


def test_mapping_file_pins_kind_and_renames_columns(tmp_path):
    write_xlsx(tmp_path / "odd.xlsx", {"Sheet1": [
        ["房间", "项目", "月份", "金额"],
        ["1-1-101", "物业费", "2026-10", 100],
    ]})
    (tmp_path / "wuye-mapping.yaml").write_text(
        "- file: odd.xlsx\n  kind: fees\n  columns: {房间: unit, 项目: item, 月份: period, 金额: amount_due}\n",
        encoding="utf-8")
    records, findings, _ = check_ledgers(tmp_path)
    (fee,) = records.of("fees")
    assert (fee.unit.key, fee.item, fee.period, fee.amount_due) == ("1-1-101", "物业费", (2026, 10), 100)


def test_input_files_are_never_modified(tmp_path, night, demo_ledgers):
    before = {p.name: p.read_bytes() for p in demo_ledgers.iterdir()}
    night(demo_ledgers, tmp_path / "out", "2026-11-20")
    assert {p.name: p.read_bytes() for p in demo_ledgers.iterdir()} == before


def test_formula_without_cached_value_and_validation_formulas(tmp_path):
    """An uncalculated formula is reported; formulas of data validation are not mistaken for cells."""
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收费"
    ws.append(FEE_HEADER)
    ws.append(["1-1-101", "物业费", "2026-10", 100, 100, "2026-10-05", None])
    ws.append(["1-1-102", "物业费", "2026-10", "=D2*2", None, None, None])
    dv = DataValidation(type="list", formula1='"现金,前台"')
    dv.add("F2:F3")
    ws.add_data_validation(dv)
    wb.save(tmp_path / "f.xlsx")
    records, findings, _ = check_ledgers(tmp_path)
    assert [f.ref.row for f in records.of("fees")] == [2]
    assert data_messages(findings) == ["f.xlsx › 收费 › 第3行 › 应收金额（D3）: 公式未计算 — 单元格为公式错误，不能当作空白或零，请修正公式"]


# ------------------------------------------------------------------ issue 8: real sheets, folder level

from datetime import date  # noqa: E402
import json  # noqa: E402

from engine.read.draft import draft_mapping  # noqa: E402
from engine.read.kinds import load_kinds, norm_header  # noqa: E402
from engine.read.ledgers import missing_kind_findings  # noqa: E402
from engine.validate import GenericRecord, validate  # noqa: E402


def test_headers_with_notes_brackets_and_line_breaks():
    assert norm_header("房间号(必填)") == "房间号"
    assert norm_header("业主姓名（必填）") == "业主姓名"
    assert norm_header("建筑面积\n(㎡)") == "建筑面积"
    assert norm_header("*手机号：请填写11位") == "手机号"


def test_one_ambiguous_word_never_decides_the_kind(tmp_path):
    """编号 + 状态 + 金额 is not a ticket ledger nor a fee ledger: reported, with the closest kind."""
    write_xlsx(tmp_path / "x.xlsx", {"Sheet1": [["编号", "状态", "金额"], ["A1", "正常", 5]]})
    loaded = read_ledgers(tmp_path)
    assert loaded.sheets == []
    (f,) = loaded.findings
    assert f.rule == "DATA-sheet" and "未能识别为台账" in f.message


def test_csv_ledgers_utf8_bom_and_gbk(tmp_path):
    text = "房号,业主姓名,联系电话\n0012,张三,13812345678\n1栋2单元1502室,李四,\n"
    (tmp_path / "业主.csv").write_bytes(text.encode("utf-8-sig"))
    fees = "房号,收费项目,所属期,应收金额\n0012,物业费,2026-10,\"1,234.50\"\n1#2-1502,物业费,2026年10月,80\n"
    (tmp_path / "收费.csv").write_bytes(fees.encode("gbk"))
    loaded = read_ledgers(tmp_path)
    records, findings = validate(loaded)
    assert [(o.unit.key, o.owner_name) for o in records.of("owners")] == [("0012", "张三"), ("1-2-1502", "李四")]
    assert [(f.unit.key, str(f.amount_due)) for f in records.of("fees")] == [("0012", "1234.50"), ("1-2-1502", "80.00")]
    assert findings == [] and loaded.findings == []
    assert {s["file"]: s["kind"] for s in loaded.inventory} == {"业主.csv": "owners", "收费.csv": "fees"}


def test_truncated_or_encrypted_fee_workbook_is_critical(tmp_path):
    good = write_xlsx(tmp_path / "src.xlsx", {"收费": [FEE_HEADER, ["1-1-101", "物业费", "2026-10", 100]]})
    data = good.read_bytes()
    (tmp_path / "收费台账.xlsx").write_bytes(data[: len(data) // 3])
    (tmp_path / "加密.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)  # an OLE box (encrypted)
    (tmp_path / "台账.et").write_bytes(b"WPS")
    good.unlink()
    loaded = read_ledgers(tmp_path)
    assert loaded.sheets == []
    assert [(f.severity, f.rule, f.message.split(":")[0]) for f in loaded.findings] == [
        ("严重", "DATA-file", "加密.xlsx"), ("严重", "DATA-file", "台账.et"), ("严重", "DATA-file", "收费台账.xlsx")]
    assert all(f.category == "数据问题" for f in loaded.findings)


def test_a_kind_the_previous_night_had_and_tonight_lacks_is_critical(tmp_path):
    out = tmp_path / "out"
    for night, kinds in (("2026-11-18", ["owners"]), ("2026-11-19", ["owners", "fees"])):
        (out / night).mkdir(parents=True)
        sheets = [{"file": f"{k}.xlsx", "sheet": "S", "kind": k, "status": "已读取"} for k in kinds]
        sheets.append({"file": "说明.xlsx", "sheet": "S", "kind": None, "status": "未识别"})
        (out / night / "run.json").write_text(json.dumps({"sheets": sheets}), encoding="utf-8")
    (out / "2026-11-21").mkdir()  # a later night is not "the previous night"
    (out / "2026-11-21" / "run.json").write_text(json.dumps({"sheets": []}), encoding="utf-8")
    tonight = [{"file": "owners.xlsx", "sheet": "S", "kind": "owners", "status": "已读取"}]
    (f,) = missing_kind_findings(out, date(2026, 11, 20), tonight)
    assert (f.severity, f.rule, f.category) == ("严重", "DATA-missing-kind", "数据问题")
    assert f.message.startswith("本次台账文件夹中没有收费台账：上一次运行（2026-11-19）读取了 fees.xlsx › S")
    assert f.details == {"kind": "fees", "previous_night": "2026-11-19"}
    tonight.append({"file": "f.xlsx", "sheet": "S", "kind": "fees", "status": "已读取"})
    assert missing_kind_findings(out, date(2026, 11, 20), tonight) == []
    assert missing_kind_findings(tmp_path / "nothing", date(2026, 11, 20), []) == []


def test_split_address_stairwell_is_not_the_room_and_rooms_repeat_across_buildings(tmp_path):
    write_xlsx(tmp_path / "业主.xlsx", {"业主": [
        ["小区名称(必填)", "楼栋名称", "单元号", "房间号(必填)", "姓名(必填)", "手机号(必填)"],
        ["示例:沁园新村", "示例:1号楼", "示例:1单元", "示例:1001", "示例:张三", "示例:15198710000"],
        ["XX花园", "1", "2", "1502", "张三", "13800000001"],
        ["XX花园", "2", "2", "1502", "李四", "13800000002"],
        ["XX花园", "商铺", None, "A01", "王五", None],
    ]})
    loaded = read_ledgers(tmp_path)
    records, findings = validate(loaded)
    assert [o.unit.key for o in records.of("owners")] == ["1-2-1502", "2-2-1502", "A01"]
    assert findings == []
    (sheet,) = loaded.inventory
    assert sheet["skipped_rows"] == {"示例行（模板中的填写示例）": [2]}


def test_wide_sheet_month_columns_and_item_columns(tmp_path):
    write_xlsx(tmp_path / "水费.xlsx", {"水费": [
        ["XX花园2026年水费明细"],
        ["栋号", "房号", "收费项目", "10月", "11月", "合计"],
        ["1", "101", "水费", 30, 28.5, 58.5],
        ["1", "102", "水费", None, 12, 12],
        ["合计:", None, None, 30, 40.5, 70.5],
    ], "管理费": [
        ["物业编号", "所属期", "本期应收_管理费", "本期应收_垃圾清运费", "本期应收_小计"],
        ["1-101", "2026-11", 250, 15, 265],
        ["1-102", "2026-11", None, None, None],
    ]})
    loaded = read_ledgers(tmp_path)
    records, findings = validate(loaded)
    got = sorted((f.ref.sheet, f.unit.key, f.item, f.period, str(f.amount_due), f.ref.cell("amount_due").cell)
                 for f in records.of("fees"))
    assert got == [
        ("水费", "1-101", "水费", (2026, 10), "30.00", "D3"), ("水费", "1-101", "水费", (2026, 11), "28.50", "E3"),
        ("水费", "1-102", "水费", (2026, 11), "12.00", "E4"),
        ("管理费", "1-101", "垃圾清运费", (2026, 11), "15.00", "D2"), ("管理费", "1-101", "管理费", (2026, 11), "250.00", "C2"),
    ]
    inv = {s["sheet"]: s for s in loaded.inventory}
    assert inv["水费"]["skipped_rows"] == {"合计行": [5]} and inv["水费"]["data_rows"] == 2
    assert inv["管理费"]["skipped_rows"] == {"宽表各项金额均为空（无应收）": [3]}
    assert "合计列不作为收费项目：合计" in inv["水费"]["notes"]
    assert [f for f in findings if f.rule != "DATA-unknown-unit"] == []


def test_wide_sheet_without_a_period_is_reported_not_guessed(tmp_path):
    write_xlsx(tmp_path / "导入.xlsx", {"G区": [["物业编号", "本期应收_管理费", "合计"], ["A0-301", 120, 120]]})
    loaded = read_ledgers(tmp_path)
    records, _ = validate(loaded)
    assert records.of("fees") == []
    (f,) = [f for f in loaded.findings if f.rule == "DATA-wide-period"]
    assert "看不出所属期" in f.message and "values: {period: 年-月}" in f.message
    (sheet,) = loaded.inventory
    assert sheet["skipped_rows"] == {"宽表金额未读取（缺所属期，见数据问题）": [2]}
    (tmp_path / "wuye-mapping.yaml").write_text("- file: 导入.xlsx\n  kind: fees\n  values: {period: 2014-10}\n",
                                                encoding="utf-8")
    records, _ = validate(read_ledgers(tmp_path))
    (fee,) = records.of("fees")
    assert (fee.unit.key, fee.item, fee.note, fee.period, str(fee.amount_due)) == ("A0-301", "管理费", "本期应收", (2014, 10), "120.00")


def test_period_range_duplicate_columns_and_instruction_columns(tmp_path):
    write_xlsx(tmp_path / "历史.xlsx", {"缴费": [
        ["房屋", "收费项目", "开始时间", "结束时间", "应缴金额", "实缴金额", "实缴金额", None, None],
        ["1-1-1001", "物业费", "2026-01-01", "2026-12-31", 1000, 1000, 900, None, "说明："],
        [None, None, None, None, None, None, None, None, "房屋请填写 楼栋-单元-房屋"],
        ["制表：张三", None, "审核：李四"],
    ]})
    loaded = read_ledgers(tmp_path)
    records, findings = validate(loaded)
    (fee,) = records.of("fees")
    assert (fee.period, str(fee.period_start), str(fee.period_end), str(fee.amount_paid)) == \
        ((2026, 1), "2026-01-01", "2026-12-31", "1000.00")
    (dup,) = [f for f in loaded.findings if f.rule == "DATA-duplicate-column"]
    assert "表头「实收金额」" not in dup.message and "表头「实缴金额」出现 2 次（F、G列），只读取了F列" in dup.message
    (sheet,) = loaded.inventory
    assert sheet["skipped_rows"] == {"表格右侧的说明文字（不是数据）": [3], "表格外备注": [4]}


def test_mapping_combines_columns_and_marks_a_sheet_not_a_ledger(tmp_path):
    write_xlsx(tmp_path / "整理后.xlsx", {"住宅": [
        ["序号", None, "原单元号", "新单元号", "业主姓名"],
        [1, "B1", "B1-3", 301, "宋桂杰"],
        [2, "B2", "B2-1", 301, "何伟勇"],
    ], "说明": [["填表说明"], ["房号须与收费系统一致"]]})
    (tmp_path / "wuye-mapping.yaml").write_text(
        "- file: 整理后.xlsx\n  sheet: 住宅\n  kind: owners\n  unit: [B, 新单元号]\n"
        "- file: 整理后.xlsx\n  sheet: 说明\n  ignore: true\n  reason: 填表说明\n", encoding="utf-8")
    loaded = read_ledgers(tmp_path)
    records, findings = validate(loaded)
    assert [(o.unit.key, o.owner_name, o.ref.cell("unit").cell) for o in records.of("owners")] == \
        [("B1-301", "宋桂杰", "D2"), ("B2-301", "何伟勇", "D3")]
    assert loaded.findings == [] and findings == []
    assert loaded.inventory[1]["status"] == "按映射文件忽略（填表说明）"


def test_unrecognised_sheet_gives_a_ready_to_paste_mapping_and_wuye_map_drafts_them(tmp_path):
    write_xlsx(tmp_path / "odd.xlsx", {"Sheet1": [["位置", "业主姓名", "费用", "金额"], ["1-1-101", "王", "物业费", 100]]})
    loaded = read_ledgers(tmp_path)
    (f,) = loaded.findings
    assert "最接近「业主档案」（owners），已找到 业主姓名，缺少必需的 房号" in f.message
    entry = f.details["mapping"]
    assert entry == "- {file: odd.xlsx, sheet: Sheet1, kind: owners, header_row: 1, columns: {业主姓名: owner_name, '?': unit}}"
    # the clerk pastes it, writes the header in place of ?, and the sheet is read
    (tmp_path / "wuye-mapping.yaml").write_text(entry.replace("'?'", "位置") + "\n", encoding="utf-8")
    records, findings = validate(read_ledgers(tmp_path))
    assert [(o.unit.key, o.owner_name) for o in records.of("owners")] == [("1-1-101", "王")]
    (tmp_path / "wuye-mapping.yaml").unlink()
    text, n = draft_mapping(tmp_path)
    assert n == 1 and "# odd.xlsx › Sheet1：最接近 业主档案（owners），缺少 房号" in text
    import yaml
    assert yaml.safe_load(text) == [{"file": "odd.xlsx", "sheet": "Sheet1", "kind": "owners", "header_row": 1,
                                     "columns": {"业主姓名": "owner_name", "?": "unit"}}]


def test_a_new_kind_is_a_vocabulary_file_and_reads_into_generic_records(tmp_path):
    vocab = tmp_path / "vocab"
    vocab.mkdir()
    (vocab / "surveys.yaml").write_text(
        "name: surveys\ntitle: 满意度调查\nfields:\n"
        "  - {name: unit, type: unit, required: true, aliases: [房号]}\n"
        "  - {name: answered, type: bool, aliases: [是否回复]}\n", encoding="utf-8")
    assert list(load_kinds(vocab)) == ["surveys"]
    write_xlsx(tmp_path / "l" / "钥匙.xlsx", {"钥匙": [["钥匙编号", "借用人", "借出时间", "状态"],
                                                      ["K-01", "张三", "2026-11-19 09:00", "正常"]]})
    records, findings = validate(read_ledgers(tmp_path / "l"))
    (key,) = records.of("keys")
    assert isinstance(key, GenericRecord) and key.key_id == "K-01" and key.borrower == "张三"
    assert key.lent_at.hour == 9 and key.ref.cell("borrower").cell == "B2"


def test_wuye_map_writes_the_draft(tmp_path):
    from click.testing import CliRunner

    from engine.cli import main

    write_xlsx(tmp_path / "l" / "odd.xlsx", {"Sheet1": [["位置", "业主姓名"], ["1-1-101", "王"]]})
    result = CliRunner().invoke(main, ["map", str(tmp_path / "l"), "-o", str(tmp_path / "draft.yaml")])
    assert result.exit_code == 0, result.output
    assert "已写出 1 个工作表的映射草稿" in result.output
    import yaml
    (entry,) = yaml.safe_load((tmp_path / "draft.yaml").read_text(encoding="utf-8"))
    assert entry["kind"] == "owners" and entry["columns"] == {"业主姓名": "owner_name", "?": "unit"}


def test_a_sheet_inflated_fast_is_the_sheet_zipfile_reads_and_a_damaged_one_is_refused_as_before(tmp_path):
    """Sheet XML is inflated by ISA-L where installed; a member whose bytes do not check out goes to zipfile,
    which refuses it: the workbook is unreadable, never read half."""
    import zipfile

    import pytest

    from engine.read.workbook import UnreadableWorkbook, _member_bytes, read_workbook

    path = write_xlsx(tmp_path / "fees.xlsx", {"收费": [FEE_HEADER] + [
        [f"1-1-{100 + i}", "物业费", "2026-10", 100 + i, 100 + i, "2026-10-05", None] for i in range(1, 300)]})
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            assert _member_bytes(z, info) == z.read(info)
        sheet = z.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:  # one byte of the sheet's compressed data changed
        z.fp.seek(sheet.header_offset + 26)
        skip = 30 + int.from_bytes(z.fp.read(2), "little") + int.from_bytes(z.fp.read(2), "little")
    data[sheet.header_offset + skip + sheet.compress_size // 2] ^= 0x55
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(bytes(data))
    with pytest.raises(UnreadableWorkbook):
        read_workbook(damaged)
