"""Permanent addresses: every page path in one place, relative links between them, and absolute links.

Paths are site-relative, unquoted and directory-style (``stories/2024/x/``); ``href`` quotes them.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from honorroll.content.model import Story

FEED = "feed.xml"
POSTER_CSS = "assets/honorroll/poster.css"
PLAIN_CSS = "assets/honorroll/plain.css"


def paged(base: str, page: int = 1) -> str:
    return base if page <= 1 else f"{base}page/{page}/"


def story_path(story: Story) -> str:
    return f"stories/{story.year}/{story.id}/"


def story_src(story: Story) -> str:
    """Source URI of the generated page: the page's own address, whatever ``stories_dir`` is."""
    return src_uri(story_path(story))


def short_path(story_id: str) -> str:
    return f"s/{story_id}/"


def poster_path(story_id: str) -> str:
    return f"poster/{story_id}/"


def qr_png_path(story_id: str) -> str:
    return f"qr/{story_id}.png"


def year_path(year: int, page: int = 1) -> str:
    return paged(f"years/{year}/", page)


def unit_path(unit_id: str, page: int = 1) -> str:
    return paged(f"units/{unit_id}/", page)


def category_path(category: str, page: int = 1) -> str:
    return paged(f"categories/{category}/", page)


def honors_path(level: str | None = None, page: int = 1) -> str:
    return paged("honors/" if level is None else f"honors/{level}/", page)


def notice_path(page: int = 1) -> str:
    return paged("notice/", page)


def share_image_path(story_id: str) -> str:
    """The story's 1200×630 share image (``og:image``)."""
    return f"share/{story_id}.jpg"


def site_share_image_path() -> str:
    """The site's share image, for the home page and every list page."""
    return "share/site.jpg"


def photo_path(story: Story, src: str) -> str:
    """A story's photo sits beside its page, so ``![](photo.jpg)`` in the body works as written."""
    return story_path(story) + src


def src_uri(path: str) -> str:
    """The Markdown source URI MkDocs turns into ``path`` with directory URLs."""
    return f"{path}index.md" if path.endswith("/") or path == "" else path


def href(from_path: str, to_path: str) -> str:
    """A relative link from the page at ``from_path`` to ``to_path``; works under any site prefix.

    Both are clean site paths, so segment arithmetic replaces ``posixpath.relpath``, which
    was a visible share of building list pages with tens of thousands of links.
    """
    start = from_path if from_path.endswith("/") or from_path == "" else posixpath.dirname(from_path) + "/"
    start_dirs = [part for part in start.split("/") if part]
    target = [part for part in to_path.split("/") if part]
    common = 0
    for mine, theirs in zip(start_dirs, target, strict=False):
        if mine != theirs:
            break
        common += 1
    rel = "/".join([".."] * (len(start_dirs) - common) + target[common:]) or "."
    if to_path.endswith("/") or to_path == "":
        rel = "./" if rel == "." else rel + "/"
    return quote(rel, safe="/.-_~#")


def absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + "/" + quote(path, safe="/.-_~")
