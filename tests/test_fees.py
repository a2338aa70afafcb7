"""Fee policies end to end: the demo night, the ladder across nights, the notice text, the workbook."""
import json

import openpyxl
import pytest

from engine.render.documents import document_text

from .conftest import small_estate


def notices_by_unit(out_night):
    data = json.loads((out_night / "findings.json").read_text(encoding="utf-8"))
    docs = {}
    for f in data:
        if f["policy"] == "F3":
            docs.setdefault(f["subject"], set()).add(f["document"])
    return data, docs


@pytest.fixture(scope="module")
def demo_night(tmp_path_factory):
    from engine import parse_as_of, run_night

    from .conftest import REPO, TODAY
    out = tmp_path_factory.mktemp("out")
    result = run_night(REPO / "ledgers", REPO / "rules", out, parse_as_of("2026-11-20"), REPO / "forms", today=TODAY)
    return result


def test_demo_night_issues_the_right_notice_to_the_right_household(demo_night):
    data, docs = notices_by_unit(demo_night.folder)
    assert docs == {
        "2-1-402": {"最后催费通知书"}, "1-2-1102": {"最后催费通知书"}, "2-2-704": {"二次催费通知书"},
        "3-1-502": {"催费通知书"}, "1-2-502": {"催费通知书"}, "3-2-801": {"催费通知书"},
        "9-1-101": {"最后催费通知书"},  # building 9's long-term debtor (tools/sample_areas/collections.py)
    }
    fee_documents = {k: v for k, v in demo_night.documents.items() if k.endswith("催费通知书")}
    assert fee_documents == {"催费通知书": 3, "二次催费通知书": 1, "最后催费通知书": 3}


def test_demo_night_holds_the_ladder_for_an_instalment_plan_on_time(demo_night):
    data, docs = notices_by_unit(demo_night.folder)
    held = [f for f in data if f["policy"] == "F11"]
    assert {f["subject"] for f in held} == {"2-2-1002"} and all(f["document"] is None for f in held)
    # traceable to the fee row and to the agreement's instalments (分期协议 rows 2–4)
    assert {(s["sheet"], s["row"]) for s in held[0]["sources"]} >= {("分期协议", 2), ("分期协议", 3), ("分期协议", 4)}
    assert "2-2-1002" not in docs


def test_demo_night_reports_every_bad_cell_with_its_place(demo_night):
    data = json.loads((demo_night.folder / "findings.json").read_text(encoding="utf-8"))
    mine = {"业主档案.xls", "2026年收费台账.xlsx", "投诉报修台账.xlsx"}  # the ledgers of fees and complaints
    places = {(s["file"], s["sheet"], s["row"], s.get("column"), s.get("value"))
              for f in data if f["policy"] == "DATA" for s in f["sources"] if s["file"] in mine}
    assert places == {
        ("业主档案.xls", "业主档案", 13, "交房日期", "2026-13-45"),
        ("2026年收费台账.xlsx", "10-11月", 78, "应收金额", "#REF!"),
        ("2026年收费台账.xlsx", "10-11月", 8, "实收金额", "约300"),
        ("2026年收费台账.xlsx", "10-11月", 153, "所属期", "2026-13"),
        ("2026年收费台账.xlsx", "10-11月", 204, "房号", "9-9-999"),
        ("2026年收费台账.xlsx", "10-11月", 205, "缴费日期", "2026-11-25"),
        ("2026年收费台账.xlsx", "说明", 0, None, None),
        ("投诉报修台账.xlsx", "11月工单", 21, "受理时间", "明天上午"),
    }


def test_demo_night_amounts_and_late_fee_on_the_final_notice(demo_night):
    text = document_text(next((demo_night.folder / "通知书" / "最后催费通知书").glob("*2-1-402.docx")))
    # 物业费 2026-10: 223.90 × 0.0005 × 36 days = 4.03; four items, principal 479.60
    assert "223.90" in text and "4.03" in text and "479.60" in text and "483.63" in text
    assert "违约金" in text and "滞纳金" not in text
    assert "催字〔2026〕第" in text and "2026年11月27日" in text
    assert "不得采取停止供电、供水、供热、供燃气等方式催交物业费" in text


