"""Site modules without a build: addresses, QR cache, feed and page sources."""

from __future__ import annotations

import datetime as dt
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image

from honorroll.site import urls
from honorroll.site.feed import FeedEntry, atom_feed
from honorroll.site.generate import make_context
from honorroll.site.pages import SiteContext, site_pages, story_page
from honorroll.site.qr import QrCache
from tests.conftest import ContentRepo, requires

SITE = "https://example.org/guangrongbang/"


def test_relative_links_work_under_any_prefix() -> None:
    assert urls.href("stories/2024/x/", "units/a/") == "../../../units/a/"
    assert urls.href("", "years/2024/") == "years/2024/"
    assert urls.href("years/2024/page/2/", "years/2024/") == "../../"
    assert urls.href("s/x/", "") == "../../"
    assert urls.href("stories/2024/x/", "stories/2024/x/cover.jpg") == "cover.jpg"
    assert urls.href("", "categories/敬业奉献/") == "categories/%E6%95%AC%E4%B8%9A%E5%A5%89%E7%8C%AE/"


def test_permalinks_and_short_links() -> None:
    assert urls.short_path("2024-lin") == "s/2024-lin/"
    assert urls.absolute(SITE, urls.short_path("2024-lin")) == "https://example.org/guangrongbang/s/2024-lin/"
    assert (
        urls.absolute("https://example.org/guangrongbang", "feed.xml") == "https://example.org/guangrongbang/feed.xml"
    )
    assert urls.year_path(2024, 1) == "years/2024/" and urls.year_path(2024, 3) == "years/2024/page/3/"
    assert urls.src_uri("years/2024/") == "years/2024/index.md"


def test_qr_codes_are_made_once_per_url_and_survive_builds(tmp_path: Path) -> None:
    cache = QrCache(tmp_path)
    first = cache.svg(SITE + "s/a/")
    assert cache.svg(SITE + "s/a/") == first
    assert cache.made == 1
    cache.svg(SITE + "s/b/")
    png = cache.png(SITE + "s/a/")
    assert cache.made == 3
    later = QrCache(tmp_path)  # the next build
    assert later.svg(SITE + "s/a/") == first and later.png(SITE + "s/a/") == png
    assert later.made == 0
    assert first.startswith('<svg class="hr-qr"') and "http" not in first.replace(SITE, "")
    with Image.open(png) as image:
        assert image.width >= 1200 and image.width == image.height


@requires("zbarimg")
def test_print_qr_decodes_to_the_short_link(tmp_path: Path) -> None:
    png = QrCache(tmp_path).png(SITE + "s/2024-lin/")
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True)
    assert decoded.stdout.strip() == SITE + "s/2024-lin/"


def test_feed_lists_newest_first_with_absolute_links() -> None:
    entries = [
        FeedEntry(f"{SITE}s/{n}/", f"标题{n}", f"{SITE}stories/2024/{n}/", "简介 <b>", dt.date(2024, 1, n), "单位")
        for n in range(1, 6)
    ]
    root = ET.fromstring(atom_feed(entries, title="光荣榜", site_url=SITE, feed_url=SITE + "feed.xml", limit=3))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert titles == ["标题5", "标题4", "标题3"]
    assert root.findtext("a:updated", namespaces=ns) == "2024-01-05T00:00:00+08:00"
    assert root.find("a:entry/a:summary", ns).text == "简介 <b>"  # type: ignore[union-attr]


def _context(repo: ContentRepo, tmp_path: Path, per_page: int = 60) -> SiteContext:
    result = repo.check()
    assert result.ok, result.errors
    ctx = SiteContext(result, result_settings(repo), SITE, "测试光荣榜", QrCache(tmp_path / "cache"), per_page)
    return ctx


def result_settings(repo: ContentRepo):  # type: ignore[no-untyped-def]
    from honorroll.settings import load_project

    return load_project(repo.root / "mkdocs.yml").settings


def test_story_page_source(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story(changes={"honors": [{"title": "福建好人", "level": "provincial", "year": 2024}]})
    ctx = _context(repo, tmp_path)
    source = story_page(ctx.published[0], ctx)
    assert "template: honorroll/story.html" in source
    assert '<a href="../../../units/city-postal/">市邮政管理局</a>' in source
    assert "省级" in source and "福建好人" in source
    assert f"{SITE}s/2024-lin-postman/" in source and '<svg class="hr-qr"' in source
    assert "他一个人一条路" in source


def test_withdrawn_and_notice_stories_get_no_pages(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story()
    repo.write_story("2024-gone", changes={"status": "withdrawn", "withdrawn": {"on": "2024-06-01", "reason": "x"}})
    repo.write_story(
        "2024-wait",
        changes={
            "status": "notice",
            "published_on": None,
            "process.notice": {"start": dt.date(2024, 6, 24), "end": dt.date(2024, 6, 28)},
        },
    )
    ctx = _context(repo, tmp_path)
    pages = dict(site_pages(ctx))
    assert "s/2024-gone/index.html" in pages and "已撤下" in str(pages["s/2024-gone/index.html"])
    assert [uri for uri, content in pages.items() if "2024-gone" in uri or "2024-gone" in str(content)] == [
        "s/2024-gone/index.html"
    ]
    assert not any("2024-wait" in uri for uri in pages)
    assert "2024-06-24 至 2024-06-28" in str(pages["notice/index.md"])


def test_long_lists_paginate(repo: ContentRepo, tmp_path: Path) -> None:
    for n in range(5):
        repo.write_story(f"2024-story-{n}")
    ctx = _context(repo, tmp_path, per_page=2)
    pages = dict(site_pages(ctx))
    assert {"years/2024/index.md", "years/2024/page/2/index.md", "years/2024/page/3/index.md"} <= pages.keys()
    assert "years/2024/page/4/index.md" not in pages
    assert 'rel="next"' in str(pages["years/2024/index.md"])
    assert str(pages["index.md"]).count('class="hr-card"') == 2


def test_serve_without_site_url_falls_back_to_the_dev_address(repo: ContentRepo, tmp_path: Path) -> None:
    from mkdocs.config import load_config

    repo.write_story()
    result = repo.check()
    config = load_config(str(repo.write_config()), site_url="")
    ctx = make_context(config, result_settings(repo), result)
    assert ctx.site_url == "http://127.0.0.1:8000/"
