"""The pages MkDocs renders: each one's view (``hr``), its Content-Security-Policy, and the story shell.

MkDocs' environment renders the chrome (Material's header, navigation, footer); the regions
inside it are ours (:mod:`honorroll.site.render`). This module gives each page what its
template needs: the view, and a policy whose script hashes come from a *probe* — the same
template rendered for a content-free stand-in page at the same address (see
:mod:`honorroll.site.csp`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

import jinja2
from markupsafe import Markup
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from honorroll.engine.files import stand_in_page
from honorroll.site import pages, stamp, urls, views
from honorroll.site.csp import inline_script_hashes, policy
from honorroll.site.pages import SiteContext
from honorroll.site.render import PROBE, SHELL, Shell, with_mode

STAND_INS = ((stamp.STORY_SHELL, "hr-shell"), ("stories/0001/hr-shell-b/", "hr-shell-b"))
"""Two stand-in story pages at the depth of every story page: same chrome, or the chrome shows the page."""
PAGE_EVENTS = ("pre_page", "page_read_source", "page_markdown", "page_content", "page_context", "post_page")
_LEADING_H1 = re.compile(r"\A\s*<h1\b[^>]*>.*?</h1>\s*", re.S)


def page_event_owners(config: MkDocsConfig, *, skip: str = "honorroll") -> list[str]:
    """Configured plugins and hooks that act on pages: in fast mode they never see a story page."""
    owners = []
    for name, plugin in config.plugins.items():
        if name == skip:
            continue
        for event in PAGE_EVENTS:
            handler = getattr(plugin, f"on_{event}", None)
            if handler is not None and any(h == handler for h in config.plugins.events.get(event, [])):
                owners.append(name)
                break
    return owners


def plain_title(page: Page) -> str:
    """The page title as text. MkDocs keeps a heading's entities (``&amp;``) in titles it takes from
    the rendered page, but not in titles from the front matter or the navigation."""
    title = page.title
    if title is None:
        return ""
    from_heading = "title" not in vars(page) and "title" not in page.meta and page._title_from_render
    return html.unescape(str(title)) if from_heading else str(title)


def own_page_body(rendered: str) -> str:
    """A page of the site's own (``pages/*.md``): its first heading is the title, which the theme
    shows from ``page.title``; the rest passes the same gate as a story body."""
    return str(views.publishable_body(_LEADING_H1.sub("", rendered, count=1)))


class ShellProblem(Exception):
    """The story template's chrome cannot be shared by every story page."""


class Chrome:
    """Per build: views for the pages MkDocs renders, their policies, and the story shell."""

    def __init__(self, ctx: SiteContext, config: MkDocsConfig, *, serve: bool) -> None:
        self.ctx = ctx
        self.config = config
        self.serve = serve
        self.env: jinja2.Environment | None = None
        self.nav: Navigation | None = None
        self.files: Files | None = None
        self.titles: dict[str, str] = {}
        self._policies: dict[tuple[str, str], str] = {}

    # ---------------------------------------------------------------- views

    def view(self, page: Page) -> views.PageView:
        uri = page.file.src_uri
        spec = self.ctx.specs.get(uri)
        if spec is not None:
            return spec.view()
        story = self.ctx.stories.get(uri)
        if story is not None:
            site = self.ctx.site
            return views.story_page(
                story, site, Markup(page.content or ""), Markup(self.ctx.qr.svg(site.short_url(story.id)))
            )
        here = unquote(page.url)
        title = self.titles.get(uri, plain_title(page))
        description = str(page.meta.get("description") or self.ctx.site.description)
        head = views.make_head(self.ctx.site, here, title, description, home=page.is_homepage)
        return views.PageView(head=head, root=urls.href(here, ""))

    def not_found(self, base_url: str) -> views.PageView:
        """404.html is served at any address, so its links start at the site's absolute path."""
        root = base_url.rstrip("/") + "/"
        head = views.make_head(self.ctx.site, "404.html", "页面不存在", "")
        return views.PageView(head=replace(head, canonical=None, feed=root + urls.FEED), root=root)

    def is_story(self, page: Page) -> bool:
        return page.file.src_uri in self.ctx.stories

    def prepare_story(self, page: Page) -> None:
        """A story page has no table of contents in either mode, so its chrome equals the shell's."""
        page.toc = get_toc([])

    # ---------------------------------------------------------------- policies

    def page_policy(self, page: Page) -> str:
        template = str(page.meta.get("template") or "main.html")
        base_url = get_relative_url(".", page.url)
        key = (template, base_url)
        if key not in self._policies:
            stand_in = stand_in_page(self.config, page.file.src_uri, template)
            self._policies[key] = self._probe(template, get_context(self._nav, self._files, self.config, stand_in))
        return self._policies[key]

    def static_policy(self, template: str, context: Mapping[str, Any]) -> str:
        key = (template, str(context.get("base_url", "")))
        if key not in self._policies:
            self._policies[key] = self._probe(template, context)
        return self._policies[key]

    def standalone_policy(self) -> str:
        """Pages outside the chrome have no inline script at all."""
        return policy(allow_inline_scripts=self.serve)

    def _probe(self, template: str, context: Mapping[str, Any]) -> str:
        assert self.env is not None, "on_env has not run"
        probe = self.env.get_template(template).render(with_mode(context, PROBE, ""))
        return policy(inline_script_hashes(probe), allow_inline_scripts=self.serve)

    # ---------------------------------------------------------------- the story shell

    def story_shell(self) -> Shell:
        """The story template's chrome, rendered for two different stand-in story pages.

        If the two differ, the chrome shows something of the page itself (an override printing
        ``page.title``, say), which one shell cannot reproduce for every story: the build stops
        and says so, instead of stamping the stand-in's value into every story page.
        """
        shells = [self._shell(urls.src_uri(path), title) for path, title in STAND_INS]
        if shells[0] != shells[1]:
            raise ShellProblem(
                f"主题模板在故事页的外框（{pages.STORY_TEMPLATE} 中区域以外的部分）使用了页面本身的数据"
                "（如 page.title、page.url）。快速生成故事页时外框只渲染一次，无法为每个故事填写这些数据："
                "请把它移进 partials/hr-*.html 区域并改用 hr 中的字段，或在 honorroll 插件下设置 "
                "stamp_story_pages: false。"
            )
        if not shells[0].regions:
            raise ShellProblem(f"模板 {pages.STORY_TEMPLATE} 没有调用 hr_region，无法生成故事页")
        return shells[0]

    def _shell(self, src_uri: str, title: str) -> Shell:
        assert self.env is not None
        page = stand_in_page(self.config, src_uri, pages.STORY_TEMPLATE, pages.HIDE)
        page.meta["title"] = title
        context = get_context(self._nav, self._files, self.config, page)
        csp = self.page_policy(page)
        return Shell.parse(self.env.get_template(pages.STORY_TEMPLATE).render(with_mode(context, SHELL, csp)))

    @property
    def _nav(self) -> Navigation:
        assert self.nav is not None, "on_nav has not run"
        return self.nav

    @property
    def _files(self) -> Files:
        assert self.files is not None, "on_files has not run"
        return self.files
