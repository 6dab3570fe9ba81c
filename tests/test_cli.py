from __future__ import annotations

import io
import json

import pytest

from honorroll.cli.main import main
from tests.conftest import ContentRepo


def _run(repo: ContentRepo, *args: str, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str]:
    out = io.StringIO()
    config = repo.write_config()
    code = main(["-f", str(config), *args], out=out)
    return code, out.getvalue()


def test_check_passes_a_valid_repository(repo: ContentRepo) -> None:
    repo.write_story()
    code, out = _run(repo, "check", "--format", "text")
    assert code == 0 and "检查通过" in out


def test_check_reports_every_problem_and_exits_non_zero(repo: ContentRepo) -> None:
    repo.write_story(changes={"sumary": "x", "category": "好人"})
    repo.write_story("second", changes={"unit": "nowhere"})
    code, out = _run(repo, "check", "--format", "text")
    assert code == 1
    assert "stories/2024/2024-lin-postman.md" in out and "stories/2024/second.md" in out
    assert "发现 3 个错误" in out


def test_github_format_prints_annotations(repo: ContentRepo) -> None:
    repo.write_story(changes={"sumary": "x"})
    code, out = _run(repo, "check", "--format", "github")
    assert code == 1
    assert "::error file=stories/2024/2024-lin-postman.md,line=" in out


def test_github_actions_environment_turns_annotations_on(repo: ContentRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    repo.write_story(changes={"sumary": "x"})
    _code, out = _run(repo, "check")
    assert "::error file=" in out


def test_json_format(repo: ContentRepo) -> None:
    repo.write_story(changes={"sumary": "x"})
    _code, out = _run(repo, "check", "--format", "json")
    data = json.loads(out)
    assert data["errors"] == 1 and data["diagnostics"][0]["field"] == "sumary"


def test_today_comes_from_the_environment(repo: ContentRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write_story()
    monkeypatch.setenv("HONORROLL_TODAY", "2025-01-02")
    code, out = _run(repo, "check", "--format", "text")
    assert code == 1 and "截止日 2024-12-31 已过" in out


def test_bad_setting_is_reported(repo: ContentRepo) -> None:
    repo.options["deadline"] = "13-01"
    code, out = _run(repo, "check")
    assert code == 2 and "deadline" in out


def test_report_filters_by_unit_and_year(repo: ContentRepo) -> None:
    repo.write_story()
    code, out = _run(repo, "report", "--unit", "city-postal", "--year", "2024", "--format", "json")
    rows = json.loads(out)["rows"]
    assert code == 0 and [(r["unit"], r["year"], r["published"]) for r in rows] == [("city-postal", 2024, 1)]


def test_report_unknown_unit(repo: ContentRepo) -> None:
    code, out = _run(repo, "report", "--unit", "nope")
    assert code == 2 and "nope" in out
