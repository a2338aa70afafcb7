"""120 consecutive nights on a generated estate: random payments, partial payments and instalment plans.

For every household: the steps issued never go down while an earlier notice's debt is still open, no notice
number repeats, every fee item unpaid past the 30th reaches a final notice exactly once (unless an
instalment plan kept on time holds it), and every notice's text matches the register.
"""
import random
import sqlite3
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from engine import parse_as_of, run_night
from engine.render.documents import document_text

from .conftest import REPO, write_xlsx

FIRST_NIGHT = date(2026, 7, 1)
NIGHTS = 120
MONTHS = [(2026, 7), (2026, 8), (2026, 9), (2026, 10)]
UNITS = [f"{b}-1-{r}01" for b in (1, 2) for r in range(1, 9)]  # 16 households


def _estate(seed: int = 20261123):
    rng = random.Random(seed)
    fees, payments = [], {}  # payments[(unit, item, period)] = [(date, amount)]
    for unit in UNITS:
        for (y, m) in MONTHS:
            for item, amount in (("物业费", Decimal(rng.randrange(180, 360))), ("水费", Decimal(rng.randrange(20, 60)))):
                due = date(y, m, 15)
                roll = rng.random()
                if roll < 0.45:
                    paid = [(due - timedelta(days=rng.randrange(0, 10)), amount)]
                elif roll < 0.7:
                    paid = [(due + timedelta(days=rng.randrange(1, 60)), amount)]
                elif roll < 0.82:
                    paid = [(due + timedelta(days=rng.randrange(-5, 30)), (amount / 2).quantize(Decimal("0.01")))]
                else:
                    paid = []
                payments[(unit, item, f"{y}-{m:02d}")] = paid
                # a ledger keeps one row per payment (and the unpaid row)
                if not paid:
                    fees.append([unit, item, f"{y}-{m:02d}", float(amount), None, None])
                for when, value in paid:
                    fees.append([unit, item, f"{y}-{m:02d}", float(amount), float(value), when.isoformat()])
    plans = [  # one plan kept on time throughout, one broken in September
        ["2-1-801", "FQ-A", 1, "2026-08-10", 100, 100, "2026-08-09"],
        ["2-1-801", "FQ-A", 2, "2026-09-10", 100, 100, "2026-09-10"],
        ["2-1-801", "FQ-A", 3, "2026-10-10", 100, 100, "2026-10-08"],
        ["1-1-801", "FQ-B", 1, "2026-08-10", 100, 100, "2026-08-10"],
        ["1-1-801", "FQ-B", 2, "2026-09-10", 100, None, None],
    ]
    return fees, payments, plans


def _outstanding(payments, key, amount_due, day: date) -> Decimal:
    return amount_due - sum((v for d, v in payments[key] if d <= day), Decimal("0"))


@pytest.fixture(scope="module")
def estate_run(tmp_path_factory):
    fees, payments, plans = _estate()
    folder = tmp_path_factory.mktemp("estate")
    write_xlsx(folder / "业主档案.xlsx", {"业主": [["房号", "业主姓名", "缴费方式"]] +
                                            [[u, f"业主{u}", "现金"] for u in UNITS]})
    write_xlsx(folder / "收费台账.xlsx", {
        "收费": [["房号", "收费项目", "所属期", "应收金额", "实收金额", "缴费日期"], *fees],
        "分期协议": [["房号", "协议编号", "期次", "约定缴费日期", "约定金额", "实缴金额", "实缴日期"], *plans]})
    out = tmp_path_factory.mktemp("out")
    last = FIRST_NIGHT + timedelta(days=NIGHTS - 1)
    texts = {}
    for n in range(NIGHTS):
        night = FIRST_NIGHT + timedelta(days=n)
        result = run_night(folder, REPO / "rules", out, parse_as_of(night.isoformat()), REPO / "forms", today=last)
        for path in (result.folder / "通知书").rglob("*.docx"):
            if path.parent.name.endswith("催费通知书"):
                texts[path.name.split("_")[0]] = (night, document_text(path))
    db = sqlite3.connect(out / "register.sqlite")
    notices = db.execute("SELECT number, subject, document, step, as_of FROM notices WHERE prefix = '催字' "
                         "ORDER BY as_of, number").fetchall()
    items = defaultdict(list)
    for number, item, step in db.execute("SELECT number, item, step FROM notice_items"):
        items[number].append((item, step))
    amounts = {}
    for unit, item, period, due, _, _ in fees:
        amounts[(unit, item, period)] = Decimal(str(due))
    return notices, items, payments, amounts, texts, last


