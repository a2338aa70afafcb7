"""The fines register (T13): once per lapse, dated by its night, capped by the month's bonus, across nights."""
from __future__ import annotations

import sqlite3
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from engine.areas.base import Context, Fact
from engine.outcomes.fines import FineEntry
from engine.record.fines import apply_cap, bonus_of, settle_fines
from engine.record.register import Register
from engine.rules.model import Rule
from engine.validate import GenericRecord, Records, RowRef

from .test_keys import folder, loan


def fines(result) -> list:
    return [f for f in result.findings if f.category == "员工罚款"]


def summary_rows(result) -> list[tuple]:
    wb = openpyxl.load_workbook(next(result.folder.glob("异常清单_*.xlsx")), read_only=True)
    return [tuple(r) for r in wb["扣罚汇总"].iter_rows(min_row=2, values_only=True)]


def test_fines_over_the_bonus_are_deducted_until_it_is_used_up(tmp_path, night):
    """张伟's bonus is 300: 50 + 200 + 50 + 200 = 500 in November → 300 deducted, 200 not (扣完为止).
    Fines are deducted in the order they arose (night, then rule and subject): the last one finds the bonus used up."""
    d = folder(tmp_path, [
        loan("K-201", approver=None, lent="2026-11-10 09:00", returned="2026-11-10 10:00"),
        loan("K-202", returned=None, status="遗失", lent="2026-11-11 09:00"),
        loan("K-203", returned="2026-11-13 08:00", lent="2026-11-12 09:00"),
        loan("K-204", returned=None, status="错乱", lent="2026-11-12 10:00"),
    ])
    r = night(d, tmp_path / "out", "2026-11-20")
    mine = sorted((f for f in fines(r) if f.subject == "张伟"), key=lambda f: f.number)
    assert [(f.rule, f.details["lapse_subject"]) for f in mine] == [
        ("K6-2", "K-201"), ("K6-2", "K-203"), ("K6-3", "K-202"), ("K6-3", "K-204")]
    assert [f.details["fine"] for f in mine] == [50.0, 50.0, 200.0, 200.0]
    assert [f.details["deducted"] for f in mine] == [50.0, 50.0, 200.0, 0.0]
    assert [f.details["not_deducted"] for f in mine] == [0.0, 0.0, 0.0, 200.0]
    assert "因当月奖金已扣完不再扣（扣完为止，不转下月）" in mine[-1].message
    rows = {row[1]: row for row in summary_rows(r)}
    assert rows["张伟"][:8] == ("2026年11月", "张伟", "客服管家", 4, 500, 300, 300, 200)
    assert rows["李强"][:8] == ("2026年11月", "李强", "项目负责人", 2, 200, 800, 200, 0)  # project lead: 100 + 100


def test_not_carried_to_the_next_month(tmp_path, night):
    out = tmp_path / "out"
    november = folder(tmp_path, [loan("K-205", returned=None, status="遗失"), loan("K-206", returned=None,
                                                                                   status="遗失")])
    r = night(november, out, "2026-11-20")
    (row,) = [x for x in summary_rows(r) if x[1] == "张伟"]
    assert row[4:8] == (400, 300, 300, 100)
    staff = [["姓名", "岗位", "月份", "月奖金"], ["张伟", "客服管家", "2026-11", 300], ["张伟", "客服管家", "2026-12", 300],
             ["李强", "项目负责人", "2026-12", 800]]
    december = folder(tmp_path, [loan("K-207", approver=None, lent="2026-12-01 09:00", returned="2026-12-01 15:00")], staff=staff, name="dec")
    r = night(december, out, "2026-12-02")
    rows = {(x[0], x[1]): x for x in summary_rows(r)}
    assert rows[("2026年12月", "张伟")][4:8] == (50, 300, 50, 0)  # November's 100 not deducted is not carried
    assert rows[("2026年11月", "张伟")][4:8] == (400, 300, 300, 100)  # last month still shown, unchanged


