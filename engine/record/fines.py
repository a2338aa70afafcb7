"""The fines register (T13): every fine any policy area charges, in one table beside the notice register.

A fine primitive (:mod:`engine.outcomes.fines`) says, for one match on one night, who is charged how much
under which clause. Here each such fine is kept once — in the ``fines`` table of the notice register's
file (``out/register.sqlite``), written in the same transaction as tonight's numbers
(:meth:`~engine.record.register.Register.on_commit`), so a fine and its 《员工过失单》 number are kept
together or not at all:

- **once**: a fine is identified by rule, subject, matter and which of the rule's fines; the same lapse
  found again on a later night, or in a re-run of the night, adds nothing;
- **dated by the night it arose**, its month that night's month (000 › 篇12 › 第三十六条 "当月的奖金"); a
  night reads only fines of nights up to itself, so an auditor re-running a past night sees that night's
  register (a fine first recorded on a later night is left to that night); fines of a run voided before
  its documents were published do not count;
- **capped** (staff, ``payer: staff``): per person and month, total fines against the month's bonus on the
  staff sheet (员工与奖金): deducted = min(total, bonus), taken in the order the fines arose; the rest is
  shown as not deducted and never carried to the next month ("直至扣完为止"). A person with fines but no
  bonus row for the month is a ``DATA`` finding and nothing is deducted by guess;
- **contractor fines** (``payer: contractor``) are deposit deductions: never capped, listed on their own
  sheet (保证金扣款) for the renovation area's deposit balances.

Outputs (:func:`settle_fines`): a 《员工过失单》 for each staff fine the night it arises (one print batch,
numbered by the notice register), the 扣罚汇总 sheet for HR (this month and last), and one finding per
fine with ``subject`` = the person and ``details.fine`` / ``details.deducted``.
"""
from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Iterable

from ..areas.base import Context, Derived
from ..errors import RuleFileError
from ..findings import Finding, Source
from ..outcomes.engine import AreaOutcomes, cn_date
from ..outcomes.fines import FineEntry

if TYPE_CHECKING:  # pragma: no cover
    from .register import Register

FORM = "员工过失单"  # 000 › 篇1 › 三 10 制订《员工奖惩条例》，建立"员工过失单""奖励审批单"
STAFF_CATEGORY = "员工罚款"
CONTRACTOR_CATEGORY = "保证金扣款"
SUMMARY_SHEET = "扣罚汇总"
DEPOSIT_SHEET = "保证金扣款"
CAP_PARAM = "fines_capped_by_bonus"
CAP_CLAUSE = "000 › 篇12 › 第三十六条 以上扣罚均从责任人当月的奖金中予以执行，直至扣完为止"

SCHEMA = """
CREATE TABLE IF NOT EXISTS fines (
    key      TEXT PRIMARY KEY,   -- rule|subject|matter|n: one fine per lapse, whichever night finds it again
    night    TEXT NOT NULL,      -- YYYY-MM-DD: the night it arose
    month    TEXT NOT NULL,      -- YYYY-MM: the bonus month it is deducted from
    person   TEXT NOT NULL,
    role     TEXT NOT NULL,
    payer    TEXT NOT NULL,      -- staff | contractor
    amount   TEXT NOT NULL,      -- 元, exact decimal
    policy   TEXT NOT NULL,
    rule     TEXT NOT NULL,
    clause   TEXT NOT NULL,
    subject  TEXT NOT NULL,      -- what the lapse was about (a key, a unit, a hand-over)
    matter   TEXT NOT NULL,
    reason   TEXT NOT NULL,      -- the rule's message for the lapse
    sources  TEXT NOT NULL,      -- JSON: the input cells
    number   TEXT,               -- its 员工过失单
    run      TEXT                -- the run that recorded it (the notice register's runs)
);
CREATE INDEX IF NOT EXISTS fines_month ON fines(month, person);
"""
_COLUMNS = ("key", "night", "month", "person", "role", "payer", "amount", "policy", "rule", "clause", "subject",
            "matter", "reason", "sources", "number")


