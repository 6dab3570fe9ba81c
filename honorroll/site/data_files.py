"""The site's data files, the search index and the open data, written by a process of their own.

Neither depends on a rendered page, so they are made while MkDocs renders the list pages and
the story workers write story files: after a one-story edit the story workers only link files,
and this work would otherwise wait, alone, for MkDocs to finish. The job reaches the process
through the pool's initializer (inherited, not copied, where processes fork; see ``parallel``).

The files are a function of the archive's content, the settings, the day and this code: the
last build's are kept in the cache under that key, so a build in which no story, unit or setting
changed (CI on a fresh clone, say) copies them instead of indexing 20,000 stories again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from honorroll.check.cache import code_fingerprint, file_key
from honorroll.check.run import CheckResult
from honorroll.config import HonorRollConfig
from honorroll.parallel import process_pool
from honorroll.site import open_data, search, urls
from honorroll.site.story_images import StoryImages

BACKGROUND_THRESHOLD = 500
"""Below this many stories, a process of its own costs more than it saves."""


@dataclass(frozen=True)
class DataJob:
    site_dir: Path
    result: CheckResult
    settings: HonorRollConfig
    site_url: str
    images: Mapping[str, StoryImages] | None
    cache: Path | None = None
    """``<cache>/data-files/<key>/``: the files of the last build, by the key of their inputs."""

    def key(self) -> str:
        archive = self.result.archive
        stories = [(repr(s.without_text()), file_key(Path(s.root), s.file, s.is_bundle)) for s in archive.stories]
        units = sorted(repr(u) for u in archive.units.values())
        inputs = (
            code_fingerprint(),
            self.site_url,
            self.result.today,
            repr(self.settings),
            self.images,
            units,
            stories,
        )
        return hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]

    def run(self, workers: int | None = None) -> None:
        remembered = self.cache / self.key() if self.cache is not None else None
        if remembered is not None and (remembered / DONE).is_file() and _copy_tree(remembered, self.site_dir):
            return
        written = list(search.write_site_index(self.site_dir, self.result, urls.story_path, workers=workers))
        for path in open_data.write_open_data(self.site_dir, self.result, self.settings, self.site_url, self.images):
            written.append(path.relative_to(self.site_dir).as_posix())
        if remembered is not None:
            _remember(self.site_dir, written, remembered)


DONE = ".complete"


def _copy_tree(source: Path, site_dir: Path) -> bool:
    """Copies (never links: the site must not share a file with the cache) the files the entry lists;
    False, and the job runs, if any is missing (another build replaced the entry meanwhile)."""
    try:
        listed = (source / DONE).read_text(encoding="utf-8").splitlines()
        for rel in listed:
            (site_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / rel, site_dir / rel)
    except OSError:
        return False
    return bool(listed)


def _remember(site_dir: Path, written: list[str], target: Path) -> None:
    """Keeps the files this job wrote (only those: MkDocs writes beside them) as the cache's only
    entry: one archive's worth of cache, not one per build."""
    parent = target.parent
    staging = parent.with_name(f".{parent.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for rel in written:
            copy = staging / target.name / rel
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site_dir / rel, copy)
        (staging / target.name / DONE).write_text("\n".join(written), encoding="utf-8")
        shutil.rmtree(parent, ignore_errors=True)
        os.replace(staging, parent)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


_JOB: DataJob | None = None


def _start(job: DataJob) -> None:
    global _JOB
    _JOB = job


def _run() -> None:
    assert _JOB is not None
    _JOB.run()


class DataFiles:
    """The job, started now in the background (many stories) or run when finished (few)."""

    def __init__(self, job: DataJob, background: bool | None = None) -> None:
        self.job = job
        self.pool: ProcessPoolExecutor | None = None
        self.future: Future[None] | None = None
        if background if background is not None else len(job.result.archive.stories) >= BACKGROUND_THRESHOLD:
            self.pool = process_pool(1, initializer=_start, initargs=(job,))
            self.future = self.pool.submit(_run)

    def finish(self) -> None:
        if self.future is None:
            self.job.run()
            return
        try:
            self.future.result()
        finally:
            self.cancel()

    def cancel(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
