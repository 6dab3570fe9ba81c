"""Finding the plugin's settings in ``mkdocs.yml`` without running a build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import load_config
from mkdocs.exceptions import ConfigurationError
from mkdocs.utils.yaml import yaml_load

from honorroll.config import HonorRollConfig
from honorroll.content import yamlio
from honorroll.rules.site_config import SiteSettings, from_mkdocs_yaml

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


def _read_mkdocs_yml(path: Path, shown: str) -> dict[str, Any]:
    """mkdocs.yml as data, or a :class:`SettingsError` in Chinese naming the line (never a traceback)."""
    try:
        text = yamlio.decode(path.read_bytes())
        with path.open("rb") as handle:
            data = yaml_load(handle) or {}
    except yamlio.TextDecodeError as exc:
        raise SettingsError(f"{shown}:{exc.line}: {exc}") from exc
    except (yaml.YAMLError, ConfigurationError, RecursionError) as exc:
        cause = exc if isinstance(exc, yaml.MarkedYAMLError) else exc.__cause__ or exc.__context__
        mark = cause.problem_mark if isinstance(cause, yaml.MarkedYAMLError) else None
        line = mark.line + 1 if mark is not None else 1
        slip = yamlio.invisible_character(text) or yamlio.first_slip(text, line)
        if slip is not None:
            raise SettingsError(f"{shown}:{slip[0]}: {slip[1]}") from exc
        problem = cause.problem if isinstance(cause, yaml.MarkedYAMLError) else None
        raise SettingsError(
            f"{shown}:{line}: YAML 格式错误（{problem or cause}）：请检查这一行的缩进、冒号和引号"
        ) from exc
    if not isinstance(data, dict):
        raise SettingsError(f"{shown}: 应为“键: 值”形式的设置，请检查文件内容")
    return data


def load_project(config_file: str | Path = "mkdocs.yml") -> Project:
    path = Path(config_file).resolve()
    if not path.is_file():
        raise SettingsError(f"找不到站点设置文件 {config_file}：请在内容仓库的根目录运行，或用 -f 指定 mkdocs.yml")
    mkdocs_config = _read_mkdocs_yml(path, str(config_file))
    options = plugin_options(mkdocs_config)
    if options is None:
        raise SettingsError(f"{config_file} 的 plugins 中没有 {PLUGIN_NAME}：请添加 `- {PLUGIN_NAME}`")
    return Project(path.parent, path, validated_settings(options, str(path)), mkdocs_config)


def site_settings(project: Project) -> SiteSettings:
    """What the site check needs from mkdocs.yml: asset URLs, theme font, extensions, docs_dir."""
    return from_mkdocs_yaml(project.mkdocs, project.config_file.read_text(encoding="utf-8", errors="replace"))


@dataclass(frozen=True, slots=True)
class PrintSettings:
    """What the book and the dossiers take from a fully loaded ``mkdocs.yml``, as plain data."""

    site_url: str
    site_name: str
    custom_dir: Path | None
    markdown_extensions: list[Any]
    mdx_configs: dict[str, Any]


def print_settings(project: Project) -> PrintSettings:
    """Reads ``mkdocs.yml`` the way a build does (defaults, theme, Markdown extensions)."""
    try:
        config = load_config(config_file=str(project.config_file))
    except (ConfigurationError, OSError) as exc:
        raise SettingsError(f"站点设置 {project.config_file} 有误：{exc}") from exc
    custom_dir = config.theme.custom_dir
    return PrintSettings(
        site_url=config.site_url or "",
        site_name=config.site_name,
        custom_dir=Path(custom_dir) if custom_dir else None,
        markdown_extensions=list(config.markdown_extensions),
        mdx_configs=dict(config.mdx_configs),
    )
