"""Per-story pages at archive scale: render a shell once with MkDocs, stamp every story into it.

MkDocs renders each page through the whole theme, which is what makes a 20,000-story site
slow. Every story page shares the same chrome, though, so MkDocs renders one *shell* per
layout, at the same URL depth as the real pages (relative links stay right), with slot
tokens where the title, description, share image and content go. After the build, each
story's content is converted from Markdown and put into the shell, in parallel across
cores; a story whose inputs did not change is hard-linked from the previous build instead.
The short link and print QR of each story are written in the same pass.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import markdown

from ..cache import file_key
from ..model import Story
from ..parallel import process_pool
from . import urls
from .pages import SiteContext, front_matter, poster_parts, short_link_page, story_parts

SLOT_TITLE = "hrslot0title"
SLOT_DESCRIPTION = "hrslot0description"
SLOT_IMAGE = "hrslot0image"
SLOT_CONTENT = "hrslot0content"
STORY_SHELLS = {False: "stories/0000/hr-shell-plain/", True: "stories/0000/hr-shell-cover/"}
POSTER_SHELL = "poster/hr-shell/"
SHELL_PATHS = (*STORY_SHELLS.values(), POSTER_SHELL)
STORY_ROOTS = ("stories", "poster", "s", "qr")
"""Top folders of the files :func:`story_files` names."""
PARALLEL_THRESHOLD = 200


def _shell_meta(meta: dict[str, Any], with_image: bool) -> dict[str, Any]:
    data = {**meta, "title": SLOT_TITLE, "description": SLOT_DESCRIPTION, "search": {"exclude": True}, "sitemap": False}
    data.pop("og_image", None)
    if with_image:
        data["og_image"] = SLOT_IMAGE
    return data


def shell_sources(ctx: SiteContext) -> list[tuple[str, str]]:
    """The shell pages MkDocs renders in place of every story page and poster."""
    if not ctx.published:
        return []
    sample = ctx.published[0]
    story_meta = story_parts(sample, ctx).meta
    poster_meta = poster_parts(sample, ctx).meta
    out = [
        (urls.src_uri(path), front_matter(_shell_meta(story_meta, cover)) + SLOT_CONTENT + "\n")
        for cover, path in STORY_SHELLS.items()
    ]
    out.append((urls.src_uri(POSTER_SHELL), front_matter(_shell_meta(poster_meta, False)) + SLOT_CONTENT + "\n"))
    return out


@dataclass(frozen=True)
class Shell:
    path: str
    html: str

    def fill(self, path: str, title: str, description: str, image: str | None, content: str) -> str:
        page = self.html.replace(self.path, path)
        page = page.replace(SLOT_TITLE, escape(title)).replace(SLOT_DESCRIPTION, escape(description))
        if image is not None:
            page = page.replace(SLOT_IMAGE, escape(image))
        for wrapped in (f"<p>{SLOT_CONTENT}</p>", SLOT_CONTENT):
            if wrapped in page:
                return page.replace(wrapped, content, 1)
        raise ValueError(f"shell {self.path} has no content slot")


def take_shells(site_dir: Path) -> dict[str, Shell]:
    """Reads the rendered shells and removes them from the site."""
    shells = {}
    for path in SHELL_PATHS:
        file = site_dir / path / "index.html"
        if file.is_file():
            shells[path] = Shell(path, file.read_text(encoding="utf-8"))
            shutil.rmtree(file.parent)
            parent = file.parent.parent
            while parent != site_dir and not any(parent.iterdir()):  # e.g. the otherwise empty stories/0000/
                parent.rmdir()
                parent = parent.parent
    return shells


@dataclass
class StampJob:
    ctx: SiteContext
    site_dir: Path
    shells: dict[str, Shell]
    extensions: list[Any]
    extension_configs: dict[str, Any]


_JOB: StampJob | None = None  # in a worker, set by _start_worker from process_pool's initializer


def _start_worker(job: StampJob) -> None:
    global _JOB
    _JOB = job


def _code_key() -> str:
    """Changes whenever the code that shapes a page changes, so cached pages are never stale."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in ("pages.py", "stamp.py", "urls.py", "qr.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # never write through a hard link into the previous build
    path.write_bytes(data)


class _Renderer:
    def __init__(self, job: StampJob) -> None:
        self.job = job
        self.md = markdown.Markdown(extensions=job.extensions, extension_configs=job.extension_configs)

    def story(self, story: Story) -> None:
        job, ctx = self.job, self.job.ctx
        path = urls.story_path(story)
        parts = story_parts(story, ctx)
        image = parts.meta.get("og_image")
        self.md.reset()
        content = f'{parts.head}\n<div class="hr-body">\n{self.md.convert(parts.markdown)}\n</div>\n{parts.tail}'
        shell = job.shells[STORY_SHELLS[image is not None]]
        page = shell.fill(path, parts.meta["title"], parts.meta["description"], image, content)
        _write(job.site_dir / path / "index.html", page.encode())
        poster = poster_parts(story, ctx)
        poster_path = urls.poster_path(story.id)
        page = job.shells[POSTER_SHELL].fill(
            poster_path, poster.meta["title"], poster.meta["description"], None, poster.head
        )
        _write(job.site_dir / poster_path / "index.html", page.encode())
        _write(job.site_dir / urls.short_path(story.id) / "index.html", short_link_page(story, ctx).encode())
        png = ctx.qr.png(urls.absolute(ctx.site_url, urls.short_path(story.id)))
        _write(job.site_dir / urls.qr_png_path(story.id), png.read_bytes())


