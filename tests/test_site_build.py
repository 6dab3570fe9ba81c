"""The sample site, built once: links resolve, short links, withdrawn and notice stories, no outside URLs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
import yaml

from honorroll.checker import CheckResult, check_repository
from honorroll.config import effective_today
from honorroll.settings import load_project
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
    outside = []
    for page in [*html_files, site / "feed.xml", site / "sitemap.xml"]:
        text = page.read_text(encoding="utf-8")
        for url in re.findall(r"""(?:href|src|content|action)\s*=\s*["']?(https?://[^"'\s>]+)""", text):
            if not url.startswith(SAMPLE_SITE_URL):
                outside.append((page.name, url))
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


def test_withdrawn_story_only_has_its_withdrawn_page(site: Path, result: CheckResult) -> None:
    withdrawn = [s for s in result.archive.stories if s.status == "withdrawn"]
    assert withdrawn
    for story in withdrawn:
        mentions = []
        for p in site.rglob("*"):
            rel = p.relative_to(site).as_posix()
            text = p.read_text(encoding="utf-8", errors="replace") if p.suffix in TEXT else ""
            if p.is_file() and (story.id in rel or story.id in text or (story.title or "\0") in text):
                mentions.append(rel)
        # its withdrawn page, and that page's Traditional Chinese copy (honorroll.site.hant)
        assert sorted(mentions) == [f"s/{story.id}/index.html", f"zh-hant/s/{story.id}/index.html"]
        page = (site / "s" / story.id / "index.html").read_text(encoding="utf-8")
        assert "已撤下" in page and 'name="robots" content="noindex"' in page
        assert story.title not in page and (story.withdrawn_reason or "\0") not in page


def test_notice_story_is_on_the_notice_page(site: Path, result: CheckResult) -> None:
    notice = [s for s in result.archive.stories if s.status == "notice"]
    assert notice
    page = (site / "notice" / "index.html").read_text(encoding="utf-8")
    settings = load_project(site.parent / "mkdocs.yml").settings
    assert settings.objection_contact in page
    for story in notice:
        assert story.title in page
        assert story.process is not None and story.process.notice_start is not None
        assert story.process.notice_start.isoformat() in page
        assert not (site / "stories" / str(story.year) / story.id).exists()


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
    assert image and image.group(1) == f"{SAMPLE_SITE_URL}stories/{story.year}/{story.id}/{story.cover.src}"  # type: ignore[union-attr]
    assert '<svg class="hr-qr"' in html
    assert f"{SAMPLE_SITE_URL}s/{story.id}/" in html


def test_stories_stay_out_of_the_navigation_and_pages_stay_small(site: Path, result: CheckResult) -> None:
    story = result.archive.published()[0]
    html = (site / "stories" / str(story.year) / story.id / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
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
