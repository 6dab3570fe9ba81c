"""A killed or failed build never costs the last good site, and leaves nothing that git would pick up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from honorroll.engine import output
from tests.conftest import ContentRepo
from tests.sitebuild import ROOT, mkdocs_build


def _site(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux only")
def test_swap_is_one_exchange_never_two_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    final = _site(tmp_path / "build", "旧站点")
    staging = _site(tmp_path / ".build.building-1-x", "新站点")

    def no_rename(self: Path, target: object) -> None:
        raise AssertionError("a window without build/ would open here")

    monkeypatch.setattr(Path, "rename", no_rename)
    previous = output.swap_in(staging, final)
    assert (final / "index.html").read_text(encoding="utf-8") == "新站点"
    assert previous is not None and (previous / "index.html").read_text(encoding="utf-8") == "旧站点"


def test_first_build_and_fallback_swap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    final = tmp_path / "build"
    assert output.swap_in(_site(tmp_path / "s1", "一"), final) is None
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)  # as on Windows or macOS
    previous = output.swap_in(_site(tmp_path / "s2", "二"), final)
    assert (final / "index.html").read_text(encoding="utf-8") == "二"
    assert previous is not None and (previous / "index.html").read_text(encoding="utf-8") == "一"


def test_leftovers_of_killed_builds_are_removed_but_a_running_build_is_left_alone(tmp_path: Path) -> None:
    final = _site(tmp_path / "build", "站点")
    dead = _site(tmp_path / ".build.building-999999999-abc", "半个站点")
    stale = _site(tmp_path / ".build.previous", "上一次")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        running = _site(tmp_path / f".build.building-{sleeper.pid}-xyz", "正在构建")
        staging = output.stage(final)
        assert not dead.exists() and not stale.exists()
        assert running.exists() and staging.exists() and final.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_killed_build_leaves_nothing_for_git(tmp_path: Path) -> None:
    leftovers = [".build.building-12345-abc/", ".build.previous/", ".site.building-1-x/"]
    for name in leftovers:
        checked = subprocess.run(
            ["git", "-C", str(ROOT), "check-ignore", "-q", "--no-index", name], capture_output=True, check=False
        )
        assert checked.returncode == 0, name


def test_the_next_build_cleans_up_after_a_killed_one(repo: ContentRepo) -> None:
    repo.write_story()
    repo.write_config()
    assert mkdocs_build(repo.root).returncode == 0
    _site(repo.root / ".build.building-999999999-dead", "半个站点")
    assert mkdocs_build(repo.root).returncode == 0
    assert sorted(p.name for p in repo.root.iterdir() if p.name.startswith(".build")) == []
    assert (repo.root / "build" / "index.html").is_file()
