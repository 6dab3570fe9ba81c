"""Every image file a story publishes, as plain data: the one call the build makes per story.

``publish_story_images`` reads the story's photos as untrusted files, makes (or finds in the
cache) their card and page sizes and the story's share image, and returns where each file goes
in the site, with the intrinsic sizes templates need for ``srcset``, ``width`` and ``height``.
It writes nothing into the site: the caller copies or links ``StoryImages.files``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from honorroll.config import HonorRollConfig
from honorroll.content import media
from honorroll.content.loader import body_images
from honorroll.content.model import Story
from honorroll.parallel import process_pool
from honorroll.site import urls
from honorroll.site.share_image import (
    HEIGHT,
    WIDTH,
    CardStyle,
    ShareImageError,
    find_font,
    site_share_image,
    story_share_image,
)

JPEG = "image/jpeg"


@dataclass(frozen=True, slots=True)
class StoryImages:
    photos: dict[str, media.DerivedPhoto]
    """By ``src`` exactly as written in the story (the cover's and each body image's)."""
    share: media.DerivedImage | None
    """The story's own ``og:image``: the cover's largest JPEG size, or (``share_cards: per_story``)
    a drawn 1200×630 card ``share/<id>.jpg``; None means "use the site's card"."""
    files: tuple[tuple[str, Path], ...]
    """(site path, cached file) of every file to copy or hard-link into the site."""

    cover_src: str | None = None
    """The cover's ``src`` (a key of ``photos``), if the story has a cover."""

    @property
    def cover(self) -> media.DerivedPhoto | None:
        return self.photos.get(self.cover_src) if self.cover_src else None


def limits(settings: HonorRollConfig) -> media.Limits:
    return media.Limits(settings.max_photo_bytes, settings.max_photo_pixels)


def card_style(settings: HonorRollConfig, root: Path, site_name: str) -> CardStyle:
    """The site's card settings, checked once; raises :class:`ShareImageError` with a Chinese message."""
    return _card_style(
        settings.share_font,
        settings.share_emblem,
        settings.share_background,
        settings.share_foreground,
        settings.share_accent,
        settings.programme_name,
        str(root),
        site_name,
    )


@functools.cache
def _card_style(
    font: str | None,
    emblem: str | None,
    background: str,
    foreground: str,
    accent: str,
    programme: str,
    root: str,
    site_name: str,
) -> CardStyle:
    emblem_bytes = None
    if emblem:
        path = Path(emblem) if Path(emblem).is_absolute() else Path(root) / emblem
        try:
            emblem_bytes = media.read_untrusted(path.parent, path.name, 5 * 1024 * 1024, emblem)
            media.inspect_photo(emblem_bytes, media.Limits(5 * 1024 * 1024), emblem)
        except media.PhotoError as exc:
            raise ShareImageError(f"share_emblem 设置的徽标不能使用：{exc}") from None
    return CardStyle(
        site_name=site_name,
        programme=programme,
        background=background,
        foreground=foreground,
        accent=accent,
        font=find_font(font, Path(root)),
        emblem=emblem_bytes,
    )


def story_photo_srcs(story: Story) -> list[str]:
    """Photos the story shows, cover first, each once; only folder stories have any."""
    if not story.is_bundle:
        return []
    srcs = [story.cover.src] if story.cover else []
    srcs += [src for src, _alt, _line in body_images(story)]
    return list(dict.fromkeys(srcs))


def publish_story_images(
    story: Story,
    root: Path,
    cache_dir: Path,
    settings: HonorRollConfig,
    *,
    site_name: str,
    unit_name: str,
    share_cards: str = "per_story",
) -> StoryImages:
    """Derived photos and the share image of one story (raises ``PhotoError``/``ShareImageError``)."""
    bound = limits(settings)
    folder = root / story.folder
    photos: dict[str, media.DerivedPhoto] = {}
    files: list[tuple[str, Path]] = []
    for src in story_photo_srcs(story):
        label = f"{story.folder}/{src}"
        data = media.read_untrusted(folder, src, bound.max_bytes, label)
        is_cover = story.cover is not None and src == story.cover.src
        # the cover is decoded once (if at all) for both its sizes and the share image
        decoded = _decode_once(data, bound, label) if is_cover else None
        photos[src] = derived = media.derive_photo(data, cache_dir, bound, label, decoded=decoded)
        files.extend(derived.files)
    cover = photos.get(story.cover.src) if story.cover is not None else None
    share: media.DerivedImage | None = None
    if cover is not None and cover.largest.mime == JPEG:
        share = cover.largest  # no extra crop: platforms crop a wide photo themselves
    elif share_cards == "per_story":
        style = card_style(settings, root, site_name)
        name = story.subject.name if story.subject else ""
        share_file = story_share_image(cache_dir, style, name, story.title or "", unit_name)
        share = media.DerivedImage(urls.share_image_path(story.id), WIDTH, HEIGHT, JPEG)
        files.append((share.path_in_site, share_file))
    cover_src = story.cover.src if story.cover is not None and story.cover.src in photos else None
    return StoryImages(photos, share, tuple(dict.fromkeys(files)), cover_src)


