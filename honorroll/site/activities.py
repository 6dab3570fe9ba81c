"""View models for the activities pages and a story's "featured in" list: plain data, no markup.

``activities/<year>/`` lists the year's activities (template ``honorroll/activities.html``); a story
page lists the activities that featured it (partial ``partials/featured-in.html``). Links are
relative (:func:`urls.href`), so the site works under any prefix; an activity's photos keep the
content layout (``activities/<year>/<id>/<file>``) in links only: what the site publishes are
their re-encoded copies (:func:`publish_activity_photos`), never the original files.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from honorroll.config import HonorRollConfig
from honorroll.content.activities import Activity
from honorroll.content.media import DerivedPhoto
from honorroll.content.model import Story, Unit
from honorroll.rules.activities import activity_images
from honorroll.rules.assessment import ActivityTotals
from honorroll.site import urls, views
from honorroll.site.story_images import publish_photos

ActivityPhotos = Mapping[str, Mapping[str, DerivedPhoto]]
"""Re-encoded photos by activity id, then by ``src`` as written (:func:`publish_activity_photos`)."""
MarkdownRenderer = Callable[[str], str]
"""Turns an activity's Markdown body into HTML with the same (safe) settings as story bodies."""


def activities_path(year: int) -> str:
    return f"activities/{year}/"


def activity_photo_path(activity: Activity, src: str) -> str:
    return f"{activity.folder}/{src}"


def date_label(day: dt.date | None) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日" if day else ""


@dataclass(frozen=True, slots=True)
class StoryLink:
    id: str
    title: str
    name: str
    href: str


@dataclass(frozen=True, slots=True)
class ActivityCard:
    id: str
    """Also the anchor on the year page (``#<id>``)."""
    title: str
    kind: str
    mode: str
    mode_label: str
    date: str
    date_label: str
    where_label: str
    where: str
    unit_name: str
    unit_href: str | None
    reach_label: str
    summary: str | None
    link: str | None
    """Already checked against the allow-list: the site itself or an official host."""
    cover_src: str | None
    cover_alt: str
    stories: tuple[StoryLink, ...]
    body_html: str | None


@dataclass(frozen=True, slots=True)
class YearLink:
    year: int
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class ActivitiesYearPage:
    year: int
    path: str
    title: str
    description: str
    offline: int
    audience: int
    online: int
    views: int
    stats: tuple[tuple[str, str], ...]
    """(label, value) pairs for the page's figures, already worded."""
    activities: tuple[ActivityCard, ...]
    years: tuple[YearLink, ...]


@dataclass(frozen=True)
class ActivitiesPage(views.PageView):
    """The ``hr`` of an activities year page."""

    page: ActivitiesYearPage


@dataclass(frozen=True, slots=True)
class FeaturedIn:
    title: str
    kind: str
    date_label: str
    unit_name: str
    reach_label: str
    href: str


def reach_label(activity: Activity) -> str:
    if activity.is_online:
        return f"观看 {activity.views or 0:,} 次"
    return f"参与 {activity.audience or 0:,} 人次"


def activity_years(activities: Iterable[Activity]) -> list[int]:
    return sorted({a.year for a in activities if a.mode is not None}, reverse=True)


def activities_year_page(
    year: int,
    activities: Sequence[Activity],
    stories: Mapping[str, Story],
    units: Mapping[str, Unit],
    render: MarkdownRenderer | None = None,
    photos: ActivityPhotos | None = None,
) -> ActivitiesYearPage:
    """The year's activities, newest first, with the year's sums in the words of a work summary."""
    here = activities_path(year)
    mine = sorted(
        (a for a in activities if a.year == year and a.mode is not None),
        key=lambda a: (a.date or dt.date.min, a.id),
        reverse=True,
    )
    totals = ActivityTotals.of(mine)
    cards = tuple(_card(a, here, stories, units, render, (photos or {}).get(a.id)) for a in mine)
    years = tuple(YearLink(y, urls.href(here, activities_path(y)), y == year) for y in activity_years(activities))
    description = (
        f"{year} 年开展线下活动 {totals.offline} 场次、覆盖 {totals.audience:,} 人次，"
        f"线上发布 {totals.online} 则、观看 {totals.views:,} 次"
    )
    return ActivitiesYearPage(
        year=year,
        path=here,
        title=f"{year} 年度宣传活动",
        description=description,
        offline=totals.offline,
        audience=totals.audience,
        online=totals.online,
        views=totals.views,
        stats=(
            ("线下活动", f"{totals.offline:,} 场次"),
            ("覆盖群众", f"{totals.audience:,} 人次"),
            ("线上发布", f"{totals.online:,} 则"),
            ("累计观看", f"{totals.views:,} 次"),
        ),
        activities=cards,
        years=years,
    )


