"""Rules that look at one story alone (and at the photos in its folder).

They depend only on the story's files, the settings and "today", which is what lets a
checker cache their results per file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from honorroll.content import media
from honorroll.content.loader import body_images
from honorroll.content.model import Story
from honorroll.diagnostics import Diagnostic, Severity, error
from honorroll.rules.context import CheckContext, at_field
from honorroll.rules.privacy import check_minor_consent, check_privacy, find_private_numbers, is_resident_id
from honorroll.rules.safety import check_safety
from honorroll.rules.workdays import count_workdays

__all__ = ["check_story", "find_private_numbers", "is_resident_id"]

E, W = Severity.ERROR, Severity.WARNING

FLAG_LABELS = {
    "controversial": "存在争议",
    "criminal_record": "有违法犯罪记录",
    "disciplinary_sanction": "受过纪律处分",
}


def check_year(story: Story, ctx: CheckContext) -> Iterator[Diagnostic]:
    approved = story.process and story.process.approved_on
    if approved and approved.year != story.year:
        yield at_field(
            E,
            "year",
            story,
            ("process", "approved_on"),
            f"故事放在 {story.year} 年度文件夹中，但组织审定日期是 {approved.year} 年："
            f"故事计入组织审定的年度，请把它移到 {ctx.settings.stories_dir}/{approved.year}/ 或更正日期",
        )


def check_eligibility(story: Story, ctx: CheckContext) -> Iterator[Diagnostic]:
    elig = story.eligibility
    if elig is None or story.status not in ("notice", "published"):
        return
    for key, value in elig.flags.items():
        if value is not True:
            continue
        if story.status == "published":
            todo = "已发布的故事必须撤下：把 status 改为 withdrawn，并填写 withdrawn.on（撤下日期）和 withdrawn.reason（原因）"
        else:
            todo = "不能进入公示：请把 status 改为 withdrawn，并填写 withdrawn.on 和 withdrawn.reason"
        yield at_field(E, "eligibility", story, ("eligibility", key), f"资格审查显示“{FLAG_LABELS[key]}”，{todo}")


_STEP_LABELS = {
    "nominated_on": "群众评选",
    "recommended_on": "单位推荐",
    "approved_on": "组织审定",
    "notice.start": "公示开始",
    "notice.end": "公示结束",
    "published_on": "发布",
}


def date_window(ctx: CheckContext) -> tuple[dt.date, dt.date]:
    """Dates a story's record can carry: from the year before the programme began to a year from today."""
    return _date_window(ctx.settings.start_year, ctx.today)


