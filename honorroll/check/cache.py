"""Caches that can neither execute nor lie: data-only, outside the content repository, keyed by code.

Everything a pull request contains is untrusted, so nothing read back from a cache may run
code (no pickle: JSON that builds only the model's own classes) and a cache folder that a
commit could fill is never read (a folder tracked by git is ignored with a warning). Every key
includes :func:`code_fingerprint`, a hash of the package's own source and templates, so a new
rule or another version never reads an old result.

The per-file story cache: a story's result depends only on its own files, the settings and
"today", so it is kept under a key made of those and reused until one of them changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from honorroll import PACKAGE_DIR, __version__
from honorroll.content.model import Eligibility, Honor, Photo, Process, Story, Subject
from honorroll.diagnostics import Diagnostic, Severity

FORMAT_VERSION = 3
CACHE_ENV = "HONORROLL_CACHE_DIR"
StoryResult = tuple[Story | None, list[Diagnostic]]

# The only classes a cache file can produce. Each object is stored as the list of its field values in
# declaration order (no repeated key names: half the size, parsed twice as fast); the fields that need
# more than JSON (dates, nested objects, the severity) are converted back by name.
_CACHED = (Story, Subject, Photo, Honor, Eligibility, Process, Diagnostic)
_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _CACHED
}


def _special_fields(cls: type[Any]) -> tuple[tuple[str, str, type[Any] | None], ...]:
    found: list[tuple[str, str, type[Any] | None]] = []
    for f in dataclasses.fields(cls):
        annotation = str(f.type)
        nested = next((c for c in _CACHED if c.__name__ in re.split(r"[\[\]| ]+", annotation)), None)
        if nested is not None:
            found.append((f.name, "list" if annotation.startswith("list[") else "object", nested))
        elif "dt.date" in annotation:
            found.append((f.name, "date", None))
        elif annotation == "Severity":
            found.append((f.name, "severity", None))
    return tuple(found)


_SPECIAL = {cls: _special_fields(cls) for cls in _CACHED}


@functools.cache
def code_fingerprint() -> str:
    """The package version and a hash of every source and template file under the package."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(repr((FORMAT_VERSION, code_fingerprint(), *parts)).encode()).hexdigest()


def user_cache_home() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "honorroll" / "Cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "honorroll"


def _tracked_by_git(root: Path, folder: Path) -> bool:
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--", str(folder)],
            cwd=root,
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and bool(out.stdout)


@dataclasses.dataclass(frozen=True)
class CacheLocation:
    path: Path
    warning: str | None = None


def resolve_cache_dir(root: Path, configured: str, environ: dict[str, str] | None = None) -> CacheLocation:
    """Where this repository's caches live: the environment variable, the option, or the user's cache folder.

    The default is outside the repository, one folder per repository path, so a clone's files
    never reach it. A chosen folder inside the repository that git tracks is refused.
    """
    env = os.environ if environ is None else environ
    root = root.resolve()
    default = user_cache_home() / hashlib.sha256(str(root).encode()).hexdigest()[:16]
    chosen = (env.get(CACHE_ENV) or configured or "").strip()
    if not chosen:
        return CacheLocation(default)
    path = Path(chosen).expanduser()
    path = (path if path.is_absolute() else root / path).resolve()
    if path.is_relative_to(root) and _tracked_by_git(root, path):
        rel = path.relative_to(root).as_posix()
        return CacheLocation(
            default,
            f"缓存文件夹 {rel}/ 中有文件被提交到了 git：缓存可能被人为篡改，本次不读取它，改用 {default}。"
            f"请从仓库中删除这些文件（git rm -r --cached {rel}）并把它加入 .gitignore",
        )
    return CacheLocation(path)


# ---------------------------------------------------------------- JSON codec for the content model


def _default(value: Any) -> Any:
    """Called by the C encoder only for what JSON lacks: the model's objects and dates."""
    if type(value) is dt.date:
        return value.isoformat()
    names = _FIELD_NAMES.get(type(value))
    if names is None:
        raise TypeError(f"cannot cache {type(value).__name__}")
    return [getattr(value, name) for name in names]


def _unpack(cls: type[Any], row: Any) -> Any:
    """An object of ``cls`` from its stored field list; ValueError for anything that does not fit."""
    names = _FIELD_NAMES[cls]
    if type(row) is not list or len(row) != len(names):
        raise ValueError(f"not a stored {cls.__name__}")
    data = dict(zip(names, row, strict=True))
    for name, kind, nested in _SPECIAL[cls]:
        value = data[name]
        if value is None:
            continue
        if kind == "date":
            data[name] = dt.date.fromisoformat(value)
        elif kind == "severity":
            data[name] = Severity(value)
        elif kind == "object":
            data[name] = _unpack(nested, value)  # type: ignore[arg-type]
        else:
            data[name] = [_unpack(nested, item) for item in value]  # type: ignore[arg-type]
    # As pickle does, fill the instance without calling __init__ (frozen dataclasses' is slow).
    instance = object.__new__(cls)
    instance.__dict__.update(data)
    return instance


