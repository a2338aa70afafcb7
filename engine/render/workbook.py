"""The exception workbook clerks work through: one sheet per kind of finding.

Chinese headers, a frozen header row, filters, a 状态 column with a dropdown
(未处理/已处理). Every user string is written as text, so nothing from a
ledger can become a formula; phone and ID numbers are masked.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path


from ..findings import Finding
from .mask import scrub
from .xlsx import Sheet, write_xlsx

FINDING_HEADER = ["序号", "严重程度", "政策编号", "规则", "对象", "说明", "文书", "来源（文件 › 工作表 › 行 › 列）",
                  "依据", "状态", "处理说明"]
STATUS_CHOICES = ("未处理", "已处理")
# Sheets in the order a clerk works through them; other categories follow alphabetically.
SHEET_ORDER = ["数据问题", "催费通知", "分期协议", "缴费提醒", "收费率", "投诉升级", "二次投诉", "投诉时限", "投诉回访",
               "返修", "回访抽样", "首问责任", "服务承诺", "投诉月报", "规则参数"]


def write_workbook(path: Path, findings: list[Finding], extra_sheets: dict[str, tuple[list[str], list[list]]],
                   summary: list[list]) -> None:
    sheets = [Sheet("汇总", ["项目", "数量/说明"], [[scrub_value(v) for v in row] for row in summary], {1: 30, 2: 60})]
    by_category: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_category[f.category].append(f)
    order = [c for c in SHEET_ORDER if c in by_category] + sorted(c for c in by_category if c not in SHEET_ORDER)
    widths = {1: 6, 2: 8, 3: 8, 4: 10, 5: 14, 6: 70, 7: 16, 8: 50, 9: 40, 10: 10, 11: 30}
    for category in order:
        rows = []
        for i, f in enumerate(by_category[category], start=1):
            rows.append([i, f.severity, f.policy, f.rule, f.subject or "", scrub(f.message),
                         f"《{f.document}》" if f.document else "", "；".join(s.label() for s in f.sources),
                         f.citation or "", STATUS_CHOICES[0], ""])
        sheets.append(Sheet(category, FINDING_HEADER, rows, widths, choices=(10, STATUS_CHOICES)))
    for title, (header, rows) in extra_sheets.items():
        sheets.append(Sheet(title, header, [[scrub_value(v) for v in row] for row in rows],
                            {i: 16 for i in range(1, len(header) + 1)}))
    write_xlsx(path, sheets)


_SHA256 = re.compile(r"[0-9a-f]{64}")


def scrub_value(value):
    """Free text is scrubbed of phone and ID numbers; an audit hash (R1's SHA-256) is left exactly as it is."""
    if isinstance(value, str) and not _SHA256.fullmatch(value):
        return scrub(value)
    return value