@lru_cache(maxsize=8)
def _date_window(start_year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    low = dt.date(min(max(start_year - 1, dt.MINYEAR), dt.MAXYEAR), 1, 1)
    high = dt.date.max if today > dt.date.max - dt.timedelta(days=366) else today + dt.timedelta(days=366)
    return low, high


def _recorded_dates(story: Story) -> list[tuple[tuple[str, ...], str, dt.date | None]]:
    p, e, s = story.process, story.eligibility, story.subject
    return [
        (("eligibility", "checked_on"), "资格审查日期", e.checked_on if e else None),
        (("process", "nominated_on"), "群众评选日期", p.nominated_on if p else None),
        (("process", "recommended_on"), "单位推荐日期", p.recommended_on if p else None),
        (("process", "approved_on"), "组织审定日期", p.approved_on if p else None),
        (("process", "notice", "start"), "公示开始日期", p.notice_start if p else None),
        (("process", "notice", "end"), "公示结束日期", p.notice_end if p else None),
        (("published_on",), "发布日期", story.published_on),
        (("withdrawn", "on"), "撤下日期", story.withdrawn_on),
        (("subject", "guardian_consent_on"), "监护人同意日期", s.guardian_consent_on if s else None),
    ]


def check_dates(story: Story, ctx: CheckContext) -> Iterator[Diagnostic]:
    """A year typed wrong (0024, 2204, 9999) is named here, before any rule counts days across it."""
    low, high = date_window(ctx)
    for path, label, day in _recorded_dates(story):
        if day is not None and not low <= day <= high:
            yield at_field(
                E,
                "process",
                story,
                path,
                f"{label} {day} 不在合理范围内（{low} 至 {high}）：活动从 {ctx.settings.start_year} 年开始，"
                "日期不会早于前一年、也不会晚于一年以后，请核对年份是否写错",
            )


def check_process(story: Story, ctx: CheckContext) -> Iterator[Diagnostic]:
    p = story.process
    if p is None:
        return
    steps: list[tuple[str, tuple[str, ...], dt.date | None]] = [
        ("nominated_on", ("process", "nominated_on"), p.nominated_on),
        ("recommended_on", ("process", "recommended_on"), p.recommended_on),
        ("approved_on", ("process", "approved_on"), p.approved_on),
        ("notice.start", ("process", "notice", "start"), p.notice_start),
        ("notice.end", ("process", "notice", "end"), p.notice_end),
        ("published_on", ("published_on",), story.published_on),
    ]
    present = [(name, path, day) for name, path, day in steps if day is not None]
    for (prev_name, _, prev_day), (name, path, day) in itertools.pairwise(present):
        assert prev_day is not None and day is not None
        strict = name == "published_on"
        if day < prev_day or (strict and day == prev_day):
            relation = "晚于" if strict else "不早于"
            yield at_field(
                E,
                "process",
                story,
                path,
                f"{_STEP_LABELS[name]}日期 {day} 应{relation}{_STEP_LABELS[prev_name]}日期 {prev_day}："
                "程序须按 群众评选 → 单位推荐 → 组织审定 → 基层公示 → 发布 的顺序进行，请核对日期",
            )
    elig = story.eligibility
    if elig and elig.checked_on and p.approved_on and elig.checked_on > p.approved_on:
        yield at_field(
            E,
            "process",
            story,
            ("eligibility", "checked_on"),
            f"资格审查日期 {elig.checked_on} 晚于组织审定日期 {p.approved_on}：资格审查必须在审定之前（或当天）完成",
        )
    low, high = date_window(ctx)
    if p.notice_start and p.notice_end and low <= p.notice_start <= p.notice_end <= high:
        yield from _check_notice_length(story, ctx, p.notice_start, p.notice_end)
    if story.published_on and story.published_on > ctx.today:
        yield at_field(
            E,
            "process",
            story,
            ("published_on",),
            f"发布日期 {story.published_on} 在今天（{ctx.today}）之后：不能预先发布，请到发布当天再把状态改为 published",
        )
    if story.withdrawn_on and story.withdrawn_on > ctx.today:
        yield at_field(
            E,
            "process",
            story,
            ("withdrawn", "on"),
            f"撤下日期 {story.withdrawn_on} 在今天（{ctx.today}）之后，请填写实际撤下的日期",
        )


def _check_notice_length(story: Story, ctx: CheckContext, start: dt.date, end: dt.date) -> Iterator[Diagnostic]:
    needed = ctx.settings.min_notice_days
    count = count_workdays(start, end)
    if count.days < needed:
        yield at_field(
            E,
            "notice-length",
            story,
            ("process", "notice", "end"),
            f"公示期 {start} 至 {end} 只有 {count.days} 个工作日，至少需要 {needed} 个工作日"
            "（按国家法定节假日和调休计算）：请延长公示结束日期",
        )
    if count.uncovered_years:
        years = year_ranges(count.uncovered_years)
        yield at_field(
            W,
            "notice-length",
            story,
            ("process", "notice", "end"),
            f"节假日数据尚未包含 {years} 年，公示工作日按周一至周五估算；国务院公布安排后请升级 chinesecalendar 包",
        )


def year_ranges(years: tuple[int, ...]) -> str:
    """``2003、2027–2029``: consecutive years as one range, so a long span stays one short phrase."""
    parts: list[str] = []
    for year in years:
        if parts and parts[-1].rsplit("–", 1)[-1] == str(year - 1):
            parts[-1] = f"{parts[-1].split('–')[0]}–{year}"
        else:
            parts.append(str(year))
    return "、".join(parts)


def check_status(story: Story, ctx: CheckContext) -> Iterator[Diagnostic]:
    if story.status == "published" and story.published_on is None:
        yield at_field(
            E, "status", story, ("status",), "状态为 published（已发布）时必须填写 published_on（发布日期，YYYY-MM-DD）"
        )
    if story.status == "notice" and story.published_on is not None:
        yield at_field(
            E,
            "status",
            story,
            ("published_on",),
            "公示中的故事还没有发布：请删除 published_on，公示结束正式发布时再填写，并把 status 改为 published",
        )
    if story.status == "withdrawn" and (story.withdrawn_on is None or not story.withdrawn_reason):
        yield at_field(
            E,
            "status",
            story,
            ("status",),
            "状态为 withdrawn（已撤下）时必须填写 withdrawn: {on: 撤下日期, reason: 原因}（原因不会公开）",
        )
    if story.status in ("notice", "published") and (story.withdrawn_on or story.withdrawn_reason):
        yield at_field(
            E,
            "status",
            story,
            ("withdrawn",),
            "填写了撤下信息 withdrawn，但状态不是 withdrawn：要撤下请把 status 改为 withdrawn，否则删除 withdrawn",
        )
    end = story.process and story.process.notice_end
    if story.status == "notice" and end and end < ctx.today:
        yield at_field(
            W,
            "status",
            story,
            ("status",),
            f"公示已于 {end} 结束，状态仍是 notice（公示中）：无异议请改为 published 并填写 published_on；有问题请改为 withdrawn",
        )


PHOTO_EXTENSIONS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
_FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}


