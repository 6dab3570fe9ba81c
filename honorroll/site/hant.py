"""The Traditional Chinese edition: the finished Simplified site written again under a prefix.

Two passes give every page the same treatment. Stamped story files (see ``stamp``) are converted
by the workers that render them, right after the Simplified file: their chrome is converted
once (:class:`StampedEdition`), each story's regions and small pages on their own, with the
same result as converting the finished page. A post-build pass converts everything else,
whoever rendered it, and remembers its output by content in the cache. Per HTML file,
text nodes and the human-readable attributes are converted with OpenCC; URLs, IDs, classes,
scripts, styles and code never are (category URLs hold Chinese characters). Every other file is
hard-linked into the prefix, so the copy's relative links keep working. The header's script
switch (``data-hr-script``) is pointed at the same page in the other edition on both copies.

Search keeps one Simplified index: the Traditional copy's result titles and snippets are
converted, and ``search/t2s.json`` (Traditional to Simplified, character by character) lets the
browser fold a query typed in either script before looking it up.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opencc

from honorroll.check.cache import code_fingerprint
from honorroll.parallel import process_pool
from honorroll.site.render import Shell

VARIANTS = {"s2t": "zh-Hant", "s2twp": "zh-TW", "s2hk": "zh-HK"}
"""OpenCC configurations offered, and the ``lang`` each edition declares."""
SWITCH = "data-hr-script"
_SWITCH_START = rf'a href="[^"<>]*" class="md-header__button hr-script-switch" {SWITCH}="zh-Han[st]"'
"""The header switch's start tag exactly as ``partials/header.html`` writes it; a link in content can
never look like it (the sanitiser drops ``data-*`` attributes), even with the words in its title."""
T2S_MAP = "search/t2s.json"
NOT_COPIED = frozenset({"sitemap.xml", "sitemap.xml.gz"})
"""The sitemap lists the Simplified addresses; a copy under the prefix would list them twice."""
MARKER = ".honorroll-edition"
"""The edition's settings, in its folder: says the folder is the edition's (a rebuild may replace it)
and whether its pages can be reused."""
SEPARATOR = "\ue000"
"""Joins a page's text for one OpenCC call; a private-use character OpenCC leaves alone."""
CHUNK = 64

_H = "\u3400-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(
    "<(?:"
    r"!--.*?--(?=>)"
    r"|(script|style|textarea|pre|code)\b[^>]*>.*?</\1\s*(?=>)"  # kept whole, whatever they hold
    rf"|{_SWITCH_START}[^>]*>.*?</a(?=>)"  # the script switch
    r"|(?:html|link|meta)\b[^>]*(?=>)"  # lang, canonical address, share metadata
    r"|[a-zA-Z][\x00-\x3d\x3f-\x7f]*[^\x00-\x7f][^>]*(?=>)"  # a start tag with non-ASCII in it
    ")"
    rf"|>[^<{_H}]*[{_H}][^<]*",  # a text node with Chinese in it, after the ">" before it
    re.S,  # no re.I: it costs a third; MkDocs, the theme and the sanitiser write lower-case tags
)
"""Only what may need converting is matched, so the regex skips the rest of a page at C speed.
Tags stop short of their ">", which starts the text node after them."""
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")
_ATTR = re.compile(r"(\s)([a-zA-Z:-]+)(\s*=\s*)(\"[^\"]*\"|'[^']*')")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_READABLE = frozenset({"alt", "title", "aria-label", "placeholder"})
_READABLE_META = frozenset(
    {
        "description",
        "og:title",
        "og:description",
        "og:site_name",
        "og:image:alt",
        "twitter:title",
        "twitter:description",
    }
)
_HREF = re.compile(r"(\shref=)(\"[^\"]*\"|'[^']*')")


_GT_IN_VALUE = re.compile(r"=\s*(?:\"[^\"]*>|'[^']*>)")
"""A ">" inside an attribute value (the sanitiser writes them raw): it would end the tag for _TOKEN."""
_QUOTED_TAG = re.compile(r"<[a-zA-Z](?:[^<>\"']|\"[^\"]*\"|'[^']*')*>")
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")


