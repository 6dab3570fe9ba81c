"""Print copies of story photos: decoded, turned upright, shrunk to print size and saved as plain JPEG.

Re-encoding drops everything but the pixels (EXIF location, camera data, comments), which a PDF
engine would otherwise copy into the file as it is; a photo that does not decode is left out.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from honorroll.content.model import Story
from honorroll.site.qr import png_bytes as qr_png

PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
MAX_SIDE = 2000
"""About 300 dpi across an A4 text block; more only makes the file bigger."""
QUALITY = 85
QR_PIXELS = 240
"""Six or more pixels a module for a short link; the PDF shows them unsmoothed, so it prints sharp."""
VERSION = "1"


def photo_in(folder: Path, src: str) -> Path | None:
    """The photo ``src`` names, only when it is a real file inside ``folder`` (no URL, no way out)."""
    if not src or "\\" in src or src.startswith("/") or ":" in src:
        return None
    folder = folder.resolve()
    try:
        path = (folder / src).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not path.is_relative_to(folder) or not path.is_file() or path.suffix.lower() not in PHOTO_EXTENSIONS:
        return None
    return path


def story_photo(root: Path, story: Story, src: str) -> Path | None:
    return photo_in(root / story.folder, src) if story.is_bundle else None


class PrintPhotos:
    """``<cache_dir>/print-photos/<hash of file and settings>.jpg``, made once per photo."""

    def __init__(self, cache_dir: Path, max_side: int = MAX_SIDE) -> None:
        self.root = cache_dir / "print-photos"
        self.max_side = max_side

    def copy(self, source: Path) -> Path | None:
        data = source.read_bytes()
        key = hashlib.sha256(f"{VERSION}\0{self.max_side}\0{QUALITY}\0".encode() + data).hexdigest()
        target = self.root / f"{key}.jpg"
        if target.exists():
            return target
        try:
            with Image.open(source) as opened:
                image: Image.Image = ImageOps.exif_transpose(opened)
                image.thumbnail((self.max_side, self.max_side))
                if image.mode in ("RGBA", "LA", "P"):
                    image = image.convert("RGBA")
                    flat = Image.new("RGB", image.size, "white")
                    flat.paste(image, mask=image.getchannel("A"))
                    image = flat
                elif image.mode != "RGB":
                    image = image.convert("RGB")
                image.info = {}  # comments, XMP and ICC ride along in ``info`` (a JPEG comment can carry GPS)
                self.root.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
                image.save(tmp, "JPEG", quality=QUALITY, optimize=True)
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
            return None
        os.replace(tmp, target)
        return target

    def qr_code(self, url: str) -> Path:
        """A small PNG of the QR code (a few pixels a module): quicker to print than a vector drawing."""
        key = hashlib.sha256(f"{VERSION}\0{QR_PIXELS}\0{url}".encode()).hexdigest()
        target = self.root / f"qr-{key}.png"
        if not target.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(qr_png(url, min_pixels=QR_PIXELS))
            os.replace(tmp, target)
        return target

    def for_story(self, root: Path, story: Story, src: str) -> Path | None:
        found = story_photo(root, story, src)
        return self.copy(found) if found is not None else None

    def in_folder(self, folder: Path, src: str) -> Path | None:
        found = photo_in(folder, src)
        return self.copy(found) if found is not None else None
