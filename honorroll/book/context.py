"""What the book and dossier commands need from a content repository, read once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config import load_config
from mkdocs.exceptions import ConfigurationError

from ..checker import CheckResult
from ..config import HonorRollConfig
from ..model import Story, Unit
from ..settings import Project
from ..site import urls


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
        config = load_config(config_file=str(project.config_file))
    except (ConfigurationError, OSError) as exc:
        raise BookError(f"站点设置 {project.config_file} 有误：{exc}") from exc
    if not config.site_url:
        raise BookError(
            f"{project.config_file} 中没有设置 site_url：二维码和链接要用站点的完整网址（如 https://example.org/guangrongbang/）"
        )
    custom_dir = config.theme.custom_dir
    cache_dir = project.root / project.settings.cache_dir
    return PrintContext(
        root=project.root,
        settings=project.settings,
        result=result,
        site_url=config.site_url,
        site_name=config.site_name,
        custom_dir=Path(custom_dir) if custom_dir else None,
        extensions=list(config.markdown_extensions),
        extension_configs=dict(config.mdx_configs),
        cache_dir=cache_dir,
    )
