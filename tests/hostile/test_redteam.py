"""Red-team findings: payloads that got through the check and the build (each test fails until fixed).

Every test states the behaviour the project promises in SECURITY.md and docs/content-format.md:
either ``honorroll check`` refuses the payload with a Chinese message naming the file, or what is
published is inert (no handler, no script of the contributor's, nothing loaded from another host,
no private data), and the build never ends in a Python traceback.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from honorroll.cli.ci_formats import render_job_summary
from honorroll.rules.activities import link_allowed
from honorroll.site import hant, open_data
from tests.conftest import JPEG, ContentRepo, errors
from tests.hostile.helpers import line_with, run_cli, run_with_cpu_budget
from tests.sitebuild import build_env, mkdocs_build
from tests.test_activities import OFFICIAL, SITE, check_with_site, write_activity

SITE_URL = "https://rongyu.qingyu.example/"  # ContentRepo's site_url


# ---------------------------------------------------------------- helpers


class _Active(HTMLParser):
    """What in a built page could run or load: handlers, contributor scripts, refreshes, missing CSP."""

    def __init__(self, marker: str) -> None:
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.problems: list[str] = []
        self.in_script = False
        self.csp = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"handler {name}={value!r} on <{tag}>")
        if tag == "script":
            self.in_script = True
            src = values.get("src") or ""
            if src and "assets/" not in src:
                self.problems.append(f"contributor script {src}")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            target = (values.get("content") or "").split("url=", 1)[-1].strip()
            if (
                re.match(r"(?i)\s*(javascript:|data:|//|https?://(?!rongyu\.qingyu\.example/))", target)
                or '"' in target
            ):
                self.problems.append(f"refresh to {target}")
        if tag == "meta" and (values.get("http-equiv") or "") == "Content-Security-Policy":
            self.csp = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and self.marker in data:
            self.problems.append(f"marker inside a script: {data[:80]!r}")


def active_parts(site: Path, marker: str = "XSS") -> list[str]:
    problems = []
    for page in sorted(site.rglob("*.html")):
        if "assets" in page.relative_to(site).parts:
            continue
        inspector = _Active(marker)
        inspector.feed(page.read_text(encoding="utf-8", errors="replace"))
        problems += [f"{page.relative_to(site)}: {p}" for p in inspector.problems]
        if not inspector.csp:
            problems.append(f"{page.relative_to(site)}: no Content-Security-Policy")
    return problems


def build(repo: ContentRepo) -> subprocess.CompletedProcess[str]:
    repo.write_config()
    return mkdocs_build(repo.root)


def refused(result: subprocess.CompletedProcess[str], file: str) -> bool:
    """The build failed and said which file, in Chinese, without a traceback."""
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result.returncode != 0 and file in result.stderr


def page(repo: ContentRepo, name: str, text: str) -> Path:
    path = repo.root / "pages" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- 1. files in pages/ are published as they are

THEME_SCRIPT = "assets/javascripts/honorroll-search.js"
STATIC_FILES = {
    "html": ("evil.html", "<script>alert('XSS')</script><img src=//evil.example/x.png>"),
    "svg": ("logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'),
    "script": ("x.js", "alert('XSS')"),
    "theme-script-override": (THEME_SCRIPT, "alert('XSS')"),
    "netlify-redirects": ("_redirects", "/s/*  https://evil.example/:splat  302"),
}


@pytest.mark.parametrize("name", list(STATIC_FILES))
def test_a_file_in_pages_is_not_published_verbatim(repo: ContentRepo, name: str) -> None:
    """pages/ is untrusted: raw HTML, SVG and scripts there bypass the sanitiser and the CSP ('self')."""
    rel, text = STATIC_FILES[name]
    repo.write_story()
    page(repo, rel, text)
    result = build(repo)
    if refused(result, f"pages/{rel}"):
        return
    published = repo.root / "build" / rel
    assert not (published.is_file() and published.read_text(encoding="utf-8", errors="replace") == text), (
        f"pages/{rel} was published as it is, without a word from the check"
    )


def test_a_page_cannot_replace_the_themes_own_script(repo: ContentRepo) -> None:
    """Material's bundle runs on every page: replacing it is script-src 'self' everywhere."""
    repo.write_story()
    assert build(repo).returncode == 0
    bundle = next((repo.root / "build" / "assets" / "javascripts").glob("bundle.*.min.js"))
    original = bundle.read_bytes()
    page(repo, f"assets/javascripts/{bundle.name}", "alert('XSS')")
    result = build(repo)
    if refused(result, f"pages/assets/javascripts/{bundle.name}"):
        return
    assert (repo.root / "build" / "assets" / "javascripts" / bundle.name).read_bytes() == original


