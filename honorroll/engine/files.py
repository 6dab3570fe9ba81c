"""Adding the generated pages and files to the build (``File.generated``), never to the source tree."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from honorroll.check.cache import resolve_cache_dir
from honorroll.check.run import CheckResult
from honorroll.config import HonorRollConfig
from honorroll.content import media
from honorroll.progress import Progress
from honorroll.rules.pages import IMAGE_SUFFIXES, PAGE_IMAGE_LIMITS
from honorroll.site import activities as site_activities
from honorroll.site import hant, pages, stamp, story_images, urls, views
from honorroll.site.feed import FEED_TEMPLATE
from honorroll.site.pages import SiteContext
from honorroll.site.qr import QrCache
from honorroll.site.render import Renderer, Shell, theme_fingerprint
from honorroll.site.share_image import ShareImageError

log = logging.getLogger("mkdocs.plugins.honorroll")

NAV = [
    ("光荣榜", "index.md"),
    ("历年", "years/index.md"),
    ("单位", "units/index.md"),
    ("类别", "categories/index.md"),
    ("荣誉榜", "honors/index.md"),
    ("公示", "notice/index.md"),
]


def default_nav(docs_dir: Path, activity_year: int | None = None) -> list[dict[str, str]]:
    """A few top-level pages only: stories never enter the navigation, so its size is fixed.

    With activities, "活动" leads to the latest year's page (each year page links the others).
    """
    nav = [{title: uri} for title, uri in NAV]
    if activity_year is not None:
        nav.append({"活动": urls.src_uri(site_activities.activities_path(activity_year))})
    extra = sorted(p.name for p in docs_dir.glob("*.md") if p.name != "index.md")
    return nav + [{_title(docs_dir / name): name} for name in extra]


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8-sig").splitlines():  # Windows editors save a BOM
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def site_url(config: MkDocsConfig) -> str:
    return config.site_url or f"http://{config.dev_addr.host}:{config.dev_addr.port}/"


def edit_base(config: MkDocsConfig, root: Path) -> str | None:
    """Material's edit links point into ``docs_dir``; stories live beside it, so go up to the content root."""
    features = config.theme.get("features") or []
    if not (config.repo_url and config.edit_uri and "content.action.edit" in features):
        return None
    docs = Path(config.docs_dir).resolve()
    if not docs.is_relative_to(root):
        return None
    up = "../" * len(docs.relative_to(root).parts)
    edit_uri = config.edit_uri if config.edit_uri.endswith("/") else config.edit_uri + "/"
    return urljoin(config.repo_url.rstrip("/") + "/", edit_uri + up)


def make_context(config: MkDocsConfig, settings: HonorRollConfig, result: CheckResult) -> SiteContext:
    root = Path(config.config_file_path).resolve().parent
    cache = resolve_cache_dir(root, settings.cache_dir).path
    site = pages.site_data(
        settings,
        result.archive.units,
        url=site_url(config),
        name=config.site_name,
        description=config.site_description or "",
        favicon=str(config.theme.get("favicon") or views.SiteData.favicon),
        edit_base=edit_base(config, root),
    )
    ctx = SiteContext(result=result, settings=settings, site=site, qr=QrCache(cache))
    ctx.site = replace(site, **publish_images(ctx, root, cache))
    index = site_activities.featured_index(result.activities)
    featured = {s.id: tuple(site_activities.featured_in(s, index, ctx.units)) for s in ctx.published if s.id in index}
    ctx.site = replace(ctx.site, featured=featured)
    try:
        ctx.activity_photos, files = site_activities.publish_activity_photos(result.activities, root, cache, settings)
    except media.PhotoError as exc:
        raise PluginError(str(exc)) from None
    ctx.image_files.update(files)
    converter = markdown.Markdown(
        extensions=list(config.markdown_extensions), extension_configs=dict(config.mdx_configs)
    )

    def render_markdown(text: str) -> str:
        converter.reset()
        return str(views.publishable_body(converter.convert(text), ids=False))  # many bodies, one page

    ctx.render_markdown = render_markdown
    return ctx


def publish_images(ctx: SiteContext, root: Path, cache: Path) -> dict[str, Any]:
    """Re-encoded photos of every published story and the site's share card (``SiteData`` fields).

    Raises ``PluginError`` with the Chinese messages: the check decoded every photo already, so
    only a file changed during the build gets here.
    """
    site = ctx.site
    units = {unit_id: unit.display_name for unit_id, unit in ctx.units.items()}
    job = story_images.ImageJob(root, cache, ctx.settings, site.site_name, units)
    try:
        images = story_images.publish_all(job, ctx.published)
        card = story_images.publish_site_image(root, cache, ctx.settings, site.site_name)
    except (story_images.StoryImagesError, ShareImageError) as exc:
        raise PluginError(str(exc)) from None
    ctx.image_files = {path: file for one in (*images.values(), card) for path, file in one.files}
    assert card.share is not None
    return {"images": images, "share_image": card.share.path_in_site}


