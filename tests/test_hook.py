"""hooks/pre-commit: runs honorroll check when content is staged, and blocks a commit with errors."""

from __future__ import annotations

import os
import shutil
import subprocess

from tests.conftest import ROOT, TODAY, ContentRepo, requires

pytestmark = requires("git")


def _git(repo: ContentRepo, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "HONORROLL_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env["HONORROLL_TODAY"] = TODAY.isoformat()
    return subprocess.run(["git", "-C", str(repo.root), *args], capture_output=True, text=True, env=env, check=False)


def test_hook_blocks_a_commit_with_errors_and_lets_a_fixed_one_through(repo: ContentRepo) -> None:
    repo.write_config()
    hooks = repo.root / "hooks"
    hooks.mkdir()
    shutil.copy2(ROOT / "hooks" / "pre-commit", hooks / "pre-commit")
    for args in (("init", "-q"), ("config", "user.email", "e@example.org"), ("config", "user.name", "e")):
        assert _git(repo, *args).returncode == 0
    assert _git(repo, "config", "core.hooksPath", "hooks").returncode == 0

    (repo.root / "notes.txt").write_text("与内容无关的文件\n", encoding="utf-8")
    _git(repo, "add", "notes.txt")
    assert _git(repo, "commit", "-qm", "无关改动").returncode == 0

    repo.write_story(changes={"sumary": "x"})
    _git(repo, "add", ".")
    blocked = _git(repo, "commit", "-qm", "新故事")
    assert blocked.returncode != 0
    output = blocked.stdout + blocked.stderr  # git shows hook output on stderr
    assert "sumary" in output and "提交已取消" in output

    repo.write_story()
    _git(repo, "add", ".")
    passed = _git(repo, "commit", "-qm", "新故事")
    assert passed.returncode == 0, passed.stdout + passed.stderr
