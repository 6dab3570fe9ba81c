"""Adding the generated pages to the build (``File.generated``), never to the source tree."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from ..cache import resolve_cache_dir
from ..checker import CheckResult
from ..config import HonorRollConfig
from ..loader import body_images
from . import stamp, urls
from .pages import SiteContext, site_pages
from .qr import QrCache

log = logging.getLogger("mkdocs.plugins.honorroll")

NAV = [
    ("光荣榜", "index.md"),
    ("历年", "years/index.md"),
    ("单位", "units/index.md"),
    ("类别", "categories/index.md"),
    ("荣誉榜", "honors/index.md"),
    ("公示", "notice/index.md"),
]


def default_nav(docs_dir: Path) -> list[dict[str, str]]:
    """A few top-level pages only: stories never enter the navigation, so its size is fixed."""
    nav = [{title: uri} for title, uri in NAV]
    extra = sorted(p.name for p in docs_dir.glob("*.md") if p.name != "index.md")
    return nav + [{_title(docs_dir / name): name} for name in extra]


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8-sig").splitlines():  # Windows editors save a BOM
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def make_context(config: MkDocsConfig, settings: HonorRollConfig, result: CheckResult) -> SiteContext:
    root = Path(config.config_file_path).resolve().parent
    site_url = config.site_url or f"http://{config.dev_addr.host}:{config.dev_addr.port}/"
    return SiteContext(
        result=result,
        settings=settings,
        site_url=site_url,
        site_name=config.site_name,
        qr=QrCache(resolve_cache_dir(root, settings.cache_dir).path),
    )


def add_site_files(files: Files, config: MkDocsConfig, settings: HonorRollConfig, result: CheckResult) -> SiteContext:
    ctx = make_context(config, settings, result)
    root = str(result.archive.root)
    with_home = files.get_file_from_path("index.md") is None
    pages = site_pages(ctx, with_home=with_home, per_story=not settings.stamp_story_pages)
    if settings.stamp_story_pages:
        pages += stamp.shell_sources(ctx)
    for uri, content in pages:
        if isinstance(content, Path):
            files.append(File.generated(config, uri, abs_src_path=str(content)))
            continue
        if isinstance(content, str) and uri.endswith(".md"):
            content = ctx.defer_raw_html(uri, content)
        files.append(File.generated(config, uri, content=content))
    for story in ctx.published:
        if not story.is_bundle:
            continue
        srcs = [story.cover.src] if story.cover else []
        srcs += [src for src, _alt, _line in body_images(story)]
        for src in dict.fromkeys(srcs):
            files.append(
                File(
                    urls.photo_path(story, src),
                    src_dir=root,
                    dest_dir=config.site_dir,
                    use_directory_urls=config.use_directory_urls,
                )
            )
    return ctx


def write_stamped_pages(
    ctx: SiteContext,
    config: MkDocsConfig,
    settings: HonorRollConfig,
    previous_site: Path | None = None,
    target: Path | None = None,
) -> None:
    if not settings.stamp_story_pages:
        return
    root = Path(config.config_file_path).resolve().parent
    site_dir = Path(config.site_dir)
    rendered = stamp.stamp_story_pages(
        ctx,
        site_dir,
        list(config.markdown_extensions),
        dict(config.mdx_configs),
        resolve_cache_dir(root, settings.cache_dir).path,
        previous_site,
        target,
    )
    stamp.add_to_sitemap(ctx, site_dir)
    log.info("故事页：新生成 %d 个，沿用上次构建 %d 个", rendered, len(ctx.published) - rendered)
