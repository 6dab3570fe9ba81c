"""The annual book: cover, the office's preface, contents, every story with its QR code; A5 or A4 PDF."""

from __future__ import annotations

import itertools
import multiprocessing
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from honorroll.book.assemble import (
    DIGIT_CELL,
    LaidOut,
    OutlineItem,
    join,
    lay_out,
    split_evenly,
    worker_count,
)
from honorroll.book.context import BookError, PrintContext
from honorroll.book.photos import PrintPhotos
from honorroll.book.render import (
    MarkdownRenderer,
    check_cjk_font,
    engine,
    render_template,
    report_refused,
    template_dirs,
)
from honorroll.book.selection import GROUPINGS, Selection, group, select, validate
from honorroll.book.views import story_entry, story_view
from honorroll.content import yamlio
from honorroll.rules.pages import check_preface

PAGE_SIZES = ("A5", "A4")
DEFAULT_PREFACE = Path("book") / "preface.md"
PREFACE_FIELDS = {
    "title": "书名（封面大字）",
    "subtitle": "副标题",
    "office": "编印单位（封面下方）",
    "heading": "前言页的标题（默认“前言”）",
}


@dataclass
class BookOptions:
    selection: Selection = field(default_factory=Selection)
    group_by: str = "category"
    size: str = "A5"
    preface: Path | None = None
    """A Markdown file; None uses ``book/preface.md`` when the repository has one."""
    title: str | None = None
    office: str | None = None


@dataclass(frozen=True)
class Preface:
    fields: dict[str, str]
    html: Markup


@dataclass(frozen=True)
class BookResult:
    path: Path
    stories: int
    pages: int
    bytes: int
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds spent preparing the stories, laying out the body, the front and back matter, and joining."""
    workers: int = 1


def read_preface(path: Path, ctx: PrintContext, markdown: MarkdownRenderer, photos: PrintPhotos) -> Preface:
    shown = path.relative_to(ctx.root).as_posix() if path.is_relative_to(ctx.root) else str(path)
    if path.is_symlink():
        raise BookError(
            f"{shown}：前言文件是一个链接（快捷方式），可能指向仓库之外的文件，年刊从不跟随：请换成普通文件"
        )
    problems = list(check_preface(ctx.root, path))
    if any(d.is_error for d in problems):
        raise BookError("\n".join(d.format_text() for d in problems if d.is_error))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BookError(f"{path}：无法读取前言文件（{exc}）：请确认文件存在并以 UTF-8 保存") from exc
    front, body, _line = yamlio.split_front_matter(text)
    fields: dict[str, str] = {}
    if front is not None:
        try:
            data = yamlio.load(front) or {}
        except yamlio.YamlSyntaxError as exc:
            raise BookError(f"{path}:{exc.line + 1}：前言的 front matter 有误：{exc}") from exc
        if not isinstance(data, dict):
            raise BookError(f"{path}:2：前言的 front matter 应是“字段: 值”的形式")
        for key, value in data.items():
            line = yamlio.line_of(front, (key,), 2)
            if key not in PREFACE_FIELDS:
                allowed = "、".join(f"{k}（{v}）" for k, v in PREFACE_FIELDS.items())
                raise BookError(f"{path}:{line}：字段 {key}：前言不认识这个字段，可用的字段：{allowed}")
            if not isinstance(value, str) or not value.strip():
                raise BookError(f"{path}:{line}：字段 {key}：应填写文字（{PREFACE_FIELDS[key]}）")
            fields[key] = value.strip()
    html = markdown.convert(body.strip(), lambda src: photos.in_folder(path.parent, src))
    return Preface(fields, html)


def preface_path(ctx: PrintContext, chosen: Path | None) -> Path | None:
    if chosen is not None:
        return chosen if chosen.is_absolute() else Path.cwd() / chosen
    default = ctx.root / DEFAULT_PREFACE
    return default if default.is_file() or default.is_symlink() else None


def book_data(ctx: PrintContext, options: BookOptions) -> dict[str, Any]:
    settings = ctx.settings
    validate(options.selection, ctx.units, settings)
    if options.size not in PAGE_SIZES:
        raise BookError(f"纸张“{options.size}”不支持，可选：{'、'.join(PAGE_SIZES)}")
    if options.group_by not in GROUPINGS:
        raise BookError(f"未知的分组方式“{options.group_by}”，可选：{'、'.join(GROUPINGS)}")
    stories = select(ctx.result.archive.stories, options.selection, ctx.units)
    if not stories:
        what = options.selection.describe(ctx.units, dict(settings.honor_levels)) or "全部年度"
        raise BookError(f"没有符合条件（{what}）的已发布故事，未生成年刊：请检查 --year、--unit、--level、--honor")
    markdown = MarkdownRenderer(ctx)
    photos = PrintPhotos(ctx.cache_dir)
    preface_file = preface_path(ctx, options.preface)
    preface = read_preface(preface_file, ctx, markdown, photos) if preface_file else None
    fields = preface.fields if preface else {}
    groups: list[dict[str, Any]] = []
    for grp in group(stories, options.group_by, ctx.units, settings):
        entries = [story_entry(s) for s in grp.stories]
        groups.append({"key": grp.key, "title": grp.title, "anchor": f"group-{len(groups) + 1}", "stories": entries})
    scope = options.selection.describe(ctx.units, dict(settings.honor_levels))
    return {
        "title": options.title or fields.get("title") or settings.programme_name,
        "subtitle": fields.get("subtitle") or f"{scope or '历年'}选树故事集",
        "programme": settings.programme_name,
        "office": options.office or fields.get("office") or ctx.site_name,
        "site_name": ctx.site_name,
        "site_url": ctx.site_url,
        "date": ctx.today,
        "size": options.size,
        "group_by": options.group_by,
        "group_label": GROUPINGS[options.group_by],
        "preface": {"heading": fields.get("heading", "前言"), "html": preface.html} if preface else None,
        "groups": groups,
        "pages": {},
        "story_count": len(stories),
        "year_span": _year_span(stories),
    }


def _year_span(stories: list[Any]) -> str:
    years = sorted({s.year for s in stories})
    return str(years[0]) if len(years) == 1 else f"{years[0]}—{years[-1]}"


def _pieces(groups: list[dict[str, Any]], parts: int) -> list[list[dict[str, Any]]]:
    """The body cut between stories into ``parts`` pieces of about equal text, each a list of groups."""
    stories = [(index, story) for index, group in enumerate(groups) for story in group["stories"]]
    starts = [0, *split_evenly([len(entry.story.body) for _, entry in stories], parts), len(stories)]
    pieces = []
    for begin, end in itertools.pairwise(starts):
        chunk: list[dict[str, Any]] = []
        for index, story in stories[begin:end]:
            if not chunk or chunk[-1]["index"] != index:
                group = groups[index]
                continued = group["stories"][0] is not story
                chunk.append({**group, "index": index, "continued": continued, "stories": []})
            chunk[-1]["stories"].append(story)
        pieces.append(chunk)
    return pieces


def _outline(data: dict[str, Any]) -> list[OutlineItem]:
    items = [OutlineItem("封面", "cover")]
    if data["preface"]:
        items.append(OutlineItem(data["preface"]["heading"], "preface"))
    items.append(OutlineItem("目录", "contents"))
    for entry in data["groups"]:
        stories = [OutlineItem(story.title, story.anchor) for story in entry["stories"]]
        items.append(OutlineItem(entry["title"], entry["anchor"], stories))
    return items


_JOB: tuple[PrintContext, dict[str, Any], list[list[dict[str, Any]]]] | None = None
"""Set before the worker processes fork, so they share the stories without pickling them."""


def _lay_out_piece(index: int, out: Path, theme_dirs: list[Path], roots: list[Path]) -> LaidOut:
    """Runs in a worker: Markdown, photos and QR codes of one piece's stories, then its layout."""
    assert _JOB is not None
    ctx, data, pieces = _JOB
    markdown = MarkdownRenderer(ctx)
    photos = PrintPhotos(ctx.cache_dir)
    groups = [
        {**group, "stories": [story_view(entry.story, ctx, markdown, photos) for entry in group["stories"]]}
        for group in pieces[index]
    ]
    return lay_out(render_template(ctx, "body.html", book=data, chunk={"groups": groups}), out, theme_dirs, roots)


