"""Reads a content repository (``units/`` and ``stories/``) into the content model."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from honorroll.content import yamlio
from honorroll.content.layout import INDEX, YEAR_DIR, is_ignored
from honorroll.content.model import Story, Unit
from honorroll.content.schema import ID_PATTERN, Issue, Spec, dotted, unit_schema, validate
from honorroll.diagnostics import Diagnostic, error


@dataclass(frozen=True, slots=True)
class StorySource:
    """Where a story lives, found by scanning before its file is read."""

    id: str
    year: int
    file: str  # relative to the content root
    is_bundle: bool


@dataclass(slots=True)
class Scan:
    stories: list[StorySource] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


DEFAULT_MAX_STORY_BYTES = 1024 * 1024


def _link_error(rel: str) -> Diagnostic:
    return error(
        "file",
        rel,
        1,
        "",
        f"“{rel}”是符号链接（快捷方式）：为安全起见，构建从不跟随链接，请换成真实的文件或文件夹",
    )


def _links_below(folder: str, rel: str) -> Iterator[Diagnostic]:
    """Every link anywhere inside a story folder, hidden ones too; links are reported, never entered."""
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_symlink():
                yield _link_error(f"{rel}/{entry.name}")
            elif entry.is_dir(follow_symlinks=False):
                yield from _links_below(entry.path, f"{rel}/{entry.name}")


def _read_limited(path: Path, limit: int) -> bytes | int:
    """The file's bytes, or its size when it is over ``limit``: never more than ``limit`` + 1 bytes read,
    never through a link (the scan reported those), never a device or a pipe."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return info.st_size
        data = handle.read(limit + 1)
    return len(data) if len(data) > limit else data


