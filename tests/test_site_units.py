"""Site modules without a build: addresses, QR cache, feed, page views and the theme's partials."""

from __future__ import annotations

import datetime as dt
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import Markup
from PIL import Image

from honorroll.engine.files import make_context
from honorroll.engine.plugin import THEME_DIR
from honorroll.engine.project import load_project
from honorroll.site import pages, urls, views
from honorroll.site.feed import FEED_TEMPLATE, FeedEntry, atom_feed
from honorroll.site.pages import SiteContext
from honorroll.site.qr import QrCache
from honorroll.site.render import Renderer
from tests.conftest import ContentRepo, requires

SITE = "https://example.org/guangrongbang/"
HOSTILE = "\"><script>{{7*7}}{%if 1%}{%endif%}'&"
"""Under 40 characters, so every text field of the schema accepts it."""


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


def test_story_addresses_do_not_depend_on_the_content_folder(repo: ContentRepo) -> None:
    repo.write_story(bundle=True)
    story = repo.check().archive.published()[0]
    story.file = "content/stories/2024/2024-lin-postman/index.md"  # as with stories_dir: content/stories
    assert urls.story_path(story) == "stories/2024/2024-lin-postman/"
    assert urls.story_src(story) == "stories/2024/2024-lin-postman/index.md"
    assert urls.photo_path(story, "a.jpg") == "stories/2024/2024-lin-postman/a.jpg"


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


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer([str(THEME_DIR)])


def test_feed_lists_newest_first_with_absolute_links(renderer: Renderer) -> None:
    entries = [
        FeedEntry(f"{SITE}s/{n}/", f"标题{n}", f"{SITE}stories/2024/{n}/", "简介 <b>\x01", dt.date(2024, 1, n), "单位&")
        for n in range(1, 6)
    ]
    feed = atom_feed(entries, title="光荣榜", site_url=SITE, feed_url=SITE + "feed.xml", limit=3)
    root = ET.fromstring(renderer.render(FEED_TEMPLATE, feed))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert titles == ["标题5", "标题4", "标题3"]
    assert root.findtext("a:updated", namespaces=ns) == "2024-01-05T00:00:00+08:00"
    assert root.findtext("a:entry/a:summary", namespaces=ns) == "简介 <b>"  # escaped, control character dropped
    assert root.findtext("a:entry/a:author/a:name", namespaces=ns) == "单位&"
    assert root.find("a:link[@rel='self']", ns).get("href") == SITE + "feed.xml"  # type: ignore[union-attr]


def test_pager_shows_a_window_not_every_page() -> None:
    pager = views.pager("years/2024/", 10, 40, "years/2024/page/10/")
    assert pager is not None
    numbers = [item.number for item in pager.items]
    assert numbers == [1, None, 8, 9, 10, 11, 12, None, 40]
    assert [item.number for item in pager.items if item.current] == [10]
    assert pager.prev == "../9/" and pager.next == "../11/"
    assert pager.first == "../../" and pager.last == "../40/"
    first = views.pager("years/2024/", 1, 4, "years/2024/")
    assert first is not None and first.prev is None and [i.number for i in first.items] == [1, 2, 3, 4]
    near = views.pager("x/", 5, 10, "x/page/5/")
    assert near is not None and [i.number for i in near.items] == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        None,
        10,
    ]  # 2 shown: no "…" for one page
    assert views.pager("x/", 1, 1, "x/") is None


def _context(repo: ContentRepo, tmp_path: Path, per_page: int = 60) -> SiteContext:
    result = repo.check()
    assert result.ok, result.errors
    settings = load_project(repo.root / "mkdocs.yml").settings
    site = pages.site_data(
        settings, result.archive.units, url=SITE, name="测试光荣榜", description="", favicon="assets/i.png"
    )
    return SiteContext(result, settings, site, QrCache(tmp_path / "cache"), per_page)


def _story_view(ctx: SiteContext, body: str = "<p>正文</p>") -> views.StoryPage:
    story = ctx.published[0]
    return views.story_page(story, ctx.site, views.publishable_body(body), Markup(ctx.qr.svg(SITE)))


