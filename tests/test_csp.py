"""Content-Security-Policy on every page: only the site itself, and only the theme's own inline scripts."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from honorroll.site.csp import inline_script_hashes, policy
from tests.conftest import ROOT, ContentRepo
from tests.sitebuild import build_sample


def sha(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def test_hashes_cover_executable_inline_scripts_only() -> None:
    html = (
        '<script>a()</script><script src="x.js"></script><script type="application/json">{"a":1}</script>'
        '<script type="module">b()</script><p>c()</p>'
    )
    assert inline_script_hashes(html) == (sha("a()"), sha("b()"))
    text = str(policy([sha("a()")]))
    assert f"script-src 'self' 'sha256-{sha('a()')}'" in text
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'"):
        assert directive in text
    assert "frame-src 'none'" in text and "img-src 'self' data:" in text
    assert "'unsafe-inline'" not in text.split("script-src")[1].split(";")[0]
    assert "script-src 'self' 'unsafe-inline'" in str(policy([sha("a()")], allow_inline_scripts=True))


class Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.first: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(self.first) < 5:
            self.first.append((tag, dict(attrs)))
        if tag == "script":
            names = dict(attrs)
            self._script = None if "src" in names or names.get("type") == "application/json" else []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
        if tag == "script":
            self._script = None


def policy_of(path: Path) -> tuple[str, list[str]]:
    """The page's policy (which must come first in <head>, after the charset) and its inline scripts."""
    head = Head()
    head.feed(path.read_text(encoding="utf-8"))
    order = [attrs.get("http-equiv") or attrs.get("charset") or tag for tag, attrs in head.first]
    assert order[:4] == ["html", "head", "utf-8", "Content-Security-Policy"], (path, order)
    return str(head.first[3][1]["content"]), head.scripts


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("csp") / "root")


PAGES = [
    "index.html",
    "stories/2024/2024-no1-he-lanxin/index.html",
    "years/2024/index.html",
    "units/qy-no1-school/index.html",
    "about/index.html",
    "search/index.html",
    "poster/2024-no1-he-lanxin/index.html",
    "s/2024-no1-he-lanxin/index.html",
    "s/2024-no1-xie-wenbo/index.html",  # withdrawn
    "404.html",
]


def test_every_page_allows_only_the_site_and_its_theme_scripts(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert {site / p for p in PAGES} <= set(pages)
    for page in pages:
        text, scripts = policy_of(page)
        assert text.startswith("default-src 'self'; script-src 'self'"), page
        allowed = set(re.findall(r"'sha256-([^']+)'", text))
        assert {sha(s) for s in scripts} <= allowed, page
        assert "unsafe-inline" not in text.split("script-src")[1].split(";")[0], page
    material, _ = policy_of(site / "index.html")
    assert len(re.findall(r"'sha256-", material)) >= 2  # Material's own inline scripts are allowed by hash


OVERRIDE = """{#- a site's footer partial with one fixed inline script and one that prints a page field -#}
<script>window.hrThemeScript = 1;</script>
<script>window.hrPageTitle = "{{ page.title }}";</script>
"""


def test_a_script_that_depends_on_content_is_never_hashed(tmp_path: Path) -> None:
    repo = ContentRepo(tmp_path)
    repo.write_story()
    (tmp_path / "pages" / "about.md").write_text("# 关于本站\n\n正文。\n", encoding="utf-8")
    (tmp_path / "overrides" / "partials").mkdir(parents=True)
    (tmp_path / "overrides" / "partials" / "copyright.html").write_text(OVERRIDE, encoding="utf-8")
    config = repo.write_config(stamp_story_pages=False)  # fast mode refuses chrome that shows the page
    config.write_text(
        config.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert built.returncode == 0, built.stderr
    for page in ("about/index.html", "years/2024/index.html", "stories/2024/2024-lin-postman/index.html"):
        text, scripts = policy_of(tmp_path / "build" / page)
        allowed = set(re.findall(r"'sha256-([^']+)'", text))
        fixed = "window.hrThemeScript = 1;"
        from_page = [s for s in scripts if s.startswith("window.hrPageTitle")]
        assert fixed in scripts and sha(fixed) in allowed, page
        assert from_page and not {sha(s) for s in from_page} & allowed, page
