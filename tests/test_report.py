"""The night's report OUT/<date>/index.html (issue 14): content, and a real headless browser."""
from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from engine.findings import Finding, Source
from engine.render.report import write_report

from .conftest import REPO, TODAY


def _fee(unit, item, period, owed, days, rule="F3-1", severity="提示"):
    return Finding("F3", rule, "催费通知", unit, f"{unit} {item} {period} 欠缴 {owed} 元", severity,
                   details={"unit": unit, "item": item, "period_text": period, "outstanding": owed, "days_late": days})


SHEETS = {
    "收费率统计": (["楼栋", "收费项目", "应收金额", "实收金额", "收费率", "目标", "是否达标"], [
        ["1", "物业费", "1,000.00", "950.00", "95.0%", "80%", "达标"],
        ["1", "水费", 200, 190, 0.95, 0.8, "达标"],  # numbers as Excel numbers work as well as text
        ["2", "物业费", "1,000.00", "500.00", "50.0%", "80%", "未达标"],
        ["10", "物业费", "400.00", "400.00", "100.0%", "80%", "达标"],
    ]),
    "工单时限": (["工单号", "类型", "等级", "房号", "受理时间", "时限状态", "最近时限", "规则", "依据"], [
        ["T01", "投诉", "轻微", "1-1-101", "2026-11-19 10:00", "已超时", "2026-11-20 10:00", "C2-1 …", "001 › 篇3"],
        ["T02", "投诉", "轻微", "1-1-102", "2026-11-20 01:30", "临近超时", "2026-11-21 01:30", "C2-1 …", "001 › 篇3"],
        ["T03", "报修", "", "1-1-103", "2026-11-20 08:00", "正常", "2026-11-21 08:00", "C4-1 …", "003 › 篇3"],
        ["T04", "报修", "", "1-1-104", "2026-11-20 09:00", "正常", "2026-11-21 09:00", "C4-1 …", "003 › 篇3"],
    ]),
}


def _findings():
    return [
        _fee("1-1-101", "物业费", "2026年11月", "250.00", 5),
        _fee("1-1-101", "物业费", "2026年11月", "250.00", 5, rule="F3a-2", severity="警告"),  # same item: counted once
        _fee("1-1-102", "物业费", "2026年10月", "1,000.50", 36, rule="F3-3"),
        _fee("1-1-103", "车位费", "2025年06月", "300.00", 500, rule="F3-3"),
        Finding("DATA", "DATA-amount", "数据问题", None, "收费台账.xlsx › 收费 › 第8行 › 实收金额: 约300 — 金额无法识别",
                "错误", sources=(Source("收费台账.xlsx", "收费", 8, "实收金额", "约300"),)),
        Finding("DATA", "DATA-ledger", "数据问题", None, "业主档案.xlsx 无法打开 <script>alert(1)</script>", "严重"),
        Finding("C5", "C5-1", "投诉升级", "T01", "T01 投诉人电话 13812345678 仍未完成", "错误", document="投诉处理档案卡"),
        Finding("C2", "C2-1", "投诉时限", "T01", "T01 已超时", "警告"),
        Finding("R1", "R1-1", "回访抽样", "T12", "T12 抽中", "提示"),
    ]


@pytest.fixture
def night_folder(tmp_path) -> Path:
    folder = tmp_path / "2026-11-20"
    (folder / "打印批次").mkdir(parents=True)
    (folder / "打印批次" / "打印批次_催费通知书_2份.docx").write_bytes(b"x")
    (folder / "报表").mkdir()
    (folder / "报表" / "投诉记录汇总表_2026年11月.docx").write_bytes(b"x")
    (folder / "异常清单_2026-11-20.xlsx").write_bytes(b"x")
    (folder / "findings.json").write_text("[]", encoding="utf-8")
    return folder


def _report(folder: Path) -> str:
    info = {"as_of": datetime(2026, 11, 20, 23, 59, 59), "documents": {"催费通知书": 2, "投诉处理档案卡": 1},
            "sheets": SHEETS, "counts": {}, "company": "和园物业服务有限公司"}
    path = write_report(folder, _findings(), info)
    assert path == folder / "index.html"
    assert not [p for p in folder.iterdir() if p.name.startswith(".index.")]  # written atomically
    return path.read_text(encoding="utf-8")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_most_severe_findings_come_first_and_areas_are_counted(night_folder):
    html = _report(night_folder)
    text = _text(html)
    assert text.index("严重（1）") < text.index("错误（2）") < text.index("欠费账龄")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html  # autoescaped
    assert "13812345678" not in html and "138****5678" in html  # phone numbers masked
    rows = {m[0]: m[1] for m in re.findall(r"<tr><td>([^<]+)</td>(.*?)</tr>", html)}
    cells = lambda area: re.findall(r'<td class="n">([^<]*)</td>', rows[area])
    # severities 严重, 错误, 警告, 提示, then the total
    assert cells("收费与催缴（F）") == ["", "", "1", "3", "4"]
    assert cells("投诉（C）") == ["", "1", "1", "", "2"]
    assert cells("数据问题（DATA）") == ["1", "1", "", "", "2"]
    assert "警告（" not in text  # warnings are counted, listed in the workbook


