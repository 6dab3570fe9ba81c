"""What the book and dossier commands need from a content repository, read once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from honorroll.check.run import CheckResult
from honorroll.config import HonorRollConfig
from honorroll.content.model import Story, Unit
from honorroll.engine.project import Project, SettingsError, print_settings
from honorroll.site import urls


class BookError(Exception):
    """A problem the editor can fix, described in Chinese."""


@dataclass
class PrintContext:
    root: Path
    settings: HonorRollConfig
    result: CheckResult
    site_url: str
    site_name: str
    custom_dir: Path | None
    extensions: list[Any]
    extension_configs: dict[str, Any]
    cache_dir: Path

    @property
    def units(self) -> dict[str, Unit]:
        return self.result.archive.units

    @property
    def today(self) -> dt.date:
        return self.result.today

    def short_url(self, story: Story) -> str:
        return urls.absolute(self.site_url, urls.short_path(story.id))

    def level_label(self, level: str) -> str:
        return str(self.settings.honor_levels.get(level, level))


def print_context(project: Project, result: CheckResult) -> PrintContext:
    """Reads ``mkdocs.yml`` the way a build does, for the site address, theme folder and Markdown settings."""
    try:
        config = print_settings(project)
    except SettingsError as exc:
        raise BookError(str(exc)) from exc
    if not config.site_url:
        raise BookError(
            f"{project.config_file} 中没有设置 site_url：二维码和链接要用站点的完整网址（如 https://example.org/guangrongbang/）"
        )
    cache_dir = project.root / project.settings.cache_dir
    return PrintContext(
        root=project.root,
        settings=project.settings,
        result=result,
        site_url=config.site_url,
        site_name=config.site_name,
        custom_dir=config.custom_dir,
        extensions=config.markdown_extensions,
        extension_configs=config.mdx_configs,
        cache_dir=cache_dir,
    )
