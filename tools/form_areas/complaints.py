"""Complaint documents (rules/complaints.yaml): 《投诉处理档案卡》 (C5), 《“总经理信箱”信件处理档案》 (C8),
the monthly summary and the 《投诉记录汇总表》 (C10).

A per-ticket form ``n`` carries the ticket (ticket_id, unit, reporter — the complainant's full name: these
are internal forms, not public lists —, source, level, department, handler, content, received_at,
related_ticket), ``completed`` with completed_at, callback_at and callback_result (a completed ticket shows
them, not the time elapsed), elapsed / elapsed_text (an open ticket), deadline (C5's clock) or report_by
(C8: when it is reported to company leadership), reason, escalate_to, number, issue_date, citation.

A monthly report carries rows, count, rule_title (the rule's title with tonight's parameters: which
deadline it serves), covered_to, late_text (a report caught up after a missed night says so) and
important_note (when the owner file has no 重要业户 / VIP column).
"""
from __future__ import annotations

import build_forms as bf

STATUS_LABEL = "{% if n.completed %}完成时间{% else %}已历时{% endif %}"
STATUS_VALUE = "{% if n.completed %}{{ n.completed_at }}{% else %}{{ n.elapsed or n.elapsed_text }}{% endif %}"
CALLBACK = ["回访人：　　　　　　回访时间：{{ n.callback_at or '' }}",
            "回访结果（业户意见）：{{ n.callback_result or '' }}", ""]


def build_complaint_card():
    """C5: not finished 24 h after the first report → 客服主管, 《投诉处理档案卡》, 《投诉台帐》."""
    doc = bf._new_document("投诉处理档案卡")
    bf.tag(doc, "{%p for n in notices %}")
    bf._ticket_header(doc)
    bf.para(doc, "以下投诉首报后未在规定时限内处理完毕，现填写本卡逐级上报{{ n.escalate_to }}，"
                 "报部门负责人批示后按批示执行，并登记《投诉台帐》备查。", bf.S_BODY, after=6)
    widths = [30, 52, 28, 53]
    bf.form_table(doc, [
        ("工单编号", "{{ n.ticket_id }}", "投诉等级", "{{ n.level }}"),
        ("房号", "{{ n.unit }}", "投诉人", "{{ n.reporter }}"),
        ("投诉来源", "{{ n.source }}", "受理时间", "{{ n.received_at }}"),
        ("责任部门", "{{ n.department }}", "处理人", "{{ n.handler }}"),
        ("处理时限", "{{ n.deadline }}", STATUS_LABEL, STATUS_VALUE),
        ("关联工单", "{{ n.related_ticket or '无' }}"),
        ("投诉内容", "{{ n.content }}", 18),
        ("上报对象", "{{ n.escalate_to }}"),
        ("上报原因", "{{ n.reason }}", 12),
        ("部门负责人批示", ["", "", "签字：　　　　　　日期：　　　　　　"], 20),
        ("处理进度记录", ["（相关职责部门每日向客服前台回复处理进度）", "", ""], 20),
        ("处理结果", ["{% if n.completed %}已于{{ n.completed_at }}处理完毕{% endif %}", "",
                      "责任部门负责人审核签字：　　　　　　日期：　　　　　　"], 20),
        ("回访记录", CALLBACK, 16),
        ("客服主管审核归档", ["", "签字：　　　　　　日期：　　　　　　"], 12),
    ], widths)
    bf.signature(doc, "{{ n.issue_date }}")
    bf.citation(doc, "n.citation")
    bf.page_break_between(doc)
    bf.tag(doc, "{%p endfor %}")
    return doc


def build_gm_mailbox_file():
    """C8: a second complaint about the same matter is handled as a “总经理信箱” letter (003 › 篇2 › 4.1.3.2):
    registered in the 《“总经理信箱”信件处理台帐》 (a sheet of the exception workbook), filed in this
    《“总经理信箱”信件处理档案》 and reported to company leadership for instructions by the set time."""
    doc = bf._new_document("“总经理信箱”信件处理档案")
    bf.tag(doc, "{%p for n in notices %}")
    bf._ticket_header(doc)
    bf.para(doc, "同一事项出现业户二次投诉的，按“总经理信箱”信件处理：已登记《“总经理信箱”信件处理台帐》，"
                 "填写本档案，于{{ n.report_by }}前呈报{{ n.escalate_to }}批示，并按批示执行。", bf.S_BODY, after=6)
    widths = [30, 52, 28, 53]
    bf.form_table(doc, [
        ("工单编号", "{{ n.ticket_id }}", "前次投诉工单", "{{ n.related_ticket or '无' }}"),
        ("房号", "{{ n.unit }}", "投诉人", "{{ n.reporter }}"),
        ("投诉等级", "{{ n.level }}", "投诉来源", "{{ n.source }}"),
        ("受理时间", "{{ n.received_at }}", "呈报期限", "{{ n.report_by }}"),
        ("责任部门", "{{ n.department }}", "处理人", "{{ n.handler }}"),
        ("处理状态", "{% if n.completed %}已处理完毕{% else %}处理中{% endif %}", STATUS_LABEL, STATUS_VALUE),
        ("投诉内容", "{{ n.content }}", 20),
        ("事由", "{{ n.reason }}", 14),
        ("{{ n.escalate_to }}批示", ["", "", "", "签字：　　　　　　日期：　　　　　　"], 28),
        ("按批示执行情况", ["", "", "", "负责人签字：　　　　　　日期：　　　　　　"], 28),
        ("回访记录", CALLBACK, 20),
    ], widths)
    bf.signature(doc, "{{ n.issue_date }}")
    bf.citation(doc, "n.citation")
    bf.page_break_between(doc)
    bf.tag(doc, "{%p endfor %}")
    return doc


