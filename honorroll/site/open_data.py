"""Open data: the published stories and the units as JSON and CSV under ``data/``, with JSON Schemas.

One declaration of the fields drives the records, the CSV columns, the schemas and the table in the
README, so they cannot drift apart. Only what the site already shows is here: nothing of notice or
withdrawn stories, no eligibility check, no withdrawal reason, no quota shortfall notes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from honorroll.check.run import CheckResult
from honorroll.config import HonorRollConfig
from honorroll.content.loader import body_images
from honorroll.content.model import Story, Unit
from honorroll.content.schema import SUBJECT_TYPE_LABELS, UNIT_KIND_LABELS
from honorroll.diagnostics import spreadsheet_text
from honorroll.site import urls

if TYPE_CHECKING:
    from honorroll.site.story_images import StoryImages

DATA_DIR = "data"
SCHEMA_VERSION = 1
"""Raised only for a change that breaks readers (a field removed, renamed or changing meaning)."""
LIST_SEPARATOR = "；"


@dataclass(frozen=True)
class Field:
    name: str
    description: str
    schema: dict[str, Any]
    nullable: bool = False
    in_csv: bool = True

    def json_schema(self) -> dict[str, Any]:
        schema = {**self.schema, "description": self.description}
        if self.nullable:
            kind = schema["type"]
            schema["type"] = [kind, "null"]
        return schema


_STR: dict[str, Any] = {"type": "string"}
_URI: dict[str, Any] = {"type": "string", "format": "uri"}
_DATE: dict[str, Any] = {"type": "string", "format": "date"}
_ID: dict[str, Any] = {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"}
_HONOR: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "level", "level_label", "year"],
    "properties": {
        "title": {"type": "string", "description": "荣誉称号，如“道德模范”"},
        "level": {"type": "string", "description": "级别代码：national、provincial、municipal、county（站点可自定义）"},
        "level_label": {"type": "string", "description": "级别的中文名称，如“省级”"},
        "year": {"type": "integer", "description": "获评年份"},
    },
}
_PHOTO: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["url", "alt"],
    "properties": {
        "url": {**_URI, "description": "照片的完整网址"},
        "alt": {"type": ["string", "null"], "description": "照片的文字说明（替代文字）"},
    },
}

STORY_FIELDS = (
    Field("id", "故事的永久编号，发布后不会改变，可用作外部系统的主键", _ID),
    Field("year", "选树年度", {"type": "integer"}),
    Field("title", "标题", _STR),
    Field(
        "subject_type",
        "主体类型：individual（个人）或 collective（集体）",
        {"type": "string", "enum": ["individual", "collective"]},
    ),
    Field("subject_type_label", "主体类型的中文名称", _STR),
    Field("subject_name", "主人公姓名或集体名称", _STR),
    Field("subject_position", "岗位或职务", _STR, nullable=True),
    Field("unit_id", "所属单位编号（对应 units.json 的 id）", _ID),
    Field("unit_name", "所属单位全称", _STR),
    Field("category", "故事类别，如“敬业奉献”", _STR),
    Field("summary", "一句话简介", _STR),
    Field("tags", f"标签；CSV 中以“{LIST_SEPARATOR}”连接", {"type": "array", "items": _STR}),
    Field(
        "honors",
        f"后续获得的荣誉，按年份排列；CSV 中写成“年份 级别 称号”并以“{LIST_SEPARATOR}”连接",
        {"type": "array", "items": _HONOR},
    ),
    Field("published_on", "发布日期（YYYY-MM-DD）", _DATE),
    Field("url", "故事页的完整网址", _URI),
    Field("short_url", "永久短链接（二维码中的网址），编号不变它就不变", _URI),
    Field("share_image_url", "分享图片（JPEG）的完整网址：有封面时为封面的最大尺寸，否则为站点的分享卡片", _URI),
    Field("qr_code_url", "打印用二维码图片（PNG）的完整网址", _URI),
    Field("poster_url", "A4 海报页的完整网址", _URI),
    Field(
        "cover_url",
        "封面照片（重新编码、不含元数据的最大尺寸）的完整网址；没有封面时为 null（CSV 中为空）",
        _URI,
        nullable=True,
    ),
    Field("cover_alt", "封面照片的文字说明；没有封面时为 null", _STR, nullable=True),
)
BODY_FIELDS = (
    Field("body_markdown", "正文（Markdown 原文）；正文中的相对图片路径相对于 url", _STR, in_csv=False),
    Field("photos", "封面和正文中的全部照片，按出现顺序", {"type": "array", "items": _PHOTO}, in_csv=False),
)
"""Only in the per-year files (``data/years/<year>.json``), which carry the full text."""

UNIT_FIELDS = (
    Field("id", "单位编号，不会改变", _ID),
    Field("name", "单位全称", _STR),
    Field("short_name", "简称", _STR, nullable=True),
    Field(
        "kind",
        "单位类型：system（市直系统）、direct（直属单位）、member（系统内单位）",
        {"type": "string", "enum": list(UNIT_KIND_LABELS)},
    ),
    Field("kind_label", "单位类型的中文名称", _STR),
    Field("parent_id", "上级系统的编号（只有系统内单位有）", _ID, nullable=True),
    Field("active_from", "参加活动的第一个年度", {"type": "integer"}, nullable=True),
    Field("active_to", "参加活动的最后一个年度（撤并的单位）", {"type": "integer"}, nullable=True),
    Field("description", "单位简介", _STR, nullable=True),
    Field("url", "单位页的完整网址", _URI),
    Field("published_stories", "已发布的故事数（各年度合计）", {"type": "integer", "minimum": 0}),
)


def field_table(fields: Iterable[Field]) -> str:
    """The Markdown table of fields in docs/open-data.md (a test keeps the two the same)."""
    rows = ["| 字段 | 类型 | 说明 |", "| --- | --- | --- |"]
    for f in fields:
        kind = f.schema.get("format") or f.schema["type"]
        if kind == "array":
            kind = "对象数组" if f.schema["items"].get("type") == "object" else "文字数组"
        kind = {"string": "文字", "integer": "整数", "uri": "网址", "date": "日期"}.get(kind, kind)
        rows.append(f"| `{f.name}` | {kind}{'，可为 null' if f.nullable else ''} | {f.description} |")
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------- records


def _honors(story: Story, settings: HonorRollConfig) -> list[dict[str, Any]]:
    return [
        {
            "title": h.title,
            "level": h.level,
            "level_label": str(settings.honor_levels.get(h.level, h.level)),
            "year": h.year,
        }
        for h in sorted(story.honors, key=lambda h: (h.year, h.index))
    ]


def _image_path(images: Mapping[str, StoryImages], story: Story, src: str) -> str | None:
    """The published (re-encoded, largest) copy of a story photo: originals are never published."""
    one = images.get(story.id)
    photo = one.photos.get(src) if one is not None else None
    return photo.largest.path_in_site if photo is not None else None


def story_record(
    story: Story,
    units: dict[str, Unit],
    settings: HonorRollConfig,
    site_url: str,
    images: Mapping[str, StoryImages] | None = None,
) -> dict[str, Any]:
    images = images or {}
    subject = story.subject
    unit = units.get(story.unit or "")
    cover = story.cover
    return {
        "id": story.id,
        "year": story.year,
        "title": story.title,
        "subject_type": subject.type if subject else None,
        "subject_type_label": SUBJECT_TYPE_LABELS.get(subject.type, "") if subject else None,
        "subject_name": subject.name if subject else None,
        "subject_position": subject.position if subject else None,
        "unit_id": story.unit,
        "unit_name": unit.name if unit else story.unit,
        "category": story.category,
        "summary": story.summary,
        "tags": list(story.tags),
        "honors": _honors(story, settings),
        "published_on": story.published_on.isoformat() if story.published_on else None,
        "url": urls.absolute(site_url, urls.story_path(story)),
        "short_url": urls.absolute(site_url, urls.short_path(story.id)),
        "share_image_url": urls.absolute(site_url, _share_path(images, story)),
        "qr_code_url": urls.absolute(site_url, urls.qr_png_path(story.id)),
        "poster_url": urls.absolute(site_url, urls.poster_path(story.id)),
        "cover_url": urls.absolute(site_url, cover_path)
        if cover and (cover_path := _image_path(images, story, cover.src))
        else None,
        "cover_alt": cover.alt if cover else None,
    }


def _share_path(images: Mapping[str, StoryImages], story: Story) -> str:
    one = images.get(story.id)
    return one.share.path_in_site if one is not None and one.share is not None else urls.site_share_image_path()


def full_record(
    story: Story,
    units: dict[str, Unit],
    settings: HonorRollConfig,
    site_url: str,
    images: Mapping[str, StoryImages] | None = None,
) -> dict[str, Any]:
    images = images or {}
    record = story_record(story, units, settings, site_url, images)
    photos = [(story.cover.src, story.cover.alt)] if story.cover else []
    photos += [(src, alt) for src, alt, _line in body_images(story)]
    record["body_markdown"] = story.body.strip() + "\n"
    record["photos"] = [
        {"url": urls.absolute(site_url, path), "alt": alt}
        for src, alt in photos
        if (path := _image_path(images, story, src)) is not None
    ]
    return record


def unit_record(unit: Unit, count: int, site_url: str) -> dict[str, Any]:
    return {
        "id": unit.id,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "kind_label": UNIT_KIND_LABELS.get(unit.kind, unit.kind),
        "parent_id": unit.parent,
        "active_from": unit.active_from,
        "active_to": unit.active_to,
        "description": unit.description,
        "url": urls.absolute(site_url, urls.unit_path(unit.id)),
        "published_stories": count,
    }


# ---------------------------------------------------------------- schemas


def _document_schema(
    site_url: str, name: str, title: str, key: str, fields: Iterable[Field], optional: Iterable[Field] = ()
) -> dict[str, Any]:
    fields = list(fields)
    item = {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in fields],
        "properties": {f.name: f.json_schema() for f in [*fields, *optional]},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": urls.absolute(site_url, f"{DATA_DIR}/{name}"),
        "title": title,
        "type": "object",
        "additionalProperties": False,
        "required": ["schema_version", "generated_on", "site_url", "count", key],
        "properties": {
            "$schema": {**_URI, "description": "本 JSON Schema 的网址"},
            "schema_version": {"const": SCHEMA_VERSION, "description": "数据格式的主版本号；只有不兼容的改动才会增加"},
            "generated_on": {**_DATE, "description": "生成日期（站点构建的“今天”）"},
            "site_url": {**_URI, "description": "站点地址"},
            "count": {"type": "integer", "minimum": 0, "description": f"{key} 中的条数"},
            key: {"type": "array", "items": item},
        },
    }


def story_schema(site_url: str) -> dict[str, Any]:
    return _document_schema(site_url, "stories.schema.json", "光荣榜已发布故事", "stories", STORY_FIELDS, BODY_FIELDS)


def unit_schema(site_url: str) -> dict[str, Any]:
    return _document_schema(site_url, "units.schema.json", "光荣榜单位", "units", UNIT_FIELDS)


# ---------------------------------------------------------------- files


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return spreadsheet_text(str(value))


def _csv_value(name: str, value: Any) -> str:
    if name == "tags":
        return LIST_SEPARATOR.join(_cell(v) for v in value)
    if name == "honors":
        return LIST_SEPARATOR.join(f"{h['year']} {h['level_label']} {h['title']}" for h in value)
    return _cell(value)


def csv_text(records: list[dict[str, Any]], fields: Iterable[Field]) -> str:
    names = [f.name for f in fields if f.in_csv]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for record in records:
        writer.writerow([_csv_value(name, record[name]) for name in names])
    return "\ufeff" + buffer.getvalue()  # the BOM tells Excel and WPS the file is UTF-8


def _document(key: str, records: list[dict[str, Any]], site_url: str, today: str, schema: str) -> dict[str, Any]:
    return {
        "$schema": urls.absolute(site_url, f"{DATA_DIR}/{schema}"),
        "schema_version": SCHEMA_VERSION,
        "generated_on": today,
        "site_url": site_url,
        "count": len(records),
        key: records,
    }


def _json(data: Any, pretty: bool = False) -> str:
    if pretty:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # never write through a hard link into the previous build
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def published_stories(result: CheckResult) -> list[Story]:
    return sorted(result.archive.published(), key=lambda s: (s.year, (s.published_on or dt.date.min).toordinal(), s.id))


def write_open_data(
    site_dir: Path,
    result: CheckResult,
    settings: HonorRollConfig,
    site_url: str,
    images: Mapping[str, StoryImages] | None = None,
) -> list[Path]:
    """Writes everything under ``<site_dir>/data/``; returns the files written.

    ``images``: each story's published images (``SiteData.images``); photo URLs point at them.
    """
    site_url = site_url.rstrip("/") + "/"
    units = result.archive.units
    stories = published_stories(result)
    today = result.today.isoformat()
    records = [story_record(s, units, settings, site_url, images) for s in stories]
    by_year: dict[int, list[Story]] = defaultdict(list)
    for story in stories:
        by_year[story.year].append(story)
    counts = Counter(s.unit for s in stories)
    unit_records = [unit_record(u, counts.get(u.id, 0), site_url) for u in sorted(units.values(), key=lambda u: u.id)]

    root = site_dir / DATA_DIR
    files: dict[str, str] = {
        "stories.json": _json(_document("stories", records, site_url, today, "stories.schema.json")),
        "stories.csv": csv_text(records, STORY_FIELDS),
        "units.json": _json(_document("units", unit_records, site_url, today, "units.schema.json")),
        "units.csv": csv_text(unit_records, UNIT_FIELDS),
        "stories.schema.json": _json(story_schema(site_url), pretty=True),
        "units.schema.json": _json(unit_schema(site_url), pretty=True),
    }
    for year, group in sorted(by_year.items()):
        full = [full_record(s, units, settings, site_url, images) for s in group]
        files[f"years/{year}.json"] = _json(_document("stories", full, site_url, today, "stories.schema.json"))
    index = {
        "schema_version": SCHEMA_VERSION,
        "generated_on": today,
        "site_url": site_url,
        "files": {name: urls.absolute(site_url, f"{DATA_DIR}/{name}") for name in files if "/" not in name},
        "years": {str(year): urls.absolute(site_url, f"{DATA_DIR}/years/{year}.json") for year in sorted(by_year)},
    }
    files["index.json"] = _json(index, pretty=True)
    written = []
    for name, text in files.items():
        path = root / name
        _write(path, text)
        written.append(path)
    return written
