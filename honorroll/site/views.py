"""View models: the plain data the theme's templates render, built from the content model.

Nothing here writes markup. Every template under ``honorroll/theme/`` receives one of the page
views below as ``hr`` and prints its fields through Jinja's autoescaping, so a field from a
story or unit file reaches a page the same way in every rendering mode. The only values that
are already HTML are :class:`markupsafe.Markup`: the sanitised story body (see
:func:`publishable_body`) and the QR code's SVG, which this package draws itself.

Links are relative to the page (``urls.href``), so a site works under any path prefix. The
views hold no MkDocs objects and pickle cheaply: the fast story-page path builds them in
worker processes (see :mod:`honorroll.site.stamp`).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import quote, urljoin

from markupsafe import Markup

from honorroll.content.model import Story, Unit
from honorroll.content.schema import SUBJECT_TYPE_LABELS, UNIT_KIND_LABELS
from honorroll.html_policy import clean
from honorroll.rules.quota import QuotaRow
from honorroll.site import urls

if TYPE_CHECKING:
    from honorroll.content.media import DerivedPhoto
    from honorroll.site.activities import FeaturedIn
    from honorroll.site.story_images import StoryImages

SITE_CARD_SIZE = (1200, 630)
"""``share/site.jpg`` (``share_image.WIDTH`` × ``HEIGHT``; not imported, so views stay free of Pillow)."""
PAGER_WINDOW = 2
"""Page numbers shown on each side of the current one (plus the first and the last)."""
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def publishable_body(rendered: str, *, ids: bool = True) -> Markup:
    """The one gate every rendered body passes (stories, activities and the site's own pages, in every mode).

    ``html_policy.clean`` keeps the allow-listed tags and attributes only, so raw HTML, event
    handlers and Markdown attribute lists (``{: onclick=… }``) never reach a page.
    """
    return Markup(clean(rendered, ids=ids))


def plain(text: str | None) -> str:
    """Text for any output, XML included: control characters (invalid in XML 1.0) removed."""
    return _CONTROL.sub("", text or "")


# ---------------------------------------------------------------- building blocks


@dataclass(frozen=True, slots=True)
class Link:
    href: str
    label: str


@dataclass(frozen=True, slots=True)
class CountLink:
    """An entry of an index page: "2024 年度 · 12 个故事"."""

    href: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Image:
    """A photo as the templates show it (``partials/hr-image.html``).

    ``srcset``, ``sizes``, ``width`` and ``height`` are the extension point for responsive
    sizes made by the photo pipeline; empty means "not known", and the partial leaves them out.
    """

    src: str
    alt: str
    width: int | None = None
    height: int | None = None
    srcset: str = ""
    sizes: str = ""
    priority: bool = False
    """The page's largest image above the fold (a story's cover): fetched first, never lazily."""


@dataclass(frozen=True, slots=True)
class Head:
    """What a page says about itself in ``<head>`` (``partials/hr-head.html``) and in the header bar."""

    title: str
    """The page's own title: share cards and the header bar."""
    document_title: str
    """``<title>``: the page title and the site name (the home page: the site name once)."""
    description: str
    site_name: str
    canonical: str | None
    feed: str
    """Relative link to the Atom feed."""
    og_type: str = "website"
    image: str | None = None
    """Absolute URL of the share image (extension point: generated share cards)."""
    image_alt: str = ""
    image_width: int | None = None
    image_height: int | None = None
    author: str | None = None
    robots: str | None = None


@dataclass(frozen=True)
class PageView:
    """Every page's ``hr``: its head, and the relative path to the site root for hand-written links."""

    head: Head
    root: str


