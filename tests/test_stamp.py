"""Stamped story pages: the same HTML MkDocs would render, made once and reused when nothing changed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _copy_sample(target: Path) -> Path:
    for name in ("mkdocs.yml", "pages", "stories", "units"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    return target


def _build(site: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def _normalised(path: Path) -> str:
    return re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def stamped_and_rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    stamped = _copy_sample(tmp_path_factory.mktemp("stamped"))
    _build(stamped)
    rendered = _copy_sample(tmp_path_factory.mktemp("rendered"))
    config = rendered / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - honorroll:\n", "  - honorroll:\n      stamp_story_pages: false\n"
        ),
        encoding="utf-8",
    )
    _build(rendered)
    return stamped / "build", rendered / "build"


@pytest.mark.parametrize(
    "page",
    [
        "stories/2024/2024-no1-he-lanxin/index.html",  # with a cover: share image
        "stories/2022/2022-edu-lin-xiaolan/index.html",
        "poster/2024-no1-he-lanxin/index.html",
        "s/2024-no1-he-lanxin/index.html",
    ],
)
def test_stamped_page_equals_the_page_mkdocs_renders(stamped_and_rendered: tuple[Path, Path], page: str) -> None:
    stamped, rendered = stamped_and_rendered
    assert _normalised(stamped / page) == _normalised(rendered / page)


def test_no_shell_or_slot_is_left_in_the_site(stamped_and_rendered: tuple[Path, Path]) -> None:
    stamped, _ = stamped_and_rendered
    assert not (stamped / "stories" / "0000").exists() and not (stamped / "poster" / "hr-shell").exists()
    leftovers = [p for p in stamped.rglob("*.html") if "hrslot0" in p.read_text(encoding="utf-8")]
    assert leftovers == []
    assert "2024-no1-he-lanxin" in (stamped / "sitemap.xml").read_text(encoding="utf-8")
    assert "hr-shell" not in (stamped / "sitemap.xml").read_text(encoding="utf-8")


def test_rebuild_renders_only_the_changed_story(tmp_path: Path) -> None:
    site = _copy_sample(tmp_path)
    assert "沿用上次构建 0 个" in _build(site)
    story = site / "stories" / "2022" / "2022-edu-lin-xiaolan.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n新增的一段话。\n", encoding="utf-8")
    log = _build(site)
    match = re.search(r"新生成 (\d+) 个，沿用上次构建 (\d+) 个", log)
    assert match is not None and match.group(1) == "1" and int(match.group(2)) > 40
    assert "新增的一段话" in (site / "build" / "stories" / "2022" / "2022-edu-lin-xiaolan" / "index.html").read_text(
        encoding="utf-8"
    )
