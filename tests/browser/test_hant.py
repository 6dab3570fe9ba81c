"""Both scripts in Chromium: the switch lands on the same story, search finds it typed either way."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import STORY, only_local


def test_switch_scripts_on_a_story_page(site: str, page: Any) -> None:
    page.goto(site + STORY, wait_until="networkidle")
    assert page.locator("html").get_attribute("lang") == "zh"
    page.locator("header a[data-hr-script='zh-Hant']").click()
    page.wait_for_url("**/zh-hant/" + STORY)
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    assert "何蘭心" in page.locator("article").inner_text()
    page.locator("header a[data-hr-script='zh-Hans']").click()
    page.wait_for_url(site + STORY)
    assert page.locator("html").get_attribute("lang") == "zh"
    only_local(page.requests)


def search(page: Any, url: str, query: str) -> list[str]:
    page.goto(url, wait_until="networkidle")
    box = page.locator("#hr-search-q")
    box.fill(query)
    box.press("Enter")
    page.locator("#hr-search-results li").first.wait_for()
    return [str(a.get_attribute("href")) for a in page.locator("#hr-search-results li a").all()]


def test_traditional_query_on_the_simplified_edition(site: str, page: Any) -> None:
    hrefs = search(page, site + "search/", "見義勇為")
    assert page.locator("#hr-search-status").inner_text().startswith("找到 ")
    assert hrefs and hrefs == search(page, site + "search/", "见义勇为")
    mark = search(page, site + "search/", "何蘭心")  # a name typed in Traditional, highlighted in Simplified
    assert mark[0].endswith(STORY)
    assert page.locator("#hr-search-results mark").first.inner_text() == "何兰心"
    only_local(page.requests)


def test_simplified_query_on_the_traditional_edition(site: str, page: Any) -> None:
    hrefs = search(page, site + "zh-hant/search/", "见义勇为")
    assert page.locator("#hr-search-status").inner_text().endswith(" 個故事")
    assert hrefs and hrefs == search(page, site + "zh-hant/search/", "見義勇為")
    search(page, site + "zh-hant/search/", "何兰心")
    assert page.locator("#hr-search-results mark").first.inner_text() == "何蘭心"
    page.locator("#hr-search-results li a").first.click()
    page.wait_for_url("**/zh-hant/" + STORY)
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    only_local(page.requests)
