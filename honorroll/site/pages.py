"""Which pages the site has, and the view each one shows.

List pages (home, years, units, categories, honors, notice) are ordinary MkDocs pages: a
generated source holding only a title and a template, and their data handed to the template
in ``on_page_context``, the way Material's blog plugin makes its archive and category views.
A view is built when its page is rendered, from :class:`PageSpec.view`, and dropped after.

Nothing here imports MkDocs or writes markup, so every page's data can be unit-tested.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from honorroll.check.run import CheckResult
from honorroll.config import HonorRollConfig
from honorroll.content.model import Story, Unit
from honorroll.content.schema import UNIT_KIND_LABELS
from honorroll.rules.quota import QuotaRow
from honorroll.site import activities as site_activities
from honorroll.site import urls, views
from honorroll.site.feed import Feed, FeedEntry, atom_feed
from honorroll.site.qr import QrCache

T = TypeVar("T")
HIDE = ["navigation", "toc"]
STORY_TEMPLATE = "honorroll/story.html"
ACTIVITIES_TEMPLATE = "honorroll/activities.html"
HONORS_PREVIEW = 12
_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def front_matter(meta: dict[str, Any]) -> str:
    return "---\n" + yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False) + "---\n\n"


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [items[:0]]


@dataclass(frozen=True)
class PageSpec:
    """A generated MkDocs page: where it is, its title and template, and how to build its view."""

    uri: str
    title: str
    template: str
    view: Callable[[], views.PageView]
    listed: bool = True
    """In the sitemap; False for pages of stories that are not published (notice, withdrawn)."""

    def source(self) -> str:
        meta: dict[str, Any] = {"title": self.title, "template": self.template, "hide": HIDE}
        return front_matter(meta if self.listed else meta | {"sitemap": False})


@dataclass
class SiteContext:
    result: CheckResult
    settings: HonorRollConfig
    site: views.SiteData
    qr: QrCache
    per_page: int = 60
    published: list[Story] = field(init=False)
    specs: dict[str, PageSpec] = field(default_factory=dict)
    """Generated list pages by source URI."""
    stories: dict[str, Story] = field(default_factory=dict)
    """Story pages MkDocs renders (``stamp_story_pages: false``) by source URI."""
    image_files: dict[str, Path] = field(default_factory=dict)
    """Every re-encoded image the site publishes: site path → cached file."""
    activity_photos: site_activities.ActivityPhotos = field(default_factory=dict)
    """Re-encoded photos of the activities pages, by activity and ``src``."""
    render_markdown: site_activities.MarkdownRenderer | None = None
    """Activity bodies: Markdown → sanitised HTML, with the site's extensions."""

    def __post_init__(self) -> None:
        self.published = sorted(
            self.result.archive.published(), key=lambda s: (-s.year, -(s.published_on or dt.date.min).toordinal(), s.id)
        )

    @property
    def units(self) -> dict[str, Unit]:
        return self.result.archive.units


def site_data(
    settings: HonorRollConfig,
    units: dict[str, Unit],
    *,
    url: str,
    name: str,
    description: str,
    favicon: str,
    edit_base: str | None = None,
) -> views.SiteData:
    return views.SiteData(
        site_url=url,
        site_name=name,
        programme_name=settings.programme_name,
        description=description,
        units=units,
        honor_levels=dict(settings.honor_levels),
        objection_contact=settings.objection_contact,
        categories=tuple(settings.categories),
        favicon=favicon,
        edit_base=edit_base,
    )


def _list_head(ctx: SiteContext, here: str, title: str, description: str) -> tuple[views.Head, str]:
    return views.make_head(ctx.site, here, title, description), urls.href(here, "")


def paginated(
    ctx: SiteContext,
    base: str,
    title: str,
    template: str,
    items: Sequence[T],
    make: Callable[[Sequence[T], str, str, views.Pager | None], views.PageView],
) -> list[PageSpec]:
    """One page per ``ctx.per_page`` items at ``base``, ``base/page/2/`` …; ``make(items, here, heading, pager)``."""
    groups = chunks(items, ctx.per_page)
    specs = []
    for n, group in enumerate(groups, start=1):
        here = urls.paged(base, n)
        heading = title if n == 1 else f"{title}（第 {n} 页）"

        def view(group: Sequence[T] = group, here: str = here, heading: str = heading, n: int = n) -> views.PageView:
            return make(group, here, heading, views.pager(base, n, len(groups), here))

        specs.append(PageSpec(urls.src_uri(here), heading, template, view))
    return specs


# ---------------------------------------------------------------- home and card lists


