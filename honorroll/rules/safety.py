"""What a body may contain, told to the editor before the site drops it (see :mod:`honorroll.html_policy`).

The site sanitises every rendered body with the allow-list; these rules walk the same HTML
and report each thing that would be removed or refused, with its line, so nothing vanishes
without a word. Rendering costs about half a millisecond, so a body is rendered only when
it contains something Markdown could turn into markup beyond plain links and images; those
are checked straight from the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import markdown

from honorroll.content.model import Story
from honorroll.diagnostics import Diagnostic, Severity
from honorroll.html_policy import MARKDOWN_EXTENSIONS, Violation, image_refusal, link_refusal, violations
from honorroll.rules.context import CheckContext

# Raw HTML, character references, attribute lists, reference-style links and definitions, and
# links whose target starts on the next line: anything the inline scan below cannot judge.
# Admonitions (their kind becomes a class the allow-list may drop) and link targets with a tab or
# line break inside (browsers drop those characters, so "java<Tab>script:" is javascript:) too.
_NEEDS_RENDER = re.compile(
    r"<[A-Za-z!/?]|&#?\w+;|\{[:#.]|\{\s*\w+\s*=|\]\s*\[|^\s{0,3}\[[^\]\n]+\]:|\]\(\s*$"
    r"|^\s*(?:!!!|\?\?\?\+?)\s|\]\([^)\n]*\t",
    re.M,
)
_INLINE_TARGET = re.compile(r"(!?)\[[^\]\n]*\]\(\s*<?([^)\s>]*)")
_MARKDOWN: markdown.Markdown | None = None


def render_body(body: str) -> str:
    global _MARKDOWN
    if _MARKDOWN is None:  # one converter per process: building one loads every extension
        _MARKDOWN = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS))
    _MARKDOWN.reset()
    return str(_MARKDOWN.convert(body))


MAX_MARKUP_SIGNS = 2_000
"""More "[" or "<" than any story needs (a story with 2,000 links is a paste gone wrong): Markdown's
time grows with the square of their number, so such a body is refused before anything renders it."""


def _flood(body: str) -> tuple[int, Violation] | None:
    for sign in ("[", "<"):
        count = body.count(sign)
        if count > MAX_MARKUP_SIGNS:
            first = body.index(sign)
            message = (
                f"正文中有 {count:,} 个“{sign}”，超过 {MAX_MARKUP_SIGNS:,} 个：这通常是误粘贴了网页源代码或大量符号，"
                "请删除它们（故事正文用不到这么多链接或标签）"
            )
            return body.count("\n", 0, first), Violation(message, sign)
    return None


def body_violations(body: str) -> Iterator[tuple[int, Violation]]:
    """(line offset in ``body``, violation) for everything the sanitiser would drop or refuse."""
    flood = _flood(body)
    if flood is not None:
        yield flood
        return
    lines = body.splitlines()
    if _NEEDS_RENDER.search(body):
        for found in violations(render_body(body)):
            yield _locate(lines, found.needle), found
        return
    for offset, line in enumerate(lines):
        if "](" not in line:
            continue
        for match in _INLINE_TARGET.finditer(line):
            target = match.group(2)
            why = image_refusal(target) if match.group(1) else link_refusal(target)
            if why:
                yield offset, Violation(why, target)


def _locate(lines: list[str], needle: str) -> int:
    """The first line that shows ``needle``; the first line with markup when the source spells it otherwise."""
    lowered = needle.lower()
    for offset, line in enumerate(lines):
        if lowered in line.lower():
            return offset
    for offset, line in enumerate(lines):
        if _NEEDS_RENDER.search(line):
            return offset
    return 0


def body_diagnostics(file: str, first_line: int, body: str, field: str) -> Iterator[Diagnostic]:
    for offset, found in body_violations(body):
        yield Diagnostic(Severity.ERROR, "safety", file, first_line + offset, field, found.message)


def check_safety(story: Story, ctx: CheckContext) -> Iterator[Diagnostic]:
    yield from body_diagnostics(story.file, story.body_line, story.body, "正文")
