"""Building a copy of the sample site, shared by the site and browser tests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SITE_URL = "https://example.org/guangrongbang/"


def build_env() -> dict[str, str]:
    """Import this checkout's package in the child build, whatever is installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def copy_sample(dest: Path, site_url: str | None = None) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("pages", "stories", "units", "activities"):
        shutil.copytree(ROOT / folder, dest / folder)
    if site_url is not None:
        config = dest / "mkdocs.yml"
        text = re.sub(r"(?m)^site_url:.*$", f"site_url: {site_url}", config.read_text(encoding="utf-8"))
        config.write_text(text, encoding="utf-8")
    return dest


def mkdocs_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=build_env(),
    )


def build_sample(dest: Path, site_url: str | None = None) -> Path:
    result = mkdocs_build(copy_sample(dest, site_url))
    assert result.returncode == 0, result.stderr
    return dest / "build"