def home_spec(ctx: SiteContext) -> PageSpec:
    def view() -> views.PageView:
        here = ""
        stories = ctx.published
        counts: dict[int, int] = defaultdict(int)
        for story in stories:
            counts[story.year] += 1
        years = sorted(counts, reverse=True)
        latest = newest = None
        more = None
        if years:
            newest = [s for s in stories if s.year == years[0]]
            latest = views.cards(newest[: ctx.per_page], here, ctx.site, f"{years[0]} 年度光荣榜")
            if len(newest) > ctx.per_page:
                more = views.Link(
                    urls.href(here, urls.year_path(years[0])), f"查看 {years[0]} 年度全部 {len(newest)} 个故事"
                )
        head = views.make_head(ctx.site, here, ctx.site.site_name, f"{ctx.site.programme_name} 光荣榜", home=True)
        return views.HomePage(
            head=head,
            root=urls.href(here, ""),
            programme=ctx.site.programme_name,
            site_name=ctx.site.site_name,
            stats=(
                views.Stat("已发布故事", len(stories)),
                views.Stat("参与单位", len({s.unit for s in stories})),
                views.Stat("选树年度", len(years)),
            ),
            latest=latest,
            more=more,
            earlier=tuple(
                views.CountLink(urls.href(here, urls.year_path(y)), f"{y} 年度", counts[y]) for y in years[1:]
            ),
            links=(
                views.Link(urls.href(here, urls.honors_path()), "荣誉榜"),
                views.Link(urls.href(here, urls.notice_path()), "公示"),
                views.Link(urls.href(here, "units/"), "参与单位"),
                views.Link(urls.href(here, "categories/"), "故事类别"),
                views.Link(urls.href(here, urls.FEED), "订阅（Atom）"),
            ),
        )

    return PageSpec("index.md", ctx.site.site_name, "honorroll/home.html", view)


def _card_list(
    ctx: SiteContext, description: str, *, by_year: bool, unit: Callable[[str], views.UnitInfo] | None = None
) -> Callable[[Sequence[Story], str, str, views.Pager | None], views.PageView]:
    def make(group: Sequence[Story], here: str, heading: str, pager: views.Pager | None) -> views.PageView:
        head, root = _list_head(ctx, here, heading, description)
        first = pager is None or pager.page == 1
        return views.ListPage(
            head=head,
            root=root,
            title=heading,
            groups=views.cards_by_year(group, here, ctx.site) if by_year else (views.cards(group, here, ctx.site),),
            pager=pager,
            unit=unit(here) if unit is not None and first else None,
            empty="暂无已发布的故事。" if not group else None,
        )

    return make


def year_specs(ctx: SiteContext) -> list[PageSpec]:
    years: dict[int, list[Story]] = defaultdict(list)
    for story in ctx.published:
        years[story.year].append(story)
    specs = []
    for year, stories in years.items():
        make = _card_list(ctx, f"{year} 年度选树的身边故事", by_year=False)
        specs += paginated(ctx, urls.year_path(year), f"{year} 年度光荣榜", "honorroll/list.html", stories, make)
    order = sorted(years, reverse=True)
    specs.append(
        _links_spec(
            ctx,
            "years/",
            "历年光荣榜",
            "历年选树的身边故事",
            lambda here: (
                views.LinkSection(
                    None,
                    tuple(
                        views.CountLink(urls.href(here, urls.year_path(y)), f"{y} 年度", len(years[y])) for y in order
                    ),
                ),
            ),
        )
    )
    return specs


def _links_spec(
    ctx: SiteContext, base: str, title: str, description: str, sections: Callable[[str], tuple[views.LinkSection, ...]]
) -> PageSpec:
    def view() -> views.PageView:
        head, root = _list_head(ctx, base, title, description)
        return views.LinksPage(head=head, root=root, title=title, sections=sections(base))

    return PageSpec(urls.src_uri(base), title, "honorroll/links.html", view)


