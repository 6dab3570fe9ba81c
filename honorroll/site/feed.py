"""The Atom feed of the newest published stories, with absolute links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

BEIJING = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class FeedEntry:
    id: str
    """A permanent IRI: the story's absolute short link."""
    title: str
    link: str
    summary: str
    published: dt.date
    author: str


def _stamp(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(), BEIJING).isoformat()


def atom_feed(entries: list[FeedEntry], *, title: str, site_url: str, feed_url: str, limit: int = 30) -> str:
    newest = sorted(entries, key=lambda e: (e.published, e.id), reverse=True)[:limit]
    updated = _stamp(newest[0].published) if newest else _stamp(dt.date(1970, 1, 1))
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"  <title>{escape(title)}</title>",
        f"  <id>{escape(site_url)}</id>",
        f'  <link rel="alternate" type="text/html" href={quoteattr(site_url)}/>',
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(feed_url)}/>',
        f"  <updated>{updated}</updated>",
    ]
    for entry in newest:
        lines += [
            "  <entry>",
            f"    <title>{escape(entry.title)}</title>",
            f"    <id>{escape(entry.id)}</id>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(entry.link)}/>',
            f"    <published>{_stamp(entry.published)}</published>",
            f"    <updated>{_stamp(entry.published)}</updated>",
            f"    <author><name>{escape(entry.author)}</name></author>",
            f"    <summary>{escape(entry.summary)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