def check_photos(story: Story, ctx: CheckContext) -> Iterator[Diagnostic]:
    photos: list[tuple[str, str | None, str, int]] = []
    if story.cover is not None:
        photos.append((story.cover.src, story.cover.alt, "cover", story.cover.line))
    photos.extend((src, alt, "正文", line) for src, alt, line in body_images(story))
    yield from photo_diagnostics(story.file, photos, lambda src: _photo_problems(story, ctx, src))


def photo_diagnostics(
    file: str, photos: list[tuple[str, str | None, str, int]], problems: Callable[[str], Iterator[str]]
) -> Iterator[Diagnostic]:
    """The alt text and the file of each (src, alt, where, line); stories and activities share it."""
    for src, alt, where, line in photos:
        if not alt:
            yield error(
                "photo",
                file,
                line,
                "cover.alt" if where == "cover" else where,
                f"照片“{src}”缺少替代文字（alt）：请用一句话描述照片内容，读屏软件会读给视障读者听",
            )
        for message in problems(src):
            yield error("photo", file, line, "cover.src" if where == "cover" else where, message)


def _photo_problems(story: Story, ctx: CheckContext, src: str) -> Iterator[str]:
    """Where the photo is, then what it is: read without following links, decoded by content within limits."""
    lowered = src.lower()
    if re.match(r"^[a-z][a-z0-9+.-]*:", lowered) or lowered.startswith("//"):
        yield f"照片“{src}”是网址：站点不加载外部资源，请把照片文件放进故事文件夹，并写文件名"
        return
    if src.startswith("/") or ".." in src.replace("\\", "/").split("/") or "\\" in src:
        yield f"照片路径“{src}”不能以 / 开头、不能含 .. 或 \\：请把照片放进故事自己的文件夹，只写文件名"
        return
    if not story.is_bundle:
        stem = story.file.rsplit("/", 1)[-1][:-3]
        yield f"只有文件夹形式的故事才能带照片：请把 {story.file} 改为 {story.folder}/{stem}/index.md，照片放在同一文件夹"
        return
    yield from photo_file_problems(ctx, story.folder, src)


def photo_file_problems(ctx: CheckContext, folder: str, src: str) -> Iterator[str]:
    """What the photo file is: read without following links, decoded by content within the limits.

    ``folder`` is the story's (or activity's) folder relative to the content root; ``src`` is
    a relative path inside it that already passed the location checks.
    """
    kind = PHOTO_EXTENSIONS.get(os.path.splitext(src.lower())[1])
    if kind is None:
        yield f"照片“{src}”的格式不受支持：只能用 JPEG（.jpg）、PNG（.png）或 WebP（.webp）"
        return
    limits = media.Limits(ctx.settings.max_photo_bytes, ctx.settings.max_photo_pixels)
    try:
        data = media.read_untrusted(ctx.root / folder, src, limits.max_bytes, src, f"{folder}/")
        info = media.inspect_photo(data, limits, src)
    except media.PhotoError as problem:
        yield str(problem)
        return
    if info.format != kind:
        yield f"照片“{src}”的扩展名是 {_FORMAT_NAMES[kind]}，但实际是 {_FORMAT_NAMES[info.format]} 格式，请把扩展名改对"


def check_honors(story: Story, ctx: CheckContext) -> Iterator[Diagnostic]:
    if story.honors and story.status == "notice":
        yield at_field(
            E, "honors", story, ("honors",), "荣誉只能记在已发布的故事上：公示中的故事请先发布，再添加 honors"
        )
    for honor in story.honors:
        path = ("honors", honor.index, "year")
        if honor.year < story.year:
            yield at_field(
                E,
                "honors",
                story,
                path,
                f"荣誉“{honor.title}”的年份 {honor.year} 早于故事的选树年度 {story.year}：后续荣誉只能从故事库中产生，请核对年份",
            )
        elif honor.year > ctx.today.year:
            yield at_field(E, "honors", story, path, f"荣誉“{honor.title}”的年份 {honor.year} 还没有到，请核对")


STORY_RULES: tuple[Callable[[Story, CheckContext], Iterator[Diagnostic]], ...] = (
    check_year,
    check_dates,
    check_eligibility,
    check_process,
    check_status,
    check_photos,
    check_privacy,
    check_minor_consent,
    check_safety,
    check_honors,
)


def check_story(story: Story, ctx: CheckContext) -> list[Diagnostic]:
    return [d for rule in STORY_RULES for d in rule(story, ctx)]
