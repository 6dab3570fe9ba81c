"""Each published story's own files, written in parallel: its page (fast mode), poster, short link, print QR.

**The story-page contract.** A story page is the theme's ``honorroll/story.html`` for that
story: Material's chrome around the regions ``partials/hr-head.html``, ``partials/hr-topic.html``
and ``partials/hr-story.html`` (see :mod:`honorroll.site.render`). Two ways make it, with the same
templates and byte-identical output (``tests/test_story_pages.py`` compares them):

* ``stamp_story_pages: false``: every story is an ordinary MkDocs page. Every plugin's and hook's
  page events run on it; MkDocs renders the chrome and the regions for each story.
* ``stamp_story_pages: true`` (default, fast): MkDocs' environment renders the chrome *once*, as
  a shell for a stand-in page at the same depth (``stories/0000/hr-shell/``) whose regions are
  markers; workers render each story's regions from its view and put them where the markers
  were. Other plugins' page events do not run on story pages; the build says which configured
  plugins and hooks that concerns (see ``HonorRollPlugin.on_config``).

In both modes the poster, short link and print QR of each story are rendered here, from the
theme's templates. A story whose key is unchanged is hard-linked from the previous build.
Workers receive a :class:`StampJob` through the pool's initializer, never through globals set
before a fork, so the same code runs under ``spawn``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import markdown
from markupsafe import Markup

from honorroll.check.cache import code_fingerprint, file_key
from honorroll.content.model import Story
from honorroll.parallel import process_pool
from honorroll.site import urls, views
from honorroll.site.hant import StampedEdition
from honorroll.site.qr import QrCode
from honorroll.site.render import Renderer, Shell

STORY_SHELL = "stories/0000/hr-shell/"
"""Where the shell's stand-in page is rendered: the depth of every story page, so relative links match."""
POSTER_TEMPLATE = "honorroll/poster.html"
SHORT_LINK_TEMPLATE = "honorroll/short-link.html"
STORY_ROOTS = ("stories", "poster", "s", "qr")
"""Top folders of the files :func:`story_files` names."""
PARALLEL_THRESHOLD = 200


@dataclass(frozen=True)
class StampJob:
    """Everything a worker needs, small and picklable."""

    site: views.SiteData
    renderer: Renderer
    shell: Shell | None
    """The story page's chrome; None when MkDocs renders story pages itself."""
    extensions: list[Any]
    extension_configs: dict[str, Any]
    site_dir: Path
    csp: str
    """Policy of the pages outside the chrome (poster, short link)."""
    edition: StampedEdition | None = None
    """The Traditional edition, written beside each Simplified file; None when the site has none."""

    def base_key(self, theme_key: str) -> str:
        """What every story's files depend on besides the story: code, templates, settings, chrome."""
        settings = replace(self.site, units={}, images={})  # a story's own unit and images: story_keys
        markdown_settings = (self.extensions, sorted(self.extension_configs.items(), key=str))
        shell = self.shell.parts if self.shell is not None else None
        edition = self.edition.edition.key() if self.edition is not None else None
        return hashlib.sha256(
            repr((code_fingerprint(), theme_key, settings, markdown_settings, shell, self.csp, edition)).encode()
        ).hexdigest()

    @property
    def prefix(self) -> str | None:
        return self.edition.edition.prefix if self.edition is not None else None


