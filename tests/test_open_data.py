"""Open data written by the build, read back with jsonschema and Python's csv module."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from honorroll.site.open_data import BODY_FIELDS, STORY_FIELDS, UNIT_FIELDS, csv_text, field_table
from tests.conftest import ROOT
from tests.sitebuild import SAMPLE_SITE_URL, build_sample
from tests.test_book import sample_stories


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("open-data"))


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def validate(document: Path, schema: Path) -> None:
    validator = Draft202012Validator(load(schema), format_checker=FormatChecker())
    Draft202012Validator.check_schema(validator.schema)
    errors = sorted(validator.iter_errors(load(document)), key=str)
    assert not errors, errors[:3]


def test_every_json_file_validates_against_its_schema(site: Path) -> None:
    data = site / "data"
    validate(data / "stories.json", data / "stories.schema.json")
    validate(data / "units.json", data / "units.schema.json")
    years = sorted((data / "years").glob("*.json"))
    assert [p.stem for p in years] == ["2022", "2023", "2024", "2025", "2026"]
    for path in years:
        validate(path, data / "stories.schema.json")
    assert load(data / "stories.json")["$schema"] == f"{SAMPLE_SITE_URL}data/stories.schema.json"


def test_the_schema_rejects_what_the_api_does_not_promise(site: Path) -> None:
    validator = Draft202012Validator(load(site / "data" / "stories.schema.json"), format_checker=FormatChecker())
    document = load(site / "data" / "stories.json")
    document["stories"][0]["checked_by"] = "市直机关文明办"
    assert not validator.is_valid(document)
    document = load(site / "data" / "stories.json")
    del document["stories"][0]["short_url"]
    assert not validator.is_valid(document)


def test_csv_has_a_bom_and_one_row_per_published_story(site: Path) -> None:
    raw = (site / "data" / "stories.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    published = {s["id"] for s in sample_stories() if s["status"] == "published"}
    assert len(rows) == len(published) == 49
    assert {row["id"] for row in rows} == published
    assert list(rows[0]) == [f.name for f in STORY_FIELDS]
    he = next(row for row in rows if row["id"] == "2024-no1-he-lanxin")
    assert he["honors"] == "2024 县（区）级 道德模范"
    assert he["tags"] == "孝老；班主任"
    # the re-encoded cover (largest size), never the original file
    assert he["cover_url"].startswith(f"{SAMPLE_SITE_URL}media/") and he["cover_url"].endswith(".jpg")
    units = list(csv.DictReader(io.StringIO((site / "data" / "units.csv").read_text(encoding="utf-8-sig"), newline="")))
    assert list(units[0]) == [f.name for f in UNIT_FIELDS]
    assert sum(int(u["published_stories"]) for u in units) == 49


def test_nothing_unpublished_or_private_is_in_the_data(site: Path) -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in (site / "data").rglob("*") if p.is_file())
    for story in sample_stories():
        if story["status"] != "published":
            assert story["id"] not in text and story["title"] not in text
    for private in (
        "市直机关文明办",
        "checked_by",
        "eligibility",
        "criminal_record",
        "withdrawn",
        "shortfalls",
        "当事人本人",
    ):
        assert private not in text, private


def test_links_are_absolute_and_point_at_built_pages(site: Path) -> None:
    stories = load(site / "data" / "stories.json")["stories"]
    for record in stories:
        story_id = record["id"]
        assert record["short_url"] == f"{SAMPLE_SITE_URL}s/{story_id}/"
        share = record["share_image_url"]
        # the cover's largest size, or the site's card (share_cards: site)
        assert share in (record["cover_url"], f"{SAMPLE_SITE_URL}share/site.jpg"), story_id
        assert (site / share.removeprefix(SAMPLE_SITE_URL)).is_file()
        for key in ("url", "short_url", "poster_url"):
            page = site / record[key].removeprefix(SAMPLE_SITE_URL) / "index.html"
            assert page.is_file(), (key, record[key])
        assert (site / record["qr_code_url"].removeprefix(SAMPLE_SITE_URL)).is_file()
        if record["cover_url"]:
            assert (site / record["cover_url"].removeprefix(SAMPLE_SITE_URL)).is_file()
    for unit in load(site / "data" / "units.json")["units"]:
        assert (site / unit["url"].removeprefix(SAMPLE_SITE_URL) / "index.html").is_file()
    index = load(site / "data" / "index.json")
    for url in [*index["files"].values(), *index["years"].values()]:
        assert (site / url.removeprefix(SAMPLE_SITE_URL)).is_file(), url


def test_year_files_carry_the_full_text_and_every_photo(site: Path) -> None:
    year = load(site / "data" / "years" / "2024.json")["stories"]
    he = next(r for r in year if r["id"] == "2024-no1-he-lanxin")
    source = (ROOT / "stories" / "2024" / "2024-no1-he-lanxin" / "index.md").read_text(encoding="utf-8")
    assert he["body_markdown"].strip() == source.split("\n---\n", 1)[1].strip()
    assert [p["alt"] for p in he["photos"]] == ["示意插图：阳光下的校园教学楼与操场", "示意插图：暮色中亮着暖灯的小屋"]
    assert all(p["url"].startswith(f"{SAMPLE_SITE_URL}media/") for p in he["photos"])
    for photo in he["photos"]:
        assert (site / photo["url"].removeprefix(SAMPLE_SITE_URL)).is_file()
    listed = load(site / "data" / "stories.json")["stories"]
    assert "body_markdown" not in listed[0]
    assert {r["id"] for r in year} == {r["id"] for r in listed if r["year"] == 2024}


def test_spreadsheet_formulas_in_content_stay_text() -> None:
    record = {f.name: None for f in STORY_FIELDS} | {
        "id": "x",
        "title": "=HYPERLINK(1)",
        "tags": ["+1", "普通"],
        "honors": [],
    }
    rows = list(csv.reader(io.StringIO(csv_text([record], STORY_FIELDS).lstrip("\ufeff"))))
    assert rows[1][2] == "'=HYPERLINK(1)"
    assert rows[1][11] == "'+1；普通"


def test_the_api_document_lists_every_field() -> None:
    text = (ROOT / "docs" / "open-data.md").read_text(encoding="utf-8")
    for fields in (STORY_FIELDS, BODY_FIELDS, UNIT_FIELDS):
        assert field_table(fields) in text, "regenerate the tables in docs/open-data.md from open_data.field_table"
