"""QR codes, made once per distinct URL and kept in a content-addressed cache across builds."""

from __future__ import annotations

import hashlib
import math
import os
import struct
import zlib
from pathlib import Path

import qrcode
import qrcode.constants

CACHE_VERSION = "2"
PRINT_PIXELS = 1200


MASK_PATTERN = 4
"""A fixed mask: choosing the best of eight triples the time per code, and any mask decodes."""


def _matrix(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, mask_pattern=MASK_PATTERN)
    code.add_data(url)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def svg_markup(url: str, label: str = "二维码", matrix: list[list[bool]] | None = None) -> str:
    """An inline SVG (no XML prolog, no external references); runs of dark modules merged into one path."""
    matrix = matrix or _matrix(url)
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


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(url: str, min_pixels: int = PRINT_PIXELS, matrix: list[list[bool]] | None = None) -> bytes:
    """A black-and-white PNG of at least ``min_pixels`` square, written directly.

    Each module row is packed once and repeated with PNG's "Up" filter, so the image costs
    about a millisecond instead of drawing and compressing a large bitmap.
    """
    matrix = matrix or _matrix(url)
    modules = len(matrix)
    scale = math.ceil(min_pixels / modules)
    width = modules * scale
    padding = -width % 8
    row_bytes = (width + padding) // 8
    white = (1 << scale) - 1
    repeat = (b"\x02" + bytes(row_bytes)) * (scale - 1)  # "Up" filter: same as the row above
    rows = []
    for row in matrix:
        bits = 0
        for dark in row:
            bits = (bits << scale) | (0 if dark else white)
        rows.append(b"\x00" + (bits << padding).to_bytes(row_bytes, "big") + repeat)
    header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
        + _png_chunk(b"IEND", b"")
    )


class QrCache:
    """``<cache_dir>/qr/<sha256 of kind+url>.<ext>``; ``made`` counts codes actually generated."""

    def __init__(self, root: Path) -> None:
        self.root = root / "qr"
        self.made = 0
        self._last: tuple[str, list[list[bool]]] | None = None

    def _matrix(self, url: str) -> list[list[bool]]:
        """The SVG and the PNG of one URL are usually made one after the other: encode once."""
        if self._last is None or self._last[0] != url:
            self._last = (url, _matrix(url))
        return self._last[1]

    def key(self, kind: str, url: str) -> str:
        return hashlib.sha256(f"{CACHE_VERSION}\0{kind}\0{url}".encode()).hexdigest()

    def _path(self, kind: str, url: str, ext: str) -> Path:
        return self.root / f"{self.key(kind, url)}.{ext}"

    def _store(self, path: Path, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # parallel builders never share a temp name
        tmp.write_bytes(data)
        os.replace(tmp, path)
        self.made += 1

    def svg(self, url: str) -> str:
        path = self._path("svg", url, "svg")
        if not path.exists():
            self._store(path, svg_markup(url, matrix=self._matrix(url)).encode())
        return path.read_text(encoding="utf-8")

    def png(self, url: str) -> Path:
        path = self._path("png", url, "png")
        if not path.exists():
            self._store(path, png_bytes(url, matrix=self._matrix(url)))
        return path
