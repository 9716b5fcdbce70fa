"""The ``board`` command: its subcommands, their options and what they say.

Each is a few lines on the run context (``shell.Run``: open, check the output,
validate and report, build); every refusal is a ``shell.BoardError`` (exit
status 1, never a traceback), and the output folder is replaced only by a
complete build.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import click

from generator import cli_zh, core
from generator.approval import approved, wording
from generator.approval import log as approvals
from generator.approval import state as approval
from generator.board.periods import chain
from generator.content.dates import DateError, parse_date
from generator.content.model import Kind
from generator.files import write_atomic
from generator.names import display_path, printable
from generator.shell import (
    BoardError,
    Run,
    absolute,
    audience_option,
    common,
    count_text,
    guard,
    refuse_output,
    safe,
)
from generator.site import ports
from generator.site.outputs import MARKER, staged
from generator.upward.commands import register

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # only silences Material's end-of-life banner
cli_zh.install()  # click's help and usage errors in Chinese


PRINT_IS_PUBLIC = audience_option(("party",), "打印版用于张贴公开栏，只含公开内容，没有党内版", hidden=False)
WHOLE_CONTENT = audience_option(("public", "party"), "导入、导出的是全部内容（含党内事项），不分公开版和党内版；请去掉 --audience",
                                 hidden=True)


@click.group(cls=cli_zh.ChineseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="disclosure-board")
def main() -> None:
    """党务公开栏：检查内容、生成网站、预览。"""


@main.command()
@common
@click.option("--strict", is_flag=True, help="警告也视为错误")
def check(config_file, content, audience, as_of, verbose, strict) -> None:
    """检查内容文件，列出所有错误和警告。"""
    run = Run.open(config_file, content, audience, as_of, verbose)
    run.validate(strict, all_warnings=True)
    click.echo(f"检查通过：{run.describe()}。")
    run.say_approval()


@main.command()
@common
@click.option("--site-dir", help="输出文件夹（默认 site）")
@click.option("--strict", is_flag=True, help="内容警告和 MkDocs 警告都视为错误")
def build(config_file, content, audience, as_of, verbose, site_dir, strict) -> None:
    """生成网站；只有完整生成成功才替换原有输出文件夹。"""
    # The change log compares with the site this build replaces.
    run = Run.open(config_file, content, audience, as_of, verbose, site_dir=site_dir,
                   previous=lambda config: Path(config.site_dir))
    target = Path(run.config.site_dir)
    run.check_output(target)
    run.validate(strict)
    run.config.strict = strict or run.config.strict
    with staged(target) as work:
        run.build_into(work)
    click.echo(f"网站已生成：{display_path(target)}（{run.describe()}）")
    run.say_approval()
    _archived(run)


def _archived(run: Run) -> None:
    """Which earlier periods went to /archive/, and which were copied from an earlier build; the build's notes."""
    for note in run.plugin.now.site.notes:
        click.echo(note)
    earlier = [period.board.period for period in chain(run.checked.content)[1:]] if run.checked.content else []
    if earlier:
        reused = run.plugin.now.reused
        kept = f"，其中 {'、'.join(reused)} 沿用上次生成的页面" if reused else ""
        click.echo(f"历史归档：{'、'.join(earlier)}（/archive/ 下{kept}）")


def _to_option(func: Callable) -> Callable:
    return click.option("--to", "root", required=True,
                        help="发布目录（网站服务器指向其中的 current）")(func)