def test_a_person_with_fines_but_no_bonus_row_is_a_data_finding(tmp_path, night):
    staff = [["姓名", "岗位", "月份", "月奖金"], ["张伟", "客服管家", "2026-10", 300], ["李强", "项目负责人", "2026-11", 800]]
    d = folder(tmp_path, [loan("K-208", approver=None)], staff=staff)
    r = night(d, tmp_path / "out", "2026-11-20")
    (fine,) = fines(r)
    assert fine.subject == "张伟" and fine.details["fine"] == 50.0 and "deducted" not in fine.details
    assert "不推测奖金数" in fine.message
    (data,) = [f for f in r.findings if f.rule == "DATA-bonus-no-row"]
    assert data.subject == "张伟" and "2026年11月" in data.message and data.severity == "错误"
    (row,) = summary_rows(r)
    assert row[4:8] == (50, None, None, None) and "未计算" in row[8]


def test_rerunning_a_night_adds_nothing_twice_and_an_auditor_sees_that_nights_state(tmp_path, night):
    out = tmp_path / "out"
    d = folder(tmp_path, [loan("K-209", approver=None, lent="2026-11-18 09:00"),
                          loan("K-210", returned=None, lent="2026-11-20 09:00")])
    first = night(d, out, "2026-11-20")
    again = night(d, out, "2026-11-20")
    assert [(f.matter, f.number) for f in fines(first)] == [(f.matter, f.number) for f in fines(again)]
    assert again.documents["员工过失单"] == 1  # tonight's slip re-rendered with its number, not a new one
    nxt = night(d, out, "2026-11-21")  # K-210 now late: a new fine, a new number
    assert len(fines(nxt)) == 2 and nxt.documents["员工过失单"] == 1
    with sqlite3.connect(out / "register.sqlite") as db:
        assert db.execute("SELECT night, subject FROM fines ORDER BY night").fetchall() == [
            ("2026-11-20", "K-209"), ("2026-11-21", "K-210")]
    past = night(d, out, "2026-11-20")  # the auditor re-runs the 20th
    assert [(f.matter, f.number) for f in fines(past)] == [(f.matter, f.number) for f in fines(first)]
    with sqlite3.connect(out / "register.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM fines").fetchone() == (2,)
        numbers = [n for (n,) in db.execute("SELECT number FROM notices WHERE document = '员工过失单'")]
    assert len(numbers) == len(set(numbers)) == 2  # never numbered twice


# -- the register on its own: contractor fines, the cap ---------------------------------------------------


def _rule(fines: list[dict], rid: str = "V1-1", policy: str = "V1") -> Rule:
    return Rule.model_validate({"id": rid, "policy": policy, "title": "测试", "citation": "001 › 篇3 › 3.26",
                                "when": {"fact": "x"}, "then": {"category": "装修", "message": "{what}",
                                                               "report": "none", "fines": fines},
                                "examples": [{"name": "例", "fact": {"fact": "x"}, "expect": [rid]}]})


def _ctx(tmp_path, staff_rows: list[dict]) -> Context:
    register = Register(tmp_path / "register.sqlite")
    register.load(date(2026, 11, 20))
    ref = RowRef("员工与奖金.xlsx", "员工", 2, {"name": "姓名", "monthly_bonus": "月奖金"})
    staff = [GenericRecord(ref=ref, **s) for s in staff_rows]
    ctx = Context(datetime(2026, 11, 20, 23, 59, 59), date(2026, 11, 22), None, None, register,
                  Records({"staff": staff}))
    ctx.cache["_params"] = {"fine": 1000, "fines_capped_by_bonus": True}
    return ctx


class _Catalogue:
    documents: dict = {}


