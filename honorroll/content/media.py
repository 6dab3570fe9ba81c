"""Photos as untrusted files: read without following links, decode within limits, publish clean copies.

Every photo in a story folder may come from a stranger's pull request. So a photo is:

- read through :func:`read_untrusted`: each path component is checked with ``lstat`` and the
  file is opened with ``O_NOFOLLOW``, so a symbolic link (to a device, a folder, a secret) is
  refused and never opened; only regular files up to ``max_bytes`` are read;
- decoded by content (JPEG, PNG or WebP only, whatever the extension says) with the pixel
  count checked from the header before any pixel data is decoded, Pillow's own
  decompression-bomb limit set to the same number and its warning turned into an error;
  a corrupt or truncated file is an error; animated PNG/WebP are refused (see below);
- published only as new files (:func:`derive_photo`) re-encoded from pixels, orientation applied
  first, colours converted to sRGB, with no EXIF, XMP, ICC or comment (GPS positions, camera
  serial numbers and owner names live there). Sizes are cached by a hash of the source bytes.

Animated images: refused. A story photo is a still picture on a page, a poster and a share card;
silently publishing the first frame would change what the editor chose, and every frame is
another decompression budget. (Multi-picture JPEGs from phones — format MPO — are still photos
with a preview or depth map attached: their main picture is used.)

Messages are Chinese and name the photo as the editor wrote it; :class:`PhotoError` carries them.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import stat
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, ImageOps

PIPELINE_VERSION = 1
"""Part of every cache key: bump it when derived files would come out differently."""

FORMATS = ("JPEG", "PNG", "WEBP")
"""The only decoders Pillow may try: other formats' parsers never see untrusted bytes."""

DEFAULT_MAX_PIXELS = 40_000_000
CARD_WIDTH = 320
PAGE_WIDTHS = (480, 800, 1200)
JPEG_QUALITY = 82

MEDIA_DIR = "media"
"""Cache sub-folder and site folder of derived photos (``media/<2 hex>/<digest>-<width>.jpg``)."""


class PhotoError(Exception):
    """A photo that cannot be published; ``str(error)`` is the Chinese message for the editor."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int
    max_pixels: int = DEFAULT_MAX_PIXELS


@dataclass(frozen=True, slots=True)
class PhotoInfo:
    format: str
    """``JPEG``, ``PNG`` or ``WEBP`` (a multi-picture ``MPO`` reads as ``JPEG``)."""
    width: int
    height: int
    """Stored size; a JPEG whose EXIF says "rotated" is shown with width and height swapped."""


@dataclass(frozen=True, slots=True)
class DerivedImage:
    """One published image file, as plain data for templates (``srcset``, ``width``/``height``)."""

    path_in_site: str
    width: int
    height: int
    mime: str


@dataclass(frozen=True, slots=True)
class DerivedPhoto:
    card: DerivedImage
    """For list cards (``CARD_WIDTH`` wide, or narrower when the photo is)."""
    sizes: tuple[DerivedImage, ...]
    """For the page's ``srcset``, narrowest first; the last one is the largest and the ``src`` fallback."""
    files: tuple[tuple[str, Path], ...]
    """(site path, cached file) of every file to copy or link into the site."""

    @property
    def largest(self) -> DerivedImage:
        return self.sizes[-1]


# --------------------------------------------------------------------------- reading


