"""Engine longevity: ProperDocs, the maintained fork of MkDocs 1.x, builds the sample byte for byte as MkDocs does.

ProperDocs installs beside MkDocs under its own names (module and command ``properdocs``; the test extra
installs it) and maps ``mkdocs.*`` imports to itself only inside its own process, so the project keeps
MkDocs. Only the generator tag may differ.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.sitebuild import build_env, copy_sample

GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')


def build_with(engine: str, tmp_path: Path) -> Path:
    root = copy_sample(tmp_path / engine / "sample")
    env = {
        **build_env(),
        "XDG_CACHE_HOME": str(tmp_path / engine / "cache"),  # no cache shared between the two builds
        "SOURCE_DATE_EPOCH": "1764000000",  # the sitemap's gzip header carries the build time
        "NO_MKDOCS_2_WARNING": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", engine, "build", "-f", "mkdocs.yml"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return root / "build"


def files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def test_properdocs_builds_the_sample_byte_identical_except_the_generator_tag(tmp_path: Path) -> None:
    by_mkdocs = files(build_with("mkdocs", tmp_path))
    by_properdocs = files(build_with("properdocs", tmp_path))
    assert sorted(by_mkdocs) == sorted(by_properdocs)
    differing = [name for name in by_mkdocs if by_mkdocs[name] != by_properdocs[name]]
    beyond_generator = [
        name for name in differing if GENERATOR.sub(b"", by_mkdocs[name]) != GENERATOR.sub(b"", by_properdocs[name])
    ]
    assert beyond_generator == []
    home = "index.html"
    assert GENERATOR.findall(by_mkdocs[home])[0].startswith(b"mkdocs-1.6")  # each engine really ran
    assert b"ProperDocs" in GENERATOR.findall(by_properdocs[home])[0]
    assert len(by_mkdocs) > 100 and home in differing
