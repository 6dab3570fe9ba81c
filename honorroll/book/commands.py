"""``honorroll book`` and ``honorroll dossier``: arguments and wiring (logic in annual.py and dossier.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from pathlib import Path
from typing import Any, TextIO

from honorroll.book.context import BookError, PrintContext, print_context
from honorroll.book.selection import GROUPINGS, Selection, parse_years
from honorroll.check.run import CheckResult, check_repository
from honorroll.diagnostics import summary_line
from honorroll.engine.project import Project


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    book = sub.add_parser(
        "book",
        help="生成年刊 PDF（封面、前言、目录、每个故事和二维码）",
        description="把已发布的故事排成可印刷的 PDF。公示中和已撤下的故事不会收入。",
    )
    book.add_argument(
        "--year", action="append", metavar="年度", help="年度，如 2025 或 2022-2025；可写多次；不写则收入全部年度"
    )
    book.add_argument("--unit", help="只收某个单位的故事（单位编号；市直系统包括其所属单位）")
    book.add_argument("--level", help="只收获得某一级别荣誉的故事：national、provincial、municipal、county")
    book.add_argument("--honor", help="只收获得某个荣誉称号的故事，如 道德模范")
    book.add_argument(
        "--group-by",
        choices=list(GROUPINGS),
        default="category",
        help="目录分组：category（类别，默认）、unit（单位）、honor（荣誉级别）",
    )
    book.add_argument("--size", choices=["A5", "A4"], default="A5", help="纸张大小（默认 A5）")
    book.add_argument("--preface", metavar="文件", help="前言（Markdown）；默认用 book/preface.md（如果有）")
    book.add_argument("--title", help="书名（默认取前言的 title，或活动名称）")
    book.add_argument("--office", help="编印单位（默认取前言的 office，或站点名称）")
    book.add_argument("--out", metavar="文件", help="输出的 PDF 文件（默认 book-<年度>-<纸张>.pdf）")

    dossier = sub.add_parser(
        "dossier",
        help="生成推荐材料（Word .docx，可另出 PDF）",
        description="为已发布、资格审查合格的故事生成推荐上报材料：基本情况表、主要事迹、资格审查、选树程序、所获荣誉和照片。",
    )
    dossier.add_argument("ids", nargs="*", metavar="故事编号", help="一个或多个故事编号")
    dossier.add_argument("--honor", help="为获得这个荣誉称号的全部故事生成，如 道德模范")
    dossier.add_argument(
        "--year", type=int, help="和 --honor 一起用：该荣誉的获评年份；单独用：该年度选树的全部已发布故事"
    )
    dossier.add_argument(
        "--for", dest="recommend_for", metavar="称号", help="推荐参评的称号，写在材料标题中，如 中国好人"
    )
    dossier.add_argument("--pdf", action="store_true", help="同时生成 PDF")
    dossier.add_argument("--out", default="dossiers", metavar="目录", help="输出目录（默认 dossiers/）")


def load_print_context(project: Project, today: dt.date) -> PrintContext:
    """Checks the repository (as every build does) and reads what printing needs."""
    return print_context(project, check_repository(project.root, project.settings, today))


def _print_errors(result: CheckResult, out: TextIO) -> None:
    for diagnostic in result.errors:
        out.write(diagnostic.format_text() + "\n")
    out.write(summary_line(result.diagnostics) + "\n")


def _quiet_logs() -> None:
    logging.basicConfig(format="%(message)s", level=logging.WARNING)


def command_book(args: argparse.Namespace, project: Project, today: dt.date, out: TextIO) -> int:
    from honorroll.book.annual import BookOptions, build_book, default_name

    _quiet_logs()
    try:
        years = sorted({y for text in args.year or [] for y in parse_years(text)})
        options = BookOptions(
            selection=Selection(tuple(years), args.unit, args.level, args.honor),
            group_by=args.group_by,
            size=args.size,
            preface=Path(args.preface) if args.preface else None,
            title=args.title,
            office=args.office,
        )
        ctx = load_print_context(project, today)
        if not ctx.result.ok:
            _print_errors(ctx.result, out)
            out.write("错误：内容检查未通过，没有生成年刊：请先改正上面的问题（与 mkdocs build 的要求相同）\n")
            return 1
        target = Path(args.out) if args.out else Path.cwd() / default_name(options)
        made = build_book(ctx, options, target)
    except BookError as exc:
        out.write(f"错误：{exc}\n")
        return 2
    size = made.bytes / 1024 / 1024
    out.write(
        f"已生成年刊 {made.path}：{made.stories} 个故事，{made.pages} 页，{size:.1f} MB，用时 {made.seconds:.1f} 秒\n"
    )
    return 0


def command_dossier(args: argparse.Namespace, project: Project, today: dt.date, out: TextIO) -> int:
    from honorroll.book.dossier import DossierRequest, write_dossiers

    _quiet_logs()
    request = DossierRequest(
        ids=list(args.ids), honor=args.honor, year=args.year, recommend_for=args.recommend_for, pdf=args.pdf
    )
    try:
        ctx = load_print_context(project, today)
        outcome = write_dossiers(ctx, request, Path(args.out))
    except BookError as exc:
        out.write(f"错误：{exc}\n")
        return 2
    for reason in outcome.refused:
        out.write(f"错误：{reason}\n")
    if outcome.refused:
        out.write(f"{len(outcome.refused)} 个故事不能生成推荐材料，没有写入任何文件。\n")
        return 1
    for path in outcome.written:
        out.write(f"已写入 {path}\n")
    out.write(f"共生成 {len(outcome.stories)} 份推荐材料。\n")
    return 0