def _decode_once(data: bytes, bound: media.Limits, label: str) -> Callable[[], Image.Image]:
    fit = (max(media.PAGE_WIDTHS), HEIGHT)  # covers both the widest page size and the share crop

    @functools.cache
    def decode() -> Image.Image:
        return media.decode_oriented(data, bound, label, fit=fit)

    return decode


def publish_photos(
    root: Path, folder: str, srcs: list[str], cache_dir: Path, settings: HonorRollConfig
) -> tuple[dict[str, media.DerivedPhoto], tuple[tuple[str, Path], ...]]:
    """Derived sizes of photos in any content folder (an activity's, say): (by ``src``, files to publish)."""
    bound = limits(settings)
    photos: dict[str, media.DerivedPhoto] = {}
    files: list[tuple[str, Path]] = []
    for src in dict.fromkeys(srcs):
        label = f"{folder}/{src}"
        data = media.read_untrusted(root / folder, src, bound.max_bytes, label)
        photos[src] = derived = media.derive_photo(data, cache_dir, bound, label)
        files.extend(derived.files)
    return photos, tuple(dict.fromkeys(files))


def publish_site_image(root: Path, cache_dir: Path, settings: HonorRollConfig, site_name: str) -> StoryImages:
    """``share/site.jpg`` for the home and list pages (as a ``StoryImages`` without photos)."""
    path = site_share_image(cache_dir, card_style(settings, root, site_name))
    share = media.DerivedImage(urls.site_share_image_path(), WIDTH, HEIGHT, JPEG)
    return StoryImages({}, share, ((share.path_in_site, path),))


class StoryImagesError(Exception):
    """Photos that could not be published; ``str(error)`` lists every one, in Chinese."""


PARALLEL_THRESHOLD = 200
"""Stories with images below which a worker pool costs more than it saves."""


@dataclass(frozen=True)
class ImageJob:
    """What every story's images need besides the story (picklable, for worker processes)."""

    root: Path
    cache_dir: Path
    settings: HonorRollConfig
    site_name: str
    unit_names: dict[str, str]


def needs_images(story: Story, share_cards: str) -> bool:
    """Stories without photos publish nothing of their own unless each gets a drawn card."""
    return share_cards == "per_story" or bool(story_photo_srcs(story))


def _publish_one(job: ImageJob, story: Story) -> StoryImages | str:
    try:
        return publish_story_images(
            story,
            job.root,
            job.cache_dir,
            job.settings,
            site_name=job.site_name,
            unit_name=job.unit_names.get(story.unit or "", ""),
            share_cards=job.settings.share_cards,
        )
    except (media.PhotoError, ShareImageError) as exc:
        return f"{story.file}：{exc}"


def _publish_batch(job: ImageJob, stories: list[Story]) -> list[tuple[str, StoryImages | str]]:
    return [(story.id, _publish_one(job, story)) for story in stories]


def publish_all(job: ImageJob, stories: Sequence[Story], workers: int | None = None) -> dict[str, StoryImages]:
    """Every story's images by story id (cache hits cost ~0.5 ms); raises :class:`StoryImagesError`.

    The check decoded every photo already, so an error here means a file changed under the
    build; it is still a Chinese message, never a traceback.
    """
    todo = [s.without_text() for s in stories if needs_images(s, job.settings.share_cards)]
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers > 1 and len(todo) >= PARALLEL_THRESHOLD:
        size = max(1, -(-len(todo) // (workers * 8)))
        with process_pool(workers) as pool:
            futures = [pool.submit(_publish_batch, job, todo[i : i + size]) for i in range(0, len(todo), size)]
            results = [pair for future in futures for pair in future.result()]
    else:
        results = _publish_batch(job, todo)
    problems = [outcome for _id, outcome in results if isinstance(outcome, str)]
    if problems:
        raise StoryImagesError("以下照片无法发布：\n" + "\n".join(problems))
    return {story_id: outcome for story_id, outcome in results if not isinstance(outcome, str)}