def dumps(value: Any) -> str:
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":"), check_circular=False)


# ---------------------------------------------------------------- the per-story check cache


RACY_NS = 2_000_000_000


class ContentDigests:
    """Digests of content files, remembered by their stat so that an unchanged file is not read again.

    Keys are made of file contents, not modification times: a fresh clone (every CI run) gives every
    file a new time but the same digest, so the cache CI restores between runs is used. Locally, a
    file whose size, time and inode are unchanged is not read (as git's index does).
    """

    def __init__(self) -> None:
        self.memo: dict[str, tuple[int, int, int, int, str]] = {}
        self.seen: set[str] = set()
        self.dirty = False

    def load(self, path: Path) -> None:
        """Merges a saved memo (anything unexpected is no memo, never an error)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == FORMAT_VERSION:
                for name, (mtime, ctime, size, ino, digest) in data["files"].items():
                    self.memo.setdefault(str(name), (int(mtime), int(ctime), int(size), int(ino), str(digest)))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return

    def save(self, path: Path) -> None:
        """Writes the digests of the files looked at since the last save (deleted files drop out)."""
        if self.dirty or self.seen != self.memo.keys():
            files = {name: self.memo[name] for name in self.seen if name in self.memo}
            _atomic_write(path, json.dumps({"version": FORMAT_VERSION, "files": files}, separators=(",", ":")))
            self.dirty = False
        self.seen = set()

    def digest(self, path: str, stat: os.stat_result) -> str:
        # The change time moves on every write (no tool can set it back), so a same-size edit is seen.
        signature = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)
        self.seen.add(path)
        known = self.memo.get(path)
        if known is not None and known[:4] == signature:
            return known[4]
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()[:32]
        # A file written in the last seconds may be written again within the clock's resolution: as git
        # does with its index, such a digest is not remembered, so the next run reads the file again.
        if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) > RACY_NS:
            self.memo[path] = (*signature, digest)
            self.dirty = True
        return digest


DIGESTS = ContentDigests()
"""One memo per process: the check fills it, the story pages' keys read it."""


def file_key(root: Path, file: str, is_bundle: bool) -> tuple[Any, ...]:
    """Content identity of a story: its Markdown file and, for a folder story, every entry below the
    folder at any depth (photos may sit in sub-folders). Nothing is followed through a link: a link
    is part of the key as a link, so adding, removing or retargeting one is a change.
    """
    path = os.path.join(root, file)
    stat = os.lstat(path)
    key: list[Any] = [_entry_key(path, stat)]
    if is_bundle:
        folder = os.path.dirname(path)
        key.extend(_folder_entries(folder, ""))
    return tuple(key)


def _entry_key(path: str, stat: os.stat_result) -> Any:
    if os.path.islink(path):
        return ("link", os.readlink(path))
    if not os.path.isfile(path):
        return ("other", stat.st_mode)
    return DIGESTS.digest(path, stat)


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
                found.append((name, info.st_mode, info.st_size, _entry_key(entry.path, info)))
    return found


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


class StoryCache:
    """``stories.json``: the context fingerprint and, per story file, its content key and result."""

    def __init__(self, path: Path | None, context_fingerprint: str) -> None:
        self.path = path
        self.context = context_fingerprint
        self.entries: dict[str, tuple[tuple[Any, ...], StoryResult]] = {}
        self.dirty = False
        if path is not None and path.is_file():
            self.entries = _read_entries(path, context_fingerprint)

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
        entries = {file: [key, story, diagnostics] for file, (key, (story, diagnostics)) in self.entries.items()}
        _atomic_write(self.path, dumps({"context": self.context, "entries": entries}))
        self.dirty = False


def _as_key(value: list[Any]) -> tuple[Any, ...]:
    """JSON has no tuples; a key is a tuple of digests and (name, mode, size, digest) tuples."""
    return tuple(tuple(v) if isinstance(v, list) else v for v in value)


def _read_entries(path: Path, context: str) -> dict[str, tuple[tuple[Any, ...], StoryResult]]:
    """Anything unexpected (another version, a damaged or foreign file) is an empty cache, never an error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("context") != context:
            return {}
        entries: dict[str, tuple[tuple[Any, ...], StoryResult]] = {}
        for file, (key, story, diagnostics) in data["entries"].items():
            result = (
                None if story is None else _unpack(Story, story),
                [_unpack(Diagnostic, row) for row in diagnostics],
            )
            entries[file] = (_as_key(key), result)
        return entries
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
