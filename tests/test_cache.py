from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from honorroll.check.run import check_repository
from honorroll.engine.project import load_project
from tests.conftest import JPEG, ContentRepo


def _check(repo: ContentRepo, today: dt.date = dt.date(2024, 6, 28), workers: int = 1):  # type: ignore[no-untyped-def]
    project = load_project(repo.write_config())
    return check_repository(repo.root, project.settings, today, workers=workers)


def test_second_check_reuses_the_cache_and_gives_the_same_result(repo: ContentRepo, tmp_cache: Path) -> None:
    repo.write_story(changes={"sumary": "x"})
    first = _check(repo)
    assert any(tmp_cache.rglob("stories.json"))
    second = _check(repo)
    assert second.diagnostics == first.diagnostics


def test_edited_story_is_checked_again(repo: ContentRepo) -> None:
    path = repo.write_story(changes={"sumary": "x"})
    assert _check(repo).errors
    repo.write_story()
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse file systems
    assert _check(repo).errors == []


def test_added_photo_invalidates_a_folder_story(repo: ContentRepo) -> None:
    path = repo.write_story(changes={"cover": {"src": "cover.jpg", "alt": "说明"}}, bundle=True)
    assert _check(repo).errors
    (path.parent / "cover.jpg").write_bytes(JPEG)
    assert _check(repo).errors == []


def test_a_new_day_is_a_new_check(repo: ContentRepo) -> None:
    repo.write_story(changes={"published_on": dt.date(2024, 6, 30)})
    assert _check(repo).errors
    assert _check(repo, today=dt.date(2024, 7, 1)).errors == []


def test_parallel_check_matches_serial(repo: ContentRepo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("honorroll.check.run.PARALLEL_THRESHOLD", 2)
    for i in range(6):
        repo.write_story(f"story-{i}", changes={"sumary": "x"} if i % 2 else None)
    serial = check_repository(
        repo.root, load_project(repo.write_config()).settings, dt.date(2024, 6, 28), use_cache=False, workers=1
    )
    parallel = check_repository(
        repo.root, load_project(repo.write_config()).settings, dt.date(2024, 6, 28), use_cache=False, workers=2
    )
    assert parallel.diagnostics == serial.diagnostics and len(parallel.errors) == 3


def test_every_field_round_trips_through_the_cache(repo: ContentRepo, tmp_cache: Path) -> None:
    """Nested objects, lists of objects, dates and enums come back as the same types and values."""
    path = repo.write_story(
        changes={
            "cover": {"src": "cover.jpg", "alt": "说明"},
            "tags": ["邮政", "山区"],
            "honors": [{"title": "身边好人", "level": "municipal", "year": 2024}],
            "sumary": "拼错的字段",
        },
        bundle=True,
    )
    (path.parent / "cover.jpg").write_bytes(JPEG)
    first = _check(repo)
    second = _check(repo)  # read back from the cache
    assert [vars(s) for s in second.archive.stories] == [vars(s) for s in first.archive.stories]
    assert second.diagnostics == first.diagnostics and second.errors
    story = second.archive.stories[0]
    assert story.honors and type(story.honors[0]).__name__ == "Honor" and story.honors[0].year == 2024
    assert type(story.process).__name__ == "Process" and story.published_on is not None
    assert type(second.diagnostics[0].severity).__name__ == "Severity"


def test_a_fresh_clone_with_the_restored_cache_checks_nothing_again(
    repo: ContentRepo, tmp_cache: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """CI clones anew each run (new file times) and restores the cache: keys are contents, so they still match."""
    from honorroll.check import cache, run

    repo.write_story("story-a", changes={"sumary": "x"})
    repo.write_story("story-b", changes={"cover": {"src": "cover.jpg", "alt": "说明"}}, bundle=True)
    (repo.root / "stories" / "2024" / "story-b" / "cover.jpg").write_bytes(JPEG)
    first = _check(repo)
    for path in (repo.root / "stories").rglob("*"):
        os.utime(path, ns=(10**18, 10**18))  # what a checkout does to every file
    monkeypatch.setattr(cache, "DIGESTS", cache.ContentDigests())  # a new process: only the saved memo
    monkeypatch.setattr(run, "DIGESTS", cache.DIGESTS)
    checked: list[int] = []
    real = run._check_stories
    monkeypatch.setattr(
        run, "_check_stories", lambda root, misses, *a: checked.append(len(misses)) or real(root, misses, *a)
    )
    again = _check(repo)
    assert checked == [0] and again.diagnostics == first.diagnostics
    changed = JPEG[:-3] + bytes([JPEG[-3] ^ 1]) + JPEG[-2:]  # same size, same time, one byte different
    (repo.root / "stories" / "2024" / "story-b" / "cover.jpg").write_bytes(changed)
    os.utime(repo.root / "stories" / "2024" / "story-b" / "cover.jpg", ns=(10**18, 10**18))
    _check(repo)
    assert checked == [0, 1]
