"""The content model: units and stories as the rest of the code sees them.

No ``slots`` on these classes: they are cached with pickle, which restores plain instances
much faster.

Objects are built from schema-cleaned data, so a field the schema rejected is simply
``None`` here and later rules skip it instead of failing on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from honorroll.content.yamlio import split_front_matter


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    kind: str  # system | direct | member
    file: str
    short_name: str | None = None
    parent: str | None = None
    active_from: int | None = None
    active_to: int | None = None
    quota: int | None = None
    shortfalls: dict[int, str] = field(default_factory=dict)
    description: str | None = None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def active_in(self, year: int) -> bool:
        return (self.active_from is None or self.active_from <= year) and (
            self.active_to is None or year <= self.active_to
        )

    @classmethod
    def from_clean(cls, unit_id: str, file: str, data: dict[str, Any]) -> Unit:
        return cls(
            id=unit_id,
            name=data.get("name", unit_id),
            kind=data.get("kind", "direct"),
            file=file,
            short_name=data.get("short_name"),
            parent=data.get("parent"),
            active_from=data.get("active_from"),
            active_to=data.get("active_to"),
            quota=data.get("quota"),
            shortfalls=dict(data.get("shortfalls", {})),
            description=data.get("description"),
        )


@dataclass(frozen=True)
class Subject:
    type: str
    name: str
    position: str | None = None
    minor: bool = False
    """A child (e.g. 新时代好少年): photos are published only with a recorded guardian consent."""
    guardian_consent_on: dt.date | None = None


@dataclass(frozen=True)
class Photo:
    src: str
    alt: str | None
    field: str
    """Where it was written: ``cover`` or ``body``."""
    line: int


@dataclass(frozen=True)
class Honor:
    title: str
    level: str
    year: int
    index: int


@dataclass(frozen=True)
class Eligibility:
    controversial: bool | None
    criminal_record: bool | None
    disciplinary_sanction: bool | None
    checked_by: str | None
    checked_on: dt.date | None

    @property
    def flags(self) -> dict[str, bool | None]:
        return {
            "controversial": self.controversial,
            "criminal_record": self.criminal_record,
            "disciplinary_sanction": self.disciplinary_sanction,
        }


@dataclass(frozen=True)
class Process:
    nominated_on: dt.date | None
    recommended_on: dt.date | None
    approved_on: dt.date | None
    notice_start: dt.date | None
    notice_end: dt.date | None


@dataclass
class Story:
    id: str
    year: int
    file: str
    """Markdown file, relative to the content root (``stories/2024/x.md`` or ``…/x/index.md``)."""
    is_bundle: bool
    """A folder story (``<id>/index.md``) that may keep photos beside it."""
    front_matter_text: str | None
    """Front-matter YAML (for pointing at a field's line); None when left out, like ``body_text``."""
    front_matter_line: int
    body_text: str | None
    """The Markdown body, or None when it was left out to keep caches and worker results small."""
    body_line: int
    root: str
    """Content root the ``file`` path is relative to; lets the body be read again on demand."""
    title: str | None = None
    subject: Subject | None = None
    unit: str | None = None
    category: str | None = None
    summary: str | None = None
    cover: Photo | None = None
    eligibility: Eligibility | None = None
    process: Process | None = None
    status: str | None = None
    published_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    withdrawn_reason: str | None = None
    honors: list[Honor] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        if self.body_text is None:
            self._read_source()
        assert self.body_text is not None
        return self.body_text

    @property
    def front_matter(self) -> str:
        if self.front_matter_text is None:
            self._read_source()
        assert self.front_matter_text is not None
        return self.front_matter_text

    def _read_source(self) -> None:
        text = (Path(self.root) / self.file).read_text(encoding="utf-8-sig")
        front, self.body_text, _line = split_front_matter(text)
        self.front_matter_text = front or ""

    def without_text(self) -> Story:
        """A copy without the texts, which are read again from the file when needed."""
        return replace(self, front_matter_text=None, body_text=None)

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def is_public(self) -> bool:
        """Shown on the site: published, or listed as under public notice."""
        return self.status in ("published", "notice")

    @property
    def folder(self) -> str:
        return self.file.rsplit("/", 1)[0]

    def fill(self, data: dict[str, Any], cover_line: int) -> None:
        self.title = data.get("title")
        subject = data.get("subject")
        if subject and "type" in subject and "name" in subject:
            self.subject = Subject(
                subject["type"],
                subject["name"],
                subject.get("position"),
                subject.get("minor") is True,
                subject.get("guardian_consent_on"),
            )
        self.unit = data.get("unit")
        self.category = data.get("category")
        self.summary = data.get("summary")
        cover = data.get("cover")
        if cover and "src" in cover:
            self.cover = Photo(cover["src"], cover.get("alt"), "cover", cover_line)
        elig = data.get("eligibility")
        if elig is not None:
            self.eligibility = Eligibility(
                elig.get("controversial"),
                elig.get("criminal_record"),
                elig.get("disciplinary_sanction"),
                elig.get("checked_by"),
                elig.get("checked_on"),
            )
        process = data.get("process")
        if process is not None:
            notice = process.get("notice") or {}
            self.process = Process(
                process.get("nominated_on"),
                process.get("recommended_on"),
                process.get("approved_on"),
                notice.get("start"),
                notice.get("end"),
            )
        self.status = data.get("status")
        self.published_on = data.get("published_on")
        withdrawn = data.get("withdrawn") or {}
        self.withdrawn_on = withdrawn.get("on")
        self.withdrawn_reason = withdrawn.get("reason")
        self.honors = [
            Honor(h["title"], h["level"], h["year"], i)
            for i, h in enumerate(data.get("honors", []))
            if {"title", "level", "year"} <= h.keys()
        ]
        self.tags = list(data.get("tags", []))


@dataclass
class Archive:
    """Everything read from a content repository."""

    root: str
    units: dict[str, Unit] = field(default_factory=dict)
    stories: list[Story] = field(default_factory=list)

    def published(self) -> list[Story]:
        return [s for s in self.stories if s.is_published]

    def by_id(self) -> dict[str, Story]:
        return {s.id: s for s in self.stories}
