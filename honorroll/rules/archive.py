"""Rules across files: identities, unit references and the yearly quota gate."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator, Mapping

from honorroll.content.model import Archive
from honorroll.diagnostics import Diagnostic, Severity, error, warning
from honorroll.rules.context import CheckContext, at_field
from honorroll.rules.quota import QuotaRow


def check_unique_ids(archive: Archive) -> Iterator[Diagnostic]:
    files: dict[str, list[str]] = defaultdict(list)
    for story in archive.stories:
        files[story.id].append(story.file)
    for story_id, paths in files.items():
        if len(paths) < 2:
            continue
        for path in paths:
            others = "、".join(p for p in paths if p != path)
            yield error(
                "id",
                path,
                1,
                "",
                f"故事编号“{story_id}”重复（另见 {others}）：编号在所有年度中必须唯一，请给新故事另起一个编号",
            )


def check_units(archive: Archive) -> Iterator[Diagnostic]:
    units = archive.units
    for unit in units.values():
        if unit.kind == "member":
            if not unit.parent:
                yield error("unit", unit.file, 1, "parent", "member（系统内单位）必须填写 parent：它所属系统的单位编号")
            elif unit.parent not in units:
                yield error(
                    "unit",
                    unit.file,
                    1,
                    "parent",
                    f"parent 指向的单位“{unit.parent}”不存在{_suggest(unit.parent, units)}",
                )
            elif units[unit.parent].kind != "system":
                yield error(
                    "unit", unit.file, 1, "parent", f"parent 应指向 system（市直系统）类型的单位，“{unit.parent}”不是"
                )
        elif unit.parent:
            yield error(
                "unit",
                unit.file,
                1,
                "parent",
                "只有 member（系统内单位）才填写 parent；system 和 direct 单位请删除 parent",
            )
        if unit.active_from and unit.active_to and unit.active_from > unit.active_to:
            yield error("unit", unit.file, 1, "active_to", f"截止年度 {unit.active_to} 早于起始年度 {unit.active_from}")


def check_story_units(archive: Archive, ctx: CheckContext) -> Iterator[Diagnostic]:
    units = archive.units
    for story in archive.stories:
        if story.unit is None:
            continue
        unit = units.get(story.unit)
        if unit is None:
            yield at_field(
                Severity.ERROR,
                "unit",
                story,
                ("unit",),
                f"单位“{story.unit}”不存在{_suggest(story.unit, units)}：unit 填写 {ctx.settings.units_dir}/ 中单位文件的文件名（不含 .yml）",
            )
        elif not unit.active_in(story.year):
            span = f"{unit.active_from or '…'}–{unit.active_to or '…'}"
            yield at_field(
                Severity.ERROR,
                "unit",
                story,
                ("unit",),
                f"单位“{unit.display_name}”在 {story.year} 年不参加活动（有效年度 {span}）：请核对单位或年度",
            )


def _suggest(value: str, choices: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"，是否想写“{close[0]}”？" if close else ""


def check_quotas(archive: Archive, rows: list[QuotaRow], ctx: CheckContext) -> Iterator[Diagnostic]:
    for row in rows:
        unit = archive.units[row.unit]
        if row.status == "short":
            yield error(
                "quota",
                unit.file,
                1,
                "shortfalls",
                f"{row.unit_name} {row.year} 年只发布了 {row.published} 个故事，任务数 {row.quota} 个，"
                f"截止日 {row.deadline} 已过：请补充故事；如年终考评已确认未完成，"
                f"在 {unit.file} 的 shortfalls 下记录“{row.year}: 原因”",
            )
        elif row.status == "open" and row.missing:
            make = error if ctx.settings.strict_quota else warning
            notice = f"（另有 {row.under_notice} 个公示中）" if row.under_notice else ""
            yield make(
                "quota",
                unit.file,
                1,
                "",
                f"{row.unit_name} {row.year} 年已发布 {row.published} 个故事{notice}，任务数 {row.quota} 个，"
                f"还差 {row.missing} 个，距截止日 {row.deadline} 还有 {row.days_left} 天",
            )
        elif row.status == "met" and row.shortfall_reason:
            yield warning(
                "quota",
                unit.file,
                1,
                f"shortfalls.{row.year}",
                f"{row.year} 年记录了未完成，但已发布 {row.published} 个、达到任务数 {row.quota} 个：请删除这条记录",
            )
