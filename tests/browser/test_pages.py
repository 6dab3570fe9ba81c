"""The built sample site in Chromium at phone size: looks, QR round trip, no outside requests, axe."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, PHONE, STORY, only_local, serious_accessibility_violations, shot


def test_home_page_on_a_phone(site: str, page: Any) -> None:
    page.goto(site, wait_until="networkidle")
    assert page.locator(".hr-hero__title").inner_text().startswith("青屿市光荣榜")
    assert page.locator(".hr-card").count() >= 5
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "no sideways scrolling at 390 px"
    shot(page, "home-phone.png")
    only_local(page.requests)


def test_story_page_qr_leads_back_to_the_story(site: str, page: Any) -> None:
    page.goto(site + STORY, wait_until="networkidle")
    assert page.locator("h1").first.inner_text() == "讲台与病床之间的“双份坚守”"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    picture = shot(page, "story-phone.png")
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(picture)], capture_output=True, text=True, check=False)
    assert decoded.returncode == 0, decoded.stderr
    url = decoded.stdout.strip()
    assert url == f"{site}s/2024-no1-he-lanxin/"
    page.goto(url)
    page.wait_for_url(site + STORY)
    assert page.locator("h1").first.inner_text() == "讲台与病床之间的“双份坚守”"
    only_local(page.requests)


def test_home_page_on_a_desktop(site: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    seen: list[str] = []
    pg.on("request", lambda request: seen.append(request.url))
    pg.goto(site, wait_until="networkidle")
    shot(pg, "home-desktop.png")
    context.close()
    only_local(seen)


@pytest.mark.parametrize(
    "path",
    [
        "", STORY, "notice/", "honors/", "units/qy-no1-school/", "s/2024-no1-xie-wenbo/",
        "stories/2024/2024-no1-xie-wenbo/", "stories/2026/2026-bus-silent-car-team/",
    ],
)  # fmt: skip
def test_no_serious_accessibility_violations(site: str, page: Any, path: str) -> None:
    page.goto(site + path, wait_until="networkidle")
    assert serious_accessibility_violations(page) == []
    shot(page, "page-" + (path.strip("/").replace("/", "-") or "home") + ".png")
    only_local(page.requests)


def test_poster_page_prints_on_a4(site: str, page: Any) -> None:
    page.goto(site + "poster/2024-no1-he-lanxin/", wait_until="networkidle")
    assert page.locator(".hr-poster .hr-qr").count() == 1
    pdf = Path(ARTIFACTS) / "poster.pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    page.emulate_media(media="print")
    shot(page, "poster-print.png")
    page.pdf(path=str(pdf), format="A4")
    assert pdf.stat().st_size > 10_000
    assert shutil.which("zbarimg")


def test_desktop_has_navigation_a_reading_column_and_a_clean_print(site: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.goto(site + STORY, wait_until="networkidle")
    tabs = pg.locator(".md-tabs")
    assert tabs.is_visible()
    labels = [t.strip() for t in tabs.locator("a").all_inner_texts()]
    assert labels[:6] == ["光荣榜", "历年", "单位", "类别", "荣誉榜", "公示"]
    column = pg.locator(".hr-article").bounding_box()
    assert column is not None and 480 < column["width"] < 700  # not the 1,190 px it was
    pg.emulate_media(media="print")
    assert not pg.locator(".md-header").is_visible() and not tabs.is_visible()
    assert pg.locator(".hr-article h1").is_visible() and pg.locator(".hr-share .hr-qr").is_visible()
    context.close()


@pytest.mark.parametrize("width", [320, 390])
def test_phones_never_scroll_sideways_and_words_stay_whole(site: str, browser: Any, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    pg = context.new_page()
    for path in ["", STORY, "units/qy-no1-school/", "years/", "notice/", "stories/2026/2026-bus-silent-car-team/"]:
        pg.goto(site + path, wait_until="networkidle")
        overflow = pg.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, overflow)
        # an empty footer leaves no dark band at the foot of the page
        assert not pg.locator(".md-footer-meta").is_visible(), path
    pg.goto(site, wait_until="networkidle")
    for label in pg.locator(".hr-stats dt, ul.hr-years a span").all():
        box = label.bounding_box()
        line = float(label.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || e.offsetHeight"))
        assert box is not None and box["height"] < 1.6 * line, label.inner_text()  # on one line
    context.close()
