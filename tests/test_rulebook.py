"""The rulebook (`wuye rules book`, issue 14): every policy with a status, rules with their sources' text."""
from __future__ import annotations

import html as htmllib
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import rulebook
from engine.rulebook import Sources, policy_statuses, write_rulebook

from .conftest import REPO

POLICIES_MD = REPO.parent / "shared" / "policies.md"
# The catalogue's IDs (../shared/policies.md), for a checkout without the shared folder.
CATALOGUE_IDS = (
    [f"F{i}" for i in range(1, 13)] + ["F3a", "F4a", "F7a"] + [f"C{i}" for i in range(1, 15)]
    + [f"R{i}" for i in range(1, 5)] + [f"K{i}" for i in range(1, 8)] + [f"T{i}" for i in range(1, 15)]
    + [f"V{i}" for i in range(1, 9)] + [f"M{i}" for i in range(1, 7)] + ["M1a"] + [f"S{i}" for i in range(1, 6)]
    + [f"D{i}" for i in range(1, 5)])


def catalogue_ids() -> set[str]:
    if POLICIES_MD.exists():
        return set(re.findall(r"^\|\s*([A-Z]\d+[a-z]?)\s*\|", POLICIES_MD.read_text(encoding="utf-8"), re.M))
    return set(CATALOGUE_IDS)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    result = write_rulebook(REPO / "rules", out, date(2026, 11, 20), pdf=False)
    return result, result.html.read_text(encoding="utf-8")


def _row(html: str, pid: str) -> str:
    return re.search(rf'<tr id="policy-{pid}" data-status="[^"]+">(.*?)</tr>', html, re.S).group(0)


def test_every_policy_of_the_catalogue_has_a_status(book):
    _, html = book
    rows = dict(re.findall(r'<tr id="policy-([^"]+)" data-status="([^"]+)">', html))
    assert catalogue_ids() == set(CATALOGUE_IDS)  # the list above is the catalogue's
    assert catalogue_ids() <= set(rows)
    assert set(rows.values()) <= {"enforced", "partly", "out_of_scope"}
    for pid, status in rows.items():
        text = re.sub(r"<[^>]+>", " ", _row(html, pid))
        if status != "enforced":  # partly / out of scope always say why
            why = re.search(r'<td class="why">(.*?)</td>', _row(html, pid), re.S).group(1)
            assert why.strip(), pid
        assert {"enforced": "已执行", "partly": "部分执行", "out_of_scope": "未纳入"}[status] in text


def test_status_comes_from_the_rule_files(book):
    result, html = book
    status = {p["id"]: p for p in result.policies}
    assert status["F3"]["status"] == "enforced" and "F3-1" in status["F3"]["rules"]
    assert status["F10"]["status"] == "out_of_scope" and "入伙" in status["F10"]["why"]  # F4: collections (issue 13)
    assert status["F1"]["status"] == "partly"  # declared partly in catalogue.yaml, with what is not checked
    assert '<a href="#rule-F3-1">F3-1</a>' in _row(html, "F3")


def test_a_new_rule_file_makes_its_policies_enforced_without_editing_the_catalogue():
    catalogue = {"policies": {"K1": {"title": "钥匙当天归还", "status": "out_of_scope", "why": "尚未加入"},
                              "K2": {"title": "每天检查"}, "K3": {"title": "未经许可"}}}
    files = [(Path("keys.yaml"), {"policies": ["K1", "K2"], "rules": [{"id": "K1-1", "policy": "K1"}]})]
    got = {p["id"]: (p["status"], p["why"]) for p in policy_statuses(catalogue, files)}
    assert got["K1"] == ("enforced", "")  # the catalogue's old reason no longer applies
    assert got["K2"][0] == "partly" and "keys.yaml" in got["K2"][1]  # listed, no rule yet
    assert got["K3"] == ("out_of_scope", "尚未纳入规则文件。")


