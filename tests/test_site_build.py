"""The sample site, built once: links resolve, short links, withdrawn and notice stories, no outside URLs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
import yaml

from honorroll.check.run import CheckResult, check_repository
from honorroll.config import effective_today
from honorroll.engine.project import load_project
from tests.conftest import ContentRepo
from tests.sitebuild import SAMPLE_SITE_URL, build_sample, copy_sample, mkdocs_build

TEXT = {".html", ".xml", ".json", ".js", ".css", ".txt"}
URL_ATTRS = {"href", "src", "content", "action", "poster", "data", "srcset"}


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in URL_ATTRS and value:
                self.found.append((tag, name, value))


def links_in(path: Path) -> list[tuple[str, str, str]]:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("sample") / "root")


@pytest.fixture(scope="module")
def result(site: Path) -> CheckResult:
    root = site.parent
    project = load_project(root / "mkdocs.yml")
    return check_repository(root, project.settings, effective_today(project.settings), None)


@pytest.fixture(scope="module")
def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def target_file(site: Path, page: Path, url: str) -> Path | None:
    """The build file a link points at, or None for links that leave the site."""
    prefix = urlparse(SAMPLE_SITE_URL).path
    if url.startswith(SAMPLE_SITE_URL):
        url = url[len(SAMPLE_SITE_URL) - len(prefix) :]
    parsed = urlparse(url)
    if parsed.scheme or parsed.netloc:
        return None
    page_url = prefix + page.relative_to(site).as_posix()
    path = unquote(urlparse(urljoin(page_url, parsed.path)).path)
    assert path.startswith(prefix), (page, url)
    file = site / path[len(prefix) :]
    return file / "index.html" if path.endswith("/") or file.is_dir() else file


def test_every_internal_link_resolves(site: Path, html_files: list[Path]) -> None:
    broken = []
    checked = 0
    for page in html_files:
        for tag, attr, value in links_in(page):
            if tag == "meta" and attr == "content" and value.startswith("0; url="):
                value = value[len("0; url=") :]
            elif attr == "content" and not value.startswith(("/", "http")):
                continue
            if attr == "srcset" or value.startswith(("#", "mailto:", "data:", "tel:")):
                continue
            target = target_file(site, page, value)
            checked += target is not None
            if target is not None and not target.is_file():
                broken.append((page.relative_to(site).as_posix(), value))
    assert broken == []
    assert checked > 2_000


def test_no_page_references_another_site(site: Path, html_files: list[Path]) -> None:
    """Nothing loads from elsewhere; the only outside links are activity reports on the configured official hosts."""
    outside = []
    official = ("https://wenming.qingyu.example/",)  # official_hosts in the sample's mkdocs.yml
    for page in [*html_files, site / "feed.xml", site / "sitemap.xml"]:
        text = page.read_text(encoding="utf-8")
        activities = page.relative_to(site).as_posix().removeprefix("zh-hant/").startswith("activities/")
        for url in re.findall(r"""(?:href|src|content|action)\s*=\s*["']?(https?://[^"'\s>]+)""", text):
            if not url.startswith(SAMPLE_SITE_URL) and not (activities and url.startswith(official)):
                outside.append((page.relative_to(site).as_posix(), url))
        for url in re.findall(r"<(?:id|loc)>(https?://[^<]+)<", text):
            if not url.startswith(SAMPLE_SITE_URL):
                outside.append((page.name, url))
    assert outside == []


def test_every_published_story_has_a_short_link_to_its_page(site: Path, result: CheckResult) -> None:
    published = result.archive.published()
    assert len(published) > 40
    for story in published:
        short = site / "s" / story.id / "index.html"
        html = short.read_text(encoding="utf-8")
        refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html)
        assert refresh, story.id
        assert (
            target_file(site, short, refresh.group(1)) == site / "stories" / str(story.year) / story.id / "index.html"
        )
        assert f'<link rel="canonical" href="{SAMPLE_SITE_URL}stories/{story.year}/{story.id}/">' in html
        assert f'<a href="{refresh.group(1)}">' in html  # works without the refresh, too
        assert (site / "stories" / str(story.year) / story.id / "index.html").is_file()
        assert (site / "poster" / story.id / "index.html").is_file()
        assert (site / "qr" / f"{story.id}.png").is_file()