@main.command()
@common
@_to_option
@click.option("--keep", default=5, show_default=True, type=click.IntRange(1), help="保留最近几个版本")
@click.option("--force", is_flag=True, help="内容没有变化也发布新版本")
def publish(config_file, content, audience, as_of, verbose, root, keep, force) -> None:
    """生成并发布为新版本：DIR/releases/<时间>-<版本号>/，再把 DIR/current 一步切换过去。"""
    from generator.site import releases

    root = Path(root).absolute()
    # The change log compares with the live release (current links to it); a first publish has none (never
    # the project's site/).  Reading it before the checks below only reads.
    run = Run.open(config_file, content, audience, as_of, verbose, previous=root / releases.CURRENT)
    options = run.options
    run.check_output(root, replaces="root")
    try:
        releases.prepare(root)
        releases.check_audience(root, options.audience.key)
    except releases.PublishError as exc:
        raise BoardError(f"发布失败：{exc}；当前网站保持不变。") from None
    live = releases.live(root)
    checked = run.validate()
    signed = _passes_gate(run, checked, root, again=_again(content))
    build = core.build_id(checked, options, signed)
    if live is not None and live.name.endswith(build) and not force:
        click.echo(f"内容没有变化，当前已是最新版本 {build}（{live.name}）。要重新发布请加 --force。")
        return
    try:
        again = None if force else releases.reinstate(root, build, approved=signed is not None)
    except releases.PublishError as exc:
        raise BoardError(f"发布失败：{exc}；当前网站保持不变。") from None
    if again is not None:  # after a rollback: the same version goes live again, never listed twice
        click.echo(f"已重新上线 {again.name}：内容与这个已发布的版本相同，没有重新生成；{root / releases.CURRENT} 已指向它。")
        return
    release, removed = _build_release(run, root, build, keep=keep, approved=signed is not None)
    click.echo(f"已发布 {release.name}（{run.describe()}）；{root / releases.CURRENT} 已指向新版本。")
    _archived(run)
    if removed:
        click.echo("已清理旧版本：" + "、".join(p.name for p in removed))


def _build_release(run: Run, root: Path, build: str, *, keep: int, approved: bool) -> tuple[Path, list[Path]]:
    """Build into the root's staging folder, then install it as a release (``releases.install``, under the lock)."""
    from generator.site import releases

    staging = releases.staging_dir(root)
    shutil.rmtree(staging, ignore_errors=True)
    try:
        run.build_into(staging)
        return releases.install(root, staging, build, keep=keep, approved=approved)
    except releases.PublishError as exc:
        raise BoardError(f"发布失败：{exc}；当前网站保持不变。") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _passes_gate(run: Run, checked: core.Checked, root: Path, *, again: str = "") -> dict[str, str] | None:
    """Who reviewed and approved what this publish shows (None: a preview where the root allows one).

    先审后公开 has no flag here: ``approval: off`` publishes previews only into a root that never held an
    approved release (``site/gate.py``).
    """
    from generator.site import releases

    why = wording.refusal(checked.approval, again) if run.options.approval else releases.gate_refusal(root)
    if why is not None:
        raise BoardError(f"发布被拒绝：{why}\n没有发布任何内容，当前网站保持不变。")
    return core.signoff(checked, run.options)[0]


@main.command()
@_to_option
@guard
def rollback(root) -> None:
    """把 DIR/current 切回上一个版本。"""
    from generator.site import releases

    try:
        release = releases.rollback(Path(root).absolute())
    except releases.PublishError as exc:
        raise BoardError(f"回退失败：{exc}") from None
    click.echo(f"已回退到 {release.name}（版本 {release.build}）。")