def _escape_brackets_in_values(html: str) -> str:
    """The same page with "<" and ">" in attribute values written as entities (rare; same meaning)."""

    def tag(m: re.Match[str]) -> str:
        return _QUOTED.sub(lambda v: v.group(0).replace(">", "&gt;").replace("<", "&lt;"), m.group(0))

    return _QUOTED_TAG.sub(tag, html)


class PrefixTaken(Exception):
    """The site already has a folder named like the edition's prefix."""


@dataclass(frozen=True)
class Edition:
    prefix: str
    variant: str
    site_url: str

    @property
    def lang(self) -> str:
        return VARIANTS[self.variant]

    def key(self) -> str:
        """What a Traditional copy depends on besides its Simplified page and this code."""
        return repr((self, opencc_version()))


@lru_cache(maxsize=4)
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def convert_all(texts: list[str], convert: Callable[[str], str]) -> list[str]:
    """One OpenCC call for many strings (much faster than one each); per string if a separator clashes."""
    if not texts:
        return []
    out = convert(SEPARATOR.join(texts)).split(SEPARATOR)
    return out if len(out) == len(texts) else [convert(t) for t in texts]


def page_url(rel_path: str) -> str:
    """The address of a built file relative to the site root, as its links spell it."""
    if rel_path == "index.html":
        return ""
    return rel_path[: -len("index.html")] if rel_path.endswith("/index.html") else rel_path


def _switch_root(href: str, prefix: str, url: str) -> str:
    """The site root as the switch link spells it (``../../``, ``./`` or ``/base/``), whichever
    of the template's form or an already rewritten one it holds (stamped pages are reused)."""
    for tail in (f"{prefix}/{url}", f"{prefix}/"):
        if href.endswith(tail):
            return href[: -len(tail)]
    return href


def _attr(tag: str, name: str) -> str | None:
    for m in _ATTR.finditer(tag):
        if m.group(2).lower() == name:
            return m.group(4)[1:-1]
    return None


def _set_href(anchor: str, href: str) -> str:
    return _HREF.sub(lambda m: f'{m.group(1)}"{href}"', anchor, count=1)


def simplified_switch(html: str, edition: Edition, rel_path: str) -> str:
    """The Simplified page's switch, pointed at the same page in the Traditional edition."""
    url = page_url(rel_path)

    def fix(match: re.Match[str]) -> str:
        anchor = match.group(0)
        href = _attr(anchor, "href")
        if href is None:
            return anchor
        return _set_href(anchor, f"{_switch_root(href, edition.prefix, url)}{edition.prefix}/{url}")

    return _SWITCH_ANCHOR.sub(fix, html)


_SWITCH_ANCHOR = re.compile("<" + _SWITCH_START + r"[^>]*>.*?</a>", re.S)


BACK = {
    "lang": "zh-Hans",
    "hreflang": "zh-Hans",
    SWITCH: "zh-Hans",
    "title": "切换到简体中文",
    "aria-label": "切换到简体中文",
}
"""The switch on a Traditional page: the template's link, with these values, leading back."""
BACK_LABEL = "简"


def _back_switch(anchor: str, edition: Edition, url: str) -> str:
    """The template's switch (up to its closing tag's ">"), pointed back at the Simplified page."""
    href = _attr(anchor, "href") or ""
    root = _switch_root(href, edition.prefix, url)
    values = {**BACK, "href": f"{root if root.startswith('/') or '://' in root else '../' + root}{url}"}
    start = anchor[: anchor.index(">") + 1]
    start = _ATTR.sub(
        lambda m: m.group(0) if m.group(2) not in values else f'{m.group(1)}{m.group(2)}="{values[m.group(2)]}"', start
    )
    return start + BACK_LABEL + anchor[anchor.rindex("<") :]


def _moved(url: str, edition: Edition) -> str:
    """An absolute address of this site, moved into the edition."""
    base = edition.site_url.rstrip("/") + "/"
    if edition.site_url and url.startswith(base) and not url.startswith(base + edition.prefix + "/"):
        return f"{base}{edition.prefix}/{url[len(base) :]}"
    return url


