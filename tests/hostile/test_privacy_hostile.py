"""Personal numbers hidden from a naive scan, in places a naive scan does not look; photos of minors."""

from __future__ import annotations

import datetime as dt

import pytest

from honorroll.rules.privacy import find_personal_numbers
from tests.conftest import JPEG, ContentRepo, errors, warnings
from tests.hostile.helpers import line_with, only, run_with_cpu_budget

STORY = "stories/2024/2024-lin-postman.md"
BUNDLE = "stories/2024/2024-lin-postman/index.md"
VALID_ID = "11010519491231002X"
MISTYPED_ID = "110105194912310021"  # the same number with one wrong check digit


def test_mistyped_resident_id_is_a_warning_with_an_id_example(repo: ContentRepo) -> None:
    path = repo.write_story(body=f"第一段。\n\n身份证号 {MISTYPED_ID}。\n")
    result = repo.check()
    assert errors(result, "privacy") == []
    problem = only(warnings(result, "privacy"), "privacy")
    assert (problem.file, problem.line, problem.field) == (STORY, line_with(path, MISTYPED_ID), "正文")
    assert "校验位不符" in problem.message and "3501**********1234" in problem.message
    assert "138****0000" not in problem.message


def test_valid_resident_id_is_an_error_with_an_id_example(repo: ContentRepo) -> None:
    path = repo.write_story(body=f"身份证号 {VALID_ID}。\n")
    problem = only(errors(repo.check()), "privacy")
    assert (problem.line, problem.field) == (line_with(path, VALID_ID), "正文")
    assert "居民身份证号码" in problem.message and "3501**********1234" in problem.message


def test_mobile_fix_text_shows_a_mobile_example(repo: ContentRepo) -> None:
    repo.write_story(body="电话 13912345678。\n")
    problem = only(errors(repo.check()), "privacy")
    assert "手机号码" in problem.message and "138****0000" in problem.message


@pytest.mark.parametrize(
    ("key", "value", "field", "needle"),
    [
        ("title", "拨打13912345678的好人", "title", "title:"),
        ("summary", "联系 139 1234 5678", "summary", "summary:"),
        ("subject.name", f"林某某{VALID_ID}", "subject.name", "name:"),
        ("subject.position", "乡邮员 13912345678", "subject.position", "position:"),
        ("cover", {"src": "cover.jpg", "alt": "电话 13912345678 的主人"}, "cover.alt", "alt:"),
        ("tags", ["乡村", "13912345678"], "tags[1]", "- '13912345678'"),
    ],
)
def test_every_published_field_is_scanned(repo: ContentRepo, key: str, value: object, field: str, needle: str) -> None:
    path = repo.write_story(changes={key: value}, bundle=True)
    problem = only(errors(repo.check()), "privacy")
    assert (problem.file, problem.field, problem.line) == (BUNDLE, field, line_with(path, needle))


@pytest.mark.parametrize(
    "written",
    [
        "１３９１２３４５６７８",
        "139 1234 5678",
        "139.1234.5678",
        "139－1234－5678",
        "139—1234—5678",
        "139\u200b1234\u200b5678",
        "1 3 9 1 2 3 4 5 6 7 8",
        "+86 139 1234 5678",
        "0086-139-1234-5678",
        "13912345678",
    ],
)
def test_normalised_mobile_number_in_the_body(repo: ContentRepo, written: str) -> None:
    path = repo.write_story(body=f"第一段。\n\n联系方式：{written}。\n")
    problem = only(errors(repo.check()), "privacy")
    assert (problem.line, problem.field) == (line_with(path, "联系方式"), "正文")
    assert "手机号码" in problem.message


@pytest.mark.parametrize(
    "written",
    [
        "１１０１０５１９４９１２３１００２Ｘ",
        "110105 19491231 002X",
        "1101 0519 4912 3100 2X",
        "1101\u200b0519491231002x",
    ],
)
def test_normalised_resident_id(written: str) -> None:
    assert [f.kind for f in find_personal_numbers(f"身份证：{written}。")] == ["id"]


