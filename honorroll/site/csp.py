"""The Content-Security-Policy every page carries: the site itself, and the theme's own inline scripts.

The policy is the second wall behind sanitising: if a field ever reached a page unescaped, a
browser would still refuse to run it. Inline scripts are allowed only by their SHA-256 hash,
and the hashes are taken from a *probe*: the page's template rendered by MkDocs for a stand-in
page at the same address with every region empty (see :mod:`honorroll.site.render`). A probe
contains no story, unit or page field at all, so nothing a contributor writes can ever be
hashed into the policy; a script that content smuggled past the sanitiser has no hash and is
blocked. Material's inline scripts depend only on the settings and the page's depth, which is
why the probe is cached per template and depth.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from html.parser import HTMLParser

from markupsafe import Markup

DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    # Material positions elements with style attributes, and tables align columns with them.
    ("style-src", "'self' 'unsafe-inline'"),
    ("img-src", "'self' data:"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-src", "'none'"),
)
_DATA_TYPES = frozenset({"application/json", "application/ld+json", "text/template", "text/plain"})


def policy(script_hashes: Iterable[str] = (), *, allow_inline_scripts: bool = False) -> Markup:
    """The policy text; ``allow_inline_scripts`` only for ``mkdocs serve`` (its live-reload script is inline).

    Markup: it is made of the constants above and base64 digests, never of content, and its
    quotes read better unescaped in the page source."""
    parts = []
    for name, value in DIRECTIVES:
        if name == "script-src":
            extra = (
                ["'unsafe-inline'"] if allow_inline_scripts else [f"'sha256-{h}'" for h in sorted(set(script_hashes))]
            )
            value = " ".join([value, *extra])
        parts.append(f"{name} {value}")
    return Markup("; ".join(parts))


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        names = dict(attrs)
        kind = (names.get("type") or "").strip().lower()
        self._open = None if "src" in names or kind in _DATA_TYPES else []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.scripts.append("".join(self._open))
        if tag == "script":
            self._open = None


def inline_script_hashes(html: str) -> tuple[str, ...]:
    """Base64 SHA-256 of each executable inline script, as CSP's ``'sha256-…'`` sources expect."""
    parser = _InlineScripts()
    parser.feed(html)
    parser.close()
    return tuple(base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") for s in parser.scripts)