@dataclass(frozen=True)
class FineRow:
    key: str
    night: str
    month: str
    person: str
    role: str
    payer: str
    amount: Decimal
    policy: str
    rule: str
    clause: str
    subject: str
    matter: str
    reason: str
    sources: tuple[Source, ...]
    number: str | None = None

    @property
    def staff(self) -> bool:
        return self.payer != "contractor"


class FinesRegister:
    """The ``fines`` table, read for one night; tonight's new fines are written when the register commits."""

    def __init__(self, register: "Register"):
        self.register = register
        self.db: sqlite3.Connection = register.db
        with self.db:
            self.db.executescript(SCHEMA)
        self.rows: dict[str, FineRow] = {}  # nights up to tonight, live runs only
        self.later: set[str] = set()  # recorded by a later night: left to it
        self.pending: dict[str, FineRow] = {}
        self.day = ""
        register.on_commit(self._write)

    def _live(self) -> str:
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "runs" not in tables:
            return "1"
        return "(run IS NULL OR run NOT IN (SELECT run FROM runs WHERE state = 'void'))"

    def load(self, day: date) -> None:
        self.day = day.isoformat()
        self.rows, self.later, self.pending = {}, set(), {}
        for values in self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM fines WHERE {self._live()} "
                                      "ORDER BY night, key"):
            row = _row(values)
            if row.night <= self.day:
                self.rows[row.key] = row
            else:
                self.later.add(row.key)

    def add(self, entry: FineEntry, day: date) -> FineRow | None:
        """Record a fine unless it is already in the register (tonight or before) or left to a later night."""
        key = entry.key
        if key in self.rows or key in self.later:
            return self.rows.get(key)
        if entry.month > f"{day:%Y-%m}":
            raise ValueError(f"罚款 {key} 的月份 {entry.month} 晚于检查日期 {day}")
        rule, fact = entry.rule, entry.fact
        row = FineRow(key, day.isoformat(), entry.month, entry.person or "", entry.role, entry.payer,
                      entry.amount, rule.policy, rule.id, entry.spec.clause, fact.subject or "", fact.matter or "",
                      entry.reason, tuple(fact.sources))
        self.rows[key] = self.pending[key] = row
        return row

    def set_number(self, key: str, number: str) -> None:
        row = replace(self.rows[key], number=number)
        self.rows[key] = row
        if key in self.pending:
            self.pending[key] = row

    def month_rows(self, months: Iterable[str]) -> list[FineRow]:
        wanted = set(months)
        return sorted((r for r in self.rows.values() if r.month in wanted), key=lambda r: (r.night, r.key))

    def _write(self, db: sqlite3.Connection, run: str | None) -> None:
        rows = [(r.key, r.night, r.month, r.person, r.role, r.payer, str(r.amount), r.policy, r.rule, r.clause,
                 r.subject, r.matter, r.reason, json.dumps([s.to_json() for s in r.sources], ensure_ascii=False),
                 r.number, run) for r in self.pending.values()]
        # a key can only be here again if its earlier row belongs to a voided run: that row is replaced
        db.executemany(f"INSERT OR REPLACE INTO fines ({', '.join(_COLUMNS)}, run) "
                       f"VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})", rows)
        self.pending = {}


def _row(values) -> FineRow:
    d = dict(zip(_COLUMNS, values))
    d["amount"] = Decimal(d["amount"])
    d["sources"] = tuple(Source(**s) for s in json.loads(d["sources"] or "[]"))
    return FineRow(**d)


# -- the monthly cap ----------------------------------------------------------


def _name(value) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split())


