"""Per-file cache of parsed stories and their single-story diagnostics.

A story's result depends only on its own files, the settings and "today", so it is kept
under a key made of those and reused until one of them changes. This is what makes a
repeated check (``mkdocs serve``, a second CI step) take a fraction of the first.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic
from .model import Story

FORMAT_VERSION = 1
StoryResult = tuple[Story | None, list[Diagnostic]]


def file_key(root: Path, file: str, is_bundle: bool) -> tuple[Any, ...]:
    """Stat-based identity of a story: its Markdown file and, for a folder story, every entry below
    the folder at any depth (photos may sit in sub-folders). Nothing is followed through a link:
    a link is part of the key as a link, so adding, removing or retargeting one is a change.
    """
    path = os.path.join(root, file)
    stat = os.lstat(path)
    key: list[Any] = [stat.st_mtime_ns, stat.st_size]
    if is_bundle:
        folder = os.path.dirname(path)
        key.extend(_folder_entries(folder, ""))
    return tuple(key)


def _folder_entries(folder: str, prefix: str) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            name = prefix + entry.name
            if name == "index.md":
                continue
            if entry.is_dir(follow_symlinks=False):
                found.append((name, "dir"))
                found.extend(_folder_entries(entry.path, name + "/"))
            else:
                info = entry.stat(follow_symlinks=False)
                found.append((name, info.st_mode, info.st_mtime_ns, info.st_size))
    return found


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(repr((FORMAT_VERSION, *parts)).encode()).hexdigest()


class StoryCache:
    def __init__(self, path: Path | None, context_fingerprint: str) -> None:
        self.path = path
        self.context = context_fingerprint
        self.entries: dict[str, tuple[tuple[Any, ...], StoryResult]] = {}
        self.dirty = False
        if path is not None and path.is_file():
            try:
                with path.open("rb") as handle:
                    context, entries = pickle.load(handle)
                if context == context_fingerprint:
                    self.entries = entries
            except Exception:
                self.entries = {}

    def get(self, file: str, key: tuple[Any, ...]) -> StoryResult | None:
        hit = self.entries.get(file)
        return hit[1] if hit is not None and hit[0] == key else None

    def put(self, file: str, key: tuple[Any, ...], result: StoryResult) -> None:
        self.entries[file] = (key, result)
        self.dirty = True

    def keep_only(self, files: set[str]) -> None:
        stale = self.entries.keys() - files
        for file in stale:
            del self.entries[file]
        self.dirty = self.dirty or bool(stale)

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".stories-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((self.context, self.entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)
        self.dirty = False
