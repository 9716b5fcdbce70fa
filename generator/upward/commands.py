"""``board report`` and ``board rollup``: thin click shells over ``report``, ``sources``, ``rollup``.

They use the ``board`` command's run context and helpers (``generator.shell``) for opening the
config, validating, reporting problems and refusing unsafe output paths, and are
registered on it by ``register``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from generator import shell
from generator.cli_zh import ChineseCommand
from generator.content.model import Audience
from generator.shell import BoardError

REPORT_IS_PARTY = shell.audience_option(
    ("public",), "报告送上级党组织，按党内版统计（全部支部和全部整改事项），没有公开版；可以不写 --audience", hidden=False)


@click.command(cls=ChineseCommand)
@shell.common(audience=REPORT_IS_PARTY)
@click.option("--out", help="写出的 Word 文件（默认：关于召开<年度>组织生活会和开展民主评议党员工作情况的报告.docx）")
@click.option("--template", help="本单位改过样式的报告模板（.docx）；默认用程序自带的公文格式模板")
def report(config_file, content, as_of, verbose, out, template) -> None:
    """写出向上级党组织报送的工作情况报告（Word .docx，公文格式），数字全部按党内版自动填好。"""
    from generator.board.figures import compute
    from generator.upward import report as paper

    if template and not Path(template).is_file():
        raise BoardError(f"找不到报告模板 {template}")
    run = shell.Run.open(config_file, content, "party", as_of, verbose)
    checked = run.validate()
    target = Path(out or paper.default_name(checked.content.board.period))
    if template and target.absolute().resolve() == Path(template).absolute().resolve():
        raise BoardError(f"输出文件 {target} 就是模板文件：请换一个文件名。什么都没有改动。")
    run.check_output(target, replaces="docx")
    figures = compute(checked.content, Audience.PARTY, run.options.as_of)
    try:
        paper.write(figures, target, Path(template) if template else None)
    except paper.ReportError as exc:
        raise BoardError(f"{exc}。没有写出报告。") from None
    click.echo(f"已写出报告：{target}（{run.describe()}）")
    gaps = [paper.PLACEHOLDER_NAMES[key] for key in paper.missing(checked.content.board.report)]
    if gaps:
        click.echo(f"还有 {len(gaps)} 处【请填写……】：{'、'.join(gaps)}。可在 Word 里补写，或写在 board.yml 的 report: 里再生成。")


@click.command(cls=ChineseCommand)
@click.argument("sources", nargs=-1, required=True, metavar="来源...")
@click.option("--out", required=True, help="写出汇总网站的文件夹（新的、空的，或上次汇总的）")
@click.option("--title", default="党务公开栏汇总", show_default=True, help="汇总单位，如 某市直机关工委")
@click.option("--audience", type=click.Choice(["public", "party"]), default="public", show_default=True,
              help="public 只收公开版；party 收党内版（汇总结果标为党内）")
@click.option("--period", help="只汇总这个年度，如 2025年度（默认取多数单位的年度）")
@click.option("--skip-missing", is_flag=True, help="跳过读不出来的来源（汇总页会列出），不整体放弃")
@click.option("--config", "config_file", default="site-config.yml", show_default=True, help="网站配置文件（取其主题和样式）")
@click.option("-v", "--verbose", is_flag=True, help="显示 MkDocs 的详细日志")
@shell.guard
def rollup(sources, out, title, audience, period, skip_missing, config_file, verbose) -> None:
    """把多个单位的公开栏汇总成一个离线网站和一张汇总表（汇总表.xlsx）。

    每个来源是一个单位已生成或已发布的公开栏：网站文件夹、其中的 data/summary.json，或内网地址（http://…）。
    """
    from generator.site.outputs import staged
    from generator.upward import rollup_site, tally
    from generator.upward.rollup import combine
    from generator.upward.sources import board_link

    config = shell.open_config(config_file, verbose)
    target = Path(out)
    _check_rollup_output(config, target, [])  # before reading hundreds of sources; again with them below
    read, missing = _read(sources, audience, period, skip_missing)
    chosen = period or _period([r.data for r in read])
    _check_rollup_output(config, target, [p for r in read for p in r.source.local_paths])
    rows = [(r.data, r.source.given, *board_link(r, target)) for r in read]
    result = combine(rows, title.strip() or "党务公开栏汇总", audience, chosen, tuple(missing))
    with staged(target) as work:
        rollup_site.build(result, config, work)
    label = "党内版" if audience == "party" else "公开版"
    click.echo(f"已汇总 {len(read)} 个单位（{chosen}，{label}）到 {target}；汇总表：{target / tally.FILE_NAME}")
    if result.flagged:
        click.echo(f"其中 {result.flagged} 个单位有提示，见汇总页“提示”一栏。")
    for source, why in missing:
        click.echo(shell.safe(f"未汇总：{source}：{why}"), err=True)


def _read(sources: tuple[str, ...], audience: str, period: str | None, skip_missing: bool):
    """Every source's summary; stops with every problem listed unless only skippable ones and ``--skip-missing``."""
    from generator.upward.sources import SourceError, read_all

    read, skipped, refused = [], [], []
    for result in read_all(sources):
        if isinstance(result, SourceError):
            skipped.append((result.source, result.reason))
        elif period and result.data["period"] != period:
            skipped.append((result.source.given, f"年度是 {result.data['period']}，不是 --period 指定的 {period}"))
        elif result.data["audience"] != audience:
            refused.append(f"{result.source.given}：{_audience_refusal(result.data['audience'])}")
        else:
            read.append(result)
    refused += _duplicates(read)
    # --skip-missing leaves the unreadable out, as long as one bureau is left to roll up.
    problems = refused + ([] if skip_missing and read else [f"{source}：{why}" for source, why in skipped])
    if problems:
        for line in problems:
            click.echo(shell.safe(line), err=True)
        hint = "（读不出来的可以加 --skip-missing 跳过）" if skipped and not skip_missing else ""
        raise BoardError(f"没有汇总：{len(problems)} 个来源有问题{hint}。什么都没有写出。")
    return read, skipped


def _audience_refusal(theirs: str) -> str:
    if theirs == "party":
        return "是党内版的数据（含党内事项），公开汇总只收公开版；确需党内汇总请加 --audience party（汇总结果标为党内）"
    return "是公开版的数据，党内汇总（--audience party）要用各单位党内版生成的 summary.json"


def _duplicates(read) -> list[str]:
    """The same bureau and period given twice would be counted twice: refused."""
    counted = Counter((r.data["organization"], r.data["period"]) for r in read)
    return [f"{org}（{period}）出现了 {n} 次：同一单位只能汇总一次，请去掉重复的来源"
            for (org, period), n in counted.items() if n > 1]


def _period(summaries: list[dict]) -> str:
    from generator.upward.rollup import common_period

    chosen = common_period(summaries)
    if chosen is None:
        found = "、".join(f"{p}（{n} 个）" for p, n in Counter(s["period"] for s in summaries).most_common())
        raise BoardError(f"各单位的年度不一样多：{found}；请用 --period 指定要汇总的年度。什么都没有写出。")
    return chosen


def _check_rollup_output(config, target: Path, sources: list[Path]) -> None:
    """The roll-up's folder must not replace a source, the config, the theme or the project, nor another folder."""
    from generator.upward.rollup_site import DATA

    config_file = Path(config.config_file_path).absolute()
    theme = config.theme.custom_dir
    shell.refuse_output(target, [*sources, config_file, *([Path(theme)] if theme else [])], config_file.parent,
                       marker=DATA)


def register(group: click.Group) -> None:
    group.add_command(report)
    group.add_command(rollup)