def _convert_tag(tag: str, name: str, edition: Edition, texts: list[str], parts: list[str | int]) -> None:
    """Split one start tag into literal parts and indices of attribute values to convert."""
    meta_key = ""
    if name == "meta":
        meta_key = (_attr(tag, "name") or _attr(tag, "property") or "").lower()
    rel = (_attr(tag, "rel") or "").lower() if name == "link" else ""
    pos = 0
    for m in _ATTR.finditer(tag):
        attr = m.group(2).lower()
        quote, value = m.group(4)[0], m.group(4)[1:-1]
        new: str | None = None
        readable = attr in _READABLE or (attr == "content" and meta_key in _READABLE_META)
        if name == "html" and attr == "lang":
            new = edition.lang
        elif attr == "content" and meta_key == "og:locale":
            new = "zh_HK" if edition.variant == "s2hk" else "zh_TW"  # Open Graph has no script-only locale
        elif (attr == "href" and rel == "canonical") or (attr == "content" and meta_key == "og:url"):
            new = _moved(value, edition)
        elif readable and _HAN.search(value):
            parts.append(tag[pos : m.start(4) + 1])
            parts.append(len(texts))
            texts.append(value)
            pos = m.end(4) - 1
            continue
        if new is not None:
            parts.append(tag[pos : m.start(4)] + quote + new + quote)
            pos = m.end(4)
    parts.append(tag[pos:])


def convert_html(html: str, edition: Edition, rel_path: str, convert: Callable[[str], str]) -> str:
    """The Traditional copy of one page (``rel_path`` is its path in the Simplified site)."""
    texts: list[str] = []
    parts: list[str | int] = []
    pos = 0
    url = page_url(rel_path)
    if _GT_IN_VALUE.search(html):
        html = _escape_brackets_in_values(html)
    for m in _TOKEN.finditer(html):
        parts.append(html[pos : m.start()])
        pos = m.end()
        token = m.group(0)
        if token[0] == ">":
            parts.append(">")
            parts.append(len(texts))
            texts.append(token[1:])
        elif token.startswith("<!--") or m.group(1):
            parts.append(token)
        else:
            name_match = _TAG_NAME.match(token)
            name = name_match.group(1).lower() if name_match else ""
            if name == "a" and re.match(f"<{_SWITCH_START}", token):
                parts.append(_back_switch(token, edition, url))
            else:
                _convert_tag(token, name, edition, texts, parts)
    parts.append(html[pos:])
    converted = convert_all(texts, convert)
    return "".join(p if isinstance(p, str) else converted[p] for p in parts)


def convert_result_docs(data: object, convert: Callable[[str], str]) -> object:
    """A search metadata chunk ``[[url, title, name, unit, year, snippet], ...]``: all but the URL."""
    if not isinstance(data, list):
        return data
    texts: list[str] = []
    for doc in data:
        if isinstance(doc, list):
            texts.extend(v for v in doc[1:] if isinstance(v, str))
    converted = iter(convert_all(texts, convert))
    return [
        [doc[0], *(next(converted) if isinstance(v, str) else v for v in doc[1:])] if isinstance(doc, list) else doc
        for doc in data
    ]


# ---------------------------------------------------------------- stamped files

PAGE_URL = "hr-page-url\ue001/"
"""Stands for a stamped page's own address in its chrome (the script switch), filled in per page."""
_PAGE_REL = PAGE_URL + "index.html"


class ShellProblem(Exception):
    """The chrome cannot be converted once for all stamped pages."""


