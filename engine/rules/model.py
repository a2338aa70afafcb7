"""The rule-file schema. Parsed by pydantic; unknown keys are rejected."""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

POLICY_ID = re.compile(r"^(F|C|R|K|T|V|M|S|D)\d+[a-z]?$")
# No rule, template or parameter may cut or threaten to cut water, power, heating or gas (民法典 Art. 944).
UTILITY_CUTOFF = re.compile(r"(停|断|中止|暂停|限制|切断)\s*(止)?\s*(供)?\s*(水|电|暖|气|热|燃气)")
_PROHIBITION = re.compile(r"(不得|不会|禁止|严禁|不能|不可)[^。；;]*$")


def threatens_utilities(text: str) -> bool:
    """True when the text speaks of cutting a utility other than to forbid it (民法典 Art. 944)."""
    return any(not _PROHIBITION.search(text[: m.start()]) for m in UTILITY_CUTOFF.finditer(text))

Scalar = Union[bool, int, float, str, date]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParamValue(Strict):
    from_: date = Field(alias="from")
    to: date | None = None  # inclusive last day; open-ended when absent
    value: Union[Scalar, list[Scalar], dict[str, Scalar]]
    citation: str | None = None  # when this value has its own source (e.g. a tariff change)

    @model_validator(mode="after")
    def _order(self):
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"生效期结束日 {self.to} 早于开始日 {self.from_}")
        return self


class Parameter(Strict):
    label: str
    unit: str = ""
    citation: str = Field(min_length=3)
    company_setting: bool = False
    note: str = ""
    values: list[ParamValue] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _no_overlap(cls, values: list[ParamValue]) -> list[ParamValue]:
        ordered = sorted(values, key=lambda v: v.from_)
        for prev, nxt in zip(ordered, ordered[1:]):
            if prev.to is None or prev.to >= nxt.from_:
                raise ValueError(f"生效期重叠: 自 {prev.from_} 起的值与自 {nxt.from_} 起的值重叠（前者须写 to 且早于后者开始日）")
        return ordered

    def at(self, day: date):
        for v in self.values:
            if v.from_ <= day and (v.to is None or day <= v.to):
                return v
        return None


class Clock(Strict):
    """A deadline: from a ticket time, within hours / minutes / working days or by the end of that day."""

    start: str  # the ticket field the clock starts from, e.g. received_at
    within: dict[str, Union[int, float, str, bool]]  # one of hours, minutes, working_days, end_of_day
    met_by: list[str] = Field(min_length=1)  # the first of these times stops the clock
    override: str | None = None  # a time agreed with the owner replaces the deadline

    @field_validator("within")
    @classmethod
    def _one_unit(cls, v: dict) -> dict:
        units = {"hours", "minutes", "working_days", "end_of_day"}
        if len(v) != 1 or not set(v) <= units:
            raise ValueError(f"within 只能写一项: {', '.join(sorted(units))}")
        return v


class Outcome(Strict):
    category: str
    severity: str = "提示"
    message: str
    document: str | None = None
    step: int | None = None  # a ladder step: the highest step reached is the one issued
    hold: bool = False  # the outcome suspends other outcomes for the subject (F11)
    escalate_to: str | None = None
    clock: Clock | None = None  # a deadline: a finding when it is missed, an SLA state while it runs
    # breach: a missed clock is a finding (open or closed late); overdue: only while still open past it
    # (an escalation trigger); always: every match is a finding
    report: str = "breach"
    action: str | None = None  # a named engine action the outcome triggers, e.g. callback_sample, monthly_report

    @field_validator("report")
    @classmethod
    def _report(cls, v: str) -> str:
        if v not in ("breach", "overdue", "always"):
            raise ValueError("report 只能是 breach、overdue 或 always")
        return v

    @field_validator("severity")
    @classmethod
    def _severity(cls, v: str) -> str:
        if v not in ("错误", "警告", "提示"):
            raise ValueError("severity 只能是 错误 / 警告 / 提示")
        return v


class ExpectClock(Strict):
    deadline: str  # YYYY-MM-DD HH:MM[:SS]
    state: str  # 正常 / 临近超时 / 已超时 / 按时完成 / 超时完成


class Example(Strict):
    name: str
    as_of: Union[date, str, None] = None  # a date means the end of that day
    fact: dict[str, Any]
    times: dict[str, str] = {}  # ticket times for a clock example
    expect: list[str]
    expect_values: dict[str, Any] = {}
    expect_clock: ExpectClock | None = None


class Rule(Strict):
    id: str
    policy: str
    title: str
    citation: str = Field(min_length=3)
    note: str = ""
    when: dict[str, Any]
    then: Outcome
    examples: list[Example] = Field(min_length=1)

    @field_validator("policy")
    @classmethod
    def _policy(cls, v: str) -> str:
        if not POLICY_ID.match(v):
            raise ValueError(f"政策编号 {v!r} 不在 policies.md 的格式内（如 F3、C9、R1）")
        return v


class RuleFileModel(Strict):
    title: str
    policies: list[str]
    source: str = ""
    note: str = ""
    parameters: dict[str, Parameter] = {}
    rules: list[Rule] = []

    @model_validator(mode="after")
    def _unique_ids(self):
        seen = set()
        for r in self.rules:
            if r.id in seen:
                raise ValueError(f"规则编号 {r.id} 重复")
            seen.add(r.id)
        return self