@main.command(name="releases")
@_to_option
@guard
def releases_(root) -> None:
    """列出已发布的版本：时间、版本号、内容概况，以及当前在线的是哪一个。"""
    from generator.site import releases

    found = releases.releases(Path(root).absolute())
    if not found:
        raise BoardError(f"{root} 还没有发布过。")
    for release in reversed(found):
        totals = release.summary.get("totals", {})
        items = totals.get("rectifications", {})
        regular, temporary = totals.get("branches"), totals.get("temporary_branches", 0)
        size = count_text(regular + temporary if isinstance(regular, int) and isinstance(temporary, int) else "?",
                          temporary, items.get("total", "?"))
        summary = f"{size}，逾期 {items.get('overdue', '?')} 项，数据截至 {release.summary.get('as_of', '?')}"
        signed = release.summary.get("approval")
        if isinstance(signed, dict):
            signoff = (f"审核 {signed.get('reviewed_by', '?')}（{signed.get('reviewed_on', '?')}），"
                       f"审批 {signed.get('approved_by', '?')}（{signed.get('approved_on', '?')}）")
        else:
            signoff = "未经审批"
        click.echo(safe(f"{'*' if release.live else ' '} {release.time}  {release.audience_label}  {release.build}  "
                         f"{summary}；{signoff}{'  ← 当前在线' if release.live else ''}"))  # read from the release's files


def _sign(step: approvals.Step, config_file, content, audience, as_of, verbose, by, on, note, pdf) -> None:
    """``board review`` / ``board approve``: show what is signed off, then append the record."""
    today = dt.date.today()
    try:
        day = parse_date(on) if on else today
    except DateError as exc:
        raise BoardError(f"--on：{exc}") from None
    run = Run.open(config_file, content, audience, as_of, verbose)
    options = run.options
    if not options.approval:
        raise BoardError(f"{config_file} 里设置了 approval: off（不审批）：不需要也不记录审核、审批。")
    if pdf:
        run.check_output(pdf, replaces="pdf")
    checked = run.validate(ignore=approval.is_stale_warning)
    if checked.approval is None:  # errors were reported above; cannot happen without them
        raise BoardError("内容有错误，不能审核、审批。")
    try:
        record, warnings = approval.sign(step, by, day, note, checked.content, checked.log, checked.approval, today,
                                         again=_again(content))
    except approval.Refused as exc:
        raise BoardError(f"不能{step.label}：{exc}") from None
    click.echo(f"{step.label}（{record.by}，{record.on}）的内容：")
    if step is approvals.Step.APPROVE:
        review = checked.approval.review
        click.echo(safe(f"审核：{review.by}（{review.on}）审核的正是这一内容{f'，意见：{review.note}' if review.note else ''}"))
    entries = approved.since_approved(options.content_dir, checked.content, checked.approval)
    for line in wording.describe(checked.content, checked.approval, entries):
        click.echo(safe(line))  # a clerk's text may hold bidi overrides or invisible marks: spelled out
    for warning in warnings:
        click.echo(warning, err=True)
    if pdf:  # printed before the record is kept: a form that could not be printed signs nothing
        _print_form(checked, entries, Path(pdf))
    path = approved.register(options.content_dir, checked.content, record)
    flags = _again(content) + ("" if options.audience.key == "public" else f" --audience {options.audience.key}")
    then = (f"下一步：审批人运行 board approve --by 姓名{flags}"
            if step is approvals.Step.REVIEW else f"现在可以发布：board publish --to 发布目录{flags}")
    click.echo(f"已记入 {display_path(path)}（第 {len(checked.log.records) + 1} 条记录）。{then}")


def _print_form(checked: core.Checked, entries: list, out: Path) -> None:
    """The 党务公开审批表 as an A4 PDF (``approval.form``)."""
    from generator.approval import form
    from generator.site.printing import PrintError

    try:
        form.print_form(checked.content, checked.approval, entries, out)
    except PrintError as exc:
        raise BoardError(f"{exc}；审批表没有生成，也没有登记。") from None
    click.echo(f"已生成审批表：{out}（A4，内容指纹 {checked.approval.fingerprint[:16]}…，请签字后登记归档）")


def _sign_options(func: Callable) -> Callable:
    for option in reversed([
        click.option("--by", required=True, help="经办人姓名"),
        click.option("--on", help="日期 YYYY-MM-DD（默认今天）"),
        click.option("--note", help="意见，例如“已做保密审查”"),
        click.option("--pdf", help="同时把党务公开审批表打印成 PDF 文件（A4，签字后登记归档）"),
    ]):
        func = option(func)
    return func


