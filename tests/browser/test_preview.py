"""A reviewer's preview in Chromium: the sample built as CI builds it (site_url on example.org), served by
`honorroll preview`; story links open stories and search finds them, which a site opened from disk cannot do."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from honorroll.cli import preview
from tests.browser.conftest import STORY, only_local
from tests.sitebuild import build_sample


@pytest.fixture(scope="module")
def previewed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_sample(tmp_path_factory.mktemp("preview") / "site")  # the sample's own site_url, as in CI
    with preview.make_server(site, preview.site_prefix(site, None), 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}/"
        server.shutdown()


def test_story_links_open_stories(previewed: str, page: Any) -> None:
    page.goto(previewed, wait_until="networkidle")
    assert page.url == previewed + "guangrongbang/"
    link = page.locator('main a[href*="stories/20"]').first  # a card of the latest year
    target = link.get_attribute("href").removeprefix("./")
    link.click()
    page.wait_for_url(previewed + "guangrongbang/" + target)
    assert page.locator("h1").first.inner_text() != ""
    assert "Index of" not in page.content()
    only_local(page.requests)


def test_search_finds_a_story(previewed: str, page: Any) -> None:
    page.goto(previewed + "guangrongbang/search/?q=何兰心", wait_until="networkidle")
    page.locator(f'main a[href$="{STORY}"]').first.wait_for()
    only_local(page.requests)


def test_a_missing_page_is_the_sites_404(previewed: str, page: Any) -> None:
    response = page.goto(previewed + "guangrongbang/stories/2024/", wait_until="networkidle")
    assert response.status == 404
    assert "Index of" not in page.content() and page.locator("header").count() >= 1
    only_local(page.requests)
