"""Fee accuracy (收费准确) — F9 and F12 in ``rules/fee_accuracy.yaml`` (issue 13).

Runs on every night with a fee ledger, whether or not there is a collection log:

* F9 effective-dated tariffs — the price of an item in force on the first day of a fee row's period, from a
  收费标准 sheet in the ledgers folder (收费项目, 单价, 单位, 生效日期, 失效日期) or else from the rule file's
  ``tariffs`` parameter (dated values). A per-㎡ price times the owner's 建筑面积 (times the months of the
  row's 缴费周期), or a per-household price, gives what the row should say; a row whose 应收 differs is a
  ``tariff_check`` fact. A price per 吨 / 度 / 立方米 needs the quantity, which the fee ledger does not
  carry: one ``tariff_unchecked`` fact per such item says it was not checked (nothing is silently passed).
* F12 帐表相符 — each 合计 / 小计 row a fee sheet writes, against the sum of the rows above it
  (:mod:`engine.read.totals`): a ``sheet_total`` fact per total and amount column.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ..findings import Source
from ..validate import Records, owners_by_unit
from .base import Area, Context, Derived, Fact, FactType

CENT = Decimal("0.01")
NUM = (int, float)

TARIFF = FactType("tariff_check", {
    "unit": str, "unit_display": str, "item": str, "period_text": str, "written": NUM, "expected": NUM,
    "difference": NUM, "written_text": str, "expected_text": str, "basis": str, "source": str,
}, "按收费标准核对的一行应收",
    columns=(("房号", "unit_display"), ("收费项目", "item"), ("所属期", "period_text"), ("台账应收", "written_text"),
             ("按标准应收", "expected_text"), ("计算", "basis"), ("收费标准来源", "source")))
UNCHECKED = FactType("tariff_unchecked", {"item": str, "unit_of_charge": str, "rows": int, "price_text": str},
                     "按用量计费、台账没有用量无法核对的收费项目")
TOTAL = FactType("sheet_total", {
    "file": str, "sheet": str, "row": int, "label": str, "column": str, "written": NUM, "computed": NUM,
    "difference": NUM, "unread_rows": int, "written_text": str, "computed_text": str, "rows_text": str,
    "unread_text": str,
}, "台账自己的合计行与逐行相加")

_AREA_WORDS = ("㎡", "平方", "平米", "m2", "M2", "m²")
_QUANTITY_WORDS = ("吨", "度", "立方", "方", "m3", "m³", "kWh", "千瓦时", "升")


def _tariffs(records: Records) -> dict[str, list[tuple[date, date | None, Decimal, str, object]]]:
    """Item → [(from, to, price, unit of charge, record)] from the 收费标准 sheets; an open end closes the day
    before the item's next row starts."""
    rows: dict[str, list] = defaultdict(list)
    for t in records.of("tariffs"):
        rows[t.item.strip()].append([t.effective_from, t.effective_to, t.price, (t.unit_of_charge or "").strip(), t])
    out = {}
    for item, entries in rows.items():
        entries.sort(key=lambda e: e[0])
        for this, nxt in zip(entries, entries[1:]):
            if this[1] is None:
                this[1] = nxt[0] - timedelta(days=1)
        out[item] = [tuple(e) for e in entries]
    return out


def _in_force(entries, day: date):
    for frm, to, price, unit, rec in entries:
        if frm <= day and (to is None or day <= to):
            return price, unit, rec
    return None


