"""Key custody (K1–K7): worked examples at each boundary, from ledger rows to findings and fines, across nights.

Every test builds its own key register (钥匙借用登记表), staff sheet (员工与奖金) and shift-key sheet
(钥匙交接单) and runs whole nights through the public API.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from engine.render.documents import document_text

from .conftest import OWNER_HEADER, write_xlsx

KEY_HEADER = ["钥匙编号", "房号", "借用人", "借用人单位", "借用事由", "批准人", "经办人", "借出时间", "归还时间",
              "状态", "未还原因", "书面报告时间"]
STAFF = [["姓名", "岗位", "月份", "月奖金"], ["张伟", "客服管家", "2026-11", 300], ["李强", "项目负责人", "2026-11", 800],
         ["王芳", "客服主管", "2026-11", 500]]


def loan(key="K-101", unit="1-1-101", borrower="张伟", org="物业", purpose="维修", approver="李强", handler=None,
         lent="2026-11-18 09:00", returned="2026-11-18 15:00", status="正常", cause=None, reported=None):
    return [key, unit, borrower, org, purpose, approver, handler, lent, returned, status, cause, reported]


def folder(tmp_path: Path, loans: list[list], *, staff=STAFF, shifts=None, header=KEY_HEADER, name="ledgers") -> Path:
    d = tmp_path / name
    write_xlsx(d / "业主档案.xlsx", {"业主": [["XX花园业主档案"], OWNER_HEADER,
                                            ["1-1-101", "王建国", "13812345678", "110101199001011234", 100, "现金"]]})
    write_xlsx(d / "钥匙借用登记表.xlsx", {"钥匙": [["XX花园钥匙借用登记表"], header, *loans]})
    if staff is not None:
        write_xlsx(d / "员工与奖金.xlsx", {"员工": staff})
    if shifts is not None:
        write_xlsx(d / "钥匙交接单.xlsx", {"交接": [["日期", "班次", "领用人", "领用数量", "交回人", "交回数量", "核对人"],
                                                *shifts]})
    return d


def by_rule(result, prefix: str = "K") -> dict[str, list]:
    out: dict[str, list] = {}
    for f in result.findings:
        if f.rule.startswith(prefix):
            out.setdefault(f.rule, []).append(f)
    return out


def fines(result) -> list:
    return [f for f in result.findings if f.category == "员工罚款"]


# -- K1 ---------------------------------------------------------------------------


def test_returned_at_2359_is_on_time_and_0001_next_day_is_late(tmp_path, night):
    d = folder(tmp_path, [loan("K-101", returned="2026-11-18 23:59"), loan("K-102", returned="2026-11-19 00:01")])
    r = night(d, tmp_path / "out", "2026-11-20")
    late = by_rule(r)["K1-3"]
    assert [f.subject for f in late] == ["K-102"]
    assert "于 2026-11-19 00:01 才完成，超时 1分钟" in late[0].message
    assert "借出时长 15小时1分钟" in late[0].message
    assert [f.details["lapse_subject"] for f in fines(r)] == ["K-102"]  # the late one is fined, once
    assert fines(r)[0].details["fine"] == 50.0


def test_a_key_still_out_is_reported_with_how_long_it_has_been_out(tmp_path, night):
    d = folder(tmp_path, [loan("K-103", returned=None)])
    r = night(d, tmp_path / "out", "2026-11-20 12:00")
    (f,) = by_rule(r)["K1-3"]
    assert "已超时，仍未完成" in f.message and "借出时长 2天3小时" in f.message
    (k2,) = by_rule(r)["K2-1"]
    assert "已借出 2天3小时" in k2.message and "未写明未还原因" in k2.message


def test_on_the_night_of_lending_an_unreturned_key_is_not_yet_late(tmp_path, night):
    d = folder(tmp_path, [loan("K-104", lent="2026-11-20 09:00", returned=None)])
    r = night(d, tmp_path / "out", "2026-11-20")
    assert "K1-3" not in by_rule(r) and "K2-1" not in by_rule(r) and not fines(r)


def test_purpose_outside_inspection_cleaning_repair(tmp_path, night):
    d = folder(tmp_path, [loan("K-105", purpose="带客户看房"), loan("K-106", purpose="水管检修"),
                          loan("K-107", purpose=None)])
    r = night(d, tmp_path / "out", "2026-11-20")
    k1 = {f.subject: f for f in by_rule(r)["K1-1"]}
    assert set(k1) == {"K-105", "K-107"}  # 检修 is 维修 (company setting)
    assert "带客户看房" in k1["K-105"].message and "检查、清洁、维修" in k1["K-105"].message
    assert "（未填写）" in k1["K-107"].message


def test_approver_blank(tmp_path, night):
    d = folder(tmp_path, [loan("K-108", approver=None), loan("K-109", approver="  ")])
    r = night(d, tmp_path / "out", "2026-11-20")
    assert sorted(f.subject for f in by_rule(r)["K1-2"]) == ["K-108", "K-109"]
    assert all("批准人一栏空白" in f.message for f in by_rule(r)["K1-2"])
    assert sorted(f.details["lapse_subject"] for f in fines(r)) == ["K-108", "K-109"]


# -- K2: each night it stays so -----------------------------------------------------------


def test_key_out_without_cause_is_a_finding_each_night_and_fined_once(tmp_path, night):
    out = tmp_path / "out"
    d = folder(tmp_path, [loan("K-110", returned=None)])
    ids, numbers = [], []
    for day in ("2026-11-19", "2026-11-20", "2026-11-21"):
        r = night(d, out, day)
        (k2,) = by_rule(r)["K2-1"]
        ids.append(k2.id)
        (fine,) = fines(r)
        numbers.append(fine.number)
    assert len(set(ids)) == 1  # the same finding, night after night
    assert len(set(numbers)) == 1  # one fine, one 员工过失单, never repeated
    assert r.documents.get("员工过失单", 0) == 0  # not issued again on the third night
    with sqlite3.connect(out / "register.sqlite") as db:
        assert db.execute("SELECT COUNT(*), MIN(night) FROM fines").fetchone() == (1, "2026-11-19")
    # a cause recorded: the K2 finding goes; the late return (K1-3) stays
    d2 = folder(tmp_path, [loan("K-110", returned=None, cause="业主装修未完，钥匙暂由维修班保管")], name="l2")
    r = night(d2, out, "2026-11-22")
    assert "K2-1" not in by_rule(r) and "K1-3" in by_rule(r)


# -- K3 ---------------------------------------------------------------------------


def test_contractor_without_and_with_handler(tmp_path, night):
    d = folder(tmp_path, [
        loan("K-111", borrower="赵六", org="好家装饰", approver="李强", handler=None),
        loan("K-112", borrower="钱七", org="好家装饰", approver="李强", handler="张伟"),
        loan("K-113", borrower="孙八", org="好家装饰", approver=None, handler="张伟"),
        loan("K-114", borrower="周九", org="好家装饰", approver="李强", handler="吴十"),
    ])
    r = night(d, tmp_path / "out", "2026-11-20")
    k = by_rule(r)
    assert [f.subject for f in k["K3-1"]] == ["K-111"]
    assert "经办人空白" in k["K3-1"][0].message and "赵*" in k["K3-1"][0].message  # the outsider's name masked
    assert [f.subject for f in k["K3-2"]] == ["K-113"] and "未经许可" in k["K3-2"][0].message
    assert [f.subject for f in k["K3-3"]] == ["K-114"]  # 经办人 not on the staff sheet
    assert "K1-2" not in k  # a missing approval for an outsider is K3-2, not K1-2 as well
    # K-111: nobody to fine (no 经办人, borrower not staff) — reported, not guessed
    unassigned = [f for f in r.findings if f.rule == "DATA-fine-no-person"]
    assert [f.subject for f in unassigned] == ["K-111"]
    # K-113: the 经办人 answers for the unapproved loan
    (fine,) = [f for f in fines(r) if f.details["lapse_subject"] == "K-113"]
    assert fine.subject == "张伟" and fine.details["role"] == "经办人"


def test_without_a_staff_sheet_k3_is_not_judged_and_it_says_so(tmp_path, night):
    d = folder(tmp_path, [loan("K-115", borrower="赵六", org="好家装饰", handler=None)], staff=None)
    r = night(d, tmp_path / "out", "2026-11-20")
    assert not any(f.rule.startswith("K3") for f in r.findings)
    assert any(f.rule == "DATA-no-staff" for f in r.findings)


# -- K4 ---------------------------------------------------------------------------


def test_shift_keys_count_mismatch_missing_return_and_checker(tmp_path, night):
    shifts = [
        ["2026-11-18", "早班", "张伟", 12, None, None, None],      # the seed's pattern: 早班 draws …
        ["2026-11-18", "中班", None, None, "王芳", 10, "李强"],     # … 中班 returns, two short
        ["2026-11-18", "夜班", "刘洋", 3, None, None, None],        # a later draw, its own hand-over, never returned
        ["2026-11-17", "中班", None, None, "王芳", 4, "李强"],       # a return with no draw that day
        ["2026-11-19", "早班", "张伟", 8, "张伟", 8, None],         # one row, counts match, no checker
        ["2026-11-19", "夜班", "王芳", 5, None, None, None],        # drawn, never returned
        ["2026-11-20", "早班", "张伟", 6, None, None, None],        # today: the day is not over
    ]
    d = folder(tmp_path, [loan()], shifts=shifts)
    r = night(d, tmp_path / "out", "2026-11-20 18:00")
    k = by_rule(r)
    (mismatch,) = k["K4-1"]
    assert "领用 12 把" in mismatch.message and "交回 10 把" in mismatch.message and "相差 2 把" in mismatch.message
    assert [f.subject for f in k["K4-1"]] == ["钥匙交接 2026-11-18 早班→中班"]
    assert sorted(f.subject for f in k["K4-2"]) == ["钥匙交接 2026-11-18 夜班", "钥匙交接 2026-11-19 夜班"]
    assert any(f.rule == "DATA-handover-unpaired" for f in r.findings)
    assert [f.subject for f in k["K4-3"]] == ["钥匙交接 2026-11-19 早班"]
    (fine,) = [f for f in fines(r) if f.rule == "K6-1"]
    assert fine.subject == "王芳" and fine.details["fine"] == 100.0  # 50 元 × 2 units, to the one who returned


def test_a_folder_with_only_the_shift_key_sheet_is_checked(tmp_path, night):
    d = folder(tmp_path, [loan()], shifts=[["2026-11-19", "夜班", "王芳", 5, None, None, None]])
    (d / "钥匙借用登记表.xlsx").unlink()  # no key register tonight, only the shift hand-overs
    r = night(d, tmp_path / "out", "2026-11-20 18:00")
    assert [f.subject for f in by_rule(r)["K4-2"]] == ["钥匙交接 2026-11-19 夜班"]


# -- K5 ---------------------------------------------------------------------------


def test_lost_or_damaged_key_names_whether_and_when_the_written_report_was_made(tmp_path, night):
    d = folder(tmp_path, [
        loan("K-116", returned=None, status="遗失", reported="2026-11-18 16:30"),
        loan("K-117", returned="2026-11-18 11:00", status="损坏", reported="2026-11-19 09:00"),
        loan("K-118", returned=None, status="丢失", reported=None),
    ])
    r = night(d, tmp_path / "out", "2026-11-20")
    k5 = {f.subject: f.message for f in by_rule(r)["K5-1"]}
    assert "已于 2026-11-18 16:30 完成" in k5["K-116"]
    assert "于 2026-11-19 09:00 才完成" in k5["K-117"]
    assert "已超时，仍未完成" in k5["K-118"]
    assert not {"K-116", "K-118"} & {f.subject for f in by_rule(r).get("K1-3", [])}  # lost: not "late"
    # K6: lost → 200 to the person responsible, 100 to the project lead; damaged is not "lost or mixed up"
    lost = sorted((f.details["lapse_subject"], f.subject, f.details["fine"]) for f in fines(r) if f.rule == "K6-3")
    assert lost == [("K-116", "张伟", 200.0), ("K-116", "李强", 100.0), ("K-118", "张伟", 200.0),
                    ("K-118", "李强", 100.0)]


def test_no_project_lead_on_the_staff_sheet_is_reported_not_guessed(tmp_path, night):
    staff = [["姓名", "岗位", "月份", "月奖金"], ["张伟", "客服管家", "2026-11", 300]]
    d = folder(tmp_path, [loan("K-119", returned=None, status="遗失")], staff=staff)
    r = night(d, tmp_path / "out", "2026-11-20")
    (f,) = [f for f in r.findings if f.rule == "DATA-fine-no-role"]
    assert "项目负责人" in f.message and "K6-3 100 元" in f.message
    assert [x.subject for x in fines(r) if x.rule == "K6-3"] == ["张伟"]


# -- K7 ---------------------------------------------------------------------------


def test_power_windows_door_where_the_register_records_it(tmp_path, night):
    header = KEY_HEADER + ["断电", "关窗", "锁门"]
    d = folder(tmp_path, [loan("K-120") + ["是", "是", "是"], loan("K-121") + ["否", "是", "否"],
                          loan("K-122") + [None, None, None]], header=header)
    r = night(d, tmp_path / "out", "2026-11-20")
    k = by_rule(r)
    assert [f.subject for f in k["K7-1"]] == ["K-121"] and "未关闭电源、锁门" in k["K7-1"][0].message
    assert [f.subject for f in k["K7-2"]] == ["K-122"]
    assert [f.details["lapse_subject"] for f in fines(r)] == ["K-121"]
    # a register without those columns: nothing to check
    r2 = night(folder(tmp_path, [loan("K-123")], name="l2"), tmp_path / "out2", "2026-11-20")
    assert not any(f.policy == "K7" for f in r2.findings)


# -- dates, data and documents ----------------------------------------------------------------------


def test_a_loan_after_the_night_is_not_seen_and_bad_rows_are_reported(tmp_path, night):
    d = folder(tmp_path, [loan("K-124", lent="2026-11-21 09:00", returned=None, approver=None),
                          loan("K-125", lent="2026-11-19 09:00", returned="2026-11-18 09:00"),
                          loan("K-126"), loan("K-126")])
    r = night(d, tmp_path / "out", "2026-11-20")
    assert not [f for f in r.findings if f.subject == "K-124"]
    assert any(f.rule == "DATA-return-before-loan" and f.subject == "K-125" for f in r.findings)
    assert any(f.rule == "DATA-duplicate-loan" and f.subject == "K-126" for f in r.findings)


def test_one_fault_slip_per_fine_in_one_print_batch_and_json(tmp_path, night):
    d = folder(tmp_path, [loan("K-127", approver=None), loan("K-128", returned=None, status="遗失")])
    r = night(d, tmp_path / "out", "2026-11-20")
    assert r.documents["员工过失单"] == 3
    batch = r.folder / "打印批次" / "打印批次_员工过失单_3份.docx"
    text = document_text(batch)
    assert text.count("员工过失单") >= 3 and "过失字〔2026〕第0001号" in text and "第二十八条附则" in text
    assert "直至扣完为止" in text and "200 元" in text
    singles = sorted(p.name for p in (r.folder / "通知书" / "员工过失单").glob("*.docx"))
    assert len(singles) == 3
    data = json.loads((r.folder / "findings.json").read_text(encoding="utf-8"))
    fined = [x for x in data if x["category"] == "员工罚款"]
    assert {x["subject"] for x in fined} == {"张伟", "李强"}
    assert all(x["document"] == "员工过失单" and x["number"] and "fine" in x["details"] and "deducted" in x["details"]
               for x in fined)
    assert {x["policy"] for x in fined} == {"K6"}


# -- the demo ledgers over three nights ---------------------------------------------------------------------


def test_demo_nights_never_repeat_lose_or_renumber_a_fine(demo_ledgers, tmp_path, night):
    out = tmp_path / "out"
    nights = {day: night(demo_ledgers, out, day) for day in ("2026-11-19", "2026-11-20", "2026-11-21")}
    k2 = {day: {f.subject for f in r.findings if f.rule == "K2-1"} for day, r in nights.items()}
    assert all("K-0203" in s for s in k2.values())  # out since the 18th, no cause: every night
    slips = {day: {f.matter: f.number for f in fines(r)} for day, r in nights.items()}
    for earlier, later in (("2026-11-19", "2026-11-20"), ("2026-11-20", "2026-11-21")):
        for matter, number in slips[earlier].items():
            assert slips[later][matter] == number  # still there, same 员工过失单
    issued = {day: r.documents.get("员工过失单", 0) for day, r in nights.items()}
    new = {day: len(set(slips[day]) - set(slips.get(prev, {})))
           for prev, day in ((None, "2026-11-19"), ("2026-11-19", "2026-11-20"), ("2026-11-20", "2026-11-21"))}
    assert issued == new  # a slip only on the night its fine arose
    with sqlite3.connect(out / "register.sqlite") as db:
        numbers = [n for (n,) in db.execute("SELECT number FROM notices WHERE document = '员工过失单'")]
        assert len(numbers) == len(set(numbers)) == db.execute("SELECT COUNT(*) FROM fines WHERE payer = 'staff'"
                                                                 ).fetchone()[0]
    (zhang,) = [r for r in summary(nights["2026-11-20"]) if r[1] == "张伟"]
    assert zhang[4:8] == (250, 200, 200, 50)  # fines over the bonus: 扣完为止


def summary(result) -> list[tuple]:
    import openpyxl

    wb = openpyxl.load_workbook(next(result.folder.glob("异常清单_*.xlsx")), read_only=True)
    return [tuple(r) for r in wb["扣罚汇总"].iter_rows(min_row=2, values_only=True)]
