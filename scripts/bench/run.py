"""Benchmark: validation, full build, one-story rebuild, output size and Hugo's time, same run, same corpus.

    python scripts/bench/run.py                      # 1,000 and 5,000 stories
    python scripts/bench/run.py --sizes 1000 20000   # any sizes
    python scripts/bench/run.py --validate-only --sizes 1000 10000
    python scripts/bench/run.py --serve              # also: mkdocs serve showing an edited story

Figures per size: the check cold and warm; a cold build (no cache of any kind, no previous site); a
warm CI build (a fresh checkout, i.e. new file times, with what CI restores: the cache and the last build/);
a rebuild after one story changes (the same, as in a pull request's build); peak memory; Hugo's full build of the
same stories and the ratios; output and page sizes; the first search's download.

Archives are generated (deterministically) under --work (default /tmp/honorroll-bench) and
reused when already there. Prints a Markdown table; figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_archive
import hugo_build


@dataclass
class Run:
    seconds: float
    peak_mb: float


def timed(command: list[str], cwd: Path) -> Run:
    """Wall time and peak resident memory of a command and the worker processes it waits for."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        message = process.stderr.read().decode(errors="replace")[-2000:] if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{message}")
    return Run(elapsed, usage.ru_maxrss / 1024)


def settle(cache: Path, limit: float = 120.0) -> None:
    """Waits until the previous site, deleted in the background after a build, is gone,
    so its disk work does not count against the next measurement."""
    trash = cache / "trash"
    deadline = time.monotonic() + limit
    while trash.exists() and any(trash.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.2)


def archive_for(size: int, work: Path) -> Path:
    path = work / f"archive-{size}"
    if not (path / "mkdocs.yml").is_file():
        generate_archive.generate(size, path, force=True)
    return path


def fresh_checkout(archive: Path) -> None:
    """What a new clone does to the content: the same bytes, new modification times."""
    now = time.time_ns()
    for folder in ("stories", "units", "activities", "pages"):
        for path in (archive / folder).rglob("*"):
            os.utime(path, ns=(now, now), follow_symlinks=False)
    os.utime(archive / "mkdocs.yml", ns=(now, now))


def tree_bytes(root: Path) -> tuple[int, int, str]:
    total, largest, largest_name = 0, 0, ""
    for path in root.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            if path.suffix == ".html" and size > largest:
                largest, largest_name = size, str(path.relative_to(root))
    return total, largest, largest_name


def story_page_bytes(build: Path) -> int:
    pages = sorted((build / "stories").glob("*/*/index.html"))
    return pages[len(pages) // 2].stat().st_size if pages else 0


def first_query_bytes(build: Path) -> int:
    """What a reader downloads for a first search: a chunked index's manifest and shards, or Material's index."""
    material = build / "search" / "search_index.json"
    if material.is_file():
        return material.stat().st_size
    try:
        from honorroll.site.search import first_query_bytes as chunked
    except ImportError:
        return 0
    return int(chunked(build, "志愿"))


def serve_latency(archive: Path, env: dict[str, str], port: int = 8765, limit: float = 600.0) -> float:
    """Seconds from saving an edited story until ``mkdocs serve`` serves the new text (after its first build)."""
    import urllib.request

    def fetch(path: str) -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                return str(response.read().decode("utf-8", errors="replace"))
        except OSError:
            return ""

    story = generate_archive.modify_one_story(archive)  # the story the benchmark edits
    if generate_archive.TOUCH_MARK in story.read_text(encoding="utf-8"):
        generate_archive.modify_one_story(archive)  # start without the edit: the first build shows the old text
    rel = story.relative_to(archive / "stories")
    year, story_id = rel.parts[0], (rel.parts[1] if rel.name == "index.md" else rel.stem)
    path = f"/stories/{year}/{story_id}/"
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"]  # --no-livereload stops watching
    server = subprocess.Popen(command, cwd=archive, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + limit
        while generate_archive.TOUCH_MARK in fetch(path) or not fetch(path):
            if time.monotonic() > deadline or server.poll() is not None:
                return float("nan")
            time.sleep(0.5)
        time.sleep(2.0)  # the watcher settles after its first build
        generate_archive.modify_one_story(archive)
        saved = time.perf_counter()
        while generate_archive.TOUCH_MARK not in fetch(path):
            if time.monotonic() > deadline or server.poll() is not None:
                return float("nan")
            time.sleep(0.05)
        return time.perf_counter() - saved
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(size: int, work: Path, validate_only: bool, with_serve: bool) -> dict[str, str]:
    archive = archive_for(size, work)
    # Caches live outside the repository by default (the user's cache folder): point them at a
    # folder of this benchmark's, so "cold" really has no cache of any kind.
    cache = work / f"cache-{size}"
    os.environ["HONORROLL_CACHE_DIR"] = str(cache)
    honorroll = [sys.executable, "-m", "honorroll", "check"]
    shutil.rmtree(cache, ignore_errors=True)
    cold = timed(honorroll, archive)
    warm = timed(honorroll, archive)
    row = {"stories": f"{size:,}", "check cold": f"{cold.seconds:.2f} s", "check warm": f"{warm.seconds:.2f} s"}
    if validate_only:
        return row
    mkdocs = [sys.executable, "-m", "mkdocs", "build"]
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(archive / "build", ignore_errors=True)
    full = timed(mkdocs, archive)  # cold: no cache, no previous site
    settle(cache)
    # Warm CI: a fresh clone (every file gets a new time) with what CI restores between runs, the cache
    # folder and the last build/ (see docs/adopting-ci.md); nothing changed.
    fresh_checkout(archive)
    ci_warm = timed(mkdocs, archive)
    settle(cache)
    # A pull request's build: the same, with one story edited.
    fresh_checkout(archive)
    generate_archive.modify_one_story(archive)
    rebuild = timed(mkdocs, archive)
    settle(cache)
    total, largest, largest_name = tree_bytes(archive / "build")
    hugo_seconds = hugo_build.build(archive, work / f"hugo-{size}", force=True)
    row |= {
        "build cold": f"{full.seconds:.1f} s",
        "peak memory": f"{full.peak_mb:,.0f} MB",
        "build warm (CI cache)": f"{ci_warm.seconds:.1f} s",
        "rebuild (1 story)": f"{rebuild.seconds:.1f} s",
        "hugo": f"{hugo_seconds:.1f} s",
        "cold ÷ hugo": f"{full.seconds / hugo_seconds:.1f}×",
        "warm ÷ hugo": f"{ci_warm.seconds / hugo_seconds:.1f}×",
        "rebuild ÷ hugo": f"{rebuild.seconds / hugo_seconds:.2f}×",
        "output": f"{total / 1e6:,.0f} MB",
        "story page": f"{story_page_bytes(archive / 'build') / 1024:.0f} KB",
        "largest page": f"{largest / 1024:.0f} KB ({largest_name})",
        "first search": f"{first_query_bytes(archive / 'build') / 1024:,.0f} KB",
    }
    if with_serve:
        row["serve: edit shown"] = f"{serve_latency(archive, dict(os.environ)):.1f} s"
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/honorroll-bench"))
    parser.add_argument("--validate-only", action="store_true")
    parser.add_argument("--serve", action="store_true", help="also time mkdocs serve showing an edited story")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        rows.append(measure(size, args.work, args.validate_only, args.serve))
        print(f"… {size:,} stories done", file=sys.stderr, flush=True)
    headers = list(rows[0])
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(row.get(h, "") for h in headers) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
