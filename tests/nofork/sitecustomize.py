"""Makes this interpreter (and every process it spawns) behave like Windows: no ``fork`` at all.

Put this folder first on ``PYTHONPATH``; Python imports ``sitecustomize`` at start-up, spawned
workers included, since they inherit the environment. Used by tests/test_spawn.py.

- ``os.fork`` is gone and multiprocessing knows only ``spawn`` (asking for ``fork`` or
  ``forkserver`` raises ``ValueError``, as on Windows);
- ``HONORROLL_TEST_FORCE_PARALLEL=1`` drops the "too few stories to bother" thresholds, so the
  small sample goes through the worker pools;
- ``HONORROLL_TEST_PROCESS_LOG=FILE`` appends the start method of every worker process started.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.process
import os
from typing import Any

for _method in ("fork", "forkserver"):
    multiprocessing.context._concrete_contexts.pop(_method, None)
multiprocessing.set_start_method("spawn", force=True)


def _only_spawn(*_args: Any) -> list[str]:
    return ["spawn"]


multiprocessing.get_all_start_methods = _only_spawn
multiprocessing.context.DefaultContext.get_all_start_methods = _only_spawn  # type: ignore[method-assign]
if hasattr(os, "fork"):
    del os.fork

_log = os.environ.get("HONORROLL_TEST_PROCESS_LOG")
if _log:
    _start = multiprocessing.process.BaseProcess.start

    def _logged_start(self: multiprocessing.process.BaseProcess) -> None:
        with open(_log, "a", encoding="utf-8") as handle:
            handle.write(f"{getattr(self, '_start_method', None)}\n")
        _start(self)

    multiprocessing.process.BaseProcess.start = _logged_start  # type: ignore[method-assign]

if os.environ.get("HONORROLL_TEST_FORCE_PARALLEL") == "1":
    import honorroll.check.run
    import honorroll.site.search
    import honorroll.site.stamp

    for _module in (honorroll.check.run, honorroll.site.stamp, honorroll.site.search):
        _module.PARALLEL_THRESHOLD = 1
