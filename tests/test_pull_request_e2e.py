"""An editor's pull request from start to finish, on a copy of the sample repository.

honorroll new → fill in the placeholders → check passes → two mistakes → CI annotations point
at both lines → fix → the site builds with the new story.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

TODAY = "2026-11-23"  # the sample's pinned today


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_", "HONORROLL_"))}
    env["HONORROLL_TODAY"] = TODAY
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=root, env=_env(), capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
    )


def _honorroll(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run(root, sys.executable, "-m", "honorroll", *args)


def _git(root: Path, *args: str) -> None:
    result = _run(root, "git", *args)
    assert result.returncode == 0, result.stderr


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text, count = re.subn(rf"^(\s*{key}:)(\s+#)", rf"\g<1> {value}\g<2>", text, count=1, flags=re.M)
        assert count == 1, key
    return text


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    root.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("pages", "stories", "units"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / ".gitignore").write_text("/build/\n/.cache/\n", encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.email", "editor@example.org")
    _git(root, "config", "user.name", "编辑")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "样例内容")
    _git(root, "checkout", "-qb", "new-story")
    return root


def test_editor_pull_request(sample_copy: Path, tmp_path: Path) -> None:
    root = sample_copy
    created = _honorroll(
        root, "new", "--unit", "city-weather", "--title", "台风夜里的值班灯", "--subject-name", "许晴", "--bundle"
    )
    assert created.returncode == 0, created.stdout + created.stderr
    story_id = "2026-city-weather-1"
    path = root / "stories" / "2026" / story_id / "index.md"
    rel = f"stories/2026/{story_id}/index.md"
    assert rel in created.stdout

    fresh = _honorroll(root, "check", "--format", "text")
    assert fresh.returncode == 1
    assert fresh.stdout.count(f"{rel}:") == 12 and "没有填写内容" in fresh.stdout

    filled = fill(
        path.read_text(encoding="utf-8"),
        {
            "category": "敬业奉献",
            "summary": "台风过境的那一夜，她守着雷达屏幕发出了十二次预警。",
            "controversial": "false",
            "criminal_record": "false",
            "disciplinary_sanction": "false",
            "checked_by": "市直机关文明办",
            "checked_on": "2026-11-12",
            "nominated_on": "2026-10-09",
            "recommended_on": "2026-10-30",
            "approved_on": "2026-11-13",
            "start": "2026-11-16",
            "end": "2026-11-20",
        },
    )
    filled += "\n台风登陆前的那个夜晚，气象台的灯一直亮着。\n"
    path.write_text(filled, encoding="utf-8")
    ok = _honorroll(root, "check", "--base", "main", "--summary", str(tmp_path / "summary.md"))
    assert ok.returncode == 0, ok.stdout
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert f"| 新增 | `{rel}` | 台风夜里的值班灯 | city-weather | 公示中 |" in summary

    broken = filled.replace("\nsummary:", "\nsumary:", 1) + "如需采访请拨打 13912345678。\n"
    path.write_text(broken, encoding="utf-8")
    typo_line = broken.splitlines().index(next(line for line in broken.splitlines() if line.startswith("sumary:"))) + 1
    phone_line = len(broken.splitlines())
    annotated = _honorroll(root, "check", "--format", "github")
    assert annotated.returncode == 1
    assert f"::error file={rel},line={typo_line},title=sumary::" in annotated.stdout
    assert f"::error file={rel},line={phone_line},title=正文::" in annotated.stdout
    assert "是否想写“summary”" in annotated.stdout and "手机号码" in annotated.stdout

    published = filled.replace("status: notice", "status: published\npublished_on: 2026-11-23", 1)
    path.write_text(published, encoding="utf-8")
    assert _honorroll(root, "check").returncode == 0
    build = _run(root, sys.executable, "-m", "mkdocs", "build")
    assert build.returncode == 0, build.stderr
    page = root / "build" / "stories" / "2026" / story_id / "index.html"
    assert "台风夜里的值班灯" in page.read_text(encoding="utf-8")