def test_withdrawn_story_only_has_its_withdrawn_pages(site: Path, result: CheckResult) -> None:
    withdrawn = [s for s in result.archive.stories if s.status == "withdrawn"]
    assert withdrawn
    for story in withdrawn:
        own = f"stories/{story.year}/{story.id}/index.html"
        mentions = []
        for p in site.rglob("*"):
            rel = p.relative_to(site).as_posix()
            text = p.read_text(encoding="utf-8", errors="replace") if p.suffix in TEXT else ""
            if p.is_file() and (story.id in rel or story.id in text or (story.title or "\0") in text):
                mentions.append(rel)
        assert sorted(mentions) == sorted(
            [f"s/{story.id}/index.html", own, f"zh-hant/s/{story.id}/index.html", f"zh-hant/{own}"]
        )
        for name in (f"s/{story.id}/index.html", own):  # the zh-hant/ copies are the same pages converted
            page = (site / name).read_text(encoding="utf-8")
            assert "<h1>该内容已撤下</h1>" in page and 'name="robots" content="noindex"' in page
            assert 'class="md-header' in page and 'class="md-footer' in page  # inside the site's chrome
            assert story.title not in page and (story.withdrawn_reason or "\0") not in page
            assert 'http-equiv="refresh"' not in page


def test_notice_story_has_a_page_and_a_working_short_link(site: Path, result: CheckResult) -> None:
    notice = [s for s in result.archive.stories if s.status == "notice"]
    assert notice
    listing = (site / "notice" / "index.html").read_text(encoding="utf-8")
    settings = load_project(site.parent / "mkdocs.yml").settings
    assert settings.objection_contact in listing
    for story in notice:
        assert story.title in listing
        assert story.process is not None and story.process.notice_start and story.process.notice_end
        assert story.process.notice_start.isoformat() in listing
        assert f'href="../stories/{story.year}/{story.id}/"' in listing
        page = site / "stories" / str(story.year) / story.id / "index.html"
        text = page.read_text(encoding="utf-8")
        parser = meta_of(page)
        assert parser.title.startswith(f"公示中：{story.title}")
        assert '<span class="hr-notice-badge">公示中</span>' in text and 'name="robots" content="noindex"' in text
        assert story.summary and story.summary in text and settings.objection_contact in text
        assert f"{story.process.notice_start} 至 {story.process.notice_end}" in text
        assert f"（{story.process.notice_end} 前）" in text  # the deadline for objections
        unit = result.archive.units[story.unit or ""]
        assert unit.name in text
        # posters printed during notice: the short link and its QR exist from the first day
        short = (site / "s" / story.id / "index.html").read_text(encoding="utf-8")
        assert f'content="0; url=../../stories/{story.year}/{story.id}/"' in short
        assert (site / "qr" / f"{story.id}.png").is_file()
        assert not (site / "poster" / story.id).exists()


def test_nothing_under_notice_counts_as_published(site: Path, result: CheckResult) -> None:
    notice = [s for s in result.archive.stories if s.status == "notice"]
    assert notice
    counted = [site / "feed.xml", site / "sitemap.xml", *(site / "data").rglob("*.json"), *(site / "search").rglob("*")]
    counted += [site / "index.html", *(site / "years").rglob("*.html"), *(site / "units").rglob("*.html")]
    for path in counted:
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            for story in notice:
                assert story.id not in text and (story.title or "\0") not in text, (path, story.id)


def test_sitemap_and_feed_list_published_stories_only(site: Path, result: CheckResult) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    locs = {e.text for e in ET.parse(site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)}
    for story in result.archive.stories:
        url = f"{SAMPLE_SITE_URL}stories/{story.year}/{story.id}/"
        assert (url in locs) == story.is_published, story.id
    assert f"{SAMPLE_SITE_URL}years/2024/" in locs
    assert not any("/poster/" in loc for loc in locs if loc)
    feed = ET.parse(site / "feed.xml").getroot()
    links = [e.get("href") for e in feed.findall("a:entry/a:link", ns)]
    assert links and all(link and link.startswith(SAMPLE_SITE_URL + "stories/") for link in links)


def test_story_page_has_share_metadata_and_qr(site: Path, result: CheckResult) -> None:
    story = next(s for s in result.archive.published() if s.cover is not None)
    html = (site / "stories" / str(story.year) / story.id / "index.html").read_text(encoding="utf-8")
    assert f'<meta property="og:title" content="{story.title}">' in html
    assert '<meta property="og:description"' in html
    image = re.search(r'<meta property="og:image" content="([^"]+)">', html)
    # the cover's largest re-encoded size, with its pixels (the original is never published)
    assert image and image.group(1).startswith(f"{SAMPLE_SITE_URL}media/")
    assert (site / image.group(1).removeprefix(SAMPLE_SITE_URL)).is_file()
    assert '<meta property="og:image:width"' in html and '<meta property="og:image:height"' in html
    assert '<svg class="hr-qr"' in html
    # the short address as readers see it, breakable after each slash only (never inside a word)
    shown = re.search(r'class="hr-share__url" href="[^"]*">(.*?)</a>', html)
    assert shown and shown.group(1).replace("<wbr>", "") == f"{SAMPLE_SITE_URL}s/{story.id}/"
    assert all(part.endswith("/") for part in shown.group(1).split("<wbr>")[:-1])


