"""The Atom feed of the newest published stories, as data for ``honorroll/feed.xml``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from honorroll.site.views import plain

BEIJING = dt.timezone(dt.timedelta(hours=8))
FEED_TEMPLATE = "honorroll/feed.xml"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: str
    """A permanent IRI: the story's absolute short link."""
    title: str
    link: str
    summary: str
    published: dt.date
    author: str

    @property
    def stamp(self) -> str:
        return timestamp(self.published)


@dataclass(frozen=True)
class Feed:
    title: str
    site_url: str
    feed_url: str
    updated: str
    entries: tuple[FeedEntry, ...]


def timestamp(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(), BEIJING).isoformat()


def atom_feed(entries: Sequence[FeedEntry], *, title: str, site_url: str, feed_url: str, limit: int = 30) -> Feed:
    """The newest ``limit`` entries; every text without the control characters XML forbids."""
    newest = sorted(entries, key=lambda e: (e.published, e.id), reverse=True)[:limit]
    return Feed(
        title=plain(title),
        site_url=site_url,
        feed_url=feed_url,
        updated=timestamp(newest[0].published if newest else dt.date(1970, 1, 1)),
        entries=tuple(
            FeedEntry(e.id, plain(e.title), e.link, plain(e.summary), e.published, plain(e.author)) for e in newest
        ),
    )