def test_story_view(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story(changes={"honors": [{"title": "福建好人", "level": "provincial", "year": 2024}]})
    ctx = _context(repo, tmp_path)
    view = _story_view(ctx)
    assert views.Fact("单位", "市邮政管理局", "../../../units/city-postal/") in view.story.facts
    assert view.story.honors == (views.HonorBadge("省级", 2024, "福建好人"),)
    assert view.story.share.short_url == f"{SITE}s/2024-lin-postman/"
    assert view.story.share.poster_href == "../../../poster/2024-lin-postman/"
    assert view.head.canonical == f"{SITE}stories/2024/2024-lin-postman/"
    assert view.head.document_title == "深山邮路上的“不老松” - 测试光荣榜"
    assert view.root == "../../../"


class Parsed(HTMLParser):
    """Every element, attribute and text of a fragment as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(fragment: str) -> Parsed:
    parsed = Parsed()
    parsed.feed(fragment)
    return parsed


def test_every_field_is_text_in_every_partial(repo: ContentRepo, tmp_path: Path, renderer: Renderer) -> None:
    repo.write_unit("city-postal", {"name": HOSTILE, "kind": "direct", "description": HOSTILE})
    repo.write_story(
        bundle=True,
        changes={
            "title": HOSTILE,
            "summary": HOSTILE,
            "subject.name": HOSTILE,
            "subject.position": HOSTILE,
            "honors": [{"title": "福建好人", "level": "provincial", "year": 2024}],
        },
    )
    ctx = _context(repo, tmp_path)
    story_view = _story_view(ctx)
    rendered = {
        "partials/hr-story.html": renderer.render("partials/hr-story.html", story_view),
        "partials/hr-head.html": renderer.render("partials/hr-head.html", story_view),
        "partials/hr-topic.html": renderer.render("partials/hr-topic.html", story_view),
        "honorroll/poster.html": renderer.render(
            "honorroll/poster.html", views.poster_page(ctx.published[0], ctx.site, story_view.story.share.qr_svg, "x")
        ),
        "honorroll/short-link.html": renderer.render(
            "honorroll/short-link.html", views.short_link_page(ctx.published[0], ctx.site, "x")
        ),
    }
    for spec in pages.list_specs(ctx):
        template = spec.template.replace("honorroll/", "partials/hr-")
        rendered[spec.uri] = renderer.render(template, spec.view())
    assert len(rendered) > 10
    for name, html in rendered.items():
        parsed = parse(html)
        assert "script" not in parsed.tags, name
        assert "49" not in "".join(parsed.text), name  # data is never evaluated as a template
        assert not any(attribute.startswith("on") for attribute, _value in parsed.attrs), name
    story_text = "".join(parse(rendered["partials/hr-story.html"]).text)
    assert HOSTILE in story_text  # shown as the editor wrote it
    assert ("content", HOSTILE) in parse(rendered["partials/hr-head.html"]).attrs


def test_attribute_lists_and_raw_html_never_reach_a_body() -> None:
    import markdown

    md = markdown.Markdown(extensions=["attr_list", "md_in_html", "tables"])
    source = (
        '段落 {: onclick="alert(1)" style="color:red" }\n\n'
        '![图](a.jpg){: srcset="https://evil.example/x.jpg 2x" onerror="alert(2)" }\n\n'
        '<img src="a.jpg" onerror="alert(3)"><script>alert(4)</script>\n'
    )
    rendered = md.convert(source)
    assert "onclick" in rendered and "srcset" in rendered  # what the sanitiser is there for
    body = parse(views.publishable_body(rendered))
    names = {name for name, _value in body.attrs}
    assert names <= {"src", "alt"} and "script" not in body.tags
    assert ("src", "a.jpg") in body.attrs


def test_withdrawn_and_notice_stories_get_no_story_pages(repo: ContentRepo, tmp_path: Path) -> None:
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
    specs = {spec.uri: spec for spec in pages.list_specs(ctx)}
    assert [s.id for s in ctx.published] == ["2024-lin-postman"]
    # only their status pages: 公示中 at the waiting story's address, 已撤下 at the withdrawn one's two addresses
    assert {uri: specs[uri].template for uri in specs if "2024-gone" in uri or "2024-wait" in uri} == {
        "stories/2024/2024-wait/index.md": "honorroll/notice-story.html",
        "stories/2024/2024-gone/index.md": "honorroll/withdrawn.html",
        "s/2024-gone/index.md": "honorroll/withdrawn.html",
    }
    waiting = specs["stories/2024/2024-wait/index.md"].view()
    assert isinstance(waiting, views.NoticeStoryPage) and waiting.end == dt.date(2024, 6, 28)
    assert waiting.head.robots == "noindex" and waiting.notice_href == "../../../notice/"
    assert "sitemap: false" in specs["s/2024-gone/index.md"].source()
    notice = specs["notice/index.md"].view()
    assert isinstance(notice, views.NoticePage)
    assert [(row.title, row.start, row.end, row.href) for row in notice.rows] == [
        ("深山邮路上的“不老松”", dt.date(2024, 6, 24), dt.date(2024, 6, 28), "../stories/2024/2024-wait/")
    ]
    home = specs["index.md"].view()
    assert isinstance(home, views.HomePage) and home.latest is not None
    assert [card.href for card in home.latest.cards] == ["stories/2024/2024-lin-postman/"]


def test_long_lists_paginate(repo: ContentRepo, tmp_path: Path) -> None:
    for n in range(5):
        repo.write_story(f"2024-story-{n}")
    ctx = _context(repo, tmp_path, per_page=2)
    specs = {spec.uri: spec for spec in pages.list_specs(ctx)}
    assert {"years/2024/index.md", "years/2024/page/2/index.md", "years/2024/page/3/index.md"} <= specs.keys()
    assert "years/2024/page/4/index.md" not in specs
    first = specs["years/2024/index.md"].view()
    assert isinstance(first, views.ListPage) and first.pager is not None and first.pager.next == "page/2/"
    last = specs["years/2024/page/3/index.md"].view()
    assert isinstance(last, views.ListPage) and last.title == "2024 年度光荣榜（第 3 页）"
    assert [len(g.cards) for g in last.groups] == [1]
    home = specs["index.md"].view()
    assert isinstance(home, views.HomePage) and home.latest is not None and len(home.latest.cards) == 2
    assert home.more is not None and home.more.href == "years/2024/"


def test_serve_without_site_url_falls_back_to_the_dev_address(repo: ContentRepo, tmp_path: Path) -> None:
    from mkdocs.config import load_config

    repo.write_story()
    result = repo.check()
    config = load_config(str(repo.write_config()), site_url="")
    ctx = make_context(config, load_project(repo.root / "mkdocs.yml").settings, result)
    assert ctx.site.site_url == "http://127.0.0.1:8000/"


def test_list_pages_hand_markdown_no_html(repo: ContentRepo, tmp_path: Path) -> None:
    """A list page's source is its front matter only: the cards reach the template as data, so
    Python-Markdown never parses (or is asked to pass through) any HTML for them."""
    repo.write_story()
    ctx = _context(repo, tmp_path)
    specs = pages.list_specs(ctx)
    assert len(specs) > 8
    for spec in specs:
        source = spec.source()
        assert source.startswith("---\n") and source.endswith("---\n\n") and "<" not in source, spec.uri
        assert f"template: {spec.template}" in source
