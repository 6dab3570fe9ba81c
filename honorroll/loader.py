"""Reads a content repository (``units/`` and ``stories/``) into the content model."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlio
from .diagnostics import Diagnostic, error
from .model import Story, Unit
from .schema import ID_PATTERN, Issue, Spec, dotted, unit_schema, validate

YEAR_DIR = re.compile(r"^\d{4}$")
STORY_INDEX = "index.md"
IGNORED_NAMES = {"README.md", ".DS_Store", "Thumbs.db", ".gitkeep"}


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
        if year_entry.name in IGNORED_NAMES or year_entry.name.startswith("."):
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
            if entry.name in IGNORED_NAMES or entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                links = list(_links_below(entry.path, rel))
                scan.diagnostics += links
                if any(d.file == f"{rel}/{STORY_INDEX}" for d in links):
                    continue
                if not os.path.isfile(os.path.join(entry.path, STORY_INDEX)):  # a link there was reported above
                    scan.diagnostics.append(
                        error("layout", rel, 1, "", f"故事文件夹中缺少 {STORY_INDEX}：正文请写在 {rel}/{STORY_INDEX}")
                    )
                    continue
                story_id, is_bundle, file = entry.name, True, f"{rel}/{STORY_INDEX}"
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


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.I)
_HTML_ALT = re.compile(r"\balt\s*=\s*[\"']([^\"']*)[\"']", re.I)


def read_story(
    root: Path, source: StorySource, schema: Spec, max_bytes: int = DEFAULT_MAX_STORY_BYTES
) -> tuple[Story | None, list[Diagnostic]]:
    """Parses one story file and checks its front matter against the schema."""
    file = source.file
    try:
        raw = _read_limited(root / file, max_bytes)
    except OSError:
        return None, [
            error("file", file, 1, "", "故事文件无法读取（可能是链接，或正在被移动）：请换成普通文件后重新检查")
        ]
    if isinstance(raw, int):
        return None, [
            error(
                "file",
                file,
                1,
                "",
                f"故事文件有 {raw / 1024:.0f} KB，超过上限 {max_bytes / 1024:.0f} KB，没有读取："
                "请检查是否误粘贴了大段内容或图片数据；照片请作为文件放在故事文件夹中",
            )
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [error("encoding", file, 1, "", "文件不是 UTF-8 编码：请在编辑器中另存为 UTF-8")]
    front, body, body_line = yamlio.split_front_matter(text)
    if front is None:
        return None, [
            error(
                "front-matter", file, 1, "", "文件开头缺少 front matter：第一行写 ---，然后是各字段，再用一行 --- 结束"
            )
        ]
    try:
        data = yamlio.load(front)
    except yamlio.YamlSyntaxError as exc:
        return None, [error("yaml", file, 1 + exc.line, "", str(exc))]
    if data is None:
        data = {}
    clean, issues = validate(data, schema)
    story = Story(source.id, source.year, file, source.is_bundle, front, 2, body, body_line, str(root))
    diagnostics = [issue_to_diagnostic(issue, file, front, 2) for issue in issues]
    diagnostics += duplicate_top_level_keys(front, file, 2)
    if isinstance(clean, dict):
        cover_line = yamlio.line_of(front, ("cover",), 2) if "cover" in clean else 0
        story.fill(clean, cover_line)
    return story, diagnostics


_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:", re.M)


def duplicate_top_level_keys(text: str, file: str, first_line: int) -> list[Diagnostic]:
    """YAML keeps the last of two equal keys without a word; an editor's copy-paste slip must not pass."""
    seen: dict[str, int] = {}
    found = []
    for match in _TOP_LEVEL_KEY.finditer(text):
        key = match.group(1)
        line = first_line + text.count("\n", 0, match.start())
        if key in seen:
            found.append(
                error(
                    "schema",
                    file,
                    line,
                    key,
                    f"字段“{key}”重复出现（第一次在第 {seen[key]} 行）：只会保留最后一个，请删除多余的一个",
                )
            )
        else:
            seen[key] = line
    return found


def body_images(story: Story) -> list[tuple[str, str | None, int]]:
    """(src, alt, line) of every image written in the body."""
    found = []
    for offset, line in enumerate(story.body.splitlines()):
        if "![" not in line and "<img" not in line.lower():
            continue
        for match in _MD_IMAGE.finditer(line):
            found.append((match.group(2), match.group(1).strip() or None, story.body_line + offset))
        for match in _HTML_IMAGE.finditer(line):
            alt = _HTML_ALT.search(match.group(0) + line[match.end() :])
            found.append(
                (
                    match.group(1),
                    alt.group(1).strip() if alt and alt.group(1).strip() else None,
                    story.body_line + offset,
                )
            )
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
        if entry.name in IGNORED_NAMES or entry.name.startswith("."):
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
        text = Path(entry.path).read_text(encoding="utf-8-sig")
        try:
            data = yamlio.load(text) or {}
        except yamlio.YamlSyntaxError as exc:
            diagnostics.append(error("yaml", file, exc.line, "", str(exc)))
            continue
        clean, issues = validate(data, spec)
        diagnostics.extend(issue_to_diagnostic(issue, file, text, 1) for issue in issues)
        if isinstance(clean, dict):
            units[stem] = Unit.from_clean(stem, file, clean)
    return units, diagnostics
