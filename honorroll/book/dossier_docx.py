"""A dossier as a Word document (python-docx): the file offices exchange and edit further.

A site may put ``book/dossier.docx`` in its custom_dir: its styles, page setup, headers and footers are
used as they are (its body text is dropped), the way a theme override changes the book's look.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit
from urllib.request import url2pathname

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from honorroll.book.dossier import Dossier

REFERENCE = Path("book") / "dossier.docx"
SERIF = "宋体"
SANS = "黑体"
LABEL_FILL = "F3EAD8"


def reference_document(custom_dir: Path | None) -> Path | None:
    if custom_dir is None:
        return None
    path = custom_dir / REFERENCE
    return path if path.is_file() else None


def _east_asian(style_or_run: Any, font: str) -> None:
    """Word picks Chinese glyphs from the eastAsia font, which python-docx does not set by itself."""
    r_pr = style_or_run.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)


def _house_styles(doc: Any) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.3)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    _east_asian(normal, SERIF)
    for name, size in (("Title", 22), ("Heading 1", 15), ("Heading 2", 13)):
        style = doc.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        _east_asian(style, SANS)


def _clear_body(doc: Any) -> None:
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _shade(cell: Any, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _put(cell: Any, text: str, bold: bool = False) -> None:
    cell.text = ""
    run = cell.paragraphs[0].add_run(text)
    run.bold = bold or None


def _table(doc: Any, rows: list[tuple[str, ...]], header: tuple[str, ...] | None = None) -> Any:
    width = len(header or rows[0])
    table = doc.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            _put(cell, text, bold=True)
            _shade(cell, LABEL_FILL)
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            _put(cell, text, bold=header is None and i == 0)
            if header is None and i == 0:
                _shade(cell, LABEL_FILL)
                cell.width = Cm(3.6)
            elif header is None:
                cell.width = Cm(12.2)
    return table


class _BodyWriter(HTMLParser):
    """Turns the story's HTML (from Markdown) into Word paragraphs: headings, lists, quotes, bold, italic."""

    BLOCKS: ClassVar[set[str]] = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre", "dt", "dd"}

    def __init__(self, doc: Any, photos_root: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = doc
        self.photos_root = photos_root.resolve()
        self.paragraph: Any = None
        self.bold = 0
        self.italic = 0
        self.quote = 0
        self.lists: list[str] = []
        self.pre = 0
        self.skip = 0

    def _open(self, tag: str) -> None:
        if tag == "li":
            style = "List Number" if self.lists and self.lists[-1] == "ol" else "List Bullet"
            self.paragraph = self.doc.add_paragraph(style=style)
        elif tag.startswith("h") and tag[1:].isdigit():
            self.paragraph = self.doc.add_paragraph(style="Heading 2")
        else:
            self.paragraph = self.doc.add_paragraph(style="Quote" if self.quote else None)
            if tag == "p" and not self.quote:
                self.paragraph.paragraph_format.first_line_indent = Pt(24)

    def _picture(self, src: str) -> None:
        """Body photos were already replaced by print copies; anything else is left out."""
        if not src.startswith("file://"):
            return
        path = Path(url2pathname(urlsplit(src).path)).resolve()
        if not path.is_relative_to(self.photos_root) or not path.is_file():
            return
        if self.paragraph is None:
            self._open("p")
        self.paragraph.paragraph_format.first_line_indent = None
        self.paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.paragraph.add_run().add_picture(str(path), width=Cm(10))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self._picture(dict(attrs).get("src") or "")
            return
        if tag in ("script", "style", "svg", "figure"):
            self.skip += 1
            return
        if tag in ("ul", "ol"):
            self.lists.append(tag)
        elif tag == "blockquote":
            self.quote += 1
        elif tag in ("strong", "b", "th"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()
        if tag in self.BLOCKS:
            self._open(tag)
        elif tag in ("td", "th") and self.paragraph is not None and self.paragraph.text:
            self.paragraph.add_run("　")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "svg", "figure"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag in ("strong", "b", "th"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in self.BLOCKS:
            self.paragraph = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        text = data if self.pre else re.sub(r"\s+", " ", data)
        if not text.strip() and self.paragraph is None:
            return
        if self.paragraph is None:
            self._open("p")
            text = text.lstrip()
        run = self.paragraph.add_run(text)
        run.bold = bool(self.bold) or None
        run.italic = bool(self.italic) or None


def write_docx(data: Dossier, target: Path, reference: Path | None, photos_root: Path) -> None:
    doc = Document(str(reference)) if reference else Document()
    if reference:
        _clear_body(doc)
    else:
        _house_styles(doc)
    doc.core_properties.title = data.title
    doc.core_properties.subject = data.subtitle
    doc.core_properties.keywords = data.story.id
    doc.core_properties.author = "honorroll"

    title = doc.add_paragraph(data.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = doc.add_paragraph(data.subtitle)
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("一、基本情况", level=1)
    _table(doc, list(data.basic))

    doc.add_heading("二、主要事迹", level=1)
    doc.add_paragraph().add_run(data.story.summary).bold = True
    writer = _BodyWriter(doc, photos_root)
    writer.feed(str(data.body_html))
    writer.close()

    doc.add_heading("三、资格审查", level=1)
    _table(doc, list(data.eligibility))

    doc.add_heading("四、选树程序", level=1)
    _table(doc, list(data.process))

    doc.add_heading("五、所获荣誉", level=1)
    if data.honors:
        _table(doc, [(f"{h.year}", h.level_label, h.title) for h in data.honors], header=("年份", "级别", "称号"))
    else:
        doc.add_paragraph("入选故事库后暂未获得其他荣誉。")

    doc.add_heading("六、照片", level=1)
    if data.cover is not None:
        doc.add_picture(str(data.cover), width=Cm(12))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption = doc.add_paragraph(data.cover_alt)
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        doc.add_paragraph("故事未附封面照片。")

    footer = doc.sections[0].footer.paragraphs[0]
    if not footer.text:
        footer.text = data.footer
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    doc.save(str(tmp))
    tmp.replace(target)