# ---------------------------------------------------------------- 2. a page's front matter reaches Material unescaped

FRONT_MATTER = {
    "redirect-script": 'template: redirect.html\nlocation: \'"]);alert("XSS");//\'\n',
    "redirect-outside": "template: redirect.html\nlocation: 'https://evil.example/phish'\n",
    "nav-subtitle": "subtitle: '<img src=x onerror=alert(\"XSS\")>'\n",
    "nav-subtitle-own-script": "subtitle: '<script src=\"/x.js\"></script>'\n",
    "nav-status": "status: 'x\" onmouseover=\"alert(1)'\n",
    "revision-date": "revision_date: '<img src=x onerror=alert(\"XSS\")>'\n",
}


@pytest.mark.parametrize("name", list(FRONT_MATTER))
def test_page_front_matter_is_refused_or_inert(repo: ContentRepo, name: str) -> None:
    repo.write_story()
    path = page(repo, "about.md", f"---\n{FRONT_MATTER[name]}---\n\n# 关于\n\n正文。\n")
    code, out = run_cli(repo, "check")
    if code == 1 and "pages/about.md:" in out:
        assert "Traceback" not in out
        return
    result = build(repo)
    assert result.returncode == 0, result.stderr[-2000:]
    assert active_parts(repo.root / "build") == [], path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "front",
    ["template: nope.html\n", "template: honorroll/poster.html\n", "template: 5\n", "icon: nope/none\n", "hide: 5\n"],
)
def test_page_front_matter_mistakes_are_named_by_the_check_not_a_traceback(repo: ContentRepo, front: str) -> None:
    repo.write_story()
    path = page(repo, "about.md", f"---\n{front}---\n\n# 关于\n\n正文。\n")
    key = front.split(":")[0]
    code, out = run_cli(repo, "check")
    assert code == 1 and f"pages/about.md:{line_with(path, key + ':')}:" in out, out
    result = build(repo)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]


def test_yaml_aliases_in_page_front_matter_cannot_blow_up_the_site(repo: ContentRepo) -> None:
    """300 bytes of aliases in ``subtitle`` printed 4 GB of nav into the sample site (one more level: 40 GB)."""
    levels = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{b}: &{b} [{', '.join(['*' + a] * 10)}]\n" for a, b in zip("abcd", "bcde", strict=True)
    )
    repo.write_story()
    page(repo, "about.md", f"---\n{levels}subtitle: *e\n---\n\n# 关于\n")
    code, out = run_cli(repo, "check")
    assert code == 1 and "pages/about.md:" in out, out


# ---------------------------------------------------------------- 3. links are followed in pages/ and book/


