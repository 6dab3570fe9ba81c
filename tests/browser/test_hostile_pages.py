"""A hostile story that passes the check (its payloads sit in fields the check allows) on every kind of page.

Chromium loads each page; nothing may run (no dialog, no marker set by a payload) and no request
may leave 127.0.0.1. Payloads sit in every front-matter field a page shows, in the unit file
that every list page shows, and in the search results, which are built by JavaScript.
"""

from __future__ import annotations

import threading
import xml.dom.minidom
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.browser.conftest import PREFIX, QuietHandler, only_local
from tests.sitebuild import build_sample, copy_sample, mkdocs_build

MARK = "window.__pwned=1"
STORY_ID = "2025-edu-hostile"
# Each payload tries another context: element, attribute (both quotes), URL, script, template syntax.
PAYLOADS = [
    f"<img src=x onerror={MARK}>",
    f'"><svg onload={MARK}>',
    f"'><script>{MARK}</script>",
    "{{ config.site_name }}{% raw %}",
    f"javascript:{MARK}",
    f"</title><script>{MARK}</script>",
]


def _hostile_story(root: Path) -> None:
    source = root / "stories" / "2025" / "2025-edu-gao-yanan.md"
    text = source.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    data = yaml.safe_load(front.removeprefix("---\n"))
    data["title"] = PAYLOADS[0][:60]
    data["summary"] = (PAYLOADS[1] + PAYLOADS[2])[:100]
    data["subject"]["name"] = PAYLOADS[2][:40]
    data["subject"]["position"] = PAYLOADS[5][:40]
    data["tags"] = [p[:20] for p in PAYLOADS]
    body = f"正文里的“{PAYLOADS[3]}”只是文字。\n\n[站内链接](../)\n\n" + body
    target = root / "stories" / "2025" / f"{STORY_ID}.md"
    target.write_text(
        "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body, encoding="utf-8"
    )
    unit = root / "units" / "city-edu.yml"
    unit_data = yaml.safe_load(unit.read_text(encoding="utf-8"))
    unit_data["short_name"] = PAYLOADS[1][:20]
    unit_data["description"] = " ".join(PAYLOADS)
    unit.write_text(yaml.safe_dump(unit_data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("hostile")
    www = tmp / "www"
    www.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(www)))
    base = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    root = copy_sample(tmp / "site", site_url=base)
    _hostile_story(root)
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    (www / PREFIX.strip("/")).symlink_to(root / "build", target_is_directory=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, root / "build"
    server.shutdown()
    server.server_close()


PAGES = [
    "",
    f"stories/2025/{STORY_ID}/",
    f"poster/{STORY_ID}/",
    f"s/{STORY_ID}/",
    "years/2025/",
    "units/",
    "units/city-edu/",
    "categories/",
    "honors/",
    "notice/",
    "search/?q=onerror",
    "search/?q=script",
    "no-such-page/",
]


@pytest.mark.parametrize("path", PAGES)
def test_nothing_runs_and_nothing_leaves_the_site(hostile_site: tuple[str, Path], browser: Any, path: str) -> None:
    base, _build = hostile_site
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base + path, wait_until="networkidle")
    if path.startswith("search/"):
        page.wait_for_function("document.getElementById('hr-search-status').textContent.length > 0")
    assert page.evaluate("window.__pwned === undefined")
    assert dialogs == []
    only_local(requests)
    context.close()


def test_the_payloads_are_shown_as_text(hostile_site: tuple[str, Path], browser: Any) -> None:
    base, _build = hostile_site
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + f"stories/2025/{STORY_ID}/", wait_until="networkidle")
    assert page.locator("h1").first.inner_text() == PAYLOADS[0]
    assert PAYLOADS[3] in page.locator("article").first.inner_text()  # template syntax stays literal
    context.close()


def test_feed_and_sitemap_stay_well_formed(hostile_site: tuple[str, Path]) -> None:
    _base, build = hostile_site
    for name in ("feed.xml", "sitemap.xml"):
        xml.dom.minidom.parse(str(build / name))  # raises on a broken document


def test_sample_still_builds_cleanly(tmp_path: Path) -> None:
    assert (build_sample(tmp_path) / "index.html").is_file()
