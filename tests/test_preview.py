"""`honorroll preview`: a built site or a CI artifact served at its real path prefix, as a static host would."""

from __future__ import annotations

import http.client
import io
import itertools
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from honorroll.cli import preview
from honorroll.cli.main import build_parser, main
from tests.sitebuild import ROOT, build_env

HOME = '<!doctype html><html><head><link rel="canonical" href="https://example.org/guangrongbang/"></head><body>首页</body></html>'


def fake_site(folder: Path, home: str = HOME) -> Path:
    """What `mkdocs build` leaves: a home page, story folders with index.html, a 404 page, a folder without index."""
    pages = {
        "index.html": home,
        "404.html": "<h1>页面不存在</h1>",
        "stories/2024/2024-lin/index.html": "<h1>林某某的故事</h1>",
        "search/index.html": "<h1>搜索</h1>",
        "assets/app.js": "console.log('光荣榜');",
        "qr/2024-lin.png": "",
    }
    for name, text in pages.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    site = fake_site(tmp_path / "build")
    with preview.make_server(site, preview.site_prefix(site, None), 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


def fetch(url: str) -> tuple[int, str, str, str]:
    """(status, final URL, content type, body), following redirects as a browser does."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.url, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, url, exc.headers["Content-Type"], exc.read().decode()


def raw(base: str, path: str) -> http.client.HTTPResponse:
    """One request, redirects not followed."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)
    return connection.getresponse()


def test_pages_are_served_under_the_sites_own_prefix(served: str) -> None:
    status, url, kind, body = fetch(served + "/guangrongbang/stories/2024/2024-lin/")
    assert (status, body) == (200, "<h1>林某某的故事</h1>")
    assert kind == "text/html; charset=utf-8"
    status, url, _, body = fetch(served + "/guangrongbang/stories/2024/2024-lin")  # a story link without the slash
    assert (status, url, body) == (200, served + "/guangrongbang/stories/2024/2024-lin/", "<h1>林某某的故事</h1>")
    assert fetch(served + "/guangrongbang/assets/app.js")[2] == "text/javascript; charset=utf-8"


def test_the_root_leads_to_the_site(served: str) -> None:
    response = raw(served, "/")
    assert (response.status, response.headers["Location"]) == (302, "/guangrongbang/")
    assert raw(served, "/guangrongbang").headers["Location"] == "/guangrongbang/"
    status, url, _, body = fetch(served + "/")
    assert (status, url, body) == (200, served + "/guangrongbang/", HOME)


def test_no_folder_listing_and_missing_pages_get_the_sites_404(served: str) -> None:
    for path in ("/guangrongbang/stories/", "/guangrongbang/stories/2024/", "/guangrongbang/nope/", "/elsewhere/x"):
        status, _, _, body = fetch(served + path)
        assert (status, body) == (404, "<h1>页面不存在</h1>"), path


def test_prefix_comes_from_the_built_site_then_site_url(tmp_path: Path) -> None:
    built = fake_site(tmp_path / "a")
    assert preview.site_prefix(built, "https://other.example/x/") == "/guangrongbang/"
    bare = fake_site(tmp_path / "b", home="<html><body>首页</body></html>")
    assert preview.site_prefix(bare, "https://honor.qingyu.example/guangrongbang") == "/guangrongbang/"
    assert preview.site_prefix(bare, None) == "/"


def test_a_downloaded_artifact_zip_or_its_unzipped_folder(tmp_path: Path) -> None:
    site = fake_site(tmp_path / "build")
    archive = tmp_path / "site-preview.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in site.rglob("*"):
            zf.write(path, path.relative_to(site).as_posix())
    with preview.opened_site(archive) as opened:
        assert (opened / "stories/2024/2024-lin/index.html").read_text(encoding="utf-8") == "<h1>林某某的故事</h1>"
    assert not opened.exists()  # unpacked only for the preview
    wrapper = tmp_path / "下载" / "site-preview"
    wrapper.mkdir(parents=True)
    site.rename(wrapper / "build")
    with preview.opened_site(tmp_path / "下载" / "site-preview") as opened:
        assert opened == wrapper / "build"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("nowhere", "找不到 {folder}：请先运行 mkdocs build"),
        ("empty", "{folder} 中没有构建好的站点（缺少 index.html）"),
        ("broken.zip", "{folder} 不是完整的 zip 文件"),
    ],
)
def test_no_site_there_is_one_chinese_sentence(tmp_path: Path, name: str, expected: str) -> None:
    folder = tmp_path / name
    if name == "empty":
        folder.mkdir()
    elif name.endswith(".zip"):
        folder.write_bytes(b"PK\x03\x04 not a zip")
    out = io.StringIO()
    assert main(["-f", str(tmp_path / "mkdocs.yml"), "preview", str(folder)], out=out) == 2
    assert out.getvalue().startswith("错误：" + expected.format(folder=folder))
    assert out.getvalue().count("\n") == 1


def _preview(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "honorroll", "preview", *args],
        cwd=cwd,
        env=build_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_command_serves_mkdocs_yml_site_dir_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nsite_dir: public\nplugins:\n  - honorroll\n", encoding="utf-8")
    fake_site(tmp_path / "public")
    process = _preview("--port", "0", cwd=tmp_path)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("正在预览 public：请在浏览器中打开 http://127.0.0.1:")
    url = line.split("打开 ")[1].split("（")[0]
    assert url.endswith("/guangrongbang/")
    assert fetch(url + "stories/2024/2024-lin/")[3] == "<h1>林某某的故事</h1>"
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=20)
    assert process.returncode == 0 and rest == "预览已停止。\n"


def test_a_taken_port_is_one_chinese_sentence(tmp_path: Path) -> None:
    fake_site(tmp_path / "build")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _preview("build", "--port", str(port), cwd=tmp_path)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert output == (
        f"错误：端口 {port} 已被占用（可能已有一个预览或 mkdocs serve 在运行）：请先关掉它，"
        f"或换一个端口，如 honorroll preview --port {port + 1}\n"
    )


def test_port_problem_names_a_taken_port_and_accepts_a_free_one() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        message = preview.port_problem("127.0.0.1", port, "mkdocs serve -a 127.0.0.1:8001")
        assert message is not None and message.startswith(f"端口 {port} 已被占用")
    assert preview.port_problem("127.0.0.1", port, "") is None


def test_every_command_in_the_guide_is_one_the_parser_accepts() -> None:
    """The guide's examples (bash blocks) are real commands: a renamed option fails here."""
    guide = (ROOT / "docs" / "editors-guide.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", guide, flags=re.DOTALL)
    commands = [line.split("#")[0] for block in blocks for line in block.splitlines()]
    commands = [c for c in commands if c.startswith("honorroll ")]
    assert any(c.startswith("honorroll preview") for c in commands)
    for command in commands:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words = list(itertools.takewhile(lambda w: w not in (">", ">>", "|", "&&", ";"), lexer))
        build_parser().parse_args(words[1:])