def test_the_estate_run_issues_notices_at_every_step(estate_run):
    notices = estate_run[0]
    assert {step for *_, step, _ in notices} == {1, 2, 3} and len(notices) > 40


def test_no_notice_number_repeats(estate_run):
    notices, _, _, _, texts, _ = estate_run
    numbers = [n[0] for n in notices]
    assert len(numbers) == len(set(numbers))
    # every notice file was written on the night the register says it was issued, once
    issued_on = {n[0]: date.fromisoformat(n[4]) for n in notices}
    assert all(issued_on[n.replace("催字", "催字〔", 1).replace("2026第", "2026〕第", 1)] == night
               for n, (night, _) in texts.items())


def test_steps_never_go_down_while_an_earlier_notices_debt_is_open(estate_run):
    notices, items, payments, amounts, _, _ = estate_run
    by_subject = defaultdict(list)
    for number, subject, document, step, as_of in notices:
        by_subject[subject].append((date.fromisoformat(as_of), step, number))
    for subject, seq in by_subject.items():
        for i, (day, step, number) in enumerate(seq):
            for earlier_day, earlier_step, earlier_number in seq[:i]:
                still_open = any(_outstanding(payments, (subject, *item.split("|", 1)[1].split("|")), amounts[(subject, *item.split("|", 1)[1].split("|"))], day) > 0
                                 for item, _ in items[earlier_number])
                if still_open:
                    assert step >= earlier_step, (subject, earlier_number, number)
        # a matter is listed again only at a higher step
        listed = defaultdict(list)
        for day, step, number in seq:
            for item, item_step in items[number]:
                listed[item].append(item_step)
        for item, steps in listed.items():
            assert steps == sorted(set(steps)), (subject, item, steps)


def test_every_item_unpaid_past_the_30th_reaches_a_final_notice_exactly_once(estate_run):
    notices, items, payments, amounts, _, last = estate_run
    finals = defaultdict(int)
    for number, subject, *_ in notices:
        for item, step in items[number]:
            if step == 3:
                finals[(subject, *item.split("|", 1)[1].split("|"))] += 1
    assert all(n == 1 for n in finals.values())
    for (unit, item, period), due in amounts.items():
        y, m = map(int, period.split("-"))
        final_day = date(y, m, 15) + timedelta(days=16)  # the night after the 30th of its month
        if final_day > last or unit == "2-1-801":  # out of the window, or held by a plan kept on time
            continue
        unpaid_then = _outstanding(payments, (unit, item, period), due, final_day) > 0
        held = unit == "1-1-801" and final_day < date(2026, 9, 11)  # FQ-B on time until its 2nd instalment
        if unpaid_then and not held:
            assert finals[(unit, item, period)] == 1, (unit, item, period)


def test_every_notice_text_matches_the_register(estate_run):
    notices, items, _, _, texts, _ = estate_run
    by_file = {n[0].replace("〔", "").replace("〕", ""): n for n in notices}
    assert len(texts) == len(notices)
    for file_number, (night, text) in texts.items():
        number, subject, document, step, as_of = by_file[file_number]
        assert number in text and document in text and subject in text
        for item, _ in items[number]:
            name, period = item.split("|")[1:]
            y, m = period.split("-")
            assert name in text and f"{y}年{int(m)}月" in text, (number, item)
        if "此前已" in text:  # it names an earlier notice only if the register holds one for this household
            assert any(n[1] == subject and n[4] < as_of for n in notices), number