def derive(records: Records, ctx: Context) -> Derived:
    out = Derived()
    ledger = _tariffs(records)
    owners = owners_by_unit(records)
    book = ctx.book
    unchecked: dict[tuple[str, str], list] = {}
    param_cache: dict[date, tuple[dict, dict]] = {}

    def from_rules(item: str, day: date):
        if day not in param_cache:  # no tariff in force on that day: nothing to check against
            in_force = book.params_at(day)
            param_cache[day] = (in_force.get("tariffs") or {}, in_force.get("tariff_units") or {})
        prices, units = param_cache[day]
        if item not in prices:
            return None
        return Decimal(str(prices[item])), str(units.get(item, "")), None

    for fee in records.of("fees"):
        item = fee.item.strip()
        first = date(fee.period[0], fee.period[1], 1)
        found = _in_force(ledger[item], first) if item in ledger else from_rules(item, first)
        if found is None:
            continue
        price, unit_of_charge, rec = found
        source = (f"{rec.ref.file} › {rec.ref.sheet} › 第{rec.ref.row}行" if rec is not None else "规则文件 tariffs 参数")
        months = fee.cycle_months or 1
        if any(w in unit_of_charge for w in _AREA_WORDS):
            owner = owners.get(fee.unit.key)
            if owner is None or owner.area_m2 is None:
                continue  # no area to multiply: the owner-file findings say what is missing
            expected = (owner.area_m2 * price * months).quantize(CENT, rounding=ROUND_HALF_UP)
            basis = f"{owner.area_m2:f}㎡ × {price:f}" + (f" × {months}个月" if months != 1 else "")
        elif any(w in unit_of_charge for w in _QUANTITY_WORDS):
            unchecked.setdefault((item, unit_of_charge), [price, 0])[1] += 1
            continue
        else:
            expected = (price * months).quantize(CENT, rounding=ROUND_HALF_UP)
            basis = f"{price:f}" + (f" × {months}个月" if months != 1 else "")
        if expected == fee.amount_due:
            continue
        basis += f"（{unit_of_charge}，{first:%Y-%m-%d} 起适用）" if unit_of_charge else ""
        out.facts.append(Fact("tariff_check", fee.unit.key, {
            "unit": fee.unit.key, "unit_display": fee.unit.display, "item": item,
            "period_text": f"{fee.period[0]}年{fee.period[1]}月", "written": float(fee.amount_due),
            "expected": float(expected), "difference": float(abs(fee.amount_due - expected)),
            "written_text": f"{fee.amount_due:,.2f}", "expected_text": f"{expected:,.2f}", "basis": basis,
            "source": source,
        }, (fee.ref.cell("amount_due", fee.amount_due),) + ((rec.ref.whole_row(),) if rec is not None else ()),
            matter=f"{item}|{fee.period[0]}-{fee.period[1]:02d}"))
    for (item, unit_of_charge), (price, n) in sorted(unchecked.items()):
        out.facts.append(Fact("tariff_unchecked", item, {"item": item, "unit_of_charge": unit_of_charge, "rows": n,
                                                         "price_text": f"{price:f}"}, matter=unit_of_charge))

    for t in records.totals:
        if t.kind != "fees":
            continue
        basis = t.section
        rows_text = f"第{t.section_first}–{t.section_last}行" if t.section_first else "（上方没有数据行）"
        unread = t.unread_section
        if basis != t.written and t.whole != t.section and t.whole == t.written:
            basis, unread = t.whole, t.unread_whole  # a grand total below 小计 rows
            rows_text = "表中全部数据行"
        out.facts.append(Fact("sheet_total", f"{t.file} › {t.sheet}", {
            "file": t.file, "sheet": t.sheet, "row": t.row, "label": t.label or "合计", "column": t.header,
            "written": float(t.written), "computed": float(basis), "difference": float(abs(t.written - basis)),
            "unread_rows": len(unread), "written_text": f"{t.written:,.2f}", "computed_text": f"{basis:,.2f}",
            "rows_text": rows_text, "unread_text": "、".join(f"第{r}行" for r in unread[:20]),
        }, (Source(t.file, t.sheet, t.row, t.header, t.written_text, t.address),), matter=f"{t.row}|{t.field}"))
    return out


AREA = Area(
    name="fee_accuracy",
    title="收费标准与帐表相符",
    rule_files=("fee_accuracy",),
    reads=("fees", "owners", "tariffs"),
    fact_types=(TARIFF, UNCHECKED, TOTAL),
    derive=derive,
)
