"""The Content-Security-Policy in Chromium: the theme's own scripts run on every kind of page without a
violation, and a script that got into a page past the sanitiser would not run."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import PHONE, STORY, only_local

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sample || ""));
});
"""


@pytest.fixture
def watched(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.add_init_script(RECORD_VIOLATIONS)
    pg = context.new_page()
    pg.requests = []  # type: ignore[attr-defined]
    pg.console_errors = []  # type: ignore[attr-defined]
    pg.on("request", lambda request: pg.requests.append(request.url))
    pg.on("console", lambda message: message.type == "error" and pg.console_errors.append(message.text))
    yield pg
    context.close()


MATERIAL_PAGES = ["", STORY, "years/2024/", "units/qy-no1-school/", "honors/", "notice/", "about/", "search/?q=志愿"]
OWN_PAGES = ["poster/2024-no1-he-lanxin/", "s/2024-no1-xie-wenbo/", "404.html"]


@pytest.mark.parametrize("path", MATERIAL_PAGES + OWN_PAGES)
def test_the_theme_runs_without_a_violation(site: str, watched: Any, path: str) -> None:
    watched.goto(site + path, wait_until="networkidle")
    assert watched.evaluate("window.__csp") == []
    assert [m for m in watched.console_errors if "Content Security Policy" in m] == []
    policy = watched.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert policy.startswith("default-src 'self'")
    if path in MATERIAL_PAGES:  # Material's inline script ran (allowed by its hash), and so did its bundle
        assert watched.evaluate("typeof window.__md_get") == "function"
        assert watched.evaluate("typeof window.document$") == "object"
    only_local(watched.requests)


def test_the_short_link_still_redirects(site: str, watched: Any) -> None:
    watched.goto(site + "s/2024-no1-he-lanxin/")
    watched.wait_for_url(site + STORY)
    assert watched.evaluate("window.__csp") == []


INJECTED = (
    "<script>window.__pwned = 1;</script>"
    '<img src="x.png" onerror="window.__pwned = 2">'
    '<a id="hr-bad" href="#" onclick="window.__pwned = 3">x</a>'
    '<script src="https://evil.example/x.js"></script>'
)


def test_a_script_that_slipped_into_a_page_is_blocked(site: str, watched: Any) -> None:
    """As if a field had reached the page unescaped: the policy is the second wall."""
    html = urllib.request.urlopen(site + STORY).read().decode("utf-8")
    assert '<div class="hr-body">' in html
    html = html.replace('<div class="hr-body">', '<div class="hr-body">' + INJECTED, 1)
    fake = site + "stories/2024/hr-injected/"
    watched.route(fake, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))
    watched.goto(fake, wait_until="networkidle")
    watched.locator("#hr-bad").click()
    assert watched.evaluate("window.__pwned") is None
    violations = watched.evaluate("window.__csp")
    assert any(v.startswith("script-src-elem inline") for v in violations), violations
    assert any(v.startswith("script-src-attr inline") for v in violations), violations
    assert any(v.startswith("script-src-elem https://evil.example/x.js") for v in violations), violations
    assert watched.evaluate("typeof window.__md_get") == "function"  # the theme's own scripts still ran
