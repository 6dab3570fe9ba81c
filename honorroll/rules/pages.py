"""The site's own pages (``docs_dir``, ``pages/`` in the sample): as untrusted as a story.

MkDocs publishes every file of ``docs_dir``: an HTML or SVG file, a script, or a file named like one
of the theme's would reach readers past the sanitiser and the Content-Security-Policy ('self'). So
``docs_dir`` is an allow-list: Markdown pages (checked like a story body, front matter limited to
the keys below) and raster images (decoded; the build publishes re-encoded copies). Links are never
followed, file names are plain, and no page may take the address of a page the site generates.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from honorroll.content import media, yamlio
from honorroll.content.loader import read_text
from honorroll.content.schema import FORBIDDEN_CHARACTERS
from honorroll.diagnostics import Diagnostic, error
from honorroll.rules.privacy import _file_name_message, find_personal_numbers, privacy_message, text_privacy
from honorroll.rules.safety import body_diagnostics

PAGE_SUFFIXES = frozenset({".md"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp"})
PAGE_KEYS = {"title": "页面标题", "description": "页面描述（搜索引擎和分享卡片显示）", "hide": "隐藏的部分"}
HIDE_VALUES = ("navigation", "toc", "footer", "path", "tags", "feedback")
RESERVED = frozenset(
    {
        "index.md",
        "README.md",  # MkDocs makes a README.md the home page when there is no index.md
        "404.md",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "sitemap.xml.gz",
        *(
            f"{name}/"
            for name in (
                "assets", "stories", "s", "poster", "qr", "media", "share", "data", "search",
                "years", "units", "categories", "honors", "notice", "activities",
                "book", "honorroll",  # the theme's own folders, copied into the site
            )
        ),
    }
)  # fmt: skip
"""Addresses the site generates (and the theme's files): a page there would silently replace them."""
_PLAIN_NAME = re.compile(r"^[\w\u3400-\u9fff\uf900-\ufaff.-]+$")
PAGE_IMAGE_LIMITS = media.Limits(20 * 1024 * 1024, 40_000_000)


def reserved(rel: str, prefixes: tuple[str, ...] = ()) -> bool:
    """``rel`` (relative to ``docs_dir``) would take a generated address; ``prefixes`` adds e.g. ``zh-hant/``."""
    top = rel.split("/", 1)[0] + ("/" if "/" in rel else "")
    stem = rel.removesuffix(".md")
    return (
        rel in RESERVED
        or top in RESERVED
        or stem in RESERVED  # feed.xml.md would be feed.xml/index.html, beside the feed itself
        or f"{stem}/" in RESERVED
        or any(rel.startswith(p) or f"{stem}/" == p for p in prefixes)
    )


def check_pages(root: Path, docs_dir: str, prefixes: tuple[str, ...] = ()) -> Iterator[Diagnostic]:
    """Every entry under ``docs_dir``, at any depth, walked without following a link."""
    base = root / docs_dir
    if not base.is_dir() or base.is_symlink():
        if base.is_symlink():
            yield _link(docs_dir)
        return
    for dirpath, dirs, files in os.walk(base):
        dirs.sort()
        dirs[:] = [name for name in dirs if not name.startswith(".")]  # MkDocs leaves out .* (exclude_docs)
        for name in [*sorted(dirs), *sorted(name for name in files if not name.startswith("."))]:
            path = Path(dirpath) / name
            file = path.relative_to(root).as_posix()
            rel = path.relative_to(base).as_posix()
            if path.is_symlink():
                yield _link(file)
                continue
            yield from _check_name(file, name)
            if path.is_dir():
                continue
            if not path.is_file():
                yield error("safety", file, 1, "", "这不是普通文件（可能是设备或管道）：站点只发布普通文件，请删除它")
            elif reserved(rel, prefixes):
                yield error(
                    "safety",
                    file,
                    1,
                    "",
                    f"“{rel}”占用了站点自动生成的页面或主题文件的地址，会悄悄替换它们：请换一个文件名",
                )
            elif path.suffix in PAGE_SUFFIXES:  # MkDocs renders only a lower-case .md: .MD would be a file
                yield from check_page(root, file)
            elif path.suffix.lower() in IMAGE_SUFFIXES:
                yield from _check_image(path, file)
            else:
                yield error(
                    "safety",
                    file,
                    1,
                    "",
                    f"{docs_dir}/ 中只能放 Markdown 页面（.md）和图片（.png、.jpg、.webp）："
                    "网页、SVG、脚本、样式等文件会原样发布、在读者的浏览器中运行，请删除它"
                    "（站点的样式和脚本由维护人员放在 theme.custom_dir 中）",
                )


def _link(file: str) -> Diagnostic:
    return error(
        "safety",
        file,
        1,
        "",
        "这是一个链接（快捷方式）：链接可能指向仓库之外的文件，站点从不跟随，请换成普通文件或文件夹",
    )


def _check_name(file: str, name: str) -> Iterator[Diagnostic]:
    if not _PLAIN_NAME.match(name):
        yield error(
            "safety",
            file,
            1,
            "文件名",
            "文件名只能用汉字、字母、数字、点、- 和 _（不要空格、引号、括号、换行等符号）：请改名",
        )
    for kind in sorted({finding.kind for finding in find_personal_numbers(name)}):
        yield error("privacy", file, 1, "文件名", _file_name_message(kind))


def _check_image(path: Path, file: str) -> Iterator[Diagnostic]:
    try:
        data = media.read_untrusted(path.parent, path.name, PAGE_IMAGE_LIMITS.max_bytes, file, "页面文件夹")
        media.inspect_photo(data, PAGE_IMAGE_LIMITS, file)
    except media.PhotoError as exc:
        yield error("photo", file, 1, "", str(exc))


def check_page(root: Path, file: str) -> Iterator[Diagnostic]:
    """A page's front matter (only the keys in :data:`PAGE_KEYS`), its body (the story allow-list) and privacy."""
    text, problems = read_text(root, file, what="页面文件")
    yield from problems
    if text is None:  # MkDocs would stop with a traceback on it; the error above says what to do
        return
    front, body, body_line = yamlio.split_front_matter(text)
    if front is not None:
        yield from _check_front_matter(file, front)
    else:
        yield from _check_meta_lines(file, text)
    yield from body_diagnostics(file, body_line, body, "正文")
    yield from text_privacy(file, text, 1, "正文", "页面中")


_META_LINE = re.compile(r"^[ ]{0,3}([A-Za-z0-9_-]+):(.*)$")


def _check_meta_lines(file: str, text: str) -> Iterator[Diagnostic]:
    """Without ``---``, MkDocs still reads leading ``key: value`` lines as the page's settings (MultiMarkdown)."""
    for number, line in enumerate(text.splitlines(), start=1):
        match = _META_LINE.match(line)
        if match is None:
            if line.strip() and not line.startswith("    "):
                return
            continue
        key = match.group(1).lower()
        if key not in PAGE_KEYS:
            yield error(
                "safety",
                file,
                number,
                key,
                f"页面开头的“{key}: …”会被当作页面设置，可能改变页面用的模板：请让页面以标题（# 标题）开头，"
                "设置只能写在 --- 之间，且只能是 title、description、hide",
            )


def _check_front_matter(file: str, front: str) -> Iterator[Diagnostic]:
    try:
        data, notes = yamlio.read(front, 2)
    except yamlio.YamlSyntaxError as exc:
        yield error("yaml", file, exc.line, "", str(exc))
        return
    for note in notes:
        yield error("yaml", file, note.line, ".".join(str(p) for p in note.path), note.message)
    if data is None:
        return
    if not isinstance(data, dict):
        yield error("yaml", file, 2, "", "页面开头的 --- 之间应是“键: 值”的设置（如 title: 关于本活动）")
        return
    for key, value in data.items():
        line = yamlio.line_of(front, (key,), 2) if isinstance(key, str) else 2
        if key not in PAGE_KEYS:
            allowed = "、".join(f"{k}（{label}）" for k, label in PAGE_KEYS.items())
            yield error(
                "safety",
                file,
                line,
                str(key),
                f"页面设置中不能有“{key}”：它会改变页面用的模板或原样印在页面上；页面只能设置 {allowed}",
            )
        elif key == "hide":
            if not (isinstance(value, list) and all(v in HIDE_VALUES for v in value)):
                yield error(
                    "schema",
                    file,
                    line,
                    "hide",
                    f"hide 应是列表，取值只能是 {'、'.join(HIDE_VALUES)}（如 hide: [toc]）",
                )
        elif not isinstance(value, str):
            yield error("schema", file, line, str(key), f"{key} 应是一段文字（{PAGE_KEYS[key]}）")
        else:
            hidden = FORBIDDEN_CHARACTERS.search(value)
            if hidden is not None:
                yield error(
                    "schema",
                    file,
                    line,
                    str(key),
                    f"{key} 中有不可见的控制字符 U+{ord(hidden.group()):04X}：请删除它（通常是从网页或文档复制时带进来的）",
                )
            for kind in sorted({finding.kind for finding in find_personal_numbers(value)}):
                yield error("privacy", file, line, str(key), privacy_message(kind, "页面中"))


PREFACE = "book/preface.md"
"""The annual book's preface: the office writes it, but a pull request can change it like any page."""


def check_preface(root: Path, path: Path | None = None) -> Iterator[Diagnostic]:
    """The preface (``book/preface.md``, or the file given to ``honorroll book --preface``): no link, no personal numbers."""
    path = path or root / PREFACE
    file = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    if path.is_symlink():
        yield _link(file)
        return
    if not path.is_file():
        return
    text, problems = read_text(path.parent, path.name, what="前言文件")
    yield from (replace(d, file=file) for d in problems)
    if text is not None:
        yield from body_diagnostics(file, 1, text, "正文")
        yield from text_privacy(file, text, 1, "正文", "年刊前言中")
