"""Templates, Markdown and PDF output shared by the book and the dossiers.

Everything a story brings is untrusted: the PDF engine may read only the theme's own files, the
print copies of photos and nothing else (no network, no other local file).
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import pathname2url

import jinja2
import markdown
from markupsafe import Markup

from honorroll import THEME_DIR, html_policy
from honorroll.book.context import BookError, PrintContext

BOOK_TEMPLATES = "book"
log = logging.getLogger("honorroll.book")


def template_dirs(custom_dir: Path | None) -> list[Path]:
    """The site's custom_dir first, so any template or stylesheet under ``book/`` there wins."""
    dirs = [THEME_DIR]
    if custom_dir is not None and custom_dir.is_dir():
        dirs.insert(0, custom_dir)
    return dirs


def environment(custom_dir: Path | None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(custom_dir)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cn_date"] = lambda day: f"{day.year} 年 {day.month} 月 {day.day} 日" if day else ""
    return env


def render_template(ctx: PrintContext, name: str, **data: Any) -> str:
    """Renders ``book/<name>``; a broken template (often a site's own override) becomes a Chinese error."""
    try:
        return environment(ctx.custom_dir).get_template(f"{BOOK_TEMPLATES}/{name}").render(**data)
    except jinja2.TemplateSyntaxError as exc:
        raise BookError(f"模板 {exc.filename or exc.name}:{exc.lineno} 有语法错误：{exc.message}") from exc
    except jinja2.TemplateError as exc:
        raise BookError(
            f"模板 book/{name} 无法生成：{exc}（如果站点在 custom_dir/book/ 中覆盖了模板，请对照 honorroll 自带的模板检查）"
        ) from exc


def file_uri(path: Path) -> str:
    return "file://" + pathname2url(str(path))


# ---------------------------------------------------------------- Markdown


_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_LINE_BREAK = re.compile(f"(?<=[{_CJK}])[ \t]*\n[ \t]*(?=[{_CJK}])")
"""A line break inside a Chinese paragraph would print as a space; Chinese text has none between characters."""
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
_ATTR = re.compile(r"""\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): html.unescape(m.group(2).strip("\"'")) for m in _ATTR.finditer(tag)}


class MarkdownRenderer:
    """Markdown with the site's own extensions; images are replaced by their print copies."""

    def __init__(self, ctx: PrintContext) -> None:
        self.md = markdown.Markdown(extensions=ctx.extensions, extension_configs=ctx.extension_configs)
        self.photo = environment(getattr(ctx, "custom_dir", None)).get_template("book/inline-photo.html")

    def convert(self, text: str, image: Callable[[str], Path | None]) -> Markup:
        """``image(src)`` gives the file to show for a relative ``src`` or None to leave it out."""
        self.md.reset()
        body = html_policy.clean(self.md.convert(text))  # the site's allow-list: print is as safe as the web

        def replace(match: re.Match[str]) -> str:
            attrs = _attrs(match.group(0))
            alt = attrs.get("alt", "")
            found = image(attrs.get("src", ""))
            return self.photo.render(src=file_uri(found) if found is not None else "", alt=alt)

        return Markup(_CJK_LINE_BREAK.sub("", _IMG_TAG.sub(replace, body)))


# ---------------------------------------------------------------- PDF


class LocalOnlyFetcher:
    """Serves files under the allowed folders; refuses every other URL (``http:``, ``data:``, other files)."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = [root.resolve() for root in roots if root.exists()]
        self.refused: list[str] = []

    def allowed(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(unquote(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
            return path
        return None

    def make(self) -> Any:
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        outer = self

        class Fetcher(URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
                path = outer.allowed(url)
                if path is None:
                    outer.refused.append(url)
                    raise ValueError(f"refused: {url}")
                return URLFetcherResponse(file_uri(path), path.read_bytes())

        return Fetcher()


def check_cjk_font() -> None:
    """Without a Chinese font the PDF would print empty boxes: stop with the fix instead."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    if not found.strip():
        raise BookError(
            "本机没有中文字体，PDF 中的汉字会显示为方框：请安装 Noto CJK 字体"
            "（Debian/Ubuntu：apt-get install fonts-noto-cjk），或在 custom_dir/book/ 中用 @font-face 提供字体"
        )


def engine() -> Any:
    """The WeasyPrint module, or a Chinese error saying what to install."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise BookError(
            f"无法加载 PDF 引擎 WeasyPrint（{exc}）：请安装 honorroll 的依赖（pip install honorroll），"
            "Debian/Ubuntu 上还需要 apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from exc
    # Its messages are English and name internals (e.g. contents links whose target is in another piece).
    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint


def render_document(page_html: str, theme_dirs: list[Path], roots: list[Path]) -> tuple[Any, list[str]]:
    """Lays out the HTML; returns the WeasyPrint document and the URLs it was refused."""
    fetcher = LocalOnlyFetcher([*theme_dirs, *roots])
    base = file_uri(theme_dirs[0] / BOOK_TEMPLATES) + "/"
    document = engine().HTML(string=page_html, base_url=base, url_fetcher=fetcher.make()).render()
    return document, fetcher.refused


def save(document: Any, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    document.write_pdf(tmp)
    tmp.replace(out)


def report_refused(urls: list[str]) -> None:
    for url in dict.fromkeys(urls):
        log.warning("未载入 %s：PDF 只使用主题文件和故事文件夹中的照片", url)


def write_pdf(page_html: str, out: Path, ctx: PrintContext, extra_roots: list[Path]) -> int:
    """Renders the HTML to ``out`` in one piece; returns the number of pages."""
    engine()
    check_cjk_font()
    document, refused = render_document(page_html, template_dirs(ctx.custom_dir), extra_roots)
    save(document, out)
    report_refused(refused)
    return len(document.pages)
