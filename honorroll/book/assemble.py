"""A large book laid out in parallel pieces and put together into one PDF.

WeasyPrint lays out one document on one core at roughly 40 pages a second, so a 1,000-story book
(about 3,000 A5 pages) took minutes. Every story starts on a new page, so the body can be cut between
stories, each piece laid out in its own process, and the pieces joined with pypdf. What a piece cannot
know is on which page it starts: the page numbers are printed afterwards from ten digit stamps, and
the contents, bookmarks and page labels are made once every piece has reported where its stories fell.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from honorroll.book.render import render_document, save

PX_TO_PT = 0.75
MM_TO_PT = 72 / 25.4
DIGIT_CELL = (5.4, 12.0)
"""Width and height (pt) of one page-number digit; the number is centred on the page."""
NUMBER_BOTTOM = 8.0 * MM_TO_PT
"""Distance from the bottom edge of the paper to the bottom of the page number."""
PARALLEL_MIN_STORIES = 24
"""Below this, starting processes costs more than laying out in two halves saves."""


@dataclass(frozen=True)
class LaidOut:
    out: Path
    pages: int
    anchors: list[list[str]]
    """The anchors (element ids) on each page."""
    links: list[list[tuple[str, tuple[float, float, float, float]]]] = field(default_factory=list)
    """Internal links on each page: target anchor and rectangle in PDF points (x0, y0, x1, y1)."""
    refused: list[str] = field(default_factory=list)


def lay_out(html: str, out: Path, theme_dirs: list[Path], roots: list[Path]) -> LaidOut:
    """Lays out one piece and writes it; runs in a worker process."""
    document, refused = render_document(html, theme_dirs, roots)
    save(document, out)
    anchors = [list(page.anchors) for page in document.pages]
    links = []
    for page in document.pages:
        height = page.height * PX_TO_PT
        found = []
        for kind, target, (x, y, width, box_height), _box in page.links:
            if kind == "internal":
                rect = (
                    x * PX_TO_PT,
                    height - (y + box_height) * PX_TO_PT,
                    (x + width) * PX_TO_PT,
                    height - y * PX_TO_PT,
                )
                found.append((str(target), rect))
        links.append(found)
    return LaidOut(out, len(document.pages), anchors, links, refused)


def worker_count(stories: int) -> int:
    if stories < PARALLEL_MIN_STORIES:
        return 1
    return max(1, min(os.cpu_count() or 1, stories // (PARALLEL_MIN_STORIES // 2)))


def split_evenly(weights: Sequence[int], parts: int) -> list[int]:
    """Indices where each part after the first starts, so the parts carry about equal weight."""
    total = sum(weights)
    starts: list[int] = []
    running = 0
    for index, weight in enumerate(weights):
        if len(starts) + 1 < parts and running >= total * (len(starts) + 1) / parts and index > 0:
            starts.append(index)
        running += weight
    return starts


@dataclass
class OutlineItem:
    title: str
    anchor: str
    children: list[OutlineItem] = field(default_factory=list)


def _digit_positions(number: int, page_width: float) -> list[tuple[int, float]]:
    text = str(number)
    width = DIGIT_CELL[0] * len(text)
    left = (page_width - width) / 2
    return [(int(digit), left + i * DIGIT_CELL[0]) for i, digit in enumerate(text)]


class PageNumbers:
    """Prints page numbers onto finished pages from ten digit stamps (PDF form XObjects).

    Adding a tiny content stream that draws the stamps leaves the page's own content untouched,
    which is about thirty times faster than pypdf's page merging (that re-parses every page).
    """

    def __init__(self, writer: Any, stamps: Path) -> None:
        from pypdf import PdfReader
        from pypdf.generic import DecodedStreamObject, FloatObject, NameObject

        self.writer = writer
        self.names = [NameObject(f"/HrDigit{d}") for d in range(10)]
        self.forms = []
        for page in PdfReader(stamps).pages:
            contents = page.get_contents()
            form = DecodedStreamObject()
            form.set_data(contents.get_data() if contents is not None else b"")
            box = page.mediabox
            form[NameObject("/Type")] = NameObject("/XObject")
            form[NameObject("/Subtype")] = NameObject("/Form")
            form[NameObject("/BBox")] = type(box)([FloatObject(v) for v in (box.left, box.bottom, box.right, box.top)])
            form[NameObject("/Resources")] = page["/Resources"].clone(writer)
            self.forms.append(writer._add_object(form))  # pypdf has no public way to add a loose object
        self.save = self._stream(b"q\n")
        self.restore = self._stream(b"\nQ\n")

    def _stream(self, data: bytes) -> Any:
        from pypdf.generic import DecodedStreamObject

        stream = DecodedStreamObject()
        stream.set_data(data)
        return self.writer._add_object(stream)

    def stamp(self, page: Any, number: int) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject

        resources = page["/Resources"]
        xobjects = resources.get("/XObject")
        if xobjects is None:
            xobjects = resources[NameObject("/XObject")] = DictionaryObject()
        else:
            xobjects = xobjects.get_object()
        draw = []
        for digit, x in _digit_positions(number, float(page.mediabox.width)):
            xobjects[self.names[digit]] = self.forms[digit]
            draw.append(f"q 1 0 0 1 {x:.2f} {NUMBER_BOTTOM:.2f} cm {self.names[digit]} Do Q")
        own = page.raw_get("/Contents")
        own_parts = list(own.get_object()) if isinstance(own.get_object(), ArrayObject) else [own]
        numbers = self._stream("\n".join(draw).encode())
        page[NameObject("/Contents")] = ArrayObject([self.save, *own_parts, self.restore, numbers])


def join(
    front: LaidOut,
    body: list[LaidOut],
    back: LaidOut,
    digits: Path,
    outline: list[OutlineItem],
    metadata: dict[str, str],
    out: Path,
) -> int:
    """Front matter, body pieces (numbered from 1) and back matter in one file; returns the page count."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.constants import PageLabelStyle

    writer = PdfWriter()
    for page in PdfReader(front.out).pages:
        writer.add_page(page)
    numbers = PageNumbers(writer, digits)
    where: dict[str, int] = {}
    for index, anchors in enumerate(front.anchors):
        for anchor in anchors:  # an element split over pages is listed on each: keep the first
            where.setdefault(anchor, index)
    first_body = len(writer.pages)
    for piece in body:
        reader = PdfReader(piece.out)
        for local, page in enumerate(reader.pages):
            index = len(writer.pages)
            numbers.stamp(writer.add_page(page), index - first_body + 1)
            for anchor in piece.anchors[local]:
                where.setdefault(anchor, index)
    first_back = len(writer.pages)
    for page in PdfReader(back.out).pages:
        writer.add_page(page)

    for page_index, links in enumerate(front.links):
        for target, rect in dict.fromkeys(links):
            if target in where:
                writer.add_annotation(page_index, Link(rect=rect, target_page_index=where[target]))

    def add(items: list[OutlineItem], parent: Any = None) -> None:
        for item in items:
            if item.anchor in where:
                node = writer.add_outline_item(title=item.title, page_number=where[item.anchor], parent=parent)
                add(item.children, node)

    add(outline)
    writer.set_page_label(0, first_body - 1, style=PageLabelStyle.LOWERCASE_ROMAN)
    writer.set_page_label(first_body, first_back - 1, style=PageLabelStyle.DECIMAL, start=1)
    writer.add_metadata({f"/{key}": value for key, value in metadata.items()})
    writer.page_mode = "/UseOutlines"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    with tmp.open("wb") as handle:
        writer.write(handle)
    tmp.replace(out)
    return len(writer.pages)
