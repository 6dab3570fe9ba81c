"""The annual book, read back with poppler (pdftotext, pdftoppm, pdffonts), zbarimg and pypdf."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader

from honorroll.book.context import PrintContext
from honorroll.book.photos import PrintPhotos
from honorroll.book.render import LocalOnlyFetcher, MarkdownRenderer, file_uri
from honorroll.cli.main import main
from honorroll.config import DEFAULT_CATEGORIES
from honorroll.content.yamlio import split_front_matter
from tests.conftest import ROOT, ContentRepo, requires
from tests.sitebuild import SAMPLE_SITE_URL, copy_sample

MM = 72 / 25.4


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def footer(page: str) -> str:
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def sample_stories() -> list[dict[str, Any]]:
    """Front matter of every sample story, read with plain YAML (not the package's loader)."""
    found = []
    for path in sorted((ROOT / "stories").rglob("*.md")):
        front, _body, _line = split_front_matter(path.read_text(encoding="utf-8"))
        data = yaml.safe_load(front or "")
        data["id"] = path.parent.name if path.name == "index.md" else path.stem
        data["year"] = int(path.relative_to(ROOT / "stories").parts[0])
        found.append(data)
    return found


def expected_contents() -> list[dict[str, Any]]:
    published = [s for s in sample_stories() if s["status"] == "published"]
    return sorted(
        published,
        key=lambda s: (DEFAULT_CATEGORIES.index(s["category"]), s["year"], s["published_on"], s["id"]),
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_sample(tmp_path_factory.mktemp("sample"))
    shutil.copytree(ROOT / "book", root / "book")
    return root


@pytest.fixture(scope="module")
def sample_book(sample: Path) -> Path:
    out = sample / "out" / "book.pdf"
    code, text = run_cli("-f", str(sample / "mkdocs.yml"), "book", "--out", str(out))
    assert code == 0, text
    assert "已生成年刊" in text and "49 个故事" in text
    return out


@requires("pdftotext")
def test_contents_list_every_published_story_in_order_with_the_page_it_starts_on(sample_book: Path) -> None:
    pages = pdf_pages(sample_book)
    contents_at = next(i for i, page in enumerate(pages) if "目录" in squeeze(page))
    first_main = next(i for i, page in enumerate(pages) if footer(page) == "1")
    lines = [line.strip() for page in pages[contents_at:first_main] for line in page.splitlines() if line.strip()]
    by_label = {footer(page): i for i, page in enumerate(pages) if footer(page).isdigit()}
    expected = expected_contents()
    assert len(expected) == 49
    position = 0
    numbers = []
    for story in expected:
        start = squeeze(story["title"])[:8]
        position = next(i for i in range(position, len(lines)) if squeeze(lines[i]).startswith(start))
        number = lines[position].split()[-1]  # the page number stands at the right end of the entry's first line
        assert number.isdigit(), lines[position]
        assert squeeze(story["title"]) in squeeze(pages[by_label[number]]), (story["title"], number)
        numbers.append(int(number))
        position += 1
    assert numbers == sorted(numbers) and numbers[0] == 1
    assert [footer(p) for p in pages[first_main:]][:3] == ["1", "2", "3"]


@requires("pdftotext")
def test_notice_and_withdrawn_stories_never_appear(sample_book: Path) -> None:
    text = squeeze("".join(pdf_pages(sample_book)))
    hidden = [s for s in sample_stories() if s["status"] != "published"]
    assert hidden, "the sample has notice and withdrawn stories"
    for story in hidden:
        assert squeeze(story["title"]) not in text
        assert story["id"] not in text
    assert "当事人本人提出不再公开" not in text


@requires("pdftoppm")
@requires("zbarimg")
def test_a_story_page_carries_a_qr_code_to_its_short_link(sample_book: Path, tmp_path: Path) -> None:
    pages = pdf_pages(sample_book)
    story_id = "2024-no1-he-lanxin"
    number = next(i for i, page in enumerate(pages) if "讲台与病床之间" in page and "扫码阅读" in page) + 1
    assert pages[number - 1].split()[0] == "孝老爱亲"  # the running head names the story's group
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", str(number), "-l", str(number), str(sample_book), str(tmp_path / "p")],
        check=True,
    )
    (image,) = tmp_path.glob("p*.png")
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=False)
    assert decoded.stdout.split() == [f"{SAMPLE_SITE_URL}s/{story_id}/"]