def test_stories_stay_out_of_the_navigation_and_pages_stay_small(site: Path, result: CheckResult) -> None:
    story = result.archive.published()[0]
    html = (site / "stories" / str(story.year) / story.id / "index.html").read_text(encoding="utf-8")
    nav = html[html.index("md-nav--primary") :]  # "md-nav--lifted" too, with navigation tabs
    nav = nav[: nav.index("</nav>")]
    assert "stories/" not in nav and "honors/" in nav
    assert (site / "index.html").stat().st_size < 60_000
    for page in site.rglob("index.html"):
        assert page.stat().st_size < 120_000, page


def test_production_build_needs_site_url(repo: ContentRepo) -> None:
    repo.write_story()
    config_path = repo.write_config()
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    del config["site_url"]
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    built = mkdocs_build(repo.root)
    assert built.returncode != 0
    assert "site_url" in built.stderr and "生产构建" in built.stderr


def test_sample_copy_keeps_the_configured_site_url(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "x")
    assert f"site_url: {SAMPLE_SITE_URL}" in (root / "mkdocs.yml").read_text(encoding="utf-8")


class Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.images: list[dict[str, str]] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and "property" in values:
            self.meta[values["property"]] = values.get("content", "")
        if tag == "img":
            self.images.append(values)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def meta_of(path: Path) -> Meta:
    parser = Meta()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_page_type_has_an_absolute_share_image_that_exists(site: Path, result: CheckResult) -> None:
    from PIL import Image

    with_cover = next(s for s in result.archive.published() if s.cover is not None)
    without = next(s for s in result.archive.published() if s.cover is None)
    pages = [
        "index.html", "years/index.html", "years/2024/index.html", "units/index.html", "categories/index.html",
        "honors/index.html", "notice/index.html", "search/index.html", "about/index.html", "404.html",
        f"stories/{with_cover.year}/{with_cover.id}/index.html", f"stories/{without.year}/{without.id}/index.html",
        f"units/{with_cover.unit}/index.html",
    ]  # fmt: skip
    seen = {}
    for name in pages:
        meta = meta_of(site / name).meta
        url = meta["og:image"]
        assert url.startswith(SAMPLE_SITE_URL), name
        with Image.open(site / url.removeprefix(SAMPLE_SITE_URL)) as image:
            assert image.format == "JPEG", name  # WeChat's card may not show WebP or PNG
            assert (meta["og:image:width"], meta["og:image:height"]) == (str(image.width), str(image.height)), name
        seen[name] = url.removeprefix(SAMPLE_SITE_URL)
    # share_cards: site (the default): the cover's largest size, else the site's card drawn once
    assert seen[pages[-3]].startswith("media/") and seen[pages[-2]] == "share/site.jpg" == seen["index.html"]
    assert sorted(p.name for p in (site / "share").iterdir()) == ["site.jpg"]
    assert meta_of(site / "index.html").title == "青屿市光荣榜（示例）"  # the site's name once, not twice


def test_every_image_has_its_size_and_covers_have_srcset(site: Path, html_files: list[Path]) -> None:
    covers = cards = 0
    for path in html_files:
        text = path.read_text(encoding="utf-8")
        for image in meta_of(path).images:
            assert image.get("width", "").isdigit() and image.get("height", "").isdigit(), (path, image)
            assert image["src"].split("/")[-3] == "media", (path, image)  # only re-encoded copies
        for cover in re.findall(r'<figure class="hr-cover"><img [^>]*>', text):
            covers += 1
            assert 'srcset="' in cover and 'sizes="' in cover and 'fetchpriority="high"' in cover, path
            assert "loading=" not in cover, path  # the largest image above the fold is never lazy
        for card in re.findall(r'<div class="hr-card__media"><img [^>]*>', text):
            cards += 1
            assert 'loading="lazy"' in card and re.search(r'-(\d+)\.jpg"', card).group(1) == "320", path  # type: ignore[union-attr]
    assert covers > 5 and cards > 5
