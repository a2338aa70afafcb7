"""Renovation documents (rules/renovation.yaml): 《停工通知》 (V2, V6).

The seeds say "否则予以停工" / "责令停工" but name no document: the notice is named plainly 《停工通知》.
《整改通知书》 (V6 on discovery) is the document shared with the takeover area (tools/form_areas/takeover.py).

A notice ``n`` carries: number, title, issue_date, contractor (施工单位, the addressee), unit, violation
(class and description), found_date, description, reason (the finding: what was due, by when, and what
happened), deadline (the missed deadline), citation (the clause of the 装修管理规定), rule, step.
Nothing here cuts or threatens to cut water or power: the company stops the *works*; only the government
departments act under the law (民法典 Art. 944).
"""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

import build_forms as bf


def build_stop_work_notice():
    doc = bf._new_document("停工通知")
    bf.tag(doc, "{%p for n in notices %}")
    bf.para(doc, "{{ n.title }}", bf.S_TITLE)
    bf.para(doc, "编号：{{ n.number }}", bf.S_TEXT, align=WD_ALIGN_PARAGRAPH.RIGHT, size=10.5, after=6)
    bf.para(doc, "{{ n.contractor }}（施工单位）：", bf.S_TEXT, after=4)
    bf.para(doc, "你单位在{{ n.unit }}的装修施工中，经我中心巡查发现存在以下情况，且未在规定期限内纠正。"
                 "依据《装修管理规定》及你单位签署的装修管理协议、装修承诺书，现通知你单位自接到本通知之日起"
                 "立即停止该户的装修施工。", bf.S_BODY, after=6)
    widths = [30, 52, 28, 53]
    bf.form_table(doc, [
        ("房号", "{{ n.unit }}", "发现日期", "{{ n.found_date }}"),
        ("违规类别", "{{ n.violation }}"),
        ("违规情况", "{{ n.description }}", 14),
        ("停工事由", "{{ n.reason }}", 18),
        ("期限", "{{ n.deadline }}"),
        ("依据条款", "{{ n.citation }}", 14),
    ], widths)
    bf.para(doc, "", bf.S_TEXT)
    bf.para(doc, "请你单位按要求补齐装修保证金、恢复原状或整改到位，经我中心复查确认后方可恢复施工。"
                 "停工期间请做好现场安全防护，不得擅自施工。如有疑问，请与客服中心联系。", bf.S_BODY)
    bf.signature(doc, "{{ n.issue_date }}", seal=True)
    bf.contact_block(doc)
    bf._cut_line(doc)
    bf.para(doc, "签收回执", bf.S_TEXT, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=12, east=bf.HEI,
            before=3, after=3)
    bf.form_table(doc, [
        ("房号", "{{ n.unit }}", "通知编号", "{{ n.number }}"),
        ("施工单位", "{{ n.contractor }}", "发出日期", "{{ n.issue_date }}"),
        ("签收人（签字）", "", "签收日期", "　　年　　月　　日"),
    ], widths, row_mm=7)
    bf.page_break_between(doc)
    bf.tag(doc, "{%p endfor %}")
    return doc


BUILDERS = {"停工通知.docx": build_stop_work_notice}
