"""The annual book: cover, the office's preface, contents, every story with its QR code; A5 or A4 PDF."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .. import yamlio
from .context import BookError, PrintContext
from .photos import PrintPhotos
from .render import MarkdownRenderer, render_template, write_pdf
from .selection import GROUPINGS, Selection, group, select, validate
from .views import StoryView, story_view

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


def read_preface(path: Path, ctx: PrintContext, markdown: MarkdownRenderer, photos: PrintPhotos) -> Preface:
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
    return default if default.is_file() else None


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
    groups = []
    for grp in group(stories, options.group_by, ctx.units, settings):
        views: list[StoryView] = [story_view(s, ctx, markdown, photos) for s in grp.stories]
        groups.append({"key": grp.key, "title": grp.title, "stories": views})
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
        "story_count": len(stories),
        "year_span": _year_span(stories),
    }


def _year_span(stories: list[Any]) -> str:
    years = sorted({s.year for s in stories})
    return str(years[0]) if len(years) == 1 else f"{years[0]}—{years[-1]}"


def build_book(ctx: PrintContext, options: BookOptions, out: Path) -> BookResult:
    started = time.perf_counter()
    data = book_data(ctx, options)
    page_html = render_template(ctx, "book.html", book=data)
    pages = write_pdf(page_html, out, ctx, [ctx.cache_dir / "print-photos"])
    return BookResult(out, data["story_count"], pages, out.stat().st_size, time.perf_counter() - started)


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
