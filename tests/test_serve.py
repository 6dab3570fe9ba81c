"""`mkdocs serve` for editors: a taken port is one Chinese sentence, a free one serves and rebuilds,
and the sample-address warning waits for a real build."""

from __future__ import annotations

import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.sitebuild import build_env, copy_sample, mkdocs_build

SAMPLE_ADDRESS_WARNING = "site_url 还是示例网址"
WAIT = 300  # seconds: a generous limit for a slow machine, not a speed target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Serve:
    """`mkdocs serve` in a child process, its output read line by line."""

    def __init__(self, root: Path, port: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=root,
            env={**build_env(), "NO_MKDOCS_2_WARNING": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, text: str) -> bool:
        """Read until a line contains ``text`` (True) or the output ends (False)."""
        while (line := self.lines.get(timeout=WAIT)) is not None:
            self.seen.append(line)
            if text in line:
                return True
        return False

    def output(self) -> str:
        while (line := self.lines.get(timeout=WAIT)) is not None:
            self.seen.append(line)
        return "".join(self.seen)


@contextmanager
def serving(root: Path, port: int) -> Iterator[Serve]:
    serve = Serve(root, port)
    try:
        yield serve
    finally:
        if serve.process.poll() is None:
            serve.process.send_signal(signal.SIGINT)
        serve.process.wait(timeout=WAIT)


def test_a_taken_port_is_one_chinese_sentence_before_any_build(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "sample")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with serving(root, port) as serve:
            output = serve.output()
            assert serve.process.wait(timeout=WAIT) != 0
    errors = [line.split("-  ", 1)[1] for line in output.splitlines() if line.startswith("ERROR")]
    assert errors == [
        f"端口 {port} 已被占用（可能已有一个预览或 mkdocs serve 在运行）：请先关掉它，"
        f"或换一个端口，如 mkdocs serve -a 127.0.0.1:{port + 1}"
    ]
    assert "Traceback" not in output and "Address already in use" not in output
    assert not (root / "build").exists()


def test_serve_builds_rebuilds_on_its_own_port_and_keeps_quiet_about_the_sample_address(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "sample")
    port = free_port()
    with serving(root, port) as serve:
        assert serve.wait_for(f"Serving on http://127.0.0.1:{port}/guangrongbang/"), "".join(serve.seen)
        story = next((root / "stories").rglob("*.md"))
        story.write_text(story.read_text(encoding="utf-8") + "\n补记一句。\n", encoding="utf-8")
        assert serve.wait_for("Documentation built"), "".join(serve.seen)  # the rebuild: port check not repeated
    output = "".join(serve.seen)
    assert "ERROR" not in output and "已被占用" not in output
    assert SAMPLE_ADDRESS_WARNING not in output
    # Each save rebuilds at once: the Traditional copy of every page is left to the real build.
    assert output.count("预览（mkdocs serve）不生成繁体版 /zh-hant/") == 2 and "繁体版：" not in output


def test_a_build_warns_when_site_url_is_still_the_samples(tmp_path: Path) -> None:
    result = mkdocs_build(copy_sample(tmp_path / "sample"))
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if SAMPLE_ADDRESS_WARNING in line]
    assert line.startswith(
        "WARNING -  mkdocs.yml:4: 警告 [site_url] site_url 还是示例网址 https://example.org/guangrongbang/"
    )
