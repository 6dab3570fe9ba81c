"""The search page in Chromium at phone size: a name finds its story, ?q= works, nothing leaves the site."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import STORY, only_local, serious_accessibility_violations, shot


def test_typing_a_name_finds_the_story(site: str, page: Any) -> None:
    page.goto(site + "search/", wait_until="networkidle")
    box = page.get_by_label("搜索故事：姓名、单位或故事里的词语")
    box.fill("何兰心")
    box.press("Enter")
    first = page.locator("#hr-search-results li").first
    first.wait_for()
    assert page.locator("#hr-search-status").inner_text() == "找到 1 个故事"
    link = first.locator("a")
    assert link.get_attribute("href").endswith(STORY)
    assert first.locator("mark").first.inner_text() == "何兰心"
    assert "?q=" in page.url
    assert not page.locator("#hr-search-more").is_visible()  # one result: nothing more to show
    shot(page, "search-phone.png")
    link.click()
    page.wait_for_url("**/" + STORY)
    only_local(page.requests)


def test_query_in_the_address_and_withdrawn_stories(site: str, page: Any) -> None:
    page.goto(site + "search/?q=公交", wait_until="networkidle")
    page.locator("#hr-search-results li").first.wait_for()
    assert page.locator("#hr-search-status").inner_text().startswith("找到 ")
    assert page.locator("#hr-search-results li").count() >= 2
    page.goto(site + "search/?q=谢文博", wait_until="networkidle")  # withdrawn: on no public page
    page.wait_for_function("document.getElementById('hr-search-status').textContent.includes('没有找到')")
    assert page.locator("#hr-search-results li").count() == 0
    only_local(page.requests)


def test_header_magnifier_opens_the_search_page(site: str, page: Any) -> None:
    page.goto(site + STORY, wait_until="networkidle")
    page.locator("header a[aria-label='搜索']").click()
    page.wait_for_url("**/search/")
    assert page.title().startswith("搜索")


def test_search_page_has_no_serious_accessibility_violations(site: str, page: Any) -> None:
    page.goto(site + "search/?q=志愿", wait_until="networkidle")
    page.locator("#hr-search-results li").first.wait_for()
    assert serious_accessibility_violations(page) == []
    only_local(page.requests)
