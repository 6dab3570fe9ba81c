"""Every slip in a YAML file is a Chinese error naming file, line and field: never a traceback,
never a crash, never a value silently replaced by a later one."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import VALID_STORY, ContentRepo, errors
from tests.hostile.helpers import line_with, only, run_cli, run_cli_with_config

STORY = "stories/2024/2024-lin-postman.md"


def _front(**replace: str) -> str:
    """The valid story's front matter as block YAML, with some top-level entries replaced by raw text."""
    data = {k: v for k, v in VALID_STORY.items() if k not in replace}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return text + "".join(replace.values())


# --- duplicate keys at every depth ------------------------------------------------------------

NOTICE_TWICE = "  notice:\n    start: 2024-05-13\n    start: 2024-05-14\n    end: 2024-05-17\n"


@pytest.mark.parametrize(
    ("raw", "field", "needle"),
    [
        (_front(status="status: published\nstatus: notice\n"), "status", "status: notice"),
        (
            _front(process="process:\n  nominated_on: 2024-03-01\n  recommended_on: 2024-04-02\n"
                   "  approved_on: 2024-05-10\n" + NOTICE_TWICE),
            "process.notice.start",
            "start: 2024-05-14",
        ),
        (
            _front(subject="subject:\n  type: individual\n  name: 林某某\n  name: 王某某\n"),
            "subject.name",
            "name: 王某某",
        ),
        (
            _front(honors="honors:\n  - {title: 福建好人, level: provincial, year: 2024, year: 2025}\n"),
            "honors[0].year",
            "year: 2025",
        ),
        (
            _front(eligibility="eligibility:\n  controversial: false\n  criminal_record: false\n"
                   "  disciplinary_sanction: false\n  checked_by: 甲\n  checked_on: 2024-05-08\n  checked_on: 2024-05-09\n"),
            "eligibility.checked_on",
            "checked_on: 2024-05-09",
        ),
    ],
)  # fmt: skip
def test_duplicate_key_at_any_depth_names_both_lines(repo: ContentRepo, raw: str, field: str, needle: str) -> None:
    path = repo.write_story(raw_front_matter=raw)
    [problem] = [d for d in errors(repo.check(), "schema") if "重复出现" in d.message]
    first_key = needle.split(":")[0].strip()
    assert (problem.file, problem.field) == (STORY, field)
    assert problem.line == line_with(path, needle)
    assert f"第一次在第 {line_with(path, first_key + ':')} 行" in problem.message
    assert "请删除多余的一个" in problem.message


@pytest.mark.parametrize(
    ("text", "field", "needle"),
    [
        ("name: 市邮政管理局\nkind: direct\nname: 市邮政局\n", "name", "name: 市邮政局"),
        ("name: 市邮政管理局\nkind: direct\nshortfalls:\n  2023: 机构改革\n  2023: 人员调整\n", "shortfalls.2023", "2023: 人员调整"),
    ],
)  # fmt: skip
def test_duplicate_key_in_a_unit_file(repo: ContentRepo, text: str, field: str, needle: str) -> None:
    path = repo.root / "units" / "city-postal.yml"
    path.write_text(text, encoding="utf-8")
    [problem] = [d for d in errors(repo.check(), "schema") if "重复出现" in d.message]
    assert (problem.file, problem.field, problem.line) == ("units/city-postal.yml", field, line_with(path, needle))


# --- undecodable files ------------------------------------------------------------------------


def test_story_in_gbk_names_the_line_of_the_first_bad_byte(repo: ContentRepo) -> None:
    path = repo.write_story()
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("他一个人", "").encode("utf-8") + "第二段是 GBK。\n".encode("gbk"))
    problem = only(errors(repo.check()), "encoding")
    assert (problem.file, problem.field) == (STORY, "")
    assert problem.line == len(text.replace("他一个人", "").splitlines()) + 1
    assert "UTF-8" in problem.message and "另存为 UTF-8" in problem.message