def activities_year_pages(
    activities: Sequence[Activity],
    stories: Mapping[str, Story],
    units: Mapping[str, Unit],
    render: MarkdownRenderer | None = None,
    photos: ActivityPhotos | None = None,
) -> list[ActivitiesYearPage]:
    return [activities_year_page(y, activities, stories, units, render, photos) for y in activity_years(activities)]


def _card(
    activity: Activity,
    here: str,
    stories: Mapping[str, Story],
    units: Mapping[str, Unit],
    render: MarkdownRenderer | None,
    photos: Mapping[str, DerivedPhoto] | None = None,
) -> ActivityCard:
    unit = units.get(activity.unit or "")
    featured = [stories[s] for s in activity.stories if s in stories and stories[s].is_published]
    cover = activity.cover
    body = activity.body.strip()
    derived_cover = photos.get(cover.src) if photos is not None and cover is not None else None
    if derived_cover is not None:
        cover_src: str | None = urls.href(here, derived_cover.largest.path_in_site)
    else:  # without the pipeline's output (views tested alone): the content path
        cover_src = urls.href(here, activity_photo_path(activity, cover.src)) if cover else None
    return ActivityCard(
        id=activity.id,
        title=activity.title or activity.id,
        kind=activity.kind or "",
        mode=activity.mode or "",
        mode_label="线上" if activity.is_online else "线下",
        date=activity.date.isoformat() if activity.date else "",
        date_label=date_label(activity.date),
        where_label="平台" if activity.is_online else "地点",
        where=(activity.platform if activity.is_online else activity.place) or "",
        unit_name=unit.display_name if unit else "",
        unit_href=urls.href(here, urls.unit_path(unit.id)) if unit else None,
        reach_label=reach_label(activity),
        summary=activity.summary,
        link=activity.link,
        cover_src=cover_src,
        cover_alt=(cover.alt or "") if cover else "",
        stories=tuple(
            StoryLink(s.id, s.title or s.id, s.subject.name if s.subject else "", urls.href(here, urls.story_path(s)))
            for s in featured
        ),
        body_html=_body_html(body, render, here, photos) if render is not None and body else None,
    )


def _body_html(body: str, render: MarkdownRenderer, here: str, photos: Mapping[str, DerivedPhoto] | None) -> str:
    """Rendered and sanitised with the photos' names as written (the allow-list keeps only those),
    then each ``<img>`` pointed at its re-encoded copy, as on story pages."""
    return str(views.with_derived_photos(Markup(render(body)), (photos or {}).get, here))


def publish_activity_photos(
    activities: Iterable[Activity], root: Path, cache_dir: Path, settings: HonorRollConfig
) -> tuple[dict[str, dict[str, DerivedPhoto]], tuple[tuple[str, Path], ...]]:
    """Re-encoded copies of every photo the activity pages show: (by activity and ``src``, files to publish).

    Raises ``media.PhotoError`` (a Chinese message) for a photo that cannot be published.
    """
    photos: dict[str, dict[str, DerivedPhoto]] = {}
    files: list[tuple[str, Path]] = []
    for activity in activities:
        if not (activity.is_bundle and activity.mode is not None):
            continue
        srcs = [src for src, _alt, _line, _where in activity_images(activity)]
        if srcs:
            derived, own = publish_photos(root, activity.folder, srcs, cache_dir, settings)
            photos[activity.id] = derived
            files.extend(own)
    return photos, tuple(dict.fromkeys(files))


def featured_index(activities: Iterable[Activity]) -> dict[str, list[Activity]]:
    """Story ID → activities that featured it, newest first; built once for every story page."""
    index: dict[str, list[Activity]] = defaultdict(list)
    for activity in activities:
        if activity.mode is None:
            continue
        for story_id in dict.fromkeys(activity.stories):
            index[story_id].append(activity)
    for items in index.values():
        items.sort(key=lambda a: (a.date or dt.date.min, a.id), reverse=True)
    return dict(index)


def featured_in(story: Story, index: Mapping[str, Sequence[Activity]], units: Mapping[str, Unit]) -> list[FeaturedIn]:
    """The activities that featured a published story, linked from its page; nothing for any other story."""
    if not story.is_published:
        return []
    here = urls.story_path(story)
    out = []
    for activity in index.get(story.id, ()):
        unit = units.get(activity.unit or "")
        out.append(
            FeaturedIn(
                title=activity.title or activity.id,
                kind=activity.kind or "",
                date_label=date_label(activity.date),
                unit_name=unit.display_name if unit else "",
                reach_label=reach_label(activity),
                href=urls.href(here, activities_path(activity.year)) + f"#{activity.id}",
            )
        )
    return out
