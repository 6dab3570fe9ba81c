"""Which published stories go into a book, and how its contents are grouped."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from honorroll.book.context import BookError
from honorroll.config import HonorRollConfig
from honorroll.content.model import Story, Unit

GROUPINGS = {"category": "类别", "unit": "单位", "honor": "荣誉"}
NO_HONOR_GROUP = "选树故事"
_YEAR_RANGE = re.compile(r"^\s*(\d{4})\s*(?:[-–~至]\s*(\d{4}))?\s*$")


def parse_years(text: str) -> list[int]:
    """``2025`` or ``2022-2025`` (both ends included)."""
    match = _YEAR_RANGE.match(text)
    if not match:
        raise BookError(f"年度“{text}”的写法不对：写一个年份（如 2025）或一段年份（如 2022-2025）")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise BookError(f"年度范围“{text}”的起止写反了：应为 {last}-{first}")
    return list(range(first, last + 1))


@dataclass(frozen=True)
class Selection:
    years: tuple[int, ...] = ()
    """Empty means every year."""
    unit: str | None = None
    """A unit and, for a system, its member units."""
    level: str | None = None
    honor: str | None = None

    def describe(self, units: dict[str, Unit], levels: dict[str, str]) -> str:
        parts = []
        if self.years:
            first, last = min(self.years), max(self.years)
            parts.append(f"{first} 年度" if first == last else f"{first}—{last} 年度")
        if self.unit:
            parts.append(units[self.unit].name)
        if self.level:
            parts.append(f"获{levels.get(self.level, self.level)}荣誉")
        if self.honor:
            parts.append(f"“{self.honor}”")
        return " · ".join(parts)


def validate(selection: Selection, units: dict[str, Unit], settings: HonorRollConfig) -> None:
    problems = []
    if selection.unit and selection.unit not in units:
        problems.append(f"没有编号为“{selection.unit}”的单位：编号是 units/ 中的文件名（不含 .yml）")
    if selection.level and selection.level not in settings.honor_levels:
        choices = "、".join(f"{k}（{v}）" for k, v in settings.honor_levels.items())
        problems.append(f"荣誉级别“{selection.level}”不存在，可选：{choices}")
    if selection.honor and selection.honor not in settings.honor_titles:
        problems.append(f"荣誉称号“{selection.honor}”不存在，可选：{'、'.join(settings.honor_titles)}")
    if problems:
        raise BookError("\n".join(problems))


def _unit_ids(unit_id: str, units: dict[str, Unit]) -> set[str]:
    return {unit_id} | {u.id for u in units.values() if u.parent == unit_id}


def select(stories: Sequence[Story], selection: Selection, units: dict[str, Unit]) -> list[Story]:
    """Published stories only: notice and withdrawn stories never reach print."""
    wanted_units = _unit_ids(selection.unit, units) if selection.unit else None
    chosen = []
    for story in stories:
        if not story.is_published:
            continue
        if selection.years and story.year not in selection.years:
            continue
        if wanted_units is not None and story.unit not in wanted_units:
            continue
        if selection.level and not any(h.level == selection.level for h in story.honors):
            continue
        if selection.honor and not any(h.title == selection.honor for h in story.honors):
            continue
        chosen.append(story)
    return sorted(chosen, key=story_order)


def story_order(story: Story) -> tuple[int, int, str]:
    return story.year, (story.published_on or dt.date.min).toordinal(), story.id


@dataclass
class Group:
    key: str
    title: str
    stories: list[Story] = field(default_factory=list)


def _unit_order(units: dict[str, Unit]) -> dict[str, int]:
    """Systems and direct units by name, each system followed by its member units."""
    kinds = {"system": 0, "direct": 1, "member": 2}
    tops = sorted((u for u in units.values() if u.parent is None), key=lambda u: (kinds.get(u.kind, 3), u.id))
    order: list[str] = []
    for top in tops:
        order.append(top.id)
        order.extend(sorted(u.id for u in units.values() if u.parent == top.id))
    order.extend(sorted(set(units) - set(order)))
    return {unit_id: i for i, unit_id in enumerate(order)}


def _best_honor_level(story: Story, levels: list[str]) -> str | None:
    ranks = [levels.index(h.level) for h in story.honors if h.level in levels]
    return levels[min(ranks)] if ranks else None


def group(stories: Sequence[Story], by: str, units: dict[str, Unit], settings: HonorRollConfig) -> list[Group]:
    """Groups in the book's order; stories keep their order inside a group."""
    groups: dict[str, Group] = {}
    ranks: dict[str, tuple[int, str]] = defaultdict(lambda: (10**6, ""))
    if by == "category":
        for story in stories:
            key = story.category or ""
            groups.setdefault(key, Group(key, key)).stories.append(story)
        order = {c: i for i, c in enumerate(settings.categories)}
        ranks.update({k: (order.get(k, len(order)), k) for k in groups})
    elif by == "unit":
        unit_rank = _unit_order(units)
        for story in stories:
            key = story.unit or ""
            title = units[key].name if key in units else key
            groups.setdefault(key, Group(key, title)).stories.append(story)
        ranks.update({k: (unit_rank.get(k, len(unit_rank)), k) for k in groups})
    elif by == "honor":
        levels = list(settings.honor_levels)
        for story in stories:
            level = _best_honor_level(story, levels)
            key = level or ""
            title = f"获{settings.honor_levels[level]}荣誉" if level else NO_HONOR_GROUP
            groups.setdefault(key, Group(key, title)).stories.append(story)
        ranks.update({k: (levels.index(k) if k else len(levels), k) for k in groups})
    else:
        raise BookError(f"未知的分组方式“{by}”，可选：{'、'.join(f'{k}（{v}）' for k, v in GROUPINGS.items())}")
    return [groups[k] for k in sorted(groups, key=lambda k: ranks[k])]
