"""``honorroll new``: permanent IDs, never overwriting, and a template that fails only on placeholders."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pytest

from honorroll.cli import new_story as newstory
from honorroll.cli.main import main
from honorroll.cli.new_story import NewStoryError, NewStoryRequest, create_story, next_story_id
from honorroll.engine.project import load_project
from tests.conftest import TODAY, ContentRepo, errors

REQUEST = NewStoryRequest(unit="city-postal", title="深山邮路上的“不老松”", subject_name="林某某")

FILLED = {
    "category": "敬业奉献",
    "summary": "三十年如一日跋涉在深山邮路上。",
    "controversial": "false",
    "criminal_record": "false",
    "disciplinary_sanction": "false",
    "checked_by": "市直机关文明办",
    "checked_on": "2024-06-20",
    "nominated_on": "2024-03-01",
    "recommended_on": "2024-04-02",
    "approved_on": "2024-06-21",
    "start": "2024-06-24",
    "end": "2024-06-28",
}


def fill(text: str, values: dict[str, str]) -> str:
    """Writes each value after its empty key in the template, keeping the comments."""
    for key, value in values.items():
        text, count = re.subn(rf"^(\s*{key}:)(\s+#)", rf"\g<1> {value}\g<2>", text, count=1, flags=re.M)
        assert count == 1, key
    return text


def _create(repo: ContentRepo, request: NewStoryRequest = REQUEST) -> newstory.CreatedStory:
    project = load_project(repo.write_config())
    return create_story(repo.root, project.settings, request, TODAY)


def test_next_id_is_one_more_than_the_highest_ever_used() -> None:
    used = {"2024-city-postal-1", "2024-city-postal-3", "2024-city-postal-x", "2023-city-postal-9"}
    assert next_story_id(2024, "city-postal", used) == "2024-city-postal-4"
    assert next_story_id(2025, "city-postal", used) == "2025-city-postal-1"


def test_new_story_gets_a_fresh_id_and_never_overwrites(repo: ContentRepo) -> None:
    first = _create(repo)
    second = _create(repo)
    assert first.relative == "stories/2024/2024-city-postal-1.md"
    assert second.id == "2024-city-postal-2"
    before = first.path.read_text(encoding="utf-8")
    with pytest.raises(NewStoryError, match="已经用过"):
        _create(repo, NewStoryRequest(**{**REQUEST.__dict__, "story_id": first.id, "bundle": True}))
    assert first.path.read_text(encoding="utf-8") == before
    assert not (repo.root / "stories" / "2024" / first.id).exists()


def test_ids_are_unique_across_years_and_bundles(repo: ContentRepo) -> None:
    repo.write_story("2024-city-postal-5", year=2023, bundle=True)
    created = _create(repo, NewStoryRequest(**{**REQUEST.__dict__, "bundle": True}))
    assert created.relative == "stories/2024/2024-city-postal-6/index.md"


def test_ids_from_git_history_are_never_reused(repo: ContentRepo) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo.root), *args], check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    path = repo.write_story("2024-city-postal-7")
    git("add", ".")
    git("commit", "-qm", "add")
    path.unlink()
    git("commit", "-qam", "remove")
    assert _create(repo).id == "2024-city-postal-8"


def test_fresh_story_fails_only_on_the_placeholders_then_passes_when_filled(repo: ContentRepo) -> None:
    created = _create(repo)
    result = repo.check()
    assert {d.rule for d in errors(result)} == {"schema"}
    assert sorted(d.field for d in errors(result)) == sorted(newstory.PLACEHOLDER_FIELDS)
    assert all(d.file == created.relative and "没有填写内容" in d.message for d in errors(result))
    text = created.path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for d in errors(result):  # each error points at the line of its empty field
        assert lines[d.line - 1].lstrip().startswith(d.field.rsplit(".", 1)[-1] + ":")
    created.path.write_text(fill(text, FILLED), encoding="utf-8")
    result = repo.check()
    assert result.ok, [d.format_text() for d in result.diagnostics]
    story = result.archive.by_id()[created.id]
    assert (story.status, story.title, story.subject and story.subject.name) == ("notice", REQUEST.title, "林某某")


def test_awkward_titles_are_quoted(repo: ContentRepo) -> None:
    created = _create(repo, NewStoryRequest(unit="city-traffic", title="标题: 带冒号 # 和井号", subject_name="[某某]"))
    created.path.write_text(fill(created.path.read_text(encoding="utf-8"), FILLED), encoding="utf-8")
    result = repo.check()
    story = result.archive.by_id()[created.id]
    assert story.title == "标题: 带冒号 # 和井号" and story.subject and story.subject.name == "[某某]"


def test_unknown_unit_and_inactive_year_are_refused(repo: ContentRepo) -> None:
    with pytest.raises(NewStoryError, match="city-postal"):
        _create(repo, NewStoryRequest(**{**REQUEST.__dict__, "unit": "city-postl"}))
    repo.write_unit("old-unit", {"name": "旧单位", "kind": "direct", "active_to": 2020})
    with pytest.raises(NewStoryError, match="不参加活动"):
        _create(repo, NewStoryRequest(**{**REQUEST.__dict__, "unit": "old-unit"}))
    assert not list((repo.root / "stories").rglob("*.md"))


def _run(repo: ContentRepo, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["-f", str(repo.write_config()), "new", *args], out=out)
    return code, out.getvalue()


def test_without_a_terminal_missing_options_fail_with_exit_2(
    repo: ContentRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out = _run(repo, "--unit", "city-postal")
    assert code == 2
    assert "--title" in out and "--subject-name" in out and "--unit、" not in out
    assert "city-postal" in out and "市邮政管理局" in out
    assert not list((repo.root / "stories").rglob("*.md"))


def test_cli_creates_a_bundle_story(repo: ContentRepo) -> None:
    code, out = _run(
        repo, "--unit", "traffic-bus", "--title", "夜班车", "--subject-name", "夜班车队", "--subject-type", "collective",
        "--year", "2024", "--bundle",
    )  # fmt: skip
    assert code == 0, out
    path = repo.root / "stories" / "2024" / "2024-traffic-bus-1" / "index.md"
    assert "type: collective" in path.read_text(encoding="utf-8") and "2024-traffic-bus-1" in out


def test_on_a_terminal_missing_options_are_asked_in_chinese(repo: ContentRepo) -> None:
    project = load_project(repo.write_config())
    units, _ = newstory.load_units(repo.root, project.settings.units_dir)
    answers = iter(["nowhere", "city-postal", "", "一个标题", "王某某", "collective"])
    out = io.StringIO()
    request = newstory.complete_request(
        NewStoryRequest(year=2024), units, interactive=True, ask=lambda _q: next(answers), out=out
    )
    assert (request.unit, request.title, request.subject_name, request.subject_type) == (
        "city-postal",
        "一个标题",
        "王某某",
        "collective",
    )
    text = out.getvalue()
    assert "可用的单位" in text and "市邮政管理局" in text and "没有编号为“nowhere”的单位" in text
    assert "标题不能为空" in text


def test_today_decides_the_default_year(repo: ContentRepo) -> None:
    project = load_project(repo.write_config())
    created = create_story(repo.root, project.settings, REQUEST, dt.date(2025, 1, 2))
    assert created.relative.startswith("stories/2025/2025-city-postal-1")
    assert Path(created.path).is_file()
