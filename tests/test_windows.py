"""Windows as the editors have it: no ``fork`` (workers are spawned), CRLF line endings, byte-order marks.

Each variant checks a copy of the sample with two broken stories, then builds the repaired copy,
and must give the same diagnostics (and exit code) and the same site, byte for byte, as the
default mode on plain LF files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sitebuild import ROOT, copy_sample

NOFORK = ROOT / "tests" / "nofork"
BROKEN = {
    # A misspelt field name and a status that does not exist: diagnostics made in the check's workers.
    "stories/2022/2022-edu-lin-xiaolan.md": ("summary:", "sumary:"),
    "stories/2023/2023-bus-luo-wanqing/index.md": ("status: published", "status: publish"),
}
TEXT_SUFFIXES = {".md", ".yml"}


@dataclass(frozen=True)
class Outcome:
    check_code: int
    check_output: str
    site: dict[str, bytes]


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HONORROLL_", "GITHUB_", "PYTHON"))}
    env["PYTHONPATH"] = str(ROOT)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.update(extra or {})
    return env


def _nofork_env(log: Path) -> dict[str, str]:
    return _env(
        {
            "PYTHONPATH": os.pathsep.join([str(NOFORK), str(ROOT)]),
            "HONORROLL_START_METHOD": "spawn",
            "HONORROLL_TEST_FORCE_PARALLEL": "1",
            "HONORROLL_TEST_PROCESS_LOG": str(log),
        }
    )


def _run(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=root, capture_output=True, text=True, check=False, env=env)


def _text_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file())


def _break(root: Path) -> None:
    for name, (old, new) in BROKEN.items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _site(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _check_then_build(root: Path, env: dict[str, str], rewrite: Callable[[bytes], bytes] | None = None) -> Outcome:
    """Checks the sample with the broken stories, then repairs them and builds from a cold cache."""
    copy_sample(root)
    _break(root)
    if rewrite is not None:
        for path in _text_files(root):
            path.write_bytes(rewrite(path.read_bytes()))
    check = _run(root, env, "honorroll", "check")
    for name in BROKEN:
        shutil.copy(ROOT / name, root / name)
        if rewrite is not None:
            (root / name).write_bytes(rewrite((root / name).read_bytes()))
    shutil.rmtree(root / ".cache", ignore_errors=True)  # so the build's check runs its workers again
    build = _run(root, env, "mkdocs", "build")
    assert build.returncode == 0, build.stderr
    return Outcome(check.returncode, check.stdout + check.stderr, _site(root / "build"))


@pytest.fixture(scope="module")
def default_mode(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    outcome = _check_then_build(tmp_path_factory.mktemp("default"), _env())
    assert outcome.check_code == 1 and "sumary" in outcome.check_output and "publish" in outcome.check_output
    return outcome


def _assert_same(outcome: Outcome, expected: Outcome) -> None:
    assert (outcome.check_code, outcome.check_output) == (expected.check_code, expected.check_output)
    assert outcome.site.keys() == expected.site.keys()
    differing = [name for name in expected.site if outcome.site[name] != expected.site[name]]
    assert not differing, differing[:10]


def test_the_simulation_has_no_fork(tmp_path: Path) -> None:
    probe = (
        "import multiprocessing as mp, os\n"
        "assert not hasattr(os, 'fork') and mp.get_all_start_methods() == ['spawn']\n"
        "for method in ('fork', 'forkserver'):\n"
        "    try:\n"
        "        mp.get_context(method)\n"
        "    except ValueError:\n"
        "        continue\n"
        "    raise SystemExit(method + ' is still available')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, env=_nofork_env(tmp_path / "log")
    )
    assert result.returncode == 0, result.stderr


def test_check_and_build_under_spawn_without_fork_match_the_default_mode(tmp_path: Path, default_mode: Outcome) -> None:
    log = tmp_path / "processes.log"
    outcome = _check_then_build(tmp_path / "site", _nofork_env(log))
    _assert_same(outcome, default_mode)
    # The worker pools really ran, and only ever spawned: the check's and the story pages' (2 cores or more).
    started = log.read_text(encoding="utf-8").split()
    assert set(started) == {"spawn"}
    if (os.cpu_count() or 1) > 1:
        assert len(started) >= 2


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _bom(data: bytes) -> bytes:
    return data if data.startswith(b"\xef\xbb\xbf") else b"\xef\xbb\xbf" + data


@pytest.mark.parametrize("rewrite", [_crlf, _bom, lambda data: _bom(_crlf(data))], ids=["crlf", "bom", "bom-crlf"])
def test_crlf_and_bom_files_check_and_build_like_lf_files(
    tmp_path: Path, default_mode: Outcome, rewrite: Callable[[bytes], bytes]
) -> None:
    outcome = _check_then_build(tmp_path, _env(), rewrite)
    assert all(p.read_bytes() == rewrite(p.read_bytes()) for p in _text_files(tmp_path))  # still rewritten
    _assert_same(outcome, default_mode)


WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.I)
WINDOWS_FORBIDDEN = re.compile(r'[<>:"\\|?*\x00-\x1f]')


def test_every_file_name_works_on_windows(default_mode: Outcome) -> None:
    """Sources and the built site can be checked out and written on NTFS: no reserved or invalid
    names, and no two paths that differ only in letter case."""
    sources = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for paths in (sorted({p for p in sources if p}), list(default_mode.site)):  # a merge lists a file per stage
        for path in paths:
            for part in path.split("/"):
                assert not WINDOWS_RESERVED.match(part) and not WINDOWS_FORBIDDEN.search(part), path
                assert not part.endswith((".", " ")), path
        assert len({p.casefold() for p in paths}) == len(paths)
