"""The site's own settings and pages: nothing loads from another host, pages obey the story rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from honorroll.check.run import CheckResult, check_repository
from honorroll.engine.project import load_project, site_settings
from tests.conftest import TODAY, ContentRepo, errors
from tests.sitebuild import mkdocs_build


def _config(repo: ContentRepo, **changes: Any) -> Path:
    path = repo.write_config()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if key == "theme":
            data["theme"].update(value)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _check(repo: ContentRepo, config: Path) -> CheckResult:
    project = load_project(config)
    return check_repository(repo.root, project.settings, TODAY, site=site_settings(project))


CASES = {
    "cdn-script": ({"extra_javascript": ["https://cdn.example/x.js"]}, "extra_javascript", "cdn.example"),
    "protocol-relative-css": ({"extra_css": ["//cdn.example/x.css"]}, "extra_css", "cdn.example"),
    "google-fonts": ({"theme": {"font": {"text": "Noto Sans"}}}, "font", "font: false"),
    "analytics": ({"extra": {"analytics": {"provider": "google", "property": "G-X"}}}, "analytics", "删除"),
    "mermaid": (
        {
            "markdown_extensions": [
                {"pymdownx.superfences": {"custom_fences": [{"name": "mermaid", "class": "mermaid"}]}}
            ]
        },
        "custom_fences",
        "CDN",
    ),
    "logo-url": ({"theme": {"logo": "https://cdn.example/logo.png"}}, "logo", "cdn.example"),
    "social-plugin": (
        {"plugins": ["social", {"honorroll": {"start_year": 2024, "today": "2024-06-28"}}]},
        "social",
        "social",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_outside_resources_in_site_settings_are_refused(repo: ContentRepo, name: str) -> None:
    changes, field, hint = CASES[name]
    repo.write_story()
    config = _config(repo, **changes)
    [problem] = errors(_check(repo, config), "outside")
    assert problem.file == "mkdocs.yml" and problem.field == field and hint in problem.message
    key_line = config.read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert field in key_line or (name == "google-fonts" and "font" in key_line)


def test_font_omitted_means_google_fonts(repo: ContentRepo) -> None:
    repo.write_story()
    config = repo.write_config()
    text = config.read_text(encoding="utf-8").replace("  font: false\n", "")
    config.write_text(text, encoding="utf-8")
    [problem] = errors(_check(repo, config), "outside")
    assert problem.field == "font"


def test_local_assets_pass(repo: ContentRepo) -> None:
    repo.write_story()
    config = _config(repo, extra_javascript=["js/extra.js"], extra_css=["css/extra.css"])
    assert errors(_check(repo, config)) == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("# 关于\n\n<script>alert(1)</script>\n", "safety"),
        ("# 关于\n\n![标志](https://cdn.example/logo.png)\n", "safety"),
        ("# 关于\n\n[点我](javascript:alert(1))\n", "safety"),
        ("# 关于\n\n联系人电话 13812345678\n", "privacy"),
    ],
)
def test_site_pages_obey_the_story_rules(repo: ContentRepo, text: str, rule: str) -> None:
    repo.write_story()
    (repo.root / "pages" / "about.md").write_text(f"---\ntitle: 关于\n---\n{text}", encoding="utf-8")
    [problem] = errors(_check(repo, repo.write_config()), rule)
    assert problem.file == "pages/about.md" and problem.line == 6


def test_the_build_refuses_a_cdn_script_and_keeps_the_last_site(repo: ContentRepo) -> None:
    repo.write_story()
    repo.write_config()
    first = mkdocs_build(repo.root)
    assert first.returncode == 0, first.stderr
    index = repo.root / "build" / "index.html"
    before = index.read_bytes()
    _config(repo, extra_javascript=["https://cdn.example/x.js"])
    result = mkdocs_build(repo.root)
    assert result.returncode != 0
    assert "mkdocs.yml" in result.stderr and "cdn.example" in result.stderr and "Traceback" not in result.stderr
    assert index.read_bytes() == before