def _report_header(doc) -> None:
    bf.para(doc, "{{ report.title }}", bf.S_TITLE)
    bf.para(doc, "统计月份：{{ report.month }}　　　　统计至：{{ report.covered_to }}　　　　编制日期：{{ report.issue_date }}",
            bf.S_TEXT, align=bf.WD_ALIGN_PARAGRAPH.CENTER, size=10.5, after=3)
    bf.para(doc, "{{ report.rule_title }}{{ report.late_text }}", bf.S_TEXT,
            align=bf.WD_ALIGN_PARAGRAPH.CENTER, size=10.5, after=9)


def build_monthly_summary():
    """C10: second, major and important-owner complaints summarised for company leadership."""
    doc = bf._new_document("投诉月度汇总")
    bf.footer_page_numbers(doc)
    _report_header(doc)
    bf.para(doc, "现将{{ report.month }}二次投诉、重大投诉、重要业户投诉的处理情况汇总如下，共计{{ report.count }}件，"
                 "请领导审阅。{{ report.important_note }}", bf.S_BODY, after=6)
    bf.grid_table(
        doc,
        ["序号", "工单编号", "房号", "等级", "类别", "投诉内容", "受理时间", "状态", "备注"],
        ["{{ loop.index }}", "{{ r.ticket_id }}", "{{ r.unit }}", "{{ r.level }}", "{{ r.kind }}",
         "{{ r.content }}", "{{ r.received_at }}", "{{ r.status }}", "{{ r.note or '' }}"],
        [9, 30, 18, 11, 13, 33, 20, 13, 16],
        "for r in report.rows", left_cols={5, 8}, size=9, cell_margin_mm=1,
    )
    bf.para(doc, "", bf.S_TEXT)
    bf.para(doc, "编制：　　　　　　　　　　审核（客服主管）：　　　　　　　　　　", bf.S_TEXT, before=12)
    bf.signature(doc, "{{ report.issue_date }}")
    bf.citation(doc, "report.citation")
    return doc


def build_complaint_register():
    """C10: the 《投诉记录汇总表》, every complaint of the month to the night it is produced."""
    doc = bf._new_document("投诉记录汇总表", landscape=True)
    bf.footer_page_numbers(doc)
    _report_header(doc)
    bf.grid_table(
        doc,
        ["序号", "工单编号", "房号", "等级", "类别", "投诉内容", "受理时间", "完成时间", "处理状态",
         "责任部门", "备注"],
        ["{{ loop.index }}", "{{ r.ticket_id }}", "{{ r.unit }}", "{{ r.level }}", "{{ r.kind }}",
         "{{ r.content }}", "{{ r.received_at }}", "{{ r.completed_at or '' }}", "{{ r.status }}",
         "{{ r.department }}", "{{ r.note or '' }}"],
        [10, 30, 20, 12, 16, 52, 28, 28, 17, 20, 24],
        "for r in report.rows", left_cols={5, 10}, size=9, cell_margin_mm=1,
    )
    bf.para(doc, "本月合计：{{ report.count }}件", bf.S_TEXT, before=6)
    bf.para(doc, "填表：　　　　　　　　　　客服主管：　　　　　　　　　　", bf.S_TEXT, before=9)
    bf.signature(doc, "{{ report.issue_date }}")
    bf.citation(doc, "report.citation")
    return doc


BUILDERS = {
    "投诉处理档案卡.docx": build_complaint_card,
    "“总经理信箱”信件处理档案.docx": build_gm_mailbox_file,
    "投诉月度汇总.docx": build_monthly_summary,
    "投诉记录汇总表.docx": build_complaint_register,
}
