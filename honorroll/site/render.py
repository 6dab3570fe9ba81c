"""The theme's templates rendered outside MkDocs' page loop, and the seam between the two.

MkDocs renders each page's chrome (Material's header, navigation, footer) with its own Jinja
environment. Everything 光荣榜 shows inside that chrome is a *region*: a partial under
``honorroll/theme/partials/`` rendered by :class:`Renderer` from the page's view (``hr``) and
nothing else. Page templates call ``{{ hr_region("partials/hr-story.html") }}``; the same call
renders the same partial with the same data whichever way the page is made:

* a page MkDocs renders: :func:`region_function` renders the partial on the spot;
* a *probe* (the chrome without any content, used to hash the theme's own inline scripts for
  the Content-Security-Policy): every region is empty;
* a *shell* (fast story pages): every region is a marker, and :class:`Shell` later puts each
  story's regions, rendered in worker processes, where the markers were.

The renderer loads templates from the theme's folders in MkDocs' order (the site's
``custom_dir`` first), so a site owner overrides a partial exactly as in any MkDocs theme. It
autoescapes, has no MkDocs filters and fails on undefined names, so a region cannot depend on
anything but its view: that is what keeps both story-page modes byte-identical.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

MODE = "hr_mode"
"""Context variable that switches :func:`region_function` to probe or shell output."""
PROBE = "probe"
SHELL = "shell"
_MARK = "<!--hr-region:{}-->"
_MARK_RE = re.compile(r"<!--hr-region:([^>]*?)-->")


class TemplateProblem(Exception):
    """A theme template (usually a site's override) that cannot render from its data."""


class Renderer:
    """A Jinja environment over the theme's folders; pickles as its folder list (for spawned workers)."""

    def __init__(self, dirs: Sequence[str]) -> None:
        self.dirs = tuple(dirs)
        self.env = Environment(
            loader=FileSystemLoader(self.dirs), autoescape=True, auto_reload=False, undefined=StrictUndefined
        )

    def __reduce__(self) -> tuple[type[Renderer], tuple[tuple[str, ...]]]:
        return (Renderer, (self.dirs,))

    def render(self, template: str, hr: object) -> str:
        try:
            return self.env.get_template(template).render(hr=hr)
        except TemplateError as exc:
            raise TemplateProblem(
                f"模板 {template} 无法渲染：{exc}。由光荣榜渲染的模板（partials/hr-*.html、海报、短链接页、订阅源）"
                "只能使用 hr 中的数据，见 docs/theming.md"
            ) from exc

    def region(self, template: str, hr: object) -> Markup:
        return Markup(self.render(template, hr))


def region_function(
    renderer: Renderer, error: Callable[[str], Exception] = TemplateProblem
) -> Callable[[Context, str], Markup]:
    """The ``hr_region`` global of MkDocs' environment; ``error`` is the engine's own build error."""

    @pass_context
    def hr_region(context: Context, template: str) -> Markup:
        mode = context.get(MODE)
        if mode == PROBE:
            return Markup("")
        if mode == SHELL:
            return Markup(_MARK.format(template))
        try:
            return renderer.region(template, context.get("hr"))
        except TemplateProblem as exc:
            raise error(str(exc)) from exc

    return hr_region


@dataclass(frozen=True)
class Shell:
    """A page's chrome split at its regions: chrome, region name, chrome, …, chrome."""

    parts: tuple[str, ...]

    @classmethod
    def parse(cls, html: str) -> Shell:
        return cls(tuple(_MARK_RE.split(html)))

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.parts[1::2]))

    @property
    def chrome(self) -> tuple[str, ...]:
        return self.parts[0::2]

    def markup(self) -> str:
        """The chrome with its markers, as rendered (``Shell.parse(shell.markup()) == shell``)."""
        return "".join(_MARK.format(part) if i % 2 else part for i, part in enumerate(self.parts))

    def fill(self, rendered: Mapping[str, str]) -> str:
        """One pass over the chrome: text inside a region is never searched for markers."""
        return "".join(rendered[part] if i % 2 else part for i, part in enumerate(self.parts))


def with_mode(context: Mapping[str, Any], mode: str, csp: str) -> dict[str, Any]:
    return {**context, MODE: mode, "hr_csp": csp}


def theme_fingerprint(custom_dir: str | None) -> str:
    """What the theme contributes to every page besides this package: the site's overrides
    (every file of ``custom_dir``) and the installed MkDocs and Material."""
    digest = hashlib.sha256()
    for dist in ("mkdocs", "mkdocs-material"):
        try:
            digest.update(f"{dist}={version(dist)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{dist}=none\0".encode())
    if custom_dir:
        folder = Path(custom_dir)
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
