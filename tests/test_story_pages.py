"""The story-page contract: both modes write the same bytes, hostile fields stay text, and the build
says which plugins skip story pages in fast mode (and they do not in the other)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from PIL import Image

from tests.conftest import ROOT, ContentRepo

HOSTILE_TITLE = "\"引号'与<script>alert(1)</script>{{ 7*7 }}{% if 1 %}"
HOSTILE_SUMMARY = '简介 " onmouseover="alert(2)" <img src=x onerror=alert(3)> {{ config }}'
HOSTILE_NAME = '<b>王某</b>"&amp;{%raw%}'
HOSTILE_BODY = (
    "他一个人一条路，一走就是三十年。\n\n"
    "![山路](road.jpg)\n\n"
    '强调的一段 {: onclick="alert(4)" style="position:fixed" }\n'
)  # an outside srcset is refused by the check itself; the sanitiser's part is in test_site_units


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 60, 40)).save(out, "JPEG")
    return out.getvalue()


def _build(root: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=root, capture_output=True, text=True, check=False, env=full
    )


def hostile_repo(root: Path, **options: object) -> ContentRepo:
    """Stories with hostile fields, a photo folder, and a non-default ``stories_dir``."""
    repo = ContentRepo(root)
    repo.write_unit(
        "city-postal", {"name": "市邮政<i>管理局</i>\"'", "kind": "direct", "description": "<script>x</script>"}
    )
    path = repo.write_story(
        bundle=True,
        body=HOSTILE_BODY,
        changes={
            "title": HOSTILE_TITLE,
            "summary": HOSTILE_SUMMARY,
            "subject.name": HOSTILE_NAME,
            "cover": {"src": "road.jpg", "alt": '山路"<x>'},
            "tags": ["邮路<x>", "{{ tag }}"],
        },
    )
    (path.parent / "road.jpg").write_bytes(_jpeg())
    repo.write_story("2024-second", changes={"title": "第二个故事"})
    (root / "content").mkdir()
    (root / "stories").rename(root / "content" / "stories")
    config = repo.write_config(stories_dir="content/stories", **options)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data |= {"repo_url": "https://example.org/repo/", "edit_uri": "edit/main/pages/"}
    data["theme"]["features"] = ["content.action.edit"]
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return repo


@pytest.fixture(scope="module")
def both_modes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    sites = []
    for fast in (True, False):
        root = tmp_path_factory.mktemp("fast" if fast else "per-page")
        hostile_repo(root, stamp_story_pages=fast)
        built = _build(root)
        assert built.returncode == 0, built.stderr
        sites.append(root / "build")
    return sites[0], sites[1]


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_both_modes_write_the_same_bytes(both_modes: tuple[Path, Path]) -> None:
    fast, per_page = (_files(site) for site in both_modes)
    story = "stories/2024/2024-lin-postman/index.html"
    for name in (story, "poster/2024-lin-postman/index.html"):
        assert name in fast
    assert "stories/2024/2024-lin-postman/road.jpg" not in fast  # only re-encoded copies are published
    assert any(name.startswith("media/") for name in fast)
    assert fast.keys() == per_page.keys()
    # gzip headers carry the build time; everything else is equal byte for byte
    different = [name for name in fast if fast[name] != per_page[name] and not name.endswith(".gz")]
    assert different == []


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, name, value or "") for name, value in attrs]
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_title:
            self.title += data


def parsed(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_hostile_fields_stay_text_on_every_page(both_modes: tuple[Path, Path]) -> None:
    site = both_modes[0]
    story = parsed(site / "stories/2024/2024-lin-postman/index.html")
    assert story.title == f"{HOSTILE_TITLE} - 测试站点"
    assert ("meta", "content", HOSTILE_SUMMARY) in story.attrs
    assert HOSTILE_NAME in "".join(story.text) and "49" not in "".join(story.text)
    for path in [*site.rglob("*.html"), site / "feed.xml", site / "sitemap.xml"]:
        page = parsed(path)
        handlers = [(tag, name) for tag, name, _ in page.attrs if name.startswith("on")]
        assert handlers == [], path
        srcsets = [value for _tag, name, value in page.attrs if name == "srcset"]
        # only the build's own sizes (relative links into media/), never what the story wrote
        assert all(url.split("/")[-3] == "media" for v in srcsets for url in v.replace(", ", " ").split()[::2]), path
        styles = [(tag, value) for tag, name, value in page.attrs if name == "style" and "fixed" in value]
        assert styles == [], path
        scripts = [v for tag, name, v in page.attrs if tag == "script" and name == "src"]
        assert all("evil" not in s for s in scripts), path
        assert not any(v.startswith("javascript:") for _t, name, v in page.attrs if name == "href"), path
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "hr-region" not in text, path


def test_photos_and_links_work_with_another_stories_dir(both_modes: tuple[Path, Path]) -> None:
    for site in both_modes:
        story = parsed(site / "stories/2024/2024-lin-postman/index.html")
        edit = [v for tag, name, v in story.attrs if tag == "a" and name == "href" and "/edit/" in v]
        assert edit == ["https://example.org/repo/edit/main/content/stories/2024/2024-lin-postman/index.md"]
        images = [v for tag, name, v in story.attrs if tag == "img" and name == "src"]
        # the cover and the body photo: the same re-encoded file (32 px wide), never the original
        [image] = set(images)
        assert len(images) == 2 and image.startswith("../../../media/") and image.endswith("-32.jpg")
        assert (site / "stories/2024/2024-lin-postman" / image).resolve().is_file()
        assert not (site / "stories/2024/2024-lin-postman/road.jpg").exists()
        year = parsed(site / "years/2024/index.html")
        links = [v for tag, name, v in year.attrs if tag == "a" and name == "href" and "2024-lin-postman" in v]
        assert links == ["../../stories/2024/2024-lin-postman/"]
        assert not (site / "content").exists()


HOOK = """
def on_page_markdown(markdown, page, config, files):
    return markdown.replace("三十年", "整整三十年（钩子）")
