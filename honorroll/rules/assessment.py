"""The year-end assessment: each unit's score for a year, line by line, and the year's activity sums.

The plan gives bonus points to units that did the work well and deducts points from those that
went through the motions; what earns how much is the ``assessment`` setting (the defaults are
an example, not a policy). A unit is assessed when it has a quota that year, like the quota
report; its member units' stories and activities count toward it, as they do for the quota.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from honorroll.config import AssessmentConfig, AudienceBand, HonorRollConfig
from honorroll.content.activities import Activity, activities_in
from honorroll.content.model import Archive, Honor, Story
from honorroll.diagnostics import Diagnostic
from honorroll.rules.quota import QuotaRow, counting_unit


@dataclass(frozen=True, slots=True)
class ScoreLine:
    item: str
    """Stable key for tools: ``published``, ``above_quota``, ``honor:<level>``, ``activity``,
    ``audience:<min>``, ``views:<min>``, ``shortfall``, ``shortfall_recorded``."""
    label: str
    count: int
    points_each: Decimal
    """Signed: deductions are negative."""
    detail: tuple[str, ...] = ()
    """What was counted: story IDs, activity IDs, honors, or the recorded reason."""

    @property
    def points(self) -> Decimal:
        return self.points_each * self.count


@dataclass(frozen=True, slots=True)
class ActivityTotals:
    offline: int = 0
    audience: int = 0
    online: int = 0
    views: int = 0

    @classmethod
    def of(cls, activities: Iterable[Activity]) -> ActivityTotals:
        items = [a for a in activities if a.mode is not None]
        offline = [a for a in items if not a.is_online]
        online = [a for a in items if a.is_online]
        return cls(len(offline), sum(a.reach for a in offline), len(online), sum(a.reach for a in online))


@dataclass(frozen=True, slots=True)
class KindTotal:
    kind: str
    mode: str
    count: int
    reach: int


@dataclass(slots=True)
class UnitScore:
    unit: str
    unit_name: str
    kind: str
    quota: QuotaRow
    lines: list[ScoreLine]
    activities: ActivityTotals
    rank: int = 0

    @property
    def score(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal(0))


@dataclass(slots=True)
class Assessment:
    year: int
    today: dt.date
    closed: bool
    """The quota deadline has passed, so shortfalls are final and deducted."""
    scoring: AssessmentConfig
    units: list[UnitScore]
    programme: ActivityTotals
    by_kind: list[KindTotal]
    published_stories: int
    honors: int
    errors: int = 0
    """Errors the content check found: the scores may be off until they are fixed."""
    notes: list[str] = field(default_factory=list)


def content_errors(diagnostics: Iterable[Diagnostic]) -> int:
    """Errors that make scores unreliable; an unrecorded shortfall is an error too, but it is scored."""
    return sum(1 for d in diagnostics if d.is_error and d.rule != "quota")


def points(value: float) -> Decimal:
    """Settings hold floats; their decimal text keeps 0.1 × 3 exactly 0.3."""
    return Decimal(str(value))


def band_for(reach: int, bands: Sequence[AudienceBand]) -> AudienceBand | None:
    """The highest band an activity reaches, if any."""
    reached = [band for band in bands if reach >= band.min]
    return reached[-1] if reached else None


def assess(
    archive: Archive,
    activities: Sequence[Activity],
    quotas: Sequence[QuotaRow],
    settings: HonorRollConfig,
    year: int,
    today: dt.date,
) -> Assessment:
    scoring = settings.assessment
    rows = [r for r in quotas if r.year == year]
    year_activities = [a for a in activities_in(list(activities), year) if a.mode is not None]
    published = [s for s in archive.stories if s.is_published and s.year == year]
    honored = [(s, h) for s in archive.stories if s.is_published for h in s.honors if h.year == year]
    units = []
    for row in rows:
        mine = [a for a in year_activities if row.unit in counting_unit(a.unit or "", archive.units)]
        units.append(
            UnitScore(
                unit=row.unit,
                unit_name=row.unit_name,
                kind=row.kind,
                quota=row,
                lines=score_lines(row, archive, published, honored, mine, settings),
                activities=ActivityTotals.of(mine),
            )
        )
    rank(units)
    counts: Counter[str] = Counter(a.kind or "" for a in year_activities)
    reach: Counter[str] = Counter()
    for activity in year_activities:
        reach[activity.kind or ""] += activity.reach
    by_kind = [
        KindTotal(kind, mode, counts[kind], reach[kind])
        for kind, mode in settings.activity_kinds.items()
        if counts[kind]
    ]
    closed = bool(rows) and all(r.days_left is None for r in rows)
    notes = [] if closed or not rows else [f"{year} 年度尚未结束（截止日 {rows[0].deadline}），未完成任务数暂不扣分"]
    return Assessment(
        year=year,
        today=today,
        closed=closed,
        scoring=scoring,
        units=units,
        programme=ActivityTotals.of(year_activities),
        by_kind=by_kind,
        published_stories=len(published),
        honors=len(honored),
        notes=notes,
    )


def score_lines(
    row: QuotaRow,
    archive: Archive,
    published: Sequence[Story],
    honored: Sequence[tuple[Story, Honor]],
    activities: Sequence[Activity],
    settings: HonorRollConfig,
) -> list[ScoreLine]:
    """Every line that makes the unit's score; lines that count nothing are left out."""
    scoring = settings.assessment
    lines: list[ScoreLine] = []
    mine = [s for s in published if row.unit in counting_unit(s.unit or "", archive.units)]
    lines.append(ScoreLine("published", "已发布故事", len(mine), points(scoring.published_story), _ids(mine)))
    above = max(0, row.published - row.quota)
    lines.append(
        ScoreLine("above_quota", f"超出任务数（{row.quota} 个）的故事", above, points(scoring.above_quota_story))
    )
    for level, level_label in settings.honor_levels.items():
        won = [
            f"{story.id}：{honor.title}"
            for story, honor in honored
            if honor.level == level and row.unit in counting_unit(story.unit or "", archive.units)
        ]
        lines.append(
            ScoreLine(f"honor:{level}", f"{level_label}荣誉", len(won), points(scoring.honor.get(level, 0)), tuple(won))
        )
    lines.append(ScoreLine("activity", "宣传活动", len(activities), points(scoring.activity), _ids(activities)))
    for online, bands, key, unit_word in (
        (False, scoring.audience_bands, "audience", "人次"),
        (True, scoring.view_bands, "views", "次观看"),
    ):
        reached: dict[int, list[Activity]] = {}
        for activity in activities:
            band = band_for(activity.reach, bands) if activity.is_online is online else None
            if band is not None:
                reached.setdefault(band.min, []).append(activity)
        for band in bands:
            hits = reached.get(band.min, [])
            mode = "线上活动" if online else "线下活动"
            lines.append(
                ScoreLine(
                    f"{key}:{band.min}",
                    f"{mode}达到 {band.min:,} {unit_word}",
                    len(hits),
                    points(band.points),
                    _ids(hits),
                )
            )
    if row.status == "short":
        lines.append(
            ScoreLine("shortfall", "未完成任务数（未记录）", row.missing, -points(scoring.shortfall_unrecorded))
        )
    elif row.status == "recorded":
        lines.append(
            ScoreLine(
                "shortfall_recorded",
                "未完成任务数（已记录）",
                row.missing,
                -points(scoring.shortfall_recorded),
                (row.shortfall_reason or "",),
            )
        )
    return [line for line in lines if line.count and line.points_each]


def _ids(items: Iterable[Story | Activity]) -> tuple[str, ...]:
    return tuple(item.id for item in items)


def rank(units: list[UnitScore]) -> None:
    """Highest score first; equal scores share a rank (1, 1, 3), listed by unit ID."""
    units.sort(key=lambda u: (-u.score, u.unit))
    for index, unit in enumerate(units):
        unit.rank = units[index - 1].rank if index and unit.score == units[index - 1].score else index + 1
