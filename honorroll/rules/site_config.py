"""The site's own settings and pages: nothing may make a reader's phone load from another host.

``mkdocs.yml`` is the maintainers' file, not a contributor's, but a pull request can change it
too, and several Material features fetch from a CDN at read time (Google Fonts, mermaid,
analytics). Each is refused with the setting to change. Pages under ``docs_dir`` obey the
same allow-list and privacy rules as story bodies.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from honorroll.diagnostics import Diagnostic, error, warning
from honorroll.html_policy import url_scheme
from honorroll.rules.pages import check_pages, check_preface

CONFIG_FILE = "mkdocs.yml"
# Addresses no real site is published at: the sample's, and this computer's.
SAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
LOCAL_HOSTS = ("localhost",)


@dataclass(frozen=True)
class SiteSettings:
    """The parts of the MkDocs configuration that decide what a page loads, as plain data."""

    extra_javascript: list[str] = field(default_factory=list)
    extra_css: list[str] = field(default_factory=list)
    theme_font: object = False
    theme_assets: dict[str, str] = field(default_factory=dict)  # logo, favicon
    analytics: object = None
    markdown_extensions: list[str] = field(default_factory=list)
    extension_configs: dict[str, Any] = field(default_factory=dict)
    plugins: list[str] = field(default_factory=list)
    docs_dir: str = "docs"
    site_url: str = ""
    config_text: str = ""
    """The text of mkdocs.yml, to point at the line of a refused setting."""


def from_mkdocs_yaml(raw: Mapping[str, Any], config_text: str = "") -> SiteSettings:
    """From ``mkdocs.yml`` as read by the command line (no build)."""
    theme = raw.get("theme") or {}
    theme = theme if isinstance(theme, dict) else {"name": theme}
    extensions, configs = _names_and_options(raw.get("markdown_extensions") or [])
    plugins, _ = _names_and_options(raw.get("plugins") or [])
    extra = raw.get("extra") or {}
    return SiteSettings(
        extra_javascript=[_script_path(s) for s in raw.get("extra_javascript") or []],
        extra_css=[str(s) for s in raw.get("extra_css") or []],
        theme_font=theme.get("font", {}) if theme.get("name") == "material" else False,
        theme_assets={k: str(theme[k]) for k in ("logo", "favicon") if theme.get(k)},
        analytics=extra.get("analytics") if isinstance(extra, dict) else None,
        markdown_extensions=extensions,
        extension_configs=configs,
        plugins=plugins,
        docs_dir=str(raw.get("docs_dir") or "docs"),
        site_url=str(raw.get("site_url") or ""),
        config_text=config_text,
    )


def _script_path(item: object) -> str:
    return str(item.get("path", "")) if isinstance(item, dict) else str(item)


def _names_and_options(items: Iterable[object] | Mapping[str, object]) -> tuple[list[str], dict[str, Any]]:
    names: list[str] = []
    options: dict[str, Any] = {}
    entries = (
        items.items()
        if isinstance(items, Mapping)
        else (next(iter(i.items())) if isinstance(i, dict) else (i, None) for i in items)
    )
    for name, value in entries:
        names.append(str(name))
        if isinstance(value, dict):
            options[str(name)] = value
    return names, options


def _is_outside(url: str) -> bool:
    return url.startswith("//") or url_scheme(url) is not None


def check_site(
    root: Path, site: SiteSettings, built_for: str | None = None, reserved: tuple[str, ...] = ()
) -> Iterator[Diagnostic]:
    """``built_for``: the site_url this run builds with. ``mkdocs serve`` puts its own local address
    there; the sample-address warning is about the published address, so it waits for a real build."""
    yield from check_site_settings(site)
    if built_for is None or built_for.rstrip("/") == site.site_url.rstrip("/"):
        yield from check_site_url(site)
    yield from check_pages(root, site.docs_dir, reserved)
    yield from check_preface(root)


def is_sample_address(url: str) -> bool:
    """The sample's example.org (or example.com/.net) or this computer: addresses no reader can open."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host in LOCAL_HOSTS or any(host == d or host.endswith("." + d) for d in SAMPLE_DOMAINS):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def check_site_url(site: SiteSettings) -> Iterator[Diagnostic]:
    """QR codes, short links, share cards and the feed carry site_url: a forgotten sample address breaks them all."""
    if site.site_url and is_sample_address(site.site_url):
        yield warning(
            "settings",
            CONFIG_FILE,
            _line_of(site.config_text, "site_url"),
            "site_url",
            f"site_url 还是示例网址 {site.site_url}：二维码、短链接、分享卡片和订阅源都会指向它，读者打不开；"
            "正式发布前请改成本站的网址（如 https://本单位域名/guangrongbang/）",
        )


def check_site_settings(site: SiteSettings) -> Iterator[Diagnostic]:
    def at(key: str, message: str) -> Diagnostic:
        return error("outside", CONFIG_FILE, _line_of(site.config_text, key), key, message)

    for key, urls in (("extra_javascript", site.extra_javascript), ("extra_css", site.extra_css)):
        for url in urls:
            if _is_outside(url):
                yield at(
                    key,
                    f"{key} 中的“{url}”来自其他网站：站点不从外部加载任何资源，请把文件下载放进 docs_dir，写相对路径",
                )
    for key, url in site.theme_assets.items():
        if _is_outside(url):
            yield at(key, f"theme.{key} 的“{url}”来自其他网站：请把图片放进 docs_dir，写相对路径")
    if site.theme_font is not False:
        yield at(
            "font", "Material 主题默认从 Google Fonts 加载字体：请在 theme 下设置 font: false（使用读者设备自带的字体）"
        )
    if site.analytics:
        yield at("analytics", "extra.analytics 会让读者的浏览器连接统计服务商：公开站点不加载外部脚本，请删除这项设置")
    fences = site.extension_configs.get("pymdownx.superfences", {}).get("custom_fences") or []
    if any(isinstance(f, dict) and f.get("name") == "mermaid" for f in fences):
        yield at(
            "custom_fences",
            "mermaid 图表会让读者的浏览器从公共 CDN 加载脚本：请删除 pymdownx.superfences 的 mermaid 设置，图表请导出为图片",
        )
    for plugin in site.plugins:
        if plugin in ("social", "material/social"):
            yield at(
                plugin, "Material 的 social 插件在构建时从 Google Fonts 下载字体：请删除它（分享图片由 honorroll 生成）"
            )


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().lstrip("- ").startswith(f"{key}:") or line.strip() in (f"- {key}", key):
            return number
    return 1
