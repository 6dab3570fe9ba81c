"""The MkDocs build: checks first, pages per published story, and never half a site."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ContentRepo


def _build(repo: ContentRepo) -> subprocess.CompletedProcess[str]:
    repo.write_config()
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=repo.root, capture_output=True, text=True, check=False
    )


def test_build_writes_a_page_per_published_story(repo: ContentRepo) -> None:
    repo.write_story()
    repo.write_story(
        "withdrawn-one", changes={"status": "withdrawn", "withdrawn": {"on": "2024-06-01", "reason": "秘密原因"}}
    )
    result = _build(repo)
    assert result.returncode == 0, result.stderr
    page = repo.root / "build" / "stories" / "2024" / "2024-lin-postman" / "index.html"
    assert "深山邮路上的“不老松”" in page.read_text(encoding="utf-8")
    gone = (repo.root / "build" / "stories" / "2024" / "withdrawn-one" / "index.html").read_text(encoding="utf-8")
    assert "该内容已撤下" in gone and "深山邮路" not in gone  # a neutral page, never the story
    assert "秘密原因" not in "".join(p.read_text(encoding="utf-8") for p in (repo.root / "build").rglob("*.html"))


def test_failed_build_keeps_the_previous_site(repo: ContentRepo) -> None:
    repo.write_story()
    assert _build(repo).returncode == 0
    page = repo.root / "build" / "stories" / "2024" / "2024-lin-postman" / "index.html"
    before = page.read_text(encoding="utf-8")
    repo.write_story(changes={"sumary": "x", "eligibility.controversial": True})
    result = _build(repo)
    assert result.returncode != 0
    assert "sumary" in result.stderr and "eligibility.controversial" in result.stderr
    assert page.read_text(encoding="utf-8") == before
    assert [p.name for p in repo.root.iterdir() if p.name.startswith(".build")] == []


def test_error_late_in_the_build_keeps_the_previous_site(repo: ContentRepo) -> None:
    repo.write_story()
    assert _build(repo).returncode == 0
    index = repo.root / "build" / "index.html"
    before = index.read_text(encoding="utf-8")
    (repo.root / "explode.py").write_text(
        "def on_post_page(output, page, config):\n    raise RuntimeError('模拟构建中途失败')\n", encoding="utf-8"
    )
    config = repo.write_config()
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n- explode.py\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=repo.root, capture_output=True, text=True)
    assert result.returncode != 0
    assert index.read_text(encoding="utf-8") == before
    assert [p.name for p in repo.root.iterdir() if p.name.startswith(".build")] == []