@requires("pdffonts")
def test_every_font_is_embedded(sample_book: Path) -> None:
    listing = subprocess.run(["pdffonts", str(sample_book)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows and any("CJK" in row for row in rows)
    for row in rows:
        emb, _sub, _uni = row.split()[-5:-2]
        assert emb == "yes", row


def test_cover_preface_and_page_size(sample_book: Path) -> None:
    reader = PdfReader(sample_book)
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (148, 210)  # A5
    cover = squeeze(reader.pages[0].extract_text())
    assert (
        "身边故事、共同铭记" in cover
        and "历年选树故事集" in cover
        and "青屿市直机关精神文明建设领导小组办公室（示例）" in cover
    )
    assert "收录49个故事" in cover
    preface = reader.pages[1].extract_text()
    assert "前" in preface and "见贤思齐" in preface
    outline = reader.outline
    assert [item.title for item in outline[:3]] == ["封面", "前言", "目录"]  # type: ignore[union-attr]
    groups = [item.title for item in outline[3:] if not isinstance(item, list)]
    assert groups == [c for c in DEFAULT_CATEGORIES if any(s["category"] == c for s in expected_contents())]
    first_group = outline[4]
    assert isinstance(first_group, list) and first_group[0].title == expected_contents()[0]["title"]
    labels = reader.page_labels
    body = labels.index("1")
    assert labels[:body] == ["i", "ii", "iii", "iv", "v"][:body] and labels[body : body + 3] == ["1", "2", "3"]


def test_contents_entries_link_to_their_story_pages(sample_book: Path) -> None:
    reader = PdfReader(sample_book)
    labels = reader.page_labels
    entry = reader.outline[2]
    assert not isinstance(entry, list) and entry.title == "目录"
    contents = reader.get_destination_page_number(entry)
    index_of = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}  # type: ignore[union-attr]
    targets = []
    for annotation in reader.pages[contents].get("/Annots") or []:
        link = annotation.get_object()
        if link.get("/Subtype") == "/Link" and "/Dest" in link:
            targets.append(index_of[link["/Dest"][0].idnum])
    assert targets
    first = expected_contents()[0]["title"]
    assert first in (reader.pages[min(targets)].extract_text() or "")
    assert all(labels[t].isdigit() for t in targets)


# ---------------------------------------------------------------- selections on a small repository


def write_small_archive(repo: ContentRepo) -> None:
    repo.write_story("2024-lin-postman", changes={"title": "深山邮路上的“不老松”"})
    repo.write_story(
        "2024-bus-driver",
        changes={
            "title": "夜班车上的守护",
            "unit": "traffic-bus",
            "category": "助人为乐",
            "subject.name": "王某某",
            "honors": [{"title": "福建好人", "level": "provincial", "year": 2024}],
        },
    )
    repo.write_story(
        "2024-notice-story",
        changes={"title": "正在公示的故事", "status": "notice", "published_on": None},
    )


@pytest.fixture
def small(repo: ContentRepo) -> Iterator[ContentRepo]:
    write_small_archive(repo)
    repo.write_config()
    yield repo


def book_text(repo: ContentRepo, *args: str) -> tuple[int, str, str]:
    out = repo.root / "book.pdf"
    out.unlink(missing_ok=True)
    code, message = run_cli("-f", str(repo.root / "mkdocs.yml"), "book", "--out", str(out), *args)
    text = "".join(page.extract_text() for page in PdfReader(out).pages) if code == 0 else ""
    return code, message, text


def test_unit_selection_takes_a_system_with_its_member_units(small: ContentRepo) -> None:
    code, message, text = book_text(small, "--unit", "city-traffic", "--year", "2024")
    assert code == 0, message
    assert "夜班车上的守护" in text and "不老松" not in text and "正在公示" not in text


def test_honor_level_selection_grouped_by_honor_on_a4(small: ContentRepo) -> None:
    code, message, text = book_text(small, "--level", "provincial", "--group-by", "honor", "--size", "A4")
    assert code == 0, message
    assert "夜班车上的守护" in text and "不老松" not in text
    assert "获省级荣誉" in text and "2024 年 省级“福建好人”" in text
    box = PdfReader(small.root / "book.pdf").pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (210, 297)


def test_grouping_by_unit_names_each_unit(small: ContentRepo) -> None:
    code, message, text = book_text(small, "--group-by", "unit")
    assert code == 0, message
    assert "市邮政管理局" in text and "市公交集团" in text


def test_no_matching_story_and_unknown_unit_are_chinese_errors(small: ContentRepo) -> None:
    code, message, _ = book_text(small, "--year", "2030")
    assert code == 2 and "没有符合条件" in message and "Traceback" not in message
    code, message, _ = book_text(small, "--unit", "nowhere", "--level", "galactic")
    assert code == 2 and "没有编号为“nowhere”的单位" in message and "荣誉级别“galactic”不存在" in message
    code, message, _ = book_text(small, "--year", "2025-2024")
    assert code == 2 and "写反了" in message


def test_a_failing_check_stops_the_book(repo: ContentRepo) -> None:
    repo.write_story(changes={"eligibility.controversial": True})
    repo.write_config()
    code, message, _ = book_text(repo)
    assert code == 1
    assert "资格审查显示“存在争议”" in message and "没有生成年刊" in message
    assert not (repo.root / "book.pdf").exists()


def test_preface_fields_reach_the_cover_and_unknown_fields_are_reported(small: ContentRepo) -> None:
    preface = small.root / "book" / "preface.md"
    preface.parent.mkdir()
    preface.write_text("---\ntitle: 邮路春秋\noffice: 测试文明办\n---\n\n序言第一段。\n", encoding="utf-8")
    code, message, text = book_text(small)
    assert code == 0, message
    assert "邮路春秋" in text and "测试文明办" in text and "序言第一段" in text
    preface.write_text("---\ntitle: 邮路春秋\nauthor: 某人\n---\n\n序言。\n", encoding="utf-8")
    code, message, _ = book_text(small)
    assert code == 2
    assert f"{preface}:3：字段 author：前言不认识这个字段" in message


def test_site_templates_in_custom_dir_override_the_book(small: ContentRepo) -> None:
    config = yaml.safe_load((small.root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"]["custom_dir"] = "overrides"
    (small.root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    override = small.root / "overrides" / "book" / "story.html"
    override.parent.mkdir(parents=True)
    override.write_text(
        '<article id="{{ story.anchor }}"><h2>本站版式：{{ story.title }}</h2></article>\n', encoding="utf-8"
    )
    code, message, text = book_text(small)
    assert code == 0, message
    assert "本站版式：深山邮路上的“不老松”" in text
    override.write_text("{% if %}\n", encoding="utf-8")
    code, message, _ = book_text(small)
    assert code == 2 and "book/story.html:1 有语法错误" in message


def test_templates_escape_story_text(small: ContentRepo) -> None:
    small.write_story("2024-lin-postman", changes={"title": "<b>粗体</b>标题"})
    code, message, text = book_text(small)
    assert code == 0, message
    assert "<b>粗体</b>标题" in text  # printed as text, not applied as markup


# ---------------------------------------------------------------- untrusted content


def test_the_pdf_engine_reads_only_allowed_files(tmp_path: Path) -> None:
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "a.jpg").write_bytes(b"x")
    (tmp_path / "secret.txt").write_text("secret")
    (allowed / "link.jpg").symlink_to(tmp_path / "secret.txt")
    fetcher = LocalOnlyFetcher([allowed])
    assert fetcher.allowed(file_uri(allowed / "a.jpg")) == (allowed / "a.jpg").resolve()
    for url in (
        file_uri(tmp_path / "secret.txt"),
        file_uri(allowed / "link.jpg"),
        file_uri(allowed / ".." / "secret.txt"),
        "http://example.org/a.jpg",
        "https://example.org/a.css",
        "data:image/png;base64,AAAA",
        "file://otherhost/etc/passwd",
    ):
        assert fetcher.allowed(url) is None, url


def test_remote_resources_in_a_story_are_never_fetched(small: ContentRepo, caplog: pytest.LogCaptureFixture) -> None:
    """The check refuses the story first (file, line, fix); the printer's own fetcher is the wall behind it."""
    body = (
        '<p style="background: url(https://tracker.example.net/pixel.png)">外部背景</p>\n\n'
        "<style>@import url(https://tracker.example.net/x.css);</style>\n\n正文。\n"
    )
    small.write_story("2024-lin-postman", body=body)
    with caplog.at_level("WARNING", logger="honorroll.book"):
        code, message, _text = book_text(small)
    assert code != 0 and "stories/2024/2024-lin-postman.md:" in message and "style" in message
    assert "tracker.example.net" not in " ".join(r.getMessage() for r in caplog.records)  # nothing was fetched


def test_the_printed_body_is_sanitised_like_the_site() -> None:
    from honorroll.book.render import MarkdownRenderer
    from honorroll.html_policy import MARKDOWN_EXTENSIONS

    ctx = SimpleNamespace(extensions=list(MARKDOWN_EXTENSIONS), extension_configs={})
    html = MarkdownRenderer(ctx).convert(  # type: ignore[arg-type]
        '<p style="background:url(https://t.example/p.png)" onclick="x()">文字</p><script>x()</script>\n',
        lambda src: None,
    )
    assert "t.example" not in html and "onclick" not in html and "<script" not in html and "文字" in html


def jpeg_with_exif(marker: str) -> bytes:
    image = Image.new("RGB", (64, 48), (200, 80, 40))
    exif = Image.Exif()
    exif[0x010E] = marker  # ImageDescription
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_photos_are_printed_without_their_metadata(small: ContentRepo) -> None:
    marker = "GPS-SECRET-31.2304N"
    path = small.write_story(
        "2024-lin-postman", bundle=True, changes={"cover": {"src": "cover.jpg", "alt": "邮路上的背影"}}
    )
    (path.parent / "cover.jpg").write_bytes(jpeg_with_exif(marker))
    assert marker.encode() in (path.parent / "cover.jpg").read_bytes()
    (small.root / "stories" / "2024" / "2024-lin-postman.md").unlink()
    code, message, _ = book_text(small)
    assert code == 0, message
    pdf = (small.root / "book.pdf").read_bytes()
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf
    assert marker.encode() not in pdf


def test_print_copies_are_upright_rgb_and_bounded(tmp_path: Path) -> None:
    source = tmp_path / "big.png"
    Image.new("RGBA", (3000, 1000), (0, 0, 0, 0)).save(source)
    copy = PrintPhotos(tmp_path / "cache", max_side=800).copy(source)
    assert copy is not None
    with Image.open(copy) as image:
        assert image.format == "JPEG" and image.mode == "RGB" and image.size == (800, 267)
        assert image.getpixel((10, 10)) == (255, 255, 255)  # transparency printed on white paper
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    assert PrintPhotos(tmp_path / "cache").copy(broken) is None


def test_line_breaks_inside_chinese_paragraphs_are_not_printed_as_spaces(tmp_path: Path) -> None:
    ctx = PrintContext.__new__(PrintContext)
    ctx.extensions, ctx.extension_configs = [], {}
    html = str(MarkdownRenderer(ctx).convert("第一行\n第二行 and\nEnglish", lambda src: None))
    assert "第一行第二行" in html and "and\nEnglish" in html


def test_the_editors_guide_explains_every_option_of_book_and_dossier() -> None:
    from honorroll.cli.main import build_parser

    guide = (ROOT / "docs" / "editors-guide.md").read_text(encoding="utf-8")
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for command in ("book", "dossier"):
        assert f"honorroll {command}" in guide
        parser = sub.choices[command]  # type: ignore[index]
        for action in parser._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in guide, (command, option)
