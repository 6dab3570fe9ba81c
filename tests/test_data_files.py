"""The search index and the open data, written by a process of their own during the build."""

from __future__ import annotations

from pathlib import Path

import pytest

from honorroll.engine.project import load_project
from honorroll.site.data_files import DataFiles, DataJob
from tests.conftest import ContentRepo


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_the_background_process_writes_what_the_build_would(
    repo: ContentRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    monkeypatch.setenv("HONORROLL_START_METHOD", method)
    for n in range(5):
        repo.write_story(f"2024-story-{n}", body=f"第 {n} 个故事，志愿服务。\n")
    result = repo.check()
    settings = load_project(repo.root / "mkdocs.yml").settings
    outputs = []
    for background in (False, True):
        site = tmp_path / f"site-{background}"
        site.mkdir()
        DataFiles(DataJob(site, result, settings, "https://example.org/", None), background=background).finish()
        outputs.append(_files(site))
    assert outputs[0] == outputs[1]
    assert "data/stories.json" in outputs[1] and "search/manifest.json" in outputs[1]
    assert "2024-story-3" in outputs[1]["data/stories.json"].decode()


def test_a_failure_in_the_background_reaches_the_build(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story("2024-story")
    result = repo.check()
    settings = load_project(repo.root / "mkdocs.yml").settings
    blocked = tmp_path / "site"
    blocked.mkdir()
    (blocked / "data").write_text("不是文件夹", encoding="utf-8")  # open data cannot make its folder
    files = DataFiles(DataJob(blocked, result, settings, "https://example.org/", None), background=True)
    with pytest.raises(OSError):
        files.finish()
    assert files.pool is None


def test_unchanged_inputs_are_copied_from_the_cache(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story("2024-story-a", body="志愿服务的故事。\n")
    repo.write_story("2024-story-b", body="见义勇为的故事。\n")
    settings = load_project(repo.write_config()).settings
    cache = tmp_path / "cache"

    def build(name: str) -> Path:
        site = tmp_path / name
        site.mkdir()
        (site / "search").mkdir()
        (site / "search" / "index.html").write_text("MkDocs 的页面", encoding="utf-8")
        DataJob(site, repo.check(), settings, "https://example.org/", None, cache).run(workers=1)
        return site

    first = build("first")
    [entry] = list(cache.iterdir())
    remembered = entry / "data" / "stories.json"
    assert not (entry / "search" / "index.html").exists()  # only the job's own files are kept
    remembered.write_text(remembered.read_text(encoding="utf-8").replace("2024-story-a", "缓存里的"), "utf-8")
    second = build("second")
    assert "缓存里的" in (second / "data" / "stories.json").read_text(encoding="utf-8")
    assert (second / "search" / "index.html").read_text(encoding="utf-8") == "MkDocs 的页面"
    assert _files(second / "search") == _files(first / "search")
    repo.write_story("2024-story-b", body="改过的故事。\n")  # a changed story: made again
    third = build("third")
    stories = (third / "data" / "stories.json").read_text(encoding="utf-8")
    assert "缓存里的" not in stories and "2024-story-a" in stories
    assert len(list(cache.iterdir())) == 1  # one entry: the last build's


def test_an_entry_missing_a_file_is_made_again(repo: ContentRepo, tmp_path: Path) -> None:
    """Another build may replace the entry while this one copies it: a missing file is a miss, not a gap."""
    repo.write_story("2024-story-a", body="志愿服务的故事。\n")
    settings = load_project(repo.write_config()).settings
    cache = tmp_path / "cache"
    job = DataJob(tmp_path / "first", repo.check(), settings, "https://example.org/", None, cache)
    job.run(workers=1)
    [entry] = list(cache.iterdir())
    (entry / "data" / "stories.json").unlink()
    second = tmp_path / "second"
    DataJob(second, repo.check(), settings, "https://example.org/", None, cache).run(workers=1)
    assert _files(second) == _files(tmp_path / "first")
