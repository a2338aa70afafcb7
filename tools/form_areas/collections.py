"""Collection documents (rules/collections.yaml): the 《催费日报表》 (F5, each night), the weekly
收费完成情况 summary for the weekly review (F5, 004 4.8 — the source names no form: the document is named
in the source's words) and the 长期欠费业主详细资料 (F7/F7a, 000 篇7 — likewise unnamed in the source).

A report carries ``rows`` (per 管家: staff, households, calls, visits, postings, promises, collected),
``total`` (the same fields), ``covered`` (the days counted), ``arrears_households``, ``arrears_total``,
``late_text``; the register carries ``rows`` (unit, name — surname only —, phone — masked —, years, since,
amount_text), ``count``, ``total``, ``years``, ``as_of``.
"""
from __future__ import annotations

import build_forms as bf

STAFF_HEADERS = ["序号", "管家", "催缴户数", "电话催缴", "入户催缴", "张贴催费通知单", "承诺缴费", "收回金额（元）"]
STAFF_FIELDS = ["{{ loop.index }}", "{{ r.staff }}", "{{ r.households }}", "{{ r.calls }}", "{{ r.visits }}",
                "{{ r.postings }}", "{{ r.promises }}", "{{ r.collected }}"]
STAFF_TOTALS = ["合计", "{{ report.total.households }}", "{{ report.total.calls }}", "{{ report.total.visits }}",
                "{{ report.total.postings }}", "{{ report.total.promises }}", "{{ report.total.collected }}"]
WIDTHS = [10, 26, 18, 18, 18, 24, 18, 28]


def _staff_report(title: str, intro: str, closing: str):
    doc = bf._new_document(title)
    bf.footer_page_numbers(doc)
    bf.para(doc, "{{ report.title }}", bf.S_TITLE)
    bf.para(doc, "统计期间：{{ report.covered }}　　　　编制日期：{{ report.issue_date }}　　　　编号：{{ report.number }}",
            bf.S_TEXT, align=bf.WD_ALIGN_PARAGRAPH.CENTER, size=10.5, after=6)
    bf.tag(doc, "{%p if report.late_text %}")
    bf.para(doc, "{{ report.late_text }}", bf.S_NOTE)
    bf.tag(doc, "{%p endif %}")
    bf.para(doc, intro, bf.S_BODY, after=6)
    bf.grid_table(doc, STAFF_HEADERS, STAFF_FIELDS, WIDTHS, "for r in report.rows", right_cols={7},
                  totals=STAFF_TOTALS, totals_span=2, size=9.5, cell_margin_mm=1)
    bf.para(doc, "截至统计日仍欠费：{{ report.arrears_households }} 户，{{ report.arrears_total }} 元。", bf.S_TEXT, before=6)
    bf.para(doc, closing, bf.S_TEXT, before=6)
    bf.para(doc, "统计：　　　　　　　　　　客服主管（客服负责人）：　　　　　　　　　　", bf.S_TEXT, before=12)
    bf.signature(doc, "{{ report.issue_date }}")
    bf.citation(doc, "report.citation")
    return doc


def build_daily_report():
    return _staff_report(
        "催费日报表",
        "各管家当日《欠费催缴记录表》统计如下（收回金额取收费台账中当日缴费、且在催缴记录表中的住户）：",
        "客服主管每日监督各管家《欠费催缴记录表》，及时指导催费期间不足之处。")


def build_weekly_report():
    return _staff_report(
        "每周收费完成情况统计",
        "本周各管家催缴及收费完成情况统计如下，供每周物业费催收总结大会使用：",
        "下周催缴计划：＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿（更新后上传客服部）")


def build_long_arrears_register():
    doc = bf._new_document("长期欠费业主详细资料")
    bf.footer_page_numbers(doc)
    bf.para(doc, "{{ report.title }}", bf.S_TITLE)
    bf.para(doc, "统计日期：{{ report.as_of }}　　　　编制日期：{{ report.issue_date }}　　　　编号：{{ report.number }}",
            bf.S_TEXT, align=bf.WD_ALIGN_PARAGRAPH.CENTER, size=10.5, after=6)
    bf.tag(doc, "{%p if report.late_text %}")
    bf.para(doc, "{{ report.late_text }}", bf.S_NOTE)
    bf.tag(doc, "{%p endif %}")
    bf.para(doc, "欠缴物业费{{ report.years }}年以上的业主共{{ report.count }}户，欠费合计{{ report.total }}元，"
                 "每户业主姓名、联系方式、欠缴年限、欠费金额如下（打印件中姓名只留姓，电话隐去中间四位；"
                 "完整信息见业主档案）：", bf.S_BODY, after=6)
    bf.grid_table(doc, ["序号", "房号", "业主", "联系方式", "欠缴年限（年）", "最早欠费期限", "欠费金额（元）"],
                  ["{{ loop.index }}", "{{ r.unit }}", "{{ r.name }}", "{{ r.phone }}", "{{ r.years }}",
                   "{{ r.since }}", "{{ r.amount_text }}"],
                  [10, 24, 18, 30, 20, 26, 28], "for r in report.rows", right_cols={6}, size=9.5, cell_margin_mm=1)
    bf.para(doc, "核对人：　　　　　　　　　　客服主管：　　　　　　　　　　", bf.S_TEXT, before=12)
    bf.signature(doc, "{{ report.issue_date }}")
    bf.citation(doc, "report.citation")
    return doc


BUILDERS = {
    "催费日报表.docx": build_daily_report,
    "每周收费完成情况统计.docx": build_weekly_report,
    "长期欠费业主详细资料.docx": build_long_arrears_register,
}
