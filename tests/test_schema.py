from __future__ import annotations

from tests.conftest import ContentRepo, errors


def test_valid_story_passes(repo: ContentRepo) -> None:
    repo.write_story()
    result = repo.check()
    assert errors(result) == []
    assert [s.id for s in result.archive.published()] == ["2024-lin-postman"]


def test_missing_required_field_is_reported(repo: ContentRepo, delete: object) -> None:
    repo.write_story(changes={"summary": delete})
    [problem] = errors(repo.check(), "schema")
    assert "summary" in problem.message and "一句话简介" in problem.message
    assert problem.file == "stories/2024/2024-lin-postman.md"


def test_unknown_key_suggests_the_intended_one(repo: ContentRepo) -> None:
    repo.write_story(changes={"sumary": "多写的字段"})
    messages = [d.message for d in errors(repo.check(), "schema")]
    assert any("未知字段“sumary”" in m and "是否想写“summary”" in m for m in messages)


def test_nested_unknown_key_points_at_its_line(repo: ContentRepo) -> None:
    front = (
        "title: 标题\nsubject: {type: individual, name: 林某某}\nunit: city-postal\ncategory: 敬业奉献\n"
        "summary: 简介\neligibility:\n  controversial: false\n  criminal_record: false\n"
        "  disciplinary_sanction: false\n  checked_by: 文明办\n  checked_on: 2024-05-08\n"
        "process:\n  nominated_on: 2024-03-01\n  recommended_on: 2024-04-02\n  aproved_on: 2024-05-10\n"
        "  notice: {start: 2024-05-13, end: 2024-05-17}\nstatus: published\npublished_on: 2024-05-20\n"
    )
    repo.write_story(raw_front_matter=front)
    problems = errors(repo.check(), "schema")
    typo = next(d for d in problems if d.field == "process.aproved_on")
    assert typo.line == 16  # line 1 is ---, the typo is the 15th front-matter line
    assert "approved_on" in typo.message


def test_enum_value_lists_the_choices(repo: ContentRepo) -> None:
    repo.write_story(changes={"status": "publish"})
    [problem] = errors(repo.check(), "schema")
    assert problem.field == "status"
    assert "published" in problem.message and "notice" in problem.message


def test_category_must_be_configured(repo: ContentRepo) -> None:
    repo.write_story(changes={"category": "乐于助人"})
    assert [d.field for d in errors(repo.check(), "schema")] == ["category"]


def test_dates_must_be_iso(repo: ContentRepo) -> None:
    repo.write_story(changes={"published_on": "2024/05/20"})
    [problem] = errors(repo.check(), "schema")
    assert problem.field == "published_on" and "YYYY-MM-DD" in problem.message


def test_impossible_date_is_named(repo: ContentRepo) -> None:
    repo.write_story(raw_front_matter="title: x\npublished_on: 2024-02-30\n")
    assert any(d.field == "published_on" and "不是真实存在的日期" in d.message for d in errors(repo.check()))


def test_yes_no_are_not_booleans(repo: ContentRepo) -> None:
    repo.write_story(changes={"eligibility.controversial": "no"})
    [problem] = errors(repo.check(), "schema")
    assert problem.field == "eligibility.controversial" and "true" in problem.message


def test_summary_length_is_limited(repo: ContentRepo) -> None:
    repo.write_story(changes={"summary": "好" * 121})
    [problem] = errors(repo.check(), "schema")
    assert problem.field == "summary" and "121" in problem.message


def test_yaml_syntax_error_names_the_line(repo: ContentRepo) -> None:
    repo.write_story(raw_front_matter="title: 标题\nsummary: 时间: 三十年\n")
    [problem] = errors(repo.check(), "yaml")
    assert problem.line == 3 and "引号" in problem.message


def test_missing_front_matter_is_explained(repo: ContentRepo) -> None:
    path = repo.root / "stories" / "2024" / "plain.md"
    path.parent.mkdir(parents=True)
    path.write_text("只有正文\n", encoding="utf-8")
    [problem] = errors(repo.check(), "front-matter")
    assert "---" in problem.message


def test_three_broken_rules_are_reported_in_one_run(repo: ContentRepo) -> None:
    repo.write_story(
        changes={
            "sumary": "拼错",
            "eligibility.criminal_record": True,
            "published_on": "2024-05-15",  # before the notice ends
        }
    )
    result = repo.check()
    fields = {(d.rule, d.field) for d in result.errors}
    assert ("schema", "sumary") in fields
    assert ("eligibility", "eligibility.criminal_record") in fields
    assert ("process", "published_on") in fields
    assert all(d.file == "stories/2024/2024-lin-postman.md" and d.line > 1 for d in result.errors)


def test_duplicate_key_is_reported(repo: ContentRepo) -> None:
    repo.write_story(raw_front_matter="title: 第一个标题\nsummary: 简介\ntitle: 第二个标题\n")
    [problem] = [d for d in errors(repo.check(), "schema") if d.field == "title"]
    assert problem.line == 4 and "第 2 行" in problem.message