@pytest.mark.parametrize(
    "text",
    [
        "项目总投资 12,345,678.00 元。",
        "奖金 ￥13912345678。",
        "合计 13912345678.00",
        "合同金额 13912345678 元",
        "发票号码 13912345678",
        "发票号码 12345678901234567890",
        "电子发票 24352000000012345678",
        "设备序列号 SN13912345678",
        "型号 13912345678AB",
        "1998.5—2003.12 在某乡任邮递员，2003.12—2013.5 任站长",
        "2019.1.1-2019.12.31 和 2020.1.1-2020.12.31 两个年度",
        "1998 1999 2000 2001 年连续获评",
        "138****0000 与 3501**********1234 是改写后的号码",
    ],
)
def test_money_invoices_serials_and_dates_are_not_personal_numbers(text: str) -> None:
    assert find_personal_numbers(text) == []


def test_one_message_per_line_however_many_numbers(repo: ContentRepo) -> None:
    path = repo.write_story(body="电话 13912345678、13812345678 和 13712345678。\n另一行 13612345678。\n")
    found = errors(repo.check(), "privacy")
    assert [d.line for d in found] == [line_with(path, "电话"), line_with(path, "另一行")]


def test_unit_name_and_description_are_scanned(repo: ContentRepo) -> None:
    data = {"name": "市邮政管理局", "kind": "direct", "description": "联系人电话 139-1234-5678"}
    path = repo.write_unit("city-postal", data)
    problem = only(errors(repo.check()), "privacy")
    assert (problem.file, problem.field, problem.line) == (
        "units/city-postal.yml",
        "description",
        line_with(path, "description:"),
    )
    assert "单位信息中出现了手机号码" in problem.message


def test_photo_file_name_is_scanned(repo: ContentRepo) -> None:
    path = repo.write_story(changes={"cover": {"src": "cover.jpg", "alt": "送邮途中"}}, bundle=True)
    (path.parent / "cover.jpg").write_bytes(JPEG)
    (path.parent / "身份证-110105194912310021.jpg").write_bytes(JPEG)
    (path.parent / "139-1234-5678.jpg").write_bytes(JPEG)
    result = repo.check()
    mobile = only(errors(result), "privacy")
    assert (mobile.file, mobile.line, mobile.field) == ("stories/2024/2024-lin-postman/139-1234-5678.jpg", 1, "文件名")
    assert "请给文件改名" in mobile.message
    typo = only(warnings(result), "privacy")
    assert typo.file == "stories/2024/2024-lin-postman/身份证-110105194912310021.jpg"


def test_story_file_name_is_scanned(repo: ContentRepo) -> None:
    repo.write_story("2024-13912345678")
    problem = only(errors(repo.check()), "privacy")
    assert (problem.file, problem.line, problem.field) == ("stories/2024/2024-13912345678.md", 1, "文件名")


# --- linear time ----------------------------------------------------------------------------

PATHOLOGICAL = {
    "digits-and-spaces": '"1 " * 500_000',
    "phone-per-line": r'"13912345678\n" * 80_000',
    "phones-in-one-run": '"139-1234-5678 " * 70_000',
    "zero-width": r'"139\u200b1234\u200b5678 " * 60_000',
    "dashes": '"1" + "-" * 1_000_000',
}


@pytest.mark.parametrize("expression", list(PATHOLOGICAL.values()), ids=list(PATHOLOGICAL))
def test_privacy_scan_of_a_pathological_megabyte_stays_within_a_cpu_budget(expression: str) -> None:
    # Offsets of each finding were once mapped back by rescanning the whole run: quadratic.
    out = run_with_cpu_budget(
        "from honorroll.rules.privacy import find_personal_numbers\n"
        f"text = {expression}\n"
        "found = find_personal_numbers(text)\n"
        "print(len(text) >= 840_000, len(found), all(text[f.offset].isdigit() for f in found))\n"
    )
    expected = {"digits-and-spaces": 0, "phone-per-line": 80_000, "phones-in-one-run": 70_000, "zero-width": 60_000}
    name = next(k for k, v in PATHOLOGICAL.items() if v == expression)
    assert out.split() == ["True", str(expected.get(name, 0)), "True"]