def test_unit_file_in_gbk_is_an_error_not_a_traceback(repo: ContentRepo) -> None:
    (repo.root / "units" / "city-postal.yml").write_bytes("name: 市邮政管理局\nkind: direct\n".encode("gbk"))
    repo.write_story()
    result = repo.check()
    problem = only(result.errors, "encoding")
    assert (problem.file, problem.line, problem.field) == ("units/city-postal.yml", 1, "")
    assert "另存为 UTF-8" in problem.message
    assert "city-traffic" in result.archive.units  # the other units are still read


def test_page_in_gbk_is_reported_by_the_check(repo: ContentRepo) -> None:
    repo.write_story()
    (repo.root / "pages" / "about.md").write_bytes("# 关于\n\n".encode() + "本站说明。\n".encode("gbk"))
    code, out = run_cli(repo, "check", "--format", "json")
    assert code == 1
    assert '"file": "pages/about.md"' in out and '"line": 3' in out and "另存为 UTF-8" in out


def test_mkdocs_yml_in_gbk_is_a_chinese_error(repo: ContentRepo) -> None:
    config = repo.write_config()
    config.write_bytes(config.read_bytes() + "# 说明\n".encode("gbk"))
    code, out = run_cli_with_config(config)
    assert code == 2 and "mkdocs.yml:" in out and "另存为 UTF-8" in out and "Traceback" not in out


def test_mkdocs_yml_with_a_tab_names_the_tab(repo: ContentRepo) -> None:
    config = repo.write_config()
    config.write_text(config.read_text(encoding="utf-8") + "extra:\n\tkey: 1\n", encoding="utf-8")
    code, out = run_cli_with_config(config)
    lines = config.read_text(encoding="utf-8").splitlines()
    assert code == 2 and f"mkdocs.yml:{len(lines)}: " in out and "Tab" in out


def test_unit_path_that_is_a_folder(repo: ContentRepo) -> None:
    (repo.root / "units" / "city-water.yml").mkdir()
    repo.write_story()
    problem = only(errors(repo.check()), "layout")
    assert (problem.file, problem.line, problem.field) == ("units/city-water.yml", 1, "")
    assert "是一个文件夹" in problem.message and "改成文件" in problem.message


# --- slips that YAML reads as something else --------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("title：深山邮路\n" + _front(title=""), "title"),
        (_front(summary="summary：三十年如一日\n"), "summary"),
        (_front(subject="subject:\n  type: individual\n  name：林某某\n"), "name"),
    ],
)
def test_full_width_colon_is_named(repo: ContentRepo, raw: str, key: str) -> None:
    path = repo.write_story(raw_front_matter=raw)
    problem = only(errors(repo.check()), "yaml")
    assert (problem.file, problem.field) == (STORY, "")
    assert problem.line == line_with(path, f"{key}：")
    assert f"“{key}：”用了中文全角冒号" in problem.message and f"{key}: …" in problem.message


def test_full_width_colon_in_a_unit_file_that_otherwise_reads(repo: ContentRepo) -> None:
    (repo.root / "units" / "city-water.yml").write_text("name：市水务局\n", encoding="utf-8")
    problems = [d for d in errors(repo.check()) if d.file == "units/city-water.yml"]
    colon = only(problems, "yaml")
    assert (colon.line, colon.field) == (1, "")
    assert "“name：”用了中文全角冒号" in colon.message


def test_full_width_colon_inside_text_is_fine(repo: ContentRepo) -> None:
    reason = "withdrawn:\n  on: 2024-06-01\n  reason: |\n    APP：核实后撤下\n"
    repo.write_story(
        raw_front_matter=_front(status="status: withdrawn\n", withdrawn=reason, summary='summary: "注：A：B"\n')
    )
    assert errors(repo.check()) == []