def scan_stories(root: Path, stories_dir: str) -> Scan:
    """Finds story files by the layout rule; anything out of place is reported, not guessed at.

    Nothing is followed through a symbolic link: links anywhere below are reported instead.
    """
    scan = Scan()
    base = root / stories_dir
    if base.is_symlink():
        scan.diagnostics.append(_link_error(stories_dir))
        return scan
    if not base.is_dir():
        scan.diagnostics.append(error("layout", stories_dir, 1, "", f"找不到故事目录“{stories_dir}/”，请创建它"))
        return scan
    for year_entry in sorted(os.scandir(base), key=lambda e: e.name):
        rel_year = f"{stories_dir}/{year_entry.name}"
        if year_entry.is_symlink():
            scan.diagnostics.append(_link_error(rel_year))
            continue
        if is_ignored(year_entry.name):
            continue
        if not year_entry.is_dir() or not YEAR_DIR.match(year_entry.name):
            scan.diagnostics.append(
                error(
                    "layout",
                    rel_year,
                    1,
                    "",
                    "故事目录下只能有以年度命名的文件夹（如 2024/），请把它移到对应年度文件夹中",
                )
            )
            continue
        year = int(year_entry.name)
        for entry in sorted(os.scandir(year_entry.path), key=lambda e: e.name):
            rel = f"{rel_year}/{entry.name}"
            if entry.is_symlink():
                scan.diagnostics.append(_link_error(rel))
                continue
            if is_ignored(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                links = list(_links_below(entry.path, rel))
                scan.diagnostics += links
                if any(d.file == f"{rel}/{INDEX}" for d in links):
                    continue
                if not os.path.isfile(os.path.join(entry.path, INDEX)):  # a link there was reported above
                    scan.diagnostics.append(
                        error("layout", rel, 1, "", f"故事文件夹中缺少 {INDEX}：正文请写在 {rel}/{INDEX}")
                    )
                    continue
                story_id, is_bundle, file = entry.name, True, f"{rel}/{INDEX}"
            elif entry.name.endswith(".md") and entry.is_file(follow_symlinks=False):
                story_id, is_bundle, file = entry.name[:-3], False, rel
            else:
                scan.diagnostics.append(
                    error(
                        "layout",
                        rel,
                        1,
                        "",
                        "照片等文件要放在故事自己的文件夹里（<编号>/index.md 旁边），不能直接放在年度文件夹中",
                    )
                )
                continue
            if not ID_PATTERN.match(story_id):
                scan.diagnostics.append(
                    error(
                        "id",
                        file,
                        1,
                        "",
                        f"故事编号“{story_id}”只能用小写英文字母、数字和连字符（如 2024-lin-postman），请重命名",
                    )
                )
                continue
            scan.stories.append(StorySource(story_id, year, file, is_bundle))
    return scan


# Linear-time by construction: no repeated part can run past the character that starts the next
# candidate ("[", "]", "(", "<"), so a failed attempt never rescans what a later attempt will scan.
# (The earlier patterns rescanned to the end of the line from every "![" or "<img": quadratic.)
_MD_IMAGE = re.compile(
    r"!\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"  # alt text, with at most one level of [brackets]
    r"\(\s*<?((?:[^()\s<>\[\]]|\([^()\s<>\[\]]*\))+)>?"  # address, with at most one level of (parentheses)
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"  # optional title
)
_HTML_IMAGE_TAG = re.compile(r"<img\b[^<>]*", re.I)
_HTML_IMAGE = re.compile(r"<img\b[^<>]*?(?<![\w-])src\s*=\s*[\"']?([^\"'\s<>]+)", re.I)
"""An ``<img>`` up to its address (group 1), for rewriting addresses; stops at the next tag, so linear."""
_HTML_SRC = re.compile(r"(?<![\w-])src\s*=\s*[\"']?([^\"'\s>]+)", re.I)
_HTML_ALT = re.compile(r"(?<![\w-])alt\s*=\s*[\"']([^\"'<>]*)[\"']", re.I)


def read_text(
    root: Path, file: str, max_bytes: int = DEFAULT_MAX_STORY_BYTES, what: str = "故事文件"
) -> tuple[str | None, list[Diagnostic]]:
    """The UTF-8 text of an editor's file, or the Chinese error that says why it cannot be read."""
    path = root / file
    try:
        raw = _read_limited(path, max_bytes)
    except IsADirectoryError:
        raw = -1
    except OSError:
        return None, [
            error("file", file, 1, "", f"{what}无法读取（可能是链接，或正在被移动）：请换成普通文件后重新检查")
        ]
    if isinstance(raw, int) and path.is_dir() and not path.is_symlink():
        return None, [error("layout", file, 1, "", f"“{file}”是一个文件夹，不是文件：请把它改成文件，或移走这个文件夹")]
    if isinstance(raw, int) and raw <= max_bytes:  # a device, a pipe or a socket: never read
        return None, [error("file", file, 1, "", f"{what}不是普通文件：请换成普通文件后重新检查")]
    if isinstance(raw, int):
        return None, [
            error(
                "file",
                file,
                1,
                "",
                f"{what}有 {raw / 1024:.0f} KB，超过上限 {max_bytes / 1024:.0f} KB，没有读取："
                "请检查是否误粘贴了大段内容或图片数据；照片请作为文件放在故事文件夹中",
            )
        ]
    try:
        return yamlio.decode(raw), []
    except yamlio.TextDecodeError as exc:
        return None, [error("encoding", file, exc.line, "", str(exc))]


def read_yaml(text: str, file: str, first_line: int) -> tuple[object, list[Diagnostic]]:
    """YAML data of ``text`` (front matter or a unit file starting at ``first_line`` of ``file``) and its mistakes.

    ``None`` as data means the text could not be read at all.
    """
    try:
        data, notes = yamlio.read(text, first_line)
    except yamlio.YamlSyntaxError as exc:
        return None, [error("yaml", file, exc.line, "", str(exc))]
    diagnostics = [
        error("schema" if note.path else "yaml", file, note.line, dotted(note.path), note.message) for note in notes
    ]
    return ({} if data is None else data), diagnostics


ACTIVITY_FILE = "活动文件"
"""How messages name an activity file (``read_front_matter_file``'s ``what``)."""


@dataclass(frozen=True)
class FrontMatterFile:
    """An editor's Markdown file with its front matter parsed and checked against a schema."""

    front: str
    body: str
    body_line: int
    fields: dict[str, Any] | None
    """The checked front matter; None when it is not a mapping (already reported)."""
    cover_line: int
    """Line of ``cover:`` in the file, 0 without one."""


def read_front_matter_file(
    root: Path, file: str, schema: Spec, what: str, max_bytes: int = DEFAULT_MAX_STORY_BYTES
) -> tuple[FrontMatterFile | None, list[Diagnostic]]:
    """Reads a story or activity file (``what`` names it in messages); None if it has no usable front matter."""
    text, problems = read_text(root, file, max_bytes, what)
    if text is None:
        return None, problems
    front, body, body_line = yamlio.split_front_matter(text)
    if front is None:
        return None, [
            error(
                "front-matter",
                file,
                1,
                "",
                "活动文件开头缺少 front matter：第一行写 ---，然后是各字段，再用一行 --- 结束"
                if what == ACTIVITY_FILE
                else "文件开头缺少 front matter：第一行写 ---，然后是各字段，再用一行 --- 结束",
            )
        ]
    data, diagnostics = read_yaml(front, file, 2)
    if data is None:
        return None, diagnostics
    clean, issues = validate(data, schema)
    diagnostics += [issue_to_diagnostic(issue, file, front, 2) for issue in issues]
    fields = clean if isinstance(clean, dict) else None
    cover_line = yamlio.line_of(front, ("cover",), 2) if fields is not None and "cover" in fields else 0
    return FrontMatterFile(front, body, body_line, fields, cover_line), diagnostics


def read_story(
    root: Path, source: StorySource, schema: Spec, max_bytes: int = DEFAULT_MAX_STORY_BYTES
) -> tuple[Story | None, list[Diagnostic]]:
    """Parses one story file and checks its front matter against the schema."""
    parsed, diagnostics = read_front_matter_file(root, source.file, schema, "故事文件", max_bytes)
    if parsed is None:
        return None, diagnostics
    story = Story(
        source.id, source.year, source.file, source.is_bundle, parsed.front, 2, parsed.body, parsed.body_line, str(root)
    )
    if parsed.fields is not None:
        story.fill(parsed.fields, parsed.cover_line)
    return story, diagnostics


def body_images(story: Story) -> list[tuple[str, str | None, int]]:
    """(src, alt, line) of every image written in the body; linear in the body's length."""
    return images_in(story.body, story.body_line)


def images_in(body: str, body_line: int) -> list[tuple[str, str | None, int]]:
    """(src, alt, line) of every image written in a Markdown ``body`` that starts at ``body_line``."""
    found = []
    for offset, line in enumerate(body.splitlines()):
        if "![" not in line and "<img" not in line.lower():
            continue
        for match in _MD_IMAGE.finditer(line):
            found.append((match.group(2), match.group(1).strip() or None, body_line + offset))
        for tag in _HTML_IMAGE_TAG.finditer(line):
            src = _HTML_SRC.search(tag.group())
            if src is None:
                continue
            alt = _HTML_ALT.search(tag.group())
            text = alt.group(1).strip() if alt else ""
            found.append((src.group(1), text or None, body_line + offset))
    return found


def issue_to_diagnostic(issue: Issue, file: str, text: str, first_line: int) -> Diagnostic:
    line = yamlio.line_of(text, issue.path, first_line) if issue.path else first_line
    return error("schema", file, line, dotted(issue.path), issue.message)


def load_units(root: Path, units_dir: str) -> tuple[dict[str, Unit], list[Diagnostic]]:
    units: dict[str, Unit] = {}
    diagnostics: list[Diagnostic] = []
    base = root / units_dir
    if not base.is_dir():
        return units, [
            error("layout", units_dir, 1, "", f"找不到单位目录“{units_dir}/”，请创建它并为每个单位写一个 .yml 文件")
        ]
    if base.is_symlink():
        return units, [_link_error(units_dir)]
    spec = unit_schema()
    for entry in sorted(os.scandir(base), key=lambda e: e.name):
        if entry.is_symlink():
            diagnostics.append(_link_error(f"{units_dir}/{entry.name}"))
            continue
        if is_ignored(entry.name):
            continue
        file = f"{units_dir}/{entry.name}"
        stem, ext = os.path.splitext(entry.name)
        if ext not in (".yml", ".yaml"):
            diagnostics.append(error("layout", file, 1, "", "单位目录中只能有 .yml 文件"))
            continue
        if not ID_PATTERN.match(stem):
            diagnostics.append(
                error("id", file, 1, "", f"单位编号“{stem}”只能用小写英文字母、数字和连字符，请重命名文件")
            )
            continue
        text, problems = read_text(root, file, what="单位文件")
        diagnostics += problems
        if text is None:
            continue
        data, problems = read_yaml(text, file, 1)
        diagnostics += problems
        if data is None:
            continue
        clean, issues = validate(data, spec)
        diagnostics.extend(issue_to_diagnostic(issue, file, text, 1) for issue in issues)
        if isinstance(clean, dict):
            units[stem] = Unit.from_clean(stem, file, clean)
    return units, diagnostics
