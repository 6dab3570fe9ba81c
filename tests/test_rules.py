from __future__ import annotations

import datetime as dt

import pytest

from honorroll.rules.story import find_private_numbers, is_resident_id
from honorroll.rules.workdays import count_workdays
from tests.conftest import JPEG, ContentRepo, errors, warnings


def test_story_ids_are_unique_across_years(repo: ContentRepo) -> None:
    repo.write_story("same-id")
    repo.write_story("same-id", year=2023, changes={"process.approved_on": dt.date(2023, 5, 10)})
    problems = errors(repo.check(), "id")
    assert {d.file for d in problems} == {"stories/2024/same-id.md", "stories/2023/same-id.md"}


def test_story_id_must_be_lowercase_ascii(repo: ContentRepo) -> None:
    repo.write_story("Lin_Postman")
    [problem] = errors(repo.check(), "id")
    assert "小写" in problem.message


def test_unit_must_exist_with_suggestion(repo: ContentRepo) -> None:
    repo.write_story(changes={"unit": "city-postl"})
    [problem] = errors(repo.check(), "unit")
    assert problem.field == "unit" and "city-postal" in problem.message


def test_unit_must_be_active_in_the_year(repo: ContentRepo) -> None:
    repo.write_unit("city-postal", {"name": "市邮政管理局", "kind": "direct", "active_from": 2025})
    repo.write_story()
    [problem] = errors(repo.check(), "unit")
    assert "2024" in problem.message


def test_member_unit_needs_a_system_parent(repo: ContentRepo) -> None:
    repo.write_unit("traffic-bus", {"name": "市公交集团", "kind": "member", "parent": "city-postal"})
    [problem] = errors(repo.check(), "unit")
    assert problem.file == "units/traffic-bus.yml" and problem.field == "parent"


def test_year_folder_must_match_approval_year(repo: ContentRepo) -> None:
    repo.write_story(year=2023)
    [problem] = errors(repo.check(), "year")
    assert problem.field == "process.approved_on" and "stories/2024/" in problem.message


@pytest.mark.parametrize("flag", ["controversial", "criminal_record", "disciplinary_sanction"])
def test_ineligible_published_story_must_be_withdrawn(repo: ContentRepo, flag: str) -> None:
    repo.write_story(changes={f"eligibility.{flag}": True})
    [problem] = errors(repo.check(), "eligibility")
    assert problem.field == f"eligibility.{flag}" and "withdrawn" in problem.message


def test_ineligible_withdrawn_story_is_fine(repo: ContentRepo) -> None:
    repo.write_story(
        changes={
            "eligibility.criminal_record": True,
            "status": "withdrawn",
            "withdrawn": {"on": dt.date(2024, 6, 1), "reason": "核查发现问题"},
        }
    )
    assert errors(repo.check()) == []


def test_eligibility_flags_are_all_required(repo: ContentRepo, delete: object) -> None:
    repo.write_story(changes={"eligibility.disciplinary_sanction": delete})
    [problem] = errors(repo.check(), "schema")
    assert "disciplinary_sanction" in problem.message


def test_process_steps_must_be_in_order(repo: ContentRepo) -> None:
    repo.write_story(changes={"process.recommended_on": dt.date(2024, 2, 1)})
    [problem] = errors(repo.check(), "process")
    assert problem.field == "process.recommended_on" and "群众评选" in problem.message


def test_publication_must_follow_the_notice(repo: ContentRepo) -> None:
    repo.write_story(changes={"published_on": dt.date(2024, 5, 17)})
    [problem] = errors(repo.check(), "process")
    assert problem.field == "published_on"


def test_eligibility_check_before_approval(repo: ContentRepo) -> None:
    repo.write_story(changes={"eligibility.checked_on": dt.date(2024, 5, 11)})
    [problem] = errors(repo.check(), "process")
    assert problem.field == "eligibility.checked_on"


def test_publication_not_after_today(repo: ContentRepo) -> None:
    repo.write_story(changes={"published_on": dt.date(2024, 7, 1)})
    [problem] = errors(repo.check(), "process")
    assert "今天" in problem.message


