"""Real ledgers from public property-management projects (realworld/README.md), read with no mapping file.

The files live in ../shared/realworld/ beside the repository; a copy is kept in tests/data/realworld/ so the
tests run without it. Every number pinned here is the one the README names.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.read import read_ledgers
from engine.validate import validate

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "realworld"
REALWORLD = SHARED if SHARED.is_dir() else HERE / "data" / "realworld"
FOLDERS = sorted(p.name for p in REALWORLD.iterdir() if p.is_dir()) if REALWORLD.is_dir() else []

pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason="realworld ledgers not available")


def _read(name: str):
    loaded = read_ledgers(REALWORLD / name)
    records, findings = validate(loaded)
    sheets = {(s["file"], s["sheet"]): s for s in loaded.inventory}
    return loaded, records, loaded.findings + findings, sheets


@pytest.fixture(scope="module")
def houlynn():
    return _read("houlynn-wuye")


def _records(records, kind, file, sheet):
    return [r for r in records.of(kind) if r.ref.file == file and r.ref.sheet == sheet]


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_row_of_every_sheet_is_accounted_for(folder):
    """Title and header rows + data rows + skipped rows (each with its reason) = the sheet's rows."""
    loaded, records, findings, sheets = _read(folder)
    assert loaded.inventory
    for s in loaded.inventory:
        assert s["status"], s
        if s["kind"] is None:
            # not read: said why (empty, or a finding with the closest kind and a mapping entry)
            assert s["status"].startswith(("空表", "未识别", "按映射文件")), s
            if s["status"] == "未识别":
                f = next(f for f in findings if f.rule == "DATA-sheet" and f.sources[0].sheet == s["sheet"]
                         and f.sources[0].file == s["file"])
                assert "最接近" in f.message and "wuye-mapping.yaml" in f.message and f"sheet: {s['sheet']}" in f.message
            continue
        skipped = sum(len(rows) for rows in s["skipped_rows"].values())
        assert s["header_row"] + s["data_rows"] + skipped == s["rows"], s
        # data rows: each became records, or a skipped record (vacant unit) or a row with a DATA finding
        read = s.get("records", 0) + sum(len(v) for v in s.get("skipped_records", {}).values()) \
            + s.get("rows_with_problems", 0)
        assert read >= s["data_rows"] or s.get("blocks"), s


def test_phone_list_three_blocks_side_by_side_give_416_owners(houlynn):
    _, records, findings, sheets = houlynn
    file = "excel_黄埔花园一期电话联系表xls.xls"
    s = sheets[(file, "住宅")]
    assert (s["kind"], s["header_row"], s["blocks"], s["records"]) == ("owners", 3, 3, 416)
    owners = _records(records, "owners", file, "住宅")
    assert len(owners) == 416
    first = next(o for o in owners if o.ref.row == 4 and o.unit.key == "B1-301")
    assert first.owner_name == "宋桂杰"
    # the second and third blocks are read too: row 4 holds three owners
    assert sorted(o.unit.key for o in owners if o.ref.row == 4) == ["B1-1106", "B1-301", "B1-703"]
    assert any(o.owner_name == "宋桂杰、刘梅琳" for o in owners)  # several owners in one cell, as written
    # rooms repeating across buildings are different units, not duplicates
    assert not [f for f in findings if f.rule == "DATA-duplicate-unit" and f.sources[0].file == file
                and "excel_黄埔花园一期电话联系表" in f.message.split("与 ")[1]]
    assert s["skipped_rows"] == {"空行（只有序号）": [154, 155, 156, 157, 158, 159, 160, 161]}


def test_cleaned_register_405_units_with_the_blank_building_header(houlynn):
    _, records, findings, sheets = houlynn
    file = "doc_黄埔花园一期整理后.xls"
    s = sheets[(file, "住宅")]
    assert (s["kind"], s["header_row"], s["data_rows"]) == ("owners", 3, 405)
    assert s["records"] == 401 and s["skipped_records"] == {"空置单元（无业主姓名）": [169, 174, 390, 391]}
    assert s["skipped_rows"] == {"合计行（只有数字，没有房号等内容）": [409]}
    assert any("B列表头为空" in n for n in s["notes"])
    owners = _records(records, "owners", file, "住宅")
    o = next(o for o in owners if o.ref.row == 4)
    assert (o.unit.key, o.owner_name, str(o.handover_date)) == ("B1-301", "宋桂杰", "2006-03-07")
    assert "13816304159" in o.phone  # from 备注2业主、住户联系电话 (free text)
    assert o.ref.cell("unit").cell == "D4"