@main.command()
@common
@_sign_options
def review(config_file, content, audience, as_of, verbose, by, on, note, pdf) -> None:
    """审核（保密审查、必要性和准确性）：列出要公开的内容，并在 approvals.yml 登记审核记录。"""
    _sign(approvals.Step.REVIEW, config_file, content, audience, as_of, verbose, by, on, note, pdf)


@main.command()
@common
@_sign_options
def approve(config_file, content, audience, as_of, verbose, by, on, note, pdf) -> None:
    """审批：须先有同一内容的审核记录；列出要公开的内容，并在 approvals.yml 登记审批记录。"""
    _sign(approvals.Step.APPROVE, config_file, content, audience, as_of, verbose, by, on, note, pdf)


@main.command()
@common(audience=PRINT_IS_PUBLIC)
@click.option("--paper", type=click.Choice(["A4", "A3"], case_sensitive=False), default="A4", show_default=True,
              help="纸张大小")
@click.option("--landscape", is_flag=True, help="横向打印")
@click.option("--out", default="公开栏.pdf", show_default=True, help="PDF 文件")
@click.option("--browser", help="Chromium/Chrome/Edge 的路径（默认自动查找）")
def pdf(config_file, content, as_of, verbose, paper, landscape, out, browser) -> None:
    """把公开栏打印版（/print/，只含公开内容）生成 PDF。"""
    import tempfile

    from generator.site.printing import PrintError, find_browser, to_pdf

    run = Run.open(config_file, content, "public", as_of, verbose)
    run.check_output(out, replaces="pdf")
    run.validate()
    try:
        find_browser(browser)
        with tempfile.TemporaryDirectory(prefix="board-print-") as site:
            run.build_into(Path(site))
            to_pdf(Path(site) / "print" / "index.html", Path(out), paper=paper.upper(), landscape=landscape,
                   browser=browser)
    except PrintError as exc:
        raise BoardError(str(exc)) from None
    click.echo(f"已生成 PDF：{out}（{paper.upper()}{'横向' if landscape else '纵向'}）")


def _article_approval(options: core.Options, checked: core.Checked):
    """Whether the public content is approved, and by whom (the approval records, as the site's marks)."""
    from generator.board.article import Approval

    signed, preview = core.signoff(checked, options)
    signed = signed or {}
    return Approval(approved=not preview, reviewer=signed.get("reviewed_by", ""), approver=signed.get("approved_by", ""))


ARTICLE_IS_PUBLIC = audience_option(("party",), "公众号文章发到单位以外，只含公开内容，没有党内版", hidden=False)


@main.command()
@common(audience=ARTICLE_IS_PUBLIC)
@click.option("--out", required=True, help="写出文章和长图的文件夹")
@click.option("--browser", help="Chromium/Chrome/Edge 的路径（默认自动查找）")
def article(config_file, content, as_of, verbose, out, browser) -> None:
    """写出公众号文章（只含公开内容）：一个可粘贴到公众号编辑器的 HTML 文件，和一张 1080 像素宽的总览长图。"""
    import tempfile

    from generator.board.article import ARTICLE_FILE, LONG_IMAGE_FILE, render_article
    from generator.board.figures import compute
    from generator.content.model import Audience
    from generator.site.printing import PrintError, find_browser, to_png

    run = Run.open(config_file, content, "public", as_of, verbose)
    options = run.options
    target = Path(out)
    run.check_output(target, replaces="root")  # files are added, never the folder replaced
    checked = run.validate()
    public = compute(checked.content, Audience.PUBLIC, options.as_of)
    html = render_article(public, _article_approval(options, checked))
    try:
        find_browser(browser)
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="board-article-") as site:
            run.build_into(Path(site))
            height = to_png(Path(site) / "index.html", target / LONG_IMAGE_FILE, browser=browser)
    except PrintError as exc:
        raise BoardError(str(exc)) from None
    write_atomic(target / ARTICLE_FILE, html)
    click.echo(f"已写出公众号文章：{target / ARTICLE_FILE}（{run.describe()}）")
    click.echo(f"已写出总览长图：{target / LONG_IMAGE_FILE}（1080 × {height} 像素）")