def unit_specs(ctx: SiteContext) -> list[PageSpec]:
    specs: list[PageSpec] = []
    by_unit: dict[str, list[Story]] = defaultdict(list)  # grouped once: units × stories would be quadratic
    position = {}
    for index, story in enumerate(ctx.published):
        by_unit[story.unit or ""].append(story)
        position[story.id] = index
    rows_by_unit: dict[str, list[QuotaRow]] = defaultdict(list)
    for row in ctx.result.quotas:
        rows_by_unit[row.unit].append(row)
    counts: dict[str, tuple[Unit, int]] = {}
    for unit in sorted(ctx.units.values(), key=lambda u: u.id):
        members = [u for u in ctx.units.values() if u.parent == unit.id]
        stories = [s for owner in (unit, *members) for s in by_unit[owner.id]]
        if members:
            stories.sort(key=lambda s: position[s.id])
        counts[unit.id] = (unit, len(stories))

        def info(here: str, unit: Unit = unit, members: list[Unit] = members) -> views.UnitInfo:
            return views.unit_info(unit, members, rows_by_unit[unit.id], here, ctx.site)

        make = _card_list(ctx, f"{unit.name}选树的身边故事", by_year=True, unit=info)
        specs += paginated(ctx, urls.unit_path(unit.id), unit.name, "honorroll/list.html", stories, make)

    def sections(here: str) -> tuple[views.LinkSection, ...]:
        out = []
        for kind, label in UNIT_KIND_LABELS.items():
            links = tuple(
                views.CountLink(urls.href(here, urls.unit_path(u.id)), views.plain(u.name), n)
                for u, n in counts.values()
                if u.kind == kind
            )
            if links:
                out.append(views.LinkSection(label, links))
        return tuple(out)

    specs.append(_links_spec(ctx, "units/", "参与单位", "参与选树的单位", sections))
    return specs


def category_specs(ctx: SiteContext) -> list[PageSpec]:
    specs: list[PageSpec] = []
    counts: dict[str, int] = {}
    for category in ctx.settings.categories:
        stories = [s for s in ctx.published if s.category == category]
        if not stories:
            continue
        counts[category] = len(stories)
        make = _card_list(ctx, f"“{category}”类身边故事", by_year=True)
        specs += paginated(ctx, urls.category_path(category), f"类别：{category}", "honorroll/list.html", stories, make)

    def sections(here: str) -> tuple[views.LinkSection, ...]:
        links = tuple(views.CountLink(urls.href(here, urls.category_path(c)), c, n) for c, n in counts.items())
        return (views.LinkSection(None, links),)

    specs.append(_links_spec(ctx, "categories/", "故事类别", "按类别浏览身边故事", sections))
    return specs


# ---------------------------------------------------------------- honors and notice


def honor_specs(ctx: SiteContext) -> list[PageSpec]:
    """荣誉榜: published stories' later honors, grouped by level (a withdrawn story's honors never show)."""
    specs: list[PageSpec] = []
    by_level: dict[str, list[tuple[Story, str, int]]] = defaultdict(list)
    for story in ctx.published:
        for honor in story.honors:
            by_level[honor.level].append((story, honor.title, honor.year))
    levels = []
    for level in ctx.settings.honor_levels:
        rows = sorted(by_level.get(level, []), key=lambda r: (-r[2], r[0].id))
        if not rows:
            continue
        label = views.plain(ctx.site.level_label(level))
        base = urls.honors_path(level)
        levels.append((label, base, rows))
        description = f"获得{label}荣誉的身边典型"

        def make(
            group: Sequence[tuple[Story, str, int]],
            here: str,
            heading: str,
            pager: views.Pager | None,
            description: str = description,
        ) -> views.PageView:
            head, root = _list_head(ctx, here, heading, description)
            return views.HonorsPage(
                head=head,
                root=root,
                title=heading,
                lead="",
                rows=tuple(views.honor_row(s, t, y, here, ctx.site) for s, t, y in group),
                pager=pager,
            )

        specs += paginated(ctx, base, f"荣誉榜：{label}荣誉", "honorroll/honors.html", rows, make)

    def index() -> views.PageView:
        here = urls.honors_path()
        head, root = _list_head(ctx, here, "荣誉榜", "选树对象此后获得的各级荣誉")
        sections = tuple(
            views.HonorSection(
                label=label,
                count=len(rows),
                rows=tuple(views.honor_row(s, t, y, here, ctx.site) for s, t, y in rows[:HONORS_PREVIEW]),
                more=views.Link(urls.href(here, base), f"查看全部 {len(rows)} 项{label}荣誉")
                if len(rows) > HONORS_PREVIEW
                else None,
            )
            for label, base, rows in levels
        )
        return views.HonorsPage(
            head=head, root=root, title="荣誉榜", lead="选树对象此后获得的各级荣誉。", sections=sections
        )

    specs.append(PageSpec(urls.src_uri(urls.honors_path()), "荣誉榜", "honorroll/honors.html", index))
    return specs


