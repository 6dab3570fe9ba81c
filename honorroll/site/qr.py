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

CACHE_VERSION = "3"
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

    Each module row is packed once (as a string of bits, at C speed) and repeated with PNG's "Up"
    filter, whose rows are all zero: run-length deflate compresses them in a third of the time of
    the default strategy, into a file about as small.
    """
    matrix = matrix or _matrix(url)
    modules = len(matrix)
    scale = math.ceil(min_pixels / modules)
    width = modules * scale
    padding = -width % 8
    row_bytes = (width + padding) // 8
    dark, light, tail = "0" * scale, "1" * scale, "0" * padding
    repeat = (b"\x02" + bytes(row_bytes)) * (scale - 1)  # "Up" filter: same as the row above
    rows = []
    for row in matrix:
        bits = "".join([dark if module else light for module in row]) + tail
        rows.append(b"\x00" + int(bits, 2).to_bytes(row_bytes, "big") + repeat)
    header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)  # 1-bit greyscale
    deflate = zlib.compressobj(6, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", deflate.compress(b"".join(rows)) + deflate.flush())
        + _png_chunk(b"IEND", b"")
    )


class QrCode:
    """One URL's code, encoded once, in both forms a story's files use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.matrix = _matrix(url)

    def svg(self) -> str:
        return svg_markup(self.url, matrix=self.matrix)

    def png(self) -> bytes:
        return png_bytes(self.url, matrix=self.matrix)


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
