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