@dataclass(frozen=True)
class StampedEdition:
    """Both editions of stamped files. Picklable: workers get it with their job.

    A page is its chrome (the same for every story) and its regions: the chrome is converted here,
    once, with :data:`PAGE_URL` where the switch names the page; the workers convert the regions.
    """

    edition: Edition
    simplified: Shell | None
    traditional: Shell | None

    @classmethod
    def prepare(cls, edition: Edition, shell: Shell | None) -> StampedEdition:
        if shell is None:
            return cls(edition, None, None)
        markup = shell.markup()
        simplified = Shell.parse(simplified_switch(markup, edition, _PAGE_REL))
        traditional = Shell.parse(convert_html(markup, edition, _PAGE_REL, converter(edition.variant).convert))
        if not (shell.parts[1::2] == simplified.parts[1::2] == traditional.parts[1::2]):
            raise ShellProblem(
                "故事页外框（story.html 中区域以外的部分）转换为繁体后，区域标记 <!--hr-region:…--> 变了，"
                "无法逐页生成繁体版：请检查 custom_dir 中的模板是否把 hr_region 写进了属性值或注释，"
                "或在 mkdocs.yml 的 honorroll 插件下设置 stamp_story_pages: false。"
            )
        return cls(edition, simplified, traditional)

    def story_page(self, regions: dict[str, str], rel: str) -> tuple[str, str]:
        """The Simplified and Traditional page of a stamped story, from its Simplified regions."""
        assert self.simplified is not None and self.traditional is not None
        url = page_url(rel)
        convert = converter(self.edition.variant).convert
        simplified = _fill(self.simplified, regions, url)
        if any(_GT_IN_VALUE.search(html) for html in regions.values()):  # rare: escaped page-wide, so whole
            return simplified, convert_html(simplified, self.edition, rel, convert)
        converted = {name: _convert_fragment(html, self.edition, rel, convert) for name, html in regions.items()}
        return simplified, _fill(self.traditional, converted, url)

    def page(self, html: str, rel: str) -> tuple[str, str]:
        """A whole page made outside the chrome (poster, short link) in both editions."""
        if SWITCH in html:
            html = simplified_switch(html, self.edition, rel)
        return html, convert_html(html, self.edition, rel, converter(self.edition.variant).convert)


def _fill(shell: Shell, rendered: dict[str, str], url: str) -> str:
    return "".join(rendered[p] if i % 2 else p.replace(PAGE_URL, url) for i, p in enumerate(shell.parts))


def _convert_fragment(html: str, edition: Edition, rel: str, convert: Callable[[str], str]) -> str:
    """A region alone, as it is converted inside its page: a ">" stands for the chrome's tag before it,
    so text at its very start is a text node like any other."""
    return convert_html(">" + html, edition, rel, convert)[1:]


@lru_cache(maxsize=1)
def opencc_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("opencc")
    except PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------- the pass


def _walk(root: Path, skip: Path) -> Iterator[tuple[str, bool]]:
    """(path relative to the site root, is a directory), parents before children."""
    stack = [root]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                path = Path(entry.path)
                if path == skip:
                    continue
                rel = path.relative_to(root).as_posix()
                if entry.is_dir(follow_symlinks=False):
                    yield rel, True
                    stack.append(path)
                elif entry.is_file(follow_symlinks=False):
                    yield rel, False


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except FileExistsError:
        dst.unlink()
        os.link(src, dst)
    except OSError:
        dst.unlink(missing_ok=True)
        shutil.copy2(src, dst)


def _write(path: Path, text: str) -> None:
    """A new file, never through an existing one: stamped story pages are hard links to the last site."""
    tmp = path.with_name(f".{path.name}.hant-tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _is_result_docs(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) == 3 and parts[0] == "search" and parts[2].startswith("d") and parts[2].endswith(".json")


def _cached_conversion(cache: Path | None, key: str) -> str | None:
    if cache is None:
        return None
    try:
        return (cache / f"{key}.html").read_text(encoding="utf-8")
    except OSError:
        return None


def _remember(cache: Path | None, key: str, html: str) -> None:
    if cache is None:
        return
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".{key}.{os.getpid()}.tmp"
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, cache / f"{key}.html")


def _convert_files(site: str, edition: Edition, rels: list[str], cache: str | None, salt: str) -> list[str]:
    """Worker task: convert these files of ``site`` into the edition; returns the cache keys used.

    A page's copy is a function of its bytes, its address, the edition and this code: the last
    copy of an unchanged page (most list pages after a one-story edit) is read from the cache."""
    root = Path(site)
    remembered = Path(cache) if cache else None
    convert = converter(edition.variant).convert
    used = []
    for rel in rels:
        src, dst = root / rel, root / edition.prefix / rel
        text = src.read_text(encoding="utf-8")
        if rel.endswith(".html"):
            key = hashlib.sha256(f"{salt}\0{rel}\0{text}".encode()).hexdigest()
            copy = _cached_conversion(remembered, key)
            if copy is None:
                copy = convert_html(text, edition, rel, convert)
                _remember(remembered, key, copy)
            used.append(key)
            _write(dst, copy)
            if SWITCH in text:
                fixed = simplified_switch(text, edition, rel)
                if fixed != text:
                    _write(src, fixed)
        else:
            data = json.loads(text)
            _write(dst, json.dumps(convert_result_docs(data, convert), ensure_ascii=False, separators=(",", ":")))
    return used


