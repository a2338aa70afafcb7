"""The command line: a thin shell over :mod:`engine`."""
from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path

import click

from . import REPO, WuyeError, check_ledgers, check_rules, parse_as_of, run_night
from .derive.calendar import WorkCalendar
from .findings import format_finding
from .pipeline import STAGES

DEMO_AS_OF = "2026-11-20"  # the bundled sample ledgers (ledgers/README.md) are written for this night

_dir = click.Path(file_okay=False, path_type=Path)


def _fail(err: WuyeError) -> None:
    click.secho(f"错误：{err}", fg="red", err=True)
    if err.hint:
        click.echo(f"提示：{err.hint}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """wuye 物业客服部合规引擎：读取台账，按 rules/ 中的制度检查，生成通知书和异常清单。

    \b
    Example:
      wuye run --as-of 2026-11-20
      wuye check --ledgers ledgers/
      wuye rules check
      wuye demo
    """


def _run(ledgers: Path, rules: Path, out: Path, forms: Path, as_of_text: str | None) -> None:
    try:
        as_of = parse_as_of(as_of_text)
        show_bar = sys.stderr.isatty()
        if show_bar:
            bar = click.progressbar(length=len(STAGES), label="夜间检查", file=sys.stderr)
            bar.__enter__()

            def progress(stage: str) -> None:
                bar.label = stage
                bar.update(1)
        else:
            progress = None
        try:
            result = run_night(ledgers, rules, out, as_of, forms, progress=progress)
        finally:
            if show_bar:
                bar.__exit__(None, None, None)
    except WuyeError as err:
        _fail(err)
        return
    click.echo(f"检查日期：{result.as_of:%Y-%m-%d %H:%M}    发现 {len(result.findings)} 项")
    for message in sorted({f.message for f in result.findings if f.category == "规则参数" and f.severity == "错误"}):
        click.secho(f"错误：{message}", fg="red")  # e.g. a year missing from the holiday table
    for category, n in sorted(result.counts["by_category"].items(), key=lambda kv: -kv[1]):
        click.echo(f"  {category:<8} {n:>6}")
    if result.documents:
        click.echo("文书：" + "，".join(f"《{k}》{v}份" for k, v in result.documents.items()))
    click.echo(f"输出：{result.folder}")
    click.echo(f"  异常清单   {result.folder / ('异常清单_' + result.as_of.date().isoformat() + '.xlsx')}")
    click.echo(f"  打印批次   {result.folder / '打印批次'}")
    click.echo(f"  findings.json / run.json 在同一文件夹；通知书编号登记在 {result.folder.parent / 'register.sqlite'}")
    click.echo("用时：" + "，".join(f"{k} {v:.1f}s" for k, v in result.durations.items()))


@main.command()
@click.option("--ledgers", type=_dir, default=Path("ledgers"), show_default=True, help="台账文件夹")
@click.option("--rules", type=_dir, default=Path("rules"), show_default=True, help="规则文件夹")
@click.option("--out", type=_dir, default=Path("outputs"), show_default=True, help="输出文件夹")
@click.option("--forms", type=_dir, default=Path("forms"), show_default=True, help="Word 模板文件夹")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="检查日期（只写日期表示当天结束时），默认今天")
def run(ledgers, rules, out, forms, as_of):
    """夜间检查：读取台账、应用规则、生成通知书和异常清单。

    \b
    Example:
      wuye run --ledgers ledgers/ --as-of 2026-11-20
    """
    _run(ledgers, rules, out, forms, as_of)


@main.command()
@click.option("--ledgers", type=_dir, default=Path("ledgers"), show_default=True, help="台账文件夹")
@click.option("--all", "show_all", is_flag=True, help="列出全部问题（默认最多 50 条）")
def check(ledgers, show_all):
    """只读取和校验台账，列出读不出的单元格，不生成文书。

    \b
    Example:
      wuye check --ledgers ledgers/
    """
    try:
        records, findings, inventory = check_ledgers(ledgers)
    except WuyeError as err:
        _fail(err)
        return
    for sheet in inventory:
        kind = sheet.get("kind") or "—"
        click.echo(f"{sheet['file']} › {sheet.get('sheet') or ''}: {kind} {sheet['status']}"
                   + (f"，{sheet['data_rows']} 行" if "data_rows" in sheet else ""))
    counts = Counter(k for k, v in records.by_kind.items() for _ in v)
    click.echo("记录：" + "，".join(f"{k} {v}" for k, v in sorted(counts.items())))
    click.echo(f"问题：{len(findings)} 项")
    for f in findings if show_all else findings[:50]:
        click.echo("  " + format_finding(f))


@main.group()
def rules():
    """规则文件相关命令。

    \b
    Example:
      wuye rules check --rules rules/
    """


@rules.command("check")
@click.option("--rules", "folder", type=_dir, default=Path("rules"), show_default=True, help="规则文件夹")
def rules_check(folder):
    """校验规则文件并运行其中的全部示例（worked examples）。

    \b
    Example:
      wuye rules check --rules rules/
    """
    try:
        book, results = check_rules(folder)
    except WuyeError as err:
        _fail(err)
        return
    failed = [r for r in results if not r.ok]
    n_rules = sum(1 for _ in book.rules())
    click.echo(f"规则文件 {len(book.files)} 个，规则 {n_rules} 条，示例 {len(results)} 个，未通过 {len(failed)} 个")
    next_year = date.today().year + 1
    if not WorkCalendar.from_rules(folder).covers(next_year):
        click.secho(f"提示：还没有 {next_year} 年的法定节假日和调休安排。国务院办公厅发布后，请加入 "
                    f"{folder / 'calendar.yaml'}，否则跨入 {next_year} 年的工作日时限将无法计算。", fg="yellow")
    for r in failed:
        click.secho(f"  未通过 {r.file} {r.rule}「{r.name}」: {r.detail}", fg="red")
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--out", type=_dir, default=Path("outputs"), show_default=True, help="输出文件夹")
@click.option("--as-of", "as_of", default=DEMO_AS_OF, show_default=True, metavar="YYYY-MM-DD", help="检查日期")
def demo(out, as_of):
    """用自带的示例台账（ledgers/）运行一次夜间检查。

    \b
    Example:
      wuye demo --out outputs/
    """
    _run(REPO / "ledgers", REPO / "rules", out, REPO / "forms", as_of)


if __name__ == "__main__":
    main()
