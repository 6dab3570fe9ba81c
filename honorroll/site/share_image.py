"""Share images (``og:image``): 1200×630 JPEGs that WeChat and other apps show with a shared link.

A story with a cover gets its cover cropped to fill; any other story gets a drawn card with the
honoree's name, the story's title, its unit and the site's name, in a CJK font; list pages and
the home page share one site card. Colours and the emblem are site settings (``share_*``).

Every image is cached by a hash of everything that goes into it (texts, colours, emblem bytes,
font file, cover bytes, this module's version), as data-only files checked before reuse.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from honorroll.content import media

SHARE_VERSION = 1
WIDTH, HEIGHT = 1200, 630
QUALITY = 85
MARGIN = 80
FONT_PATTERNS = ("Noto Sans CJK SC:bold", ":lang=zh-cn:bold", ":lang=zh-cn")
# Where fontconfig is missing (Windows, most macOS machines), the CJK fonts those systems ship.
WINDOWS_FONTS = ("msyhbd.ttc", "msyh.ttc", "simhei.ttf")
"""Microsoft YaHei (bold, regular) and SimHei, under %WINDIR%\\Fonts."""
SYSTEM_FONTS = (
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)
SHARE_DIR = "share"
EMBLEM_BOX = 96

FontFace = ImageFont.FreeTypeFont


class ShareImageError(Exception):
    """A site setting that makes share images impossible; ``str(error)`` is the Chinese message."""


@dataclass(frozen=True, slots=True)
class FontFile:
    path: str
    index: int
    digest: str


@dataclass(frozen=True, slots=True)
class CardStyle:
    """Everything about a drawn card that is the same for every story of a site."""

    site_name: str
    programme: str
    background: str
    foreground: str
    accent: str
    font: FontFile
    emblem: bytes | None = None


# --------------------------------------------------------------------------- font


def find_font(option: str | None, root: Path) -> FontFile:
    """The ``share_font`` setting, or Noto Sans CJK SC Bold found through fontconfig."""
    if option:
        path = Path(option) if Path(option).is_absolute() else root / option
        if not path.is_file():
            raise ShareImageError(
                f"找不到 share_font 设置的字体文件“{option}”：请核对 mkdocs.yml 中 plugins → honorroll → share_font 的路径"
            )
        return _checked_font(str(path), _face_index(str(path)), option)
    for pattern in FONT_PATTERNS:
        found = _fc_match(pattern)
        if found is not None:
            try:
                return _checked_font(*found, found[0])
            except ShareImageError:
                continue
    windows_fonts = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"
    for candidate in (*(str(windows_fonts / name) for name in WINDOWS_FONTS), *SYSTEM_FONTS):
        if os.path.isfile(candidate):
            try:
                return _checked_font(candidate, _face_index(candidate), candidate)
            except ShareImageError:
                continue
    raise ShareImageError(
        "找不到中文字体，无法生成分享图片：请安装 Noto Sans CJK（Debian/Ubuntu：apt-get install fonts-noto-cjk），"
        "或在 mkdocs.yml 的 plugins → honorroll 下用 share_font 指定一个中文字体文件（.ttf、.otf 或 .ttc）"
    )


def _fc_match(pattern: str) -> tuple[str, int] | None:
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}|%{index}", pattern], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, index = out.partition("|")
    return (path, int(index)) if path and os.path.isfile(path) and index.isdigit() else None


def _face_index(path: str) -> int:
    """In a font collection (.ttc), the Simplified Chinese face when there is one."""
    for index in range(32):
        try:
            family = ImageFont.truetype(path, 12, index=index).getname()[0] or ""
        except OSError:
            break
        if family.endswith(" SC"):
            return index
    return 0


@functools.cache
def _checked_font(path: str, index: int, shown: str) -> FontFile:
    try:
        font = ImageFont.truetype(path, 48, index=index)
    except OSError:
        raise ShareImageError(f"字体文件“{shown}”无法读取：请换一个 .ttf、.otf 或 .ttc 中文字体") from None
    if not _covers_chinese(font):
        raise ShareImageError(f"字体“{shown}”不含中文字形：请换一个中文字体（如 Noto Sans CJK SC）")
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return FontFile(path, index, digest)


def _covers_chinese(font: FontFace) -> bool:
    """A font without a glyph draws the same "missing" box for every such character."""
    missing = _glyph(font, "\U0010fffd")
    return all(_glyph(font, ch) != missing for ch in "光荣榜")


def _glyph(font: FontFace, text: str) -> bytes:
    image = Image.new("L", (64, 64))
    ImageDraw.Draw(image).text((0, 0), text, font=font, fill=255)
    return image.tobytes()


@functools.cache
def _font(file: FontFile, size: int) -> FontFace:
    return ImageFont.truetype(file.path, size, index=file.index, layout_engine=ImageFont.Layout.BASIC)


# --------------------------------------------------------------------------- layout


def _fit_lines(text: str, font: FontFace, width: int, max_lines: int) -> list[str]:
    """Breaks between any two characters (Chinese has no spaces); the last line ends in “…” when cut."""
    lines: list[str] = []
    line = ""
    for ch in " ".join(text.split()):
        if font.getlength(line + ch) <= width:
            line += ch
            continue
        lines.append(line)
        line = ch.strip()
        if len(lines) == max_lines:
            break
    else:
        if line:
            lines.append(line)
        return lines
    last = lines[-1]
    while last and font.getlength(last + "…") > width:
        last = last[:-1]
    lines[-1] = last + "…"
    return lines


def _shrink_to_fit(text: str, style: CardStyle, sizes: tuple[int, ...], width: int) -> tuple[FontFace, str]:
    for size in sizes:
        font = _font(style.font, size)
        if font.getlength(text) <= width:
            return font, text
    font = _font(style.font, sizes[-1])
    return font, _fit_lines(text, font, width, 1)[0]


@functools.cache
def _emblem(data: bytes, box: int) -> Image.Image:
    image = media.decode_oriented(data, media.Limits(5 * 1024 * 1024), "share_emblem", fit=(box, box))
    image.thumbnail((box, box), Image.Resampling.LANCZOS)
    return image.convert("RGBA")


@functools.cache
def _background(style: CardStyle) -> Image.Image:
    """The part of every story card that does not depend on the story, drawn once per process."""
    card = Image.new("RGB", (WIDTH, HEIGHT), style.background)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, HEIGHT - 110, WIDTH, HEIGHT), fill=_shade(style.background, 0.78))
    x = MARGIN
    if style.emblem is not None:
        emblem = _emblem(style.emblem, EMBLEM_BOX)
        card.paste(emblem, (MARGIN, 56 + (EMBLEM_BOX - emblem.height) // 2), emblem)
        x += EMBLEM_BOX + 24
    font, site = _shrink_to_fit(style.site_name, style, (40, 34, 28), WIDTH - MARGIN - x)
    draw.text((x, 56 + EMBLEM_BOX // 2), site, font=font, fill=style.foreground, anchor="lm")
    draw.rectangle((MARGIN, 196, MARGIN + 120, 203), fill=style.accent)
    font, programme = _shrink_to_fit(style.programme, style, (30,), WIDTH - 2 * MARGIN - 420)
    draw.text((WIDTH - MARGIN, HEIGHT - 55), programme, font=font, fill=style.accent, anchor="rm")
    return card


def _shade(color: str, factor: float) -> tuple[int, int, int]:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return round(r * factor), round(g * factor), round(b * factor)


def draw_story_card(style: CardStyle, name: str, title: str, unit: str) -> Image.Image:
    card = _background(style).copy()
    draw = ImageDraw.Draw(card)
    width = WIDTH - 2 * MARGIN
    font, name = _shrink_to_fit(name, style, (92, 80, 68, 56), width)
    draw.text((MARGIN, 230), name, font=font, fill=style.accent)
    title_font = _font(style.font, 50)
    for i, line in enumerate(_fit_lines(title, title_font, width, 2)):
        draw.text((MARGIN, 372 + i * 66), line, font=title_font, fill=style.foreground)
    font, unit = _shrink_to_fit(unit, style, (32, 28), width - 440)
    draw.text((MARGIN, HEIGHT - 55), unit, font=font, fill=style.foreground, anchor="lm")
    return card


def draw_site_card(style: CardStyle) -> Image.Image:
    card = Image.new("RGB", (WIDTH, HEIGHT), style.background)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, HEIGHT - 110, WIDTH, HEIGHT), fill=_shade(style.background, 0.78))
    x = MARGIN
    if style.emblem is not None:
        emblem = _emblem(style.emblem, 200)
        card.paste(emblem, (MARGIN, 150 + (200 - emblem.height) // 2), emblem)
        x += 200 + 48
    font, site = _shrink_to_fit(style.site_name, style, (84, 72, 60, 48), WIDTH - MARGIN - x)
    draw.text((x, 250), site, font=font, fill=style.foreground, anchor="lm")
    draw.rectangle((x, 318, x + 120, 325), fill=style.accent)
    font, programme = _shrink_to_fit(style.programme, style, (44, 36), WIDTH - MARGIN - x)
    draw.text((x, 380), programme, font=font, fill=style.accent, anchor="lm")
    return card


def crop_cover(image: Image.Image, background: str) -> Image.Image:
    """The cover, cropped to fill 1200×630 (a little above centre, where faces usually are)."""
    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, background)
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    return ImageOps.fit(image, (WIDTH, HEIGHT), Image.Resampling.LANCZOS, centering=(0.5, 0.4))


# --------------------------------------------------------------------------- cache


def _jpeg(image: Image.Image) -> bytes:
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY)  # baseline: four times faster than optimize+progressive here
    return out.getvalue()


def _cached(cache_dir: Path, digest: str, make: Callable[[], Image.Image]) -> Path:
    manifest, folder = media.cached_files(cache_dir, SHARE_DIR, digest)
    name = f"{digest}.jpg"
    if media.load_cached(manifest, folder) is None:
        media.store(folder, manifest, [(name, _jpeg(make()), WIDTH, HEIGHT, "image/jpeg")], {})
    return folder / name


def _style_key(style: CardStyle) -> str:
    emblem = hashlib.sha256(style.emblem).hexdigest() if style.emblem is not None else ""
    return repr(
        (style.site_name, style.programme, style.background, style.foreground, style.accent, style.font.digest, emblem)
    )


def story_share_image(cache_dir: Path, style: CardStyle, name: str, title: str, unit: str) -> Path:
    """A drawn card for a story without a cover; returns the cached JPEG's path."""
    digest = media.digest_of("share-card", str(SHARE_VERSION), _style_key(style), name, title, unit)
    return _cached(cache_dir, digest, lambda: draw_story_card(style, name, title, unit))


def cover_share_image(
    cache_dir: Path,
    cover: bytes,
    limits: media.Limits,
    label: str,
    background: str,
    decoded: Callable[[], Image.Image] | None = None,
) -> Path:
    """The cover cropped to a share image; ``decoded``: the cover already decoded, at least 1200×630 if larger."""
    digest = media.digest_of("share-cover", str(SHARE_VERSION), background, cover)
    decode = decoded or (lambda: media.decode_oriented(cover, limits, label, fit=(WIDTH, HEIGHT)))
    return _cached(cache_dir, digest, lambda: crop_cover(decode(), background))


def site_share_image(cache_dir: Path, style: CardStyle) -> Path:
    digest = media.digest_of("share-site", str(SHARE_VERSION), _style_key(style))
    return _cached(cache_dir, digest, lambda: draw_site_card(style))
