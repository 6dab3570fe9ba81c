"""Benchmark: validation, full build, one-story rebuild, output size and Hugo's time, same run, same corpus.

    python scripts/bench/run.py                      # 1,000 and 5,000 stories
    python scripts/bench/run.py --sizes 1000 20000   # any sizes
    python scripts/bench/run.py --validate-only --sizes 1000 10000

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


def settle(archive: Path, limit: float = 120.0) -> None:
    """Waits until the previous site, deleted in the background after a build, is gone,
    so its disk work does not count against the next measurement."""
    trash = archive / ".cache" / "honorroll" / "trash"
    deadline = time.monotonic() + limit
    while trash.exists() and any(trash.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.2)


def archive_for(size: int, work: Path) -> Path:
    path = work / f"archive-{size}"
    if not (path / "mkdocs.yml").is_file():
        generate_archive.generate(size, path, force=True)
    return path


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


def measure(size: int, work: Path, validate_only: bool) -> dict[str, str]:
    archive = archive_for(size, work)
    honorroll = [sys.executable, "-m", "honorroll", "check"]
    shutil.rmtree(archive / ".cache", ignore_errors=True)
    cold = timed(honorroll, archive)
    warm = timed(honorroll, archive)
    row = {"stories": f"{size:,}", "check cold": f"{cold.seconds:.2f} s", "check warm": f"{warm.seconds:.2f} s"}
    if validate_only:
        return row
    mkdocs = [sys.executable, "-m", "mkdocs", "build"]
    shutil.rmtree(archive / ".cache", ignore_errors=True)
    shutil.rmtree(archive / "build", ignore_errors=True)
    full = timed(mkdocs, archive)
    generate_archive.modify_one_story(archive)
    settle(archive)
    rebuild = timed(mkdocs, archive)
    settle(archive)
    total, largest, largest_name = tree_bytes(archive / "build")
    hugo_seconds = hugo_build.build(archive, work / f"hugo-{size}", force=True)
    row |= {
        "build": f"{full.seconds:.1f} s",
        "peak memory": f"{full.peak_mb:,.0f} MB",
        "rebuild (1 story)": f"{rebuild.seconds:.1f} s",
        "output": f"{total / 1e6:,.0f} MB",
        "story page": f"{story_page_bytes(archive / 'build') / 1024:.0f} KB",
        "largest page": f"{largest / 1024:.0f} KB ({largest_name})",
        "first search": f"{first_query_bytes(archive / 'build') / 1024:,.0f} KB",
        "hugo": f"{hugo_seconds:.1f} s",
        "build ÷ hugo": f"{full.seconds / hugo_seconds:.1f}×",
    }
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/honorroll-bench"))
    parser.add_argument("--validate-only", action="store_true")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        rows.append(measure(size, args.work, args.validate_only))
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