def _month_text(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"


def _yuan(d: Decimal) -> str:
    return f"{d:,.2f}".rstrip("0").rstrip(".") if d == d.to_integral_value() else f"{d:,.2f}"


@dataclass
class Bonus:
    amount: Decimal | None  # None: no usable row (a DATA finding)
    role: str = ""
    problem: str = ""
    sources: tuple[Source, ...] = ()


def bonus_of(staff: list, person: str, month: str) -> Bonus:
    """The person's bonus for the month: a row for that month, else a row without a month (a standing bonus).
    Two rows that disagree, or a row without an amount, are not guessed."""
    ym = (int(month[:4]), int(month[5:7]))
    mine = [s for s in staff if _name(getattr(s, "name", None)) == _name(person)]
    exact = [s for s in mine if getattr(s, "month", None) == ym]
    rows = exact or [s for s in mine if getattr(s, "month", None) is None]
    if not rows:
        return Bonus(None, next((str(s.role) for s in mine if getattr(s, "role", None)), ""), "no-row")
    role = next((str(s.role) for s in rows if getattr(s, "role", None)), "")
    refs = tuple(s.ref.cell("monthly_bonus", getattr(s, "monthly_bonus", None)) for s in rows)
    amounts = {getattr(s, "monthly_bonus", None) for s in rows}
    if None in amounts:
        return Bonus(None, role, "blank", refs)
    if len(amounts) > 1:
        return Bonus(None, role, "conflict", refs)
    return Bonus(Decimal(str(amounts.pop())), role, "", refs)


@dataclass
class Settled:
    row: FineRow
    deducted: Decimal | None
    total: Decimal
    bonus: Bonus


def apply_cap(rows: list[FineRow], staff: list, capped: bool = True) -> tuple[list[Settled], dict]:
    """Per person and month, in the order the fines arose: each fine takes what is left of the bonus."""
    by_person: dict[tuple[str, str], list[FineRow]] = defaultdict(list)
    for r in rows:
        if r.staff:
            by_person[(r.month, r.person)].append(r)
    settled, summary = [], {}
    for (month, person), fines in sorted(by_person.items()):
        bonus = bonus_of(staff, person, month)
        total = sum((f.amount for f in fines), Decimal(0))
        left = bonus.amount if (bonus.amount is not None and capped) else None
        for f in fines:
            if left is None:
                settled.append(Settled(f, None, total, bonus))
                continue
            take = min(f.amount, left)
            left -= take
            settled.append(Settled(f, take, total, bonus))
        deducted = min(total, bonus.amount) if (bonus.amount is not None and capped) else None
        summary[(month, person)] = {"fines": fines, "total": total, "bonus": bonus, "deducted": deducted}
    return settled, summary


# -- the night's outputs ---------------------------------------------------------


def settle_fines(fines: list[FineEntry], ctx: Context, catalogue) -> tuple[Derived, AreaOutcomes]:
    """Tonight's fines into the register; the cap; findings, 《员工过失单》 and the 扣罚汇总 sheet.

    Call once a night after every area has run: ``night.add(*settle_fines(night.fines, ctx, catalogue))``."""
    derived, out = Derived(), AreaOutcomes()
    if not fines and not _has_table(ctx.register.db):
        return derived, out
    reg = FinesRegister(ctx.register)
    reg.load(ctx.day)
    seen = set()
    unassigned: dict[tuple, list[FineEntry]] = defaultdict(list)
    for entry in fines:
        if entry.key in seen:
            continue
        seen.add(entry.key)
        if entry.person is None:
            unassigned[(entry.fact.subject, entry.fact.matter, bool(entry.spec.role), entry.holders)].append(entry)
            continue
        reg.add(entry, ctx.day)
    derived.findings += [_unassigned(entries) for entries in unassigned.values()]
    this_month = f"{ctx.day:%Y-%m}"
    months = [_previous_month(this_month), this_month]
    rows = reg.month_rows(months)
    tonight = [r for r in rows if r.night == reg.day]
    if any(r.staff for r in tonight):
        if FORM not in catalogue.documents:
            raise RuleFileError(f"forms/forms.yaml 中没有《{FORM}》：员工罚款须出具{FORM}")
        for r in tonight:
            if r.staff:
                reg.set_number(r.key, _number(ctx.register, catalogue.documents[FORM], r, ctx.day))
        rows = reg.month_rows(months)
    staff = ctx.records.of("staff")
    capped = bool(ctx.params.get(CAP_PARAM, True))
    settled, summary = apply_cap(rows, staff, capped)
    for s in settled:
        finding = _staff_finding(s, capped)
        out.findings.append(finding)
        if s.row.night == reg.day:
            out.notice(FORM, _form_context(s, ctx, capped))
    for r in rows:
        if not r.staff:
            out.findings.append(_contractor_finding(r))
    derived.findings += _bonus_findings(summary, capped)
    if summary:
        derived.sheets[SUMMARY_SHEET] = _summary_sheet(summary, capped)
    contractor = [r for r in rows if not r.staff]
    if contractor:
        derived.sheets[DEPOSIT_SHEET] = (
            ["月份", "施工单位", "扣款金额", "政策", "规则", "依据", "事由", "对象", "登记日期"],
            [[_month_text(r.month), r.person, r.amount, r.policy, r.rule, r.clause, r.reason, r.subject,
              date.fromisoformat(r.night)] for r in contractor])
    return derived, out


def _has_table(db) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'fines'").fetchone() is not None


def _previous_month(month: str) -> str:
    y, m = int(month[:4]), int(month[5:7])
    return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"


def _number(register: "Register", spec, row: FineRow, day: date) -> str:
    """The fine's 员工过失单: tonight's from an earlier run of the night, or a new number."""
    notice = register.tonight(row.person, spec.prefix, row.key)
    if notice is None:
        notice = register.issue(spec.prefix, spec.number, row.person, FORM, None, day, [(row.key, None)])
    return notice.number


def _deduction_text(s: Settled, capped: bool) -> str:
    r, b = s.row, s.bonus
    month = _month_text(r.month)
    if not capped:
        return f"{month}罚款合计 {_yuan(s.total)} 元（规则文件未按当月奖金封顶，扣款由人事核定）"
    if b.amount is None:
        return f"员工与奖金表中没有{month}可用的奖金，本项暂未从奖金中扣减（不推测奖金数）"
    deducted = s.deducted
    assert deducted is not None  # apply_cap (same `capped`) deducts from every fine whose month's bonus is known
    text = f"{month}罚款合计 {_yuan(s.total)} 元，当月奖金 {_yuan(b.amount)} 元，本项从奖金中扣 {_yuan(deducted)} 元"
    if deducted < r.amount:
        text += f"，{_yuan(r.amount - deducted)} 元因当月奖金已扣完不再扣（扣完为止，不转下月）"
    return text


def _staff_finding(s: Settled, capped: bool) -> Finding:
    r = s.row
    details = {"fine": float(r.amount), "month": r.month, "role": r.role, "payer": "staff", "night": r.night,
               "lapse_subject": r.subject, "month_total": float(s.total)}
    if s.deducted is not None:
        bonus = s.bonus.amount
        assert bonus is not None  # apply_cap deducts only from a known bonus
        details["deducted"] = float(s.deducted)
        details["not_deducted"] = float(r.amount - s.deducted)
        details["bonus"] = float(bonus)
    message = (f"{r.reason}。按 {r.clause} 扣罚{r.role}{r.person} {_yuan(r.amount)} 元（{r.night} 登记）；"
               f"{_deduction_text(s, capped)}")
    return Finding(policy=r.policy, rule=r.rule, category=STAFF_CATEGORY, subject=r.person, message=message,
                   severity="警告", document=FORM, sources=r.sources, citation=f"{r.clause}；{CAP_CLAUSE}",
                   details=details, matter=r.key, number=r.number)


def _contractor_finding(r: FineRow) -> Finding:
    details = {"fine": float(r.amount), "deducted": float(r.amount), "from": "保证金", "month": r.month,
               "payer": "contractor", "night": r.night, "lapse_subject": r.subject}
    message = (f"{r.reason}。按 {r.clause} 从{r.person}的装修保证金中扣 {_yuan(r.amount)} 元（{r.night} 登记；"
               f"施工单位罚款不受当月奖金限制）")
    return Finding(policy=r.policy, rule=r.rule, category=CONTRACTOR_CATEGORY, subject=r.person, message=message,
                   severity="警告", sources=r.sources, citation=r.clause, details=details, matter=r.key)


def _unassigned(entries: list[FineEntry]) -> Finding:
    """Fines of one lapse that name nobody (no 经办人 and the borrower is not staff; nobody holds the role):
    not registered, not guessed — reported each night until the ledger names the person."""
    first = entries[0]
    fact = first.fact
    if first.spec.role and len(first.holders) > 1:
        code, why = "fine-several-roles", (f"员工与奖金表中{first.month}岗位为「{first.spec.role}」的有"
                                           f"{'、'.join(first.holders)}，不能确定是谁")
    elif first.spec.role:
        code, why = "fine-no-role", f"员工与奖金表中没有{first.month}岗位为「{first.spec.role}」的员工"
    else:
        code, why = "fine-no-person", "台账没有写明责任人（无经办人，借用人也不是员工与奖金表中的员工）"
    what = "、".join(f"{e.rule.id} {_yuan(e.amount)} 元" for e in entries)
    return Finding(policy="DATA", rule=f"DATA-{code}", category="数据问题", subject=fact.subject,
                   severity="警告", sources=tuple(fact.sources), citation=first.spec.clause, matter=fact.matter,
                   message=f"罚款（{what}）无法落实到人：{why}，未登记罚款，请补全台账后重新运行（{first.reason}）",
                   details={"fine": float(sum((e.amount for e in entries), Decimal(0))),
                            "rules": "、".join(e.rule.id for e in entries)})


def _bonus_findings(summary: dict, capped: bool) -> list[Finding]:
    if not capped:
        return []
    out = []
    for (month, person), s in summary.items():
        b: Bonus = s["bonus"]
        if b.amount is not None:
            continue
        why = {"no-row": "没有该员工该月的奖金行", "blank": "该员工该月的奖金为空白",
               "conflict": "该员工该月有多行奖金且金额不同"}[b.problem]
        out.append(Finding(
            policy="DATA", rule=f"DATA-bonus-{b.problem}", category="数据问题", subject=person, severity="错误",
            sources=b.sources, citation=CAP_CLAUSE, matter=month,
            message=f"员工与奖金表{why}：{person} {_month_text(month)}的罚款无法从奖金中扣减，扣款未计算（不推测奖金数）",
            details={"month": month, "month_total": float(s["total"])}))
    return out


def _summary_sheet(summary: dict, capped: bool) -> tuple[list[str], list[list]]:
    """For HR: per month and person — fines, bonus, deducted, not deducted (扣完为止, not carried over)."""
    header = ["月份", "员工", "岗位", "罚款笔数", "罚款金额", "当月奖金金额", "实扣金额", "未扣金额", "说明"]
    rows = []
    for (month, person), s in sorted(summary.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        b: Bonus = s["bonus"]
        role = b.role or s["fines"][0].role
        if s["deducted"] is None:
            note = "未按当月奖金封顶，由人事核定" if not capped else "员工与奖金表中没有可用的当月奖金，未计算"
            rows.append([_month_text(month), person, role, len(s["fines"]), s["total"], None, None, None, note])
            continue
        rest = s["total"] - s["deducted"]
        note = "当月奖金已扣完，余下不扣、不转下月（第三十六条：直至扣完为止）" if rest > 0 else ""
        rows.append([_month_text(month), person, role, len(s["fines"]), s["total"], b.amount, s["deducted"], rest,
                     note])
    return header, rows


def _form_context(s: Settled, ctx: Context, capped: bool) -> dict:
    r = s.row
    return {
        "number": r.number, "title": FORM, "file_key": r.person, "subject": r.person, "person": r.person,
        "role": r.role, "issue_date": cn_date(ctx.day), "night": r.night, "month": _month_text(r.month),
        "policy": r.policy, "rule": r.rule, "clause": r.clause, "reason": r.reason, "lapse_subject": r.subject,
        "amount": _yuan(r.amount), "total": _yuan(s.total),
        "bonus": _yuan(s.bonus.amount) if s.bonus.amount is not None else "（员工与奖金表中没有）",
        "deducted": _yuan(s.deducted) if s.deducted is not None else "待人事核定",
        "deduction": _deduction_text(s, capped), "cap_clause": CAP_CLAUSE,
        "evidence": "；".join(src.label() for src in r.sources),
        "citation": f"{r.clause}；{CAP_CLAUSE}",
    }
