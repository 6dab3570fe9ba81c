"""Progress of a long build, in MkDocs' log style: a line every few seconds while a stage runs
(what, done/total), and each stage's time when it ends, so CI logs and terminals show it is moving."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

INTERVAL_SECONDS = 5.0


class Progress:
    """One build's stages. ``clock`` is injectable so tests need no sleeping."""

    def __init__(
        self, log: logging.Logger, interval: float = INTERVAL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.log = log
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self.stage_started = self.started
        self.last_line = self.started
        self.timings: list[tuple[str, float]] = []

    def begin(self) -> None:
        """A new stage starts now (the previous one has been ended with :meth:`end`)."""
        self.stage_started = self.last_line = self.clock()

    def end(self, stage: str, detail: str = "") -> float:
        """Logs the stage's time; returns it."""
        now = self.clock()
        seconds = now - self.stage_started
        self.timings.append((stage, seconds))
        self.log.info("%s%s，用时 %.1f 秒", stage, f"：{detail}" if detail else "", seconds)
        self.stage_started = self.last_line = now
        return seconds

    def tick(self, parts: Callable[[], list[tuple[str, int, int]]]) -> None:
        """Logs ``what done/total (percent)`` for each part when ``interval`` has passed since the last line.

        ``parts`` is only called when a line is due, so ticking on every page costs a clock read.
        """
        now = self.clock()
        if now - self.last_line < self.interval:
            return
        self.last_line = now
        shown = [f"{what} {done:,}/{total:,}（{100 * done // max(total, 1)}%）" for what, done, total in parts()]
        self.log.info("进度：%s，已用 %.0f 秒", "，".join(shown), now - self.started)

    def summary(self) -> str:
        return "、".join(f"{stage} {seconds:.1f} 秒" for stage, seconds in self.timings)