def test_shop_registers_59_shops(houlynn):
    _, records, findings, sheets = houlynn
    for file in ("excel_黄埔花园一期电话联系表xls.xls", "doc_黄埔花园一期整理后.xls"):
        s = sheets[(file, "商铺")]
        assert s["kind"] == "owners" and s["data_rows"] == 59
        assert s["records"] + len(s["skipped_records"]["空置单元（无业主姓名）"]) == 59
        assert {o.unit.key for o in _records(records, "owners", file, "商铺")} >= {"A01", "A02", "B13"}
    # two 收铺日期 columns: a finding that says which one was read
    dup = [f for f in findings if f.rule == "DATA-duplicate-column" and f.sources[0].file == "doc_黄埔花园一期整理后.xls"]
    assert any("表头「收铺日期」出现 2 次（H、S列），只读取了H列" in f.message for f in dup)
    assert dup[0].sources[0].cell == "H2"


def test_fee_rows_b_zone_50_and_shops_35_with_the_total_row_skipped(houlynn):
    loaded, records, findings, sheets = houlynn
    b = sheets[("excel_B区.xls", "Sheet1")]
    assert (b["kind"], b["data_rows"], b["records"], b["skipped_rows"]) == ("fees", 50, 50, {})
    shops = sheets[("excel_商铺.xls", "Sheet1")]
    assert (shops["kind"], shops["data_rows"], shops["records"]) == ("fees", 35, 35)
    assert shops["skipped_rows"] == {"合计行": [37]}
    # the fee rows join the owners: B1 + 708 (楼阁名称 + 单元名称) is unit B1-708 of the owner lists
    fees = [f for f in records.of("fees") if f.ref.file == "excel_B区.xls"]
    assert len(fees) == 50  # every B区 unit is in the owner lists: none dropped as unknown
    fee = next(f for f in fees if f.ref.row == 2)
    assert (fee.unit.key, fee.item, fee.period, str(fee.amount_due), str(fee.amount_paid)) == \
        ("B1-708", "管理费", (2014, 10), "130.60", "0")
    assert (str(fee.period_start), str(fee.period_end)) == ("2014-10-01", "2014-10-31")
    # a shop: 楼阁名称 is 商铺, the unit is 单元名称 alone
    shop = next(f for f in records.of("fees") if f.ref.file == "excel_商铺.xls" and f.ref.row == 2)
    assert shop.unit.key == "A01"


def test_wide_import_template_g_zone_419_units_nothing_owed(houlynn):
    _, records, findings, sheets = houlynn
    g = sheets[("excel_管理费导入表标准版.xls", "G区")]
    assert g["kind"] == "fees" and g["data_rows"] == 0 and g["records"] == 0
    assert len(g["skipped_rows"]["宽表各项金额均为空（无应收）"]) == 419
    assert any("合计列不作为收费项目：本期应收_小计、前期欠费_小计、合计" == n for n in g["notes"])
    for sheet in ("物业费信息", "A区", "B区", "C区", "D区", "E区", "F区"):
        assert sheets[("excel_管理费导入表标准版.xls", sheet)]["data_rows"] == 0


def test_sheets_that_are_not_ledgers_are_reported_with_the_reason(houlynn):
    _, _, findings, sheets = houlynn
    s = sheets[("excel_黄埔花园一期电话联系表xls.xls", "Sheet3")]
    assert s["status"] == "未识别" and s["closest"] == "owners" and s["missing"] == ["owner_name"]
    s = sheets[("excel_一期商铺门牌对照表.xls", "Sheet1")]
    assert s["status"] == "未识别" and s["closest"] == "owners"
    f = next(f for f in findings if f.rule == "DATA-sheet" and f.sources[0].file == "excel_一期商铺门牌对照表.xls")
    assert "最接近「业主档案」（owners）" in f.message and "缺少必需的 业主姓名" in f.message
    assert f.details["mapping"].startswith("- {file: excel_一期商铺门牌对照表.xls, sheet: Sheet1, kind: owners")
    assert sheets[("excel_一期商铺门牌对照表.xls", "Sheet2")]["status"] == "空表"


