"""Previewing a built site on this computer, at the path it will be published under.

A site built for ``https://example.org/guangrongbang/`` opened from disk does not work: story links
end in folders (a directory listing), search cannot fetch its index from ``file://``. Served over
HTTP at ``/guangrongbang/`` it behaves as published. The prefix is read from the built site itself
(its home page's canonical link), so a CI artifact previews right wherever it was unzipped;
``site_url`` in mkdocs.yml is the fallback. Like GitHub Pages: no directory listings, ``404.html``
for missing pages, and ``/`` leads to the site.
"""

from __future__ import annotations

import errno
import functools
import http.server
import socket
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, unquote, urlsplit

HOST = "127.0.0.1"  # only this computer: a preview is not published yet
DEFAULT_PORT = 8001  # mkdocs serve uses 8000; both can run side by side
MAX_UNZIPPED_BYTES = 4 << 30


class PreviewError(Exception):
    """A Chinese sentence for the editor: what is wrong and what to do."""


def port_problem(host: str, port: int, other_port_hint: str) -> str | None:
    """Why a server could not listen on host:port, in one Chinese sentence, or None when it can."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        return f"无法识别地址 {host}：请写成 127.0.0.1 或 localhost"
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
        try:
            probe.bind(address)
        except OSError as exc:
            return _bind_problem(exc, host, port, other_port_hint)
    return None


def _bind_problem(exc: OSError, host: str, port: int, other_port_hint: str) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"端口 {port} 已被占用（可能已有一个预览或 mkdocs serve 在运行）：请先关掉它，或换一个端口，如 {other_port_hint}"
    if exc.errno == errno.EACCES:
        return f"没有权限使用端口 {port}：请换一个 1024 以上的端口，如 {other_port_hint}"
    return f"无法在 {host}:{port} 上启动（{exc.strerror}）：请换一个端口，如 {other_port_hint}"


class _CanonicalLink(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and self.href is None and (values.get("rel") or "").lower() == "canonical":
            self.href = values.get("href")


def site_prefix(site: Path, site_url: str | None) -> str:
    """The path the site is published under, such as ``/guangrongbang/``."""
    parser = _CanonicalLink()
    parser.feed((site / "index.html").read_text(encoding="utf-8", errors="replace"))
    path = urlsplit(parser.href or site_url or "/").path or "/"
    return path if path.endswith("/") else path + "/"


def _site_root(folder: Path, shown: str) -> Path:
    if not folder.exists():
        raise PreviewError(f"找不到 {shown}：请先运行 mkdocs build 构建站点，或写出解压后的 CI 预览附件的文件夹")
    if not (folder / "index.html").is_file():
        inner = [p for p in folder.iterdir() if (p / "index.html").is_file()] if folder.is_dir() else []
        if len(inner) == 1:  # unzipped into a folder of its own
            return inner[0]
        raise PreviewError(
            f"{shown} 中没有构建好的站点（缺少 index.html）：请先运行 mkdocs build，"
            "或写出解压后的 CI 附件中有 index.html 的那一层文件夹"
        )
    return folder


@contextmanager
def opened_site(folder: Path) -> Iterator[Path]:
    """The folder of a built site: the folder itself, or a downloaded artifact .zip unpacked for the preview."""
    shown = str(folder)
    if not (folder.is_file() and folder.suffix.lower() == ".zip"):
        yield _site_root(folder, shown)
        return
    with tempfile.TemporaryDirectory(prefix="honorroll-preview-") as temp:
        try:
            with zipfile.ZipFile(folder) as archive:
                if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                    raise PreviewError(f"{shown} 解压后超过 4 GB，不像是站点的预览附件：请检查下载的文件")
                archive.extractall(temp)  # zipfile drops absolute paths and “..”
        except (zipfile.BadZipFile, OSError) as exc:
            raise PreviewError(f"{shown} 不是完整的 zip 文件（{exc}）：请重新下载 CI 预览附件") from exc
        yield _site_root(Path(temp), shown)


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory`` under ``prefix`` only, as a static host would."""

    prefix = "/"

    def __init__(self, *args: Any, directory: str, prefix: str, **kwargs: Any) -> None:
        self.prefix = prefix
        super().__init__(*args, directory=directory, **kwargs)

    def _inside_site(self) -> bool:
        """Answers requests outside the prefix (a redirect to the site or 404) and says whether to serve this one."""
        path = unquote(urlsplit(self.path).path)
        if path.startswith(self.prefix):
            return True
        if path in ("", "/", self.prefix.rstrip("/")):
            self.send_response(302)
            self.send_header("Location", quote(self.prefix))
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_error(404)
        return False

    def do_GET(self) -> None:
        if self._inside_site():
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._inside_site():
            super().do_HEAD()

    def translate_path(self, path: str) -> str:
        inside = unquote(urlsplit(path).path)[len(self.prefix) - 1 :]
        return super().translate_path(quote(inside))

    def list_directory(self, path: str | Any) -> None:
        self.send_error(404)  # static hosts do not list folders

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def guess_type(self, path: str | Any) -> str:
        kind = super().guess_type(path)
        textual = kind.startswith("text/") or kind in ("application/javascript", "application/json", "application/xml")
        return f"{kind}; charset=utf-8" if textual else kind

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")  # a rebuilt site shows at once
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal stays readable: one line saying where to look


def make_server(site: Path, prefix: str, port: int, host: str = HOST) -> http.server.ThreadingHTTPServer:
    """A server for the built site in ``site`` (port 0 picks a free one); PreviewError when it cannot listen."""
    handler = functools.partial(PreviewHandler, directory=str(site), prefix=prefix)
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise PreviewError(_bind_problem(exc, host, port, f"honorroll preview --port {port + 1}")) from exc


def address(server: http.server.ThreadingHTTPServer, prefix: str) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}{quote(prefix)}"


def run(folder: Path, port: int, site_url: str | None, out: TextIO) -> int:
    """Serve until Ctrl+C."""
    with opened_site(folder) as site:
        prefix = site_prefix(site, site_url)
        with make_server(site, prefix, port) as server:
            out.write(
                f"正在预览 {folder}：请在浏览器中打开 {address(server, prefix)}（只有本机能访问，按 Ctrl+C 停止）\n"
            )
            out.flush()
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                out.write("预览已停止。\n")
    return 0
