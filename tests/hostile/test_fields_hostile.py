"""Field values no editor means: invisible control characters and dates outside the programme."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from honorroll.rules.story import year_ranges
from honorroll.rules.workdays import count_workdays, covered_years, weekdays_between
from tests.conftest import VALID_STORY, ContentRepo, errors
from tests.hostile.helpers import line_with, only

STORY = "stories/2024/2024-lin-postman.md"


def _front_without(key: str) -> str:
    return yaml.safe_dump({k: v for k, v in VALID_STORY.items() if k != key}, allow_unicode=True, sort_keys=False)


HIDDEN = ["\x07", "\x1b", "\r", "\x00", "\x85", "\x9b", "\u202a", "\u202e", "\u2066", "\u2069"]


@pytest.mark.parametrize("char", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_control_or_bidi_character_in_a_story_field(repo: ContentRepo, char: str) -> None:
    # A JSON string is a YAML double-quoted scalar: "\u202e" reaches the field as the character itself.
    title = json.dumps(f"深山邮路{char}不老松")
    path = repo.write_story(raw_front_matter=f"title: {title}\n" + _front_without("title"))
    problem = only(errors(repo.check()), "schema")
    assert (problem.file, problem.field, problem.line) == (STORY, "title", line_with(path, "title:"))
    assert f"U+{ord(char):04X}" in problem.message and "请删除它" in problem.message


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("subject.name", "林\u202e某某"),
        ("summary", "三十年\u2067如一日"),
        ("tags", ["乡村", "邮\x1b[2J政"]),
        ("cover", {"src": "cover.jpg", "alt": "送邮\u202d途中"}),
    ],
)
def test_hidden_character_is_found_in_every_kind_of_field(repo: ContentRepo, key: str, value: object) -> None:
    path = repo.write_story(changes={key: value}, bundle=True)
    field = {"tags": "tags[1]", "cover": "cover.alt"}.get(key, key)
    [problem] = [d for d in errors(repo.check(), "schema") if "控制字符" in d.message]
    assert (problem.file, problem.field) == ("stories/2024/2024-lin-postman/index.md", field)
    assert problem.line == line_with(path, {"tags[1]": "[2J", "cover.alt": "alt:"}.get(field, key.split(".")[-1] + ":"))


@pytest.mark.parametrize("key", ["name", "short_name", "description"])
def test_hidden_character_in_a_unit_field(repo: ContentRepo, key: str) -> None:
    data = {"name": "市邮政管理局", "kind": "direct", key: "市邮政\u202e局"}
    path = repo.write_unit("city-postal", data)
    problem = only(errors(repo.check()), "schema")
    assert (problem.file, problem.field, problem.line) == ("units/city-postal.yml", key, line_with(path, f"{key}:"))
    assert "U+202E" in problem.message


def test_tab_and_line_break_in_text_are_allowed(repo: ContentRepo) -> None:
    repo.write_story(changes={"summary": "第一行\n第二行\t结尾"})
    assert errors(repo.check()) == []


# --- dates -----------------------------------------------------------------------------------


def test_notice_from_year_one_to_9999_is_two_errors_not_a_traceback(repo: ContentRepo) -> None:
    path = repo.write_story(
        changes={"status": "notice", "published_on": None, "process.notice": {"start": dt.date(1, 1, 1), "end": dt.date(9999, 12, 31)}}
    )  # fmt: skip
    out_of_range = [d for d in errors(repo.check(), "process") if "不在合理范围内" in d.message]
    assert [(d.field, d.line) for d in out_of_range] == [
        ("process.notice.start", line_with(path, "start: 0001-01-01")),
        ("process.notice.end", line_with(path, "end: 9999-12-31")),
    ]
    assert all("请核对年份是否写错" in d.message for d in out_of_range)


@pytest.mark.parametrize(
    ("key", "day", "field"),
    [
        ("published_on", dt.date(2204, 5, 20), "published_on"),
        ("process.nominated_on", dt.date(24, 3, 1), "process.nominated_on"),
        ("eligibility.checked_on", dt.date(1900, 5, 8), "eligibility.checked_on"),
        ("withdrawn", {"on": dt.date(3024, 6, 1), "reason": "核实"}, "withdrawn.on"),
        ("subject.guardian_consent_on", dt.date(1, 1, 1), "subject.guardian_consent_on"),
    ],
)
def test_every_recorded_date_is_bounded(repo: ContentRepo, key: str, day: object, field: str) -> None:
    changes: dict[str, object] = {key: day}
    if key == "withdrawn":
        changes["status"] = "withdrawn"
    path = repo.write_story(changes=changes)
    [problem] = [d for d in errors(repo.check(), "process") if "不在合理范围内" in d.message]
    assert (problem.file, problem.field) == (STORY, field)
    assert problem.line == line_with(path, str(getattr(day, "get", lambda _k: day)("on")))
    assert "2023-01-01 至 2025-06-29" in problem.message  # start_year 2024 - 1 … today + 366 days


def test_the_year_before_the_programme_is_still_in_range(repo: ContentRepo) -> None:
    repo.write_story(changes={"process.nominated_on": dt.date(2023, 1, 1)})
    assert [d for d in errors(repo.check()) if "不在合理范围内" in d.message] == []


def test_workday_count_is_safe_for_any_span() -> None:
    first, last = covered_years()
    count = count_workdays(dt.date.min, dt.date.max)
    assert count.uncovered_years == (*range(1, first), *range(last + 1, 10000))
    outside = weekdays_between(dt.date.min, dt.date(first - 1, 12, 31)) + weekdays_between(
        dt.date(last + 1, 1, 1), dt.date.max
    )
    inside = count_workdays(dt.date(first, 1, 1), dt.date(last, 12, 31))
    assert inside.uncovered_years == () and count.days == outside + inside.days
    assert count_workdays(dt.date(2024, 5, 17), dt.date(2024, 5, 13)).days == 0


def test_uncovered_years_are_named_as_ranges() -> None:
    assert year_ranges((1, 2, 3, 2003, 2027, 2028)) == "1–3、2003、2027–2028"