def make_head(
    site: SiteData,
    here: str,
    title: str,
    description: str,
    *,
    home: bool = False,
    og_type: str = "website",
    image: Image | None = None,
    image_url: str | None = None,
    size: tuple[int, int] | None = None,
    author: str | None = None,
    robots: str | None = None,
) -> Head:
    """``image_url`` (``size`` its pixels) is the page's own share image; without one, the site's card
    (``SiteData.share_image``)."""
    if image_url is None and site.share_image:
        image_url, size = urls.absolute(site.site_url, site.share_image), SITE_CARD_SIZE
    return Head(
        title=plain(title),
        document_title=plain(site.site_name if home else f"{title} - {site.site_name}"),
        description=plain(description),
        site_name=plain(site.site_name),
        canonical=urls.absolute(site.site_url, here),
        feed=urls.href(here, urls.FEED),
        og_type=og_type,
        image=image_url,
        image_alt=plain(image.alt) if image is not None and image_url else "",
        image_width=size[0] if size and image_url else None,
        image_height=size[1] if size and image_url else None,
        author=author,
        robots=robots,
    )


# ---------------------------------------------------------------- site-wide data


@dataclass(frozen=True)
class SiteData:
    """What every view needs from the site, small and picklable (workers receive it once)."""

    site_url: str
    site_name: str
    programme_name: str
    description: str
    units: Mapping[str, Unit]
    honor_levels: Mapping[str, str]
    objection_contact: str = ""
    categories: tuple[str, ...] = ()
    favicon: str = "assets/images/favicon.png"
    """Site path of the icon (the theme's ``favicon``); pages outside the chrome link it themselves."""
    edit_base: str | None = None
    """``repo_url`` + ``edit_uri`` moved up to the content root, when the theme shows edit buttons
    (Material's ``content.action.edit``); a story's edit link is this plus its file."""
    share_image: str | None = None
    """Site path of the site-wide share card, used by every page without an image of its own."""
    images: Mapping[str, StoryImages] = field(default_factory=dict)
    """Each story's published (re-encoded) photos by story id; originals are never published."""
    featured: Mapping[str, tuple[FeaturedIn, ...]] = field(default_factory=dict)
    """By story id: the activities that featured the story ("讲述过这个故事的活动"), newest first."""

    def unit_name(self, story: Story) -> str:
        unit = self.units.get(story.unit or "")
        return unit.display_name if unit else ""

    def level_label(self, level: str) -> str:
        return str(self.honor_levels.get(level, level))

    def short_url(self, story_id: str) -> str:
        return urls.absolute(self.site_url, urls.short_path(story_id))

    def edit_url(self, story: Story) -> str | None:
        return urljoin(self.edit_base, quote(story.file)) if self.edit_base else None


# ---------------------------------------------------------------- cards and lists


@dataclass(frozen=True, slots=True)
class Card:
    href: str
    name: str
    kind: str
    title: str
    unit: str
    category: str
    summary: str
    image: Image | None
    initial: str
    """Shown in place of a photo."""


@dataclass(frozen=True, slots=True)
class CardGroup:
    heading: str | None
    cards: tuple[Card, ...]


COVER_SIZES = "(min-width: 700px) 640px, 100vw"
"""How wide a story's cover and body photos are shown (``sizes``): the reading column (``.hr-article``,
at most 38em ≈ 610 px in honorroll.css), or the whole screen on phones."""


def photo_image(photo: DerivedPhoto, here: str, alt: str, *, priority: bool = False) -> Image:
    """A page-size photo: every derived width in ``srcset``, the largest as ``src`` and intrinsic size."""
    largest = photo.largest
    return Image(
        urls.href(here, largest.path_in_site),
        plain(alt),
        largest.width,
        largest.height,
        srcset=", ".join(f"{urls.href(here, size.path_in_site)} {size.width}w" for size in photo.sizes),
        sizes=COVER_SIZES,
        priority=priority,
    )


def story_photo(story: Story, site: SiteData, src: str) -> DerivedPhoto | None:
    images = site.images.get(story.id)
    return images.photos.get(src) if images is not None else None


def story_image(story: Story, here: str, site: SiteData, *, card: bool = False) -> Image | None:
    """The story's cover: the card size for lists, every page size for its own page (None: no cover)."""
    if story.cover is None:
        return None
    photo = story_photo(story, site, story.cover.src)
    if photo is None:  # not derived: show nothing rather than link an unpublished original
        return None
    if card:
        small = photo.card
        return Image(urls.href(here, small.path_in_site), plain(story.cover.alt), small.width, small.height)
    return photo_image(photo, here, story.cover.alt or "", priority=True)


