"""Markup lives in the theme: no Python builds it, every template escapes, and a site can override any of it."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

from honorroll.engine.plugin import THEME_DIR
from tests.conftest import ROOT, ContentRepo

PACKAGE = ROOT / "honorroll"
# An element with an attribute, or a closing tag: what building HTML in a string looks like.
MARKUP = re.compile(r"<[a-zA-Z][\w-]*\s+[a-zA-Z-]+\s*=|</[a-zA-Z][\w-]*\s*>")
ALLOWED = {
    "site/qr.py": "the QR code's SVG drawing: geometry from the encoder, no text from content",
}


def _strings(path: Path) -> list[tuple[int, str]]:
    """String literals and f-string pieces; raw strings are regular expressions that read markup."""
    out = []
    for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if token.type == tokenize.STRING:
            prefix = re.match(r"[a-zA-Z]*", token.string).group(0).lower()  # type: ignore[union-attr]
            if "r" not in prefix or "f" in prefix:
                out.append((token.start[0], token.string))
        elif token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            out.append((token.start[0], token.string))
    return out


def test_no_python_module_builds_html() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in ALLOWED:
            continue
        found += [f"{rel}:{line}: {text[:60]}" for line, text in _strings(path) if MARKUP.search(text)]
    assert found == [], "markup belongs in honorroll/theme/ templates, fed by views.py"


def test_the_markup_check_finds_markup(tmp_path: Path) -> None:
    sample = "x = f'<a href=\"{url}\">'\ny = \"</div>\"\nz = r'<h1 class=x>'\nw = '<script> 脚本'\n"
    path = tmp_path / "markup_sample.py"
    path.write_text(sample, encoding="utf-8")
    hits = [text for _line, text in _strings(path) if MARKUP.search(text)]
    assert len(hits) == 2 and "</div>" in hits[1]


def test_every_template_escapes() -> None:
    """Templates MkDocs renders say so themselves (its environment does not autoescape); the book's
    templates are rendered by an environment that always does (checked below)."""
    from honorroll.book.render import environment

    assert environment(None).autoescape is True
    templates = [
        p
        for p in THEME_DIR.rglob("*")
        if p.suffix in (".html", ".xml") and p.is_file() and p.relative_to(THEME_DIR).parts[0] != "book"
    ]
    assert len(templates) > 25
    missing = []
    for path in templates:
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        blocks = re.findall(r"\{%-?\s*block\s+\w+\s*-?%\}(.*?)\{%-?\s*endblock", text, flags=re.S)
        if "{% extends" in text:
            unescaped = [b for b in blocks if "{{" in b and "autoescape true" not in b]
        else:
            unescaped = [] if "autoescape true" in text or "{{" not in text else [text]
        if unescaped:
            missing.append(path.relative_to(THEME_DIR).as_posix())
    assert missing == []


DOC = ROOT / "docs" / "theming.md"


def _documented_override() -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"`overrides/partials/hr-story.html`.*?```jinja\n(.*?)```", text, flags=re.S)
    assert match, "docs/theming.md shows an override of partials/hr-story.html"
    return match.group(1)


def _build(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, capture_output=True, text=True, env=env)


CARD_OVERRIDE = """{% autoescape true -%}
<li class="my-card"><a href="{{ card.href }}">{{ card.title }}（{{ card.unit }}）</a></li>
{%- endautoescape %}
"""


@pytest.mark.parametrize("fast", [True, False])
def test_the_documented_override_changes_the_site(tmp_path: Path, fast: bool) -> None:
    repo = ContentRepo(tmp_path)
    repo.write_story(changes={"title": "深山邮路上的<不老松>"})
    overrides = tmp_path / "overrides" / "partials"
    overrides.mkdir(parents=True)
    (overrides / "hr-story.html").write_text(_documented_override(), encoding="utf-8")
    (overrides / "hr-card.html").write_text(CARD_OVERRIDE, encoding="utf-8")
    config = repo.write_config(stamp_story_pages=fast)
    config.write_text(
        config.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"),
        encoding="utf-8",
    )
    assert "custom_dir: overrides" in config.read_text(encoding="utf-8")
    built = _build(tmp_path)
    assert built.returncode == 0, built.stderr
    story = (tmp_path / "build/stories/2024/2024-lin-postman/index.html").read_text(encoding="utf-8")
    assert '<p class="site-note">转载《深山邮路上的&lt;不老松&gt;》请注明出处：测试站点</p>' in story
    year = (tmp_path / "build/years/2024/index.html").read_text(encoding="utf-8")
    assert (
        '<li class="my-card"><a href="../../stories/2024/2024-lin-postman/">深山邮路上的&lt;不老松&gt;（市邮政管理局）</a>'
        in year
    )
    assert 'class="hr-card"' not in year
    if fast:  # the stamped pages' key covers the site's templates: an edited override is never stale
        (overrides / "hr-story.html").write_text(_documented_override().replace("转载", "引用"), encoding="utf-8")
        assert _build(tmp_path).returncode == 0
        story = (tmp_path / "build/stories/2024/2024-lin-postman/index.html").read_text(encoding="utf-8")
        assert "引用《深山邮路上的&lt;不老松&gt;》" in story


def test_a_region_that_reaches_outside_its_view_fails_the_build(tmp_path: Path) -> None:
    repo = ContentRepo(tmp_path)
    repo.write_story()
    overrides = tmp_path / "overrides" / "partials"
    overrides.mkdir(parents=True)
    (overrides / "hr-topic.html").write_text("{{ page.title }}", encoding="utf-8")
    config = repo.write_config()
    config.write_text(
        config.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"),
        encoding="utf-8",
    )
    built = _build(tmp_path)
    assert built.returncode != 0
    assert "partials/hr-topic.html" in built.stderr and "只能使用 hr" in built.stderr
    assert "Traceback" not in built.stderr
