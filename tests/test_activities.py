"""Activities as content: reading, every rule with a passing and a failing case, schema and CLI."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from honorroll.check.run import CheckResult, check_repository
from honorroll.cli.main import main
from honorroll.content.schema import activity_schema, to_json_schema
from honorroll.content.schema_export import schema_documents
from honorroll.engine.project import load_project, validated_settings
from honorroll.rules.activities import link_allowed
from tests.conftest import JPEG, TODAY, ContentRepo, errors, warnings

SITE = "https://example.org/guangrongbang/"
OFFICIAL = "wenming.qingyu.example"

TALK: dict[str, Any] = {
    "title": "身边故事宣讲会",
    "kind": "宣讲",
    "date": dt.date(2024, 6, 3),
    "unit": "city-postal",
    "stories": ["2024-lin-postman"],
    "place": "市邮政管理局会议室",
    "audience": 80,
}
VIDEO: dict[str, Any] = {
    "title": "微视频《深山邮路》",
    "kind": "线上视频",
    "date": dt.date(2024, 6, 10),
    "unit": "traffic-bus",
    "stories": ["2024-lin-postman"],
    "platform": "青屿文明网",
    "views": 3200,
}


def write_activity(
    repo: ContentRepo,
    activity_id: str = "2024-postal-talk",
    year: int = 2024,
    data: dict[str, Any] | None = None,
    body: str = "",
    bundle: bool = False,
    **changes: Any,
) -> Path:
    front = copy.deepcopy(TALK if data is None else data)
    for key, value in changes.items():
        if value is None:
            front.pop(key, None)
        else:
            front[key] = value
    folder = repo.root / "activities" / str(year)
    path = folder / activity_id / "index.md" if bundle else folder / f"{activity_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{text}---\n\n{body}", encoding="utf-8")
    return path


def line_of(path: Path, start: str) -> int:
    """1-based number of the first line of ``path`` starting with ``start``."""
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(start))


def check_with_site(repo: ContentRepo, site_url: str | None = SITE, **options: Any) -> CheckResult:
    project = load_project(repo.write_config(**options))
    return check_repository(repo.root, project.settings, TODAY, use_cache=False, site_url=site_url)


@pytest.fixture
def story(repo: ContentRepo) -> ContentRepo:
    repo.write_story()
    return repo


# ---------------------------------------------------------------- reading


def test_valid_activities_load_with_their_fields(story: ContentRepo) -> None:
    write_activity(story, body="> 示例。\n")
    write_activity(story, "2024-bus-video", data=VIDEO)
    result = story.check()
    assert result.errors == [] and warnings(result, "activity") == []
    talk, video = sorted(result.activities, key=lambda a: a.id, reverse=True)
    assert (talk.id, talk.mode, talk.reach, talk.place, talk.stories) == (
        "2024-postal-talk", "offline", 80, "市邮政管理局会议室", ["2024-lin-postman"]
    )  # fmt: skip
    assert (video.mode, video.reach, video.platform, video.is_online) == ("online", 3200, "青屿文明网", True)


def test_no_activities_folder_is_fine(story: ContentRepo) -> None:
    result = story.check()
    assert result.activities == [] and errors(result) == []


def test_unknown_kind_is_a_schema_error_at_its_line(story: ContentRepo) -> None:
    path = write_activity(story, kind="宣讲会")
    [problem] = errors(story.check(), "schema")
    assert (problem.file, problem.field, problem.line) == (
        "activities/2024/2024-postal-talk.md", "kind", line_of(path, "kind:")
    )  # fmt: skip
    assert "是否想写“宣讲”" in problem.message


def test_required_fields(story: ContentRepo) -> None:
    write_activity(story, title=None, date=None, unit=None, stories=None)
    problems = errors(story.check(), "schema")
    assert {p.message.split("”")[0] for p in problems} == {"缺少必填字段“title", "缺少必填字段“date", "缺少必填字段“unit", "缺少必填字段“stories"}  # fmt: skip


def test_kinds_are_configurable(story: ContentRepo) -> None:
    write_activity(story, kind="快闪")
    assert errors(story.check(), "schema")
    assert errors(story.check(activity_kinds={"快闪": "offline", "直播": "online"})) == []
    write_activity(story, kind="宣讲")
    assert errors(story.check(activity_kinds={"快闪": "offline"}), "schema")[0].field == "kind"


def test_activity_kind_setting_only_takes_offline_or_online() -> None:
    with pytest.raises(Exception, match="activity_kinds"):
        validated_settings({"activity_kinds": {"宣讲": "live"}}, "mkdocs.yml")


def test_yaml_error_points_at_the_line(story: ContentRepo) -> None:
    path = story.root / "activities" / "2024" / "broken.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\ntitle: 宣讲\nkind: [宣讲\n---\n", encoding="utf-8")
    [problem] = errors(story.check(), "yaml")
    assert problem.file == "activities/2024/broken.md" and problem.line >= 3


def test_front_matter_is_required(story: ContentRepo) -> None:
    path = story.root / "activities" / "2024" / "plain.md"
    path.parent.mkdir(parents=True)
    path.write_text("只有正文。\n", encoding="utf-8")
    [problem] = errors(story.check(), "front-matter")
    assert problem.file == "activities/2024/plain.md"


def test_layout_year_folders_and_loose_files(story: ContentRepo) -> None:
    (story.root / "activities" / "misc").mkdir(parents=True)
    (story.root / "activities" / "2024").mkdir()
    (story.root / "activities" / "2024" / "photo.jpg").write_bytes(JPEG)
    (story.root / "activities" / "2024" / "empty-folder").mkdir()
    problems = errors(story.check(), "layout")
    assert sorted(p.file for p in problems) == [
        "activities/2024/empty-folder", "activities/2024/photo.jpg", "activities/misc"
    ]  # fmt: skip


def test_activity_ids_are_lowercase_and_unique(story: ContentRepo) -> None:
    write_activity(story, "Postal_Talk")
    write_activity(story, "same")
    write_activity(story, "same", year=2023, date=dt.date(2023, 6, 3))
    problems = errors(story.check(), "id")
    assert sorted(p.file for p in problems) == [
        "activities/2023/same.md", "activities/2024/Postal_Talk.md", "activities/2024/same.md"
    ]  # fmt: skip


# ---------------------------------------------------------------- dates, kinds, stories, units


def test_date_must_be_in_the_year_folder(story: ContentRepo) -> None:
    write_activity(story, year=2023)
    [problem] = errors(story.check(), "activity")
    assert problem.field == "date" and "activities/2024/" in problem.message


def test_date_not_after_today(story: ContentRepo) -> None:
    write_activity(story, date=TODAY + dt.timedelta(days=1))
    [problem] = errors(story.check(), "activity")
    assert problem.field == "date" and str(TODAY) in problem.message
    write_activity(story, date=TODAY)
    assert errors(story.check()) == []


def test_offline_activity_needs_place_and_audience(story: ContentRepo) -> None:
    write_activity(story, place=None, audience=None)
    problems = errors(story.check(), "activity")
    assert [p.field for p in problems] == ["kind", "kind"]
    assert sorted(p.message.split("必须填写 ")[1][:5] for p in problems) == ["audie", "place"]


def test_online_activity_needs_platform_and_views_not_an_audience(story: ContentRepo) -> None:
    path = write_activity(story, data=VIDEO, views=None, audience=500)
    problems = errors(story.check(), "activity")
    assert sorted(p.field for p in problems) == ["audience", "kind"]
    assert next(p for p in problems if p.field == "audience").line == line_of(path, "audience:")


def test_featured_stories_must_exist(story: ContentRepo) -> None:
    path = write_activity(story, stories=["2024-lin-postman", "2024-lin-postmen"])
    [problem] = errors(story.check(), "activity")
    assert problem.field == "stories[1]" and "是否想写“2024-lin-postman”" in problem.message
    assert problem.line == line_of(path, "- 2024-lin-postmen")


def test_featured_stories_must_be_published(story: ContentRepo, delete: object) -> None:
    story.write_story("under-notice", changes={"status": "notice", "published_on": delete})
    story.write_story(
        "taken-down", changes={"status": "withdrawn", "withdrawn": {"on": dt.date(2024, 6, 1), "reason": "核查"}}
    )
    write_activity(story, stories=["2024-lin-postman", "under-notice", "taken-down"])
    problems = errors(story.check(), "activity")
    assert [(p.field, "公示中" in p.message, "已撤下" in p.message) for p in problems] == [
        ("stories[1]", True, False), ("stories[2]", False, True)
    ]  # fmt: skip


def test_featured_stories_not_empty_nor_repeated(story: ContentRepo) -> None:
    write_activity(story, stories=[])
    assert errors(story.check(), "activity")[0].field == "stories"
    write_activity(story, stories=["2024-lin-postman", "2024-lin-postman"])
    [problem] = errors(story.check(), "activity")
    assert problem.field == "stories[1]" and "重复" in problem.message


def test_activity_before_the_story_was_published_is_a_warning(story: ContentRepo) -> None:
    write_activity(story, date=dt.date(2024, 5, 19))
    result = story.check()
    assert errors(result) == [] and warnings(result, "activity")[0].field == "stories[0]"


def test_organising_unit_must_exist_and_be_active(story: ContentRepo) -> None:
    write_activity(story, unit="city-postl")
    [problem] = errors(story.check(), "unit")
    assert problem.file.startswith("activities/") and "city-postal" in problem.message
    story.write_unit(
        "traffic-bus", {"name": "市公交集团", "kind": "member", "parent": "city-traffic", "active_to": 2023}
    )
    write_activity(story, unit="traffic-bus")
    [problem] = errors(story.check(), "unit")
    assert problem.file.startswith("activities/") and "2024" in problem.message


# ---------------------------------------------------------------- links


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        (f"https://{OFFICIAL}/talks/1", True),
        ("https://example.org/guangrongbang/stories/2024/x/", True),
        ("https://example.org/guangrongbang", True),
        ("https://EXAMPLE.org/guangrongbang/s/x/", True),
        (f"http://{OFFICIAL}/talks/1", False),
        (f"https://{OFFICIAL}:8443/x", False),
        (f"https://{OFFICIAL}.evil.example/x", False),
        (f"https://{OFFICIAL}@evil.example/x", False),
        (f"https://evil.example\\@{OFFICIAL}/", False),
        ("https://evil.example/", False),
        ("https://example.org/other/", False),
        ("https://example.org/guangrongbang/../other/", False),
        ("javascript:alert(1)", False),
        ("/stories/2024/x/", False),
        ("https://[::1/", False),
    ],
)
def test_link_allow_list(url: str, ok: bool) -> None:
    assert link_allowed(url, SITE, [OFFICIAL]) is ok


def test_link_field_outside_the_allow_list_fails(story: ContentRepo) -> None:
    path = write_activity(story, link="https://video.example.com/v/1")
    [problem] = errors(check_with_site(story, official_hosts=[OFFICIAL]), "link")
    assert problem.field == "link" and problem.line == line_of(path, "link:") and OFFICIAL in problem.message


def test_links_to_the_site_and_official_hosts_pass(story: ContentRepo) -> None:
    write_activity(story, link=f"{SITE}stories/2024/2024-lin-postman/", body=f"回看：https://{OFFICIAL}/v/1\n")
    assert errors(check_with_site(story, official_hosts=[OFFICIAL])) == []
    assert errors(check_with_site(story, official_hosts=[]), "link")[0].field == "正文"
    assert errors(check_with_site(story, site_url=None, official_hosts=[OFFICIAL]), "link")[0].field == "link"


def test_body_links_are_checked_at_their_line(story: ContentRepo) -> None:
    path = write_activity(story, body="第一段。\n\n[回放](//evil.example/v) 与 <https://evil.example/x>\n")
    problems = errors(check_with_site(story), "link")
    assert [p.line for p in problems] == [line_of(path, "[回放]")] * 2


def test_official_hosts_setting_takes_bare_host_names() -> None:
    assert validated_settings({"official_hosts": ["WenMing.Qingyu.Example"]}, "m.yml").official_hosts == [OFFICIAL]
    with pytest.raises(Exception, match="official_hosts"):
        validated_settings({"official_hosts": [f"https://{OFFICIAL}/"]}, "mkdocs.yml")


# ---------------------------------------------------------------- photos, privacy, safety


def test_photo_in_the_activity_folder_passes(story: ContentRepo) -> None:
    path = write_activity(story, bundle=True, cover={"src": "cover.jpg", "alt": "宣讲现场"}, body="![听众](hall.jpg)\n")
    (path.parent / "cover.jpg").write_bytes(JPEG)
    (path.parent / "hall.jpg").write_bytes(JPEG)
    assert errors(story.check()) == []


@pytest.mark.parametrize(
    ("src", "content", "words"),
    [
        ("cover.jpg", None, "找不到照片"),
        ("cover.png", JPEG, "扩展名是 PNG"),
        ("cover.gif", b"GIF89a", "格式不受支持"),
        ("../cover.jpg", JPEG, "不能以 / 开头"),
        ("https://evil.example/a.jpg", None, "是网址"),
    ],
)
def test_bad_activity_photos_fail(story: ContentRepo, src: str, content: bytes | None, words: str) -> None:
    path = write_activity(story, bundle=True, cover={"src": src, "alt": "现场"})
    if content is not None:
        (path.parent / src).write_bytes(content)
    [problem] = errors(story.check(), "photo")
    assert problem.field == "cover.src" and words in problem.message


def test_activity_photo_needs_alt_and_a_folder(story: ContentRepo) -> None:
    path = write_activity(story, bundle=True, body="第一段。\n\n![](hall.jpg)\n")
    (path.parent / "hall.jpg").write_bytes(JPEG)
    [problem] = errors(story.check(), "photo")
    assert problem.line == line_of(path, "![](hall.jpg)") and "替代文字" in problem.message
    write_activity(story, "2024-single-file", cover={"src": "cover.jpg", "alt": "现场"})
    problem = next(p for p in errors(story.check(), "photo") if p.file == "activities/2024/2024-single-file.md")
    assert "index.md" in problem.message and problem.field == "cover.src"


def test_photo_size_is_limited(story: ContentRepo) -> None:
    path = write_activity(story, bundle=True, cover={"src": "cover.jpg", "alt": "现场"})
    (path.parent / "cover.jpg").write_bytes(JPEG + b"\x00" * 2048)
    assert "MB" in errors(story.check(max_photo_bytes=1024), "photo")[0].message


def test_private_numbers_in_an_activity_fail(story: ContentRepo) -> None:
    path = write_activity(story, place="报名电话 13912345678", body="第一段。\n身份证 11010519491231002X。\n")
    problems = errors(story.check(), "privacy")
    assert [(p.field, p.line) for p in problems] == [
        ("place", line_of(path, "place:")),
        ("正文", line_of(path, "身份证")),
    ]


@pytest.mark.parametrize(
    "snippet", ["<script>alert(1)</script>", "<iframe src='x'></iframe>", "[x](javascript:alert(1))"]
)
def test_unsafe_markup_in_an_activity_fails(story: ContentRepo, snippet: str) -> None:
    write_activity(story, body=f"正文。\n\n{snippet}\n")
    [problem] = errors(story.check(), "safety")
    assert problem.field == "正文" and problem.file == "activities/2024/2024-postal-talk.md"


# ---------------------------------------------------------------- schema and command line


def test_json_schema_for_activities_follows_the_settings(story: ContentRepo) -> None:
    settings = load_project(story.write_config(activity_kinds={"快闪": "offline"})).settings
    document = schema_documents(settings)["activity.schema.json"]
    assert document == to_json_schema(activity_schema(settings), document["title"])
    assert document["properties"]["kind"]["enum"] == ["快闪"]
    assert set(document["required"]) == {"title", "kind", "date", "unit", "stories"}
    assert document["additionalProperties"] is False


def test_check_command_reports_activity_problems_with_file_and_line(story: ContentRepo) -> None:
    path = write_activity(story, stories=["nope"], link="https://evil.example/")
    out = io.StringIO()
    config = story.write_config(official_hosts=[OFFICIAL])
    assert main(["-f", str(config), "check", "--format", "json"], out=out) == 1
    found = {(d["rule"], d["line"]) for d in json.loads(out.getvalue())["diagnostics"] if d["severity"] == "error"}
    assert found == {("activity", line_of(path, "- nope")), ("link", line_of(path, "link:"))}


# ---------------------------------------------------------------- the sample


def test_sample_activities_are_valid_and_span_the_years() -> None:
    from honorroll.config import effective_today
    from tests.conftest import ROOT

    project = load_project(ROOT / "mkdocs.yml")
    today = effective_today(project.settings)
    site_url = project.mkdocs["site_url"]
    result = check_repository(project.root, project.settings, today, use_cache=False, site_url=site_url)
    assert [d for d in result.diagnostics if d.file.startswith("activities/")] == []
    activities = result.activities
    assert len({a.year for a in activities}) >= 4 and {a.mode for a in activities} == {"offline", "online"}
    published = {s.id for s in result.archive.stories if s.is_published}
    assert all(a.stories and set(a.stories) <= published for a in activities)
    assert any(a.link for a in activities) and any(a.body.strip() for a in activities)