def read_untrusted(
    folder: Path, relative: str, max_bytes: int, label: str | None = None, where: str = "故事文件夹"
) -> bytes:
    """The bytes of ``folder/relative``, never through a link and never more than ``max_bytes``.

    ``folder`` itself is trusted (the loader refused links above it); ``relative`` is as the
    editor wrote it, with forward slashes. ``label`` and ``where`` name the photo and its folder
    in messages.
    """
    label = label or relative
    parts = [part for part in relative.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        raise PhotoError(f"照片路径“{label}”不能以 / 开头、不能含 ..：请把照片放进故事自己的文件夹，只写文件名")
    path = str(folder)
    for index, part in enumerate(parts):
        path = os.path.join(path, part)
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            raise PhotoError(f"找不到照片“{label}”：请把文件放在 {where} 中，并核对文件名（区分大小写）") from None
        except OSError:
            raise PhotoError(f"照片“{label}”无法读取：请把真实的照片文件放进 {where}") from None
        if stat.S_ISLNK(info.st_mode):
            raise PhotoError(
                f"照片“{label}”经过链接（快捷方式）“{part}”：为安全起见构建不跟随链接，请把真实文件放进 {where}"
            )
        last = index == len(parts) - 1
        if not last and not stat.S_ISDIR(info.st_mode):
            raise PhotoError(f"找不到照片“{label}”：请把文件放在 {where} 中，并核对文件名（区分大小写）")
    if not stat.S_ISREG(info.st_mode):
        raise PhotoError(f"照片“{label}”不是普通文件：请把真实的照片文件放进 {where}")
    if info.st_size > max_bytes:
        raise PhotoError(
            f"照片“{label}”有 {info.st_size / 1024 / 1024:.1f} MB，超过 {max_bytes / 1024 / 1024:g} MB：请压缩或缩小后再提交"
        )
    # O_NOFOLLOW: the last component cannot have become a link since lstat; O_NONBLOCK: a FIFO cannot hang us.
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise PhotoError(f"照片“{label}”不是普通文件：请把真实的照片文件放进 {where}")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PhotoError(f"照片“{label}”超过 {max_bytes / 1024 / 1024:g} MB：请压缩或缩小后再提交")
    return data


# --------------------------------------------------------------------------- decoding


@contextmanager
def _pillow_limits(max_pixels: int) -> Iterator[None]:
    """Pillow's bomb check at our limit, its warning an error, truncated files refused; restored afterwards.

    Other libraries flip Pillow's globals on import (WeasyPrint sets LOAD_TRUNCATED_IMAGES), so both
    are set here every time rather than trusted.
    """
    previous = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
    Image.MAX_IMAGE_PIXELS = max_pixels
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _too_many_pixels(label: str, limits: Limits, pixels: int | None) -> PhotoError:
    actual = f"（约 {pixels / 10_000:.0f} 万像素）" if pixels else ""
    return PhotoError(
        f"照片“{label}”的像素太多{actual}，超过 {limits.max_pixels / 10_000:g} 万像素：请缩小到长边 4000 像素左右再提交"
    )


def _pixels_in(problem: Exception) -> int | None:
    """Pillow names the pixel count in its decompression-bomb message; the header is all it read."""
    found = re.search(r"\((\d+) pixels\)", str(problem))
    return int(found.group(1)) if found else None


def _open(data: bytes, limits: Limits, label: str) -> Image.Image:
    """Opens from the header only: format allow-list, pixel limit, one frame. No pixel data decoded yet."""
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        raise _too_many_pixels(label, limits, _pixels_in(bomb)) from None
    except Exception:
        raise PhotoError(f"照片“{label}”不是可以识别的 JPEG、PNG 或 WebP 图片：请用相机或修图软件重新导出") from None
    width, height = image.size
    if width < 1 or height < 1 or width * height > limits.max_pixels:
        raise _too_many_pixels(label, limits, width * height)
    if image.format != "MPO" and getattr(image, "n_frames", 1) > 1:
        raise PhotoError(f"照片“{label}”是动图：站点只发布静态照片，请导出为一张 JPEG 或 PNG")
    return image


def _load(image: Image.Image, label: str) -> None:
    try:
        image.load()
    except OSError as exc:
        if "truncated" in str(exc):
            raise PhotoError(f"照片“{label}”不完整（文件被截断）：请从原始照片重新复制或导出") from None
        raise PhotoError(f"照片“{label}”已损坏，无法解码：请从原始照片重新导出") from None
    except Exception:
        raise PhotoError(f"照片“{label}”已损坏，无法解码：请从原始照片重新导出") from None


def inspect_photo(data: bytes, limits: Limits, label: str) -> PhotoInfo:
    """Decodes the whole photo once to prove it is sound; JPEGs at 1/8 scale, which still reads every byte."""
    with _pillow_limits(limits.max_pixels):
        image = _open(data, limits, label)
        size = image.size
        fmt = "JPEG" if image.format == "MPO" else str(image.format)
        if fmt == "JPEG":
            image.draft(image.mode, (max(1, size[0] // 8), max(1, size[1] // 8)))
        _load(image, label)
    return PhotoInfo(fmt, size[0], size[1])


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except Exception:  # a broken EXIF block only loses the rotation
        return 1


def decode_oriented(data: bytes, limits: Limits, label: str, fit: tuple[int, int] | None = None) -> Image.Image:
    """The photo's pixels as shown (EXIF orientation applied), in RGB or RGBA and sRGB, metadata dropped.

    ``fit``: the smallest size (as shown) the caller needs; a JPEG is then decoded at the
    smallest 1/2, 1/4 or 1/8 scale that still covers it, much faster than full size.
    """
    with _pillow_limits(limits.max_pixels):
        image = _open(data, limits, label)
        orientation = _orientation(image)
        turned = orientation in (5, 6, 7, 8)
        if fit is not None and image.format in ("JPEG", "MPO"):
            need = (fit[1], fit[0]) if turned else fit
            image.draft("RGB" if image.mode == "RGB" else image.mode, need)
        _load(image, label)
        if orientation != 1:
            with contextlib.suppress(Exception):  # a hostile EXIF block: keep the stored orientation
                image = ImageOps.exif_transpose(image) or image
        return _clean_pixels(image)


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _clean_pixels(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when some pixel is transparent; colours converted to sRGB; no metadata left."""
    icc = image.info.get("icc_profile")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (image.mode == "P" and "transparency" in image.info)
    wanted = "RGBA" if has_alpha else "RGB"
    converted = _to_srgb(image, icc, wanted) if icc else None
    if converted is not None:
        image = converted
    elif image.mode != wanted:
        image = image.convert(wanted)
    if has_alpha and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")
    image.info = {}
    return image


def _to_srgb(image: Image.Image, icc: bytes, mode: str) -> Image.Image | None:
    """The pixels through the photo's own colour profile (Display P3, Adobe RGB, CMYK …) into sRGB,
    which is what browsers assume once the profile is gone; None for a profile LittleCMS cannot use."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
    except Exception:
        return None


# --------------------------------------------------------------------------- encoding and cache


def encode(image: Image.Image) -> tuple[bytes, str, str]:
    """(bytes, extension, mime): JPEG, or PNG when the image has transparency. Never any metadata."""
    image.info = {}  # JPEG and PNG writers take comments, XMP and ICC from ``info``
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, "PNG", compress_level=6)
        return out.getvalue(), "png", "image/png"
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)  # progressive: no smaller, 40 % slower
    return out.getvalue(), "jpg", "image/jpeg"


def without_metadata(data: bytes, limits: Limits, label: str) -> bytes:
    """The same image in its own format (a page links it by name), re-encoded from its pixels alone."""
    with _pillow_limits(limits.max_pixels):
        stored = _open(data, limits, label).format
    image = decode_oriented(data, limits, label)
    out = io.BytesIO()
    if stored in ("JPEG", "MPO"):
        image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(out, stored or "PNG")
    return out.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def digest_of(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        chunk = part.encode() if isinstance(part, str) else part
        h.update(len(chunk).to_bytes(8, "big"))
        h.update(chunk)
    return h.hexdigest()


def _verified(path: Path, expect: dict[str, object]) -> bool:
    """A cached file is used only if it is the very file recorded and Pillow reads it as recorded."""
    try:
        if os.lstat(path).st_size != expect["bytes"] or not path.is_file() or path.is_symlink():
            return False
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != expect["sha256"]:
            return False
        with Image.open(io.BytesIO(data), formats=("JPEG", "PNG")) as image:
            return image.size == (expect["width"], expect["height"])
    except Exception:
        return False


def _read_manifest(path: Path) -> dict[str, object] | None:
    try:
        if path.is_symlink() or os.lstat(path).st_size > 64 * 1024:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == PIPELINE_VERSION else None


def cached_files(cache_dir: Path, kind: str, digest: str) -> tuple[Path, Path]:
    """(manifest, folder) of one cached artefact; files are named by the digest, data only."""
    folder = cache_dir / kind / digest[:2]
    return folder / f"{digest}.json", folder


def store(
    folder: Path, manifest: Path, files: list[tuple[str, bytes, int, int, str]], extra: dict[str, object]
) -> tuple[list[dict[str, object]], dict[str, object]]:
    """Writes each (name, data, width, height, mime), then the manifest that vouches for them."""
    entries = []
    for name, data, width, height, mime in files:
        write_atomic(folder / name, data)
        entries.append(
            {
                "name": name,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "width": width,
                "height": height,
                "mime": mime,
            }
        )
    body: dict[str, object] = {"version": PIPELINE_VERSION, "files": entries, **extra}
    write_atomic(manifest, json.dumps(body, ensure_ascii=False, sort_keys=True).encode())
    return entries, body


_CACHED_NAME = re.compile(r"[0-9a-f]{64}(?:-[0-9]{1,5})?\.(?:jpg|png)")


def load_cached(manifest: Path, folder: Path) -> tuple[list[dict[str, object]], dict[str, object]] | None:
    """(file entries, manifest) if every file checks out, else None (and the caller re-derives)."""
    data = _read_manifest(manifest)
    files = data.get("files") if data is not None else None
    if data is None or not isinstance(files, list):
        return None
    entries: list[dict[str, object]] = []
    for entry in files:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            return None
        name = str(entry["name"])
        if not _CACHED_NAME.fullmatch(name) or not _verified(folder / name, entry):
            return None
        entries.append(entry)
    return entries, data


def photo_widths(width: int, card: int = CARD_WIDTH, pages: tuple[int, ...] = PAGE_WIDTHS) -> tuple[int, list[int]]:
    """(card width, page widths) for a photo ``width`` pixels wide: never wider than the photo itself."""
    return min(card, width), sorted({min(w, width) for w in pages})


def derive_photo(
    data: bytes,
    cache_dir: Path,
    limits: Limits,
    label: str,
    card: int = CARD_WIDTH,
    pages: tuple[int, ...] = PAGE_WIDTHS,
    decoded: Callable[[], Image.Image] | None = None,
) -> DerivedPhoto:
    """Card and page sizes of one photo, made once per distinct source and kept in ``cache_dir``.

    ``decoded``: the photo already decoded by :func:`decode_oriented` (at least ``max(pages)``
    wide unless the photo is narrower), for a caller that needs the pixels for something else too.
    """
    digest = digest_of("photo", str(PIPELINE_VERSION), repr((card, pages, JPEG_QUALITY)), data)
    manifest, folder = cached_files(cache_dir, MEDIA_DIR, digest)
    hit = _derived_from(load_cached(manifest, folder), folder)
    if hit is not None:
        return hit
    image = decoded() if decoded is not None else decode_oriented(data, limits, label, fit=(max(card, *pages), 1))
    card_width, page_widths = photo_widths(image.width, card, pages)
    made: list[tuple[str, bytes, int, int, str]] = []
    current = image
    for width in sorted({card_width, *page_widths}, reverse=True):  # widest first, each from the last
        if width != current.width:
            height = max(1, round(current.height * width / current.width))
            # bicubic: for downscaling photos it looks the same as Lanczos and costs a third less
            current = current.resize((width, height), Image.Resampling.BICUBIC)
        encoded, ext, mime = encode(current)
        made.append((f"{digest}-{width}.{ext}", encoded, current.width, current.height, mime))
    fresh = _derived_from(store(folder, manifest, made, {"card": card_width, "pages": page_widths}), folder)
    assert fresh is not None
    return fresh


def site_path_of(name: str) -> str:
    """``media/ab/<24 hex>-<width>.jpg``: 96 bits of the digest are plenty to tell a site's photos apart."""
    stem, rest = name.split("-", 1)
    return f"{MEDIA_DIR}/{stem[:2]}/{stem[:24]}-{rest}"


def _derived_from(
    cached: tuple[list[dict[str, object]], dict[str, object]] | None, folder: Path
) -> DerivedPhoto | None:
    """The photo's sizes from a verified manifest; None when the manifest does not add up."""
    if cached is None:
        return None
    entries, extra = cached
    by_width: dict[int, DerivedImage] = {}
    files: list[tuple[str, Path]] = []
    for entry in entries:
        width, height = entry.get("width"), entry.get("height")
        if type(width) is not int or type(height) is not int:
            return None
        name = str(entry["name"])
        image = DerivedImage(site_path_of(name), width, height, str(entry.get("mime")))
        by_width[width] = image
        files.append((image.path_in_site, folder / name))
    card, pages = extra.get("card"), extra.get("pages")
    if card not in by_width or not isinstance(pages, list) or not pages or any(w not in by_width for w in pages):
        return None
    return DerivedPhoto(by_width[card], tuple(by_width[w] for w in pages), tuple(files))
