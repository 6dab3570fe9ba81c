"""The MkDocs entry point. Thin on purpose: it wires build events to the package.

Content checks, quotas and page generation live in importable modules, so the
validation-only command, the tests and a future engine share them.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Literal

import jinja2
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from honorroll import THEME_DIR
from honorroll.check.cache import resolve_cache_dir
from honorroll.check.run import CheckResult, check_repository
from honorroll.cli.preview import port_problem
from honorroll.config import HonorRollConfig, effective_today
from honorroll.diagnostics import summary_line
from honorroll.engine import output
from honorroll.engine.chrome import Chrome, ShellProblem, own_page_body, page_event_owners, plain_title
from honorroll.engine.files import add_site_files, default_nav, finish_story_files, guard_docs_files, start_story_files
from honorroll.engine.project import load_project, site_settings
from honorroll.progress import Progress
from honorroll.rules.pages import PAGE_KEYS
from honorroll.rules.published_ids import detect_base_ref
from honorroll.site import hant, search, stamp, views
from honorroll.site.activities import activity_years
from honorroll.site.csp import policy
from honorroll.site.data_files import DataFiles, DataJob
from honorroll.site.pages import sitemap_entries
from honorroll.site.render import Renderer, TemplateProblem, region_function
from honorroll.site.stamp import StoryFiles

log = logging.getLogger("mkdocs.plugins.honorroll")
NO_SITE_URL = (
    "生产构建必须在 mkdocs.yml 中设置 site_url（站点的完整网址，如 https://example.org/guangrongbang/）："
    "二维码、短链接、分享卡片和订阅源都要用它生成绝对地址。"
)


def discard_in_background(folder: Path, cache_dir: Path) -> None:
    """Deleting the previous site (tens of thousands of files) can take seconds: move it aside
    into the cache and let a detached process delete it, so the build returns at once."""
    if not folder.exists():
        return
    trash = cache_dir / "trash"
    try:
        trash.mkdir(parents=True, exist_ok=True)
        target = Path(tempfile.mkdtemp(dir=trash))
        folder.rename(target / "site")
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    subprocess.Popen(
        [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(trash)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


class OneLineMessages(logging.Filter):
    """In GitHub or Gitea Actions a log line starting with ``::`` is a workflow command: a file name or
    link from a pull request with a line break in it (MkDocs quotes them in its warnings) could forge
    annotations or stop the real ones. Each message stays on one line there, its breaks shown as ``\\n``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "\n" in message or "\r" in message:
            record.msg, record.args = message.replace("\r", "\\r").replace("\n", "\\n"), ()
        return True


def keep_log_lines_whole() -> None:
    for logger in (logging.getLogger("mkdocs"), logging.getLogger()):
        for handler in logger.handlers:
            if not any(isinstance(f, OneLineMessages) for f in handler.filters):
                handler.addFilter(OneLineMessages())


