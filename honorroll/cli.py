"""The editors' command line: ``honorroll check`` and ``honorroll report``."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from .checker import CheckResult, check_repository
from .config import effective_today
from .diagnostics import summary_line, to_json_document
from .published_ids import detect_base_ref
from .report import render_quota_report
from .settings import Project, SettingsError, load_project


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="honorroll", description="光荣榜：故事库的检查与报表工具")
    parser.add_argument("-f", "--config-file", default="mkdocs.yml", help="站点设置文件（默认 mkdocs.yml）")
    parser.add_argument("--today", type=_date, help="把“今天”固定为某一天（YYYY-MM-DD），用于复现")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="只检查内容，不构建站点")
    check.add_argument("--strict", action="store_true", help="年度未结束时的任务数缺口也算错误")
    check.add_argument("--base", help="与这个 git 版本比较，确认已发布的编号没有消失（如 origin/main）")
    check.add_argument(
        "--format", choices=["text", "github", "json"], default=None, help="输出格式；GITHUB_ACTIONS=true 时默认 github"
    )

    report = sub.add_parser("report", help="任务数报表")
    report.add_argument("--year", type=int, help="只看某一年度")
    report.add_argument("--unit", help="只看某个单位（编号）")
    report.add_argument("--format", choices=["table", "json", "markdown", "csv"], default="table")
    return parser


def run_check(project: Project, today: dt.date, base: str | None) -> CheckResult:
    base_ref = detect_base_ref(base or project.settings.base_ref)
    return check_repository(project.root, project.settings, today, base_ref)


def print_diagnostics(result: CheckResult, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        out.write(to_json_document(result.diagnostics) + "\n")
        return
    for diagnostic in result.diagnostics:
        out.write(diagnostic.format_text() + "\n")
        if fmt == "github":
            out.write(diagnostic.format_github() + "\n")
    out.write(summary_line(result.diagnostics) + "\n")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        project = load_project(args.config_file)
        today = args.today or effective_today(project.settings)
    except (SettingsError, ValueError) as exc:
        out.write(f"错误：{exc}\n")
        return 2
    if args.command == "check":
        if args.strict:
            project.settings.strict_quota = True
        result = run_check(project, today, args.base)
        fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
        print_diagnostics(result, fmt, out)
        return 0 if result.ok else 1
    result = run_check(project, today, None)
    rows = [
        r
        for r in result.quotas
        if (args.year is None or r.year == args.year) and (args.unit is None or r.unit == args.unit)
    ]
    if args.unit and args.unit not in result.archive.units:
        out.write(f"错误：没有编号为“{args.unit}”的单位\n")
        return 2
    out.write(render_quota_report(rows, args.format, today))
    return 0


if __name__ == "__main__":
    sys.exit(main())