@pytest.mark.parametrize(
    ("indent", "words"),
    [("\t", "Tab 字符"), ("  \t", "Tab 字符"), ("\u3000\u3000", "全角空格")],
)
def test_bad_indentation_is_named(repo: ContentRepo, indent: str, words: str) -> None:
    raw = _front(process="process:\n  nominated_on: 2024-03-01\n  recommended_on: 2024-04-02\n"
                 "  approved_on: 2024-05-10\n  notice:\n" + indent + "start: 2024-05-13\n    end: 2024-05-17\n")  # fmt: skip
    path = repo.write_story(raw_front_matter=raw)
    problem = only(errors(repo.check()), "yaml")
    assert (problem.file, problem.field) == (STORY, "")
    assert problem.line == line_with(path, "start: 2024-05-13")
    assert words in problem.message and "缩进" in problem.message


def test_tab_in_a_unit_file(repo: ContentRepo) -> None:
    (repo.root / "units" / "city-water.yml").write_text("name: 市水务局\n\tkind: direct\n", encoding="utf-8")
    problem = only(errors(repo.check()), "yaml")
    assert (problem.file, problem.line) == ("units/city-water.yml", 2)
    assert "请用空格缩进，不要用 Tab" in problem.message


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x9b", "\x00"])
def test_raw_control_character_in_front_matter(repo: ContentRepo, char: str) -> None:
    path = repo.write_story(raw_front_matter=_front(summary=f"summary: 三十年{char}如一日\n"))
    problem = only(errors(repo.check()), "yaml")
    assert (problem.file, problem.field) == (STORY, "")
    assert problem.line == line_with(path, "summary:")
    assert f"U+{ord(char):04X}" in problem.message and "请删除它" in problem.message


@pytest.mark.parametrize(
    "value",
    ["[" * 100_000, "{a: " * 50_000, "\n" + "  " + "- " * 50_000 + "x", "&a [" * 40_000],
    ids=["brackets", "flow-maps", "dashes", "anchors"],
)
def test_deep_nesting_is_refused_before_the_parser_crashes(repo: ContentRepo, value: str) -> None:
    # libyaml recurses on the C stack: about 30,000 levels end the whole process with a segfault.
    path = repo.write_story(raw_front_matter=_front(tags=f"tags: {value}\n"))
    problem = only(errors(repo.check()), "yaml")
    assert problem.file == STORY and problem.line >= line_with(path, "tags:")
    assert "嵌套层数过多" in problem.message


def test_many_unknown_keys_each_get_their_line(repo: ContentRepo) -> None:
    # Each problem looks up its line; with one parse per look-up this was quadratic in the file size.
    extra = "".join(f"extra{i}: x\n" for i in range(3000))
    path = repo.write_story(raw_front_matter=_front(tags="tags: [a]\n" + extra))
    unknown = [d for d in errors(repo.check(), "schema") if d.field.startswith("extra")]
    assert len(unknown) == 3000
    assert {d.line for d in unknown if d.field == "extra2999"} == {line_with(path, "extra2999:")}


def test_activity_files_get_the_same_reading(repo: ContentRepo) -> None:
    folder = repo.root / "activities" / "2024"
    folder.mkdir(parents=True)
    (folder / "2024-postal-talk.md").write_text(
        "---\ntitle: 邮路故事会\nkind: 故事会\ndate: 2024-06-01\ndate: 2024-06-02\nunit: city-postal\n---\n\n正文。\n",
        encoding="utf-8",
    )
    (folder / "2024-postal-video.md").write_bytes("---\ntitle: 邮路\n---\n\n".encode() + "正文。\n".encode("gbk"))
    result = repo.check()
    duplicate = next(d for d in result.errors if "重复出现" in d.message)
    assert (duplicate.file, duplicate.line, duplicate.field) == ("activities/2024/2024-postal-talk.md", 5, "date")
    encoding = only(result.errors, "encoding")
    assert (encoding.file, encoding.line) == ("activities/2024/2024-postal-video.md", 5)
