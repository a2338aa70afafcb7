"""The rule-file schema. Parsed by pydantic; unknown keys are rejected."""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

POLICY_ID = re.compile(r"^(F|C|R|K|T|V|M|S|D)\d+[a-z]?$")
# No rule, template or parameter may cut or threaten to cut water, power, heating or gas (民法典 Art. 944).
UTILITY_CUTOFF = re.compile(r"(停|断|中止|暂停|限制|切断)\s*(止)?\s*(供)?\s*(水|电|暖|气|热|燃气)")
_PROHIBITION = re.compile(r"(不得|不会|禁止|严禁|不能|不可)[^。；;]*$")


def threatens_utilities(text: str) -> bool:
    """True when the text speaks of cutting a utility other than to forbid it (民法典 Art. 944)."""
    return any(not _PROHIBITION.search(text[: m.start()]) for m in UTILITY_CUTOFF.finditer(text))

Scalar = Union[bool, int, float, str, date]
SEVERITIES = ("严重", "错误", "警告", "提示")
Period = Literal["day", "week", "month"]
SHAPES = {"scalar": "一个数字", "list": "数字列表", "table": "数字表"}
NUMERIC_UNITS = {"元", "天", "小时", "日", "比例", "月", "工作日", "次", "分钟", "每日比例", "自然日", "级", "毫米",
                 "年", "学时", "%", "个", "张", "户", "人", "周", "份"}


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
    shape: Literal["scalar", "list", "table"] = "scalar"  # for numeric units: one number, a list, or a table
    values: list[ParamValue] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _no_overlap(cls, values: list[ParamValue]) -> list[ParamValue]:
        ordered = sorted(values, key=lambda v: v.from_)
        for prev, nxt in zip(ordered, ordered[1:]):
            if prev.to is None or prev.to >= nxt.from_:
                raise ValueError(f"生效期重叠: 自 {prev.from_} 起的值与自 {nxt.from_} 起的值重叠（前者须写 to 且早于后者开始日）")
        return ordered

    def shape_problem(self, value) -> str | None:
        """Why a value does not fit a parameter counted in 天, 元, 小时, 比例 … (one number, or — where ``shape``
        says so — a list or a table of numbers): "十五天", or [1, 2] for a day of the month."""
        if self.unit.split("（")[0] not in NUMERIC_UNITS:
            return None
        want = {"scalar": (int, float), "list": (list,), "table": (dict,)}[self.shape]
        if isinstance(value, bool) or not isinstance(value, want):
            return f"参数单位是{self.unit}，值应为{SHAPES[self.shape]}，却是 {value!r}"
        items = list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else [value]
        bad = [x for x in items if isinstance(x, bool) or not isinstance(x, (int, float))]
        return f"参数单位是{self.unit}，值应为数字，却是 {bad[0]!r}" if bad else None

    def at(self, day: date):
        for v in self.values:
            if v.from_ <= day and (v.to is None or day <= v.to):
                return v
        return None


class Clock(Strict):
    """A deadline: from a ticket time, within hours / minutes / working days or by the end of that day."""

    start: str  # the ticket field the clock starts from, e.g. received_at
    within: dict[str, Union[int, float, str, bool]]  # one of hours, minutes, working_days, calendar_days, end_of_day
    met_by: list[str] = Field(min_length=1)  # the first of these times stops the clock
    override: str | None = None  # a time agreed with the owner replaces the deadline
    at: str | None = None  # calendar_days: that day at this time of day ("08:30" or a $parameter); else its end

    @field_validator("within")
    @classmethod
    def _one_unit(cls, v: dict) -> dict:
        units = {"hours", "minutes", "working_days", "calendar_days", "end_of_day"}
        if len(v) != 1 or not set(v) <= units:
            raise ValueError(f"within 只能写一项: {', '.join(sorted(units))}")
        return v


class LadderRef(Strict):
    """This outcome is one step of a ladder declared under the file's ``ladders:``."""

    name: str
    step: int = Field(ge=1)


class HoldRef(Strict):
    """While the rule matches, the named ladder is held for the fact's matter (no step is issued)."""

    ladder: str


class WidenStep(Strict):
    """A staged draw: when any candidate drawn in the stage before has ``if_failed`` true (a fact field),
    the next ⌈rate × n⌉ candidates by rank are drawn too (rate 1: all the rest)."""

    rate: Union[float, int, str]
    if_failed: str


class SampleSpec(Strict):
    """A reproducible draw: per ``group`` and period, the candidates ordered by SHA-256 of
    "period start|group values|subject[|matter]", the first ⌈rate × n⌉ taken (exact decimals)."""

    rate: Union[float, str]
    every: Period = "week"  # the draw is made once per period (day / week / month)
    period: Literal["previous", "current"] = "previous"  # previous: the last whole period before the night; current: the night's own
    date_field: str | None = None  # a fact field (a date) placing each candidate in its period: every period
    #                                 up to the night's is drawn, each once (a missed night is caught up)
    group: list[str] = []  # fact fields that split the candidates (e.g. site)
    widen: list[WidenStep] = []  # further stages, each drawn when the stage before had a failure




