"""Worker processes that behave the same under ``fork`` and ``spawn`` (Windows, macOS' default).

Work is handed to workers through ``initializer``/``initargs`` and task arguments, never
through globals set before a fork, so a pool started with ``spawn`` gets the same data.
``HONORROLL_START_METHOD`` forces a method (the tests use it to run everything under spawn).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

START_METHOD_ENV = "HONORROLL_START_METHOD"


def start_method() -> str:
    """``fork`` where the platform has it (cheapest), else ``spawn``; the environment variable wins."""
    available = multiprocessing.get_all_start_methods()
    wanted = os.environ.get(START_METHOD_ENV, "").strip()
    if wanted:
        if wanted not in available:
            raise ValueError(f"环境变量 {START_METHOD_ENV}={wanted!r} 在本系统不可用，可选：{'、'.join(available)}")
        return wanted
    return "fork" if "fork" in available else "spawn"


def process_pool(
    workers: int, initializer: Callable[..., object] | None = None, initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(start_method()),
        initializer=initializer,
        initargs=initargs,
    )