class HonorRollPlugin(BasePlugin[HonorRollConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: str = "build"
        self.result: CheckResult | None = None
        self.final_site_dir: Path | None = None
        self.staging_dir: Path | None = None
        self.chrome: Chrome | None = None
        self.renderer: Renderer | None = None
        self.held_story_files: Path | None = None
        self.story_files: StoryFiles | None = None
        self.stamped: frozenset[str] = frozenset()
        self.data_files: DataFiles | None = None
        self.progress = Progress(log)
        self.pages_total = 0
        self.pages_done = 0

    @property
    def edition_prefix(self) -> str:
        """The Traditional edition's folder, for the header's switch; none in a preview (it is not built there)."""
        return "" if self.command == "serve" else str(self.config.traditional_prefix or "")

    def edition(self, config: MkDocsConfig) -> hant.Edition | None:
        if not self.edition_prefix:
            return None
        return hant.Edition(self.edition_prefix, self.config.traditional_variant, config.site_url or "")

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command
        if os.environ.get("GITHUB_ACTIONS") == "true":
            keep_log_lines_whole()

    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._refuse_taken_port(config)
        self.progress = Progress(log)
        root = Path(config.config_file_path).resolve().parent
        try:
            today = effective_today(self.config)
        except ValueError as exc:
            raise PluginError(str(exc)) from exc
        base_ref = detect_base_ref(self.config.base_ref)
        site = site_settings(load_project(config.config_file_path))
        result = check_repository(root, self.config, today, base_ref, site=site, site_url=config.site_url)
        github = os.environ.get("GITHUB_ACTIONS") == "true"
        for diagnostic in result.diagnostics:
            (log.error if diagnostic.is_error else log.warning)(diagnostic.format_text())
            if github:
                print(diagnostic.format_github(), flush=True)
        if not result.ok:
            raise PluginError(summary_line(result.diagnostics))
        self.progress.end("检查", f"{len(result.archive.stories):,} 个故事、{len(result.archive.units):,} 个单位")
        self.result = result
        if self.command != "serve" and not config.site_url:
            raise PluginError(NO_SITE_URL)
        self._customise_theme(config)
        self.renderer = Renderer(config.theme.dirs)
        self._state_story_page_contract(config)
        if self.command != "serve":
            self._stage_output(config)
        return config

    def _state_story_page_contract(self, config: MkDocsConfig) -> None:
        """Fast story pages skip other plugins' page events: say so once, naming them, and how to change it."""
        if not self.config.stamp_story_pages:
            return
        owners = page_event_owners(config)
        if owners:
            log.info(
                "故事页按快速方式生成（stamp_story_pages: true），以下插件或钩子不会处理故事页：%s。"
                "如需它们处理每个故事页，请在 mkdocs.yml 的 honorroll 插件下设置 stamp_story_pages: false（构建较慢）。",
                "、".join(owners),
            )

    def _refuse_taken_port(self, config: MkDocsConfig) -> None:
        """``mkdocs serve`` binds its port only after the first build, and a taken one ends in an English
        traceback: say it in Chinese before building. Once: on rebuilds the port is the server's own."""
        if self.command != "serve" or getattr(self, "port_checked", False):
            return
        self.port_checked = True
        host, port = config.dev_addr
        problem = port_problem(host, port, f"mkdocs serve -a {host}:{port + 1}")
        if problem is not None:
            raise PluginError(problem)

    def _customise_theme(self, config: MkDocsConfig) -> None:
        """Templates, partials and CSS shipped in the package, after any custom_dir of the site."""
        dirs = config.theme.dirs
        if str(THEME_DIR) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        if "assets/honorroll/honorroll.css" not in config.extra_css:
            config.extra_css.append("assets/honorroll/honorroll.css")
        config.extra.setdefault("generator", False)  # the footer credit links off-site
        features = config.theme.get("features") or []
        if "navigation.tabs" not in features:  # desktop (≥ 1220 px) has no menu button: tabs are its navigation
            config.theme["features"] = [*features, "navigation.tabs"]
        if config.nav is None:
            years = activity_years(self.result.activities) if self.result is not None else []
            config.nav = default_nav(Path(config.docs_dir), years[0] if years else None)
            config.validation.nav.omitted_files = logging.DEBUG  # stories are left out of the nav on purpose

    def _stage_output(self, config: MkDocsConfig) -> None:
        """Build into a sibling folder and swap it in at the end, so a failed build never leaves half a site."""
        final = Path(config.site_dir)
        self.final_site_dir = final
        self.staging_dir = output.stage(final)
        config.site_dir = str(self.staging_dir)

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[[], None]
    ) -> LiveReloadServer:
        # Stories and units live outside docs_dir, which is all MkDocs watches by itself.
        root = Path(config.config_file_path).resolve().parent
        for folder in (self.config.stories_dir, self.config.units_dir):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server

    def cache_dir(self, config: MkDocsConfig) -> Path:
        return resolve_cache_dir(Path(config.config_file_path).resolve().parent, self.config.cache_dir).path

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """``mkdocs serve`` wipes its folder before every rebuild; set the stamped story files
        aside first (a rename), so unchanged stories are linked back instead of rendered again."""
        if self.command != "serve":
            return
        site_dir = Path(config.site_dir)
        held = site_dir.with_name(site_dir.name + ".previous")
        shutil.rmtree(held, ignore_errors=True)
        moved = False
        for name in stamp.STORY_ROOTS:
            if (site_dir / name).is_dir():
                held.mkdir(exist_ok=True)
                (site_dir / name).rename(held / name)
                moved = True
        self.held_story_files = held if moved else None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.result is not None and self.renderer is not None
        serve = self.command == "serve"
        standalone = policy(allow_inline_scripts=serve)
        self.progress.begin()
        guard_docs_files(files, config, self.cache_dir(config))
        ctx = add_site_files(files, config, self.config, self.result, self.renderer, standalone)
        if files.get_file_from_path(search.PAGE_URI) is None:
            files.append(File.generated(config, search.PAGE_URI, content=search.search_page()))
        self.pages_total, self.pages_done = len(files.documentation_pages()), 0
        self.progress.end("列表页、照片和二维码的准备", f"{self.pages_total:,} 个页面")
        self.chrome = Chrome(ctx, config, serve=serve)
        self.chrome.files = files
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self.chrome is not None:
            self.chrome.nav = nav
        return nav

    @event_priority(-100)  # after every other plugin: what they add passes the same gate
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Every page body, in every mode, is sanitised here; every title becomes escaped text."""
        title = plain_title(page)
        page.title = Markup.escape(title)  # Material prints titles unescaped (navigation, footer)
        if self.chrome is None:
            return str(views.publishable_body(html))
        self.chrome.titles[page.file.src_uri] = title
        ours = page.file.src_uri in self.chrome.ctx.specs or self.chrome.is_story(page)
        if not ours and page.file.generated_by is None:  # a page of docs_dir: only the allowed settings
            page.meta = {key: value for key, value in page.meta.items() if key in PAGE_KEYS}
        return str(views.publishable_body(html)) if ours else own_page_body(html)

    @event_priority(-100)  # other plugins' changes to the environment are in place
    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        """Story files start here, in worker processes, while MkDocs renders the other pages."""
        assert self.renderer is not None and self.chrome is not None
        env.globals["hr_region"] = region_function(self.renderer, PluginError)
        self.chrome.env = env
        fast = self.config.stamp_story_pages and bool(self.chrome.ctx.published)
        if self.edition_prefix:  # the story workers write there while MkDocs writes the rest: no file of its own
            taken = next((f.dest_uri for f in files if f.dest_uri.startswith(f"{self.edition_prefix}/")), None)
            if taken is not None:
                raise PluginError(f"{taken}：{hant.prefix_taken_message(self.edition_prefix)}")
        try:
            self.story_files = start_story_files(
                self.chrome.ctx,
                config,
                self.config,
                self.renderer,
                self.chrome.story_shell() if fast else None,
                self.chrome.standalone_policy(),
                self.final_site_dir or self.held_story_files,
                self.final_site_dir,
                self.edition(config),
            )
        except (TemplateProblem, ShellProblem, hant.ShellProblem, hant.PrefixTaken) as exc:
            raise PluginError(str(exc)) from exc
        self.stamped = self.story_files.files
        assert self.result is not None
        images = self.chrome.ctx.site.images
        cache = self.cache_dir(config) / "data-files"
        job = DataJob(Path(config.site_dir), self.result, self.config, config.site_url or "", images, cache)
        self.data_files = DataFiles(job)
        return env

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """The page's data for the templates (``hr``) and its Content-Security-Policy (``hr_csp``)."""
        if self.chrome is None:
            return context
        if self.chrome.is_story(page):
            self.chrome.prepare_story(page)
        self.pages_done += 1
        self.progress.tick(self._page_progress)
        context["hr"] = self.chrome.view(page)  # type: ignore[typeddict-unknown-key]
        context["hr_csp"] = self.chrome.page_policy(page)  # type: ignore[typeddict-unknown-key]
        return context

    def _page_progress(self) -> list[tuple[str, int, int]]:
        parts = [("页面", self.pages_done, self.pages_total)]
        if self.story_files is not None:
            parts.append(("故事页", self.story_files.done(), len(self.story_files.tasks)))
        return parts

    def on_template_context(
        self, context: TemplateContext, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext:
        if self.chrome is None:
            return context
        if template_name == "sitemap.xml":
            context["hr_sitemap"] = sitemap_entries(self.chrome.ctx)  # type: ignore[typeddict-unknown-key]
        elif template_name.endswith(".html"):
            context["hr"] = self.chrome.not_found(context["base_url"])  # type: ignore[typeddict-unknown-key]
            context["hr_csp"] = self.chrome.static_policy(template_name, context)  # type: ignore[typeddict-unknown-key]
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.progress.end("页面", f"{self.pages_done:,} 个")
        if self.chrome is not None and self.story_files is not None:
            story_files, self.story_files = self.story_files, None
            try:
                finish_story_files(self.chrome.ctx, story_files, self.progress)
            except TemplateProblem as exc:
                raise PluginError(str(exc)) from exc
        if self.command == "serve":  # the new files are in place already
            stamp.commit_manifest(self.cache_dir(config), Path(config.site_dir))
            if self.held_story_files is not None:
                discard_in_background(self.held_story_files, self.cache_dir(config))
                self.held_story_files = None
        if self.data_files is not None:
            data_files, self.data_files = self.data_files, None
            try:
                data_files.finish()
            except (OSError, BrokenProcessPool) as exc:
                raise PluginError(
                    f"写搜索索引和开放数据时出错：{exc}（请检查磁盘空间和 {config.site_dir} 的写权限）"
                ) from exc
            self.progress.end("搜索索引和开放数据")
        hant.write_t2s_map(Path(config.site_dir))
        if self.config.traditional_prefix and self.command == "serve":
            # Converting every page again on each save would make the preview wait seconds (minutes at
            # 20,000 stories) for a copy editors rarely look at: the real build makes it.
            log.info("预览（mkdocs serve）不生成繁体版 /%s/：mkdocs build 时生成", self.config.traditional_prefix)
        elif (edition := self.edition(config)) is not None:
            try:
                pages = hant.write_edition(
                    Path(config.site_dir), edition, stamped=self.stamped, cache=self.cache_dir(config) / "hant"
                )
            except hant.PrefixTaken as exc:
                raise PluginError(str(exc)) from exc
            self.progress.end("繁体版", f"{pages:,} 个页面")
        if self.staging_dir is None or self.final_site_dir is None:
            return
        final, staging = self.final_site_dir, self.staging_dir
        previous = output.swap_in(staging, final)
        stamp.commit_manifest(self.cache_dir(config), final)
        if previous is not None:
            discard_in_background(previous, self.cache_dir(config))
        config.site_dir = str(final)
        self.staging_dir = None
        self.progress.end("替换站点")

    def on_build_error(self, *, error: Exception, **_: Any) -> None:
        if self.story_files is not None:
            self.story_files.cancel()
            self.story_files = None
        if self.data_files is not None:
            self.data_files.cancel()
            self.data_files = None
        if self.staging_dir is not None:
            shutil.rmtree(self.staging_dir, ignore_errors=True)
            self.staging_dir = None