"""


@pytest.mark.parametrize("fast", [True, False])
def test_the_contract_with_other_plugins_and_hooks(tmp_path: Path, fast: bool) -> None:
    repo = ContentRepo(tmp_path)
    repo.write_story(changes={"tags": ["邮路"]})
    (tmp_path / "substitute.py").write_text(HOOK, encoding="utf-8")
    config = repo.write_config(stamp_story_pages=fast)
    text = config.read_text(encoding="utf-8").replace("plugins:\n", "plugins:\n- tags\n")
    config.write_text(text + "hooks:\n- substitute.py\n", encoding="utf-8")
    built = _build(tmp_path)
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "build/stories/2024/2024-lin-postman/index.html").read_text(encoding="utf-8")
    said = re.findall(r"以下插件或钩子不会处理故事页：([^。]+)。", built.stderr)
    if fast:
        assert said == ["material/tags、substitute.py"] and "stamp_story_pages: false" in built.stderr
        assert "整整三十年（钩子）" not in page
    else:
        assert said == []
        assert "整整三十年（钩子）" in page  # the hook's page event ran on the story page
        assert re.search(r'<span class="md-tag">\s*邮路\s*</span>', page)  # Material's tags in the content block


def test_rebuild_renders_only_the_changed_story(tmp_path: Path) -> None:
    for name in ("mkdocs.yml", "pages", "stories", "units"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    env = {"HONORROLL_CACHE_DIR": str(tmp_path / "cache")}
    first = _build(tmp_path, env)
    assert first.returncode == 0 and "沿用上次构建 0 个" in first.stderr
    story = tmp_path / "stories" / "2022" / "2022-edu-lin-xiaolan.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n新增的一段话。\n", encoding="utf-8")
    log = _build(tmp_path, env).stderr
    match = re.search(r"新生成 (\d+) 个，沿用上次构建 (\d+) 个", log)
    assert match is not None and match.group(1) == "1" and int(match.group(2)) > 40
    page = tmp_path / "build" / "stories" / "2022" / "2022-edu-lin-xiaolan" / "index.html"
    assert "新增的一段话" in page.read_text(encoding="utf-8")
    traditional = tmp_path / "build" / "zh-hant" / "stories" / "2022" / "2022-edu-lin-xiaolan" / "index.html"
    assert "新增的一段話" in traditional.read_text(encoding="utf-8")  # the edition follows the edit
    linked = [p for p in (tmp_path / "build" / "zh-hant" / "poster").glob("*/index.html")]
    assert len(linked) > 40 and all(p.stat().st_size > 0 for p in linked)


def test_fast_mode_refuses_chrome_that_shows_the_page(tmp_path: Path) -> None:
    """One shell serves every story page, so a chrome that prints the page's own title cannot be stamped."""
    repo = ContentRepo(tmp_path)
    repo.write_story()
    (tmp_path / "overrides" / "partials").mkdir(parents=True)
    (tmp_path / "overrides" / "partials" / "copyright.html").write_text("{{ page.title }}", encoding="utf-8")
    for fast in (True, False):
        config = repo.write_config(stamp_story_pages=fast)
        config.write_text(
            config.read_text(encoding="utf-8").replace(
                "  name: material\n", "  name: material\n  custom_dir: overrides\n"
            ),
            encoding="utf-8",
        )
        built = _build(tmp_path)
        if fast:
            assert built.returncode != 0 and "外框" in built.stderr and "stamp_story_pages: false" in built.stderr
            assert "Traceback" not in built.stderr
        else:
            assert built.returncode == 0, built.stderr
            page = (tmp_path / "build/stories/2024/2024-lin-postman/index.html").read_text(encoding="utf-8")
            assert "深山邮路上的“不老松”" in page[page.index("md-footer") :]


