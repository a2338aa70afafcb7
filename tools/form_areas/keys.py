"""The 《员工过失单》 (000 › 篇1 › 三 10: 制订《员工奖惩条例》，建立"员工过失单""奖励审批单"): one page per staff
fine from the fines register (engine/record/fines.py), whatever area charged it (keys K6, takeover T …).

A notice ``n`` carries: number, title, issue_date, person, role, month, night (the night the fine arose),
policy, rule, clause, reason (the lapse, in the rule's words), lapse_subject (a key, a unit, a hand-over),
evidence (the ledger cells), amount, total (the month's fines so far), bonus, deducted, deduction (the
sentence on the cap: 第三十六条 扣完为止), citation. No amount is written into the template: they come from
rules/ through the register.
"""
from __future__ import annotations

import build_forms as bf


def build_fault_slip():
    doc = bf._new_document("员工过失单")
    bf.tag(doc, "{%p for n in notices %}")
    bf.para(doc, "{{ n.title }}", bf.S_TITLE)
    bf.para(doc, "编号：{{ n.number }}", bf.S_TEXT, align=bf.WD_ALIGN_PARAGRAPH.RIGHT, size=10.5, after=6)
    widths = [30, 52, 28, 53]
    bf.form_table(doc, [
        ("姓名", "{{ n.person }}", "岗位", "{{ n.role }}"),
        ("登记日期", "{{ n.night }}", "扣罚月份", "{{ n.month }}"),
        ("政策编号", "{{ n.policy }}（规则 {{ n.rule }}）", "涉及对象", "{{ n.lapse_subject }}"),
        ("过失事实", "{{ n.reason }}", 22),
        ("台账记录", "{{ n.evidence }}", 14),
        ("处罚依据", "{{ n.clause }}"),
        ("扣罚金额", "{{ n.amount }} 元", "本月累计", "{{ n.total }} 元"),
        ("当月奖金", "{{ n.bonus }}", "本项实扣", "{{ n.deducted }}"),
        ("扣款说明", "{{ n.deduction }}", 14),
        ("本人意见", ["", "", "签字：　　　　　　日期：　　　　　　"], 18),
        ("部门负责人意见", ["", "签字：　　　　　　日期：　　　　　　"], 16),
        ("人事部门", ["已从当月奖金中扣除（扣完为止，不转下月）", "经办人签字：　　　　　　日期：　　　　　　"], 16),
    ], widths)
    bf.signature(doc, "{{ n.issue_date }}")
    bf.citation(doc, "n.citation")
    bf.page_break_between(doc)
    bf.tag(doc, "{%p endfor %}")
    return doc


BUILDERS = {"员工过失单.docx": build_fault_slip}