def test_contractor_fines_are_deposit_deductions_never_capped(tmp_path):
    ctx = _ctx(tmp_path, [{"name": "张伟", "role": "客服管家", "month": (2026, 11), "monthly_bonus": Decimal(300)}])
    rule = _rule([{"amount": "$fine", "person": "contractor", "payer": "contractor", "clause": "001 › 篇3 › 3.26 E"}])
    fact = Fact("x", "1-1-101", {"what": "高空抛物", "contractor": "好家装饰"}, matter="2026-11-19")
    entry = FineEntry(rule, fact, rule.then.fines[0], Decimal(1000), "好家装饰", "施工单位", "2026-11",
                      reason="1-1-101 高空抛物")
    derived, out = settle_fines([entry], ctx, _Catalogue())
    (f,) = out.findings
    assert f.category == "保证金扣款" and f.subject == "好家装饰" and f.document is None
    assert f.details["fine"] == 1000.0 and f.details["deducted"] == 1000.0 and f.details["from"] == "保证金"
    assert "扣罚汇总" not in derived.sheets and not out.notices  # no 员工过失单, no bonus cap
    header, rows = derived.sheets["保证金扣款"]
    assert rows[0][1:3] == ["好家装饰", Decimal(1000)]
    ctx.register.commit()
    with sqlite3.connect(tmp_path / "register.sqlite") as db:
        assert db.execute("SELECT payer, person, amount FROM fines").fetchall() == [("contractor", "好家装饰", "1000")]


def test_bonus_rows_are_read_not_guessed(tmp_path):
    ref = RowRef("员工与奖金.xlsx", "员工", 2, {})
    staff = [GenericRecord(ref=ref, name="张伟", month=(2026, 11), monthly_bonus=Decimal(300)),
             GenericRecord(ref=ref, name="李强", month=None, monthly_bonus=Decimal(800)),  # a standing bonus
             GenericRecord(ref=ref, name="王芳", month=(2026, 11), monthly_bonus=Decimal(500)),
             GenericRecord(ref=ref, name="王芳", month=(2026, 11), monthly_bonus=Decimal(600)),
             GenericRecord(ref=ref, name="赵六", month=(2026, 11), monthly_bonus=None)]
    assert bonus_of(staff, "张伟", "2026-11").amount == 300
    assert bonus_of(staff, "张伟", "2026-12").problem == "no-row"
    assert bonus_of(staff, "李强", "2026-12").amount == 800
    assert bonus_of(staff, "王芳", "2026-11").problem == "conflict"
    assert bonus_of(staff, "赵六", "2026-11").problem == "blank"


@pytest.mark.parametrize("amounts, bonus, deducted", [
    ([50, 50], 300, [50, 50]),              # under the bonus
    ([100, 200], 300, [100, 200]),          # exactly the bonus
    ([200, 200, 50], 300, [200, 100, 0]),   # over: the fines that arose first are deducted first
    ([50], 0, [0]),                         # no bonus this month: nothing to deduct
])
def test_cap_arithmetic(amounts, bonus, deducted):
    from engine.record.fines import FineRow

    rows = [FineRow(f"k{i}", f"2026-11-{10 + i}", "2026-11", "张伟", "借用人", "staff", Decimal(a), "K6", "K6-2",
                    "第二十八条附则", "K-1", "", "", ()) for i, a in enumerate(amounts)]
    ref = RowRef("员工与奖金.xlsx", "员工", 2, {})
    staff = [GenericRecord(ref=ref, name="张伟", month=(2026, 11), monthly_bonus=Decimal(bonus))]
    settled, summary = apply_cap(rows, staff)
    assert [s.deducted for s in settled] == deducted
    s = summary[("2026-11", "张伟")]
    assert s["deducted"] == min(sum(amounts), bonus) and s["total"] == sum(amounts)


def test_fines_of_a_run_voided_before_publishing_do_not_count(tmp_path, night):
    """A run that died between committing its numbers and publishing its folder is voided: its fines are not
    issued either, and the next night registers them afresh with a new 员工过失单 number."""
    out = tmp_path / "out"
    d = folder(tmp_path, [loan("K-211", approver=None)])
    (first,) = fines(night(d, out, "2026-11-20"))
    with sqlite3.connect(out / "register.sqlite") as db:
        (run,) = db.execute("SELECT run FROM fines").fetchone()
    register = Register(out / "register.sqlite")
    register.void(run, "测试：发布前中断")
    register.close()
    r = night(d, out, "2026-11-21")
    (again,) = fines(r)
    assert again.matter == first.matter and again.number != first.number and r.documents["员工过失单"] == 1
    with sqlite3.connect(out / "register.sqlite") as db:
        assert db.execute("SELECT night, number FROM fines").fetchall() == [("2026-11-21", again.number)]
