"""The staged build: write beside the site, then swap the finished folder in with one atomic step.

A failed or killed build never touches the last good site, and readers of ``build/`` never see
a moment without one: on Linux the two folders are exchanged with ``renameat2(RENAME_EXCHANGE)``
(one system call); elsewhere two renames follow each other as closely as possible. Folders left
behind by a killed build carry its process id and are removed by the next build.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

STAGING_MARK = ".building-"
PREVIOUS_MARK = ".previous"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def staging_prefix(final: Path) -> str:
    return f".{final.name}{STAGING_MARK}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        # os.kill(pid, 0) would send Ctrl+C there; ask the kernel whether the process exists instead.
        kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined,unused-ignore]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists, owned by someone else
    return True


def remove_leftovers(final: Path) -> list[Path]:
    """Staging folders of builds that are no longer running, and a stale ``.<name>.previous``."""
    removed: list[Path] = []
    prefix = staging_prefix(final)
    if not final.parent.is_dir():
        return removed
    for entry in final.parent.iterdir():
        if entry.name.startswith(prefix):
            pid_text = entry.name[len(prefix) :].split("-", 1)[0]
            if pid_text.isdigit() and _alive(int(pid_text)):
                continue
        elif entry.name != f".{final.name}{PREVIOUS_MARK}":
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def stage(final: Path) -> Path:
    """A new empty folder beside ``final`` (same file system, so the swap is a rename)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(final)
    return Path(tempfile.mkdtemp(prefix=f"{staging_prefix(final)}{os.getpid()}-", dir=final.parent))


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux 3.15+, glibc 2.28+); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def swap_in(staging: Path, final: Path) -> Path | None:
    """Makes ``staging`` the site at ``final``; returns the folder now holding the previous site, if any."""
    if final.is_dir() and not final.is_symlink() and _exchange(staging, final):
        return staging  # the old site now sits at the staging path
    previous = final.with_name(f".{final.name}{PREVIOUS_MARK}")
    shutil.rmtree(previous, ignore_errors=True)
    had_site = final.exists()
    if had_site:
        final.rename(previous)
    staging.rename(final)
    return previous if had_site else None