class PeriodicSpec(Strict):
    """Produced once per period, on (or, when that night is missed, after) its day; caught up once."""

    every: Period = "month"
    day: Union[int, str] = 1  # day of month (month), ISO weekday 1–7 (week); a $parameter allowed
    select: dict[str, Any] | None = None  # which of the area's facts the document covers (a condition like when:)



class FineSpec(Strict):
    """A fine for a lapse: ``amount`` (a $parameter) charged to the person in a fact field
    (``person: handler``) or to whoever holds a role on the staff sheet (``role: 项目负责人``)."""

    amount: Union[float, int, str]
    person: str | None = None
    role: str | None = None
    clause: str = Field(min_length=2)
    payer: str = "staff"  # staff: capped by the monthly bonus (T13); contractor: a deposit deduction, never capped
    per: str | None = None  # a fact field (a whole number): the amount is charged that many times (per unit, per day)

    @model_validator(mode="after")
    def _who(self):
        if (self.person is None) == (self.role is None):
            raise ValueError("罚款须写明 person（事实字段）或 role（岗位）之一")
        if self.payer not in ("staff", "contractor"):
            raise ValueError("payer 只能是 staff 或 contractor")
        return self


REPORTS = ("breach", "overdue", "always", "once", "none")


class Outcome(Strict):
    """What a match does, chosen from the engine's primitives: a finding (always, unless ``report: none``),
    a document, a ladder step, a hold, a clock, a sample, a periodic document, fines."""

    category: str
    severity: str = "提示"
    message: str
    document: str | None = None  # a document from forms/forms.yaml, numbered by the register
    ladder: LadderRef | None = None
    hold: HoldRef | None = None
    clock: Clock | None = None  # a deadline: a finding when it is missed, an SLA state while it runs
    sample: SampleSpec | None = None
    periodic: PeriodicSpec | None = None
    fines: list[FineSpec] = []
    escalate_to: str | None = None
    sheet: str | None = None  # also list the match on this sheet of the exception workbook (e.g. 投诉台帐)
    # breach: a missed clock is a finding (open or closed late); overdue: only while still open past it
    # (an escalation trigger); always: every match is a finding; once: only the first night it matches
    # (a reminder); none: no finding (a hold, a list only)
    report: Literal["breach", "overdue", "always", "once", "none"] = "breach"


    @field_validator("severity")
    @classmethod
    def _severity(cls, v: str) -> str:
        if v not in SEVERITIES:
            raise ValueError(f"severity 只能是 {' / '.join(SEVERITIES)}")
        return v

    @model_validator(mode="after")
    def _one_kind(self):
        kinds = [k for k in ("ladder", "hold", "sample", "periodic") if getattr(self, k) is not None]
        if len(kinds) > 1:
            raise ValueError(f"一条规则只能有一种 {' / '.join(kinds)}")
        if self.ladder is not None and self.document is not None:
            raise ValueError("阶梯的文书写在 ladders 中每一级的 documents 里，规则中不再写 document")
        return self


class LadderSpec(Strict):
    """An escalation ladder: its steps (the rules that name it) and its hit policy.

    ``hit: highest`` — a matter is issued the highest step it reached; a subject never receives a lower step
    than one it already received for a matter still open; catching up after a missed night issues only the
    highest step. ``per: subject`` — one document per subject listing every open matter with its own step.
    """

    title: str
    citation: str = Field(min_length=3)
    hit: Literal["highest"] = "highest"  # the only hit policy the rule files need so far
    per: Literal["subject", "matter"] = "subject"
    documents: dict[int, str]  # step → document title (forms/forms.yaml)
    note: str = ""




class ExpectSample(Strict):
    candidates: int = Field(ge=0)
    size: int = Field(ge=0)


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
    expect_sample: ExpectSample | None = None
    expect_fines: list[Union[float, int]] | None = None  # the amounts of the rule's fines, in order


class Rule(Strict):
    id: str
    policy: str
    title: str
    citation: str = Field(min_length=3)
    note: str = ""
    company_setting: bool = False  # the rule itself is a company choice the sources do not make
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
    ladders: dict[str, LadderSpec] = {}
    rules: list[Rule] = []

    @model_validator(mode="after")
    def _unique_ids(self):
        seen = set()
        for r in self.rules:
            if r.id in seen:
                raise ValueError(f"规则编号 {r.id} 重复")
            seen.add(r.id)
            ref = r.then.ladder or r.then.hold
            name = ref.name if isinstance(ref, LadderRef) else (ref.ladder if ref else None)
            if name is not None and name not in self.ladders:
                raise ValueError(f"规则 {r.id} 引用了未在 ladders 中声明的阶梯 {name}")
            if isinstance(ref, LadderRef) and ref.step not in self.ladders[name].documents:
                raise ValueError(f"规则 {r.id}: 阶梯 {name} 没有第 {ref.step} 级的文书")
        return self
