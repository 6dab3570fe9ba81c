"""Long builds say what they are doing: a line every few seconds and each stage's time."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from honorroll.progress import Progress
from tests.sitebuild import build_env, copy_sample


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_lines_come_every_interval_with_done_total_and_percent(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    progress = Progress(logging.getLogger("t"), interval=5.0, clock=clock)
    calls: list[int] = []

    def parts() -> list[tuple[str, int, int]]:
        calls.append(1)
        return [("故事页", 12_000, 20_000), ("页面", 3, 4)]

    with caplog.at_level(logging.INFO, logger="t"):
        clock.now += 4.9
        progress.tick(parts)
        assert caplog.messages == [] and calls == []  # not due: the parts are not even computed
        clock.now += 0.2
        progress.tick(parts)
        progress.tick(parts)  # the same instant: no second line
        clock.now += 2.0
        assert progress.end("故事页", "新生成 20,000 个") == pytest.approx(7.1)
    assert caplog.messages == [
        "进度：故事页 12,000/20,000（60%），页面 3/4（75%），已用 5 秒",
        "故事页：新生成 20,000 个，用时 7.1 秒",
    ]
    assert progress.summary() == "故事页 7.1 秒"


def test_a_build_logs_each_stage_with_its_time(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "site")
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=root,
        capture_output=True,
        text=True,
        env=build_env(),
        check=False,
    )
    assert run.returncode == 0, run.stderr
    stages = re.findall(
        r"INFO\s+-\s+(检查|列表页、照片和二维码的准备|页面|故事页|搜索索引和开放数据|繁体版|替换站点)[：，]", run.stderr
    )
    assert stages == [
        "检查",
        "列表页、照片和二维码的准备",
        "页面",
        "故事页",
        "搜索索引和开放数据",
        "繁体版",
        "替换站点",
    ]
    assert re.search(r"故事页：新生成 \d+ 个，沿用上次构建 0 个，用时 \d+\.\d 秒", run.stderr)