@pytest.fixture
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("outside") / "secret.txt"
    path.write_text("SECRET-OUTSIDE-THE-REPOSITORY\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("rel", ["leak.txt", "leak.md", "leakdir"])
def test_a_link_in_pages_is_refused_never_followed(repo: ContentRepo, secret: Path, rel: str) -> None:
    """pages/env.txt -> /proc/self/environ published the CI runner's environment."""
    repo.write_story()
    (repo.root / "pages" / rel).symlink_to(secret.parent if rel == "leakdir" else secret)
    code, out = run_cli(repo, "check")
    assert code == 1 and f"pages/{rel}" in out, out
    build(repo)
    leaked = [p for p in (repo.root / "build").rglob("*") if p.is_file() and b"SECRET-OUTSIDE" in p.read_bytes()]
    assert leaked == []


def _book(repo: ContentRepo) -> tuple[int, str, str]:
    out_pdf = repo.root / "book.pdf"
    code, out = run_cli(repo, "book", "--year", "2024", "--out", str(out_pdf))
    text = ""
    if out_pdf.exists():
        from pypdf import PdfReader

        text = "".join(page.extract_text() or "" for page in PdfReader(str(out_pdf)).pages)
    return code, out, re.sub(r"\s+", "", text)


def test_a_linked_book_preface_is_refused(repo: ContentRepo, secret: Path) -> None:
    repo.write_story()
    (repo.root / "book").mkdir()
    (repo.root / "book" / "preface.md").symlink_to(secret)
    code, out, text = _book(repo)
    assert "SECRET-OUTSIDE" not in text
    assert code != 0 and "book/preface.md" in out and "Traceback" not in out


def test_personal_numbers_in_the_book_preface_are_found(repo: ContentRepo) -> None:
    repo.write_story()
    (repo.root / "book").mkdir()
    (repo.root / "book" / "preface.md").write_text("# 前言\n\n联系电话 13812345678。\n", encoding="utf-8")
    check_code, check_out = run_cli(repo, "check")
    code, _out, text = _book(repo)
    assert (check_code == 1 and "book/preface.md" in check_out) or (code != 0 and "13812345678" not in text)


# ---------------------------------------------------------------- 4. a published story disappears


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.mark.parametrize("change", ["delete", "back-to-notice"])
def test_a_story_saved_with_a_bom_stays_published(repo: ContentRepo, change: str, delete: object) -> None:
    """Windows Notepad saves UTF-8 with a BOM; the loader accepts it, the history reader did not see the status."""
    _git(repo.root, "init", "-q")
    _git(repo.root, "config", "user.email", "a@example.org")
    _git(repo.root, "config", "user.name", "a")
    path = repo.write_story()
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert repo.check().ok
    _git(repo.root, "add", "-A")
    _git(repo.root, "commit", "-qm", "publish")
    if change == "delete":
        path.unlink()
    else:
        repo.write_story(
            changes={"status": "notice", "published_on": delete, "process.notice": {"start": dt.date(2024, 6, 24), "end": dt.date(2024, 6, 28)}}
        )  # fmt: skip
    assert [d for d in errors(repo.check()) if d.rule == "published-id"], "the published story vanished silently"


# ---------------------------------------------------------------- 5. page file names


def test_a_page_file_name_cannot_add_an_attribute(repo: ContentRepo) -> None:
    repo.write_story()
    name = 'x" onmouseover="alert(1).md'
    page(repo, name, "# 标题\n\n正文。\n")
    code, out = run_cli(repo, "check")
    if code == 1 and "pages/x" in out:
        return
    result = build(repo)
    assert result.returncode == 0
    assert [p for p in active_parts(repo.root / "build") if "handler" in p] == []


@pytest.mark.parametrize(("name", "words"), [("13812345678.md", "手机号"), ("a\n::error::x.md", "文件名只能用")])
def test_page_file_names_are_checked_like_story_file_names(repo: ContentRepo, name: str, words: str) -> None:
    repo.write_story()
    page(repo, name, "# 标题\n\n正文。\n")
    code, out = run_cli(repo, "check")
    assert code == 1 and words in out and "pages/" in out, out


# ---------------------------------------------------------------- 6. CI output forged through MkDocs' own log


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("about.md", "# 关于\n\n[x](nothere%0A::error%20title=forged::PWNED.md)\n"),
        ("about.md", "# 关于\n\n[y](missing%0D%0A::stop-commands::tok.md)\n"),
        ("a\n::error title=forged::PWNED.md", "# x\n\n[y](zzz.md)\n"),
    ],
)
def test_the_build_log_cannot_carry_workflow_commands(repo: ContentRepo, name: str, text: str) -> None:
    repo.write_story()
    page(repo, name, text)
    repo.write_config()
    env = {**build_env(), "GITHUB_ACTIONS": "true"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=repo.root, capture_output=True, text=True, env=env, check=False
    )
    commands = [line.strip() for line in (result.stdout + result.stderr).splitlines() if line.strip().startswith("::")]
    assert [c for c in commands if not re.match(r"::(error|warning) file=[^,\n]*,line=\d+,title=", c)] == []


