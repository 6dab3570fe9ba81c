from __future__ import annotations

import csv
import datetime as dt
import io
import json

from honorroll.cli.report import render_quota_report
from tests.conftest import ContentRepo, errors, warnings


def _story(repo: ContentRepo, story_id: str, unit: str, year: int = 2024) -> None:
    changes = {"unit": unit}
    if year != 2024:
        changes.update(
            {
                "process.nominated_on": dt.date(year, 3, 1),
                "process.recommended_on": dt.date(year, 4, 2),
                "process.approved_on": dt.date(year, 5, 10),
                "eligibility.checked_on": dt.date(year, 5, 8),
                "process.notice": {"start": dt.date(year, 5, 13), "end": dt.date(year, 5, 24)},
                "published_on": dt.date(year, 5, 27),
            }
        )
    repo.write_story(story_id, year=year, changes=changes)


def test_open_year_shortfall_is_a_warning_with_days_left(repo: ContentRepo) -> None:
    result = repo.check()
    assert errors(result, "quota") == []
    traffic = next(d for d in warnings(result, "quota") if d.file == "units/city-traffic.yml")
    assert "还差 2 个" in traffic.message and "186 天" in traffic.message


def test_strict_option_makes_open_shortfall_an_error(repo: ContentRepo) -> None:
    assert errors(repo.check(strict_quota=True), "quota")


def test_closed_year_shortfall_fails_with_unit_count_and_quota(repo: ContentRepo) -> None:
    _story(repo, "postal-1", "city-postal")
    result = repo.check(today=dt.date(2025, 1, 1))
    [problem] = errors(result, "quota")
    assert problem.file == "units/city-traffic.yml"
    assert "2024 年只发布了 0 个故事，任务数 2 个" in problem.message


def test_deadline_is_end_of_day_in_shanghai(repo: ContentRepo) -> None:
    assert errors(repo.check(today=dt.date(2024, 12, 31)), "quota") == []


def test_member_stories_count_toward_their_system(repo: ContentRepo) -> None:
    _story(repo, "bus-1", "traffic-bus")
    _story(repo, "bus-2", "traffic-bus")
    _story(repo, "postal-1", "city-postal")
    assert errors(repo.check(today=dt.date(2025, 1, 1)), "quota") == []


def test_recorded_shortfall_passes(repo: ContentRepo) -> None:
    _story(repo, "postal-1", "city-postal")
    repo.write_unit(
        "city-traffic",
        {"name": "市交通运输系统", "kind": "system", "shortfalls": {2024: "机构改革，经领导小组同意记录"}},
    )
    result = repo.check(today=dt.date(2025, 1, 1))
    assert errors(result, "quota") == []
    row = next(r for r in result.quotas if r.unit == "city-traffic")
    assert row.status == "recorded"


def test_withdrawn_story_does_not_count(repo: ContentRepo) -> None:
    repo.write_story(changes={"status": "withdrawn", "withdrawn": {"on": dt.date(2024, 6, 1), "reason": "核查"}})
    result = repo.check(today=dt.date(2025, 1, 1))
    assert any(d.file == "units/city-postal.yml" for d in errors(result, "quota"))


def test_inactive_unit_owes_nothing(repo: ContentRepo) -> None:
    _story(repo, "bus-1", "traffic-bus")
    _story(repo, "bus-2", "traffic-bus")
    repo.write_unit("city-postal", {"name": "市邮政管理局", "kind": "direct", "active_to": 2023})
    assert errors(repo.check(today=dt.date(2025, 1, 1)), "quota") == []


def test_quota_override_per_unit(repo: ContentRepo) -> None:
    _story(repo, "bus-1", "traffic-bus")
    _story(repo, "bus-2", "traffic-bus")
    _story(repo, "postal-1", "city-postal")
    repo.write_unit("city-postal", {"name": "市邮政管理局", "kind": "direct", "quota": 2})
    [problem] = errors(repo.check(today=dt.date(2025, 1, 1)), "quota")
    assert problem.file == "units/city-postal.yml" and "任务数 2 个" in problem.message


def test_every_year_since_programme_start_is_checked(repo: ContentRepo) -> None:
    _story(repo, "postal-1", "city-postal")
    result = repo.check(today=dt.date(2025, 1, 1), start_year=2023)
    assert {r.year for r in result.quotas} == {2023, 2024, 2025}
    assert any("2023 年" in d.message for d in errors(result, "quota"))


def test_report_formats_agree(repo: ContentRepo) -> None:
    _story(repo, "postal-1", "city-postal")
    result = repo.check(today=dt.date(2025, 1, 1))
    rows = [r for r in result.quotas if r.year == 2024]
    data = json.loads(render_quota_report(rows, "json", result.today))
    by_unit = {r["unit"]: r for r in data["rows"]}
    assert by_unit["city-traffic"]["missing"] == 2 and by_unit["city-traffic"]["status"] == "short"
    assert by_unit["city-postal"]["status"] == "met"
    table = render_quota_report(rows, "table", result.today)
    assert "未完成" in table and "已完成" in table
    parsed = list(csv.reader(io.StringIO(render_quota_report(rows, "csv", result.today).lstrip("\ufeff"))))
    assert parsed[0][0] == "年度" and len(parsed) == 3
    markdown = render_quota_report(rows, "markdown", result.today)
    assert markdown.startswith("| 年度 |")
