from __future__ import annotations

import subprocess
from pathlib import Path

from honorroll.rules.published_ids import detect_base_ref
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


# ---- every build, not only pull requests (issue 8 item 5)


def test_deletion_committed_straight_to_main_fails_without_a_base_ref(repo: ContentRepo) -> None:
    _init(repo)
    path = repo.write_story()
    _commit_all(repo)
    path.unlink()
    _commit_all(repo)  # pushed to main: HEAD no longer has the file
    [problem] = errors(repo.check(), "published-id")
    assert problem.file == "stories/2024/2024-lin-postman.md" and "withdrawn" in problem.message


def test_uncommitted_deletion_fails_in_a_local_build(repo: ContentRepo) -> None:
    _init(repo)
    path = repo.write_story()
    _commit_all(repo)
    path.unlink()
    [problem] = errors(repo.check(), "published-id")
    assert "2024-lin-postman" in problem.message


def test_a_story_published_long_ago_then_renamed_in_two_steps_is_caught(repo: ContentRepo) -> None:
    _init(repo)
    path = repo.write_story()
    _commit_all(repo)
    path.rename(path.with_name("renamed.md"))
    _commit_all(repo)
    (path.with_name("renamed.md")).unlink()
    _commit_all(repo)
    found = {d.message.split("”")[0] for d in errors(repo.check(), "published-id")}
    assert found == {"已发布的故事“2024-lin-postman", "已发布的故事“renamed"}


def test_a_story_deleted_while_still_under_notice_may_go(repo: ContentRepo, delete: object) -> None:
    _init(repo)
    path = repo.write_story(changes={"status": "notice", "published_on": delete})
    _commit_all(repo)
    path.unlink()
    _commit_all(repo)
    assert errors(repo.check(), "published-id") == []


def test_a_published_story_cannot_go_back_to_notice(repo: ContentRepo, delete: object) -> None:
    _init(repo)
    repo.write_story()
    _commit_all(repo)
    repo.write_story(changes={"status": "notice", "published_on": delete})
    [problem] = errors(repo.check(), "published-id")
    assert problem.field == "status" and problem.line > 1 and "withdrawn" in problem.message


def test_a_shallow_clone_is_told_how_to_fetch_history(repo: ContentRepo, tmp_path: Path) -> None:
    _init(repo)
    repo.write_story()
    _commit_all(repo)
    repo.write_story(changes={"title": "改过的标题"})
    _commit_all(repo)
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True, capture_output=True
    )
    shallow = ContentRepo.__new__(ContentRepo)
    shallow.root, shallow.options = clone, repo.options
    [problem] = errors(shallow.check(), "published-id")
    assert "浅克隆" in problem.message and "fetch-depth: 0" in problem.message and "--unshallow" in problem.message


def test_history_is_read_with_a_fixed_number_of_git_processes(repo: ContentRepo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Linear in the history: one log pass and one batch read, however many stories and commits."""
    _init(repo)
    for i in range(12):
        repo.write_story(f"2024-story-{i}")
        _commit_all(repo)
    for i in range(12):
        (repo.root / "stories" / "2024" / f"2024-story-{i}.md").unlink()
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(args, *a, **k):  # type: ignore[no-untyped-def]
        if args and args[0] == "git":
            calls.append(list(args))
        return real_run(args, *a, **k)

    monkeypatch.setattr(subprocess, "run", counting_run)
    assert len(errors(repo.check(), "published-id")) == 12
    assert len(calls) <= 6
