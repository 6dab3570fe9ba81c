"""A site that still has the sample's site_url is warned: every QR code and short link would point there."""

from __future__ import annotations

import io
import re

import pytest

from honorroll.cli.main import main
from honorroll.rules.site_config import check_site, from_mkdocs_yaml
from tests.conftest import ContentRepo

CONFIG = "site_name: 测试\n# 站点的正式网址\nsite_url: {url}\ndocs_dir: pages\n"


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("https://example.org/guangrongbang/", True),
        ("https://www.example.com/", True),
        ("http://EXAMPLE.NET", True),
        ("http://localhost:8000/", True),
        ("http://127.0.0.1:8000/guangrongbang/", True),
        ("http://[::1]/", True),
        ("https://rongyu.qingyu.example/guangrongbang/", False),
        ("https://notexample.org/", False),
        ("https://example.org.qingyu.example/", False),
        ("", False),
    ],
)
def test_sample_and_local_addresses_are_warned(repo: ContentRepo, url: str, warned: bool) -> None:
    text = CONFIG.format(url=url)
    site = from_mkdocs_yaml({"site_url": url, "docs_dir": "pages"}, text)
    found = [d for d in check_site(repo.root, site) if d.field == "site_url"]
    assert len(found) == int(warned)
    if warned:
        [problem] = found
        assert (problem.is_error, problem.rule, problem.file, problem.line) == (False, "settings", "mkdocs.yml", 3)
        assert (
            problem.message.startswith(f"site_url 还是示例网址 {url}：")
            and "正式发布前请改成本站的网址" in problem.message
        )


def test_not_while_serving_a_local_preview(repo: ContentRepo) -> None:
    url = "https://example.org/guangrongbang/"
    site = from_mkdocs_yaml({"site_url": url}, CONFIG.format(url=url))
    served = [d for d in check_site(repo.root, site, built_for="http://127.0.0.1:8000/guangrongbang/")]
    built = [d for d in check_site(repo.root, site, built_for="https://example.org/guangrongbang")]
    assert [d.field for d in served] == [] and [d.field for d in built] == ["site_url"]


def test_check_command_names_the_line_and_still_passes(repo: ContentRepo) -> None:
    repo.write_story()
    config = repo.write_config()
    config.write_text(
        re.sub(r"(?m)^site_url:.*$", "site_url: https://example.org/guangrongbang/", config.read_text("utf-8")),
        encoding="utf-8",
    )
    line = config.read_text("utf-8").splitlines().index("site_url: https://example.org/guangrongbang/") + 1
    out = io.StringIO()
    assert main(["-f", str(config), "check", "--format", "text"], out=out) == 0
    assert out.getvalue().startswith(f"mkdocs.yml:{line}: 警告 [site_url] site_url 还是示例网址")
    assert out.getvalue().endswith("检查通过，另有 2 个警告。\n")  # and the open quota of 2024
