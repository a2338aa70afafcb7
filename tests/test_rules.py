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


def test_facts_grouped_by_where_their_numbers_fall_match_what_each_matches_alone():
    """Numbers the conditions only compare with numbers are grouped by where they fall among them (56,000
    arrears, each with its own late-fee ratio, are a few evaluations): each fact still gets exactly the rules
    it matches when the engine sees it alone — at the bounds, between them, as int, float, bool, NaN, text."""
    import random

    from engine.rules.adapter import compile_condition

    conditions = {
        "low": compile_condition({"fact": "arrears", "day": {"at_least": 3, "less_than": 10}}, {}, "t"),
        "high": compile_condition({"fact": "arrears", "day": {"more_than": 10}, "ratio": {"more_than": 0.5}}, {}, "t"),
        "exact": compile_condition({"day": 7, "state": {"not": "on_time"}}, {}, "t"),
        "listed": compile_condition({"day": {"in": [1, 2.5]}, "ratio": {"not_in": [0.25]}}, {}, "t"),
        "text": compile_condition({"code": {"in": ["A", 3]}}, {}, "t"),
    }
    rng = random.Random(5)
    values = [0, 1, 2.5, 3, 3.0, 6.99, 7, 9, 10, 10.0, 10.5, 11, 1e9, -4, True, False, None, "7", float("nan")]
    facts = [{"fact": rng.choice(["arrears", "other"]), "day": rng.choice(values), "ratio": rng.choice(values),
              "state": rng.choice(["on_time", "late", None]), "code": rng.choice(["A", 3, 3.0, "B", None])}
             for _ in range(400)]
    together = evaluate(conditions, facts)
    assert together == [evaluate(conditions, [fact])[0] for fact in facts]
    assert {name for names in together for name in names} == set(conditions)
    # an area's facts: the data as it is with the type beside it reads as the view {"fact": type, **data}
    data = [{k: v for k, v in f.items() if k != "fact"} for f in facts]
    assert evaluate(conditions, iter(data), fact_types=iter(f["fact"] for f in facts)) == together
    own = [dict(d, fact="arrears") for d in data]  # a "fact" in the data itself wins, as in the view
    assert evaluate(conditions, own, fact_types=["other"] * len(own)) == evaluate(conditions, own)


RICH = GOOD.replace('''    then:
      category: 催费通知
      message: "{unit} 欠费"''', '''    then:
      category: 催费通知
      message: "{unit} 欠费 {days_late} 天"''')


@pytest.mark.parametrize("change, message", [
    (("      days_late: {at_least: $first_notice_days_late}\n", "      colour: red\n"),
     "fees.yaml:16: 规则 F3-1: 条件中的字段 'colour' 不是事实 arrears 的字段"),
    (("      fact: arrears\n", "      fact: weather\n"), "fees.yaml:15: 规则 F3-1: 未知的事实类型 'weather'"),
    (("      days_late: {at_least: $first_notice_days_late}\n", "      item: {at_least: 3}\n"),
     "fees.yaml:16: 规则 F3-1: 字段 item 不是数字"),
    (('"{unit} 欠费 {days_late} 天"', '"{unit} 欠费 {colour}"'), "fees.yaml:19: 规则 F3-1: 文字中的 {colour} 不是事实 arrears 的字段"),
    (('"{unit} 欠费 {days_late} 天"', '"{unit} 欠费 {$nope}"'), "fees.yaml:19: 规则 F3-1: 引用了未定义的参数 {$nope}"),
    (("title: 首次催费", "title: 16日首次催费"), "fees.yaml:12: 规则 F3-1: 标题和文字中不得直接写数字"),
    (('"{unit} 欠费 {days_late} 天"', '"{unit} 欠费超过15天"'), "fees.yaml:19: 规则 F3-1: 标题和文字中不得直接写数字"),
    (("        fact: {fact: arrears, days_late: 1}", "        fact: {fact: arrears, days_late: 1, colour: red}"),
     "fees.yaml:22: 规则 F3-1: 示例中的字段 'colour' 不是事实 arrears 的字段"),
    (("        fact: {fact: arrears, days_late: 1}", "        fact: {fact: arrears, days_late: 一天}"),
     "fees.yaml:22: 规则 F3-1: 示例中的字段 days_late 的值 '一天' 类型不对"),
    (("      category: 催费通知\n", "      category: 催费通知\n      colour: red\n"), "未知的键 'colour'"),
    (("      category: 催费通知\n", "      category: 催费通知\n      ladder: {name: 催费, step: 1}\n"),
     "引用了未在 ladders 中声明的阶梯 催费"),
])
def test_rule_files_are_checked_against_the_fact_types(tmp_path, change, message):
    text = RICH.replace(*change)
    assert text != RICH
    with pytest.raises(RuleFileError) as err:
        load_rulebook(_write(tmp_path, text))
    assert message in str(err.value)


def test_a_document_missing_from_the_catalogue_is_rejected_before_any_run(tmp_path):
    from engine.outcomes.catalogue import load_documents
    from engine.rules.check import check_against_areas

    text = RICH.replace("      category: 催费通知\n", "      category: 催费通知\n      document: 催缴律师函\n")
    book = load_rulebook(_write(tmp_path, text))
    with pytest.raises(RuleFileError, match=r"fees.yaml:19: 规则 F3-1: 文书《催缴律师函》不在 forms/forms.yaml"):
        check_against_areas(book, load_documents(REPO / "forms"))


def test_a_rule_file_no_area_claims_is_rejected(tmp_path):
    folder = _write(tmp_path, GOOD)
    (folder / "fees.yaml").rename(folder / "weather.yaml")
    with pytest.raises(RuleFileError, match="weather.yaml:1: 这个规则文件不属于任何政策领域"):
        load_rulebook(folder)


def test_numbers_in_text_come_from_parameters_in_force():
    from engine.outcomes.text import render

    assert render("违约金日费率高于每日{$r}，超过{$d}日", {}, {"r": 0.003, "d": 30}) == "违约金日费率高于每日千分之3，超过30日"
    assert render("{$p}", {}, {"p": 0.8}) == "80%"