def _lay_out_body(count: int, work: Path, theme_dirs: list[Path], roots: list[Path], workers: int) -> list[LaidOut]:
    outs = [work / f"body-{i}.pdf" for i in range(count)]
    if workers <= 1 or count <= 1:
        return [_lay_out_piece(i, outs[i], theme_dirs, roots) for i in range(count)]
    # fork: the workers inherit the stories, fonts and modules instead of loading them again
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_lay_out_piece, i, outs[i], theme_dirs, roots) for i in range(count)]
        return [future.result() for future in futures]


def build_book(ctx: PrintContext, options: BookOptions, out: Path) -> BookResult:
    global _JOB
    started = time.perf_counter()
    phases: dict[str, float] = {}
    data = book_data(ctx, options)
    engine()
    check_cjk_font()
    theme_dirs = template_dirs(ctx.custom_dir)
    roots = [PrintPhotos(ctx.cache_dir).root]
    workers = worker_count(data["story_count"])
    pieces = _pieces(data["groups"], workers)
    phases["prepare"] = time.perf_counter() - started
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.stem}-", dir=out.parent) as tmp:
        work = Path(tmp)
        mark = time.perf_counter()
        _JOB = (ctx, data, pieces)
        try:
            body = _lay_out_body(len(pieces), work, theme_dirs, roots, workers)
        finally:
            _JOB = None
        phases["body"] = time.perf_counter() - mark
        mark = time.perf_counter()
        number = 1
        for piece in body:
            for local, anchors in enumerate(piece.anchors):
                for anchor in anchors:  # a story longer than a page is listed on each of its pages
                    data["pages"].setdefault(anchor, number + local)
            number += piece.pages
        front = lay_out(render_template(ctx, "front.html", book=data), work / "front.pdf", theme_dirs, roots)
        back = lay_out(render_template(ctx, "back.html", book=data), work / "back.pdf", theme_dirs, roots)
        cell = {"width": DIGIT_CELL[0], "height": DIGIT_CELL[1]}
        stamps = render_template(ctx, "page-numbers.html", digits=range(10), cell=cell)
        digits = lay_out(stamps, work / "digits.pdf", theme_dirs, [])
        phases["front and back"] = time.perf_counter() - mark
        mark = time.perf_counter()
        metadata = {"Title": f"{data['title']} · {data['subtitle']}", "Author": data["office"], "Creator": "honorroll"}
        pages = join(front, body, back, digits.out, _outline(data), metadata, out)
        phases["join"] = time.perf_counter() - mark
    report_refused([url for part in (front, *body, back) for url in part.refused])
    seconds = time.perf_counter() - started
    return BookResult(out, data["story_count"], pages, out.stat().st_size, seconds, phases, workers)


def default_name(options: BookOptions) -> str:
    years = options.selection.years
    span = (str(years[0]) if len(years) == 1 else f"{min(years)}-{max(years)}") if years else "all"
    parts = ["book", span]
    if options.selection.unit:
        parts.append(options.selection.unit)
    if options.selection.level:
        parts.append(options.selection.level)
    parts.append(options.size.lower())
    return "-".join(parts) + ".pdf"