def test_the_job_summary_quota_table_shows_a_unit_name_as_text(repo: ContentRepo) -> None:
    repo.write_unit(
        "city-postal",
        {"name": "![跟踪](https://evil.example/p.png)[点此修复](https://evil.example/x)", "kind": "direct"},
    )
    repo.write_story()
    summary = render_job_summary(repo.check(), repo.root, "stories", None)
    assert "](https://evil" not in summary.replace("\\]", "")
    _code, report = run_cli(repo, "report", "--format", "markdown")
    assert "](https://evil" not in report.replace("\\]", "")


# ---------------------------------------------------------------- 7. work without bound

FLOODS = {"brackets": ("[", 200_000), "image-brackets": ("![", 100_000), "link-opens": ("[a](", 200_000)}


@pytest.mark.parametrize("name", list(FLOODS))
def test_a_bracket_flood_is_refused_or_rendered_within_budget(name: str) -> None:
    """10,000 "[" take 12 s to render (quadratic): a 1 MB story keeps the CI busy for days."""
    unit, count = FLOODS[name]
    code = f"""
import tempfile, markdown
from pathlib import Path
from tests.conftest import ContentRepo
from honorroll.html_policy import clean, MARKDOWN_EXTENSIONS
body = {unit!r} * {count}
with tempfile.TemporaryDirectory() as t:
    repo = ContentRepo(Path(t))
    repo.write_story(body=body)
    found = [d for d in repo.check().errors if d.field == "正文"]
if not found:  # what the build renders
    clean(markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS)).convert(body))
print("ok")
"""
    assert run_with_cpu_budget(code).strip().endswith("ok")


# ---------------------------------------------------------------- 8. print copies, feed, open data


def test_print_copies_drop_the_jpeg_comment(tmp_path: Path) -> None:
    """The site's copies drop comments (media.py clears ``info``); the book's and dossiers' kept them."""
    from PIL import Image

    from honorroll.book.photos import PrintPhotos

    source = tmp_path / "p.jpg"
    Image.new("RGB", (64, 48)).save(source, "JPEG", comment=b"GPS 25.03N 119.31E owner 13812345678")
    copy = PrintPhotos(tmp_path / "cache").copy(source)
    assert copy is not None and b"13812345678" not in copy.read_bytes()


def test_a_noncharacter_in_a_title_never_breaks_the_feed(repo: ContentRepo) -> None:
    repo.write_story(changes={"title": "深山邮路\ufffe不老松", "summary": "三十年\uffff如一日。"})
    code, _out = run_cli(repo, "check")
    if code == 1:
        return
    assert build(repo).returncode == 0
    for feed in ("feed.xml", "zh-hant/feed.xml"):
        ET.fromstring((repo.root / "build" / feed).read_bytes())  # raises on U+FFFE / U+FFFF


@pytest.mark.parametrize("text", ["＝1+1", "＋1+1", "－1+1", "＠SUM(A1)"])
def test_open_data_csv_cells_never_start_a_full_width_formula(text: str) -> None:
    """``honorroll report`` prefixes these (report._FORMULA_START); the published CSV did not."""
    assert open_data._cell(text) == "'" + text


# ---------------------------------------------------------------- 9. pages shadowing generated pages


@pytest.mark.parametrize("name", ["notice.md", "honors.md", "years.md", "search.md"])
def test_a_page_cannot_silently_replace_a_generated_page(repo: ContentRepo, name: str) -> None:
    repo.write_story()
    page(repo, name, "# 伪造页面\n\n伪造的内容。\n")
    result = build(repo)
    if refused(result, f"pages/{name}"):
        return
    built = repo.root / "build" / name.removesuffix(".md") / "index.html"
    assert "伪造" not in built.read_text(encoding="utf-8")


# ---------------------------------------------------------------- 10. the Traditional edition's switch