def _render_batch(indices: list[int]) -> int:
    assert _JOB is not None
    renderer = _Renderer(_JOB)
    for index in indices:
        renderer.story(_JOB.ctx.published[index])
    return len(indices)


def _batches(indices: list[int], workers: int) -> Iterator[list[int]]:
    size = max(1, -(-len(indices) // (workers * 8)))
    for start in range(0, len(indices), size):
        yield indices[start : start + size]


def story_files(story: Story) -> list[str]:
    """The four files each published story gets in the site."""
    return [
        urls.story_path(story) + "index.html",
        urls.poster_path(story.id) + "index.html",
        urls.short_path(story.id) + "index.html",
        urls.qr_png_path(story.id),
    ]


def story_keys(ctx: SiteContext, shells: dict[str, Shell], code_key: str) -> dict[str, str]:
    """A key per story that changes whenever anything its four files show could change.

    Built from file stats and settings, not file contents, so an unchanged archive of
    20,000 stories is recognised without reading it.
    """
    settings = repr(sorted(ctx.settings.items(), key=str))
    base = hashlib.sha256(
        "\0".join((code_key, settings, ctx.site_url, ctx.site_name, *sorted(s.html for s in shells.values()))).encode()
    ).hexdigest()
    keys = {}
    for story in ctx.published:
        unit = ctx.units.get(story.unit or "")
        stat = file_key(Path(story.root), story.file, story.is_bundle)
        keys[story.id] = hashlib.sha256(repr((base, story.file, stat, unit)).encode()).hexdigest()
    return keys


def _reuse(story: Story, previous: str, site_dir: str) -> bool:
    """Hard-links the story's files from the previous build; False if any is missing.

    Plain ``os`` calls: this runs for every story of every rebuild.
    """
    for name in story_files(story):
        source, target = os.path.join(previous, name), os.path.join(site_dir, name)
        try:
            os.link(source, target)
        except FileNotFoundError:
            if not os.path.exists(source):
                return False
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.link(source, target)
        except OSError:  # another file system, or links not allowed
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(source, target)
    return True


def stamp_story_pages(
    ctx: SiteContext,
    site_dir: Path,
    extensions: list[Any],
    extension_configs: dict[str, Any],
    cache_dir: Path,
    previous_site: Path | None = None,
    target: Path | None = None,
    workers: int | None = None,
) -> int:
    """Writes every published story's page, poster, short link and print QR; returns how many were rendered.

    With ``previous_site`` (the last good build, still in place while this one is staged), a
    story whose key is unchanged is hard-linked from there instead of rendered again.
    ``target`` is where the finished site will live; each target keeps its own record of keys.
    """
    global _JOB
    shells = take_shells(site_dir)
    if not ctx.published:
        return 0
    if set(SHELL_PATHS) - shells.keys():
        raise RuntimeError("主题没有渲染出故事页模板（shell），无法生成故事页")
    # Markdown settings shape every page too, yet are not part of the shell.
    code_key = _code_key() + repr((extensions, sorted(extension_configs.items(), key=str)))
    keys = story_keys(ctx, shells, code_key)
    manifest = manifest_path(cache_dir, target or site_dir)
    old_keys = _read_manifest(manifest) if previous_site is not None else {}
    todo = [
        index
        for index, story in enumerate(ctx.published)
        if not (
            previous_site is not None
            and old_keys.get(story.id) == keys[story.id]
            and _reuse(story, str(previous_site), str(site_dir))
        )
    ]
    _JOB = StampJob(ctx, site_dir, shells, extensions, extension_configs)
    try:
        workers = workers if workers is not None else (os.cpu_count() or 1)
        if workers <= 1 or len(todo) < PARALLEL_THRESHOLD:
            _render_batch(todo)
        else:
            with process_pool(workers, _start_worker, (_JOB,)) as pool:
                sum(pool.map(_render_batch, _batches(todo, workers)))
    finally:
        _JOB = None
    # Takes effect only once this build replaces the previous one (see commit_manifest).
    _write_manifest(_pending(manifest), keys)
    return len(todo)


def manifest_path(cache_dir: Path, target: Path) -> Path:
    """The keys of the stories in the site at ``target`` (``build/``, or the folder ``mkdocs serve`` uses)."""
    name = hashlib.sha256(str(target.resolve()).encode()).hexdigest()[:16]
    return cache_dir / "stamped" / f"{name}.json"


def _pending(manifest: Path) -> Path:
    return manifest.with_suffix(".pending")


def commit_manifest(cache_dir: Path, target: Path) -> None:
    """Called once the new site is in place at ``target``: its keys now describe what the site holds."""
    manifest = manifest_path(cache_dir, target)
    if _pending(manifest).is_file():
        os.replace(_pending(manifest), manifest)


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_manifest(path: Path, keys: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(keys, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)


def sitemap_entries(ctx: SiteContext) -> str:
    return "".join(
        f"<url><loc>{escape(urls.absolute(ctx.site_url, urls.story_path(s)))}</loc>"
        + (f"<lastmod>{s.published_on.isoformat()}</lastmod>" if s.published_on else "")
        + "</url>\n"
        for s in ctx.published
    )


def add_to_sitemap(ctx: SiteContext, site_dir: Path) -> None:
    """MkDocs' sitemap lists only the pages it rendered; the stamped story pages join it here."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file():
        return
    text = sitemap.read_text(encoding="utf-8").replace("</urlset>", sitemap_entries(ctx) + "</urlset>", 1)
    sitemap.write_text(text, encoding="utf-8")
    (site_dir / "sitemap.xml.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