def story_files(story: Story, with_page: bool = True, prefix: str | None = None) -> list[str]:
    """The files each published story gets in the site (its page only in fast mode), and their
    Traditional copies under ``prefix``."""
    files = [
        urls.poster_path(story.id) + "index.html",
        urls.short_path(story.id) + "index.html",
        urls.qr_png_path(story.id),
    ]
    if with_page:
        files.insert(0, urls.story_path(story) + "index.html")
    return files + [f"{prefix}/{rel}" for rel in files] if prefix else files


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _write(path: Path, data: bytes) -> None:
    """A new file, never written through a hard link into the previous build.

    Tries the common case (folder there, file not) with one system call; 20,000 stories make
    80,000 files, where a ``mkdir`` and an ``unlink`` before each write were a visible cost.
    """
    try:
        fd = os.open(path, _NEW_FILE, 0o666)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, _NEW_FILE, 0o666)
    except FileExistsError:
        path.unlink()
        fd = os.open(path, _NEW_FILE, 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _link_file(source: str, target: str) -> bool:
    """``target`` becomes the same file as ``source`` (a copy where links are not allowed), never by
    writing into an existing ``target`` (it may be a link into the last build); False if no ``source``."""
    for _attempt in range(3):
        try:
            os.link(source, target)
            return True
        except FileNotFoundError:
            if not os.path.exists(source):
                return False
            os.makedirs(os.path.dirname(target), exist_ok=True)
        except FileExistsError:  # linked from the last build before a missing file ended the reuse
            os.unlink(target)
        except OSError:  # another file system, or links not allowed
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if os.path.lexists(target):
                os.unlink(target)
            shutil.copyfile(source, target)
            return True
    return False


def _link_into(source: Path, target: Path) -> None:
    """The same bytes at a second address (the Traditional copy of a picture)."""
    if not _link_file(str(source), str(target)):
        raise FileNotFoundError(source)


class Worker:
    def __init__(self, job: StampJob) -> None:
        self.job = job
        self.md = markdown.Markdown(extensions=job.extensions, extension_configs=job.extension_configs)

    def story_view(self, story: Story, qr_svg: Markup) -> views.StoryPage:
        self.md.reset()
        body = views.publishable_body(self.md.convert(story.body))
        return views.story_page(story, self.job.site, body, qr_svg)

    def write(self, story: Story) -> None:
        job, site, renderer = self.job, self.job.site, self.job.renderer
        qr = QrCode(site.short_url(story.id))  # a story's code is made again only with its page: no cache
        svg = Markup(qr.svg())
        if job.shell is not None:
            view = self.story_view(story, svg)
            regions = {name: str(renderer.region(name, view)) for name in job.shell.regions}
            rel = urls.story_path(story) + "index.html"
            if job.edition is None:
                self._page(rel, job.shell.fill(regions))
            else:
                self._page(rel, *job.edition.story_page(regions, rel))
        rel = urls.poster_path(story.id) + "index.html"
        self._whole_page(rel, renderer.render(POSTER_TEMPLATE, views.poster_page(story, site, svg, job.csp)))
        rel = urls.short_path(story.id) + "index.html"
        self._whole_page(rel, renderer.render(SHORT_LINK_TEMPLATE, views.short_link_page(story, site, job.csp)))
        rel = urls.qr_png_path(story.id)
        _write(job.site_dir / rel, qr.png())
        if job.prefix:
            _link_into(job.site_dir / rel, job.site_dir / job.prefix / rel)

    def _whole_page(self, rel: str, html: str) -> None:
        if self.job.edition is None:
            self._page(rel, html)
        else:
            self._page(rel, *self.job.edition.page(html, rel))

    def _page(self, rel: str, simplified: str, traditional: str | None = None) -> None:
        _write(self.job.site_dir / rel, simplified.encode())
        if traditional is not None and self.job.prefix:
            _write(self.job.site_dir / self.job.prefix / rel, traditional.encode())


_WORKER: Worker | None = None

Task = tuple[Story, bool]
"""A story, and whether its files can be linked from the last build (its key is unchanged)."""


def _start(job: StampJob) -> None:
    """Pool initializer: each worker process builds its own renderer and Markdown converter once."""
    global _WORKER
    _WORKER = Worker(job)


def _run(worker: Worker, tasks: list[Task], previous: str | None) -> int:
    """Links or renders each story's files; returns how many were rendered."""
    rendered = 0
    job = worker.job
    for story, reusable in tasks:
        linked = reusable and previous and _reuse(story, previous, str(job.site_dir), job.shell is not None, job.prefix)
        if not linked:
            worker.write(story)
            rendered += 1
    return rendered


def _render_batch(tasks: list[Task], previous: str | None) -> int:
    assert _WORKER is not None
    return _run(_WORKER, tasks, previous)


def _batches(items: Sequence[Task], workers: int) -> Iterator[list[Task]]:
    """Small batches, the reusable stories spread over them: linking is much cheaper than rendering."""
    size = max(1, -(-len(items) // (workers * 8)))
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def story_keys(job: StampJob, stories: Sequence[Story], theme_key: str) -> dict[str, str]:
    """A key per story that changes whenever anything its files show could change.

    Built from the files' content digests (remembered by stat, so an unchanged archive of 20,000
    stories is recognised without reading it, and a fresh clone with the same files gets the same keys).
    """
    base = job.base_key(theme_key)
    keys = {}
    for story in stories:
        unit = job.site.units.get(story.unit or "")
        stat = file_key(Path(story.root), story.file, story.is_bundle)
        images = job.site.images.get(story.id)
        shown = (images.photos, images.share) if images is not None else None  # paths and sizes, not cache files
        featured = job.site.featured.get(story.id)  # an activity file changes the story's page too
        keys[story.id] = hashlib.sha256(repr((base, story.file, stat, unit, shown, featured)).encode()).hexdigest()
    return keys


def _reuse(story: Story, previous: str, site_dir: str, with_page: bool, prefix: str | None) -> bool:
    """Hard-links the story's files from the previous build; False if any is missing.

    Plain ``os`` calls, a folder made only when a link finds none: this runs for every story of
    every rebuild, in the workers, while MkDocs renders the other pages.
    """
    for name in story_files(story, with_page, prefix):
        if not _link_file(os.path.join(previous, name), os.path.join(site_dir, name)):
            return False
    return True


class StoryFiles:
    """Story files being written: started before MkDocs renders its pages, finished after.

    The workers render (or link) stories while the main process renders the list pages, so both
    cores are busy for the whole build instead of one of them waiting for the other.
    """

    def __init__(
        self,
        job: StampJob,
        tasks: list[Task],
        keys: dict[str, str],
        manifest: Path,
        workers: int,
        previous: Path | None,
    ) -> None:
        self.job = job
        self.tasks = tasks
        self.previous = str(previous) if previous is not None else None
        with_page = job.shell is not None
        self.files = frozenset(rel for story, _ in tasks for rel in story_files(story, with_page))
        """Every story's files (Simplified addresses), rendered now or linked from the last build."""
        self.keys = keys
        self.manifest = manifest
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future[int]] = []
        self.sizes: list[int] = []
        self.handled = 0
        self.rendered = 0
        if workers > 1 and len(tasks) >= PARALLEL_THRESHOLD:
            self.pool = process_pool(workers, initializer=_start, initargs=(job,))
            batches = list(_batches(tasks, workers))
            self.sizes = [len(batch) for batch in batches]
            self.futures = [self.pool.submit(_render_batch, batch, self.previous) for batch in batches]

    def done(self) -> int:
        """Stories handled so far (workers report per batch)."""
        if self.pool is None:
            return self.handled
        return sum(self.sizes[i] for i, future in enumerate(self.futures) if future.done())

    def finish(self, on_progress: Callable[[], None] | None = None) -> int:
        """Waits for the workers (or works here, for a few stories); returns how many were rendered
        (the others were linked from the last build).

        ``on_progress`` is called after each finished batch (or story), to report progress.
        """
        if self.pool is None:
            worker = Worker(self.job)
            for task in self.tasks:
                self.rendered += _run(worker, [task], self.previous)
                self.handled += 1
                if on_progress is not None:
                    on_progress()
        else:
            try:
                for future in as_completed(self.futures):
                    self.rendered += future.result()
                    if on_progress is not None:
                        on_progress()
            finally:
                self.cancel()
        # Takes effect only once this build replaces the previous one (see commit_manifest).
        _write_manifest(_pending(self.manifest), self.keys)
        return self.rendered

    def cancel(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def start_story_files(
    job: StampJob,
    stories: Sequence[Story],
    cache_dir: Path,
    *,
    theme_key: str = "",
    previous_site: Path | None = None,
    target: Path | None = None,
    workers: int | None = None,
) -> StoryFiles:
    """Starts writing every published story's files.

    With ``previous_site`` (the last good build, still in place while this one is staged), a
    story whose key is unchanged is hard-linked from there instead of rendered again.
    ``target`` is where the finished site will live; each target keeps its own record of keys.
    """
    keys = story_keys(job, stories, theme_key)
    manifest = manifest_path(cache_dir, target or job.site_dir)
    old_keys = _read_manifest(manifest) if previous_site is not None else {}
    tasks = [(story.without_text(), old_keys.get(story.id) == keys[story.id]) for story in stories]
    workers = workers if workers is not None else (os.cpu_count() or 1)
    return StoryFiles(job, tasks, keys, manifest, workers, previous_site)


def write_story_files(job: StampJob, stories: Sequence[Story], cache_dir: Path, **options: Any) -> int:
    """:func:`start_story_files` and wait: returns how many stories were rendered."""
    return start_story_files(job, stories, cache_dir, **options).finish()


def manifest_path(cache_dir: Path, target: Path) -> Path:
    """The keys of the stories in the site at ``target`` (``build/``, or the folder ``mkdocs serve`` uses)."""
    name = hashlib.sha256(str(target.resolve()).encode()).hexdigest()[:16]
    return cache_dir / "stamped" / f"{name}.json"


def _pending(manifest: Path) -> Path:
    return manifest.with_suffix(".pending")


def commit_manifest(cache_dir: Path, target: Path) -> None:
    """Called once the new site is in place at ``target``: its keys now describe what the site holds."""
    manifest = manifest_path(cache_dir, target)
    if _pending(manifest).is_file():
        os.replace(_pending(manifest), manifest)


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        return {}
    return data


def _write_manifest(path: Path, keys: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(keys, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)
