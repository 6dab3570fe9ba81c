"""Finding the plugin's settings in ``mkdocs.yml`` without running a build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.utils.yaml import yaml_load

from .config import HonorRollConfig
from .rules.site_config import SiteSettings, from_mkdocs_yaml

PLUGIN_NAME = "honorroll"


class SettingsError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Project:
    root: Path
    config_file: Path
    settings: HonorRollConfig
    mkdocs: dict[str, Any]


def plugin_options(mkdocs_config: dict[str, Any]) -> dict[str, Any] | None:
    plugins = mkdocs_config.get("plugins") or []
    entries = (
        plugins.items()
        if isinstance(plugins, dict)
        else (next(iter(p.items())) if isinstance(p, dict) else (p, None) for p in plugins)
    )
    for name, options in entries:
        if name == PLUGIN_NAME:
            return dict(options or {})
    return None


def validated_settings(options: dict[str, Any], config_file: str) -> HonorRollConfig:
    settings = HonorRollConfig(config_file_path=config_file)
    settings.load_dict(options)
    failed, _warnings = settings.validate()
    if failed:
        lines = [f"{config_file}: plugins → {PLUGIN_NAME} → {key}: {err}" for key, err in failed]
        raise SettingsError("站点设置有误：\n" + "\n".join(lines))
    return settings


def load_project(config_file: str | Path = "mkdocs.yml") -> Project:
    path = Path(config_file).resolve()
    if not path.is_file():
        raise SettingsError(f"找不到站点设置文件 {config_file}：请在内容仓库的根目录运行，或用 -f 指定 mkdocs.yml")
    with path.open("rb") as handle:
        mkdocs_config = yaml_load(handle) or {}
    options = plugin_options(mkdocs_config)
    if options is None:
        raise SettingsError(f"{config_file} 的 plugins 中没有 {PLUGIN_NAME}：请添加 `- {PLUGIN_NAME}`")
    return Project(path.parent, path, validated_settings(options, str(path)), mkdocs_config)


def site_settings(project: Project) -> SiteSettings:
    """What the site check needs from mkdocs.yml: asset URLs, theme font, extensions, docs_dir."""
    return from_mkdocs_yaml(project.mkdocs, project.config_file.read_text(encoding="utf-8", errors="replace"))
