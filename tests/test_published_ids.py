from __future__ import annotations

import subprocess

from honorroll.published_ids import detect_base_ref
from tests.conftest import ContentRepo, errors


def _git(repo: ContentRepo, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo.root), *args], check=True, capture_output=True)


def _commit_all(repo: ContentRepo) -> None:
    repo.write_config()
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "c")


def _init(repo: ContentRepo) -> None:
    _git(repo, "init", "-q", "-b", "main")


def test_deleting_a_published_story_fails(repo: ContentRepo) -> None:
    _init(repo)
    path = repo.write_story()
    _commit_all(repo)
    path.unlink()
    [problem] = errors(repo.check(base_ref="main"), "published-id")
    assert "2024-lin-postman" in problem.message and "withdrawn" in problem.message


def test_renaming_a_published_story_fails(repo: ContentRepo) -> None:
    _init(repo)
    path = repo.write_story()
    _commit_all(repo)
    path.rename(path.with_name("lin-postman.md"))
    assert errors(repo.check(base_ref="main"), "published-id")


def test_moving_a_story_into_a_folder_keeps_its_id(repo: ContentRepo) -> None:
    _init(repo)
    path = repo.write_story()
    _commit_all(repo)
    path.unlink()
    repo.write_story(bundle=True)
    assert errors(repo.check(base_ref="main"), "published-id") == []


def test_withdrawing_is_the_way(repo: ContentRepo) -> None:
    _init(repo)
    repo.write_story()
    _commit_all(repo)
    repo.write_story(changes={"status": "withdrawn", "withdrawn": {"on": "2024-06-01", "reason": "核查"}})
    assert errors(repo.check(base_ref="main")) == []


def test_unknown_base_revision_explains_fetch_depth(repo: ContentRepo) -> None:
    _init(repo)
    repo.write_story()
    _commit_all(repo)
    [problem] = errors(repo.check(base_ref="origin/main"), "published-id")
    assert "fetch-depth" in problem.message


def test_base_ref_comes_from_ci_environment() -> None:
    assert detect_base_ref(None, {"GITHUB_BASE_REF": "main"}) == "origin/main"
    assert detect_base_ref(None, {"CI_MERGE_REQUEST_DIFF_BASE_SHA": "abc123"}) == "abc123"
    assert detect_base_ref("origin/release", {"HONORROLL_BASE_REF": "main"}) == "main"
    assert detect_base_ref(None, {}) is None
