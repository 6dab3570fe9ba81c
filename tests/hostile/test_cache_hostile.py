"""A pull request can commit files anywhere, caches included: nothing read back may run or lie."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
from pathlib import Path

import pytest

from honorroll.check import cache
from honorroll.check.run import check_repository
from honorroll.engine.project import load_project
from tests.conftest import ContentRepo

TODAY = dt.date(2024, 6, 28)


class _Payload:
    """Unpickling this creates a file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (str(self.marker),))  # type: ignore[return-value]


def _check(repo: ContentRepo, **options: object):  # type: ignore[no-untyped-def]
    project = load_project(repo.write_config(**options))
    return check_repository(repo.root, project.settings, TODAY, workers=1)


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.mark.parametrize("name", ["stories.pickle", "stories.json", "qr/x.pickle"])
def test_a_committed_pickle_never_runs(repo: ContentRepo, tmp_path: Path, name: str) -> None:
    repo.write_story()
    marker = tmp_path / "pwned"
    for folder in (repo.root / ".cache" / "honorroll", cache.user_cache_home()):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pickle.dumps(_Payload(marker)))
    result = _check(repo)
    result_with_option = _check(repo, cache_dir=".cache/honorroll")
    assert not marker.exists()
    assert result.ok and result_with_option.ok


def test_cache_lives_outside_the_repository_by_default(repo: ContentRepo, tmp_cache: Path) -> None:
    repo.write_story()
    _check(repo)
    assert list(tmp_cache.rglob("stories.json"))
    assert not [p for p in repo.root.rglob("*") if "cache" in p.name.lower()]


def test_a_cache_folder_tracked_by_git_is_ignored_with_a_warning(repo: ContentRepo, tmp_cache: Path) -> None:
    repo.write_story(changes={"title": "原标题"})
    planted = repo.root / "ci-cache" / "stories.json"
    planted.parent.mkdir()
    planted.write_text("{}", encoding="utf-8")
    _git(repo.root, "init", "-q")
    _git(repo.root, "add", "-A")
    result = _check(repo, cache_dir="ci-cache")
    warning = [d for d in result.warnings if d.rule == "cache"]
    assert len(warning) == 1 and warning[0].field == "cache_dir" and "git rm -r --cached ci-cache" in warning[0].message
    assert planted.read_text(encoding="utf-8") == "{}"  # neither read nor rewritten
    assert list(tmp_cache.rglob("stories.json"))  # the user cache was used instead


def test_an_untracked_cache_folder_in_the_repository_is_used(repo: ContentRepo) -> None:
    repo.write_story()
    _git(repo.root, "init", "-q")
    result = _check(repo, cache_dir=".cache/honorroll")
    assert not [d for d in result.warnings if d.rule == "cache"]
    assert (repo.root / ".cache" / "honorroll" / "stories.json").is_file()


def test_environment_variable_wins(repo: ContentRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write_story()
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "ci"))
    _check(repo, cache_dir="elsewhere")
    assert (tmp_path / "ci" / "stories.json").is_file()


def _forge(path: Path, edit: object) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert callable(edit)
    edit(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _entry(data: dict[str, object]) -> list[object]:
    entries = data["entries"]
    assert isinstance(entries, dict)
    return next(iter(entries.values()))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: _entry(d)[1].append("an extra field"),  # not the model's shape
        lambda d: _entry(d).__setitem__(1, {"__class__": "subprocess.Popen"}),  # an object where a story goes
        lambda d: _entry(d).__setitem__(2, [_entry(d)[1]]),  # a story where a diagnostic goes
        lambda d: _entry(d)[1].__setitem__(10, ["x"]),  # a subject that is not one
        lambda d: d.update({"entries": "not a mapping"}),
    ],
)
def test_a_forged_cache_entry_is_discarded_not_trusted(repo: ContentRepo, tmp_cache: Path, edit: object) -> None:
    repo.write_story(changes={"sumary": "拼错的字段"})
    first = _check(repo)
    assert first.errors
    (path,) = tmp_cache.rglob("stories.json")
    _forge(path, edit)
    again = _check(repo)
    assert again.diagnostics == first.diagnostics


def test_a_cache_written_by_other_code_is_not_read(
    repo: ContentRepo, tmp_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forged result with a valid shape but another code fingerprint (another version, other rules)."""
    repo.write_story(changes={"sumary": "拼错的字段"})
    assert _check(repo).errors
    (path,) = tmp_cache.rglob("stories.json")
    _forge(path, lambda d: _entry(d).__setitem__(2, []))  # "no problems", but keyed to this code
    assert _check(repo).ok  # proves the cache is read when the code matches …
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another version of the rules")
    assert _check(repo).errors  # … and ignored when it does not
