"""Published IDs never silently disappear.

Git is the record: every version of every story file in the history reachable from HEAD
(and from the base revision of a pull or merge request) is compared with the working tree.
A story that was ever published (or withdrawn) and has no file with the same ID now was
deleted or renamed, which the programme forbids: QR codes on printed posters point at that
ID for good.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from honorroll.content import yamlio
from honorroll.content.layout import story_id_from_path
from honorroll.content.model import Story
from honorroll.diagnostics import Diagnostic, Severity, error
from honorroll.rules.context import at_field

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


@dataclass
class _History:
    """Every version of every story file in the commits reachable from HEAD (and the base revision)."""

    blobs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # id -> [(path, blob sha)]


def _is_git_work_tree(root: Path) -> bool:
    return _git(root, "rev-parse", "--is-inside-work-tree").stdout.strip() == "true"


def _read_history(root: Path, stories_dir: str, revisions: list[str]) -> _History:
    """One ``git log --raw`` pass over the stories folder: linear in the history, whatever its size."""
    log = _git(root, "log", "--no-renames", "--raw", "--no-abbrev", "--format=", *revisions, "--", stories_dir)
    history = _History()
    for line in log.stdout.splitlines():
        # :old_mode new_mode old_sha new_sha status\tpath
        meta, _, path = line.partition("\t")
        parts = meta.split()
        if len(parts) < 5 or not line.startswith(":"):
            continue
        story_id = story_id_from_path(path, stories_dir)
        if story_id is None:
            continue
        for sha in (parts[2], parts[3]):
            if sha.strip("0"):
                history.blobs.setdefault(story_id, []).append((path, sha))
    return history


def _read_blobs(root: Path, shas: list[str]) -> dict[str, str]:
    """Many blobs through one ``git cat-file --batch`` process."""
    if not shas:
        return {}
    unique = list(dict.fromkeys(shas))
    out = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch"],
        input="\n".join(unique).encode() + b"\n",
        capture_output=True,
        check=False,
    ).stdout
    texts: dict[str, str] = {}
    pos = 0
    for sha in unique:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        pos = header_end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        texts[sha] = out[pos : pos + size].decode("utf-8-sig", errors="replace")  # Notepad saves a BOM
        pos += size + 1
    return texts


def _ever_published(versions: list[tuple[str, str]], texts: dict[str, str]) -> str | None:
    """The path of a version whose status was published or withdrawn, if any."""
    for path, sha in versions:
        if _status_of(texts.get(sha, "")) in ("published", "withdrawn"):
            return path
    return None


def check_published_ids(
    root: Path,
    stories_dir: str,
    base_ref: str | None,
    current: Mapping[str, Story],
) -> list[Diagnostic]:
    """Every ID ever published in a commit reachable from HEAD (or the base revision) still exists.

    ``current`` maps each story ID in the working tree to its story. Runs
    in every build, not only for pull requests: a push to main, a local build and an uncommitted
    deletion are all caught. A published story may only become ``withdrawn``, never ``notice``.
    """
    if not _is_git_work_tree(root):
        return []  # no record to compare with (a copied folder, not a clone)
    revisions = ["HEAD"] if _git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode == 0 else []
    if base_ref:
        verify = _git(root, "rev-parse", "--verify", "--quiet", f"{base_ref}^{{commit}}")
        if verify.returncode != 0:
            return [_missing_history(stories_dir, f"找不到用于比较已发布编号的版本“{base_ref}”")]
        revisions.append(base_ref)
    if not revisions:
        return []  # a repository without any commit yet
    diagnostics = []
    if _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        diagnostics.append(_missing_history(stories_dir, "这是浅克隆（只有最近的提交），无法确认已发布的编号都还在"))
    history = _read_history(root, stories_dir, revisions)
    gone = sorted(history.blobs.keys() - current.keys())
    back_to_notice = sorted(i for i, story in current.items() if story.status == "notice" and i in history.blobs)
    texts = _read_blobs(root, [sha for i in (*gone, *back_to_notice) for _p, sha in history.blobs[i]])
    for story_id in gone:
        path = _ever_published(history.blobs[story_id], texts)
        if path is not None:
            diagnostics.append(
                error(
                    "published-id",
                    path,
                    1,
                    "",
                    f"已发布的故事“{story_id}”被删除或改名（git 历史中的 {path}）：海报上的二维码永久指向这个编号。"
                    "请恢复该文件（git checkout 或 git revert）；要下线请把 status 改为 withdrawn 并填写 withdrawn.on 和 withdrawn.reason",
                )
            )
    for story_id in back_to_notice:
        if _ever_published(history.blobs[story_id], texts) is not None:
            diagnostics.append(
                at_field(
                    Severity.ERROR,
                    "published-id",
                    current[story_id],
                    ("status",),
                    f"故事“{story_id}”已经发布过，不能改回 notice（公示中）：那样它会从站点消失、短链接失效。"
                    "已发布的故事只能改为 withdrawn（撤下）；要修改内容请直接编辑，保持 status: published",
                )
            )
    return diagnostics


def _missing_history(stories_dir: str, what: str) -> Diagnostic:
    return error(
        "published-id",
        stories_dir,
        1,
        "",
        f"{what}：请拉取完整的 git 历史（GitHub/Gitea：actions/checkout 设置 fetch-depth: 0；"
        "GitLab：GIT_DEPTH: 0；本地：git fetch --unshallow），或检查 base_ref 设置",
    )


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
