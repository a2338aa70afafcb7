"""Demo ledgers for move-in, move-out, goods release and owner records (issue 15, M1–M6).

* ``入伙资料查验登记.xlsx`` › ``入伙登记``: the papers checked at move-in (003 › 篇1 › 4.1.1) and, on the same sheet,
  the documents issued and signed (4.1.3, 4.1.4, 《入伙文件签署发放确认表》) for four new households of building 10.
* ``物品出入放行条.xlsx`` › ``放行条``: 《物品出入放行条》 (001 calls it 《物品搬运放行单》): three slips.
* ``退伙登记.xlsx`` › ``退伙``: two move-outs.
The owner files of the other demos are checked too (M5): rows without a phone are listed for a visit, and a sheet
without an ID or family column is said once.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

T, D = dt.datetime, dt.date
MOVEIN_FILE, MOVEIN_SHEET = "入伙资料查验登记.xlsx", "入伙登记"
SLIP_FILE, SLIP_SHEET = "物品出入放行条.xlsx", "放行条"
MOVEOUT_FILE, MOVEOUT_SHEET = "退伙登记.xlsx", "退伙"

MOVEIN_HEADER = ["房号", "业主姓名", "入伙日期", "入伙类型", "准予入住通知书", "身份证或营业执照复印件", "代理人",
                 "代理入伙委托证明", "代理人身份证", "住户手册", "装修管理规定", "住宅使用说明书", "住宅质量保证书",
                 "业主档案", "业主公约", "消防安全责任书", "经办人"]
OK7 = ["√"] * 7
MOVEINS = [
    ["10-1-101", "周杰", D(2026, 11, 16), "首次", "√", "√", None, None, None, *OK7, "王芳"],
    # the ID copy was not kept (M1-1)
    ["10-1-102", "吴敏", D(2026, 11, 17), "首次", "√", "未收", None, None, None, *OK7, "王芳"],
    # a proxy acted for the owner: authorisation kept, the proxy's ID copy not (M1-2)
    ["10-1-201", "郑凯", D(2026, 11, 18), "首次", "√", "√", "郑小凯", "√", None, *OK7, "王芳"],
    # 《消防安全责任书》 not signed (M2-2)
    ["10-1-202", "孙丽", D(2026, 11, 19), "首次", "√", "√", None, None, None, "√", "√", "√", "√", "√", "√", None,
     "王芳"],
]
SLIP_HEADER = ["放行条编号", "房号", "搬运人", "搬运人身份", "物品", "业主书面意见", "放行时间", "下联交回时间", "归档日期",
               "保安员"]
SLIPS = [
    ["FX-1101", "1-1-302", "李秀英", "业主", "旧沙发一套", None, T(2026, 11, 18, 10, 0), T(2026, 11, 18, 18, 0),
     D(2026, 11, 18), "刘军"],
    # a tenant moving out without the owner's written consent (M4-1)
    ["FX-1102", "1-1-1501", "陈某", "租户", "冰箱、洗衣机", None, T(2026, 11, 19, 9, 30), T(2026, 11, 19, 17, 0),
     D(2026, 11, 19), "刘军"],
    # the lower half returned the next morning (M4-2)
    ["FX-1103", "1-1-302", "李秀英", "业主", "书柜", None, T(2026, 11, 19, 15, 0), T(2026, 11, 20, 9, 0),
     D(2026, 11, 20), "刘军"],
]
MOVEOUT_HEADER = ["房号", "业主姓名", "退伙日期", "房屋转让情况通知书", "转让合同", "费用结算是否明确", "书面说明",
                  "管理处负责人同意", "物业交接验收表", "建档日期"]
MOVEOUTS = [
    ["10-2-101", "冯涛", D(2026, 11, 5), "√", "√", "明确", None, "李强", "√", D(2026, 11, 6)],
    # closed although the contract leaves the fee settlement open and there is no written statement (M3-1)
    ["10-2-102", "褚红", D(2026, 11, 10), "√", "√", "未明确", None, "李强", "√", D(2026, 11, 12)],
]


def _save(path: Path, title: str | None, header: list, rows: list[list], sheet: str) -> None:
    from sample_areas._book import save, table

    save(path, {sheet: table(title, header, rows)})


def write(out: Path) -> str:
    _save(out / MOVEIN_FILE, "和园小区10栋入伙资料查验登记", MOVEIN_HEADER, MOVEINS, MOVEIN_SHEET)
    _save(out / SLIP_FILE, None, SLIP_HEADER, SLIPS, SLIP_SHEET)
    _save(out / MOVEOUT_FILE, None, MOVEOUT_HEADER, MOVEOUTS, MOVEOUT_SHEET)
    return "\n".join([
        "## Move-in, move-out, goods release and owner records (tools/sample_areas/movein.py)",
        "",
        f"- `{MOVEIN_FILE}` › `{MOVEIN_SHEET}`: title row 1, header row 2, {len(MOVEINS)} move-ins in rows 3–"
        f"{len(MOVEINS) + 2} (the papers of 003 › 篇1 › 4.1.1 and the documents of 4.1.3/4.1.4 on one sheet).",
        f"- `{SLIP_FILE}` › `{SLIP_SHEET}`: header row 1, {len(SLIPS)} 《物品出入放行条》 in rows 2–{len(SLIPS) + 1}.",
        f"- `{MOVEOUT_FILE}` › `{MOVEOUT_SHEET}`: header row 1, {len(MOVEOUTS)} move-outs.",
        "",
        "Expected on 2026-11-20 (rules/movein.yaml):",
        "",
        "| row | expected |",
        "|---|---|",
        "| `10-1-101` | nothing |",
        "| `10-1-102` 身份证复印件 未收 | **M1-1** |",
        "| `10-1-201` by a proxy, no 代理人身份证 | **M1-2** |",
        "| `10-1-202` 消防安全责任书 blank | **M2-2** |",
        "| `FX-1101` | nothing |",
        "| `FX-1102` tenant, no owner's consent | **M4-1** |",
        "| `FX-1103` returned 09:00 the next day | **M4-2** (超时完成) |",
        "| `10-2-102` closed, fees not explicit, no statement | **M3-1** |",
        "| owner files | **M5-1** for each owner without a phone (e.g. `8-2-201`, listed on the sheet 业主档案不全走访名单, "
        "masked); **M5-2** once for each owner sheet without 证件号码 / 家庭成员 columns |",
    ])