def test_fee_history_with_instructions_beside_the_table():
    _, records, findings, sheets = _read("MicroCommunityWeb")
    s = sheets[("public_import_importFeeDetail.xlsx", "房屋缴费历史")]
    assert (s["kind"], s["data_rows"], s["records"]) == ("fees", 3, 3)
    assert s["skipped_rows"] == {"表格右侧的说明文字（不是数据）": [5, 6, 7, 8, 9, 10]}
    room = sheets[("public_import_importRoom.xlsx", "资产信息")]
    assert (room["kind"], room["records"]) == ("owners", 1)
    (owner,) = records.of("owners")
    assert (owner.unit.key, owner.owner_name) == ("1-1-1001", "吴学文")  # 楼号 + 单元 + 房间
    # the fee rows use the same unit, written 1-1-1001 in one column
    assert {f.unit.key for f in records.of("fees")} <= {"1-1-1001"}
    for name in ("楼栋单元", "业主信息", "费用设置", "房屋信息", "车位信息"):
        assert sheets[("public_import_hc.xlsx", name)]["status"] == "未识别"


def test_owner_template_example_row_is_not_data_and_stairwell_is_not_the_room(tmp_path):
    loaded, records, findings, sheets = _read("wx-property-manage-service")
    s = sheets[("ownerExcel.xlsx", "业户导入模板")]
    assert s["kind"] == "owners" and s["data_rows"] == 0
    assert s["skipped_rows"] == {"示例行（模板中的填写示例）": [2]}
    assert not [f for f in findings if f.rule.startswith("DATA-") and f.sources[0].sheet == "业户导入模板"]
    # with a real row: 楼栋名称 + 单元号 + 房间号 make the unit
    import openpyxl
    wb = openpyxl.load_workbook(REALWORLD / "wx-property-manage-service" / "ownerExcel.xlsx")
    ws = wb["业户导入模板"]
    for c, v in enumerate(["沁园新村", "1号楼", "2单元", "1502", 96, "张三", "15198710000"], start=1):
        ws.cell(3, c).value = v
    folder = tmp_path / "l"
    folder.mkdir()
    wb.save(folder / "ownerExcel.xlsx")
    loaded = read_ledgers(folder)
    records, _ = validate(loaded)
    (owner,) = records.of("owners")
    assert owner.unit.key == "1-2-1502" and owner.owner_name == "张三"


def test_tenant_list_vacant_units_are_not_errors():
    _, records, findings, sheets = _read("JerryForNet-wuye")
    s = sheets[("tenants_201801.xls", "Sheet0")]
    assert (s["kind"], s["data_rows"]) == ("owners", 200)
    assert len(s["skipped_records"]["空置单元（无业主姓名）"]) == 11 and s["records"] == 189
    assert not [f for f in findings if f.severity == "错误"]
    assert sheets[("feenotice.xls", "Sheet1")]["status"] == "空表（只有表头，没有数据）"


def test_join_across_spellings(tmp_path):
    """A fee row for B1栋301 finds the owner written B1 + 301; 1栋2单元1502室 finds 1#2-1502."""
    from .conftest import write_xlsx

    write_xlsx(tmp_path / "业主.xlsx", {"住宅": [["栋号", "房号", "业主姓名"], ["B1", 301, "宋桂杰"],
                                                 ["B2", 301, "何伟勇"]]})
    write_xlsx(tmp_path / "业主2.xlsx", {"Sheet1": [["房号", "业主姓名"], ["1#2-1502", "李四"]]})
    write_xlsx(tmp_path / "收费.xlsx", {"收费": [["房号", "收费项目", "所属期", "应收金额"],
                                                ["B1栋301", "物业费", "2026-10", 100],
                                                ["1栋2单元1502室", "物业费", "2026-10", 80]]})
    loaded = read_ledgers(tmp_path)
    records, findings = validate(loaded)
    assert [(f.unit.key, f.unit.display) for f in records.of("fees")] == [("B1-301", "B1栋301"), ("1-2-1502", "1栋2单元1502室")]
    assert not [f for f in findings if f.rule in ("DATA-unknown-unit", "DATA-duplicate-unit")]
    owners = {o.unit.key: o for o in records.of("owners")}
    assert owners["B1-301"].unit.display == "B1-301" and owners["B2-301"].owner_name == "何伟勇"
