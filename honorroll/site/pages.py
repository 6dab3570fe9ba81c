"""Page sources for everything the site shows, as (source URI, content) pairs.

Markdown pages carry front matter (title, template, share metadata) and raw HTML built here,
with links made relative by :func:`urls.href` so the site works under any prefix. Nothing here
needs a running build, so every page can be unit-tested, cached or rendered in parallel.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, TypeVar

import yaml

from ..checker import CheckResult
from ..config import HonorRollConfig
from ..model import Story, Unit
from ..quota import QuotaRow
from ..schema import SUBJECT_TYPE_LABELS, UNIT_KIND_LABELS
from . import urls
from .feed import FeedEntry, atom_feed
from .qr import QrCache

T = TypeVar("T")
RAW_HTML_SLOT = "hrslot0rawhtml"
Content = str | bytes | Path


@dataclass
class SiteContext:
    result: CheckResult
    settings: HonorRollConfig
    site_url: str
    site_name: str
    qr: QrCache
    per_page: int = 60
    published: list[Story] = field(init=False)
    raw_html: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.published = sorted(
            self.result.archive.published(), key=lambda s: (-s.year, -(s.published_on or dt.date.min).toordinal(), s.id)
        )

    @property
    def units(self) -> dict[str, Unit]:
        return self.result.archive.units

    def defer_raw_html(self, uri: str, source: str) -> str:
        """For a page whose body is raw HTML only, hand MkDocs a one-word body instead.

        Python-Markdown re-parses raw HTML blocks with a pure-Python HTML parser, which made
        list pages of cards cost tens of milliseconds each; the HTML goes back in unchanged
        at ``on_page_content`` (see :meth:`raw_html_for`).
        """
        if not source.startswith("---\n"):
            return source
        end = source.find("\n---\n", 4)
        body = source[end + 5 :] if end != -1 else ""
        if not body.lstrip().startswith("<") or 'markdown="1"' in body:
            return source
        self.raw_html[uri] = body
        return source[: end + 5] + RAW_HTML_SLOT + "\n"

    def raw_html_for(self, uri: str, html: str) -> str:
        body = self.raw_html.get(uri)
        return html if body is None else html.replace(f"<p>{RAW_HTML_SLOT}</p>", body, 1)

    def unit_name(self, story: Story) -> str:
        unit = self.units.get(story.unit or "")
        return unit.display_name if unit else ""

    def level_label(self, level: str) -> str:
        return str(self.settings.honor_levels.get(level, level))


# ---------------------------------------------------------------- helpers


def front_matter(meta: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [items[:0]]


def pager(base: str, page: int, pages: int, here: str) -> str:
    if pages <= 1:
        return ""
    links = []
    if page > 1:
        links.append(f'<a href="{urls.href(here, urls.paged(base, page - 1))}" rel="prev">上一页</a>')
    for n in range(1, pages + 1):
        if n == page:
            links.append(f'<span aria-current="page">{n}</span>')
        else:
            links.append(f'<a href="{urls.href(here, urls.paged(base, n))}">{n}</a>')
    if page < pages:
        links.append(f'<a href="{urls.href(here, urls.paged(base, page + 1))}" rel="next">下一页</a>')
    return f'<nav class="hr-pager" aria-label="分页">{"".join(links)}</nav>'


def initial(story: Story) -> str:
    name = story.subject.name if story.subject else (story.title or "?")
    return name[:1]


def card(story: Story, here: str, ctx: SiteContext) -> str:
    link = urls.href(here, urls.story_path(story))
    if story.cover is not None:
        src = urls.href(here, urls.photo_path(story, story.cover.src))
        media = f'<img src="{src}" alt="{escape(story.cover.alt or "")}" loading="lazy" decoding="async">'
    else:
        media = f'<span class="hr-card__ph" aria-hidden="true">{escape(initial(story))}</span>'
    name = story.subject.name if story.subject else ""
    kind = SUBJECT_TYPE_LABELS.get(story.subject.type, "") if story.subject else ""
    return (
        f'<li class="hr-card"><a class="hr-card__link" href="{link}">'
        f'<div class="hr-card__media">{media}</div><div class="hr-card__body">'
        f'<p class="hr-card__name">{escape(name)}<span class="hr-card__kind">{kind}</span></p>'
        f'<p class="hr-card__title">{escape(story.title or "")}</p>'
        f'<p class="hr-card__meta">{escape(ctx.unit_name(story))} · {escape(story.category or "")}</p>'
        f'<p class="hr-card__summary">{escape(story.summary or "")}</p>'
        "</div></a></li>"
    )


def cards(stories: Iterable[Story], here: str, ctx: SiteContext) -> str:
    return '<ul class="hr-cards">' + "".join(card(s, here, ctx) for s in stories) + "</ul>"


def list_page(title: str, description: str, body: str, **meta: Any) -> str:
    data: dict[str, Any] = {"title": title, "description": description, "hide": ["navigation", "toc"]}
    data.update(meta)
    return front_matter(data) + f'<div class="hr-page">\n<h1>{escape(title)}</h1>\n{body}\n</div>\n'


def paginated(
    base: str, title: str, description: str, items: Sequence[T], render: Any, ctx: SiteContext, intro: str = ""
) -> list[tuple[str, Content]]:
    """One page per ``ctx.per_page`` items at ``base``, ``base/page/2/`` …; ``render(items, here)`` makes the body."""
    out: list[tuple[str, Content]] = []
    groups = chunks(items, ctx.per_page)
    for n, group in enumerate(groups, start=1):
        here = urls.paged(base, n)
        heading = title if n == 1 else f"{title}（第 {n} 页）"
        body = (intro if n == 1 else "") + render(group, here) + pager(base, n, len(groups), here)
        out.append((urls.src_uri(here), list_page(heading, description, body)))
    return out


def by_year_cards(stories: Sequence[Story], here: str, ctx: SiteContext) -> str:
    groups: dict[int, list[Story]] = defaultdict(list)
    for story in stories:
        groups[story.year].append(story)
    return "".join(
        f'<h2 class="hr-h2">{year} 年度</h2>' + cards(groups[year], here, ctx) for year in sorted(groups, reverse=True)
    )


# ---------------------------------------------------------------- story pages


@dataclass(frozen=True)
class PageParts:
    """A page as front-matter data, raw HTML before and after, and Markdown in between."""

    meta: dict[str, Any]
    head: str
    markdown: str = ""
    tail: str = ""

    def source(self) -> str:
        """The page as Markdown source for MkDocs (the Markdown part inside an md_in_html block)."""
        middle = f'\n\n<div class="hr-body" markdown="1">\n\n{self.markdown}\n\n</div>\n\n' if self.markdown else ""
        return front_matter(self.meta) + self.head + middle + self.tail + "\n"


def story_page(story: Story, ctx: SiteContext) -> str:
    return story_parts(story, ctx).source()


def story_parts(story: Story, ctx: SiteContext) -> PageParts:
    """The one place a story page is made: raw-HTML head and share box around the Markdown body."""
    here = urls.story_path(story)
    short = urls.absolute(ctx.site_url, urls.short_path(story.id))
    unit = ctx.units.get(story.unit or "")
    subject = story.subject
    facts = []
    if subject is not None:
        who = escape(subject.name) + (f"，{escape(subject.position)}" if subject.position else "")
        facts.append((SUBJECT_TYPE_LABELS.get(subject.type, "主体"), who))
    if unit is not None:
        facts.append(("单位", f'<a href="{urls.href(here, urls.unit_path(unit.id))}">{escape(unit.name)}</a>'))
    category = story.category or ""
    facts.append(("类别", f'<a href="{urls.href(here, urls.category_path(category))}">{escape(category)}</a>'))
    facts.append(("年度", f'<a href="{urls.href(here, urls.year_path(story.year))}">{story.year} 年度</a>'))
    if story.published_on:
        facts.append(("发布", story.published_on.isoformat()))
    head = [
        '<header class="hr-story">',
        f'<p class="hr-kicker">{escape(ctx.settings.programme_name)} · {story.year} 年度选树</p>',
        f"<h1>{escape(story.title or story.id)}</h1>",
        '<dl class="hr-facts">' + "".join(f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in facts) + "</dl>",
        f'<p class="hr-summary">{escape(story.summary or "")}</p>',
    ]
    if story.honors:
        items = "".join(
            f'<li><span class="hr-badge">{escape(ctx.level_label(h.level))}</span>{h.year} 年 “{escape(h.title)}”</li>'
            for h in sorted(story.honors, key=lambda h: (h.year, h.index))
        )
        head.append(f'<div class="hr-honors"><p class="hr-honors__label">所获荣誉</p><ul>{items}</ul></div>')
    if story.cover is not None:
        src = urls.href(here, urls.photo_path(story, story.cover.src))
        head.append(f'<figure class="hr-cover"><img src="{src}" alt="{escape(story.cover.alt or "")}"></figure>')
    head.append("</header>")
    share = (
        '<aside class="hr-share" aria-label="分享与打印">'
        f"{ctx.qr.svg(short)}"
        '<div class="hr-share__text"><p class="hr-share__label">扫码阅读 · 永久短链接</p>'
        f'<p><a class="hr-share__url" href="{urls.href(here, urls.short_path(story.id))}">{escape(short)}</a></p>'
        f'<p class="hr-share__actions"><a href="{urls.href(here, urls.poster_path(story.id))}">打印海报</a>'
        f'<a href="{urls.href(here, urls.qr_png_path(story.id))}" download>下载二维码</a></p></div></aside>'
    )
    meta: dict[str, Any] = {
        "title": story.title or story.id,
        "description": story.summary or "",
        "template": "honorroll/story.html",
        "hide": ["navigation", "toc"],
        "og_type": "article",
    }
    if story.cover is not None:
        meta["og_image"] = urls.absolute(ctx.site_url, urls.photo_path(story, story.cover.src))
    return PageParts(meta, "\n".join(head), story.body.strip(), share)


def poster_page(story: Story, ctx: SiteContext) -> str:
    return poster_parts(story, ctx).source()


def poster_parts(story: Story, ctx: SiteContext) -> PageParts:
    here = urls.poster_path(story.id)
    short = urls.absolute(ctx.site_url, urls.short_path(story.id))
    subject = story.subject
    who = ""
    if subject is not None:
        who = escape(subject.name) + (f"<span>{escape(subject.position)}</span>" if subject.position else "")
    photo = ""
    if story.cover is not None:
        src = urls.href(here, urls.photo_path(story, story.cover.src))
        photo = f'<img class="hr-poster__photo" src="{src}" alt="{escape(story.cover.alt or "")}">'
    body = (
        '<main class="hr-poster">'
        f'<p class="hr-poster__kicker">{escape(ctx.site_name)} · {story.year} 年度</p>'
        f'<h1 class="hr-poster__title">{escape(story.title or "")}</h1>'
        f'<p class="hr-poster__who">{who}</p>'
        f'<p class="hr-poster__unit">{escape(ctx.unit_name(story))} · {escape(story.category or "")}</p>'
        f"{photo}"
        f'<p class="hr-poster__summary">{escape(story.summary or "")}</p>'
        f'<div class="hr-poster__qr">{ctx.qr.svg(short)}<p>扫码阅读全文<br><span>{escape(short)}</span></p></div>'
        f'<p class="hr-poster__back hr-noprint"><a href="{urls.href(here, urls.story_path(story))}">返回故事页</a></p>'
        "</main>"
    )
    meta = {
        "title": f"海报：{story.title}",
        "description": story.summary or "",
        "template": "honorroll/poster.html",
        "search": {"exclude": True},
        "sitemap": False,
    }
    return PageParts(meta, body)


def _redirect_html(title: str, body: str, head: str) -> str:
    return (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title>{head}"
        "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;"
        "color:#222;line-height:1.7}a{color:#a31515}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def short_link_page(story: Story, ctx: SiteContext) -> str:
    """``/s/<id>/``: a static redirect that works without JavaScript."""
    here = urls.short_path(story.id)
    target = urls.href(here, urls.story_path(story))
    canonical = urls.absolute(ctx.site_url, urls.story_path(story))
    head = (
        f'<meta http-equiv="refresh" content="0; url={target}">'
        f'<link rel="canonical" href="{escape(canonical)}"><meta name="robots" content="noindex">'
    )
    body = f'<p>正在打开：<a href="{target}">{escape(story.title or story.id)}</a></p>'
    return _redirect_html(story.title or story.id, body, head)


def withdrawn_page(story_id: str, ctx: SiteContext) -> str:
    """``/s/<id>/`` of a withdrawn story: neutral, not indexed, and never a 404."""
    here = urls.short_path(story_id)
    body = (
        "<h1>该内容已撤下</h1><p>此链接对应的故事已不再公开展示。</p>"
        f'<p><a href="{urls.href(here, "")}">返回{escape(ctx.site_name)}首页</a></p>'
    )
    return _redirect_html("已撤下", body, '<meta name="robots" content="noindex">')


# ---------------------------------------------------------------- lists


def home_page(ctx: SiteContext) -> str:
    here = ""
    stories = ctx.published
    years = sorted({s.year for s in stories}, reverse=True)
    unit_count = len({s.unit for s in stories})
    latest = years[0] if years else None
    parts = [
        '<section class="hr-hero">',
        f'<p class="hr-hero__kicker">{escape(ctx.settings.programme_name)}</p>',
        f'<h1 class="hr-hero__title">{escape(ctx.site_name)}</h1>',
        '<dl class="hr-stats">'
        f"<div><dt>已发布故事</dt><dd>{len(stories)}</dd></div>"
        f"<div><dt>参与单位</dt><dd>{unit_count}</dd></div>"
        f"<div><dt>选树年度</dt><dd>{len(years)}</dd></div></dl>",
        "</section>",
    ]
    if latest is not None:
        newest = [s for s in stories if s.year == latest]
        parts.append(f'<h2 class="hr-h2">{latest} 年度光荣榜</h2>')
        parts.append(cards(newest[: ctx.per_page], here, ctx))
        if len(newest) > ctx.per_page:
            parts.append(
                f'<p class="hr-more"><a href="{urls.href(here, urls.year_path(latest))}">查看 {latest} 年度全部 {len(newest)} 个故事</a></p>'
            )
    if len(years) > 1:
        links = "".join(
            f'<li><a href="{urls.href(here, urls.year_path(y))}">{y} 年度<span>{sum(1 for s in stories if s.year == y)} 个故事</span></a></li>'
            for y in years[1:]
        )
        parts.append(f'<h2 class="hr-h2">往年光荣榜</h2><ul class="hr-years">{links}</ul>')
    parts.append(
        '<p class="hr-links">'
        f'<a href="{urls.href(here, urls.honors_path())}">荣誉榜</a>'
        f'<a href="{urls.href(here, urls.notice_path())}">公示</a>'
        f'<a href="{urls.href(here, "units/")}">参与单位</a>'
        f'<a href="{urls.href(here, "categories/")}">故事类别</a>'
        f'<a href="{urls.href(here, "feed.xml")}">订阅（Atom）</a></p>'
    )
    meta = {
        "title": ctx.site_name,
        "description": ctx.settings.programme_name + " 光荣榜",
        "template": "honorroll/home.html",
        "hide": ["navigation", "toc"],
    }
    return front_matter(meta) + "\n".join(parts) + "\n"


def year_pages(ctx: SiteContext) -> list[tuple[str, Content]]:
    out: list[tuple[str, Content]] = []
    years: dict[int, list[Story]] = defaultdict(list)
    for story in ctx.published:
        years[story.year].append(story)
    for year, stories in years.items():
        out += paginated(
            urls.year_path(year),
            f"{year} 年度光荣榜",
            f"{year} 年度选树的身边故事",
            stories,
            lambda group, here: cards(group, here, ctx),
            ctx,
        )
    links = "".join(
        f'<li><a href="{urls.href("years/", urls.year_path(y))}">{y} 年度<span>{len(years[y])} 个故事</span></a></li>'
        for y in sorted(years, reverse=True)
    )
    out.append(("years/index.md", list_page("历年光荣榜", "历年选树的身边故事", f'<ul class="hr-years">{links}</ul>')))
    return out


def _members(unit: Unit, ctx: SiteContext) -> list[Unit]:
    return [u for u in ctx.units.values() if u.parent == unit.id]


def quota_table(rows: Sequence[QuotaRow]) -> str:
    if not rows:
        return ""
    body = "".join(
        f'<tr><td>{r.year}</td><td>{r.quota}</td><td>{r.published}</td><td><span class="hr-status hr-status--{r.status}">{escape(r.status_label)}</span></td></tr>'
        for r in sorted(rows, key=lambda r: r.year, reverse=True)
    )
    return (
        '<h2 class="hr-h2">历年任务完成情况</h2><div class="hr-table"><table><thead><tr>'
        '<th scope="col">年度</th><th scope="col">任务数</th><th scope="col">已发布</th><th scope="col">状态</th>'
        f"</tr></thead><tbody>{body}</tbody></table></div>"
    )


def unit_pages(ctx: SiteContext) -> list[tuple[str, Content]]:
    out: list[tuple[str, Content]] = []
    index_items: dict[str, list[str]] = defaultdict(list)
    by_unit: dict[str, list[Story]] = defaultdict(list)  # grouped once: units × stories would be quadratic
    position = {}
    for index, story in enumerate(ctx.published):
        by_unit[story.unit or ""].append(story)
        position[story.id] = index
    rows_by_unit: dict[str, list[QuotaRow]] = defaultdict(list)
    for row in ctx.result.quotas:
        rows_by_unit[row.unit].append(row)
    for unit in sorted(ctx.units.values(), key=lambda u: u.id):
        members = _members(unit, ctx)
        stories = [s for owner in (unit, *members) for s in by_unit[owner.id]]
        if members:
            stories.sort(key=lambda s: position[s.id])
        rows = rows_by_unit[unit.id]
        base = urls.unit_path(unit.id)
        intro = f'<p class="hr-lead">{escape(UNIT_KIND_LABELS.get(unit.kind, ""))}'
        parent = ctx.units.get(unit.parent or "")
        if parent is not None:
            intro += f'，故事计入<a href="{urls.href(base, urls.unit_path(parent.id))}">{escape(parent.name)}</a>'
        intro += "</p>"
        if unit.description:
            intro += f"<p>{escape(unit.description)}</p>"
        if members:
            links = "、".join(
                f'<a href="{urls.href(base, urls.unit_path(m.id))}">{escape(m.display_name)}</a>' for m in members
            )
            intro += f"<p>系统内单位：{links}</p>"
        intro += quota_table(rows)
        if not stories:
            intro += '<p class="hr-empty">暂无已发布的故事。</p>'
        out += paginated(
            base,
            unit.name,
            f"{unit.name}选树的身边故事",
            stories,
            lambda group, here: by_year_cards(group, here, ctx),
            ctx,
            intro,
        )
        index_items[unit.kind].append(
            f'<li><a href="{urls.href("units/", base)}">{escape(unit.name)}<span>{len(stories)} 个故事</span></a></li>'
        )
    body = "".join(
        f'<h2 class="hr-h2">{UNIT_KIND_LABELS[kind]}</h2><ul class="hr-years">{"".join(index_items[kind])}</ul>'
        for kind in UNIT_KIND_LABELS
        if index_items.get(kind)
    )
    out.append(("units/index.md", list_page("参与单位", "参与选树的单位", body)))
    return out


def category_pages(ctx: SiteContext) -> list[tuple[str, Content]]:
    out: list[tuple[str, Content]] = []
    items = []
    for category in ctx.settings.categories:
        stories = [s for s in ctx.published if s.category == category]
        if not stories:
            continue
        base = urls.category_path(category)
        out += paginated(
            base,
            f"类别：{category}",
            f"“{category}”类身边故事",
            stories,
            lambda group, here: by_year_cards(group, here, ctx),
            ctx,
        )
        items.append(
            f'<li><a href="{urls.href("categories/", base)}">{escape(category)}<span>{len(stories)} 个故事</span></a></li>'
        )
    out.append(
        (
            "categories/index.md",
            list_page("故事类别", "按类别浏览身边故事", f'<ul class="hr-years">{"".join(items)}</ul>'),
        )
    )
    return out


def honor_row(story: Story, title: str, year: int, here: str, ctx: SiteContext) -> str:
    name = story.subject.name if story.subject else ""
    return (
        f'<li><span class="hr-honor__title">{year} 年 “{escape(title)}”</span>'
        f'<a href="{urls.href(here, urls.story_path(story))}">{escape(name)}：{escape(story.title or "")}</a>'
        f'<span class="hr-honor__unit">{escape(ctx.unit_name(story))}</span></li>'
    )


def honor_pages(ctx: SiteContext) -> list[tuple[str, Content]]:
    """荣誉榜: published stories' later honors, grouped by level (a withdrawn story's honors never show)."""
    out: list[tuple[str, Content]] = []
    by_level: dict[str, list[tuple[Story, str, int]]] = defaultdict(list)
    for story in ctx.published:
        for honor in story.honors:
            by_level[honor.level].append((story, honor.title, honor.year))
    sections = []
    preview = 12
    for level in ctx.settings.honor_levels:
        rows = sorted(by_level.get(level, []), key=lambda r: (-r[2], r[0].id))
        if not rows:
            continue
        label = ctx.level_label(level)
        base = urls.honors_path(level)
        out += paginated(
            base,
            f"荣誉榜：{label}荣誉",
            f"获得{label}荣誉的身边典型",
            rows,
            lambda group, here: (
                '<ul class="hr-honor-list">' + "".join(honor_row(s, t, y, here, ctx) for s, t, y in group) + "</ul>"
            ),
            ctx,
        )
        more = (
            f'<p class="hr-more"><a href="{urls.href("honors/", base)}">查看全部 {len(rows)} 项{label}荣誉</a></p>'
            if len(rows) > preview
            else ""
        )
        sections.append(
            f'<h2 class="hr-h2">{escape(label)}荣誉 <small>{len(rows)} 项</small></h2><ul class="hr-honor-list">'
            + "".join(honor_row(s, t, y, "honors/", ctx) for s, t, y in rows[:preview])
            + "</ul>"
            + more
        )
    body = '<p class="hr-lead">选树对象此后获得的各级荣誉。</p>' + (
        "".join(sections) or '<p class="hr-empty">暂无。</p>'
    )
    out.append(("honors/index.md", list_page("荣誉榜", "选树对象此后获得的各级荣誉", body)))
    return out


def notice_pages(ctx: SiteContext) -> list[tuple[str, Content]]:
    stories = sorted(
        (s for s in ctx.result.archive.stories if s.status == "notice"),
        key=lambda s: (s.process.notice_start if s.process and s.process.notice_start else dt.date.min, s.id),
        reverse=True,
    )
    contact = ctx.settings.objection_contact
    intro = '<p class="hr-lead">以下拟选树对象正在基层公示。对公示对象有异议的，请在公示期内实名反映。</p>'
    if contact:
        intro += f'<p class="hr-contact"><strong>受理异议：</strong>{escape(contact)}</p>'
    if not stories:
        intro += '<p class="hr-empty">目前没有正在公示的对象。</p>'

    def render(group: Sequence[Story], here: str) -> str:
        rows = []
        for s in group:
            period = ""
            if s.process and s.process.notice_start and s.process.notice_end:
                period = f"{s.process.notice_start.isoformat()} 至 {s.process.notice_end.isoformat()}"
            who = escape(s.subject.name) if s.subject else ""
            rows.append(
                f'<li class="hr-notice"><p class="hr-notice__title">{escape(s.title or "")}</p>'
                f"<p>{who} · {escape(ctx.unit_name(s))} · {escape(s.category or '')}</p>"
                f'<p class="hr-notice__period">公示期：{period}</p></li>'
            )
        return f'<ul class="hr-notice-list">{"".join(rows)}</ul>'

    return paginated(urls.notice_path(), "公示", "正在基层公示的拟选树对象", stories, render, ctx, intro)


def feed_xml(ctx: SiteContext) -> str:
    entries = [
        FeedEntry(
            id=urls.absolute(ctx.site_url, urls.short_path(s.id)),
            title=s.title or s.id,
            link=urls.absolute(ctx.site_url, urls.story_path(s)),
            summary=s.summary or "",
            published=s.published_on or dt.date(s.year, 1, 1),
            author=ctx.unit_name(s),
        )
        for s in ctx.published
    ]
    return atom_feed(
        entries, title=ctx.site_name, site_url=ctx.site_url, feed_url=urls.absolute(ctx.site_url, "feed.xml")
    )


def per_story_pages(story: Story, ctx: SiteContext) -> list[tuple[str, Content]]:
    """The story page, poster, short link and print QR of one published story."""
    return [
        (urls.story_src(story), story_page(story, ctx)),
        (urls.src_uri(urls.poster_path(story.id)), poster_page(story, ctx)),
        (urls.short_path(story.id) + "index.html", short_link_page(story, ctx)),
        (urls.qr_png_path(story.id), ctx.qr.png(urls.absolute(ctx.site_url, urls.short_path(story.id)))),
    ]


def site_pages(ctx: SiteContext, *, with_home: bool = True, per_story: bool = True) -> list[tuple[str, Content]]:
    """Every generated page and file except story photos.

    ``per_story=False`` leaves out the four files each published story gets, for a build that
    writes them itself (see :mod:`honorroll.site.stamp`).
    """
    out: list[tuple[str, Content]] = []
    if per_story:
        for story in ctx.published:
            out += per_story_pages(story, ctx)
    for story in ctx.result.archive.stories:
        if story.status == "withdrawn":
            out.append((urls.short_path(story.id) + "index.html", withdrawn_page(story.id, ctx)))
    if with_home:
        out.append(("index.md", home_page(ctx)))
    out += year_pages(ctx) + unit_pages(ctx) + category_pages(ctx) + honor_pages(ctx) + notice_pages(ctx)
    out.append(("feed.xml", feed_xml(ctx)))
    return out
