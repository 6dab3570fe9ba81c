"""Activities that spread the stories (talks, performances, online videos …): model and reading.

An activity is ``activities/<year>/<id>.md`` or ``activities/<year>/<id>/index.md`` (with photos
beside it): YAML front matter, then optional Markdown. The folder is optional, so a repository
without activities keeps working. The rules live in :mod:`honorroll.rules.activities`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from honorroll.config import HonorRollConfig
from honorroll.content.layout import INDEX, YEAR_DIR
from honorroll.content.loader import ACTIVITY_FILE, read_front_matter_file
from honorroll.content.model import Photo
from honorroll.content.schema import ID_PATTERN, Spec, activity_schema
from honorroll.diagnostics import Diagnostic, error

_IGNORED = {"README.md", ".DS_Store", "Thumbs.db", ".gitkeep"}


@dataclass
class Activity:
    id: str
    year: int
    file: str
    """Markdown file, relative to the content root."""
    is_bundle: bool
    front_matter: str
    body: str
    body_line: int
    front_matter_line: int = 2
    title: str | None = None
    kind: str | None = None
    mode: str | None = None
    """``offline`` or ``online``, from the kind's setting."""
    date: dt.date | None = None
    unit: str | None = None
    stories: list[str] = field(default_factory=list)
    place: str | None = None
    platform: str | None = None
    audience: int | None = None
    views: int | None = None
    link: str | None = None
    summary: str | None = None
    cover: Photo | None = None

    @property
    def folder(self) -> str:
        return self.file.rsplit("/", 1)[0]

    @property
    def is_online(self) -> bool:
        return self.mode == "online"

    @property
    def reach(self) -> int:
        """People reached: audience offline, views online."""
        return (self.views if self.is_online else self.audience) or 0

    def fill(self, data: dict[str, Any], settings: HonorRollConfig, cover_line: int) -> None:
        self.title = data.get("title")
        self.kind = data.get("kind")
        self.mode = settings.activity_kinds.get(self.kind) if self.kind else None
        self.date = data.get("date")
        self.unit = data.get("unit")
        self.stories = list(data.get("stories", []))
        self.place = data.get("place")
        self.platform = data.get("platform")
        self.audience = data.get("audience")
        self.views = data.get("views")
        self.link = data.get("link")
        self.summary = data.get("summary")
        cover = data.get("cover")
        if cover and "src" in cover:
            self.cover = Photo(cover["src"], cover.get("alt"), "cover", cover_line)


@dataclass(frozen=True, slots=True)
class ActivitySource:
    id: str
    year: int
    file: str
    is_bundle: bool


def scan_activities(root: Path, activities_dir: str) -> tuple[list[ActivitySource], list[Diagnostic]]:
    """Finds activity files by the layout rule; a missing folder simply means no activities."""
    sources: list[ActivitySource] = []
    problems: list[Diagnostic] = []
    base = root / activities_dir
    if not base.is_dir():
        return sources, problems
    for year_entry in sorted(os.scandir(base), key=lambda e: e.name):
        if year_entry.name in _IGNORED or year_entry.name.startswith("."):
            continue
        rel_year = f"{activities_dir}/{year_entry.name}"
        if not year_entry.is_dir() or not YEAR_DIR.match(year_entry.name):
            problems.append(
                error(
                    "layout",
                    rel_year,
                    1,
                    "",
                    "活动目录下只能有以年度命名的文件夹（如 2024/），请把它移到对应年度文件夹中",
                )
            )
            continue
        for entry in sorted(os.scandir(year_entry.path), key=lambda e: e.name):
            if entry.name in _IGNORED or entry.name.startswith("."):
                continue
            rel = f"{rel_year}/{entry.name}"
            if entry.is_dir():
                if not os.path.isfile(os.path.join(entry.path, INDEX)):
                    problems.append(error("layout", rel, 1, "", f"活动文件夹中缺少 {INDEX}：内容请写在 {rel}/{INDEX}"))
                    continue
                activity_id, is_bundle, file = entry.name, True, f"{rel}/{INDEX}"
            elif entry.name.endswith(".md"):
                activity_id, is_bundle, file = entry.name[:-3], False, rel
            else:
                problems.append(
                    error(
                        "layout",
                        rel,
                        1,
                        "",
                        "照片等文件要放在活动自己的文件夹里（<编号>/index.md 旁边），不能直接放在年度文件夹中",
                    )
                )
                continue
            if not ID_PATTERN.match(activity_id):
                problems.append(
                    error(
                        "id",
                        file,
                        1,
                        "",
                        f"活动编号“{activity_id}”只能用小写英文字母、数字和连字符（如 2024-edu-talk-1），请重命名",
                    )
                )
                continue
            sources.append(ActivitySource(activity_id, int(year_entry.name), file, is_bundle))
    return sources, problems


def read_activity(
    root: Path, source: ActivitySource, schema: Spec, settings: HonorRollConfig
) -> tuple[Activity | None, list[Diagnostic]]:
    """Parses one activity file and checks its front matter against the schema."""
    parsed, diagnostics = read_front_matter_file(root, source.file, schema, ACTIVITY_FILE)
    if parsed is None:
        return None, diagnostics
    activity = Activity(
        source.id, source.year, source.file, source.is_bundle, parsed.front, parsed.body, parsed.body_line
    )
    if parsed.fields is not None:
        activity.fill(parsed.fields, settings, parsed.cover_line)
    return activity, diagnostics


def load_activities(root: Path, settings: HonorRollConfig) -> tuple[list[Activity], list[Diagnostic]]:
    sources, diagnostics = scan_activities(root, settings.activities_dir)
    schema = activity_schema(settings)
    activities = []
    for source in sources:
        activity, problems = read_activity(root, source, schema, settings)
        diagnostics += problems
        if activity is not None:
            activities.append(activity)
    return activities, diagnostics


def activities_in(activities: list[Activity], year: int) -> list[Activity]:
    """The year's activities in date order (an undated one, already reported, last)."""
    return sorted((a for a in activities if a.year == year), key=lambda a: (a.date or dt.date(year, 12, 31), a.id))