def test_story_files_are_the_same_from_spawned_workers(
    repo: ContentRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers get their job through the pool's initializer, so ``spawn`` (Windows, macOS) renders the same."""
    from honorroll.engine.plugin import THEME_DIR
    from honorroll.engine.project import load_project
    from honorroll.site import pages, stamp
    from honorroll.site.render import Renderer, Shell

    for n in range(6):
        repo.write_story(f"2024-story-{n}", body=f'第 {n} 个故事。\n{{: onclick="x()" }}\n')
    result = repo.check()
    settings = load_project(repo.root / "mkdocs.yml").settings
    site = pages.site_data(
        settings, result.archive.units, url="https://example.org/", name="站", description="", favicon="f.png"
    )
    shell = Shell.parse("<head><!--hr-region:partials/hr-head.html--></head><!--hr-region:partials/hr-story.html-->")
    outputs = []
    for method, workers in (("fork", 1), ("spawn", 2)):
        monkeypatch.setenv("HONORROLL_START_METHOD", method)
        monkeypatch.setattr(stamp, "PARALLEL_THRESHOLD", 0)
        out = tmp_path / method
        job = stamp.StampJob(site, Renderer([str(THEME_DIR)]), shell, ["attr_list"], {}, out, "x")
        assert stamp.write_story_files(job, result.archive.published(), tmp_path / "cache", workers=workers) == 6
        outputs.append(_files(out))
    assert outputs[0] == outputs[1] and len(outputs[0]) == 6 * 4
    page = outputs[1]["stories/2024/2024-story-3/index.html"].decode()
    assert "第 3 个故事。" in page and "onclick" not in page and page.startswith("<head><title>")


def test_linking_falls_back_to_copies_and_never_writes_into_the_last_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from honorroll.site import stamp

    last, site = tmp_path / "last", tmp_path / "site"
    (last / "a").mkdir(parents=True)
    (last / "a" / "index.html").write_text("上次的", encoding="utf-8")
    assert stamp._link_file(str(last / "a" / "index.html"), str(site / "a" / "index.html"))  # folder made
    assert (site / "a" / "index.html").stat().st_ino == (last / "a" / "index.html").stat().st_ino
    assert not stamp._link_file(str(last / "missing.html"), str(site / "b" / "index.html"))

    def refused(source: object, target: object) -> None:
        raise PermissionError("no links here")

    (site / "c").mkdir()
    (site / "c" / "index.html").hardlink_to(last / "a" / "index.html")  # an earlier link into the last build
    monkeypatch.setattr(stamp.os, "link", refused)
    assert stamp._link_file(str(last / "a" / "index.html"), str(site / "c" / "index.html"))
    assert (site / "c" / "index.html").stat().st_ino != (last / "a" / "index.html").stat().st_ino  # a copy
    assert (last / "a" / "index.html").read_text(encoding="utf-8") == "上次的"


def test_a_file_of_another_plugin_under_the_edition_prefix_is_refused(tmp_path: Path) -> None:
    """The story workers write the Traditional edition while MkDocs writes the rest: nobody else may write there."""
    repo = ContentRepo(tmp_path)
    repo.write_story()
    config = repo.write_config()
    (tmp_path / "own_page.py").write_text(
        "from mkdocs.structure.files import File\n\n\n"
        "def on_files(files, config):\n"
        '    files.append(File.generated(config, "zh-hant/own/index.html", content="<p>插件自己的</p>"))\n'
        "    return files\n",
        encoding="utf-8",
    )
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n- own_page.py\n", encoding="utf-8")
    built = _build(tmp_path)
    assert built.returncode != 0 and "Traceback" not in built.stderr
    assert "zh-hant/own/index.html" in built.stderr and "traditional_prefix" in built.stderr
    assert not (tmp_path / "build").exists()  # nothing half-built replaced the (absent) last site
