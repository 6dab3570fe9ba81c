"""The editors' command line: ``check``, ``report`` (quotas, ``--assessment``), ``new``, ``schema``, ``preview``,
``book`` and ``dossier``.

Wiring only: every command's logic lives in an importable module.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from honorroll.book import commands as book_commands
from honorroll.check.run import CheckResult, check_repository
from honorroll.cli import new_story as newstory
from honorroll.cli import preview
from honorroll.cli.chinese_argparse import ChineseArgumentParser
from honorroll.cli.ci_formats import FILE_FORMATS, append_summary, render_check, render_job_summary
from honorroll.cli.report import render_assessment, render_quota_report
from honorroll.config import effective_today
from honorroll.content import schema_export
from honorroll.content.loader import load_units
from honorroll.content.schema import SUBJECT_TYPE_LABELS
from honorroll.diagnostics import summary_line, to_json_document
from honorroll.engine.project import Project, SettingsError, load_project, site_settings
from honorroll.rules.assessment import assess, content_errors
from honorroll.rules.published_ids import detect_base_ref

CHECK_FORMATS = ["text", "github", "json", *FILE_FORMATS]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="honorroll", description="光荣榜：故事库的检查、报表和预览工具")
    parser.add_argument(
        "-f", "--config-file", default="mkdocs.yml", metavar="文件", help="站点设置文件（默认 mkdocs.yml）"
    )
    parser.add_argument("--today", type=_date, metavar="日期", help="把“今天”固定为某一天（YYYY-MM-DD），用于复现")
    sub = parser.add_subparsers(dest="command", required=True, title="命令", metavar="命令")

    check = _command(sub, "check", "只检查内容，不构建站点")
    check.add_argument("--strict", action="store_true", help="年度未结束时的任务数缺口也算错误")
    check.add_argument("--base", metavar="版本", help="与这个 git 版本比较，确认已发布的编号没有消失（如 origin/main）")
    check.add_argument(
        "--format",
        choices=CHECK_FORMATS,
        default=None,
        help="输出格式：text、github（注释）、json、junit（JUnit XML）、codequality（GitLab 代码质量）；"
        "GITHUB_ACTIONS=true 时默认 github",
    )
    check.add_argument("--output", metavar="文件", help="把 --format 格式的报告写入文件，终端仍显示文字结果")
    check.add_argument(
        "--summary",
        metavar="文件",
        help="把 Markdown 摘要（问题、本次改动、任务数表）追加到文件，如 $GITHUB_STEP_SUMMARY",
    )

    report = _command(sub, "report", "任务数报表；加 --assessment 为年终考评")
    report.add_argument("--year", type=int, metavar="年度", help="只看某一年度（--assessment 时必填：考评年度）")
    report.add_argument(
        "--assessment",
        action="store_true",
        help="年终考评：按站点设置 assessment 为各单位计分、排名，列出每一项得分，并汇总活动场次和人次",
    )
    report.add_argument("--unit", metavar="单位编号", help="只看某个单位")
    report.add_argument(
        "--format",
        choices=["table", "json", "markdown", "csv"],
        default="table",
        help="输出格式（默认 table：终端表格）",
    )

    new = _command(sub, "new", "新建故事：自动分配永久编号，生成带中文说明的模板")
    new.add_argument("--unit", metavar="单位编号", help="单位编号（units/ 中的文件名，不含 .yml）")
    new.add_argument("--title", metavar="标题", help="故事标题")
    new.add_argument("--subject-name", metavar="姓名", help="主人公姓名或集体名称")
    new.add_argument(
        "--subject-type", choices=list(SUBJECT_TYPE_LABELS), help="individual（个人，默认）或 collective（集体）"
    )
    new.add_argument("--year", type=int, metavar="年度", help="选树年度（默认今年）")
    new.add_argument("--bundle", action="store_true", help="建成文件夹形式（<编号>/index.md），用于放照片")
    new.add_argument("--id", dest="story_id", metavar="编号", help="自己指定故事编号（一般不需要，默认自动分配）")

    schema = _command(sub, "schema", "生成编辑器用的 JSON Schema 文件（故事和单位）")
    schema.add_argument("--out", default="schemas", metavar="目录", help="输出目录（默认 schemas/）")
    schema.add_argument("--check", action="store_true", help="只检查文件是否与代码一致，不一致时退出码为 1")

    serve = _command(sub, "preview", "在本机预览构建好的站点或下载的 CI 预览附件，按站点的真实网址路径打开")
    serve.add_argument(
        "folder",
        nargs="?",
        metavar="文件夹",
        help="构建好的站点，或解压后的 CI 附件（也可以直接写下载的 .zip）；默认 mkdocs.yml 的 site_dir（build/）",
    )
    serve.add_argument(
        "--port", type=int, default=preview.DEFAULT_PORT, metavar="端口", help=f"端口（默认 {preview.DEFAULT_PORT}）"
    )
    book_commands.add_parsers(sub)
    return parser


def _command(
    sub: argparse._SubParsersAction[ChineseArgumentParser], name: str, summary: str
) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=summary, description=summary)


def run_check(project: Project, today: dt.date, base: str | None) -> CheckResult:
    base_ref = detect_base_ref(base or project.settings.base_ref)
    return check_repository(
        project.root, project.settings, today, base_ref, site=site_settings(project), site_url=_site_url(project)
    )


def _site_url(project: Project) -> str | None:
    value = project.mkdocs.get("site_url")
    return value if isinstance(value, str) and value else None


def render_diagnostics(result: CheckResult, fmt: str) -> str:
    if fmt in FILE_FORMATS:
        return render_check(result, fmt)
    if fmt == "json":
        return to_json_document(result.diagnostics) + "\n"
    buffer = io.StringIO()
    print_diagnostics(result, fmt, buffer)
    return buffer.getvalue()


def print_diagnostics(result: CheckResult, fmt: str, out: TextIO) -> None:
    if fmt in ("json", *FILE_FORMATS):
        out.write(render_diagnostics(result, fmt))
        return
    for diagnostic in result.diagnostics:
        out.write(diagnostic.format_text() + "\n")
        if fmt == "github":
            out.write(diagnostic.format_github() + "\n")
    out.write(summary_line(result.diagnostics) + "\n")


def command_check(args: argparse.Namespace, project: Project, today: dt.date, out: TextIO) -> int:
    if args.strict:
        project.settings.strict_quota = True
    base_ref = detect_base_ref(args.base or project.settings.base_ref)
    result = check_repository(
        project.root, project.settings, today, base_ref, site=site_settings(project), site_url=_site_url(project)
    )
    terminal = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    fmt = args.format or terminal
    if args.output:
        Path(args.output).write_text(render_diagnostics(result, fmt), encoding="utf-8")
        print_diagnostics(result, "github" if fmt == "github" else terminal, out)
    else:
        print_diagnostics(result, fmt, out)
    if args.summary:
        summary = render_job_summary(result, project.root, project.settings.stories_dir, base_ref)
        append_summary(Path(args.summary), summary)
    return 0 if result.ok else 1


def command_new(args: argparse.Namespace, project: Project, today: dt.date, out: TextIO) -> int:
    request = newstory.NewStoryRequest(
        unit=args.unit,
        title=args.title,
        subject_name=args.subject_name,
        subject_type=args.subject_type,
        year=args.year,
        bundle=args.bundle,
        story_id=args.story_id,
    )
    try:
        if request.missing():
            units, _ = load_units(project.root, project.settings.units_dir)
            request = newstory.complete_request(request, units, interactive=sys.stdin.isatty(), out=out)
        created = newstory.create_story(project.root, project.settings, request, today)
    except newstory.NewStoryError as exc:
        out.write(f"错误：{exc}\n")
        return 2
    out.write(newstory.next_steps(created, request.bundle))
    return 0


def command_schema(args: argparse.Namespace, project: Project, out: TextIO) -> int:
    out_dir = Path(args.out)
    if not out_dir.is_absolute():
        out_dir = Path.cwd() / out_dir
    if args.check:
        stale = schema_export.stale_files(project.settings, out_dir)
        for name in stale:
            out.write(f"{args.out.rstrip('/')}/{name} 与代码不一致：请运行 honorroll schema --out {args.out} 并提交\n")
        if not stale:
            out.write("JSON Schema 文件与代码一致。\n")
        return 1 if stale else 0
    written = schema_export.write_schemas(project.settings, out_dir)
    for path in written:
        out.write(f"已写入 {path}\n")
    if not written:
        out.write("JSON Schema 文件已是最新，没有改动。\n")
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    if args.command == "preview":
        return command_preview(args, out)
    try:
        project = load_project(args.config_file)
        today = args.today or effective_today(project.settings)
    except (SettingsError, ValueError) as exc:
        out.write(f"错误：{exc}\n")
        return 2
    if args.command == "check":
        return command_check(args, project, today, out)
    if args.command == "new":
        return command_new(args, project, today, out)
    if args.command == "schema":
        return command_schema(args, project, out)
    if args.command == "book":
        return book_commands.command_book(args, project, today, out)
    if args.command == "dossier":
        return book_commands.command_dossier(args, project, today, out)
    return command_report(args, project, today, out)


def command_preview(args: argparse.Namespace, out: TextIO) -> int:
    """Needs no valid content, nor even a repository: a downloaded artifact previews anywhere.
    mkdocs.yml, when it can be read, gives the default folder and the fallback address prefix."""
    site_dir, site_url = Path("build"), None
    try:
        project = load_project(args.config_file)
    except Exception:  # a broken or missing mkdocs.yml does not stop a preview
        project = None
    if project is not None:
        site_dir = project.root / str(project.mkdocs.get("site_dir") or "site")
        if site_dir.is_relative_to(Path.cwd()):
            site_dir = site_dir.relative_to(Path.cwd())  # shown to the editor as “build”
        site_url = _site_url(project)
    try:
        return preview.run(Path(args.folder) if args.folder else site_dir, args.port, site_url, out)
    except preview.PreviewError as exc:
        out.write(f"错误：{exc}\n")
        return 2


def command_report(args: argparse.Namespace, project: Project, today: dt.date, out: TextIO) -> int:
    if args.assessment:
        if args.year is None:
            out.write("错误：考评要指定年度，例如 honorroll report --assessment --year 2025\n")
            return 2
        if not project.settings.start_year <= args.year <= today.year:
            out.write(f"错误：考评年度应在活动起始年度 {project.settings.start_year} 到今年 {today.year} 之间\n")
            return 2
    result = run_check(project, today, None)
    if args.unit and args.unit not in result.archive.units:
        out.write(f"错误：没有编号为“{args.unit}”的单位\n")
        return 2
    if args.assessment:
        assessment = assess(result.archive, result.activities, result.quotas, project.settings, args.year, today)
        assessment.errors = content_errors(result.diagnostics)
        out.write(render_assessment(assessment, args.format, project.settings, args.unit))
        return 0
    rows = [
        r
        for r in result.quotas
        if (args.year is None or r.year == args.year) and (args.unit is None or r.unit == args.unit)
    ]
    out.write(render_quota_report(rows, args.format, today))
    return 0


if __name__ == "__main__":
    sys.exit(main())
