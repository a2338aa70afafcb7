"""The ledger kinds and the header names staff actually write (shared/ledgers.md).

A kind is recognised from its headers; the mapping file in the ledgers folder
can pin a sheet to a kind and rename columns for anything not listed here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    name: str
    aliases: tuple[str, ...]
    type: str = "text"  # text | unit | date | datetime | period | amount | int
    required: bool = False
    label: str = ""  # Chinese name used in messages when the sheet has no header for it

    @property
    def title(self) -> str:
        return self.label or self.aliases[0]


@dataclass(frozen=True)
class KindSpec:
    name: str
    title: str
    fields: tuple[FieldSpec, ...]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


UNIT_ALIASES = ("房号", "房间号", "户号", "单元号", "房屋编号")

KINDS: dict[str, KindSpec] = {
    k.name: k
    for k in (
        KindSpec("owners", "业主档案", (
            FieldSpec("unit", UNIT_ALIASES, "unit", True),
            FieldSpec("owner_name", ("业主姓名", "业主", "姓名", "客户名称"), "text", True),
            FieldSpec("phone", ("联系电话", "电话", "手机", "手机号", "联系方式")),
            FieldSpec("id_number", ("身份证号", "证件号码", "身份证")),
            FieldSpec("area_m2", ("建筑面积", "面积", "计费面积", "建筑面积(㎡)"), "amount"),
            FieldSpec("handover_date", ("交房日期", "入伙日期", "入住日期"), "date"),
            FieldSpec("payment_method", ("缴费方式",)),
            FieldSpec("address", ("邮寄地址", "通讯地址")),
        )),
        KindSpec("fees", "收费台账", (
            FieldSpec("unit", UNIT_ALIASES, "unit", True),
            FieldSpec("item", ("收费项目", "费用项目", "费用名称", "科目"), "text", True),
            FieldSpec("period", ("所属期", "费用月份", "计费月份", "账期"), "period", True),
            FieldSpec("amount_due", ("应收金额", "应收", "应缴金额"), "amount", True),
            FieldSpec("amount_paid", ("实收金额", "实收", "已缴金额"), "amount"),
            FieldSpec("paid_date", ("缴费日期", "收款日期"), "datetime"),
            FieldSpec("due_date", ("缴费期限", "应缴日期"), "date"),
            FieldSpec("instalment", ("分期协议", "分期协议编号"), "text"),
            FieldSpec("note", ("备注",)),
        )),
        KindSpec("instalments", "分期缴费协议", (
            FieldSpec("unit", UNIT_ALIASES, "unit", True),
            FieldSpec("agreement", ("协议编号", "分期协议编号")),
            FieldSpec("seq", ("期次", "分期期次"), "int"),
            FieldSpec("due_date", ("约定缴费日期", "分期缴费日期"), "date", True),
            FieldSpec("amount", ("约定金额", "分期金额"), "amount", True),
            FieldSpec("amount_paid", ("实缴金额", "分期实缴金额"), "amount"),
            FieldSpec("paid_date", ("实缴日期", "分期实缴日期"), "datetime"),
        )),
        KindSpec("collections", "欠费催缴记录表", (
            FieldSpec("unit", UNIT_ALIASES, "unit", True),
            FieldSpec("date", ("催缴日期", "日期"), "date", True),
            FieldSpec("method", ("方式", "催缴方式")),
            FieldSpec("category", ("分类", "欠费分类")),
            FieldSpec("promised_date", ("承诺缴费日期", "约定缴费日期"), "date"),
            FieldSpec("staff", ("经办人", "管家", "催缴人")),
            FieldSpec("reviewed_by", ("客服部审核", "审核人")),
            FieldSpec("approved_by", ("总经理审批", "审批人")),
            FieldSpec("note", ("备注", "结果")),
        )),
        KindSpec("tickets", "投诉报修台账", (
            FieldSpec("ticket_id", ("工单号", "编号", "单号"), "text", True),
            FieldSpec("kind", ("类型",), "text", True),
            FieldSpec("level", ("等级", "投诉等级")),
            FieldSpec("unit", UNIT_ALIASES, "unit"),
            FieldSpec("reporter", ("反映人", "报修人", "投诉人")),
            FieldSpec("content", ("内容", "事项", "投诉内容", "报修内容")),
            FieldSpec("source", ("来源",)),
            FieldSpec("received_at", ("受理时间", "接报时间", "报修时间"), "datetime", True),
            FieldSpec("dispatched_at", ("派单时间", "转单时间"), "datetime"),
            FieldSpec("department", ("责任部门", "处理部门")),
            FieldSpec("handler", ("处理人", "维修人")),
            FieldSpec("agreed_at", ("约定时间", "约定完成时间"), "datetime"),
            FieldSpec("replied_at", ("答复时间",), "datetime"),
            FieldSpec("completed_at", ("完成时间", "处理完成时间"), "datetime"),
            FieldSpec("callback_at", ("回访时间",), "datetime"),
            FieldSpec("callback_result", ("回访结果", "满意度")),
            FieldSpec("related_ticket", ("关联工单", "原工单号")),
            FieldSpec("postponements", ("延期次数",), "int"),
            FieldSpec("progress_at", ("进度反馈时间", "进展汇报时间"), "datetime"),
            FieldSpec("arrived_at", ("到场时间", "到达时间"), "datetime"),
            FieldSpec("site", ("项目", "管理处", "小区")),
        )),
        KindSpec("keys", "钥匙借用登记表", (
            FieldSpec("key_id", ("钥匙编号", "钥匙号"), "text", True),
            FieldSpec("unit", ("房号", "区域", "房号/区域")),
            FieldSpec("borrower", ("借用人",), "text", True),
            FieldSpec("borrower_org", ("借用人单位", "单位")),
            FieldSpec("purpose", ("借用事由", "用途")),
            FieldSpec("approver", ("批准人", "同意人")),
            FieldSpec("lent_at", ("借出时间", "借用时间"), "datetime", True),
            FieldSpec("returned_at", ("归还时间",), "datetime"),
            FieldSpec("status", ("状态",)),
            FieldSpec("cause", ("未还原因", "备注")),
        )),
        KindSpec("staff", "员工与奖金", (
            FieldSpec("name", ("姓名",), "text", True),
            FieldSpec("role", ("岗位", "职务")),
            FieldSpec("month", ("月份",), "period"),
            FieldSpec("monthly_bonus", ("月奖金", "当月奖金"), "amount"),
        )),
    )
}


def norm_header(text: object) -> str:
    """Header text for matching: NFKC, no spaces, no bracketed unit like (元) or (㎡)."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"[(\[（【][^)\]）】]*[)\]）】]$", "", s)
    return s.strip("*：:")


_ALIAS_INDEX: dict[str, dict[str, str]] = {
    kind.name: {norm_header(a): f.name for f in kind.fields for a in f.aliases} for kind in KINDS.values()
}


def field_for_header(kind: str, header: object) -> str | None:
    return _ALIAS_INDEX[kind].get(norm_header(header))