_IMG = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>')  # nh3 quotes every attribute with " and escapes " inside
_ATTRIBUTE = re.compile(r'\s([\w:-]+)="([^"]*)"')
"""One attribute of the sanitiser's output, where every value is double-quoted and holds no ``"``:
matched pair by pair from the tag's start, so a ``src=`` inside another value is never taken for it."""


def body_with_photos(body: Markup, story: Story, here: str, site: SiteData) -> Markup:
    """A story body's ``<img>`` pointed at the story's re-encoded photos (:func:`with_derived_photos`)."""
    return with_derived_photos(body, lambda src: story_photo(story, site, src), here)


def with_derived_photos(body: Markup, derived: Callable[[str], DerivedPhoto | None], here: str) -> Markup:
    """Points each ``<img>`` of a sanitised body at its re-encoded sizes; an underived one is dropped.

    ``body`` has passed :func:`publishable_body`, so every ``<img>`` has one quoted ``src`` naming a
    file of the story's (or activity's) own folder, which the check decoded.
    """

    def replace_img(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = next((m for m in _ATTRIBUTE.finditer(tag) if m.group(1) == "src"), None)
        photo = derived(html.unescape(src.group(2))) if src else None
        if photo is None:
            return ""
        image = photo_image(photo, here, "")
        attrs = f' src="{Markup.escape(image.src)}" srcset="{Markup.escape(image.srcset)}" sizes="{image.sizes}"'
        if " width=" not in tag and " height=" not in tag:
            attrs += f' width="{image.width}" height="{image.height}"'
        assert src is not None
        return tag[: src.start()] + attrs + tag[src.end() : -1] + ' loading="lazy" decoding="async">'

    return Markup(_IMG.sub(replace_img, str(body)))


def card(story: Story, here: str, site: SiteData) -> Card:
    subject = story.subject
    name = subject.name if subject else ""
    return Card(
        href=urls.href(here, urls.story_path(story)),
        name=plain(name),
        kind=SUBJECT_TYPE_LABELS.get(subject.type, "") if subject else "",
        title=plain(story.title),
        unit=plain(site.unit_name(story)),
        category=plain(story.category),
        summary=plain(story.summary),
        image=story_image(story, here, site, card=True),
        initial=plain((name or story.title or "?")[:1]),
    )


def cards(stories: Sequence[Story], here: str, site: SiteData, heading: str | None = None) -> CardGroup:
    return CardGroup(heading, tuple(card(s, here, site) for s in stories))


def cards_by_year(stories: Sequence[Story], here: str, site: SiteData) -> tuple[CardGroup, ...]:
    years: dict[int, list[Story]] = {}
    for story in stories:
        years.setdefault(story.year, []).append(story)
    return tuple(cards(years[y], here, site, f"{y} 年度") for y in sorted(years, reverse=True))


@dataclass(frozen=True, slots=True)
class PagerItem:
    number: int | None
    """None: a gap (shown as an ellipsis)."""
    href: str | None
    current: bool = False


@dataclass(frozen=True, slots=True)
class Pager:
    """A window of page numbers around the current page, the first and the last, previous and next."""

    page: int
    pages: int
    items: tuple[PagerItem, ...]
    first: str
    last: str
    prev: str | None
    next: str | None


def pager(base: str, page: int, pages: int, here: str, window: int = PAGER_WINDOW) -> Pager | None:
    if pages <= 1:
        return None

    def link(n: int) -> str:
        return urls.href(here, urls.paged(base, n))

    shown = sorted({1, pages, *range(max(1, page - window), min(pages, page + window) + 1)})
    items: list[PagerItem] = []
    previous = 0
    for n in shown:
        if n - previous == 2:  # a gap of one page: show the number, not an ellipsis
            items.append(PagerItem(n - 1, link(n - 1)))
        elif n - previous > 2:
            items.append(PagerItem(None, None))
        items.append(PagerItem(n, link(n), n == page))
        previous = n
    return Pager(
        page=page,
        pages=pages,
        items=tuple(items),
        first=link(1),
        last=link(pages),
        prev=link(page - 1) if page > 1 else None,
        next=link(page + 1) if page < pages else None,
    )


@dataclass(frozen=True, slots=True)
class QuotaLine:
    year: int
    quota: int
    published: int
    status: str
    status_label: str


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """The head of a unit's page: what it is, where its stories count, its members and its quotas."""

    kind: str
    parent: Link | None
    description: str
    members: tuple[Link, ...]
    quotas: tuple[QuotaLine, ...]


def unit_info(unit: Unit, members: Sequence[Unit], rows: Sequence[QuotaRow], here: str, site: SiteData) -> UnitInfo:
    parent = site.units.get(unit.parent or "")
    return UnitInfo(
        kind=UNIT_KIND_LABELS.get(unit.kind, ""),
        parent=Link(urls.href(here, urls.unit_path(parent.id)), plain(parent.name)) if parent else None,
        description=plain(unit.description),
        members=tuple(Link(urls.href(here, urls.unit_path(m.id)), plain(m.display_name)) for m in members),
        quotas=tuple(
            QuotaLine(r.year, r.quota, r.published, r.status, r.status_label)
            for r in sorted(rows, key=lambda r: r.year, reverse=True)
        ),
    )


@dataclass(frozen=True)
class ListPage(PageView):
    """A paginated list of story cards: a year, a unit, a category (``honorroll/list.html``)."""

    title: str
    groups: tuple[CardGroup, ...]
    pager: Pager | None
    unit: UnitInfo | None = None
    empty: str | None = None


@dataclass(frozen=True, slots=True)
class LinkSection:
    heading: str | None
    links: tuple[CountLink, ...]


@dataclass(frozen=True)
class LinksPage(PageView):
    """An index of other lists: years, units, categories (``honorroll/links.html``)."""

    title: str
    sections: tuple[LinkSection, ...]


# ---------------------------------------------------------------- honors and notice


@dataclass(frozen=True, slots=True)
class HonorRow:
    year: int
    title: str
    href: str
    name: str
    story_title: str
    unit: str


def honor_row(story: Story, title: str, year: int, here: str, site: SiteData) -> HonorRow:
    return HonorRow(
        year=year,
        title=plain(title),
        href=urls.href(here, urls.story_path(story)),
        name=plain(story.subject.name if story.subject else ""),
        story_title=plain(story.title),
        unit=plain(site.unit_name(story)),
    )


@dataclass(frozen=True, slots=True)
class HonorSection:
    label: str
    count: int
    rows: tuple[HonorRow, ...]
    more: Link | None


@dataclass(frozen=True)
class HonorsPage(PageView):
    """荣誉榜: the index shows a section per level; a level's own pages list its rows with a pager."""

    title: str
    lead: str
    sections: tuple[HonorSection, ...] = ()
    rows: tuple[HonorRow, ...] = ()
    pager: Pager | None = None


@dataclass(frozen=True, slots=True)
class NoticeRow:
    title: str
    name: str
    unit: str
    category: str
    start: dt.date | None
    end: dt.date | None
    href: str | None = None
    """The story's own page (marked 公示中)."""


def notice_row(story: Story, site: SiteData, here: str | None = None) -> NoticeRow:
    process = story.process
    return NoticeRow(
        href=urls.href(here, urls.story_path(story)) if here is not None else None,
        title=plain(story.title),
        name=plain(story.subject.name if story.subject else ""),
        unit=plain(site.unit_name(story)),
        category=plain(story.category),
        start=process.notice_start if process else None,
        end=process.notice_end if process else None,
    )


@dataclass(frozen=True)
class NoticePage(PageView):
    title: str
    contact: str
    rows: tuple[NoticeRow, ...]
    pager: Pager | None


@dataclass(frozen=True)
class NoticeStoryPage(PageView):
    """A story under public notice, at the address it will keep once published (``partials/hr-notice-story.html``).

    Only what the public needs to judge it: no body, photos or honors until it is published.
    """

    title: str
    facts: tuple[Fact, ...]
    summary: str
    start: dt.date | None
    end: dt.date | None
    """Also the deadline for objections."""
    contact: str
    notice_href: str
    short_url: str


def notice_story_page(story: Story, site: SiteData) -> NoticeStoryPage:
    here = urls.story_path(story)
    title = story.title or story.id
    process = story.process
    facts = tuple(f for f in story_facts(story, here, site) if f.label not in ("发布", "年度"))
    head = make_head(site, here, f"公示中：{title}", story.summary or "", robots="noindex")
    return NoticeStoryPage(
        head=head,
        root=urls.href(here, ""),
        title=plain(title),
        facts=facts,
        summary=plain(story.summary),
        start=process.notice_start if process else None,
        end=process.notice_end if process else None,
        contact=plain(site.objection_contact),
        notice_href=urls.href(here, urls.notice_path()),
        short_url=site.short_url(story.id),
    )


@dataclass(frozen=True)
class WithdrawnStoryPage(PageView):
    """A withdrawn story's own address and short link, inside the site's chrome: no reason, never a 404."""

    home: str


def withdrawn_story_page(here: str, site: SiteData) -> WithdrawnStoryPage:
    head = make_head(site, here, "该内容已撤下", "此链接对应的故事已不再公开展示。", robots="noindex")
    return WithdrawnStoryPage(head=replace(head, canonical=None), root=urls.href(here, ""), home=urls.href(here, ""))


# ---------------------------------------------------------------- home


@dataclass(frozen=True, slots=True)
class Stat:
    label: str
    value: int


@dataclass(frozen=True)
class HomePage(PageView):
    programme: str
    site_name: str
    stats: tuple[Stat, ...]
    latest: CardGroup | None
    more: Link | None
    earlier: tuple[CountLink, ...]
    links: tuple[Link, ...]


# ---------------------------------------------------------------- one story


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    text: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class HonorBadge:
    level: str
    year: int
    title: str


@dataclass(frozen=True, slots=True)
class Share:
    """The share box (``partials/hr-share.html``): QR code, permanent short link, poster and print QR."""

    qr_svg: Markup
    short_url: str
    short_href: str
    poster_href: str
    qr_png_href: str


@dataclass(frozen=True)
class StoryView:
    id: str
    kicker: str
    title: str
    facts: tuple[Fact, ...]
    summary: str
    honors: tuple[HonorBadge, ...]
    cover: Image | None
    body: Markup
    share: Share
    tags: tuple[str, ...] = ()
    edit_url: str | None = None
    """Material's "edit this page" action for the story's file, when the site shows it."""
    featured_in: tuple[FeaturedIn, ...] = ()
    """The activities that featured the story (``partials/featured-in.html``)."""


@dataclass(frozen=True)
class StoryPage(PageView):
    story: StoryView


def share_box(story: Story, here: str, site: SiteData, qr_svg: Markup) -> Share:
    return Share(
        qr_svg=qr_svg,
        short_url=site.short_url(story.id),
        short_href=urls.href(here, urls.short_path(story.id)),
        poster_href=urls.href(here, urls.poster_path(story.id)),
        qr_png_href=urls.href(here, urls.qr_png_path(story.id)),
    )


def story_facts(story: Story, here: str, site: SiteData) -> tuple[Fact, ...]:
    facts = []
    subject = story.subject
    if subject is not None:
        who = subject.name + (f"，{subject.position}" if subject.position else "")
        facts.append(Fact(SUBJECT_TYPE_LABELS.get(subject.type, "主体"), plain(who)))
    unit = site.units.get(story.unit or "")
    if unit is not None:
        facts.append(Fact("单位", plain(unit.name), urls.href(here, urls.unit_path(unit.id))))
    category = story.category or ""
    facts.append(Fact("类别", plain(category), urls.href(here, urls.category_path(category))))
    facts.append(Fact("年度", f"{story.year} 年度", urls.href(here, urls.year_path(story.year))))
    if story.published_on:
        facts.append(Fact("发布", story.published_on.isoformat()))
    return tuple(facts)


def story_page(story: Story, site: SiteData, body: Markup, qr_svg: Markup) -> StoryPage:
    """A story page's whole view; ``body`` has passed :func:`publishable_body`."""
    here = urls.story_path(story)
    cover = story_image(story, here, site)
    body = body_with_photos(body, story, here, site)
    title = story.title or story.id
    images = site.images.get(story.id)
    share = images.share if images is not None else None
    head = make_head(
        site,
        here,
        title,
        story.summary or "",
        og_type="article",
        image=cover,
        image_url=urls.absolute(site.site_url, share.path_in_site) if share else None,
        size=(share.width, share.height) if share else None,
    )
    view = StoryView(
        id=story.id,
        kicker=plain(f"{site.programme_name} · {story.year} 年度选树"),
        title=plain(title),
        facts=story_facts(story, here, site),
        summary=plain(story.summary),
        honors=tuple(
            HonorBadge(plain(site.level_label(h.level)), h.year, plain(h.title))
            for h in sorted(story.honors, key=lambda h: (h.year, h.index))
        ),
        cover=cover,
        body=body,
        share=share_box(story, here, site, qr_svg),
        tags=tuple(plain(t) for t in story.tags),
        edit_url=site.edit_url(story),
        featured_in=site.featured.get(story.id, ()),
    )
    return StoryPage(head=head, root=urls.href(here, ""), story=view)


# ---------------------------------------------------------------- pages outside the theme's chrome


@dataclass(frozen=True)
class StandalonePage(PageView):
    """Pages without the site's header (poster, short link): their own policy and stylesheet."""

    csp: str
    stylesheet: str
    icon: str


@dataclass(frozen=True)
class PosterPage(StandalonePage):
    kicker: str
    title: str
    name: str
    position: str
    unit: str
    category: str
    photo: Image | None
    summary: str
    qr_svg: Markup
    short_url: str
    back: str


def poster_page(story: Story, site: SiteData, qr_svg: Markup, csp: str) -> PosterPage:
    here = urls.poster_path(story.id)
    subject = story.subject
    title = story.title or story.id
    return PosterPage(
        head=make_head(site, here, f"海报：{title}", story.summary or "", robots="noindex"),
        root=urls.href(here, ""),
        csp=csp,
        stylesheet=urls.href(here, urls.POSTER_CSS),
        icon=urls.href(here, site.favicon),
        kicker=plain(f"{site.site_name} · {story.year} 年度"),
        title=plain(title),
        name=plain(subject.name if subject else ""),
        position=plain(subject.position if subject else ""),
        unit=plain(site.unit_name(story)),
        category=plain(story.category),
        photo=story_image(story, here, site),
        summary=plain(story.summary),
        qr_svg=qr_svg,
        short_url=site.short_url(story.id),
        back=urls.href(here, urls.story_path(story)),
    )


@dataclass(frozen=True)
class ShortLinkPage(StandalonePage):
    """``/s/<id>/``: a redirect that works without JavaScript."""

    title: str
    target: str


def short_link_page(story: Story, site: SiteData, csp: str) -> ShortLinkPage:
    here = urls.short_path(story.id)
    title = story.title or story.id
    head = make_head(site, here, title, "", robots="noindex")
    return ShortLinkPage(
        head=replace(head, canonical=urls.absolute(site.site_url, urls.story_path(story))),
        root=urls.href(here, ""),
        csp=csp,
        stylesheet=urls.href(here, urls.PLAIN_CSS),
        icon=urls.href(here, site.favicon),
        title=plain(title),
        target=urls.href(here, urls.story_path(story)),
    )


# ---------------------------------------------------------------- sitemap


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    loc: str
    lastmod: str | None
