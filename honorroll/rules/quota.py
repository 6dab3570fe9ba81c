"""Yearly quotas: who owes how many published stories, and who is short."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass

from honorroll.config import HonorRollConfig
from honorroll.content.model import Archive, Unit

STATUS_LABELS = {
    "met": "已完成",
    "open": "进行中",
    "short": "未完成",
    "recorded": "未完成（已记录）",
}


@dataclass(frozen=True, slots=True)
class QuotaRow:
    unit: str
    unit_name: str
    kind: str
    year: int
    published: int
    quota: int
    deadline: dt.date
    status: str  # met | open | short | recorded
    days_left: int | None
    """Days until the deadline while the year is open, else None."""
    under_notice: int
    shortfall_reason: str | None

    @property
    def missing(self) -> int:
        return max(0, self.quota - self.published)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["deadline"] = self.deadline.isoformat()
        data["missing"] = self.missing
        data["status_label"] = self.status_label
        return data


def quota_of(unit: Unit, settings: HonorRollConfig) -> int:
    return unit.quota if unit.quota is not None else int(settings.quotas.get(unit.kind, 0))


def deadline_of(year: int, settings: HonorRollConfig) -> dt.date:
    month, day = (int(part) for part in settings.deadline.split("-"))
    return dt.date(year, month, day)


def counting_unit(unit_id: str, units: dict[str, Unit]) -> list[str]:
    """The unit itself and, for a member, the system its stories count toward."""
    unit = units.get(unit_id)
    if unit is None:
        return []
    owners = [unit_id]
    if unit.kind == "member" and unit.parent in units:
        owners.append(unit.parent)
    return owners


def quota_rows(archive: Archive, settings: HonorRollConfig, today: dt.date) -> list[QuotaRow]:
    """One row per unit with a quota and per year from the programme start to this year."""
    published: Counter[tuple[str, int]] = Counter()
    notice: Counter[tuple[str, int]] = Counter()
    for story in archive.stories:
        if story.unit is None or story.status not in ("published", "notice"):
            continue
        tally = published if story.status == "published" else notice
        for owner in counting_unit(story.unit, archive.units):
            tally[owner, story.year] += 1
    rows = []
    for year in range(settings.start_year, today.year + 1):
        deadline = deadline_of(year, settings)
        closed = today > deadline
        for unit in sorted(archive.units.values(), key=lambda u: u.id):
            quota = quota_of(unit, settings)
            if quota <= 0 or not unit.active_in(year):
                continue
            count = published[unit.id, year]
            reason = unit.shortfalls.get(year)
            if count >= quota:
                status = "met"
            elif not closed:
                status = "open"
            elif reason:
                status = "recorded"
            else:
                status = "short"
            rows.append(
                QuotaRow(
                    unit=unit.id,
                    unit_name=unit.display_name,
                    kind=unit.kind,
                    year=year,
                    published=count,
                    quota=quota,
                    deadline=deadline,
                    status=status,
                    days_left=None if closed else (deadline - today).days,
                    under_notice=notice[unit.id, year],
                    shortfall_reason=reason,
                )
            )
    return rows
