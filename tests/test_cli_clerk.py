"""The command line, issue 14: version, Chinese click messages, as-of formats, --allow-future, exit codes,
no path printed for what was not written, the forms error."""
import re

import pytest
from click.testing import CliRunner

from engine.cli import main

from .conftest import REPO, small_estate


def _run(tmp_path, *extra, ledgers=None):
    ledgers = ledgers or small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-10", 250, None, None, None]])
    return CliRunner().invoke(main, ["run", "--ledgers", str(ledgers), "--rules", str(REPO / "rules"),
                                     "--forms", str(REPO / "forms"), "--out", str(tmp_path / "out"), *extra])


def test_version_on_the_command_line_and_in_run_json(tmp_path):
    from engine.version import version

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output == f"wuye {version()}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", version())


@pytest.mark.parametrize("text", ["2026年11月20日", "2026/11/20", "2026-11-20", "2026年11月20日 23:59"])
def test_as_of_is_written_as_the_ledgers_write_dates(tmp_path, text):
    result = _run(tmp_path, "--as-of", text)
    assert result.exit_code == 0, result.output
    assert "检查日期：2026-11-20 23:59" in result.output


def test_as_of_with_a_time_and_the_library_parser():
    from datetime import date, datetime

    from engine import parse_as_of
    from engine.errors import WuyeError

    assert parse_as_of("2026/11/20 18:30") == datetime(2026, 11, 20, 18, 30)
    assert parse_as_of("2026年11月20日18时30分") == datetime(2026, 11, 20, 18, 30)
    assert parse_as_of("2026-11-21", today=date(2026, 11, 20), allow_future=False).date() == date(2026, 11, 21)
    with pytest.raises(WuyeError, match="晚于明天"):
        parse_as_of("2026-11-22", today=date(2026, 11, 20), allow_future=False)
    with pytest.raises(WuyeError, match="格式不对"):
        parse_as_of("2026-02-30")


def test_a_date_beyond_tomorrow_needs_allow_future(tmp_path):
    from datetime import date, timedelta

    later = (date.today() + timedelta(days=2)).isoformat()
    result = _run(tmp_path, "--as-of", later)
    assert result.exit_code == 2 and "晚于明天" in result.output and "--allow-future" in result.output
    assert not (tmp_path / "out").exists()
    result = _run(tmp_path, "--as-of", later, "--allow-future")
    assert result.exit_code == 0, result.output


def test_clicks_own_messages_are_in_chinese():
    missing = CliRunner().invoke(main, ["run", "--as-of"])
    assert missing.exit_code == 2 and "错误：选项 '--as-of' 后面需要写一个值。" in missing.output
    unknown = CliRunner().invoke(main, ["run", "--colour"])
    assert unknown.exit_code == 2 and "错误：没有选项 '--colour'。" in unknown.output and "用法:" in unknown.output
    no_query = CliRunner().invoke(main, ["explain"])
    assert no_query.exit_code == 2 and "错误：缺少参数" in no_query.output
    no_command = CliRunner().invoke(main, ["rnu"])
    assert no_command.exit_code == 2 and "错误：没有命令 'rnu'。" in no_command.output
    helped = CliRunner().invoke(main, ["--help"])
    assert "显示本帮助并退出。" in helped.output and "Show this message" not in helped.output
    assert "退出码" in helped.output


def test_no_print_batch_path_when_nothing_was_printed(tmp_path):
    paid = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-10", 250, 250, "2026-10-10", None]])
    result = _run(tmp_path, "--as-of", "2026-11-20", ledgers=paid)
    assert result.exit_code == 0, result.output
    assert "打印批次" not in result.output and "异常清单" in result.output


def test_an_unreadable_ledger_is_critical_printed_first_and_exits_3(tmp_path):
    ledgers = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-10", 250, None, None, None]])
    (ledgers / "收费台账(副本).xlsx").write_bytes(b"PK\x03\x04 half copied")
    result = _run(tmp_path, "--as-of", "2026-11-20", ledgers=ledgers)
    assert result.exit_code == 3, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith("严重") and "收费台账(副本).xlsx" in lines[1]
    assert "退出码 3" in result.output


def test_a_broken_forms_folder_points_at_forms_not_rules(tmp_path):
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "forms.yaml").write_text("company: [\n", encoding="utf-8")
    ledgers = small_estate(tmp_path / "l", [["1-1-101", "物业费", "2026-10", 250, None, None, None]])
    result = CliRunner().invoke(main, ["run", "--ledgers", str(ledgers), "--rules", str(REPO / "rules"),
                                       "--forms", str(forms), "--out", str(tmp_path / "out"), "--as-of", "2026-11-20"])
    assert result.exit_code == 2
    assert "forms" in result.output and "rules/" not in result.output