def test_a_content_link_is_not_taken_for_the_script_switch() -> None:
    anchor = '<a href="https://example.org/news/" title=" data-hr-script=x" rel="noopener noreferrer">中文链接</a>'
    html = f'<html><body><div class="hr-body"><p>{anchor}</p></div></body></html>'
    edition = hant.Edition("zh-hant", "s2t", SITE_URL)
    simplified = hant.simplified_switch(html, edition, "stories/2024/x/index.html")
    traditional = hant.convert_html(html, edition, "stories/2024/x/index.html", hant.converter("s2t.json").convert)
    assert 'href="https://example.org/news/"' in simplified
    assert 'href="https://example.org/news/"' in traditional and "中文鏈接" in traditional


# ---------------------------------------------------------------- 11. activity links


def test_an_activity_link_cannot_leave_the_site_folder_with_encoded_dots() -> None:
    assert not link_allowed(SITE + "%2e%2e/other-project/", SITE, [OFFICIAL])
    assert not link_allowed(SITE + ".%2E/other-project/", SITE, [OFFICIAL])


@pytest.mark.parametrize(
    "body",
    [
        "[甲](http:evil.example)",
        "[乙](\\\\\\\\evil.example)",
        "[丙](/\\\\evil.example)",
        "[丁](https:&#47;&#47;evil.example)",
    ],
)
def test_activity_body_links_to_other_hosts_are_refused(repo: ContentRepo, body: str) -> None:
    """Browsers read each of these as a link to evil.example; the check only looked for "//"."""
    repo.write_story()
    write_activity(repo, body=f"活动经过。\n\n{body}\n")
    found = [d for d in errors(check_with_site(repo, official_hosts=[OFFICIAL])) if d.file.startswith("activities/")]
    assert found and all(d.field == "正文" for d in found)


# ---------------------------------------------------------------- 12. YAML messages


def test_a_huge_integer_is_a_chinese_error_on_its_own_line(repo: ContentRepo) -> None:
    raw = (repo.write_story().read_text(encoding="utf-8").split("---\n")[1]) + (
        "honors:\n  - {title: 福建好人, level: provincial, year: " + "9" * 5000 + "}\n"
    )
    path = repo.write_story(raw_front_matter=raw)
    [problem] = errors(repo.check())
    assert problem.line == line_with(path, "honors:") + 1
    assert "limit" not in problem.message and "sys.set_int_max_str_digits" not in problem.message


def test_a_merge_key_cannot_hide_a_second_value(repo: ContentRepo) -> None:
    """``<<`` is a duplicate key in disguise: the merged value is dropped without a word."""
    raw = repo.write_story().read_text(encoding="utf-8").split("---\n")[1] + "<<: {status: withdrawn}\n"
    path = repo.write_story(raw_front_matter=raw)
    [problem] = errors(repo.check())
    assert "<<" in problem.message and problem.line == line_with(path, "<<:")


# ---------------------------------------------------------------- 13. things dropped without a word


@pytest.mark.parametrize(
    "body",
    [
        "!!! mermaid\n    graph TD",
        "[点我](java\tscript:alert(1))",
    ],
)
def test_what_the_site_drops_the_check_reports(repo: ContentRepo, body: str) -> None:
    """The mermaid class and the tab-split href are removed by the sanitiser: the check must say so."""
    path = repo.write_story(body=f"第一段。\n\n{body}\n", bundle=True)
    (path.parent / "cover.jpg").write_bytes(JPEG)
    assert errors(repo.check(), "safety"), body


def test_a_src_inside_another_attribute_does_not_hide_the_photo(repo: ContentRepo) -> None:
    """``title="… src="`` once made the site take the title for the image's address and drop the photo."""
    path = repo.write_story(body='第一段。\n\n<img alt="照片" title="说明 src=" src="cover.jpg">\n', bundle=True)
    (path.parent / "cover.jpg").write_bytes(JPEG)
    assert build(repo).returncode == 0
    story = next((repo.root / "build" / "stories").glob("*/*/index.html")).read_text(encoding="utf-8")
    body = story.split('class="hr-body"', 1)[1]
    assert re.search(r'<img alt="照片" title="说明 src=" src="[^"]+\.jpg" srcset=', body), body[:2000]


