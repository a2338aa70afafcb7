"""Key custody (钥匙管理) — K1–K7 in ``rules/keys.yaml``.

Every row of the key register (钥匙借用登记表) is a ``key_loan`` fact: what it was lent for, who approved
it, whether the borrower is property staff (a name on the staff sheet 员工与奖金), who signed it out for an
outsider (经办人), when it came back, what state it is in and whether the unit was left safe. Every
hand-over on the shift-key sheet (钥匙交接单) is a ``key_handover`` fact: keys drawn against keys returned,
and who checked them. The deadlines (same day), the findings and the fines (K6) are outcome primitives
chosen in the rule file; the fines go to the fines register (:mod:`engine.record.fines`).

Readings (see docs/areas/keys.md):
- the person responsible for a loan (K6 责任人) is the 经办人 when there is one, else the borrower when the
  borrower is staff; otherwise nobody is guessed — the fine is reported as not assigned;
- a loan is one case (每次): one 50 元 lending fine however many of its rules it breaks;
- a shift hand-over is one row with both a draw and a return, or — as the seed describes it (早班领取,
  中班交回) — the draw-only and return-only rows of one date taken together.
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from functools import lru_cache
from datetime import date, datetime

from ..derive.calendar import END_OF_DAY
from ..findings import cell_finding
from ..outcomes.engine import duration_text, fmt_time
from ..render.mask import mask_name
from ..validate import GenericRecord, Records
from .base import Area, Context, Derived, Fact, FactType

STAFF, OUTSIDER, UNKNOWN = "员工", "非物业人员", "无法判断"
SECURED = ("power_off", "windows_shut", "door_locked", "secured")
SECURED_TEXT = {"power_off": "关闭电源", "windows_shut": "关好门窗", "door_locked": "锁门", "secured": "关电源、关窗、锁门"}
_BLANK = {"", "无", "/", "-", "—", "－", "／"}

LOAN = FactType("key_loan", {
    "key_id": str, "unit": str, "borrower_masked": str, "borrower_org": str, "borrower_class": str,
    "purpose": str, "purpose_ok": bool, "approved": bool, "handled": bool, "handler_masked": str,
    "handler_class": str, "lent_text": str, "returned": bool, "returned_text": str, "out_overnight": bool,
    "returned_late": bool, "out_text": str, "cause_recorded": bool, "status": str, "lost": bool, "damaged": bool,
    "mixed": bool, "incident": bool, "custody_loss": bool, "incident_text": str, "secured_state": str,
    "unsecured": str, "lending_breach": bool, "breaches": str, "responsible": str, "checked_text": str,
}, "钥匙借用", columns=(
    ("钥匙编号", "key_id"), ("房号/区域", "unit"), ("借用人", "borrower_masked"), ("借用事由", "purpose"),
    ("借出时间", "lent_text")), clock_sheet="钥匙借出未还")

HANDOVER = FactType("key_handover", {
    "date_text": str, "shift": str, "drawn_by_masked": str, "returned_by_masked": str, "drawn_count": int,
    "returned_count": int, "difference": int, "mismatch": bool, "returned": bool, "due": bool, "checked": bool,
    "responsible": str,
}, "钥匙交接", columns=(("日期", "date_text"), ("班次", "shift"), ("领用数量", "drawn_count"),
                        ("交回数量", "returned_count")))


def _text(value) -> str:
    if value is None:
        return ""
    return _clean(value) if isinstance(value, str) else _clean(str(value))


@lru_cache(maxsize=4096)
def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    return "" if text in _BLANK else text


def _fields(rec) -> dict:
    """A record's read fields as a dict (the vocabulary's kinds are read into GenericRecord: its extras)."""
    extra = getattr(rec, "__pydantic_extra__", None)
    return extra if extra is not None else {k: getattr(rec, k) for k in dir(rec) if not k.startswith("_")}


def _name_key(value) -> str:
    return "".join(_text(value).split())


def _has_word(text: str, words) -> bool:
    return any(str(w) and str(w) in text for w in words or ())


def staff_names(records: Records) -> set[str]:
    return {_name_key(s.name) for s in records.of("staff") if _name_key(getattr(s, "name", None))}


def _class_of(name: str, staff: set[str]) -> str:
    if not staff:
        return UNKNOWN
    return STAFF if _name_key(name) in staff else OUTSIDER


def derive(records: Records, ctx: Context) -> Derived:
    out = Derived()
    staff = staff_names(records)
    if not staff:
        out.findings.append(_no_staff_sheet())
    out.facts += loan_facts(records, ctx, staff, out)
    out.facts += handover_facts(records, ctx, out)
    return out


def _no_staff_sheet():
    from ..findings import Finding

    return Finding(policy="DATA", rule="DATA-no-staff", category="数据问题", subject=None, severity="警告",
                   message="台账文件夹中没有可用的员工与奖金表：借用人是否物业员工（K3）无法判断，"
                           "钥匙罚款的责任人只按经办人认定，罚款不能按当月奖金封顶（T13）")


def loan_facts(records: Records, ctx: Context, staff: set[str], out: Derived) -> list[Fact]:
    p = ctx.params
    purposes = tuple(p.get("key_loan_purposes") or []) + tuple(p.get("key_loan_purpose_words") or [])
    words = (tuple(p.get("key_lost_words") or ()), tuple(p.get("key_damaged_words") or ()),
             tuple(p.get("key_mixed_words") or ()))
    memo: dict[tuple, bool] = {}

    def has_word(text: str, which) -> bool:  # each distinct status or purpose is looked at once
        key = (text, which)
        if key not in memo:
            memo[key] = _has_word(text, which)
        return memo[key]
    as_of = ctx.as_of
    seen: dict[tuple, GenericRecord] = {}
    facts = []
    for loan in records.of("keys"):
        lent = loan.lent_at
        if lent > as_of:
            continue  # not yet lent on the night being checked
        key_id = _text(loan.key_id)
        ident = (key_id, lent)
        if ident in seen:
            first = seen[ident].ref
            out.findings.append(cell_finding(
                loan.ref.cell("key_id", loan.key_id),
                f"同一把钥匙同一借出时间登记了两次（与 {first.file} › {first.sheet} › 第{first.row}行 相同），本行未参与检查",
                "duplicate-loan", subject=key_id, severity="警告"))
            continue
        seen[ident] = loan
        returned_at = _fields(loan).get("returned_at")
        if returned_at is not None and returned_at < lent:
            out.findings.append(cell_finding(
                loan.ref.cell("returned_at", fmt_time(returned_at)),
                f"归还时间早于借出时间（{fmt_time(lent)}），本行未参与检查", "return-before-loan",
                subject=key_id))
            continue
        if returned_at is not None and returned_at > as_of:
            returned_at = None  # not yet returned on the night being checked
        facts.append(_loan_fact(loan, key_id, lent, returned_at, ctx, staff, purposes, words, has_word))
    return facts


def _loan_fact(loan, key_id: str, lent: datetime, returned_at, ctx: Context, staff: set[str], purposes, words,
               has_word) -> Fact:
    as_of = ctx.as_of
    f = _fields(loan)
    borrower = _text(f.get("borrower"))
    handler = _text(f.get("handled_by"))
    approver = _text(f.get("approver"))
    purpose = _text(f.get("purpose"))
    status = _text(f.get("status"))
    cause = _text(f.get("cause"))
    lost, damaged, mixed = (has_word(status, w) for w in words)
    borrower_class = _class_of(borrower, staff)
    handler_class = _class_of(handler, staff) if handler else ""
    end_of_day = datetime.combine(lent.date(), END_OF_DAY)
    returned_late = returned_at is not None and returned_at > end_of_day
    out_overnight = returned_at is None and as_of > end_of_day
    out_until = returned_at or as_of
    found_at = f.get("found_at")
    incident_at = None
    if lost or damaged or mixed:
        incident_at = next((t for t in (found_at, returned_at, lent) if t is not None and t <= as_of), lent)
    secured_state, unsecured = _secured(loan, f, returned_at is not None)
    purpose_ok = bool(purpose) and has_word(purpose, purposes)
    breaches = []
    if not purpose_ok:
        breaches.append(f"借用事由「{purpose}」不符" if purpose else "未填写借用事由")
    if not approver:
        breaches.append("未经批准（批准人空白）")
    if (returned_late or out_overnight) and not (lost or mixed):
        breaches.append("未于当日归还")
    if borrower_class == OUTSIDER and not handler:
        breaches.append("非物业人员直接借用（无经办人）")
    if secured_state == "未做到":
        breaches.append(f"归还前未{unsecured}")
    if handler:
        responsible, responsible_role = handler, "经办人"
    elif borrower_class == STAFF:
        responsible, responsible_role = borrower, "借用人"
    else:
        responsible, responsible_role = "", "责任人"
    checked = f.get("checked_on")
    data = {
        "key_id": key_id, "unit": _text(f.get("unit")) or "（未写房号）",
        "borrower_masked": mask_name(borrower), "borrower_org": _text(f.get("borrower_org")) or "单位未填",
        "borrower_class": borrower_class, "purpose": purpose or "（未填写）", "purpose_ok": purpose_ok,
        "approved": bool(approver), "handled": bool(handler), "handler_masked": mask_name(handler),
        "handler_class": handler_class, "lent_text": fmt_time(lent), "returned": returned_at is not None,
        "returned_text": fmt_time(returned_at) or "未归还", "out_overnight": out_overnight,
        "returned_late": returned_late, "out_text": duration_text(out_until - lent),
        "cause_recorded": bool(cause) or lost or damaged or mixed, "status": status or "正常",
        "lost": lost, "damaged": damaged, "mixed": mixed, "incident": lost or damaged,
        "custody_loss": lost or mixed, "incident_text": fmt_time(incident_at), "secured_state": secured_state,
        "unsecured": unsecured, "lending_breach": bool(breaches), "breaches": "；".join(breaches) or "无",
        "responsible": responsible,
        "checked_text": f"{checked:%Y-%m-%d}" if isinstance(checked, date) else "未记录",
    }
    times = {"lent_at": lent, "returned_at": returned_at, "incident_at": incident_at,
             "reported_at": (r if (r := f.get("reported_at")) is not None and r <= as_of else None)}
    doc = {"borrower": borrower, "handled_by": handler, "approver": approver, "responsible_role": responsible_role,
           "cause": cause}
    closed = returned_at if not (lost or mixed) else None
    return Fact("key_loan", key_id, data, (loan.ref.whole_row(),), f"{lent:%Y-%m-%d %H:%M}", times, doc,
                closed_at=closed)


def _secured(loan, f: dict, returned: bool) -> tuple[str, str]:
    """K7, where the register records it: 已确认 / 未做到 (which) / 未记录 (the column is there, the cell blank)
    / 不适用 (the register has no such column, or the key is not back yet)."""
    columns = [c for c in SECURED if c in loan.ref.columns]
    if not columns or not returned:
        return "不适用", ""
    values = {c: f.get(c) for c in columns}
    missed = [SECURED_TEXT[c] for c, v in values.items() if v is False]
    if missed:
        return "未做到", "、".join(missed)
    if all(v is None for v in values.values()):
        return "未记录", ""
    return "已确认", ""


def handover_facts(records: Records, ctx: Context, out: Derived) -> list[Fact]:
    """K4: one fact per hand-over. A row with both a draw and a return is one shift's hand-over; otherwise,
    as the seed describes it (早班领取, 中班交回), a return-only row closes the earliest still-open draw-only
    row of the same date (in sheet order); a draw left open is a draw never returned."""
    as_of = ctx.as_of
    by_date: dict[date, list] = defaultdict(list)
    facts = []
    for row in records.of("shift_keys"):
        day = row.date
        if day > as_of.date():
            continue
        drawn = getattr(row, "drawn_count", None)
        back = getattr(row, "returned_count", None)
        has_draw = drawn is not None or bool(_text(getattr(row, "drawn_by", None)))
        has_return = back is not None or bool(_text(getattr(row, "returned_by", None)))
        if not has_draw and not has_return:
            out.findings.append(cell_finding(row.ref.cell("shift", row.shift), "钥匙交接单本行没有领用或交回记录，未参与核对",
                                             "empty-handover", severity="警告"))
            continue
        if has_draw and drawn is None:
            out.findings.append(cell_finding(row.ref.cell("drawn_count", None), "领用数量未填写，无法核对交回数量",
                                             "handover-count", severity="警告"))
            continue
        if has_return and back is None:
            out.findings.append(cell_finding(row.ref.cell("returned_count", None), "交回数量未填写，无法核对领用数量",
                                             "handover-count", severity="警告"))
            continue
        if has_draw and has_return:
            facts.append(_handover(day, [row], [row], [row], ctx))
        else:
            by_date[day].append(row)
    for day in sorted(by_date):
        open_draws: list = []
        for row in sorted(by_date[day], key=lambda r: r.ref.row):
            if getattr(row, "drawn_count", None) is not None:
                open_draws.append(row)
            elif open_draws:
                draw = open_draws.pop(0)
                facts.append(_handover(day, [draw, row], [draw], [row], ctx))
            else:
                out.findings.append(cell_finding(
                    row.ref.cell("returned_count", row.returned_count),
                    "这一行交回了钥匙，但当天没有对应的领用记录，无法核对数量", "handover-unpaired", severity="警告"))
        facts += [_handover(day, [draw], [draw], [], ctx) for draw in open_draws]
    return facts


def _handover(day: date, rows: list, draws: list, backs: list, ctx: Context) -> Fact:
    drawn = sum(r.drawn_count for r in draws)
    back = sum(r.returned_count for r in backs)
    shifts = "→".join(dict.fromkeys(_text(r.shift) for r in rows))
    returned_by = next((_text(r.returned_by) for r in backs if _text(getattr(r, "returned_by", None))), "")
    drawn_by = next((_text(r.drawn_by) for r in draws if _text(getattr(r, "drawn_by", None))), "")
    checked = bool(backs) and all(_text(getattr(r, "checked_by", None)) for r in backs)
    responsible, role = (returned_by, "交回人") if returned_by else (drawn_by, "领用人")
    data = {
        "date_text": f"{day:%Y-%m-%d}", "shift": shifts, "drawn_by_masked": mask_name(drawn_by) or "未填",
        "returned_by_masked": mask_name(returned_by) or "未填", "drawn_count": drawn, "returned_count": back,
        "difference": abs(drawn - back), "mismatch": bool(backs) and drawn != back, "returned": bool(backs),
        "due": ctx.as_of > datetime.combine(day, END_OF_DAY), "checked": checked, "responsible": responsible,
    }
    subject = f"钥匙交接 {day:%Y-%m-%d} {shifts}"
    closed = datetime.combine(day, END_OF_DAY)
    return Fact("key_handover", subject, data, tuple(r.ref.whole_row() for r in rows), f"{day:%Y-%m-%d}",
                {"date": datetime.combine(day, END_OF_DAY)}, {"responsible_role": role, "drawn_by": drawn_by,
                                                              "returned_by": returned_by}, closed_at=closed)


AREA = Area(
    name="keys",
    title="钥匙管理",
    rule_files=("keys",),
    reads=("keys", "staff", "shift_keys"),
    runs_on=("keys", "shift_keys"),  # a folder with only the shift-key sheet is checked too (K4)
    fact_types=(LOAN, HANDOVER),
    derive=derive,
)
