"""Shared helpers of the hostile-input tests."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from honorroll.cli.main import main
from honorroll.diagnostics import Diagnostic
from tests.conftest import ROOT, ContentRepo

CPU_BUDGET_SECONDS = 60
"""Work allowed to a scan of a 1 MB pathological input. A linear scan needs about a second; the
quadratic patterns they replace need hours, so exceeding the budget means the bound is gone."""


def line_with(path: Path, needle: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line of ``path`` that contains ``needle``."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == nth:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


def only(diagnostics: list[Diagnostic], rule: str) -> Diagnostic:
    found = [d for d in diagnostics if d.rule == rule]
    assert len(found) == 1, found
    return found[0]


def run_cli(repo: ContentRepo, *args: str) -> tuple[int, str]:
    return run_cli_with_config(repo.write_config(), *args)


def run_cli_with_config(config: Path, *args: str) -> tuple[int, str]:
    """``honorroll -f config check`` (or ``args``) as an editor runs it: exit code and everything printed."""
    out = io.StringIO()
    code = main(["-f", str(config), *(args or ("check",))], out=out)
    return code, out.getvalue()


def run_with_cpu_budget(code: str) -> str:
    """Runs ``code`` in a child Python whose CPU time is capped; the child is killed when it runs out.

    Bounds the work a scan may do instead of timing it: the result must be right and arrive within budget.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    limit = f"import resource\nresource.setrlimit(resource.RLIMIT_CPU, ({CPU_BUDGET_SECONDS}, {CPU_BUDGET_SECONDS}))\n"
    proc = subprocess.run([sys.executable, "-c", limit + code], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, f"exceeded its CPU budget or failed (code {proc.returncode}): {proc.stderr[-2000:]}"
    return proc.stdout