# ---------------------------------------------------------------- review round: the same classes, other doors


def test_page_settings_without_dashes_are_refused_too(repo: ContentRepo) -> None:
    """MkDocs reads leading ``key: value`` lines as settings even without ``---`` (MultiMarkdown style)."""
    repo.write_story()
    path = page(repo, "about.md", "template: redirect.html\nlocation: https://evil.example/\n\n# 关于\n\n正文。\n")
    code, out = run_cli(repo, "check")
    assert code == 1 and f"pages/about.md:{line_with(path, 'template:')}:" in out, out
    assert "Traceback" not in out


def test_page_settings_the_check_never_saw_do_not_reach_the_theme(repo: ContentRepo) -> None:
    """The second wall: whatever a docs page's meta holds, only title, description and hide reach Material."""
    from honorroll.engine.plugin import HonorRollPlugin

    class FakePage:
        def __init__(self) -> None:
            self.meta = {"title": "关于", "template": "redirect.html", "location": "https://evil.example/"}
            self.title = "关于"
            self.file = type("F", (), {"src_uri": "about.md", "generated_by": None})()

    plugin = HonorRollPlugin()
    plugin.chrome = type(
        "C", (), {"titles": {}, "ctx": type("X", (), {"specs": {}})(), "is_story": lambda self, p: False}
    )()
    fake = FakePage()
    plugin.on_page_content("<p>正文</p>", page=fake, config=None, files=None)  # type: ignore[arg-type]
    assert fake.meta == {"title": "关于"}


def test_a_linked_folder_in_pages_never_reaches_the_site(repo: ContentRepo, secret: Path) -> None:
    """MkDocs walks docs_dir following links; the build's own wall refuses what it found through one."""
    import pytest as _pytest
    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import get_files

    from honorroll.engine.files import guard_docs_files

    repo.write_story()
    (repo.root / "pages" / "g").symlink_to(secret.parent, target_is_directory=True)
    config = load_config(config_file=str(repo.write_config()))
    files = get_files(config)
    assert any("g/" in f.src_uri for f in files), "MkDocs itself follows the link"
    with _pytest.raises(PluginError, match="链接"):
        guard_docs_files(files, config, repo.root / ".cache-test")


@pytest.mark.parametrize(
    "name", ["README.md", "feed.xml.md", "404.html.md", "about.MD", "book.md", "honorroll/feed.xml.md"]
)
def test_pages_that_would_collide_or_be_misread_are_refused(repo: ContentRepo, name: str) -> None:
    repo.write_story()
    page(repo, name, "# 标题\n\n正文。\n")
    code, out = run_cli(repo, "check")
    assert code == 1 and f"pages/{name}" in out and "Traceback" not in out, out


def test_dot_files_that_mkdocs_leaves_out_are_not_errors(repo: ContentRepo) -> None:
    repo.write_story()
    page(repo, ".DS_Store", "x")
    page(repo, ".gitkeep", "")
    code, out = run_cli(repo, "check")
    assert code == 0 and "pages/.DS_Store" not in out and "pages/.gitkeep" not in out, out


def test_page_images_are_published_without_their_metadata(repo: ContentRepo) -> None:
    from PIL import Image

    repo.write_story()
    (repo.root / "pages" / "img").mkdir(parents=True)
    exif = Image.Exif()
    exif[0x013B] = "拍摄者 13812345678"  # Artist
    Image.new("RGB", (40, 30), "red").save(repo.root / "pages" / "img" / "logo.jpg", "JPEG", exif=exif, comment=b"GPS")
    page(repo, "about.md", "# 关于\n\n![标志](img/logo.jpg)\n")
    result = build(repo)
    assert result.returncode == 0, result.stderr[-2000:]
    published = (repo.root / "build" / "img" / "logo.jpg").read_bytes()
    assert b"13812345678" not in published and b"GPS" not in published
    with Image.open(repo.root / "build" / "img" / "logo.jpg") as image:
        assert image.size == (40, 30) and not image.getexif()