@pytest.mark.parametrize(
    "body",
    ['"![" * 500_000', '"<img " * 200_000', '"![a](xxx" * 120_000', """"![a](b 'x " * 100_000""", '"<img src=a.jpg alt=\'" * 50_000'],
    ids=["open-brackets", "open-img-tags", "unclosed-addresses", "unclosed-titles", "unclosed-alts"],
)  # fmt: skip
def test_image_scan_of_a_pathological_megabyte_stays_within_a_cpu_budget(body: str) -> None:
    # The previous patterns rescanned to the end of the line from every "![" or "<img": about an hour per megabyte.
    out = run_with_cpu_budget(
        "from honorroll.content.loader import body_images\n"
        "from honorroll.content.model import Story\n"
        f"body = {body}\n"
        "story = Story('x', 2024, 'x.md', True, '', 2, body, 5, '.')\n"
        "images = body_images(story)\n"
        "print(len(body) >= 960_000, len(images), {line for _src, _alt, line in images} <= {5})\n"
    )
    assert out.split() == ["True", "50000" if "alt=" in body else "0", "True"]


# --- minors ---------------------------------------------------------------------------------

MINOR = {"subject.minor": True, "subject.name": "小林", "subject.position": "学生"}


def _minor_story(repo: ContentRepo, **changes: object) -> None:
    path = repo.write_story(
        changes={**MINOR, "cover": {"src": "cover.jpg", "alt": "小林在读书"}, **changes}, bundle=True
    )
    (path.parent / "cover.jpg").write_bytes(JPEG)


def test_minor_with_a_photo_needs_a_guardian_consent_date(repo: ContentRepo) -> None:
    _minor_story(repo)
    problem = only(errors(repo.check()), "minor")
    path = repo.root / BUNDLE
    assert (problem.file, problem.field) == (BUNDLE, "subject.guardian_consent_on")
    assert problem.line == line_with(path, "subject:")
    assert "guardian_consent_on: YYYY-MM-DD" in problem.message and "监护人" in problem.message


def test_minor_with_a_recorded_consent_passes(repo: ContentRepo) -> None:
    _minor_story(repo, **{"subject.guardian_consent_on": dt.date(2024, 5, 6)})
    assert errors(repo.check(), "minor") == []


def test_consent_after_publication_is_refused(repo: ContentRepo) -> None:
    _minor_story(repo, **{"subject.guardian_consent_on": dt.date(2024, 6, 1)})
    problem = only(errors(repo.check()), "minor")
    assert problem.field == "subject.guardian_consent_on"
    assert problem.line == line_with(repo.root / BUNDLE, "guardian_consent_on:")
    assert "晚于发布日期 2024-05-20" in problem.message


def test_minor_without_photos_needs_no_consent(repo: ContentRepo) -> None:
    repo.write_story(changes=MINOR)
    assert errors(repo.check()) == []


@pytest.mark.parametrize("how", ["body-image", "file-in-folder"])
def test_any_photo_counts_not_only_the_cover(repo: ContentRepo, how: str) -> None:
    body = "![小林在读书](reading.jpg)\n" if how == "body-image" else "正文。\n"
    path = repo.write_story(changes=MINOR, body=body, bundle=True)
    (path.parent / ("reading.jpg" if how == "body-image" else "unused.png")).write_bytes(JPEG)
    assert only(errors(repo.check()), "minor").field == "subject.guardian_consent_on"


def test_minor_must_be_true_or_false(repo: ContentRepo) -> None:
    repo.write_story(changes={"subject.minor": "是"})
    problem = only(errors(repo.check()), "schema")
    assert problem.field == "subject.minor" and "true（是）或 false（否）" in problem.message


def test_thousands_of_numbers_in_fields_and_body_stay_within_a_cpu_budget() -> None:
    # Every finding in a field looks up its line; one YAML parse per look-up made this quadratic.
    out = run_with_cpu_budget(
        "import tempfile, pathlib\n"
        "from tests.conftest import ContentRepo\n"
        "repo = ContentRepo(pathlib.Path(tempfile.mkdtemp()))\n"
        "tags = [f'139{i:08d}' for i in range(15_000)]\n"
        "body = ''.join(f'电话 138{i:08d}\\n' for i in range(30_000))\n"
        "repo.write_story(changes={'tags': tags}, body=body)\n"
        "found = [d for d in repo.check().errors if d.rule == 'privacy']\n"
        "tag_lines = [d.line for d in found if d.field.startswith('tags[')]\n"
        "body_lines = [d.line for d in found if d.field == '正文']\n"
        "print(len(tag_lines), tag_lines == sorted(set(tag_lines)), len(body_lines), len(set(body_lines)))\n"
    )
    assert out.split() == ["15000", "True", "30000", "30000"]