def test_workdays_follow_official_holidays_and_makeup_days() -> None:
    # 2024 National Day: 1–7 October off, Sunday 29 September and Saturday 12 October worked.
    assert count_workdays(dt.date(2024, 9, 29), dt.date(2024, 10, 8)).days == 3
    assert count_workdays(dt.date(2024, 10, 8), dt.date(2024, 10, 12)).days == 5


def test_notice_shorter_than_five_workdays_fails(repo: ContentRepo) -> None:
    repo.write_story(
        changes={
            "process.approved_on": dt.date(2024, 9, 27),
            "eligibility.checked_on": dt.date(2024, 9, 27),
            "process.notice": {"start": dt.date(2024, 9, 30), "end": dt.date(2024, 10, 8)},
            "published_on": dt.date(2024, 10, 9),
        }
    )
    [problem] = errors(repo.check(today=dt.date(2024, 11, 1)), "notice-length")
    assert problem.field == "process.notice.end" and "2 个工作日" in problem.message


def test_minimum_notice_length_is_configurable(repo: ContentRepo) -> None:
    repo.write_story()
    assert errors(repo.check(min_notice_days=6), "notice-length")


def test_uncovered_year_is_estimated_with_a_warning(repo: ContentRepo) -> None:
    repo.write_story(
        "future",
        year=2031,
        changes={
            "process.nominated_on": dt.date(2031, 3, 3),
            "process.recommended_on": dt.date(2031, 3, 4),
            "process.approved_on": dt.date(2031, 3, 5),
            "eligibility.checked_on": dt.date(2031, 3, 5),
            "process.notice": {"start": dt.date(2031, 3, 10), "end": dt.date(2031, 3, 14)},
            "published_on": dt.date(2031, 3, 17),
        },
    )
    result = repo.check(today=dt.date(2031, 4, 1), start_year=2031)
    assert errors(result, "notice-length") == []
    assert any("chinesecalendar" in d.message for d in warnings(result, "notice-length"))


def test_published_story_needs_a_publication_date(repo: ContentRepo, delete: object) -> None:
    repo.write_story(changes={"published_on": delete})
    [problem] = errors(repo.check(), "status")
    assert "published_on" in problem.message


def test_notice_story_has_no_publication_date(repo: ContentRepo) -> None:
    repo.write_story(changes={"status": "notice"})
    [problem] = errors(repo.check(), "status")
    assert problem.field == "published_on"


def test_notice_past_its_end_is_a_warning(repo: ContentRepo, delete: object) -> None:
    repo.write_story(changes={"status": "notice", "published_on": delete})
    result = repo.check()
    assert errors(result) == []
    [warn] = warnings(result, "status")
    assert "2024-05-17" in warn.message


def test_withdrawn_story_needs_date_and_reason(repo: ContentRepo) -> None:
    repo.write_story(changes={"status": "withdrawn"})
    [problem] = errors(repo.check(), "status")
    assert "withdrawn" in problem.message


def test_notice_story_does_not_count_toward_quota(repo: ContentRepo, delete: object) -> None:
    repo.write_story(changes={"status": "notice", "published_on": delete, "process.notice.end": dt.date(2024, 6, 30)})
    [row] = [r for r in repo.check().quotas if r.unit == "city-postal"]
    assert (row.published, row.under_notice) == (0, 1)


def _photo(repo: ContentRepo, src: str, alt: str | None = "照片说明", content: bytes | None = None) -> None:
    cover = {"src": src} if alt is None else {"src": src, "alt": alt}
    path = repo.write_story(changes={"cover": cover}, bundle=True)
    if content is not None:
        (path.parent / src).write_bytes(content)


def test_photo_in_the_story_folder_passes(repo: ContentRepo) -> None:
    _photo(repo, "cover.jpg", content=JPEG)
    assert errors(repo.check()) == []


@pytest.mark.parametrize("src", ["../other/cover.jpg", "/etc/cover.jpg", "https://example.com/a.jpg"])
def test_photo_outside_the_folder_fails(repo: ContentRepo, src: str) -> None:
    _photo(repo, src)
    [problem] = errors(repo.check(), "photo")
    assert problem.field == "cover.src"