@main.command()
@common
@click.option("--out", required=True, help="写出 Zensical 项目的文件夹")
def render(config_file, content, audience, as_of, verbose, out) -> None:
    """写出一个完整的 Zensical 项目（zensical.toml、docs/ 里的 Markdown 页面和数据、theme/），在里面运行 zensical build 即可。"""
    from generator.site import manual, zensical

    # The change log compares with the last Zensical build in DIR (none yet: nothing, never the project's site/).
    run = Run.open(config_file, content, audience, as_of, verbose, previous=Path(out) / "site")
    config = run.config
    run.check_output(out, marker=Path(zensical.DOCS_DIR) / MARKER)
    site = core.generate(run.options, checked=run.validate())
    theme = config.theme
    toml = zensical.project(
        site_name=config.site_name, site_description=config.site_description, language=theme["language"],
        nav=config.nav or [], extra_css=[str(css) for css in config.extra_css], theme=dict(theme),
        markdown_extensions={name: config.mdx_configs.get(name, {}) for name in config.markdown_extensions},
        extra={**dict(config.extra), "board_preview": site.preview},  # Zensical runs no plugin: the mark rides here
        extra_javascript=[str(script) for script in config.extra_javascript],
    )
    pages = {**site.all_pages(), manual.PAGE: manual.manual_page(Path(config.config_file_path).parent)}  # 使用说明
    with staged(Path(out)) as work:
        zensical.write(work, {**pages, **site.data}, toml, theme.custom_dir)
    click.echo(f"已写出 {len(pages)} 个页面到 {out}（{run.describe()}）；"
               f"在该文件夹里运行 zensical build 生成网站")


@main.command(name="import")
@common(audience=WHOLE_CONTENT)
@click.argument("sheet", required=False)
@click.option("--branch", "branch_id", help="导入整改清单到这个支部（文件名如 jiguan-1，或支部全称）；不写则导入民主评议统计表")
@click.option("--sheet", "sheet_name", help="只导入工作簿里的这张表（工作表名称，如 党员承诺）")
@click.option("--person", help="导入为这个人的个人整改清单（支部文件 people 里的姓名）；导入党员承诺表不用写")
@click.option("--name", help="新支部的名称（支部文件还不存在时）")
@click.option("--kind", type=click.Choice(["党支部", "临时党支部"]), help="新支部的类型（默认党支部）")
@click.option("--yes", is_flag=True, help="不逐项询问，直接写入预览中的改动（用于脚本）；对应关系不确定时拒绝导入")
@click.option("--undo", is_flag=True, help="撤销上一次导入：把它改动过的文件恢复原样")
def import_(config_file, content, as_of, verbose, sheet, branch_id, sheet_name, person, name, kind, yes,
            undo) -> None:
    """从 Excel/WPS（.xlsx）或 .csv 导入整改清单或民主评议统计表：先预览改动，确认后才写入；有任何错误则什么都不改。"""
    from generator.office import transaction
    from generator.office.sheets import SheetError
    from generator.office.update import plan_evaluation, plan_rectifications

    options = Run.open(config_file, content, None, as_of, verbose).options
    if undo:
        try:
            restored = transaction.undo(options.content_dir)
        except transaction.UndoError as exc:
            raise BoardError("\n".join(exc.problems)) from None
        click.echo("\n".join(printable(line) for line in ["已撤销上一次导入：", *restored]))
        return
    if not sheet:
        raise BoardError("请给出要导入的表格文件，例如：board import 整改台账.xlsx --branch jiguan-1；撤销上一次导入用 --undo")
    interactive = not yes and sys.stdin.isatty()
    ask = _ask_yes if interactive else None
    try:
        if branch_id:
            plan = plan_rectifications(Path(sheet), options.content_dir, branch_id, sheet=sheet_name, name=name,
                                       kind=kind, as_of=options.as_of, ask=ask, person=person)
        elif person:
            raise BoardError("--person 要和 --branch 一起用：个人整改清单导入到哪个支部的哪个人")
        else:
            plan = plan_evaluation(Path(sheet), options.content_dir, as_of=options.as_of, sheet=sheet_name)
    except SheetError as exc:
        click.echo("\n".join(printable(str(problem)) for problem in exc.problems), err=True)
        raise BoardError(f"表格有 {len(exc.problems)} 处问题，没有导入，文件保持不变。") from None
    _confirm_import(plan, yes=yes, interactive=interactive, again=_again(content))


