"""The whole check of a content repository: read, apply every rule, collect every problem."""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from honorroll.check.cache import DIGESTS, StoryCache, StoryResult, file_key, fingerprint, resolve_cache_dir
from honorroll.config import HonorRollConfig
from honorroll.content.activities import Activity, load_activities
from honorroll.content.loader import StorySource, load_units, read_story, scan_stories
from honorroll.content.model import Archive
from honorroll.content.schema import Spec, story_schema
from honorroll.diagnostics import Diagnostic, sort_key, warning
from honorroll.parallel import process_pool
from honorroll.rules.activities import check_activities
from honorroll.rules.archive import check_quotas, check_story_units, check_unique_ids, check_units
from honorroll.rules.context import CheckContext
from honorroll.rules.privacy import check_unit_privacy
from honorroll.rules.published_ids import check_published_ids
from honorroll.rules.quota import QuotaRow, quota_rows
from honorroll.rules.site_config import SiteSettings, check_site
from honorroll.rules.story import check_story

PARALLEL_THRESHOLD = 400
"""Below this many stories to read, starting worker processes costs more than it saves."""


@dataclass(slots=True)
class CheckResult:
    archive: Archive
    today: dt.date
    quotas: list[QuotaRow]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_one_story(source: StorySource, schema: Spec, ctx: CheckContext) -> StoryResult:
    """Reads and checks one story; its texts are dropped from the result and read again only when needed."""
    story, diagnostics = read_story(ctx.root, source, schema, ctx.settings.max_story_bytes)
    if story is None:
        return None, diagnostics
    diagnostics += check_story(story, ctx)
    return story.without_text(), diagnostics


def _check_batch(
    root: Path, sources: list[StorySource], settings: HonorRollConfig, today: dt.date
) -> list[StoryResult]:
    schema = story_schema(settings)
    ctx = CheckContext(root, settings, today)
    return [check_one_story(source, schema, ctx) for source in sources]


_worker: tuple[Spec, CheckContext] | None = None
"""A pool worker's schema and rule context, made once by :func:`_start_worker`."""


def _start_worker(root: Path, settings: HonorRollConfig, today: dt.date) -> None:
    # Inputs arrive as pickled arguments, not inherited globals, so this works under spawn (Windows) too.
    global _worker
    _worker = (story_schema(settings), CheckContext(root, settings, today))


def _worker_batch(sources: list[StorySource]) -> list[StoryResult]:
    assert _worker is not None, "worker started without _start_worker"
    schema, ctx = _worker
    return [check_one_story(source, schema, ctx) for source in sources]


def _check_stories(
    root: Path, sources: list[StorySource], settings: HonorRollConfig, today: dt.date, workers: int
) -> list[StoryResult]:
    if workers <= 1 or len(sources) < PARALLEL_THRESHOLD:
        return _check_batch(root, sources, settings, today)
    size = -(-len(sources) // (workers * 4))
    batches = [sources[i : i + size] for i in range(0, len(sources), size)]
    with process_pool(workers, _start_worker, (root, settings, today)) as pool:
        return [result for batch in pool.map(_worker_batch, batches) for result in batch]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """A check builds tens of thousands of small objects and frees them together; the cyclic
    collector would rescan them over and over meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_repository(
    root: Path,
    settings: HonorRollConfig,
    today: dt.date,
    base_ref: str | None = None,
    *,
    site: SiteSettings | None = None,
    use_cache: bool = True,
    workers: int | None = None,
    site_url: str | None = None,
) -> CheckResult:
    """``site``: the MkDocs settings and pages to check as well (the command line and the build pass them);
    ``site_url`` (mkdocs.yml) is where activity links may point besides ``official_hosts``."""
    with _gc_paused():
        result = _check_repository(root, settings, today, base_ref, use_cache, workers)
        _check_activities(result, settings, site_url)
    if site is not None:
        edition = (f"{settings.traditional_prefix}/",) if settings.traditional_prefix else ()
        result.diagnostics += check_site(root, site, site_url, edition)
        result.diagnostics.sort(key=sort_key)
    return result


def _check_activities(result: CheckResult, settings: HonorRollConfig, site_url: str | None) -> None:
    """Activities: few files, read fresh every run, checked against the already loaded stories and units."""
    root = Path(result.archive.root)
    activities, diagnostics = load_activities(root, settings)
    diagnostics += check_activities(activities, result.archive, CheckContext(root, settings, result.today), site_url)
    result.activities = activities
    result.diagnostics = sorted([*result.diagnostics, *diagnostics], key=sort_key)


def _check_repository(
    root: Path, settings: HonorRollConfig, today: dt.date, base_ref: str | None, use_cache: bool, workers: int | None
) -> CheckResult:
    ctx = CheckContext(root, settings, today)
    diagnostics: list[Diagnostic] = []
    units, unit_diagnostics = load_units(root, settings.units_dir)
    diagnostics += unit_diagnostics
    scan = scan_stories(root, settings.stories_dir)
    diagnostics += scan.diagnostics

    cache_path = None
    if use_cache:
        location = resolve_cache_dir(root, settings.cache_dir)
        cache_path = location.path / "stories.json"
        if location.warning:
            diagnostics.append(warning("cache", "mkdocs.yml", 1, "cache_dir", location.warning))
    if cache_path is not None:
        DIGESTS.load(cache_path.with_name("digests.json"))
    cache = StoryCache(cache_path, fingerprint(sorted(settings.items(), key=str), today))
    results: dict[str, StoryResult] = {}
    keys = {}
    misses = []
    for source in scan.stories:
        key = keys[source.file] = file_key(root, source.file, source.is_bundle)
        hit = cache.get(source.file, key)
        if hit is None:
            misses.append(source)
        else:
            results[source.file] = hit
    fresh = _check_stories(root, misses, settings, today, workers if workers is not None else (os.cpu_count() or 1))
    for source, result in zip(misses, fresh, strict=True):
        results[source.file] = result
        cache.put(source.file, keys[source.file], result)
    cache.keep_only(set(keys))
    cache.save()
    if cache_path is not None:
        DIGESTS.save(cache_path.with_name("digests.json"))

    archive = Archive(str(root), units)
    for source in scan.stories:
        story, story_diagnostics = results[source.file]
        diagnostics += story_diagnostics
        if story is not None:
            archive.stories.append(story)
    diagnostics += check_unique_ids(archive)
    diagnostics += check_units(archive)
    diagnostics += check_unit_privacy(archive)
    diagnostics += check_story_units(archive, ctx)
    rows = quota_rows(archive, settings, today)
    diagnostics += check_quotas(archive, rows, ctx)
    diagnostics += check_published_ids(root, settings.stories_dir, base_ref, {s.id: s for s in archive.stories})
    diagnostics.sort(key=sort_key)
    return CheckResult(archive, today, rows, diagnostics)
