"""What a story body may contain once rendered: the one allow-list, applied by the site and the check.

The site passes every rendered body through :func:`clean` (nh3, the binding of Rust's
ammonia); the check walks the same HTML with :func:`violations` to tell the editor, with the
line, what would be removed. HTML comments are dropped without a word: they are the editors'
own notes (the story template carries a writing outline in one), never meant for readers. Both read the constants below, so they cannot disagree.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

# What the editors' Markdown (with attr_list, md_in_html, tables, admonition, toc) produces.
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "abbr", "q", "cite",
        "code", "pre", "kbd", "blockquote", "span", "div",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
        "a", "img", "figure", "figcaption", "details", "summary",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "align", "style", "scope"},
    "td": {"colspan", "rowspan", "align", "style"},
    "ol": {"start"},
    "abbr": {"title"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "details": {"open"},
}  # fmt: skip
ADMONITION_KINDS = frozenset(
    {
        "note",
        "abstract",
        "info",
        "tip",
        "success",
        "question",
        "warning",
        "failure",
        "danger",
        "bug",
        "example",
        "quote",
    }
)
ALLOWED_CLASSES = {
    "div": {"admonition", *ADMONITION_KINDS},
    "p": {"admonition-title"},
    "details": set(ADMONITION_KINDS),
}
MARKDOWN_EXTENSIONS = ("attr_list", "md_in_html", "tables", "admonition", "toc")
"""The editors' Markdown dialect for story bodies (documented in docs/content-format.md)."""
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
STYLE_PROPERTIES = frozenset({"text-align"})  # the tables extension aligns columns with style
REMOVED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "iframe", "object", "textarea", "title"})

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_SAFE_ID = re.compile(r"^[\w\-]{1,80}$")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def url_scheme(url: str) -> str | None:
    """The scheme of ``url`` as a browser would read it (entities decoded, control characters ignored)."""
    match = _SCHEME.match(_CONTROL.sub("", html.unescape(url)))
    return match.group(1).lower() if match else None


def is_local_image(src: str) -> bool:
    """Only a file in the story's own folder: no scheme, no host, no absolute path, no ``..``."""
    plain = _CONTROL.sub("", html.unescape(src))
    if not plain or url_scheme(plain) is not None or plain.startswith(("/", "\\")) or "\\" in plain:
        return False
    return ".." not in plain.split("/") and not plain.startswith("#")


def link_refusal(href: str) -> str | None:
    """Why a link target is refused, or None when it is allowed."""
    scheme = url_scheme(href)
    if scheme is None or scheme in LINK_SCHEMES:
        return None
    return f"链接地址使用了不允许的协议“{scheme}:”：只能链接 http(s)、mailto、tel 或站内地址"


def image_refusal(src: str) -> str | None:
    if is_local_image(src):
        return None
    return f"图片“{src}”不在故事文件夹内：站点不加载外部资源，请把照片放进故事文件夹，只写文件名"


def _url_refusal(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return link_refusal(value)
    if tag == "img" and attribute == "src":
        return image_refusal(value)
    return None


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if is_local_image(value) else None
    if attribute == "href" and link_refusal(value):
        # Browsers drop tabs and newlines inside a URL ("java\tscript:"), which ammonia reads as relative.
        return None
    if attribute == "id":
        # Material's own elements use ids that start with "__" (__search, __drawer …): never clobber them.
        return value if _SAFE_ID.match(value) and not value.startswith("__") else None
    return value


def _without_ids(tag: str, attribute: str, value: str) -> str | None:
    return None if attribute == "id" else _attribute_filter(tag, attribute, value)


def clean(fragment: str, *, ids: bool = True) -> str:
    """The rendered body as it may be published: allowed tags and attributes only, comments dropped.

    ``ids=False`` for bodies that share a page with others (the activities of a year): their
    headings' ids would collide with each other and with the page's own anchors.
    """
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter if ids else _without_ids,
        strip_comments=True,
        link_rel="noopener noreferrer",
        url_schemes=set(LINK_SCHEMES),
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
        filter_style_properties=set(STYLE_PROPERTIES),
    )


@dataclass(frozen=True, slots=True)
class Violation:
    """Something in a rendered body that :func:`clean` removes; ``needle`` helps find its source line."""

    message: str
    needle: str


class _Walker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Violation] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.found.append(
                Violation(f"不允许使用 HTML 标签 <{tag}>，发布时会被删除：请改用 Markdown 写法", f"<{tag}")
            )
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]
        if tag in ALLOWED_CLASSES:  # nh3 takes classes separately from attributes
            allowed = allowed | {"class"}
        for name, value in attrs:
            text = value or ""
            if name not in allowed:
                self.found.append(Violation(f"<{tag}> 不允许带属性 {name}，发布时会被删除：请删除它", f"{name}"))
            elif why := _url_refusal(tag, name, text):
                self.found.append(Violation(why, text))
            elif name == "class":
                extra = set(text.split()) - ALLOWED_CLASSES.get(tag, set())
                if extra:
                    names = "、".join(sorted(extra))
                    self.found.append(
                        Violation(
                            f"<{tag}> 的样式类 {names} 不允许使用，发布时会被删除：请删除 {{: .{sorted(extra)[0]} }} 这样的写法",
                            sorted(extra)[0],
                        )
                    )
            elif name == "id" and _attribute_filter(tag, name, text) is None:
                self.found.append(
                    Violation(f"标题编号（id）“{text}”不允许使用：只能用字母、数字、- 和 _，且不能以 __ 开头", text)
                )


def violations(rendered: str) -> Iterator[Violation]:
    """Each thing :func:`clean` would drop from ``rendered``, in document order."""
    walker = _Walker()
    walker.feed(rendered)
    walker.close()
    yield from walker.found
