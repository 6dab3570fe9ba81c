"""Plain data about a story for the book and dossier templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from honorroll.book.context import PrintContext
from honorroll.book.photos import PrintPhotos
from honorroll.book.render import MarkdownRenderer, file_uri
from honorroll.content.model import Story
from honorroll.content.schema import SUBJECT_TYPE_LABELS


@dataclass(frozen=True)
class HonorView:
    year: int
    level: str
    level_label: str
    title: str

    @property
    def text(self) -> str:
        return f"{self.year} 年 {self.level_label}“{self.title}”"


@dataclass(frozen=True)
class StoryView:
    id: str
    anchor: str
    year: int
    title: str
    subject_name: str
    subject_kind: str
    subject_position: str
    unit_name: str
    unit_full_name: str
    category: str
    summary: str
    published_on: dt.date | None
    honors: list[HonorView]
    cover_uri: str | None
    cover_path: Path | None
    cover_alt: str
    body: Markup
    short_url: str
    qr_uri: str


@dataclass(frozen=True)
class StoryEntry:
    """What the contents and bookmarks show of a story; the full view is made where the story is laid out."""

    anchor: str
    title: str
    subject_name: str
    story: Story


def story_entry(story: Story) -> StoryEntry:
    return StoryEntry(f"story-{story.id}", story.title or story.id, story.subject.name if story.subject else "", story)


def honor_views(story: Story, ctx: PrintContext) -> list[HonorView]:
    return [
        HonorView(h.year, h.level, ctx.level_label(h.level), h.title)
        for h in sorted(story.honors, key=lambda h: (h.year, h.index))
    ]


def story_view(story: Story, ctx: PrintContext, markdown: MarkdownRenderer, photos: PrintPhotos) -> StoryView:
    unit = ctx.units.get(story.unit or "")
    cover = photos.for_story(ctx.root, story, story.cover.src) if story.cover else None
    short = ctx.short_url(story)
    subject = story.subject
    return StoryView(
        id=story.id,
        anchor=story_entry(story).anchor,
        year=story.year,
        title=story.title or story.id,
        subject_name=subject.name if subject else "",
        subject_kind=SUBJECT_TYPE_LABELS.get(subject.type, "") if subject else "",
        subject_position=(subject.position or "") if subject else "",
        unit_name=unit.display_name if unit else (story.unit or ""),
        unit_full_name=unit.name if unit else (story.unit or ""),
        category=story.category or "",
        summary=story.summary or "",
        published_on=story.published_on,
        honors=honor_views(story, ctx),
        cover_uri=file_uri(cover) if cover else None,
        cover_path=cover,
        cover_alt=(story.cover.alt or "") if story.cover else "",
        body=markdown.convert(story.body.strip(), lambda src: photos.for_story(ctx.root, story, src)),
        short_url=short,
        qr_uri=file_uri(photos.qr_code(short)),
    )