def _again(content: str | None) -> str:
    """The ``--content`` a next-step hint repeats: the folder this command was given, so the hint runs as printed."""
    return f" --content {content}" if content else ""


def _ask_yes(question: str) -> bool:
    """A yes/no question at the terminal, in Chinese (click's confirm says ``[y/N]`` and answers a typo in English);
    only y or 是 is a yes, anything else — Enter included — a no, so nothing is written by accident."""
    answer = click.prompt(f"{printable(question)}（确认请输入 y 或“是”，直接回车为否）", default="",
                          show_default=False, prompt_suffix="：")
    return answer.strip().lower() in {"y", "yes", "是"}


def _confirm_import(plan, *, yes: bool, interactive: bool, again: str = "") -> None:
    """Show the plan; write it under --yes or after a yes at the terminal; otherwise refuse, nothing written."""
    for line in [*plan.preview, *plan.notes]:
        click.echo(printable(line))  # cells may hold terminal escape sequences
    if plan.unresolved:
        click.echo("\n".join(printable(q) for q in plan.unresolved), err=True)
        raise BoardError("以上表格行与原有事项的对应关系不确定，--yes 时不替你猜：请在终端里不加 --yes 运行逐项确认，"
                         "或在表格里加“公开范围”列、让问题文字与原来一致。这次没有导入，文件保持不变。")
    if not plan.changes:
        click.echo("表格与现有内容一致，文件没有改动。")
        return
    if not yes and not (interactive and _ask_yes("写入以上改动？")):
        raise BoardError("以上是预览，没有写入任何文件。" + ("" if interactive else "核对无误后，加 --yes 重新运行即可写入。"))
    plan.apply()
    click.echo(f"已写入 {len(plan.changes)} 个文件。如需撤销这次导入：board import --undo{again}")


@main.command()
@click.argument("folder")
@click.option("--organization", required=True, help="发布单位，例如 某县林业局党委")
@click.option("--period", required=True, help="年度，例如 2025年度")
@click.option("--branches", "branch_list", help="支部名单（.xlsx 或 .csv）：一列“支部名称”，可加“类型”（党支部/临时党支部）、“支部书记”、“文件名”")
@guard
def init(folder, organization, period, branch_list) -> None:
    """建立本单位的内容文件夹（board.yml 和每个支部一个文件，没有示例的审批记录），建好就能检查、生成。"""
    from generator.office.newboard import InitError, init_board, read_branch_list, refuse_place
    from generator.office.sheets import SheetError

    out = Path(folder)
    refused = refuse_place(out)
    if refused:
        raise BoardError(f"没有建立：{refused}。")
    inputs = [p for p in (Path("site-config.yml"), Path("content")) if p.exists()]  # nor in the sample's folder
    refuse_output(out, inputs, Path.cwd(), replaces="root")
    organization, period = organization.strip(), period.strip()
    if not organization or not period:
        raise BoardError("没有建立：--organization（发布单位）和 --period（年度）都不能为空。")
    try:
        branches = read_branch_list(Path(branch_list)) if branch_list else []
        init_board(out, organization, period, branches)
    except SheetError as exc:
        click.echo("\n".join(printable(p) for p in exc.problems), err=True)
        raise BoardError("支部名单有问题，没有建立任何文件。") from None
    except InitError as exc:
        raise BoardError(str(exc)) from None
    from generator.office.newboard import guide

    for line in guide(out, organization, period, branches, Path("content")):
        click.echo(printable(line))


