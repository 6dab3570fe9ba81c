"""The built sample site in Chromium at phone size: looks, QR round trip, no outside requests, axe."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.sitebuild import ROOT, build_sample

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
PREFIX = "/guangrongbang/"
STORY = "stories/2024/2024-no1-he-lanxin/"
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site built for, and served at, http://127.0.0.1:<port>/guangrongbang/."""
    tmp = tmp_path_factory.mktemp("browser")
    www = tmp / "www"
    www.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(www)))
    base = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    build = build_sample(tmp / "site", site_url=base)
    (www / PREFIX.strip("/")).symlink_to(build, target_is_directory=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="zh-CN")
    pg = context.new_page()
    pg.requests = []  # type: ignore[attr-defined]
    pg.on("request", lambda request: pg.requests.append(request.url))
    yield pg
    context.close()


def _only_local(urls: list[str]) -> None:
    outside = [u for u in urls if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname != "127.0.0.1"]
    assert outside == []


def _shot(pg: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    pg.screenshot(path=str(path), full_page=True)
    return path


def test_home_page_on_a_phone(site: str, page: Any) -> None:
    page.goto(site, wait_until="networkidle")
    assert page.locator(".hr-hero__title").inner_text().startswith("青屿市光荣榜")
    assert page.locator(".hr-card").count() >= 5
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "no sideways scrolling at 390 px"
    _shot(page, "home-phone.png")
    _only_local(page.requests)


def test_story_page_qr_leads_back_to_the_story(site: str, page: Any) -> None:
    page.goto(site + STORY, wait_until="networkidle")
    assert page.locator("h1").first.inner_text() == "讲台与病床之间的“双份坚守”"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot = _shot(page, "story-phone.png")
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(shot)], capture_output=True, text=True, check=False)
    assert decoded.returncode == 0, decoded.stderr
    url = decoded.stdout.strip()
    assert url == f"{site}s/2024-no1-he-lanxin/"
    page.goto(url)
    page.wait_for_url(site + STORY)
    assert page.locator("h1").first.inner_text() == "讲台与病床之间的“双份坚守”"
    _only_local(page.requests)


def test_home_page_on_a_desktop(site: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    seen: list[str] = []
    pg.on("request", lambda request: seen.append(request.url))
    pg.goto(site, wait_until="networkidle")
    _shot(pg, "home-desktop.png")
    context.close()
    _only_local(seen)


@pytest.mark.parametrize("path", ["", STORY, "notice/", "honors/", "units/qy-no1-school/", "s/2024-no1-xie-wenbo/"])
def test_no_serious_accessibility_violations(site: str, page: Any, path: str) -> None:
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    page.goto(site + path, wait_until="networkidle")
    results = axe_module.Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    _shot(page, "page-" + (path.strip("/").replace("/", "-") or "home") + ".png")
    _only_local(page.requests)


def test_poster_page_prints_on_a4(site: str, page: Any) -> None:
    page.goto(site + "poster/2024-no1-he-lanxin/", wait_until="networkidle")
    assert page.locator(".hr-poster .hr-qr").count() == 1
    pdf = Path(ARTIFACTS) / "poster.pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    page.emulate_media(media="print")
    _shot(page, "poster-print.png")
    page.pdf(path=str(pdf), format="A4")
    assert pdf.stat().st_size > 10_000
    assert shutil.which("zbarimg")