def add_site_files(
    files: Files,
    config: MkDocsConfig,
    settings: HonorRollConfig,
    result: CheckResult,
    renderer: Renderer,
    csp: str,
) -> SiteContext:
    """List pages and, without fast mode, story pages as MkDocs pages; withdrawn short links,
    the feed and the stories' photos as files."""
    ctx = make_context(config, settings, result)
    for spec in pages.list_specs(ctx, with_home=files.get_file_from_path("index.md") is None):
        ctx.specs[spec.uri] = spec
        taken = files.get_file_from_path(spec.uri)
        if taken is not None and taken.generated_by is None:  # the check refuses these first (rules/pages.py)
            raise PluginError(
                f"{Path(config.docs_dir).name}/{spec.uri}：占用了站点自动生成的页面的地址，请换一个文件名"
            )
        files.append(File.generated(config, spec.uri, content=spec.source()))
    if not settings.stamp_story_pages:
        for story in ctx.published:
            uri = urls.story_src(story)
            ctx.stories[uri] = story
            files.append(File.generated(config, uri, content=pages.story_source(story)))
    for story in result.archive.stories:
        if story.status == "notice":  # posters printed during notice already point here
            short = renderer.render(stamp.SHORT_LINK_TEMPLATE, views.short_link_page(story, ctx.site, csp))
            files.append(File.generated(config, urls.short_path(story.id) + "index.html", content=short))
            qr = ctx.qr.png(ctx.site.short_url(story.id))
            files.append(File.generated(config, urls.qr_png_path(story.id), abs_src_path=str(qr)))
    files.append(File.generated(config, urls.FEED, content=renderer.render(FEED_TEMPLATE, pages.feed(ctx))))
    # Only re-encoded copies: an original photo (EXIF with GPS, serial numbers, owners) never is.
    for path, cached in ctx.image_files.items():
        files.append(File.generated(config, path, abs_src_path=str(cached)))
    return ctx


def guard_docs_files(files: Files, config: MkDocsConfig, cache: Path) -> None:
    """Second wall behind the check (``honorroll.rules.pages``): of ``docs_dir`` only Markdown pages and
    images are published, never through a link (MkDocs itself follows linked folders), the images as
    copies re-encoded without metadata (EXIF with GPS, owners)."""
    docs = Path(config.docs_dir).absolute()
    for file in list(files):
        if file.generated_by is not None or not file.abs_src_path:
            continue
        source = Path(file.abs_src_path).absolute()
        if not source.is_relative_to(docs):  # the theme's own files
            continue
        label = f"{docs.name}/{file.src_uri}"
        below = source.relative_to(docs).parts
        if docs.is_symlink() or any((docs / Path(*below[: i + 1])).is_symlink() for i in range(len(below))):
            raise PluginError(f"{label}：经过链接（快捷方式）才能找到这个文件，不会发布：请换成普通文件或文件夹")
        if file.is_documentation_page():
            continue
        if source.suffix.lower() not in IMAGE_SUFFIXES:
            raise PluginError(
                f"{label}：{docs.name}/ 中只能放 Markdown 页面和图片，这个文件不会发布（请运行 honorroll check 查看原因）"
            )
        try:
            data = media.read_untrusted(source.parent, source.name, PAGE_IMAGE_LIMITS.max_bytes, label, "页面文件夹")
            copy = cache / "pages" / media.digest_of(data, str(media.PIPELINE_VERSION))[:32] / source.name
            if not copy.is_file():
                media.write_atomic(copy, media.without_metadata(data, PAGE_IMAGE_LIMITS, label))
        except media.PhotoError as exc:
            raise PluginError(f"{label}：{exc}") from None
        file.abs_src_path = str(copy)


def stand_in_page(config: MkDocsConfig, src_uri: str, template: str, hide: list[str] | None = None) -> Page:
    """A page with no content at ``src_uri``: renders the theme's chrome and nothing a contributor wrote."""
    page = Page(None, File.generated(config, src_uri, content=""), config)
    page.markdown = ""
    page.content = ""
    page.toc = get_toc([])
    page.meta = {"template": template} | ({"hide": hide} if hide else {})
    return page


def start_story_files(
    ctx: SiteContext,
    config: MkDocsConfig,
    settings: HonorRollConfig,
    renderer: Renderer,
    shell: Shell | None,
    csp: str,
    previous_site: Path | None = None,
    target: Path | None = None,
    edition: hant.Edition | None = None,
) -> stamp.StoryFiles:
    """Starts the story workers; with an ``edition``, they write its copies too, into the folder claimed here."""
    root = Path(config.config_file_path).resolve().parent
    cache = resolve_cache_dir(root, settings.cache_dir).path
    job = stamp.StampJob(
        site=ctx.site,
        renderer=renderer,
        shell=shell,
        extensions=list(config.markdown_extensions),
        extension_configs=dict(config.mdx_configs),
        site_dir=Path(config.site_dir),
        csp=csp,
        edition=hant.StampedEdition.prepare(edition, shell) if edition is not None else None,
    )
    if edition is not None:
        hant.claim_prefix(Path(config.site_dir), edition)
    return stamp.start_story_files(
        job,
        ctx.published,
        cache,
        theme_key=theme_fingerprint(config.theme.custom_dir),
        previous_site=previous_site,
        target=target,
    )


def finish_story_files(ctx: SiteContext, story_files: stamp.StoryFiles, progress: Progress) -> None:
    total = len(story_files.tasks)
    rendered = story_files.finish(lambda: progress.tick(lambda: [("故事页", story_files.done(), total)]))
    progress.end("故事页", f"新生成 {rendered:,} 个，沿用上次构建 {len(ctx.published) - rendered:,} 个")
