"""The command line, through click's CliRunner."""
import json

import click
import pytest
from click.testing import CliRunner

from engine.cli import main

from .conftest import REPO, small_estate


def all_commands(group, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, prefix + (name,))


@pytest.mark.parametrize("path, cmd", list(all_commands(main)), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_command_has_help_with_an_example_and_is_in_the_readme(path, cmd):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"wuye {' '.join(path)}" in (REPO / "README.md").read_text(encoding="utf-8")


def test_run_prints_a_summary_and_exits_0(tmp_path):
    ledgers = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-10", 250, None, None, None]])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", "--ledgers", str(ledgers), "--rules", str(REPO / "rules"),
                                       "--forms", str(REPO / "forms"), "--out", str(out), "--as-of", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "检查日期：2026-11-20 23:59" in result.output
    assert "《最后催费通知书》1份" in result.output
    data = json.loads((out / "2026-11-20" / "findings.json").read_text(encoding="utf-8"))
    assert [f["document"] for f in data if f["policy"] == "F3"] == ["最后催费通知书"]


def test_a_missing_ledgers_folder_is_a_clear_chinese_error(tmp_path):
    result = CliRunner().invoke(main, ["run", "--ledgers", str(tmp_path / "nope"), "--rules", str(REPO / "rules"),
                                       "--forms", str(REPO / "forms"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "错误：台账文件夹不存在" in result.output


def test_a_bad_rule_file_stops_the_run_naming_file_and_line(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "fees.yaml").write_text((REPO / "rules" / "fees.yaml").read_text(encoding="utf-8")
                                     .replace("  due_day:\n", "  due_day:\n    colour: red\n", 1), encoding="utf-8")
    ledgers = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-10", 250, None, None, None]])
    result = CliRunner().invoke(main, ["run", "--ledgers", str(ledgers), "--rules", str(rules),
                                       "--forms", str(REPO / "forms"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "fees.yaml:" in result.output and "未知的键 'colour'" in result.output
    assert not (tmp_path / "out").exists()


def test_bad_as_of_date(tmp_path):
    result = CliRunner().invoke(main, ["run", "--as-of", "20/11/2026", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "检查日期 '20/11/2026' 格式不对" in result.output


def test_check_lists_sheets_and_bad_cells(tmp_path):
    result = CliRunner().invoke(main, ["check", "--ledgers", str(REPO / "ledgers")])
    assert result.exit_code == 0
    assert "2026年收费台账.xlsx › 10-11月: fees 已读取，204 行" in result.output
    assert "第78行 › 应收金额（D78）: #REF!" in result.output


def test_rules_check_runs_the_examples():
    result = CliRunner().invoke(main, ["rules", "check", "--rules", str(REPO / "rules")])
    assert result.exit_code == 0
    assert "未通过 0 个" in result.output


def test_demo_writes_notices_and_the_workbook(tmp_path):
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    night = tmp_path / "2026-11-20"
    assert (night / "异常清单_2026-11-20.xlsx").exists()
    batches = {p.name for p in (night / "打印批次").iterdir()}
    assert batches >= {  # every area's demo shows its documents; the fee and complaint ones are these
        "打印批次_“总经理信箱”信件处理档案_1份.docx", "打印批次_二次催费通知书_1份.docx", "打印批次_催费通知书_3份.docx",
        "打印批次_投诉处理档案卡_1份.docx", "打印批次_最后催费通知书_3份.docx"}


@pytest.mark.parametrize("args, code, said", [
    (["run", "--as-of", "2026-11-20"], 0, "输出："),
    (["run", "--ledgers", "no-such-folder"], 2, "错误"),
])
def test_the_wuye_command_ends_with_the_commands_exit_code_and_all_its_output(tmp_path, args, code, said):
    """``wuye`` (engine.cli.entry) leaves the night's memory to the system at exit: nothing it printed or wrote
    may be lost that way."""
    import subprocess
    import sys

    ledgers = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-10", 250, None, None, None]])
    args = [a if a != "no-such-folder" else str(tmp_path / "none") for a in args]
    if "--ledgers" not in args:
        args += ["--ledgers", str(ledgers)]
    done = subprocess.run([sys.executable, "-c", "from engine.cli import entry; entry()", *args,
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == code, done.stderr
    assert said in done.stdout + done.stderr
    if code == 0:
        night = tmp_path / "out" / "2026-11-20"
        assert json.loads((night / "findings.json").read_text(encoding="utf-8"))
        assert json.loads((night / "run.json").read_text(encoding="utf-8"))["as_of"] == "2026-11-20T23:59:59"