def notice_specs(ctx: SiteContext) -> list[PageSpec]:
    stories = sorted(
        (s for s in ctx.result.archive.stories if s.status == "notice"),
        key=lambda s: (s.process.notice_start if s.process and s.process.notice_start else dt.date.min, s.id),
        reverse=True,
    )

    def make(group: Sequence[Story], here: str, heading: str, pager: views.Pager | None) -> views.PageView:
        head, root = _list_head(ctx, here, heading, "正在基层公示的拟选树对象")
        return views.NoticePage(
            head=head,
            root=root,
            title=heading,
            contact=views.plain(ctx.site.objection_contact),
            rows=tuple(views.notice_row(s, ctx.site, here) for s in group),
            pager=pager,
        )

    return paginated(ctx, urls.notice_path(), "公示", "honorroll/notice.html", stories, make)


def list_specs(ctx: SiteContext, *, with_home: bool = True) -> list[PageSpec]:
    """Every generated list page; ``with_home=False`` when the site has its own ``index.md``."""
    specs = [home_spec(ctx)] if with_home else []
    specs += year_specs(ctx) + unit_specs(ctx) + category_specs(ctx) + honor_specs(ctx) + notice_specs(ctx)
    return specs + activity_specs(ctx) + status_specs(ctx)


def activity_specs(ctx: SiteContext) -> list[PageSpec]:
    """``activities/<year>/``: each year's talks, performances and videos, with the year's sums."""
    activities = ctx.result.activities
    stories = {story.id: story for story in ctx.published}
    specs = []
    for year in site_activities.activity_years(activities):
        here = site_activities.activities_path(year)

        def view(year: int = year, here: str = here) -> views.PageView:
            page = site_activities.activities_year_page(
                year, activities, stories, ctx.units, ctx.render_markdown, ctx.activity_photos
            )
            head, root = _list_head(ctx, here, page.title, page.description)
            return site_activities.ActivitiesPage(head=head, root=root, page=page)

        specs.append(PageSpec(urls.src_uri(here), f"{year} 年度宣传活动", ACTIVITIES_TEMPLATE, view))
    return specs


NOTICE_STORY_TEMPLATE = "honorroll/notice-story.html"
WITHDRAWN_TEMPLATE = "honorroll/withdrawn.html"


def status_specs(ctx: SiteContext) -> list[PageSpec]:
    """Stories not (or no longer) published, at the addresses readers and posters already have.

    Under notice: a 公示中 page at the story's own address (its short link leads there, and to the
    full story once published). Withdrawn: a neutral 已撤下 page at its address and its short link.
    """
    specs = []
    for story in ctx.result.archive.stories:
        if story.status == "notice":

            def notice(story: Story = story) -> views.PageView:
                return views.notice_story_page(story, ctx.site)

            title = f"公示中：{story.title or story.id}"
            specs.append(PageSpec(urls.story_src(story), title, NOTICE_STORY_TEMPLATE, notice, listed=False))
        elif story.status == "withdrawn":
            for here in (urls.story_path(story), urls.short_path(story.id)):

                def withdrawn(here: str = here) -> views.PageView:
                    return views.withdrawn_story_page(here, ctx.site)

                specs.append(PageSpec(urls.src_uri(here), "该内容已撤下", WITHDRAWN_TEMPLATE, withdrawn, listed=False))
    return specs


# ---------------------------------------------------------------- stories, feed, sitemap


def story_source(story: Story) -> str:
    """A story page's source for MkDocs (``stamp_story_pages: false``): its Markdown body, so other
    plugins' page events see it; everything else comes from the view."""
    meta: dict[str, Any] = {"title": story.title or story.id, "template": STORY_TEMPLATE, "hide": HIDE}
    if story.tags:
        meta["tags"] = list(story.tags)
    meta["sitemap"] = False  # listed by sitemap_entries in both modes
    return front_matter(meta) + story.body.strip() + "\n"


def feed(ctx: SiteContext) -> Feed:
    site = ctx.site
    entries = [
        FeedEntry(
            id=site.short_url(s.id),
            title=s.title or s.id,
            link=urls.absolute(site.site_url, urls.story_path(s)),
            summary=s.summary or "",
            published=s.published_on or dt.date(s.year, 1, 1),
            author=site.unit_name(s),
        )
        for s in ctx.published
    ]
    return atom_feed(
        entries, title=site.site_name, site_url=site.site_url, feed_url=urls.absolute(site.site_url, urls.FEED)
    )


def sitemap_entries(ctx: SiteContext) -> list[views.SitemapEntry]:
    """Story pages, the same in both modes (MkDocs' own loop skips them)."""
    return [
        views.SitemapEntry(
            urls.absolute(ctx.site.site_url, urls.story_path(s)), s.published_on.isoformat() if s.published_on else None
        )
        for s in ctx.published
    ]
