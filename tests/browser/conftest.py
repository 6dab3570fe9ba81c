"""Browser fixtures: the sample site built and served on 127.0.0.1, Debian's Chromium, a phone page.

Outside CI a machine without Chromium or Playwright skips these tests; in CI (``CI=true``)
they must run, so a missing browser fails the run instead of passing quietly.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.sitebuild import ROOT, build_sample

IN_CI = os.environ.get("CI") == "true"
if IN_CI:
    import playwright.sync_api as sync_api
else:
    sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
PREFIX = "/guangrongbang/"
STORY = "stories/2024/2024-no1-he-lanxin/"
PHONE = {"width": 390, "height": 844}


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
    if not IN_CI and not Path(CHROMIUM).exists():
        pytest.skip("needs Debian chromium")
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


def only_local(urls: list[str]) -> None:
    outside = [u for u in urls if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname != "127.0.0.1"]
    assert outside == []


def shot(pg: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    pg.screenshot(path=str(path), full_page=True)
    return path


def serious_accessibility_violations(pg: Any) -> list[tuple[str, str, list[Any]]]:
    """axe-core's serious and critical findings on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(pg)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
