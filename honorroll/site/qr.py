"""QR codes, made once per distinct URL and kept in a content-addressed cache across builds."""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from pathlib import Path

import qrcode
import qrcode.constants

CACHE_VERSION = "1"
PRINT_PIXELS = 1200


def _matrix(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def svg_markup(url: str, label: str = "二维码") -> str:
    """An inline SVG (no XML prolog, no external references); runs of dark modules merged into one path."""
    matrix = _matrix(url)
    size = len(matrix)
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        f'<svg class="hr-qr" viewBox="0 0 {size} {size}" role="img" aria-label="{label}" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(parts)}"/></svg>'
    )


def png_bytes(url: str, min_pixels: int = PRINT_PIXELS) -> bytes:
    import io

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    modules = len(code.get_matrix())
    code.box_size = math.ceil(min_pixels / modules)
    image = code.make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


class QrCache:
    """``<cache_dir>/qr/<sha256 of kind+url>.<ext>``; ``made`` counts codes actually generated."""

    def __init__(self, root: Path) -> None:
        self.root = root / "qr"
        self.made = 0

    def key(self, kind: str, url: str) -> str:
        return hashlib.sha256(f"{CACHE_VERSION}\0{kind}\0{url}".encode()).hexdigest()

    def _path(self, kind: str, url: str, ext: str) -> Path:
        return self.root / f"{self.key(kind, url)}.{ext}"

    def _store(self, path: Path, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        self.made += 1

    def svg(self, url: str) -> str:
        path = self._path("svg", url, "svg")
        if not path.exists():
            self._store(path, svg_markup(url).encode())
        return path.read_text(encoding="utf-8")

    def png(self, url: str) -> Path:
        path = self._path("png", url, "png")
        if not path.exists():
            self._store(path, png_bytes(url))
        return path