def test_missing_photo_fails(repo: ContentRepo) -> None:
    _photo(repo, "cover.jpg")
    assert "找不到照片" in errors(repo.check(), "photo")[0].message


def test_photo_needs_alt_text(repo: ContentRepo) -> None:
    _photo(repo, "cover.jpg", alt=None, content=JPEG)
    assert [d.field for d in errors(repo.check())] == ["cover.alt"]


def test_photo_format_is_checked_by_content(repo: ContentRepo) -> None:
    _photo(repo, "cover.png", content=JPEG)
    [problem] = errors(repo.check(), "photo")
    assert "JPEG" in problem.message


def test_gif_is_not_accepted(repo: ContentRepo) -> None:
    _photo(repo, "cover.gif", content=b"GIF89a")
    assert "格式不受支持" in errors(repo.check(), "photo")[0].message


def test_photo_size_is_limited(repo: ContentRepo) -> None:
    _photo(repo, "cover.jpg", content=JPEG + b"\x00" * (5 * 1024 * 1024))
    assert "MB" in errors(repo.check(), "photo")[0].message


def test_body_image_without_alt_points_at_its_line(repo: ContentRepo) -> None:
    path = repo.write_story(body="第一段。\n\n![](inline.jpg)\n", bundle=True)
    (path.parent / "inline.jpg").write_bytes(JPEG)
    [problem] = errors(repo.check(), "photo")
    assert path.read_text(encoding="utf-8").splitlines()[problem.line - 1] == "![](inline.jpg)"


def test_single_file_story_cannot_have_photos(repo: ContentRepo) -> None:
    repo.write_story(changes={"cover": {"src": "cover.jpg", "alt": "说明"}})
    assert "index.md" in errors(repo.check(), "photo")[0].message


def test_resident_id_check_digit() -> None:
    assert is_resident_id("11010519491231002X")
    assert not is_resident_id("110105194912310021")


def test_privacy_finds_id_and_mobile_numbers() -> None:
    found = [what for _offset, what in find_private_numbers("身份证 11010519491231002X，电话 13912345678")]
    assert found == ["居民身份证号码", "手机号码"]
    assert list(find_private_numbers("服务 30 年，行程 12000 公里，编号 2024-001")) == []


def test_mobile_number_in_body_fails_at_its_line(repo: ContentRepo) -> None:
    path = repo.write_story(body="第一段。\n联系电话 139-1234-5678。\n")
    [problem] = errors(repo.check(), "privacy")
    assert path.read_text(encoding="utf-8").splitlines()[problem.line - 1].startswith("联系电话")


def test_id_number_in_summary_fails(repo: ContentRepo) -> None:
    repo.write_story(changes={"summary": "身份证号 11010519491231002X"})
    [problem] = errors(repo.check(), "privacy")
    assert problem.field == "summary"


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        "<iframe src='x'></iframe>",
        '<img src="a.jpg" onerror="x()">',
        "[点我](javascript:alert(1))",
    ],
)
def test_unsafe_markup_is_rejected(repo: ContentRepo, snippet: str) -> None:
    repo.write_story(body=f"正文。\n\n{snippet}\n")
    assert errors(repo.check(), "safety")


def test_honors_must_use_configured_titles_and_levels(repo: ContentRepo) -> None:
    repo.write_story(changes={"honors": [{"title": "好人好事", "level": "world", "year": 2024}]})
    assert {d.field for d in errors(repo.check(), "schema")} == {"honors[0].title", "honors[0].level"}


def test_honor_not_before_the_story_year(repo: ContentRepo) -> None:
    repo.write_story(changes={"honors": [{"title": "福建好人", "level": "provincial", "year": 2023}]})
    [problem] = errors(repo.check(), "honors")
    assert problem.field == "honors[0].year"


def test_honor_only_on_published_stories(repo: ContentRepo, delete: object) -> None:
    repo.write_story(
        changes={
            "status": "notice",
            "published_on": delete,
            "process.notice.end": dt.date(2024, 6, 30),
            "honors": [{"title": "福建好人", "level": "provincial", "year": 2024}],
        }
    )
    assert errors(repo.check(), "honors")
