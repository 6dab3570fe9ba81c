"""Published IDs never silently disappear.

Git is the record: the check compares the stories at a base revision (the target branch
of a pull or merge request) with the working tree. A story that was published (or
withdrawn) there and has no file with the same ID here was deleted or renamed, which the
programme forbids: QR codes on printed posters point at that ID for good.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

from . import yamlio
from .diagnostics import Diagnostic, error

BASE_REF_ENV = "HONORROLL_BASE_REF"
_STATUS_LINE = re.compile(r"^status:\s*[\"']?(\w+)", re.M)


def detect_base_ref(option: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """The revision to compare with: explicit setting, then what the CI system says."""
    env = os.environ if environ is None else environ
    if env.get(BASE_REF_ENV):
        return env[BASE_REF_ENV]
    if option:
        return option
    if env.get("GITHUB_BASE_REF"):  # GitHub and Gitea Actions, on pull requests
        return f"origin/{env['GITHUB_BASE_REF']}"
    if env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"):  # GitLab merge request pipelines
        return env["CI_MERGE_REQUEST_DIFF_BASE_SHA"]
    return None


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)


def story_id_from_path(path: str, stories_dir: str) -> str | None:
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == stories_dir and parts[2].endswith(".md") and parts[2] != "README.md":
        return parts[2][:-3]
    if len(parts) == 4 and parts[0] == stories_dir and parts[3] == "index.md":
        return parts[2]
    return None


def check_published_ids(root: Path, stories_dir: str, base_ref: str, current_ids: set[str]) -> list[Diagnostic]:
    verify = _git(root, "rev-parse", "--verify", "--quiet", f"{base_ref}^{{commit}}")
    if verify.returncode != 0:
        return [
            error(
                "published-id",
                stories_dir,
                1,
                "",
                f"找不到用于比较已发布编号的版本“{base_ref}”：CI 中请拉取完整历史"
                "（GitHub/Gitea：actions/checkout 设置 fetch-depth: 0；GitLab：GIT_DEPTH: 0），或检查 base_ref 设置",
            )
        ]
    listing = _git(root, "ls-tree", "-r", "--name-only", base_ref, "--", stories_dir)
    base_paths: dict[str, str] = {}
    for path in listing.stdout.splitlines():
        story_id = story_id_from_path(path, stories_dir)
        if story_id is not None:
            base_paths[story_id] = path
    diagnostics = []
    for story_id in sorted(base_paths.keys() - current_ids):
        path = base_paths[story_id]
        text = _git(root, "show", f"{base_ref}:./{path}").stdout
        status = _status_of(text)
        if status in ("published", "withdrawn"):
            diagnostics.append(
                error(
                    "published-id",
                    path,
                    1,
                    "",
                    f"已发布的故事“{story_id}”被删除或改名（{base_ref} 中的 {path}）：海报上的二维码永久指向这个编号。"
                    "请恢复该文件；要下线请把 status 改为 withdrawn 并填写 withdrawn.on 和 withdrawn.reason",
                )
            )
    return diagnostics


def _status_of(text: str) -> str | None:
    front, _, _ = yamlio.split_front_matter(text)
    if front is None:
        return None
    try:
        data = yamlio.load(front)
    except yamlio.YamlSyntaxError:
        match = _STATUS_LINE.search(front)
        return match.group(1) if match else None
    return data.get("status") if isinstance(data, dict) else None