def test_arrears_aging_collection_rate_and_sla(night_folder):
    html = _report(night_folder)
    text = _text(html)
    # three distinct overdue items (the F3a warning repeats an item), three households, 1,550.50 owed
    assert "逾期未缴 3 项，3 户，欠缴合计 1,550.50 元" in text
    assert "1–30天" in text and "250.00" in text and "1,000.50" in text and "366天以上" in text
    # 1栋 (1,140 / 1,200 = 95.0%), 2栋 50.0% below the 80% target, buildings in natural order
    assert "低于目标 80%：2栋" in text
    chart = html[html.index('<section id="collection">'):].split("</section>")[0]
    assert re.findall(r">(\d+栋)<", chart) == ["1栋", "2栋", "10栋"]
    assert chart.count('class="bar"') == 3 and chart.count('fill="#c62828"><title>2栋') == 1
    assert "95.0%" in text and "50.0%" in text and "100.0%" in text
    assert "未办结工单 4 张" in text
    sla = html[html.index('<section id="sla">'):].split("</section>")[0]
    assert sla.index("T01") < sla.index("T02") and "T03" not in sla  # late, then about to be late; on-track not listed
    assert re.findall(r"<title>([^<]+)</title></rect>", sla) == ["已超时：1", "临近超时：1", "正常：2"]


def test_links_only_to_files_that_were_written(night_folder):
    html = _report(night_folder)
    hrefs = re.findall(r'href="([^"]+)"', html)
    from urllib.parse import unquote
    assert sorted(unquote(h) for h in hrefs) == sorted([
        "打印批次/打印批次_催费通知书_2份.docx", "报表/投诉记录汇总表_2026年11月.docx",
        "异常清单_2026-11-20.xlsx", "findings.json"])
    assert all((night_folder / unquote(h)).exists() for h in hrefs)


def test_an_empty_night_still_renders(tmp_path):
    folder = tmp_path / "n"
    folder.mkdir()
    text = _text(write_report(folder, [], {"as_of": "2026-11-20T23:59:59", "documents": {}, "sheets": {}}).read_text(
        encoding="utf-8"))
    assert "今晚没有发现" in text and "今晚没有逾期欠费" in text and "今晚没有需要打印的文书" in text
    assert "2026-11-20 23:59" in text


# --------------------------------------------------------------------------
# a real browser: Chromium from the system (never a downloaded one), driven by Playwright
# --------------------------------------------------------------------------

def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _demo_report(tmp_path) -> Path:
    """The demo night's folder with its report, from the night's own findings and workbook sheets."""
    from engine import parse_as_of, run_night
    result = run_night(REPO / "ledgers", REPO / "rules", tmp_path / "out", parse_as_of("2026-11-20"), REPO / "forms",
                       today=TODAY)
    index = result.folder / "index.html"
    if not index.exists():  # until the pipeline writes it itself
        wb = openpyxl.load_workbook(next(result.folder.glob("异常清单_*.xlsx")), read_only=True)
        sheets = {}
        for name in ("收费率统计", "工单时限"):
            rows = [list(r) for r in wb[name].iter_rows(values_only=True)]
            sheets[name] = (rows[0], rows[1:])
        write_report(result.folder, result.findings, {"as_of": result.as_of, "documents": result.documents,
                                                      "sheets": sheets, "counts": result.counts})
    return index


def check_in_browser(index: Path, screenshot: Path | None = None) -> dict:
    """Open the page in headless Chromium: console errors, chart sizes, bars drawn."""
    from playwright.sync_api import sync_playwright
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
        page.goto(index.as_uri(), wait_until="load")
        charts = page.eval_on_selector_all(
            "svg.chart", "els => els.map(e => { const r = e.getBoundingClientRect();"
            " return {id: e.closest('section') && e.closest('section').id, w: r.width, h: r.height,"
            " bars: e.querySelectorAll('rect.bar').length,"
            " drawn: [...e.querySelectorAll('rect.bar')].filter(b => b.getBoundingClientRect().width > 0"
            " && b.getBoundingClientRect().height > 0).length}; })")
        requests = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        title = page.title()
        if screenshot:
            page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    return {"errors": errors, "charts": charts, "requests": requests, "title": title}


@pytest.mark.skipif(chromium_path() is None, reason="no Chromium installed (apt-get install chromium)")
def test_report_page_loads_in_headless_chromium_and_its_charts_render(tmp_path):
    pytest.importorskip("playwright.sync_api", reason="pip install playwright (make report-test)")
    index = _demo_report(tmp_path)
    seen = check_in_browser(index, tmp_path / "report.png")
    assert seen["errors"] == []
    assert seen["requests"] == []  # nothing fetched: no CDN, works offline
    assert seen["title"] == "夜间检查报告 2026-11-20 23:59"
    by_section = {c["id"]: c for c in seen["charts"]}
    assert set(by_section) == {"aging", "collection", "sla"}
    for chart in seen["charts"]:
        assert chart["w"] > 100 and chart["h"] > 50, chart
        assert chart["bars"] > 0 and chart["drawn"] == chart["bars"], chart
    assert (tmp_path / "report.png").stat().st_size > 10_000
