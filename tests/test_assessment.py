"""The year-end assessment: a small programme scored by hand, ranks, sums and every output format."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from decimal import Decimal
from typing import Any

import pytest

from honorroll.check.run import CheckResult
from honorroll.cli.main import main
from honorroll.cli.report import csv_cell, render_assessment, render_csv
from honorroll.engine.project import load_project, validated_settings
from honorroll.rules.assessment import (
    ActivityTotals,
    Assessment,
    ScoreLine,
    UnitScore,
    assess,
    content_errors,
    rank,
)
from honorroll.rules.quota import QuotaRow
from tests.conftest import ContentRepo, errors
from tests.test_activities import VIDEO, write_activity

AFTER_YEAR = dt.date(2025, 3, 1)
SCORING: dict[str, Any] = {
    "published_story": 2,
    "above_quota_story": 1.5,
    "honor": {"national": 10, "provincial": 5, "municipal": 0, "county": 1},
    "activity": 1,
    "audience_bands": [{"min": 100, "points": 1}, {"min": 300, "points": 3}],
    "view_bands": [{"min": 1000, "points": 2}],
    "shortfall_unrecorded": 4,
    "shortfall_recorded": 1,
}
DATES_2023 = {
    "process.nominated_on": dt.date(2023, 3, 1),
    "process.recommended_on": dt.date(2023, 4, 3),
    "process.approved_on": dt.date(2023, 5, 10),
    "eligibility.checked_on": dt.date(2023, 5, 8),
    "process.notice": {"start": dt.date(2023, 5, 15), "end": dt.date(2023, 5, 19)},
    "published_on": dt.date(2023, 5, 22),
}


@pytest.fixture
def programme(repo: ContentRepo, delete: object) -> ContentRepo:
    """2024 of a small programme (see the expected scores in the first test)."""
    repo.options["assessment"] = SCORING
    repo.write_unit("city-weather", {"name": "市气象局", "kind": "direct", "shortfalls": {2024: "机构调整"}})
    repo.write_unit("city-archive", {"name": "市档案馆", "kind": "direct", "quota": 0})
    honors_a = [{"title": "福建好人", "level": "provincial", "year": 2024}, {"title": "中国好人", "level": "national", "year": 2025}]  # fmt: skip
    repo.write_story("a", changes={"honors": honors_a})
    repo.write_story("b")
    repo.write_story("c", changes={"unit": "traffic-bus", "honors": [{"title": "身边好人", "level": "county", "year": 2024}]})  # fmt: skip
    repo.write_story("d", changes={"unit": "city-traffic", "status": "notice", "published_on": delete})
    honors_e = [{"title": "身边好人", "level": "county", "year": 2024}, {"title": "最美人物", "level": "municipal", "year": 2024}]  # fmt: skip
    repo.write_story("e", year=2023, changes={**DATES_2023, "honors": honors_e})
    withdrawn = {"on": dt.date(2024, 8, 1), "reason": "核查"}
    honors_f = [{"title": "中国好人", "level": "national", "year": 2024}]
    repo.write_story("f", changes={"status": "withdrawn", "withdrawn": withdrawn, "honors": honors_f})
    write_activity(repo, "t1", stories=["a", "b"], audience=350)
    write_activity(repo, "t2", unit="city-traffic", kind="故事会", stories=["c"], audience=60)
    write_activity(repo, "v1", data=VIDEO, stories=["c"], views=1200)
    write_activity(repo, "t3", unit="city-archive", stories=["e"], audience=40)
    write_activity(repo, "t0", year=2023, date=dt.date(2023, 6, 1), stories=["e"], audience=999)
    return repo


def run(repo: ContentRepo, today: dt.date = AFTER_YEAR, year: int = 2024) -> tuple[CheckResult, Assessment]:
    result = repo.check(today=today)
    settings = load_project(repo.write_config()).settings
    return result, assess(result.archive, result.activities, result.quotas, settings, year, today)


def lines(unit: UnitScore) -> list[tuple[str, int, Decimal, tuple[str, ...]]]:
    return [(line.item, line.count, line.points_each, line.detail) for line in unit.lines]


def test_scores_computed_by_hand(programme: ContentRepo) -> None:
    result, assessment = run(programme)
    assert [(d.rule, d.file) for d in errors(result)] == [("quota", "units/city-traffic.yml")]
    postal, traffic, weather = assessment.units
    # 市邮政管理局 (quota 1): stories a, b; a's provincial honor of 2024 (its 2025 national one is next year's);
    # e (a 2023 story) won a county honor in 2024; its municipal honor is worth 0 and makes no line;
    # f is withdrawn: neither the story nor its honor counts. Activity t1 reached 350 people: band 300.
    assert lines(postal) == [
        ("published", 2, Decimal(2), ("a", "b")),
        ("above_quota", 1, Decimal("1.5"), ()),
        ("honor:provincial", 1, Decimal(5), ("a：福建好人",)),
        ("honor:county", 1, Decimal(1), ("e：身边好人",)),
        ("activity", 1, Decimal(1), ("t1",)),
        ("audience:300", 1, Decimal(3), ("t1",)),
    ]
    assert postal.score == 2 * 2 + 1.5 + 5 + 1 + 1 + 3 == Decimal("15.5")
    # 市交通运输系统 (system, quota 2): c comes from its member 市公交集团, d is still under notice;
    # two activities (t2 by itself, v1 by its member), v1's 1,200 views reach the 1,000 band;
    # the year is over one story short, with nothing recorded: 4 points off.
    assert lines(traffic) == [
        ("published", 1, Decimal(2), ("c",)),
        ("honor:county", 1, Decimal(1), ("c：身边好人",)),
        ("activity", 2, Decimal(1), ("t2", "v1")),
        ("views:1000", 1, Decimal(2), ("v1",)),
        ("shortfall", 1, Decimal(-4), ()),
    ]
    assert traffic.score == 2 + 1 + 2 + 2 - 4 == 3
    # 市气象局: nothing published, the shortfall is recorded: 1 point off. 市档案馆 has no quota: not assessed.
    assert lines(weather) == [("shortfall_recorded", 1, Decimal(-1), ("机构调整",))]
    assert [(u.unit, u.rank, u.score) for u in assessment.units] == [
        ("city-postal", 1, Decimal("15.5")), ("city-traffic", 2, 3), ("city-weather", 3, -1)
    ]  # fmt: skip
    assert assessment.closed and assessment.notes == []


def test_activity_sums_per_unit_and_for_the_programme(programme: ContentRepo) -> None:
    _result, assessment = run(programme)
    postal, traffic, weather = assessment.units
    assert (postal.activities.offline, postal.activities.audience, postal.activities.online) == (1, 350, 0)
    assert (traffic.activities.offline, traffic.activities.audience) == (1, 60)
    assert (traffic.activities.online, traffic.activities.views) == (1, 1200)
    assert weather.activities.offline + weather.activities.online == 0
    # The programme counts every activity of the year once, 市档案馆's too; t0 is 2023's.
    p = assessment.programme
    assert (p.offline, p.audience, p.online, p.views) == (3, 350 + 60 + 40, 1, 1200)
    assert [(k.kind, k.count, k.reach) for k in assessment.by_kind] == [
        ("宣讲", 2, 390), ("故事会", 1, 60), ("线上视频", 1, 1200)
    ]  # fmt: skip
    # Honors of the year on published stories, whatever they are worth: a, c and e's two.
    assert (assessment.published_stories, assessment.honors) == (3, 4)


def test_open_year_deducts_nothing_yet(programme: ContentRepo) -> None:
    _result, assessment = run(programme, today=dt.date(2024, 12, 30))
    traffic = next(u for u in assessment.units if u.unit == "city-traffic")
    assert [line.item for line in traffic.lines if line.points_each < 0] == []
    assert traffic.score == 2 + 1 + 2 + 2
    assert not assessment.closed and "尚未结束" in assessment.notes[0]


def test_equal_scores_share_a_rank() -> None:
    def unit(unit_id: str, points: int) -> UnitScore:
        row = QuotaRow(unit_id, unit_id, "direct", 2024, 0, 1, dt.date(2024, 12, 31), "met", None, 0, None)
        line = ScoreLine("published", "已发布故事", 1, Decimal(points))
        return UnitScore(unit_id, unit_id, "direct", row, [line], ActivityTotals())

    units = [unit("c", 3), unit("a", 5), unit("b", 5), unit("d", 1)]
    rank(units)
    assert [(u.unit, u.rank) for u in units] == [("a", 1), ("b", 1), ("c", 3), ("d", 4)]


def test_scoring_settings_are_validated() -> None:
    for bad in (
        {"assessment": {"activity": -1}},
        {"assessment": {"activity": "一分"}},
        {"assessment": {"honor": {"world": 3}}},
        {"assessment": {"audience_bands": [{"min": 300, "points": 1}, {"min": 100, "points": 2}]}},
        {"assessment": {"view_bands": [{"points": 2}]}},
        {"assessment": {"shortfal_unrecorded": 2}},
        {"assessment": {"audience_bands": [{"min": 100, "pionts": 2}]}},
    ):
        with pytest.raises(Exception, match="assessment"):
            validated_settings(bad, "mkdocs.yml")
    settings = validated_settings({"assessment": {"activity": 0.5}}, "mkdocs.yml")
    assert settings.assessment.activity == 0.5 and settings.assessment.published_story == 2


# ---------------------------------------------------------------- formats and the command


def report(repo: ContentRepo, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    config = repo.write_config()
    return main(["-f", str(config), "--today", AFTER_YEAR.isoformat(), "report", *args], out=out), out.getvalue()


def test_json_report_lists_every_line_and_the_programme(programme: ContentRepo) -> None:
    code, out = report(programme, "--assessment", "--year", "2024", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["closed"] is True and data["errors"] == 0
    assert [(u["unit"], u["rank"], u["score"]) for u in data["units"]] == [
        ("city-postal", 1, 15.5), ("city-traffic", 2, 3), ("city-weather", 3, -1)
    ]  # fmt: skip
    assert data["units"][1]["lines"][-1] == {
        "item": "shortfall", "label": "未完成任务数（未记录）", "count": 1, "points_each": -4, "points": -4, "detail": []
    }  # fmt: skip
    assert data["programme"]["offline"] == 3 and data["programme"]["views"] == 1200
    assert data["scoring"]["above_quota_story"] == 1.5
    assert (
        "线下宣传活动 3 场次，覆盖群众 450 人次；线上发布宣讲及视频 1 则，累计观看量 1,200 人次"
        in data["programme"]["summary"]
    )


def test_unit_filter_keeps_the_overall_rank(programme: ContentRepo) -> None:
    _code, out = report(programme, "--assessment", "--year", "2024", "--unit", "city-traffic", "--format", "json")
    assert [(u["unit"], u["rank"]) for u in json.loads(out)["units"]] == [("city-traffic", 2)]


def test_markdown_report_tables(programme: ContentRepo) -> None:
    _code, out = report(programme, "--assessment", "--year", "2024", "--format", "markdown")
    rows = out.splitlines()
    assert "| 1 | 市邮政管理局 | city-postal | 15.5 | 2 | 1 | 已完成 | 1 | 350 | 0 |" in rows
    assert "|  |  | 未完成任务数（未记录） | 1 | -4 | -4 |  |" in rows
    assert "| 全部单位（合计） | 3 | 450 | 1 | 1,200 |" in rows


def test_terminal_report_aligns_the_ranking(programme: ContentRepo) -> None:
    _code, out = report(programme, "--assessment", "--year", "2024")
    ranking = out.split("排名\n")[1].split("\n\n")[0].splitlines()
    assert [row.split()[:4] for row in ranking[2:]] == [
        ["1", "市邮政管理局", "city-postal", "15.5"],
        ["2", "市交通运输系统精神文明建设领导小组", "city-traffic", "3"],
        ["3", "市气象局", "city-weather", "-1"],
    ]
    assert len({display_width(row[: row.index("city-")]) for row in ranking[2:]}) == 1


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_csv_report_rows_and_formula_guard(programme: ContentRepo) -> None:
    programme.write_unit("city-weather", {"name": "=HYPERLINK(\"https://evil.example\")", "kind": "direct", "shortfalls": {2024: "@机构调整"}})  # fmt: skip
    _code, out = report(programme, "--assessment", "--year", "2024", "--format", "csv")
    assert out.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    weather = next(r for r in rows if r[3] == "city-weather")
    assert weather[2] == '\'=HYPERLINK("https://evil.example")' and weather[9] == "'@机构调整"
    assert weather[4] == "-1" and weather[7] == "-1"  # computed numbers stay numbers
    postal = [r for r in rows if r[3] == "city-postal"]
    assert [(r[5], r[6], r[7], r[8]) for r in postal][:2] == [("已发布故事", "2", "2", "4"), ("超出任务数（1 个）的故事", "1", "1.5", "1.5")]  # fmt: skip
    assert rows[-1][2] == "全部单位（合计）" and rows[-1][10:] == ["3", "450", "1", "1200"]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_that_look_like_formulas_get_an_apostrophe(text: str) -> None:
    assert csv_cell(text) == "'" + text
    assert csv_cell("市气象局") == "市气象局" and csv_cell(-3) == "-3" and csv_cell(Decimal("-1.5")) == "-1.5"


def test_quota_csv_is_guarded_too(programme: ContentRepo) -> None:
    programme.write_unit("city-weather", {"name": "-气象局", "kind": "direct"})
    result = programme.check(today=AFTER_YEAR)
    rows = list(csv.reader(io.StringIO(render_csv(result.quotas).removeprefix("\ufeff"))))
    assert "'-气象局" in [r[1] for r in rows]


def test_assessment_needs_a_year_within_the_programme(programme: ContentRepo) -> None:
    assert report(programme, "--assessment")[0] == 2
    code, out = report(programme, "--assessment", "--year", "2026")
    assert code == 2 and "2024 到今年 2025" in out


def test_report_notes_content_errors(programme: ContentRepo) -> None:
    write_activity(programme, "broken", stories=["nope"])
    result, assessment = run(programme)
    assessment.errors = content_errors(result.diagnostics)
    settings = load_project(programme.write_config()).settings
    text = render_assessment(assessment, "table", settings)
    assert "注意：内容检查发现 1 个错误，得分可能不准确" in text