@main.command(name="template")
@click.argument("out")
@guard
def template_(out) -> None:
    """写出一个空白的整改清单和民主评议统计表（.xlsx），带下拉选项和日期检查。"""
    from generator.office.export import template

    refuse_output(out, [], replaces="xlsx")
    template(Path(out))
    click.echo(f"已写出模板：{out}")


@main.command(name="export")
@common(audience=WHOLE_CONTENT)
@click.argument("out")
def export_(config_file, content, as_of, verbose, out) -> None:
    """把当前内容导出为 .xlsx：每个支部一张表，加整改台账和民主评议统计（含党内事项）。"""
    from generator.office.export import export

    run = Run.open(config_file, content, None, as_of, verbose)
    run.check_output(out, replaces="xlsx")
    checked = run.validate()
    export(checked.content, Path(out), run.options.as_of)
    branches = checked.content.branches
    size = count_text(len(branches), sum(b.kind is Kind.TEMPORARY for b in branches), sum(len(b.items) for b in branches))
    click.echo(f"已导出：{out}（{size}，含党内事项）")


@main.command(name="new-period")
@common
@click.option("--period", "period", required=True, help="新年度的名称，例如 2025年度")
@click.option("--out", required=True, help="新年度的内容文件夹（新的或空的），例如 content-2025")
@click.option("--id", "period_id", help="新年度的简称（网址用；默认取年度里的数字）")
def new_period(config_file, content, audience, as_of, verbose, period, out, period_id) -> None:
    """建立下一年度的内容：同样的支部，未完成的整改事项全部结转（carried_from）。"""
    from generator.office.newperiod import NewPeriodError, new_period, refuse_place

    run = Run.open(config_file, content, audience, as_of, verbose)
    run.check_output(out)  # not over or into the content, config, theme or project
    checked = run.validate()
    refused = refuse_place(Path(out), checked.content)  # nor a non-empty folder, nor any earlier period's
    if refused:
        raise BoardError(f"没有建立新年度：{refused}。")
    try:
        carried = new_period(checked.content, Path(out), period.strip(), period_id, run.options.as_of)
    except NewPeriodError as exc:
        raise BoardError(f"没有建立新年度：{exc}") from None
    for line in carried.report():
        click.echo(line)
    click.echo(f"下一步：检查 board check --content {out}；确认后把 site-config.yml 里的 docs_dir 和 content_dir 都改为 {out}"
               "（上年度会自动生成在网站的 /archive/ 下）。")


@main.command()
@common
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="预览地址")
def serve(config_file, content, audience, as_of, verbose, dev_addr) -> None:
    """本机预览；修改内容文件后浏览器自动刷新。"""
    from mkdocs.commands.serve import serve as mkdocs_serve

    busy = ports.busy(dev_addr)
    if busy is not None:
        port, spare = busy
        raise BoardError(f"端口 {port} 已被占用，用 -a {spare} 换一个端口")
    run = Run.open(config_file, content, audience, as_of, True)
    click.echo(f"预览地址：http://{dev_addr}/  （按 Ctrl+C 结束）")
    # MkDocs loads the config again for every rebuild; the plugin object (and so what it is given) stays.
    with run.plugin.given(run.options):
        mkdocs_serve(config_file=config_file, dev_addr=dev_addr, livereload=True, docs_dir=absolute(content))


register(main)  # board report, board rollup
