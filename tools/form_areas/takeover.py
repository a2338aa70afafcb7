"""Templates of the takeover-inspection area: 《整改通知书》 (shared), 《整改催办函》, 《整改情况书面报告》.

The 《整改通知书》 is SHARED: the takeover inspection (T3, to the 房产工程部), the move-in house inspection
(M1a, to the department that repairs) and the renovation engineer (V6, to the owner or contractor) all issue
it through this one template. Its context contract — every area that issues a 整改通知书 fills these keys
(more keys are allowed and ignored by the template):

    number       str   the register's number (整改字〔2026〕第0001号)
    title        str   the document title (整改通知书)
    issue_date   str   2026年11月20日
    addressee    str   收件单位或业主: 房产工程部 / 工程部 / 业主 3-1-101 王先生
    unit         str   房号 as written (or the public area)
    items        list  [{item, problem, found_at}]: one row per problem (项目 / 问题 / 发现时间, text)
    deadline     str   整改期限, as the reader should read it (2026-11-23 10:00前（联席会议确定）)
    basis        str   依据，面向收件人: why and what to do, in the addressee's terms (no clause numbers needed)
    citation     str   the rule's citation (seed › document › clause), printed small at the foot
    company      str   the issuing company (optional: the template falls back to forms.yaml's company.name)

The chase ladder's two documents use the same contract (their ``addressee`` is the 房产工程部, or the three
leaderships at step 2), so one builder makes all three; only the heading sentence differs.
"""
from __future__ import annotations

import build_forms as bf
from docx.enum.text import WD_ALIGN_PARAGRAPH

INTRO = {
    "整改通知书": "经查，{{ n.unit }}存在下列问题，现书面通知贵方按期整改：",
    "整改催办函": "{{ n.unit }}的下列问题经书面通知后逾期仍未整改完毕，现书面加催：",
    "整改情况书面报告": "现将{{ n.unit }}逾期仍未整改完毕的下列问题书面报告如下：",
}


def build_rectification(title: str):
    doc = bf._new_document(title)
    bf.tag(doc, "{%p for n in notices %}")
    bf.para(doc, "{{ n.title }}", bf.S_TITLE)
    bf.para(doc, "编号：{{ n.number }}", bf.S_TEXT, align=WD_ALIGN_PARAGRAPH.RIGHT, size=10.5, after=6)
    bf.para(doc, "{{ n.addressee }}：", bf.S_BODY, bold=True)
    bf.para(doc, INTRO[title], bf.S_BODY, after=6)
    bf.grid_table(doc, ["序号", "房号", "项目", "问题", "发现时间"],
                  ["{{ loop.index }}", "{{ n.unit }}", "{{ i.item }}", "{{ i.problem }}", "{{ i.found_at }}"],
                  [12, 28, 30, 62, 30], "for i in n['items']", left_cols={3}, size=10, cell_margin_mm=1)
    bf.para(doc, "整改期限：{{ n.deadline }}", bf.S_BODY, bold=True, before=6)
    bf.para(doc, "{{ n.basis }}", bf.S_BODY, after=6)
    bf.form_table(doc, [
        ("签收人（签字）", "", "签收时间", "　　年　　月　　日　　时"),
        ("整改完成情况", ["", "", "整改单位签字：　　　　　　日期：　　　　　　"], 18),
        ("复验结果", ["□合格　　□不合格", "", "复验人签字：　　　　　　日期：　　　　　　"], 18),
    ], [30, 52, 28, 53], row_mm=8)
    bf.para(doc, "{{ n.company or company.name }}{{ company.department }}", bf.S_TEXT,
            align=WD_ALIGN_PARAGRAPH.RIGHT, before=8)
    bf.para(doc, "{{ n.issue_date }}", bf.S_TEXT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    bf.citation(doc, "n.citation")
    bf.page_break_between(doc)
    bf.tag(doc, "{%p endfor %}")
    return doc


BUILDERS = {f"{t}.docx": (lambda t=t: build_rectification(t)) for t in INTRO}