def test_demo_night_sms_list_and_reminder_findings(demo_night):
    data = json.loads((demo_night.folder / "findings.json").read_text(encoding="utf-8"))
    assert sorted((f["rule"], f["subject"]) for f in data if f["policy"] == "F2") == [
        ("F2-1", "2-1-1201"), ("F2-1", "3-2-1502"), ("F2-2", "3-1-1301")]
    csv_text = (demo_night.folder / "短信缴费提醒.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0] == "手机号,房号,收费项目,所属期,应缴金额,缴费期限,短信内容"
    assert len(csv_text.splitlines()) == 4


def test_print_batch_has_a_page_per_notice_and_single_files_match(demo_night):
    batch = demo_night.folder / "打印批次" / "打印批次_催费通知书_3份.docx"
    text = document_text(batch)
    assert text.count("通知编号：") == 3 and text.count("送达回执") == 3  # a receipt slip per notice
    singles = sorted((demo_night.folder / "通知书" / "催费通知书").glob("*.docx"))
    assert len(singles) == 3
    assert all(document_text(p).count("通知编号：") == 1 for p in singles)


def test_exception_workbook(demo_night):
    wb = openpyxl.load_workbook(next(demo_night.folder.glob("异常清单_*.xlsx")))
    assert wb.sheetnames[:3] == ["汇总", "数据问题", "催费通知"]
    ws = wb["数据问题"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert [c.value for c in ws[1]][:6] == ["序号", "严重程度", "政策编号", "规则", "对象", "说明"]
    assert ws.data_validations.dataValidation[0].formula1 == '"未处理,处理中,已处理"'
    assert all(row[9].value == "未处理" for row in ws.iter_rows(min_row=2))
    assert {"缴费提醒", "短信提醒名单", "收费率统计", "分期协议"} <= set(wb.sheetnames)
    phones = [c.value for c in wb["短信提醒名单"]["C"][1:]]
    assert len(phones) == 3 and all(len(p) == 11 and p[3:7] == "****" for p in phones)
    rates = {(r[0].value, r[1].value): (r[4].value, r[6].value) for r in wb["收费率统计"].iter_rows(min_row=2)}
    assert rates[("1", "垃圾清运费")] == (1.0, "达标")  # a real number, formatted 0.0%
    assert wb["收费率统计"]["E2"].number_format == "0.0%"
    below = {f"{b}栋" for (b, _), (_, verdict) in rates.items() if verdict == "未达标"}
    assert below == {row[4].value for row in wb["收费率"].iter_rows(min_row=2)} if "收费率" in wb.sheetnames else not below


def test_user_strings_never_become_formulas(tmp_path, night):
    ledgers = small_estate(tmp_path / "l", [["1-1-101", "=HYPERLINK(\"http://x\")", "2026-10", 100, None, None, None]])
    result = night(ledgers, tmp_path / "out", "2026-11-20")
    wb = openpyxl.load_workbook(next(result.folder.glob("异常清单_*.xlsx")))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert any(isinstance(c.value, str) and "=HYPERLINK" in c.value for c in cells)


UNPAID_NOVEMBER = [["1-1-101", "物业费", "2026-11", 250, None, None, None]]


def _issued(result):
    data = json.loads((result.folder / "findings.json").read_text(encoding="utf-8"))
    return result.documents, sorted({(f["rule"], f["document"]) for f in data if f["policy"] == "F3"})


def test_ladder_across_nights_never_issues_twice(tmp_path, night):
    ledgers = small_estate(tmp_path / "l", UNPAID_NOVEMBER)
    out = tmp_path / "out"
    assert _issued(night(ledgers, out, "2026-11-15")) == ({}, [])  # due today: not late yet
    first = night(ledgers, out, "2026-11-16")
    assert _issued(first) == ({"催费通知书": 1}, [("F3-1", "催费通知书")])
    again = night(ledgers, out, "2026-11-16")  # the same night twice: the same notice, same number
    assert _issued(again) == ({"催费通知书": 1}, [("F3-1", "催费通知书")])
    assert sorted(p.name for p in (again.folder / "通知书" / "催费通知书").iterdir()) == ["催字2026第0001号_1-1-101.docx"]
    assert _issued(night(ledgers, out, "2026-11-17")) == ({}, [("F3-1", None)])  # still owed, already notified
    assert _issued(night(ledgers, out, "2026-11-24")) == ({"二次催费通知书": 1}, [("F3-2", "二次催费通知书")])
    final = night(ledgers, out, "2026-12-01")
    assert _issued(final) == ({"最后催费通知书": 1}, [("F3-3", "最后催费通知书")])
    assert "催字2026第0003号_1-1-101.docx" in [p.name for p in (final.folder / "通知书" / "最后催费通知书").iterdir()]


def test_a_skipped_night_is_caught_up_at_the_highest_step(tmp_path, night):
    ledgers = small_estate(tmp_path / "l", UNPAID_NOVEMBER)
    out = tmp_path / "out"
    assert _issued(night(ledgers, out, "2026-11-26")) == ({"二次催费通知书": 1}, [("F3-2", "二次催费通知书")])
    assert _issued(night(ledgers, out, "2026-12-10")) == ({"最后催费通知书": 1}, [("F3-3", "最后催费通知书")])


@pytest.mark.parametrize("paid, paid_date, expected", [
    (250, "2026-11-15", []),  # paid in full on the due date
    (250, "2026-11-10", []),
    (100, "2026-11-10", [("F3-1", "催费通知书")]),  # a partial payment leaves the remainder due
    (250, "2026-11-21", [("F3-1", "催费通知书")]),  # paid after the as-of date: not yet paid that night
])
def test_payments(tmp_path, night, paid, paid_date, expected):
    ledgers = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-11", 250, paid, paid_date, None]])
    assert _issued(night(ledgers, tmp_path / "out", "2026-11-20"))[1] == expected


def test_partial_payment_notice_shows_the_remainder(tmp_path, night):
    ledgers = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-11", 250, 100, "2026-11-10", None]])
    result = night(ledgers, tmp_path / "out", "2026-11-20")
    text = document_text(next((result.folder / "通知书" / "催费通知书").glob("*.docx")))
    assert "150.00" in text and "王建国" in text and "2026年11月27日" in text


def test_an_auditor_can_rerun_a_past_night(tmp_path, night):
    """Nights run later do not change what a re-run of an earlier night issues."""
    ledgers = small_estate(tmp_path / "l", UNPAID_NOVEMBER)
    out = tmp_path / "out"
    night(ledgers, out, "2026-11-16")
    night(ledgers, out, "2026-11-24")
    first = json.loads((out / "2026-11-16" / "findings.json").read_text(encoding="utf-8"))
    rerun = night(ledgers, out, "2026-11-16")
    assert json.loads((rerun.folder / "findings.json").read_text(encoding="utf-8")) == first


def test_templates_never_threaten_to_cut_utilities_and_use_an_east_asian_font():
    import zipfile

    from engine.rules.model import threatens_utilities

    from .conftest import REPO
    for template in sorted((REPO / "forms").glob("*.docx")):
        text = document_text(template)
        assert not threatens_utilities(text), template.name
        assert "滞纳金" not in text, template.name
        styles = zipfile.ZipFile(template).read("word/styles.xml").decode("utf-8")
        assert 'w:eastAsia="宋体"' in styles, template.name


def test_generated_documents_open_in_word_libraries(demo_night):
    import docx

    paths = list((demo_night.folder / "通知书").rglob("*.docx")) + list((demo_night.folder / "打印批次").glob("*.docx"))
    for title in ("催费通知书", "二次催费通知书", "最后催费通知书", "投诉处理档案卡", "“总经理信箱”信件处理档案"):
        # single notices + one print batch per document type
        assert len(list((demo_night.folder / "通知书" / title).glob("*.docx"))) == demo_night.documents[title], title
        assert list((demo_night.folder / "打印批次").glob(f"打印批次_{title}_*份.docx")), title
    for path in paths:
        document = docx.Document(str(path))
        assert any("编号" in p.text for p in document.paragraphs), path.name


def test_the_summary_sheet_names_every_skipped_row(demo_night):
    wb = openpyxl.load_workbook(next(demo_night.folder.glob("异常清单_*.xlsx")))
    summary = {r[0].value: r[1].value for r in wb["汇总"].iter_rows(min_row=2)}
    assert summary["台账：2026年收费台账.xlsx › 10-11月"] == "收费台账，表头第3行，数据 204 行；跳过空行：第208行；跳过合计行：第209行"
    assert summary["台账：2026年收费台账.xlsx › 说明"] == "未识别"


def test_bank_debit_reminder_waits_for_the_debit_day_of_the_due_month(tmp_path, night):
    rows = [["1-1-102", "物业费", "2026-12", 80, None, None, "2026-12-15"]]  # 李秀英 pays by 银行代扣
    ledgers = small_estate(tmp_path / "l", rows)
    reminders = lambda d: [f["rule"] for f in json.loads((night(ledgers, tmp_path / d, d).folder / "findings.json")
                                                          .read_text(encoding="utf-8")) if f["policy"] == "F2"]
    assert reminders("2026-11-20") == []  # the 11-21 debit is November's, not December's
    assert reminders("2026-12-07") == ["F2-2"]  # three days before the 12-10 debit


# ---------------------------------------------------------------- issue 9: F2, F3a and the notice deadline

DEBIT_OWNERS = [
    ["1-1-101", "王建国", "13812345678", "110101199001011234", 100, "预存"],
    ["1-1-102", "李秀英", "13900001111", "110101199202022345", 80, "银行代扣"],
]


def _night_findings(result):
    return json.loads((result.folder / "findings.json").read_text(encoding="utf-8"))


def test_prepaid_households_get_the_ten_day_reminder(tmp_path, night):
    ledgers = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-11", 250, 50, "2026-11-01", "2026-11-30"]],
                           owners=DEBIT_OWNERS)
    out = tmp_path / "out"
    assert [f["rule"] for f in _night_findings(night(ledgers, out, "2026-11-19")) if f["policy"] == "F2"] == []
    on_day = _night_findings(night(ledgers, out, "2026-11-20"))  # ten days before the 30th
    (f,) = [f for f in on_day if f["policy"] == "F2"]
    assert f["rule"] == "F2-3" and "预存冲抵后仍应缴 200 元" in f["message"] and "催费温馨提示" in f["message"]
    assert [f for f in _night_findings(night(ledgers, out, "2026-11-21")) if f["policy"] == "F2"] == []  # once


def test_bank_debit_household_is_not_dunned_before_the_second_debit(tmp_path, night):
    """李秀英 pays by 银行代扣; November's fee was due on the 15th and the debit of the 10th failed. The second
    debit is on the 21st: no 催费通知书 before it (that night included), a reminder three days before it,
    the ladder from the 22nd, never stepping down."""
    ledgers = small_estate(tmp_path / "l", [["1-1-102", "物业费", "2026-11", 80, None, None, None]],
                           owners=DEBIT_OWNERS)
    out = tmp_path / "out"
    seen = {}
    for day in range(16, 26):
        result = night(ledgers, out, f"2026-11-{day}")
        seen[day] = (dict(result.documents), sorted(f["rule"] for f in _night_findings(result)
                                                    if f["policy"] in ("F2", "F3")))
    for day in range(16, 22):
        assert seen[day][0] == {}, day
        assert "F2-4" in seen[day][1], day
    assert "F2-5" not in seen[17][1] and "F2-5" in seen[18][1] and "F2-5" not in seen[19][1]  # once, 3 days before
    assert seen[22] == ({"催费通知书": 1}, ["F3-1"])
    assert seen[23] == ({}, ["F3-1"])
    assert seen[24] == ({"二次催费通知书": 1}, ["F3-2"])
    csv_text = (out / "2026-11-18" / "短信缴费提醒.csv").read_text(encoding="utf-8-sig")
    assert "银行将于2026年11月21日代扣" in csv_text


def test_the_notice_date_matches_its_wording_counted_from_issue(tmp_path, night):
    ledgers = small_estate(tmp_path / "l", UNPAID_NOVEMBER)
    result = night(ledgers, tmp_path / "out", "2026-11-20")
    text = document_text(next((result.folder / "通知书" / "催费通知书").glob("*.docx")))
    # 民法典 第二百零一条: the day of issue is not counted — 7 days from 11-20 end on 11-27
    assert "通知日期：2026年11月20日" in text and "缴费截止日期：2026年11月27日" in text
    assert "自本通知发出之日起7日内，即2026年11月27日（含当日）前" in text


def test_late_fee_review_messages_print_the_parameters(tmp_path, night):
    import shutil

    from .conftest import REPO
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)  # every area's rule file: the loader needs them all
    text = (rules / "fees.yaml").read_text(encoding="utf-8")
    text = text.replace("- {from: 2020-01-01, value: 0.0005}", "- {from: 2020-01-01, value: 0.005}")
    (rules / "fees.yaml").write_text(text, encoding="utf-8")
    ledgers = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-01", 100, None, None, None]])
    data = _night_findings(night(ledgers, tmp_path / "out", "2026-11-20", rules=rules))
    (rate,) = [f for f in data if f["rule"] == "F3a-1"]
    assert rate["message"].startswith("违约金日费率为每日千分之5，高于公司复核线（每日千分之3）")
    (ratio,) = [f for f in data if f["rule"] == "F3a-2"]  # 100 × 0.005 × 294 days = 147 > 30% of 100
    assert "已超过欠缴本金 100 元的30%（公司复核线，相对本金）" in ratio["message"]
