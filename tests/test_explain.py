"""wuye explain: from a notice number, a finding id or a unit to the rule, its citation, the parameters in force
that night (with their effective dates) and the input cells."""
import json
import re
import sqlite3

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.rules import load_rulebook

from .conftest import REPO


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def findings(out):
    return json.loads((out / "2026-11-20" / "findings.json").read_text(encoding="utf-8"))


def final_notice_number(out):
    db = sqlite3.connect(out / "register.sqlite")
    try:
        return db.execute("SELECT number, subject FROM notices WHERE document = '最后催费通知书' ORDER BY number").fetchone()
    finally:
        db.close()


def explain(*args):
    return CliRunner().invoke(main, ["explain", *map(str, args)])


def test_a_notice_number_explains_rule_citation_parameters_and_cells(demo_out):
    number, subject = final_notice_number(demo_out)
    result = explain(number, "--out", demo_out)
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith(f"通知书 {number} — 检查日期 2026-11-20")
    book = load_rulebook(REPO / "rules")
    concerned = [f for f in findings(demo_out) if f["subject"] == subject and f["document"] == "最后催费通知书"]
    assert concerned and f"对象 {subject}" in text
    for f in concerned:
        rule = book.rule(f["rule"])
        assert f"规则：{rule.id} " in text and f"出处：{rule.citation}" in text
    # the parameters each rule uses: their values that night, dated, with their source
    from datetime import date

    from engine.explain import _param_names

    names = [n for f in concerned for n in _param_names(book.rule(f["rule"]))]
    assert names
    for name in names:
        _, param = book.parameter(name)
        in_force = param.at(date(2026, 11, 20))
        assert f"{param.label}（{name}）= " in text and f"，自 {in_force.from_} 起生效" in text
        assert f"出处：{in_force.citation or param.citation}" in text
    assert "逾期天数（days_late） = 36" in text  # the fact the rule matched
    # every input cell: file › sheet › cell address
    assert re.search(r"2026年收费台账\.xlsx › 10-11月 › .*\b[A-Z]{1,2}\d+\b", text), text


def test_the_same_notice_written_as_a_clerk_types_it(demo_out):
    number, _ = final_notice_number(demo_out)
    loose = number.replace("〔", "").replace("〕", "")  # 催字2026第0002号, as in the file names
    assert explain(loose, "--out", demo_out).output.splitlines()[2:] == explain(number, "--out", demo_out).output.splitlines()[2:]


def test_a_bad_cell_is_explained_down_to_its_address(demo_out):
    result = explain("9-9-999", "--out", demo_out, "--date", "2026年11月20日")
    assert result.exit_code == 0, result.output
    assert "DATA-unknown-unit" in result.output
    assert "2026年收费台账.xlsx › 10-11月 › A204（房号） = 9-9-999" in result.output


def test_a_finding_id_is_explained(demo_out):
    from engine.record.status import finding_id
    from engine.findings import Finding, Source

    f = next(f for f in findings(demo_out) if f["policy"] == "C5")
    fid = f.get("id") or finding_id(Finding(
        policy=f["policy"], rule=f["rule"], category=f["category"], subject=f["subject"], message=f["message"],
        details=f["details"], sources=tuple(Source(s["file"], s["sheet"], s["row"], s.get("column")) for s in f["sources"])))
    result = explain(fid, "--out", demo_out)
    assert result.exit_code == 0, result.output
    assert f"发现 {fid}" in result.output and "C5" in result.output
    assert "出处：" in result.output and "参数（2026-11-20 当晚生效的值）" in result.output


def test_something_not_there_is_a_clear_chinese_error(demo_out, tmp_path):
    result = explain("催字〔2026〕第9999号", "--out", demo_out)
    assert result.exit_code == 2 and "2026-11-20 的结果中没有通知书 催字〔2026〕第9999号" in result.output
    assert "提示：" in result.output
    result = explain("1-1-101", "--out", tmp_path / "empty")
    assert result.exit_code == 2 and "还没有任何一晚的结果" in result.output
