"""The rule files: every worked example passes; a bad rule file is rejected with file and line."""
from datetime import date
from pathlib import Path

import pytest

from engine import check_rules
from engine.errors import RuleFileError
from engine.rules import load_rulebook, run_examples
from engine.rules.adapter import evaluate

from .conftest import REPO

BOOK = load_rulebook(REPO / "rules")
EXAMPLES = run_examples(BOOK)


@pytest.mark.parametrize("result", EXAMPLES, ids=[f"{r.rule}:{r.name}" for r in EXAMPLES])
def test_worked_example(result):
    assert result.ok, result.detail


def test_every_rule_cites_its_clause_and_has_examples():
    for rule_file, rule in BOOK.rules():
        assert rule.citation and rule.examples, rule.id
        assert rule.policy in rule_file.model.policies, f"{rule.id}: {rule.policy} not listed in {rule_file.name}"


def test_every_parameter_cites_its_source_and_company_settings_are_marked():
    for f in BOOK.files:
        for name, p in f.model.parameters.items():
            assert p.citation, name
    _, rate = BOOK.parameter("late_fee_rate_per_day")
    assert rate.company_setting and "company setting" in rate.citation


def _write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "fees.yaml").write_text(text, encoding="utf-8")
    return folder


GOOD = """\
title: 测试
policies: [F3]
parameters:
  first_notice_days_late:
    label: 逾期天数
    citation: "004 › 入住手续办理作业指导书 › ④"
    values:
      - {from: 2020-01-01, value: 1}
rules:
  - id: F3-1
    policy: F3
    title: 首次催费
    citation: "004 › 入住手续办理作业指导书 › ④"
    when:
      fact: arrears
      days_late: {at_least: $first_notice_days_late}
    then:
      category: 催费通知
      message: "{unit} 欠费"
    examples:
      - name: 逾期一天
        fact: {fact: arrears, days_late: 1}
        expect: [F3-1]
"""


def test_a_good_minimal_rule_file_loads(tmp_path):
    book, results = check_rules(_write(tmp_path, GOOD))
    assert [r.ok for r in results] == [True]


@pytest.mark.parametrize("change, message", [
    (("    title: 首次催费\n", "    title: 首次催费\n    colour: red\n"), "fees.yaml:13: rules.0.colour: 未知的键 'colour'"),
    (('    citation: "004 › 入住手续办理作业指导书 › ④"\n    when', "    when"), "fees.yaml:10: rules.0.citation: 缺少 'citation'"),
    (("{from: 2020-01-01, value: 1}", "{from: 2020-02-30, value: 1}"), "fees.yaml:8: parameters.first_notice_days_late.values.0.from: 日期无效"),
    (("      - {from: 2020-01-01, value: 1}\n", "      - {from: 2020-01-01, value: 1}\n      - {from: 2024-01-01, value: 2}\n"),
     "fees.yaml:7: parameters.first_notice_days_late.values: 生效期重叠"),
    (("$first_notice_days_late", "$no_such_parameter"), "fees.yaml:14: 规则 F3-1 引用了未定义的参数 $no_such_parameter"),
    (('message: "{unit} 欠费"', 'message: "{unit} 欠费，逾期将停水停电"'), "fees.yaml:19: 出现停水/停电"),
    (("policy: F3\n", "policy: fees\n"), "fees.yaml:11: rules.0.policy: 政策编号 'fees'"),
])
def test_bad_rule_files_are_rejected_with_file_and_line(tmp_path, change, message):
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(RuleFileError) as err:
        load_rulebook(_write(tmp_path, text))
    assert message in str(err.value)


def test_duplicate_keys_are_rejected(tmp_path):
    with pytest.raises(RuleFileError, match=r"fees.yaml:3: 键 'title' 重复出现"):
        load_rulebook(_write(tmp_path, "title: a\npolicies: [F3]\ntitle: b\n"))


def test_the_prohibition_of_cutting_utilities_may_be_quoted(tmp_path):
    text = GOOD.replace("title: 测试", "title: 测试\nnote: 物业服务人不得采取停止供电、供水等方式催交物业费")
    load_rulebook(_write(tmp_path, text))


def test_parameters_take_the_value_in_force_on_the_as_of_date(tmp_path):
    text = GOOD.replace("      - {from: 2020-01-01, value: 1}\n",
                        "      - {from: 2020-01-01, to: 2026-06-30, value: 1}\n      - {from: 2026-07-01, value: 3}\n")
    book = load_rulebook(_write(tmp_path, text))
    assert book.param("first_notice_days_late", date(2026, 6, 30)) == 1
    assert book.param("first_notice_days_late", date(2026, 7, 1)) == 3
    with pytest.raises(RuleFileError, match="在 2019-12-31 没有生效的值"):
        book.param("first_notice_days_late", date(2019, 12, 31))


def test_adapter_reports_every_matching_rule_and_survives_identical_facts():
    conditions = {"a": {"$gte": {"x": 1}}, "b": {"$gte": {"x": 2}}}
    assert evaluate(conditions, [{"x": 2}, {"x": 2}, {"x": 0}, {"x": 1}]) == [["a", "b"], ["a", "b"], [], ["a"]]
    # the same ruleset can be evaluated again (a fresh ruleset each time; durable raises on re-registration)
    assert evaluate(conditions, [{"x": 1}]) == [["a"]]