def test_citations_quote_and_link_the_shipped_source_text(book):
    result, html = book
    rule = html[html.index('id="rule-F3-1"'):].split('<div class="rule"')[0]
    m = re.search(r'<a class="open" href="sources/004.html#L(\d+)">原文 004 第\d+行</a>(.*?)</blockquote>', rule, re.S)
    assert m, rule[:500]
    assert "客服中心于当月16日发出《催费通知书》" in m.group(2)
    source = (result.html.parent / "sources" / "004.html").read_text(encoding="utf-8")
    line = re.search(rf'<p id="L{m.group(1)}">(.*?)</p>', source).group(1)
    assert "④业户若超过当月15日未交费" in htmllib.unescape(line)
    assert (result.html.parent / "sources" / "004_ef9a74374ac11c39.txt").read_bytes() == \
        (REPO / "engine" / "sources" / "004_ef9a74374ac11c39.txt").read_bytes()
    # every seed citation of the fee and complaint rules found in its document; one that is not says so
    for name in ("fees.yaml", "complaints.yaml"):
        part = html[html.index(f'id="file-{name}"'):].split("<h2 ")[0]
        assert "在原文中没有找到这一条款" not in part and part.count('<a class="open"') > 10, name
    assert result.located <= result.citations
    assert html.count("在原文中没有找到这一条款") == result.citations - result.located


def test_locating_a_clause_in_its_document():
    s = Sources()
    p, = s.cite("003 › 篇3 › 4.2.7 并在5分钟内反馈").passages
    assert (p.seed, p.found) == ("003", "clause") and "在5分钟内反馈" in p.quote
    p, = s.cite("000 › 篇12 › 第二十八条").passages
    assert p.quote.startswith("第二十八条已接管物业的钥匙")
    assert [q.seed for q in s.cite("000 › 篇12 › 第二十八条; 002 › 篇5 › 1.2.2").passages] == ["000", "002"]
    assert s.cite("公司设定（company setting）").passages == []


def test_parameters_show_every_value_with_its_dates(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(REPO / "rules" / "catalogue.yaml", rules)
    (rules / "water.yaml").write_text("""
title: 水费
policies: [F9]
parameters:
  water_price:
    label: 水费单价
    unit: 元/吨
    citation: "000 › 篇9 › 七"
    values:
      - {from: 2020-01-01, to: 2026-06-30, value: 2.0}
      - {from: 2026-07-01, value: 2.8}
rules:
  - id: F9-1
    policy: F9
    title: 单价 {$water_price} 元/吨
    citation: "000 › 篇9 › 七"
    when: {fact: water, price: {not: $water_price}}
    then: {category: 收费标准, message: "单价不符"}
    examples:
      - name: 调价后按新价
        fact: {fact: water, price: 2.0}
        expect: [F9-1]
""", encoding="utf-8")
    before = write_rulebook(rules, tmp_path / "a", date(2026, 6, 30), pdf=False).html.read_text(encoding="utf-8")
    after = write_rulebook(rules, tmp_path / "b", date(2026, 7, 1), pdf=False).html.read_text(encoding="utf-8")
    for html in (before, after):
        assert "2020-01-01 至 2026-06-30：<b>2.0</b>" in html and "2026-07-01 至 至今：<b>2.8</b>" in html
    assert "单价 2.0 元/吨" in before and "单价 2.8 元/吨" in after  # the title as it reads that day
    assert "price 不是 $water_price（= 2.8）" in after
    example = after[after.index('class="examples"'):].split("</table>")[0]
    assert re.findall(r"<th>(.*?)</th>", example) == ["示例", "fact", "price", "应触发的规则", "应得到的值"]
    assert "<td>调价后按新价</td><td>water</td><td>2.0</td><td>F9-1</td>" in example
    assert 'data-status="partly"' in _row(after, "F9")  # rules/catalogue.yaml: 水费 by the ton is not checkable


def test_without_chromium_or_libreoffice_the_html_is_still_written(tmp_path, monkeypatch):
    monkeypatch.setattr(rulebook.shutil, "which", lambda name: None)
    result = write_rulebook(REPO / "rules", tmp_path / "book", date(2026, 11, 20))
    assert result.pdf is None and "只生成了 HTML" in result.pdf_note
    assert result.html.exists() and not (tmp_path / "book" / "规则手册.pdf").exists()


@pytest.mark.skipif(rulebook.find_printer() is None, reason="no Chromium or LibreOffice to print a PDF")
def test_the_printable_pdf(tmp_path):
    result = write_rulebook(REPO / "rules", tmp_path / "book", date(2026, 11, 20))
    assert result.pdf is not None and result.pdf.read_bytes()[:5] == b"%PDF-"


def test_cli_rules_book(tmp_path):
    from engine.cli import main
    out = tmp_path / "规则手册"
    res = CliRunner().invoke(main, ["rules", "book", "--rules", str(REPO / "rules"), "--out", str(out), "--no-pdf"])
    assert res.exit_code == 0, res.output
    assert f"规则手册：{out / 'index.html'}" in res.output and "未纳入" in res.output
    assert (out / "sources" / "000.html").exists()