def t2s_map() -> dict[str, str]:
    """Traditional to Simplified, one character to one character, for folding search queries."""
    chars = [chr(c) for c in range(0x3400, 0xA000)]
    folded = convert_all(chars, converter("t2s").convert)
    return {t: s for t, s in zip(chars, folded, strict=True) if len(s) == 1 and s != t and ord(s) < 0x10000}


def write_t2s_map(site_dir: Path) -> None:
    path = site_dir / T2S_MAP
    path.parent.mkdir(parents=True, exist_ok=True)
    folding = t2s_map()  # two strings, the n-th character of one becomes the n-th of the other: ~18 KB
    pair = ["".join(folding), "".join(folding.values())]
    path.write_text(json.dumps(pair, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def prefix_taken_message(prefix: str) -> str:
    return (
        f"站点中已有 {prefix}/（来自页面目录或其他插件），与繁体中文版的网址前缀冲突："
        f"请在 mkdocs.yml 的 honorroll 插件下把 traditional_prefix 改成别的名字，或设为 false 不生成繁体版。"
    )


def claim_prefix(site_dir: Path, edition: Edition) -> None:
    """Makes the edition's folder, replacing the last edition (``mkdocs build --dirty``); refuses a
    folder of the site's own with that name."""
    target = site_dir / edition.prefix
    if (target / MARKER).is_file():
        shutil.rmtree(target)
    if target.exists():
        raise PrefixTaken(prefix_taken_message(edition.prefix))
    target.mkdir(parents=True)
    (target / MARKER).write_text(repr(edition), encoding="utf-8")


def write_edition(
    site_dir: Path,
    edition: Edition,
    workers: int | None = None,
    stamped: frozenset[str] = frozenset(),
    cache: Path | None = None,
) -> int:
    """Write the Traditional edition under ``site_dir/<prefix>``; returns the number of pages.

    ``stamped``: files (relative to the site) whose copies the story workers wrote already, into the
    folder :func:`claim_prefix` made; without them, this claims the folder itself. ``cache``: where
    copies are remembered by content (pages not in this build's are removed)."""
    target = site_dir / edition.prefix
    if not stamped:
        claim_prefix(site_dir, edition)
    elif not (target / MARKER).is_file():
        raise PrefixTaken(
            f"繁体版目录 {edition.prefix}/ 在构建中被删除或替换了：请确认没有其他程序同时写入站点目录，然后重新构建。"
        )
    jobs: list[str] = []
    folders: set[str] = set()

    def parent(rel: str) -> None:
        folder = rel.rpartition("/")[0]
        if folder and folder not in folders:
            (target / folder).mkdir(parents=True, exist_ok=True)
            folders.add(folder)

    for rel, is_dir in _walk(site_dir, target):
        if is_dir or rel in stamped:
            continue
        if rel.endswith(".html") or _is_result_docs(rel):
            parent(rel)
            jobs.append(rel)
        elif rel not in NOT_COPIED and not rel.endswith(".hant-tmp"):
            parent(rel)
            _link(site_dir / rel, target / rel)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    salt = repr((code_fingerprint(), edition.key()))
    remembered = str(cache) if cache is not None else None
    used: set[str] = set()
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            used.update(_convert_files(str(site_dir), edition, chunk, remembered, salt))
    else:
        with process_pool(workers) as pool:
            n = len(chunks)
            for keys in pool.map(
                _convert_files, [str(site_dir)] * n, [edition] * n, chunks, [remembered] * n, [salt] * n
            ):
                used.update(keys)
    if cache is not None:
        _forget_others(cache, used)
    return sum(1 for rel in jobs if rel.endswith(".html")) + sum(1 for rel in stamped if rel.endswith(".html"))


def _forget_others(cache: Path, used: set[str]) -> None:
    """Keeps the cache the size of one site: copies of pages this build no longer has go."""
    try:
        entries = list(os.scandir(cache))
    except OSError:
        return
    for entry in entries:
        if entry.name.endswith(".html") and entry.name[:-5] not in used:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
